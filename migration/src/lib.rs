//! Database schema for gongshi, as one ordered list of migrations (SQLite and PostgreSQL alike).
pub use sea_orm_migration::prelude::*;

mod m20250101_000001_initial;
mod m20261205_000002_public_changes;
mod m20261210_000003_public_summary;
mod m20261210_000004_token_expiry;
mod m20261210_000005_ended_sessions;
mod m20261215_000006_sealed_identities;
mod m20261220_000007_withdrawals_and_review_grades;
mod m20261220_000008_offline_records;
mod m20261220_000009_planner_margin;
mod m20261220_000010_campaign_records;
mod m20261220_000011_job_leases;
mod m20261220_000012_notice_rules;
mod m20261220_000013_calendar_keys;
mod m20261227_000014_mail_outbox;
mod m20261227_000015_handling_reminders;
mod m20261227_000016_subscriptions;
mod m20261231_000017_webhooks;

pub use m20261205_000002_public_changes::PUBLIC_TABLES;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250101_000001_initial::Migration),
            Box::new(m20261205_000002_public_changes::Migration),
            Box::new(m20261210_000003_public_summary::Migration),
            Box::new(m20261210_000004_token_expiry::Migration),
            Box::new(m20261210_000005_ended_sessions::Migration),
            Box::new(m20261215_000006_sealed_identities::Migration),
            Box::new(m20261220_000007_withdrawals_and_review_grades::Migration),
            Box::new(m20261220_000008_offline_records::Migration),
            Box::new(m20261220_000009_planner_margin::Migration),
            Box::new(m20261220_000010_campaign_records::Migration),
            Box::new(m20261220_000011_job_leases::Migration),
            Box::new(m20261220_000012_notice_rules::Migration),
            Box::new(m20261220_000013_calendar_keys::Migration),
            Box::new(m20261227_000014_mail_outbox::Migration),
            Box::new(m20261227_000015_handling_reminders::Migration),
            Box::new(m20261227_000016_subscriptions::Migration),
            Box::new(m20261231_000017_webhooks::Migration),
        ]
    }
}
