//! Leases for the jobs the server runs on time: one row per job, held by one instance while it
//! runs, with when the job last ran and what it did.
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
                    .table(a("job_leases"))
                    .col(ColumnDef::new(a("name")).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(a("holder")).string_len(64).not_null())
                    .col(ColumnDef::new(a("leased_until")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("last_run_at")).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(a("last_result")).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("job_leases")).to_owned()).await
    }
}
