//! Notices posted offline (张榜、媒体) and their paper 公示结果报告, recorded after the fact.
//! They reuse `notices` and `result_reports`, so public pages, objections and the gate see them
//! as any other: `notices.channel` says how the notice was posted (`online` / `offline`) and
//! `posted_where` where; the receiving unit's decision on an offline record sits on the notice
//! (`offline_review`: `pending` / `accepted` / `rejected`, with reason, who and when), and a
//! paper report points at its scan. Scans live in `offline_scans`, which only staff read, so it
//! needs no public triggers; the new columns of `notices` and `result_reports` are covered by
//! the triggers those tables already have.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn scans() -> TableCreateStatement {
    Table::create()
        .table(a("offline_scans"))
        .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
        .col(ColumnDef::new(a("unit_id")).integer().not_null())
        .col(ColumnDef::new(a("kind")).string_len(16).not_null())
        .col(ColumnDef::new(a("media_type")).string_len(64).not_null())
        .col(ColumnDef::new(a("size")).integer().not_null())
        .col(ColumnDef::new(a("sha256")).string_len(64).not_null())
        .col(ColumnDef::new(a("bytes")).blob().not_null())
        .col(ColumnDef::new(a("uploaded_by")).integer().null())
        .col(ColumnDef::new(a("uploaded_at")).timestamp_with_time_zone().not_null())
        .foreign_key(
            ForeignKey::create()
                .from_tbl(a("offline_scans"))
                .from_col(a("unit_id"))
                .to_tbl(a("units"))
                .to_col(a("id"))
                .on_delete(ForeignKeyAction::Restrict),
        )
        .take()
}

/// One column per statement: SQLite adds columns one at a time.
fn added(table: &str, column: ColumnDef) -> TableAlterStatement {
    Table::alter().table(a(table)).add_column(column).take()
}

fn new_columns() -> Vec<TableAlterStatement> {
    vec![
        added("notices", ColumnDef::new(a("channel")).string_len(16).not_null().default("online").take()),
        added("notices", ColumnDef::new(a("posted_where")).text().null().take()),
        added("notices", ColumnDef::new(a("offline_scan_id")).integer().null().take()),
        added("notices", ColumnDef::new(a("offline_review")).string_len(16).null().take()),
        added("notices", ColumnDef::new(a("offline_review_reason")).text().null().take()),
        added("notices", ColumnDef::new(a("offline_reviewed_by")).integer().null().take()),
        added("notices", ColumnDef::new(a("offline_reviewed_at")).timestamp_with_time_zone().null().take()),
        added("result_reports", ColumnDef::new(a("paper_scan_id")).integer().null().take()),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(scans()).await?;
        for alter in new_columns() {
            manager.alter_table(alter).await?;
        }
        manager
            .create_index(
                Index::create().name("ix_notices_offline_review").table(a("notices")).col(a("offline_review")).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_notices_offline_review").table(a("notices")).to_owned()).await?;
        for (table, column) in [
            ("result_reports", "paper_scan_id"),
            ("notices", "offline_reviewed_at"),
            ("notices", "offline_reviewed_by"),
            ("notices", "offline_review_reason"),
            ("notices", "offline_review"),
            ("notices", "offline_scan_id"),
            ("notices", "posted_where"),
            ("notices", "channel"),
        ] {
            manager.alter_table(Table::alter().table(a(table)).drop_column(a(column)).take()).await?;
        }
        manager.drop_table(Table::drop().table(a("offline_scans")).to_owned()).await
    }
}
