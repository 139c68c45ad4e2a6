//! The notice for a unit's own website: an HTML fragment to paste into a CMS editor
//! (`/notices/{id}/fragment.html`) and a bundle to upload as it is (`/notices/{id}/bundle.zip`):
//! a self-contained page (inline CSS, no scripts, nothing fetched from elsewhere, the QR code as a
//! data: image, the canonical link to the live notice), the poster PDF and the Word file.
//! Visible exactly when the notice page is.
use std::io::Write;

use super::documents::{
    current_revision, disposition, notice_document, poster_and_word, poster_file_name, published_revision,
    word_file_name,
};
use super::public_read::PublicState;
use crate::error::{AppError, AppResult, PageResult};
use crate::web::AppState;
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use entity::notice_revisions;
use report_docs::{Paper, PosterDocument};
use serde::Serialize;

/// `/notices/{id}/fragment.html`: the current revision as HTML to paste into a CMS editor.
pub async fn fragment(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let (ps, shown) = current_revision(&state, &id).await?;
    Ok(fragment_response(&req, &state, &ps, &shown).await?)
}

/// `/notices/{id}/revisions/{no}/fragment.html`.
pub async fn revision_fragment(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> PageResult<HttpResponse> {
    let (ps, shown) = published_revision(&state, &path).await?;
    Ok(fragment_response(&req, &state, &ps, &shown).await?)
}

/// `/notices/{id}/bundle.zip`: the page, the poster PDF and the Word file of the current revision.
pub async fn bundle(req: HttpRequest, state: Data<AppState>, id: Path<String>) -> PageResult<HttpResponse> {
    let (ps, shown) = current_revision(&state, &id).await?;
    Ok(bundle_response(&req, &state, &ps, &shown).await?)
}

/// `/notices/{id}/revisions/{no}/bundle.zip`.
pub async fn revision_bundle(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
) -> PageResult<HttpResponse> {
    let (ps, shown) = published_revision(&state, &path).await?;
    Ok(bundle_response(&req, &state, &ps, &shown).await?)
}

async fn fragment_response(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
) -> AppResult<HttpResponse> {
    let doc = notice_document(req, state, ps, shown).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        // Opened here to preview or copy: its own inline styles and data: QR show, and nothing
        // else may run or load (the site-wide policy would drop the styles).
        .insert_header((header::CONTENT_SECURITY_POLICY, FRAGMENT_POLICY))
        .body(fragment_html(&doc)?))
}

async fn bundle_response(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
) -> AppResult<HttpResponse> {
    let id = ps.notice.id;
    let doc = notice_document(req, state, ps, shown).await?;
    let (pdf, docx) = poster_and_word(req, state, &doc).await?;
    let names = FileNames { pdf: poster_file_name(id, Paper::A4), docx: word_file_name(id, shown.revision_no) };
    let page = standalone_html(&doc, &names)?;
    let zip =
        zip_files(&[("index.html", page.as_bytes()), (&names.pdf, pdf.as_slice()), (&names.docx, docx.as_slice())])?;
    let name = format!("公示-{id}-第{}版-网站发布包.zip", shown.revision_no);
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::CONTENT_DISPOSITION, disposition("attachment", &format!("notice-{id}.zip"), &name)))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .body(zip))
}

/// No script, no request anywhere; only the fragment's own style attributes and its data: image.
pub const FRAGMENT_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// What the fragment template reads: the document and the sentences every rendering shares.
#[derive(Serialize)]
struct FragmentContext<'a> {
    doc: &'a PosterDocument,
    intro: String,
    objection: String,
    contacts: Vec<String>,
    heads: Vec<&'static str>,
    details: Vec<Vec<(&'static str, Vec<String>)>>,
    qr_png_base64: String,
}

/// The notice as an HTML fragment with inline styles, its QR code as a data: PNG.
pub fn fragment_html(doc: &PosterDocument) -> AppResult<String> {
    let (png, _) = report_docs::qr_png(&doc.url).map_err(|e| AppError::internal(format!("QR of {}: {e}", doc.url)))?;
    let context = FragmentContext {
        doc,
        intro: doc.intro(),
        objection: doc.objection_paragraph(),
        contacts: doc.contact_lines(),
        heads: doc.table_heads(),
        details: doc.project_rows(),
        qr_png_base64: base64::engine::general_purpose::STANDARD.encode(png),
    };
    crate::web::templates::render("notices/fragment.html", &context)
}

#[derive(Serialize)]
struct FileNames {
    pdf: String,
    docx: String,
}

#[derive(Serialize)]
struct StandaloneContext<'a> {
    doc: &'a PosterDocument,
    fragment: String,
    pdf_name: &'a str,
    docx_name: &'a str,
}

fn standalone_html(doc: &PosterDocument, names: &FileNames) -> AppResult<String> {
    let context =
        StandaloneContext { doc, fragment: fragment_html(doc)?, pdf_name: &names.pdf, docx_name: &names.docx };
    crate::web::templates::render("notices/standalone.html", &context)
}

/// A zip of `files` (name, bytes), names in UTF-8 as every current unzip tool reads them.
fn zip_files(files: &[(&str, &[u8])]) -> AppResult<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| AppError::internal(format!("bundle zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}
