//! The limits on guessing passwords. Each sign-in attempt (and each wrong current password on
//! the password form) is taken from three counts *before* its password is checked, and given
//! back only if the password was right:
//!
//! - per account and client address: [`PER_ACCOUNT_AND_ADDRESS`] failures in [`WINDOW_MINUTES`]
//!   hold that address for that account (a successful sign-in from it clears them);
//! - per client address, across accounts: [`PER_ADDRESS`] failures hold the address;
//! - per account, across addresses: never a hold, only a delay. Past [`FREE_PER_ACCOUNT`]
//!   failures in the window, each attempt waits before its check, [`FIRST_DELAY`] doubling with
//!   every further failure up to [`MAX_DELAY`] — so someone guessing from many addresses is
//!   slowed, and the account's owner, from anywhere, still gets in.
//!
//! Addresses are [`super::address_key`]s: an IPv6 client counts by its /64.
use super::rate_limit::{FailureWindow, Reservation};
use crate::clock::SharedClock;
use crate::error::AppResult;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub const WINDOW_MINUTES: i64 = 15;
pub const PER_ACCOUNT_AND_ADDRESS: usize = 5;
pub const PER_ADDRESS: usize = 20;
pub const FREE_PER_ACCOUNT: usize = 5;
pub const FIRST_DELAY: Duration = Duration::from_millis(250);
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// Attempts sitting out a delay at once; beyond this they are checked without waiting.
pub const MAX_DELAYED: usize = 256;

/// Characters of a typed account name a count keys on (real names have at most 32).
const ACCOUNT_KEY_CHARS: usize = 64;

pub struct LoginLimits {
    pair: FailureWindow,
    address: FailureWindow,
    account: FailureWindow,
    delayed: Arc<Semaphore>,
}

/// The delay before checking an attempt on an account that already has `failures` failures
/// in the window.
#[must_use]
pub fn delay_after(failures: usize) -> Duration {
    let Some(extra) = failures.checked_sub(FREE_PER_ACCOUNT) else { return Duration::ZERO };
    let doublings = u32::try_from(extra).unwrap_or(u32::MAX).min(16);
    FIRST_DELAY.saturating_mul(1 << doublings).min(MAX_DELAY)
}

/// The account name as counted: trimmed, lowercase, and no longer than a name can be.
#[must_use]
pub fn account_key(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(ACCOUNT_KEY_CHARS).collect()
}

impl LoginLimits {
    #[must_use]
    pub fn new(clock: &SharedClock) -> Self {
        let window = chrono::Duration::minutes(WINDOW_MINUTES);
        Self {
            pair: FailureWindow::new("login_account_address", clock.clone(), PER_ACCOUNT_AND_ADDRESS, window),
            address: FailureWindow::new("login_address", clock.clone(), PER_ADDRESS, window),
            account: FailureWindow::new("login_account", clock.clone(), usize::MAX, window),
            delayed: Arc::new(Semaphore::new(MAX_DELAYED)),
        }
    }

    /// Takes an attempt on `account` (as typed) from `address` (an address key) from every
    /// count. It stays a failure unless [`Attempt::succeeded`] or [`Attempt::not_checked`].
    ///
    /// # Errors
    /// `Throttled` with the seconds until the address may try again, when the address is
    /// held for this account or for all.
    pub fn begin(&self, account: &str, address: &str) -> AppResult<Attempt<'_>> {
        let account = account_key(account);
        let pair_key = format!("{account}\u{0}{address}");
        let address = self.address.reserve(address)?;
        let pair = match self.pair.reserve(&pair_key) {
            Ok(pair) => pair,
            Err(e) => {
                self.address.give_back(&address);
                return Err(e);
            }
        };
        let account = match self.account.reserve(&account) {
            Ok(account) => account,
            Err(e) => {
                self.address.give_back(&address);
                self.pair.give_back(&pair);
                return Err(e);
            }
        };
        Ok(Attempt { limits: self, pair, address, account })
    }
}

/// One attempt, counted as a failure unless told otherwise.
#[must_use = "an attempt is a failure unless it is settled otherwise"]
pub struct Attempt<'a> {
    limits: &'a LoginLimits,
    pair: Reservation,
    address: Reservation,
    account: Reservation,
}

impl Attempt<'_> {
    /// The failures the account had in the window before this attempt, from every address.
    #[must_use]
    pub fn account_failures_before(&self) -> usize {
        self.account.before
    }

    /// How long this attempt waits before its password is checked.
    #[must_use]
    pub fn delay(&self) -> Duration {
        delay_after(self.account.before)
    }

    /// Sits out the account's delay, if it has one. When [`MAX_DELAYED`] attempts are waiting
    /// already, it goes on at once instead: a full waiting room must not turn into a hold on
    /// the account, and the bound on hashes in flight still holds.
    pub async fn wait_turn(self) -> Self {
        let delay = self.delay();
        if delay.is_zero() {
            return self;
        }
        if let Ok(_waiting) = Arc::clone(&self.limits.delayed).try_acquire_owned() {
            tokio::time::sleep(delay).await;
        }
        self
    }

    /// The password was right: the failures of this account from this address are forgotten,
    /// and the attempt leaves the other counts.
    pub fn succeeded(self) {
        self.limits.pair.forget(self.pair.key());
        self.limits.address.give_back(&self.address);
        self.limits.account.give_back(&self.account);
    }

    /// The password was never checked (the server was busy): nothing is counted.
    pub fn not_checked(self) {
        self.limits.pair.give_back(&self.pair);
        self.limits.address.give_back(&self.address);
        self.limits.account.give_back(&self.account);
    }

    /// The password was wrong: the attempt stays counted everywhere.
    pub fn failed(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::error::AppError;
    use chrono::TimeZone;

    fn limits() -> (ManualClock, LoginLimits) {
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).unwrap());
        let shared: SharedClock = Arc::new(clock.clone());
        (clock, LoginLimits::new(&shared))
    }

    #[test]
    fn an_address_is_held_for_one_account_and_others_are_not() {
        let (clock, limits) = limits();
        for _ in 0..PER_ACCOUNT_AND_ADDRESS {
            limits.begin("Zhang", "192.0.2.1").unwrap().failed();
        }
        assert!(matches!(limits.begin("zhang", "192.0.2.1"), Err(AppError::Throttled { .. })));
        limits.begin("zhang", "192.0.2.2").unwrap().succeeded();
        limits.begin("li", "192.0.2.1").unwrap().succeeded();
        clock.advance(chrono::Duration::minutes(WINDOW_MINUTES));
        limits.begin("zhang", "192.0.2.1").unwrap().succeeded();
    }

    #[test]
    fn an_address_is_held_across_accounts() {
        let (_, limits) = limits();
        for i in 0..PER_ADDRESS {
            limits.begin(&format!("user{i}"), "192.0.2.1").unwrap().failed();
        }
        assert!(limits.begin("someone", "192.0.2.1").is_err());
        limits.begin("someone", "192.0.2.9").unwrap().failed();
    }

    #[test]
    fn attempts_not_checked_or_right_are_given_back() {
        let (_, limits) = limits();
        for _ in 0..10 {
            limits.begin("zhang", "192.0.2.1").unwrap().not_checked();
        }
        for _ in 0..PER_ACCOUNT_AND_ADDRESS - 1 {
            limits.begin("zhang", "192.0.2.1").unwrap().failed();
        }
        limits.begin("zhang", "192.0.2.1").unwrap().succeeded();
        for _ in 0..PER_ACCOUNT_AND_ADDRESS {
            limits.begin("zhang", "192.0.2.1").unwrap().failed();
        }
        assert!(limits.begin("zhang", "192.0.2.1").is_err());
    }

    #[test]
    fn an_account_guessed_from_many_addresses_slows_down_and_is_never_held() {
        let (_, limits) = limits();
        for i in 0..40 {
            let attempt = limits.begin("zhang", &format!("192.0.2.{i}")).unwrap();
            assert_eq!(attempt.account_failures_before(), i);
            attempt.failed();
        }
        let attempt = limits.begin("zhang", "198.51.100.1").unwrap();
        assert_eq!(attempt.delay(), MAX_DELAY);
    }

    #[tokio::test]
    async fn a_full_waiting_room_lets_the_attempt_through_rather_than_refusing_it() {
        let (_, limits) = limits();
        for i in 0..FREE_PER_ACCOUNT {
            limits.begin("zhang", &format!("192.0.2.{i}")).unwrap().failed();
        }
        let room = u32::try_from(MAX_DELAYED).unwrap();
        let _full = Arc::clone(&limits.delayed).try_acquire_many_owned(room).unwrap();
        let attempt = limits.begin("zhang", "198.51.100.1").unwrap();
        assert_eq!(attempt.delay(), FIRST_DELAY);
        let waited = tokio::time::timeout(FIRST_DELAY / 5, attempt.wait_turn()).await;
        assert!(waited.is_ok(), "went on without its delay");
    }

    #[test]
    fn the_delay_doubles_past_the_free_failures_up_to_its_cap() {
        assert_eq!(delay_after(0), Duration::ZERO);
        assert_eq!(delay_after(FREE_PER_ACCOUNT - 1), Duration::ZERO);
        assert_eq!(delay_after(FREE_PER_ACCOUNT), FIRST_DELAY);
        assert_eq!(delay_after(FREE_PER_ACCOUNT + 1), FIRST_DELAY * 2);
        assert_eq!(delay_after(FREE_PER_ACCOUNT + 5), MAX_DELAY);
        assert_eq!(delay_after(usize::MAX), MAX_DELAY);
    }

    #[test]
    fn account_keys_are_folded_and_short() {
        assert_eq!(account_key(" Zhang "), "zhang");
        assert_eq!(account_key(&"x".repeat(100_000)).len(), ACCOUNT_KEY_CHARS);
    }
}
