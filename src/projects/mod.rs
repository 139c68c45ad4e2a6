//! Projects (技术成果): the 登记表 data a unit declares, validated into a [`ProjectDraft`]
//! before anything touches the database.
pub mod import;
pub mod pages;
pub mod personal;
pub mod preview;
pub mod review_grade;
pub mod service;
pub mod staff_api;
pub mod staff_form;
pub mod staff_pages;
pub mod staff_service;
pub mod template;
pub mod xlsx_guard;

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{AllOfBuilder, ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{Array, Ref};

/// The five conditions of 二、申报条件.
pub const ELIGIBILITY: [&str; 5] = [
    "发明创造具有新颖性、先进性和实用性，并在本行业产生重要影响",
    "研制开发新工具、新产品具有省内先进以上水平，并取得显著成效",
    "技术革新和技术攻关取得显著成效",
    "对现有设备进行技术改造取得显著成效",
    "创新技术在职业安全与卫生和生态环境保护等方面起到显著作用",
];

/// The circumstances excluding a project (均不得推荐申报), which the declaring unit states do not
/// apply (`exclusions_declared`); the 登记表 prints them beside that declaration.
pub const EXCLUSIONS: [&str; 6] = [
    "已获得省职工技术成果奖励的",
    "核心技术已获省科学技术奖励的",
    "存在知识产权争议的",
    "各级政府部门出资立项的",
    "涉及技术秘密和国家安全的",
    "其他法律法规禁止申报的项目",
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

/// 奖励等级: a campaign's grades, kept with the campaign.
pub use crate::campaigns::Grade;

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

/// A completer (完成人). Names are trimmed and must not be blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleterDraft {
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub work_unit: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub contribution: Option<String>,
    #[serde(default)]
    pub workload: Option<String>,
    /// Never public.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub phone: Option<String>,
    /// Never public.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub id_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IpItemDraft {
    pub kind: IpKind,
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub reference: Option<String>,
}

/// A project as a unit declares it (the 登记表), checked by [`ProjectDraft::validate`]. Text
/// is trimmed before it is checked; unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectDraft {
    /// The unit's own number for the project; re-importing the same key updates, never
    /// duplicates. Blank: the name. Kept as it is by an update.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub import_key: String,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// In order; none blank
    #[schema(schema_with = completing_units_schema)]
    pub completing_units: Vec<String>,
    /// In order; none blank. The first three also state their contribution and workload.
    #[schema(schema_with = completers_schema)]
    pub completers: Vec<CompleterDraft>,
    #[schema(min_length = 1, max_length = 5000, pattern = r"\S")]
    pub key_technology: String,
    #[serde(default)]
    pub ip_items: Vec<IpItemDraft>,
    /// Which of the five conditions of 二、申报条件, (一) to (五)
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub eligibility: i32,
    /// The unit declares that none of the excluding circumstances applies: must be true
    #[schema(schema_with = must_be_true)]
    pub exclusions_declared: bool,
    #[serde(default)]
    pub proposed_grade: Option<Grade>,
    #[serde(default)]
    pub summary: Option<String>,
    /// 超额推荐理由: read only when a higher unit's file receives the project from below and
    /// the unit has reached its limit of recommendations; ignored elsewhere.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub over_limit_reason: Option<String>,
}

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 5000;
/// The short fields (申报编号, units, completers' name, work unit, title, phone, ID number, an
/// IP item's number): within what every engine stores.
pub const MAX_SHORT_CHARS: usize = 100;

fn not_blank() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).min_length(Some(1)).pattern(Some(r"\S"))
}

fn completing_units_schema() -> Array {
    ArrayBuilder::new().items(not_blank()).min_items(Some(1)).build()
}

fn completers_schema() -> Array {
    let leading = || {
        AllOfBuilder::new().item(Ref::from_schema_name("CompleterDraft")).item(
            ObjectBuilder::new()
                .property("contribution", not_blank())
                .property("workload", not_blank())
                .required("contribution")
                .required("workload"),
        )
    };
    ArrayBuilder::new()
        .prefix_items([leading(), leading(), leading()])
        .items(Ref::from_schema_name("CompleterDraft"))
        .min_items(Some(1))
        .build()
}

fn must_be_true() -> utoipa::openapi::Object {
    ObjectBuilder::new().schema_type(Type::Boolean).enum_values(Some([true])).build()
}

/// The 登记表 column a field is, as pages and import reports name it: `name` is 项目名称,
/// `completers[1].workload` is 第二完成人工作量, `completing_units[2]` is 完成单位.
#[must_use]
pub fn column(field: &str) -> String {
    const COLUMNS: [(&str, &str); 11] = [
        ("import_key", "申报编号"),
        ("name", "项目名称"),
        ("completing_units", "完成单位"),
        ("completers", "完成人"),
        ("key_technology", "关键技术与创新点"),
        ("ip_items", "知识产权"),
        ("eligibility", "申报条件"),
        ("exclusions_declared", "无不得推荐情形声明"),
        ("proposed_grade", "拟推荐等级"),
        ("summary", "项目简介"),
        ("campaign_id", "征集活动"),
    ];
    let head = field.split(['[', '.']).next().unwrap_or(field);
    let index = field.split_once('[').and_then(|(_, r)| r.split_once(']')).and_then(|(i, _)| i.parse::<usize>().ok());
    let ord = index.and_then(|i| ["第一", "第二", "第三"].get(i));
    match (head, ord, field.rsplit_once('.').map(|(_, sub)| sub)) {
        ("completers", Some(ord), Some("contribution")) => format!("{ord}完成人贡献"),
        ("completers", Some(ord), Some("workload")) => format!("{ord}完成人工作量"),
        _ => COLUMNS.iter().find(|(f, _)| *f == head).map_or(field, |(_, c)| *c).to_owned(),
    }
}

/// Field errors labelled by their 登记表 column (see [`column`]).
#[must_use]
pub fn by_column(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors.into_iter().map(|e| FieldError { label: column(&e.field), ..e }).collect()
}

/// Whether text holds a control character other than tab and line breaks: a NUL cannot be
/// stored by PostgreSQL at all, and none of them belongs in a 登记表.
#[must_use]
pub fn has_control_character(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Every text field of the draft holding a control character, named as in [`ProjectDraft`]'s
/// JSON (`completers[0].name`).
fn control_characters(draft: &ProjectDraft) -> Vec<FieldError> {
    fn walk(value: &serde_json::Value, path: &str, out: &mut Vec<FieldError>) {
        match value {
            serde_json::Value::String(s) if has_control_character(s) => {
                out.push(FieldError::new(path, "不能包含控制字符（如 NUL），请删除后重试"));
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    let path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                    walk(item, &path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(draft) {
        walk(&value, "", &mut out);
    }
    out
}

/// Drops leading and trailing white space without a new allocation.
fn trim_in_place(s: &mut String) {
    s.truncate(s.trim_end().len());
    let leading = s.len() - s.trim_start().len();
    s.drain(..leading);
}

impl ProjectDraft {
    /// Checks every rule and returns every problem, each named by its JSON field
    /// (`completers[0].workload`; [`column`] gives the 登记表 column). Blank entries in a list
    /// are problems too: forms and files drop theirs before they get here.
    ///
    /// # Errors
    /// The list of problems, never empty.
    pub fn validate(mut self) -> Result<Self, Vec<FieldError>> {
        // Lengths count what was sent, spaces included: the document's maxLength.
        let name_too_long = self.name.chars().count() > MAX_NAME_CHARS;
        let text_too_long = self.key_technology.chars().count() > MAX_TEXT_CHARS;
        let short_too_long: Vec<String> = self
            .short_fields()
            .into_iter()
            .filter(|(_, value)| value.chars().count() > MAX_SHORT_CHARS)
            .map(|(field, _)| field)
            .collect();
        trim_in_place(&mut self.name);
        trim_in_place(&mut self.key_technology);
        for u in &mut self.completing_units {
            trim_in_place(u);
        }
        for c in &mut self.completers {
            trim_in_place(&mut c.name);
        }
        if self.import_key.trim().is_empty() {
            self.import_key.clone_from(&self.name);
        }
        trim_in_place(&mut self.import_key);
        let mut errors = control_characters(&self);
        let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        if self.name.is_empty() {
            fail("name", "不能为空");
        } else if name_too_long {
            fail("name", "不能超过100个字");
        }
        if self.completing_units.is_empty() {
            fail("completing_units", "至少填写一个完成单位");
        }
        for (i, _) in self.completing_units.iter().enumerate().filter(|(_, u)| u.is_empty()) {
            fail(&format!("completing_units[{i}]"), "完成单位不能为空");
        }
        if self.completers.is_empty() {
            fail("completers", "至少填写一位完成人");
        }
        for (i, c) in self.completers.iter().enumerate() {
            if c.name.is_empty() {
                fail(&format!("completers[{i}].name"), "完成人姓名不能为空");
            }
            if i < 3 && c.contribution.as_deref().is_none_or(|s| s.trim().is_empty()) {
                fail(&format!("completers[{i}].contribution"), "前三位完成人须填写贡献");
            }
            if i < 3 && c.workload.as_deref().is_none_or(|s| s.trim().is_empty()) {
                fail(&format!("completers[{i}].workload"), "前三位完成人须填写工作量");
            }
        }
        for field in &short_too_long {
            fail(field, "不能超过100个字");
        }
        if self.key_technology.is_empty() {
            fail("key_technology", "不能为空");
        } else if text_too_long {
            fail("key_technology", "不能超过5000个字");
        }
        if !(1..=5).contains(&self.eligibility) {
            fail("eligibility", "应为1至5（对应申报条件（一）至（五））");
        }
        if !self.exclusions_declared {
            fail("exclusions_declared", "须声明不存在不得推荐申报的情形");
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    /// Every short field that is filled in, by its JSON name.
    fn short_fields(&self) -> Vec<(String, &str)> {
        let mut out = vec![("import_key".to_owned(), self.import_key.as_str())];
        for (i, u) in self.completing_units.iter().enumerate() {
            out.push((format!("completing_units[{i}]"), u));
        }
        for (i, c) in self.completers.iter().enumerate() {
            out.push((format!("completers[{i}].name"), &c.name));
            for (name, value) in [
                ("work_unit", &c.work_unit),
                ("job_title", &c.job_title),
                ("phone", &c.phone),
                ("id_number", &c.id_number),
            ] {
                if let Some(v) = value {
                    out.push((format!("completers[{i}].{name}"), v));
                }
            }
        }
        for (i, item) in self.ip_items.iter().enumerate() {
            if let Some(r) = &item.reference {
                out.push((format!("ip_items[{i}].reference"), r));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ProjectDraft {
        ProjectDraft {
            import_key: String::new(),
            name: "  智能巡检机器人  ".into(),
            completing_units: vec![" 甲公司 ".into()],
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
            over_limit_reason: None,
        }
    }

    #[test]
    fn trimming_in_place_drops_white_space_at_both_ends_only() {
        for (raw, trimmed) in
            [("  智能 巡检\u{3000}", "智能 巡检"), ("\t甲\n", "甲"), ("", ""), (" \u{3000} ", ""), ("乙", "乙")]
        {
            let mut s = raw.to_owned();
            trim_in_place(&mut s);
            assert_eq!(s, trimmed, "{raw:?}");
        }
    }

    #[test]
    fn short_fields_are_limited_to_what_every_engine_stores() {
        let mut d = sample();
        d.completers[0].id_number = Some("1".repeat(MAX_SHORT_CHARS + 1));
        d.completing_units.push("单".repeat(MAX_SHORT_CHARS + 1));
        let fields: Vec<String> = d.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["completing_units[1]", "completers[0].id_number"]);
        let mut d = sample();
        d.completers[0].name = "名".repeat(MAX_SHORT_CHARS);
        assert!(d.validate().is_ok(), "exactly the limit is fine");
    }

    #[test]
    fn every_error_of_an_overlong_draft_names_its_field_in_chinese() {
        let long = "长".repeat(MAX_SHORT_CHARS + 1);
        let mut d = sample();
        d.completing_units[0].clone_from(&long);
        d.completers[0].work_unit = Some(long.clone());
        d.ip_items.push(IpItemDraft { kind: IpKind::Paper, title: "论文".into(), reference: Some(long) });
        let errors = d.validate().unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        for e in &errors {
            assert!(!e.label.chars().any(|c| c.is_ascii_alphabetic()), "{} is labelled {:?}", e.field, e.label);
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
    fn every_problem_is_named_by_its_field_and_explained_in_chinese() {
        let mut d = sample();
        d.name = String::new();
        d.eligibility = 9;
        d.exclusions_declared = false;
        d.completers[0].workload = None;
        d.completing_units.push(" ".into());
        let errors = d.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "completing_units[1]", "completers[0].workload", "eligibility", "exclusions_declared"]
        );
        assert_eq!(errors[0].message, "不能为空");
        let columns: Vec<_> = by_column(errors).into_iter().map(|e| e.label).collect();
        assert_eq!(columns, ["项目名称", "完成单位", "第一完成人工作量", "申报条件", "无不得推荐情形声明"]);
        assert_eq!(column("completers[4].workload"), "完成人");
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
