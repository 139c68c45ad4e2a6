//! Mail goes out through an outbox: each message is a row written in the same transaction as
//! the event that causes it, claimed by one instance at a time, and marked sent only after the
//! SMTP server has taken it. The recipient is sealed while the message waits and erased once it
//! is delivered or given up. Objectors choose on the form whether to be told by e-mail.
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
                    .table(a("mail_outbox"))
                    .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(a("message_id")).string_len(200).not_null().unique_key())
                    .col(ColumnDef::new(a("kind")).string_len(60).not_null())
                    .col(ColumnDef::new(a("unit_id")).integer().null())
                    .col(ColumnDef::new(a("objection_id")).integer().null())
                    .col(ColumnDef::new(a("recipient_sealed")).text().null())
                    .col(ColumnDef::new(a("recipient_masked")).string_len(300).not_null())
                    .col(ColumnDef::new(a("subject")).text().not_null())
                    .col(ColumnDef::new(a("body_text")).text().not_null())
                    .col(ColumnDef::new(a("body_html")).text().not_null())
                    .col(ColumnDef::new(a("state")).string_len(16).not_null())
                    .col(ColumnDef::new(a("attempts")).integer().not_null().default(0))
                    .col(ColumnDef::new(a("next_attempt_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("claimed_by")).string_len(64).null())
                    .col(ColumnDef::new(a("claimed_until")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("sent_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("last_error")).text().null())
                    .col(ColumnDef::new(a("smtp_reply")).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("mail_outbox_due")
                    .table(a("mail_outbox"))
                    .col(a("state"))
                    .col(a("next_attempt_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("mail_outbox_unit").table(a("mail_outbox")).col(a("unit_id")).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(a("objections"))
                    .add_column(ColumnDef::new(a("notify_by_email")).boolean().not_null().default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Alias::new("objections")).drop_column(Alias::new("notify_by_email")).to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(Alias::new("mail_outbox")).to_owned()).await
    }
}
