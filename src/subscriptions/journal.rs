//! The public events subscribers are told of, each recorded once (`subscription_events.key`).
//!
//! The job `subscription_events` runs every minute and records what happened since its last
//! run, with an hour's overlap (a run that failed half-way, a transaction that committed just
//! after a run read): publications, corrections, withdrawals and result reports from the public
//! listing's timeline (worded as the feeds word them); the instants a notice enters its last 24
//! hours and closes, read off its current revision; and reports that stopped standing. The first
//! run looks back only the overlap, so an installation switching subscriptions on does not mail
//! its history. Each event keeps the unit path, level and campaign it is matched on, so delivery
//! needs nothing else.
use super::kind;
use crate::access::tree::UnitTree;
use crate::china_time::close_zh;
use crate::error::AppResult;
use crate::notices::public_listing::Listing;
use crate::notices::public_read::PublicState;
use chrono::{DateTime, Duration, Utc};
use entity::subscription_events;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

/// How far before the last run events are looked at again.
pub const OVERLAP: Duration = Duration::hours(1);
/// How long before its close a notice is announced as closing.
pub const CLOSING_NOTICE: Duration = Duration::hours(24);

/// How long a delivered event is kept: long enough for any digest still to come (a weekly
/// one after a server was down for weeks), short enough that the journal stays small.
pub const KEPT: Duration = Duration::days(60);

/// Drops the events delivered more than [`KEPT`] ago; returns how many.
///
/// # Errors
/// Database failure.
pub async fn forget_old(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let done = subscription_events::Entity::delete_many()
        .filter(subscription_events::Column::DeliveredAt.lt(now - KEPT))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// An event before it is stored.
#[derive(Debug, Clone)]
struct Found {
    key: String,
    kind: &'static str,
    /// Index of the notice in the listing.
    index: usize,
    title: String,
    summary: String,
    path: String,
    at: DateTime<Utc>,
}

/// Records the events of `(since − OVERLAP, now]` (of the last [`OVERLAP`] on a first run);
/// returns how many were new.
///
/// # Errors
/// Database failure (the events recorded before it stay recorded).
pub async fn record(
    db: &DatabaseConnection,
    database_url: &str,
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let from = since.unwrap_or(now) - OVERLAP;
    let listing = crate::notices::public_listing::listing(db, database_url).await?;
    let mut found = timeline_events(&listing, from, now);
    found.extend(clock_events(&listing, from, now));
    found.extend(stopped_reports(db, &listing, from, now).await?);
    let tree = UnitTree::load(db).await?;
    let mut new = 0;
    for f in found {
        let Some(state) = listing.states.get(f.index) else { continue };
        if store(db, &tree, state, f, now).await? {
            new += 1;
        }
    }
    Ok(new)
}

/// Publications, corrections, withdrawals and result reports of `(from, now]`.
fn timeline_events(listing: &Listing, from: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Found> {
    listing
        .events_until(now)
        .take_while(|e| e.at > from)
        .filter_map(|e| {
            let words = crate::feeds::events::describe(listing, e, now)?;
            let kind = match words.category {
                "publication" => kind::OPENED,
                "correction" => kind::CORRECTED,
                "withdrawal" => kind::WITHDRAWN,
                "result" => kind::REPORT_ISSUED,
                _ => return None,
            };
            let title =
                if words.title.starts_with('【') { words.title } else { format!("【公示】{}", words.title) };
            Some(Found {
                key: words.guid,
                kind,
                index: e.index,
                title,
                summary: words.summary,
                path: words.path,
                at: e.at,
            })
        })
        .collect()
}

/// The last 24 hours beginning, and the close, of every notice's current period in `(from, now]`.
fn clock_events(listing: &Listing, from: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Found> {
    let mut out = Vec::new();
    for (index, s) in listing.states.iter().enumerate() {
        let Some(rev) = s.current(now) else { continue };
        let withdrawn_by = |at: DateTime<Utc>| s.notice.withdrawn_at.is_some_and(|w| w <= at);
        let public_from = s.public_from(rev).unwrap_or(rev.opens_at);
        let closes = rev.closes_at;
        let id = s.notice.id;
        let (unit, level) = (&s.unit.name, s.level().label());
        let closing_at = closes - CLOSING_NOTICE;
        if from < closing_at && closing_at <= now && public_from <= closing_at && !withdrawn_by(closing_at) {
            out.push(Found {
                key: format!("urn:gongshi:notice:{id}:closing:{}", closes.timestamp()),
                kind: kind::CLOSING,
                index,
                title: format!("【即将截止】{}", rev.title),
                summary: format!("{unit}的{level}将于{}截止。如有异议，请在截止前提出。", close_zh(closes)),
                path: format!("/notices/{id}"),
                at: closing_at,
            });
        }
        if from < closes && closes <= now && !withdrawn_by(closes) {
            out.push(Found {
                key: format!("urn:gongshi:notice:{id}:closed:{}", closes.timestamp()),
                kind: kind::CLOSED,
                index,
                title: format!("【公示结束】{}", rev.title),
                summary: format!("{unit}的{level}已于{}结束。", close_zh(closes)),
                path: format!("/notices/{id}"),
                at: closes,
            });
        }
    }
    out
}

/// Reports that stand void or suspended among the notices changed since `from`.
async fn stopped_reports(
    db: &DatabaseConnection,
    listing: &Listing,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Found>> {
    let mut out = Vec::new();
    for (report, standing) in crate::reports::alerts::stopped_since(db, from).await? {
        let Some(index) = listing.states.iter().position(|s| s.notice.id == report.notice_id) else { continue };
        let Some(title) = listing.states.get(index).and_then(|s| s.current(now)).map(|r| r.title.clone()) else {
            continue;
        };
        out.push(Found {
            key: format!("urn:gongshi:report:{}:{}", report.code, standing.code()),
            kind: kind::REPORT_STOPPED,
            index,
            title: format!("【公示结果报告{}】{title}", standing.label()),
            summary: format!("公示结果报告{}现为“{}”：{}。", report.code, standing.label(), standing.reason()),
            path: format!("/reports/{}", report.code),
            at: standing.since().unwrap_or(now),
        });
    }
    Ok(out)
}

/// `/1/5/12/`: the unit and those above it, top first.
fn unit_path(tree: &UnitTree, unit_id: i32) -> String {
    let mut ids = tree.ancestors(unit_id);
    ids.reverse();
    ids.push(unit_id);
    let inner: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("/{}/", inner.join("/"))
}

/// Stores `f` unless its key is there; true when it was new.
async fn store(
    db: &DatabaseConnection,
    tree: &UnitTree,
    s: &PublicState,
    f: Found,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let row = subscription_events::ActiveModel {
        key: Set(f.key),
        kind: Set(f.kind.to_owned()),
        notice_id: Set(s.notice.id),
        unit_path: Set(unit_path(tree, s.notice.unit_id)),
        level: Set(s.notice.level),
        campaign_id: Set(s.notice.campaign_id),
        title: Set(f.title),
        summary: Set(f.summary),
        path: Set(f.path),
        occurred_at: Set(f.at),
        recorded_at: Set(now),
        delivered_through: Set(0),
        delivered_at: Set(None),
        ..Default::default()
    };
    let conflict = OnConflict::column(subscription_events::Column::Key).do_nothing().to_owned();
    match subscription_events::Entity::insert(row).on_conflict(conflict).exec_without_returning(db).await {
        Ok(n) => Ok(n > 0),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_runs_from_the_top_down() {
        let tree = UnitTree::from_pairs([(1, None), (5, Some(1)), (12, Some(5))]);
        assert_eq!(unit_path(&tree, 12), "/1/5/12/");
        assert_eq!(unit_path(&tree, 1), "/1/");
    }
}
