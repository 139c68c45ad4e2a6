//! Objections (异议): the rules of docs/RULES.md ("Objections", "Objection handling") turned into types. A case moves through
//! [`Status`] only along [`Status::can_move_to`]; everything about storage, HTTP and privacy
//! lives in the submodules.
pub mod api;
pub mod attachments;
pub mod codes;
pub mod filing;
pub mod group_commit;
pub mod identity;
pub mod ledger;
pub mod lookup;
pub mod notify;
pub mod openapi;
pub mod pages;
pub mod queue;
pub mod quota;
pub mod reminders;
pub mod retention;
pub mod service;
pub mod staff_api;
pub mod staff_pages;
pub mod submit;
pub mod summary;
pub mod throttle;
pub mod upload;
pub mod views;
pub mod workflow;

use serde::{Deserialize, Serialize};

/// Declares a closed set of codes with their Chinese labels: `code()` is what is stored and
/// what the API speaks, `label()` what people read, `parse()` accepts either.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            #[must_use]
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            #[must_use]
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.code() == s || v.label() == s)
            }

            /// A code read from the database: one this version does not know is an error,
            /// never a guess.
            ///
            /// # Errors
            /// `Internal` (logged) for an unknown code.
            pub fn stored(s: &str) -> crate::error::AppResult<Self> {
                Self::parse(s).ok_or_else(|| crate::error::AppError::unknown_stored(stringify!($name), s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

coded! {
    /// Where a case stands.
    Status {
        Received => "received", "已接收";
        Accepted => "accepted", "已受理";
        Refused => "refused", "不予受理";
        Investigating => "investigating", "核查中";
        Upheld => "upheld", "异议成立";
        Dismissed => "dismissed", "异议不成立";
        Withdrawn => "withdrawn", "已撤回";
    }
}

impl Status {
    /// The handling workflow: 已接收 → 已受理 / 不予受理 → 核查中 → 异议成立 / 异议不成立, and
    /// 已撤回 from any open state. Nothing leaves a concluded state.
    #[must_use]
    pub fn can_move_to(self, to: Status) -> bool {
        use Status::{Accepted, Dismissed, Investigating, Received, Refused, Upheld, Withdrawn};
        matches!(
            (self, to),
            (Received, Accepted | Refused | Withdrawn)
                | (Accepted, Investigating | Withdrawn)
                | (Investigating, Upheld | Dismissed | Withdrawn)
        )
    }

    /// The states a case may go to next, in the order staff_pages are offered them.
    #[must_use]
    pub fn next(self) -> Vec<Status> {
        Self::ALL.iter().copied().filter(|to| self.can_move_to(*to)).collect()
    }

    /// Concluded: refused, upheld, dismissed or withdrawn.
    #[must_use]
    pub fn is_closed(self) -> bool {
        self.next().is_empty()
    }
}

coded! {
    /// Why a case is refused (不予受理).
    RefusalReason {
        Late => "late", "逾期";
        Anonymous => "anonymous", "匿名";
        OutOfScope => "out_of_scope", "不属于异议范围";
        NoEvidence => "no_evidence", "无证据或可核查线索";
    }
}

impl RefusalReason {
    /// How the refusal reads on its own: 逾期不予受理, 匿名不予受理, …
    #[must_use]
    pub fn refusal_label(self) -> String {
        format!("{}不予受理", self.label())
    }
}

coded! {
    /// What the objection is about.
    Category {
        Personnel => "personnel", "完成人/完成单位及排序";
        Merit => "merit", "创新性/先进性/实用性/效益";
        Ip => "ip", "知识产权";
        Eligibility => "eligibility", "申报资格";
        Procedure => "procedure", "公示程序";
        Other => "other", "其他";
    }
}

coded! {
    /// How the objection reached the unit.
    Channel {
        Web => "web", "网上提交";
        Phone => "phone", "电话";
        Letter => "letter", "信函";
        Email => "email", "电子邮件";
        InPerson => "in_person", "当面提交";
    }
}

coded! {
    /// Who objects.
    ObjectorKind {
        Individual => "individual", "个人";
        Organization => "organization", "单位";
    }
}

coded! {
    /// An organisation must follow up with a sealed letter (加盖公章的书面材料).
    SealedLetter {
        NotRequired => "not_required", "无需";
        Pending => "pending", "书面材料待收";
        Received => "received", "书面材料已收到";
    }
}

impl SealedLetter {
    #[must_use]
    pub fn initial(kind: ObjectorKind) -> Self {
        match kind {
            ObjectorKind::Individual => Self::NotRequired,
            ObjectorKind::Organization => Self::Pending,
        }
    }
}

/// Where a case goes, with what the rules require alongside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub to: Status,
    /// Required when `to` is [`Status::Refused`], forbidden otherwise.
    pub reason: Option<RefusalReason>,
}

/// Why a move is not allowed, in words staff_pages can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("“{from}”的异议不能改为“{to}”")]
    NotAllowed { from: Status, to: Status },
    #[error("不予受理须选择理由")]
    ReasonMissing,
    #[error("只有不予受理才需要理由")]
    ReasonNotExpected,
}

impl Move {
    /// Checks the move against the workflow.
    ///
    /// # Errors
    /// When the workflow does not allow it or the reason does not fit.
    pub fn check(self, from: Status) -> Result<(), MoveError> {
        if !from.can_move_to(self.to) {
            return Err(MoveError::NotAllowed { from, to: self.to });
        }
        match (self.to, self.reason) {
            (Status::Refused, None) => Err(MoveError::ReasonMissing),
            (Status::Refused, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(MoveError::ReasonNotExpected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn exactly_the_workflow_transitions_are_allowed() {
        let allowed = [
            (Received, Accepted),
            (Received, Refused),
            (Received, Withdrawn),
            (Accepted, Investigating),
            (Accepted, Withdrawn),
            (Investigating, Upheld),
            (Investigating, Dismissed),
            (Investigating, Withdrawn),
        ];
        for &from in Status::ALL {
            for &to in Status::ALL {
                assert_eq!(from.can_move_to(to), allowed.contains(&(from, to)), "{from} → {to}");
            }
        }
    }

    #[test]
    fn concluded_states_are_final() {
        let closed: Vec<_> = Status::ALL.iter().copied().filter(|s| s.is_closed()).collect();
        assert_eq!(closed, [Refused, Upheld, Dismissed, Withdrawn]);
    }

    #[test]
    fn a_refusal_needs_a_reason_and_nothing_else_takes_one() {
        let refuse = |reason| Move { to: Refused, reason };
        assert_eq!(refuse(None).check(Received), Err(MoveError::ReasonMissing));
        assert_eq!(refuse(Some(RefusalReason::OutOfScope)).check(Received), Ok(()));
        let accept = Move { to: Accepted, reason: Some(RefusalReason::Late) };
        assert_eq!(accept.check(Received), Err(MoveError::ReasonNotExpected));
        let skip = Move { to: Upheld, reason: None };
        assert_eq!(skip.check(Accepted).unwrap_err().to_string(), "“已受理”的异议不能改为“异议成立”");
    }

    #[test]
    fn codes_and_labels_both_parse() {
        assert_eq!(Category::parse("ip"), Some(Category::Ip));
        assert_eq!(Category::parse("知识产权"), Some(Category::Ip));
        assert_eq!(Category::parse("patent"), None);
        assert_eq!(RefusalReason::Late.refusal_label(), "逾期不予受理");
        assert_eq!(RefusalReason::Anonymous.refusal_label(), "匿名不予受理");
        assert_eq!(SealedLetter::initial(ObjectorKind::Organization), SealedLetter::Pending);
        assert_eq!(serde_json::to_string(&Channel::InPerson).unwrap(), "\"in_person\"");
    }
}
