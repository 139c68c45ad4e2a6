//! The A4 board poster (张榜): the notice in print layout with a QR code, made here as inline
//! SVG so nothing is fetched from elsewhere.
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline SVG QR code for `url` (error correction M, four-module quiet zone), or an empty
/// string for data too long to encode (the URL is printed beside it in any case).
#[must_use]
pub fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else { return String::new() };
    let image = code.render::<svg::Color<'_>>().module_dimensions(1, 1).quiet_zone(true).build();
    // Inline in HTML: drop the XML declaration, make it scale and give it a name.
    let image = image.trim_start_matches(r#"<?xml version="1.0" standalone="yes"?>"#);
    image.replacen("<svg ", &format!(r#"<svg class="qr" role="img" aria-label="二维码：{}" "#, escape_attr(url)), 1)
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The dark modules of a QR SVG made by [`qr_svg`], read back from its path: (width, dark
/// cells as (x, y)). Tests use it to prove the picture encodes the URL.
#[must_use]
pub fn modules_of_svg(svg: &str) -> Option<(u32, Vec<(u32, u32)>)> {
    let width: u32 = svg.split(r#"width=""#).nth(1)?.split('"').next()?.parse().ok()?;
    let d = svg.split(r#" d=""#).nth(1)?.split('"').next()?;
    let mut cells = Vec::new();
    // Each module is drawn as "M{x} {y}h{w}v{h}H{x}V{y}".
    for part in d.split('M').filter(|p| !p.is_empty()) {
        let (xy, rest) = part.split_once('h')?;
        let (x, y) = xy.split_once(' ')?;
        let w: u32 = rest.split('v').next()?.parse().ok()?;
        let (x, y): (u32, u32) = (x.parse().ok()?, y.parse().ok()?);
        for dx in 0..w {
            cells.push((x + dx, y));
        }
    }
    Some((width, cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_modules_are_exactly_the_code_for_the_url() {
        let url = "https://gongshi.example.cn/notices/12";
        let svg = qr_svg(url);
        assert!(svg.starts_with("<svg class=\"qr\""), "{svg}");
        let (width, dark) = modules_of_svg(&svg).unwrap();
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let n = u32::try_from(code.width()).unwrap();
        assert_eq!(width, n + 8, "four modules of quiet zone each side");
        let expected: Vec<(u32, u32)> = code
            .to_colors()
            .iter()
            .enumerate()
            .filter(|(_, c)| **c == qrcode::Color::Dark)
            .map(|(i, _)| (u32::try_from(i).unwrap() % n + 4, u32::try_from(i).unwrap() / n + 4))
            .collect();
        let mut dark = dark;
        dark.sort_by_key(|(x, y)| (*y, *x));
        assert_eq!(dark, expected);
        let other = modules_of_svg(&qr_svg("https://gongshi.example.cn/notices/13")).unwrap().1;
        assert_ne!(other.len(), 0);
        assert_ne!(dark, {
            let mut o = other;
            o.sort_by_key(|(x, y)| (*y, *x));
            o
        });
    }
}
