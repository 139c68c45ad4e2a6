//! Staff accounts: users belonging to units, their passwords (Argon2id), personal API tokens,
//! the one-time setup link, and the login, logout and password pages.
//!
//! Who may do what is not decided here but in [`crate::access`]; this module only keeps the
//! accounts themselves honest (valid names, strong passwords, sessions that die when the
//! password changes).
pub mod api;
pub mod notifications;
pub mod pages;
pub mod password;
pub mod service;
pub mod setup;
pub mod setup_page;

use crate::error::{AppError, AppResult};

pub const MAX_USERNAME_CHARS: usize = 32;
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;

/// The labels account pages and the command line show for the fields errors name.
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("unit_id", "单位"),
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("role", "角色"),
    ("is_active", "启用"),
    ("password", "密码"),
    ("confirm_password", "确认密码"),
];

/// A login name: 3–32 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or
/// digit. Stored lowercase so 'Zhang' and 'zhang' are one account (ASCII folding only, so
/// nothing outside those characters folds into them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// # Errors
    /// A validation error in Chinese.
    pub fn parse(raw: &str) -> AppResult<Self> {
        let s = raw.trim().to_ascii_lowercase();
        let field = "username";
        if s.chars().count() < 3 || s.chars().count() > MAX_USERNAME_CHARS {
            return Err(AppError::invalid(field, format!("应为3至{MAX_USERNAME_CHARS}个字符")));
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !s.chars().all(allowed) || !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(AppError::invalid(field, "只能使用小写字母、数字和 . _ -，并以字母或数字开头"));
        }
        Ok(Self(s))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown to colleagues, e.g. 王宝龙.
///
/// # Errors
/// A validation error in Chinese.
pub fn parse_display_name(raw: &str) -> AppResult<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(AppError::invalid("display_name", "不能为空"));
    }
    // Counted as sent, spaces included: the document's maxLength.
    if raw.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(AppError::invalid("display_name", format!("不能超过{MAX_DISPLAY_NAME_CHARS}个字")));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_folded_to_lowercase_and_checked() {
        assert_eq!(Username::parse(" Zhang.San ").unwrap().as_str(), "zhang.san");
        assert!(Username::parse("张三").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("-abc").is_err());
        assert!(Username::parse("\u{212a}elvin").is_err(), "the Kelvin sign is not a k");
    }
}
