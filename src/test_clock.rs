//! A clock that end-to-end tests can move, for `gongshi serve --test-clock` only: the browser
//! journey needs a notice to close without waiting five days. Off by default; when off the
//! route answers 404 as if it did not exist, and it only ever answers callers on loopback. It lives
//! under `/api/` because it is a JSON call from a test driver, not a browser form.
use crate::clock::ManualClock;
use crate::error::{ApiResult, AppError};
use crate::web::AppState;
use actix_web::web::{Data, Json};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ClockChange {
    /// Move the clock to this instant (RFC 3339)…
    now: Option<DateTime<Utc>>,
    /// …or forward by this many seconds.
    advance_seconds: Option<i64>,
}

pub async fn set_clock(req: HttpRequest, state: Data<AppState>, change: Json<ClockChange>) -> ApiResult<HttpResponse> {
    let clock: &ManualClock = state.test_clock.as_ref().ok_or(AppError::NotFound)?;
    let from_loopback = req.peer_addr().is_some_and(|a| a.ip().is_loopback());
    if !from_loopback {
        return Err(AppError::NotFound.into());
    }
    if let Some(at) = change.now {
        clock.set(at);
    }
    if let Some(secs) = change.advance_seconds {
        clock.advance(chrono::Duration::seconds(secs));
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({ "now": clock.now_rfc3339() })))
}
