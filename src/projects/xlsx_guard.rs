//! Checks an XLSX file before any spreadsheet parser reads it.
//!
//! An XLSX file is a zip of XML parts, and a 2 KB file can make a parser ask for terabytes:
//! `xl/sharedStrings.xml` declaring `uniqueCount="1000000000000"` (the parser reserves that
//! many strings), or a sheet with cells at A1 and XFD1048576 (the parser makes one dense grid
//! of every cell between them). Such a request aborts the whole process, not just the request.
//!
//! [`check`] reads every part of the archive once, inflating at most [`MAX_TOTAL_BYTES`], and
//! refuses the file — with a message for the person who uploaded it — when the archive has too
//! many parts, too many bytes or a suspicious compression ratio, when a sheet's `<dimension>`
//! or its cells reach beyond [`MAX_ROWS`] rows, [`MAX_COLUMNS`] columns or [`MAX_CELLS`]
//! cells, or when the shared strings declare more than [`MAX_STRINGS`] entries. It reads the
//! sheets as calamine does (the same XML reader and settings, the same cell positions), and
//! refuses what it could read differently: mismatched tags, cells inside cells.
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// Parts in the archive. A workbook saved by Excel or WPS has a dozen or two.
pub const MAX_ENTRIES: usize = 500;
/// Uncompressed bytes of one part.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Uncompressed bytes of all parts together.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Uncompressed to compressed size, for parts larger than [`RATIO_FLOOR`]. XML text packs
/// 5–20 times; a zip bomb packs a thousand times.
pub const MAX_RATIO: u64 = 200;
/// Parts smaller than this are not held to [`MAX_RATIO`].
pub const RATIO_FLOOR: u64 = 1024 * 1024;
/// Rows of a sheet (its last used row).
pub const MAX_ROWS: u64 = 100_000;
/// Columns of a sheet (its last used column; 256 is column IV).
pub const MAX_COLUMNS: u64 = 256;
/// Cells of a sheet's grid, counted from A1 to its last used row and column.
pub const MAX_CELLS: u64 = 2_000_000;
/// Entries the shared-string table declares (`count`, `uniqueCount`).
pub const MAX_STRINGS: u64 = 1_000_000;

/// The largest row and column an XLSX cell reference may name (XFD1048576).
const EXCEL_ROWS: u64 = 1_048_576;
const EXCEL_COLUMNS: u64 = 16_384;

/// Why a file was refused: a sentence for the uploader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse(message: impl Into<String>) -> Refused {
    Refused(message.into())
}

fn too_big() -> Refused {
    refuse(format!(
        "XLSX 文件解压后过大（所有部分合计不得超过 {} MB，单个部分不得超过 {} MB），请删除多余的工作表、图片或空行后重新保存",
        MAX_TOTAL_BYTES / 1024 / 1024,
        MAX_ENTRY_BYTES / 1024 / 1024
    ))
}

fn damaged() -> Refused {
    refuse("XLSX 文件已损坏或经过加密，无法读取，请用 Excel 或 WPS 重新保存后再导入")
}

/// Checks `bytes` as an XLSX file; `Ok` means a spreadsheet parser may read it.
///
/// # Errors
/// [`Refused`] with a Chinese sentence naming the limit the file breaks.
pub fn check(bytes: &[u8]) -> Result<(), Refused> {
    let mut budget = MAX_TOTAL_BYTES;
    check_archive(bytes, &mut budget, 0)
}

/// Archives inside the archive (a workbook embedded in a document) are checked too, one level
/// deep — an archive inside that is refused — and what they inflate counts against the same
/// `budget`.
const MAX_NESTING: u32 = 1;

fn check_archive(bytes: &[u8], budget: &mut u64, depth: u32) -> Result<(), Refused> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| refuse("无法读取 XLSX 文件：文件不是有效的 XLSX（ZIP）格式"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(refuse(format!(
            "XLSX 文件包含的部分过多（{} 个，最多 {MAX_ENTRIES} 个），请用 Excel 或 WPS 重新保存后再导入",
            archive.len()
        )));
    }
    // What the archive declares, before inflating anything.
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| damaged())?;
        check_ratio(entry.size(), entry.compressed_size())?;
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(too_big());
        }
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_TOTAL_BYTES {
        return Err(too_big());
    }
    // What the parts hold: declared sizes can lie, so inflate and count.
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| damaged())?;
        let compressed = entry.compressed_size();
        let mut part = Capped { inner: entry, read: 0, cap: (*budget).min(MAX_ENTRY_BYTES), over: false };
        let mut bytes = Vec::new();
        let read = part.read_to_end(&mut bytes);
        if part.over {
            return Err(too_big());
        }
        read.map_err(|_| damaged())?;
        check_ratio(part.read, compressed)?;
        *budget -= part.read;
        if bytes.starts_with(b"PK\x03\x04") {
            if depth >= MAX_NESTING {
                return Err(refuse("XLSX 文件中压缩包嵌套过深，疑似压缩炸弹，已拒绝导入"));
            }
            check_archive(&bytes, budget, depth + 1)?;
        } else {
            scan_part(&bytes)?;
        }
    }
    Ok(())
}

/// Reads one part as calamine would, with mismatched end tags refused rather than paired
/// as calamine pairs them. A part that is not XML at all (a picture) ends its scan quietly:
/// calamine cannot read it either. A part with mismatched tags is refused if it holds any
/// element the limits concern.
fn scan_part(bytes: &[u8]) -> Result<(), Refused> {
    match scan(bytes, true) {
        Err(Scan::IllFormed) => match scan(bytes, false) {
            Err(Scan::IllFormed | Scan::Refused(_)) => Err(malformed()),
            Ok(()) => Ok(()),
        },
        Err(Scan::Refused(r)) => Err(r),
        Ok(()) => Ok(()),
    }
}

fn doctype() -> Refused {
    refuse("XLSX 文件中含有文档类型声明（DTD），Excel 和 WPS 不会这样保存，疑似恶意文件，已拒绝导入")
}

fn malformed() -> Refused {
    refuse("XLSX 工作表的结构有误（标签不配对或单元格内嵌套了单元格），请用 Excel 或 WPS 重新保存后再导入")
}

fn check_ratio(size: u64, compressed: u64) -> Result<(), Refused> {
    if size > RATIO_FLOOR && size / compressed.max(1) > MAX_RATIO {
        return Err(refuse(format!(
            "XLSX 文件的压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹，已拒绝导入；请用 Excel 或 WPS 重新保存后再导入"
        )));
    }
    Ok(())
}

/// A reader that stops with an error past `cap` bytes, remembering that it did.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.over {
            return Err(std::io::Error::other("over the cap"));
        }
        // Ask for one byte past the cap so that reaching it exactly is not mistaken for more.
        let room = usize::try_from((self.cap - self.read).saturating_add(1)).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        self.read += n as u64;
        if self.read > self.cap {
            self.over = true;
            return Err(std::io::Error::other("over the cap"));
        }
        Ok(n)
    }
}

/// Where the cell cursor stands, as calamine's cell reader keeps it (0-based).
#[derive(Default)]
struct Cursor {
    in_sheet_data: bool,
    row: u64,
    col: u64,
    /// Inside a `<c>`: whether it has a value element (an empty cell is no cell to calamine).
    cell: Option<bool>,
    cell_pos: (u64, u64),
    last_row: Option<u64>,
    last_col: Option<u64>,
}

enum Scan {
    /// Mismatched end tags (strict pass), or an element the limits concern (lenient pass).
    IllFormed,
    Refused(Refused),
}

impl From<Refused> for Scan {
    fn from(r: Refused) -> Self {
        Self::Refused(r)
    }
}

/// One pass over a part. `strict`: check every limit, with end tags checked against their
/// start tags. Not strict (after a strict pass met mismatched tags): only say whether the part
/// holds any element the limits concern.
fn scan(bytes: &[u8], strict: bool) -> Result<(), Scan> {
    let mut xml = quick_xml::Reader::from_reader(bytes);
    let config = xml.config_mut();
    config.check_end_names = strict;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut cursor = Cursor::default();
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::IllFormed(_)) if strict => return Err(Scan::IllFormed),
            // Not XML, or not UTF-8: calamine stops at the same place.
            Err(_) => return Ok(()),
        };
        match event {
            // Excel and WPS never write a document type; one is how entity expansion
            // ("billion laughs") and external entities get in.
            Event::DocType(_) => return Err(Scan::Refused(doctype())),
            Event::Start(e) if !strict => {
                if matches!(e.local_name().as_ref(), "sst" | "dimension" | "sheetData" | "row" | "c") {
                    return Err(Scan::IllFormed);
                }
            }
            Event::Start(e) => start(&e, &mut cursor)?,
            Event::End(e) if strict => match e.local_name().as_ref() {
                "sheetData" => cursor.in_sheet_data = false,
                "row" if cursor.in_sheet_data && cursor.cell.is_none() => {
                    cursor.row += 1;
                    cursor.col = 0;
                }
                "c" if cursor.in_sheet_data => {
                    if cursor.cell == Some(true) {
                        cursor.last_row = cursor.last_row.max(Some(cursor.cell_pos.0));
                        cursor.last_col = cursor.last_col.max(Some(cursor.cell_pos.1));
                        check_grid(cursor.last_row.unwrap_or(0), cursor.last_col.unwrap_or(0))?;
                    }
                    cursor.cell = None;
                    cursor.col += 1;
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn start(e: &BytesStart<'_>, cursor: &mut Cursor) -> Result<(), Refused> {
    match e.local_name().as_ref() {
        "sst" => {
            for name in ["count", "uniqueCount"] {
                if let Some(n) = attr(e, name).and_then(leading_number)
                    && n > MAX_STRINGS
                {
                    return Err(refuse(format!(
                        "XLSX 文件声明的文字条目过多（{n} 条，最多 {MAX_STRINGS} 条），已拒绝导入"
                    )));
                }
            }
        }
        "dimension" => {
            if let Some(range) = attr(e, "ref") {
                for corner in range.split(':') {
                    let (row, col) = reference(corner)?;
                    check_grid(row, col.unwrap_or(0))?;
                }
            }
        }
        "sheetData" => cursor.in_sheet_data = true,
        "row" | "c" if cursor.in_sheet_data && cursor.cell.is_some() => return Err(malformed()),
        "row" if cursor.in_sheet_data => {
            if let Some(r) = attr(e, "r") {
                cursor.row = reference(r)?.0;
            }
        }
        "c" if cursor.in_sheet_data => {
            if let Some(r) = attr(e, "r") {
                let (row, col) = reference(r)?;
                cursor.col = col.unwrap_or(cursor.col);
                cursor.cell_pos = (row, cursor.col);
            } else {
                cursor.cell_pos = (cursor.row, cursor.col);
            }
            cursor.cell = Some(false);
        }
        _ if cursor.cell.is_some() => cursor.cell = Some(true),
        _ => {}
    }
    Ok(())
}

/// Refuses a grid from A1 to (`row`, `col`) beyond the limits.
fn check_grid(row: u64, col: u64) -> Result<(), Refused> {
    let cells = (row + 1).saturating_mul(col + 1);
    if row >= MAX_ROWS || col >= MAX_COLUMNS || cells > MAX_CELLS {
        return Err(refuse(format!(
            "XLSX 工作表的范围过大（用到第 {} 行、第 {} 列；最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列、共 {MAX_CELLS} 个单元格），请删除多余的行列后重新保存",
            row + 1,
            col + 1
        )));
    }
    Ok(())
}

/// The value of the attribute `name` as calamine finds it: raw, the last of equal names
/// (calamine keeps the last; a duplicate name is rare enough to be refused by neither).
fn attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<&'a str> {
    let raw = e.attributes_raw();
    let bytes = raw.as_bytes();
    let mut pos = 0;
    let mut found = None;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            return found;
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => return found,
        };
        pos += 1;
        let start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        if key == name {
            found = Some(&raw[start..pos]);
        }
        pos += 1;
    }
}

/// The number a count attribute starts with (calamine reads leading digits).
fn leading_number(s: &str) -> Option<u64> {
    let digits: &str = s.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '+');
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    if end == 0 {
        return None;
    }
    Some(digits[..end].bytes().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

/// An A1-style reference as (row, column), 0-based; the column is `None` for a bare row
/// number. References past XFD1048576 are refused outright: calamine's arithmetic on them
/// overflows.
fn reference(s: &str) -> Result<(u64, Option<u64>), Refused> {
    let bytes = s.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let col = bytes[..letters]
        .iter()
        .fold(0u64, |n, b| n.saturating_mul(26).saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1));
    let row = bytes[letters..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    if row > EXCEL_ROWS || col > EXCEL_COLUMNS {
        return Err(refuse(format!("XLSX 文件中的单元格位置“{}”超出了工作表的范围，已拒绝导入", short(s))));
    }
    Ok((row.saturating_sub(1), col.checked_sub(1)))
}

fn short(s: &str) -> String {
    s.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

    fn sheet(dimension: &str, rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    fn strings(attrs: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" {attrs}><si><t>项目名称</t></si></sst>"#
        )
    }

    /// A workbook of the given parts plus the package plumbing.
    fn workbook(sheet_xml: &str, strings_xml: &str) -> Vec<u8> {
        zipped(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("xl/workbook.xml", WORKBOOK.as_bytes()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet_xml.as_bytes()),
            ("xl/sharedStrings.xml", strings_xml.as_bytes()),
        ])
    }

    fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            out.start_file(*name, options).expect("part started");
            out.write_all(bytes).expect("part written");
        }
        out.finish().expect("zip finished").into_inner()
    }

    fn good() -> Vec<u8> {
        workbook(
            &sheet(
                "A1:B2",
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row><row r="2"><c><v>3</v></c></row>"#,
            ),
            &strings(r#"count="1" uniqueCount="1""#),
        )
    }

    fn message(bytes: &[u8]) -> String {
        check(bytes).expect_err("refused").0
    }

    #[test]
    fn an_ordinary_workbook_passes_and_calamine_reads_it() {
        let bytes = good();
        assert_eq!(check(&bytes), Ok(()));
        use calamine::{Reader, Xlsx, open_workbook_from_rs};
        let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("opens");
        let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
        assert_eq!(range.get_size(), (2, 2));
    }

    #[test]
    fn the_import_template_passes() {
        let template = crate::projects::template::projects_xlsx().expect("template");
        assert_eq!(check(&template), Ok(()));
    }

    #[test]
    fn a_trillion_shared_strings_are_refused() {
        let bytes = workbook(&sheet("A1", ""), &strings(r#"count="1" uniqueCount="1000000000000""#));
        assert!(bytes.len() < 4096, "the hostile file is small: {} bytes", bytes.len());
        assert!(message(&bytes).contains("文字条目过多"));
        let bytes = workbook(&sheet("A1", ""), &strings(r#"count="99999999999999999999999999" uniqueCount="1""#));
        assert!(message(&bytes).contains("文字条目过多"));
    }

    #[test]
    fn a_huge_dimension_is_refused() {
        let bytes = workbook(&sheet("A1:XFD1048576", ""), &strings(""));
        assert!(message(&bytes).contains("范围过大"));
    }

    #[test]
    fn cells_a_sheet_apart_are_refused_with_or_without_a_dimension() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
        assert!(message(&workbook(&sheet("A1", rows), &strings(""))).contains("范围过大"));
        // Without references: a far row, then a run of empty cells pushing the column along.
        let empties = "<c/>".repeat(300);
        let rows = format!("<row><c><v>1</v></c></row><row>{empties}<c><v>1</v></c></row>");
        assert!(message(&workbook(&sheet("A1", &rows), &strings(""))).contains("范围过大"));
        let rows = format!("<row><c><v>1</v></c></row>{}<row><c><v>1</v></c></row>", "<row/>".repeat(100_000));
        assert!(message(&workbook(&sheet("A1", &rows), &strings(""))).contains("范围过大"));
    }

    #[test]
    fn empty_styled_cells_far_out_are_no_cells() {
        let rows = r#"<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="1"/></row>"#;
        assert_eq!(check(&workbook(&sheet("A1", rows), &strings(""))), Ok(()));
    }

    #[test]
    fn references_past_the_last_cell_are_refused() {
        let rows = r#"<row r="1"><c r="AAAAAAAAAAAAAAAAA1"/></row>"#;
        assert!(message(&workbook(&sheet("A1", rows), &strings(""))).contains("超出了工作表的范围"));
        let rows = r#"<row r="99999999999999999999"></row>"#;
        assert!(message(&workbook(&sheet("A1", rows), &strings(""))).contains("超出了工作表的范围"));
    }

    #[test]
    fn prefixed_and_single_quoted_elements_are_read_too() {
        let xml = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r='1'><x:c r='XFD1048576'><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        assert!(message(&workbook(xml, &strings(""))).contains("范围过大"));
    }

    #[test]
    fn cells_inside_cells_and_mismatched_tags_are_refused() {
        let rows = r#"<row><c r="A1"><v>1</v><c r="XFD5"><v>1</v></c></c></row>"#;
        assert!(message(&workbook(&sheet("A1", rows), &strings(""))).contains("结构有误"));
        // A stray end tag before the cells: calamine reads on, so the cells must not go unseen.
        let xml =
            r#"<worksheet><foo></bar><sheetData><row><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(message(&workbook(xml, &strings(""))).contains("结构有误"));
        // Mismatched tags in a part with no sheet or strings in it do not matter.
        let parts: [(&str, &[u8]); 1] = [("docProps/custom.xml", b"<a><b></a>")];
        assert_eq!(check(&zipped(&parts)), Ok(()));
    }

    #[test]
    fn a_zip_bomb_is_refused() {
        let zeros = vec![b' '; 20 * 1024 * 1024];
        let bytes = zipped(&[("xl/worksheets/sheet1.xml", &zeros)]);
        assert!(message(&bytes).contains("压缩比异常"));
        let big = vec![b' '; usize::try_from(MAX_ENTRY_BYTES + 1).unwrap()];
        let bytes = zipped(&[("a.xml", &big)]);
        assert!(check(&bytes).is_err());
    }

    #[test]
    fn a_document_type_is_refused_wherever_it_is() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><sst count="1"><si><t>&b;</t></si></sst>"#;
        assert!(message(&workbook(&sheet("A1", ""), laughs)).contains("文档类型声明"));
        let xxe = r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#;
        let parts: [(&str, &[u8]); 1] = [("docProps/custom.xml", xxe.as_bytes())];
        assert!(message(&zipped(&parts)).contains("文档类型声明"));
    }

    #[test]
    fn archives_inside_are_checked_and_share_the_budget() {
        let bomb = zipped(&[("a.xml", &vec![b' '; 20 * 1024 * 1024])]);
        let parts: [(&str, &[u8]); 1] = [("word/embeddings/book.xlsx", &bomb)];
        assert!(message(&zipped(&parts)).contains("压缩比异常"), "a bomb one level down");
        let inner = zipped(&[("deeper.zip", &zipped(&[("x.xml", b"<x/>".as_slice())]))]);
        let parts: [(&str, &[u8]); 1] = [("word/embeddings/book.xlsx", &inner)];
        assert!(message(&zipped(&parts)).contains("嵌套过深"));
        let embedded = good();
        let parts: [(&str, &[u8]); 1] = [("word/embeddings/book.xlsx", &embedded)];
        assert_eq!(check(&zipped(&parts)), Ok(()), "a workbook embedded in a document is fine");
    }

    #[test]
    fn too_many_parts_are_refused() {
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("p{i}.xml")).collect();
        let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"<a/>".as_slice())).collect();
        assert!(message(&zipped(&parts)).contains("部分过多"));
    }

    #[test]
    fn not_a_zip_is_refused() {
        assert!(message(b"PK\x03\x04 not really").contains("不是有效的"));
    }

    #[test]
    fn the_capped_reader_stops_one_byte_past_its_cap() {
        let mut r = Capped { inner: &[0u8; 10][..], read: 0, cap: 10, over: false };
        assert_eq!(std::io::copy(&mut r, &mut std::io::sink()).ok(), Some(10));
        let mut r = Capped { inner: &[0u8; 11][..], read: 0, cap: 10, over: false };
        assert!(std::io::copy(&mut r, &mut std::io::sink()).is_err());
        assert!(r.over);
    }
}
