//! The public front page (open notices first, by level, with days left; recently closed;
//! search by project, unit or person) and the reader's display options (large type, high
//! contrast), kept in a cookie so they work without JavaScript.
use crate::error::PageResult;
use crate::notices::Status;
use crate::notices::public_listing::{self, Standing};
use crate::notices::{http, views};
use crate::web::AppState;
use crate::web::display::{DISPLAY_COOKIE, Display};
use crate::web::templates::render;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::web::{Bytes, Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::Duration;
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
    let listing = public_listing::listing(&state.db, &state.settings.database_url).await?;
    let mut page = HomePage {
        title: "职工技术成果公示",
        display_next: views::encode(&req.uri().to_string()),
        display_class: Display::of(&req).class(),
        searched: !term.is_empty(),
        q: term.clone(),
        results: Vec::new(),
        results_more: false,
        open: Vec::new(),
        open_count: 0,
        page: 1,
        pages: 1,
        closed: Vec::new(),
        og_url: state.settings.absolute_url("/"),
    };
    let standings = listing.standings(now);
    if term.is_empty() {
        let open = &standings.open;
        let recent = now - Duration::days(RECENT_DAYS);
        let closed: Vec<usize> = standings
            .seen
            .iter()
            .filter(|seen| matches!(seen.standing, Standing::Period(Status::Closed) | Standing::Withdrawn))
            .filter(|seen| seen.withdrawn_at.map_or(seen.closes_at, |w| w.min(seen.closes_at)) > recent)
            .take(CLOSED_SHOWN)
            .map(|seen| seen.index)
            .collect();
        page.open_count = open.len();
        page.pages = open.len().div_ceil(OPEN_PER_PAGE).max(1);
        page.page =
            q.page.as_deref().and_then(|p| p.parse().ok()).filter(|p| (1..=page.pages).contains(p)).unwrap_or(1);
        let card = |index: usize| {
            let (s, rev) = listing.shown(index, now)?;
            views::card(s, listing.item_count(rev.id), now)
        };
        let shown = open.iter().skip((page.page - 1) * OPEN_PER_PAGE).take(OPEN_PER_PAGE);
        page.open = views::by_level(shown.filter_map(|seen| card(seen.index)).collect());
        if page.page == 1 {
            page.closed = closed.into_iter().filter_map(card).collect();
        }
    } else {
        let found = listing.found(&term, now);
        page.results_more = found.len() > RESULTS_SHOWN;
        let found = &found[..found.len().min(RESULTS_SHOWN)];
        for (s, rev) in found.iter().filter_map(|&index| listing.shown(index, now)) {
            if let Some(mut card) = views::card(s, listing.item_count(rev.id), now) {
                card.matched = listing.facts(rev.id).matching(&term).map(str::to_owned).collect();
                page.results.push(card);
            }
        }
    }
    let body = Bytes::from(render("home.html", &page)?);
    Ok(http::conditional(&req, "text/html; charset=utf-8", &http::etag_of(&body), None, body))
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
