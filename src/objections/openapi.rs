//! This module's part of `/api/openapi.json`: the public objection API. The requests and the
//! answers the handlers serialise derive their schemas where they live (`filing`, `lookup`,
//! `pages`, `api`); the two answers `api` builds as JSON by hand, for a case recorded, are
//! described here, and the integration tests hold the handlers to them.
use crate::error::FieldError;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(super::api::file, super::api::find, super::api::verify),
    components(schemas(
        super::filing::FilingInput,
        ObjectionCreated,
        ObjectionRecordedAndRefused,
        FieldError,
        super::lookup::PublicCase,
        super::lookup::PublicStep,
        super::api::VerifyBody,
        super::pages::Verification
    )),
    tags((name = "objections", description = "异议：提交、查询处理进展、验证回执"))
)]
pub struct ObjectionsApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    ObjectionsApi::openapi()
}

/// A case recorded in time and with real name, taken for handling.
#[derive(ToSchema)]
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
pub struct ObjectionRecordedAndRefused {
    #[schema(rename = "type")]
    pub kind: String,
    pub title: String,
    /// The HTTP status
    pub status: u16,
    /// For an anonymous objection: what real name lacked
    pub errors: Option<Vec<FieldError>>,
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
