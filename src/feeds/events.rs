//! Feed items from the public listing: what happened to which notice, in words. No I/O.
use crate::notices::Period;
use crate::notices::public_listing::{EventRef, Listing, TimelineEntry};
use crate::notices::public_read::{Filter, PublicState, ReportRef};
use crate::report_standing::OFFLINE_CHANNEL;
use chrono::{DateTime, Utc};
use entity::notice_revisions;

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
    listing
        .events_until(now)
        .filter(|e| listing.admits(filter, e.index))
        .filter_map(|e| describe(listing, e, now))
        .take(MAX_ITEMS)
        .collect()
}

/// One public event in words, as the feeds (and the subscribers' mail) tell it.
#[must_use]
pub fn describe(listing: &Listing, entry: &TimelineEntry, now: DateTime<Utc>) -> Option<Event> {
    let names = |revision_id: i32| listing.facts(revision_id).names.as_slice();
    let s = listing.states.get(entry.index)?;
    let what = match entry.event {
        EventRef::Revision(i) => What::Revision(s.revisions.get(i)?),
        EventRef::Withdrawal => What::Withdrawal,
        EventRef::Report(i) => What::Report(s.reports.get(i)?),
    };
    event(s, what, entry.at, &names, now)
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
            let (title, category, summary) = if rev.revision_no == 1 && s.notice.channel == OFFLINE_CHANNEL {
                let at = s.notice.posted_where.clone().unwrap_or_default();
                let summary = format!("{}登记线下公示（{at}）：{level}。{period}。{projects}", s.unit.name);
                (format!("【线下公示】{}", rev.title), "publication", summary)
            } else if rev.revision_no == 1 {
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
