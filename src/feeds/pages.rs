//! `/feeds/notices.rss` and `/feeds/notices.atom`.
use super::FeedQuery;
use super::service::{Prepared, key_of, prepare};
use crate::error::{AppResult, PageResult};
use crate::web::AppState;
use crate::web::precomputed::{self, Page};
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Asia::Shanghai;

fn china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&Shanghai).fixed_offset()
}

fn title_of(scope: &str) -> String {
    if scope.is_empty() {
        "职工技术成果公示".to_owned()
    } else {
        format!("职工技术成果公示 · {scope}")
    }
}

fn description_of(p: &Prepared) -> String {
    format!("公示的发布、更正、撤销与结果。公示账本共{}条，头哈希 {}。", p.ledger.count, p.ledger.head_hash)
}

pub async fn rss_feed(req: HttpRequest, state: Data<AppState>, q: Query<FeedQuery>) -> PageResult<HttpResponse> {
    let now = state.now();
    Ok(precomputed::serve(&req, &state, key_of("rss", &q), now, || rss(&state, &q, now)).await?)
}

async fn rss(state: &AppState, q: &FeedQuery, now: DateTime<Utc>) -> AppResult<Page> {
    let p = prepare(state, q, now).await?;
    let abs = |path: &str| state.settings.absolute_url(path);
    let items = p
        .events
        .iter()
        .map(|e| rss::Item {
            title: Some(e.title.clone()),
            link: Some(abs(&e.path)),
            // RSS readers take the description as HTML: escape it, so text stays text.
            description: Some(escape_html(&e.summary)),
            guid: Some(rss::Guid { value: e.guid.clone(), permalink: false }),
            pub_date: Some(china(e.at).to_rfc2822()),
            categories: vec![rss::Category { name: e.category.to_owned(), domain: None }],
            ..Default::default()
        })
        .collect();
    let channel = rss::Channel {
        title: title_of(&p.scope),
        link: abs("/"),
        description: description_of(&p),
        language: Some("zh-CN".to_owned()),
        last_build_date: p.events.first().map(|e| china(e.at).to_rfc2822()),
        generator: Some("gongshi".to_owned()),
        items,
        ..Default::default()
    };
    Ok(stored(channel.to_string(), "application/rss+xml; charset=utf-8", &p))
}

/// A feed's answer: it shows the ledger's head, so it follows objections too.
fn stored(body: String, content_type: &'static str, p: &Prepared) -> Page {
    Page::new(body, content_type)
        .until(p.valid_until)
        .read_under(p.generation)
        .reading_ledger()
        .last_modified(p.events.first().map(|e| e.at))
}

pub async fn atom_feed(req: HttpRequest, state: Data<AppState>, q: Query<FeedQuery>) -> PageResult<HttpResponse> {
    let now = state.now();
    Ok(precomputed::serve(&req, &state, key_of("atom", &q), now, || atom(&state, &q, now)).await?)
}

async fn atom(state: &AppState, q: &FeedQuery, now: DateTime<Utc>) -> AppResult<Page> {
    use atom_syndication::{Category, Entry, Feed, Generator, Link, Text};
    let p = prepare(state, q, now).await?;
    let abs = |path: &str| state.settings.absolute_url(path);
    let link = |href: String, rel: &str, mime: Option<&str>| Link {
        href,
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let entries = p
        .events
        .iter()
        .map(|e| Entry {
            title: Text::plain(e.title.clone()),
            id: e.guid.clone(),
            updated: china(e.at),
            published: Some(china(e.at)),
            links: vec![link(abs(&e.path), "alternate", Some("text/html"))],
            summary: Some(Text::plain(e.summary.clone())),
            categories: vec![Category { term: e.category.to_owned(), ..Default::default() }],
            ..Default::default()
        })
        .collect();
    let updated = p.events.first().map_or_else(|| china(DateTime::<Utc>::UNIX_EPOCH), |e| china(e.at));
    let feed = Feed {
        title: Text::plain(title_of(&p.scope)),
        id: format!("urn:gongshi:feed:notices{}", p.self_query),
        updated,
        subtitle: Some(Text::plain(description_of(&p))),
        links: vec![
            link(abs("/"), "alternate", Some("text/html")),
            link(abs(&format!("/feeds/notices.atom{}", p.self_query)), "self", Some("application/atom+xml")),
        ],
        generator: Some(Generator { value: "gongshi".to_owned(), ..Default::default() }),
        lang: Some("zh-CN".to_owned()),
        entries,
        ..Default::default()
    };
    Ok(stored(feed.to_string(), "application/atom+xml; charset=utf-8", &p))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
