//! Readers' e-mail subscriptions: a reader asks to be told of the notices of a scope (a unit,
//! with or without the units below it, a level, a campaign, everything, or the notices closing
//! within 24 hours), as it happens or in a daily or weekly digest.
//!
//! - `service`: asking (double opt-in: only a confirmation goes to an unconfirmed address),
//!   confirming, changing, unsubscribing, suspending bounced and complaining addresses, erasing
//!   ended subscriptions after a grace period, and the counts staff see.
//! - `contact`: the link token, the sealed address and the keyed address digest.
//! - `journal`: the public events subscribers are told of, recorded once each by a job.
//! - `delivery`: the job that writes the mail: each event to the immediate subscriptions it
//!   concerns, the digests at 00:00 China time, and the weekly line to quiet subscriptions.
//! - `letters`: what every message says, with its manage and one-click unsubscribe links.
//! - `pages`, `api`: the reader's pages and the API; the staff counts.
pub mod api;
pub mod contact;
pub mod delivery;
pub mod journal;
pub mod letters;
pub mod pages;
pub mod service;

use crate::error::{AppError, AppResult};
use entity::{subscription_events, subscriptions};
use serde::Serialize;

/// What a subscription follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// One unit's notices.
    Unit,
    /// A unit's notices and those of every unit below it.
    UnitTree,
    Level,
    Campaign,
    All,
    /// Every notice, once, 24 hours before it closes.
    Closing,
}

impl ScopeKind {
    pub const ALL: [Self; 6] = [Self::Unit, Self::UnitTree, Self::Level, Self::Campaign, Self::All, Self::Closing];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::UnitTree => "unit_tree",
            Self::Level => "level",
            Self::Campaign => "campaign",
            Self::All => "all",
            Self::Closing => "closing",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Reads a stored code.
    ///
    /// # Errors
    /// `Internal` for a code no version wrote.
    pub fn stored(code: &str) -> AppResult<Self> {
        Self::from_code(code).ok_or_else(|| AppError::unknown_stored("subscription scope", code))
    }
}

/// How often a subscriber is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Immediate,
    /// One message a day, for the China calendar day that ended at 00:00.
    Daily,
    /// One message a week, for the week that ended on Monday 00:00 China time.
    Weekly,
}

impl Frequency {
    pub const ALL: [Self; 3] = [Self::Immediate, Self::Daily, Self::Weekly];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Immediate => "有动态即发送",
            Self::Daily => "每日摘要",
            Self::Weekly => "每周摘要",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Reads a stored code.
    ///
    /// # Errors
    /// `Internal` for a code no version wrote.
    pub fn stored(code: &str) -> AppResult<Self> {
        Self::from_code(code).ok_or_else(|| AppError::unknown_stored("subscription frequency", code))
    }
}

/// Where a subscription stands.
pub mod state {
    /// Asked for, not yet confirmed: only the confirmation message goes to it.
    pub const PENDING: &str = "pending";
    pub const ACTIVE: &str = "active";
    /// Its address bounced or complained: nothing goes out until the subscriber resumes it.
    pub const SUSPENDED: &str = "suspended";
    /// Unsubscribed: kept for the grace period (the subscriber may resume), then erased.
    pub const ENDED: &str = "ended";
    /// Address and token gone; only the counts remain.
    pub const ERASED: &str = "erased";
}

/// The kinds of event a subscriber is told of.
pub mod kind {
    pub const OPENED: &str = "opened";
    pub const CORRECTED: &str = "corrected";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const CLOSING: &str = "closing";
    pub const CLOSED: &str = "closed";
    pub const REPORT_ISSUED: &str = "report_issued";
    pub const REPORT_STOPPED: &str = "report_stopped";
}

/// The unit ids in a journal path `/1/5/12/`: the notice's unit and every unit above it.
#[must_use]
pub fn path_units(path: &str) -> Vec<i32> {
    path.split('/').filter_map(|p| p.parse().ok()).collect()
}

/// Whether the subscription follows the event: the closing reminder goes only to the
/// "closing within 24 hours" scope, which gets nothing else.
#[must_use]
pub fn follows(sub: &subscriptions::Model, event: &subscription_events::Model) -> bool {
    let Some(scope) = ScopeKind::from_code(&sub.scope) else { return false };
    if (event.kind == kind::CLOSING) != (scope == ScopeKind::Closing) {
        return false;
    }
    match scope {
        ScopeKind::All | ScopeKind::Closing => true,
        ScopeKind::Unit => sub.unit_id == path_units(&event.unit_path).last().copied(),
        ScopeKind::UnitTree => sub.unit_id.is_some_and(|u| path_units(&event.unit_path).contains(&u)),
        ScopeKind::Level => sub.level == Some(event.level),
        ScopeKind::Campaign => sub.campaign_id == Some(event.campaign_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn sub(scope: ScopeKind, unit: Option<i32>, level: Option<i32>, campaign: Option<i32>) -> subscriptions::Model {
        subscriptions::Model {
            id: 1,
            token_hash: String::new(),
            contact_sealed: None,
            address_digest: None,
            state: state::ACTIVE.into(),
            scope: scope.code().into(),
            unit_id: unit,
            level,
            campaign_id: campaign,
            frequency: "immediate".into(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            confirmed_at: None,
            ended_at: None,
            end_reason: None,
            erased_at: None,
            digest_through: None,
            last_mailed_at: None,
        }
    }

    fn event(kind: &str) -> subscription_events::Model {
        subscription_events::Model {
            id: 1,
            key: String::new(),
            kind: kind.into(),
            notice_id: 9,
            unit_path: "/1/5/12/".into(),
            level: 3,
            campaign_id: 7,
            title: String::new(),
            summary: String::new(),
            path: String::new(),
            occurred_at: DateTime::<Utc>::UNIX_EPOCH,
            recorded_at: DateTime::<Utc>::UNIX_EPOCH,
            delivered_through: 0,
            delivered_at: None,
        }
    }

    #[test]
    fn a_scope_follows_its_own_notices() {
        let opened = event(kind::OPENED);
        assert!(follows(&sub(ScopeKind::Unit, Some(12), None, None), &opened));
        assert!(!follows(&sub(ScopeKind::Unit, Some(5), None, None), &opened), "the unit above is another unit");
        assert!(follows(&sub(ScopeKind::UnitTree, Some(5), None, None), &opened));
        assert!(follows(&sub(ScopeKind::UnitTree, Some(1), None, None), &opened));
        assert!(!follows(&sub(ScopeKind::UnitTree, Some(2), None, None), &opened));
        assert!(follows(&sub(ScopeKind::Level, None, Some(3), None), &opened));
        assert!(!follows(&sub(ScopeKind::Level, None, Some(2), None), &opened));
        assert!(follows(&sub(ScopeKind::Campaign, None, None, Some(7)), &opened));
        assert!(!follows(&sub(ScopeKind::Campaign, None, None, Some(8)), &opened));
        assert!(follows(&sub(ScopeKind::All, None, None, None), &opened));
    }

    #[test]
    fn the_closing_reminder_goes_to_its_own_scope_alone() {
        assert!(follows(&sub(ScopeKind::Closing, None, None, None), &event(kind::CLOSING)));
        assert!(!follows(&sub(ScopeKind::Closing, None, None, None), &event(kind::OPENED)));
        assert!(!follows(&sub(ScopeKind::All, None, None, None), &event(kind::CLOSING)));
        assert!(!follows(&sub(ScopeKind::Unit, Some(12), None, None), &event(kind::CLOSING)));
    }
}
