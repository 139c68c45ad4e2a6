//! Reports to render: realistic Chinese content, rare name characters, and hostile names.
use chrono::NaiveDate;
use report_docs::{
    Channels, Level, ObjectionCounts, ObjectionRecord, ObjectionResult, Outcome, ProjectEntry, ReasonCount,
    ReportDocument, Verification,
};

pub const UNIT: &str = "武威市总工会";
pub const CODE: &str = "R7KQ4M2XD";
pub const URL: &str = "https://gongshi.example.org/reports/R7KQ4M2XD";
pub const SHA256: &str = "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a";
/// A name that would be markup in typst and in HTML if it were ever pasted in unescaped.
pub const HOSTILE_NAME: &str = r"#[*强化*] $x^2$ \ _下划_ <script>alert(1)</script> @ref ~";
/// Rare characters (生僻字) people really have in their names, including CJK Extension B.
pub const RARE_COMPLETERS: [&str; 4] = ["刘䶮", "王堃", "张喆", "李𬱖"];

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub fn project_name(i: usize) -> String {
    format!("基于数字孪生的第{i}代输电线路智能巡检与缺陷诊断系统")
}

fn project(i: usize) -> ProjectEntry {
    let outcome = match i % 7 {
        3 => Outcome::ObjectionDismissed,
        5 => Outcome::ObjectionUpheld,
        _ => Outcome::NoObjection,
    };
    ProjectEntry {
        order: u32::try_from(i).unwrap_or(u32::MAX),
        name: project_name(i),
        units: vec![
            format!("国网甘肃省电力公司武威供电公司第{i}运维班"),
            "甘肃省交通规划勘察设计院股份有限公司".into(),
        ],
        completers: vec!["王建国".into(), "李秀英".into(), format!("赵{i}强"), "陈静".into()],
        proposed_grade: None,
        outcome,
        handling_summary: (outcome != Outcome::NoObjection)
            .then(|| "经调取原始记录并听取完成单位说明，已核实处理。".into()),
    }
}

/// A level-2 report on `count` projects, with objections handled in every way.
pub fn report(count: usize) -> ReportDocument {
    let mut projects: Vec<ProjectEntry> = (1..=count).map(project).collect();
    if let Some(first) = projects.first_mut() {
        first.completers.extend(RARE_COMPLETERS.iter().map(ToString::to_string));
    }
    ReportDocument {
        title: "关于《武威市2025年度职工技术创新成果推荐公示》公示结果的报告".into(),
        notice_title: "武威市2025年度职工技术创新成果推荐公示".into(),
        notice_number: Some("武工发〔2025〕7号".into()),
        level: Level { number: 2, name: "推荐单位公示".into() },
        period: "2025年3月10日至2025年3月14日".into(),
        channels: Channels {
            board_location: Some("武威市总工会办公楼一楼公示栏".into()),
            web_address: Some("https://gongshi.example.org/notices/12".into()),
            media: vec!["武威日报".into()],
        },
        projects,
        objection_counts: ObjectionCounts {
            received: 4,
            accepted: 2,
            refused: vec![
                ReasonCount { reason: "逾期".into(), count: 1 },
                ReasonCount { reason: "匿名".into(), count: 1 },
            ],
            upheld: 1,
            dismissed: 1,
            withdrawn: 0,
        },
        objections: vec![
            ObjectionRecord {
                seq: 1,
                project_name: Some(project_name(3)),
                category: "完成人/完成单位及排序".into(),
                received_on: Some(date(2025, 3, 11)),
                result: ObjectionResult::Dismissed,
                refusal_reason: None,
                summary: "核查完成人贡献记录，排序与实际贡献相符，异议不成立。".into(),
            },
            ObjectionRecord {
                seq: 2,
                project_name: None,
                category: "其他".into(),
                received_on: Some(date(2025, 3, 15)),
                result: ObjectionResult::Refused,
                refusal_reason: Some("逾期".into()),
                summary: "公示期结束后收到，按规定不予受理。".into(),
            },
        ],
        conclusion: "经公示，除异议成立的项目外，其余项目公示无异议或异议经核查不成立，同意推荐。".into(),
        unit_name: UNIT.into(),
        issued_on: date(2025, 4, 8),
        verification: Verification { code: CODE.into(), sha256: SHA256.into(), url: URL.into() },
    }
}

/// A level-3 report: each project carries its proposed grade.
pub fn provincial_report() -> ReportDocument {
    let mut doc = report(3);
    doc.level = Level { number: 3, name: "省总工会公示".into() };
    for (p, grade) in doc.projects.iter_mut().zip(["一等奖", "二等奖", "三等奖"]) {
        p.proposed_grade = Some(grade.into());
    }
    doc
}

/// Characters stripped before comparing, since layout may break or space text anywhere.
pub fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
