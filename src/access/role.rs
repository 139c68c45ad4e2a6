//! The three staff roles. Stored in `users.role` by their code.
use serde::{Deserialize, Serialize};

/// A role: unit admin, objection handler, read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RoleCode)]
pub enum Role {
    /// 单位管理员: publishes notices, issues reports, manages the unit's users.
    Admin,
    /// 异议处理人员: handles objections.
    Handler,
    /// 只读人员: sees, never changes.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Handler, Role::Viewer];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Handler => "handler",
            Self::Viewer => "viewer",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "单位管理员",
            Self::Handler => "异议处理人员",
            Self::Viewer => "只读人员",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.code() == s || r.label() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_by_code_or_chinese_label() {
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("异议处理人员"), Some(Role::Handler));
        assert_eq!(Role::parse("root"), None);
    }
}
