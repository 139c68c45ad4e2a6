//! Secrets and signatures, as the Standard Webhooks specification lays them out, so receivers
//! can use its libraries or a few lines of their own (docs/WEBHOOKS.md):
//!
//! - the secret is `whsec_` and 32 random bytes in base64; the HMAC key is those bytes;
//! - the signed text is `{webhook-id}.{webhook-timestamp}.{body}`;
//! - `webhook-signature` is `v1,` and the base64 HMAC-SHA256 of it, one per secret in use,
//!   separated by spaces (two for a day after a rotation).
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";

/// A receiver should refuse a timestamp further than this from its own clock (replays).
pub const TOLERANCE_SECONDS: i64 = 300;

/// A new secret.
#[must_use]
pub fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The HMAC over a message, keyed by the secret's bytes.
fn mac(secret: &str, id: &str, timestamp: i64, body: &str) -> Hmac<Sha256> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD.decode(encoded).unwrap_or_else(|_| encoded.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    mac
}

/// `v1,<base64 signature>` of one message under one secret.
#[must_use]
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    format!("v1,{}", STANDARD.encode(mac(secret, id, timestamp, body).finalize().into_bytes()))
}

/// The `webhook-signature` header: a signature under each secret.
#[must_use]
pub fn header(secrets: &[String], id: &str, timestamp: i64, body: &str) -> String {
    secrets.iter().map(|s| sign(s, id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// What a receiver does: true when one of the signatures in `signatures` is the message's under
/// `secret` and the timestamp is within [`TOLERANCE_SECONDS`] of `now`. Compared in constant
/// time.
#[must_use]
pub fn verify(secret: &str, id: &str, timestamp: &str, signatures: &str, body: &str, now: i64) -> bool {
    let Ok(ts) = timestamp.trim().parse::<i64>() else { return false };
    if (now - ts).abs() > TOLERANCE_SECONDS {
        return false;
    }
    let mac = mac(secret, id, ts, body);
    signatures
        .split_whitespace()
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|given| STANDARD.decode(given).is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The example in the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(sign(secret, id, 1_614_265_330, body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn verifies_its_own_signatures_within_the_tolerance_only() {
        let secret = new_secret();
        let header = header(&[new_secret(), secret.clone()], "evt_1", 1000, "{}");
        assert!(verify(&secret, "evt_1", "1000", &header, "{}", 1000 + TOLERANCE_SECONDS));
        assert!(!verify(&secret, "evt_1", "1000", &header, "{}", 1001 + TOLERANCE_SECONDS));
        assert!(!verify(&secret, "evt_1", "1000", &header, "{ }", 1000));
        assert!(!verify(&secret, "evt_2", "1000", &header, "{}", 1000));
        assert!(!verify(&new_secret(), "evt_1", "1000", &header, "{}", 1000));
    }
}
