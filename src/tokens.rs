//! Personal API tokens: each staff member creates and revokes their own. A token acts with its
//! owner's role and unit, so it needs no permissions of its own. Tokens are made in a signed-in
//! session only (`/admin/tokens`): a token cannot make more tokens, so one that leaks cannot
//! be turned into others that survive its revocation.
use crate::access::tokens;
use crate::access::{Actor, AuthMethod};
use crate::audit;
use crate::error::{ApiResult, AppError, AppResult, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Json, Path};
use actix_web::{HttpRequest, HttpResponse, http::header};
use chrono::{DateTime, Utc};
use entity::api_tokens;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

/// A token as its owner sees it later: never the secret, never the hash.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: i32,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// It has expired (and was not revoked before).
    pub expired: bool,
    pub created_zh: String,
    pub last_used_zh: Option<String>,
    pub revoked_zh: Option<String>,
    pub expires_zh: String,
}

impl TokenView {
    fn of(t: api_tokens::Model, now: DateTime<Utc>) -> Self {
        let expires_at = tokens::expires_at(&t);
        Self {
            created_zh: crate::china_time::datetime_zh(t.created_at),
            last_used_zh: t.last_used_at.map(crate::china_time::datetime_zh),
            revoked_zh: t.revoked_at.map(crate::china_time::datetime_zh),
            expires_zh: crate::china_time::datetime_zh(expires_at),
            expired: t.revoked_at.is_none() && now >= expires_at,
            expires_at,
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// A new token, named by what it is for (trimmed; must not be blank).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTokenInput {
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub name: String,
    /// How many days it works (default 90).
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    #[schema(minimum = 1, maximum = 365)]
    pub valid_days: Option<i32>,
}

async fn list(db: &DatabaseConnection, actor: &Actor, now: DateTime<Utc>) -> AppResult<Vec<TokenView>> {
    Ok(tokens::list_for_user(db, actor.user_id).await?.into_iter().map(|t| TokenView::of(t, now)).collect())
}

/// Why a token may not make tokens, for the one who tries.
const TOKEN_MAKES_NO_TOKENS: &str =
    "不能用API令牌生成新令牌：请登录后在“API令牌”页面（/admin/tokens）生成，令牌只显示一次";

async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewTokenInput,
    now: DateTime<Utc>,
) -> AppResult<tokens::NewToken> {
    if matches!(actor.via, AuthMethod::Token(_)) {
        return Err(AppError::ForbiddenBecause(TOKEN_MAKES_NO_TOKENS.to_owned()));
    }
    // Out of range reads as 0, which the lifetime check refuses with its message.
    let days = input.valid_days.map_or(tokens::DEFAULT_LIFETIME_DAYS, |d| u16::try_from(d).unwrap_or(0));
    let name = input.name.as_str();
    let txn = crate::db::begin_write(db).await?;
    let token = tokens::create_for_days(&txn, actor.user_id, name, days, now).await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("{}，有效期至{}", name.trim(), crate::china_time::datetime_zh(token.expires_at))),
        ..actor.audit("token.create", "api_token", Some(token.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(token)
}

/// Revokes one of the actor's own tokens; another's answers as if it did not exist.
async fn revoke(db: &DatabaseConnection, actor: &Actor, id: i32, now: DateTime<Utc>) -> AppResult<TokenView> {
    let txn = crate::db::begin_write(db).await?;
    let token = tokens::find(&txn, id).await?;
    if token.user_id != actor.user_id {
        return Err(AppError::NotFound);
    }
    let token = tokens::revoke(&txn, id, now).await?;
    audit::record(&txn, actor.audit("token.revoke", "api_token", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(TokenView::of(token, now))
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    tokens: Vec<TokenView>,
    new_secret: Option<String>,
    /// 2025年6月7日 10:00:00, beside a new secret.
    new_expires_zh: Option<String>,
    default_days: u16,
    max_days: u16,
    errors: Vec<FieldError>,
}

impl Page {
    fn new(tokens: Vec<TokenView>) -> Self {
        Self {
            title: "API令牌",
            tokens,
            new_secret: None,
            new_expires_zh: None,
            default_days: tokens::DEFAULT_LIFETIME_DAYS,
            max_days: tokens::MAX_LIFETIME_DAYS,
            errors: vec![],
        }
    }
}

pub async fn list_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let page = Page::new(list(&state.db, &actor, state.now()).await?);
    Ok(render(&req, &actor, "admin/tokens.html", &page)?)
}

/// Shows the new token on this very response (never in a redirect or a later page).
pub async fn create_page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<NewTokenInput>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    match create(&state.db, &actor, &form, now).await {
        Ok(token) => {
            let page = Page {
                new_secret: Some(token.secret),
                new_expires_zh: Some(crate::china_time::datetime_zh(token.expires_at)),
                ..Page::new(list(&state.db, &actor, now).await?)
            };
            Ok(render(&req, &actor, "admin/tokens.html", &page)?)
        }
        Err(AppError::Validation(errors)) => {
            let errors = labelled(errors, &[("name", "用途"), ("valid_days", "有效期")]);
            let page = Page { errors, ..Page::new(list(&state.db, &actor, now).await?) };
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/tokens.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    let token = revoke(&state.db, &actor, *id, state.now()).await?;
    flash(&req, format!("已吊销令牌：{}", token.name));
    Ok(see_other("/admin/tokens"))
}

/// The caller's own tokens (never the secrets).
#[utoipa::path(get, path = "/api/v1/admin/tokens", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = [TokenView]), (status = 401, body = crate::web::errors::Problem)))]
pub async fn api_list(state: Data<AppState>, actor: Actor) -> ApiResult<Json<Vec<TokenView>>> {
    Ok(Json(list(&state.db, &actor, state.now()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Created {
    id: i32,
    name: String,
    prefix: String,
    /// The only time the token is shown.
    token: String,
    /// When it stops working.
    expires_at: DateTime<Utc>,
}

/// Creates a token for a signed-in session; the answer is the only time it is shown. A bearer
/// token is refused (403): tokens are made on `/admin/tokens` after signing in, never by
/// another token.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", security(("bearer_token" = [])),
    request_body = NewTokenInput,
    responses(
        (status = 201, body = Created, description = "Made, for a signed-in session"),
        (status = 403, body = crate::web::errors::Problem, description = "A token cannot make tokens: sign in and use /admin/tokens"),
        (status = 422, body = crate::web::errors::Problem)))]
pub async fn api_create(state: Data<AppState>, actor: Actor, input: Json<NewTokenInput>) -> ApiResult<HttpResponse> {
    let token = create(&state.db, &actor, &input, state.now()).await?;
    let body = Created {
        id: token.id,
        name: input.name.trim().to_owned(),
        prefix: token.prefix,
        token: token.secret,
        expires_at: token.expires_at,
    };
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::LOCATION, "/api/v1/admin/tokens"))
        .json(body))
}

/// Revokes one of the caller's tokens (another's answers 404).
#[utoipa::path(delete, path = "/api/v1/admin/tokens/{id}", tag = "admin", security(("bearer_token" = [])),
    params(("id" = i32, Path)),
    responses((status = 200, body = TokenView), (status = 404, body = crate::web::errors::Problem)))]
pub async fn api_revoke(state: Data<AppState>, actor: Actor, id: Path<i32>) -> ApiResult<Json<TokenView>> {
    Ok(Json(revoke(&state.db, &actor, *id, state.now()).await?))
}
