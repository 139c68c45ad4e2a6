//! The report's wording, decided once so the PDF and the Word file say exactly the same thing.
//!
//! Both renderers lay out a [`ReportView`]; neither composes sentences of its own.
use serde::Serialize;

use crate::model::{ObjectionCounts, ReportDocument, chinese_date};

// Headings of the four parts, numbered the way Chinese official documents number them.
const SECTION_BASICS: &str = "一、公示基本情况";
const SECTION_PROJECTS: &str = "二、公示项目及结果";
const SECTION_OBJECTIONS: &str = "三、异议受理及处理情况";
const SECTION_CONCLUSION: &str = "四、公示结论";
const SEAL_LABEL: &str = "（盖章）";
const PROJECT_COLUMNS: [&str; 6] = ["序号", "项目名称", "完成单位", "完成人", "拟授奖等级", "公示结果"];
const COUNT_COLUMNS: [&str; 6] = ["收到异议", "受理", "不予受理", "异议成立", "异议不成立", "撤回"];
const OBJECTION_COLUMNS: [&str; 6] = ["序号", "所涉项目", "异议类别", "收到日期", "处理结果", "处理情况"];

#[derive(Debug, Serialize)]
pub(crate) struct ReportView {
    pub headings: Headings,
    pub title: String,
    pub notice_number: Option<String>,
    pub intro: String,
    /// (label, value) lines of part one.
    pub basics: Vec<(String, String)>,
    pub show_grade: bool,
    pub projects: Vec<ProjectRow>,
    pub objection_summary: String,
    /// The count table's one row, in [`COUNT_COLUMNS`] order.
    pub counts: [u32; 6],
    pub objections: Vec<ObjectionRow>,
    pub conclusion: String,
    pub unit_name: String,
    pub date: String,
    pub verification: VerificationView,
}

/// Fixed wording: section titles and table headings.
#[derive(Debug, Serialize)]
pub(crate) struct Headings {
    pub sections: [&'static str; 4],
    /// The project table's headings: the grade column only at level 3.
    pub projects: Vec<&'static str>,
    pub counts: [&'static str; 6],
    pub objections: [&'static str; 6],
    pub seal: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct ProjectRow {
    pub order: String,
    pub name: String,
    pub units: Vec<String>,
    pub completers: String,
    pub grade: String,
    pub outcome: String,
    pub summary: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ObjectionRow {
    pub seq: String,
    pub project: String,
    pub category: String,
    pub received_on: String,
    pub result: String,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct VerificationView {
    pub code: String,
    pub sha256: String,
    pub url: String,
    /// Whether there is an address to draw a QR code for.
    pub qr: bool,
    /// Lines printed beside the QR code.
    pub lines: Vec<String>,
}

impl ReportView {
    pub(crate) fn new(doc: &ReportDocument) -> Self {
        ReportView {
            headings: Headings {
                sections: [SECTION_BASICS, SECTION_PROJECTS, SECTION_OBJECTIONS, SECTION_CONCLUSION],
                projects: project_columns(doc.level.shows_proposed_grade()),
                counts: COUNT_COLUMNS,
                objections: OBJECTION_COLUMNS,
                seal: SEAL_LABEL,
            },
            title: doc.title.clone(),
            notice_number: doc.notice_number.clone().filter(|n| !n.trim().is_empty()),
            intro: intro(doc),
            basics: basics(doc),
            show_grade: doc.level.shows_proposed_grade(),
            projects: doc.projects.iter().map(project_row).collect(),
            objection_summary: objection_summary(&doc.objection_counts),
            counts: count_row(&doc.objection_counts),
            objections: doc.objections.iter().map(objection_row).collect(),
            conclusion: doc.conclusion.clone(),
            unit_name: doc.unit_name.clone(),
            date: chinese_date(doc.issued_on),
            verification: verification(doc),
        }
    }
}

/// The project table's headings: the grade column only at level 3.
fn project_columns(show_grade: bool) -> Vec<&'static str> {
    PROJECT_COLUMNS.iter().copied().filter(|c| show_grade || *c != "拟授奖等级").collect()
}

fn intro(doc: &ReportDocument) -> String {
    format!(
        "{}于{}对《{}》所列{}个项目进行了公示（{}）。现将公示结果报告如下：",
        doc.unit_name,
        doc.period,
        doc.notice_title,
        doc.projects.len(),
        doc.level.name
    )
}

fn basics(doc: &ReportDocument) -> Vec<(String, String)> {
    let mut lines = vec![("公示名称".to_owned(), format!("《{}》", doc.notice_title))];
    if let Some(number) = doc.notice_number.as_ref().filter(|n| !n.trim().is_empty()) {
        lines.push(("文号".to_owned(), number.clone()));
    }
    lines.push(("公示层级".to_owned(), format!("第{}级 {}", doc.level.number, doc.level.name)));
    lines.push(("公示期".to_owned(), doc.period.clone()));
    let channels = &doc.channels;
    if let Some(board) = channels.board_location.as_ref().filter(|b| !b.trim().is_empty()) {
        lines.push(("张榜公示".to_owned(), board.clone()));
    }
    if let Some(web) = channels.web_address.as_ref().filter(|w| !w.trim().is_empty()) {
        lines.push(("网上公示".to_owned(), web.clone()));
    }
    if !channels.media.is_empty() {
        lines.push(("媒体公示".to_owned(), channels.media.join("、")));
    }
    lines.push(("公示项目".to_owned(), format!("{}项", doc.projects.len())));
    lines
}

fn project_row(p: &crate::model::ProjectEntry) -> ProjectRow {
    ProjectRow {
        order: p.order.to_string(),
        name: p.name.clone(),
        units: p.units.clone(),
        completers: p.completers.join("、"),
        grade: p.proposed_grade.clone().unwrap_or_default(),
        outcome: p.outcome.label().to_owned(),
        summary: p.handling_summary.clone().filter(|s| !s.trim().is_empty()),
    }
}

fn objection_summary(c: &ObjectionCounts) -> String {
    if c.received == 0 {
        return "公示期间未收到异议。".to_owned();
    }
    let refused = c.refused_total();
    let mut text = format!("公示期间共收到异议{}件，其中受理{}件，不予受理{}件", c.received, c.accepted, refused);
    let reasons: Vec<String> =
        c.refused.iter().filter(|r| r.count > 0).map(|r| format!("{}{}件", r.reason, r.count)).collect();
    if !reasons.is_empty() {
        text.push_str(&format!("（{}）", reasons.join("，")));
    }
    text.push('。');
    if c.accepted > 0 || c.withdrawn > 0 {
        text.push_str(&format!(
            "经核查，异议成立{}件，异议不成立{}件；异议人撤回{}件。",
            c.upheld, c.dismissed, c.withdrawn
        ));
    }
    text
}

fn count_row(c: &ObjectionCounts) -> [u32; 6] {
    [c.received, c.accepted, c.refused_total(), c.upheld, c.dismissed, c.withdrawn]
}

fn objection_row(o: &crate::model::ObjectionRecord) -> ObjectionRow {
    let result = match o.refusal_reason.as_ref().filter(|r| !r.trim().is_empty()) {
        Some(reason) => format!("{}（{}）", o.result.label(), reason),
        None => o.result.label().to_owned(),
    };
    ObjectionRow {
        seq: o.seq.to_string(),
        project: o.project_name.clone().unwrap_or_else(|| "公示本身".to_owned()),
        category: o.category.clone(),
        received_on: o.received_on.map_or_else(|| "—".to_owned(), chinese_date),
        result,
        summary: o.summary.clone(),
    }
}

fn verification(doc: &ReportDocument) -> VerificationView {
    let v = &doc.verification;
    let mut lines = Vec::new();
    if !v.code.is_empty() {
        lines.push(format!("验证码：{}", v.code));
    }
    if !v.url.is_empty() {
        lines.push(format!("核验地址：{}", v.url));
    }
    if !v.sha256.is_empty() {
        lines.push(format!("报告 SHA-256：{}", v.sha256));
    }
    if !lines.is_empty() {
        lines.push("扫描二维码或访问核验地址，可查看本报告签发时的内容。".to_owned());
    }
    VerificationView {
        code: v.code.clone(),
        sha256: v.sha256.clone(),
        url: v.url.clone(),
        qr: !v.url.is_empty(),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReasonCount;

    #[test]
    fn a_quiet_notice_says_no_objection_was_received() {
        assert_eq!(objection_summary(&ObjectionCounts::default()), "公示期间未收到异议。");
    }

    #[test]
    fn refusals_are_broken_down_by_reason() {
        let counts = ObjectionCounts {
            received: 4,
            accepted: 1,
            refused: vec![
                ReasonCount { reason: "逾期".into(), count: 2 },
                ReasonCount { reason: "匿名".into(), count: 1 },
            ],
            upheld: 0,
            dismissed: 1,
            withdrawn: 0,
        };
        assert_eq!(
            objection_summary(&counts),
            "公示期间共收到异议4件，其中受理1件，不予受理3件（逾期2件，匿名1件）。经核查，异议成立0件，异议不成立1件；异议人撤回0件。"
        );
    }
}
