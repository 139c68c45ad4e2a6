//! Objectors' identities sealed under the master key. `key_id` names the key that sealed a
//! row's values; NULL means the row is still in plain text (written before this version) or
//! erased. The application seals plain rows at start, since only it holds the key. Sealed
//! values are longer than the plain ones, so on PostgreSQL the columns become `text`.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SEALED: [&str; 5] = ["name", "phone", "email", "organization", "contact_person"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("objector_identities"))
                    .add_column(ColumnDef::new(Alias::new("key_id")).string().null())
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            for column in SEALED {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("ALTER TABLE objector_identities ALTER COLUMN {column} TYPE text"))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("ALTER TABLE objector_identities DROP COLUMN key_id").await?;
        Ok(())
    }
}
