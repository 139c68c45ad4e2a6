//! Writes sample notice documents and times the 50-project level-2 notice in each format, as
//! `report-docs` renders them for `/notices/{id}/poster.pdf`, `/notices/{id}.docx` and
//! `/notices/{id}.png`:
//!
//! ```text
//! cargo bench -p report-docs --bench notice_documents -- /tmp
//! ```
//!
//! writes `poster-l{1,2,3}-{a4,a4l,a3}.pdf` (level 1 with 2 projects, levels 2 and 3 with 10),
//! `notice-l{1,2,3}.docx` and `notice-l{1,2,3}.png`, and the 50-project files; then renders the
//! 50-project level-2 notice 20 times per format after a warm-up, each with different data, and
//! prints the median, minimum and maximum, saying whether the build was debug or release.
use std::time::{Duration, Instant};

use report_docs::{Paper, PosterDocument, render_long_png, render_poster_docx, render_poster_pdf, warm_up};

type Render = fn(&PosterDocument) -> Result<Vec<u8>, report_docs::Error>;

const FORMATS: [(&str, Render); 3] = [
    ("poster PDF (A4)", |d| render_poster_pdf(d, Paper::A4)),
    ("Word file", |d| render_poster_docx(d, Paper::A4)),
    ("long image (PNG)", render_long_png),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` adds `--bench`; the first other argument is where the samples go.
    let dir = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_else(|| "/tmp".to_owned());
    for (level, n) in [(1, 2), (2, 10), (3, 10)] {
        let doc = PosterDocument::sample(level, n);
        for paper in Paper::ALL {
            write(&format!("{dir}/poster-l{level}-{}.pdf", paper.code()), &render_poster_pdf(&doc, paper)?)?;
        }
        write(&format!("{dir}/notice-l{level}.docx"), &render_poster_docx(&doc, Paper::A4)?)?;
        write(&format!("{dir}/notice-l{level}.png"), &render_long_png(&doc)?)?;
    }
    let fifty = PosterDocument::sample(2, 50);
    write(&format!("{dir}/poster-l2-50.pdf"), &render_poster_pdf(&fifty, Paper::A4)?)?;
    write(&format!("{dir}/notice-l2-50.docx"), &render_poster_docx(&fifty, Paper::A4)?)?;
    write(&format!("{dir}/notice-l2-50.png"), &render_long_png(&fifty)?)?;
    warm_up()?;
    let build = if cfg!(debug_assertions) { "debug" } else { "release" };
    for (name, render) in FORMATS {
        render(&fifty)?;
        let mut times: Vec<Duration> = (0..20)
            .map(|i| {
                let mut doc = PosterDocument::sample(2, 50);
                doc.title = format!("{}（{i}）", doc.title);
                let start = Instant::now();
                let bytes = render(&doc).expect("renders");
                let took = start.elapsed();
                assert!(!bytes.is_empty());
                took
            })
            .collect();
        times.sort();
        println!(
            "50-project level-2 notice, {name}: median {:?}, min {:?}, max {:?} ({build} build)",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1],
        );
    }
    Ok(())
}

fn write(path: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)?;
    println!("{path}: {} bytes", bytes.len());
    Ok(())
}
