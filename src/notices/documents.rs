//! The notice as documents a unit posts anywhere: the board poster typeset as a PDF
//! (`/notices/{id}/poster.pdf`) on A4, A4 landscape or A3, the Word file (`/notices/{id}.docx`)
//! a unit edits, seals and prints, and the long image (`/notices/{id}.png`, 1080 px wide) units
//! share in WeChat; each also per revision. All are laid out by `report-docs` from one
//! [`PosterDocument`] built from the notice page's own wording, carry the QR code to the live
//! notice, and are visible exactly when the notice page is.
use super::pages::{load_changes, load_items, parse_id, visible};
use super::public_read::PublicState;
use super::views::{self, ItemView, NoticePage};
use crate::error::{AppError, AppResult, PageResult};
use crate::render_cache::{self, RenderCache};
use crate::web::AppState;
use crate::web::display::Display;
use crate::web::security::{client_key, rate_limit};
use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono_tz::Asia::Shanghai;
use entity::notice_revisions;
use report_docs::{Contribution, HowToObject, Paper, PosterDocument, PosterProject};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

#[derive(Debug, Deserialize)]
pub struct PaperQuery {
    paper: Option<String>,
}

impl PaperQuery {
    /// The paper asked for (A4 when none); an unknown name is the reader's mistake, said in Chinese.
    fn paper(&self) -> AppResult<Paper> {
        match self.paper.as_deref() {
            None | Some("") => Ok(Paper::A4),
            Some(code) => Paper::from_code(code).ok_or_else(|| {
                AppError::BadRequest("纸张规格只能是 a4（A4纵向）、a4l（A4横向）或 a3（A3）".to_owned())
            }),
        }
    }
}

/// What a download is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    Pdf,
    Docx,
    Png,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Png => "png",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Png => "image/png",
        }
    }

    /// A PDF or an image opens in the browser (a phone then saves or forwards it); a Word file is saved.
    fn disposition(self) -> &'static str {
        match self {
            Format::Pdf | Format::Png => "inline",
            Format::Docx => "attachment",
        }
    }
}

/// `/notices/{id}/poster.pdf`: the current revision's poster.
pub async fn poster_pdf(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    Ok(current(&req, &state, &id, query.paper()?, Format::Pdf).await?)
}

/// `/notices/{id}/revisions/{no}/poster.pdf`: a published revision's poster.
pub async fn revision_poster_pdf(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    Ok(revision(&req, &state, &path, query.paper()?, Format::Pdf).await?)
}

/// `/notices/{id}.docx`: the current revision as a Word file.
pub async fn word(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    Ok(current(&req, &state, &id, query.paper()?, Format::Docx).await?)
}

/// `/notices/{id}/revisions/{no}.docx`: a published revision as a Word file.
pub async fn revision_word(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    Ok(revision(&req, &state, &path, query.paper()?, Format::Docx).await?)
}

/// `/notices/{id}.png`: the current revision as one tall image.
pub async fn long_image(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    Ok(current(&req, &state, &id, Paper::A4, Format::Png).await?)
}

/// `/notices/{id}/revisions/{no}.png`: a published revision as one tall image.
pub async fn revision_long_image(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> PageResult<HttpResponse> {
    Ok(revision(&req, &state, &path, Paper::A4, Format::Png).await?)
}

async fn current(
    req: &HttpRequest,
    state: &AppState,
    id: &str,
    paper: Paper,
    format: Format,
) -> AppResult<HttpResponse> {
    let (ps, shown) = current_revision(state, id).await?;
    respond(req, state, &ps, &shown, paper, format).await
}

async fn revision(
    req: &HttpRequest,
    state: &AppState,
    path: &(String, String),
    paper: Paper,
    format: Format,
) -> AppResult<HttpResponse> {
    let (ps, shown) = published_revision(state, path).await?;
    respond(req, state, &ps, &shown, paper, format).await
}

/// The notice `id` and its current revision, when its page is visible.
pub(super) async fn current_revision(
    state: &AppState,
    id: &str,
) -> AppResult<(Arc<PublicState>, notice_revisions::Model)> {
    let (ps, _, current) = visible(state, parse_id(id)?, state.now()).await?;
    Ok((ps, current))
}

/// The notice and one of its published revisions (`path` is id and number), under the same
/// rules as the revision's page.
pub(super) async fn published_revision(
    state: &AppState,
    path: &(String, String),
) -> AppResult<(Arc<PublicState>, notice_revisions::Model)> {
    let now = state.now();
    let (id, no) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let (ps, _, _) = visible(state, id, now).await?;
    let shown =
        ps.public_revisions(now).into_iter().find(|r| r.revision_no == no).cloned().ok_or(AppError::NotFound)?;
    Ok((ps, shown))
}

async fn respond(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
    paper: Paper,
    format: Format,
) -> AppResult<HttpResponse> {
    let doc = notice_document(req, state, ps, shown).await?;
    let bytes = render(req, state, doc, paper, format).await?;
    let name = match format {
        Format::Pdf => poster_file_name(ps.notice.id, paper),
        Format::Docx => word_file_name(ps.notice.id, shown.revision_no),
        Format::Png => format!("公示长图-{}-第{}版.png", ps.notice.id, shown.revision_no),
    };
    let ascii = format!("notice-{}-{}.{}", ps.notice.id, paper.code(), format.extension());
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, disposition(format.disposition(), &ascii, &name)))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .body(bytes.as_ref().clone()))
}

pub(super) fn poster_file_name(id: i32, paper: Paper) -> String {
    format!("公示张榜-{id}-{}.pdf", paper.label())
}

pub(super) fn word_file_name(id: i32, revision_no: i32) -> String {
    format!("公示-{id}-第{revision_no}版.docx")
}

/// A `Content-Disposition` with an ASCII name for old clients and the Chinese one (RFC 6266).
pub(super) fn disposition(kind: &str, ascii: &str, name: &str) -> String {
    let encoded = url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The revision as the documents print it, worded as its page.
pub(super) async fn notice_document(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
) -> AppResult<PosterDocument> {
    let live = views::live(ps, shown, state.now(), Display::of(req).class());
    let items = load_items(state, shown.id).await?;
    let changes = load_changes(state, ps, shown, &items).await?;
    let page = views::notice_page(ps, shown, &items, &changes, &live, &state.settings);
    Ok(document(&page, shown, &state.settings.absolute_url(&page.current_url)))
}

/// A rendered file is named by what it prints: the SHA-256 of the document as rendered (every
/// word and the address the QR code carries), the format and the paper. A correction, a
/// withdrawal or new unit contacts change the document, hence the key: nothing stale is served.
type Key = ([u8; 32], Format, Paper);

/// Notice documents kept. A long image of a big notice is a few MB, so fewer than reports.
const CACHE_BOUND: usize = 48;

static MADE: LazyLock<Arc<Mutex<RenderCache<Key>>>> = LazyLock::new(|| RenderCache::shared(CACHE_BOUND));

/// Renders `doc` off the async workers, once per distinct document (typst takes tens of
/// milliseconds, the long image hundreds), and keeps the bytes. A client may have only so many
/// documents rendered anew ([`DOCUMENT_RENDERS_PER_ADDRESS`]); files already made are free.
///
/// [`DOCUMENT_RENDERS_PER_ADDRESS`]: crate::web::security::rate_limit::DOCUMENT_RENDERS_PER_ADDRESS
async fn render(
    req: &HttpRequest,
    state: &AppState,
    doc: PosterDocument,
    paper: Paper,
    format: Format,
) -> AppResult<Arc<Vec<u8>>> {
    let json = serde_json::to_vec(&doc).map_err(|e| AppError::internal(format!("{}: {e}", doc.url)))?;
    let key = (Sha256::digest(&json).into(), format, paper);
    let made = MADE.lock().unwrap_or_else(PoisonError::into_inner).has(&key);
    if !made {
        rate_limit::check(&state.limits.document_renders, &client_key(req))?;
    }
    let notice = doc.url.clone();
    render_cache::get_or_render(&MADE, key, move || {
        let made = match format {
            Format::Pdf => report_docs::render_poster_pdf(&doc, paper),
            Format::Docx => report_docs::render_poster_docx(&doc, paper),
            Format::Png => report_docs::render_long_png(&doc),
        };
        made.map_err(|e| AppError::internal(format!("{} of notice {notice}: {e}", format.extension())))
    })
    .await
}

/// The poster PDF and the Word file of `doc`, rendered side by side.
pub(super) async fn poster_and_word(
    req: &HttpRequest,
    state: &AppState,
    doc: &PosterDocument,
) -> AppResult<(Arc<Vec<u8>>, Arc<Vec<u8>>)> {
    let pdf = render(req, state, doc.clone(), Paper::A4, Format::Pdf);
    let docx = render(req, state, doc.clone(), Paper::A4, Format::Docx);
    let (pdf, docx) = futures_util::future::join(pdf, docx).await;
    Ok((pdf?, docx?))
}

/// The notice as the poster prints it: the page's own wording, so the two never disagree.
#[must_use]
pub fn document(page: &NoticePage<'_>, shown: &notice_revisions::Model, url: &str) -> PosterDocument {
    let mut notes = Vec::new();
    if page.live.withdrawn {
        notes.push(format!("本公示已撤销。撤销理由：{}", page.live.withdraw_reason.clone().unwrap_or_default()));
    }
    if let Some(note) = &page.correction_note
        && (page.revision_no > 1 || page.has_changes)
    {
        notes.push(format!("{}：{note}", if page.revision_no > 1 { "更正说明" } else { "说明" }));
    }
    PosterDocument {
        title: page.title.clone(),
        doc_number: page.doc_number.clone(),
        unit_name: page.unit.name.clone(),
        level: report_docs::Level { number: u8::try_from(page.level).unwrap_or(1), name: page.level_label.to_owned() },
        period: format!("{}{}", page.period_text, page.days_text),
        notes,
        projects: page.items.iter().map(project).collect(),
        objection: HowToObject {
            rules: page.objection_rules.clone(),
            contact_person: page.unit.contact_person.clone(),
            phone: page.unit.contact_phone.clone(),
            email: page.unit.contact_email.clone(),
            address: page.unit.contact_address.clone(),
        },
        url: url.to_owned(),
        date: shown
            .published_at
            .map(|at| report_docs::chinese_date(at.with_timezone(&Shanghai).date_naive()))
            .unwrap_or_default(),
    }
}

fn project(item: &ItemView) -> PosterProject {
    PosterProject {
        position: u32::try_from(item.position).unwrap_or(0),
        name: item.name.clone(),
        units: item.units.clone(),
        completers: item.completers.iter().map(|c| c.name.clone()).collect(),
        grade: item.grade_label.map(str::to_owned),
        contributions: item
            .contributions
            .iter()
            .map(|c| Contribution {
                name: c.name.clone(),
                contribution: c.contribution.clone(),
                workload: c.workload.clone(),
            })
            .collect(),
        key_technology: item.key_technology.clone(),
        ip: item
            .ip_items
            .iter()
            .flatten()
            .map(|ip| match &ip.reference {
                Some(r) => format!("{}：{}（{r}）", ip.kind_label, ip.title),
                None => format!("{}：{}", ip.kind_label, ip.title),
            })
            .collect(),
    }
}
