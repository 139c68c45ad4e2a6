//! Two records the gate reads. `recommendation_withdrawals` keeps a recommendation that was
//! withdrawn (a copy of the row, which leaves `recommendations`, with who withdrew it, when and
//! why), so the limit and the chain see only recommendations that stand while the history stays.
//! `review_grades` holds the grades the province proposes after its review (拟评等级), one row
//! per decision; a project's grade is its latest row. Both are read by public pages (a
//! withdrawal is shown where the recommendation was public, the grade on the provincial notice),
//! so both bump the public change counter.
use super::m20261205_000002_public_changes::add_public_triggers;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn a(name: &str) -> Alias {
    Alias::new(name)
}

fn fk(from: &str, col: &str, to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create().from_tbl(a(from)).from_col(a(col)).to_tbl(a(to)).to_col(a("id")).on_delete(on_delete).take()
}

fn withdrawals() -> TableCreateStatement {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    Table::create()
        .table(a("recommendation_withdrawals"))
        .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
        .col(ColumnDef::new(a("recommendation_id")).integer().not_null().unique_key())
        .col(ColumnDef::new(a("project_id")).integer().not_null())
        .col(ColumnDef::new(a("from_unit_id")).integer().not_null())
        .col(ColumnDef::new(a("to_unit_id")).integer().not_null())
        .col(ColumnDef::new(a("level")).integer().not_null())
        .col(ColumnDef::new(a("report_id")).integer().null())
        .col(ColumnDef::new(a("over_limit_reason")).text().null())
        .col(ColumnDef::new(a("recommended_by")).integer().null())
        .col(ColumnDef::new(a("recommended_at")).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(a("reason")).text().not_null())
        .col(ColumnDef::new(a("withdrawn_by_unit_id")).integer().not_null())
        .col(ColumnDef::new(a("withdrawn_by")).integer().null())
        .col(ColumnDef::new(a("withdrawn_at")).timestamp_with_time_zone().not_null())
        .foreign_key(&mut fk("recommendation_withdrawals", "project_id", "projects", Cascade))
        .foreign_key(&mut fk("recommendation_withdrawals", "from_unit_id", "units", Restrict))
        .foreign_key(&mut fk("recommendation_withdrawals", "to_unit_id", "units", Restrict))
        .foreign_key(&mut fk("recommendation_withdrawals", "withdrawn_by_unit_id", "units", Restrict))
        .foreign_key(&mut fk("recommendation_withdrawals", "report_id", "result_reports", SetNull))
        .foreign_key(&mut fk("recommendation_withdrawals", "recommended_by", "users", SetNull))
        .foreign_key(&mut fk("recommendation_withdrawals", "withdrawn_by", "users", SetNull))
        .take()
}

fn review_grades() -> TableCreateStatement {
    use ForeignKeyAction::{Cascade, SetNull};
    Table::create()
        .table(a("review_grades"))
        .col(ColumnDef::new(a("id")).integer().not_null().auto_increment().primary_key())
        .col(ColumnDef::new(a("project_id")).integer().not_null())
        .col(ColumnDef::new(a("grade")).string_len(32).not_null())
        .col(ColumnDef::new(a("note")).text().null())
        .col(ColumnDef::new(a("set_by")).integer().null())
        .col(ColumnDef::new(a("set_at")).timestamp_with_time_zone().not_null())
        .foreign_key(&mut fk("review_grades", "project_id", "projects", Cascade))
        .foreign_key(&mut fk("review_grades", "set_by", "users", SetNull))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(withdrawals()).await?;
        manager.create_table(review_grades()).await?;
        for (name, table, col) in [
            ("ix_recommendation_withdrawals_project", "recommendation_withdrawals", "project_id"),
            ("ix_review_grades_project", "review_grades", "project_id"),
        ] {
            manager.create_index(Index::create().name(name).table(a(table)).col(a(col)).take()).await?;
        }
        add_public_triggers(manager, &["recommendation_withdrawals", "review_grades"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["review_grades", "recommendation_withdrawals"] {
            manager.drop_table(Table::drop().table(a(table)).to_owned()).await?;
        }
        Ok(())
    }
}
