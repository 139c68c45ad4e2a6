//! Signed webhooks: other systems are told of what the ledger records, as it happens.
//!
//! A unit's admins register endpoints (an HTTPS address and the event types it wants); the
//! province's endpoints hear of every unit's events, a unit's of the events its staff may see.
//! Each delivery is a JSON body naming the event, its ledger sequence number and entry hash,
//! signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`:
//! HMAC-SHA256 under the endpoint's secret).
//!
//! - `events`: what each ledger entry tells, to whom, and the fan-out that turns new entries
//!   into deliveries (once each, from any number of instances).
//! - `signing`: secrets and signatures.
//! - `target`: which addresses an endpoint may have: none private or on loopback unless the
//!   server allows it, checked again when connecting (a name may resolve elsewhere later).
//! - `sender`: the task in each instance that claims due deliveries, posts them, retries with
//!   backoff for a day, and disables an endpoint that failed for a whole day.
//! - `service`: registering, changing, rotating, deleting, the delivery log, replays.
//! - `pages`, `api`: the staff pages and the API.
pub mod api;
pub mod events;
pub mod pages;
pub mod sender;
pub mod service;
pub mod signing;
pub mod target;

use serde::Serialize;

/// A kind of event an endpoint may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub enum EventType {
    #[serde(rename = "notice.published")]
    NoticePublished,
    #[serde(rename = "notice.corrected")]
    NoticeCorrected,
    #[serde(rename = "notice.withdrawn")]
    NoticeWithdrawn,
    #[serde(rename = "objection.received")]
    ObjectionReceived,
    #[serde(rename = "objection.updated")]
    ObjectionUpdated,
    #[serde(rename = "report.issued")]
    ReportIssued,
    #[serde(rename = "recommendation.made")]
    RecommendationMade,
    #[serde(rename = "recommendation.withdrawn")]
    RecommendationWithdrawn,
}

impl EventType {
    pub const ALL: [Self; 8] = [
        Self::NoticePublished,
        Self::NoticeCorrected,
        Self::NoticeWithdrawn,
        Self::ObjectionReceived,
        Self::ObjectionUpdated,
        Self::ReportIssued,
        Self::RecommendationMade,
        Self::RecommendationWithdrawn,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::NoticePublished => "notice.published",
            Self::NoticeCorrected => "notice.corrected",
            Self::NoticeWithdrawn => "notice.withdrawn",
            Self::ObjectionReceived => "objection.received",
            Self::ObjectionUpdated => "objection.updated",
            Self::ReportIssued => "report.issued",
            Self::RecommendationMade => "recommendation.made",
            Self::RecommendationWithdrawn => "recommendation.withdrawn",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NoticePublished => "公示发布",
            Self::NoticeCorrected => "公示更正",
            Self::NoticeWithdrawn => "公示撤销",
            Self::ObjectionReceived => "收到异议",
            Self::ObjectionUpdated => "异议处理进展",
            Self::ReportIssued => "出具公示结果报告",
            Self::RecommendationMade => "推荐项目",
            Self::RecommendationWithdrawn => "撤回推荐",
        }
    }

    /// The ledger entries of this type.
    #[must_use]
    pub fn ledger_kind(self) -> &'static str {
        match self {
            Self::NoticePublished => "notice.publish",
            Self::NoticeCorrected => "notice.correct",
            Self::NoticeWithdrawn => "notice.withdraw",
            Self::ObjectionReceived => "objection.receive",
            Self::ObjectionUpdated => "objection.event",
            Self::ReportIssued => "report.issue",
            Self::RecommendationMade => "recommendation.make",
            Self::RecommendationWithdrawn => "recommendation.withdraw",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    #[must_use]
    pub fn of_ledger_kind(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.ledger_kind() == kind)
    }
}

/// Stored event types, one string.
#[must_use]
pub fn join_types(types: &[EventType]) -> String {
    types.iter().map(|t| t.code()).collect::<Vec<_>>().join(" ")
}

/// Event types as stored; a code no version wrote is skipped.
#[must_use]
pub fn split_types(stored: &str) -> Vec<EventType> {
    stored.split_whitespace().filter_map(EventType::from_code).collect()
}

/// Delivery states.
pub mod state {
    pub const PENDING: &str = "pending";
    pub const SENDING: &str = "sending";
    pub const DELIVERED: &str = "delivered";
    pub const FAILED: &str = "failed";

    #[must_use]
    pub fn label(state: &str) -> &'static str {
        match state {
            PENDING => "待投递",
            SENDING => "投递中",
            DELIVERED => "已送达",
            FAILED => "已放弃",
            _ => "未知",
        }
    }
}

/// Why an endpoint is off.
pub mod disabled {
    /// Staff turned it off.
    pub const MANUAL: &str = "manual";
    /// Every attempt failed for a whole day.
    pub const FAILING: &str = "failing";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_through_its_code_and_ledger_kind() {
        for t in EventType::ALL {
            assert_eq!(EventType::from_code(t.code()), Some(t));
            assert_eq!(EventType::of_ledger_kind(t.ledger_kind()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), serde_json::json!(t.code()));
        }
        assert_eq!(
            split_types("notice.published bogus report.issued"),
            [EventType::NoticePublished, EventType::ReportIssued]
        );
    }
}
