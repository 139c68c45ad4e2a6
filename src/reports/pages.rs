//! The public side of reports: `/reports` (type a code from a printed copy), the verify page
//! `/reports/{code}` (the report exactly as issued, its SHA-256, and whether it has been
//! superseded), the downloads `/reports/{code}.pdf` and `.docx`, and the print view
//! `/reports/{code}/print`.
use super::content::ReportContent;
use super::document::{self, Format};
use super::service::{self, Stored};
use crate::china_time::datetime_zh;
use crate::error::{AppError, PageResult};
use crate::web::AppState;
use crate::web::precomputed::{self, Page};
use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct LookupQuery {
    code: Option<String>,
}

#[derive(Serialize)]
struct LookupPage<'a> {
    title: &'static str,
    code: &'a str,
    error: Option<&'static str>,
}

/// The form for a code typed from a printed copy; a valid code goes straight to its page.
pub async fn lookup(q: Query<LookupQuery>) -> PageResult<HttpResponse> {
    let typed = q.code.as_deref().unwrap_or_default().trim();
    if let Some(code) = super::parse_code(typed) {
        return Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/reports/{code}"))).finish());
    }
    let error = (!typed.is_empty()).then_some("验证码应为8位字母或数字，请核对后重新输入");
    let body = crate::web::templates::render(
        "reports/lookup.html",
        &LookupPage { title: "核验公示结果报告", code: typed, error },
    )?;
    Ok(html(body))
}

/// One project row of the verify page.
#[derive(Serialize)]
struct Row<'a> {
    order: i32,
    name: &'a str,
    units: String,
    completers: String,
    grade_label: Option<&'a str>,
    outcome: &'static str,
    outcome_label: &'a str,
    handling: String,
    replaced_by: Option<String>,
}

#[derive(Serialize)]
struct ReportPage<'a> {
    title: &'a str,
    c: &'a ReportContent,
    rows: Vec<Row<'a>>,
    sha256: &'a str,
    intact: bool,
    issued_at_text: String,
    superseded_by: Option<&'a str>,
    /// Set when the report no longer clears: label, reason, since.
    not_standing: Option<NotStanding>,
    notice_url: String,
    qr_svg: String,
    canonical_url: String,
}

#[derive(Serialize)]
struct NotStanding {
    label: &'static str,
    reason: String,
    since_text: Option<String>,
}

impl NotStanding {
    /// Voided, suspended and unconfirmed (offline) reports say so on their page; superseded ones
    /// have their own banner.
    fn of(s: &crate::report_standing::Standing) -> Option<Self> {
        use crate::report_standing::Standing;
        matches!(s, Standing::Void { .. } | Standing::Suspended { .. } | Standing::Unconfirmed { .. }).then(|| Self {
            label: s.label(),
            reason: s.reason(),
            since_text: s.since().map(datetime_zh),
        })
    }
}

fn page<'a>(state: &AppState, s: &'a Stored) -> ReportPage<'a> {
    let c = &s.content;
    let rows = c
        .projects
        .iter()
        .map(|p| Row {
            order: p.order,
            name: &p.name,
            units: p.units.join("、"),
            completers: p.completers.join("、"),
            grade_label: p.grade_label.as_deref(),
            outcome: p.outcome.code(),
            outcome_label: &p.outcome_label,
            handling: p.handling.join("；"),
            replaced_by: s.replaced.get(&p.project_id).cloned(),
        })
        .collect();
    ReportPage {
        title: &c.title,
        c,
        rows,
        sha256: &s.row.sha256,
        intact: s.intact,
        issued_at_text: datetime_zh(s.row.issued_at),
        superseded_by: s.superseded_by.as_deref(),
        not_standing: NotStanding::of(&s.standing),
        notice_url: format!("/notices/{}", c.notice.id),
        qr_svg: crate::notices::poster::qr_svg(&c.verify_url),
        canonical_url: state.settings.absolute_url(&format!("/reports/{}", c.code)),
    }
}

/// `/reports/{code}`, `/reports/{code}.pdf`, `/reports/{code}.docx`, `/reports/{code}.png`.
pub async fn show(state: Data<AppState>, req: HttpRequest, file: Path<String>) -> PageResult<HttpResponse> {
    let (code, format) = match file.rsplit_once('.') {
        Some((code, "pdf")) => (code, Some(Format::Pdf)),
        Some((code, "docx")) => (code, Some(Format::Docx)),
        Some((code, "png")) => (code, Some(Format::Png)),
        Some(_) => return Err(AppError::NotFound.into()),
        None => (file.as_str(), None),
    };
    if format.is_none() && super::parse_code(code).as_deref() == Some(code) {
        // The verify page at its canonical address: a stored answer. It states the report's
        // standing, which objections registered later can change, so it follows the ledger.
        let key = format!("report:{code}");
        return Ok(precomputed::serve(&req, &state, key, state.now(), || async {
            let stored = service::find_by_code(&state.db, code).await?;
            let body = crate::web::templates::render("reports/show.html", &page(&state, &stored))?;
            Ok(Page::new(body, "text/html; charset=utf-8").reading_ledger())
        })
        .await?);
    }
    let stored = service::find_by_code(&state.db, code).await?;
    // A code typed in lower case or with hyphens is answered at its one canonical address.
    if stored.row.code != code {
        let suffix = format.map(|f| format!(".{}", f.extension())).unwrap_or_default();
        let to = format!("/reports/{}{suffix}", stored.row.code);
        return Ok(HttpResponse::PermanentRedirect().insert_header((header::LOCATION, to)).finish());
    }
    match format {
        Some(format) => download(&req, &stored, format).await,
        None => {
            let body = crate::web::templates::render("reports/show.html", &page(&state, &stored))?;
            Ok(html(body))
        }
    }
}

/// The document, or 304 when the client already holds it: an issued report never changes, so
/// its hash names its bytes.
async fn download(req: &HttpRequest, stored: &Stored, format: Format) -> PageResult<HttpResponse> {
    if !stored.intact {
        // Never print a copy whose content no longer matches its hash.
        return Err(AppError::internal(format!("report {} content does not match its hash", stored.row.code)).into());
    }
    let etag = format!("\"{}-{}\"", &stored.row.sha256[..16.min(stored.row.sha256.len())], format.extension());
    let held = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    if held.is_some_and(|h| h.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400, immutable"))
            .finish());
    }
    let bytes = document::render(&stored.content, &stored.row.sha256, format).await?;
    let name = format!("公示结果报告-{}.{}", stored.row.code, format.extension());
    let disposition = format!(
        "{}; filename=\"report-{}.{}\"; filename*=UTF-8''{}",
        format.disposition(),
        stored.row.code,
        format.extension(),
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400, immutable"))
        .insert_header((header::ETAG, etag))
        .body(bytes.as_ref().clone()))
}

/// The A4 print view, with the QR code inline.
pub async fn print(state: Data<AppState>, code: Path<String>) -> PageResult<HttpResponse> {
    let stored = service::find_by_code(&state.db, &code).await?;
    if stored.row.code != *code {
        let to = format!("/reports/{}/print", stored.row.code);
        return Ok(HttpResponse::PermanentRedirect().insert_header((header::LOCATION, to)).finish());
    }
    let body = crate::web::templates::render("reports/print.html", &page(&state, &stored))?;
    Ok(html(body))
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}
