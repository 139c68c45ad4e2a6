//! The unit page (a unit's contacts and its notices) and the campaign page (the call, its
//! deadlines and every notice by level). Both list only what is public at the instant.
use super::public_listing::{Seen, Standing};
use super::public_read::{self, Filter};
use super::views::{self, NoticeCard, UnitView};
use super::{PeriodRules, Status};
use crate::china_time::date_zh;
use crate::error::{AppError, AppResult, PageResult};
use crate::web::AppState;
use crate::web::display::Display;
use crate::web::precomputed::{self, Page};
use crate::web::templates::render;
use actix_web::web::{Data, Path, Query};
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
/// `filter` admits: open ones first (fewest days left first), then the rest newest first. With
/// the instant they stop holding and the generation they were read under.
async fn cards(
    state: &AppState,
    filter: &Filter,
    now: DateTime<Utc>,
    asked: usize,
) -> AppResult<(Cards, DateTime<Utc>, i64)> {
    let listing = super::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let standings = listing.standings(now);
    let open = standings.open.iter();
    let rest = standings.seen.iter().filter(|s| s.standing != Standing::Period(Status::Open));
    let order: Vec<&Seen> = open.chain(rest).filter(|s| listing.admits(filter, s.index)).collect();
    let pages = order.len().div_ceil(CARDS_PER_PAGE).max(1);
    let page = if (1..=pages).contains(&asked) { asked } else { 1 };
    let shown = order.iter().skip((page - 1) * CARDS_PER_PAGE).take(CARDS_PER_PAGE);
    let mut valid_until = listing.next_change_after(now).min(precomputed::next_minute(now));
    for seen in shown.clone().filter(|s| s.standing == Standing::Period(Status::Open)) {
        valid_until = valid_until.min(precomputed::next_countdown_tick(seen.closes_at, now));
    }
    let cards = shown
        .filter_map(|seen| listing.shown(seen.index, now))
        .filter_map(|(s, rev)| views::card(s, listing.item_count(rev.id), now))
        .collect();
    Ok((Cards { cards, page, pages, total: order.len() }, valid_until, listing.generation()))
}

/// The page number asked for; anything that is not one asks for the first.
fn asked(q: &PageQuery) -> usize {
    q.page.as_deref().and_then(|p| p.parse::<usize>().ok()).filter(|p| *p >= 1).unwrap_or(1)
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
    let (display, asked) = (Display::of(&req), asked(&q));
    let key = format!("unit:{}:{asked}:{}", code.as_str(), display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || async {
        let (unit, parent) = public_read::unit_by_code(&state.db, &code).await?.ok_or(AppError::NotFound)?;
        let filter = Filter { unit_id: Some(unit.id), ..Filter::default() };
        let (notices, valid_until, generation) = cards(&state, &filter, now, asked).await?;
        let page = UnitPage {
            title: unit.name.clone(),
            parent: parent.as_ref().map(UnitView::of),
            notices,
            display_class: display.class(),
            display_next: views::encode(&format!("/units/{}", unit.code)),
            feed_rss: format!("/feeds/notices.rss?unit={}", unit.code),
            feed_atom: format!("/feeds/notices.atom?unit={}", unit.code),
            unit: UnitView::of(&unit),
        };
        Ok(Page::html(render("notices/unit.html", &page)?).until(valid_until).read_under(generation))
    })
    .await?)
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
    let (display, asked) = (Display::of(&req), asked(&q));
    let key = format!("campaign:{}:{asked}:{}", code.as_str(), display.variant());
    Ok(precomputed::serve(&req, &state, key, now, || async {
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
        let (Cards { cards, page, pages, total }, valid_until, generation) = cards(&state, &filter, now, asked).await?;
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
            display_class: display.class(),
            display_next: views::encode(&format!("/campaigns/{}", campaign.code)),
            feed_rss: format!("/feeds/notices.rss?campaign={}", campaign.code),
            feed_atom: format!("/feeds/notices.atom?campaign={}", campaign.code),
        };
        Ok(Page::html(render("notices/campaign.html", &page)?).until(valid_until).read_under(generation))
    })
    .await?)
}
