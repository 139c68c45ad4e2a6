//! The integration tests: one binary, the real application on port 0, a fresh migrated
//! database per test — SQLite always, and PostgreSQL too when GONGSHI_TEST_POSTGRES_URL is set.
#![expect(clippy::unwrap_used, reason = "test helpers, like the tests, fail loudly on what they do not expect")]
mod fixtures;
mod helpers;

mod access_matrix;
mod accounts;
mod admin_api;
mod architecture;
mod dashboard;
mod feeds;
mod foundation;
mod freshness;
mod gate;
mod handling_notes;
mod hardening;
mod import;
mod import_docs;
mod keys;
mod ledger;
mod loadgen;
mod login_limits;
mod migrations;
mod notices;
mod notices_admin;
mod notices_demo;
mod notices_escaping;
mod notices_pages;
mod notices_support;
mod objections;
mod objections_evidence;
mod objections_lookup;
mod objections_matrix;
mod objections_staff;
mod objections_support;
mod pdf_read;
mod privacy;
mod projects_admin;
mod public_api;
mod reports;
mod reports_demo;
mod reports_matrix;
mod reports_summary;
mod reports_support;
mod security;
mod token_lifetime;
mod transport;
