//! The submission package (报送材料) a recommending unit sends up: each recommended project's
//! 登记表, the 推荐汇总表 and the 公示结果报告 the recommendations rest on, as plain data.
//!
//! The caller decides what goes in (only projects whose report still stands) and words every
//! fact; the templates own the headings, the form's layout and the declaration's wording.
use serde::{Deserialize, Serialize};

use crate::ReportDocument;

/// One project's 登记表, every field of the record as declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationForm {
    /// The form's name, e.g. 甘肃省职工优秀技术创新成果登记表.
    pub form_title: String,
    /// The campaign, e.g. 2025年度甘肃省职工技术成果征集.
    pub campaign: String,
    /// 申报编号: the applicant unit's own number for the project.
    pub reference: String,
    pub name: String,
    /// 申报单位: the unit that declared it.
    pub applicant_unit: String,
    /// 推荐单位: the unit sending the form up.
    pub recommending_unit: String,
    /// 完成单位, in order.
    pub units: Vec<String>,
    /// 完成人, in order.
    pub completers: Vec<FormCompleter>,
    /// 申报条件 as worded in the call, e.g. （三）技术革新和技术攻关取得显著成效.
    pub eligibility: String,
    /// 拟推荐等级, when the applicant asked for one.
    pub proposed_grade: Option<String>,
    /// 关键技术与创新点.
    pub key_technology: String,
    /// 项目简介, when declared.
    pub summary: Option<String>,
    /// 论文、专著、专利等知识产权, in order.
    pub ip_items: Vec<FormIpItem>,
    /// The excluding circumstances of the call, one per entry, each declared absent.
    pub exclusions: Vec<String>,
    pub exclusions_declared: bool,
}

/// A completer as the form lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormCompleter {
    pub name: String,
    pub work_unit: Option<String>,
    pub job_title: Option<String>,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    /// Stated by the first three.
    pub contribution: Option<String>,
    pub workload: Option<String>,
}

/// One intellectual-property item: 论文, 专著, 专利 or 其他.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormIpItem {
    pub kind: String,
    pub title: String,
    pub reference: Option<String>,
}

/// The 推荐汇总表's columns, in order: the sheet the app exports and the one the package prints.
pub const SUMMARY_HEADERS: [&str; 14] = [
    "序号",
    "项目名称",
    "完成单位",
    "完成人",
    "申报条件",
    "推荐等级",
    "申报单位公示公示期",
    "申报单位公示公示结果",
    "推荐单位公示公示期",
    "推荐单位公示公示结果",
    "省总工会公示公示期",
    "省总工会公示公示结果",
    "推荐至",
    "备注",
];

/// The 推荐汇总表 as printed: a title, the unit and date, and the rows under [`Self::headers`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummarySheet {
    pub title: String,
    pub unit_name: String,
    pub made_on: String,
    pub headers: Vec<String>,
    /// Each row's cells, as many as `headers`.
    pub rows: Vec<Vec<String>>,
}

/// A recommended project the package leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    pub name: String,
    pub reason: String,
}

/// Everything one unit sends up in one campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionPackage {
    /// e.g. 2025年度甘肃省职工技术成果征集报送材料.
    pub title: String,
    pub unit_name: String,
    /// The unit it goes to.
    pub to_unit: String,
    pub made_on: String,
    pub forms: Vec<RegistrationForm>,
    pub summary: SummarySheet,
    pub reports: Vec<ReportDocument>,
    pub left_out: Vec<LeftOut>,
}

impl SubmissionPackage {
    /// A package of `forms` projects and one report, for benchmarks and examples.
    #[must_use]
    pub fn sample(forms: usize) -> Self {
        let form = |i: usize| RegistrationForm {
            form_title: "甘肃省职工优秀技术创新成果登记表".to_owned(),
            campaign: "2025年度甘肃省职工技术成果征集活动".to_owned(),
            reference: format!("LZ-2025-{i:02}"),
            name: format!("第{i}代输电线路智能巡检与缺陷诊断系统"),
            applicant_unit: "国网武威供电公司".to_owned(),
            recommending_unit: "凉州区总工会".to_owned(),
            units: vec!["国网武威供电公司".to_owned(), "武威职业学院".to_owned()],
            completers: ["王建国", "刘䶮", "张喆", "李秀英"]
                .iter()
                .enumerate()
                .map(|(n, name)| FormCompleter {
                    name: (*name).to_owned(),
                    work_unit: Some("国网武威供电公司运维检修部".to_owned()),
                    job_title: Some("高级工程师".to_owned()),
                    phone: Some(format!("1390935{i:02}{n:02}")),
                    id_number: None,
                    contribution: (n < 3).then(|| "负责巡检终端研制与现场试验".to_owned()),
                    workload: (n < 3).then(|| format!("占项目工作量{}%", 40 - n * 10)),
                })
                .collect(),
            eligibility: "（三）技术革新和技术攻关取得显著成效".to_owned(),
            proposed_grade: Some("二等奖".to_owned()),
            key_technology: "采用多源数据融合的缺陷识别算法，研制便携式巡检终端，现场识别准确率达97%。".repeat(4),
            summary: Some("项目针对山区输电线路巡检难的问题，研制了智能巡检系统。".to_owned()),
            ip_items: vec![FormIpItem {
                kind: "专利".to_owned(),
                title: "一种输电线路缺陷识别装置".to_owned(),
                reference: Some("ZL202410000001.2".to_owned()),
            }],
            exclusions: vec!["已获得省职工技术成果奖励的".to_owned(), "存在知识产权争议的".to_owned()],
            exclusions_declared: true,
        };
        let forms: Vec<RegistrationForm> = (1..=forms).map(form).collect();
        let row = |f: &RegistrationForm| {
            let mut cells = vec![f.reference.clone(), f.name.clone(), f.units.join("、"), "王建国、刘䶮".to_owned()];
            cells.extend([f.eligibility.clone(), "二等奖".to_owned()]);
            cells.extend(["2025年3月10日至2025年3月14日".to_owned(), "公示无异议".to_owned()]);
            cells.extend(["2025年3月17日至2025年3月21日".to_owned(), "公示无异议".to_owned()]);
            cells.extend(["—".to_owned(), "—".to_owned(), "武威市总工会".to_owned(), String::new()]);
            cells
        };
        SubmissionPackage {
            title: "2025年度甘肃省职工技术成果征集活动报送材料".to_owned(),
            unit_name: "凉州区总工会".to_owned(),
            to_unit: "武威市总工会".to_owned(),
            made_on: "2025年3月25日".to_owned(),
            summary: SummarySheet {
                title: "2025年度甘肃省职工技术成果征集活动推荐汇总表".to_owned(),
                unit_name: "凉州区总工会".to_owned(),
                made_on: "2025年3月25日".to_owned(),
                headers: SUMMARY_HEADERS.map(str::to_owned).to_vec(),
                rows: forms.iter().map(row).collect(),
            },
            forms,
            reports: vec![ReportDocument::warm_up_sample()],
            left_out: vec![LeftOut {
                name: "燃煤热水锅炉烟气余热深度回收技术改造".to_owned(),
                reason: "所依据的申报单位公示结果报告R7KQ4M2XD已失效：该公示已被撤销，本报告不再作为推荐依据"
                    .to_owned(),
            }],
        }
    }
}
