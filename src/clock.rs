//! Where "now" comes from. Every rule about periods asks a `Clock`, so tests can stand on the
//! exact instant a notice closes.
use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The server's own clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move: for tests and reproducible demos.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<RwLock<DateTime<Utc>>>);

impl ManualClock {
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut guard = self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard += by;
    }
}

impl ManualClock {
    #[must_use]
    pub fn now_rfc3339(&self) -> String {
        self.now().to_rfc3339()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub type SharedClock = Arc<dyn Clock>;
