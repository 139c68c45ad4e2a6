//! Confirmed subscribers in bulk, for the subscription benchmark: each with its own sealed
//! address (`reader{n}@{domain}`) and token, as `subscriptions::service` would have written them
//! after confirmation.
use crate::error::AppResult;
use crate::keys::Sealer;
use crate::subscriptions::{ScopeKind, contact, state};
use chrono::{DateTime, Utc};
use entity::subscriptions;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

/// Rows per INSERT.
const CHUNK: usize = 1_000;

/// Writes `count` active, immediate subscriptions to everything, confirmed at `now`.
///
/// # Errors
/// Database failure.
pub async fn add(
    db: &DatabaseConnection,
    sealer: &Sealer,
    server_key: &[u8],
    count: usize,
    domain: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut n = 0;
    while n < count {
        let rows: Vec<subscriptions::ActiveModel> = (n..count.min(n + CHUNK))
            .map(|i| {
                let address = format!("reader{i}@{domain}");
                let token = contact::new_token();
                let hash = contact::token_hash(&token);
                subscriptions::ActiveModel {
                    contact_sealed: Set(Some(contact::seal(sealer, &hash, &token, &address))),
                    address_digest: Set(Some(contact::address_digest(server_key, &address))),
                    token_hash: Set(hash),
                    state: Set(state::ACTIVE.to_owned()),
                    scope: Set(ScopeKind::All.code().to_owned()),
                    frequency: Set("immediate".to_owned()),
                    created_at: Set(now),
                    confirmed_at: Set(Some(now)),
                    digest_through: Set(Some(now)),
                    last_mailed_at: Set(Some(now)),
                    ..Default::default()
                }
            })
            .collect();
        n += rows.len();
        let txn = crate::db::begin_write(db).await?;
        subscriptions::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        txn.commit().await?;
    }
    Ok(())
}
