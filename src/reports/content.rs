//! The report as issued: every word of it, decided here from the notice as last published, its
//! items and the objections that belong to this report. Pure: the service loads the inputs and
//! stores the result; the same [`ReportContent`] is hashed, stored as canonical JSON, shown on
//! the verify page and printed.
use super::Outcome;
use crate::china_time::date_zh;
use crate::notices::{Item, Level, Period};
use crate::objections::{Category, RefusalReason, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped if the stored shape ever changes, so old reports stay readable as they were issued.
pub const FORMAT: u32 = 1;

/// One 公示结果报告, complete. Stored as canonical JSON in `result_reports.content`; its
/// SHA-256 is the report's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportContent {
    pub format: u32,
    /// The verification code, also in the verify address.
    pub code: String,
    /// 关于《…》公示结果的报告
    pub title: String,
    pub notice: NoticePart,
    /// The issuing (publishing) unit.
    pub unit: UnitPart,
    pub projects: Vec<ProjectPart>,
    pub objections: Tally,
    /// How each objection was handled, in the order received. No objector identity: the type
    /// has no place for one.
    pub cases: Vec<CaseLine>,
    /// The closing paragraph (公示结论).
    pub conclusion: String,
    pub issued_on: NaiveDate,
    /// 2025年4月8日
    pub issued_on_text: String,
    /// `…/reports/{code}`: what the QR code encodes.
    pub verify_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticePart {
    pub id: i32,
    pub title: String,
    /// 文号
    pub doc_number: Option<String>,
    pub revision_no: i32,
    pub level: i32,
    pub level_label: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// 2025年3月10日至2025年3月14日
    pub period_text: String,
    pub channels: ChannelsPart,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChannelsPart {
    /// 张榜地点
    pub board_location: Option<String>,
    /// The online notice's address, when published on the web.
    pub web: Option<String>,
    pub media: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitPart {
    pub id: i32,
    pub code: String,
    pub name: String,
}

/// One project on the notice, as published, and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProjectPart {
    /// 序号 / 推荐排序 as published.
    pub order: i32,
    pub project_id: i32,
    pub name: String,
    pub units: Vec<String>,
    pub completers: Vec<String>,
    /// Level 3: the proposed grade.
    pub grade_label: Option<String>,
    pub outcome: Outcome,
    pub outcome_label: String,
    /// The public handling summaries staff wrote on concluding the objections to this project
    /// (the outcome's label where they wrote none). Never the note written to the objector.
    pub handling: Vec<String>,
}

/// Objections received / accepted / refused (by reason) / upheld / dismissed / withdrawn.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tally {
    pub received: u32,
    pub accepted: u32,
    pub refused: Vec<ReasonTally>,
    pub upheld: u32,
    pub dismissed: u32,
    pub withdrawn: u32,
}

impl Tally {
    #[must_use]
    pub fn refused_total(&self) -> u32 {
        self.refused.iter().map(|r| r.count).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReasonTally {
    /// 逾期, 匿名, 不属于异议范围 …
    pub reason: String,
    pub count: u32,
}

/// How one objection ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseLine {
    pub seq: u32,
    pub project_name: Option<String>,
    pub category: String,
    pub received_on: NaiveDate,
    /// `refused`, `upheld`, `dismissed` or `withdrawn`.
    pub result: String,
    pub result_label: String,
    pub refusal_reason: Option<String>,
    pub summary: String,
}

/// One objection as the report needs it (loaded by `readiness`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i32,
    pub receipt_code: String,
    pub project_id: Option<i32>,
    pub category: Option<Category>,
    pub status: Status,
    pub refusal: Option<RefusalReason>,
    pub received_at: DateTime<Utc>,
    /// It was accepted for handling at some point (whatever became of it).
    pub accepted: bool,
    /// The public handling summary (`objections.public_summary`), never the objector's note.
    pub summary: Option<String>,
}

/// What the report is built from.
pub struct Inputs<'a> {
    pub code: &'a str,
    pub notice: &'a entity::notices::Model,
    /// The notice's level, read from its row by the caller.
    pub level: Level,
    pub revision: &'a entity::notice_revisions::Model,
    pub unit: &'a entity::units::Model,
    pub items: &'a [Item],
    /// The objections this report accounts for, oldest first.
    pub cases: &'a [Case],
    pub issued_on: NaiveDate,
    pub notice_url: String,
    pub verify_url: String,
}

/// Builds the report.
#[must_use]
pub fn build(input: &Inputs<'_>) -> ReportContent {
    let level = input.level;
    let period = Period::of_revision(input.revision);
    let rev = input.revision;
    let projects: Vec<ProjectPart> = input.items.iter().map(|item| project_part(item, input.cases)).collect();
    let names: BTreeMap<i32, &str> = input.items.iter().map(|i| (i.project_id, i.snapshot.name.as_str())).collect();
    let objections = tally(input.cases);
    let cases = case_lines(input.cases, &names);
    let conclusion = conclusion(level, &projects, &objections);
    ReportContent {
        format: FORMAT,
        code: input.code.to_owned(),
        title: format!("关于《{}》公示结果的报告", rev.title),
        notice: NoticePart {
            id: input.notice.id,
            title: rev.title.clone(),
            doc_number: input.notice.doc_number.clone(),
            revision_no: rev.revision_no,
            level: level.number(),
            level_label: level.label().to_owned(),
            starts_on: period.starts_on,
            ends_on: period.ends_on(),
            period_text: period.range_text(),
            channels: ChannelsPart {
                board_location: rev.board_location.clone().filter(|s| !s.trim().is_empty()),
                web: rev.web.then(|| input.notice_url.clone()),
                media: split_media(rev.media.as_deref().unwrap_or_default()),
            },
        },
        unit: UnitPart { id: input.unit.id, code: input.unit.code.clone(), name: input.unit.name.clone() },
        projects,
        objections,
        cases,
        conclusion,
        issued_on: input.issued_on,
        issued_on_text: date_zh(input.issued_on),
        verify_url: input.verify_url.clone(),
    }
}

/// A project's outcome: upheld if any objection to it was upheld, dismissed if any was
/// dismissed, otherwise no objection (refused and withdrawn objections decide nothing).
#[must_use]
pub fn outcome_of(project_id: i32, cases: &[Case]) -> Outcome {
    let mine = || cases.iter().filter(|c| c.project_id == Some(project_id));
    if mine().any(|c| c.status == Status::Upheld) {
        Outcome::Upheld
    } else if mine().any(|c| c.status == Status::Dismissed) {
        Outcome::Dismissed
    } else {
        Outcome::NoObjection
    }
}

fn project_part(item: &Item, cases: &[Case]) -> ProjectPart {
    let outcome = outcome_of(item.project_id, cases);
    let handling = cases
        .iter()
        .filter(|c| c.project_id == Some(item.project_id))
        .filter(|c| matches!(c.status, Status::Upheld | Status::Dismissed))
        .map(|c| c.summary.clone().unwrap_or_else(|| standard_summary(c)))
        .collect();
    ProjectPart {
        order: item.position,
        project_id: item.project_id,
        name: item.snapshot.name.clone(),
        units: item.snapshot.units.clone(),
        completers: item.snapshot.completer_names(),
        grade_label: item.snapshot.grade_label().map(str::to_owned),
        outcome,
        outcome_label: outcome.label().to_owned(),
        handling,
    }
}

/// What the report says of a case whose handlers wrote no public summary: its result in the
/// standard words (逾期不予受理, 异议不成立, …), nothing from any note.
fn standard_summary(c: &Case) -> String {
    match (c.status, c.refusal) {
        (Status::Refused, Some(reason)) => reason.refusal_label(),
        (status, _) => status.label().to_owned(),
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn tally(cases: &[Case]) -> Tally {
    let with = |s: Status| count(cases.iter().filter(|c| c.status == s).count());
    let mut refused: Vec<ReasonTally> = Vec::new();
    for c in cases.iter().filter(|c| c.status == Status::Refused) {
        let reason = c.refusal.map_or("其他", RefusalReason::label).to_owned();
        match refused.iter_mut().find(|r| r.reason == reason) {
            Some(r) => r.count += 1,
            None => refused.push(ReasonTally { reason, count: 1 }),
        }
    }
    Tally {
        received: count(cases.len()),
        accepted: count(cases.iter().filter(|c| c.accepted).count()),
        refused,
        upheld: with(Status::Upheld),
        dismissed: with(Status::Dismissed),
        withdrawn: with(Status::Withdrawn),
    }
}

/// How each case is written in the report; `names` are the projects' names by id.
#[must_use]
pub fn case_lines(cases: &[Case], names: &BTreeMap<i32, &str>) -> Vec<CaseLine> {
    cases
        .iter()
        .enumerate()
        .map(|(i, c)| CaseLine {
            seq: count(i + 1),
            // An objection to the notice as a whole (公示程序) names no project.
            project_name: match c.project_id {
                Some(p) => names.get(&p).map(|n| (*n).to_owned()),
                None => Some(crate::objections::service::WHOLE_NOTICE_NAME.to_owned()),
            },
            category: c.category.map_or("其他", Category::label).to_owned(),
            received_on: crate::china_time::day_of(c.received_at),
            result: c.status.code().to_owned(),
            result_label: c.status.label().to_owned(),
            refusal_reason: c.refusal.map(|r| r.label().to_owned()),
            summary: c.summary.clone().unwrap_or_else(|| standard_summary(c)),
        })
        .collect()
}

fn split_media(media: &str) -> Vec<String> {
    media
        .split(['、', ',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The 公示结论 paragraph.
#[must_use]
pub fn conclusion(level: Level, projects: &[ProjectPart], t: &Tally) -> String {
    let mut text = if t.received == 0 {
        "公示期间未收到异议。".to_owned()
    } else {
        let mut parts = vec![format!("受理{}件", t.accepted)];
        if t.refused_total() > 0 {
            parts.push(format!("不予受理{}件", t.refused_total()));
        }
        if t.withdrawn > 0 {
            parts.push(format!("异议人撤回{}件", t.withdrawn));
        }
        let mut s = format!("公示期间共收到异议{}件，其中{}", t.received, parts.join("、"));
        if t.upheld + t.dismissed > 0 {
            s.push_str(&format!("；经核查，异议成立{}件、异议不成立{}件", t.upheld, t.dismissed));
        }
        s.push('。');
        s
    };
    let by = |o: Outcome| projects.iter().filter(|p| p.outcome == o).count();
    let sentences: Vec<String> = [
        (by(Outcome::NoObjection), "公示无异议"),
        (by(Outcome::Dismissed), "有异议，经核查不成立"),
        (by(Outcome::Upheld), "异议成立，不予推荐"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n}个项目{what}"))
    .collect();
    text.push_str(&format!("本次公示共{}个项目，其中{}。", projects.len(), sentences.join("；")));
    if projects.iter().any(|p| p.outcome.is_clean()) {
        text.push_str(match level {
            Level::Province => "公示无异议或异议经核查不成立的项目，按程序报请审定。",
            Level::Applicant | Level::Recommender => "公示无异议或异议经核查不成立的项目，可按程序推荐申报。",
        });
    }
    if by(Outcome::Upheld) > 0 {
        text.push_str("异议成立的项目不予推荐，经更正后可再次公示。");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::content::{PublicCompleter, Snapshot};
    use chrono::TimeZone;

    fn case(id: i32, project: i32, status: Status) -> Case {
        Case {
            id,
            receipt_code: format!("CODE{id}"),
            project_id: Some(project),
            category: Some(Category::Personnel),
            status,
            refusal: (status == Status::Refused).then_some(RefusalReason::Late),
            received_at: Utc.with_ymd_and_hms(2025, 3, 11, 2, 0, 0).single().unwrap_or_default(),
            accepted: matches!(status, Status::Upheld | Status::Dismissed),
            summary: Some(format!("经核查，情况{id}")),
        }
    }

    fn item(pos: i32, project: i32, name: &str) -> Item {
        Item {
            id: pos,
            project_id: project,
            position: pos,
            snapshot: Snapshot {
                name: name.into(),
                units: vec!["国网武威供电公司".into()],
                completers: vec![PublicCompleter { name: "李明".into(), contribution: None, workload: None }],
                key_technology: None,
                ip_items: None,
                grade: Some("second".into()),
            },
        }
    }

    #[test]
    fn the_strongest_conclusion_decides_a_project() {
        let cases = [case(1, 7, Status::Dismissed), case(2, 7, Status::Upheld), case(3, 8, Status::Refused)];
        assert_eq!(outcome_of(7, &cases), Outcome::Upheld);
        assert_eq!(outcome_of(8, &cases), Outcome::NoObjection, "a refused objection decides nothing");
        assert_eq!(outcome_of(9, &cases), Outcome::NoObjection);
        assert_eq!(outcome_of(7, &cases[..1]), Outcome::Dismissed);
    }

    #[test]
    fn counts_break_refusals_down_by_reason() {
        let mut anon = case(4, 8, Status::Refused);
        anon.refusal = Some(RefusalReason::Anonymous);
        let cases = [case(1, 7, Status::Dismissed), case(2, 7, Status::Upheld), case(3, 8, Status::Refused), anon];
        let t = tally(&cases);
        assert_eq!((t.received, t.accepted, t.upheld, t.dismissed, t.withdrawn), (4, 2, 1, 1, 0));
        assert_eq!(
            t.refused,
            [ReasonTally { reason: "逾期".into(), count: 1 }, ReasonTally { reason: "匿名".into(), count: 1 }]
        );
    }

    #[test]
    fn the_conclusion_says_what_happened_and_what_follows() {
        let items = [item(1, 7, "甲"), item(2, 8, "乙")];
        let quiet: Vec<ProjectPart> = items.iter().map(|i| project_part(i, &[])).collect();
        let text = conclusion(Level::Applicant, &quiet, &Tally::default());
        assert_eq!(
            text,
            "公示期间未收到异议。本次公示共2个项目，其中2个项目公示无异议。公示无异议或异议经核查不成立的项目，可按程序推荐申报。"
        );
        let cases = [case(1, 7, Status::Upheld), case(2, 8, Status::Dismissed)];
        let parts: Vec<ProjectPart> = items.iter().map(|i| project_part(i, &cases)).collect();
        assert_eq!(parts[0].handling, ["经核查，情况1"]);
        let text = conclusion(Level::Recommender, &parts, &tally(&cases));
        assert!(text.starts_with("公示期间共收到异议2件，其中受理2件；经核查，异议成立1件、异议不成立1件。"), "{text}");
        assert!(text.contains("1个项目有异议，经核查不成立；1个项目异议成立，不予推荐"), "{text}");
        assert!(text.ends_with("异议成立的项目不予推荐，经更正后可再次公示。"), "{text}");
    }

    #[test]
    fn media_lists_split_on_the_usual_separators() {
        assert_eq!(split_media("武威日报、 甘肃工人报；武威电视台"), ["武威日报", "甘肃工人报", "武威电视台"]);
        assert!(split_media("  ").is_empty());
    }
}
