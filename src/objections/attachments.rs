//! Evidence files: recognised by their content, never by their name, and kept under
//! `data_dir/attachments` (never under `public/`, never served publicly).
//!
//! An upload is first written to `incoming/` while it is hashed and counted; once the whole
//! submission is valid it is moved to its final name and synced to disk before the database
//! commit that refers to it, so an acknowledged objection never points at a missing file.
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The kinds of evidence accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
    Docx,
    Xlsx,
    /// HEIC/HEIF photos, as iPhones take them.
    Heic,
    /// OFD (GB/T 33190), the electronic document format of government units.
    Ofd,
    /// Word 97–2003 documents, and WPS 文字 files saved in that format.
    Doc,
    /// Excel 97–2003 workbooks, and WPS 表格 (ET) files saved in that format.
    Xls,
}

impl Kind {
    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Heic => "image/heic",
            Self::Ofd => "application/ofd",
            Self::Doc => "application/msword",
            Self::Xls => "application/vnd.ms-excel",
        }
    }

    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Heic => "heic",
            Self::Ofd => "ofd",
            Self::Doc => "doc",
            Self::Xls => "xls",
        }
    }
}

/// What the bytes are, if they are one of the accepted kinds.
#[must_use]
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        return tail.windows(5).any(|w| w == b"%%EOF").then_some(Kind::Pdf);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some(Kind::Png);
    }
    if is_heif(bytes) {
        return Some(Kind::Heic);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return compound_kind(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let names = zip_entry_names(bytes)?;
        let has = |n: &str| names.iter().any(|x| x == n);
        if has("OFD.xml") {
            return Some(Kind::Ofd);
        }
        if !has("[Content_Types].xml") {
            return None;
        }
        if has("word/document.xml") {
            return Some(Kind::Docx);
        }
        if has("xl/workbook.xml") {
            return Some(Kind::Xlsx);
        }
    }
    None
}

/// An ISO base media file whose major brand is a HEIF image one (not AVIF, not video).
fn is_heif(b: &[u8]) -> bool {
    const BRANDS: [&[u8; 4]; 8] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];
    b.get(4..8) == Some(b"ftyp") && b.get(8..12).is_some_and(|brand| BRANDS.iter().any(|x| x.as_slice() == brand))
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A compound file (Office 97–2003, and WPS/ET in those formats) by the streams it holds:
/// `WordDocument` for a document, `Workbook` or `Book` for a workbook. A file that does not
/// open as one, or holds neither, is not accepted.
fn compound_kind(bytes: &[u8]) -> Option<Kind> {
    let file = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).ok()?;
    let has = |name: &str| file.exists(name) && file.is_stream(name);
    if has("/WordDocument") {
        Some(Kind::Doc)
    } else if has("/Workbook") || has("/Book") {
        Some(Kind::Xls)
    } else {
        None
    }
}

/// Whether a compound file carries macros (VBA), which staff opening evidence must never run.
fn has_macros(bytes: &[u8]) -> bool {
    let Ok(file) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else { return true };
    file.walk().any(|entry| matches!(entry.name(), "Macros" | "_VBA_PROJECT_CUR" | "VBA" | "_VBA_PROJECT"))
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2).map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4).and_then(|s| usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok())
}

/// The names in a zip archive's central directory, if the archive is whole: an end record,
/// a central directory where it says, and as many entries as it announces. A renamed
/// executable or a truncated upload fails here.
fn zip_entry_names(b: &[u8]) -> Option<Vec<String>> {
    const END: &[u8] = b"PK\x05\x06";
    const ENTRY: &[u8] = b"PK\x01\x02";
    let lowest = b.len().saturating_sub(22 + 0xFFFF);
    let end = (lowest..=b.len().checked_sub(22)?).rev().find(|&i| b.get(i..i + 4) == Some(END))?;
    let count = u16_at(b, end + 10)?;
    let dir_size = u32_at(b, end + 12)?;
    let dir_start = u32_at(b, end + 16)?;
    if count == 0 || dir_start.checked_add(dir_size)? > end {
        return None;
    }
    let mut names = Vec::with_capacity(count);
    let mut at = dir_start;
    for _ in 0..count {
        if b.get(at..at + 4)? != ENTRY {
            return None;
        }
        let name_len = u16_at(b, at + 28)?;
        let extra_len = u16_at(b, at + 30)?;
        let comment_len = u16_at(b, at + 32)?;
        let local = u32_at(b, at + 42)?;
        if b.get(local..local + 4)? != b"PK\x03\x04" {
            return None;
        }
        names.push(String::from_utf8_lossy(b.get(at + 46..at + 46 + name_len)?).into_owned());
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(names)
}

/// Why a file is refused, in words for the person uploading it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("最多上传{MAX_FILES}个证据文件")]
    TooMany,
    #[error("“{0}”超过10 MB")]
    TooLarge(String),
    #[error("“{0}”不是可接收的证据文件（PDF、OFD、图片 JPEG/PNG/HEIC、Word/WPS 文字、Excel/WPS 表格；按文件内容判断）")]
    WrongKind(String),
    #[error("“{0}”是空文件")]
    Empty(String),
    /// The evidence store (this notice's share or the whole) is full; the message names the
    /// unit to send the evidence to instead.
    #[error("{0}")]
    StoreFull(String),
    /// An office file whose archive would overwhelm whoever opens it (a zip bomb, a sheet of
    /// billions of cells, a DTD): the second part says which.
    #[error("“{0}”无法作为证据接收：{1}")]
    Unsafe(String, String),
    #[error("文件名“{0}”含有控制字符（如 NUL），请重命名后再上传")]
    BadName(String),
}

/// A file as received, waiting in `incoming/` until the submission is accepted. Dropping it
/// removes the temporary file.
#[derive(Debug)]
pub struct Incoming {
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    path: PathBuf,
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file in its final place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub file_name: String,
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
    pub storage_key: String,
}

/// The folders evidence lives in.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    #[must_use]
    pub fn new(data_dir: &Path) -> Self {
        Self { root: data_dir.join("attachments") }
    }

    fn incoming_dir(&self) -> PathBuf {
        self.root.join("incoming")
    }

    /// Where a stored file is, from its key; `None` for a key that is not one of ours.
    #[must_use]
    pub fn path_of(&self, storage_key: &str) -> Option<PathBuf> {
        let safe = !storage_key.is_empty() && storage_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
        (safe && !storage_key.starts_with('.')).then(|| self.root.join(storage_key))
    }

    /// Starts receiving one file.
    ///
    /// # Errors
    /// When the folder cannot be created or the file opened.
    pub fn begin(&self, file_name: &str) -> std::io::Result<Receiving> {
        std::fs::create_dir_all(self.incoming_dir())?;
        let path = self.incoming_dir().join(uuid::Uuid::new_v4().simple().to_string());
        let file = std::fs::File::create(&path)?;
        Ok(Receiving {
            incoming: Incoming { file_name: clean_file_name(file_name), size: 0, sha256: String::new(), path },
            file: std::io::BufWriter::new(file),
            hasher: Sha256::new(),
        })
    }

    /// Checks a received file's content. Reads it whole (at most 10 MB): zip archives are
    /// judged by their central directory at the end.
    ///
    /// # Errors
    /// [`Refusal`] when it is not an accepted kind; I/O errors as `Err(Err(_))`.
    pub fn check(&self, incoming: &Incoming) -> Result<Kind, CheckError> {
        if incoming.size == 0 {
            return Err(CheckError::Refused(Refusal::Empty(incoming.file_name.clone())));
        }
        let bytes = std::fs::read(&incoming.path).map_err(CheckError::Io)?;
        let kind = sniff(&bytes).ok_or_else(|| CheckError::Refused(Refusal::WrongKind(incoming.file_name.clone())))?;
        // Staff open evidence in Excel, WPS or Word: an archive that would overwhelm them is
        // refused as an import would be.
        if matches!(kind, Kind::Docx | Kind::Xlsx | Kind::Ofd) {
            crate::projects::xlsx_guard::check(&bytes).map_err(|refused| {
                CheckError::Refused(Refusal::Unsafe(incoming.file_name.clone(), refused.0.replace("XLSX ", "")))
            })?;
        }
        if matches!(kind, Kind::Doc | Kind::Xls) && has_macros(&bytes) {
            let why = "文件含有宏（VBA），请另存为不含宏的文档或 PDF 后再上传".to_owned();
            return Err(CheckError::Refused(Refusal::Unsafe(incoming.file_name.clone(), why)));
        }
        Ok(kind)
    }

    /// Moves checked files to their final names and makes them durable.
    ///
    /// # Errors
    /// I/O failure; files already moved are removed again.
    pub fn place(&self, files: Vec<(Incoming, Kind)>) -> std::io::Result<Vec<Stored>> {
        let mut placed = Vec::new();
        for (incoming, kind) in files {
            let key = format!("{}.{}", uuid::Uuid::now_v7().simple(), kind.extension());
            let target = self.root.join(&key);
            if let Err(e) = std::fs::rename(&incoming.path, &target) {
                self.remove(&placed);
                return Err(e);
            }
            placed.push(Stored {
                file_name: incoming.file_name.clone(),
                kind,
                size: incoming.size,
                sha256: incoming.sha256.clone(),
                storage_key: key,
            });
        }
        // The renames themselves must survive a crash too: sync the folder.
        if !placed.is_empty()
            && let Err(e) = std::fs::File::open(&self.root).and_then(|d| d.sync_all())
        {
            self.remove(&placed);
            return Err(e);
        }
        Ok(placed)
    }

    /// Removes placed files whose submission did not commit.
    pub fn remove(&self, stored: &[Stored]) {
        for s in stored {
            let _ = std::fs::remove_file(self.root.join(&s.storage_key));
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("{0}")]
    Io(std::io::Error),
}

/// A file being written; see [`Store::begin`].
pub struct Receiving {
    incoming: Incoming,
    file: std::io::BufWriter<std::fs::File>,
    hasher: Sha256,
}

impl Receiving {
    /// Appends a chunk, refusing the file once it passes the size limit.
    ///
    /// # Errors
    /// [`Refusal::TooLarge`], or an I/O failure.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), CheckError> {
        self.incoming.size += chunk.len() as u64;
        if self.incoming.size > MAX_FILE_BYTES {
            return Err(CheckError::Refused(Refusal::TooLarge(self.incoming.file_name.clone())));
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).map_err(CheckError::Io)
    }

    /// Flushes and syncs the file.
    ///
    /// # Errors
    /// I/O failure.
    pub fn finish(mut self) -> std::io::Result<Incoming> {
        self.file.flush()?;
        self.file.get_ref().sync_all()?;
        self.incoming.sha256 = hex::encode(self.hasher.finalize_reset());
        Ok(self.incoming)
    }
}

/// The last path component, without control characters, at most 100 characters: it is
/// only ever shown to staff and offered as a download name.
#[must_use]
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(100).collect();
    if name.trim().is_empty() { "证据材料".to_owned() } else { name.trim().to_owned() }
}

#[cfg(test)]
pub(crate) mod samples {
    //! Minimal files of each kind, for tests here and in the integration suite.

    /// A compound file (Office 97–2003 layout) holding streams with the given paths, each
    /// starting with the Word file-information-block signature where it is `WordDocument`.
    #[must_use]
    pub fn compound_with(streams: &[&str]) -> Vec<u8> {
        use std::io::Write as _;
        let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("in memory");
        for path in streams {
            if let Some((parent, _)) = path.rsplit_once('/')
                && !parent.is_empty()
            {
                file.create_storage_all(parent).expect("storage");
            }
            let mut stream = file.create_stream(path).expect("stream");
            let body: &[u8] = if path.ends_with("WordDocument") { &[0xEC, 0xA5, 0xC1, 0x00] } else { b"\x09\x08" };
            stream.write_all(body).expect("write");
        }
        file.flush().expect("flush");
        file.into_inner().into_inner()
    }

    /// A zip archive holding empty files with the given names (stored, no compression).
    #[must_use]
    pub fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = u32::try_from(out.len()).unwrap_or_default();
            let n = u16::try_from(name.len()).unwrap_or_default();
            out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
            central.extend_from_slice(&n.to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let dir_start = u32::try_from(out.len()).unwrap_or_default();
        let dir_size = u32::try_from(central.len()).unwrap_or_default();
        let count = u16::try_from(names.len()).unwrap_or_default();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&dir_size.to_le_bytes());
        out.extend_from_slice(&dir_start.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::samples::zip_with;
    use super::*;

    #[test]
    fn each_accepted_kind_is_recognised_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n1 0 obj\n%%EOF\n"), Some(Kind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0"), Some(Kind::Png));
        let docx = zip_with(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        assert_eq!(sniff(&docx), Some(Kind::Docx));
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff(&xlsx), Some(Kind::Xlsx));
    }

    #[test]
    fn the_formats_people_actually_have_are_recognised_by_content() {
        let heic = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/evidence/photo.heic")).unwrap();
        assert_eq!(sniff(&heic), Some(Kind::Heic), "a photo as an iPhone saves it");
        let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/evidence/data.xls")).unwrap();
        assert_eq!(sniff(&xls), Some(Kind::Xls));
        let ofd = zip_with(&["OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"]);
        assert_eq!(sniff(&ofd), Some(Kind::Ofd));
        assert_eq!(sniff(&samples::compound_with(&["/WordDocument", "/1Table"])), Some(Kind::Doc));
        assert_eq!(sniff(&samples::compound_with(&["/Book"])), Some(Kind::Xls), "Excel 5 and ET workbooks");
        assert_eq!(sniff(&samples::compound_with(&["/Contents"])), None, "a compound file of another kind");
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(sniff(avif), None, "AVIF is not taken for HEIC");
        assert!(has_macros(&samples::compound_with(&["/WordDocument", "/Macros/VBA/dir"])));
        assert!(!has_macros(&samples::compound_with(&["/WordDocument", "/1Table"])));
    }

    #[test]
    fn lookalikes_are_refused() {
        assert_eq!(sniff(b"MZ\x90\0 this is an exe named report.pdf"), None);
        assert_eq!(sniff(b"%PDF-1.7 but cut off"), None, "no end marker");
        assert_eq!(sniff(&zip_with(&["payload.js"])), None, "a plain zip is not an office file");
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(sniff(&docx[..docx.len() - 30]), None, "truncated archive");
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn file_names_lose_their_paths_and_tricks() {
        assert_eq!(clean_file_name("C:\\Users\\x\\证据.pdf"), "证据.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b<c>.png"), "abc.png");
        assert_eq!(clean_file_name("   "), "证据材料");
    }

    #[test]
    fn storage_keys_cannot_climb_out() {
        let store = Store::new(Path::new("/data"));
        assert!(store.path_of("../secret").is_none());
        assert!(store.path_of(".hidden").is_none());
        assert_eq!(store.path_of("0190abc.pdf"), Some(PathBuf::from("/data/attachments/0190abc.pdf")));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_while_it_arrives() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut r = store.begin("big.pdf").unwrap();
        let chunk = vec![0u8; 1024 * 1024];
        for _ in 0..10 {
            r.write(&chunk).unwrap();
        }
        assert!(matches!(r.write(&[0]), Err(CheckError::Refused(Refusal::TooLarge(_)))));
    }
}
