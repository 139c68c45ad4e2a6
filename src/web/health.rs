//! `GET /healthz`: 200 when the database answers, 503 when it does not.
use crate::web::AppState;
use actix_web::{HttpResponse, web};
use sea_orm::ConnectionTrait;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let probe = sea_orm::Statement::from_string(state.db.get_database_backend(), "SELECT 1");
    match state.db.execute_raw(probe).await {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(e) => {
            tracing::error!("health check: database does not answer: {e}");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "database unavailable" }))
        }
    }
}
