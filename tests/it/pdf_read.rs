//! Reading generated PDFs back in Rust (hayro, already in the tree through the report renderer),
//! so `cargo test` needs no PDF tools on the machine: the text a reader would copy, the page
//! sizes, and each page rasterised in grey for the QR decoder.
use hayro::hayro_interpret::font::Glyph;
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::hayro_syntax::Pdf;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings, Paint,
    PathDrawMode, SoftMask, interpret_page,
};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings, render};
use kurbo::{Affine, BezPath, Rect};

fn open(pdf: &[u8]) -> Pdf {
    Pdf::new(pdf.to_vec()).expect("a readable PDF")
}

/// Collects the Unicode text of every glyph drawn.
#[derive(Default)]
struct TextDevice {
    text: String,
}

impl<'a> Device<'a> for TextDevice {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(&mut self, glyph: &Glyph<'a>, _: Affine, _: Affine, _: &Paint<'a>, _: &GlyphDrawMode) {
        match glyph.as_unicode() {
            Some(BfString::Char(c)) => self.text.push(c),
            Some(BfString::String(s)) => self.text.push_str(&s),
            None => {}
        }
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// The text of every page, pages separated by a form feed.
pub fn text(pdf: &[u8]) -> String {
    let pdf = open(pdf);
    let cache = InterpreterCache::new();
    let mut pages = Vec::new();
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        let bbox = Rect::new(0.0, 0.0, f64::from(w), f64::from(h));
        let mut context = Context::new(Affine::IDENTITY, bbox, &cache, page.xref(), InterpreterSettings::default());
        let mut device = TextDevice::default();
        interpret_page(page, &mut context, &mut device);
        pages.push(device.text);
    }
    pages.join("\u{c}")
}

/// Each page's size in points.
pub fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    open(pdf).pages().iter().map(hayro::hayro_interpret::hayro_syntax::page::Page::render_dimensions).collect()
}

/// Each page rendered at `dpi` on white, as (width, height, grey pixels row by row).
pub fn grey_pages(pdf: &[u8], dpi: f32) -> Vec<(usize, usize, Vec<u8>)> {
    let pdf = open(pdf);
    let cache = RenderCache::new();
    let scale = dpi / 72.0;
    let settings = RenderSettings { x_scale: scale, y_scale: scale, bg_color: WHITE, ..RenderSettings::default() };
    pdf.pages()
        .iter()
        .map(|page| {
            let pixmap = render(page, &cache, &InterpreterSettings::default(), &settings);
            let (w, h) = (usize::from(pixmap.width()), usize::from(pixmap.height()));
            let grey = pixmap
                .data_as_u8_slice()
                .chunks_exact(4)
                .map(|px| u8::try_from((u16::from(px[0]) * 3 + u16::from(px[1]) * 6 + u16::from(px[2])) / 10).unwrap())
                .collect();
            (w, h, grey)
        })
        .collect()
}
