//! This module's part of `/api/openapi.json`: the public objection API and the shapes it
//! answers with. The types here describe the wire format; the handlers in `api` build the
//! same JSON, and the integration tests hold both to it.
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(super::api::file, super::api::find, super::api::verify),
    components(schemas(
        ObjectionRequest,
        ObjectionCreated,
        ObjectionRecordedAndRefused,
        FieldErrorSchema,
        ObjectorCase,
        ObjectorStep,
        VerifyRequest,
        VerifyAnswer
    )),
    tags((name = "objections", description = "异议：提交、查询处理进展、验证回执"))
)]
pub struct ObjectionsApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    ObjectionsApi::openapi()
}

/// An objection. Send as JSON, or as `multipart/form-data` with the same field names and up
/// to five evidence files in parts named `attachments` (PDF, JPEG, PNG, DOCX or XLSX, judged
/// by content, at most 10 MB each).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectionRequest {
    /// `individual` or `organization`
    pub objector_kind: String,
    /// Real name (an individual's)
    pub name: Option<String>,
    /// Phone; an individual gives a phone or an e-mail, an organisation a phone
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The objecting organisation's name
    pub organization: Option<String>,
    /// The organisation's contact person
    pub contact_person: Option<String>,
    /// One of the notice's projects
    pub project_id: i32,
    /// `personnel` | `merit` | `ip` | `eligibility` | `other`
    pub category: String,
    /// Plain text, at most 5,000 characters
    pub content: String,
    /// The objector declares the content truthful; must be true
    pub declaration: bool,
}

/// A case recorded in time and with real name, taken for handling.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectionCreated {
    /// 8 characters without 0/O/1/I/L
    pub receipt_code: String,
    /// Secret, shown once: with the receipt code it opens the case's status
    pub lookup_key: String,
    /// The server's receipt time, RFC 3339 in China time, e.g. `2025-03-11T09:30:05+08:00`
    pub received_at: String,
    /// `received`
    pub status: String,
    /// The Ed25519-signed receipt (see `/api/v1/receipts/verify`)
    pub receipt_token: String,
}

/// problem+json for a submission that was recorded but refused on arrival: 409 when the
/// notice had closed (逾期不予受理), 422 when it was anonymous (匿名不予受理).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectionRecordedAndRefused {
    #[schema(rename = "type")]
    pub kind: String,
    pub title: String,
    /// The HTTP status
    pub status: u16,
    /// For an anonymous objection: what real name lacked
    pub errors: Option<Vec<FieldErrorSchema>>,
    /// For a late objection: when the notice closed, RFC 3339 China time
    pub closes_at: Option<String>,
    /// `refused`
    pub objection_status: String,
    /// `late` or `anonymous`
    pub refusal_reason: String,
    /// The reference the submission was recorded under
    pub receipt_code: String,
    pub lookup_key: String,
    pub received_at: String,
    pub receipt_token: String,
}

/// One field's problem, in Chinese.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FieldErrorSchema {
    /// The request field, e.g. `category`
    pub field: String,
    pub message: String,
}

/// A case as its objector sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectorCase {
    pub receipt_code: String,
    /// `received` | `accepted` | `refused` | `investigating` | `upheld` | `dismissed` | `withdrawn`
    pub status: String,
    /// 已接收 / 已受理 / 不予受理 / 核查中 / 异议成立 / 异议不成立 / 已撤回
    pub status_label: String,
    /// `late` | `anonymous` | `out_of_scope` | `no_evidence`, when refused
    pub refusal_reason: Option<String>,
    pub received_at: String,
    pub timeline: Vec<ObjectorStep>,
}

/// One step of the case, with the note meant for the objector.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ObjectorStep {
    /// RFC 3339, China time
    pub at: String,
    pub status: String,
    pub status_label: String,
    pub note: Option<String>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyRequest {
    /// The 验证码 printed on the receipt
    pub token: String,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyAnswer {
    /// The signature holds under this server's public key
    pub valid: bool,
    pub message: String,
    /// The receipt as signed (code, notice, project, category, channel, received_at, status,
    /// content and evidence SHA-256), when valid
    pub receipt: Option<serde_json::Value>,
    /// This server holds a case with exactly this signed receipt
    pub on_record: bool,
}
