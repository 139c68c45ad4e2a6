//! The unit page (a unit's contacts and its notices) and the campaign page (the call, its
//! deadlines and every notice by level). Both list only what is public at the instant.
use super::public::Filter;
use super::views::{self, NoticeCard, UnitView};
use super::{PeriodRules, http};
use crate::china_time::date_zh;
use crate::error::{AppError, PageResult};
use crate::public_site::Display;
use crate::startup::AppState;
use crate::web::templates::render;
use actix_web::web::{Bytes, Data, Path, ServiceConfig, get};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::{campaign_deadlines, campaigns, units};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/units/{code}", get().to(unit_page)).route("/campaigns/{code}", get().to(campaign_page));
}

/// Cards for the public notices `filter` admits, open ones first (fewest days left first),
/// then the rest newest first.
async fn cards(state: &AppState, filter: &Filter, now: DateTime<Utc>) -> PageResult<Vec<NoticeCard>> {
    let listing = super::index::listing(&state.db, &state.settings.database_url).await?;
    let mut out: Vec<NoticeCard> =
        listing.visible(filter, now).filter_map(|(s, rev)| views::card(s, listing.item_count(rev.id), now)).collect();
    out.sort_by_key(|c| (c.status_code != "open", c.days_left, -c.id));
    Ok(out)
}

#[derive(Serialize)]
struct UnitPage {
    title: String,
    unit: UnitView,
    parent: Option<UnitView>,
    notices: Vec<NoticeCard>,
    display_class: &'static str,
    display_next: String,
    feed_rss: String,
    feed_atom: String,
}

async fn unit_page(req: HttpRequest, state: Data<AppState>, code: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let unit = units::Entity::find()
        .filter(units::Column::Code.eq(code.as_str()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let parent = match unit.parent_id {
        Some(id) => units::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    let page = UnitPage {
        title: unit.name.clone(),
        parent: parent.as_ref().map(UnitView::of),
        notices: cards(&state, &Filter { unit_id: Some(unit.id), ..Filter::default() }, now).await?,
        display_class: Display::of(&req).class(),
        display_next: views::encode(req.uri().path()),
        feed_rss: format!("/feeds/notices.rss?unit={}", unit.code),
        feed_atom: format!("/feeds/notices.atom?unit={}", unit.code),
        unit: UnitView::of(&unit),
    };
    respond(&req, render("notices/unit.html", &page)?)
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
    deadlines: Vec<Deadline>,
    groups: Vec<views::LevelGroup>,
    display_class: &'static str,
    display_next: String,
    feed_rss: String,
    feed_atom: String,
}

async fn campaign_page(req: HttpRequest, state: Data<AppState>, code: Path<String>) -> PageResult<HttpResponse> {
    let now = state.now();
    let campaign = campaigns::Entity::find()
        .filter(campaigns::Column::Code.eq(code.as_str()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = campaign_deadlines::Entity::find()
        .filter(campaign_deadlines::Column::CampaignId.eq(campaign.id))
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .all(&state.db)
        .await?;
    let mut deadlines = Vec::new();
    for d in rows {
        let unit = units::Entity::find_by_id(d.unit_id).one(&state.db).await?;
        deadlines.push(Deadline {
            unit_name: unit.map(|u| u.name).unwrap_or_default(),
            due_text: date_zh(d.due_on),
            description: d.description,
        });
    }
    let rules = PeriodRules::of(&campaign);
    let closing = if rules.closing_minute == super::period::END_OF_DAY {
        "最后一天24时截止".to_owned()
    } else {
        format!("最后一天{}时{:02}分截止", rules.closing_minute / 60, rules.closing_minute % 60)
    };
    let page = CampaignPage {
        title: campaign.title.clone(),
        code: campaign.code.clone(),
        edition: campaign.edition.clone(),
        doc_number: campaign.doc_number.clone(),
        period_rule: format!("公示期为{}个自然日（含节假日），{closing}", rules.notice_days),
        deadlines,
        groups: views::by_level(
            cards(&state, &Filter { campaign_id: Some(campaign.id), ..Filter::default() }, now).await?,
        ),
        display_class: Display::of(&req).class(),
        display_next: views::encode(req.uri().path()),
        feed_rss: format!("/feeds/notices.rss?campaign={}", campaign.code),
        feed_atom: format!("/feeds/notices.atom?campaign={}", campaign.code),
    };
    respond(&req, render("notices/campaign.html", &page)?)
}

fn respond(req: &HttpRequest, body: String) -> PageResult<HttpResponse> {
    let body = Bytes::from(body);
    Ok(http::conditional(req, "text/html; charset=utf-8", &http::etag_of(&body), None, body))
}
