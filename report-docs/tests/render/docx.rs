//! The Word file read back as Word would: a well-formed package whose text says what the PDF says.
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use report_docs::{ReportDocument, render_docx};

use crate::sample::{self, CODE, HOSTILE_NAME, RARE_COMPLETERS, SHA256, UNIT, URL, squash};
use crate::tools::{decode_qr, png_gray};

struct Package {
    files: Vec<(String, Vec<u8>)>,
}

impl Package {
    fn open(bytes: Vec<u8>) -> Package {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("not a zip: {e}"));
        let mut files = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap_or_else(|e| panic!("zip entry: {e}"));
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap_or_else(|e| panic!("unzip: {e}"));
            files.push((file.name().to_owned(), data));
        }
        Package { files }
    }

    fn file(&self, name: &str) -> &[u8] {
        &self.files.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}")).1
    }

    fn xml_parts(&self) -> impl Iterator<Item = &(String, Vec<u8>)> {
        self.files.iter().filter(|(n, _)| n.ends_with(".xml") || n.ends_with(".rels"))
    }
}

fn render(doc: &ReportDocument) -> Package {
    Package::open(render_docx(doc).unwrap_or_else(|e| panic!("render_docx: {e}")))
}

/// The text of every `w:t` element, unescaped, paragraphs separated by newlines; fails on
/// malformed XML, as Word would refuse the file.
fn xml_text(xml: &[u8]) -> String {
    let mut reader = Reader::from_reader(xml);
    let mut text = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:t" => in_text = true,
            Ok(Event::End(e)) if e.name().as_ref() == b"w:t" => in_text = false,
            Ok(Event::End(e)) if e.name().as_ref() == b"w:p" => text.push('\n'),
            Ok(Event::Text(t)) if in_text => {
                let decoded = t.decode().unwrap_or_else(|e| panic!("text: {e}"));
                text.push_str(&quick_xml::escape::unescape(&decoded).unwrap_or_else(|e| panic!("escape: {e}")));
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let entity = format!("&{name};");
                text.push_str(&quick_xml::escape::unescape(&entity).unwrap_or_else(|e| panic!("entity {name}: {e}")));
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("malformed XML at {}: {e}", reader.buffer_position()),
            _ => {}
        }
        buf.clear();
    }
    text
}

#[test]
fn the_word_file_contains_the_same_texts_as_the_pdf() {
    let package = render(&sample::report(12));
    let text = squash(&xml_text(package.file("word/document.xml")));
    for i in 1..=12 {
        assert!(text.contains(&squash(&sample::project_name(i))), "missing project {i}");
    }
    for expected in [UNIT, CODE, SHA256, URL, "武工发〔2025〕7号", "2025年4月8日", "（盖章）", "公示期间共收到异议4件"]
    {
        assert!(text.contains(&squash(expected)), "missing {expected}");
    }
    for name in RARE_COMPLETERS {
        assert!(text.contains(name), "missing {name}");
    }
}

#[test]
fn every_part_of_the_package_is_well_formed_xml() {
    let package = render(&sample::report(3));
    let mut parts = 0;
    for (_, xml) in package.xml_parts() {
        xml_text(xml);
        parts += 1;
    }
    assert!(parts >= 5, "a Word package has content types, rels, document, styles, settings");
    let types = String::from_utf8_lossy(package.file("[Content_Types].xml")).into_owned();
    assert!(types.contains("wordprocessingml.document.main+xml"));
}

#[test]
fn markup_in_a_project_name_is_escaped_and_reads_back_literally() {
    let mut doc = sample::report(2);
    doc.projects[1].name = HOSTILE_NAME.to_owned();
    let package = render(&doc);
    let xml = package.file("word/document.xml");
    assert!(!String::from_utf8_lossy(xml).contains("<script>"), "raw markup in the XML");
    assert!(xml_text(xml).contains(HOSTILE_NAME));
}

#[test]
fn the_page_is_a4_and_the_footer_numbers_pages() {
    let package = render(&sample::report(2));
    let document = String::from_utf8_lossy(package.file("word/document.xml")).into_owned();
    assert!(document.contains(r#"w:w="11906""#) && document.contains(r#"w:h="16838""#), "A4 page size");
    let footer = package.files.iter().find(|(n, _)| n.starts_with("word/footer")).map(|(_, d)| d.clone());
    let footer = String::from_utf8_lossy(&footer.unwrap_or_else(|| panic!("no footer"))).into_owned();
    assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"), "page fields in the footer");
    assert!(xml_text(footer.as_bytes()).contains(CODE));
}

#[test]
fn the_qr_image_in_the_word_file_decodes_to_the_verify_url() {
    let package = render(&sample::report(2));
    let images: Vec<&(String, Vec<u8>)> =
        package.files.iter().filter(|(n, _)| n.starts_with("word/media/") && !n.ends_with('/')).collect();
    assert_eq!(images.len(), 1, "one image: the QR code");
    assert_eq!(decode_qr(&png_gray(&images[0].1)), vec![URL.to_owned()]);
    let rels = String::from_utf8_lossy(package.file("word/_rels/document.xml.rels")).into_owned();
    assert!(rels.contains(images[0].0.trim_start_matches("word/")), "the image is linked from the document");
}

#[test]
fn the_same_report_always_gives_the_same_word_file() {
    let doc = sample::report(3);
    let first = render_docx(&doc).unwrap_or_default();
    assert!(!first.is_empty());
    assert_eq!(first, render_docx(&doc).unwrap_or_default());
}
