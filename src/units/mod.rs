//! Units (单位) as staff manage them: the tree, each unit's details and its contacts for
//! objections (printed in every notice the unit publishes).
pub mod api;
pub mod pages;
pub mod service;

use crate::error::{AppError, AppResult, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Type};

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

/// The label of a stored unit kind. The form and the API accept only [`KINDS`], so an unknown
/// code is a corrupt row (or one from a newer version): refused loudly, never shown as 其他.
///
/// # Errors
/// `Internal` (logged) for a kind this version does not know.
pub fn kind_label(code: &str) -> AppResult<&'static str> {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).ok_or_else(|| AppError::unknown_stored("unit kind", code))
}

pub const MAX_NAME_CHARS: usize = 60;

/// The labels the unit form shows beside each field the API names, where they differ from
/// the general ones of [`crate::error::FIELD_LABELS`].
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
        Err(AppError::invalid("code", "应为1至32位大写字母、数字或“-”（不以“-”开头），如 WW-LZ")
            .relabelled(FIELD_LABELS))
    }
}

/// A unit's kind, from [`KINDS`]; `province` only for the root, which stays what it is (so does
/// every other unit: asking to make one the province keeps its kind).
fn kind_schema(with_province: bool) -> utoipa::openapi::Object {
    let kinds = KINDS.iter().map(|(code, _)| *code).filter(|code| with_province || *code != "province");
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(kinds)).build()
}

fn child_kind_schema() -> utoipa::openapi::Object {
    kind_schema(false)
}

fn any_kind_schema() -> utoipa::openapi::Object {
    kind_schema(true)
}

// Every field reads with a default, so a missing one is a field error in Chinese from
// `validate`, not a bare 400; the document still says which ones a request must send. The edit
// form sends a `UnitInput` too; `service::update` leaves `parent_id` alone.

/// A new unit below `parent_id`, as the create form and the API send it. Text is trimmed before
/// it is checked (a name must not be blank); blank optional fields are stored as absent. A code
/// already in use answers 409.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[schema(as = NewUnitSchema)]
pub struct UnitInput {
    /// The unit it belongs to (one the caller may create units in)
    #[serde(default, deserialize_with = "crate::web::integer::option_i32")]
    #[schema(required, value_type = i32)]
    pub parent_id: Option<i32>,
    /// A kind below the province
    #[serde(default)]
    #[schema(required, schema_with = child_kind_schema)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetails,
}

/// A unit's details and contacts; its place in the tree does not change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = UnitChangeSchema)]
pub struct UnitChange {
    #[serde(default)]
    #[schema(required, schema_with = any_kind_schema)]
    pub kind: String,
    #[serde(flatten)]
    pub details: UnitDetails,
}

impl From<UnitChange> for UnitInput {
    fn from(change: UnitChange) -> Self {
        Self { parent_id: None, kind: change.kind, details: change.details }
    }
}

/// What a unit is called and how objections reach it, as created and as changed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[schema(as = UnitDetailsSchema)]
pub struct UnitDetails {
    #[serde(default)]
    #[schema(required, min_length = 1, max_length = 60, pattern = r"\S")]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub short_name: Option<String>,
    /// Stored in upper case, e.g. `WW-LZ`
    #[serde(default)]
    #[schema(required, pattern = "^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    pub code: String,
    /// Contact for objections, printed in the unit's notices
    #[serde(default)]
    #[schema(max_length = 40)]
    pub contact_person: Option<String>,
    #[serde(default)]
    #[schema(max_length = 40, pattern = r"^\s*[0-9+() （）转,，、-]*\s*$")]
    pub contact_phone: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100, pattern = r"^\s*([^@\s]+@[^\s.]\S*\.\S*[^\s.])?\s*$")]
    pub contact_email: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
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
        let d = &self.details;
        let mut errors = Vec::new();
        let name = d.name.trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "不能为空"));
        } else if d.name.chars().count() > MAX_NAME_CHARS {
            errors.push(FieldError::new("name", format!("不能超过{MAX_NAME_CHARS}个字")));
        }
        let kind = self.kind.trim().to_owned();
        if !KINDS.iter().any(|(c, _)| *c == kind) {
            errors.push(FieldError::new("kind", "请选择单位类别"));
        }
        let code = match parse_code(&d.code) {
            Ok(code) => code,
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                String::new()
            }
            Err(other) => return Err(other),
        };
        let short_name = optional(d.short_name.as_ref(), "short_name", 20, &mut errors);
        let contact_person = optional(d.contact_person.as_ref(), "contact_person", 40, &mut errors);
        let mut contact_phone = optional(d.contact_phone.as_ref(), "contact_phone", 40, &mut errors);
        if let Some(line) = contact_phone.as_deref() {
            match crate::phone::normalise_list(line) {
                Some(numbers) => contact_phone = Some(numbers),
                None => errors.push(FieldError::new(
                    "contact_phone",
                    "电话号码格式不正确：请填写手机号或带区号的固定电话（如 0935-2212345 转 801），多个号码用“、”分开",
                )),
            }
        }
        let contact_email = optional(d.contact_email.as_ref(), "contact_email", 100, &mut errors);
        if contact_email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            errors.push(FieldError::new("contact_email", "格式不正确"));
        }
        let contact_address = optional(d.contact_address.as_ref(), "contact_address", 200, &mut errors);
        if !errors.is_empty() {
            return Err(AppError::Validation(crate::error::labelled(errors, FIELD_LABELS)));
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
            details: UnitDetails { name: " 凉州区总工会 ".into(), code: "ww-lz".into(), ..Default::default() },
            ..Default::default()
        };
        let draft = input.validate().unwrap();
        assert_eq!(draft.name, "凉州区总工会");
        assert_eq!(draft.code, "WW-LZ");
        let bad = UnitInput {
            kind: "planet".into(),
            details: UnitDetails { code: "武威".into(), contact_email: Some("x@y".into()), ..Default::default() },
            ..Default::default()
        };
        let Err(AppError::Validation(errors)) = bad.validate() else { panic!("accepted") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "kind", "code", "contact_email"]);
        assert!(parse_code("-AB").is_err() && parse_code("ß").is_err(), "only what the pattern allows");
    }
}
