//! The public handling summary of a concluded objection, apart from the note written to the
//! objector. `objections.conclusion_summary` (and `objection_events.public_note`) stay what the
//! objector reads with receipt code and lookup key; `public_summary` is what the 公示结果报告
//! prints. Cases concluded before this column existed have none: nothing written for an
//! objector is ever copied into it.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("ALTER TABLE objections ADD COLUMN public_summary TEXT").await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("ALTER TABLE objections DROP COLUMN public_summary").await?;
        Ok(())
    }
}
