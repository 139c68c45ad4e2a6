//! The master key, kept outside the database, and the envelopes it seals values in.
//!
//! The key comes from `GONGSHI_MASTER_KEY` (base64 of 32 bytes) or, when that is unset, from
//! `DATA_DIR/master.key`, made on first start with mode 0600. Every instance on one database
//! needs the same key. A database dump alone then reveals no objector's identity and neither
//! the session key nor the signing seed (docs/ACCESS.md, "Key management").
//!
//! A sealed value is `gk1:<key id>:<base64url(nonce ‖ AES-256-GCM ciphertext)>`: the version
//! and the id of the key that sealed it travel with it, so a value sealed under another key is
//! named as such instead of failing as "corrupt". The associated data binds each value to its
//! place (`objector_identities.phone#17`), so a ciphertext copied to another row or column
//! does not open.
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use std::path::{Path, PathBuf};

/// The variable that carries the master key (base64 of 32 bytes).
pub const ENV_VAR: &str = "GONGSHI_MASTER_KEY";
/// The key file's name inside the data folder.
pub const FILE_NAME: &str = "master.key";
const VERSION: &str = "gk1";
const NONCE_LEN: usize = 12;

/// Why a key could not be had or a value could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("主密钥格式不对：应为32字节的 base64 编码（{0}）")]
    Malformed(String),
    #[error("主密钥文件 {0} 可被其他用户读取（权限 {1:o}）；请执行 chmod 600 {0} 后再启动")]
    Exposed(PathBuf, u32),
    #[error("无法读写主密钥文件 {0}：{1}")]
    Io(PathBuf, std::io::Error),
    #[error("该值由另一主密钥（编号 {found}）加密，本实例的主密钥编号为 {ours}")]
    OtherKey { found: String, ours: String },
    #[error("加密数据已损坏或与其位置不符（{0}）")]
    Corrupt(String),
}

/// The 32-byte master key. Only subkeys derived from it are ever used directly.
pub struct MasterKey {
    bytes: [u8; 32],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    /// A fresh random key.
    #[must_use]
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self { bytes }
    }

    /// Reads base64 of exactly 32 bytes (surrounding whitespace allowed).
    ///
    /// # Errors
    /// `Malformed` otherwise.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let raw = STANDARD.decode(text.trim()).map_err(|e| KeyError::Malformed(e.to_string()))?;
        let bytes: [u8; 32] = raw.try_into().map_err(|v: Vec<u8>| KeyError::Malformed(format!("{} 字节", v.len())))?;
        Ok(Self { bytes })
    }

    /// The key as the variable and the file hold it.
    #[must_use]
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.bytes)
    }

    /// The key of this instance: the variable's value when given, else the data folder's key
    /// file, made on first start.
    ///
    /// # Errors
    /// A malformed key, a key file others may read, or a file that cannot be read or made.
    pub fn load(from_env: Option<&str>, data_dir: &Path) -> Result<Self, KeyError> {
        match from_env.filter(|v| !v.trim().is_empty()) {
            Some(text) => Self::from_base64(text),
            None => Self::read_or_create_file(&data_dir.join(FILE_NAME)),
        }
    }

    /// [`MasterKey::load`] with the variable of this process (for the command line).
    ///
    /// # Errors
    /// As [`MasterKey::load`].
    pub fn from_env_or_file(data_dir: &Path) -> Result<Self, KeyError> {
        Self::load(std::env::var(ENV_VAR).ok().as_deref(), data_dir)
    }

    /// The key this instance already has: the variable's, else the data folder's existing key
    /// file (never a new one: for commands that must not invent a key, such as rotation).
    ///
    /// # Errors
    /// As [`MasterKey::load`], and `Io` when there is no key file.
    pub fn existing(data_dir: &Path) -> Result<Self, KeyError> {
        match std::env::var(ENV_VAR).ok().filter(|v| !v.trim().is_empty()) {
            Some(text) => Self::from_base64(&text),
            None => Self::read_file(&data_dir.join(FILE_NAME)),
        }
    }

    /// Reads a key file, or makes one (mode 0600) when there is none.
    ///
    /// # Errors
    /// As [`MasterKey::load`].
    pub fn read_or_create_file(path: &Path) -> Result<Self, KeyError> {
        match Self::create_file(path) {
            Ok(key) => Ok(key),
            Err(KeyError::Io(_, e)) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::read_file(path),
            Err(e) => Err(e),
        }
    }

    /// Reads a key file, refusing one that the group or others may read.
    ///
    /// # Errors
    /// As [`MasterKey::load`].
    pub fn read_file(path: &Path) -> Result<Self, KeyError> {
        let io = |e| KeyError::Io(path.to_owned(), e);
        let mode = file_mode(path).map_err(io)?;
        if mode & 0o077 != 0 {
            return Err(KeyError::Exposed(path.to_owned(), mode & 0o777));
        }
        Self::from_base64(&std::fs::read_to_string(path).map_err(io)?)
    }

    /// Writes a new random key to a file that must not exist yet, readable by its owner only.
    ///
    /// # Errors
    /// `Io` (`AlreadyExists` when the file is there).
    pub fn create_file(path: &Path) -> Result<Self, KeyError> {
        use std::io::Write as _;
        let io = |e| KeyError::Io(path.to_owned(), e);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let key = Self::generate();
        let mut file = new_private_file(path).map_err(io)?;
        file.write_all(format!("{}\n", key.to_base64()).as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(key)
    }

    /// A short public name of the key (8 hex characters), stored with everything it seals.
    #[must_use]
    pub fn id(&self) -> String {
        hex::encode(&self.derive(b"gongshi key id")[..4])
    }

    /// What seals and opens values under this key.
    #[must_use]
    pub fn sealer(&self) -> Sealer {
        let key = self.derive(b"gongshi sealed values v1");
        Sealer { id: self.id(), aead: Aes256Gcm::new(&aes_gcm::Key::<Aes256Gcm>::from(key)) }
    }

    fn derive(&self, info: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        Hkdf::<Sha256>::new(None, &self.bytes).expand(info, &mut out).expect("32 bytes is a valid length");
        out
    }
}

#[cfg(unix)]
fn file_mode(path: &Path) -> std::io::Result<u32> {
    use std::os::unix::fs::PermissionsExt as _;
    Ok(std::fs::metadata(path)?.permissions().mode())
}

#[cfg(not(unix))]
fn file_mode(path: &Path) -> std::io::Result<u32> {
    std::fs::metadata(path).map(|_| 0o600)
}

fn new_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Seals and opens values under one master key.
#[derive(Clone)]
pub struct Sealer {
    id: String,
    aead: Aes256Gcm,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sealer({})", self.id)
    }
}

impl Sealer {
    /// The id of the key this seals with.
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.id
    }

    /// Seals `plain` for the place `place` (e.g. `app_secrets.session_key`): a fresh random
    /// nonce each time, so equal values do not look equal.
    ///
    /// # Panics
    /// Never for what gongshi stores: AES-GCM refuses only messages over 64 GiB.
    #[must_use]
    pub fn seal(&self, place: &str, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: place.as_bytes() })
            .expect("AES-GCM encrypts any length we store");
        let mut body = nonce.to_vec();
        body.extend_from_slice(&sealed);
        format!("{VERSION}:{}:{}", self.id, URL_SAFE_NO_PAD.encode(body))
    }

    /// Opens what [`Sealer::seal`] made for the same place.
    ///
    /// # Errors
    /// `OtherKey` when another master key sealed it; `Corrupt` when it is not an envelope,
    /// was changed, or belongs to another place.
    pub fn open(&self, place: &str, envelope: &str) -> Result<Vec<u8>, KeyError> {
        let found = key_id_of(envelope).ok_or_else(|| KeyError::Corrupt(place.to_owned()))?;
        if found != self.id {
            return Err(KeyError::OtherKey { found: found.to_owned(), ours: self.id.clone() });
        }
        let body = envelope.rsplit(':').next().unwrap_or_default();
        let body = URL_SAFE_NO_PAD.decode(body).map_err(|_| KeyError::Corrupt(place.to_owned()))?;
        if body.len() < NONCE_LEN {
            return Err(KeyError::Corrupt(place.to_owned()));
        }
        let (nonce, sealed) = body.split_at(NONCE_LEN);
        self.aead
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: place.as_bytes() })
            .map_err(|_| KeyError::Corrupt(place.to_owned()))
    }

    /// [`Sealer::seal`] for text.
    #[must_use]
    pub fn seal_text(&self, place: &str, plain: &str) -> String {
        self.seal(place, plain.as_bytes())
    }

    /// [`Sealer::open`] for text.
    ///
    /// # Errors
    /// As [`Sealer::open`], or `Corrupt` when the bytes are not UTF-8.
    pub fn open_text(&self, place: &str, envelope: &str) -> Result<String, KeyError> {
        String::from_utf8(self.open(place, envelope)?).map_err(|_| KeyError::Corrupt(place.to_owned()))
    }
}

/// The key id of an envelope, or `None` when the text is not one.
#[must_use]
pub fn key_id_of(text: &str) -> Option<&str> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(VERSION), Some(id), Some(_)) if id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()) => Some(id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_in_its_place_and_under_its_key() {
        let key = MasterKey::generate();
        let sealer = key.sealer();
        let envelope = sealer.seal_text("objector_identities.phone#1", "13800000000");
        assert!(!envelope.contains("13800000000"));
        assert_eq!(key_id_of(&envelope), Some(key.id().as_str()));
        assert_eq!(sealer.open_text("objector_identities.phone#1", &envelope).unwrap(), "13800000000");
        assert!(matches!(sealer.open_text("objector_identities.phone#2", &envelope), Err(KeyError::Corrupt(_))));
        let other = MasterKey::generate().sealer();
        assert!(matches!(other.open_text("objector_identities.phone#1", &envelope), Err(KeyError::OtherKey { .. })));
        assert_ne!(envelope, sealer.seal_text("objector_identities.phone#1", "13800000000"), "fresh nonce each time");
    }

    #[test]
    fn keys_read_back_from_base64_and_refuse_other_lengths() {
        let key = MasterKey::generate();
        assert_eq!(MasterKey::from_base64(&format!(" {}\n", key.to_base64())).unwrap().id(), key.id());
        assert!(MasterKey::from_base64(&STANDARD.encode([1u8; 16])).is_err());
        assert!(MasterKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn the_key_file_is_made_private_and_refused_when_others_may_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let made = MasterKey::load(None, dir.path()).unwrap();
        let path = dir.path().join(FILE_NAME);
        assert_eq!(file_mode(&path).unwrap() & 0o777, 0o600);
        assert_eq!(MasterKey::load(None, dir.path()).unwrap().id(), made.id(), "the same key on the next start");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let refused = MasterKey::load(None, dir.path()).unwrap_err();
            assert!(matches!(refused, KeyError::Exposed(..)), "{refused}");
            assert!(refused.to_string().contains("chmod 600"));
        }
        let from_env = MasterKey::generate();
        assert_eq!(MasterKey::load(Some(&from_env.to_base64()), dir.path()).unwrap().id(), from_env.id());
    }
}
