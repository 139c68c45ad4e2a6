//! Keys shared by every instance on one database (session cookies, receipt signatures). They
//! live in the database so several stateless app servers agree on them.
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use entity::app_secrets;
use rand::RngCore;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

pub struct Secrets {
    /// 64 bytes for signing and encrypting session cookies.
    pub session_key: Vec<u8>,
    /// 32-byte Ed25519 seed for receipts and reports.
    pub signing_seed: [u8; 32],
}

impl Secrets {
    /// Reads the keys, creating them on first start. Two instances starting at once agree,
    /// because the insert of the loser fails and it reads the winner's key.
    ///
    /// # Errors
    /// On database failure.
    pub async fn load_or_create(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Self, DbErr> {
        let session_key = get_or_create(db, "session_key", 64, now).await?;
        let seed = get_or_create(db, "signing_seed", 32, now).await?;
        let mut signing_seed = [0u8; 32];
        signing_seed.copy_from_slice(&seed[..32]);
        Ok(Self { session_key, signing_seed })
    }
}

async fn get_or_create(db: &DatabaseConnection, name: &str, len: usize, now: DateTime<Utc>) -> Result<Vec<u8>, DbErr> {
    if let Some(bytes) = read(db, name).await? {
        return Ok(bytes);
    }
    let mut fresh = vec![0u8; len];
    rand::rng().fill_bytes(&mut fresh);
    let row = app_secrets::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(STANDARD.encode(&fresh)),
        created_at: Set(now),
    };
    if app_secrets::Entity::insert(row).exec(db).await.is_ok() {
        return Ok(fresh);
    }
    read(db, name).await?.ok_or_else(|| DbErr::Custom(format!("secret {name} could not be stored")))
}

async fn read(db: &DatabaseConnection, name: &str) -> Result<Option<Vec<u8>>, DbErr> {
    let Some(row) = app_secrets::Entity::find_by_id(name.to_owned()).one(db).await? else {
        return Ok(None);
    };
    STANDARD.decode(row.value).map(Some).map_err(|e| DbErr::Custom(format!("secret {name} is corrupt: {e}")))
}
