//! The staff API for objections (`/api/v1/admin/…`, bearer tokens): the same services as the
//! staff pages, as JSON.
use super::filing::FilingInput;
use super::queue::{self, QueueFilter};
use super::workflow::{self, Notes, RegistrationInput, TransitionRequest};
use crate::access::Actor;
use crate::china_time::rfc3339_china;
use crate::error::{ApiResult, AppError};
use crate::web::AppState;
use actix_web::HttpResponse;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::web::{Data, Json, Path, Query};
use serde::Deserialize;
use serde_json::json;

pub async fn list(state: Data<AppState>, actor: Actor, filter: Query<QueueFilter>) -> ApiResult<HttpResponse> {
    let rows = queue::queue(&state.db, &actor, &filter, state.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "objections": rows })))
}

pub async fn show(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(queue::detail(&state.db, &actor, *id, state.now()).await?))
}

#[derive(Deserialize)]
pub struct TransitionBody {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: Option<String>,
    /// Staff only.
    #[serde(default)]
    internal_note: Option<String>,
    /// For the objector, read with receipt code and lookup key; never published.
    #[serde(default)]
    objector_note: Option<String>,
    /// The public handling summary the 公示结果报告 prints (a concluding move only).
    #[serde(default)]
    public_summary: Option<String>,
    /// The former name of `objector_note`, refused so no caller guesses who reads it.
    #[serde(default)]
    public_note: Option<serde_json::Value>,
}

/// `public_note` named one field for two readers; a caller still sending it is told which of
/// the two fields it means.
const PUBLIC_NOTE_RETIRED: &str = "public_note 已停用：告知异议人的说明请用 objector_note（仅异议人凭回执码和查询密钥可见，\
                                   不公开）；写入公示结果报告、公众可见的处理情况请用 public_summary";

pub async fn transition(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<TransitionBody>,
) -> ApiResult<HttpResponse> {
    workflow::case_for(&state.db, &actor, crate::access::Action::HandleObjection, *id).await?;
    if body.public_note.is_some() {
        return Err(AppError::invalid("public_note", PUBLIC_NOTE_RETIRED).into());
    }
    let notes = Notes {
        internal: body.internal_note.as_deref().unwrap_or_default(),
        objector: body.objector_note.as_deref().unwrap_or_default(),
        public_summary: body.public_summary.as_deref().unwrap_or_default(),
    };
    let request = TransitionRequest::parse(&body.to, body.reason.as_deref().unwrap_or_default(), notes)
        .map_err(AppError::Validation)?;
    workflow::transition(&state.db, &state.mail, &actor, *id, &request, state.now()).await?;
    Ok(HttpResponse::Ok().json(queue::detail(&state.db, &actor, *id, state.now()).await?))
}

#[derive(Deserialize)]
pub struct AssignBody {
    user_id: Option<i32>,
}

pub async fn assign(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<AssignBody>,
) -> ApiResult<HttpResponse> {
    workflow::assign(&state.db, &actor, *id, body.user_id, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn sealed_letter(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    workflow::receive_sealed_letter(&state.db, &actor, *id, state.now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn identity(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<HttpResponse> {
    let view = workflow::view_identity(&state.db, &state.secrets.sealer, &actor, *id, state.now()).await?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(view))
}

#[derive(Deserialize)]
pub struct RegisterBody {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    claimed_at: String,
    #[serde(default)]
    postmarked_on: String,
    #[serde(default)]
    objector_kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    project_id: Option<i32>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    content: String,
    /// The objector asked to be told of each step by e-mail (needs `email`)
    #[serde(default)]
    notify_by_email: bool,
}

pub async fn register(
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    body: Json<RegisterBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let input = RegistrationInput {
        filing: FilingInput {
            objector_kind: b.objector_kind,
            name: b.name,
            phone: b.phone,
            email: b.email,
            organization: b.organization,
            contact_person: b.contact_person,
            project_id: b.project_id.map(|p| p.to_string()).unwrap_or_default(),
            category: b.category,
            content: b.content,
            declaration: true,
            notify_by_email: b.notify_by_email,
        },
        channel: b.channel,
        claimed_at: b.claimed_at,
        postmarked_on: b.postmarked_on,
    };
    let recorded = workflow::register(&state.db, &state.secrets, &state.mail, &actor, *id, &input, state.now()).await?;
    state.metrics.objection_filed(crate::web::metrics::FiledBy::Staff);
    let o = &recorded.objection;
    Ok(HttpResponse::Created().insert_header((CACHE_CONTROL, "no-store")).json(json!({
        "id": o.id,
        "receipt_code": o.receipt_code,
        "lookup_key": recorded.lookup_key,
        "received_at": rfc3339_china(o.received_at),
        "registered_at": rfc3339_china(o.registered_at),
        "status": o.status,
        "refusal_reason": o.refusal_reason,
        "in_time": o.in_time,
    })))
}
