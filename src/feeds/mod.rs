//! RSS 2.0 and Atom feeds of notices: an item for each publication, correction, withdrawal
//! and result report, once public. Filters: `level`, `unit` (code), `campaign` (code).
//! Guids are URNs made of ids alone, so they survive a change of the site's address; dates
//! are written in China time (+08:00).
use crate::error::{AppError, AppResult, PageResult};
use crate::notices::public_listing::{EventRef, Listing};
use crate::notices::public_read::{Filter, PublicState, ReportRef};
use crate::notices::{Level, Period, http};
use crate::web::AppState;
use actix_web::web::{Bytes, Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Asia::Shanghai;
use entity::{campaigns, notice_revisions, units};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;

/// At most this many items, newest first.
const MAX_ITEMS: usize = 30;

/// One thing that happened to a notice, as a feed tells it.
#[derive(Debug, Clone)]
pub struct Event {
    pub guid: String,
    pub title: String,
    pub path: String,
    pub summary: String,
    pub at: DateTime<Utc>,
    pub category: &'static str,
}

#[derive(Deserialize, Default)]
pub struct FeedQuery {
    pub level: Option<String>,
    pub unit: Option<String>,
    pub campaign: Option<String>,
}

/// Resolves the query's codes; an unknown value is a 404 rather than an empty feed, so a
/// typo is noticed.
async fn filter_of(db: &DatabaseConnection, q: &FeedQuery) -> AppResult<(Filter, String)> {
    let mut filter = Filter::default();
    let mut scope = Vec::new();
    if let Some(level) = q.level.as_deref().filter(|s| !s.is_empty()) {
        let l = level.parse().ok().and_then(Level::from_number).ok_or(AppError::NotFound)?;
        filter.level = Some(l);
        scope.push(l.label().to_owned());
    }
    if let Some(code) = q.unit.as_deref().filter(|s| !s.is_empty()) {
        let unit =
            units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await?.ok_or(AppError::NotFound)?;
        filter.unit_id = Some(unit.id);
        scope.push(unit.name);
    }
    if let Some(code) = q.campaign.as_deref().filter(|s| !s.is_empty()) {
        let c = campaigns::Entity::find()
            .filter(campaigns::Column::Code.eq(code))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        filter.campaign_id = Some(c.id);
        scope.push(c.title);
    }
    Ok((filter, scope.join(" · ")))
}

/// "公示项目：1.甲；2.乙"
fn project_list(names: &[String]) -> String {
    let names: Vec<String> = names.iter().enumerate().map(|(i, name)| format!("{}.{name}", i + 1)).collect();
    if names.is_empty() { String::new() } else { format!("公示项目：{}。", names.join("；")) }
}

/// What happened, before it is put into words.
#[derive(Clone, Copy)]
enum What<'a> {
    Revision(&'a notice_revisions::Model),
    Withdrawal,
    Report(&'a ReportRef),
}

/// The newest [`MAX_ITEMS`] public events of the notices `filter` admits at `now`, newest
/// first, read off the listing's timeline (already in order), so only the shown ones are
/// looked at.
#[must_use]
pub fn events(listing: &Listing, filter: &Filter, now: DateTime<Utc>) -> Vec<Event> {
    let names = |revision_id: i32| listing.facts(revision_id).names.as_slice();
    listing
        .events_until(now)
        .filter(|e| listing.admits(filter, e.index))
        .filter_map(|e| {
            let s = listing.states.get(e.index)?;
            let what = match e.event {
                EventRef::Revision(i) => What::Revision(s.revisions.get(i)?),
                EventRef::Withdrawal => What::Withdrawal,
                EventRef::Report(i) => What::Report(s.reports.get(i)?),
            };
            event(s, what, e.at, &names, now)
        })
        .take(MAX_ITEMS)
        .collect()
}

fn event<'a>(
    s: &PublicState,
    what: What,
    at: DateTime<Utc>,
    names: &dyn Fn(i32) -> &'a [String],
    now: DateTime<Utc>,
) -> Option<Event> {
    let current = s.current(now)?;
    let id = s.notice.id;
    let level = s.level().label();
    Some(match what {
        What::Revision(rev) => {
            let period = Period::of_revision(rev).text();
            let projects = project_list(names(rev.id));
            let (title, category, summary) = if rev.revision_no == 1 {
                (rev.title.clone(), "publication", format!("{}发布{level}。{period}。{projects}", s.unit.name))
            } else {
                let note = rev.correction_note.clone().unwrap_or_default();
                let restart = if rev.restarts_period { "公示期重新计算。" } else { "" };
                (
                    format!("【更正】{}", rev.title),
                    "correction",
                    format!("{}更正{level}：{note}。{restart}{period}。{projects}", s.unit.name),
                )
            };
            let guid = format!("urn:gongshi:notice:{id}:revision:{}", rev.revision_no);
            Event { guid, title, path: format!("/notices/{id}/revisions/{}", rev.revision_no), summary, at, category }
        }
        What::Withdrawal => Event {
            guid: format!("urn:gongshi:notice:{id}:withdrawal"),
            title: format!("【撤销】{}", current.title),
            path: format!("/notices/{id}"),
            summary: format!(
                "{}撤销{level}。撤销理由：{}",
                s.unit.name,
                s.notice.withdraw_reason.clone().unwrap_or_default()
            ),
            at,
            category: "withdrawal",
        },
        What::Report(r) => Event {
            guid: format!("urn:gongshi:report:{}", r.code),
            title: format!("【公示结果】{}", current.title),
            path: format!("/reports/{}", r.code),
            summary: format!("{}发布公示结果报告，编号{}。", s.unit.name, r.code),
            at,
            category: "result",
        },
    })
}

fn china(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&Shanghai).fixed_offset()
}

struct Prepared {
    events: Vec<Event>,
    scope: String,
    self_query: String,
    ledger: crate::ledger::Head,
}

async fn prepare(state: &AppState, q: &FeedQuery) -> AppResult<Prepared> {
    let now = state.now();
    let (filter, scope) = filter_of(&state.db, q).await?;
    let listing = crate::notices::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let mut params = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [("level", &q.level), ("unit", &q.unit), ("campaign", &q.campaign)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            params.append_pair(k, v);
        }
    }
    let self_query = params.finish();
    let ledger = crate::ledger::head(&state.db).await?;
    Ok(Prepared {
        events: events(&listing, &filter, now),
        scope,
        self_query: if self_query.is_empty() { self_query } else { format!("?{self_query}") },
        ledger,
    })
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
    let p = prepare(&state, &q).await?;
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
    let body = Bytes::from(channel.to_string());
    let last = p.events.first().map(|e| e.at);
    Ok(http::conditional(&req, "application/rss+xml; charset=utf-8", &http::etag_of(&body), last, body))
}

pub async fn atom_feed(req: HttpRequest, state: Data<AppState>, q: Query<FeedQuery>) -> PageResult<HttpResponse> {
    use atom_syndication::{Category, Entry, Feed, Generator, Link, Text};
    let p = prepare(&state, &q).await?;
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
    let body = Bytes::from(feed.to_string());
    let last = p.events.first().map(|e| e.at);
    Ok(http::conditional(&req, "application/atom+xml; charset=utf-8", &http::etag_of(&body), last, body))
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
