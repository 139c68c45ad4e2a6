//! Units (单位) as staff manage them: the tree, each unit's details and its contacts for
//! objections (printed in every notice the unit publishes).
pub mod api;
pub mod api_schema;
pub mod pages;
pub mod service;
pub mod workbench;

use crate::error::{AppError, AppResult, FieldError};
use serde::{Deserialize, Serialize};

/// The kinds of unit in the tree, with their Chinese names.
pub const KINDS: [(&str, &str); 9] = [
    ("province", "省总工会"),
    ("city", "市州总工会"),
    ("new_area", "兰州新区工会"),
    ("industry", "省级产业工会"),
    ("organs", "省直机关工会工委"),
    ("enterprise", "大企业工会"),
    ("county", "县区总工会"),
    ("grassroots_group", "市直基层工会"),
    ("applicant", "申报单位"),
];

#[must_use]
pub fn kind_label(code: &str) -> &'static str {
    KINDS.iter().find(|(c, _)| *c == code).map_or("其他", |(_, l)| l)
}

pub const MAX_NAME_CHARS: usize = 60;

/// The labels the unit form shows beside each field the API names.
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("parent_id", "上级单位"),
    ("kind", "单位类别"),
    ("name", "单位名称"),
    ("short_name", "简称"),
    ("code", "单位代码"),
    ("contact_person", "异议联系人"),
    ("contact_phone", "联系电话"),
    ("contact_email", "电子邮箱"),
    ("contact_address", "通信地址"),
];

/// A unit code: 1–32 of A–Z, 0–9 and `-`, not starting with `-`, e.g. `WW-LZ`. Stored in upper
/// case (only ASCII letters fold, so the code is exactly what the document's pattern allows).
///
/// # Errors
/// A validation error in Chinese.
pub fn parse_code(raw: &str) -> AppResult<String> {
    let code = raw.trim().to_ascii_uppercase();
    let ok = !code.is_empty()
        && code.len() <= 32
        && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if ok {
        Ok(code)
    } else {
        Err(AppError::invalid("code", "应为1至32位大写字母、数字或“-”（不以“-”开头），如 WW-LZ"))
    }
}

/// A unit's details as typed (form or JSON; the API's shapes are `NewUnitSchema` and
/// `UnitChangeSchema` in [`crate::openapi::admin`]).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct UnitInput {
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    pub parent_id: Option<i32>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub contact_person: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_address: Option<String>,
}

/// A unit's details, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDraft {
    pub kind: String,
    pub name: String,
    pub short_name: Option<String>,
    pub code: String,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub contact_address: Option<String>,
}

/// Lengths count what was sent, spaces included, so a limit is the document's `maxLength`.
fn optional(value: Option<&String>, field: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let raw = value?;
    if raw.chars().count() > max {
        errors.push(FieldError::new(field, format!("不能超过{max}个字")));
    }
    Some(raw.trim().to_owned()).filter(|s| !s.is_empty())
}

impl UnitInput {
    /// Checks every field and reports every problem.
    ///
    /// # Errors
    /// The list of problems.
    pub fn validate(&self) -> AppResult<UnitDraft> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "不能为空"));
        } else if self.name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::new("name", format!("不能超过{MAX_NAME_CHARS}个字")));
        }
        let kind = self.kind.trim().to_owned();
        if !KINDS.iter().any(|(c, _)| *c == kind) {
            errors.push(FieldError::new("kind", "请选择单位类别"));
        }
        let code = match parse_code(&self.code) {
            Ok(code) => code,
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                String::new()
            }
            Err(other) => return Err(other),
        };
        let short_name = optional(self.short_name.as_ref(), "short_name", 20, &mut errors);
        let contact_person = optional(self.contact_person.as_ref(), "contact_person", 40, &mut errors);
        let contact_phone = optional(self.contact_phone.as_ref(), "contact_phone", 40, &mut errors);
        if contact_phone
            .as_deref()
            .is_some_and(|p| !p.chars().all(|c| c.is_ascii_digit() || "-+ ()（）转,，、".contains(c)))
        {
            errors.push(FieldError::new("contact_phone", "只能包含数字、空格和“-”"));
        }
        let contact_email = optional(self.contact_email.as_ref(), "contact_email", 100, &mut errors);
        if contact_email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            errors.push(FieldError::new("contact_email", "格式不正确"));
        }
        let contact_address = optional(self.contact_address.as_ref(), "contact_address", 200, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(UnitDraft { kind, name, short_name, code, contact_person, contact_phone, contact_email, contact_address })
    }
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_is_checked_field_by_field() {
        let input = UnitInput {
            kind: "county".into(),
            name: " 凉州区总工会 ".into(),
            code: "ww-lz".into(),
            ..Default::default()
        };
        let draft = input.validate().unwrap();
        assert_eq!(draft.name, "凉州区总工会");
        assert_eq!(draft.code, "WW-LZ");
        let bad = UnitInput {
            kind: "planet".into(),
            code: "武威".into(),
            contact_email: Some("x@y".into()),
            ..Default::default()
        };
        let Err(AppError::Validation(errors)) = bad.validate() else { panic!("accepted") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "code", "contact_email"]);
        assert!(parse_code("-AB").is_err() && parse_code("ß").is_err(), "only what the pattern allows");
    }
}
