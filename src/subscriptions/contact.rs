//! A subscription's secrets: the token in its links (stored as a SHA-256, so a copy of the
//! database cannot unsubscribe anyone), the address and token sealed under the master key (to
//! write to the subscriber), and a keyed digest of the address (to find an address's
//! subscriptions for limits, repeats and bounces without opening any).
use crate::error::{AppError, AppResult};
use crate::keys::Sealer;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh link token: 24 random bytes, hex.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What is stored to find a subscription from its token.
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// Whether `token` has the shape of a link token (so anything else is refused before any
/// database work).
#[must_use]
pub fn is_token(token: &str) -> bool {
    token.len() == 48 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The address as digests and repeats compare it: trimmed, lower case.
#[must_use]
pub fn normalised(address: &str) -> String {
    address.trim().to_lowercase()
}

/// The keyed digest of an address, under a key derived from the server's stored session key
/// (the same on every instance, unchanged by master-key rotation).
#[must_use]
pub fn address_digest(server_key: &[u8], address: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(b"gongshi subscription address\0");
    mac.update(normalised(address).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn place(token_hash: &str) -> String {
    format!("subscriptions.contact#{token_hash}")
}

/// The address and token, sealed together.
#[must_use]
pub fn seal(sealer: &Sealer, token_hash: &str, token: &str, address: &str) -> String {
    sealer.seal_text(&place(token_hash), &format!("{token}\n{}", address.trim()))
}

/// A subscription's token and address.
#[derive(Debug, Clone)]
pub struct Contact {
    pub token: String,
    pub address: String,
}

/// Opens a sealed contact.
///
/// # Errors
/// `Internal` when it was sealed under another key or is damaged.
pub fn open(sealer: &Sealer, token_hash: &str, envelope: &str) -> AppResult<Contact> {
    let text =
        sealer.open_text(&place(token_hash), envelope).map_err(|e| AppError::internal(format!("contact: {e}")))?;
    let (token, address) = text.split_once('\n').ok_or_else(|| AppError::internal("contact: damaged"))?;
    Ok(Contact { token: token.to_owned(), address: address.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_ignores_case_and_spacing_and_depends_on_the_key() {
        let a = address_digest(b"key one", " Zhang@Example.CN ");
        assert_eq!(a, address_digest(b"key one", "zhang@example.cn"));
        assert_ne!(a, address_digest(b"key two", "zhang@example.cn"));
        assert_ne!(a, address_digest(b"key one", "li@example.cn"));
    }

    #[test]
    fn a_token_is_48_hex_digits() {
        let t = new_token();
        assert!(is_token(&t));
        assert_ne!(t, new_token());
        assert!(!is_token("../../etc/passwd"));
        assert!(!is_token(&"g".repeat(48)));
        assert_eq!(token_hash(&t).len(), 64);
    }

    #[test]
    fn a_contact_opens_only_in_its_own_place() {
        let sealer = crate::keys::MasterKey::generate().sealer();
        let envelope = seal(&sealer, "h1", "tok", "a@b.cn");
        let contact = open(&sealer, "h1", &envelope).unwrap();
        assert_eq!((contact.token.as_str(), contact.address.as_str()), ("tok", "a@b.cn"));
        assert!(open(&sealer, "h2", &envelope).is_err());
    }
}
