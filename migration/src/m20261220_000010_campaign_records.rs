//! What a campaign record needs beyond its settings, so a federation can run its own: the
//! source document's title (文件标题) and date the campaign starts (发文日期), whether it is
//! open, whether a letter counts by postmark or by arrival, and the lowest grade the provincial
//! notice lists (三等奖以上 by default). One column per statement: SQLite adds them one at a time.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn columns() -> Vec<ColumnDef> {
    let a = Alias::new;
    vec![
        ColumnDef::new(a("doc_title")).text().null().take(),
        ColumnDef::new(a("starts_on")).date().null().take(),
        ColumnDef::new(a("is_open")).boolean().not_null().default(true).take(),
        ColumnDef::new(a("letters_by")).string_len(16).not_null().default("postmark").take(),
        ColumnDef::new(a("province_min_grade")).string_len(16).not_null().default("third").take(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
            manager
                .alter_table(Table::alter().table(Alias::new("campaigns")).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["doc_title", "starts_on", "is_open", "letters_by", "province_min_grade"] {
            manager
                .alter_table(Table::alter().table(Alias::new("campaigns")).drop_column(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
