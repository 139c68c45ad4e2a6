//! The public front page (open notices first, by level, with days left; recently closed;
//! search by project, unit or person) and the reader's display options (large type, high
//! contrast), kept in a cookie so they work without JavaScript.
use crate::error::PageResult;
use crate::notices::public::{self, Filter, PublicState};
use crate::notices::{http, views};
use crate::startup::AppState;
use crate::web::templates::render;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::web::{Bytes, Data, Query, ServiceConfig, get};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/", get().to(home)).route("/display", get().to(display));
}

const DISPLAY_COOKIE: &str = "gongshi_display";

/// The reader's display options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Display {
    pub large: bool,
    pub contrast: bool,
}

impl Display {
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        let value = req.cookie(DISPLAY_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
        Self { large: value.contains("large"), contrast: value.contains("contrast") }
    }

    /// A small number naming the combination, for cache keys.
    #[must_use]
    pub fn variant(self) -> u8 {
        u8::from(self.large) | (u8::from(self.contrast) << 1)
    }

    /// The `<body>` classes.
    #[must_use]
    pub fn class(self) -> &'static str {
        match (self.large, self.contrast) {
            (false, false) => "",
            (true, false) => "large-type",
            (false, true) => "high-contrast",
            (true, true) => "large-type high-contrast",
        }
    }

    fn cookie_value(self) -> String {
        let mut parts = Vec::new();
        if self.large {
            parts.push("large");
        }
        if self.contrast {
            parts.push("contrast");
        }
        parts.join("-")
    }
}

#[derive(Deserialize)]
struct DisplayQuery {
    toggle: Option<String>,
    next: Option<String>,
}

/// Only a path on this site: never an absolute or protocol-relative URL (no open redirect).
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => "/".to_owned(),
    }
}

async fn display(req: HttpRequest, q: Query<DisplayQuery>) -> HttpResponse {
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
struct HomeQuery {
    q: Option<String>,
}

#[derive(Serialize)]
struct HomePage {
    title: &'static str,
    display_class: &'static str,
    display_next: String,
    q: String,
    searched: bool,
    results: Vec<views::NoticeCard>,
    open: Vec<views::LevelGroup>,
    open_count: usize,
    closed: Vec<views::NoticeCard>,
    og_url: String,
}

/// How far back "recently closed" reaches.
const RECENT_DAYS: i64 = 60;

async fn home(req: HttpRequest, state: Data<AppState>, q: Query<HomeQuery>) -> PageResult<HttpResponse> {
    let now = state.now();
    let term = q.q.as_deref().map(str::trim).unwrap_or_default().chars().take(50).collect::<String>();
    let states = public::all_states(&state.db, &Filter::default()).await?;
    let visible: Vec<(&PublicState, i32)> = states.iter().filter_map(|s| s.current(now).map(|r| (s, r.id))).collect();
    let items = public::items_of(&state.db, &visible.iter().map(|(_, id)| *id).collect::<Vec<_>>()).await?;
    let mut open = Vec::new();
    let mut closed = Vec::new();
    let mut results = Vec::new();
    for (s, rev_id) in &visible {
        let list = items.get(rev_id).map_or(&[][..], Vec::as_slice);
        let Some(mut card) = views::card(s, list.len(), now) else { continue };
        if !term.is_empty() {
            if public::matches(&term, &card.title, &s.unit.name, list) {
                card.matched = matched_names(&term, list);
                results.push(card);
            }
            continue;
        }
        match card.status_code {
            "open" => open.push(card),
            "closed" | "withdrawn" if recently_closed(s, now) => closed.push(card),
            _ => {}
        }
    }
    open.sort_by_key(|c| (c.days_left, c.id));
    let page = HomePage {
        title: "职工技术成果公示",
        display_next: views::encode(&req.uri().to_string()),
        display_class: Display::of(&req).class(),
        searched: !term.is_empty(),
        q: term,
        results,
        open_count: open.len(),
        open: views::by_level(open),
        closed: closed.into_iter().take(30).collect(),
        og_url: state.settings.absolute_url("/"),
    };
    let body = Bytes::from(render("home.html", &page)?);
    Ok(http::conditional(&req, "text/html; charset=utf-8", &http::etag_of(&body), None, body))
}

fn recently_closed(s: &PublicState, now: DateTime<Utc>) -> bool {
    let ended = s.current(now).map(|r| r.closes_at).into_iter().chain(s.notice.withdrawn_at).min();
    ended.is_some_and(|t| t > now - Duration::days(RECENT_DAYS))
}

/// The projects on a notice that the search term names (by project, unit or person).
fn matched_names(term: &str, items: &[(i32, crate::notices::content::Snapshot)]) -> Vec<String> {
    items
        .iter()
        .filter(|(_, s)| {
            s.name.contains(term)
                || s.units.iter().any(|u| u.contains(term))
                || s.completers.iter().any(|c| c.name.contains(term))
        })
        .map(|(_, s)| s.name.clone())
        .collect()
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
