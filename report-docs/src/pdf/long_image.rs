//! The long image (长图) of a notice or a report: typst sets it as one tall page 360pt wide, and hayro (the
//! PDF rasteriser already in typst's tree) draws that page at 3 pixels per point, so the image
//! is 1080 px wide, the width WeChat shows full-screen. Grey, since the notice is black on white:
//! a third of the bytes of colour.
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_interpret::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings, render};
use typst::foundations::Smart;
use typst_pdf::PdfOptions;

use super::world::Template;
use super::{PosterData, compile};
use crate::poster::{Paper, PosterDocument};
use crate::qr::try_qr_svg;
use crate::view::ReportView;
use crate::{Error, ReportDocument};

/// Pixels per point: 360pt × 3 = 1080 px.
const SCALE: f32 = 3.0;
/// The rasteriser's limit on either side of an image.
const MAX_SIDE: f32 = 65_535.0;

/// Renders the notice as one tall grey PNG, 1080 px wide: title, period, every project, how to
/// object, the unit and date, and a QR code to `doc.url` to long-press in WeChat.
///
/// A notice too long for 65,535 px at that width (about 20 metres of text: hundreds of level-1
/// projects) is drawn narrower rather than cut.
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
    let options = PdfOptions { creator: Smart::Custom(Some("gongshi".to_owned())), ..PdfOptions::default() };
    let pdf = compile(template, data, qr, &options)?;
    let (width, height, grey) = rasterise(pdf)?;
    encode_grey_png(&grey, width, height)
}

/// The first (only) page, drawn on white, as grey pixels row by row.
fn rasterise(pdf: Vec<u8>) -> Result<(u32, u32, Vec<u8>), Error> {
    let pdf = Pdf::new(pdf).map_err(|e| Error::Image(format!("{e:?}")))?;
    let page = pdf.pages().first().ok_or_else(|| Error::Image("没有页面".to_owned()))?;
    let (w, h) = page.render_dimensions();
    let scale = SCALE.min(MAX_SIDE / h.max(1.0)).min(MAX_SIDE / w.max(1.0));
    let settings = RenderSettings { x_scale: scale, y_scale: scale, bg_color: WHITE, ..RenderSettings::default() };
    let pixmap = render(page, &RenderCache::new(), &InterpreterSettings::default(), &settings);
    // Weighted as the eye sees brightness (ITU-R BT.601, in tenths).
    let grey = pixmap
        .data_as_u8_slice()
        .chunks_exact(4)
        .map(|px| {
            let luma = (u16::from(px[0]) * 3 + u16::from(px[1]) * 6 + u16::from(px[2])) / 10;
            u8::try_from(luma).unwrap_or(u8::MAX)
        })
        .collect();
    Ok((u32::from(pixmap.width()), u32::from(pixmap.height()), grey))
}

fn encode_grey_png(grey: &[u8], width: u32, height: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let fail = |e: png::EncodingError| Error::Image(e.to_string());
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(grey).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
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
