//! The shapes of projects in the staff API document, for rows read straight from the database.
use utoipa::ToSchema;

/// A project's own row.
#[derive(ToSchema)]
pub struct ProjectSchema {
    pub id: i32,
    pub campaign_id: i32,
    pub applicant_unit_id: i32,
    pub holder_unit_id: i32,
    /// 申报编号
    pub import_key: String,
    pub name: String,
    pub key_technology: String,
    /// 1..=5
    pub eligibility: i32,
    pub exclusions_declared: bool,
    pub proposed_grade: Option<String>,
    pub summary: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A project with its ordered lists. Completers' `phone` and `id_number` are filled only for
/// the admins of the unit holding the project (each such answer is recorded in the audit log);
/// for everyone else they are `null`.
#[derive(ToSchema)]
pub struct ProjectRecordSchema {
    pub project: ProjectSchema,
    /// `{id, project_id, position, name}` in order
    pub units: Vec<serde_json::Value>,
    /// `{id, project_id, position, name, work_unit, job_title, contribution, workload, phone, id_number}`;
    /// `phone` and `id_number` are `null` unless the caller is an admin of the holding unit
    pub completers: Vec<serde_json::Value>,
    /// `{id, project_id, position, kind, title, reference}`
    pub ip_items: Vec<serde_json::Value>,
}
