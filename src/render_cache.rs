//! Files rendered on demand and kept: reports and notice documents take tens to hundreds of
//! milliseconds of CPU to typeset or draw, so each is rendered once on a blocking thread, the
//! requests that arrive meanwhile wait for that one rendering and share its bytes, and the
//! bytes are kept (least recently used out first) for the next request.
use crate::error::{AppError, AppResult};
use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use lru::LruCache;
use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

type Made = Result<Arc<Vec<u8>>, Arc<str>>;
type Flight = Shared<BoxFuture<'static, Made>>;

/// Rendered files by key, and the renderings under way: one per key at a time, the other
/// requests for it wait for that one and share its bytes (or its failure, which is not kept,
/// so the next request tries again).
pub struct RenderCache<K> {
    done: LruCache<K, Arc<Vec<u8>>>,
    flying: HashMap<K, Flight>,
    /// Renderings started per key, kept as long as the files (for tests and the benchmark).
    counts: LruCache<K, u64>,
}

impl<K: Hash + Eq + Clone> RenderCache<K> {
    #[must_use]
    pub fn new(bound: NonZeroUsize) -> Self {
        Self { done: LruCache::new(bound), flying: HashMap::new(), counts: LruCache::new(bound) }
    }

    /// A cache keeping up to `bound` files (at least one), ready to share between requests.
    #[must_use]
    pub fn shared(bound: usize) -> Arc<Mutex<Self>> {
        Arc::new(Mutex::new(Self::new(NonZeroUsize::new(bound.max(1)).unwrap_or(NonZeroUsize::MIN))))
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

    /// Whether `key` is kept or being rendered: asking for it starts no new rendering.
    #[must_use]
    pub fn has(&self, key: &K) -> bool {
        self.done.contains(key) || self.flying.contains_key(key)
    }

    /// How many times `key` was rendered while its count was kept.
    #[must_use]
    pub fn renderings(&self, key: &K) -> u64 {
        self.counts.peek(key).copied().unwrap_or(0)
    }
}

/// The kept file, or the rendering to wait for: joined if under way, started otherwise.
///
/// # Errors
/// Internal, when the rendering fails (each waiter gets the failure; nothing is kept).
pub async fn get_or_render<K, F>(cache: &Arc<Mutex<RenderCache<K>>>, key: K, render: F) -> AppResult<Arc<Vec<u8>>>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
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
fn fly<K, F>(cache: Arc<Mutex<RenderCache<K>>>, key: K, render: F) -> Flight
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    fn cache(bound: usize) -> Arc<Mutex<RenderCache<String>>> {
        RenderCache::shared(bound)
    }

    fn key(i: usize) -> String {
        format!("R{i}")
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
