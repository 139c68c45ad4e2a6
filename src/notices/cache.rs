//! Caches for the public side. A published revision never changes, so its items and its
//! changes from the lower level are kept for good (the rendered pages are stored answers,
//! `web::precomputed`). The notice's state (which
//! revisions exist, withdrawal, reports) is kept with the database's public generation it was
//! read under (`db::public_generation`, bumped by triggers on every public table): after a
//! write committed in this process, or after [`STATE_TTL`], that one number is read again and
//! the state reloaded only if it moved. Visibility itself is decided per request by the clock.
//!
//! Caches are per database (two apps on one database share them; tests on separate
//! databases never see each other's notices).
use super::consistency::Change;
use super::public_read::PublicState;
use super::service::Item;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How long a notice's state is trusted without asking the database; writes in this process
/// are seen at once, this bounds how late another instance's writes are seen.
pub const STATE_TTL: Duration = Duration::from_secs(1);

struct StateEntry {
    /// When the database's public generation was last compared.
    checked: Instant,
    /// This process's committed writes at that moment.
    writes: u64,
    /// The database's public generation the state was read under.
    generation: i64,
    state: Option<Arc<PublicState>>,
}

/// A revision's changes from the lower level, by project id.
pub type Changes = HashMap<i32, Vec<Change>>;

#[derive(Default)]
pub struct Caches {
    states: RwLock<HashMap<i32, StateEntry>>,
    items: RwLock<HashMap<i32, Arc<Vec<Item>>>>,
    changes: RwLock<HashMap<i32, Arc<Changes>>>,
}

static REGISTRY: LazyLock<RwLock<HashMap<String, Arc<Caches>>>> = LazyLock::new(RwLock::default);

/// The caches of the database at `database_url`.
#[must_use]
pub fn for_database(database_url: &str) -> Arc<Caches> {
    if let Some(c) = REGISTRY.read().unwrap_or_else(PoisonError::into_inner).get(database_url) {
        return c.clone();
    }
    REGISTRY.write().unwrap_or_else(PoisonError::into_inner).entry(database_url.to_owned()).or_default().clone()
}

impl Caches {
    /// A notice's state if nothing could have changed it: no write committed in this process
    /// since it was checked, and checked within [`STATE_TTL`].
    /// With the public generation it was read under.
    pub fn state(&self, notice_id: i32) -> Option<(Option<Arc<PublicState>>, i64)> {
        let states = self.states.read().unwrap_or_else(PoisonError::into_inner);
        let entry = states.get(&notice_id)?;
        (entry.writes == crate::db::writes_committed() && entry.checked.elapsed() < STATE_TTL)
            .then(|| (entry.state.clone(), entry.generation))
    }

    /// A notice's state if it was read under the database's current public `generation`;
    /// it then counts as checked now, as of `writes`.
    pub fn state_if_current(&self, notice_id: i32, generation: i64, writes: u64) -> Option<Option<Arc<PublicState>>> {
        let mut states = self.states.write().unwrap_or_else(PoisonError::into_inner);
        let entry = states.get_mut(&notice_id).filter(|e| e.generation == generation)?;
        entry.checked = Instant::now();
        entry.writes = writes;
        Some(entry.state.clone())
    }

    /// Keeps a state read under public `generation`, with this process's `writes` read before.
    pub fn put_state(&self, notice_id: i32, state: Option<Arc<PublicState>>, generation: i64, writes: u64) {
        let mut states = self.states.write().unwrap_or_else(PoisonError::into_inner);
        // A notice id that was never public costs one entry; bound the map all the same.
        if states.len() > 10_000 {
            states.clear();
        }
        states.insert(notice_id, StateEntry { checked: Instant::now(), writes, generation, state });
    }

    pub fn items(&self, revision_id: i32) -> Option<Arc<Vec<Item>>> {
        self.items.read().unwrap_or_else(PoisonError::into_inner).get(&revision_id).cloned()
    }

    pub fn put_items(&self, revision_id: i32, items: Arc<Vec<Item>>) {
        let mut map = self.items.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(revision_id, items);
    }

    /// A published revision's changes from the lower level: read as of its publication, they
    /// never change either.
    pub fn changes(&self, revision_id: i32) -> Option<Arc<Changes>> {
        self.changes.read().unwrap_or_else(PoisonError::into_inner).get(&revision_id).cloned()
    }

    pub fn put_changes(&self, revision_id: i32, changes: Arc<Changes>) {
        let mut map = self.changes.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(revision_id, changes);
    }
}
