//! Conditional GET for public pages and feeds: an ETag always, Last-Modified when known, and
//! 304 when the client already has the same bytes. `no-cache` makes browsers and proxies
//! revalidate every time, which is what keeps time-dependent text (status, time left) right.
use actix_web::http::header::{self, HttpDate};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use std::time::{SystemTime, UNIX_EPOCH};

/// A strong validator from any bytes (a key or the body itself).
#[must_use]
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &crate::ledger::sha256_hex(bytes)[..20])
}

fn http_date(at: DateTime<Utc>) -> HttpDate {
    let secs = u64::try_from(at.timestamp()).unwrap_or(0);
    HttpDate::from(UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

fn not_modified(req: &HttpRequest, etag: &str, last_modified: Option<DateTime<Utc>>) -> bool {
    if let Some(inm) = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        return inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag);
    }
    let Some(lm) = last_modified else { return false };
    let Some(ims) = req.headers().get(header::IF_MODIFIED_SINCE).and_then(|v| v.to_str().ok()) else { return false };
    let Ok(ims) = ims.parse::<HttpDate>() else { return false };
    let ims: SystemTime = ims.into();
    let ims_secs = ims.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    u64::try_from(lm.timestamp()).is_ok_and(|lm_secs| lm_secs <= ims_secs)
}

/// 200 with the body, or 304 when the client's copy is current.
#[must_use]
pub fn conditional(
    req: &HttpRequest,
    content_type: &str,
    etag: &str,
    last_modified: Option<DateTime<Utc>>,
    body: Bytes,
) -> HttpResponse {
    let unchanged = not_modified(req, etag, last_modified);
    let mut res = if unchanged { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .insert_header((header::VARY, "Cookie, Accept-Encoding"));
    if let Some(lm) = last_modified {
        res.insert_header((header::LAST_MODIFIED, http_date(lm)));
    }
    if unchanged {
        return res.finish();
    }
    res.content_type(content_type.to_owned()).body(body)
}
