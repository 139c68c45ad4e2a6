//! Reading documents back the way a reader's tools would: poppler for PDFs, a real QR decoder
//! for codes.
use std::process::Command;

/// Runs a poppler tool on `pdf` and returns what it printed.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write pdf: {e}"));
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("{tool} did not run ({e}): install poppler-utils (listed in .ci/packages)"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `pdfinfo` and `pdffonts` take no output argument.
pub fn poppler_info(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write pdf: {e}"));
    let output = Command::new(tool)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{tool} did not run ({e}): install poppler-utils (listed in .ci/packages)"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The text in content-stream order (`-raw`), so each table cell's lines stay together.
pub fn pdf_text(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-raw", "-enc", "UTF-8"], pdf)
}

/// One page's text (1-based).
pub fn page_text(pdf: &[u8], page: usize) -> String {
    let page = page.to_string();
    poppler("pdftotext", &["-raw", "-enc", "UTF-8", "-f", &page, "-l", &page], pdf)
}

/// Every page's size line as pdfinfo prints it, e.g. `595.28 x 841.89 pts (A4)`.
pub fn page_sizes(pdf: &[u8]) -> Vec<String> {
    let count = page_count(pdf).to_string();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write pdf: {e}"));
    let output = Command::new("pdfinfo")
        .args(["-f", "1", "-l", &count])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo did not run ({e}): install poppler-utils"));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .map(|l| l.split_once("size:").map_or("", |(_, s)| s).trim().to_owned())
        .collect()
}

pub fn page_count(pdf: &[u8]) -> usize {
    let info = poppler_info("pdfinfo", pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo output:\n{info}"))
}

/// A grey image: width, height, one byte per pixel.
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Rasterises one page at `dpi` with pdftoppm, as a printer or a phone camera would see it.
pub fn page_image(pdf: &[u8], page: usize, dpi: u32) -> Gray {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap_or_else(|e| panic!("write pdf: {e}"));
    let prefix = dir.path().join("page");
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", &dpi.to_string(), "-f", &page, "-l", &page, "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .unwrap_or_else(|e| panic!("pdftoppm did not run ({e}): install poppler-utils"));
    assert!(status.success(), "pdftoppm failed");
    parse_pgm(&std::fs::read(prefix.with_extension("pgm")).unwrap_or_else(|e| panic!("read pgm: {e}")))
}

/// Binary PGM (P5) as pdftoppm writes it: header of four tokens, then the pixels.
fn parse_pgm(bytes: &[u8]) -> Gray {
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..pos]).into_owned());
    }
    assert_eq!(fields[0], "P5", "not a binary PGM");
    let width: usize = fields[1].parse().unwrap_or(0);
    let height: usize = fields[2].parse().unwrap_or(0);
    let pixels = bytes[pos + 1..].to_vec();
    assert_eq!(pixels.len(), width * height, "PGM size");
    Gray { width, height, pixels }
}

/// Every QR code found in the image, decoded.
pub fn decode_qr(image: &Gray) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(image.width, image.height, |x, y| {
        image.pixels[y * image.width + x]
    });
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, content)| content).collect()
}

/// Draws the SVG the `qrcode` crate writes (a white rect, then one path of `M x yh w v h H x V y`
/// squares) at one pixel per unit, so the decoder sees exactly what a browser would paint.
pub fn rasterise_qr_svg(svg: &str) -> Gray {
    let attr = |name: &str| -> usize {
        let key = format!(" {name}=\"");
        let start = svg.find(&key).unwrap_or_else(|| panic!("no {name} in svg")) + key.len();
        svg[start..].split('"').next().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("bad {name}"))
    };
    let (width, height) = (attr("width"), attr("height"));
    let mut pixels = vec![255u8; width * height];
    let path_start = svg.find(" d=\"").unwrap_or_else(|| panic!("no path in svg")) + 4;
    let path = svg[path_start..].split('"').next().unwrap_or_default();
    for square in path.split('M').filter(|s| !s.is_empty()) {
        let nums: Vec<usize> = square
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        let (x, y, w, h) = (nums[0], nums[1], nums[2], nums[3]);
        for row in y..y + h {
            for col in x..x + w {
                pixels[row * width + col] = 0;
            }
        }
    }
    Gray { width, height, pixels }
}

/// Decodes a PNG (as embedded in the Word file) to grey pixels.
pub fn png_gray(bytes: &[u8]) -> Gray {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("png: {e}"));
    let size = reader.output_buffer_size().unwrap_or(0);
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("png frame: {e}"));
    assert_eq!(info.color_type, png::ColorType::Grayscale, "QR PNG should be grey");
    buf.truncate(info.buffer_size());
    Gray { width: info.width as usize, height: info.height as usize, pixels: buf }
}
