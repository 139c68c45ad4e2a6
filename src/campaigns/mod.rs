//! A campaign's settings (征集活动的规则) and the values a new campaign starts with — the one
//! place those defaults are written. The demo and the tests' campaign fixture make their rows
//! from here, and the rules fall back to these values where a setting is missing or out of range.
//!
//! The rules that read the settings live with their modules: the notice period
//! (`notices::PeriodRules`), the limit on recommendations toward the province
//! (`recommendations::limit`), objection handling deadlines and identity retention
//! (`objections`). Two copies cannot take their values from here and are checked against them
//! in `tests/it/migrations.rs`: the schema's column defaults (the initial migration) and
//! `PeriodRules::default()`.
pub mod api;
pub mod grade;
pub mod input;
pub mod service;
pub mod staff_api;
pub mod staff_pages;

pub use grade::Grade;

use crate::error::AppResult;
use entity::campaigns;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// Every campaign, the newest year first.
///
/// # Errors
/// Database failure.
pub async fn newest_first<C: ConnectionTrait>(db: &C) -> AppResult<Vec<campaigns::Model>> {
    use sea_orm::QueryOrder;
    Ok(campaigns::Entity::find().order_by_desc(campaigns::Column::Year).all(db).await?)
}

/// The campaign with this code (e.g. `2025`), if any.
///
/// # Errors
/// Database failure.
pub async fn find_by_code<C: ConnectionTrait>(db: &C, code: &str) -> AppResult<Option<campaigns::Model>> {
    Ok(campaigns::Entity::find().filter(campaigns::Column::Code.eq(code)).one(db).await?)
}

/// The settings a campaign row holds beside its name and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignSettings {
    /// Calendar days a notice runs (公示期).
    pub notice_days: i32,
    /// Minute of the last day at which a notice closes, from midnight China time; 1440 is the
    /// end of the day (24:00).
    pub closing_minute: i32,
    /// Projects a unit may recommend to the province (原则上不超过).
    pub recommend_limit: i32,
    /// Days after a notice closes within which its objections are to be concluded.
    pub handling_days: i32,
    /// Days before a deadline ("2025年4月8日前") by which the last report is to be issued: the
    /// papers must arrive before that day, not on it.
    pub deadline_margin_days: i32,
    /// Days after a case's conclusion before the objector's identity is erased.
    pub retention_days: i32,
    /// Objections must name a real person or unit (匿名异议不予受理).
    pub require_real_name: bool,
    /// An objection without evidence or a verifiable lead is refused at once.
    pub refuse_without_evidence: bool,
    /// Whether a letter is in time by its postmark or by its arrival.
    pub letters_by: LettersBy,
    /// The lowest grade the provincial notice lists (三等奖以上).
    pub province_min_grade: Grade,
}

/// Which date decides whether a letter is in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LettersBy {
    /// 以邮戳为准
    Postmark,
    /// 以收到日期为准
    Arrival,
}

impl LettersBy {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Postmark => "postmark",
            Self::Arrival => "arrival",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Postmark => "以邮戳日期为准",
            Self::Arrival => "以收到日期为准",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Postmark, Self::Arrival].into_iter().find(|l| l.code() == s.trim())
    }
}

impl CampaignSettings {
    /// A new campaign's settings: five-day notices closing at 24:00, five recommendations to the
    /// province, ten days to handle objections, reports ready two days before a deadline,
    /// identities kept a year after the conclusion, real names required, evidence not, letters by
    /// postmark, 三等奖以上 at the province.
    pub const DEFAULT: Self = Self {
        notice_days: 5,
        closing_minute: 1440,
        recommend_limit: 5,
        handling_days: 10,
        deadline_margin_days: 2,
        retention_days: 365,
        require_real_name: true,
        refuse_without_evidence: false,
        letters_by: LettersBy::Postmark,
        province_min_grade: Grade::Third,
    };

    /// A new campaign row holding these settings; its code, year, edition, title, award grades
    /// and creation time are the caller's to set (`..CampaignSettings::DEFAULT.row()` after
    /// them), the document number and organiser are optional.
    #[must_use]
    pub fn row(&self) -> campaigns::ActiveModel {
        campaigns::ActiveModel {
            notice_days: Set(self.notice_days),
            closing_minute: Set(self.closing_minute),
            recommend_limit: Set(self.recommend_limit),
            handling_days: Set(self.handling_days),
            deadline_margin_days: Set(self.deadline_margin_days),
            retention_days: Set(self.retention_days),
            require_real_name: Set(self.require_real_name),
            refuse_without_evidence: Set(self.refuse_without_evidence),
            letters_by: Set(self.letters_by.code().to_owned()),
            province_min_grade: Set(self.province_min_grade.code().to_owned()),
            doc_title: Set(None),
            starts_on: Set(None),
            is_open: Set(true),
            ..Default::default()
        }
    }

    /// The settings of a stored campaign.
    #[must_use]
    pub fn of(campaign: &campaigns::Model) -> Self {
        Self {
            notice_days: campaign.notice_days,
            closing_minute: campaign.closing_minute,
            recommend_limit: campaign.recommend_limit,
            handling_days: campaign.handling_days,
            deadline_margin_days: campaign.deadline_margin_days,
            retention_days: campaign.retention_days,
            require_real_name: campaign.require_real_name,
            refuse_without_evidence: campaign.refuse_without_evidence,
            letters_by: LettersBy::parse(&campaign.letters_by).unwrap_or(Self::DEFAULT.letters_by),
            province_min_grade: Grade::parse(&campaign.province_min_grade).unwrap_or(Self::DEFAULT.province_min_grade),
        }
    }
}

impl CampaignSettings {
    /// The rules in force, as the public campaign page states them, one sentence each.
    #[must_use]
    pub fn rules_zh(&self) -> Vec<String> {
        let closing = if self.closing_minute >= 1440 {
            "最后一日24时截止".to_owned()
        } else if self.closing_minute % 60 == 0 {
            format!("最后一日{}时截止", self.closing_minute / 60)
        } else {
            format!("最后一日{}时{:02}分截止", self.closing_minute / 60, self.closing_minute % 60)
        };
        vec![
            format!("公示期为{}个自然日（含节假日），{closing}。", self.notice_days),
            if self.require_real_name {
                "异议须实名提出：个人须提供真实姓名和联系方式，单位须提供单位名称、联系人和电话，并加盖公章；匿名异议不予受理。".to_owned()
            } else {
                "异议可以不署名提出，但请尽量留下联系方式以便核实和答复。".to_owned()
            },
            if self.refuse_without_evidence {
                "异议须附证据材料或可核查的线索，未附材料的网上异议不予受理。".to_owned()
            } else {
                "异议应尽量附上证据材料或可核查的线索。".to_owned()
            },
            format!("信函提出的异议，是否在公示期内{}。", self.letters_by.label()),
            format!("受理的异议在公示结束后{}日内办结，并向异议人反馈。", self.handling_days),
            format!("各推荐单位向省总工会推荐的项目原则上不超过{}项。", self.recommend_limit),
            format!("省总工会公示列入拟评{}以上的项目。", self.province_min_grade.label()),
        ]
    }
}

/// The objection rules a notice keeps from the moment it is first published: changing the
/// campaign afterwards changes later notices, never a published one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoticeRules {
    pub require_real_name: bool,
    pub refuse_without_evidence: bool,
    pub letters_by: LettersBy,
    pub handling_days: i32,
}

impl NoticeRules {
    #[must_use]
    pub fn of(campaign: &campaigns::Model) -> Self {
        let s = CampaignSettings::of(campaign);
        Self {
            require_real_name: s.require_real_name,
            refuse_without_evidence: s.refuse_without_evidence,
            letters_by: s.letters_by,
            handling_days: s.handling_days,
        }
    }

    /// The rules stored on a revision, or the campaign's for a revision published before
    /// rules were kept.
    #[must_use]
    pub fn stored_or(stored: Option<&str>, campaign: &campaigns::Model) -> Self {
        stored.and_then(|json| serde_json::from_str(json).ok()).unwrap_or_else(|| Self::of(campaign))
    }

    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The rules as the notice page states them, one sentence each.
    #[must_use]
    pub fn sentences(&self) -> Vec<String> {
        vec![
            if self.require_real_name {
                "异议须实名提出，匿名异议不予受理。".to_owned()
            } else {
                "异议可以不署名提出，但请尽量留下联系方式以便核实和答复。".to_owned()
            },
            if self.refuse_without_evidence {
                "网上提出的异议须附证据材料，未附材料的不予受理。".to_owned()
            } else {
                "请尽量附上证据材料或可核查的线索。".to_owned()
            },
            format!("信函提出的异议，是否在公示期内{}。", self.letters_by.label()),
            format!("受理的异议在公示结束后{}日内办结。", self.handling_days),
        ]
    }
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::TryIntoModel;

    #[test]
    fn a_row_holds_the_settings_it_was_made_from() {
        let settings = CampaignSettings { closing_minute: 18 * 60, retention_days: 30, ..CampaignSettings::DEFAULT };
        let row = campaigns::ActiveModel {
            id: Set(1),
            code: Set("2025".into()),
            year: Set(2025),
            edition: Set("第十八届".into()),
            title: Set("2025年度甘肃省职工技术成果征集活动".into()),
            doc_number: Set(None),
            organizer_unit_id: Set(None),
            award_grades: Set("[]".into()),
            created_at: Set(chrono::Utc::now()),
            ..settings.row()
        };
        let model = row.try_into_model().expect("every column set");
        assert_eq!(CampaignSettings::of(&model), settings);
    }
}
