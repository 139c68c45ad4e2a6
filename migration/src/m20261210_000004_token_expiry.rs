//! When an API token stops working. Tokens made before this column existed have none; the
//! application reads that as their creation time plus the default lifetime, so no token lives
//! for ever.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("api_tokens"))
                    .add_column(ColumnDef::new(Alias::new("expires_at")).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("ALTER TABLE api_tokens DROP COLUMN expires_at").await?;
        Ok(())
    }
}
