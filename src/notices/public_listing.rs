//! The public listing: every non-draft notice with what lists, feeds and search need, kept in
//! memory per database. The home page, the unit and campaign pages, the feeds and the API list
//! then cost a walk over memory rather than reading every notice, revision and item on every
//! request — which at a province's or the country's size is the difference between a
//! millisecond and a second.
//!
//! Freshness, by construction: the listing remembers the database's public generation it was
//! built under (`db::public_generation`, bumped by a trigger on every write to a public table,
//! whoever makes it). It reads that one number again after any write transaction this process
//! commits (`db::WriteTxn::commit`) and at least once per [`CHECK_EVERY`] (other instances'
//! writes), and rebuilds only when the number moved. While one request checks or rebuilds for
//! another instance's write, the others read the last listing. Which revision is shown, and
//! whether a notice is open, is still decided per request from the clock.
use super::content::ListedFields;
use super::public_read::{Filter, PublicState, ReportRef};
use super::search::SearchIndex;
use super::{NoticeState as Lifecycle, Period, Status};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::{campaigns, notice_items, notice_revisions, notices, result_reports, units};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How often another instance's writes are looked for.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// What a revision's projects contribute to lists: their names (feeds) and, per project, the
/// text search looks in (its name, completing units and completers, a line each).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevisionFacts {
    pub names: Vec<String>,
    search: Vec<String>,
}

impl RevisionFacts {
    fn of(items: impl Iterator<Item = ListedFields>) -> Self {
        let mut facts = Self::default();
        for item in items {
            let fields = std::iter::once(&item.name).chain(&item.units).chain(item.completers.iter().map(|c| &c.name));
            facts.search.push(fields.map(String::as_str).collect::<Vec<_>>().join("\n"));
            facts.names.push(item.name);
        }
        facts
    }

    /// The names of the projects whose name, completing unit or completer contains `term`.
    pub fn matching<'a>(&'a self, term: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        // A line break would match across two fields; no field holds one.
        let searchable = !term.contains('\n');
        self.names
            .iter()
            .zip(&self.search)
            .filter(move |(_, text)| searchable && text.contains(term))
            .map(|(n, _)| n.as_str())
    }
}

/// Every non-draft notice, newest first, with its revisions' facts.
///
/// Beside each state sits a small [`Row`] in one contiguous array: scanning thousands of rows
/// for what is open now touches a few hundred kilobytes, where following each state's
/// pointers would miss the cache thousands of times per request.
#[derive(Debug)]
pub struct Listing {
    pub states: Vec<Arc<PublicState>>,
    rows: Vec<Row>,
    /// Every public event (publication, correction, withdrawal, result), newest first.
    timeline: Vec<TimelineEntry>,
    facts: HashMap<i32, RevisionFacts>,
    search: SearchIndex,
    /// The database's public generation this listing was read under.
    generation: i64,
    /// The last standings worked out, for as long as they hold.
    standings: RwLock<Option<Arc<Standings>>>,
}

/// Every notice the public sees at an instant, and the open ones; true from `from` until the
/// first instant a notice appears, opens or closes.
#[derive(Debug)]
pub struct Standings {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    /// Every notice seen, newest first.
    pub seen: Vec<Seen>,
    /// The open ones, fewest days left first.
    pub open: Vec<Seen>,
    /// Those of each standing (by [`Standing::code`]), newest first.
    by_standing: HashMap<&'static str, Vec<Seen>>,
}

impl Standings {
    fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.from <= now && now < self.until
    }

    /// Where the notice at `index` stands, if the public sees it.
    #[must_use]
    pub fn of(&self, index: usize) -> Option<&Seen> {
        self.seen.binary_search_by_key(&index, |s| s.index).ok().and_then(|at| self.seen.get(at))
    }

    /// The notices seen whose standing has `code` (open, closed, withdrawn…), newest first.
    #[must_use]
    pub fn with_standing(&self, code: &str) -> &[Seen] {
        self.by_standing.get(code).map_or(&[], Vec::as_slice)
    }
}

/// What lists need of a notice without touching its state.
#[derive(Debug, Clone, Copy)]
struct Row {
    notice_id: i32,
    campaign_id: i32,
    unit_id: i32,
    level: i32,
    withdrawn_at: Option<DateTime<Utc>>,
    /// When the last published revision becomes public, and its period.
    last_public_from: DateTime<Utc>,
    starts_on: chrono::NaiveDate,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    /// More than one published revision: before the last one shows, an earlier one may.
    corrected: bool,
}

/// Where a notice stands for the public at an instant: withdrawn, or where its period is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Withdrawn,
    Period(Status),
}

impl Standing {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Withdrawn => "withdrawn",
            Self::Period(status) => status.code(),
        }
    }
}

/// A notice the public sees now: its index in [`Listing::states`], standing and period end.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub index: usize,
    pub standing: Standing,
    pub closes_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub notice_id: i32,
}

/// One public event: when, whose, and which.
#[derive(Debug, Clone, Copy)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub index: usize,
    pub event: EventRef,
}

/// Which event of a notice: a revision (by position among its published revisions), its
/// withdrawal, or a result report (by position among its live reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventRef {
    Revision(usize),
    Withdrawal,
    Report(usize),
}

static EMPTY: LazyLock<RevisionFacts> = LazyLock::new(RevisionFacts::default);

impl Listing {
    /// The database's public generation this listing was read under.
    #[must_use]
    pub fn generation(&self) -> i64 {
        self.generation
    }

    /// The first instant after `now` at which any list reads differently by the clock alone:
    /// a notice appearing, opening or closing, or any public event (a correction, withdrawal
    /// or result report) falling due. The end of time when nothing is due.
    #[must_use]
    pub fn next_change_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let start = self.timeline.partition_point(|e| e.at > now);
        let next_event = start.checked_sub(1).and_then(|i| self.timeline.get(i)).map(|e| e.at);
        let until = self.standings(now).until;
        next_event.map_or(until, |at| at.min(until))
    }

    /// The facts of a published revision.
    #[must_use]
    pub fn facts(&self, revision_id: i32) -> &RevisionFacts {
        self.facts.get(&revision_id).unwrap_or(&EMPTY)
    }

    /// How many projects a published revision lists.
    #[must_use]
    pub fn item_count(&self, revision_id: i32) -> usize {
        self.facts(revision_id).names.len()
    }

    /// Where every listed notice stands at `now`, reused while nothing changes standing: the
    /// first request after a notice opens, closes or a correction shows works it out once;
    /// the others only read the page they show.
    pub fn standings(&self, now: DateTime<Utc>) -> Arc<Standings> {
        if let Some(s) = self.standings.read().unwrap_or_else(PoisonError::into_inner).as_ref()
            && s.holds_at(now)
        {
            return s.clone();
        }
        let fresh = Arc::new(self.standings_at(now));
        *self.standings.write().unwrap_or_else(PoisonError::into_inner) = Some(fresh.clone());
        fresh
    }

    /// Works out [`Self::standings`] from the rows.
    fn standings_at(&self, now: DateTime<Utc>) -> Standings {
        let mut seen = Vec::new();
        let mut until = DateTime::<Utc>::MAX_UTC;
        for (index, row) in self.rows.iter().enumerate() {
            let period = if now >= row.last_public_from {
                Some(Period { starts_on: row.starts_on, opens_at: row.opens_at, closes_at: row.closes_at })
            } else {
                until = until.min(row.last_public_from);
                if row.corrected { self.earlier_period(index, now, &mut until) } else { None }
            };
            let Some(period) = period else { continue };
            for change in [period.opens_at, period.closes_at] {
                if change > now {
                    until = until.min(change);
                }
            }
            let standing =
                if row.withdrawn_at.is_some() { Standing::Withdrawn } else { Standing::Period(period.status(now)) };
            let closes_at = period.closes_at;
            seen.push(Seen { index, standing, closes_at, withdrawn_at: row.withdrawn_at, notice_id: row.notice_id });
        }
        let mut by_standing: HashMap<&'static str, Vec<Seen>> = HashMap::new();
        for s in &seen {
            by_standing.entry(s.standing.code()).or_default().push(*s);
        }
        let mut open = by_standing.get(Standing::Period(Status::Open).code()).cloned().unwrap_or_default();
        open.sort_unstable_by_key(|s| (s.closes_at, s.notice_id));
        Standings { from: now, until, seen, open, by_standing }
    }

    /// The period of the earlier revision a corrected notice shows before its last one does
    /// (rare), noting when the next revision takes over.
    fn earlier_period(&self, index: usize, now: DateTime<Utc>, until: &mut DateTime<Utc>) -> Option<Period> {
        let state = &self.states[index];
        for rev in &state.revisions {
            if let Some(from) = state.public_from(rev).filter(|from| *from > now) {
                *until = (*until).min(from);
            }
        }
        state.current(now).map(Period::of_revision)
    }

    /// The state and the revision the public sees at `now` of a notice [`Self::seen`] found.
    #[must_use]
    pub fn shown(&self, index: usize, now: DateTime<Utc>) -> Option<(&Arc<PublicState>, &notice_revisions::Model)> {
        let state = self.states.get(index)?;
        state.current(now).map(|r| (state, r))
    }

    /// Public events at or before `now`, newest first.
    pub fn events_until(&self, now: DateTime<Utc>) -> impl Iterator<Item = &TimelineEntry> {
        let start = self.timeline.partition_point(|e| e.at > now);
        self.timeline[start..].iter()
    }

    /// Whether `filter` admits the notice at `index`.
    #[must_use]
    pub fn admits(&self, filter: &Filter, index: usize) -> bool {
        self.rows.get(index).is_some_and(|row| {
            filter.campaign_id.is_none_or(|c| row.campaign_id == c)
                && filter.unit_id.is_none_or(|u| row.unit_id == u)
                && filter.level.is_none_or(|l| row.level == l.number())
        })
    }

    /// The notices whose revision shown at `now` holds `term` in its title, its unit's name,
    /// or a project's name, completing unit or completer; newest first.
    #[must_use]
    pub fn found(&self, term: &str, now: DateTime<Utc>) -> Vec<usize> {
        self.search
            .find(term.trim())
            .filter(|&(index, revision_id)| self.shown(index, now).is_some_and(|(_, shown)| shown.id == revision_id))
            .map(|(index, _)| index)
            .collect()
    }
}

/// The current listing, when it was last checked against the database, and this process's
/// committed writes at that check.
struct Checked {
    listing: Arc<Listing>,
    at: Instant,
    writes: u64,
}

#[derive(Default)]
struct Holder {
    current: RwLock<Option<Checked>>,
    rebuilding: tokio::sync::Mutex<()>,
}

impl Holder {
    /// The listing while it needs no check: no write committed here since, checked within
    /// [`CHECK_EVERY`].
    fn fresh(&self) -> Option<Arc<Listing>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        let c = current.as_ref()?;
        (c.writes == crate::db::writes_committed() && c.at.elapsed() < CHECK_EVERY).then(|| c.listing.clone())
    }

    /// The last listing, unless this process has committed a write since it was checked.
    fn unwritten(&self) -> Option<Arc<Listing>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current.as_ref().filter(|c| c.writes == crate::db::writes_committed()).map(|c| c.listing.clone())
    }

    fn set(&self, listing: Arc<Listing>, writes: u64) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) =
            Some(Checked { listing, at: Instant::now(), writes });
    }

    fn latest(&self) -> Option<Arc<Listing>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).as_ref().map(|c| c.listing.clone())
    }
}

static HOLDERS: LazyLock<RwLock<HashMap<String, Arc<Holder>>>> = LazyLock::new(RwLock::default);

fn holder(database_url: &str) -> Arc<Holder> {
    if let Some(h) = HOLDERS.read().unwrap_or_else(PoisonError::into_inner).get(database_url) {
        return h.clone();
    }
    HOLDERS.write().unwrap_or_else(PoisonError::into_inner).entry(database_url.to_owned()).or_default().clone()
}

/// The current listing of the database at `database_url`.
///
/// # Errors
/// Database failure.
pub async fn listing(db: &DatabaseConnection, database_url: &str) -> AppResult<Arc<Listing>> {
    let holder = holder(database_url);
    if let Some(listing) = holder.fresh() {
        return Ok(listing);
    }
    let _turn = match holder.rebuilding.try_lock() {
        Ok(turn) => turn,
        Err(_) => {
            // A check or rebuild is under way. Unless this process wrote since the last
            // listing, that listing serves meanwhile, so readers never queue behind the
            // once-a-second check; another instance's write shows when it ends.
            if let Some(listing) = holder.unwritten() {
                return Ok(listing);
            }
            // After a write here, wait for the listing that holds it (it may be this one's).
            let turn = holder.rebuilding.lock().await;
            if let Some(listing) = holder.fresh() {
                return Ok(listing);
            }
            turn
        }
    };
    // Read before the generation, so a write committed meanwhile makes the next request look again.
    let writes = crate::db::writes_committed();
    let generation = crate::db::public_generation(db).await?;
    let listing = match holder.latest() {
        Some(l) if l.generation == generation => l,
        _ => Arc::new(build(db, generation).await?),
    };
    holder.set(listing.clone(), writes);
    Ok(listing)
}

/// Reads everything the listing holds: one query per table (the items in pages), no
/// per-notice queries.
async fn build<C: ConnectionTrait>(db: &C, generation: i64) -> AppResult<Listing> {
    let notices = notices::Entity::find()
        .filter(notices::Column::State.ne(Lifecycle::Draft.code()))
        .order_by_desc(notices::Column::Id)
        .all(db)
        .await?;
    let mut revisions: HashMap<i32, Vec<notice_revisions::Model>> = HashMap::new();
    for r in notice_revisions::Entity::find()
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_asc(notice_revisions::Column::RevisionNo)
        .all(db)
        .await?
    {
        revisions.entry(r.notice_id).or_default().push(r);
    }
    let units: HashMap<i32, units::Model> =
        units::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let campaigns: HashMap<i32, campaigns::Model> =
        campaigns::Entity::find().all(db).await?.into_iter().map(|c| (c.id, c)).collect();
    let mut reports: HashMap<i32, Vec<ReportRef>> = HashMap::new();
    for r in result_reports::Entity::find()
        .filter(result_reports::Column::SupersededBy.is_null())
        .order_by_asc(result_reports::Column::IssuedAt)
        .all(db)
        .await?
    {
        reports.entry(r.notice_id).or_default().push(ReportRef {
            code: r.code,
            issued_on: r.issued_on,
            issued_at: r.issued_at,
        });
    }
    let facts = revision_facts(db, &revisions, ITEMS_PER_QUERY).await?;
    let mut states = Vec::with_capacity(notices.len());
    for notice in notices {
        let (Some(unit), Some(campaign)) = (units.get(&notice.unit_id), campaigns.get(&notice.campaign_id)) else {
            continue;
        };
        let (unit, campaign) = (unit.clone(), campaign.clone());
        let revisions = revisions.remove(&notice.id).unwrap_or_default();
        let reports = reports.remove(&notice.id).unwrap_or_default();
        states.push(Arc::new(PublicState::new(notice, unit, campaign, revisions, reports)?));
    }
    // A state without a published revision has no row and is not listed.
    let (states, rows): (Vec<Arc<PublicState>>, Vec<Row>) =
        states.into_iter().filter_map(|s| row_of(&s).map(|row| (s, row))).unzip();
    let timeline = timeline_of(&states);
    let search = search_index(&states, &facts);
    Ok(Listing { states, rows, timeline, facts, search, generation, standings: RwLock::default() })
}

/// Every published revision's searchable text, in the listing's order.
fn search_index(states: &[Arc<PublicState>], facts: &HashMap<i32, RevisionFacts>) -> SearchIndex {
    let mut index = SearchIndex::default();
    for (at, s) in states.iter().enumerate() {
        for rev in &s.revisions {
            let projects = facts.get(&rev.id).map_or(&[][..], |f| f.search.as_slice());
            let fields =
                [rev.title.as_str(), s.unit.name.as_str()].into_iter().chain(projects.iter().map(String::as_str));
            index.add(at, rev.id, fields);
        }
    }
    index
}

fn row_of(s: &PublicState) -> Option<Row> {
    let first = s.revisions.first()?;
    let last = s.revisions.last()?;
    Some(Row {
        notice_id: s.notice.id,
        campaign_id: s.notice.campaign_id,
        unit_id: s.notice.unit_id,
        level: s.notice.level,
        withdrawn_at: if s.is_withdrawn() { Some(s.notice.withdrawn_at.unwrap_or(first.opens_at)) } else { None },
        last_public_from: super::visibility::public_from(first, last)?,
        starts_on: last.starts_on,
        opens_at: last.opens_at,
        closes_at: last.closes_at,
        corrected: s.revisions.len() > 1,
    })
}

/// Every event of every notice, newest first; the same instant orders by notice (newest
/// first), then a result before a withdrawal before a revision, later revisions first.
fn timeline_of(states: &[Arc<PublicState>]) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for (index, s) in states.iter().enumerate() {
        for (i, rev) in s.revisions.iter().enumerate() {
            if let Some(at) = s.public_from(rev) {
                out.push(TimelineEntry { at, index, event: EventRef::Revision(i) });
            }
        }
        if let (true, Some(at)) = (s.is_withdrawn(), s.notice.withdrawn_at) {
            out.push(TimelineEntry { at, index, event: EventRef::Withdrawal });
        }
        for (i, r) in s.reports.iter().enumerate() {
            out.push(TimelineEntry { at: r.issued_at, index, event: EventRef::Report(i) });
        }
    }
    out.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| states[b.index].notice.id.cmp(&states[a.index].notice.id))
            .then_with(|| b.event.cmp(&a.event))
    });
    out
}

/// Items read per query: the snapshots of a country's 100,000 projects at once would weigh
/// hundreds of megabytes while the listing is built, for the few fields it keeps.
pub(crate) const ITEMS_PER_QUERY: u64 = 5_000;

/// The facts of every published revision, from one pass over the items in pages of
/// `per_query` ([`ITEMS_PER_QUERY`]).
pub(crate) async fn revision_facts<C: ConnectionTrait>(
    db: &C,
    revisions: &HashMap<i32, Vec<notice_revisions::Model>>,
    per_query: u64,
) -> AppResult<HashMap<i32, RevisionFacts>> {
    let published: std::collections::HashSet<i32> = revisions.values().flatten().map(|r| r.id).collect();
    let mut listed: HashMap<i32, Vec<(i32, ListedFields)>> = HashMap::new();
    let mut after = i32::MIN;
    loop {
        let page: Vec<(i32, i32, i32, String)> = notice_items::Entity::find()
            .select_only()
            .columns([
                notice_items::Column::Id,
                notice_items::Column::RevisionId,
                notice_items::Column::Position,
                notice_items::Column::Snapshot,
            ])
            .filter(notice_items::Column::Id.gt(after))
            .order_by_asc(notice_items::Column::Id)
            .limit(per_query)
            .into_tuple()
            .all(db)
            .await?;
        let Some(&(last, ..)) = page.last() else { break };
        after = last;
        for (_, revision_id, position, snapshot) in page {
            if !published.contains(&revision_id) {
                continue;
            }
            if let Ok(fields) = serde_json::from_str::<ListedFields>(&snapshot) {
                listed.entry(revision_id).or_default().push((position, fields));
            }
        }
    }
    Ok(listed
        .into_iter()
        .map(|(id, mut items)| {
            items.sort_by_key(|(position, _)| *position);
            (id, RevisionFacts::of(items.into_iter().map(|(_, fields)| fields)))
        })
        .collect())
}
