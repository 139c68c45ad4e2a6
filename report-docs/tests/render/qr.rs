//! The shared QR code, decoded by a real decoder rather than compared with itself.
use report_docs::qr_svg;

use crate::sample::URL;
use crate::tools::{decode_qr, rasterise_qr_svg};

#[test]
fn the_svg_qr_code_decodes_to_the_url() {
    let svg = qr_svg(URL);
    assert!(svg.contains("<svg") && svg.contains("viewBox"));
    assert_eq!(decode_qr(&rasterise_qr_svg(&svg)), vec![URL.to_owned()]);
}

#[test]
fn different_urls_give_codes_that_decode_differently() {
    let other = "https://gongshi.example.org/reports/ZZZZ0000";
    assert_eq!(decode_qr(&rasterise_qr_svg(&qr_svg(other))), vec![other.to_owned()]);
    assert_ne!(qr_svg(other), qr_svg(URL));
}
