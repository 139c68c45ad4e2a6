//! The public listing: every non-draft notice with what lists, feeds and search need, kept in
//! memory per database. The home page, the unit and campaign pages, the feeds and the API list
//! then cost a walk over memory rather than reading every notice, revision and item on every
//! request — which at a province's or the country's size is the difference between a
//! millisecond and a second.
//!
//! Freshness: the listing is rebuilt after any write in this process ([`super::cache::bump`]),
//! and, for writes by other instances on the same database, when a one-statement fingerprint of
//! the public tables (checked at most once per [`CHECK_EVERY`]) has changed. Which revision is
//! shown, and whether a notice is open, is still decided per request from the clock.
use super::content::Snapshot;
use super::public::{Filter, PublicState, ReportRef};
use super::{NoticeState as Lifecycle, cache};
use crate::error::AppResult;
use entity::{campaigns, notice_items, notice_revisions, notices, result_reports, units};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How often another instance's writes are looked for.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// What a revision's projects contribute to lists: their names (feeds) and the text search
/// looks in (project names, completing units, completers).
#[derive(Debug, Clone, Default)]
pub struct RevisionFacts {
    pub names: Vec<String>,
    search: String,
}

impl RevisionFacts {
    fn of(items: &[Snapshot]) -> Self {
        let mut search = String::new();
        for s in items {
            search.push_str(&s.name);
            search.push('\n');
            for u in &s.units {
                search.push_str(u);
                search.push('\n');
            }
            for c in &s.completers {
                search.push_str(&c.name);
                search.push('\n');
            }
        }
        Self { names: items.iter().map(|s| s.name.clone()).collect(), search }
    }
}

/// Every non-draft notice, newest first, with its revisions' facts.
#[derive(Debug)]
pub struct Listing {
    pub states: Vec<Arc<PublicState>>,
    facts: HashMap<i32, RevisionFacts>,
    mark: Mark,
    generation: u64,
}

static EMPTY: LazyLock<RevisionFacts> = LazyLock::new(RevisionFacts::default);

impl Listing {
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

    /// The notices `filter` admits that the public sees at `now`, with the revision shown,
    /// newest first.
    pub fn visible<'a>(
        &'a self,
        filter: &'a Filter,
        now: chrono::DateTime<chrono::Utc>,
    ) -> impl Iterator<Item = (&'a Arc<PublicState>, &'a notice_revisions::Model)> + 'a {
        self.states.iter().filter(|s| filter.admits(s)).filter_map(move |s| s.current(now).map(|r| (s, r)))
    }

    /// Whether a search term matches the notice's title, its unit, or a project name,
    /// completing unit or completer on the revision (as [`super::public::matches`]).
    #[must_use]
    pub fn matches(&self, term: &str, state: &PublicState, revision: &notice_revisions::Model) -> bool {
        let term = term.trim();
        term.is_empty()
            || revision.title.contains(term)
            || state.unit.name.contains(term)
            || self.facts(revision.id).search.contains(term)
    }
}

/// A fingerprint of everything the listing is made of; it changes with any publication,
/// correction, withdrawal, report, supersession, or unit or campaign change.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
struct Mark {
    revisions: i64,
    last_revision: i64,
    withdrawn: i64,
    reports: i64,
    superseded: i64,
    units: i64,
    unit_names: i64,
    campaigns: i64,
}

impl Mark {
    async fn read<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        // Every value cast to BIGINT, so both engines answer with the same type.
        let sql = "SELECT \
            CAST((SELECT COUNT(*) FROM notice_revisions WHERE published_at IS NOT NULL) AS BIGINT) AS revisions, \
            CAST((SELECT COALESCE(MAX(id), 0) FROM notice_revisions WHERE published_at IS NOT NULL) AS BIGINT) \
              AS last_revision, \
            CAST((SELECT COUNT(*) FROM notices WHERE withdrawn_at IS NOT NULL) AS BIGINT) AS withdrawn, \
            CAST((SELECT COUNT(*) FROM result_reports) AS BIGINT) AS reports, \
            CAST((SELECT COUNT(*) FROM result_reports WHERE superseded_by IS NOT NULL) AS BIGINT) AS superseded, \
            CAST((SELECT COUNT(*) FROM units) AS BIGINT) AS units, \
            CAST((SELECT COALESCE(SUM(LENGTH(name) + LENGTH(code)), 0) FROM units) AS BIGINT) AS unit_names, \
            CAST((SELECT COUNT(*) FROM campaigns) AS BIGINT) AS campaigns";
        let stmt = sea_orm::Statement::from_string(db.get_database_backend(), sql);
        Self::find_by_statement(stmt)
            .one(db)
            .await?
            .ok_or_else(|| crate::error::AppError::internal("listing fingerprint returned no row"))
    }
}

#[derive(Default)]
struct Holder {
    current: RwLock<Option<(Arc<Listing>, Instant)>>,
    rebuilding: tokio::sync::Mutex<()>,
}

impl Holder {
    /// The listing while it needs no check: no write here since, checked within a second.
    fn fresh(&self) -> Option<Arc<Listing>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        let (listing, checked) = current.as_ref()?;
        (listing.generation == cache::generation_now() && checked.elapsed() < CHECK_EVERY).then(|| listing.clone())
    }

    fn set(&self, listing: Arc<Listing>) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some((listing, Instant::now()));
    }

    fn latest(&self) -> Option<Arc<Listing>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).as_ref().map(|(l, _)| l.clone())
    }
}

static HOLDERS: LazyLock<Mutex<HashMap<String, Arc<Holder>>>> = LazyLock::new(Mutex::default);

fn holder(database_url: &str) -> Arc<Holder> {
    HOLDERS.lock().unwrap_or_else(PoisonError::into_inner).entry(database_url.to_owned()).or_default().clone()
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
    // One check or rebuild at a time; those who waited find it done.
    let _turn = holder.rebuilding.lock().await;
    if let Some(listing) = holder.fresh() {
        return Ok(listing);
    }
    let generation = cache::generation_now();
    let mark = Mark::read(db).await?;
    let listing = match holder.latest() {
        Some(l) if l.mark == mark && l.generation == generation => l,
        _ => Arc::new(build(db, mark, generation).await?),
    };
    holder.set(listing.clone());
    Ok(listing)
}

/// Reads everything the listing holds: one query per table, no per-notice queries.
async fn build<C: ConnectionTrait>(db: &C, mark: Mark, generation: u64) -> AppResult<Listing> {
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
    let facts = revision_facts(db, &revisions).await?;
    let states = notices
        .into_iter()
        .filter_map(|notice| {
            Some(Arc::new(PublicState {
                unit: units.get(&notice.unit_id)?.clone(),
                campaign: campaigns.get(&notice.campaign_id)?.clone(),
                revisions: revisions.remove(&notice.id).unwrap_or_default(),
                reports: reports.remove(&notice.id).unwrap_or_default(),
                notice,
            }))
        })
        .collect();
    Ok(Listing { states, facts, mark, generation })
}

/// The facts of every published revision, from one pass over the items.
async fn revision_facts<C: ConnectionTrait>(
    db: &C,
    revisions: &HashMap<i32, Vec<notice_revisions::Model>>,
) -> AppResult<HashMap<i32, RevisionFacts>> {
    let published: std::collections::HashSet<i32> = revisions.values().flatten().map(|r| r.id).collect();
    let mut snapshots: HashMap<i32, Vec<Snapshot>> = HashMap::new();
    for row in notice_items::Entity::find()
        .order_by_asc(notice_items::Column::RevisionId)
        .order_by_asc(notice_items::Column::Position)
        .all(db)
        .await?
    {
        if !published.contains(&row.revision_id) {
            continue;
        }
        if let Ok(s) = Snapshot::from_json(&row.snapshot) {
            snapshots.entry(row.revision_id).or_default().push(s);
        }
    }
    Ok(snapshots.into_iter().map(|(id, items)| (id, RevisionFacts::of(&items))).collect())
}
