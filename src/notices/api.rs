//! The public JSON API: `GET /api/v1/notices` (filters, pagination) and
//! `GET /api/v1/notices/{id}`. Only what is public at the instant: a scheduled notice is a 404
//! here too. Times are RFC 3339 in China time; dates are ISO days.
use super::consistency::Change;
use super::content::Snapshot;
use super::pages::{load_changes, load_items, load_state_read_under, parse_id};
use super::public_listing::{Listing, Seen};
use super::public_read::{Filter, PublicState};
use super::{Level, Period, http};
use crate::china_time::rfc3339_china;
use crate::error::{ApiResult, AppError, AppResult, FieldError};
use crate::web::AppState;
use crate::web::precomputed::{self, Page};
use actix_web::web::{Bytes, Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use entity::notice_revisions;
use serde::{Deserialize, Serialize};
// IntoParams stays unimported: `#[utoipa::path(params(ListQuery))]` expands to
// `utoipa::IntoParams` at this file's span, which an import would make an unneeded qualification.
use utoipa::{OpenApi, ToSchema};

/// This module's part of `/api/openapi.json`.
#[derive(OpenApi)]
#[openapi(
    paths(list, detail),
    components(schemas(NoticeList, NoticeSummary, NoticeDetail, UnitRef, ApiItem, ApiCompleter, ApiIpItem, ApiChange, ApiLowerNotice, ApiRevision, Channels, Documents)),
    tags((name = "notices", description = "公示：列表与详情"))
)]
pub struct NoticesApi;

#[must_use]
pub fn openapi() -> utoipa::openapi::OpenApi {
    NoticesApi::openapi()
}

pub const DEFAULT_PER_PAGE: usize = 20;
pub const MAX_PER_PAGE: usize = 100;

/// Filters and pagination of the notice list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 申报单位公示, 2 推荐单位公示, 3 省总工会公示
    #[param(value_type = Option<u8>, minimum = 1, maximum = 3)]
    pub level: Option<String>,
    /// Publishing unit's code, e.g. `WW`
    pub unit: Option<String>,
    /// Campaign code, e.g. `2025`
    pub campaign: Option<String>,
    /// `open`, `closed` or `withdrawn`
    #[param(pattern = "^(open|closed|withdrawn)?$")]
    pub status: Option<String>,
    /// Search in titles, units, project names, completing units and completers
    pub q: Option<String>,
    /// Page number, from 1
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100_000)]
    pub page: Option<String>,
    /// Items per page, 1–100 (default 20)
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeSummary {
    pub id: i32,
    pub level: i32,
    pub level_label: String,
    pub unit: UnitRef,
    pub campaign: String,
    pub title: String,
    /// First day of the period (China time), e.g. `2025-03-10`
    pub starts_on: String,
    /// Last day of the period, e.g. `2025-03-14`
    pub ends_on: String,
    /// RFC 3339, e.g. `2025-03-10T00:00:00+08:00`
    pub opens_at: String,
    /// RFC 3339, exclusive: objections must arrive before it
    pub closes_at: String,
    /// `open`, `closed` or `withdrawn`
    pub status: String,
    pub revision_no: i32,
    pub item_count: usize,
    pub url: String,
    /// The result report's code once issued
    pub report_code: Option<String>,
    /// `online` (published here) or `offline` (线下公示: posted on a board or in the media and
    /// recorded here after the fact)
    pub channel: String,
    /// Where an offline notice was posted (单位公示栏, 《甘肃工人报》…)
    pub posted_where: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeList {
    pub items: Vec<NoticeSummary>,
    pub page: usize,
    pub per_page: usize,
    pub total: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCompleter {
    pub name: String,
    /// Level 1, first three completers
    pub contribution: Option<String>,
    pub workload: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiIpItem {
    /// `paper`, `monograph`, `patent` or `other`
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub reference: Option<String>,
}

/// The lower-level notice a project rests on, as published when this revision was.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiLowerNotice {
    pub id: i32,
    pub title: String,
    /// 1 or 2
    pub level: i32,
    pub level_label: String,
    pub unit_name: String,
    /// The revision compared with
    pub revision_no: i32,
    pub url: String,
}

/// A field that reads differently from the lower-level notice (原为 … 现为 …).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiChange {
    /// `name`, `units` or `completers`
    pub field: String,
    /// 项目名称, 完成单位及排序 or 完成人及排序
    pub label: String,
    /// As the lower-level notice reads (names joined with 、)
    pub was: String,
    /// As this notice reads
    pub now: String,
    pub lower_notice: ApiLowerNotice,
}

/// A project as the notice lists it: the fields its level shows, nothing else.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiItem {
    /// 排序 (the recommended order on a level-2 notice)
    pub position: i32,
    pub project_id: i32,
    pub name: String,
    pub units: Vec<String>,
    pub completers: Vec<ApiCompleter>,
    /// Level 1
    pub key_technology: Option<String>,
    /// Level 1
    pub ip_items: Option<Vec<ApiIpItem>>,
    /// Level 3: `special`, `first`, `second` or `third`
    pub grade: Option<String>,
    pub grade_label: Option<String>,
    /// Levels 2 and 3: where the project reads differently from the lower-level notice
    pub changes_from_lower: Vec<ApiChange>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRevision {
    pub revision_no: i32,
    pub published_at: String,
    pub starts_on: String,
    pub ends_on: String,
    pub opens_at: String,
    pub closes_at: String,
    pub correction_note: Option<String>,
    pub restarts_period: bool,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Channels {
    pub board_location: Option<String>,
    pub media: Option<String>,
    pub web: String,
}

/// The notice as files to post elsewhere (absolute addresses; each also exists per revision).
#[derive(Debug, Serialize, ToSchema)]
pub struct Documents {
    /// The board poster as a PDF (A4; `?paper=a4l` or `a3` for the others)
    pub poster_pdf: String,
    /// The editable Word file
    pub docx: String,
    /// The long image for WeChat, 1080 px wide
    pub png: String,
    /// HTML to paste into a CMS editor
    pub fragment: String,
    /// A page, the poster PDF and the Word file to upload to a website
    pub bundle: String,
}

impl Documents {
    fn of(id: i32, base: &crate::settings::Settings) -> Self {
        let url = |suffix: &str| base.absolute_url(&format!("/notices/{id}{suffix}"));
        Documents {
            poster_pdf: url("/poster.pdf"),
            docx: url(".docx"),
            png: url(".png"),
            fragment: url("/fragment.html"),
            bundle: url("/bundle.zip"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDetail {
    #[serde(flatten)]
    pub summary: NoticeSummary,
    pub doc_number: Option<String>,
    /// The notice text, Markdown
    pub body_md: String,
    pub correction_note: Option<String>,
    pub channels: Channels,
    pub documents: Documents,
    pub withdrawn_at: Option<String>,
    pub withdraw_reason: Option<String>,
    pub items: Vec<ApiItem>,
    pub revisions: Vec<ApiRevision>,
}

fn status_of(s: &PublicState, rev: &notice_revisions::Model, now: DateTime<Utc>) -> &'static str {
    if s.is_withdrawn() { "withdrawn" } else { Period::of_revision(rev).status(now).code() }
}

fn summary(
    s: &PublicState,
    rev: &notice_revisions::Model,
    item_count: usize,
    now: DateTime<Utc>,
    base: &crate::settings::Settings,
) -> NoticeSummary {
    let period = Period::of_revision(rev);
    NoticeSummary {
        id: s.notice.id,
        level: s.notice.level,
        level_label: s.level().label().to_owned(),
        unit: UnitRef { code: s.unit.code.clone(), name: s.unit.name.clone() },
        campaign: s.campaign.code.clone(),
        title: rev.title.clone(),
        starts_on: period.starts_on.to_string(),
        ends_on: period.ends_on().to_string(),
        opens_at: rfc3339_china(period.opens_at),
        closes_at: rfc3339_china(period.closes_at),
        status: status_of(s, rev, now).to_owned(),
        revision_no: rev.revision_no,
        item_count,
        url: base.absolute_url(&format!("/notices/{}", s.notice.id)),
        report_code: s.reports.iter().rfind(|r| r.issued_at <= now).map(|r| r.code.clone()),
        channel: s.notice.channel.clone(),
        posted_where: s.notice.posted_where.clone(),
    }
}

fn change(c: &Change, base: &crate::settings::Settings) -> ApiChange {
    let lower = &c.lower_notice;
    ApiChange {
        field: c.field.to_owned(),
        label: c.label.to_owned(),
        was: c.was.clone(),
        now: c.now.clone(),
        lower_notice: ApiLowerNotice {
            id: lower.id,
            title: lower.title.clone(),
            level: lower.level,
            level_label: lower.level_label.to_owned(),
            unit_name: lower.unit_name.clone(),
            revision_no: lower.revision_no,
            url: base.absolute_url(&format!("/notices/{}/revisions/{}", lower.id, lower.revision_no)),
        },
    }
}

fn item(position: i32, project_id: i32, s: &Snapshot, changes: Vec<ApiChange>) -> ApiItem {
    ApiItem {
        position,
        project_id,
        name: s.name.clone(),
        units: s.units.clone(),
        completers: s
            .completers
            .iter()
            .map(|c| ApiCompleter {
                name: c.name.clone(),
                contribution: c.contribution.clone(),
                workload: c.workload.clone(),
            })
            .collect(),
        key_technology: s.key_technology.clone(),
        ip_items: s.ip_items.as_ref().map(|l| {
            l.iter()
                .map(|ip| ApiIpItem {
                    kind: ip.kind.clone(),
                    kind_label: ip.kind_label.clone(),
                    title: ip.title.clone(),
                    reference: ip.reference.clone(),
                })
                .collect()
        }),
        grade: s.grade.clone(),
        grade_label: s.grade_label().map(str::to_owned),
        changes_from_lower: changes,
    }
}

/// Reads an optional positive number, naming the parameter in Chinese when it is not one.
fn number(
    value: Option<&str>,
    field: &str,
    label: &str,
    range: std::ops::RangeInclusive<usize>,
) -> Result<Option<usize>, FieldError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    match v.parse::<usize>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(field, format!("{label}应为{}到{}之间的整数", range.start(), range.end()))),
    }
}

/// List notices public now, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notices",
    tag = "notices",
    params(ListQuery),
    responses(
        (status = 200, description = "公示列表", body = NoticeList),
        (status = 422, description = "参数有误（problem+json）")
    )
)]
pub async fn list(req: HttpRequest, state: Data<AppState>, q: Query<ListQuery>) -> ApiResult<HttpResponse> {
    let now = state.now();
    let mut errors = Vec::new();
    let level = number(q.level.as_deref(), "level", "层级", 1..=3).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let page = number(q.page.as_deref(), "page", "页码", 1..=100_000).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let per_page = number(q.per_page.as_deref(), "per_page", "每页条数", 1..=MAX_PER_PAGE).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let status = q.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if status.is_some_and(|s| !["open", "closed", "withdrawn"].contains(&s)) {
        errors.push(FieldError::new("status", "状态应为 open、closed 或 withdrawn"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    let asked = Asked {
        level: level.and_then(|l| i32::try_from(l).ok()).and_then(Level::from_number),
        unit: q.unit.clone().filter(|s| !s.is_empty()),
        campaign: q.campaign.clone().filter(|s| !s.is_empty()),
        status: status.map(str::to_owned),
        term: q.q.as_deref().unwrap_or_default().to_owned(),
        page: page.unwrap_or(1),
        per_page: per_page.unwrap_or(DEFAULT_PER_PAGE),
    };
    if !asked.term.trim().is_empty() {
        // Searches are as many as callers type: answered per request.
        let (list, _, _) = notice_list(&state, &asked, now).await?;
        return json(&req, &list);
    }
    let key = format!(
        "api-list:{}:{}:{}:{}:{}:{}",
        asked.level.map_or(0, Level::number),
        asked.unit.as_deref().unwrap_or_default(),
        asked.campaign.as_deref().unwrap_or_default(),
        asked.status.as_deref().unwrap_or_default(),
        asked.page,
        asked.per_page
    );
    Ok(precomputed::serve(&req, &state, key, now, || async {
        let (list, valid_until, generation) = notice_list(&state, &asked, now).await?;
        Ok(Page::json(json_text(&list)?).until(valid_until).read_under(generation))
    })
    .await?)
}

/// A list query once checked.
struct Asked {
    level: Option<Level>,
    unit: Option<String>,
    campaign: Option<String>,
    status: Option<String>,
    term: String,
    page: usize,
    per_page: usize,
}

/// The page of the list asked for, when it next changes by the clock, and the generation it
/// was read under.
async fn notice_list(
    state: &AppState,
    asked: &Asked,
    now: DateTime<Utc>,
) -> AppResult<(NoticeList, DateTime<Utc>, i64)> {
    let mut filter = Filter { level: asked.level, ..Filter::default() };
    if let Some(code) = asked.unit.as_deref() {
        let unit = crate::units::service::find_by_code(&state.db, code).await?;
        filter.unit_id = Some(unit.map_or(-1, |u| u.id));
    }
    if let Some(code) = asked.campaign.as_deref() {
        let c = crate::campaigns::find_by_code(&state.db, code).await?;
        filter.campaign_id = Some(c.map_or(-1, |c| c.id));
    }
    let listing = super::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let term = asked.term.as_str();
    let status = asked.status.as_deref();
    let standings = listing.standings(now);
    let (page, per_page) = (asked.page, asked.per_page);
    let window = (page - 1) * per_page..page * per_page;
    let candidates = status.map_or(&standings.seen[..], |code| standings.with_standing(code));
    let (total, shown) = if !term.trim().is_empty() {
        // The search index names the few that can match; each is then narrowed like the rest.
        let found = listing.found(term, now);
        let found = found.iter().filter_map(|&index| standings.of(index));
        paged(found.filter(|seen| status.is_none_or(|code| seen.standing.code() == code)), &filter, &listing, window)
    } else if filter.is_everything() {
        // The common asks (everything, or everything open) read only the page.
        let page = &candidates[window.start.min(candidates.len())..window.end.min(candidates.len())];
        (candidates.len(), page.iter().map(|seen| seen.index).collect())
    } else {
        paged(candidates.iter(), &filter, &listing, window)
    };
    let items = shown
        .into_iter()
        .filter_map(|index| listing.shown(index, now))
        .map(|(s, r)| summary(s, r, listing.item_count(r.id), now, &state.settings))
        .collect();
    let list = NoticeList { items, page, per_page, total };
    Ok((list, listing.next_change_after(now), listing.generation()))
}

/// How many of `seen` the filter admits, and the listing indexes of those in `window`.
fn paged<'a>(
    seen: impl Iterator<Item = &'a Seen>,
    filter: &Filter,
    listing: &Listing,
    window: std::ops::Range<usize>,
) -> (usize, Vec<usize>) {
    let mut total = 0;
    let mut shown = Vec::new();
    for seen in seen.filter(|seen| listing.admits(filter, seen.index)) {
        if window.contains(&total) {
            shown.push(seen.index);
        }
        total += 1;
    }
    (total, shown)
}

/// One notice as public now: its current revision's items, and every public revision.
#[utoipa::path(
    get,
    path = "/api/v1/notices/{id}",
    tag = "notices",
    params(("id" = i32, Path, description = "公示编号")),
    responses(
        (status = 200, description = "公示详情", body = NoticeDetail),
        (status = 404, description = "不存在或尚未开始公示（problem+json）")
    )
)]
pub async fn detail(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> ApiResult<HttpResponse> {
    let now = state.now();
    let id = parse_id(&id)?;
    Ok(precomputed::serve(&req, &state, format!("api-notice:{id}"), now, || async {
        let (s, generation) = load_state_read_under(&state, id).await?;
        let s = s.ok_or(AppError::NotFound)?;
        let detail = notice_detail(&state, &s, now).await?;
        Ok(Page::json(json_text(&detail)?).until(s.next_change_after(now)).read_under(generation))
    })
    .await?)
}

/// One notice as public at `now`, or 404 before it opens.
async fn notice_detail(state: &AppState, s: &PublicState, now: DateTime<Utc>) -> AppResult<NoticeDetail> {
    let rev = s.current(now).cloned().ok_or(AppError::NotFound)?;
    let items = load_items(state, rev.id).await?;
    let changes = load_changes(state, s, &rev, &items).await?;
    let revisions = s
        .public_revisions(now)
        .into_iter()
        .map(|r| {
            let p = Period::of_revision(r);
            ApiRevision {
                revision_no: r.revision_no,
                published_at: s.public_from(r).map(rfc3339_china).unwrap_or_default(),
                starts_on: p.starts_on.to_string(),
                ends_on: p.ends_on().to_string(),
                opens_at: rfc3339_china(p.opens_at),
                closes_at: rfc3339_china(p.closes_at),
                correction_note: r.correction_note.clone(),
                restarts_period: r.restarts_period,
                url: state.settings.absolute_url(&format!("/notices/{}/revisions/{}", s.notice.id, r.revision_no)),
            }
        })
        .collect();
    Ok(NoticeDetail {
        summary: summary(s, &rev, items.len(), now, &state.settings),
        doc_number: s.notice.doc_number.clone(),
        body_md: rev.body_md.clone(),
        correction_note: rev.correction_note.clone(),
        channels: Channels {
            board_location: rev.board_location.clone(),
            media: rev.media.clone(),
            web: state.settings.absolute_url(&format!("/notices/{}", s.notice.id)),
        },
        documents: Documents::of(s.notice.id, &state.settings),
        withdrawn_at: s.notice.withdrawn_at.map(rfc3339_china),
        withdraw_reason: s.notice.withdraw_reason.clone(),
        items: items
            .iter()
            .map(|i| {
                let found = changes.get(&i.project_id).into_iter().flatten();
                item(i.position, i.project_id, &i.snapshot, found.map(|c| change(c, &state.settings)).collect())
            })
            .collect(),
        revisions,
    })
}

/// JSON with `<`, `>` and `&` written as `\u003c`-style escapes: still the same JSON, but no
/// answer can ever carry a raw tag, whatever a project field holds.
fn json_text<T: Serialize>(value: &T) -> AppResult<String> {
    let text = serde_json::to_string(value).map_err(AppError::internal)?;
    // Outside strings JSON never uses these characters, so replacing them everywhere is safe.
    Ok(text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

fn json<T: Serialize>(req: &HttpRequest, value: &T) -> ApiResult<HttpResponse> {
    let body = Bytes::from(json_text(value)?);
    Ok(http::conditional(req, "application/json", &http::etag_of(&body), None, body))
}
