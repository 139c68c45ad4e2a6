//! The long image (长图) of a notice or a report: typst sets it as one tall page 360pt wide and
//! typst's own rasteriser draws that page at 3 pixels per point, so the image is 1080 px wide,
//! the width WeChat shows full-screen. Grey, since the notice is black on white: a third of the
//! bytes of colour.
use typst::utils::Scalar;
use typst_layout::PagedDocument;
use typst_render::RenderOptions;

use super::world::Template;
use super::{PosterData, typeset};
use crate::poster::{Paper, PosterDocument};
use crate::qr::{grey_png, try_qr_svg};
use crate::view::ReportView;
use crate::{Error, ReportDocument};

/// Pixels per point: 360pt × 3 = 1080 px.
const SCALE: f64 = 3.0;
/// The longest side drawn: what image viewers and PNG decoders commonly accept.
const MAX_SIDE: f64 = 65_535.0;

/// Renders the notice as one tall grey PNG, 1080 px wide: title, period, every project, how to
/// object, the unit and date, and a QR code to `doc.url` to long-press in WeChat.
///
/// A notice too long for 65,535 px at that width (hundreds of level-1 projects) is drawn narrower
/// rather than cut.
///
/// # Errors
/// [`Error::Qr`] when the URL is too long for a QR code, [`Error::Typeset`] or [`Error::Pdf`]
/// when typst rejects the document, [`Error::Image`] when the image cannot be drawn or encoded.
pub fn render_long_png(doc: &PosterDocument) -> Result<Vec<u8>, Error> {
    let data = PosterData::new(doc, Paper::A4).to_json()?;
    let qr = if doc.url.is_empty() { String::new() } else { try_qr_svg(&doc.url)? };
    long_png(Template::Long, data, qr)
}

/// Renders the 公示结果报告 as one tall grey PNG, 1080 px wide, with the report's own wording
/// (each table row as a block) and its verification QR code at the end.
///
/// # Errors
/// As [`render_long_png`].
pub fn render_report_png(doc: &ReportDocument) -> Result<Vec<u8>, Error> {
    let view = ReportView::new(doc);
    let data = serde_json::to_vec(&view).map_err(|e| Error::Data(e.to_string()))?;
    let qr = if view.verification.qr { try_qr_svg(&doc.verification.url)? } else { String::new() };
    long_png(Template::ReportLong, data, qr)
}

fn long_png(template: Template, data: Vec<u8>, qr: String) -> Result<Vec<u8>, Error> {
    let document = typeset(template, data, qr)?;
    let (width, height, grey) = rasterise(&document)?;
    encode_grey_png(&grey, width, height)
}

/// The first (only) page, drawn on white, as grey pixels row by row.
fn rasterise(document: &PagedDocument) -> Result<(u32, u32, Vec<u8>), Error> {
    let page = document.pages().first().ok_or_else(|| Error::Image("没有页面".to_owned()))?;
    let size = page.frame.size();
    let (w, h) = (size.x.to_pt(), size.y.to_pt());
    let scale = SCALE.min(MAX_SIDE / h.max(1.0)).min(MAX_SIDE / w.max(1.0));
    let options = RenderOptions { pixel_per_pt: Scalar::new(scale), render_bleed: false };
    let pixmap = typst_render::render(page, &options);
    // The templates draw in greys only (black, luma() greys, white) on an opaque page, so any
    // one channel is the grey: taking green skips a weighted sum over 20 million pixels.
    let grey = pixmap.data().iter().skip(1).step_by(4).copied().collect();
    Ok((pixmap.width(), pixmap.height(), grey))
}

fn encode_grey_png(grey: &[u8], width: u32, height: u32) -> Result<Vec<u8>, Error> {
    grey_png(grey, width, height, png::Compression::Fast).map_err(|e| Error::Image(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(png: &[u8]) -> (usize, usize, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap_or_else(|e| panic!("{e}"));
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("{e}"));
        (info.width as usize, info.height as usize, buf)
    }

    #[test]
    fn the_image_is_1080_px_wide_grows_with_the_notice_and_its_qr_code_decodes() {
        let short = render_long_png(&PosterDocument::sample(2, 2)).unwrap_or_default();
        let long = render_long_png(&PosterDocument::sample(2, 12)).unwrap_or_default();
        let (w, h_short, _) = decode(&short);
        let (w_long, h_long, grey) = decode(&long);
        assert_eq!((w, w_long), (1080, 1080));
        assert!(h_long > h_short + 10 * 150, "each project adds height: {h_short} → {h_long}");
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h_long, |x, y| grey[y * w + x]);
        let codes: Vec<String> = img.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, t)| t).collect();
        assert_eq!(codes, vec!["https://gongshi.example.cn/notices/1".to_owned()]);
    }
}
