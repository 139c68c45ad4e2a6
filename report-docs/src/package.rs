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
