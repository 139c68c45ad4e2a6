//! gongshi (公示): public notices of award processes and the objections filed against them.
//!
//! Layout: `web` (shared HTTP concerns), business modules each with a domain service, handlers
//! and views, and the infrastructure they stand on (`db`, `clock`, `settings`).
pub mod access;
pub mod accounts;
pub mod audit;
pub mod audit_log;
pub mod backup;
pub mod campaigns;
pub mod china_time;
pub mod cli;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
pub mod feeds;
pub mod imports;
pub mod jobs;
pub mod keys;
pub mod ledger;
pub mod loadgen;
pub mod markdown;
pub mod notices;
pub mod objections;
pub mod offline;
pub mod openapi;
pub mod personal_data;
pub mod phone;
pub mod progress;
pub mod projects;
pub mod public_site;
pub mod receipts;
pub mod recommendations;
pub mod report_standing;
pub mod reports;
pub mod routes;
pub mod secrets;
pub mod settings;
pub mod startup;
pub mod summary_table;
pub mod test_clock;
pub mod tokens;
pub mod transparency;
pub mod units;
pub mod users;
pub mod verify;
pub mod web;
