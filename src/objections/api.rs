//! The public objection API (kept stable; see docs/OBJECTIONS.md):
//!
//! - `POST /api/v1/notices/{id}/objections` (JSON, or multipart with evidence files): 201 with
//!   `receipt_code`, `lookup_key`, `received_at`, `status`; 422 with field errors; 409 when
//!   the notice has closed, naming the close time and the code the late objection was
//!   recorded under. An anonymous objection is recorded too and answered 422 with the same
//!   reference. An `Idempotency-Key` header makes a retried request answer with the first
//!   case instead of filing a second.
//! - `GET /api/v1/objections/{receipt_code}` with the lookup key in the `X-Lookup-Key` header:
//!   the status and the objector's timeline. A key in the address (`?key=…`), which proxies and
//!   request logs record, is refused (400) with a message saying how to send it instead.
//! - `POST /api/v1/receipts/verify` with `{"token": …}`: whether a receipt is genuine.
use super::attachments::Store;
use super::lookup;
use super::quota::Quota;
use super::service::Recorded;
use super::submit::{self, Outcome};
use super::upload;
use super::{RefusalReason, Status};
use crate::china_time::{close_zh, rfc3339_china};
use crate::error::{ApiResult, AppError, FieldError};
use crate::web::AppState;
use crate::web::security::{client_key, csrf, rate_limit};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::web::{Data, Json, Path, Payload};
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

/// File an objection against a notice.
#[utoipa::path(
    post,
    path = "/api/v1/notices/{id}/objections",
    tag = "objections",
    params(
        ("id" = i32, Path, description = "The notice"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request with the same key and body to get the first answer back instead of filing twice")
    ),
    request_body(content = super::filing::FilingInput, description = "JSON, or multipart/form-data with `attachments` files"),
    responses(
        (status = 201, description = "Recorded in time, with real name: taken for handling", body = super::openapi::ObjectionCreated),
        (status = 409, description = "The notice had closed: recorded as 逾期不予受理 (problem+json names the close time and the reference)", body = super::openapi::ObjectionRecordedAndRefused),
        (status = 422, description = "Field errors (nothing recorded), or an anonymous objection recorded as 匿名不予受理 (with its reference)", body = super::openapi::ObjectionRecordedAndRefused),
        (status = 403, description = "Sent by a page of another site (`Origin`, or `Sec-Fetch-Site: cross-site`), or a form-encoded / text/plain body without the visitor's CSRF token (nothing recorded)"),
        (status = 404, description = "No such public notice"),
        (status = 429, description = "Held back: too many submissions from this address, or from this sender at this address (Retry-After). problem+json with `retry_after_secs`, `retry_at` and the unit's `other_channels`; nothing recorded")
    )
)]
pub async fn file(state: Data<AppState>, req: HttpRequest, id: Path<i32>, payload: Payload) -> ApiResult<HttpResponse> {
    // Another site's page must not file through its visitors' browsers (docs/ACCESS.md).
    // A form-like body needs the visitor's token: in the header, or (urlencoded) in `_csrf`.
    let needs_token = csrf::is_simple_form_body(&req) && !csrf::carries_token(&req, None);
    if csrf::from_another_site(&req, &state.settings.base_url) || (needs_token && !csrf::is_urlencoded(&req)) {
        return Err(csrf::cross_site_refusal().into());
    }
    if let Err(AppError::Throttled { retry_after_secs }) = rate_limit::check(&state.limits.objection, &client_key(&req))
    {
        return Ok(throttled(&state, *id, retry_after_secs).await);
    }
    let mut quota = Quota::new(&state.db, *id, &state.settings);
    let submission = upload::read(&req, payload, &Store::new(&state.settings.data_dir), &mut quota).await?;
    if needs_token && !csrf::carries_token(&req, submission.extra(csrf::FIELD)) {
        return Err(csrf::cross_site_refusal().into());
    }
    let key = req.headers().get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let outcome = submit::file(&state, *id, submission, key.as_deref(), &client_key(&req)).await;
    let (outcome, notice) = match outcome {
        Err(AppError::Throttled { retry_after_secs }) => return Ok(throttled(&state, *id, retry_after_secs).await),
        other => other?,
    };
    match outcome {
        Outcome::Invalid(errors) => Err(AppError::Validation(errors).into()),
        Outcome::Recorded { recorded, missing_identity } => {
            Ok(answer(&recorded, notice.closes_at(), &missing_identity))
        }
    }
}

/// 429 with when to retry and the publishing unit's other channels, so someone held back near
/// the close can still object in time by phone, e-mail or letter.
async fn throttled(state: &AppState, notice_id: i32, retry_after_secs: u64) -> HttpResponse {
    let busy = super::throttle::Busy::of(state, notice_id, retry_after_secs).await;
    HttpResponse::TooManyRequests()
        .insert_header(("Retry-After", retry_after_secs.to_string()))
        .insert_header((CACHE_CONTROL, "no-store"))
        .content_type("application/problem+json")
        .json(json!({
            "type": "about:blank",
            "title": busy.title(),
            "status": 429,
            "detail": busy.channels_text(),
            "retry_after_secs": retry_after_secs,
            "retry_at": busy.retry_at_rfc3339(),
            "other_channels": busy.channels,
        }))
}

/// 201 for a case taken for handling; 409 (late) or 422 (anonymous) for one recorded and
/// refused on arrival, each with the reference it was recorded under.
fn answer(recorded: &Recorded, closes_at: chrono::DateTime<chrono::Utc>, missing: &[FieldError]) -> HttpResponse {
    let o = &recorded.objection;
    let reference = json!({
        "receipt_code": o.receipt_code,
        "lookup_key": recorded.lookup_key,
        "received_at": rfc3339_china(o.received_at),
        "receipt_token": o.signature,
    });
    let mut res = match (recorded.status(), recorded.refusal_reason()) {
        (Some(Status::Refused), Some(RefusalReason::Late)) => problem(
            StatusCode::CONFLICT,
            &format!("公示已于{}截止，逾期提交的异议已记录，不予受理", close_zh(closes_at)),
            &[],
            json!({ "closes_at": rfc3339_china(closes_at), "objection_status": "refused", "refusal_reason": "late" }),
            reference,
        ),
        (Some(Status::Refused), Some(RefusalReason::Anonymous)) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "未实名提出的异议已记录，不予受理",
            missing,
            json!({ "objection_status": "refused", "refusal_reason": "anonymous" }),
            reference,
        ),
        (Some(Status::Refused), Some(RefusalReason::NoEvidence)) => problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "本次征集活动要求异议附有证据材料；未附材料的异议已记录，不予受理",
            &[],
            json!({ "objection_status": "refused", "refusal_reason": "no_evidence" }),
            reference,
        ),
        _ => {
            let mut body = reference;
            body["status"] = json!(o.status);
            HttpResponse::Created()
                .insert_header((LOCATION, format!("/api/v1/objections/{}", o.receipt_code)))
                .json(body)
        }
    };
    res.headers_mut().insert(CACHE_CONTROL, actix_web::http::header::HeaderValue::from_static("no-store"));
    if recorded.replayed {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("idempotent-replayed"),
            actix_web::http::header::HeaderValue::from_static("true"),
        );
    }
    res
}

/// problem+json with extra members; `status` is the HTTP status, so the case's own status
/// travels as `objection_status`.
fn problem(
    status: StatusCode,
    title: &str,
    errors: &[FieldError],
    detail: serde_json::Value,
    reference: serde_json::Value,
) -> HttpResponse {
    let mut body = json!({ "type": "about:blank", "title": title, "status": status.as_u16() });
    if !errors.is_empty() {
        body["errors"] = json!(errors);
    }
    for extra in [detail, reference] {
        if let serde_json::Value::Object(map) = extra {
            for (k, v) in map {
                body[k] = v;
            }
        }
    }
    HttpResponse::build(status).content_type("application/problem+json").body(body.to_string())
}

/// The header that carries the lookup key.
pub const LOOKUP_KEY_HEADER: &str = "X-Lookup-Key";

const KEY_IN_ADDRESS: &str = "查询密钥不能放在网址中（网址会被代理服务器和访问日志记录）：请在请求头 X-Lookup-Key \
                              中发送查询密钥；在网页上查询请使用 /objections/lookup。";
const KEY_MISSING: &str = "缺少查询密钥：请在请求头 X-Lookup-Key 中发送回执上的查询密钥。";

/// Whether the address carries a lookup key (`?key=…`).
fn key_in_address(req: &HttpRequest) -> bool {
    url::form_urlencoded::parse(req.query_string().as_bytes()).any(|(name, _)| name.eq_ignore_ascii_case("key"))
}

/// The status of a case and the notes meant for its objector.
#[utoipa::path(
    get,
    path = "/api/v1/objections/{receipt_code}",
    tag = "objections",
    params(
        ("receipt_code" = String, Path, description = "The receipt code"),
        ("X-Lookup-Key" = String, Header, description = "The lookup key given with the receipt. Never in the address: `?key=…` is refused (400), since proxies and request logs record addresses")
    ),
    responses(
        (status = 200, description = "The case", body = lookup::PublicCase),
        (status = 400, description = "The key was sent in the address (`?key=…`) or not at all; the title says how to send it"),
        (status = 404, description = "Unknown code or wrong key (the same answer for both)"),
        (status = 429, description = "Too many look-ups from this client")
    )
)]
pub async fn find(state: Data<AppState>, req: HttpRequest, code: Path<String>) -> ApiResult<HttpResponse> {
    // A request without a usable key guesses nothing, so it is refused before it counts against
    // the client's look-ups.
    if key_in_address(&req) {
        return Err(AppError::BadRequest(KEY_IN_ADDRESS.to_owned()).into());
    }
    // Present but empty or unreadable is a wrong key (404 below), not a missing one.
    let key = req
        .headers()
        .get(LOOKUP_KEY_HEADER)
        .map(|v| v.to_str().unwrap_or_default())
        .ok_or_else(|| AppError::BadRequest(KEY_MISSING.to_owned()))?;
    rate_limit::check(&state.limits.lookup, &client_key(&req))?;
    let case = lookup::find(&state.db, &code, key).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-store")).json(case))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = VerifyRequest)]
pub struct VerifyBody {
    // Required, as the document says: a body without it is a 400, not a verdict.
    /// The 验证码 printed on the receipt
    token: String,
}

/// Check that a receipt was signed by this server, and whether it matches its records.
#[utoipa::path(
    post,
    path = "/api/v1/receipts/verify",
    tag = "objections",
    request_body = VerifyBody,
    responses((status = 200, description = "The verdict", body = super::pages::Verification))
)]
pub async fn verify(state: Data<AppState>, body: Json<VerifyBody>) -> ApiResult<HttpResponse> {
    let result = super::pages::verify(&state, &body.token).await?;
    Ok(HttpResponse::Ok().json(result))
}
