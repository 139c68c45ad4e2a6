//! sea-orm entities: the rows only. Rules live in the application crate's domain modules.

pub mod api_tokens;
pub mod app_secrets;
pub mod audit_log;
pub mod campaign_deadlines;
pub mod campaign_quotas;
pub mod campaigns;
pub mod ended_sessions;
pub mod ledger;
pub mod notice_items;
pub mod notice_revisions;
pub mod notices;
pub mod objection_attachments;
pub mod objection_events;
pub mod objections;
pub mod objector_identities;
pub mod project_completers;
pub mod project_ip_items;
pub mod project_units;
pub mod projects;
pub mod recommendations;
pub mod report_outcomes;
pub mod result_reports;
pub mod setup_tokens;
pub mod units;
pub mod users;
