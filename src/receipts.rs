//! Signed receipts. A receipt is a small JSON document signed with the server's Ed25519 key
//! (the seed in `app_secrets`, shared by every instance). Its printable token is
//! `base64url(json).base64url(signature)`; `/receipts/verify` and `gongshi receipt-verify`
//! check a token with the public key alone, so a printed slip can be proven genuine years
//! later, even by someone who has only the public key published at `/transparency`.
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// Domain separation: a receipt signature can never be mistaken for another document's.
const CONTEXT: &[u8] = b"gongshi receipt v1\n";

/// What a receipt states. No identity, no lookup key: a receipt may be shown to anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The receipt code.
    pub code: String,
    pub notice_id: i32,
    pub notice_title: String,
    pub project_id: Option<i32>,
    pub project_name: String,
    /// Category code.
    pub category: String,
    /// Channel code.
    pub channel: String,
    /// RFC 3339 in China time, to the second.
    pub received_at: String,
    /// Status code on arrival: `received`, or `refused` for a late or anonymous objection.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<String>,
    /// SHA-256 of the objection's text, so its author can later prove what was filed.
    pub content_sha256: String,
    /// SHA-256 of each evidence file, in upload order.
    #[serde(default)]
    pub attachments_sha256: Vec<String>,
}

/// Why a token does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("回执验证码格式不正确")]
    Malformed,
    #[error("签名无效：该回执不是本系统签发的，或内容已被改动")]
    BadSignature,
}

#[must_use]
pub fn signing_key(seed: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(seed)
}

/// The public key, hex-encoded, as published.
#[must_use]
pub fn public_key_hex(seed: &[u8; 32]) -> String {
    hex::encode(signing_key(seed).verifying_key().to_bytes())
}

/// Reads a hex public key.
///
/// # Errors
/// When it is not 32 bytes of hex or not a valid curve point.
pub fn parse_public_key(hex_key: &str) -> Result<VerifyingKey, ReceiptError> {
    let bytes: [u8; 32] =
        hex::decode(hex_key.trim()).ok().and_then(|b| b.try_into().ok()).ok_or(ReceiptError::Malformed)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| ReceiptError::Malformed)
}

impl Receipt {
    /// Signs the receipt into its printable token.
    #[must_use]
    pub fn seal(&self, seed: &[u8; 32]) -> String {
        let body = serde_json::to_vec(self).unwrap_or_default();
        let signature = signing_key(seed).sign(&signed_message(&body));
        format!("{}.{}", B64.encode(&body), B64.encode(signature.to_bytes()))
    }
}

fn signed_message(body: &[u8]) -> Vec<u8> {
    [CONTEXT, body].concat()
}

/// Checks a token and returns the receipt it carries.
///
/// # Errors
/// [`ReceiptError::Malformed`] when it cannot be read, [`ReceiptError::BadSignature`] when
/// the signature does not match the content under this key.
pub fn open(token: &str, key: &VerifyingKey) -> Result<Receipt, ReceiptError> {
    let token: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let (body_b64, sig_b64) = token.split_once('.').ok_or(ReceiptError::Malformed)?;
    let body = B64.decode(body_b64).map_err(|_| ReceiptError::Malformed)?;
    let sig_bytes = B64.decode(sig_b64).map_err(|_| ReceiptError::Malformed)?;
    let signature = Signature::from_slice(&sig_bytes).map_err(|_| ReceiptError::Malformed)?;
    key.verify_strict(&signed_message(&body), &signature).map_err(|_| ReceiptError::BadSignature)?;
    serde_json::from_slice(&body).map_err(|_| ReceiptError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Receipt {
        Receipt {
            code: "K7QM3R9D".into(),
            notice_id: 3,
            notice_title: "关于2025年度职工技术成果的公示".into(),
            project_id: Some(7),
            project_name: "智能巡检机器人".into(),
            category: "personnel".into(),
            channel: "web".into(),
            received_at: "2025-03-10T09:30:05+08:00".into(),
            status: "received".into(),
            refusal_reason: None,
            content_sha256: "ab".repeat(32),
            attachments_sha256: vec![],
        }
    }

    #[test]
    fn a_sealed_receipt_opens_with_the_public_key() {
        let seed = [42u8; 32];
        let token = sample().seal(&seed);
        let key = parse_public_key(&public_key_hex(&seed)).unwrap();
        assert_eq!(open(&token, &key).unwrap(), sample());
        let wrapped = format!(" {}\n{} ", &token[..20], &token[20..]);
        assert_eq!(open(&wrapped, &key).unwrap(), sample(), "line breaks from copying are ignored");
    }

    #[test]
    fn a_changed_receipt_or_another_key_fails() {
        let seed = [42u8; 32];
        let token = sample().seal(&seed);
        let (_, sig) = token.split_once('.').unwrap();
        let mut forged = sample();
        forged.received_at = "2025-03-09T09:30:05+08:00".into();
        let body = serde_json::to_vec(&forged).unwrap();
        let tampered = format!("{}.{sig}", B64.encode(body));
        let key = parse_public_key(&public_key_hex(&seed)).unwrap();
        assert_eq!(open(&tampered, &key), Err(ReceiptError::BadSignature));
        let other = parse_public_key(&public_key_hex(&[1u8; 32])).unwrap();
        assert_eq!(open(&token, &other), Err(ReceiptError::BadSignature));
        assert_eq!(open("not a token", &key), Err(ReceiptError::Malformed));
    }
}
