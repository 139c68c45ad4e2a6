//! The printed report: the stored content handed to the `report-docs` crate as a
//! [`report_docs::ReportDocument`], rendered to PDF or Word off the async workers. A report
//! never changes, so its bytes are kept once made (bounded, keyed by code and hash), and two
//! requests for the same file at once render it once.
use super::Outcome;
use super::content::ReportContent;
use crate::error::{AppError, AppResult};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use lru::LruCache;
use report_docs as docs;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }
}

/// The document as `report-docs` prints it: the same words as the verify page.
#[must_use]
pub fn to_document(c: &ReportContent, sha256: &str) -> docs::ReportDocument {
    docs::ReportDocument {
        title: c.title.clone(),
        notice_title: c.notice.title.clone(),
        notice_number: c.notice.doc_number.clone(),
        level: docs::Level { number: u8::try_from(c.notice.level).unwrap_or(1), name: c.notice.level_label.clone() },
        period: c.notice.period_text.clone(),
        channels: docs::Channels {
            board_location: c.notice.channels.board_location.clone(),
            web_address: c.notice.channels.web.clone(),
            media: c.notice.channels.media.clone(),
        },
        projects: c
            .projects
            .iter()
            .map(|p| docs::ProjectEntry {
                order: u32::try_from(p.order).unwrap_or(0),
                name: p.name.clone(),
                units: p.units.clone(),
                completers: p.completers.clone(),
                proposed_grade: p.grade_label.clone(),
                outcome: match p.outcome {
                    Outcome::NoObjection => docs::Outcome::NoObjection,
                    Outcome::Dismissed => docs::Outcome::ObjectionDismissed,
                    Outcome::Upheld => docs::Outcome::ObjectionUpheld,
                },
                handling_summary: (!p.handling.is_empty()).then(|| p.handling.join("；")),
            })
            .collect(),
        objection_counts: docs::ObjectionCounts {
            received: c.objections.received,
            accepted: c.objections.accepted,
            refused: c
                .objections
                .refused
                .iter()
                .map(|r| docs::ReasonCount { reason: r.reason.clone(), count: r.count })
                .collect(),
            upheld: c.objections.upheld,
            dismissed: c.objections.dismissed,
            withdrawn: c.objections.withdrawn,
        },
        objections: c
            .cases
            .iter()
            .map(|k| docs::ObjectionRecord {
                seq: k.seq,
                project_name: k.project_name.clone(),
                category: k.category.clone(),
                received_on: Some(k.received_on),
                result: match k.result.as_str() {
                    "upheld" => docs::ObjectionResult::Upheld,
                    "dismissed" => docs::ObjectionResult::Dismissed,
                    "withdrawn" => docs::ObjectionResult::Withdrawn,
                    _ => docs::ObjectionResult::Refused,
                },
                refusal_reason: k.refusal_reason.clone(),
                summary: k.summary.clone(),
            })
            .collect(),
        conclusion: c.conclusion.clone(),
        unit_name: c.unit.name.clone(),
        issued_on: c.issued_on,
        verification: docs::Verification { code: c.code.clone(), sha256: sha256.to_owned(), url: c.verify_url.clone() },
    }
}

type Key = (String, String, Format);
type Made = Result<Arc<Vec<u8>>, Arc<str>>;
type Flight = Shared<BoxFuture<'static, Made>>;

/// Rendered files kept, least recently used out first. A few hundred reports a campaign; the
/// bound only keeps a long-running server in check.
pub const CACHE_BOUND: usize = 256;

/// Rendered files, and the renderings under way: one per report and format at a time, the
/// other requests for it wait for that one and share its bytes (or its failure, which is not
/// kept, so the next request tries again).
pub struct Renders {
    done: LruCache<Key, Arc<Vec<u8>>>,
    flying: HashMap<Key, Flight>,
    /// Renderings started per key, kept as long as the files (for tests and the benchmark).
    counts: LruCache<Key, u64>,
}

impl Renders {
    #[must_use]
    pub fn new(bound: NonZeroUsize) -> Self {
        Self { done: LruCache::new(bound), flying: HashMap::new(), counts: LruCache::new(bound) }
    }

    /// How many files are kept.
    #[must_use]
    pub fn len(&self) -> usize {
        self.done.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

static MADE: LazyLock<Arc<Mutex<Renders>>> =
    LazyLock::new(|| Arc::new(Mutex::new(Renders::new(NonZeroUsize::new(CACHE_BOUND).expect("bound")))));

/// The kept file, or the rendering to wait for: joined if under way, started otherwise.
///
/// # Errors
/// Internal, when the rendering fails (each waiter gets the failure; nothing is kept).
pub async fn get_or_render<F>(cache: &Arc<Mutex<Renders>>, key: Key, render: F) -> AppResult<Arc<Vec<u8>>>
where
    F: FnOnce() -> AppResult<Vec<u8>> + Send + 'static,
{
    let flight = {
        let mut c = cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(bytes) = c.done.get(&key) {
            return Ok(bytes.clone());
        }
        if let Some(f) = c.flying.get(&key) {
            f.clone()
        } else {
            let n = c.counts.get(&key).copied().unwrap_or(0);
            c.counts.put(key.clone(), n + 1);
            let f = fly(cache.clone(), key.clone(), render);
            c.flying.insert(key, f.clone());
            f
        }
    };
    flight.await.map_err(AppError::internal)
}

/// One rendering on a blocking thread. When it ends (polled by whichever waiter is still
/// there) it leaves the in-flight table and, if it succeeded, enters the cache.
fn fly<F>(cache: Arc<Mutex<Renders>>, key: Key, render: F) -> Flight
where
    F: FnOnce() -> AppResult<Vec<u8>> + Send + 'static,
{
    // Spawned now, so the rendering finishes even if every waiter goes away.
    let task = tokio::task::spawn_blocking(move || render().map_err(|e| Arc::<str>::from(e.to_string())));
    async move {
        let made: Made = match task.await {
            Ok(Ok(bytes)) => Ok(Arc::new(bytes)),
            Ok(Err(e)) => Err(e),
            Err(join) => Err(Arc::from(format!("rendering stopped: {join}"))),
        };
        let mut c = cache.lock().unwrap_or_else(PoisonError::into_inner);
        c.flying.remove(&key);
        if let Ok(bytes) = &made {
            c.done.put(key, bytes.clone());
        }
        made
    }
    .boxed()
    .shared()
}

/// The report as a file, rendered on a blocking thread the first time and kept afterwards.
///
/// # Errors
/// Internal, when the renderer fails.
pub async fn render(content: &ReportContent, sha256: &str, format: Format) -> AppResult<Arc<Vec<u8>>> {
    let key = (content.code.clone(), sha256.to_owned(), format);
    let doc = to_document(content, sha256);
    get_or_render(&MADE, key, move || render_now(&doc, format)).await
}

/// How many times the report's file was rendered while its count was kept (tests, benchmark).
#[must_use]
pub fn renderings(code: &str, sha256: &str, format: Format) -> u64 {
    let key = (code.to_owned(), sha256.to_owned(), format);
    MADE.lock().unwrap_or_else(PoisonError::into_inner).counts.peek(&key).copied().unwrap_or(0)
}

/// Renders without the cache (the benchmark and the CLI use this).
///
/// # Errors
/// Internal, when the renderer fails.
pub fn render_now(doc: &docs::ReportDocument, format: Format) -> AppResult<Vec<u8>> {
    let made = match format {
        Format::Pdf => docs::render_pdf(doc),
        Format::Docx => docs::render_docx(doc),
    };
    made.map_err(|e| AppError::internal(format!("report {} as {format:?}: {e}", doc.verification.code)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    fn cache(bound: usize) -> Arc<Mutex<Renders>> {
        Arc::new(Mutex::new(Renders::new(NonZeroUsize::new(bound).unwrap())))
    }

    fn key(i: usize) -> Key {
        (format!("R{i}"), "h".into(), Format::Pdf)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_share_one_rendering() {
        let c = cache(4);
        let runs = Arc::new(AtomicU32::new(0));
        let waiters = (0..20).map(|_| {
            let (c, runs) = (c.clone(), runs.clone());
            tokio::spawn(async move {
                get_or_render(&c, key(1), move || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(100));
                    Ok(vec![1, 2, 3])
                })
                .await
            })
        });
        for w in futures_util::future::join_all(waiters).await {
            assert_eq!(*w.unwrap().unwrap(), [1, 2, 3]);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failure_reaches_every_waiter_and_is_not_kept() {
        let c = cache(4);
        let failing = || {
            std::thread::sleep(Duration::from_millis(50));
            Err(AppError::conflict("broken"))
        };
        let (a, b) = tokio::join!(get_or_render(&c, key(1), failing), get_or_render(&c, key(1), failing));
        assert!(matches!(a, Err(AppError::Internal { .. })) && matches!(b, Err(AppError::Internal { .. })));
        assert!(c.lock().unwrap().is_empty());
        assert_eq!(*get_or_render(&c, key(1), || Ok(vec![7])).await.unwrap(), [7], "tried again");
    }

    #[tokio::test]
    async fn a_full_cache_evicts_one_at_a_time_least_recently_used_first() {
        let bound = 8;
        let c = cache(bound);
        for i in 0..bound {
            get_or_render(&c, key(i), || Ok(vec![0])).await.unwrap();
        }
        for i in bound..bound * 4 {
            // Keep the first one in use: it must survive.
            get_or_render(&c, key(0), || panic!("kept")).await.unwrap();
            get_or_render(&c, key(i), || Ok(vec![0])).await.unwrap();
            assert!(c.lock().unwrap().len() >= bound - 1, "dropped below its bound");
        }
        assert!(c.lock().unwrap().done.contains(&key(0)));
    }
}
