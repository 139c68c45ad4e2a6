//! The subscription API: asking (the same answer whatever the address has), the subscriber's
//! own link token for everything after, and the counts and suppressions staff use.
use super::Frequency;
use super::service::{self, Ask, Change, CountRow, Suppression, View};
use crate::access::Actor;
use crate::error::{ApiResult, AppError};
use crate::web::AppState;
use crate::web::security::{client_key, rate_limit};
use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// What every accepted request is told.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionAsked {
    /// 请查收确认邮件……
    pub message: &'static str,
}

const ASKED: &str = "请查收确认邮件：点击邮件中的链接并确认后，订阅才生效。";

/// Ask for a subscription. The answer is the same whether the address is new, waiting for its
/// confirmation, already subscribed, or over its limit; only the confirmation message is ever
/// sent to an unconfirmed address.
#[utoipa::path(post, path = "/api/v1/subscriptions", tag = "subscriptions", request_body = Ask,
    responses((status = 202, body = SubscriptionAsked), (status = 409, description = "本站未开通邮件通知"),
        (status = 429, description = "请求过于频繁")))]
pub async fn ask(state: Data<AppState>, req: HttpRequest, body: Json<Ask>) -> ApiResult<HttpResponse> {
    rate_limit::check(&state.limits.subscribe, &client_key(&req))?;
    let chosen = service::check(&state.db, &body).await?;
    super::pages::request(&state, &body.email, chosen).await?;
    Ok(HttpResponse::Accepted().json(SubscriptionAsked { message: ASKED }))
}

/// What a subscriber does with the token from their links.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubscriptionAction {
    /// The token in the subscriber's links (48 hexadecimal digits)
    #[schema(pattern = "^[0-9a-fA-F]{48}$")]
    pub token: String,
    /// `view` | `confirm` | `frequency` | `unsubscribe` | `resume`
    #[schema(pattern = "^(view|confirm|frequency|unsubscribe|resume)$")]
    pub action: String,
    /// The new frequency, for `frequency`: `immediate` | `daily` | `weekly`
    #[serde(default)]
    #[schema(pattern = "^(immediate|daily|weekly)$")]
    pub frequency: Option<String>,
}

/// See, confirm, change or end the subscription behind a token. An unknown or erased token
/// answers 404.
#[utoipa::path(post, path = "/api/v1/subscriptions/manage", tag = "subscriptions", request_body = SubscriptionAction,
    responses((status = 200, body = View), (status = 409, description = "此订阅不能这样更改")))]
pub async fn manage(state: Data<AppState>, body: Json<SubscriptionAction>) -> ApiResult<Json<View>> {
    let change = match body.action.as_str() {
        "view" => None,
        "confirm" => Some(Change::Confirm),
        "unsubscribe" => Some(Change::Unsubscribe),
        "resume" => Some(Change::Resume),
        "frequency" => match body.frequency.as_deref().and_then(Frequency::from_code) {
            Some(f) => Some(Change::Frequency(f)),
            None => return Err(AppError::invalid("frequency", "请选择发送频率").into()),
        },
        _ => return Err(AppError::invalid("action", "未知的操作").into()),
    };
    let sub = match change {
        None => service::find(&state.db, &body.token).await?,
        Some(change) => service::apply(&state.db, &body.token, change, state.now()).await?,
    };
    let sub = sub.ok_or(AppError::NotFound)?;
    Ok(Json(service::view(&state.db, &sub).await?))
}

/// The counts staff see.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionCounts {
    /// One row per scope followed
    pub rows: Vec<CountRow>,
    /// Whether this server sends mail at all
    pub mail_enabled: bool,
}

/// How many subscriptions follow the caller's unit (the province's admins: every scope), by
/// frequency and state. Never an address.
#[utoipa::path(get, path = "/api/v1/admin/subscriptions", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = SubscriptionCounts)))]
pub async fn counts(state: Data<AppState>, actor: Actor) -> ApiResult<Json<SubscriptionCounts>> {
    Ok(Json(SubscriptionCounts { rows: service::counts(&state.db, &actor).await?, mail_enabled: state.mail.enabled() }))
}

/// Addresses the relay reported after accepting mail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SuppressionReport {
    /// One address each, 1 to 10,000
    #[schema(min_items = 1, max_items = 10000)]
    pub addresses: Vec<String>,
    pub reason: Suppression,
}

/// How many subscriptions were suspended.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suppressed {
    pub suspended: u64,
}

/// Suspend every subscription of addresses that bounced or complained (the province's admins).
#[utoipa::path(post, path = "/api/v1/admin/subscriptions/suppressions", tag = "admin",
    security(("bearer_token" = [])), request_body = SuppressionReport,
    responses((status = 200, body = Suppressed)))]
pub async fn suppress(
    state: Data<AppState>,
    actor: Actor,
    body: Json<SuppressionReport>,
) -> ApiResult<Json<Suppressed>> {
    let reason = match body.reason {
        Suppression::Bounce => "bounce",
        Suppression::Complaint => "complaint",
    };
    let (addresses, why) = super::pages::suppression_input(&actor, &body.addresses.join("\n"), reason)?;
    let suspended = service::suppress(&state.db, &state.secrets.session_key, &addresses, why, state.now()).await?;
    Ok(Json(Suppressed { suspended }))
}

/// This module's part of `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    paths(ask, manage, counts, suppress),
    components(schemas(Ask, SubscriptionAsked, SubscriptionAction, View, SubscriptionCounts, CountRow, SuppressionReport,
        Suppressed, Suppression)),
    tags((name = "subscriptions", description = "邮件订阅：订阅、确认、管理、退订"))
)]
pub struct SubscriptionsApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    SubscriptionsApi::openapi()
}
