//! Objections in bulk. Filing a million one by one through the writer would take hours, so the
//! rows are written in multi-row inserts, but built with the real pieces: receipts sealed with
//! this database's key (`receipts::Receipt::seal`), lookup keys hashed by `codes`, ledger
//! content from `objections::ledger` chained with `ledger::entry_hash`. `gongshi verify`
//! accepts the result, which is the proof that the rows are what the real code would write.
use super::notices::Published;
use super::text::Words;
use crate::error::AppResult;
use crate::objections::codes::{ALPHABET, RECEIPT_CODE_LEN, lookup_key_hash};
use crate::objections::filing::Identity;
use crate::objections::ledger::{self as oledger, micros};
use crate::receipts::Receipt;
use crate::secrets::Secrets;
use chrono::{DateTime, Duration, Utc};
use entity::{ledger, objection_events, objections, objector_identities, projects};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryOrder, QuerySelect, Statement,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Cases per write transaction.
const CASES_PER_COMMIT: usize = 2_000;
/// Rows per multi-row insert, under SQLite's bound-variable limit for the widest table.
const ROWS_PER_INSERT: usize = 500;

/// Where the next ids and the ledger stand.
struct Cursor {
    objection_id: i32,
    event_id: i32,
    seq: i64,
    prev_hash: String,
    codes: HashSet<String>,
    code_counter: u64,
}

/// The rows of one batch.
#[derive(Default)]
struct Batch {
    objections: Vec<objections::ActiveModel>,
    identities: Vec<objector_identities::ActiveModel>,
    events: Vec<objection_events::ActiveModel>,
    ledger: Vec<ledger::ActiveModel>,
}

async fn cursor(db: &DatabaseConnection) -> AppResult<Cursor> {
    let head = ledger::Entity::find().order_by_desc(ledger::Column::Seq).one(db).await?;
    let codes: Vec<String> =
        objections::Entity::find().select_only().column(objections::Column::ReceiptCode).into_tuple().all(db).await?;
    Ok(Cursor {
        objection_id: objections::Entity::find()
            .order_by_desc(objections::Column::Id)
            .one(db)
            .await?
            .map_or(0, |o| o.id)
            + 1,
        event_id: objection_events::Entity::find()
            .order_by_desc(objection_events::Column::Id)
            .one(db)
            .await?
            .map_or(0, |e| e.id)
            + 1,
        seq: head.as_ref().map_or(1, |h| h.seq + 1),
        prev_hash: head.map_or_else(|| crate::ledger::GENESIS.to_owned(), |h| h.entry_hash),
        codes: codes.into_iter().collect(),
        code_counter: 0,
    })
}

impl Cursor {
    /// A receipt code no case has yet.
    fn code(&mut self) -> String {
        loop {
            self.code_counter += 1;
            let code = spread_code(self.code_counter);
            if self.codes.insert(code.clone()) {
                return code;
            }
        }
    }

    fn chain(
        &mut self,
        batch: &mut Batch,
        kind: &str,
        entity_type: &str,
        entity_id: i32,
        content: &serde_json::Value,
        at: DateTime<Utc>,
    ) {
        let content_hash = crate::ledger::content_hash(content);
        let entry_hash =
            crate::ledger::entry_hash(&self.prev_hash, self.seq, at, kind, entity_type, entity_id, &content_hash);
        batch.ledger.push(ledger::ActiveModel {
            seq: Set(self.seq),
            at: Set(at),
            kind: Set(kind.to_owned()),
            entity_type: Set(entity_type.to_owned()),
            entity_id: Set(entity_id),
            content_hash: Set(content_hash),
            prev_hash: Set(self.prev_hash.clone()),
            entry_hash: Set(entry_hash.clone()),
        });
        self.seq += 1;
        self.prev_hash = entry_hash;
    }
}

/// The receipt code for counter `n`: the counter spread over the code space by an invertible
/// affine map, so codes look random but two counters never share one.
fn spread_code(n: u64) -> String {
    let len = u64::try_from(ALPHABET.len()).unwrap_or(31);
    let space = len.pow(u32::try_from(RECEIPT_CODE_LEN).unwrap_or(8));
    // 2_654_435_761 is prime and not 31, so it is invertible modulo 31^8.
    let mut x = (u128::from(n) * 2_654_435_761 + 97_531) % u128::from(space);
    let mut code = String::with_capacity(RECEIPT_CODE_LEN);
    for _ in 0..RECEIPT_CODE_LEN {
        code.push(char::from(ALPHABET[usize::try_from(x % u128::from(len)).unwrap_or(0)]));
        x /= u128::from(len);
    }
    code
}

/// Files `total` objections spread over the notices: cases on notices that closed more than two
/// days ago are concluded (most dismissed, one in ten upheld); the rest are still 已接收.
///
/// # Errors
/// Database failure.
pub async fn file_all(
    db: &DatabaseConnection,
    notices: &[Published],
    total: usize,
    keys: &Secrets,
    words: &mut Words,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if notices.is_empty() || total == 0 {
        return Ok(());
    }
    let names: HashMap<i32, String> = projects::Entity::find()
        .select_only()
        .column(projects::Column::Id)
        .column(projects::Column::Name)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut cur = cursor(db).await?;
    let mut batch = Batch::default();
    let mut in_batch = 0;
    for n in 0..total {
        let notice = &notices[n % notices.len()];
        one_case(&mut cur, &mut batch, notice, &names, n, keys, words, now);
        in_batch += 1;
        if in_batch == CASES_PER_COMMIT {
            write(db, std::mem::take(&mut batch)).await?;
            in_batch = 0;
        }
    }
    write(db, batch).await?;
    resync_sequences(db).await
}

#[expect(clippy::too_many_arguments, reason = "the run's cursors, batch and generators, threaded through one case")]
fn one_case(
    cur: &mut Cursor,
    batch: &mut Batch,
    notice: &Published,
    names: &HashMap<i32, String>,
    n: usize,
    keys: &Secrets,
    words: &mut Words,
    now: DateTime<Utc>,
) {
    let id = cur.objection_id;
    cur.objection_id += 1;
    let project_id = notice.project_ids[n % notice.project_ids.len()];
    let window = (notice.closes_at.min(now) - notice.opens_at).num_seconds().max(1);
    let received_at = micros(
        notice.opens_at
            + Duration::seconds(i64::try_from(words.below(usize::try_from(window).unwrap_or(1))).unwrap_or(0)),
    );
    let content = words.objection();
    let code = cur.code();
    let concluded = notice.closes_at + Duration::days(2) < now;
    let upheld = concluded && n.is_multiple_of(10);
    let final_status = match (concluded, upheld) {
        (false, _) => "received",
        (true, false) => "dismissed",
        (true, true) => "upheld",
    };
    let conclusion_at = micros(notice.closes_at + Duration::days(1));
    let conclusion =
        concluded.then(|| if upheld { "经核查，异议成立。" } else { "经核查，异议不成立。" }.to_owned());
    let receipt = Receipt {
        code: code.clone(),
        notice_id: notice.id,
        notice_title: notice.title.clone(),
        project_id: Some(project_id),
        project_name: names.get(&project_id).cloned().unwrap_or_default(),
        category: "personnel".to_owned(),
        channel: "web".to_owned(),
        received_at: crate::china_time::rfc3339_china(received_at),
        status: "received".to_owned(),
        refusal_reason: None,
        content_sha256: hex::encode(Sha256::digest(content.as_bytes())),
        attachments_sha256: Vec::new(),
    };
    let row = objections::Model {
        id,
        notice_id: notice.id,
        project_id: Some(project_id),
        receipt_code: code,
        lookup_key_hash: lookup_key_hash(&format!("LOADGEN{n:09}")),
        channel: "web".to_owned(),
        objector_kind: "individual".to_owned(),
        category: "personnel".to_owned(),
        content,
        received_at,
        claimed_at: None,
        registered_at: received_at,
        registered_by: None,
        status: final_status.to_owned(),
        refusal_reason: None,
        in_time: true,
        assigned_to: None,
        handling_due_at: micros(notice.handling_due_at),
        sealed_letter: "not_required".to_owned(),
        conclusion_summary: conclusion.clone(),
        concluded_at: concluded.then_some(conclusion_at),
        idempotency_key: None,
        signature: receipt.seal(&keys.signing_seed),
        public_summary: conclusion.clone(),
        notify_by_email: false,
    };
    cur.chain(batch, oledger::RECEIVE, oledger::OBJECTION, id, &oledger::receipt_content(&row, &[]), received_at);
    let mut steps = vec![(None, "received", received_at, Some("异议已接收。".to_owned()))];
    if concluded {
        steps.push((
            Some("received"),
            "accepted",
            micros(notice.closes_at + Duration::hours(2)),
            Some("异议已受理。".to_owned()),
        ));
        steps.push((Some("accepted"), "investigating", micros(notice.closes_at + Duration::hours(3)), None));
        steps.push((Some("investigating"), final_status, conclusion_at, conclusion.clone()));
    }
    for (from, to, at, note) in steps {
        let event = objection_events::Model {
            id: cur.event_id,
            objection_id: id,
            from_status: from.map(str::to_owned),
            to_status: to.to_owned(),
            actor_user_id: None,
            at,
            internal_note: None,
            public_note: note,
        };
        cur.event_id += 1;
        cur.chain(batch, oledger::EVENT, oledger::OBJECTION_EVENT, event.id, &oledger::event_content(&event, &row), at);
        batch.events.push(event.into());
    }
    let identity = Identity {
        name: Some(words.person()),
        phone: Some(format!("139{:08}", words.below(100_000_000))),
        ..Identity::default()
    };
    batch.identities.push(crate::objections::identity::sealed_row(&keys.sealer, id, &identity));
    batch.objections.push(row.into());
}

async fn write(db: &DatabaseConnection, batch: Batch) -> AppResult<()> {
    if batch.objections.is_empty() {
        return Ok(());
    }
    let txn = crate::db::begin_write(db).await?;
    for chunk in batch.objections.chunks(ROWS_PER_INSERT) {
        objections::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in batch.identities.chunks(ROWS_PER_INSERT) {
        objector_identities::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in batch.events.chunks(ROWS_PER_INSERT) {
        objection_events::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in batch.ledger.chunks(ROWS_PER_INSERT) {
        ledger::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Explicit ids leave PostgreSQL's sequences behind; bring them up so the app's next insert
/// does not collide.
async fn resync_sequences(db: &DatabaseConnection) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in ["objections", "objection_events"] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"
        );
        db.execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_codes_never_repeat_and_read_back_as_receipt_codes() {
        let mut seen = HashSet::new();
        for n in 1..=50_000 {
            let code = spread_code(n);
            assert_eq!(crate::objections::codes::parse_receipt_code(&code).as_deref(), Some(code.as_str()));
            assert!(seen.insert(code), "counter {n} repeated a code");
        }
    }
}
