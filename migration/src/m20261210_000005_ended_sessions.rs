//! Sign-ins ended by signing out. The session cookie is kept by the browser, so signing out
//! used to drop only that browser's copy; a copied cookie went on working for the rest of its
//! twelve hours. Each sign-in now carries a random id, and signing out records it here until
//! the cookie would have expired anyway, so any copy is refused.
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
                    .table(a("ended_sessions"))
                    .col(ColumnDef::new(a("session_id")).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(a("user_id")).integer().not_null())
                    .col(ColumnDef::new(a("ended_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(a("expires_at")).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("ended_sessions")).to_owned()).await
    }
}
