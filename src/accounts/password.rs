//! Argon2id password hashes in PHC form. Production parameters are the crate's defaults
//! (19 MiB, 2 passes); tests ask for the cheapest valid ones so a debug build stays quick.
use crate::error::{AppError, AppResult};
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHasher, Version};
use std::sync::Mutex;

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
///
/// The 19 MiB of working memory comes from [`WORKING_MEMORY`], not from a fresh allocation.
#[must_use]
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else { return false };
    let version = match phc.version {
        Some(v) => Version::try_from(v),
        None => Ok(Version::default()),
    };
    let (Ok(version), Ok(params)) = (version, Params::try_from(&phc)) else { return false };
    let argon = Argon2::new(algorithm, version, params);
    let mut out = [0u8; Output::MAX_LENGTH];
    let Some(out) = out.get_mut(..expected.len()) else { return false };
    let computed = with_working_memory(argon.params().block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, out, blocks)
    });
    // `Output` compares in constant time.
    computed.is_ok() && Output::new(out).is_ok_and(|out| out == *expected)
}

/// Argon2 working memory kept between checks, at most one buffer per core (as many as checks
/// run at once). glibc's allocator handed a freed 19 MiB block back to the arena of the thread
/// that freed it and kept it there, so allocating one per check, on whichever blocking thread
/// ran it, grew the process by up to 19 MiB a check: a few hundred checks held over a gigabyte.
/// The server now runs on jemalloc (src/main.rs); the pool still spares a check the allocation.
static WORKING_MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

fn with_working_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    let pool = || WORKING_MEMORY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut memory = pool().pop().unwrap_or_default();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let result = work(&mut memory[..blocks]);
    let kept = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let mut pool = pool();
    if pool.len() < kept {
        pool.push(memory);
    }
    result
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
    fn verify_agrees_with_the_argon2_crate_on_every_variant_and_keeps_its_memory() {
        let params = [Params::new(Params::MIN_M_COST, 1, 1, None).unwrap(), Params::new(64, 3, 2, Some(24)).unwrap()];
        for params in params {
            for algorithm in [Algorithm::Argon2id, Algorithm::Argon2i, Algorithm::Argon2d] {
                for version in [Version::V0x10, Version::V0x13] {
                    let argon = Argon2::new(algorithm, version, params.clone());
                    let stored = argon.hash_password(b"correct horse battery").unwrap().to_string();
                    assert!(verify("correct horse battery", &stored), "{stored}");
                    assert!(!verify("correct horse batterY", &stored), "{stored}");
                }
            }
        }
        let kept = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        assert!(WORKING_MEMORY.lock().unwrap().len() <= kept);
    }

    #[test]
    fn weak_passwords_are_refused_in_chinese() {
        assert!(check_strength("short", "zhang").is_err());
        assert!(check_strength("aaaaaaaaaaaa", "zhang").is_err());
        assert!(check_strength("zhang-2025-pass", "zhang").is_err());
        assert!(check_strength("铜奔马-2025-武威", "zhang").is_ok());
    }
}
