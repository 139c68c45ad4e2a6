//! Notices (公示): the three levels, their five-day periods, generation from project records,
//! immutable publication with corrections and withdrawal, and the public_read pages, poster and API.
//!
//! The domain core (`period`, `content`, `consistency`, `visibility`) is pure; `service`,
//! `publish` and `ledger` hold the database work; `pages`, `views`, `poster` and `api` are
//! the HTTP edge, with `documents` (poster PDF, Word file, long image) and `bundle` (the HTML
//! fragment and the bundle for a unit's own website) giving the notice as files.
pub mod api;
pub mod bundle;
pub mod cache;
pub mod consistency;
pub mod content;
pub mod documents;
pub mod gate;
pub mod generate;
pub mod http;
pub mod ledger;
pub mod pages;
pub mod period;
pub mod poster;
pub mod public_listing;
pub mod public_read;
pub mod publish;
pub mod search;
pub mod service;
pub mod staff_api;
pub mod staff_new_page;
pub mod staff_pages;
pub mod staff_service;
pub mod text;
pub mod unit_pages;
pub mod views;
pub mod visibility;

pub use period::{Period, PeriodRules, Status};
pub use service::{Item, PublishedNotice};

use crate::error::AppError;
use serde::Serialize;

/// The three levels of 公示.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "i32")]
pub enum Level {
    /// 申报单位公示
    Applicant,
    /// 推荐单位公示
    Recommender,
    /// 省总工会公示
    Province,
}

impl From<Level> for i32 {
    fn from(level: Level) -> i32 {
        level.number()
    }
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Applicant, Level::Recommender, Level::Province];

    #[must_use]
    pub fn from_number(n: i32) -> Option<Self> {
        match n {
            1 => Some(Self::Applicant),
            2 => Some(Self::Recommender),
            3 => Some(Self::Province),
            _ => None,
        }
    }

    #[must_use]
    pub fn number(self) -> i32 {
        match self {
            Self::Applicant => 1,
            Self::Recommender => 2,
            Self::Province => 3,
        }
    }

    /// 申报单位公示 / 推荐单位公示 / 省总工会公示
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "申报单位公示",
            Self::Recommender => "推荐单位公示",
            Self::Province => "省总工会公示",
        }
    }

    /// The word the default title uses for the projects: 申报 / 推荐 / 拟奖.
    #[must_use]
    pub fn project_word(self) -> &'static str {
        match self {
            Self::Applicant => "申报",
            Self::Recommender => "推荐",
            Self::Province => "拟奖",
        }
    }

    /// The level below, whose clean result a project needs to enter this one.
    #[must_use]
    pub fn below(self) -> Option<Self> {
        Self::from_number(self.number() - 1)
    }
}

/// The life of a notice: a draft until first published; withdrawn (撤销) is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    Draft,
    Published,
    Withdrawn,
}

impl NoticeState {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Withdrawn => "withdrawn",
        }
    }

    #[must_use]
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Draft, Self::Published, Self::Withdrawn].into_iter().find(|state| state.code() == s)
    }
}

/// A notice row's codes, read once at the database edge: from here on the level and the
/// lifecycle are enums, and a row holding a code this version does not know is an error —
/// never read as a draft or as level 1.
impl TryFrom<&entity::notices::Model> for NoticeState {
    type Error = AppError;

    fn try_from(row: &entity::notices::Model) -> Result<Self, AppError> {
        Self::from_code(&row.state).ok_or_else(|| AppError::unknown_stored("notice state", &row.state))
    }
}

impl TryFrom<&entity::notices::Model> for Level {
    type Error = AppError;

    fn try_from(row: &entity::notices::Model) -> Result<Self, AppError> {
        Self::from_number(row.level).ok_or_else(|| AppError::unknown_stored("notice level", row.level))
    }
}
