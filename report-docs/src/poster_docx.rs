//! The notice as a Word file: what the board poster prints, editable, so a unit can add its
//! seal, print it or attach it to its OA system. Same wording as the poster PDF (the sentences
//! come from [`PosterDocument`]), same fonts named as the report's Word file (宋体, 黑体).
use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, HeightRule, LineSpacing, PageMargin, PageOrientationType, Paragraph, Pic, Table,
    TableRow, WidthType,
};

use crate::Error;
use crate::docx::{
    BODY_FONT, HEADING_FONT, body, cell, cell_margins, cell_text, fonts, page_of_pages, run, text_cell, title,
};
use crate::poster::{Paper, PosterDocument, PosterProject};
use crate::qr::qr_png;

/// Margins in twentieths of a point: 20 mm all round, as a notice on a board is set.
const MARGIN: i32 = 1_134;
const PERIOD_SIZE: usize = 32;
const PROJECT_SIZE: usize = 26;
const BODY_SIZE: usize = 24;
const TABLE_SIZE: usize = 22;
const FOOTER_SIZE: usize = 18;
/// Printed QR size: 30 mm in EMU (36,000 per mm), as on the poster.
const QR_EMU: u32 = 30 * 36_000;
/// The height header rows are given; docx-rs cannot mark a row as a repeating header, so the
/// rows of this height get `<w:tblHeader/>` added before the package is written.
const HEADER_ROW_HEIGHT: f32 = 397.0;
/// A column never gets less than this many characters, nor asks for more than the cap.
const MIN_COLUMN_CHARS: usize = 5;
const MAX_COLUMN_CHARS: usize = 27;

/// Renders the notice as a Word (.docx) file on `paper`.
///
/// # Errors
/// [`Error::Qr`] when the notice's URL is too long for a QR code, [`Error::Docx`] when the file
/// cannot be assembled.
pub fn render_poster_docx(doc: &PosterDocument, paper: Paper) -> Result<Vec<u8>, Error> {
    let text_width = text_width(paper);
    let mut docx = page_setup(doc, paper);
    for paragraph in title_block(doc) {
        docx = docx.add_paragraph(paragraph);
    }
    if doc.level.number == 1 {
        for project in &doc.projects {
            docx = docx.add_paragraph(project_heading(project)).add_table(detail_table(project, text_width));
        }
    } else {
        docx = docx.add_table(project_table(doc, text_width));
    }
    docx = docx.add_paragraph(heading("异议方式")).add_paragraph(body(&doc.objection_paragraph()));
    for line in doc.contact_lines() {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(&line, BODY_SIZE)));
    }
    for paragraph in closing(doc) {
        docx = docx.add_paragraph(paragraph);
    }
    if !doc.url.is_empty() {
        docx = docx.add_table(qr_table(&doc.url, text_width)?);
    }
    let mut xml = docx.build();
    xml.document = mark_header_rows(&xml.document, doc.level.number != 1 && !doc.projects.is_empty())?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| Error::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

/// Page width and height in twentieths of a point, as the paper stands.
fn page_size(paper: Paper) -> (u32, u32) {
    match paper {
        Paper::A4 => (11_906, 16_838),
        Paper::A4Landscape => (16_838, 11_906),
        Paper::A3 => (16_838, 23_811),
    }
}

fn text_width(paper: Paper) -> usize {
    let width = page_size(paper).0 as usize;
    width - 2 * MARGIN.unsigned_abs() as usize
}

fn page_setup(doc: &PosterDocument, paper: Paper) -> Docx {
    let (width, height) = page_size(paper);
    let mut docx = Docx::new()
        .page_size(width, height)
        .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN).footer(567))
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(Footer::new().add_paragraph(footer_line(doc)));
    if paper == Paper::A4Landscape {
        docx = docx.page_orient(PageOrientationType::Landscape);
    }
    docx
}

/// The live address and 第N页 共M页 on every page, so a sheet found alone still leads to the notice.
fn footer_line(doc: &PosterDocument) -> Paragraph {
    let mut p = Paragraph::new().align(AlignmentType::Center);
    if !doc.url.is_empty() {
        p = p.add_run(run(&format!("公示全文：{}　　", doc.url), FOOTER_SIZE));
    }
    page_of_pages(p, FOOTER_SIZE)
}

fn centered(text: &str, size: usize, after: u32) -> Paragraph {
    Paragraph::new().align(AlignmentType::Center).line_spacing(LineSpacing::new().after(after)).add_run(run(text, size))
}

/// Title, 文号, the notes (withdrawal, correction), the opening sentence, the period in large type.
fn title_block(doc: &PosterDocument) -> Vec<Paragraph> {
    let mut out = vec![title(&doc.title, 200)];
    if let Some(number) = &doc.doc_number {
        out.push(centered(number, BODY_SIZE, 200));
    }
    for note in &doc.notes {
        out.push(Paragraph::new().line_spacing(LineSpacing::new().after(120)).add_run(run(note, BODY_SIZE).bold()));
    }
    out.push(body(&doc.intro()));
    out.push(centered(&doc.period, PERIOD_SIZE, 240).line_spacing(LineSpacing::new().before(120).after(240)));
    out
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .keep_next(true)
        .line_spacing(LineSpacing::new().before(240).after(120))
        .add_run(run(text, PROJECT_SIZE).fonts(fonts(HEADING_FONT)))
}

fn project_heading(p: &PosterProject) -> Paragraph {
    heading(&format!("{}. {}", p.position, p.name))
}

/// Level 1: one project's labelled rows at full width.
fn detail_table(p: &PosterProject, text_width: usize) -> Table {
    let widths = [2_100, text_width - 2_100];
    let rows = p
        .detail_rows()
        .into_iter()
        .map(|(label, lines)| {
            let value = lines.iter().map(|l| cell_text(l, TABLE_SIZE, AlignmentType::Left)).collect();
            TableRow::new(vec![text_cell(label, widths[0], AlignmentType::Left), cell(value, widths[1])]).cant_split()
        })
        .collect();
    Table::new(rows).set_grid(widths.to_vec()).width(text_width, WidthType::Dxa).margins(cell_margins())
}

/// Levels 2 and 3: one table, its header row repeated on every page.
fn project_table(doc: &PosterDocument, text_width: usize) -> Table {
    let heads = doc.table_heads();
    let cells: Vec<Vec<Vec<String>>> = doc.projects.iter().map(|p| row_texts(doc, p)).collect();
    let fixed: Vec<bool> = heads.iter().map(|h| matches!(*h, "推荐排序" | "序号" | "拟评等级")).collect();
    let widths = column_widths(&heads, &cells, &fixed, text_width);
    let header =
        TableRow::new(heads.iter().zip(&widths).map(|(h, w)| text_cell(h, *w, AlignmentType::Center)).collect())
            .cant_split()
            .row_height(HEADER_ROW_HEIGHT)
            .height_rule(HeightRule::AtLeast);
    let mut rows = vec![header];
    for texts in &cells {
        let row = texts
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (lines, w))| {
                let align = if i == 0 || (doc.level.number == 3 && i == 2) {
                    AlignmentType::Center
                } else {
                    AlignmentType::Left
                };
                cell(lines.iter().map(|l| cell_text(l, TABLE_SIZE, align)).collect(), *w)
            })
            .collect();
        rows.push(TableRow::new(row).cant_split());
    }
    Table::new(rows).set_grid(widths).width(text_width, WidthType::Dxa).margins(cell_margins())
}

/// One project's cells in the order of [`PosterDocument::table_heads`], each as lines.
fn row_texts(doc: &PosterDocument, p: &PosterProject) -> Vec<Vec<String>> {
    let mut texts = vec![vec![p.position.to_string()], vec![p.name.clone()]];
    if doc.level.number == 3 {
        texts.push(vec![p.grade.clone().unwrap_or_else(|| "—".to_owned())]);
    }
    texts.push(p.numbered_units());
    texts.push(vec![p.completers.join("、")]);
    texts
}

/// Widths that follow the content, as the poster PDF's: each column wants its longest line
/// (capped), none gets less than a readable minimum, and what is left is shared in proportion to
/// what each column still wants. The number and grade columns keep what they want when all fits.
fn column_widths(heads: &[&str], cells: &[Vec<Vec<String>>], fixed: &[bool], text_width: usize) -> Vec<usize> {
    // Twips per CJK character of the table's type, and one character of cell margins.
    let char_width = TABLE_SIZE * 10;
    let min = MIN_COLUMN_CHARS + 1;
    let wants: Vec<usize> = (0..heads.len())
        .map(|col| {
            let longest = cells.iter().flat_map(|row| row[col].iter()).map(|l| l.chars().count()).max().unwrap_or(0);
            (longest + 1).clamp(min, MAX_COLUMN_CHARS + 1)
        })
        .collect();
    let avail = text_width / char_width;
    let total: usize = wants.iter().sum();
    let mut widths: Vec<usize> = if total <= avail {
        let fixed_width: usize = wants.iter().zip(fixed).filter(|(_, f)| **f).map(|(w, _)| w * char_width).sum();
        let flexible: usize = wants.iter().zip(fixed).filter(|(_, f)| !**f).map(|(w, _)| *w).sum();
        let share = text_width - fixed_width;
        wants.iter().zip(fixed).map(|(w, f)| if *f { w * char_width } else { share * w / flexible.max(1) }).collect()
    } else {
        let spare = text_width.saturating_sub(min * char_width * wants.len());
        let over: usize = wants.iter().map(|w| w - min).sum();
        wants.iter().map(|w| min * char_width + spare * (w - min) / over.max(1)).collect()
    };
    // Rounding leaves a few twips over: the widest column takes them, so the grid adds up.
    let rest = text_width.saturating_sub(widths.iter().sum::<usize>());
    if let Some(widest) = (0..widths.len()).max_by_key(|&i| widths[i]) {
        widths[widest] += rest;
    }
    widths
}

/// The unit's name and the date on the right, with room for the seal above them.
fn closing(doc: &PosterDocument) -> Vec<Paragraph> {
    let right = |text: &str, before: u32| {
        Paragraph::new()
            .align(AlignmentType::Right)
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(before))
            .add_run(run(text, BODY_SIZE))
    };
    vec![right(&doc.unit_name, 720), right(&doc.date, 0)]
}

/// The QR code to the live notice beside its address, in a table without borders.
fn qr_table(url: &str, text_width: usize) -> Result<Table, Error> {
    let widths = [2_000, text_width - 2_000];
    let (png, side) = qr_png(url)?;
    // A fixed id: docx-rs would otherwise number images from a process-wide counter.
    let pic = Pic::new_with_dimensions(png, side, side).size(QR_EMU, QR_EMU).id("rIdImageQr");
    let caption = vec![
        cell_text("扫码查看公示全文、在线提出异议：", TABLE_SIZE, AlignmentType::Left),
        cell_text(url, TABLE_SIZE, AlignmentType::Left),
    ];
    let cells = vec![
        cell(vec![Paragraph::new().add_run(docx_rs::Run::new().add_image(pic))], widths[0]),
        cell(caption, widths[1]),
    ];
    Ok(Table::without_borders(vec![TableRow::new(cells).cant_split()]).set_grid(widths.to_vec()))
}

/// Adds `<w:tblHeader/>` to every row built with [`HEADER_ROW_HEIGHT`], so Word and WPS repeat
/// it at the top of each page.
fn mark_header_rows(document: &[u8], expected: bool) -> Result<Vec<u8>, Error> {
    let xml = std::str::from_utf8(document).map_err(|e| Error::Docx(e.to_string()))?;
    let marker = format!(r#"<w:trHeight w:val="{HEADER_ROW_HEIGHT}" w:hRule="atLeast" />"#);
    if expected && !xml.contains(&marker) {
        // docx-rs changed how it writes a row height: fail loudly rather than lose the header.
        return Err(Error::Docx("表头行标记未找到".to_owned()));
    }
    Ok(xml.replace(&marker, &format!("{marker}<w:tblHeader />")).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document_xml(doc: &PosterDocument) -> String {
        let docx = render_poster_docx(doc, Paper::A4).unwrap_or_default();
        let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap_or_else(|e| panic!("not a zip: {e}"));
        let mut file = archive.by_name("word/document.xml").unwrap_or_else(|e| panic!("no document: {e}"));
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut file, &mut xml).unwrap_or_else(|e| panic!("read: {e}"));
        xml
    }

    #[test]
    fn the_table_header_repeats_on_every_page() {
        let xml = document_xml(&PosterDocument::sample(2, 30));
        assert_eq!(xml.matches("<w:tblHeader />").count(), 1, "one header row, marked to repeat");
        let header_row = xml.split("<w:tblHeader />").nth(1).and_then(|rest| rest.split("</w:tr>").next());
        assert!(header_row.is_some_and(|row| row.contains("推荐排序") && row.contains("完成人及排序")));
    }

    #[test]
    fn columns_share_the_text_width_and_none_is_squeezed() {
        let doc = PosterDocument::sample(3, 3);
        let cells: Vec<Vec<Vec<String>>> = doc.projects.iter().map(|p| row_texts(&doc, p)).collect();
        let heads = doc.table_heads();
        let fixed: Vec<bool> = heads.iter().map(|h| matches!(*h, "序号" | "拟评等级")).collect();
        let widths = column_widths(&heads, &cells, &fixed, 9_638);
        assert_eq!(widths.iter().sum::<usize>(), 9_638);
        // Five characters of 11 pt (220 twips each) and the cell margins at least, 序号 and 拟评等级 too.
        assert!(widths.iter().all(|w| *w >= 6 * 220), "{widths:?}");
    }
}
