//! `/calendar/notices.ics` and `/calendar/campaigns/{code}.ics`, served as stored answers
//! (`web::precomputed`) rebuilt when the public data or a notice's period changes.
use super::ics::{self, Deadline, NoticePeriod};
use crate::china_time::{close_zh, date_zh};
use crate::error::{AppError, AppResult, PageResult};
use crate::feeds::FeedQuery;
use crate::feeds::service::{filter_of, key_of};
use crate::notices::Period;
use crate::notices::public_listing::Listing;
use crate::notices::public_read::{Filter, PublicState};
use crate::web::AppState;
use crate::web::precomputed::{self, Page};
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use entity::{campaign_deadlines, units};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";
/// Periods that closed longer ago than this are left out: a calendar is for what is coming.
const KEEP_CLOSED: Duration = Duration::days(90);

pub async fn notices_calendar(
    req: HttpRequest,
    state: Data<AppState>,
    q: Query<FeedQuery>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    Ok(precomputed::serve(&req, &state, key_of("ics", &q), now, || notices(&state, &q, now)).await?)
}

async fn notices(state: &AppState, q: &FeedQuery, now: DateTime<Utc>) -> AppResult<Page> {
    let (filter, scope) = filter_of(&state.db, q).await?;
    let listing = crate::notices::public_listing::listing(&state.db, &state.settings.database_url).await?;
    let periods = periods(&listing, &filter, now, |id| state.settings.absolute_url(&format!("/notices/{id}")));
    let name = if scope.is_empty() {
        "职工技术成果公示".to_owned()
    } else {
        format!("职工技术成果公示 · {scope}")
    };
    let body = ics::notices(&name, &host(state), &periods);
    Ok(Page::new(body, CONTENT_TYPE).until(listing.next_change_after(now)).read_under(listing.generation()))
}

/// The public notices `filter` admits, newest first, each with the period the public sees now.
fn periods(listing: &Listing, filter: &Filter, now: DateTime<Utc>, url: impl Fn(i32) -> String) -> Vec<NoticePeriod> {
    let mut periods: Vec<NoticePeriod> = (0..listing.states.len())
        .filter(|&index| listing.admits(filter, index))
        .filter_map(|index| period(listing.states.get(index)?, now, &url))
        .filter(|p| p.closes_at + KEEP_CLOSED > now)
        .collect();
    periods.sort_by_key(|p| std::cmp::Reverse((p.opens_at, p.notice_id)));
    periods
}

fn period(s: &PublicState, now: DateTime<Utc>, url: impl Fn(i32) -> String) -> Option<NoticePeriod> {
    let rev = s.current(now)?;
    let shown = Period::of_revision(rev);
    let withdrawn = s.is_withdrawn() && s.notice.withdrawn_at.is_some_and(|at| at <= now);
    let changes = u32::try_from(s.public_revisions(now).len().saturating_sub(1)).unwrap_or(u32::MAX);
    let description = format!(
        "{}发布{}。{}，异议须在{}前提出。{}",
        s.unit.name,
        s.level().label(),
        shown.text(),
        close_zh(shown.closes_at),
        url(s.notice.id)
    );
    Some(NoticePeriod {
        notice_id: s.notice.id,
        sequence: changes + u32::from(withdrawn),
        title: rev.title.clone(),
        description,
        opens_at: shown.opens_at,
        closes_at: shown.closes_at,
        changed_at: s.changed_at(now).unwrap_or(shown.opens_at),
        withdrawn,
        url: url(s.notice.id),
    })
}

pub async fn campaign_calendar(
    req: HttpRequest,
    state: Data<AppState>,
    code: Path<String>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let key = format!("calendar:campaign:{code}");
    Ok(precomputed::serve(&req, &state, key, now, || campaign(&state, &code, now)).await?)
}

/// Stamped with the instant it was built: it is rebuilt whenever a deadline changes.
async fn campaign(state: &AppState, code: &str, now: DateTime<Utc>) -> AppResult<Page> {
    let generation = crate::db::public_generation(&state.db).await?;
    let campaign = crate::campaigns::find_by_code(&state.db, code).await?.ok_or(AppError::NotFound)?;
    let rows = campaign_deadlines::Entity::find()
        .filter(campaign_deadlines::Column::CampaignId.eq(campaign.id))
        .find_also_related(units::Entity)
        .order_by_asc(campaign_deadlines::Column::DueOn)
        .order_by_asc(campaign_deadlines::Column::Id)
        .all(&state.db)
        .await?;
    let url = state.settings.absolute_url(&format!("/campaigns/{}", campaign.code));
    let deadlines: Vec<Deadline> = rows
        .into_iter()
        .map(|(d, unit)| {
            let unit = unit.map(|u| u.name).unwrap_or_default();
            Deadline {
                id: d.id,
                summary: format!("报送截止：{unit}（{}）", campaign.title),
                description: format!(
                    "{}材料报送{unit}的截止日期：{}。{}",
                    campaign.title,
                    date_zh(d.due_on),
                    d.description.unwrap_or_default()
                ),
                due_on: d.due_on,
                url: url.clone(),
            }
        })
        .collect();
    let body = ics::deadlines(&format!("{} · 报送期限", campaign.title), &host(state), now, &deadlines);
    Ok(Page::new(body, CONTENT_TYPE).read_under(generation))
}

/// The site's host name, for UIDs.
pub(super) fn host(state: &AppState) -> String {
    url::Url::parse(&state.settings.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "gongshi".to_owned())
}
