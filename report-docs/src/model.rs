//! The report as plain data: what the issuing code fills in and both renderers read.
//!
//! Every field is already decided by the time it reaches this crate (outcomes derived, counts
//! made, texts written); the renderers only lay it out. Nothing here identifies an objector.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One 公示结果报告, complete: everything printed on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDocument {
    /// 关于《…》公示结果的报告
    pub title: String,
    /// The notice's own title, as published.
    pub notice_title: String,
    /// 文号, e.g. 武工发〔2025〕7号, when the notice had one.
    #[serde(default)]
    pub notice_number: Option<String>,
    pub level: Level,
    /// 公示期 as written, e.g. 2025年3月10日至2025年3月14日.
    pub period: String,
    pub channels: Channels,
    /// The projects covered, in their published order.
    pub projects: Vec<ProjectEntry>,
    pub objection_counts: ObjectionCounts,
    /// How each objection was handled, in the order received.
    #[serde(default)]
    pub objections: Vec<ObjectionRecord>,
    /// The closing paragraph (公示结论).
    pub conclusion: String,
    /// The issuing unit, printed above the date and the seal area.
    pub unit_name: String,
    /// The day the report is signed, printed as 2025年4月8日.
    pub issued_on: NaiveDate,
    /// Code, hash and address a reader uses to check a printed copy. Left at its default while
    /// the content is being hashed, then filled in.
    #[serde(default)]
    pub verification: Verification,
}

impl ReportDocument {
    /// A one-project report with a QR code, laid out by [`crate::warm_up`] to fill typst's caches.
    pub(crate) fn warm_up_sample() -> ReportDocument {
        ReportDocument {
            title: "关于《公示》公示结果的报告".into(),
            notice_title: "公示".into(),
            notice_number: Some("〔2025〕1号".into()),
            level: Level { number: 3, name: "省总工会公示".into() },
            period: "2025年3月10日至2025年3月14日".into(),
            channels: Channels { board_location: Some("公示栏".into()), web_address: None, media: vec![] },
            projects: vec![ProjectEntry {
                order: 1,
                name: "项目".into(),
                units: vec!["单位".into()],
                completers: vec!["完成人".into()],
                proposed_grade: Some("一等奖".into()),
                outcome: Outcome::ObjectionDismissed,
                handling_summary: Some("处理情况".into()),
            }],
            objection_counts: ObjectionCounts { received: 1, accepted: 1, dismissed: 1, ..ObjectionCounts::default() },
            objections: vec![ObjectionRecord {
                seq: 1,
                project_name: Some("项目".into()),
                category: "其他".into(),
                received_on: None,
                result: ObjectionResult::Dismissed,
                refusal_reason: None,
                summary: "处理情况".into(),
            }],
            conclusion: "结论".into(),
            unit_name: "单位".into(),
            issued_on: NaiveDate::default(),
            verification: Verification {
                code: "WARMUP".into(),
                sha256: "0".repeat(64),
                url: "https://example.org/r/WARMUP".into(),
            },
        }
    }
}

/// The notice level: 1 申报单位公示, 2 推荐单位公示, 3 省总工会公示.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub number: u8,
    pub name: String,
}

impl Level {
    /// Level 3 lists each project's proposed grade (拟授奖等级).
    #[must_use]
    pub fn shows_proposed_grade(&self) -> bool {
        self.number == 3
    }
}

/// Where the notice was published.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    /// 张榜地点, when posted on a board.
    #[serde(default)]
    pub board_location: Option<String>,
    /// The web address of the online notice.
    #[serde(default)]
    pub web_address: Option<String>,
    /// Newspapers, journals or other media that carried it.
    #[serde(default)]
    pub media: Vec<String>,
}

/// One project on the notice and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectEntry {
    /// 序号 / 推荐排序 as published.
    pub order: u32,
    pub name: String,
    /// 完成单位, in their order.
    pub units: Vec<String>,
    /// 完成人, in their order.
    pub completers: Vec<String>,
    /// 拟授奖等级 at level 3.
    #[serde(default)]
    pub proposed_grade: Option<String>,
    pub outcome: Outcome,
    /// What staff wrote about the handling, without any objector identity.
    #[serde(default)]
    pub handling_summary: Option<String>,
}

/// A project's result; the first two are "clean" and let it go up a level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoObjection,
    ObjectionDismissed,
    ObjectionUpheld,
}

impl Outcome {
    /// The wording the report prints.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Outcome::NoObjection => "公示无异议",
            Outcome::ObjectionDismissed => "有异议，经核查不成立",
            Outcome::ObjectionUpheld => "异议成立，不予推荐",
        }
    }
}

/// The objection tallies. `refused` breaks 不予受理 down by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionCounts {
    pub received: u32,
    pub accepted: u32,
    #[serde(default)]
    pub refused: Vec<ReasonCount>,
    pub upheld: u32,
    pub dismissed: u32,
    pub withdrawn: u32,
}

impl ObjectionCounts {
    /// All objections refused, whatever the reason.
    #[must_use]
    pub fn refused_total(&self) -> u32 {
        self.refused.iter().map(|r| r.count).sum()
    }
}

/// How many objections were refused for one reason (e.g. 逾期, 匿名, 不属于异议范围).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u32,
}

/// How one objection was handled. Deliberately has no place for who raised it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionRecord {
    /// Running number within the report (1, 2, …).
    pub seq: u32,
    /// The project objected to, when it names one.
    #[serde(default)]
    pub project_name: Option<String>,
    /// 异议类别, e.g. 知识产权.
    pub category: String,
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    pub result: ObjectionResult,
    /// 不予受理的理由, for a refused objection.
    #[serde(default)]
    pub refusal_reason: Option<String>,
    /// The handling as staff summarised it.
    pub summary: String,
}

/// Where an objection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionResult {
    Refused,
    Upheld,
    Dismissed,
    Withdrawn,
}

impl ObjectionResult {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ObjectionResult::Refused => "不予受理",
            ObjectionResult::Upheld => "异议成立",
            ObjectionResult::Dismissed => "异议不成立",
            ObjectionResult::Withdrawn => "已撤回",
        }
    }
}

/// What ties a printed copy to the report as issued.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The short code a reader types in, also in the verify URL.
    pub code: String,
    /// Hex SHA-256 of the issued content.
    pub sha256: String,
    /// Full address of the verify page (`…/reports/{code}`); the QR code encodes it.
    pub url: String,
}

/// A date the way Chinese official documents write it: 2025年4月8日 (no leading zeros).
#[must_use]
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_without_leading_zeros() {
        let date = NaiveDate::from_ymd_opt(2025, 4, 8).unwrap_or_default();
        assert_eq!(chinese_date(date), "2025年4月8日");
    }

    #[test]
    fn refused_total_adds_every_reason() {
        let counts = ObjectionCounts {
            refused: vec![
                ReasonCount { reason: "逾期".into(), count: 2 },
                ReasonCount { reason: "匿名".into(), count: 1 },
            ],
            ..ObjectionCounts::default()
        };
        assert_eq!(counts.refused_total(), 3);
    }

    #[test]
    fn outcomes_serialise_as_stable_snake_case_names() {
        let json = serde_json::to_string(&Outcome::ObjectionDismissed).unwrap_or_default();
        assert_eq!(json, "\"objection_dismissed\"");
    }
}
