//! Rate limits keyed by a string (a client address, an account name), on the GCRA of the
//! `governor` crate, timed by the application's clock so tests can step over a window.
//!
//! ```ignore
//! security::rate_limit::check(&state.limits.objection, &security::client_key(&req))?;
//! ```
//! answers `AppError::Throttled { retry_after_secs }` (429 with `Retry-After`) once the
//! key has used its burst, and lets it through again as the quota refills.
use crate::clock::SharedClock;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The application clock as governor sees it: nanoseconds since the Unix epoch.
#[derive(Clone)]
pub struct AppClock(SharedClock);

impl Clock for AppClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or_default();
        Nanos::from(u64::try_from(nanos).unwrap_or_default())
    }
}

type Keyed = RateLimiter<String, DashMapStateStore<String>, AppClock, NoOpMiddleware<Nanos>>;

/// A limit of `burst` events per key, refilling one every `period / burst`.
pub struct Limiter {
    name: &'static str,
    inner: Keyed,
    clock: AppClock,
    checks: AtomicU32,
}

impl Limiter {
    /// `burst` events per `period` for each key (at least one of each).
    #[must_use]
    pub fn new(name: &'static str, clock: SharedClock, burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let every = period.checked_div(burst.get()).filter(|d| !d.is_zero()).unwrap_or(Duration::from_millis(1));
        let quota = Quota::with_period(every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst);
        let clock = AppClock(clock);
        Self {
            name,
            inner: RateLimiter::new(quota, DashMapStateStore::default(), clock.clone()),
            clock,
            checks: AtomicU32::new(0),
        }
    }

    /// Uses one event for `key`.
    ///
    /// # Errors
    /// `Throttled` with the seconds until the next event is allowed.
    pub fn check(&self, key: &str) -> AppResult<()> {
        self.tidy();
        match self.inner.check_key(&key.to_owned()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                tracing::info!(limit = self.name, "rate limit reached");
                Err(AppError::Throttled { retry_after_secs: retry_after_secs.max(1) })
            }
        }
    }

    /// Forgets keys whose quota has refilled, now and then, so memory stays bounded.
    fn tidy(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % 1024 == 1023 {
            self.inner.retain_recent();
            self.inner.shrink_to_fit();
        }
    }
}

/// Checks `key` against `limiter`: the one call other modules need.
///
/// # Errors
/// `Throttled` when the key is over its limit.
pub fn check(limiter: &Limiter, key: &str) -> AppResult<()> {
    limiter.check(key)
}

/// Counts failures (wrong passwords) in a sliding window; a key with `max` failures in the
/// window is refused until the oldest failure is `window` old.
///
/// An attempt takes its failure slot *before* it is checked ([`FailureWindow::reserve`]) and
/// gives it back if it turns out not to be one ([`FailureWindow::give_back`]), so a burst of
/// concurrent attempts cannot all pass the check while the first are still being checked.
pub struct FailureWindow {
    name: &'static str,
    max: usize,
    window: chrono::Duration,
    clock: SharedClock,
    failures: std::sync::Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>,
}

/// A failure slot taken by [`FailureWindow::reserve`].
#[derive(Debug, Clone)]
pub struct Reservation {
    key: String,
    at: DateTime<Utc>,
    /// The failures the window held for the key before this one.
    pub before: usize,
}

impl Reservation {
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl FailureWindow {
    #[must_use]
    pub fn new(name: &'static str, clock: SharedClock, max: usize, window: chrono::Duration) -> Self {
        Self { name, max: max.max(1), window, clock, failures: std::sync::Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<DateTime<Utc>>>> {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes a failure slot for `key`: the attempt counts as a failure unless given back.
    ///
    /// # Errors
    /// `Throttled`, with the seconds until the oldest failure leaves the window, when the
    /// key already has `max` failures (or slots taken) in the window.
    pub fn reserve(&self, key: &str) -> AppResult<Reservation> {
        let now = self.clock.now();
        let mut map = self.lock();
        if map.len() > 100_000 {
            map.retain(|_, times| times.back().is_some_and(|t| now - *t < self.window));
        }
        let times = map.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|t| now - *t >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.max {
            let wait = times.front().map_or(self.window, |oldest| *oldest + self.window - now);
            tracing::info!(limit = self.name, "failure limit reached");
            let secs = u64::try_from(wait.num_seconds()).unwrap_or(1).max(1);
            return Err(AppError::Throttled { retry_after_secs: secs });
        }
        let before = times.len();
        times.push_back(now);
        Ok(Reservation { key: key.to_owned(), at: now, before })
    }

    /// Returns a slot that turned out not to be a failure.
    pub fn give_back(&self, reservation: &Reservation) {
        let mut map = self.lock();
        let Some(times) = map.get_mut(&reservation.key) else { return };
        if let Some(i) = times.iter().rposition(|t| *t == reservation.at) {
            times.remove(i);
        }
        if times.is_empty() {
            map.remove(&reservation.key);
        }
    }

    /// Forgets every failure of `key`.
    pub fn forget(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// Objections an hour from one client address, whoever sends them.
pub const OBJECTIONS_PER_ADDRESS: u32 = 200;

/// Notice documents one address may have rendered anew in ten minutes: a unit preparing the
/// files of twenty notices in three formats stays under it.
pub const DOCUMENT_RENDERS_PER_ADDRESS: u32 = 60;
/// Objections an hour from one sender at one address.
pub const OBJECTIONS_PER_SENDER: u32 = 10;

/// The application's limits, in `AppState::limits`.
pub struct Limits {
    /// Failed sign-ins (and wrong current passwords): per account and address, per address,
    /// and the growing delay per account.
    pub login: super::login_limit::LoginLimits,
    /// Password hashes in flight.
    pub password_work: super::password_work::PasswordWork,
    /// Objection submissions per client address (web form and API), checked before the body
    /// is read: high, since offices, schools and mobile networks put many people behind one
    /// address.
    pub objection: Limiter,
    /// Objection submissions per client address and sender (who objects, or for an anonymous
    /// one what it says), checked once the form is read: one person's repeats are held back
    /// without holding back their neighbours.
    pub objection_sender: Limiter,
    /// Objection look-ups (code + key) per client address.
    pub lookup: Limiter,
    /// Notice documents (poster PDF, Word file, long image) rendered anew per client address:
    /// a rendering takes up to a few hundred milliseconds of CPU, a file already made costs
    /// nothing and is not counted.
    pub document_renders: Limiter,
    /// Subscription requests per client address (page and API).
    pub subscribe: Limiter,
    /// Messages asked for one address (by its digest): over it, a request is answered as
    /// usual and nothing is sent, so an address cannot be flooded with confirmations and the
    /// asker learns nothing.
    pub subscribe_address: Limiter,
}

/// Subscription requests one client address may make per hour.
pub const SUBSCRIPTIONS_PER_CLIENT: u32 = 20;
/// Confirmations (or reminders) one address may be sent per day.
pub const MAILS_PER_ADDRESS: u32 = 3;

impl Limits {
    #[must_use]
    pub fn new(clock: &SharedClock) -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            login: super::login_limit::LoginLimits::new(clock),
            password_work: super::password_work::PasswordWork::for_this_machine(),
            objection: Limiter::new("objection", clock.clone(), OBJECTIONS_PER_ADDRESS, minutes(60)),
            objection_sender: Limiter::new("objection_sender", clock.clone(), OBJECTIONS_PER_SENDER, minutes(60)),
            lookup: Limiter::new("lookup", clock.clone(), 30, minutes(15)),
            document_renders: Limiter::new(
                "document_renders",
                clock.clone(),
                DOCUMENT_RENDERS_PER_ADDRESS,
                minutes(10),
            ),
            subscribe: Limiter::new("subscribe", clock.clone(), SUBSCRIPTIONS_PER_CLIENT, minutes(60)),
            subscribe_address: Limiter::new("subscribe_address", clock.clone(), MAILS_PER_ADDRESS, minutes(24 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use chrono::TimeZone;
    use std::sync::Arc;

    #[test]
    fn a_key_is_stopped_after_its_burst_and_let_through_when_it_refills() {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap());
        let limiter = Limiter::new("test", Arc::new(clock.clone()), 3, Duration::from_mins(1));
        for _ in 0..3 {
            limiter.check("a").unwrap();
        }
        let Err(AppError::Throttled { retry_after_secs }) = limiter.check("a") else { panic!("not limited") };
        assert_eq!(retry_after_secs, 20);
        limiter.check("b").unwrap();
        clock.advance(chrono::Duration::seconds(20));
        limiter.check("a").unwrap();
        assert!(limiter.check("a").is_err());
    }

    #[test]
    fn failures_hold_a_key_until_the_oldest_leaves_the_window_and_slots_come_back() {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap());
        let window = FailureWindow::new("test", Arc::new(clock.clone()), 2, chrono::Duration::minutes(15));
        assert_eq!(window.reserve("a").unwrap().before, 0);
        clock.advance(chrono::Duration::minutes(5));
        let second = window.reserve("a").unwrap();
        assert_eq!(second.before, 1);
        let Err(AppError::Throttled { retry_after_secs }) = window.reserve("a") else { panic!("not held") };
        assert_eq!(retry_after_secs, 600);
        window.give_back(&second);
        let third = window.reserve("a").unwrap();
        assert!(window.reserve("a").is_err());
        clock.advance(chrono::Duration::minutes(10));
        window.reserve("a").unwrap();
        window.give_back(&third);
        window.reserve("b").unwrap();
        window.forget("b");
        assert_eq!(window.reserve("b").unwrap().before, 0);
    }
}
