//! The signed-in staff member, taken from the session cookie on pages and from
//! `Authorization: Bearer <token>` on the API. Never both: the API ignores cookies, which is why
//! it needs no CSRF token.
//!
//! A handler asks for it by naming it as an argument: `async fn page(actor: Actor, …)`.
//! Without a valid sign-in a page answers 303 to `/login?next=…` and the API answers 401
//! problem+json, before the handler runs.
use super::Role;
use super::session::{self, SignedIn};
use crate::accounts::tokens;
use crate::audit::AuditEntry;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use crate::web::is_api_path;
use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use entity::{units, users};
use futures_util::future::LocalBoxFuture;
use sea_orm::EntityTrait;
use serde::Serialize;

/// How the actor proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "token_id")]
pub enum AuthMethod {
    Session,
    Token(i32),
}

#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i32,
    pub unit_name: String,
    /// An account of the root unit of kind `province`: sees every unit.
    pub is_province: bool,
    pub via: AuthMethod,
    /// The client address, for the audit log.
    #[serde(skip)]
    pub ip: Option<String>,
}

impl Actor {
    /// A province admin manages units and users across the tree.
    #[must_use]
    pub fn is_province_admin(&self) -> bool {
        self.is_province && self.role == Role::Admin
    }

    /// An audit entry for this actor (who, from where); the caller says what.
    #[must_use]
    pub fn audit<'a>(&self, action: &'a str, target_type: &'a str, target_id: Option<String>) -> AuditEntry<'a> {
        AuditEntry {
            user_id: Some(self.user_id),
            unit_id: Some(self.unit_id),
            action,
            target_type,
            target_id,
            detail: None,
            ip: self.ip.clone(),
        }
    }

    /// Builds the actor for an account that has just proved itself.
    ///
    /// # Errors
    /// Database failure; `Unauthenticated` when the account's role or unit is unusable.
    pub async fn load<C: sea_orm::ConnectionTrait>(
        db: &C,
        user: users::Model,
        via: AuthMethod,
        ip: Option<String>,
    ) -> AppResult<Self> {
        let role = Role::parse(&user.role).ok_or(AppError::Unauthenticated)?;
        let unit = units::Entity::find_by_id(user.unit_id).one(db).await?.ok_or(AppError::Unauthenticated)?;
        Ok(Self {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            role,
            unit_id: unit.id,
            unit_name: unit.name,
            is_province: unit.parent_id.is_none() && unit.kind == "province",
            via,
            ip,
        })
    }
}

/// Why a request has no actor, answered the way its kind of client expects.
#[derive(Debug)]
pub enum AuthRejection {
    /// A page: go and sign in, then come back to `next`.
    SignIn {
        next: String,
    },
    Api(AppError),
    Page(AppError),
}

impl std::fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn { .. } => f.write_str("请先登录"),
            Self::Api(e) | Self::Page(e) => e.fmt(f),
        }
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> actix_web::http::StatusCode {
        match self {
            Self::SignIn { .. } => actix_web::http::StatusCode::SEE_OTHER,
            Self::Api(e) | Self::Page(e) => e.status(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { next } => {
                let location = format!(
                    "/login?next={}",
                    url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
            }
            Self::Api(e) => {
                let mut res = e.to_problem_response();
                if matches!(e, AppError::Unauthenticated) {
                    res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
                }
                res
            }
            Self::Page(e) => e.to_page_response(),
        }
    }
}

impl FromRequest for Actor {
    type Error = AuthRejection;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(actor) = req.extensions().get::<Actor>() {
                return Ok(actor.clone());
            }
            let api = is_api_path(crate::web::routed_path(&req));
            let actor = if api { from_token(&req).await } else { from_session(&req).await };
            match actor {
                Ok(actor) => {
                    req.extensions_mut().insert(actor.clone());
                    Ok(actor)
                }
                Err(e) if api => Err(AuthRejection::Api(e)),
                Err(AppError::Unauthenticated) => Err(AuthRejection::SignIn { next: next_of(&req) }),
                Err(e) => Err(AuthRejection::Page(e)),
            }
        })
    }
}

fn state_of(req: &HttpRequest) -> AppResult<&web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::internal("AppState missing"))
}

/// Where to return after signing in: this page, if it is a page one can GET.
fn next_of(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        req.uri().path_and_query().map_or_else(|| "/admin".to_owned(), ToString::to_string)
    } else {
        "/admin".to_owned()
    }
}

async fn from_session(req: &HttpRequest) -> AppResult<Actor> {
    let state = state_of(req)?;
    let session = req.get_session();
    let signed_in: SignedIn = session::read(&session).ok_or(AppError::Unauthenticated)?;
    let user = users::Entity::find_by_id(signed_in.user_id).one(&state.db).await?;
    let Some(user) = user.filter(|u| session::is_current(&signed_in, u, state.now())) else {
        session::end(&session);
        return Err(AppError::Unauthenticated);
    };
    Actor::load(&state.db, user, AuthMethod::Session, Some(crate::security::client_ip(req))).await
}

async fn from_token(req: &HttpRequest) -> AppResult<Actor> {
    let state = state_of(req)?;
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    let (token, user) =
        tokens::authenticate(&state.db, presented, state.now()).await?.ok_or(AppError::Unauthenticated)?;
    Actor::load(&state.db, user, AuthMethod::Token(token.id), Some(crate::security::client_ip(req))).await
}
