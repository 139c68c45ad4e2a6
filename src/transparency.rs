//! `/transparency`: the head of the tamper-evident ledger (its hash and entry count) and the
//! public key receipts are signed with, as a page and as JSON, so anyone can keep a copy and
//! later check that the record they saw has not been rewritten.
use crate::error::{ApiResult, PageResult};
use crate::web::AppState;
use crate::web::precomputed::{self, Page as Stored};
use crate::web::templates::render;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

/// How many recent entries the page lists.
const RECENT: u64 = 20;

#[derive(Serialize)]
struct Transparency {
    count: i64,
    head_hash: String,
    /// Ed25519 public key (hex) that signs objection receipts.
    receipt_public_key: String,
    /// When this answer was made (RFC 3339, China time); on the page, when the newest entry was
    /// recorded, which the head stands as of.
    as_of: String,
}

#[derive(Serialize)]
struct Entry {
    seq: i64,
    at: String,
    kind: String,
    entry_hash: String,
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    head: Transparency,
    recent: Vec<Entry>,
}

async fn head(state: &AppState) -> crate::error::AppResult<Transparency> {
    let head = crate::ledger::head(&state.db).await?;
    Ok(Transparency {
        count: head.count,
        head_hash: head.head_hash,
        receipt_public_key: crate::receipts::public_key_hex(&state.secrets.signing_seed),
        as_of: crate::china_time::rfc3339_china(state.now()),
    })
}

/// The page: a stored answer, rebuilt when the ledger moves. It states the head as of the
/// newest entry, so it holds until the next one.
pub async fn page(req: HttpRequest, state: Data<AppState>) -> PageResult<HttpResponse> {
    Ok(precomputed::serve(&req, &state, "transparency".to_owned(), state.now(), || async {
        let entries = crate::ledger::recent(&state.db, RECENT).await?;
        let newest = entries.first().map(|e| crate::china_time::datetime_zh(e.at)).unwrap_or_default();
        let recent = entries
            .into_iter()
            .map(|e| Entry {
                seq: e.seq,
                at: crate::china_time::datetime_zh(e.at),
                kind: kind_label(&e.kind).to_owned(),
                entry_hash: e.entry_hash,
            })
            .collect();
        let mut head = head(&state).await?;
        head.as_of = newest;
        let body = render("transparency.html", &Page { title: "公开核验", head, recent })?;
        Ok(Stored::new(body, "text/html; charset=utf-8").reading_ledger())
    })
    .await?)
}

pub async fn json(state: Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().insert_header((CACHE_CONTROL, "no-cache")).json(head(&state).await?))
}

fn kind_label(kind: &str) -> &str {
    match kind {
        "objection.receive" => "收到异议",
        "objection.event" => "异议处理",
        "notice.publish" => "发布公示",
        "notice.correct" => "更正公示",
        "notice.withdraw" => "撤销公示",
        other => other,
    }
}
