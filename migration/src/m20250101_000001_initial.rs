//! The whole data model of docs/RULES.md in one migration: units, campaigns, accounts, projects,
//! notices with revisions and items, objections with identities kept apart, result reports,
//! recommendations, the audit log and the tamper-evident ledger.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).integer().not_null().auto_increment().primary_key().take()
}
fn int<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).integer().not_null().take()
}
fn int_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).integer().null().take()
}
fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).text().not_null().take()
}
fn text_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).text().null().take()
}
fn string<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string_len(255).not_null().take()
}
fn string_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string_len(255).null().take()
}
fn ts<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().not_null().take()
}
fn ts_null<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().null().take()
}
fn date<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).date().not_null().take()
}
fn boolean<T: IntoIden>(c: T, default: bool) -> ColumnDef {
    ColumnDef::new(c).boolean().not_null().default(default).take()
}
fn fk<F: IntoIden, T: IntoIden, C: IntoIden>(
    from: F,
    col: C,
    to: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from_tbl(from).from_col(col).to_tbl(to).to_col(Alias::new("id")).on_delete(on_delete).take()
}
fn index<T: IntoIden + Clone + 'static>(
    name: &str,
    table: T,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    if unique {
        stmt.unique();
    }
    stmt.take()
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            m.create_table(table).await?;
        }
        for idx in indexes() {
            m.create_index(idx).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in TABLES_IN_ORDER.iter().rev() {
            m.drop_table(Table::drop().table(Alias::new(*name)).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}

const TABLES_IN_ORDER: &[&str] = &[
    "units",
    "campaigns",
    "campaign_deadlines",
    "campaign_quotas",
    "users",
    "api_tokens",
    "setup_tokens",
    "projects",
    "project_units",
    "project_completers",
    "project_ip_items",
    "notices",
    "notice_revisions",
    "notice_items",
    "objections",
    "objector_identities",
    "objection_events",
    "objection_attachments",
    "result_reports",
    "report_outcomes",
    "recommendations",
    "audit_log",
    "app_secrets",
    "ledger",
];

fn t(name: &'static str) -> Alias {
    Alias::new(name)
}

fn tables() -> Vec<TableCreateStatement> {
    let a = Alias::new;
    vec![
        Table::create()
            .table(t("units"))
            .col(id(a("id")))
            .col(int_null(a("parent_id")))
            .col(string(a("kind")))
            .col(string(a("name")))
            .col(string_null(a("short_name")))
            .col(string(a("code")))
            .col(string_null(a("contact_person")))
            .col(string_null(a("contact_phone")))
            .col(string_null(a("contact_email")))
            .col(string_null(a("contact_address")))
            .col(ts(a("created_at")))
            .foreign_key(&mut fk("units", a("parent_id"), "units", Restrict))
            .take(),
        Table::create()
            .table(t("campaigns"))
            .col(id(a("id")))
            .col(string(a("code")))
            .col(int(a("year")))
            .col(string(a("edition")))
            .col(string(a("title")))
            .col(string_null(a("doc_number")))
            .col(int_null(a("organizer_unit_id")))
            .col(ColumnDef::new(a("notice_days")).integer().not_null().default(5))
            .col(ColumnDef::new(a("closing_minute")).integer().not_null().default(1440))
            .col(ColumnDef::new(a("recommend_limit")).integer().not_null().default(5))
            .col(ColumnDef::new(a("handling_days")).integer().not_null().default(10))
            .col(ColumnDef::new(a("retention_days")).integer().not_null().default(365))
            .col(boolean(a("require_real_name"), true))
            .col(boolean(a("refuse_without_evidence"), false))
            .col(text(a("award_grades")))
            .col(ts(a("created_at")))
            .foreign_key(&mut fk("campaigns", a("organizer_unit_id"), "units", SetNull))
            .take(),
        Table::create()
            .table(t("campaign_deadlines"))
            .col(id(a("id")))
            .col(int(a("campaign_id")))
            .col(int(a("unit_id")))
            .col(date(a("due_on")))
            .col(string_null(a("description")))
            .foreign_key(&mut fk("campaign_deadlines", a("campaign_id"), "campaigns", Cascade))
            .foreign_key(&mut fk("campaign_deadlines", a("unit_id"), "units", Cascade))
            .take(),
        Table::create()
            .table(t("campaign_quotas"))
            .col(id(a("id")))
            .col(int(a("campaign_id")))
            .col(int(a("unit_id")))
            .col(int(a("target_unit_id")))
            .col(int_null(a("min_projects")))
            .col(int_null(a("max_projects")))
            .foreign_key(&mut fk("campaign_quotas", a("campaign_id"), "campaigns", Cascade))
            .foreign_key(&mut fk("campaign_quotas", a("unit_id"), "units", Cascade))
            .foreign_key(&mut fk("campaign_quotas", a("target_unit_id"), "units", Cascade))
            .take(),
        Table::create()
            .table(t("users"))
            .col(id(a("id")))
            .col(int(a("unit_id")))
            .col(string(a("username")))
            .col(string(a("display_name")))
            .col(string(a("password_hash")))
            .col(string(a("role")))
            .col(boolean(a("is_active"), true))
            .col(int(a("session_epoch")))
            .col(ts(a("created_at")))
            .col(ts(a("updated_at")))
            .col(ts_null(a("last_login_at")))
            .foreign_key(&mut fk("users", a("unit_id"), "units", Restrict))
            .take(),
        Table::create()
            .table(t("api_tokens"))
            .col(id(a("id")))
            .col(int(a("user_id")))
            .col(string(a("name")))
            .col(string(a("token_hash")))
            .col(string(a("prefix")))
            .col(ts(a("created_at")))
            .col(ts_null(a("last_used_at")))
            .col(ts_null(a("revoked_at")))
            .foreign_key(&mut fk("api_tokens", a("user_id"), "users", Cascade))
            .take(),
        Table::create()
            .table(t("setup_tokens"))
            .col(id(a("id")))
            .col(string(a("token_hash")))
            .col(ts(a("created_at")))
            .col(ts(a("expires_at")))
            .col(ts_null(a("used_at")))
            .take(),
        Table::create()
            .table(t("projects"))
            .col(id(a("id")))
            .col(int(a("campaign_id")))
            .col(int(a("applicant_unit_id")))
            .col(int(a("holder_unit_id")))
            .col(string(a("import_key")))
            .col(string(a("name")))
            .col(text(a("key_technology")))
            .col(int(a("eligibility")))
            .col(boolean(a("exclusions_declared"), false))
            .col(string_null(a("proposed_grade")))
            .col(text_null(a("summary")))
            .col(ts(a("created_at")))
            .col(ts(a("updated_at")))
            .foreign_key(&mut fk("projects", a("campaign_id"), "campaigns", Restrict))
            .foreign_key(&mut fk("projects", a("applicant_unit_id"), "units", Restrict))
            .foreign_key(&mut fk("projects", a("holder_unit_id"), "units", Restrict))
            .take(),
        Table::create()
            .table(t("project_units"))
            .col(id(a("id")))
            .col(int(a("project_id")))
            .col(int(a("position")))
            .col(string(a("name")))
            .foreign_key(&mut fk("project_units", a("project_id"), "projects", Cascade))
            .take(),
        Table::create()
            .table(t("project_completers"))
            .col(id(a("id")))
            .col(int(a("project_id")))
            .col(int(a("position")))
            .col(string(a("name")))
            .col(string_null(a("work_unit")))
            .col(string_null(a("job_title")))
            .col(text_null(a("contribution")))
            .col(text_null(a("workload")))
            .col(string_null(a("phone")))
            .col(string_null(a("id_number")))
            .foreign_key(&mut fk("project_completers", a("project_id"), "projects", Cascade))
            .take(),
        Table::create()
            .table(t("project_ip_items"))
            .col(id(a("id")))
            .col(int(a("project_id")))
            .col(int(a("position")))
            .col(string(a("kind")))
            .col(text(a("title")))
            .col(string_null(a("reference")))
            .foreign_key(&mut fk("project_ip_items", a("project_id"), "projects", Cascade))
            .take(),
        Table::create()
            .table(t("notices"))
            .col(id(a("id")))
            .col(int(a("campaign_id")))
            .col(int(a("unit_id")))
            .col(int(a("level")))
            .col(string_null(a("doc_number")))
            .col(string(a("state")))
            .col(int_null(a("created_by")))
            .col(ts(a("created_at")))
            .col(ts_null(a("withdrawn_at")))
            .col(text_null(a("withdraw_reason")))
            .foreign_key(&mut fk("notices", a("campaign_id"), "campaigns", Restrict))
            .foreign_key(&mut fk("notices", a("unit_id"), "units", Restrict))
            .foreign_key(&mut fk("notices", a("created_by"), "users", SetNull))
            .take(),
        Table::create()
            .table(t("notice_revisions"))
            .col(id(a("id")))
            .col(int(a("notice_id")))
            .col(int(a("revision_no")))
            .col(string(a("title")))
            .col(text(a("body_md")))
            .col(date(a("starts_on")))
            .col(ts(a("opens_at")))
            .col(ts(a("closes_at")))
            .col(string_null(a("board_location")))
            .col(string_null(a("media")))
            .col(boolean(a("web"), true))
            .col(text_null(a("correction_note")))
            .col(boolean(a("restarts_period"), false))
            .col(ts_null(a("published_at")))
            .col(int_null(a("published_by")))
            .col(string_null(a("content_hash")))
            .foreign_key(&mut fk("notice_revisions", a("notice_id"), "notices", Cascade))
            .foreign_key(&mut fk("notice_revisions", a("published_by"), "users", SetNull))
            .take(),
        Table::create()
            .table(t("notice_items"))
            .col(id(a("id")))
            .col(int(a("revision_id")))
            .col(int(a("project_id")))
            .col(int(a("position")))
            .col(string_null(a("grade")))
            .col(text(a("snapshot")))
            .foreign_key(&mut fk("notice_items", a("revision_id"), "notice_revisions", Cascade))
            .foreign_key(&mut fk("notice_items", a("project_id"), "projects", Restrict))
            .take(),
        Table::create()
            .table(t("objections"))
            .col(id(a("id")))
            .col(int(a("notice_id")))
            .col(int_null(a("project_id")))
            .col(string(a("receipt_code")))
            .col(string(a("lookup_key_hash")))
            .col(string(a("channel")))
            .col(string(a("objector_kind")))
            .col(string(a("category")))
            .col(text(a("content")))
            .col(ts(a("received_at")))
            .col(ts_null(a("claimed_at")))
            .col(ts(a("registered_at")))
            .col(int_null(a("registered_by")))
            .col(string(a("status")))
            .col(string_null(a("refusal_reason")))
            .col(boolean(a("in_time"), true))
            .col(int_null(a("assigned_to")))
            .col(ts(a("handling_due_at")))
            .col(string(a("sealed_letter")))
            .col(text_null(a("conclusion_summary")))
            .col(ts_null(a("concluded_at")))
            .col(string_null(a("idempotency_key")))
            .col(text(a("signature")))
            .foreign_key(&mut fk("objections", a("notice_id"), "notices", Restrict))
            .foreign_key(&mut fk("objections", a("project_id"), "projects", Restrict))
            .foreign_key(&mut fk("objections", a("registered_by"), "users", SetNull))
            .foreign_key(&mut fk("objections", a("assigned_to"), "users", SetNull))
            .take(),
        Table::create()
            .table(t("objector_identities"))
            .col(ColumnDef::new(a("objection_id")).integer().not_null().primary_key())
            .col(string_null(a("name")))
            .col(string_null(a("phone")))
            .col(string_null(a("email")))
            .col(string_null(a("organization")))
            .col(string_null(a("contact_person")))
            .col(ts_null(a("erased_at")))
            .foreign_key(&mut fk("objector_identities", a("objection_id"), "objections", Cascade))
            .take(),
        Table::create()
            .table(t("objection_events"))
            .col(id(a("id")))
            .col(int(a("objection_id")))
            .col(string_null(a("from_status")))
            .col(string(a("to_status")))
            .col(int_null(a("actor_user_id")))
            .col(ts(a("at")))
            .col(text_null(a("internal_note")))
            .col(text_null(a("public_note")))
            .foreign_key(&mut fk("objection_events", a("objection_id"), "objections", Cascade))
            .foreign_key(&mut fk("objection_events", a("actor_user_id"), "users", SetNull))
            .take(),
        Table::create()
            .table(t("objection_attachments"))
            .col(id(a("id")))
            .col(int(a("objection_id")))
            .col(string(a("file_name")))
            .col(string(a("content_type")))
            .col(ColumnDef::new(a("size_bytes")).big_integer().not_null())
            .col(string(a("sha256")))
            .col(string(a("storage_key")))
            .foreign_key(&mut fk("objection_attachments", a("objection_id"), "objections", Cascade))
            .take(),
        Table::create()
            .table(t("result_reports"))
            .col(id(a("id")))
            .col(int(a("notice_id")))
            .col(int(a("revision_id")))
            .col(string(a("code")))
            .col(date(a("issued_on")))
            .col(ts(a("issued_at")))
            .col(int_null(a("issued_by")))
            .col(text(a("content")))
            .col(string(a("sha256")))
            .col(int_null(a("superseded_by")))
            .foreign_key(&mut fk("result_reports", a("notice_id"), "notices", Restrict))
            .foreign_key(&mut fk("result_reports", a("revision_id"), "notice_revisions", Restrict))
            .foreign_key(&mut fk("result_reports", a("issued_by"), "users", SetNull))
            .foreign_key(&mut fk("result_reports", a("superseded_by"), "result_reports", SetNull))
            .take(),
        Table::create()
            .table(t("report_outcomes"))
            .col(id(a("id")))
            .col(int(a("report_id")))
            .col(int(a("project_id")))
            .col(int(a("level")))
            .col(string(a("outcome")))
            .foreign_key(&mut fk("report_outcomes", a("report_id"), "result_reports", Cascade))
            .foreign_key(&mut fk("report_outcomes", a("project_id"), "projects", Restrict))
            .take(),
        Table::create()
            .table(t("recommendations"))
            .col(id(a("id")))
            .col(int(a("project_id")))
            .col(int(a("from_unit_id")))
            .col(int(a("to_unit_id")))
            .col(int(a("level")))
            .col(int_null(a("report_id")))
            .col(text_null(a("over_limit_reason")))
            .col(int_null(a("created_by")))
            .col(ts(a("created_at")))
            .foreign_key(&mut fk("recommendations", a("project_id"), "projects", Cascade))
            .foreign_key(&mut fk("recommendations", a("from_unit_id"), "units", Restrict))
            .foreign_key(&mut fk("recommendations", a("to_unit_id"), "units", Restrict))
            .foreign_key(&mut fk("recommendations", a("report_id"), "result_reports", SetNull))
            .foreign_key(&mut fk("recommendations", a("created_by"), "users", SetNull))
            .take(),
        Table::create()
            .table(t("audit_log"))
            .col(id(a("id")))
            .col(ts(a("at")))
            .col(int_null(a("user_id")))
            .col(int_null(a("unit_id")))
            .col(string(a("action")))
            .col(string(a("target_type")))
            .col(string_null(a("target_id")))
            .col(text_null(a("detail")))
            .col(string_null(a("ip")))
            .foreign_key(&mut fk("audit_log", a("user_id"), "users", SetNull))
            .foreign_key(&mut fk("audit_log", a("unit_id"), "units", SetNull))
            .take(),
        Table::create()
            .table(t("app_secrets"))
            .col(ColumnDef::new(a("name")).string_len(64).not_null().primary_key())
            .col(text(a("value")))
            .col(ts(a("created_at")))
            .take(),
        Table::create()
            .table(t("ledger"))
            .col(ColumnDef::new(a("seq")).big_integer().not_null().primary_key())
            .col(ts(a("at")))
            .col(string(a("kind")))
            .col(string(a("entity_type")))
            .col(int(a("entity_id")))
            .col(string(a("content_hash")))
            .col(string(a("prev_hash")))
            .col(string(a("entry_hash")))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("ux_units_code", t("units"), &["code"], true),
        index("ix_units_parent", t("units"), &["parent_id"], false),
        index("ux_campaigns_code", t("campaigns"), &["code"], true),
        index("ux_deadlines", t("campaign_deadlines"), &["campaign_id", "unit_id"], true),
        index("ux_quotas", t("campaign_quotas"), &["campaign_id", "unit_id", "target_unit_id"], true),
        index("ux_users_username", t("users"), &["username"], true),
        index("ix_users_unit", t("users"), &["unit_id"], false),
        index("ux_api_tokens_hash", t("api_tokens"), &["token_hash"], true),
        index("ix_api_tokens_user", t("api_tokens"), &["user_id"], false),
        index("ux_setup_tokens_hash", t("setup_tokens"), &["token_hash"], true),
        index("ux_projects_import_key", t("projects"), &["campaign_id", "import_key"], true),
        index("ix_projects_holder", t("projects"), &["holder_unit_id"], false),
        index("ix_projects_applicant", t("projects"), &["applicant_unit_id"], false),
        index("ix_projects_name", t("projects"), &["name"], false),
        index("ux_project_units_pos", t("project_units"), &["project_id", "position"], true),
        index("ux_project_completers_pos", t("project_completers"), &["project_id", "position"], true),
        index("ix_project_completers_name", t("project_completers"), &["name"], false),
        index("ux_project_ip_pos", t("project_ip_items"), &["project_id", "position"], true),
        index("ix_notices_unit", t("notices"), &["unit_id"], false),
        index("ix_notices_campaign_level", t("notices"), &["campaign_id", "level"], false),
        index("ux_revisions_no", t("notice_revisions"), &["notice_id", "revision_no"], true),
        index("ix_revisions_opens", t("notice_revisions"), &["opens_at"], false),
        index("ix_revisions_closes", t("notice_revisions"), &["closes_at"], false),
        index("ux_items_pos", t("notice_items"), &["revision_id", "position"], true),
        index("ux_items_project", t("notice_items"), &["revision_id", "project_id"], true),
        index("ix_items_project", t("notice_items"), &["project_id"], false),
        index("ux_objections_receipt", t("objections"), &["receipt_code"], true),
        index("ux_objections_idem", t("objections"), &["idempotency_key"], true),
        index("ix_objections_notice_status", t("objections"), &["notice_id", "status"], false),
        index("ix_objections_project", t("objections"), &["project_id"], false),
        index("ix_objections_assigned", t("objections"), &["assigned_to"], false),
        index("ix_objection_events_obj", t("objection_events"), &["objection_id"], false),
        index("ix_objection_attachments_obj", t("objection_attachments"), &["objection_id"], false),
        index("ux_reports_code", t("result_reports"), &["code"], true),
        index("ix_reports_notice", t("result_reports"), &["notice_id"], false),
        index("ux_outcomes", t("report_outcomes"), &["report_id", "project_id"], true),
        index("ix_outcomes_project", t("report_outcomes"), &["project_id"], false),
        index("ux_recommendations", t("recommendations"), &["project_id", "from_unit_id", "to_unit_id"], true),
        index("ix_recommendations_to", t("recommendations"), &["to_unit_id"], false),
        index("ix_audit_unit_at", t("audit_log"), &["unit_id", "at"], false),
        index("ux_ledger_prev", t("ledger"), &["prev_hash"], true),
        index("ix_ledger_entity", t("ledger"), &["entity_type", "entity_id"], false),
    ]
}
