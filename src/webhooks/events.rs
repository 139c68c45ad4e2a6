//! What each ledger entry tells an endpoint, to whom, and the fan-out that turns new entries
//! into deliveries.
//!
//! The fan-out reads the ledger after a cursor, in sequence order, and writes one delivery per
//! entry and endpoint that asked for its type and may know of it. A unit's endpoints hear of
//! what the unit's staff may see: notices and reports of the unit and the units below it,
//! objections handled by the unit itself, recommendations it made or received. The province's
//! hear of everything. The deliveries and the cursor's move commit together, and a unique key
//! on (endpoint, entry, round) lets several instances fan out at once without a delivery twice.
use super::{EventType, state};
use crate::error::AppResult;
use crate::objections::Status;
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{
    ledger, notice_revisions, notices, objection_events, objections, projects, recommendation_withdrawals,
    recommendations, result_reports, units, webhook_cursor, webhook_deliveries, webhook_endpoints,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Ledger entries one pass reads.
const BATCH: u64 = 200;
const CURSOR: &str = "ledger";

/// Who may hear of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Public facts of a unit's notice: endpoints of that unit and of the units above it.
    UnitAndAbove(i32),
    /// Facts the named units' staff see: their endpoints and the province's.
    Units(Vec<i32>),
}

/// An entry as endpoints hear of it.
#[derive(Debug, Clone)]
pub struct Event {
    pub event_type: EventType,
    pub audience: Audience,
    pub data: Value,
}

/// `evt_42`: the `webhook-id` of the event of ledger entry 42, the same at every endpoint and on
/// every retry, so a receiver can drop what it already has.
#[must_use]
pub fn event_id(seq: i64) -> String {
    format!("evt_{seq}")
}

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The body an endpoint receives for `event` of `entry`.
#[must_use]
pub fn body(entry: &ledger::Model, event: &Event, base_url: &str) -> String {
    json!({
        "id": event_id(entry.seq),
        "type": event.event_type.code(),
        "timestamp": entry.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "ledger": {
            "seq": entry.seq,
            "entry_hash": entry.entry_hash,
            "prev_hash": entry.prev_hash,
            "kind": entry.kind,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "verify_url": format!("{base_url}/transparency"),
        },
        "data": event.data,
    })
    .to_string()
}

/// What `entry` tells, or `None` for entries endpoints do not hear of (or whose row is gone).
///
/// # Errors
/// Database failure.
pub async fn describe<C: ConnectionTrait>(db: &C, entry: &ledger::Model, base_url: &str) -> AppResult<Option<Event>> {
    let Some(event_type) = EventType::of_ledger_kind(&entry.kind) else { return Ok(None) };
    let id = entry.entity_id;
    let found = match event_type {
        EventType::NoticePublished | EventType::NoticeCorrected => revision(db, id, base_url).await?,
        EventType::NoticeWithdrawn => withdrawn_notice(db, id, base_url).await?,
        EventType::ObjectionReceived => objection(db, id, base_url)
            .await?
            .map(|(unit, data)| (Audience::Units(vec![unit]), json!({ "objection": data }))),
        EventType::ObjectionUpdated => objection_change(db, id, base_url).await?,
        EventType::ReportIssued => report(db, id, base_url).await?,
        EventType::RecommendationMade => recommendation(db, id).await?,
        EventType::RecommendationWithdrawn => withdrawal(db, id).await?,
    };
    Ok(found.map(|(audience, data)| Event { event_type, audience, data }))
}

type Found = Option<(Audience, Value)>;

async fn unit_json<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Value> {
    let name = units::Entity::find_by_id(id).one(db).await?.map(|u| u.name).unwrap_or_default();
    Ok(json!({ "id": id, "name": name }))
}

fn notice_json(notice: &notices::Model, rev: &notice_revisions::Model, unit: &Value, base_url: &str) -> Value {
    let level = crate::notices::Level::from_number(notice.level);
    json!({
        "id": notice.id,
        "title": rev.title,
        "level": notice.level,
        "level_label": level.map(crate::notices::Level::label),
        "unit": unit,
        "revision_no": rev.revision_no,
        "opens_at": ts(rev.opens_at),
        "closes_at": ts(rev.closes_at),
        "url": format!("{base_url}/notices/{}", notice.id),
    })
}

async fn revision<C: ConnectionTrait>(db: &C, revision_id: i32, base_url: &str) -> AppResult<Found> {
    let Some(rev) = notice_revisions::Entity::find_by_id(revision_id).one(db).await? else { return Ok(None) };
    let Some(notice) = notices::Entity::find_by_id(rev.notice_id).one(db).await? else { return Ok(None) };
    let unit = unit_json(db, notice.unit_id).await?;
    let mut data = json!({ "notice": notice_json(&notice, &rev, &unit, base_url) });
    if rev.revision_no > 1 {
        data["correction"] = json!({ "note": rev.correction_note, "restarts_period": rev.restarts_period });
    }
    Ok(Some((Audience::UnitAndAbove(notice.unit_id), data)))
}

async fn withdrawn_notice<C: ConnectionTrait>(db: &C, notice_id: i32, base_url: &str) -> AppResult<Found> {
    let Some(notice) = notices::Entity::find_by_id(notice_id).one(db).await? else { return Ok(None) };
    let latest = notice_revisions::Entity::find()
        .filter(notice_revisions::Column::NoticeId.eq(notice_id))
        .filter(notice_revisions::Column::PublishedAt.is_not_null())
        .order_by_desc(notice_revisions::Column::RevisionNo)
        .one(db)
        .await?;
    let Some(rev) = latest else { return Ok(None) };
    let unit = unit_json(db, notice.unit_id).await?;
    let data = json!({
        "notice": notice_json(&notice, &rev, &unit, base_url),
        "withdrawal": { "reason": notice.withdraw_reason, "at": notice.withdrawn_at.map(ts) },
    });
    Ok(Some((Audience::UnitAndAbove(notice.unit_id), data)))
}

/// A case as an endpoint hears of it: where it stands, never what the objector wrote or who
/// they are (the staff page, behind a login, has that). Returns the handling unit too.
async fn objection<C: ConnectionTrait>(db: &C, id: i32, base_url: &str) -> AppResult<Option<(i32, Value)>> {
    let Some(o) = objections::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(notice) = notices::Entity::find_by_id(o.notice_id).one(db).await? else { return Ok(None) };
    let status = Status::parse(&o.status);
    let data = json!({
        "id": o.id,
        "receipt_code": o.receipt_code,
        "notice_id": o.notice_id,
        "project_id": o.project_id,
        "channel": o.channel,
        "in_time": o.in_time,
        "received_at": ts(o.received_at),
        "handling_due_at": ts(o.handling_due_at),
        "status": o.status,
        "status_label": status.map(Status::label),
        "url": format!("{base_url}/admin/objections/{}", o.id),
    });
    Ok(Some((notice.unit_id, data)))
}

async fn objection_change<C: ConnectionTrait>(db: &C, event_id: i32, base_url: &str) -> AppResult<Found> {
    let Some(event) = objection_events::Entity::find_by_id(event_id).one(db).await? else { return Ok(None) };
    if event.from_status.is_none() {
        // A case's first event is its receipt: `objection.received` tells of it.
        return Ok(None);
    }
    let Some((unit, case)) = objection(db, event.objection_id, base_url).await? else { return Ok(None) };
    let data = json!({
        "objection": case,
        "change": {
            "from": event.from_status,
            "to": event.to_status,
            "to_label": Status::parse(&event.to_status).map(Status::label),
            "at": ts(event.at),
        },
    });
    Ok(Some((Audience::Units(vec![unit]), data)))
}

async fn report<C: ConnectionTrait>(db: &C, id: i32, base_url: &str) -> AppResult<Found> {
    let Some(r) = result_reports::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(notice) = notices::Entity::find_by_id(r.notice_id).one(db).await? else { return Ok(None) };
    let data = json!({
        "report": {
            "id": r.id,
            "code": r.code,
            "notice_id": r.notice_id,
            "issued_on": r.issued_on.to_string(),
            "sha256": r.sha256,
            "verify_url": format!("{base_url}/reports/{}", r.code),
        },
        "unit": unit_json(db, notice.unit_id).await?,
    });
    Ok(Some((Audience::UnitAndAbove(notice.unit_id), data)))
}

async fn project_json<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Value> {
    let name = projects::Entity::find_by_id(id).one(db).await?.map(|p| p.name).unwrap_or_default();
    Ok(json!({ "id": id, "name": name }))
}

async fn recommendation<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Found> {
    // A withdrawn recommendation's row is gone; its copy in the withdrawals tells the same.
    let (project, from, to, level, at) = match recommendations::Entity::find_by_id(id).one(db).await? {
        Some(r) => (r.project_id, r.from_unit_id, r.to_unit_id, r.level, r.created_at),
        None => {
            let copy = recommendation_withdrawals::Entity::find()
                .filter(recommendation_withdrawals::Column::RecommendationId.eq(id))
                .one(db)
                .await?;
            let Some(w) = copy else { return Ok(None) };
            (w.project_id, w.from_unit_id, w.to_unit_id, w.level, w.recommended_at)
        }
    };
    let data = json!({
        "recommendation": {
            "id": id,
            "project": project_json(db, project).await?,
            "from_unit": unit_json(db, from).await?,
            "to_unit": unit_json(db, to).await?,
            "level": level,
            "at": ts(at),
        },
    });
    Ok(Some((Audience::Units(vec![from, to]), data)))
}

async fn withdrawal<C: ConnectionTrait>(db: &C, id: i32) -> AppResult<Found> {
    let Some(w) = recommendation_withdrawals::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let data = json!({
        "withdrawal": {
            "id": w.id,
            "recommendation_id": w.recommendation_id,
            "project": project_json(db, w.project_id).await?,
            "from_unit": unit_json(db, w.from_unit_id).await?,
            "to_unit": unit_json(db, w.to_unit_id).await?,
            "level": w.level,
            "reason": w.reason,
            "at": ts(w.withdrawn_at),
        },
    });
    Ok(Some((Audience::Units(vec![w.from_unit_id, w.to_unit_id]), data)))
}

/// The unit tree with which units are the province.
struct Units {
    tree: crate::access::tree::UnitTree,
    provinces: Vec<i32>,
}

impl Units {
    async fn load<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        let rows: Vec<(i32, Option<i32>, String)> = units::Entity::find()
            .select_only()
            .column(units::Column::Id)
            .column(units::Column::ParentId)
            .column(units::Column::Kind)
            .into_tuple()
            .all(db)
            .await?;
        let provinces = rows.iter().filter(|(_, p, k)| p.is_none() && k == "province").map(|r| r.0).collect();
        let tree = crate::access::tree::UnitTree::from_pairs(rows.into_iter().map(|(id, p, _)| (id, p)));
        Ok(Self { tree, provinces })
    }

    /// Whether an endpoint of `unit` may hear of an event for `audience`.
    fn hears(&self, unit: i32, audience: &Audience) -> bool {
        match audience {
            Audience::UnitAndAbove(of) => unit == *of || self.tree.is_above(unit, *of),
            Audience::Units(list) => list.contains(&unit) || self.provinces.contains(&unit),
        }
    }
}

/// Where the fan-out stands; the first time, just before the oldest endpoint's first entry
/// (or the head when there is none), so history is never sent.
async fn cursor<C: ConnectionTrait>(db: &C) -> AppResult<i64> {
    if let Some(row) = webhook_cursor::Entity::find_by_id(CURSOR).one(db).await? {
        return Ok(row.last_seq);
    }
    let oldest: Option<Option<i64>> = webhook_endpoints::Entity::find()
        .select_only()
        .column_as(webhook_endpoints::Column::FromSeq.min(), "m")
        .into_tuple()
        .one(db)
        .await?;
    let start = match oldest.flatten() {
        Some(seq) => seq,
        None => crate::ledger::head(db).await?.count,
    };
    let row = webhook_cursor::ActiveModel { name: Set(CURSOR.to_owned()), last_seq: Set(start) };
    let conflict = OnConflict::column(webhook_cursor::Column::Name).do_nothing().to_owned();
    match webhook_cursor::Entity::insert(row).on_conflict(conflict).exec_without_returning(db).await {
        Ok(_) | Err(DbErr::RecordNotInserted) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(webhook_cursor::Entity::find_by_id(CURSOR).one(db).await?.map_or(start, |r| r.last_seq))
}

/// Turns the ledger entries after the cursor into deliveries (at most [`BATCH`] entries a
/// call); returns how many deliveries it wrote.
///
/// # Errors
/// Database failure; nothing is written then, and the next call starts from the same place.
pub async fn fan_out(db: &DatabaseConnection, base_url: &str, now: DateTime<Utc>) -> AppResult<usize> {
    let after = cursor(db).await?;
    let entries = ledger::Entity::find()
        .filter(ledger::Column::Seq.gt(after))
        .order_by_asc(ledger::Column::Seq)
        .limit(BATCH)
        .all(db)
        .await?;
    let Some(last) = entries.last().map(|e| e.seq) else { return Ok(0) };
    let endpoints =
        webhook_endpoints::Entity::find().filter(webhook_endpoints::Column::Enabled.eq(true)).all(db).await?;
    let mut rows = Vec::new();
    if !endpoints.is_empty() {
        let units = Units::load(db).await?;
        let wants: HashMap<i32, Vec<EventType>> =
            endpoints.iter().map(|e| (e.id, super::split_types(&e.event_types))).collect();
        for entry in &entries {
            let Some(t) = EventType::of_ledger_kind(&entry.kind) else { continue };
            let listening: Vec<&webhook_endpoints::Model> =
                endpoints.iter().filter(|e| e.from_seq < entry.seq && wants[&e.id].contains(&t)).collect();
            if listening.is_empty() {
                continue;
            }
            let Some(event) = describe(db, entry, base_url).await? else { continue };
            let body = body(entry, &event, base_url);
            for endpoint in listening.into_iter().filter(|e| units.hears(e.unit_id, &event.audience)) {
                rows.push(new_delivery(endpoint.id, entry.seq, 0, t, body.clone(), now, None));
            }
        }
    }
    let written = rows.len();
    let txn = crate::db::begin_write(db).await?;
    for chunk in rows.chunks(100) {
        let conflict = OnConflict::columns([
            webhook_deliveries::Column::EndpointId,
            webhook_deliveries::Column::LedgerSeq,
            webhook_deliveries::Column::Round,
        ])
        .do_nothing()
        .to_owned();
        match webhook_deliveries::Entity::insert_many(chunk.to_vec())
            .on_conflict(conflict)
            .exec_without_returning(&txn)
            .await
        {
            Ok(_) | Err(DbErr::RecordNotInserted) => {}
            Err(e) => return Err(e.into()),
        }
    }
    webhook_cursor::Entity::update_many()
        .col_expr(webhook_cursor::Column::LastSeq, Expr::value(last))
        .filter(webhook_cursor::Column::Name.eq(CURSOR))
        .filter(webhook_cursor::Column::LastSeq.lt(last))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(written)
}

/// A delivery due at once.
#[must_use]
pub fn new_delivery(
    endpoint_id: i32,
    seq: i64,
    round: i32,
    event_type: EventType,
    body: String,
    now: DateTime<Utc>,
    replayed_by: Option<i32>,
) -> webhook_deliveries::ActiveModel {
    webhook_deliveries::ActiveModel {
        endpoint_id: Set(endpoint_id),
        ledger_seq: Set(seq),
        round: Set(round),
        event_id: Set(event_id(seq)),
        event_type: Set(event_type.code().to_owned()),
        body: Set(body),
        state: Set(state::PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        replayed_by: Set(replayed_by),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_hears_of_public_events_below_it_and_of_private_ones_of_its_own() {
        // 1 province → 2 city → 3 county; 4 another city.
        let units = Units {
            tree: crate::access::tree::UnitTree::from_pairs([(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))]),
            provinces: vec![1],
        };
        let notice_of_county = Audience::UnitAndAbove(3);
        assert!(
            units.hears(3, &notice_of_county) && units.hears(2, &notice_of_county) && units.hears(1, &notice_of_county)
        );
        assert!(!units.hears(4, &notice_of_county));
        let case_of_county = Audience::Units(vec![3]);
        assert!(units.hears(3, &case_of_county) && units.hears(1, &case_of_county));
        assert!(!units.hears(2, &case_of_county), "a city does not see the cases its counties handle");
    }
}
