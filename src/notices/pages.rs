//! Public notice pages: the notice as it stands, each revision at its own URL, and the A4
//! poster. A notice that has not opened yet is a 404, decided per request by the clock.
use super::cache::{self, Caches, Changes, Rendered};
use super::public_read::{self, PublicState};
use super::service::{self, Item};
use super::{Period, Status, http, views};
use crate::error::{AppError, AppResult, PageResult};
use crate::web::AppState;
use crate::web::display::Display;
use actix_web::web::{Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use entity::notice_revisions;
use std::sync::Arc;

/// Ids from the path; anything that is not a number is simply not found.
pub(crate) fn parse_id(s: &str) -> AppResult<i32> {
    s.parse::<i32>().ok().filter(|n| *n > 0).ok_or(AppError::NotFound)
}

/// The caches of this app's database.
pub(crate) fn caches(state: &AppState) -> Arc<Caches> {
    cache::for_database(&state.settings.database_url)
}

/// A notice's public state, from the cache when fresh.
///
/// # Errors
/// Database failure.
pub async fn load_state(state: &AppState, notice_id: i32) -> AppResult<Option<Arc<PublicState>>> {
    let caches = caches(state);
    if let Some(found) = caches.state(notice_id) {
        return Ok(found);
    }
    // Read before the generation, so a write committed meanwhile makes the next request look again.
    let writes = crate::db::writes_committed();
    let generation = crate::db::public_generation(&state.db).await?;
    if let Some(found) = caches.state_if_current(notice_id, generation, writes) {
        return Ok(found);
    }
    let loaded = public_read::notice_state(&state.db, notice_id).await?.map(Arc::new);
    caches.put_state(notice_id, loaded.clone(), generation, writes);
    Ok(loaded)
}

/// A published revision's items: they never change, so they are read once.
///
/// # Errors
/// Database failure.
pub async fn load_items(state: &AppState, revision_id: i32) -> AppResult<Arc<Vec<Item>>> {
    let caches = caches(state);
    if let Some(items) = caches.items(revision_id) {
        return Ok(items);
    }
    let items = Arc::new(service::items(&state.db, revision_id).await?);
    caches.put_items(revision_id, items.clone());
    Ok(items)
}

/// A published revision's items' changes from the lower-level notices they rest on, as they
/// stood when it was published: read once.
///
/// # Errors
/// Database failure.
pub async fn load_changes(
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
    items: &[Item],
) -> AppResult<Arc<Changes>> {
    let caches = caches(state);
    if let Some(found) = caches.changes(shown.id) {
        return Ok(found);
    }
    let as_of = shown.published_at.unwrap_or_else(|| state.now());
    let found = Arc::new(super::consistency::changes_from_lower(&state.db, &ps.notice, items, as_of).await?);
    if shown.published_at.is_some() {
        caches.put_changes(shown.id, found.clone());
    }
    Ok(found)
}

/// The public state and the revision the public sees now, or 404.
async fn visible(
    state: &AppState,
    id: &str,
    now: DateTime<Utc>,
) -> AppResult<(Arc<PublicState>, notice_revisions::Model)> {
    let ps = load_state(state, parse_id(id)?).await?.ok_or(AppError::NotFound)?;
    let current = ps.current(now).cloned().ok_or(AppError::NotFound)?;
    Ok((ps, current))
}

pub async fn notice_page(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let (ps, current) = visible(&state, &id, now).await?;
    Ok(serve(&req, &state, &ps, &current, Kind::Page, now).await?)
}

pub async fn revision_page(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let (ps, _) = visible(&state, &path.0, now).await?;
    let no = parse_id(&path.1)?;
    let shown =
        ps.public_revisions(now).into_iter().find(|r| r.revision_no == no).cloned().ok_or(AppError::NotFound)?;
    Ok(serve(&req, &state, &ps, &shown, Kind::Page, now).await?)
}

pub async fn poster_page(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let (ps, current) = visible(&state, &id, now).await?;
    Ok(serve(&req, &state, &ps, &current, Kind::Poster, now).await?)
}

#[derive(Clone, Copy)]
enum Kind {
    Page,
    Poster,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Poster => "poster",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Self::Page => "notices/page.html",
            Self::Poster => "notices/poster.html",
        }
    }
}

/// Serves a revision's page from the cache while its live part is unchanged, rendering it
/// once otherwise.
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
    kind: Kind,
    now: DateTime<Utc>,
) -> AppResult<HttpResponse> {
    let display = Display::of(req);
    let live = views::live(ps, shown, now, display.class());
    let key = live.key();
    let caches = caches(state);
    let page = match caches.page(kind.name(), shown.id, display.variant(), &key) {
        Some(page) => page,
        None => {
            let items = load_items(state, shown.id).await?;
            let changes = load_changes(state, ps, shown, &items).await?;
            let mut ctx = views::notice_page(ps, shown, &items, &changes, &live, &state.settings);
            if matches!(kind, Kind::Poster) {
                ctx.qr_svg = super::poster::qr_svg(&state.settings.absolute_url(&ctx.current_url));
            }
            let body = Bytes::from(crate::web::templates::render(kind.template(), &ctx)?);
            let page = Arc::new(Rendered { etag: http::etag_of(&body), key, body });
            caches.put_page(kind.name(), shown.id, display.variant(), page.clone());
            page
        }
    };
    let last_modified = last_modified(ps, shown, now);
    Ok(http::conditional(req, "text/html; charset=utf-8", &page.etag, last_modified, page.body.clone()))
}

/// The last change the page shows; while open, the time left changes every minute, so the
/// start of the current minute bounds it.
fn last_modified(ps: &PublicState, shown: &notice_revisions::Model, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let changed = ps.changed_at(now)?;
    if Period::of_revision(shown).status(now) == Status::Open && !ps.is_withdrawn() {
        let minute = now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now);
        return Some(changed.max(minute));
    }
    Some(changed)
}
