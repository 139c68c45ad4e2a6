//! How many days before a deadline ("2025年4月8日前") the materials are to be ready: the
//! planner's latest report date is that many days before it. Existing campaigns get the default.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("campaigns"))
                    .add_column(ColumnDef::new(Alias::new("deadline_margin_days")).integer().not_null().default(2))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("ALTER TABLE campaigns DROP COLUMN deadline_margin_days").await?;
        Ok(())
    }
}
