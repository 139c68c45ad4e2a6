//! Readers' e-mail subscriptions and the journal of public events they are told of.
//!
//! A subscription keeps its address and link token sealed under the master key
//! (`contact_sealed`), a keyed digest of the address to find an address's subscriptions
//! without opening them, and the SHA-256 of its token to find it from a link. The journal
//! (`subscription_events`) holds each public event once (`key`), with the unit path, level and
//! campaign it is matched on, and how far its immediate delivery has gone, so a crash in the
//! middle of telling 100,000 subscribers goes on where it stopped. Mail in the outbox may carry
//! a one-click unsubscribe address and the subscription it is for (suspended on a hard bounce).
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
                    .table(a("subscriptions"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("token_hash")).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(a("contact_sealed")).text().null())
                    .col(ColumnDef::new(a("address_digest")).string_len(64).null())
                    .col(ColumnDef::new(a("state")).string_len(20).not_null())
                    .col(ColumnDef::new(a("scope")).string_len(20).not_null())
                    .col(ColumnDef::new(a("unit_id")).integer().null())
                    .col(ColumnDef::new(a("level")).integer().null())
                    .col(ColumnDef::new(a("campaign_id")).integer().null())
                    .col(ColumnDef::new(a("frequency")).string_len(20).not_null())
                    .col(ColumnDef::new(a("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("confirmed_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("ended_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("end_reason")).string_len(20).null())
                    .col(ColumnDef::new(a("erased_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("digest_through")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("last_mailed_at")).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("subscriptions_address", &["address_digest"][..]),
            ("subscriptions_delivery", &["state", "frequency", "scope"][..]),
            ("subscriptions_unit", &["unit_id"][..]),
        ] {
            let mut index = Index::create().name(name).table(a("subscriptions")).to_owned();
            for col in cols {
                index.col(a(col));
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(a("subscription_events"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("key")).string_len(200).not_null().unique_key())
                    .col(ColumnDef::new(a("kind")).string_len(30).not_null())
                    .col(ColumnDef::new(a("notice_id")).integer().not_null())
                    .col(ColumnDef::new(a("unit_path")).string_len(400).not_null())
                    .col(ColumnDef::new(a("level")).integer().not_null())
                    .col(ColumnDef::new(a("campaign_id")).integer().not_null())
                    .col(ColumnDef::new(a("title")).text().not_null())
                    .col(ColumnDef::new(a("summary")).text().not_null())
                    .col(ColumnDef::new(a("path")).string_len(200).not_null())
                    .col(ColumnDef::new(a("occurred_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("recorded_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("delivered_through")).integer().not_null().default(0))
                    .col(ColumnDef::new(a("delivered_at")).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("subscription_events_recorded")
                    .table(a("subscription_events"))
                    .col(a("recorded_at"))
                    .to_owned(),
            )
            .await?;
        for column in ["list_unsubscribe", "subscription_id"] {
            let mut def = ColumnDef::new(a(column));
            if column == "subscription_id" {
                def.integer()
            } else {
                def.text()
            };
            manager
                .alter_table(Table::alter().table(a("mail_outbox")).add_column(def.null().to_owned()).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        for column in ["subscription_id", "list_unsubscribe"] {
            manager.alter_table(Table::alter().table(a("mail_outbox")).drop_column(a(column)).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table(a("subscription_events")).to_owned()).await?;
        manager.drop_table(Table::drop().table(a("subscriptions")).to_owned()).await
    }
}
