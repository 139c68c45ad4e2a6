//! A staff member's private calendar (`/calendar/staff/{key}.ics`): the handling deadlines of the
//! open objections they may handle, for the calendar on their phone, which cannot sign in. The
//! key in the address stands for the staff member, read-only and for this calendar alone; it is
//! shown once when made (`/admin/calendar`), stored as its SHA-256 only, and replaced or removed
//! to revoke the address. It goes with the account's other credentials: a password change, a
//! reset, ending the other sessions or deactivation removes it (`access::tokens`).
//!
//! The events carry what a calendar synced to a cloud service may hold: the receipt code, the
//! notice's title, the case's state and a link to the case page. Never the objection's content
//! or the objector.
use super::ics::{self, HandlingDue};
use crate::access::{Actor, AuthMethod};
use crate::audit;
use crate::error::{AppError, AppResult, PageResult};
use crate::objections::queue::{QueueFilter, queue};
use crate::web::AppState;
use crate::web::shell::{flash, render, see_other};
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::{calendar_keys, notice_revisions, users};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Every key starts with this, so secret scanners and people recognise it.
pub const KEY_PREFIX: &str = "gsc_";

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Makes the actor's key, replacing (and so revoking) the one they had. Returns the only copy.
///
/// # Errors
/// Database failure.
pub async fn issue<C: ConnectionTrait>(db: &C, actor: &Actor, now: DateTime<Utc>) -> AppResult<String> {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let key = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    calendar_keys::Entity::delete_by_id(actor.user_id).exec(db).await?;
    calendar_keys::ActiveModel { user_id: Set(actor.user_id), key_hash: Set(hash(&key)), created_at: Set(now) }
        .insert(db)
        .await?;
    audit::record(db, actor.audit("calendar.key.issue", "user", Some(actor.user_id.to_string())), now).await?;
    Ok(key)
}

/// Removes the actor's key: the address stops answering at once. Whether there was one.
///
/// # Errors
/// Database failure.
pub async fn revoke<C: ConnectionTrait>(db: &C, actor: &Actor, now: DateTime<Utc>) -> AppResult<bool> {
    let gone = calendar_keys::Entity::delete_by_id(actor.user_id).exec(db).await?.rows_affected > 0;
    if gone {
        audit::record(db, actor.audit("calendar.key.revoke", "user", Some(actor.user_id.to_string())), now).await?;
    }
    Ok(gone)
}

/// The active account a key stands for, as an actor.
async fn holder<C: ConnectionTrait>(db: &C, key: &str) -> AppResult<Option<Actor>> {
    if !key.starts_with(KEY_PREFIX) || key.len() > 80 {
        return Ok(None);
    }
    let row = calendar_keys::Entity::find().filter(calendar_keys::Column::KeyHash.eq(hash(key))).one(db).await?;
    let Some(row) = row else { return Ok(None) };
    let user = users::Entity::find_by_id(row.user_id).one(db).await?.filter(|u| u.is_active);
    let Some(user) = user else { return Ok(None) };
    Ok(Some(Actor::load(db, user, AuthMethod::Session, None).await?))
}

/// `/calendar/staff/{key}.ics`. An unknown, replaced or revoked key, or one of a deactivated
/// account, is a plain 404: the address tells nothing about whose it was.
pub async fn feed(state: Data<AppState>, key: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let actor = holder(&state.db, &key).await?.ok_or(AppError::NotFound)?;
    let filter = QueueFilter { status: Some("open".to_owned()), ..QueueFilter::default() };
    let rows = queue(&state.db, &actor, &filter, now).await?;
    let titles = titles(&state.db, rows.iter().map(|r| r.notice_id)).await?;
    let items: Vec<HandlingDue> = rows
        .iter()
        .map(|r| HandlingDue {
            objection_id: r.id,
            summary: format!(
                "异议处理期限：{}{}",
                r.receipt_display,
                if r.assigned_to == Some(actor.user_id) { "（由我办理）" } else { "" }
            ),
            description: format!(
                "《{}》的异议（{}），当前状态：{}。处理期限：{}。",
                titles.get(&r.notice_id).map_or("", String::as_str),
                r.category_label,
                r.status_label,
                r.handling_due_text
            ),
            due_at: r.handling_due_at,
            received_at: r.received_at,
            url: state.settings.absolute_url(&format!("/admin/objections/{}", r.id)),
        })
        .collect();
    let name = format!("{}的异议处理期限", actor.display_name);
    let body = ics::handling_deadlines(&name, &super::pages::host(&state), &items);
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        // Personal: no shared cache may keep it, and the calendar asks again for changes.
        .insert_header((header::CACHE_CONTROL, "private, no-cache"))
        .insert_header(("X-Robots-Tag", "noindex"))
        .body(body))
}

/// Each notice's title as last published.
async fn titles<C: ConnectionTrait>(db: &C, ids: impl Iterator<Item = i32>) -> AppResult<HashMap<i32, String>> {
    let revisions = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.is_in(ids))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_asc(notice_revisions::Column::RevisionNo)
        .all(db)
        .await?;
    Ok(revisions.into_iter().map(|r| (r.notice_id, r.title)).collect())
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    /// When the current address was made, if there is one.
    since: Option<String>,
    /// The address just made, shown on this response only.
    new_address: Option<String>,
}

async fn page_of(state: &AppState, actor: &Actor, new_address: Option<String>) -> AppResult<Page> {
    let row = calendar_keys::Entity::find_by_id(actor.user_id).one(&state.db).await?;
    Ok(Page { title: "日历订阅", since: row.map(|r| crate::china_time::datetime_zh(r.created_at)), new_address })
}

/// `/admin/calendar`: whether the actor has an address, and the buttons to make or remove it.
pub async fn page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let page = page_of(&state, &actor, None).await?;
    Ok(render(&req, &actor, "admin/calendar.html", &page)?)
}

/// `POST /admin/calendar/key`: a new address, shown on this very response, the old one revoked.
pub async fn issue_form(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let key = issue(&state.db, &actor, state.now()).await?;
    let address = state.settings.absolute_url(&format!("/calendar/staff/{key}.ics"));
    let page = page_of(&state, &actor, Some(address)).await?;
    Ok(render(&req, &actor, "admin/calendar.html", &page)?)
}

/// `POST /admin/calendar/key/revoke`.
pub async fn revoke_form(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    if revoke(&state.db, &actor, state.now()).await? {
        flash(&req, "日历订阅地址已停用".to_owned());
    }
    Ok(see_other("/admin/calendar"))
}
