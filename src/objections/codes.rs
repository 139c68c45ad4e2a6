//! Receipt codes and lookup keys. Both use an alphabet without the characters people confuse
//! when reading a printed slip aloud (0/O, 1/I/L), and both accept what people type back:
//! lower case, spaces and hyphens.
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

/// 31 characters: digits 2–9 and letters without I, L and O.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// 8 characters: about 40 bits, plenty to keep codes unique and hard to stumble on; the code
/// alone opens nothing.
pub const RECEIPT_CODE_LEN: usize = 8;

/// 16 characters: about 79 bits, so guessing a key is hopeless even without rate limits.
pub const LOOKUP_KEY_LEN: usize = 16;

/// A fresh receipt code, e.g. `K7QM3R9D` (shown as `K7QM-3R9D`).
#[must_use]
pub fn new_receipt_code() -> String {
    let mut rng = rand::rng();
    (0..RECEIPT_CODE_LEN).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// A fresh random lookup key (for cases registered by staff, which have no idempotency key).
#[must_use]
pub fn new_lookup_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    key_from_bytes(&bytes)
}

/// The lookup key of a web or API submission, derived from its idempotency key with a server
/// secret. A repeated submission (a double click, a client retrying after a lost answer) thus
/// gets back the very key it was first given, although only the key's hash is stored.
#[must_use]
pub fn derived_lookup_key(secret: &[u8; 32], idempotency_key: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        // HMAC takes keys of any length; this branch cannot run.
        return new_lookup_key();
    };
    mac.update(b"gongshi objection lookup key\n");
    mac.update(idempotency_key.as_bytes());
    key_from_bytes(&mac.finalize().into_bytes())
}

fn key_from_bytes(bytes: &[u8]) -> String {
    // Each byte picks a character; 256 mod 31 leaves a bias of under 1%, harmless at 79 bits.
    bytes.iter().take(LOOKUP_KEY_LEN).map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

/// What is stored for a lookup key: its SHA-256. The key has enough entropy that a fast hash
/// is as good as a slow one.
#[must_use]
pub fn lookup_key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(normalize(key).as_bytes()))
}

/// Upper case, without spaces or hyphens; `None` unless every character is from the alphabet
/// and the length is right.
#[must_use]
pub fn parse_receipt_code(input: &str) -> Option<String> {
    let code = normalize(input);
    (code.len() == RECEIPT_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

fn normalize(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// `K7QM3R9D` → `K7QM-3R9D`; keys in groups of four likewise.
#[must_use]
pub fn grouped(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// The stored form of an idempotency key: bound to the notice and to the submission's content,
/// so two clients choosing the same key for different objections never meet, and a repeated
/// key with other content files a new case rather than answering with someone else's receipt.
#[must_use]
pub fn idempotency_fingerprint(client_key: &str, notice_id: i32, content_digest: &str) -> String {
    let text = format!("gongshi idempotency\n{notice_id}\n{}\n{content_digest}", client_key.trim());
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_never_contain_ambiguous_characters() {
        for _ in 0..500 {
            let code = new_receipt_code();
            assert_eq!(code.len(), RECEIPT_CODE_LEN);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            let key = new_lookup_key();
            assert_eq!(key.len(), LOOKUP_KEY_LEN);
            assert!(!key.contains(['0', 'O', '1', 'I', 'L']), "{key}");
        }
    }

    #[test]
    fn typed_codes_are_read_generously_but_strictly() {
        assert_eq!(parse_receipt_code(" k7qm-3r9d "), Some("K7QM3R9D".into()));
        assert_eq!(parse_receipt_code("K7QM3R9"), None);
        assert_eq!(parse_receipt_code("K7QM3R9O"), None, "O is not in the alphabet");
        assert_eq!(grouped("K7QM3R9D"), "K7QM-3R9D");
        assert_eq!(lookup_key_hash("abcd-efgh"), lookup_key_hash("ABCDEFGH"));
    }

    #[test]
    fn a_derived_key_is_stable_for_one_submission_and_differs_between_them() {
        let secret = [7u8; 32];
        let a = derived_lookup_key(&secret, "same");
        assert_eq!(a, derived_lookup_key(&secret, "same"));
        assert_ne!(a, derived_lookup_key(&secret, "other"));
        assert_ne!(a, derived_lookup_key(&[8u8; 32], "same"));
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn an_idempotency_key_is_bound_to_notice_and_content() {
        let base = idempotency_fingerprint("k", 1, "abc");
        assert_eq!(base, idempotency_fingerprint(" k ", 1, "abc"));
        assert_ne!(base, idempotency_fingerprint("k", 2, "abc"));
        assert_ne!(base, idempotency_fingerprint("k", 1, "abd"));
    }
}
