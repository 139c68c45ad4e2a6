//! Keys shared by every instance on one database (session cookies, receipt signatures). They
//! live in the database so several stateless app servers agree on them, sealed under the
//! master key (`crate::keys`) so a copy of the database alone cannot forge either.
use crate::keys::{self, KeyError, MasterKey, Sealer};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use entity::app_secrets;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};

/// The names of the stored keys and their lengths.
const STORED: [(&str, usize); 2] = [("session_key", 64), ("signing_seed", 32)];

pub struct Secrets {
    /// 64 bytes for signing and encrypting session cookies.
    pub session_key: Vec<u8>,
    /// 32-byte Ed25519 seed for receipts and reports.
    pub signing_seed: [u8; 32],
    /// Seals and opens objectors' identities under this instance's master key.
    pub sealer: Sealer,
}

impl Secrets {
    /// Reads the keys, creating them on first start and sealing any stored in plain text by
    /// an earlier version. Two instances starting at once agree, because the insert of the
    /// loser fails and it reads the winner's key.
    ///
    /// # Errors
    /// On database failure, or when the stored keys were sealed under another master key.
    pub async fn load_or_create(
        db: &DatabaseConnection,
        master: &MasterKey,
        now: DateTime<Utc>,
    ) -> Result<Self, DbErr> {
        let sealer = master.sealer();
        let session_key = get_or_create(db, &sealer, "session_key", 64, now).await?;
        let seed = get_or_create(db, &sealer, "signing_seed", 32, now).await?;
        let mut signing_seed = [0u8; 32];
        signing_seed.copy_from_slice(&seed[..32]);
        Ok(Self { session_key, signing_seed, sealer })
    }
}

/// Where a stored key is bound to: a sealed value opens only under its own name.
fn place(name: &str) -> String {
    format!("app_secrets.{name}")
}

async fn get_or_create(
    db: &DatabaseConnection,
    sealer: &Sealer,
    name: &str,
    len: usize,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, DbErr> {
    if let Some(bytes) = read(db, sealer, name).await? {
        return Ok(bytes);
    }
    let mut fresh = vec![0u8; len];
    rand::rng().fill_bytes(&mut fresh);
    let row = app_secrets::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(sealer.seal(&place(name), &fresh)),
        created_at: Set(now),
    };
    if app_secrets::Entity::insert(row).exec(db).await.is_ok() {
        return Ok(fresh);
    }
    read(db, sealer, name).await?.ok_or_else(|| DbErr::Custom(format!("secret {name} could not be stored")))
}

/// The stored key, sealing it first when an earlier version left it in plain base64.
async fn read(db: &DatabaseConnection, sealer: &Sealer, name: &str) -> Result<Option<Vec<u8>>, DbErr> {
    let Some(row) = app_secrets::Entity::find_by_id(name.to_owned()).one(db).await? else {
        return Ok(None);
    };
    if keys::key_id_of(&row.value).is_some() {
        return sealer.open(&place(name), &row.value).map(Some).map_err(|e| refused(name, &e));
    }
    let bytes = STANDARD.decode(&row.value).map_err(|e| DbErr::Custom(format!("secret {name} is corrupt: {e}")))?;
    store(db, sealer, name, &bytes).await?;
    tracing::info!("app_secrets.{name}: sealed under master key {}", sealer.key_id());
    Ok(Some(bytes))
}

fn refused(name: &str, e: &KeyError) -> DbErr {
    DbErr::Custom(format!(
        "无法读取数据库中的密钥 {name}：{e}。同一数据库的所有实例须使用同一主密钥（{} 或数据目录下的 {}）",
        keys::ENV_VAR,
        keys::FILE_NAME
    ))
}

async fn store<C: ConnectionTrait>(db: &C, sealer: &Sealer, name: &str, bytes: &[u8]) -> Result<(), DbErr> {
    let row = app_secrets::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(sealer.seal(&place(name), bytes)),
        created_at: sea_orm::ActiveValue::NotSet,
    };
    app_secrets::Entity::update(row).exec(db).await?;
    Ok(())
}

/// Seals every stored key under `new` instead of `old`, in the caller's transaction; returns
/// how many were resealed. A key still in plain text is sealed as well.
///
/// # Errors
/// A key `old` cannot open; database failure.
pub async fn reseal<C: ConnectionTrait>(db: &C, old: &Sealer, new: &Sealer) -> Result<usize, DbErr> {
    let mut count = 0;
    for (name, _) in STORED {
        let Some(row) = app_secrets::Entity::find_by_id(name.to_owned()).one(db).await? else { continue };
        let bytes = if keys::key_id_of(&row.value).is_some() {
            old.open(&place(name), &row.value).map_err(|e| refused(name, &e))?
        } else {
            STANDARD.decode(&row.value).map_err(|e| DbErr::Custom(format!("secret {name} is corrupt: {e}")))?
        };
        store(db, new, name, &bytes).await?;
        count += 1;
    }
    Ok(count)
}
