//! Reminders of objections' handling deadlines and of campaigns' submission deadlines, and
//! alerts of reports that stopped standing under a unit's recommendations: each
//! staff member's address for them and whether they want them by e-mail (otherwise the home
//! page only), and one row per case and stage, per deadline, and per report, unit and standing
//! told, so each goes out once whichever instance runs the job.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager
            .alter_table(
                Table::alter()
                    .table(a("users"))
                    .add_column(ColumnDef::new(a("notify_email")).string_len(254).null())
                    .to_owned(),
            )
            .await?;
        for column in ["mail_handling_reminders", "mail_escalations", "mail_unit_events"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(a("users"))
                        .add_column(ColumnDef::new(a(column)).boolean().not_null().default(true))
                        .to_owned(),
                )
                .await?;
        }
        // The reminder job and every staff home page look for open cases by deadline; most
        // cases are long concluded, so the state comes first.
        manager
            .create_index(
                Index::create()
                    .name("objections_status_due")
                    .table(a("objections"))
                    .col(a("status"))
                    .col(a("handling_due_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("objection_reminders"))
                    .col(ColumnDef::new(a("objection_id")).integer().not_null())
                    .col(ColumnDef::new(a("stage")).string_len(20).not_null())
                    .col(ColumnDef::new(a("sent_at")).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(a("objection_id")).col(a("stage")))
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("objection_reminders"), a("objection_id"))
                            .to(a("objections"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("deadline_reminders"))
                    .col(ColumnDef::new(a("deadline_id")).integer().not_null().primary_key())
                    .col(ColumnDef::new(a("sent_at")).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("deadline_reminders"), a("deadline_id"))
                            .to(a("campaign_deadlines"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(a("report_alerts"))
                    .col(ColumnDef::new(a("report_id")).integer().not_null())
                    .col(ColumnDef::new(a("unit_id")).integer().not_null())
                    .col(ColumnDef::new(a("standing")).string_len(20).not_null())
                    .col(ColumnDef::new(a("sent_at")).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(a("report_id")).col(a("unit_id")).col(a("standing")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let a = Alias::new;
        manager.drop_table(Table::drop().table(a("report_alerts")).to_owned()).await?;
        manager.drop_table(Table::drop().table(a("deadline_reminders")).to_owned()).await?;
        manager.drop_table(Table::drop().table(a("objection_reminders")).to_owned()).await?;
        manager.drop_index(Index::drop().name("objections_status_due").table(a("objections")).to_owned()).await?;
        for column in ["mail_unit_events", "mail_escalations", "mail_handling_reminders", "notify_email"] {
            manager.alter_table(Table::alter().table(a("users")).drop_column(a(column)).to_owned()).await?;
        }
        Ok(())
    }
}
