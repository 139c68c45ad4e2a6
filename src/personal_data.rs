//! Finding personal data in text about to be made public: resident ID numbers (18 characters,
//! with a valid check digit and birth date), mainland mobile numbers and e-mail addresses.
//! Applicants type free text that notices and reports print; before a publication, staff
//! remove what this finds or confirm, finding by finding, that it is not personal data.
//!
//! The 15-digit first-generation ID is not looked for: it stopped being valid in 2013 and has
//! no check digit, so any 15-digit serial or reference number would trip it.
use crate::error::AppError;
use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// What a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    IdNumber,
    Mobile,
    Email,
}

impl Kind {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::IdNumber => "身份证号码",
            Self::Mobile => "手机号码",
            Self::Email => "电子邮箱",
        }
    }
}

/// One match in one text: the kind and the matched text, normalised (half-width, no
/// separators, without a +86 prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub kind: Kind,
    pub text: String,
}

impl Match {
    /// The match with most of it hidden, for pages and the audit log.
    #[must_use]
    pub fn masked(&self) -> String {
        mask(self.kind, &self.text)
    }
}

static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[0-9]{17}[0-9Xx]").expect("pattern"));
static MOBILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:(?:\+|00)?86[ \-]?)?(1[3-9][0-9])[ \-]?([0-9]{4})[ \-]?([0-9]{4})").expect("pattern")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}").expect("pattern")
});

/// Every match in `text`, in the order found (ID numbers, then mobiles, then e-mails).
#[must_use]
pub fn find(text: &str) -> Vec<Match> {
    let text = half_width(text);
    let mut out = Vec::new();
    for m in ID.find_iter(&text) {
        if standalone(&text, m.start(), m.end()) && valid_id(m.as_str()) {
            out.push(Match { kind: Kind::IdNumber, text: m.as_str().to_ascii_uppercase() });
        }
    }
    for c in MOBILE.captures_iter(&text) {
        let whole = c.get_match();
        if standalone(&text, whole.start(), whole.end()) {
            out.push(Match { kind: Kind::Mobile, text: format!("{}{}{}", &c[1], &c[2], &c[3]) });
        }
    }
    for m in EMAIL.find_iter(&text) {
        out.push(Match { kind: Kind::Email, text: m.as_str().to_ascii_lowercase() });
    }
    out
}

/// Full-width digits, letters and signs typed on a Chinese keyboard read as their ASCII forms.
fn half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Not part of a longer run of digits or letters (a patent number, a serial).
fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_ascii_alphanumeric()) && !after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// GB 11643: a region starting 1–8, a real birth date from 1900 on, and the check digit.
fn valid_id(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let born = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d");
    if !born.is_ok_and(|d| d >= chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

/// 620***********123X, 139****0000, z***@example.com.
#[must_use]
pub fn mask(kind: Kind, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let keep = |head: usize, tail: usize| -> String {
        if chars.len() <= head + tail {
            return "*".repeat(chars.len());
        }
        let mut s: String = chars[..head].iter().collect();
        s.push_str(&"*".repeat(chars.len() - head - tail));
        s.extend(&chars[chars.len() - tail..]);
        s
    };
    match kind {
        Kind::IdNumber | Kind::Mobile => keep(3, 4),
        Kind::Email => match text.split_once('@') {
            Some((local, domain)) => {
                format!("{}***@{domain}", local.chars().next().map(String::from).unwrap_or_default())
            }
            None => "***".to_owned(),
        },
    }
}

/// A match in a named public field, with the id staff confirm it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    /// Stable while the text is unchanged: send it back to confirm this finding.
    pub id: String,
    /// `id_number`, `mobile` or `email`
    pub kind: String,
    /// 身份证号码 / 手机号码 / 电子邮箱
    pub kind_label: String,
    /// The field, in Chinese (完成人张三的贡献).
    pub field: String,
    /// The project the field belongs to, when it belongs to one.
    pub project: Option<String>,
    /// The match with most of it hidden.
    pub masked: String,
}

/// Scans public fields: each given as a stable key (which record and field), its Chinese
/// label, its project and its text. Matches in `allowed` (published on purpose, such as the
/// unit's own contact e-mail) are left out.
#[must_use]
pub fn scan<'a>(fields: impl IntoIterator<Item = Field<'a>>, allowed: &[Match]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in fields {
        for m in find(f.text) {
            if allowed.contains(&m) {
                continue;
            }
            let id = fingerprint(&f.key, &m);
            if out.iter().any(|o| o.id == id) {
                continue;
            }
            out.push(Finding {
                id,
                kind: serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                kind_label: m.kind.label().to_owned(),
                field: f.label.clone(),
                project: f.project.map(str::to_owned),
                masked: m.masked(),
            });
        }
    }
    out
}

/// A public field to scan.
pub struct Field<'a> {
    pub key: String,
    pub label: String,
    pub project: Option<&'a str>,
    pub text: &'a str,
}

fn fingerprint(key: &str, m: &Match) -> String {
    let digest = Sha256::digest(format!("{key}\u{0}{:?}\u{0}{}", m.kind, m.text).as_bytes());
    hex::encode(&digest[..8])
}

/// The findings not among the confirmed ids.
#[must_use]
pub fn unconfirmed<'a>(findings: &'a [Finding], confirmed: &[String]) -> Vec<&'a Finding> {
    findings.iter().filter(|f| !confirmed.iter().any(|c| c.trim() == f.id)).collect()
}

/// The refusal naming each finding not yet confirmed: 409 with the findings as
/// `personal_data` (`what` is being refused, `verb` the act: 公示/发布, 公示结果报告/出具).
#[must_use]
pub fn refusal(unconfirmed: &[&Finding], what: &str, verb: &str) -> AppError {
    AppError::Conflict {
        message: format!("{what}中有{}处疑似个人信息，须删除或逐项确认不是个人信息后才能{verb}", unconfirmed.len()),
        detail: Some(serde_json::json!({ "personal_data": unconfirmed, "explanation": EXPLANATION })),
    }
}

/// What the audit log keeps of a confirmation: the field, the project and the masked match.
#[must_use]
pub fn confirmation_detail(f: &Finding) -> String {
    let project = f.project.as_deref().map(|p| format!("《{p}》")).unwrap_or_default();
    format!("确认不是个人信息：{project}{}中的{} {}", f.field, f.kind_label, f.masked)
}

/// The Chinese explanation shown above the findings.
pub const EXPLANATION: &str = "公示内容中发现疑似个人信息（身份证号码、手机号码或电子邮箱）。\
完成人、异议人的身份证号码、联系电话等个人信息不得公开。请修改相关内容删除这些信息；\
如确认某项不是个人信息（例如单位的公开联系方式），请逐项勾选确认后再提交，确认将记入操作日志。";

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        find(text).into_iter().map(|m| (m.kind, m.text)).collect()
    }

    #[test]
    fn an_id_number_with_its_check_digit_is_found_and_a_wrong_one_is_not() {
        // 11010519491231002X is the standard's own example.
        assert_eq!(kinds("身份证11010519491231002X。"), [(Kind::IdNumber, "11010519491231002X".into())]);
        assert_eq!(kinds("身份证11010519491231002x"), [(Kind::IdNumber, "11010519491231002X".into())]);
        assert_eq!(kinds("620102199001011233"), [(Kind::IdNumber, "620102199001011233".into())]);
        for wrong in ["620102199001011234", "110105194912310021", "620102199001011236"] {
            assert!(kinds(wrong).is_empty(), "{wrong}");
        }
    }

    #[test]
    fn an_id_number_inside_a_longer_run_or_with_a_false_date_or_region_is_not() {
        assert!(kinds("6201021990010112330").is_empty(), "19 digits");
        assert!(kinds("A620102199001011233").is_empty(), "part of a code");
        assert!(kinds("ZL202421234567.8").is_empty(), "a patent number");
        // Each of these has a matching check digit: region 9, born 1890, month 13.
        for not in ["920102199001011234", "620102189001011234", "620102199013011230"] {
            assert!(kinds(not).is_empty(), "{not}");
        }
    }

    #[test]
    fn full_width_digits_are_read_as_digits() {
        assert_eq!(kinds("１３９１２３４５６７８"), [(Kind::Mobile, "13912345678".into())]);
    }

    #[test]
    fn mobiles_with_prefix_and_separators_are_found() {
        for text in
            ["13912345678", "+86 139 1234 5678", "+86-139-1234-5678", "008613912345678", "电话：139-1234-5678。"]
        {
            assert_eq!(kinds(text), [(Kind::Mobile, "13912345678".into())], "{text}");
        }
        for not in ["12912345678", "1391234567", "139123456789", "0935-5810529", "2139123456789"] {
            assert!(kinds(not).is_empty(), "{not}");
        }
    }

    #[test]
    fn e_mail_addresses_are_found() {
        assert_eq!(kinds("联系zhang.san@example.com.cn谢谢"), [(Kind::Email, "zhang.san@example.com.cn".into())]);
        assert!(kinds("用@符号").is_empty());
        assert!(kinds("a@b").is_empty());
    }

    #[test]
    fn masks_hide_the_middle() {
        assert_eq!(mask(Kind::IdNumber, "11010519491231002X"), "110***********002X");
        assert_eq!(mask(Kind::Mobile, "13912345678"), "139****5678");
        assert_eq!(mask(Kind::Email, "zhang@example.com"), "z***@example.com");
    }

    #[test]
    fn findings_have_stable_ids_and_allowed_matches_are_left_out() {
        let field = |text| Field { key: "p1.key".into(), label: "关键技术".into(), project: Some("甲"), text };
        let a = scan([field("13912345678 x@y.cn")], &[]);
        let b = scan([field("13912345678 x@y.cn")], &[]);
        assert_eq!(a.len(), 2);
        assert_eq!(a, b);
        let allowed = find("x@y.cn");
        assert_eq!(scan([field("13912345678 x@y.cn")], &allowed).len(), 1);
        assert_eq!(unconfirmed(&a, &[a[0].id.clone()]).len(), 1);
        assert!(unconfirmed(&a, &[a[0].id.clone(), a[1].id.clone()]).is_empty());
    }
}
