//! A bound on password hashes in flight. An Argon2id hash takes 19 MiB and tens of
//! milliseconds of one core; without a bound, a burst of sign-ins starts one hash per request
//! and a few hundred of them take gigabytes and every core. Here at most `parallel` hashes run
//! at once (on blocking threads, off the request workers), at most `queue` more wait for a
//! turn, and none waits longer than `wait`: anything beyond that is answered at once as busy
//! (`AppError::Throttled`), never queued without end.
use crate::error::{AppError, AppResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a hash waits for its turn before the request is answered as busy.
pub const MAX_WAIT: Duration = Duration::from_secs(2);
/// How many hashes may wait for a turn, per hash that may run.
pub const QUEUE_PER_SLOT: usize = 8;
/// The seconds a client is asked to wait when every slot and queue place is taken.
pub const BUSY_RETRY_AFTER_SECS: u64 = 1;

pub struct PasswordWork {
    /// One permit per hash that may run now.
    running: Arc<Semaphore>,
    /// One permit per hash running or waiting: taken with `try_acquire`, so the wait is bounded.
    admitted: Arc<Semaphore>,
    wait: Duration,
    performed: AtomicU64,
}

impl PasswordWork {
    /// At most `parallel` hashes at once, `queue` more waiting at most `wait` each.
    #[must_use]
    pub fn new(parallel: usize, queue: usize, wait: Duration) -> Self {
        let parallel = parallel.max(1);
        Self {
            running: Arc::new(Semaphore::new(parallel)),
            admitted: Arc::new(Semaphore::new(parallel.saturating_add(queue))),
            wait,
            performed: AtomicU64::new(0),
        }
    }

    /// One hash at a time per core of this machine.
    #[must_use]
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::new(cores, cores * QUEUE_PER_SLOT, MAX_WAIT)
    }

    /// Runs `hash` on a blocking thread when a slot is free. The slot stays taken until the hash
    /// is done, even if the request that asked for it has gone.
    ///
    /// # Errors
    /// `Throttled` when every slot and queue place is taken, or no slot frees up in time;
    /// internal when the hashing thread panics.
    pub async fn run<T: Send + 'static>(&self, hash: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let busy = || {
            tracing::info!("password hashing saturated");
            AppError::Throttled { retry_after_secs: BUSY_RETRY_AFTER_SECS }
        };
        let admitted = Arc::clone(&self.admitted).try_acquire_owned().map_err(|_| busy())?;
        let running = tokio::time::timeout(self.wait, Arc::clone(&self.running).acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(AppError::internal)?;
        let n = self.performed.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::debug!(target: "password_check", performed = n, "password hash");
        tokio::task::spawn_blocking(move || {
            let _slot = (admitted, running);
            hash()
        })
        .await
        .map_err(AppError::internal)
    }

    /// How many hashes have been started since the application started.
    #[must_use]
    pub fn performed(&self) -> u64 {
        self.performed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_beyond_the_slots_and_the_queue_is_refused_at_once() {
        let work = Arc::new(PasswordWork::new(1, 1, Duration::from_secs(5)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let work = Arc::clone(&work);
            async move { work.run(move || hold.recv().ok()).await }
        });
        while work.performed() < 1 {
            tokio::task::yield_now().await;
        }
        let second = tokio::spawn({
            let work = Arc::clone(&work);
            async move { work.run(|| 2).await }
        });
        while work.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let third = work.run(|| 3).await;
        assert!(matches!(third, Err(AppError::Throttled { retry_after_secs: 1 })));
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_ok());
        assert_eq!(second.await.unwrap().unwrap(), 2);
        assert_eq!(work.performed(), 2, "the refused one was never started");
    }

    #[tokio::test]
    async fn a_wait_for_a_slot_is_bounded() {
        let work = Arc::new(PasswordWork::new(1, 4, Duration::from_millis(50)));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let first = tokio::spawn({
            let work = Arc::clone(&work);
            async move { work.run(move || hold.recv().ok()).await }
        });
        while work.performed() < 1 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(work.run(|| ()).await, Err(AppError::Throttled { .. })));
        release.send(()).unwrap();
        first.await.unwrap().unwrap();
        work.run(|| ()).await.unwrap();
    }
}
