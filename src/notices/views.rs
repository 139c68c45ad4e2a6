//! Turning notices into template contexts. The time-dependent part of a notice page is its own
//! struct ([`Live`]) so the page cache can key on exactly that.
use super::consistency::Change;
use super::content::Snapshot;
use super::public_read::PublicState;
use super::service::Item;
use super::{Level, Period};
use crate::china_time::{date_zh, datetime_zh};
use crate::settings::Settings;
use chrono::{DateTime, Utc};
use entity::{notice_revisions, units};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct UnitView {
    pub name: String,
    pub code: String,
    pub url: String,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
}

impl UnitView {
    #[must_use]
    pub fn of(u: &units::Model) -> Self {
        Self {
            name: u.name.clone(),
            code: u.code.clone(),
            url: format!("/units/{}", u.code),
            contact_person: u.contact_person.clone(),
            contact_phone: u.contact_phone.clone(),
            contact_email: u.contact_email.clone(),
            contact_address: u.contact_address.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CompleterView {
    pub name: String,
    pub contribution: Option<String>,
    pub workload: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct IpView {
    pub kind_label: String,
    pub title: String,
    pub reference: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    pub position: i32,
    pub project_id: i32,
    pub name: String,
    pub units: Vec<String>,
    pub completers: Vec<CompleterView>,
    /// The first three completers' contribution and workload (level 1).
    pub contributions: Vec<CompleterView>,
    pub key_technology: Option<String>,
    pub ip_items: Option<Vec<IpView>>,
    pub grade_label: Option<&'static str>,
    /// Levels 2 and 3: how the project read on the lower-level notice it rests on (原为 … 现为 …).
    pub changes_from_lower: Vec<Change>,
}

impl ItemView {
    #[must_use]
    pub fn of(position: i32, project_id: i32, s: &Snapshot) -> Self {
        let view = |c: &super::content::PublicCompleter| CompleterView {
            name: c.name.clone(),
            contribution: c.contribution.clone(),
            workload: c.workload.clone(),
        };
        Self {
            position,
            project_id,
            name: s.name.clone(),
            units: s.units.clone(),
            completers: s.completers.iter().map(view).collect(),
            contributions: s
                .completers
                .iter()
                .take(3)
                .filter(|c| c.contribution.is_some() || c.workload.is_some())
                .map(view)
                .collect(),
            key_technology: s.key_technology.clone(),
            ip_items: s.ip_items.as_ref().map(|list| {
                list.iter()
                    .map(|ip| IpView {
                        kind_label: ip.kind_label.clone(),
                        title: ip.title.clone(),
                        reference: ip.reference.clone(),
                    })
                    .collect()
            }),
            grade_label: s.grade_label(),
            changes_from_lower: Vec::new(),
        }
    }
}

/// The items as listed, each with its changes from the lower-level notice (by project id).
#[must_use]
pub fn item_views(items: &[Item], changes: &HashMap<i32, Vec<Change>>) -> Vec<ItemView> {
    items
        .iter()
        .map(|i| ItemView {
            changes_from_lower: changes.get(&i.project_id).cloned().unwrap_or_default(),
            ..ItemView::of(i.position, i.project_id, &i.snapshot)
        })
        .collect()
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct RevisionLink {
    pub no: i32,
    pub url: String,
    pub published_text: String,
    pub note: Option<String>,
    pub restarts_period: bool,
    pub period_text: String,
    pub is_shown: bool,
    pub is_current: bool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ReportLink {
    pub code: String,
    pub url: String,
    pub issued_text: String,
}

/// Everything on a notice page that can change while the revision does not.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Live {
    pub status_code: &'static str,
    pub status_label: &'static str,
    pub time_left: String,
    pub days_left: i64,
    pub is_open: bool,
    pub is_current_revision: bool,
    pub withdrawn: bool,
    pub withdrawn_text: Option<String>,
    pub withdraw_reason: Option<String>,
    pub revisions: Vec<RevisionLink>,
    pub reports: Vec<ReportLink>,
    /// Recommendations of listed projects withdrawn since (撤回推荐), with the reason.
    pub withdrawn_recommendations: Vec<WithdrawnRecommendationView>,
    pub unit_name: String,
    pub display_class: &'static str,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct WithdrawnRecommendationView {
    pub project_id: i32,
    pub project_name: String,
    pub from_unit_name: String,
    pub withdrawn_text: String,
    pub reason: String,
}

impl Live {
    /// The cache key: every field, in one string.
    #[must_use]
    pub fn key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The live part of the page for `shown` (a published revision of `state`) at `now`.
#[must_use]
pub fn live(
    state: &PublicState,
    shown: &notice_revisions::Model,
    now: DateTime<Utc>,
    display_class: &'static str,
) -> Live {
    let current = state.current(now);
    let is_current = current.is_some_and(|c| c.id == shown.id);
    let period = Period::of_revision(shown);
    let withdrawn = state.is_withdrawn();
    let status = period.status(now);
    let (status_code, status_label) = if withdrawn {
        ("withdrawn", "已撤销")
    } else if !is_current {
        ("superseded", "已更正")
    } else {
        (status.code(), status.label())
    };
    let open = !withdrawn && is_current && period.is_open(now);
    Live {
        status_code,
        status_label,
        time_left: if open { period.time_left_text(now) } else { String::new() },
        days_left: if open { period.days_left(now) } else { 0 },
        is_open: open,
        is_current_revision: is_current,
        withdrawn,
        withdrawn_text: state.notice.withdrawn_at.map(datetime_zh),
        withdraw_reason: state.notice.withdraw_reason.clone(),
        revisions: state
            .public_revisions(now)
            .into_iter()
            .map(|r| RevisionLink {
                no: r.revision_no,
                url: format!("/notices/{}/revisions/{}", state.notice.id, r.revision_no),
                published_text: r.published_at.map(datetime_zh).unwrap_or_default(),
                note: r.correction_note.clone(),
                restarts_period: r.restarts_period,
                period_text: Period::of_revision(r).range_text(),
                is_shown: r.id == shown.id,
                is_current: current.is_some_and(|c| c.id == r.id),
            })
            .collect(),
        reports: state
            .reports
            .iter()
            .filter(|r| r.issued_at <= now)
            .map(|r| ReportLink {
                code: r.code.clone(),
                url: format!("/reports/{}", r.code),
                issued_text: date_zh(r.issued_on),
            })
            .collect(),
        withdrawn_recommendations: state
            .withdrawn_recommendations
            .iter()
            .filter(|w| w.withdrawn_at <= now)
            .map(|w| WithdrawnRecommendationView {
                project_id: w.project_id,
                project_name: w.project_name.clone(),
                from_unit_name: w.from_unit_name.clone(),
                withdrawn_text: datetime_zh(w.withdrawn_at),
                reason: w.reason.clone(),
            })
            .collect(),
        unit_name: state.unit.name.clone(),
        display_class,
    }
}

/// The notice page (and, with another template, the poster).
#[derive(Debug, Serialize)]
pub struct NoticePage<'a> {
    pub title: String,
    pub notice_id: i32,
    pub level: i32,
    pub level_label: &'static str,
    pub unit: UnitView,
    pub campaign_title: String,
    pub campaign_url: String,
    pub doc_number: Option<String>,
    pub revision_no: i32,
    pub period_text: String,
    pub range_text: String,
    pub days_text: String,
    pub correction_note: Option<String>,
    pub restarts_period: bool,
    pub board_location: Option<String>,
    pub media: Option<String>,
    /// 线下公示: posted on a board or in the media, recorded here after the fact.
    pub offline: bool,
    pub posted_where: Option<String>,
    pub body_html: String,
    /// The objection rules this notice was published under.
    pub objection_rules: Vec<String>,
    pub items: Vec<ItemView>,
    pub item_count: usize,
    /// Whether any item reads differently from its lower-level notice.
    pub has_changes: bool,
    pub url: String,
    pub canonical_url: String,
    pub current_url: String,
    pub objection_url: String,
    pub poster_url: String,
    pub og_description: String,
    pub published_text: String,
    pub feed_rss: String,
    pub feed_atom: String,
    pub qr_svg: String,
    /// Staff preview: what is shown, and the way back.
    pub preview_of: Option<String>,
    pub preview_back: Option<String>,
    pub display_class: &'static str,
    /// The page's path, encoded for the display switch's `next=`.
    pub display_next: String,
    pub live: &'a Live,
}

/// Builds the whole page context for a revision, with its items' changes from the lower level.
#[must_use]
pub fn notice_page<'a>(
    state: &PublicState,
    shown: &notice_revisions::Model,
    items: &[Item],
    changes: &HashMap<i32, Vec<Change>>,
    live: &'a Live,
    settings: &Settings,
) -> NoticePage<'a> {
    let level = state.level();
    let period = Period::of_revision(shown);
    let id = state.notice.id;
    let path = format!("/notices/{id}");
    let shown_path = format!("/notices/{id}/revisions/{}", shown.revision_no);
    NoticePage {
        title: shown.title.clone(),
        notice_id: id,
        level: level.number(),
        level_label: level.label(),
        unit: UnitView::of(&state.unit),
        campaign_title: state.campaign.title.clone(),
        campaign_url: format!("/campaigns/{}", state.campaign.code),
        doc_number: state.notice.doc_number.clone(),
        revision_no: shown.revision_no,
        period_text: period.text(),
        range_text: period.range_text(),
        days_text: period.days_text(),
        correction_note: shown.correction_note.clone(),
        restarts_period: shown.restarts_period,
        board_location: shown.board_location.clone(),
        media: shown.media.clone(),
        offline: state.notice.channel == crate::report_standing::OFFLINE_CHANNEL,
        posted_where: state.notice.posted_where.clone(),
        body_html: crate::markdown::to_safe_html(&shown.body_md),
        objection_rules: crate::campaigns::NoticeRules::stored_or(shown.rules_json.as_deref(), &state.campaign)
            .sentences(),
        items: item_views(items, changes),
        item_count: items.len(),
        has_changes: !changes.is_empty(),
        url: shown_path.clone(),
        canonical_url: settings.absolute_url(if live.is_current_revision { &path } else { &shown_path }),
        current_url: path.clone(),
        objection_url: format!("{path}/objection"),
        poster_url: format!("{path}/poster"),
        og_description: format!("{}（{}）{}，共{}个项目。", state.unit.name, level.label(), period.text(), items.len()),
        published_text: shown.published_at.map(datetime_zh).unwrap_or_default(),
        feed_rss: format!("/feeds/notices.rss?unit={}", state.unit.code),
        feed_atom: format!("/feeds/notices.atom?unit={}", state.unit.code),
        qr_svg: String::new(),
        preview_of: None,
        preview_back: None,
        display_class: live.display_class,
        display_next: encode(if live.is_current_revision { &path } else { &shown_path }),
        live,
    }
}

/// A line in a list of notices (home, unit and campaign pages).
#[derive(Debug, Serialize)]
pub struct NoticeCard {
    pub id: i32,
    pub url: String,
    pub title: String,
    pub unit_name: String,
    pub unit_url: String,
    pub level: i32,
    pub level_label: &'static str,
    pub range_text: String,
    pub status_code: &'static str,
    pub status_label: &'static str,
    pub days_left: i64,
    pub time_left: String,
    pub item_count: usize,
    pub revision_no: i32,
    /// Where a notice posted offline (线下公示) was posted; `None` for one published here.
    pub offline_at: Option<String>,
    /// Matching project names when the list answers a search.
    pub matched: Vec<String>,
}

/// The card for a notice at `now`; `None` while it is not public.
#[must_use]
pub fn card(state: &PublicState, item_count: usize, now: DateTime<Utc>) -> Option<NoticeCard> {
    let rev = state.current(now)?;
    let period = Period::of_revision(rev);
    let level = state.level();
    let (status_code, status_label) = if state.is_withdrawn() {
        ("withdrawn", "已撤销")
    } else {
        let s = period.status(now);
        (s.code(), s.label())
    };
    let open = status_code == "open";
    Some(NoticeCard {
        id: state.notice.id,
        url: format!("/notices/{}", state.notice.id),
        title: rev.title.clone(),
        unit_name: state.unit.name.clone(),
        unit_url: format!("/units/{}", state.unit.code),
        level: level.number(),
        level_label: level.label(),
        range_text: period.range_text(),
        status_code,
        status_label,
        days_left: if open { period.days_left(now) } else { 0 },
        time_left: if open { period.time_left_text(now) } else { String::new() },
        item_count,
        revision_no: rev.revision_no,
        offline_at: (state.notice.channel == crate::report_standing::OFFLINE_CHANNEL)
            .then(|| state.notice.posted_where.clone().unwrap_or_default()),
        matched: Vec::new(),
    })
}

/// Cards grouped by level, highest level first (the province's notices lead).
#[derive(Debug, Serialize)]
pub struct LevelGroup {
    pub level: i32,
    pub label: &'static str,
    pub notices: Vec<NoticeCard>,
}

#[must_use]
pub fn by_level(cards: Vec<NoticeCard>) -> Vec<LevelGroup> {
    let mut groups: Vec<LevelGroup> = Level::ALL
        .iter()
        .rev()
        .map(|l| LevelGroup { level: l.number(), label: l.label(), notices: Vec::new() })
        .collect();
    for c in cards {
        if let Some(g) = groups.iter_mut().find(|g| g.level == c.level) {
            g.notices.push(c);
        }
    }
    groups.retain(|g| !g.notices.is_empty());
    groups
}

/// Percent-encodes a path for a query parameter.
#[must_use]
pub fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
