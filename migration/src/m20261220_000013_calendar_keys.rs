//! Each staff member's private calendar address (their objections' handling deadlines): one
//! key per user, stored as its SHA-256 only, replaced to revoke the old address.
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
                    .table(a("calendar_keys"))
                    .col(ColumnDef::new(a("user_id")).integer().not_null().primary_key())
                    .col(ColumnDef::new(a("key_hash")).string_len(64).not_null().unique_key())
                    .col(ColumnDef::new(a("created_at")).timestamp_with_time_zone().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(a("calendar_keys"), a("user_id"))
                            .to(a("users"), a("id"))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("calendar_keys")).to_owned()).await
    }
}
