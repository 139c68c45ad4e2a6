//! The public pages: the objection form and its receipt, the objector's lookup, and receipt
//! verification. Thin: read, call the service, render. CSRF is checked by the middleware
//! before these run; rate limits are checked here, before any body is read.
use super::attachments::Store;
use super::lookup;
use super::quota::Quota;
use super::submit::{self, Outcome};
use super::upload;
use super::views::{FormPage, LookupCase, LookupPage, ReceiptPage, qr_svg};
use crate::error::{AppError, AppResult, PageResult};
use crate::receipts;
use crate::web::AppState;
use crate::web::security::{client_key, csrf, rate_limit};
use crate::web::templates::{private_html, render};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::web::{Data, Form, Path, Payload, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[derive(Deserialize)]
pub struct FormQuery {
    project: Option<i32>,
}

pub async fn form(
    state: Data<AppState>,
    req: HttpRequest,
    id: Path<i32>,
    query: Query<FormQuery>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let notice = submit::notice_for_filing(&state, *id, now).await?;
    if notice.published.is_withdrawn() {
        return Err(AppError::conflict("该公示已撤销，不再受理异议").into());
    }
    let values = super::filing::FilingInput {
        objector_kind: "individual".into(),
        project_id: query
            .project
            .filter(|p| notice.project_ids().contains(p))
            .map(|p| p.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    let mut page = FormPage::new(&notice, now, &values, &[], new_idempotency_key(), csrf::token(&req));
    page.mail_enabled = state.mail.enabled();
    Ok(private_html(StatusCode::OK, render("objections/form.html", &page)?))
}

pub async fn file(
    state: Data<AppState>,
    req: HttpRequest,
    id: Path<i32>,
    payload: Payload,
) -> PageResult<HttpResponse> {
    if let Err(AppError::Throttled { retry_after_secs }) = rate_limit::check(&state.limits.objection, &client_key(&req))
    {
        return Ok(throttled_page(&state, *id, retry_after_secs).await?);
    }
    let mut quota = Quota::new(&state.db, *id, &state.settings);
    let submission = upload::read(&req, payload, &Store::new(&state.settings.data_dir), &mut quota).await?;
    let key = submission.extra("idempotency_key").map(str::to_owned);
    let typed = submission.input.clone();
    let (outcome, notice) = match submit::file(&state, *id, submission, key.as_deref(), &client_key(&req)).await {
        Err(AppError::Throttled { retry_after_secs }) => {
            return Ok(throttled_page(&state, *id, retry_after_secs).await?);
        }
        other => other?,
    };
    match outcome {
        Outcome::Invalid(errors) => {
            let key = key.unwrap_or_else(new_idempotency_key);
            let mut page = FormPage::new(&notice, state.now(), &typed, &errors, key, csrf::token(&req));
            page.mail_enabled = state.mail.enabled();
            Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, render("objections/form.html", &page)?))
        }
        Outcome::Recorded { recorded, .. } => {
            let page = receipt_page(&state, &recorded)?;
            Ok(private_html(StatusCode::OK, render("objections/receipt.html", &page)?))
        }
    }
}

/// 429: when to try again, and how else to reach the unit before the close.
async fn throttled_page(state: &AppState, notice_id: i32, retry_after_secs: u64) -> AppResult<HttpResponse> {
    let busy = super::throttle::Busy::of(state, notice_id, retry_after_secs).await;
    let mut res = private_html(StatusCode::TOO_MANY_REQUESTS, render("objections/throttled.html", &busy)?);
    res.headers_mut().insert(
        actix_web::http::header::RETRY_AFTER,
        HeaderValue::from_str(&retry_after_secs.to_string()).map_err(AppError::internal)?,
    );
    Ok(res)
}

/// The receipt page, built from the signed receipt itself so the page shows exactly what was
/// signed.
fn receipt_page(state: &AppState, recorded: &super::service::Recorded) -> AppResult<ReceiptPage> {
    let key = receipts::signing_key(&state.secrets.signing_seed).verifying_key();
    let receipt = receipts::open(&recorded.objection.signature, &key).map_err(AppError::internal)?;
    let verify_url = verify_url(state, &recorded.objection.signature);
    let qr = qr_svg(&verify_url);
    let mut page = ReceiptPage::new(recorded, &receipt, verify_url, qr)?;
    page.email_updates = recorded.objection.notify_by_email && state.mail.enabled();
    Ok(page)
}

fn verify_url(state: &AppState, token: &str) -> String {
    state.settings.absolute_url(&format!("/receipts/verify?token={token}"))
}

#[derive(Deserialize)]
pub struct LookupQuery {
    /// The receipt code, from the link in a message to the objector; never the key.
    code: Option<String>,
}

pub async fn lookup_form(req: HttpRequest, query: Query<LookupQuery>) -> PageResult<HttpResponse> {
    let code = query.code.as_deref().and_then(super::codes::parse_receipt_code).unwrap_or_default();
    let page =
        LookupPage { title: "异议查询", csrf_token: csrf::token(&req), code: &code, asked: false, case: None };
    Ok(private_html(StatusCode::OK, render("objections/lookup.html", &page)?))
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    key: String,
}

pub async fn lookup_result(
    state: Data<AppState>,
    req: HttpRequest,
    form: Form<LookupForm>,
) -> PageResult<HttpResponse> {
    rate_limit::check(&state.limits.lookup, &client_key(&req))?;
    let found = lookup::find(&state.db, &form.code, &form.key).await?;
    let page = LookupPage {
        title: "异议查询",
        csrf_token: csrf::token(&req),
        code: form.code.trim(),
        asked: true,
        case: found.as_ref().map(LookupCase::of),
    };
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    Ok(private_html(status, render("objections/lookup.html", &page)?))
}

#[derive(Deserialize)]
pub struct VerifyInput {
    #[serde(default)]
    token: String,
}

/// What a verification found, for the page and the API alike.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = VerifyAnswer)]
pub struct Verification {
    /// The signature holds under this server's public key
    pub valid: bool,
    pub message: String,
    /// The receipt as signed (code, notice, project, category, channel, received_at, status,
    /// content and evidence SHA-256), when valid
    #[schema(value_type = Option<serde_json::Value>)]
    pub receipt: Option<receipts::Receipt>,
    /// This server holds a case with exactly this signed receipt
    pub on_record: bool,
    #[serde(skip)]
    pub received_at_text: Option<String>,
}

/// Checks a token against this server's public key and its records.
///
/// # Errors
/// Database failure.
pub async fn verify(state: &AppState, token: &str) -> AppResult<Verification> {
    let key = receipts::signing_key(&state.secrets.signing_seed).verifying_key();
    let receipt = match receipts::open(token, &key) {
        Ok(r) => r,
        Err(e) => {
            return Ok(Verification {
                valid: false,
                message: e.to_string(),
                receipt: None,
                on_record: false,
                received_at_text: None,
            });
        }
    };
    let on_record = super::service::signature_on_record(&state.db, &receipt.code, token).await?;
    let message = if on_record {
        "签名有效，与本系统的记录一致。".to_owned()
    } else {
        "签名有效，为本系统签发；但本系统中未找到与之完全一致的记录。".to_owned()
    };
    let received_at_text = chrono::DateTime::parse_from_rfc3339(&receipt.received_at)
        .ok()
        .map(|t| crate::china_time::datetime_zh(t.with_timezone(&chrono::Utc)));
    Ok(Verification { valid: true, message, receipt: Some(receipt), on_record, received_at_text })
}

#[derive(Serialize)]
struct VerifyPage<'a> {
    title: &'static str,
    csrf_token: String,
    token: &'a str,
    public_key: String,
    result: Option<Verification>,
    category_label: &'static str,
    status_label: &'static str,
    received_at_text: Option<String>,
}

async fn render_verify(state: &AppState, req: &HttpRequest, token: &str) -> PageResult<HttpResponse> {
    let token = token.trim();
    let result = if token.is_empty() { None } else { Some(verify(state, token).await?) };
    let receipt = result.as_ref().and_then(|r| r.receipt.as_ref());
    let page = VerifyPage {
        title: "回执验证",
        csrf_token: csrf::token(req),
        token,
        public_key: receipts::public_key_hex(&state.secrets.signing_seed),
        category_label: receipt.and_then(|r| super::Category::parse(&r.category)).map_or("", super::Category::label),
        status_label: receipt.and_then(|r| super::Status::parse(&r.status)).map_or("", super::Status::label),
        received_at_text: result.as_ref().and_then(|r| r.received_at_text.clone()),
        result,
    };
    let body = render("objections/verify.html", &page)?;
    Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body))
}

pub async fn verify_page(
    state: Data<AppState>,
    req: HttpRequest,
    query: Query<VerifyInput>,
) -> PageResult<HttpResponse> {
    render_verify(&state, &req, &query.token).await
}

pub async fn verify_posted(
    state: Data<AppState>,
    req: HttpRequest,
    form: Form<VerifyInput>,
) -> PageResult<HttpResponse> {
    render_verify(&state, &req, &form.token).await
}
