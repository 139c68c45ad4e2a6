//! The public front page (open notices first, by level, with days left; recently closed;
//! search by project, unit or person) and the reader's display options (large type, high
//! contrast), kept in a cookie so they work without JavaScript.
use crate::error::{AppResult, PageResult};
use crate::notices::Status;
use crate::notices::public_listing::{self, Seen, Standing};
use crate::notices::{http, views};
use crate::web::AppState;
use crate::web::display::{DISPLAY_COOKIE, Display};
use crate::web::precomputed::{self, Page};
use crate::web::templates::render;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::web::{Bytes, Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct DisplayQuery {
    toggle: Option<String>,
    next: Option<String>,
}

/// Only a path on this site: never an absolute or protocol-relative URL (no open redirect).
fn local_path(next: Option<&str>) -> String {
    crate::web::security::redirect::local_path(next, "/")
}

pub async fn display(req: HttpRequest, q: Query<DisplayQuery>) -> HttpResponse {
    let mut d = Display::of(&req);
    match q.toggle.as_deref() {
        Some("large") => d.large = !d.large,
        Some("contrast") => d.contrast = !d.contrast,
        Some("reset") => d = Display::default(),
        _ => {}
    }
    let cookie = Cookie::build(DISPLAY_COOKIE, d.cookie_value())
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(CookieDuration::days(365))
        .finish();
    HttpResponse::SeeOther().cookie(cookie).insert_header((header::LOCATION, local_path(q.next.as_deref()))).finish()
}

#[derive(Deserialize)]
pub struct HomeQuery {
    q: Option<String>,
    /// Page of the open notices (the front page shows the first).
    page: Option<String>,
}

#[derive(Serialize)]
struct HomePage {
    title: &'static str,
    display_class: &'static str,
    display_next: String,
    q: String,
    searched: bool,
    results: Vec<views::NoticeCard>,
    results_more: bool,
    open: Vec<views::LevelGroup>,
    open_count: usize,
    page: usize,
    pages: usize,
    closed: Vec<views::NoticeCard>,
    og_url: String,
}

/// How far back "recently closed" reaches.
const RECENT_DAYS: i64 = 60;
/// Open notices per page (fewest days left first), recently closed ones shown, search results
/// shown: a phone screen's worth each, the same at any size of the database.
const OPEN_PER_PAGE: usize = 10;
const CLOSED_SHOWN: usize = 10;
const RESULTS_SHOWN: usize = 100;

pub async fn home(req: HttpRequest, state: Data<AppState>, q: Query<HomeQuery>) -> PageResult<HttpResponse> {
    let now = state.now();
    let term = q.q.as_deref().map(str::trim).unwrap_or_default().chars().take(50).collect::<String>();
    let display = Display::of(&req);
    if !term.is_empty() {
        // Searches are as many as readers type: answered per request.
        let body = Bytes::from(render("home.html", &search(&req, &state, term, display, now).await?)?);
        return Ok(http::conditional(&req, "text/html; charset=utf-8", &http::etag_of(&body), None, body));
    }
    let asked = q.page.as_deref().and_then(|p| p.parse::<usize>().ok()).filter(|p| *p >= 1).unwrap_or(1);
    let key = format!("home:{asked}:{}", display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || front_page(&state, asked, display, now)).await?)
}

fn empty_page(state: &AppState, display: Display, display_next: String) -> HomePage {
    HomePage {
        title: "职工技术成果公示",
        display_next,
        display_class: display.class(),
        searched: false,
        q: String::new(),
        results: Vec::new(),
        results_more: false,
        open: Vec::new(),
        open_count: 0,
        page: 1,
        pages: 1,
        closed: Vec::new(),
        og_url: state.settings.absolute_url("/"),
    }
}

/// Page `asked` of the open notices (the first when out of range), and on the first page the
/// recently closed ones; valid until a notice appears, opens or closes, or a countdown on it
/// shows another minute.
async fn front_page(state: &AppState, asked: usize, display: Display, now: DateTime<Utc>) -> AppResult<Page> {
    let listing = public_listing::listing(&state.db, &state.settings.database_url).await?;
    let next = if asked == 1 { "/".to_owned() } else { format!("/?page={asked}") };
    let mut page = empty_page(state, display, views::encode(&next));
    let standings = listing.standings(now);
    let open = &standings.open;
    let recent = now - Duration::days(RECENT_DAYS);
    let ended = |seen: &Seen| seen.withdrawn_at.map_or(seen.closes_at, |w| w.min(seen.closes_at));
    let closed: Vec<&Seen> = standings
        .seen
        .iter()
        .filter(|seen| matches!(seen.standing, Standing::Period(Status::Closed) | Standing::Withdrawn))
        .filter(|seen| ended(seen) > recent)
        .take(CLOSED_SHOWN)
        .collect();
    page.open_count = open.len();
    page.pages = open.len().div_ceil(OPEN_PER_PAGE).max(1);
    page.page = if (1..=page.pages).contains(&asked) { asked } else { 1 };
    let card = |index: usize| {
        let (s, rev) = listing.shown(index, now)?;
        views::card(s, listing.item_count(rev.id), now)
    };
    let shown: Vec<_> = open.iter().skip((page.page - 1) * OPEN_PER_PAGE).take(OPEN_PER_PAGE).collect();
    let mut valid_until = listing.next_change_after(now).min(precomputed::next_minute(now));
    for seen in &shown {
        valid_until = valid_until.min(precomputed::next_countdown_tick(seen.closes_at, now));
    }
    // A closed one leaves the list the instant it is no longer recent.
    for seen in &closed {
        valid_until = valid_until.min(ended(seen) + Duration::days(RECENT_DAYS));
    }
    page.open = views::by_level(shown.iter().filter_map(|seen| card(seen.index)).collect());
    if page.page == 1 {
        page.closed = closed.into_iter().filter_map(|seen| card(seen.index)).collect();
    }
    Ok(Page::html(render("home.html", &page)?).until(valid_until).read_under(listing.generation()))
}

/// The search results for `term`.
async fn search(
    req: &HttpRequest,
    state: &AppState,
    term: String,
    display: Display,
    now: DateTime<Utc>,
) -> AppResult<HomePage> {
    let listing = public_listing::listing(&state.db, &state.settings.database_url).await?;
    let mut page = empty_page(state, display, views::encode(&req.uri().to_string()));
    let found = listing.found(&term, now);
    page.searched = true;
    page.q = term;
    page.results_more = found.len() > RESULTS_SHOWN;
    let found = &found[..found.len().min(RESULTS_SHOWN)];
    for (s, rev) in found.iter().filter_map(|&index| listing.shown(index, now)) {
        if let Some(mut card) = views::card(s, listing.item_count(rev.id), now) {
            card.matched = listing.facts(rev.id).matching(&page.q).map(str::to_owned).collect();
            page.results.push(card);
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_display_switch_only_goes_back_to_this_site() {
        assert_eq!(local_path(Some("/notices/3")), "/notices/3");
        assert_eq!(local_path(Some("//evil.example/")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn display_options_combine() {
        let d = Display { large: true, contrast: true };
        assert_eq!(d.class(), "large-type high-contrast");
        assert_eq!(d.variant(), 3);
        assert_eq!(d.cookie_value(), "large-contrast");
    }
}
