//! What an objector sends, checked into a [`Filing`] before anything is stored, and the two
//! rules that decide whether a well-formed filing is accepted for handling: in time, and not
//! anonymous. Both kinds of refusal are still recorded (see `service`).
use super::{Category, ObjectorKind, RefusalReason};
use crate::error::FieldError;
use crate::phone::PhoneNumber;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_CONTENT_CHARS: usize = 5000;
const MAX_NAME_CHARS: usize = 50;
const MAX_ORGANIZATION_CHARS: usize = 100;
const MAX_EMAIL_CHARS: usize = 254;

/// An objector's `name` is their own; the rest are named as [`crate::error::FIELD_LABELS`] does.
const FIELD_LABELS: &[(&str, &str)] = &[("name", "姓名")];

// The fields as typed, kept as text so a form can be shown again exactly as it was filled; the
// API document gives the types a request should send. Each field has its own serde default
// (a container default would put the empty values into the document as `default`).

/// An objection. Send as JSON, or as `multipart/form-data` with the same field names and up
/// to five evidence files in parts named `attachments` (PDF, JPEG, PNG, DOCX or XLSX, judged
/// by content, at most 10 MB each).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ObjectionRequest)]
pub struct FilingInput {
    /// `individual` or `organization`
    #[serde(default)]
    #[schema(required)]
    pub objector_kind: String,
    /// Real name (an individual's)
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub name: String,
    /// Phone; an individual gives a phone or an e-mail, an organisation a phone
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub phone: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: String,
    /// The objecting organisation's name
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub organization: String,
    /// The organisation's contact person
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub contact_person: String,
    /// One of the notice's projects
    #[serde(default)]
    #[schema(required, value_type = i32)]
    pub project_id: String,
    /// `personnel` | `merit` | `ip` | `eligibility` | `other`
    #[serde(default)]
    #[schema(required)]
    pub category: String,
    /// Plain text, at most 5,000 characters
    #[serde(default)]
    #[schema(required)]
    pub content: String,
    /// The objector declares the content truthful; must be true
    #[serde(default)]
    #[schema(required)]
    pub declaration: bool,
    /// Tell the objector by e-mail (to `email`) of each step of the handling, when the server
    /// sends mail
    #[serde(default)]
    pub notify_by_email: bool,
}

/// Who objects. Stored apart from the case, shown only to the staff handling it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub organization: Option<String>,
    pub contact_person: Option<String>,
}

/// A well-formed objection, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub objector_kind: ObjectorKind,
    pub identity: Identity,
    /// `None`: the objection is about the notice as a whole (公示程序).
    pub project_id: Option<i32>,
    pub category: Category,
    pub content: String,
    /// The objector asked to be told of each step by e-mail (and gave an address).
    pub notify_by_email: bool,
}

impl Filing {
    /// Real name (实名) means: an individual gives a name and a phone or e-mail; an organisation
    /// gives its name, a contact person and a phone.
    #[must_use]
    pub fn is_anonymous(&self) -> bool {
        !self.missing_identity().is_empty()
    }

    /// What real name still lacks, field by field.
    #[must_use]
    pub fn missing_identity(&self) -> Vec<FieldError> {
        let id = &self.identity;
        let mut missing = Vec::new();
        let mut lack = |absent: bool, field: &str, message: &str| {
            if absent {
                missing.push(FieldError::new(field, message));
            }
        };
        match self.objector_kind {
            ObjectorKind::Individual => {
                lack(id.name.is_none(), "name", "未填写真实姓名");
                lack(id.phone.is_none() && id.email.is_none(), "phone", "未填写电话或电子邮箱（至少一项）");
            }
            ObjectorKind::Organization => {
                lack(id.organization.is_none(), "organization", "未填写单位名称");
                lack(id.contact_person.is_none(), "contact_person", "未填写联系人");
                lack(id.phone.is_none(), "phone", "未填写联系电话");
            }
        }
        crate::error::labelled(missing, FIELD_LABELS)
    }
}

/// The campaign's rules an objection meets on arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrivalRules {
    /// 匿名异议不予受理: an objection without a real name and contact is recorded and refused.
    pub require_real_name: bool,
    /// An objection filed with no evidence at all is recorded and refused.
    pub refuse_without_evidence: bool,
}

impl ArrivalRules {
    /// The rules of the notice the objection is filed against.
    #[must_use]
    pub fn of(rules: &crate::campaigns::NoticeRules) -> Self {
        Self { require_real_name: rules.require_real_name, refuse_without_evidence: rules.refuse_without_evidence }
    }
}

/// Whether a well-formed filing received at `at` is refused on arrival, and why. In time
/// means received strictly before the close: at the closing instant it is late. Lateness
/// wins, then the campaign's rules: a late anonymous objection is late first, an anonymous one
/// without evidence anonymous first. `has_evidence`: files came with it (staff registering a
/// letter or a call judge the evidence themselves and pass `true`).
#[must_use]
pub fn refusal_on_arrival(
    filing: &Filing,
    closes_at: DateTime<Utc>,
    at: DateTime<Utc>,
    rules: ArrivalRules,
    has_evidence: bool,
) -> Option<RefusalReason> {
    if at >= closes_at {
        Some(RefusalReason::Late)
    } else if rules.require_real_name && filing.is_anonymous() {
        Some(RefusalReason::Anonymous)
    } else if rules.refuse_without_evidence && !has_evidence {
        Some(RefusalReason::NoEvidence)
    } else {
        None
    }
}

impl FilingInput {
    /// Checks the form against the notice's projects. Missing identity is not an error here:
    /// it makes the objection anonymous, which is recorded and refused, not turned away.
    ///
    /// # Errors
    /// Every problem, each under its field's API name with a Chinese message.
    pub fn validate(&self, notice_projects: &[i32]) -> Result<Filing, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: &str| errors.push(FieldError::new(field, message));
        let kind = ObjectorKind::parse(&self.objector_kind);
        if kind.is_none() {
            fail("objector_kind", "请选择以个人还是单位名义提出");
        }
        let phone = optional(&self.phone);
        let normalised_phone = phone.as_deref().map(PhoneNumber::parse);
        let identity = Identity {
            name: optional(&self.name),
            // Kept as a notice prints it (139 0931 0000, 0931-8123456 转 801).
            phone: match &normalised_phone {
                Some(Some(number)) => Some(number.display()),
                _ => phone,
            },
            email: optional(&self.email),
            organization: optional(&self.organization),
            contact_person: optional(&self.contact_person),
        };
        check_len(&mut fail, "name", "姓名", identity.name.as_deref(), MAX_NAME_CHARS);
        check_len(&mut fail, "contact_person", "联系人", identity.contact_person.as_deref(), MAX_NAME_CHARS);
        check_len(&mut fail, "organization", "单位名称", identity.organization.as_deref(), MAX_ORGANIZATION_CHARS);
        if matches!(normalised_phone, Some(None)) {
            fail(
                "phone",
                "电话号码格式不正确，请填写手机号（如 139 0931 0000）或带区号的固定电话（如 0931-8123456 转 801）",
            );
        }
        if identity.email.as_deref().is_some_and(|e| !is_email(e)) {
            fail("email", "电子邮箱格式不正确");
        }
        let category = Category::parse(&self.category);
        let project_id = match self.project_id.trim() {
            "" | WHOLE_NOTICE if category == Some(Category::Procedure) => Some(None),
            WHOLE_NOTICE => {
                fail("category", "对公示本身提出的异议，异议类别请选择“公示程序”");
                None
            }
            "" => {
                fail(
                    "project_id",
                    "请选择本公示中的一个项目；对公示本身（内容、期限等）提出异议的，请选择“对公示本身”",
                );
                None
            }
            raw => {
                let id = raw.parse::<i32>().ok().filter(|id| notice_projects.contains(id));
                if id.is_none() {
                    fail("project_id", "请选择本公示中的一个项目");
                }
                id.map(Some)
            }
        };
        if category.is_none() {
            fail("category", "请选择异议类别");
        }
        for (field, value) in [
            ("name", &self.name),
            ("organization", &self.organization),
            ("contact_person", &self.contact_person),
            ("content", &self.content),
        ] {
            if crate::projects::has_control_character(value) {
                fail(field, "不能包含控制字符（如 NUL），请删除后重试");
            }
        }
        let content = self.content.trim().replace("\r\n", "\n");
        if content.is_empty() {
            fail("content", "请填写异议内容");
        } else if content.chars().count() > MAX_CONTENT_CHARS {
            fail("content", "异议内容不能超过5000字");
        }
        if self.notify_by_email && identity.email.is_none() {
            fail("notify_by_email", "要接收邮件通知，请填写电子邮箱");
        }
        if !self.declaration {
            fail("declaration", "请确认所填内容真实，并承担相应责任");
        }
        match (kind, project_id, category) {
            (Some(objector_kind), Some(project_id), Some(category)) if errors.is_empty() => Ok(Filing {
                objector_kind,
                identity,
                project_id,
                category,
                content,
                notify_by_email: self.notify_by_email,
            }),
            _ => Err(crate::error::labelled(errors, FIELD_LABELS)),
        }
    }
}

fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn check_len(fail: &mut impl FnMut(&str, &str), field: &str, label: &str, value: Option<&str>, max: usize) {
    if value.is_some_and(|v| v.chars().count() > max) {
        fail(field, &format!("{label}不能超过{max}个字"));
    }
}

/// What the form sends for an objection to the notice as a whole instead of a project.
pub const WHOLE_NOTICE: &str = "whole";

/// A mobile number, a fixed line with area code (and extension), or a 400/800 number, as
/// people write them: see [`PhoneNumber`].
#[must_use]
pub fn is_phone(s: &str) -> bool {
    PhoneNumber::parse(s).is_some()
}

/// Loose on purpose: one @, something before, a dot in the domain, no spaces.
#[must_use]
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.len() <= MAX_EMAIL_CHARS
        && !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
        && !s.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input() -> FilingInput {
        FilingInput {
            objector_kind: "individual".into(),
            name: " 王五 ".into(),
            phone: "139-0931-0000".into(),
            project_id: "7".into(),
            category: "personnel".into(),
            content: "第二完成人未参与该项目。\r\n".into(),
            declaration: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_filing_is_tidied() {
        let f = input().validate(&[7, 8]).unwrap();
        assert_eq!(f.identity.name.as_deref(), Some("王五"));
        assert_eq!(f.content, "第二完成人未参与该项目。");
        assert!(!f.is_anonymous());
    }

    #[test]
    fn every_problem_is_reported_under_its_field() {
        let mut i = input();
        i.objector_kind = "robot".into();
        i.phone = "call me".into();
        i.email = "a@b".into();
        i.project_id = "9".into();
        i.category = String::new();
        i.content = "  ".into();
        i.declaration = false;
        let fields: Vec<_> = i.validate(&[7]).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["objector_kind", "phone", "email", "project_id", "category", "content", "declaration"]);
    }

    #[test]
    fn content_has_a_ceiling() {
        let mut i = input();
        i.content = "字".repeat(MAX_CONTENT_CHARS);
        assert!(i.validate(&[7]).is_ok());
        i.content.push('字');
        assert_eq!(i.validate(&[7]).unwrap_err()[0].message, "异议内容不能超过5000字");
    }

    #[test]
    fn real_name_needs_name_and_a_contact_or_for_an_organisation_all_three() {
        let mut i = input();
        i.phone.clear();
        assert!(i.validate(&[7]).unwrap().is_anonymous());
        i.email = "wang@example.cn".into();
        assert!(!i.validate(&[7]).unwrap().is_anonymous());
        i.name.clear();
        assert!(i.validate(&[7]).unwrap().is_anonymous());
        let mut org = input();
        org.objector_kind = "organization".into();
        org.organization = "某研究所".into();
        assert!(org.validate(&[7]).unwrap().is_anonymous(), "no contact person");
        org.contact_person = "赵六".into();
        assert!(!org.validate(&[7]).unwrap().is_anonymous());
    }

    fn filing_again() -> Filing {
        input().validate(&[7]).unwrap()
    }

    #[test]
    fn the_close_instant_itself_is_late() {
        let closes = Utc.with_ymd_and_hms(2025, 3, 14, 16, 0, 0).unwrap();
        let second = chrono::Duration::seconds(1);
        let filing = input().validate(&[7]).unwrap();
        let rules = ArrivalRules { require_real_name: true, refuse_without_evidence: false };
        assert_eq!(refusal_on_arrival(&filing, closes, closes - second, rules, false), None);
        assert_eq!(refusal_on_arrival(&filing, closes, closes, rules, false), Some(RefusalReason::Late));
        let mut anonymous = filing;
        anonymous.identity.name = None;
        let rules = ArrivalRules { require_real_name: true, refuse_without_evidence: true };
        assert_eq!(
            refusal_on_arrival(&filing_again(), closes, closes - second, rules, false),
            Some(RefusalReason::NoEvidence)
        );
        assert_eq!(refusal_on_arrival(&anonymous, closes, closes, rules, false), Some(RefusalReason::Late));
        assert_eq!(
            refusal_on_arrival(&anonymous, closes, closes - second, rules, false),
            Some(RefusalReason::Anonymous)
        );
        let lenient = ArrivalRules { require_real_name: false, refuse_without_evidence: false };
        assert_eq!(refusal_on_arrival(&anonymous, closes, closes - second, lenient, false), None);
        let evidence_only = ArrivalRules { require_real_name: false, refuse_without_evidence: true };
        assert_eq!(
            refusal_on_arrival(&anonymous, closes, closes - second, evidence_only, false),
            Some(RefusalReason::NoEvidence)
        );
        assert_eq!(refusal_on_arrival(&anonymous, closes, closes - second, evidence_only, true), None);
    }

    #[test]
    fn phones_and_emails_as_people_write_them() {
        for ok in ["13909310000", "+86 139 0931 0000", "0931-8123456", "(0935)2212345", "0931-8123456转801"] {
            assert!(is_phone(ok), "{ok}");
        }
        for bad in ["12345", "139O9310000", "tel:139"] {
            assert!(!is_phone(bad), "{bad}");
        }
        assert!(is_email("li.si@gs.example.cn"));
        assert!(!is_email("li si@example.cn"));
        assert!(!is_email("@example.cn"));
    }
}
