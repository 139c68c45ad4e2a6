//! Argon2id password hashes in PHC form. Production parameters are the crate's defaults
//! (19 MiB, 2 passes); tests ask for the cheapest valid ones so a debug build stays quick.
use crate::error::{AppError, AppResult};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 128;

fn hasher(cheap: bool) -> AppResult<Argon2<'static>> {
    let params = if cheap { Params::new(Params::MIN_M_COST, 1, 1, None) } else { Ok(Params::default()) };
    let params = params.map_err(AppError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password with a fresh salt.
///
/// # Errors
/// Internal, when the hasher fails (it does not for valid parameters).
pub fn hash(password: &str, cheap: bool) -> AppResult<String> {
    let phc = hasher(cheap)?.hash_password(password.as_bytes()).map_err(AppError::internal)?;
    Ok(phc.to_string())
}

/// True when `password` matches the stored hash. The parameters come from the hash itself, so
/// a hash made under other settings still verifies. A malformed hash never matches.
#[must_use]
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(argon) = hasher(true) else { return false };
    argon.verify_password(password.as_bytes(), stored).is_ok()
}

/// A hash that matches no password, checked when the account does not exist so that the
/// answer takes as long as for a real account.
#[must_use]
pub fn dummy_hash(cheap: bool) -> &'static str {
    use std::sync::OnceLock;
    static CHEAP: OnceLock<String> = OnceLock::new();
    static STRONG: OnceLock<String> = OnceLock::new();
    let cell = if cheap { &CHEAP } else { &STRONG };
    cell.get_or_init(|| hash("\u{0}no account\u{0}", cheap).unwrap_or_default())
}

/// The rules for a new password, as per-field Chinese messages.
///
/// # Errors
/// A validation error naming what is wrong.
pub fn check_strength(password: &str, username: &str) -> AppResult<()> {
    let chars = password.chars().count();
    let field = "password";
    if chars < MIN_CHARS {
        return Err(AppError::invalid(field, format!("至少{MIN_CHARS}个字符")));
    }
    if chars > MAX_CHARS {
        return Err(AppError::invalid(field, format!("不能超过{MAX_CHARS}个字符")));
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(AppError::invalid(field, "不能包含用户名"));
    }
    let distinct: std::collections::HashSet<char> = password.chars().collect();
    if distinct.len() < 4 {
        return Err(AppError::invalid(field, "过于简单，请混合使用不同的字符"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let h = hash("correct horse battery", true).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused_in_chinese() {
        assert!(check_strength("short", "zhang").is_err());
        assert!(check_strength("aaaaaaaaaaaa", "zhang").is_err());
        assert!(check_strength("zhang-2025-pass", "zhang").is_err());
        assert!(check_strength("铜奔马-2025-武威", "zhang").is_ok());
    }
}
