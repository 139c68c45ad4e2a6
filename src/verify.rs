//! `gongshi verify`: the ledger chain, then the rows it covers (objections and their handling,
//! notice revisions and withdrawals, result reports, recommendations and their withdrawals, and
//! the province's grades). The chain must link from the first entry to the head; each entry's
//! content hash must match the content rebuilt from its row now; every objection and every
//! objection event must have its entry; and each case's current status must be the one its last
//! event set. The first thing that fails is
//! named, so an operator knows where to look.
use crate::error::{AppError, AppResult};
use crate::ledger::{self, Head};
use crate::objections::ledger::{self as oledger, OBJECTION, OBJECTION_EVENT};
use entity::{ledger as ledger_rows, objection_attachments, objection_events, objections};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use std::collections::{HashMap, HashSet};

/// Where verification failed: the ledger entry involved (when there is one) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub seq: Option<i64>,
    pub reason: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// Verifies everything; `Ok(Ok(head))` when chain and rows agree.
///
/// # Errors
/// Database failure (a failed verification is `Ok(Err(Failure))`).
pub async fn verify<C: ConnectionTrait>(db: &C) -> AppResult<Result<Head, Failure>> {
    let entries = match ledger::verify_links(db).await? {
        Ok(entries) => entries,
        Err(b) => return Ok(Err(Failure { seq: Some(b.seq), reason: b.reason })),
    };
    let rows = ObjectionRows::load(db).await?;
    for e in &entries {
        if let Some(failure) = check_entry(db, &rows, e).await? {
            return Ok(Err(failure));
        }
    }
    if let Some(failure) = rows.check_coverage(&entries) {
        return Ok(Err(failure));
    }
    Ok(Ok(ledger::head(db).await?))
}

/// Every objection row in memory, so a ledger of many thousand entries is checked in three
/// queries rather than three per entry.
struct ObjectionRows {
    cases: HashMap<i32, objections::Model>,
    events: HashMap<i32, objection_events::Model>,
    files: HashMap<i32, Vec<objection_attachments::Model>>,
}

impl ObjectionRows {
    async fn load<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        let cases = objections::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o)).collect();
        let events = objection_events::Entity::find().all(db).await?.into_iter().map(|e| (e.id, e)).collect();
        let mut files: HashMap<i32, Vec<objection_attachments::Model>> = HashMap::new();
        let all = objection_attachments::Entity::find().order_by_asc(objection_attachments::Column::Id).all(db).await?;
        for f in all {
            files.entry(f.objection_id).or_default().push(f);
        }
        Ok(Self { cases, events, files })
    }

    fn content(&self, entity_type: &str, id: i32) -> Option<serde_json::Value> {
        match entity_type {
            OBJECTION => {
                let o = self.cases.get(&id)?;
                Some(oledger::receipt_content(o, self.files.get(&id).map_or(&[], Vec::as_slice)))
            }
            _ => {
                let e = self.events.get(&id)?;
                Some(oledger::event_content(e, self.cases.get(&e.objection_id)?))
            }
        }
    }

    /// Every case and event has its entry, and each case stands where its last event put it.
    fn check_coverage(&self, entries: &[ledger_rows::Model]) -> Option<Failure> {
        let covered: HashSet<(&str, i32)> = entries.iter().map(|e| (e.entity_type.as_str(), e.entity_id)).collect();
        let mut case_ids: Vec<_> = self.cases.keys().copied().collect();
        case_ids.sort_unstable();
        let mut last_event: HashMap<i32, &objection_events::Model> = HashMap::new();
        let mut event_ids: Vec<_> = self.events.keys().copied().collect();
        event_ids.sort_unstable();
        for id in event_ids {
            let e = &self.events[&id];
            if !covered.contains(&(OBJECTION_EVENT, id)) {
                return Some(Failure {
                    seq: None, reason: format!("异议处理记录 #{id} 不在账本中（记录被插入）")
                });
            }
            let later = last_event.get(&e.objection_id).is_none_or(|prev| (prev.at, prev.id) < (e.at, e.id));
            if later {
                last_event.insert(e.objection_id, e);
            }
        }
        for id in case_ids {
            let o = &self.cases[&id];
            if !covered.contains(&(OBJECTION, id)) {
                return Some(Failure {
                    seq: None,
                    reason: format!("异议 {} 不在账本中（记录被插入）", o.receipt_code),
                });
            }
            let expected = last_event.get(&id).map(|e| e.to_status.as_str());
            if expected != Some(o.status.as_str()) {
                return Some(Failure {
                    seq: None,
                    reason: format!("异议 {} 的状态“{}”与其处理记录不符（记录被改动）", o.receipt_code, o.status),
                });
            }
        }
        None
    }
}

async fn check_entry<C: ConnectionTrait>(
    db: &C,
    rows: &ObjectionRows,
    e: &ledger_rows::Model,
) -> AppResult<Option<Failure>> {
    let content = if oledger::covers(&e.entity_type) {
        rows.content(&e.entity_type, e.entity_id)
    } else if e.entity_type == crate::reports::ledger::REPORT {
        crate::reports::ledger::content(db, e.entity_id).await?
    } else if crate::recommendations::ledger::covers(&e.entity_type) {
        crate::recommendations::ledger::content(db, &e.entity_type, e.entity_id).await?
    } else if e.entity_type == crate::projects::review_grade::REVIEW_GRADE {
        crate::projects::review_grade::content(db, e.entity_id).await?
    } else {
        match crate::notices::ledger::ledger_content(db, &e.entity_type, e.entity_id).await {
            Ok(content) => content,
            Err(AppError::Internal { .. }) => {
                return Ok(Some(Failure {
                    seq: Some(e.seq),
                    reason: format!("第{}条记录的类型“{}”无法核对", e.seq, e.entity_type),
                }));
            }
            Err(other) => return Err(other),
        }
    };
    let what = describe(&e.entity_type, e.entity_id);
    Ok(match content {
        None => Some(Failure {
            seq: Some(e.seq),
            reason: format!("第{}条记录所对应的{what} 已不存在（记录被删除）", e.seq),
        }),
        Some(c) if ledger::content_hash(&c) != e.content_hash => Some(Failure {
            seq: Some(e.seq),
            reason: format!("第{}条记录所对应的{what} 与账本不符（记录被改动）", e.seq),
        }),
        Some(_) => None,
    })
}

fn describe(entity_type: &str, id: i32) -> String {
    let kind = match entity_type {
        OBJECTION => "异议",
        OBJECTION_EVENT => "异议处理记录",
        crate::notices::ledger::REVISION => "公示版本",
        crate::notices::ledger::NOTICE => "公示撤销记录",
        crate::reports::ledger::REPORT => "公示结果报告",
        crate::recommendations::ledger::RECOMMENDATION => "推荐记录",
        crate::recommendations::ledger::WITHDRAWAL => "撤回推荐记录",
        crate::projects::review_grade::REVIEW_GRADE => "拟评等级记录",
        other => other,
    };
    format!("{kind} #{id}")
}
