//! The Word file: the same wording as the PDF, in plain WordprocessingML that Word, WPS and
//! LibreOffice all open. Fonts are named (宋体, 黑体) rather than embedded: every machine that
//! edits Chinese documents has them, and a unit may need to edit before stamping.
use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrNUMPAGES, InstrPAGE, InstrText, LineSpacing, PageMargin,
    Paragraph, Pic, Run, RunFonts, SpecialIndentType, Table, TableCell, TableRow, VAlignType, WidthType,
};

use crate::qr::qr_png;
use crate::view::{ObjectionRow, ProjectRow, ReportView};
use crate::{Error, ReportDocument};

/// A4 in twentieths of a point, and margins matching the PDF (28/24/25/23 mm).
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const MARGIN_TOP: i32 = 1_587;
const MARGIN_BOTTOM: i32 = 1_361;
const MARGIN_LEFT: i32 = 1_417;
const MARGIN_RIGHT: i32 = 1_304;
/// Room inside every table cell, in twips: 3 pt above and below (Word's default of none sets the
/// text against the rule above it) and about 4 pt at the sides.
pub(crate) fn cell_margins() -> docx_rs::TableCellMargins {
    docx_rs::TableCellMargins::new().margin(60, 85, 60, 85)
}

/// Width between the margins; every table's columns add up to it.
const TEXT_WIDTH: usize = 9_185;

/// Font sizes in half-points, as Word counts them.
const TITLE_SIZE: usize = 40;
const SECTION_SIZE: usize = 28;
const BODY_SIZE: usize = 24;
const TABLE_SIZE: usize = 21;
const SMALL_SIZE: usize = 17;
const FOOTER_SIZE: usize = 18;

pub(crate) const BODY_FONT: &str = "宋体";
pub(crate) const HEADING_FONT: &str = "黑体";
/// Printed QR size: 30 mm in EMU (36,000 per mm).
const QR_EMU: u32 = 30 * 36_000;

/// Renders the report as a Word (.docx) file.
///
/// # Errors
/// [`Error::Qr`] when the verify URL is too long for a QR code, [`Error::Docx`] when the file
/// cannot be assembled.
pub fn render_docx(doc: &ReportDocument) -> Result<Vec<u8>, Error> {
    let view = ReportView::new(doc);
    let mut docx = page_setup(&view, doc);
    for paragraph in title_block(&view) {
        docx = docx.add_paragraph(paragraph);
    }
    docx = docx.add_paragraph(heading(view.headings.sections[0])).add_table(basics_table(&view));
    docx = docx.add_paragraph(heading(view.headings.sections[1])).add_table(project_table(&view));
    docx = docx
        .add_paragraph(heading(view.headings.sections[2]))
        .add_paragraph(body(&view.objection_summary))
        .add_table(count_table(&view));
    if !view.objections.is_empty() {
        docx = docx.add_paragraph(spacer()).add_table(objection_table(&view));
    }
    docx = docx.add_paragraph(heading(view.headings.sections[3])).add_paragraph(body(&view.conclusion));
    for paragraph in signature(&view) {
        docx = docx.add_paragraph(paragraph);
    }
    if !view.verification.lines.is_empty() {
        docx = docx.add_paragraph(spacer()).add_table(verification_table(&view, &doc.verification.url)?);
    }
    let mut out = Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| Error::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

fn page_setup(view: &ReportView, doc: &ReportDocument) -> Docx {
    // A fixed date keeps the file the same for the same report.
    let stamp = format!("{}T00:00:00Z", doc.issued_on.format("%Y-%m-%d"));
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new().top(MARGIN_TOP).bottom(MARGIN_BOTTOM).left(MARGIN_LEFT).right(MARGIN_RIGHT).footer(850),
        )
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .created_at(&stamp)
        .updated_at(&stamp)
        .footer(Footer::new().add_paragraph(footer_line(view)))
}

pub(crate) fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman")
}

pub(crate) fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn footer_line(view: &ReportView) -> Paragraph {
    let mut p = Paragraph::new().align(AlignmentType::Center);
    if !view.verification.code.is_empty() {
        p = p.add_run(run(&format!("验证码：{}　　", view.verification.code), FOOTER_SIZE));
    }
    page_of_pages(p, FOOTER_SIZE)
}

/// Appends 第 N 页　共 M 页 to `p`, with Word's own page fields.
pub(crate) fn page_of_pages(p: Paragraph, size: usize) -> Paragraph {
    p.add_run(run("第 ", size))
        .add_run(field(InstrText::PAGE(InstrPAGE {}), size))
        .add_run(run(" 页　共 ", size))
        .add_run(field(InstrText::NUMPAGES(InstrNUMPAGES {}), size))
        .add_run(run(" 页", size))
}

/// A page-number field in the footer's size (docx-rs's own `PageNum` run has no size, so the
/// number would print larger than the words around it).
fn field(instr: InstrText, size: usize) -> Run {
    Run::new()
        .size(size)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(instr)
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false)
}

/// A document's title: centred, large, in 黑体.
pub(crate) fn title(text: &str, after: u32) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().after(after))
        .add_run(run(text, TITLE_SIZE).fonts(fonts(HEADING_FONT)))
}

fn title_block(view: &ReportView) -> Vec<Paragraph> {
    let mut out = vec![title(&view.title, 240)];
    if let Some(number) = &view.notice_number {
        out.push(Paragraph::new().align(AlignmentType::Center).add_run(run(number, BODY_SIZE)));
    }
    out.push(body(&view.intro));
    out
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .line_spacing(LineSpacing::new().before(240).after(120))
        .add_run(run(text, SECTION_SIZE).fonts(fonts(HEADING_FONT)))
}

/// A body paragraph, first line indented two characters as in official documents.
pub(crate) fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(480)), None, None)
        .first_line_chars(200)
        .line_spacing(LineSpacing::new().after(120))
        .add_run(run(text, BODY_SIZE))
}

fn spacer() -> Paragraph {
    Paragraph::new().add_run(run("", SMALL_SIZE))
}

pub(crate) fn cell_text(text: &str, size: usize, align: AlignmentType) -> Paragraph {
    Paragraph::new().align(align).add_run(run(text, size))
}

pub(crate) fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
}

pub(crate) fn text_cell(text: &str, width: usize, align: AlignmentType) -> TableCell {
    cell(vec![cell_text(text, TABLE_SIZE, align)], width)
}

fn table(rows: Vec<TableRow>, widths: &[usize]) -> Table {
    Table::new(rows).set_grid(widths.to_vec()).width(TEXT_WIDTH, WidthType::Dxa).margins(cell_margins())
}

fn header_row(labels: &[&str], widths: &[usize]) -> TableRow {
    TableRow::new(labels.iter().zip(widths).map(|(l, w)| text_cell(l, *w, AlignmentType::Center)).collect())
        .cant_split()
}

fn basics_table(view: &ReportView) -> Table {
    let widths = [1_700, TEXT_WIDTH - 1_700];
    let rows = view
        .basics
        .iter()
        .map(|(label, value)| {
            TableRow::new(vec![
                text_cell(&format!("{label}："), widths[0], AlignmentType::Left),
                text_cell(value, widths[1], AlignmentType::Left),
            ])
        })
        .collect();
    Table::without_borders(rows).set_grid(widths.to_vec()).width(TEXT_WIDTH, WidthType::Dxa)
}

fn project_table(view: &ReportView) -> Table {
    let widths: &[usize] =
        if view.show_grade { &[650, 2_100, 2_050, 1_600, 1_000, 1_785] } else { &[700, 2_300, 2_300, 1_785, 2_100] };
    let mut rows = vec![header_row(&view.headings.projects, widths)];
    rows.extend(view.projects.iter().map(|p| project_row(p, view.show_grade, widths)));
    table(rows, widths)
}

fn project_row(p: &ProjectRow, show_grade: bool, widths: &[usize]) -> TableRow {
    let mut texts: Vec<TableCell> = vec![
        text_cell(&p.order, widths[0], AlignmentType::Center),
        text_cell(&p.name, widths[1], AlignmentType::Left),
        cell(p.units.iter().map(|u| cell_text(u, TABLE_SIZE, AlignmentType::Left)).collect(), widths[2]),
        text_cell(&p.completers, widths[3], AlignmentType::Left),
    ];
    if show_grade {
        texts.push(text_cell(&p.grade, widths[4], AlignmentType::Center));
    }
    let mut outcome = vec![cell_text(&p.outcome, TABLE_SIZE, AlignmentType::Left)];
    if let Some(summary) = &p.summary {
        outcome.push(cell_text(summary, SMALL_SIZE, AlignmentType::Left));
    }
    texts.push(cell(outcome, widths[widths.len() - 1]));
    TableRow::new(texts).cant_split()
}

fn count_table(view: &ReportView) -> Table {
    let widths = [1_530, 1_531, 1_531, 1_531, 1_531, 1_531];
    let values: Vec<TableCell> = view
        .counts
        .iter()
        .zip(&widths)
        .map(|(n, w)| text_cell(&format!("{n} 件"), *w, AlignmentType::Center))
        .collect();
    table(vec![header_row(&view.headings.counts, &widths), TableRow::new(values)], &widths)
}

fn objection_table(view: &ReportView) -> Table {
    let widths = [650, 1_900, 1_250, 1_500, 1_500, 2_385];
    let mut rows = vec![header_row(&view.headings.objections, &widths)];
    rows.extend(view.objections.iter().map(|o| objection_row(o, &widths)));
    table(rows, &widths)
}

fn objection_row(o: &ObjectionRow, widths: &[usize; 6]) -> TableRow {
    let left = AlignmentType::Left;
    TableRow::new(vec![
        text_cell(&o.seq, widths[0], AlignmentType::Center),
        text_cell(&o.project, widths[1], left),
        text_cell(&o.category, widths[2], left),
        text_cell(&o.received_on, widths[3], left),
        text_cell(&o.result, widths[4], left),
        text_cell(&o.summary, widths[5], left),
    ])
    .cant_split()
}

/// Unit name and date on the right, with the place where the seal goes.
fn signature(view: &ReportView) -> Vec<Paragraph> {
    let right = |text: &str, before: u32| {
        Paragraph::new()
            .align(AlignmentType::Right)
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(before))
            .add_run(run(text, BODY_SIZE))
    };
    vec![right(view.headings.seal, 720), right(&view.unit_name, 240), right(&view.date, 0)]
}

/// The QR code beside the code, address and hash, in a table without borders.
fn verification_table(view: &ReportView, url: &str) -> Result<Table, Error> {
    let widths = [2_000, TEXT_WIDTH - 2_000];
    let lines: Vec<Paragraph> =
        view.verification.lines.iter().map(|l| cell_text(l, SMALL_SIZE, AlignmentType::Left)).collect();
    let mut cells = Vec::new();
    if view.verification.qr {
        let (png, side) = qr_png(url)?;
        // A fixed id: docx-rs would otherwise number images from a process-wide counter.
        let pic = Pic::new_with_dimensions(png, side, side).size(QR_EMU, QR_EMU).id("rIdImageQr");
        cells.push(cell(vec![Paragraph::new().add_run(Run::new().add_image(pic))], widths[0]));
        cells.push(cell(lines, widths[1]));
    } else {
        cells.push(cell(lines, TEXT_WIDTH).grid_span(2));
    }
    Ok(Table::without_borders(vec![TableRow::new(cells).cant_split()]).set_grid(widths.to_vec()))
}
