//! The corpus itself: hostile files, generated (a zip bomb is a few kilobytes here and
//! gigabytes once inflated), and the hostile JSON bodies.
use std::io::Write;
use std::sync::OnceLock;

/// 100 MB of zeros, in the zero-filled data segment: sending it costs the test no memory.
pub static HUNDRED_MB: [u8; 100 * 1024 * 1024] = [0; 100 * 1024 * 1024];

/// The boundary of the hand-written multipart body.
pub const BOUNDARY: &str = "----gongshi-hostile-boundary";

#[derive(Clone)]
pub enum Body {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Body {
    pub fn part(self) -> reqwest::multipart::Part {
        match self {
            Self::Static(b) => reqwest::multipart::Part::bytes(b),
            Self::Owned(b) => reqwest::multipart::Part::bytes(b),
        }
    }
}

impl From<Body> for reqwest::Body {
    fn from(b: Body) -> Self {
        match b {
            Body::Static(b) => b.into(),
            Body::Owned(b) => b.into(),
        }
    }
}

#[derive(Clone)]
pub struct Case {
    pub name: &'static str,
    pub file_name: &'static str,
    pub content_type: &'static str,
    pub body: Body,
}

impl Case {
    pub fn file(name: &'static str, file_name: &'static str, content_type: &'static str, body: Body) -> Self {
        Self { name, file_name, content_type, body }
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// The header row of the import template (the columns a file must have).
const HEADER: &str = "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,知识产权,申报条件,无不得推荐情形声明";

fn sheet(head: &str, dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn strings(head: &str, attrs: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" {attrs}><si><t>项目名称</t></si>{items}</sst>"#
    )
}

/// A zip of `parts`; a part given as `Fill(n)` is `n` spaces, written a megabyte at a time.
enum Part<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
    Fill(usize),
}

fn zipped(parts: &[(&str, Part<'_>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    for (name, part) in parts {
        out.start_file(*name, options).unwrap();
        match part {
            Part::Text(t) => out.write_all(t.as_bytes()).unwrap(),
            Part::Bytes(b) => out.write_all(b).unwrap(),
            Part::Fill(n) => {
                let chunk = vec![b' '; 1024 * 1024];
                for _ in 0..n / chunk.len() {
                    out.write_all(&chunk).unwrap();
                }
            }
        }
    }
    out.finish().unwrap().into_inner()
}

/// A workbook with this sheet and these shared strings, plus whatever `extra` parts.
fn workbook(sheet_xml: &str, strings_xml: &str, extra: Vec<(&str, Part<'_>)>) -> Vec<u8> {
    let mut parts = vec![
        ("[Content_Types].xml", Part::Text(CONTENT_TYPES)),
        ("_rels/.rels", Part::Text(RELS)),
        ("xl/workbook.xml", Part::Text(WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", Part::Text(WORKBOOK_RELS)),
        ("xl/worksheets/sheet1.xml", Part::Text(sheet_xml)),
        ("xl/sharedStrings.xml", Part::Text(strings_xml)),
    ];
    parts.extend(extra);
    zipped(&parts)
}

fn plain_sheet() -> String {
    sheet("", "A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#)
}

fn plain_strings() -> String {
    strings("", r#"count="1" uniqueCount="1""#, "")
}

/// 16 MB of spaces in one part: a compression ratio of about a thousand.
fn ratio_bomb() -> Vec<u8> {
    workbook(&plain_sheet(), &plain_strings(), vec![("xl/media/padding.xml", Part::Fill(16 * 1024 * 1024))])
}

/// Twenty thousand empty parts.
fn many_entries() -> Vec<u8> {
    let names: Vec<String> = (0..20_000).map(|i| format!("xl/media/p{i}.xml")).collect();
    let mut parts = vec![
        ("[Content_Types].xml", Part::Text(CONTENT_TYPES)),
        ("xl/workbook.xml", Part::Text(WORKBOOK)),
        ("word/document.xml", Part::Text("<w/>")),
    ];
    parts.extend(names.iter().map(|n| (n.as_str(), Part::Bytes(b""))));
    zipped(&parts)
}

/// A workbook carrying a zip that carries ten zip bombs: 42.zip in small.
fn nested_bomb() -> Vec<u8> {
    let bomb = zipped(&[("a.xml", Part::Fill(16 * 1024 * 1024))]);
    let names: Vec<String> = (0..10).map(|i| format!("bomb{i}.zip")).collect();
    let inner: Vec<(&str, Part<'_>)> = names.iter().map(|n| (n.as_str(), Part::Bytes(&bomb))).collect();
    let inner = zipped(&inner);
    workbook(&plain_sheet(), &plain_strings(), vec![("xl/embeddings/package.zip", Part::Bytes(&inner))])
}

fn huge_dimension() -> Vec<u8> {
    let rows = r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    workbook(&sheet("", "A1:XFD1048576", rows), &plain_strings(), vec![])
}

fn huge_unique_count() -> Vec<u8> {
    workbook(&plain_sheet(), &strings("", r#"count="1" uniqueCount="1000000000000""#, ""), vec![])
}

fn billion_laughs() -> Vec<u8> {
    let mut dtd = String::from(r#"<!DOCTYPE sst [<!ENTITY lol0 "lol">"#);
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1);
        dtd.push_str(&format!(r#"<!ENTITY lol{i} "{}">"#, prev.repeat(10)));
    }
    dtd.push_str("]>");
    workbook(&plain_sheet(), &strings(&dtd, r#"count="2" uniqueCount="2""#, "<si><t>&lol9;</t></si>"), vec![])
}

fn external_entity() -> Vec<u8> {
    let head = r#"<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#;
    let rows = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>"#;
    workbook(&sheet(head, "A1", rows), &plain_strings(), vec![])
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

/// One valid row under the template's header.
fn row(name: &str) -> String {
    format!("A1,{name},甲公司,李明,方案,40%,融合算法,,2,是\n")
}

pub fn good_csv() -> Vec<u8> {
    format!("{HEADER}\n{}", row("覆冰监测装置")).into_bytes()
}

fn cached(cell: &'static OnceLock<Vec<Case>>, make: fn() -> Vec<Case>) -> Vec<Case> {
    cell.get_or_init(make).clone()
}

/// Files for the project import: each is refused on the API and on the page.
pub fn import_corpus() -> Vec<Case> {
    static CORPUS: OnceLock<Vec<Case>> = OnceLock::new();
    cached(&CORPUS, || {
        let xlsx = |name, bytes| Case::file(name, "项目.xlsx", XLSX, Body::Owned(bytes));
        let csv = |name, bytes| Case::file(name, "项目.csv", "text/csv", Body::Owned(bytes));
        let mut mixed = gbk(&format!("{HEADER}\n{}", row("覆冰监测装置")));
        // Every field of the UTF-8 row survives a GBK reading as some text: only the encoding
        // check can catch it.
        mixed.extend_from_slice("A2,巡检机器人,甲公司,李明,方案,40%,融合算法,,2,Y\n".as_bytes());
        vec![
            xlsx("zip bomb (ratio)", ratio_bomb()),
            xlsx("zip bomb (20,000 entries)", many_entries()),
            xlsx("zip bomb (nested)", nested_bomb()),
            xlsx("sheet dimension A1:XFD1048576", huge_dimension()),
            xlsx("sharedStrings uniqueCount 10^12", huge_unique_count()),
            xlsx("billion laughs", billion_laughs()),
            xlsx("external entity", external_entity()),
            csv("CSV of 10^6 columns", format!("项目名称{}", ",".repeat(1_000_000)).into_bytes()),
            csv("CSV of 3,000,000 empty cells", ",,,,,,,,,\n".repeat(300_000).into_bytes()),
            csv("GBK CSV with a bad row", gbk(&format!("{HEADER}\n{}", row("")))),
            csv("UTF-8 row in a GBK file", mixed),
            csv("NUL in a field", format!("{HEADER}\n{}", row("覆冰\0监测")).into_bytes()),
            csv("invalid UTF-8 and GBK", b"\xff\xfe\xfd,\xff\n".to_vec()),
            Case::file("a CSV that says it is XLSX", "项目.xlsx", XLSX, Body::Owned(good_csv())),
            Case::file(
                "JSON nested 100,000 deep",
                "项目.json",
                "application/json",
                Body::Owned(format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
            ),
        ]
    })
}

/// A minimal PDF.
fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// Evidence files for the objection form and API: each is refused, and nothing is filed.
pub fn evidence_corpus() -> Vec<Case> {
    static CORPUS: OnceLock<Vec<Case>> = OnceLock::new();
    cached(&CORPUS, || {
        let mut cases: Vec<Case> = import_corpus()
            .into_iter()
            .filter(|c| c.content_type == XLSX || c.name.starts_with("CSV") || c.name.starts_with("GBK"))
            .filter(|c| c.name != "a CSV that says it is XLSX")
            .map(|mut c| {
                c.file_name = if c.content_type == XLSX { "证据.xlsx" } else { "证据.csv" };
                c
            })
            .collect();
        cases.extend([
            Case::file(
                "an executable that says it is a PNG",
                "照片.png",
                "image/png",
                Body::Owned(b"MZ\x90\0\x03\0\0\0 This program cannot be run in DOS mode".to_vec()),
            ),
            Case::file("NUL in the file name", "证据\0.pdf", "application/pdf", Body::Owned(pdf())),
        ]);
        cases
    })
}

/// JSON bodies: nested 100,000 levels deep, and NUL in the text of bodies each path would
/// otherwise accept.
pub fn json_corpus(project_id: i32) -> Vec<(&'static str, Vec<u8>)> {
    let mut objection = serde_json::json!({
        "objector_kind": "individual", "name": "王五", "phone": "13909310000", "project_id": project_id,
        "category": "personnel", "content": "第二完成人未参与\u{0}研制。", "declaration": true,
        "channel": "letter", "claimed_at": "2025-03-11",
    });
    let nul_objection = objection.to_string().into_bytes();
    objection["content"] = "正常内容".into();
    objection["name"] = "王\u{0}五".into();
    let nul_name = objection.to_string().into_bytes();
    vec![
        ("arrays nested 100,000 deep", format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()),
        ("objects nested 100,000 deep", format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000)).into_bytes()),
        ("NUL in the objection's content", nul_objection),
        ("NUL in the objector's name", nul_name),
        ("not JSON at all", b"<?xml version=\"1.0\"?><a/>".to_vec()),
    ]
}

/// A multipart body cut off in the middle of a file, without its closing boundary.
pub fn truncated_multipart(csrf: &str) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"证据.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&pdf()[..20]);
    body
}
