//! Projects (技术成果): the 登记表 data a unit declares, validated into a [`ProjectDraft`]
//! before anything touches the database.
pub mod admin;
pub mod admin_api;
pub mod admin_form;
pub mod handlers;
pub mod import;
pub mod preview;
pub mod service;
pub mod staff;
pub mod template;

pub use handlers::routes;

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// The five conditions of 二、申报条件.
pub const ELIGIBILITY: [&str; 5] = [
    "发明创造具有新颖性、先进性和实用性，并在本行业产生重要影响",
    "研制开发新工具、新产品具有省内先进以上水平，并取得显著成效",
    "技术革新和技术攻关取得显著成效",
    "对现有设备进行技术改造取得显著成效",
    "创新技术在职业安全与卫生和生态环境保护等方面起到显著作用",
];

/// Chinese ordinal for condition n (1..=5): (一) … (五).
#[must_use]
pub fn eligibility_label(n: i32) -> String {
    const NUM: [&str; 5] = ["一", "二", "三", "四", "五"];
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| Some(format!("（{}）{}", NUM.get(i)?, ELIGIBILITY.get(i)?)))
        .unwrap_or_default()
}

/// 奖励等级, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Special,
    First,
    Second,
    Third,
    Merit,
}

impl Grade {
    pub const ALL: [Grade; 5] = [Grade::Special, Grade::First, Grade::Second, Grade::Third, Grade::Merit];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Special => "special",
            Self::First => "first",
            Self::Second => "second",
            Self::Third => "third",
            Self::Merit => "merit",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Special => "特等奖",
            Self::First => "一等奖",
            Self::Second => "二等奖",
            Self::Third => "三等奖",
            Self::Merit => "优秀奖",
        }
    }

    /// 三等奖以上: the grades a level-3 notice may carry.
    #[must_use]
    pub fn is_third_or_above(self) -> bool {
        self <= Self::Third
    }

    /// Accepts the code or the Chinese name (with or without 奖).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|g| g.code() == s || g.label() == s || g.label().trim_end_matches('奖') == s)
    }
}

/// 论文、专著、专利、其他.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IpKind {
    Paper,
    Monograph,
    Patent,
    Other,
}

impl IpKind {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Paper => "paper",
            Self::Monograph => "monograph",
            Self::Patent => "patent",
            Self::Other => "other",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Paper => "论文",
            Self::Monograph => "专著",
            Self::Patent => "专利",
            Self::Other => "其他",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        [Self::Paper, Self::Monograph, Self::Patent, Self::Other].into_iter().find(|k| k.code() == s || k.label() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct CompleterDraft {
    pub name: String,
    #[serde(default)]
    pub work_unit: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub contribution: Option<String>,
    #[serde(default)]
    pub workload: Option<String>,
    /// Never public.
    #[serde(default)]
    pub phone: Option<String>,
    /// Never public.
    #[serde(default)]
    pub id_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IpItemDraft {
    pub kind: IpKind,
    pub title: String,
    #[serde(default)]
    pub reference: Option<String>,
}

/// A project as a unit declares it, already checked by [`ProjectDraft::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProjectDraft {
    /// The unit's own number for the project; re-importing the same key updates, never duplicates.
    #[serde(default)]
    pub import_key: String,
    pub name: String,
    pub completing_units: Vec<String>,
    pub completers: Vec<CompleterDraft>,
    pub key_technology: String,
    #[serde(default)]
    pub ip_items: Vec<IpItemDraft>,
    pub eligibility: i32,
    pub exclusions_declared: bool,
    #[serde(default)]
    pub proposed_grade: Option<Grade>,
    #[serde(default)]
    pub summary: Option<String>,
}

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 5000;

impl ProjectDraft {
    /// Checks every rule and returns every problem, each named by its Chinese column.
    ///
    /// # Errors
    /// The list of problems, never empty.
    pub fn validate(mut self) -> Result<Self, Vec<FieldError>> {
        self.name = self.name.trim().to_owned();
        self.key_technology = self.key_technology.trim().to_owned();
        self.completing_units = tidy_list(self.completing_units);
        if self.import_key.trim().is_empty() {
            self.import_key = self.name.clone();
        }
        self.import_key = self.import_key.trim().to_owned();
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        if self.name.is_empty() {
            fail("项目名称", "不能为空");
        } else if self.name.chars().count() > MAX_NAME_CHARS {
            fail("项目名称", "不能超过100个字");
        }
        if self.completing_units.is_empty() {
            fail("完成单位", "至少填写一个完成单位");
        }
        self.completers.retain(|c| !c.name.trim().is_empty());
        for c in &mut self.completers {
            c.name = c.name.trim().to_owned();
        }
        if self.completers.is_empty() {
            fail("完成人", "至少填写一位完成人");
        }
        for (i, c) in self.completers.iter().take(3).enumerate() {
            let ord = ["第一", "第二", "第三"][i];
            if c.contribution.as_deref().is_none_or(|s| s.trim().is_empty()) {
                fail(&format!("{ord}完成人贡献"), "前三位完成人须填写贡献");
            }
            if c.workload.as_deref().is_none_or(|s| s.trim().is_empty()) {
                fail(&format!("{ord}完成人工作量"), "前三位完成人须填写工作量");
            }
        }
        if self.key_technology.is_empty() {
            fail("关键技术与创新点", "不能为空");
        } else if self.key_technology.chars().count() > MAX_TEXT_CHARS {
            fail("关键技术与创新点", "不能超过5000个字");
        }
        if !(1..=5).contains(&self.eligibility) {
            fail("申报条件", "应为1至5（对应申报条件（一）至（五））");
        }
        if !self.exclusions_declared {
            fail("无不得推荐情形声明", "须声明不存在不得推荐申报的情形");
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

fn tidy_list(items: Vec<String>) -> Vec<String> {
    items.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProjectDraft {
        ProjectDraft {
            import_key: String::new(),
            name: "  智能巡检机器人  ".into(),
            completing_units: vec!["甲公司".into(), " ".into()],
            completers: vec![CompleterDraft {
                name: "张三".into(),
                contribution: Some("总体设计".into()),
                workload: Some("60%".into()),
                ..Default::default()
            }],
            key_technology: "多传感器融合".into(),
            ip_items: vec![],
            eligibility: 3,
            exclusions_declared: true,
            proposed_grade: None,
            summary: None,
        }
    }

    #[test]
    fn a_clean_draft_is_tidied() {
        let d = sample().validate().unwrap();
        assert_eq!(d.name, "智能巡检机器人");
        assert_eq!(d.import_key, "智能巡检机器人");
        assert_eq!(d.completing_units, vec!["甲公司"]);
    }

    #[test]
    fn every_problem_is_named_in_chinese() {
        let mut d = sample();
        d.name = String::new();
        d.eligibility = 9;
        d.exclusions_declared = false;
        d.completers[0].workload = None;
        let errors = d.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["项目名称", "第一完成人工作量", "申报条件", "无不得推荐情形声明"]);
        assert_eq!(errors[0].message, "不能为空");
    }

    #[test]
    fn grades_order_and_parse() {
        assert!(Grade::Third.is_third_or_above());
        assert!(!Grade::Merit.is_third_or_above());
        assert_eq!(Grade::parse("二等奖"), Some(Grade::Second));
        assert_eq!(Grade::parse("一等"), Some(Grade::First));
        assert_eq!(Grade::parse("merit"), Some(Grade::Merit));
        assert_eq!(eligibility_label(2).chars().take(3).collect::<String>(), "（二）");
    }
}
