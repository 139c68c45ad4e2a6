//! The PDFs: typst lays the report (A4) and the notice poster (A4, A4 landscape, A3) out with
//! the embedded CJK font (subset into the file), so the text is real, selectable and extractable.
mod long_image;
mod package;
mod world;

pub use long_image::{render_long_png, render_report_png};
pub use package::{render_package_pdf, render_registration_pdf, render_summary_pdf};

use typst::diag::SourceDiagnostic;
use typst::ecow::EcoVec;
use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::poster::{Paper, PosterDocument};
use crate::qr::try_qr_svg;
use crate::view::ReportView;
use crate::{Error, ReportDocument};
use world::Template;

/// typst memoises layout work across compilations; entries unused for this many renders are
/// dropped so a long-running server does not grow without bound.
const CACHE_MAX_AGE: usize = 10;

/// Renders the report as an A4 PDF.
///
/// The same document always gives the same bytes: no timestamp, and the PDF's identifier is
/// derived from the verification code.
///
/// # Errors
/// [`Error::Qr`] when the verify URL is too long for a QR code, [`Error::Typeset`] or
/// [`Error::Pdf`] when typst rejects the document, [`Error::Font`] when the embedded font
/// cannot be read.
pub fn render_pdf(doc: &ReportDocument) -> Result<Vec<u8>, Error> {
    let (view, qr) = report_inputs(doc)?;
    let data = serde_json::to_vec(&view).map_err(|e| Error::Data(e.to_string()))?;
    compile(Template::Report, data, qr, &pdf_options(doc))
}

/// What the report template reads: its view as JSON and its QR code (empty when it has none).
pub(crate) fn report_inputs(doc: &ReportDocument) -> Result<(serde_json::Value, String), Error> {
    let view = ReportView::new(doc);
    let qr = if view.verification.qr { try_qr_svg(&doc.verification.url)? } else { String::new() };
    let value = serde_json::to_value(&view).map_err(|e| Error::Data(e.to_string()))?;
    Ok((value, qr))
}

/// The poster's data as the templates read it: the document, the paper, and the sentences the
/// Word file prints too (so the three never word the notice differently).
#[derive(serde::Serialize)]
pub(crate) struct PosterData<'a> {
    paper: &'static str,
    #[serde(flatten)]
    doc: &'a PosterDocument,
    intro: String,
    objection_paragraph: String,
    contact_lines: Vec<String>,
    /// Per project, the labelled rows the long image prints: all of them at level 1, the
    /// units and completers at levels 2 and 3.
    details: Vec<Vec<(&'static str, Vec<String>)>>,
}

impl<'a> PosterData<'a> {
    pub(crate) fn new(doc: &'a PosterDocument, paper: Paper) -> Self {
        PosterData {
            paper: paper.code(),
            doc,
            intro: doc.intro(),
            objection_paragraph: doc.objection_paragraph(),
            contact_lines: doc.contact_lines(),
            details: doc.project_rows(),
        }
    }

    pub(crate) fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self).map_err(|e| Error::Data(e.to_string()))
    }
}

/// Renders a notice poster on `paper`: title block, the period in large type, the projects
/// (level 1 one block each, levels 2 and 3 as a table), how to object, and on every page the
/// QR code to `doc.url` and 第N页 共M页.
///
/// # Errors
/// [`Error::Qr`] when the URL is too long for a QR code, [`Error::Typeset`] or [`Error::Pdf`]
/// when typst rejects the document, [`Error::Font`] when the embedded font cannot be read.
pub fn render_poster_pdf(doc: &PosterDocument, paper: Paper) -> Result<Vec<u8>, Error> {
    let data = PosterData::new(doc, paper).to_json()?;
    let qr = if doc.url.is_empty() { String::new() } else { try_qr_svg(&doc.url)? };
    let options = PdfOptions { creator: Smart::Custom(Some("gongshi".to_owned())), ..PdfOptions::default() };
    compile(Template::Poster, data, qr, &options)
}

fn compile(template: Template, data: Vec<u8>, qr: String, options: &PdfOptions) -> Result<Vec<u8>, Error> {
    let document = typeset(template, data, qr)?;
    typst_pdf::pdf(&document, options).map_err(|d| Error::Pdf(describe(&d)))
}

/// Lays `template` out with its data and QR code.
pub(crate) fn typeset(template: Template, data: Vec<u8>, qr: String) -> Result<PagedDocument, Error> {
    let world = world::ReportWorld::new(template, data, qr)?;
    let compiled = typst::compile::<PagedDocument>(&world).output;
    typst::comemo::evict(CACHE_MAX_AGE);
    compiled.map_err(|d| Error::Typeset(describe(&d)))
}

/// Loads the font and typst's standard library and lays out one small report and one small
/// poster now, instead of on the first real render, so the first download after start-up is as
/// fast as the rest.
///
/// # Errors
/// [`Error::Font`] when the embedded font cannot be read, or any error of [`render_pdf`] or
/// [`render_poster_pdf`].
pub fn warm_up() -> Result<(), Error> {
    world::shared()?;
    render_pdf(&ReportDocument::warm_up_sample())?;
    render_poster_pdf(&PosterDocument::sample(2, 1), Paper::A4).map(|_| ())
}

fn pdf_options(doc: &ReportDocument) -> PdfOptions {
    let ident =
        if doc.verification.code.is_empty() { Smart::Auto } else { Smart::Custom(doc.verification.code.clone()) };
    PdfOptions { ident, creator: Smart::Custom(Some("gongshi".to_owned())), ..PdfOptions::default() }
}

fn describe(diagnostics: &EcoVec<SourceDiagnostic>) -> String {
    diagnostics.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}
