//! Offline notices and paper reports (线下公示): a unit that posted its 公示 on a board or in the
//! media records it after the fact (`record`), with where it was posted and a scan; uploads its
//! paper 公示结果报告 (`paper_report`); and the unit above it — the province for its own
//! notices — accepts or rejects the record (`review`). They reuse the `notices` and
//! `result_reports` rows, so public pages, objections and the gate treat them as any notice;
//! `report_standing` keeps a paper report from clearing until the record is accepted.
//! `scan` checks and stores the scans; `api` and `pages` are the edges.
pub mod api;
pub mod pages;
pub mod paper_report;
pub mod record;
pub mod review;
pub mod scan;

pub use crate::report_standing::OFFLINE_CHANNEL as OFFLINE;

/// The longest place (posted_where) and decision reason, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// The receiving unit's decision on an offline record (`notices.offline_review`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// 待确认
    Pending,
    /// 已确认
    Accepted,
    /// 已退回
    Rejected,
}

impl Review {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待确认",
            Self::Accepted => "已确认",
            Self::Rejected => "已退回",
        }
    }

    #[must_use]
    pub fn of(notice: &entity::notices::Model) -> Option<Self> {
        match notice.offline_review.as_deref()? {
            "accepted" => Some(Self::Accepted),
            "rejected" => Some(Self::Rejected),
            _ => Some(Self::Pending),
        }
    }
}

/// Whether the notice was posted offline and recorded here.
#[must_use]
pub fn is_offline(notice: &entity::notices::Model) -> bool {
    notice.channel == OFFLINE
}

/// A required short text, trimmed, with a Chinese message naming `what`.
///
/// # Errors
/// `Validation` on `field` when blank or longer than [`MAX_TEXT_CHARS`].
pub fn required_text(field: &str, what: &str, text: &str) -> crate::error::AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(crate::error::AppError::invalid(field, format!("请填写{what}")));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(crate::error::AppError::invalid(field, format!("{what}不能超过{MAX_TEXT_CHARS}个字")));
    }
    Ok(text.to_owned())
}
