//! Personal API tokens: each staff member creates and revokes their own. A token acts with its
//! owner's role and unit, so it needs no permissions of its own.
use crate::access::Actor;
use crate::access::tokens;
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
    pub created_zh: String,
    pub last_used_zh: Option<String>,
    pub revoked_zh: Option<String>,
}

impl From<api_tokens::Model> for TokenView {
    fn from(t: api_tokens::Model) -> Self {
        Self {
            created_zh: crate::china_time::datetime_zh(t.created_at),
            last_used_zh: t.last_used_at.map(crate::china_time::datetime_zh),
            revoked_zh: t.revoked_at.map(crate::china_time::datetime_zh),
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
}

async fn list(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<TokenView>> {
    Ok(tokens::list_for_user(db, actor.user_id).await?.into_iter().map(TokenView::from).collect())
}

async fn create(db: &DatabaseConnection, actor: &Actor, name: &str, now: DateTime<Utc>) -> AppResult<tokens::NewToken> {
    let txn = crate::db::begin_write(db).await?;
    let token = tokens::create(&txn, actor.user_id, name, now).await?;
    let entry = audit::AuditEntry {
        detail: Some(name.trim().to_owned()),
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
    Ok(token.into())
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    tokens: Vec<TokenView>,
    new_secret: Option<String>,
    errors: Vec<FieldError>,
}

pub async fn list_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let page = Page { title: "API令牌", tokens: list(&state.db, &actor).await?, new_secret: None, errors: vec![] };
    Ok(render(&req, &actor, "admin/tokens.html", &page)?)
}

/// Shows the new token on this very response (never in a redirect or a later page).
pub async fn create_page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<NewTokenInput>,
) -> PageResult<HttpResponse> {
    match create(&state.db, &actor, &form.name, state.now()).await {
        Ok(token) => {
            let page = Page {
                title: "API令牌",
                tokens: list(&state.db, &actor).await?,
                new_secret: Some(token.secret),
                errors: vec![],
            };
            Ok(render(&req, &actor, "admin/tokens.html", &page)?)
        }
        Err(AppError::Validation(errors)) => {
            let errors = labelled(errors, &[("name", "用途")]);
            let page = Page { title: "API令牌", tokens: list(&state.db, &actor).await?, new_secret: None, errors };
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
    Ok(Json(list(&state.db, &actor).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Created {
    id: i32,
    name: String,
    prefix: String,
    /// The only time the token is shown.
    token: String,
}

/// Creates a token for the caller; the answer is the only time it is shown.
#[utoipa::path(post, path = "/api/v1/admin/tokens", tag = "admin", security(("bearer_token" = [])),
    request_body = NewTokenInput,
    responses((status = 201, body = Created), (status = 422, body = crate::web::errors::Problem)))]
pub async fn api_create(state: Data<AppState>, actor: Actor, input: Json<NewTokenInput>) -> ApiResult<HttpResponse> {
    let token = create(&state.db, &actor, &input.name, state.now()).await?;
    let body = Created { id: token.id, name: input.name.trim().to_owned(), prefix: token.prefix, token: token.secret };
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
