//! The unit page (a unit's contacts and its notices) and the campaign page (the call, its
//! deadlines and every notice by level). Both list only what is public at the instant.
use super::public_listing::Standing;
use super::public_read::{self, Filter};
use super::views::{self, NoticeCard, UnitView};
use super::{PeriodRules, Status, http};
use crate::china_time::date_zh;
use crate::error::{AppError, PageResult};
use crate::web::AppState;
use crate::web::display::Display;
use crate::web::templates::render;
use actix_web::web::{Bytes, Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Cards per page on the unit and campaign pages: a phone's worth, at any size.
const CARDS_PER_PAGE: usize = 30;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// One page of the public notices a filter admits, and where it sits among the pages.
#[derive(Serialize)]
struct Cards {
    cards: Vec<NoticeCard>,
    page: usize,
    pages: usize,
    total: usize,
}

/// The cards of page `asked` (the first when absent or out of range) of the public notices
/// `filter` admits: open ones first (fewest days left first), then the rest newest first.
async fn cards(state: &AppState, filter: &Filter, now: DateTime<Utc>, asked: Option<&str>) -> PageResult<Cards> {
    let listing = super::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let standings = listing.standings(now);
    let open = standings.open.iter();
    let rest = standings.seen.iter().filter(|s| s.standing != Standing::Period(Status::Open));
    let order: Vec<usize> = open.chain(rest).map(|s| s.index).filter(|&i| listing.admits(filter, i)).collect();
    let pages = order.len().div_ceil(CARDS_PER_PAGE).max(1);
    let page = asked.and_then(|p| p.parse().ok()).filter(|p| (1..=pages).contains(p)).unwrap_or(1);
    let cards = order
        .iter()
        .skip((page - 1) * CARDS_PER_PAGE)
        .take(CARDS_PER_PAGE)
        .filter_map(|&index| listing.shown(index, now))
        .filter_map(|(s, rev)| views::card(s, listing.item_count(rev.id), now))
        .collect();
    Ok(Cards { cards, page, pages, total: order.len() })
}

#[derive(Serialize)]
struct UnitPage {
    title: String,
    unit: UnitView,
    parent: Option<UnitView>,
    notices: Cards,
    display_class: &'static str,
    display_next: String,
    feed_rss: String,
    feed_atom: String,
}

pub async fn unit_page(
    req: HttpRequest,
    state: Data<AppState>,
    code: Path<String>,
    q: Query<PageQuery>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let (unit, parent) = public_read::unit_by_code(&state.db, &code).await?.ok_or(AppError::NotFound)?;
    let page = UnitPage {
        title: unit.name.clone(),
        parent: parent.as_ref().map(UnitView::of),
        notices: cards(&state, &Filter { unit_id: Some(unit.id), ..Filter::default() }, now, q.page.as_deref()).await?,
        display_class: Display::of(&req).class(),
        display_next: views::encode(req.uri().path()),
        feed_rss: format!("/feeds/notices.rss?unit={}", unit.code),
        feed_atom: format!("/feeds/notices.atom?unit={}", unit.code),
        unit: UnitView::of(&unit),
    };
    Ok(respond(&req, render("notices/unit.html", &page)?))
}

#[derive(Serialize)]
struct Deadline {
    unit_name: String,
    due_text: String,
    description: Option<String>,
}

#[derive(Serialize)]
struct CampaignPage {
    title: String,
    code: String,
    edition: String,
    doc_number: Option<String>,
    period_rule: String,
    rules: Vec<String>,
    open: bool,
    deadlines: Vec<Deadline>,
    groups: Vec<views::LevelGroup>,
    page: usize,
    pages: usize,
    total: usize,
    display_class: &'static str,
    display_next: String,
    feed_rss: String,
    feed_atom: String,
}

pub async fn campaign_page(
    req: HttpRequest,
    state: Data<AppState>,
    code: Path<String>,
    q: Query<PageQuery>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let (campaign, rows) = public_read::campaign_by_code(&state.db, &code).await?.ok_or(AppError::NotFound)?;
    let deadlines = rows
        .into_iter()
        .map(|(d, unit_name)| Deadline { unit_name, due_text: date_zh(d.due_on), description: d.description })
        .collect();
    let rules = PeriodRules::of(&campaign);
    let closing = if rules.closing_minute == super::period::END_OF_DAY {
        "最后一天24时截止".to_owned()
    } else {
        format!("最后一天{}时{:02}分截止", rules.closing_minute / 60, rules.closing_minute % 60)
    };
    let filter = Filter { campaign_id: Some(campaign.id), ..Filter::default() };
    let Cards { cards, page, pages, total } = cards(&state, &filter, now, q.page.as_deref()).await?;
    let page = CampaignPage {
        title: campaign.title.clone(),
        code: campaign.code.clone(),
        edition: campaign.edition.clone(),
        doc_number: campaign.doc_number.clone(),
        period_rule: format!("公示期为{}个自然日（含节假日），{closing}", rules.notice_days),
        rules: crate::campaigns::CampaignSettings::of(&campaign).rules_zh(),
        open: campaign.is_open,
        deadlines,
        groups: views::by_level(cards),
        page,
        pages,
        total,
        display_class: Display::of(&req).class(),
        display_next: views::encode(req.uri().path()),
        feed_rss: format!("/feeds/notices.rss?campaign={}", campaign.code),
        feed_atom: format!("/feeds/notices.atom?campaign={}", campaign.code),
    };
    Ok(respond(&req, render("notices/campaign.html", &page)?))
}

fn respond(req: &HttpRequest, body: String) -> HttpResponse {
    let body = Bytes::from(body);
    http::conditional(req, "text/html; charset=utf-8", &http::etag_of(&body), None, body)
}
