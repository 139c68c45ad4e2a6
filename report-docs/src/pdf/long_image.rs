//! The long image (长图) of a notice or a report: typst sets it as one tall page 360pt wide and
//! typst's own rasteriser draws that page at 3 pixels per point, so the image is 1080 px wide,
//! the width WeChat shows full-screen. Grey, since the notice is black on white: a third of the
//! bytes of colour.
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point, Size};
use typst::utils::Scalar;
use typst_layout::{Page, PagedDocument};
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
///
/// A long image is tens of millions of pixels, most of the time spent drawing glyphs: the page is
/// cut into horizontal bands drawn at once on separate threads, each band given only the items
/// that reach into it, and the bands are stacked.
fn rasterise(document: &PagedDocument) -> Result<(u32, u32, Vec<u8>), Error> {
    rasterise_in(document, None)
}

/// As [`rasterise`], in `bands` bands when given, else as many as the image and the cores allow.
fn rasterise_in(document: &PagedDocument, bands: Option<u32>) -> Result<(u32, u32, Vec<u8>), Error> {
    let page = document.pages().first().ok_or_else(|| Error::Image("没有页面".to_owned()))?;
    let size = page.frame.size();
    let (w, h) = (size.x.to_pt(), size.y.to_pt());
    let scale = SCALE.min(MAX_SIDE / h.max(1.0)).min(MAX_SIDE / w.max(1.0));
    let width = pixels(w * scale);
    let height = pixels(h * scale);
    let bands = bands.unwrap_or_else(|| band_count(height)).clamp(1, height);
    let rows_per_band = height.div_ceil(bands);
    let drawn: Vec<Vec<u8>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..bands)
            .map(|i| {
                let top = i * rows_per_band;
                let rows = rows_per_band.min(height - top);
                scope.spawn(move || draw_band(page, scale, width, top, rows))
            })
            .collect();
        handles.into_iter().map(|h| h.join().map_err(|_| Error::Image("绘制线程失败".to_owned()))).collect::<Vec<_>>()
    })
    .into_iter()
    .collect::<Result<_, _>>()?;
    Ok((width, height, drawn.concat()))
}

/// Rows below which one band is drawn: splitting a short image costs more than it saves.
const MIN_BAND_ROWS: u32 = 1500;

fn band_count(height: u32) -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let cores = u32::try_from(cores).unwrap_or(1).min(8);
    (height / MIN_BAND_ROWS).clamp(1, cores)
}

/// Pixels for a length in device pixels, rounded as typst-render rounds the canvas.
fn pixels(length: f64) -> u32 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "lengths are positive and at most MAX_SIDE pixels"
    )]
    let px = length.round().max(1.0) as u32;
    px
}

/// Draws rows `top .. top + rows` of the page, `width` pixels wide, as grey pixels.
fn draw_band(page: &Page, scale: f64, width: u32, top: u32, rows: u32) -> Vec<u8> {
    let from = Abs::pt(f64::from(top) / scale);
    let to = Abs::pt(f64::from(top + rows) / scale);
    let mut frame = Frame::hard(Size::new(page.frame.width(), to - from));
    frame.push_frame(Point::with_y(-from), culled(&page.frame, from, to));
    let band = Page { frame, ..page.clone() };
    let options = RenderOptions { pixel_per_pt: Scalar::new(scale), render_bleed: false };
    let pixmap = typst_render::render(&band, &options);
    // The templates draw in greys only (black, luma() greys, white) on an opaque page, so any
    // one channel is the grey: taking green skips a weighted sum over millions of pixels.
    let wanted = width as usize * rows as usize;
    let mut grey: Vec<u8> = pixmap.data().iter().skip(1).step_by(4).copied().take(wanted).collect();
    grey.resize(wanted, 255);
    grey
}

/// How far beyond its position an item may draw: a glyph's ascent above the baseline, a
/// stroke's half width. Generous, since a kept item costs little and a dropped one is a hole.
const REACH_PT: f64 = 24.0;

/// `frame` with only the items that may draw between `from` and `to` (its own coordinates).
fn culled(frame: &Frame, from: Abs, to: Abs) -> Frame {
    let reach = Abs::pt(REACH_PT);
    let mut out = Frame::new(frame.size(), frame.kind());
    for (pos, item) in frame.items() {
        let (top, bottom) = match item {
            FrameItem::Group(group) if group.transform.is_identity() => {
                if pos.y + group.frame.height() + reach < from || pos.y - reach > to {
                    continue;
                }
                let inner = culled(&group.frame, from - pos.y, to - pos.y);
                out.push(*pos, FrameItem::Group(GroupItem { frame: inner, ..group.clone() }));
                continue;
            }
            FrameItem::Text(text) => (pos.y - text.size * 2.0, pos.y + text.size),
            FrameItem::Shape(shape, _) => {
                let bbox = shape.bbox(true);
                (pos.y + bbox.min.y, pos.y + bbox.max.y)
            }
            FrameItem::Image(_, size, _) => (pos.y, pos.y + size.y),
            FrameItem::Group(_) | FrameItem::Link(..) | FrameItem::Tag(_) => {
                out.push(*pos, item.clone());
                continue;
            }
        };
        if bottom + reach >= from && top - reach <= to {
            out.push(*pos, item.clone());
        }
    }
    out
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

    /// Drawing in bands on several threads gives the image drawing it whole gives: no item is
    /// lost at a band's edge (text cut across a boundary, a rule, the QR code).
    #[test]
    fn bands_stack_into_the_same_image_as_one_drawing() {
        let doc = PosterDocument::sample(1, 6);
        let data = PosterData::new(&doc, Paper::A4).to_json().unwrap_or_default();
        let qr = try_qr_svg(&doc.url).unwrap_or_default();
        let document = typeset(Template::Long, data, qr).unwrap_or_else(|e| panic!("{e}"));
        let (w, h, whole) = rasterise_in(&document, Some(1)).unwrap_or_else(|e| panic!("{e}"));
        for bands in [2, 3, 7] {
            let (bw, bh, banded) = rasterise_in(&document, Some(bands)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((bw, bh), (w, h));
            let differing = whole.iter().zip(&banded).filter(|(a, b)| a.abs_diff(**b) > 16).count();
            assert!(differing * 100_000 < whole.len(), "{bands} bands: {differing} of {} pixels differ", whole.len());
        }
    }
}
