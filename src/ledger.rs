//! The tamper-evident record: an append-only hash chain. Each entry hashes the previous entry's
//! hash together with its own canonical content, so editing or deleting any covered row, or
//! any entry, breaks the chain from that point on.
//!
//! Appends happen inside the caller's write transaction. On PostgreSQL a transaction-scoped
//! advisory lock makes appends from several app instances queue into one line; on SQLite the
//! write lock does the same. The primary key on `seq` and the unique `prev_hash` refuse a fork
//! even if that were bypassed.
use crate::error::AppResult;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::ledger;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, QueryOrder, Statement};
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Arbitrary constant identifying the ledger's advisory lock on PostgreSQL.
const PG_LOCK_KEY: i64 = 0x6c65_6467_6572;

/// The canonical form of content: JSON with object keys sorted (serde_json's default map is
/// ordered), no insignificant whitespace.
#[must_use]
pub fn canonical(content: &serde_json::Value) -> String {
    content.to_string()
}

#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[must_use]
pub fn content_hash(content: &serde_json::Value) -> String {
    sha256_hex(canonical(content).as_bytes())
}

/// The hash of an entry, from its fields and the previous entry's hash.
#[must_use]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    kind: &str,
    entity_type: &str,
    entity_id: i32,
    content_hash: &str,
) -> String {
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    sha256_hex(format!("{prev_hash}\n{seq}\n{at}\n{kind}\n{entity_type}\n{entity_id}\n{content_hash}").as_bytes())
}

/// Appends one entry. Call inside the write transaction that changes the covered row.
///
/// # Errors
/// Database failure.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    entity_type: &str,
    entity_id: i32,
    content: &serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<ledger::Model> {
    Tail::default().append(db, kind, entity_type, entity_id, content, now).await
}

/// The end of the chain as one write transaction sees it. The first append reads the head
/// (on PostgreSQL after taking the lock); later appends in the same transaction continue from
/// memory, which saves a query per entry when a transaction appends many (group commit). Only
/// valid inside the transaction that made it: use a new one for each transaction.
#[derive(Debug, Default)]
pub struct Tail {
    head: Option<(i64, String)>,
}

impl Tail {
    /// Appends one entry after the last one this transaction appended or read.
    ///
    /// # Errors
    /// Database failure.
    pub async fn append<C: ConnectionTrait>(
        &mut self,
        db: &C,
        kind: &str,
        entity_type: &str,
        entity_id: i32,
        content: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> AppResult<ledger::Model> {
        let (seq, prev_hash) = match self.head.take() {
            Some((seq, hash)) => (seq + 1, hash),
            None => read_head(db).await?,
        };
        // Stored timestamps lose sub-microsecond precision; hash what will be read back.
        let at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
        let content_hash = content_hash(content);
        let entry_hash = entry_hash(&prev_hash, seq, at, kind, entity_type, entity_id, &content_hash);
        let entry = ledger::Model {
            seq,
            at,
            kind: kind.to_owned(),
            entity_type: entity_type.to_owned(),
            entity_id,
            content_hash,
            prev_hash,
            entry_hash,
        };
        let row = ledger::ActiveModel {
            seq: Set(entry.seq),
            at: Set(entry.at),
            kind: Set(entry.kind.clone()),
            entity_type: Set(entry.entity_type.clone()),
            entity_id: Set(entry.entity_id),
            content_hash: Set(entry.content_hash.clone()),
            prev_hash: Set(entry.prev_hash.clone()),
            entry_hash: Set(entry.entry_hash.clone()),
        };
        ledger::Entity::insert(row).exec_without_returning(db).await?;
        self.head = Some((entry.seq, entry.entry_hash.clone()));
        Ok(entry)
    }
}

/// The next sequence number and the hash to chain to, under the PostgreSQL lock.
async fn read_head<C: ConnectionTrait>(db: &C) -> AppResult<(i64, String)> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [PG_LOCK_KEY.into()],
        ))
        .await?;
    }
    let head = ledger::Entity::find().order_by_desc(ledger::Column::Seq).one(db).await?;
    Ok(head.map_or((1, GENESIS.to_owned()), |h| (h.seq + 1, h.entry_hash)))
}

/// The head of the chain, as published at `/transparency`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Head {
    pub count: i64,
    pub head_hash: String,
}

/// # Errors
/// Database failure.
pub async fn head<C: ConnectionTrait>(db: &C) -> AppResult<Head> {
    let last = ledger::Entity::find().order_by_desc(ledger::Column::Seq).one(db).await?;
    Ok(last
        .map_or(Head { count: 0, head_hash: GENESIS.to_owned() }, |e| Head { count: e.seq, head_hash: e.entry_hash }))
}

/// The newest `n` entries, newest first.
///
/// # Errors
/// Database failure.
pub async fn recent<C: ConnectionTrait>(db: &C, n: u64) -> AppResult<Vec<ledger::Model>> {
    use sea_orm::QuerySelect;
    Ok(ledger::Entity::find().order_by_desc(ledger::Column::Seq).limit(n).all(db).await?)
}

/// Where the chain first fails to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub seq: i64,
    pub reason: String,
}

/// Walks the chain: sequence numbers without gaps, each entry linked to the previous one and
/// hashing to what it says. Returns the entries for a row-by-row check.
///
/// # Errors
/// Database failure (a broken chain is `Ok(Err(Break))`).
pub async fn verify_links<C: ConnectionTrait>(db: &C) -> AppResult<Result<Vec<ledger::Model>, Break>> {
    let entries = ledger::Entity::find().order_by_asc(ledger::Column::Seq).all(db).await?;
    let mut prev = GENESIS.to_owned();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        if e.seq != expected_seq {
            return Ok(Err(Break { seq: expected_seq, reason: format!("第{expected_seq}条记录缺失") }));
        }
        if e.prev_hash != prev {
            return Ok(Err(Break { seq: e.seq, reason: format!("第{}条记录与前一条不衔接", e.seq) }));
        }
        let recomputed = entry_hash(&e.prev_hash, e.seq, e.at, &e.kind, &e.entity_type, e.entity_id, &e.content_hash);
        if recomputed != e.entry_hash {
            return Ok(Err(Break {
                seq: e.seq, reason: format!("第{}条记录的哈希不符（记录被改动）", e.seq)
            }));
        }
        prev.clone_from(&e.entry_hash);
    }
    Ok(Ok(entries))
}
