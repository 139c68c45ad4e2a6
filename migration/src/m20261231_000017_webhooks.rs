//! Signed webhooks: the endpoints units register, each delivery of an event to one of them,
//! every attempt with the receiver's answer, and how far the fan-out has read the ledger.
//!
//! An endpoint keeps its signing secret sealed under the master key (and, for a day after a
//! rotation, the previous one too). A delivery keeps the exact body it sends, so every retry
//! and replay signs the same bytes; `round` tells a manual replay from the first delivery of the
//! same ledger entry, and the unique key on (endpoint, entry, round) makes the fan-out safe to
//! run from several instances at once.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_endpoints"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("unit_id")).integer().not_null())
                    .col(ColumnDef::new(a("url")).text().not_null())
                    .col(ColumnDef::new(a("description")).string_len(100).not_null())
                    .col(ColumnDef::new(a("event_types")).string_len(400).not_null())
                    .col(ColumnDef::new(a("secret_sealed")).text().not_null())
                    .col(ColumnDef::new(a("previous_secret_sealed")).text().null())
                    .col(ColumnDef::new(a("previous_until")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("enabled")).boolean().not_null())
                    .col(ColumnDef::new(a("disabled_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("disabled_reason")).string_len(20).null())
                    .col(ColumnDef::new(a("from_seq")).big_integer().not_null())
                    .col(ColumnDef::new(a("failing_since")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("last_success_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("created_by")).integer().null())
                    .col(ColumnDef::new(a("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("updated_at")).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_endpoints_unit")
                    .table(a("webhook_endpoints"))
                    .col(a("unit_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_deliveries"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("endpoint_id")).integer().not_null())
                    .col(ColumnDef::new(a("ledger_seq")).big_integer().not_null())
                    .col(ColumnDef::new(a("round")).integer().not_null().default(0))
                    .col(ColumnDef::new(a("event_id")).string_len(40).not_null())
                    .col(ColumnDef::new(a("event_type")).string_len(40).not_null())
                    .col(ColumnDef::new(a("body")).text().not_null())
                    .col(ColumnDef::new(a("state")).string_len(20).not_null())
                    .col(ColumnDef::new(a("attempts")).integer().not_null().default(0))
                    .col(ColumnDef::new(a("next_attempt_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("claimed_by")).string_len(40).null())
                    .col(ColumnDef::new(a("claimed_until")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("last_status")).integer().null())
                    .col(ColumnDef::new(a("last_error")).text().null())
                    .col(ColumnDef::new(a("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("delivered_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("replayed_by")).integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_once")
                    .table(a("webhook_deliveries"))
                    .col(a("endpoint_id"))
                    .col(a("ledger_seq"))
                    .col(a("round"))
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_due")
                    .table(a("webhook_deliveries"))
                    .col(a("state"))
                    .col(a("next_attempt_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_attempts"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("delivery_id")).integer().not_null())
                    .col(ColumnDef::new(a("at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("status")).integer().null())
                    .col(ColumnDef::new(a("error")).text().null())
                    .col(ColumnDef::new(a("duration_ms")).integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_attempts_delivery")
                    .table(a("webhook_attempts"))
                    .col(a("delivery_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("webhook_cursor"))
                    .col(ColumnDef::new(a("name")).string_len(40).not_null().primary_key())
                    .col(ColumnDef::new(a("last_seq")).big_integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        for table in ["webhook_cursor", "webhook_attempts", "webhook_deliveries", "webhook_endpoints"] {
            manager.drop_table(Table::drop().table(a(table)).to_owned()).await?;
        }
        Ok(())
    }
}
