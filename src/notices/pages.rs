//! Public notice pages: the notice as it stands, each revision at its own URL, and the A4
//! poster. A notice that has not opened yet is a 404, decided per request by the clock.
use super::cache::{self, Caches, Changes};
use super::public_read::{self, PublicState};
use super::service::{self, Item};
use super::{Period, Status, views};
use crate::error::{AppError, AppResult, PageResult};
use crate::web::AppState;
use crate::web::display::Display;
use crate::web::precomputed::{self, Page};
use actix_web::web::{Data, Path};
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
    Ok(load_state_read_under(state, notice_id).await?.0)
}

/// A notice's public state, with the public generation it was read under.
///
/// # Errors
/// Database failure.
pub async fn load_state_read_under(state: &AppState, notice_id: i32) -> AppResult<(Option<Arc<PublicState>>, i64)> {
    let caches = caches(state);
    if let Some(found) = caches.state(notice_id) {
        return Ok(found);
    }
    // Read before the generation, so a write committed meanwhile makes the next request look again.
    let writes = crate::db::writes_committed();
    let generation = crate::db::public_generation(&state.db).await?;
    if let Some(found) = caches.state_if_current(notice_id, generation, writes) {
        return Ok((found, generation));
    }
    let loaded = public_read::notice_state(&state.db, notice_id).await?.map(Arc::new);
    caches.put_state(notice_id, loaded.clone(), generation, writes);
    Ok((loaded, generation))
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

/// The public state (with the generation it was read under) and the revision the public sees
/// now, or 404.
pub(crate) async fn visible(
    state: &AppState,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(Arc<PublicState>, i64, notice_revisions::Model)> {
    let (ps, generation) = load_state_read_under(state, notice_id).await?;
    let ps = ps.ok_or(AppError::NotFound)?;
    let current = ps.current(now).cloned().ok_or(AppError::NotFound)?;
    Ok((ps, generation, current))
}

pub async fn notice_page(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let id = parse_id(&id)?;
    let display = Display::of(&req);
    let key = format!("notice:{id}:{}", display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || async {
        let (ps, generation, current) = visible(&state, id, now).await?;
        build(&state, &ps, &current, Kind::Page, display, now).await.map(|p| p.read_under(generation))
    })
    .await?)
}

pub async fn revision_page(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let (id, no) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let display = Display::of(&req);
    let key = format!("revision:{id}:{no}:{}", display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || async {
        let (ps, generation, _) = visible(&state, id, now).await?;
        let shown =
            ps.public_revisions(now).into_iter().find(|r| r.revision_no == no).cloned().ok_or(AppError::NotFound)?;
        build(&state, &ps, &shown, Kind::Page, display, now).await.map(|p| p.read_under(generation))
    })
    .await?)
}

pub async fn poster_page(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let id = parse_id(&id)?;
    let display = Display::of(&req);
    let key = format!("poster:{id}:{}", display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || async {
        let (ps, generation, current) = visible(&state, id, now).await?;
        build(&state, &ps, &current, Kind::Poster, display, now).await.map(|p| p.read_under(generation))
    })
    .await?)
}

#[derive(Clone, Copy)]
enum Kind {
    Page,
    Poster,
}

impl Kind {
    fn template(self) -> &'static str {
        match self {
            Self::Page => "notices/page.html",
            Self::Poster => "notices/poster.html",
        }
    }
}

/// Renders a revision's page, valid until the next instant anything on it reads differently.
async fn build(
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
    kind: Kind,
    display: Display,
    now: DateTime<Utc>,
) -> AppResult<Page> {
    let live = views::live(ps, shown, now, display.class());
    let items = load_items(state, shown.id).await?;
    let changes = load_changes(state, ps, shown, &items).await?;
    let mut ctx = views::notice_page(ps, shown, &items, &changes, &live, &state.settings);
    if matches!(kind, Kind::Poster) {
        ctx.qr_svg = super::poster::qr_svg(&state.settings.absolute_url(&ctx.current_url));
    }
    let body = crate::web::templates::render(kind.template(), &ctx)?;
    let mut valid_until = ps.next_change_after(now);
    if live.is_open {
        let closes_at = Period::of_revision(shown).closes_at;
        valid_until =
            valid_until.min(precomputed::next_minute(now)).min(precomputed::next_countdown_tick(closes_at, now));
    }
    Ok(Page::html(body).until(valid_until).last_modified(last_modified(ps, shown, now)))
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
