//! The delivery log API, `/api/v1/admin/mail`.
use super::service::{self, DeliveryLog, Filter};
use crate::access::Actor;
use crate::error::ApiResult;
use crate::web::AppState;
use actix_web::web::{Data, Json, Query};

/// Mail the caller's units sent or are sending, newest first, 50 a page: the masked address,
/// the subject, the state, attempts, the SMTP server's reply or the last error.
#[utoipa::path(get, path = "/api/v1/admin/mail", tag = "admin", security(("bearer_token" = [])),
    params(Filter),
    responses((status = 200, body = DeliveryLog), (status = 403, body = crate::web::errors::Problem),
        (status = 422, body = crate::web::errors::Problem)))]
pub async fn list(state: Data<AppState>, actor: Actor, filter: Query<Filter>) -> ApiResult<Json<DeliveryLog>> {
    Ok(Json(service::list(&state.db, &actor, &filter, state.mail.enabled()).await?))
}
