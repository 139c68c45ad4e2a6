//! The objection rules a notice was published under (real names, evidence, letters, handling
//! days), kept on its revision so changing the campaign later does not change a published notice.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("notice_revisions"))
                    .add_column(ColumnDef::new(Alias::new("rules_json")).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Alias::new("notice_revisions")).drop_column(Alias::new("rules_json")).to_owned(),
            )
            .await
    }
}
