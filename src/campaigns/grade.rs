//! 奖励等级: the grades a campaign awards, highest first. The applicant asks for one
//! (拟推荐等级), the province proposes one after review (拟评等级), and the campaign says the
//! lowest the provincial notice lists.
use serde::{Deserialize, Serialize};

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

    /// 三等奖以上: the grades a level-3 notice carries by default.
    #[must_use]
    pub fn is_third_or_above(self) -> bool {
        self <= Self::Third
    }

    /// This grade or a higher one (特等 is the highest).
    #[must_use]
    pub fn is_at_least(self, lowest: Self) -> bool {
        self <= lowest
    }

    /// Accepts the code or the Chinese name (with or without 奖).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|g| g.code() == s || g.label() == s || g.label().trim_end_matches('奖') == s)
    }
}
