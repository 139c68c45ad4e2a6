//! The typst world a document compiles in: its template, two virtual data files (the document's
//! JSON and its QR code), one font.
//!
//! Loading the font and building the standard library take a few hundred milliseconds, so
//! they happen once per process ([`Shared`], behind a `LazyLock`); each report then gets a
//! small [`ReportWorld`] that borrows them and adds its own data.
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::Error;

/// Noto Serif CJK SC, subset to the characters documents print (scripts/subset-font.sh), OFL
/// 1.1; see fonts/README.md.
///
/// Embedded rather than read from a path so that every build, on any machine, typesets the
/// same PDF with no font to install and nothing to configure; the cost is 12.4 MB of binary.
static FONT_DATA: &[u8] = include_bytes!("../../fonts/NotoSerifCJKsc-Regular-subset.otf");

const REPORT_TEMPLATE: &str = include_str!("report.typ");
const POSTER_TEMPLATE: &str = include_str!("poster.typ");
const LONG_TEMPLATE: &str = include_str!("long.typ");
const REPORT_LONG_TEMPLATE: &str = include_str!("report_long.typ");
const REGISTRATION_TEMPLATE: &str = include_str!("registration.typ");
const SUMMARY_TEMPLATE: &str = include_str!("summary.typ");
const COVER_TEMPLATE: &str = include_str!("cover.typ");

/// Which document: each has its template and reads its data from its own path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Template {
    Report,
    Poster,
    /// The notice as one tall page, for the long image; reads the poster's data.
    Long,
    /// The report as one tall page, for its long image; reads the report's data.
    ReportLong,
    /// A project's 登记表, for the submission package.
    Registration,
    /// The 推荐汇总表, for the submission package.
    Summary,
    /// The submission package's contents.
    Cover,
}

/// The face the template asks for; checked at load so a wrong font file fails loudly.
const FONT_FAMILY: &str = "Noto Serif CJK SC";

/// What every report shares: built once, read by any number of threads.
pub(crate) struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    report: Source,
    poster: Source,
    long: Source,
    report_long: Source,
    registration: Source,
    summary: Source,
    cover: Source,
    report_data_id: FileId,
    poster_data_id: FileId,
    /// What the package's templates read.
    package_data_id: FileId,
    qr_id: FileId,
}

static SHARED: LazyLock<Result<Shared, String>> = LazyLock::new(Shared::load);

/// The shared world parts, loading them on first use.
pub(crate) fn shared() -> Result<&'static Shared, Error> {
    SHARED.as_ref().map_err(|reason| Error::Font(reason.clone()))
}

impl Shared {
    fn load() -> Result<Shared, String> {
        let fonts: Vec<Font> = Font::iter(Bytes::new(FONT_DATA)).collect();
        let book = FontBook::from_fonts(&fonts);
        if !book.contains_family(&FONT_FAMILY.to_lowercase()) {
            return Err(format!("内嵌字体中没有 {FONT_FAMILY}"));
        }
        Ok(Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            report: Source::new(file_id("/report.typ")?, REPORT_TEMPLATE.to_owned()),
            poster: Source::new(file_id("/poster.typ")?, POSTER_TEMPLATE.to_owned()),
            long: Source::new(file_id("/long.typ")?, LONG_TEMPLATE.to_owned()),
            report_long: Source::new(file_id("/report_long.typ")?, REPORT_LONG_TEMPLATE.to_owned()),
            registration: Source::new(file_id("/registration.typ")?, REGISTRATION_TEMPLATE.to_owned()),
            summary: Source::new(file_id("/summary.typ")?, SUMMARY_TEMPLATE.to_owned()),
            cover: Source::new(file_id("/cover.typ")?, COVER_TEMPLATE.to_owned()),
            report_data_id: file_id("/report.json")?,
            poster_data_id: file_id("/poster.json")?,
            package_data_id: file_id("/data.json")?,
            qr_id: file_id("/qr.svg")?,
        })
    }
}

fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("{path}: {e:?}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// One document's world: the shared parts plus this document's JSON and QR code.
pub(crate) struct ReportWorld {
    shared: &'static Shared,
    main: &'static Source,
    data_id: FileId,
    data: Bytes,
    qr: Bytes,
}

impl ReportWorld {
    pub(crate) fn new(template: Template, data: Vec<u8>, qr_svg: String) -> Result<Self, Error> {
        let shared = shared()?;
        let (main, data_id) = match template {
            Template::Report => (&shared.report, shared.report_data_id),
            Template::Poster => (&shared.poster, shared.poster_data_id),
            Template::Long => (&shared.long, shared.poster_data_id),
            Template::ReportLong => (&shared.report_long, shared.report_data_id),
            Template::Registration => (&shared.registration, shared.package_data_id),
            Template::Summary => (&shared.summary, shared.package_data_id),
            Template::Cover => (&shared.cover, shared.package_data_id),
        };
        Ok(ReportWorld { shared, main, data_id, data: Bytes::new(data), qr: Bytes::from_string(qr_svg) })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.shared.qr_id {
            Ok(self.qr.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    /// The template prints no "today": the date on the report is the issue date it is given,
    /// so the same data always makes the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The subset keeps every character a Chinese name or notice may hold: GBK's ideographs
    /// (U+4E00–U+9FA5), Extension A, the CJK punctuation, the full-width forms; and the rare
    /// name characters of Extension B and beyond that the face has.
    #[test]
    fn the_embedded_font_covers_the_characters_documents_print() {
        let shared = shared().unwrap_or_else(|e| panic!("{e}"));
        let coverage = &shared.fonts[0].info().coverage;
        let missing: Vec<char> = ('\u{4E00}'..='\u{9FA5}')
            .chain('\u{3400}'..='\u{4DB5}')
            .chain('\u{3000}'..='\u{303F}')
            .chain('\u{FF01}'..='\u{FF5E}')
            .chain("𬱖𠮷〇々·—…‘’“”№℃①⑳".chars())
            .filter(|c| !coverage.contains(u32::from(*c)))
            .collect();
        assert!(missing.is_empty(), "{} characters without a glyph: {missing:?}", missing.len());
        assert_eq!(shared.fonts.len(), 1, "one face, SC");
        assert!(!coverage.contains(u32::from('가')), "Hangul is left out of the subset");
    }
}
