//! The verification QR code: SVG for the PDF and the web pages, PNG for the Word file.
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

use crate::Error;

/// Light modules around the code; the QR standard asks for four.
const QUIET_ZONE: usize = 4;
/// Pixels per module in the PNG: sharp when Word scales it to about 3 cm.
const PNG_MODULE_PX: usize = 8;

/// The QR code for `url` as an SVG element (black on white, with its quiet zone, a `viewBox`
/// so it scales to any size), usable inline in HTML or served as `image/svg+xml`.
///
/// A verify URL is short; should one ever exceed what a QR code holds (about 2,300 bytes at
/// this error-correction level), the result is an empty white square rather than a panic. Use
/// [`try_qr_svg`] to be told instead.
#[must_use]
pub fn qr_svg(url: &str) -> String {
    try_qr_svg(url).unwrap_or_else(|_| {
        r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="256" height="256" viewBox="0 0 256 256"><rect width="256" height="256" fill="#fff"/></svg>"##.to_owned()
    })
}

/// Like [`qr_svg`], but says when the URL does not fit in a QR code.
///
/// # Errors
/// [`Error::Qr`] when `url` is too long to encode.
pub fn try_qr_svg(url: &str) -> Result<String, Error> {
    let code = encode(url)?;
    let svg = code
        .render::<svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // Without the XML declaration the same string can be inlined in an HTML page as it is.
    Ok(svg.trim_start_matches(XML_DECLARATION).to_owned())
}

const XML_DECLARATION: &str = r#"<?xml version="1.0" standalone="yes"?>"#;

/// The QR code as a black-and-white PNG, with its width in pixels (it is square).
///
/// # Errors
/// [`Error::Qr`] when `url` is too long to encode or the image cannot be written.
pub fn qr_png(url: &str) -> Result<(Vec<u8>, u32), Error> {
    let code = encode(url)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_MODULE_PX;
    let dark_at = |x: usize, y: usize| {
        let (mx, my) = (x / PNG_MODULE_PX, y / PNG_MODULE_PX);
        if mx < QUIET_ZONE || my < QUIET_ZONE || mx >= modules + QUIET_ZONE || my >= modules + QUIET_ZONE {
            return false;
        }
        colors[(my - QUIET_ZONE) * modules + (mx - QUIET_ZONE)] == Color::Dark
    };
    let pixels: Vec<u8> = (0..side)
        .flat_map(|y| (0..side).map(move |x| (x, y)))
        .map(|(x, y)| if dark_at(x, y) { 0 } else { 255 })
        .collect();
    let side_u32 = u32::try_from(side).map_err(|_| Error::Qr("二维码尺寸过大".into()))?;
    Ok((encode_png(&pixels, side_u32)?, side_u32))
}

fn encode(url: &str) -> Result<QrCode, Error> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
        .map_err(|e| Error::Qr(format!("核验地址无法编码为二维码：{e}")))
}

fn encode_png(gray: &[u8], side: u32) -> Result<Vec<u8>, Error> {
    grey_png(gray, side, side, png::Compression::Balanced).map_err(|e| Error::Qr(format!("二维码图片生成失败：{e}")))
}

/// Grey pixels, row by row, as an 8-bit greyscale PNG (the QR code, the long images).
pub(crate) fn grey_png(
    grey: &[u8],
    width: u32,
    height: u32,
    compression: png::Compression,
) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(compression);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(grey)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlong_url_gives_an_error_not_a_panic() {
        let url = "x".repeat(5000);
        assert!(try_qr_svg(&url).is_err());
        assert!(qr_svg(&url).starts_with("<svg"));
    }

    #[test]
    fn the_svg_starts_with_its_element_so_it_can_be_inlined() {
        assert!(qr_svg("https://example.org/reports/AB12CD34").starts_with("<svg xmlns="));
    }

    #[test]
    fn the_png_is_a_square_with_a_quiet_zone() {
        let (png, side) = qr_png("https://example.org/reports/AB12CD34").unwrap_or_default();
        assert!(png.starts_with(b"\x89PNG"));
        assert_eq!(side as usize % PNG_MODULE_PX, 0);
    }
}
