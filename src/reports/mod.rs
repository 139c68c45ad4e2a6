//! 公示结果报告 (the publicity result report): issued by the publishing unit for one notice once
//! it has closed and every objection on it is concluded; immutable once issued; verified by
//! anyone through its code, hash and QR code; superseded, project by project, when a project is
//! noticed again at the same level (再次公示).
//!
//! The domain core (`content`: the report's wording and outcomes; `readiness`: what still
//! blocks issuing) is pure or read-only; `service` issues and reads; `document` prints through
//! the `report-docs` crate; `pages`, `admin`, `api` and `cli` are the edges.
pub mod alerts;
pub mod api;
pub mod content;
pub mod document;
pub mod ledger;
pub mod pages;
pub mod readiness;
pub mod service;
pub mod staff_api;
pub mod staff_pages;
pub mod staff_service;

pub use content::ReportContent;
pub use readiness::Blocker;
pub use service::{Issued, issue, issue_as};

use rand::Rng;
use serde::{Deserialize, Serialize};

/// What became of one project on a notice. The first two are clean: they let the project go
/// up a level (`crate::notices::gate::CLEAN_OUTCOMES` holds the same codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 公示无异议
    NoObjection,
    /// 有异议，经核查不成立
    Dismissed,
    /// 异议成立，不予推荐
    Upheld,
}

impl Outcome {
    /// The code stored in `report_outcomes.outcome`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::NoObjection => "no_objection",
            Self::Dismissed => "dismissed",
            Self::Upheld => "upheld",
        }
    }

    /// The wording the report prints.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::NoObjection => "公示无异议",
            Self::Dismissed => "有异议，经核查不成立",
            Self::Upheld => "异议成立，不予推荐",
        }
    }

    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        [Self::NoObjection, Self::Dismissed, Self::Upheld].into_iter().find(|o| o.code() == code)
    }

    #[must_use]
    pub fn is_clean(self) -> bool {
        self != Self::Upheld
    }
}

/// Digits and capitals without 0/O, 1/I/L: a printed code read aloud or typed back is never
/// ambiguous.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// 8 characters, about 40 bits: short enough to type from a printed copy, unique by the
/// database's index (a clash is retried).
pub const CODE_LEN: usize = 8;

/// A fresh verification code, e.g. `7KQM3R9D`.
#[must_use]
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_LEN).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// A code as people type it (lower case, spaces, hyphens) in its stored form, or `None` when it
/// cannot be one.
#[must_use]
pub fn parse_code(input: &str) -> Option<String> {
    let code: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_codes_are_the_ones_the_gate_reads() {
        for o in [Outcome::NoObjection, Outcome::Dismissed, Outcome::Upheld] {
            assert_eq!(Outcome::parse(o.code()), Some(o));
            assert_eq!(crate::notices::gate::CLEAN_OUTCOMES.contains(&o.code()), o.is_clean(), "{o:?}");
        }
        assert_eq!(Outcome::Dismissed.label(), "有异议，经核查不成立");
    }

    #[test]
    fn codes_are_unambiguous_and_typed_back_generously() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(parse_code(&code), Some(code.clone()));
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        }
        assert_eq!(parse_code(" 7kqm-3r9d "), Some("7KQM3R9D".into()));
        assert_eq!(parse_code("7KQM3R9"), None);
        assert_eq!(parse_code("7KQM3R9O"), None);
        assert_eq!(parse_code("../etc/pa"), None);
    }
}
