//! The submission package as one PDF to print double-sided: the contents first, then each 登记表,
//! the 推荐汇总表 and each 公示结果报告, every part starting on a right-hand (odd) page.
//!
//! Each part is laid out by its own template, exactly as its separate file, and the pages are
//! joined before export, so the package and the separate files cannot differ. Every part's
//! footer also carries its page number within the package, which the contents list.
use serde::Serialize;
use typst::ecow::EcoVec;
use typst::foundations::{Content, Smart};
use typst::layout::{Abs, Frame, Sides};
use typst_layout::{Page, PagedDocument};
use typst_pdf::PdfOptions;

use super::world::Template;
use super::{describe, report_inputs, typeset};
use crate::package::{RegistrationForm, SubmissionPackage, SummarySheet};
use crate::{Error, ReportDocument};

/// Renders one 登记表 as its own A4 PDF.
///
/// # Errors
/// [`Error::Typeset`] or [`Error::Pdf`] when typst rejects the document, [`Error::Font`] when
/// the embedded font cannot be read.
pub fn render_registration_pdf(form: &RegistrationForm) -> Result<Vec<u8>, Error> {
    export(&typeset(Template::Registration, data(form, None)?, String::new())?, true)
}

/// Renders the 推荐汇总表 as its own A4 landscape PDF.
///
/// # Errors
/// As [`render_registration_pdf`].
pub fn render_summary_pdf(sheet: &SummarySheet) -> Result<Vec<u8>, Error> {
    export(&typeset(Template::Summary, data(sheet, None)?, String::new())?, true)
}

/// Renders the whole package as one PDF: contents, 登记表, 推荐汇总表, reports.
///
/// # Errors
/// As [`render_registration_pdf`], and [`Error::Qr`] when a report's verify URL is too long
/// for a QR code.
pub fn render_package_pdf(package: &SubmissionPackage) -> Result<Vec<u8>, Error> {
    // The contents' length decides where the parts begin, and the parts' lengths fill in the
    // contents: lay the contents out with placeholders first, then for real. A page number
    // with more digits could in principle push the contents onto another sheet; then the
    // parts are laid out once more from there.
    let mut cover = typeset_cover(package, &placeholder_entries(package))?;
    for _ in 0..3 {
        let first = sheets(cover.pages().len()) * 2;
        let parts = typeset_parts(package, first)?;
        let real = typeset_cover(package, &entries(&parts, first))?;
        if sheets(real.pages().len()) == sheets(cover.pages().len()) {
            return export(&join(real, &parts), false);
        }
        cover = real;
    }
    Err(Error::Typeset("目录页数不能确定".to_owned()))
}

/// One typeset part and how the contents name it.
struct Part {
    title: String,
    copies: &'static str,
    doc: PagedDocument,
}

#[derive(Serialize)]
struct Entry {
    title: String,
    copies: &'static str,
    pages: String,
}

#[derive(Serialize)]
struct CoverData<'a> {
    title: &'a str,
    unit_name: &'a str,
    to_unit: &'a str,
    made_on: &'a str,
    entries: &'a [Entry],
    left_out: &'a [crate::package::LeftOut],
}

/// Sheets of paper `pages` take printed on both sides.
fn sheets(pages: usize) -> usize {
    pages.div_ceil(2)
}

fn titles(package: &SubmissionPackage) -> Vec<(String, &'static str)> {
    let forms = package.forms.iter().map(|f| (format!("登记表：{}", f.name), "2份"));
    let summary = std::iter::once(("推荐汇总表".to_owned(), "1份"));
    let reports = package.reports.iter().map(|r| (report_title(r), "1份"));
    forms.chain(summary).chain(reports).collect()
}

fn report_title(r: &ReportDocument) -> String {
    format!("公示结果报告（{}）：{}", r.verification.code, r.notice_title)
}

fn placeholder_entries(package: &SubmissionPackage) -> Vec<Entry> {
    titles(package).into_iter().map(|(title, copies)| Entry { title, copies, pages: "000–000".to_owned() }).collect()
}

fn entries(parts: &[Part], first: usize) -> Vec<Entry> {
    let mut next = first + 1;
    parts
        .iter()
        .map(|p| {
            let count = p.doc.pages().len();
            let pages = if count == 1 { next.to_string() } else { format!("{}–{}", next, next + count - 1) };
            next += sheets(count) * 2;
            Entry { title: p.title.clone(), copies: p.copies, pages }
        })
        .collect()
}

fn typeset_cover(package: &SubmissionPackage, entries: &[Entry]) -> Result<PagedDocument, Error> {
    let cover = CoverData {
        title: &package.title,
        unit_name: &package.unit_name,
        to_unit: &package.to_unit,
        made_on: &package.made_on,
        entries,
        left_out: &package.left_out,
    };
    typeset(Template::Cover, data(&cover, None)?, String::new())
}

/// Lays every part out in order, the first starting after `before` pages, each numbering its
/// pages within the package.
fn typeset_parts(package: &SubmissionPackage, before: usize) -> Result<Vec<Part>, Error> {
    let mut inputs = Vec::new();
    for form in &package.forms {
        inputs.push((format!("登记表：{}", form.name), "2份", Template::Registration, value(form)?, String::new()));
    }
    inputs.push(("推荐汇总表".to_owned(), "1份", Template::Summary, value(&package.summary)?, String::new()));
    for report in &package.reports {
        let (view, qr) = report_inputs(report)?;
        inputs.push((report_title(report), "1份", Template::Report, view, qr));
    }
    let mut offset = before;
    let mut parts = Vec::new();
    for (title, copies, template, data, qr) in inputs {
        let doc = typeset(template, with_offset(data, Some(offset))?, qr)?;
        offset += sheets(doc.pages().len()) * 2;
        parts.push(Part { title, copies, doc });
    }
    Ok(parts)
}

fn value<T: Serialize>(value: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Data(e.to_string()))
}

/// The template's data, with the package page the part starts after when it is in one.
fn data<T: Serialize>(v: &T, offset: Option<usize>) -> Result<Vec<u8>, Error> {
    with_offset(value(v)?, offset)
}

fn with_offset(mut value: serde_json::Value, offset: Option<usize>) -> Result<Vec<u8>, Error> {
    if let (Some(offset), Some(object)) = (offset, value.as_object_mut()) {
        object.insert("package_offset".to_owned(), offset.into());
    }
    serde_json::to_vec(&value).map_err(|e| Error::Data(e.to_string()))
}

/// The cover and the parts as one document, a blank back added wherever a part ends on a
/// right-hand page so the next begins on one.
fn join(mut cover: PagedDocument, parts: &[Part]) -> PagedDocument {
    let mut pages: EcoVec<Page> = EcoVec::new();
    let mut add = |doc: &PagedDocument| {
        pages.extend(doc.pages().iter().cloned());
        if pages.len() % 2 == 1
            && let Some(last) = doc.pages().last()
        {
            pages.push(blank_like(last));
        }
    };
    add(&cover);
    for part in parts {
        add(&part.doc);
    }
    let info = cover.info_mut().clone();
    PagedDocument::new(pages, info)
}

fn blank_like(page: &Page) -> Page {
    Page {
        frame: Frame::hard(page.frame.size()),
        bleed: Sides::splat(Abs::zero()),
        fill: page.fill.clone(),
        numbering: None,
        supplement: Content::empty(),
        number: page.number + 1,
    }
}

/// PDF export of a package or one of its files. The joined package is untagged: its parts are
/// laid out separately, so their structure tags do not form one tree.
fn export(doc: &PagedDocument, tagged: bool) -> Result<Vec<u8>, Error> {
    let options = PdfOptions { creator: Smart::Custom(Some("gongshi".to_owned())), tagged, ..PdfOptions::default() };
    typst_pdf::pdf(doc, &options).map_err(|d| Error::Pdf(describe(&d)))
}
