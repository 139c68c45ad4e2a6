//! The printed report: the stored content handed to the `report-docs` crate as a
//! [`report_docs::ReportDocument`], rendered to PDF or Word off the async workers. A report
//! never changes, so its bytes are kept once made (bounded, keyed by code and hash).
use super::Outcome;
use super::content::ReportContent;
use crate::error::{AppError, AppResult};
use report_docs as docs;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
}

impl Format {
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }
}

/// The document as `report-docs` prints it: the same words as the verify page.
#[must_use]
pub fn to_document(c: &ReportContent, sha256: &str) -> docs::ReportDocument {
    docs::ReportDocument {
        title: c.title.clone(),
        notice_title: c.notice.title.clone(),
        notice_number: c.notice.doc_number.clone(),
        level: docs::Level { number: u8::try_from(c.notice.level).unwrap_or(1), name: c.notice.level_label.clone() },
        period: c.notice.period_text.clone(),
        channels: docs::Channels {
            board_location: c.notice.channels.board_location.clone(),
            web_address: c.notice.channels.web.clone(),
            media: c.notice.channels.media.clone(),
        },
        projects: c
            .projects
            .iter()
            .map(|p| docs::ProjectEntry {
                order: u32::try_from(p.order).unwrap_or(0),
                name: p.name.clone(),
                units: p.units.clone(),
                completers: p.completers.clone(),
                proposed_grade: p.grade_label.clone(),
                outcome: match p.outcome {
                    Outcome::NoObjection => docs::Outcome::NoObjection,
                    Outcome::Dismissed => docs::Outcome::ObjectionDismissed,
                    Outcome::Upheld => docs::Outcome::ObjectionUpheld,
                },
                handling_summary: (!p.handling.is_empty()).then(|| p.handling.join("；")),
            })
            .collect(),
        objection_counts: docs::ObjectionCounts {
            received: c.objections.received,
            accepted: c.objections.accepted,
            refused: c
                .objections
                .refused
                .iter()
                .map(|r| docs::ReasonCount { reason: r.reason.clone(), count: r.count })
                .collect(),
            upheld: c.objections.upheld,
            dismissed: c.objections.dismissed,
            withdrawn: c.objections.withdrawn,
        },
        objections: c
            .cases
            .iter()
            .map(|k| docs::ObjectionRecord {
                seq: k.seq,
                project_name: k.project_name.clone(),
                category: k.category.clone(),
                received_on: Some(k.received_on),
                result: match k.result.as_str() {
                    "upheld" => docs::ObjectionResult::Upheld,
                    "dismissed" => docs::ObjectionResult::Dismissed,
                    "withdrawn" => docs::ObjectionResult::Withdrawn,
                    _ => docs::ObjectionResult::Refused,
                },
                refusal_reason: k.refusal_reason.clone(),
                summary: k.summary.clone(),
            })
            .collect(),
        conclusion: c.conclusion.clone(),
        unit_name: c.unit.name.clone(),
        issued_on: c.issued_on,
        verification: docs::Verification { code: c.code.clone(), sha256: sha256.to_owned(), url: c.verify_url.clone() },
    }
}

type Key = (String, String, Format);

static MADE: LazyLock<RwLock<HashMap<Key, Arc<Vec<u8>>>>> = LazyLock::new(RwLock::default);

/// The report as a file, rendered on a blocking thread the first time and kept afterwards.
///
/// # Errors
/// Internal, when the renderer fails.
pub async fn render(content: &ReportContent, sha256: &str, format: Format) -> AppResult<Arc<Vec<u8>>> {
    let key = (content.code.clone(), sha256.to_owned(), format);
    if let Some(bytes) = MADE.read().unwrap_or_else(PoisonError::into_inner).get(&key) {
        return Ok(bytes.clone());
    }
    let doc = to_document(content, sha256);
    let made = actix_web::web::block(move || render_now(&doc, format)).await.map_err(AppError::internal)??;
    let bytes = Arc::new(made);
    let mut cache = MADE.write().unwrap_or_else(PoisonError::into_inner);
    // A few hundred reports a campaign; the bound only keeps a long-running server in check.
    if cache.len() >= 256 {
        cache.clear();
    }
    cache.insert(key, bytes.clone());
    Ok(bytes)
}

/// Renders without the cache (the benchmark and the CLI use this).
///
/// # Errors
/// Internal, when the renderer fails.
pub fn render_now(doc: &docs::ReportDocument, format: Format) -> AppResult<Vec<u8>> {
    let made = match format {
        Format::Pdf => docs::render_pdf(doc),
        Format::Docx => docs::render_docx(doc),
    };
    made.map_err(|e| AppError::internal(format!("report {} as {format:?}: {e}", doc.verification.code)))
}
