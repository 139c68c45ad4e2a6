//! Writes sample notice posters and times the 50-project level-2 one, as `report-docs` renders
//! it for `/notices/{id}/poster.pdf`:
//!
//! ```text
//! cargo run --example poster_pdf_bench -- /tmp
//! ```
//!
//! writes `poster-l{1,2,3}-{a4,a4l,a3}.pdf` (level 1 with 2 projects, levels 2 and 3 with 10) and
//! `poster-l2-50.pdf`,
//! then renders a 50-project level-2 poster 20 times after a warm-up, each with different data,
//! and prints the median, minimum and maximum, saying whether the build was debug or release.
use std::time::{Duration, Instant};

use report_docs::{Paper, PosterDocument, render_poster_pdf, warm_up};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp".to_owned());
    for (level, n) in [(1, 2), (2, 10), (3, 10)] {
        for paper in Paper::ALL {
            let pdf = render_poster_pdf(&PosterDocument::sample(level, n), paper)?;
            let path = format!("{dir}/poster-l{level}-{}.pdf", paper.code());
            std::fs::write(&path, pdf)?;
            println!("{path}");
        }
    }
    let fifty = render_poster_pdf(&PosterDocument::sample(2, 50), Paper::A4)?;
    std::fs::write(format!("{dir}/poster-l2-50.pdf"), &fifty)?;
    println!("{dir}/poster-l2-50.pdf: {} bytes", fifty.len());
    warm_up()?;
    let mut times: Vec<Duration> = (0..20)
        .map(|i| {
            let mut doc = PosterDocument::sample(2, 50);
            doc.title = format!("{}（{i}）", doc.title);
            let start = Instant::now();
            let pdf = render_poster_pdf(&doc, Paper::A4).expect("renders");
            let took = start.elapsed();
            assert!(!pdf.is_empty());
            took
        })
        .collect();
    times.sort();
    println!(
        "50-project level-2 poster, A4: median {:?}, min {:?}, max {:?} ({} build)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    Ok(())
}
