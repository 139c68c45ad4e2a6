//! `/admin/tokens`: the staff member's own tokens, a form to make one, and revoking.
use super::service::{create, list, revoke};
use super::{NewTokenInput, TokenView};
use crate::access::{Actor, tokens};
use crate::error::{AppError, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

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
