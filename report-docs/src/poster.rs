//! The notice poster (张榜公告): a published notice typeset for a board, on the paper asked for.
//!
//! Plain data, as the notice reads: the caller owns every fact and its wording (title, period,
//! the projects' fields, the unit's contacts); the template owns the headings and layout.
use serde::{Deserialize, Serialize};

use crate::Level;

/// The paper a poster is set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Paper {
    /// A4 portrait, the usual board sheet.
    #[default]
    #[serde(rename = "a4")]
    A4,
    /// A4 landscape: wider tables.
    #[serde(rename = "a4l")]
    A4Landscape,
    /// A3 portrait: larger type for a board read from a distance.
    #[serde(rename = "a3")]
    A3,
}

impl Paper {
    /// Every paper with its name in URLs.
    pub const ALL: [Paper; 3] = [Paper::A4, Paper::A4Landscape, Paper::A3];

    /// `a4`, `a4l` or `a3`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::A4Landscape => "a4l",
            Paper::A3 => "a3",
        }
    }

    /// The paper named by `code` (`a4`, `a4l`, `a3`), or `None`.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Paper> {
        Paper::ALL.into_iter().find(|p| p.code() == code)
    }

    /// How it reads in Chinese, for file names and links.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A4Landscape => "A4横向",
            Paper::A3 => "A3",
        }
    }
}

/// One notice as a poster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterDocument {
    /// The notice's title.
    pub title: String,
    /// 文号, when the notice has one.
    pub doc_number: Option<String>,
    /// The publishing unit.
    pub unit_name: String,
    /// 1 (applicant unit, long texts), 2 (recommending unit) or 3 (the review's proposed grades).
    pub level: Level,
    /// The period as the notice writes it, with its close: "公示期：2025年3月10日至2025年3月16日17时（7个自然日）".
    pub period: String,
    /// Notes above the list, as written: withdrawal, correction.
    pub notes: Vec<String>,
    pub projects: Vec<PosterProject>,
    pub objection: HowToObject,
    /// The notice's live address, printed and drawn as the QR code on every page.
    pub url: String,
    /// The date under the unit's name at the end ("2025年3月10日").
    pub date: String,
}

/// A project with the fields its level shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PosterProject {
    /// 序号 or 推荐排序.
    pub position: u32,
    pub name: String,
    /// 完成单位, in order.
    pub units: Vec<String>,
    /// 完成人, in order.
    pub completers: Vec<String>,
    /// Level 3: the proposed grade (拟评等级).
    pub grade: Option<String>,
    /// Level 1: the first completers' contribution and workload.
    pub contributions: Vec<Contribution>,
    /// Level 1: 关键技术与创新点.
    pub key_technology: Option<String>,
    /// Level 1: 知识产权, one line each ("发明专利：名称（号）").
    pub ip: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub name: String,
    pub contribution: Option<String>,
    pub workload: Option<String>,
}

/// How to object, and to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HowToObject {
    /// The objection rules the notice was published under, one sentence each.
    pub rules: Vec<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

impl PosterDocument {
    /// The sentence that opens the notice: who publishes how many projects.
    #[must_use]
    pub fn intro(&self) -> String {
        format!("{}（{}）对以下{}个项目予以公示，接受社会监督。", self.unit_name, self.level.name, self.projects.len())
    }

    /// How to object, as one paragraph: the standing rule, the notice's own rules, the protection.
    #[must_use]
    pub fn objection_paragraph(&self) -> String {
        let mut text = format!(
            "公示期内，任何单位和个人对公示项目有异议的，可向{}提出；逾期或不属于异议范围的不予受理。",
            self.unit_name
        );
        for rule in &self.objection.rules {
            text.push_str(rule);
        }
        text.push_str("异议人身份予以保护。");
        text
    }

    /// The unit's contacts, two to a line ("联系人：王老师　电话：0931-…"); empty ones left out.
    #[must_use]
    pub fn contact_lines(&self) -> Vec<String> {
        let o = &self.objection;
        let contact = |label: &str, value: &Option<String>| {
            value.as_deref().filter(|v| !v.trim().is_empty()).map(|v| format!("{label}：{v}"))
        };
        [
            [contact("联系人", &o.contact_person), contact("电话", &o.phone)],
            [contact("电子邮箱", &o.email), contact("地址", &o.address)],
        ]
        .into_iter()
        .map(|pair| pair.into_iter().flatten().collect::<Vec<_>>().join("　　"))
        .filter(|line| !line.is_empty())
        .collect()
    }

    /// Per project, the labelled rows printed beside its name: all of them at level 1, the units
    /// and completers at levels 2 and 3 (where the grade, if any, is printed on its own).
    #[must_use]
    pub fn project_rows(&self) -> Vec<Vec<(&'static str, Vec<String>)>> {
        let rows = if self.level.number == 1 { usize::MAX } else { 2 };
        self.projects.iter().map(|p| p.detail_rows().into_iter().take(rows).collect()).collect()
    }

    /// The projects table's column heads at levels 2 and 3.
    #[must_use]
    pub fn table_heads(&self) -> Vec<&'static str> {
        let mut heads = vec![if self.level.number == 2 { "推荐排序" } else { "序号" }, "项目名称"];
        if self.level.number == 3 {
            heads.push("拟评等级");
        }
        heads.extend(["完成单位及排序", "完成人及排序"]);
        heads
    }

    /// A small poster for warming up and examples.
    #[must_use]
    pub fn sample(level: u8, projects: usize) -> Self {
        let name = ["", "申报单位", "推荐单位", "省总工会"][usize::from(level.min(3))].to_owned();
        PosterDocument {
            title: "关于2025年度职工技术创新成果推荐项目的公示".to_owned(),
            doc_number: Some("甘工创〔2025〕3号".to_owned()),
            unit_name: "甘肃省示例工会委员会".to_owned(),
            level: Level { number: level, name },
            period: "公示期：2025年3月10日至2025年3月16日17时（7个自然日）".to_owned(),
            notes: Vec::new(),
            projects: (1..=projects).map(|i| PosterProject::sample(i, level)).collect(),
            objection: HowToObject {
                rules: vec!["异议须以书面形式提出，并写明异议理由。".to_owned()],
                contact_person: Some("王老师".to_owned()),
                phone: Some("0931-8888888".to_owned()),
                email: Some("gongshi@example.cn".to_owned()),
                address: Some("兰州市城关区示例路1号".to_owned()),
            },
            url: "https://gongshi.example.cn/notices/1".to_owned(),
            date: "2025年3月10日".to_owned(),
        }
    }
}

impl PosterProject {
    /// 完成单位, numbered as the notice orders them ("1.兰州理工大学").
    #[must_use]
    pub fn numbered_units(&self) -> Vec<String> {
        self.units.iter().enumerate().map(|(i, u)| format!("{}.{u}", i + 1)).collect()
    }

    /// Level 1: the labelled rows of one project's block, each value as lines.
    #[must_use]
    pub fn detail_rows(&self) -> Vec<(&'static str, Vec<String>)> {
        let mut rows = vec![("完成单位", self.numbered_units()), ("完成人", vec![self.completers.join("、")])];
        if !self.contributions.is_empty() {
            let line = |c: &Contribution| {
                let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
                format!("{}：{}（{}）", c.name, or_dash(&c.contribution), or_dash(&c.workload))
            };
            rows.push(("前三位完成人贡献和工作量", self.contributions.iter().map(line).collect()));
        }
        rows.push(("关键技术与创新点", vec![self.key_technology.clone().unwrap_or_else(|| "—".to_owned())]));
        rows.push(("知识产权情况", if self.ip.is_empty() { vec!["无".to_owned()] } else { self.ip.clone() }));
        rows
    }

    fn sample(i: usize, level: u8) -> Self {
        let long = level == 1;
        PosterProject {
            position: u32::try_from(i).unwrap_or(0),
            name: format!("输电线路覆冰在线监测与智能预警系统研制（{i}）"),
            units: vec!["国网甘肃省电力公司兰州供电公司".to_owned(), "兰州理工大学".to_owned()],
            completers: ["张三", "李四", "王五", "赵六", "孙七"].map(str::to_owned).to_vec(),
            grade: (level == 3).then(|| "一等奖".to_owned()),
            contributions: if long {
                ["张三", "李四", "王五"]
                    .map(|n| Contribution {
                        name: n.to_owned(),
                        contribution: Some("负责总体方案设计与关键算法研究，组织现场试验".to_owned()),
                        workload: Some("占本人工作量60%".to_owned()),
                    })
                    .to_vec()
            } else {
                Vec::new()
            },
            key_technology: long.then(|| {
                "研制了基于拉力与倾角融合的覆冰厚度在线计算模型，提出了多源气象数据驱动的覆冰增长预测方法，\
                 实现了覆冰风险的分级预警与融冰决策支持，在省内12条线路推广应用。"
                    .to_owned()
            }),
            ip: if long {
                vec!["发明专利：一种输电线路覆冰厚度监测方法（ZL202110000000.1）".to_owned()]
            } else {
                Vec::new()
            },
        }
    }
}
