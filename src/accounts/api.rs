//! `/api/v1/admin/account/notifications`: the caller's own reminder settings, as on 我的账号.
use super::notifications::{self, NotificationPreferences, NotificationSettings};
use super::service;
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json};

/// Which reminders reach the caller by e-mail, and where.
#[utoipa::path(get, path = "/api/v1/admin/account/notifications", tag = "admin", security(("bearer_token" = [])),
    responses((status = 200, body = NotificationPreferences), (status = 401, body = crate::web::errors::Problem)))]
pub async fn get(state: Data<AppState>, actor: Actor) -> ApiResult<Json<NotificationPreferences>> {
    let user = service::find(&state.db, actor.user_id).await?;
    Ok(Json(NotificationSettings::of(&user).preferences(state.mail.enabled())))
}

/// Sets them (`mail_enabled` is ignored). A malformed address is refused (422).
#[utoipa::path(put, path = "/api/v1/admin/account/notifications", tag = "admin", security(("bearer_token" = [])),
    request_body = NotificationPreferences,
    responses((status = 200, body = NotificationPreferences), (status = 401, body = crate::web::errors::Problem),
        (status = 422, body = crate::web::errors::Problem)))]
pub async fn put(
    state: Data<AppState>,
    actor: Actor,
    body: Json<NotificationPreferences>,
) -> ApiResult<Json<NotificationPreferences>> {
    notifications::save(&state.db, &actor, &body.into_inner().into(), state.now()).await?;
    get(state, actor).await
}
