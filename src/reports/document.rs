//! The printed report: the stored content handed to the `report-docs` crate as a
//! [`report_docs::ReportDocument`], rendered to PDF, Word or the long image off the async workers. A report
//! never changes, so its bytes are kept once made ([`RenderCache`], keyed by code and hash), and
//! two requests for the same file at once render it once.
use super::Outcome;
use super::content::ReportContent;
use crate::error::{AppError, AppResult};
use crate::render_cache::{self, RenderCache};
use report_docs as docs;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
    /// The long image to share in WeChat (1080 px wide).
    Png,
}

impl Format {
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Png => "image/png",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Png => "png",
        }
    }

    /// An image opens in the browser (a phone then saves or forwards it); a document is saved.
    #[must_use]
    pub fn disposition(self) -> &'static str {
        match self {
            Self::Png => "inline",
            Self::Pdf | Self::Docx => "attachment",
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

/// Rendered files kept, least recently used out first. A few hundred reports a campaign; the
/// bound only keeps a long-running server in check.
pub const CACHE_BOUND: usize = 256;

static MADE: LazyLock<Arc<Mutex<RenderCache<Key>>>> = LazyLock::new(|| RenderCache::shared(CACHE_BOUND));

/// The report as a file, rendered on a blocking thread the first time and kept afterwards.
///
/// # Errors
/// Internal, when the renderer fails.
pub async fn render(content: &ReportContent, sha256: &str, format: Format) -> AppResult<Arc<Vec<u8>>> {
    let key = (content.code.clone(), sha256.to_owned(), format);
    let doc = to_document(content, sha256);
    render_cache::get_or_render(&MADE, key, move || render_now(&doc, format)).await
}

/// How many times the report's file was rendered while its count was kept (tests, benchmark).
#[must_use]
pub fn renderings(code: &str, sha256: &str, format: Format) -> u64 {
    let key = (code.to_owned(), sha256.to_owned(), format);
    MADE.lock().unwrap_or_else(PoisonError::into_inner).renderings(&key)
}

/// Renders without the cache (the benchmark and the CLI use this).
///
/// # Errors
/// Internal, when the renderer fails.
pub fn render_now(doc: &docs::ReportDocument, format: Format) -> AppResult<Vec<u8>> {
    let made = match format {
        Format::Pdf => docs::render_pdf(doc),
        Format::Docx => docs::render_docx(doc),
        Format::Png => docs::render_report_png(doc),
    };
    made.map_err(|e| AppError::internal(format!("report {} as {format:?}: {e}", doc.verification.code)))
}
