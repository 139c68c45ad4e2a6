//! Public answers built once per change of what they show, then served as stored bytes: the
//! body as rendered (identity), gzip and brotli, chosen by `Accept-Encoding`, each with its own
//! ETag, `Vary: Accept-Encoding`, and 304 on `If-None-Match`. Compressing once is what lets the
//! highest levels pay: gzip 9 at once, brotli 11 a moment later in the background (gzip is
//! served to brotli readers meanwhile), never per request.
//!
//! An answer is reused while both hold:
//! - **what it shows is unchanged**: the database's public generation (`db::public_generation`,
//!   bumped by triggers on every public table) and, for answers that show the ledger or depend on
//!   objections (feeds, transparency, result reports), the ledger's last sequence number are
//!   those it was built under. Both are read again after any write this process commits
//!   (`db::writes_committed`) and at least once per [`CHECK_EVERY`] (another instance's writes);
//! - **the clock is inside the answer's time bucket**: from the instant it was built until the
//!   next instant any time-dependent text on it changes (a notice opening or closing, a
//!   revision or report becoming public, the next minute of a 剩余N天N小时 countdown), which
//!   its builder states. So no status or time left is ever stale, and an injected clock set
//!   back rebuilds too.
//!
//! Memory is bounded: past [`BUDGET_BYTES`] the least recently served answers are dropped.
//! Answers are kept per database, like the other public caches.
use crate::error::AppResult;
use crate::web::AppState;
use crate::web::display::Display;
use crate::web::metrics::AnsweredRoute;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue, HttpDate};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long the versions are trusted without asking the database; this process's own writes
/// are seen at once, this bounds how late another instance's writes are seen.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// The most bytes of stored answers kept per database (identity, gzip and brotli together).
/// At the country's size every page a crawler could ask for does not fit; the pages readers
/// actually open do, many times over.
pub const BUDGET_BYTES: usize = 256 << 20;
const GZIP_LEVEL: u32 = 9;
const BROTLI_QUALITY: i32 = 11;
/// The largest brotli window, in bits (4 MiB); smaller bodies get the smallest that covers them.
const BROTLI_WINDOW: i32 = 22;
/// The most request lines remembered per database for [`fast_path`].
const MAX_ALIASES: usize = 100_000;
/// What `Content-Encoding` carries on a stored identity answer until [`strip_identity_marker`]
/// removes it: actix's `Compress` leaves any answer that names an encoding alone.
const IDENTITY: &str = "identity";

/// What a stored answer depends on besides the clock.
pub type Versions = crate::db::PublicVersions;

/// What a builder returns: the body and how long it holds.
#[derive(Debug)]
pub struct Page {
    pub body: Bytes,
    pub content_type: &'static str,
    /// The first instant at which something on the page reads differently.
    pub valid_until: DateTime<Utc>,
    /// The public generation the data came from, when it came through a cache that may lag the
    /// database by up to a second (the public listing, a notice's state).
    pub generation: Option<i64>,
    /// Shows the ledger, or something that follows objections.
    pub reads_ledger: bool,
    /// Reads the reader's display cookie (`Vary: Cookie` too).
    pub reads_display: bool,
    pub last_modified: Option<DateTime<Utc>>,
    /// The route pattern the handler was reached by.
    pub route: Option<String>,
}

impl Page {
    #[must_use]
    pub fn new(body: impl Into<Bytes>, content_type: &'static str) -> Self {
        Self {
            body: body.into(),
            content_type,
            valid_until: DateTime::<Utc>::MAX_UTC,
            generation: None,
            reads_ledger: false,
            reads_display: false,
            last_modified: None,
            route: None,
        }
    }

    /// An HTML page, which reads the display cookie.
    #[must_use]
    pub fn html(body: impl Into<Bytes>) -> Self {
        Self { reads_display: true, ..Self::new(body, "text/html; charset=utf-8") }
    }

    #[must_use]
    pub fn json(body: impl Into<Bytes>) -> Self {
        Self::new(body, "application/json")
    }

    #[must_use]
    pub fn until(mut self, valid_until: DateTime<Utc>) -> Self {
        self.valid_until = valid_until;
        self
    }

    #[must_use]
    pub fn read_under(mut self, generation: i64) -> Self {
        self.generation = Some(generation);
        self
    }

    #[must_use]
    pub fn reading_ledger(mut self) -> Self {
        self.reads_ledger = true;
        self
    }

    #[must_use]
    pub fn last_modified(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.last_modified = at;
        self
    }

    fn routed(mut self, route: Option<String>) -> Self {
        self.route = route;
        self
    }
}

/// The start of the next minute after `now`: countdowns and "days left" change only there.
#[must_use]
pub fn next_minute(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now) + TimeDelta::minutes(1)
}

/// The first instant after `now` at which a countdown to `closes_at` shows another figure.
/// The countdown shows the whole minutes left, `m` from `closes_at - now` in `[m, m + 1)`
/// minutes: it holds up to and including `closes_at - m`, and changes just after. On a period
/// closing on a whole minute these instants are minute boundaries (one nanosecond past them).
#[must_use]
pub fn next_countdown_tick(closes_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let left = closes_at - now;
    if left <= TimeDelta::zero() {
        return DateTime::<Utc>::MAX_UTC;
    }
    let whole = TimeDelta::minutes(left.num_minutes());
    (closes_at - whole + TimeDelta::nanoseconds(1)).min(closes_at)
}

struct Encoded {
    body: Bytes,
    etag: HeaderValue,
}

struct Entry {
    generation: i64,
    /// The ledger's last sequence number, for answers that read it.
    ledger: Option<i64>,
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
    content_type: HeaderValue,
    vary: HeaderValue,
    last_modified: Option<(DateTime<Utc>, HeaderValue)>,
    /// The route pattern it was built under, for the metrics of a [`fast_path`] answer.
    route: Option<Arc<str>>,
    identity: Encoded,
    gzip: Encoded,
    brotli: OnceLock<Encoded>,
    /// Seconds since the store began, at the last time it was served.
    last_used: AtomicU64,
    /// What it counts against the budget.
    size: usize,
}

impl Entry {
    fn holds(&self, versions: Versions, now: DateTime<Utc>) -> bool {
        self.generation == versions.generation
            && self.ledger.is_none_or(|l| l == versions.ledger)
            && self.valid_from <= now
            && now < self.valid_until
    }
}

struct Checked {
    versions: Versions,
    at: Instant,
    writes: u64,
}

/// The key of the answer to one request line, for each combination of display options.
type KeysByDisplay = [Option<Arc<str>>; Display::VARIANTS];

/// The stored answers of one database.
pub struct Store {
    entries: RwLock<HashMap<Arc<str>, Arc<Entry>>>,
    bytes: AtomicUsize,
    checked: RwLock<Option<Checked>>,
    checking: tokio::sync::Mutex<()>,
    building: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The key each request (path and query, then display options) was answered under, so
    /// [`fast_path`] can answer it again before the session, CSRF guard and router run.
    aliases: RwLock<HashMap<Box<str>, KeysByDisplay>>,
    began: Instant,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            entries: RwLock::default(),
            bytes: AtomicUsize::new(0),
            checked: RwLock::default(),
            checking: tokio::sync::Mutex::new(()),
            building: Mutex::default(),
            aliases: RwLock::default(),
            began: Instant::now(),
        }
    }
}

static STORES: LazyLock<RwLock<HashMap<String, Arc<Store>>>> = LazyLock::new(RwLock::default);

/// The stored answers of the database at `database_url`.
#[must_use]
pub fn for_database(database_url: &str) -> Arc<Store> {
    if let Some(s) = STORES.read().unwrap_or_else(PoisonError::into_inner).get(database_url) {
        return s.clone();
    }
    STORES.write().unwrap_or_else(PoisonError::into_inner).entry(database_url.to_owned()).or_default().clone()
}

/// Answers `req` from the stored answer under `key` while it holds at `now`; otherwise builds
/// it once (concurrent requests for the same key wait for that one build) and stores it.
/// Errors from the builder (404 and the like) are answered as usual and never stored.
///
/// # Errors
/// Database failure, or the builder's error.
pub async fn serve<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: String,
    now: DateTime<Utc>,
    build: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<Page>>,
{
    let store = for_database(&state.settings.database_url);
    store.remember(req, &key);
    let versions = store.versions(&state.db).await?;
    if let Some(entry) = store.get(&key, versions, now) {
        return Ok(respond(req, &entry, Leaving::ThroughCompress));
    }
    let gate = store.gate(&key);
    let turn = gate.lock().await;
    // Versions read before the data, so a write committed meanwhile makes the next request rebuild.
    let versions = store.versions(&state.db).await?;
    let entry = match store.get(&key, versions, now) {
        Some(entry) => entry,
        None => {
            let page = build().await;
            match page {
                Ok(page) => store.put(key.clone(), page.routed(req.match_pattern()), versions, now),
                Err(e) => {
                    drop(turn);
                    store.release(&key, &gate);
                    return Err(e);
                }
            }
        }
    };
    drop(turn);
    store.release(&key, &gate);
    Ok(respond(req, &entry, Leaving::ThroughCompress))
}

impl Store {
    /// The versions now, from memory while nothing could have moved them.
    async fn versions(&self, db: &DatabaseConnection) -> AppResult<Versions> {
        if let Some(v) = self.fresh() {
            return Ok(v);
        }
        let _turn = match self.checking.try_lock() {
            Ok(turn) => turn,
            Err(_) => {
                // Another request is asking; unless this process wrote since, the last answer
                // serves meanwhile, so readers never queue behind the once-a-second check.
                if let Some(v) = self.unwritten() {
                    return Ok(v);
                }
                let turn = self.checking.lock().await;
                if let Some(v) = self.fresh() {
                    return Ok(v);
                }
                turn
            }
        };
        // Read before the versions, so a write committed meanwhile makes the next request look again.
        let writes = crate::db::writes_committed();
        let versions = crate::db::public_versions(db).await?;
        *self.checked.write().unwrap_or_else(PoisonError::into_inner) =
            Some(Checked { versions, at: Instant::now(), writes });
        Ok(versions)
    }

    fn fresh(&self) -> Option<Versions> {
        let checked = self.checked.read().unwrap_or_else(PoisonError::into_inner);
        let c = checked.as_ref()?;
        (c.writes == crate::db::writes_committed() && c.at.elapsed() < CHECK_EVERY).then_some(c.versions)
    }

    fn unwritten(&self) -> Option<Versions> {
        let checked = self.checked.read().unwrap_or_else(PoisonError::into_inner);
        checked.as_ref().filter(|c| c.writes == crate::db::writes_committed()).map(|c| c.versions)
    }

    /// Notes that `req` is answered under `key`: a handler's key is made of the path, the
    /// query and the display options alone, so the same request always has the same key.
    fn remember(&self, req: &HttpRequest, key: &str) {
        if self.key_of(req).is_some_and(|k| &*k == key) {
            return;
        }
        let variant = usize::from(Display::of(req).variant());
        let mut aliases = self.aliases.write().unwrap_or_else(PoisonError::into_inner);
        // Query strings are the caller's to invent; bound the map all the same.
        if aliases.len() >= MAX_ALIASES {
            aliases.clear();
        }
        aliases.entry(request_line(req).into()).or_default()[variant] = Some(key.into());
    }

    fn key_of(&self, req: &HttpRequest) -> Option<Arc<str>> {
        let variant = usize::from(Display::of(req).variant());
        let aliases = self.aliases.read().unwrap_or_else(PoisonError::into_inner);
        aliases.get(request_line(req))?[variant].clone()
    }

    fn tick(&self) -> u64 {
        self.began.elapsed().as_secs()
    }

    fn get(&self, key: &str, versions: Versions, now: DateTime<Utc>) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(key).filter(|e| e.holds(versions, now))?;
        entry.last_used.store(self.tick(), Ordering::Relaxed);
        Some(entry.clone())
    }

    /// The lock one build of `key` holds.
    fn gate(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut building = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        building.entry(key.to_owned()).or_default().clone()
    }

    /// Forgets the lock of `key` once no request holds or waits for it.
    fn release(&self, key: &str, gate: &Arc<tokio::sync::Mutex<()>>) {
        let mut building = self.building.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's reference and the caller's.
        if Arc::strong_count(gate) <= 2 {
            building.remove(key);
        }
    }

    fn put(self: &Arc<Self>, key: String, page: Page, versions: Versions, now: DateTime<Utc>) -> Arc<Entry> {
        let tag = crate::ledger::sha256_hex(&page.body)[..20].to_owned();
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).unwrap_or(HeaderValue::from_static("\"\""))
        };
        let gzip = Encoded { body: gzip(&page.body), etag: etag("-gz") };
        // Brotli is smaller than gzip; counting it as gzip's size keeps the sum exact enough
        // without touching it again when it lands.
        let size = key.len() + page.body.len() + 2 * gzip.body.len() + 512;
        let entry = Arc::new(Entry {
            generation: page.generation.map_or(versions.generation, |g| g.min(versions.generation)),
            ledger: page.reads_ledger.then_some(versions.ledger),
            valid_from: now,
            valid_until: page.valid_until,
            content_type: HeaderValue::from_static(page.content_type),
            vary: HeaderValue::from_static(if page.reads_display {
                "Cookie, Accept-Encoding"
            } else {
                "Accept-Encoding"
            }),
            last_modified: page.last_modified.map(|at| (at, http_date(at))),
            route: page.route.map(Arc::from),
            identity: Encoded { body: exact(page.body), etag: etag("") },
            gzip,
            brotli: OnceLock::new(),
            last_used: AtomicU64::new(self.tick()),
            size,
        });
        let replaced = self.entries.write().unwrap_or_else(PoisonError::into_inner).insert(key.into(), entry.clone());
        self.bytes.fetch_add(size, Ordering::AcqRel);
        if let Some(old) = replaced {
            self.bytes.fetch_sub(old.size, Ordering::AcqRel);
        }
        if self.bytes.load(Ordering::Acquire) > BUDGET_BYTES {
            self.evict();
        }
        compress_later(&entry, etag("-br"));
        entry
    }

    /// Drops the least recently served answers until a quarter of the budget is free.
    fn evict(&self) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        let mut by_use: Vec<(u64, Arc<str>)> =
            entries.iter().map(|(k, e)| (e.last_used.load(Ordering::Relaxed), k.clone())).collect();
        by_use.sort_unstable();
        for (_, key) in by_use {
            if self.bytes.load(Ordering::Acquire) <= BUDGET_BYTES / 4 * 3 {
                break;
            }
            if let Some(e) = entries.remove(&key) {
                self.bytes.fetch_sub(e.size, Ordering::AcqRel);
            }
        }
    }

    /// Bytes of stored answers (for tests and metrics).
    #[must_use]
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }
}

/// Brotli builds running at once, across databases: half the cores, at least one. A crawler
/// asking for thousands of pages queues their brotli builds here instead of starting a blocking
/// thread, with its working memory, per answer (tens at once: the country-size server peaked at
/// 1.5 GB so, 1.0 GB queued), and the readers keep the other cores.
static BROTLI_BUILDS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| tokio::sync::Semaphore::new(brotli_slots()));
static BROTLI_WAITING: AtomicUsize = AtomicUsize::new(0);
static BROTLI_RUNNING: AtomicUsize = AtomicUsize::new(0);
static BROTLI_MOST_RUNNING: AtomicUsize = AtomicUsize::new(0);

fn brotli_slots() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    (cores / 2).max(1)
}

/// The most brotli builds that ran at once since the process started (for tests).
#[must_use]
pub fn most_brotli_builds_at_once() -> usize {
    BROTLI_MOST_RUNNING.load(Ordering::Acquire)
}

/// Brotli builds waiting for a slot or running now (for metrics).
#[must_use]
pub fn brotli_builds_pending() -> usize {
    BROTLI_WAITING.load(Ordering::Acquire) + BROTLI_RUNNING.load(Ordering::Acquire)
}

/// Builds the brotli answer of `entry` when a slot is free; skipped if the answer was dropped
/// from the store meanwhile. A waiting build holds the answer weakly: a crawl queues builds
/// faster than they run, and answers evicted or replaced meanwhile must be freed at once, not
/// when their turn comes.
fn compress_later(entry: &Arc<Entry>, etag: HeaderValue) {
    let entry = Arc::downgrade(entry);
    BROTLI_WAITING.fetch_add(1, Ordering::AcqRel);
    tokio::spawn(async move {
        let slot = BROTLI_BUILDS.acquire().await;
        BROTLI_WAITING.fetch_sub(1, Ordering::AcqRel);
        let Ok(_slot) = slot else { return };
        let Some(entry) = entry.upgrade() else { return };
        let _ = tokio::task::spawn_blocking(move || {
            let running = BROTLI_RUNNING.fetch_add(1, Ordering::AcqRel) + 1;
            BROTLI_MOST_RUNNING.fetch_max(running, Ordering::AcqRel);
            let _ = entry.brotli.set(Encoded { body: brotli(&entry.identity.body), etag });
            BROTLI_RUNNING.fetch_sub(1, Ordering::AcqRel);
        })
        .await;
    });
}

/// The bytes alone: a rendered page's buffer grew by doubling, and the budget counts bytes.
fn exact(body: Bytes) -> Bytes {
    let mut bytes = Vec::from(body);
    bytes.shrink_to_fit();
    Bytes::from(bytes)
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 3), flate2::Compression::new(GZIP_LEVEL));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(body);
    let mut out = encoder.finish().unwrap_or_default();
    out.shrink_to_fit();
    Bytes::from(out)
}

fn brotli(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: brotli_window(body.len()),
        size_hint: body.len(),
        ..Default::default()
    };
    let mut input = body;
    let _ = brotli::BrotliCompress(&mut input, &mut out, &params);
    out.shrink_to_fit();
    Bytes::from(out)
}

/// The smallest window (in bits) that still reaches back over the whole body: a larger one
/// compresses no better, but the encoder's match finder is sized by it (32 MiB at the most).
fn brotli_window(len: usize) -> i32 {
    let mut bits = 10;
    // A window of `bits` reaches `(1 << bits) - 16` bytes back.
    while bits < BROTLI_WINDOW && (1usize << bits) - 16 < len {
        bits += 1;
    }
    bits
}

fn http_date(at: DateTime<Utc>) -> HeaderValue {
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    let date = HttpDate::from(UNIX_EPOCH + Duration::from_secs(secs));
    HeaderValue::from_str(&date.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// Which stored encodings the request accepts: (brotli, gzip). A coding with `q=0` is refused.
fn accepted(req: &HttpRequest) -> (bool, bool) {
    let Some(value) = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return (false, false);
    };
    let (mut br, mut gz, mut any) = (None, None, false);
    for part in value.split(',') {
        let mut fields = part.split(';');
        let name = fields.next().unwrap_or_default().trim();
        let refused = fields
            .any(|f| f.trim().strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)));
        match name.to_ascii_lowercase().as_str() {
            "br" => br = Some(!refused),
            "gzip" | "x-gzip" => gz = Some(!refused),
            "*" => any = !refused,
            _ => {}
        }
    }
    (br.unwrap_or(any), gz.unwrap_or(any))
}

fn not_modified(req: &HttpRequest, etag: &HeaderValue, last_modified: Option<DateTime<Utc>>) -> bool {
    let headers = req.headers();
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        let etag = etag.to_str().unwrap_or_default();
        return inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
    }
    let Some(lm) = last_modified else { return false };
    let Some(ims) = headers.get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()) else { return false };
    let Ok(ims) = ims.parse::<HttpDate>() else { return false };
    let ims: SystemTime = ims.into();
    let ims_secs = ims.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    u64::try_from(lm.timestamp()).is_ok_and(|lm_secs| lm_secs <= ims_secs)
}

/// The way a stored answer leaves the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaving {
    /// From a handler, through actix's `Compress`, which must be told to leave identity alone.
    ThroughCompress,
    /// From [`fast_path`], outside `Compress`.
    Direct,
}

/// The stored encoding the request gets, or 304 when the client holds it.
fn respond(req: &HttpRequest, entry: &Entry, leaving: Leaving) -> HttpResponse {
    let (br, gz) = accepted(req);
    let (encoded, coding) = match (br.then(|| entry.brotli.get()).flatten(), gz || br) {
        (Some(b), _) => (b, Some("br")),
        (None, true) => (&entry.gzip, Some("gzip")),
        (None, false) => (&entry.identity, (leaving == Leaving::ThroughCompress).then_some(IDENTITY)),
    };
    let unchanged = not_modified(req, &encoded.etag, entry.last_modified.as_ref().map(|(at, _)| *at));
    let mut res = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, encoded.etag.clone()))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache")))
        .insert_header((header::VARY, entry.vary.clone()));
    if let Some((_, lm)) = &entry.last_modified {
        res.insert_header((header::LAST_MODIFIED, lm.clone()));
    }
    if unchanged {
        return res.finish();
    }
    res.insert_header((header::CONTENT_TYPE, entry.content_type.clone()));
    if let Some(coding) = coding {
        res.insert_header((header::CONTENT_ENCODING, HeaderValue::from_static(coding)));
    }
    res.body(encoded.body.clone())
}

fn request_line(req: &HttpRequest) -> &str {
    req.uri().path_and_query().map_or_else(|| req.path(), |pq| pq.as_str())
}

/// Answers a GET whose stored answer holds before the request span, `Compress`, the session,
/// the CSRF guard, the router and the handler run: none of them changes a public answer, and
/// skipping them is most of what serving stored bytes costs. It adds the security headers the
/// skipped middleware would have. Anything else (a miss, a stale answer, a database error)
/// goes on to the handler, which decides as it always does. Wrap it outside all but the
/// metrics.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn fast_path(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if req.method() == Method::GET
        && let Some(state) = req.app_data::<Data<AppState>>()
    {
        let store = for_database(&state.settings.database_url);
        if let Some(key) = store.key_of(req.request())
            && let Ok(versions) = store.versions(&state.db).await
            && let Some(entry) = store.get(&key, versions, state.now())
        {
            let mut res = respond(req.request(), &entry, Leaving::Direct);
            crate::web::headers::add_security_headers(req.request(), res.headers_mut());
            if let Some(route) = &entry.route {
                res.extensions_mut().insert(AnsweredRoute(route.clone()));
            }
            return Ok(req.into_response(res).map_into_right_body());
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Removes the identity marker stored answers carry past `Compress` (wrap it just outside).
///
/// # Errors
/// Whatever the inner service returns.
pub async fn strip_identity_marker(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if headers.get(header::CONTENT_ENCODING).is_some_and(|v| v.as_bytes() == IDENTITY.as_bytes()) {
        headers.remove(header::CONTENT_ENCODING);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 14, h, m, s).single().expect("a real instant")
    }

    #[test]
    fn the_next_minute_starts_on_the_minute() {
        assert_eq!(next_minute(at(9, 30, 0)), at(9, 31, 0));
        assert_eq!(next_minute(at(9, 30, 59)), at(9, 31, 0));
    }

    #[test]
    fn a_countdown_ticks_where_its_minutes_change() {
        let closes = at(10, 0, 0);
        let just_past = |t: DateTime<Utc>| t + TimeDelta::nanoseconds(1);
        // At 9:30:00 thirty whole minutes are left, and only at that instant.
        assert_eq!(next_countdown_tick(closes, at(9, 30, 0)), just_past(at(9, 30, 0)));
        assert_eq!(next_countdown_tick(closes, at(9, 30, 30)), just_past(at(9, 31, 0)));
        assert_eq!(next_countdown_tick(closes, at(9, 59, 0)), just_past(at(9, 59, 0)));
        assert_eq!(next_countdown_tick(closes, at(9, 59, 59)), closes);
        assert_eq!(next_countdown_tick(closes, closes), DateTime::<Utc>::MAX_UTC);
        // A close off the minute ticks off the minute too.
        let odd = at(10, 0, 30);
        assert_eq!(next_countdown_tick(odd, at(9, 30, 0)), just_past(at(9, 30, 30)));
    }

    #[test]
    fn accept_encoding_is_read_with_its_refusals() {
        let req = |v: &str| {
            actix_web::test::TestRequest::default().insert_header((header::ACCEPT_ENCODING, v)).to_http_request()
        };
        assert_eq!(accepted(&req("gzip, deflate, br")), (true, true));
        assert_eq!(accepted(&req("gzip")), (false, true));
        assert_eq!(accepted(&req("br;q=0, gzip;q=0.5")), (false, true));
        assert_eq!(accepted(&req("*")), (true, true));
        assert_eq!(accepted(&req("*, br;q=0")), (false, true));
        assert_eq!(accepted(&req("identity")), (false, false));
        assert_eq!(accepted(&actix_web::test::TestRequest::default().to_http_request()), (false, false));
    }

    #[test]
    fn the_brotli_window_is_the_smallest_that_reaches_over_the_body() {
        assert_eq!(brotli_window(0), 10);
        assert_eq!(brotli_window(1008), 10);
        assert_eq!(brotli_window(1009), 11);
        assert_eq!(brotli_window(13_000), 14);
        assert_eq!(brotli_window((1 << 22) - 16), 22);
        assert_eq!(brotli_window(50 << 20), BROTLI_WINDOW);
    }

    #[test]
    fn a_window_fitted_to_the_body_compresses_as_well_as_the_largest() {
        let body = (0..400)
            .map(|i| format!("<li>项目{i}：输电线路覆冰监测 {}</li>", i * 7919 % 1000))
            .collect::<Vec<_>>()
            .concat();
        let fitted = brotli(body.as_bytes());
        let mut largest = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: BROTLI_QUALITY,
            lgwin: BROTLI_WINDOW,
            size_hint: body.len(),
            ..Default::default()
        };
        brotli::BrotliCompress(&mut body.as_bytes(), &mut largest, &params).expect("brotli");
        assert!(fitted.len() <= largest.len() + 1, "{} > {}", fitted.len(), largest.len());
    }

    #[test]
    fn a_crawl_queues_its_brotli_builds_instead_of_running_them_all_at_once() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
        let store = Arc::new(Store::default());
        let versions = Versions { generation: 1, ledger: 1 };
        let entries: Vec<Arc<Entry>> = runtime.block_on(async {
            (0..24)
                .map(|i| {
                    let body = format!("<p>第{i}页</p>").repeat(2000);
                    store.put(format!("/page/{i}"), Page::html(body), versions, at(9, 0, 0))
                })
                .collect()
        });
        let deadline = Instant::now() + Duration::from_mins(2);
        while entries.iter().any(|e| e.brotli.get().is_none()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(entries.iter().all(|e| e.brotli.get().is_some()), "every answer gets its brotli bytes");
        let (most, slots) = (most_brotli_builds_at_once(), brotli_slots());
        assert!((1..=slots).contains(&most), "{most} at once, {slots} slots");
    }

    #[test]
    fn an_answer_replaced_while_its_brotli_build_waits_is_freed_at_once() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
        let store = Arc::new(Store::default());
        let versions = Versions { generation: 1, ledger: 1 };
        runtime.block_on(async {
            // Every slot taken: the builds queued below wait, as behind a crawl.
            let slots = BROTLI_BUILDS.acquire_many(u32::try_from(brotli_slots()).expect("few")).await.expect("open");
            let first = Arc::downgrade(&store.put(
                "/notices/1".to_owned(),
                Page::html("<p>第一版</p>".repeat(500)),
                versions,
                at(9, 0, 0),
            ));
            tokio::task::yield_now().await;
            let second =
                store.put("/notices/1".to_owned(), Page::html("<p>第二版</p>".repeat(500)), versions, at(9, 1, 0));
            assert!(first.upgrade().is_none(), "the replaced answer is still held by its waiting build");
            drop(slots);
            let deadline = Instant::now() + Duration::from_mins(1);
            while second.brotli.get().is_none() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert!(second.brotli.get().is_some(), "the answer in the store still gets its brotli bytes");
        });
    }

    #[test]
    fn both_encodings_decode_to_the_body() {
        use std::io::Read;
        let body = "公示".repeat(500);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gzip(body.as_bytes())[..]).read_to_string(&mut out).expect("gzip");
        assert_eq!(out, body);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &brotli(body.as_bytes())[..], &mut out).expect("brotli");
        assert_eq!(out, body.as_bytes());
    }
}
