//! Taking the [`Actor`] from a request: the session cookie on pages, `Authorization: Bearer`
//! on the API. Without a valid sign-in a page answers 303 to `/login?next=…` and the API
//! answers 401 problem+json, before the handler runs.
use super::AppState;
use super::is_api_path;
use super::session::{self, SignedIn};
use crate::access::tokens;
use crate::access::{Actor, AuthMethod};
use crate::error::{AppError, AppResult};
use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use entity::users;
use futures_util::future::LocalBoxFuture;
use sea_orm::EntityTrait;

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
            let api = is_api_path(super::routed_path(&req));
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
    let current = user.filter(|u| session::is_current(&signed_in, u, state.now()));
    let Some(user) = current else {
        session::end(&session);
        return Err(AppError::Unauthenticated);
    };
    // Signed out already: this cookie is a copy kept after the sign-out.
    if session::has_ended(&state.db, &signed_in).await? {
        session::end(&session);
        return Err(AppError::Unauthenticated);
    }
    Actor::load(&state.db, user, AuthMethod::Session, Some(crate::web::security::client_ip(req))).await
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
    Actor::load(&state.db, user, AuthMethod::Token(token.id), Some(crate::web::security::client_ip(req))).await
}
