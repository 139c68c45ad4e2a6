//! A campaign as staff write it (the form, the API and `gongshi campaign create --file` take
//! the same JSON), and the checks it must pass before anything is saved. Every problem is
//! reported at once, under the field's JSON name, in Chinese.
use super::{CampaignSettings, Grade, LettersBy};
use crate::error::FieldError;
use chrono::NaiveDate;
use entity::units;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Where a campaign's fields are named otherwise than in [`crate::error::FIELD_LABELS`].
pub const FIELD_LABELS: &[(&str, &str)] = &[("code", "活动代码"), ("title", "活动名称"), ("starts_on", "活动开始日期")];

/// A campaign record with every setting. Omitted settings take the defaults of a new campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Short code used in addresses, e.g. `2026`
    #[schema(min_length = 1, max_length = 32, pattern = "^[A-Za-z0-9_-]+$")]
    pub code: String,
    /// 活动名称, e.g. 2026年度甘肃省职工技术成果征集活动
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(minimum = 2000, maximum = 2100)]
    #[serde(deserialize_with = "crate::web::integer::i32")]
    pub year: i32,
    /// 届次, e.g. 第十九届
    #[serde(default)]
    #[schema(max_length = 50)]
    pub edition: String,
    /// The source document's 文号, e.g. 甘总工办发〔2026〕8号
    #[serde(default)]
    pub doc_number: Option<String>,
    /// The source document's title
    #[serde(default)]
    pub doc_title: Option<String>,
    /// The day the campaign starts (发文日期); deadlines must fall after it
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// Open campaigns take new notices
    #[serde(default = "yes")]
    pub open: bool,
    /// 公示期, calendar days
    #[serde(default = "default_notice_days", deserialize_with = "crate::web::integer::i32")]
    #[schema(minimum = 1, maximum = 30)]
    pub notice_days: i32,
    /// When a notice closes on its last day: `24:00`, or e.g. `18:00` (00:01 to 24:00)
    #[serde(default = "default_closing_time")]
    #[schema(pattern = "^(00:(0[1-9]|[1-5][0-9])|(0[1-9]|1[0-9]|2[0-3]):[0-5][0-9]|24:00)$")]
    pub closing_time: String,
    /// Projects a unit recommends to the province 原则上 (more need a recorded reason)
    #[serde(default = "default_limit", deserialize_with = "crate::web::integer::i32")]
    #[schema(minimum = 1, maximum = 1000)]
    pub recommend_limit: i32,
    /// Days after the close to conclude objections
    #[serde(default = "default_handling_days", deserialize_with = "crate::web::integer::i32")]
    #[schema(minimum = 1, maximum = 365)]
    pub handling_days: i32,
    /// Days before a deadline (“…前报送”) the last report is planned, so the papers arrive in time
    #[serde(default = "default_margin_days", deserialize_with = "crate::web::integer::i32")]
    #[schema(minimum = 0, maximum = 30)]
    pub deadline_margin_days: i32,
    /// Days after a case's conclusion before the objector's identity is erased
    #[serde(default = "default_retention_days", deserialize_with = "crate::web::integer::i32")]
    #[schema(minimum = 1, maximum = 3650)]
    pub retention_days: i32,
    #[serde(default = "yes")]
    pub require_real_name: bool,
    #[serde(default)]
    pub refuse_without_evidence: bool,
    #[serde(default = "default_letters_by")]
    pub letters_by: LettersBy,
    /// The grades the campaign awards, highest first
    #[serde(default = "all_grades")]
    #[schema(min_items = 1)]
    pub award_grades: Vec<Grade>,
    /// The lowest grade the provincial notice lists (三等奖以上: `third`)
    #[serde(default = "default_min_grade")]
    pub province_min_grade: Grade,
    /// 报送期限: each belongs to the unit that receives the materials
    #[serde(default)]
    pub deadlines: Vec<DeadlineInput>,
    /// At least / at most N projects from a unit to the unit above it
    #[serde(default)]
    pub quotas: Vec<QuotaInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    /// The receiving unit's code, e.g. `WW`
    pub unit: String,
    pub due_on: NaiveDate,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaInput {
    /// The sending unit's code, e.g. `WW-LZ`; it sends to the unit directly above it
    pub unit: String,
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    #[schema(minimum = 0)]
    pub min: Option<i32>,
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    #[schema(minimum = 1)]
    pub max: Option<i32>,
}

fn yes() -> bool {
    true
}
fn default_notice_days() -> i32 {
    CampaignSettings::DEFAULT.notice_days
}
fn default_closing_time() -> String {
    closing_time_text(CampaignSettings::DEFAULT.closing_minute)
}
fn default_limit() -> i32 {
    CampaignSettings::DEFAULT.recommend_limit
}
fn default_handling_days() -> i32 {
    CampaignSettings::DEFAULT.handling_days
}
fn default_margin_days() -> i32 {
    CampaignSettings::DEFAULT.deadline_margin_days
}
fn default_retention_days() -> i32 {
    CampaignSettings::DEFAULT.retention_days
}
fn default_letters_by() -> LettersBy {
    CampaignSettings::DEFAULT.letters_by
}
fn all_grades() -> Vec<Grade> {
    Grade::ALL.to_vec()
}
fn default_min_grade() -> Grade {
    CampaignSettings::DEFAULT.province_min_grade
}

/// `HH:MM` for a minute of the day; 1440 is `24:00`.
#[must_use]
pub fn closing_time_text(minute: i32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The minute of the day a closing time names: `00:01` to `24:00`.
#[must_use]
pub fn closing_minute(text: &str) -> Option<i32> {
    let (h, m) = text.trim().split_once([':', '：'])?;
    let (h, m): (i32, i32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    let minute = h * 60 + m;
    ((0..60).contains(&m) && (1..=1440).contains(&minute)).then_some(minute)
}

/// A checked campaign: the settings, and the deadlines and quotas with their units found.
#[derive(Debug, Clone)]
pub struct Valid {
    pub input: CampaignInput,
    pub settings: CampaignSettings,
    pub deadlines: Vec<(i32, NaiveDate, Option<String>)>,
    /// (sending unit, receiving unit, min, max)
    pub quotas: Vec<(i32, i32, Option<i32>, Option<i32>)>,
}

impl CampaignInput {
    /// Checks every field against the rules and the unit tree (`units` by code).
    ///
    /// # Errors
    /// Every problem, each under its field's JSON name.
    pub fn validate(self, units: &HashMap<String, units::Model>) -> Result<Valid, Vec<FieldError>> {
        let mut errors = Vec::new();
        self.check_record(&mut errors);
        let closing = closing_minute(&self.closing_time);
        if closing.is_none() {
            errors.push(FieldError::new("closing_time", "截止时间应为00:01至24:00之间的时刻，如24:00或18:00"));
        }
        self.check_settings(&mut errors);
        let deadlines = self.deadlines_in(units, &mut errors);
        let quotas = self.quotas_in(units, &mut errors);
        if !errors.is_empty() {
            return Err(crate::error::labelled(errors, FIELD_LABELS));
        }
        let settings = CampaignSettings {
            notice_days: self.notice_days,
            closing_minute: closing.unwrap_or(1440),
            recommend_limit: self.recommend_limit,
            handling_days: self.handling_days,
            deadline_margin_days: self.deadline_margin_days,
            retention_days: self.retention_days,
            require_real_name: self.require_real_name,
            refuse_without_evidence: self.refuse_without_evidence,
            letters_by: self.letters_by,
            province_min_grade: self.province_min_grade,
        };
        Ok(Valid { input: self, settings, deadlines, quotas })
    }

    fn check_record(&self, errors: &mut Vec<FieldError>) {
        let code = self.code.trim();
        if code.is_empty()
            || code.chars().count() > 32
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(FieldError::new("code", "活动代码应为1至32个字母、数字、“-”或“_”，如2026"));
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new("title", "活动名称不能为空，且不超过200字"));
        }
        if !(2000..=2100).contains(&self.year) {
            errors.push(FieldError::new("year", "年度应在2000至2100之间"));
        }
        if self.edition.chars().count() > 50 {
            errors.push(FieldError::new("edition", "届次不超过50字"));
        }
        for (field, text) in [("doc_number", &self.doc_number), ("doc_title", &self.doc_title)] {
            if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
                errors.push(FieldError::new(field, "不超过200字"));
            }
        }
    }

    fn check_settings(&self, errors: &mut Vec<FieldError>) {
        let mut range = |field: &str, value: i32, lo: i32, hi: i32, what: &str| {
            if !(lo..=hi).contains(&value) {
                errors.push(FieldError::new(field, format!("{what}应在{lo}至{hi}之间")));
            }
        };
        range("notice_days", self.notice_days, 1, 30, "公示天数");
        range("recommend_limit", self.recommend_limit, 1, 1000, "推荐限额");
        range("handling_days", self.handling_days, 1, 365, "异议处理天数");
        range("deadline_margin_days", self.deadline_margin_days, 0, 30, "报送期限前预留天数");
        range("retention_days", self.retention_days, 1, 3650, "异议人身份信息保存天数");
        if self.award_grades.is_empty() {
            errors.push(FieldError::new("award_grades", "至少设一个奖励等级"));
        }
        let mut seen = Vec::new();
        for g in &self.award_grades {
            if seen.contains(g) {
                errors.push(FieldError::new("award_grades", format!("奖励等级“{}”重复", g.label())));
            }
            seen.push(*g);
        }
    }

    fn deadlines_in(
        &self,
        units: &HashMap<String, units::Model>,
        errors: &mut Vec<FieldError>,
    ) -> Vec<(i32, NaiveDate, Option<String>)> {
        let mut out = Vec::new();
        for (i, d) in self.deadlines.iter().enumerate() {
            let field = format!("deadlines[{i}]");
            let Some(unit) = units.get(d.unit.trim()) else {
                errors.push(FieldError::new(field, format!("报送期限{}：单位代码“{}”不存在", i + 1, d.unit)));
                continue;
            };
            if let Some(start) = self.starts_on.filter(|s| d.due_on < *s) {
                errors
                    .push(FieldError::new(field, format!("报送期限{}：{}早于活动开始日期{}", i + 1, d.due_on, start)));
                continue;
            }
            if d.description.as_ref().is_some_and(|t| t.chars().count() > 200) {
                errors.push(FieldError::new(field, format!("报送期限{}：说明不超过200字", i + 1)));
                continue;
            }
            let description = d.description.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
            out.push((unit.id, d.due_on, description));
        }
        out
    }

    fn quotas_in(
        &self,
        units: &HashMap<String, units::Model>,
        errors: &mut Vec<FieldError>,
    ) -> Vec<(i32, i32, Option<i32>, Option<i32>)> {
        let mut out = Vec::new();
        for (i, q) in self.quotas.iter().enumerate() {
            let field = format!("quotas[{i}]");
            let Some(unit) = units.get(q.unit.trim()) else {
                errors.push(FieldError::new(field, format!("推荐数量{}：单位代码“{}”不存在", i + 1, q.unit)));
                continue;
            };
            let Some(parent) = unit.parent_id else {
                errors.push(FieldError::new(
                    field,
                    format!("推荐数量{}：{}是最上级单位，没有可推荐的上级", i + 1, unit.name),
                ));
                continue;
            };
            let bad = q.min.is_some_and(|m| m < 0)
                || q.max.is_some_and(|m| m < 1)
                || matches!((q.min, q.max), (Some(lo), Some(hi)) if lo > hi)
                || (q.min.is_none() && q.max.is_none());
            if bad {
                errors.push(FieldError::new(
                    field,
                    format!("推荐数量{}：应给出不少于0的最少数或不少于1的最多数，且最少数不大于最多数", i + 1),
                ));
                continue;
            }
            out.push((unit.id, parent, q.min, q.max));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_times_run_from_one_minute_past_midnight_to_twenty_four_hundred() {
        assert_eq!(closing_minute("24:00"), Some(1440));
        assert_eq!(closing_minute("18:00"), Some(1080));
        assert_eq!(closing_minute("00:01"), Some(1));
        assert_eq!(closing_minute("00:00"), None);
        assert_eq!(closing_minute("24:01"), None);
        assert_eq!(closing_minute("25:00"), None);
        assert_eq!(closing_minute("18:60"), None);
        assert_eq!(closing_minute("晚上"), None);
        assert_eq!(closing_time_text(1440), "24:00");
        assert_eq!(closing_time_text(1080), "18:00");
    }
}

/// Reads a campaign from JSON, strictly: a field it does not know, a missing field or a value
/// of the wrong type is a 422 naming that field, never a silent default.
///
/// # Errors
/// `Validation` with one message naming the field.
pub fn from_json(value: serde_json::Value) -> crate::error::AppResult<CampaignInput> {
    serde_json::from_value(value).map_err(|e| crate::error::AppError::Validation(vec![json_error(&e.to_string())]))
}

fn json_error(text: &str) -> FieldError {
    let named = |prefix: &str| {
        let rest = &text[text.find(prefix)? + prefix.len()..];
        Some(rest[..rest.find('`')?].to_owned())
    };
    if let Some(name) = named("unknown field `") {
        return FieldError::new(name.clone(), format!("没有“{name}”这一项，请对照活动的字段说明检查拼写"));
    }
    if let Some(name) = named("missing field `") {
        return FieldError::new(name.clone(), format!("缺少必填项“{name}”"));
    }
    FieldError::new("json", format!("内容格式有误（{text}），日期写作2026-04-08，开关写作true或false"))
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn unknown_and_missing_fields_are_named() {
        let unknown = from_json(serde_json::json!({ "code": "2026", "title": "甲", "year": 2026, "colour": 1 }));
        let Err(crate::error::AppError::Validation(list)) = unknown else { panic!("refused") };
        assert_eq!(list[0].field, "colour");
        let missing = from_json(serde_json::json!({ "code": "2026", "year": 2026 }));
        let Err(crate::error::AppError::Validation(list)) = missing else { panic!("refused") };
        assert_eq!((list[0].field.as_str(), list[0].message.as_str()), ("title", "缺少必填项“title”"));
    }
}
