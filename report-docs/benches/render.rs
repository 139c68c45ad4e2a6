//! How long a report takes: the one-time warm-up (font load and a first layout), then a
//! 50-project report as PDF, Word and long image (PNG), and a submission package of five forms;
//! with a directory argument it also writes one of each there.
//!
//! Run with `cargo bench -p report-docs --bench render` (release profile). Exits non-zero when
//! the median PDF takes 300 ms or more, the budget for generating a report on request.
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use report_docs::{
    Channels, Level, ObjectionCounts, Outcome, ProjectEntry, ReportDocument, SubmissionPackage, Verification,
    render_docx, render_package_pdf, render_pdf, render_report_png, warm_up,
};

const PROJECTS: u32 = 50;
const RUNS: usize = 20;
const BUDGET: Duration = Duration::from_millis(300);

fn main() {
    let start = Instant::now();
    if let Err(e) = warm_up() {
        eprintln!("warm-up failed: {e}");
        std::process::exit(1);
    }
    let warm = start.elapsed();

    let first_doc = report(0);
    let start = Instant::now();
    let first = render_pdf(&first_doc).map(|pdf| pdf.len());
    let first_time = start.elapsed();

    // Each run changes the data so no render is served from typst's cache of the previous one.
    let pdf = measure(|i| render_pdf(&report(i)).map(|b| b.len()));
    let docx = measure(|i| render_docx(&report(i)).map(|b| b.len()));
    let png = measure(|i| render_report_png(&report(i)).map(|b| b.len()));
    // A unit's submission package: five 登记表 (the usual limit toward the province), the summary
    // table and a report, joined into one PDF.
    let package = measure(|i| {
        // Every part differs from the last run's, so none is laid out from typst's cache.
        let mut p = SubmissionPackage::sample(5);
        for f in &mut p.forms {
            f.name = format!("{}（第{i}批）", f.name);
        }
        for r in &mut p.reports {
            r.title = format!("{}（第{i}批）", r.title);
        }
        p.summary.made_on = format!("2025年3月{}日", i % 28 + 1);
        render_package_pdf(&p).map(|b| b.len())
    });
    // `cargo bench` adds `--bench`; the first other argument is where samples go.
    if let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        let doc = report(0);
        for (name, made) in [
            ("report.pdf", render_pdf(&doc)),
            ("report.docx", render_docx(&doc)),
            ("report.png", render_report_png(&doc)),
            ("package.pdf", render_package_pdf(&SubmissionPackage::sample(5))),
        ] {
            let written = made
                .map_err(|e| e.to_string())
                .and_then(|b| std::fs::write(format!("{dir}/{name}"), b).map_err(|e| e.to_string()));
            if let Err(e) = written {
                eprintln!("{name}: {e}");
                std::process::exit(1);
            }
        }
    }

    println!("one-time warm_up (font, library, one small layout): {:>7.1} ms", ms(warm));
    println!("first 50-project PDF after it: {:>28.1} ms, {} bytes", ms(first_time), first.unwrap_or(0));
    report_line("PDF, 50 projects", &pdf);
    report_line("DOCX, 50 projects", &docx);
    report_line("long PNG, 50 projects", &png);
    report_line("submission package, 5 forms", &package);
    let median = pdf.times[pdf.times.len() / 2];
    if median >= BUDGET {
        eprintln!("median PDF time {:.1} ms is over the {} ms budget", ms(median), BUDGET.as_millis());
        std::process::exit(1);
    }
}

struct Sample {
    times: Vec<Duration>,
    bytes: usize,
}

fn measure(mut render: impl FnMut(usize) -> Result<usize, report_docs::Error>) -> Sample {
    let mut times = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for i in 1..=RUNS {
        let start = Instant::now();
        match render(i) {
            Ok(size) => bytes = size,
            Err(e) => {
                eprintln!("render failed: {e}");
                std::process::exit(1);
            }
        }
        times.push(start.elapsed());
    }
    times.sort();
    Sample { times, bytes }
}

fn report_line(label: &str, s: &Sample) {
    let mean = s.times.iter().sum::<Duration>() / u32::try_from(s.times.len()).unwrap_or(1);
    println!(
        "{label:<31} min {:>7.1} ms, median {:>7.1} ms, mean {:>7.1} ms, max {:>7.1} ms, {} bytes ({} runs)",
        ms(s.times[0]),
        ms(s.times[s.times.len() / 2]),
        ms(mean),
        ms(s.times[s.times.len() - 1]),
        s.bytes,
        s.times.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn report(run: usize) -> ReportDocument {
    let projects = (1..=PROJECTS)
        .map(|i| ProjectEntry {
            order: i,
            name: format!("第{run}批基于数字孪生的第{i}代输电线路智能巡检与缺陷诊断系统"),
            units: vec![
                format!("国网甘肃省电力公司武威供电公司第{i}运维班"),
                "甘肃省交通规划勘察设计院股份有限公司".into(),
            ],
            completers: vec!["王建国".into(), "李秀英".into(), format!("赵{i}强"), "陈静".into(), "刘䶮".into()],
            proposed_grade: None,
            outcome: if i % 9 == 4 { Outcome::ObjectionDismissed } else { Outcome::NoObjection },
            handling_summary: (i % 9 == 4).then(|| "经调取原始记录并听取完成单位说明，异议不成立。".into()),
        })
        .collect();
    ReportDocument {
        title: "关于《甘肃省2025年度职工技术创新成果推荐公示》公示结果的报告".into(),
        notice_title: "甘肃省2025年度职工技术创新成果推荐公示".into(),
        notice_number: Some("甘总工办发〔2025〕8号".into()),
        level: Level { number: 2, name: "推荐单位公示".into() },
        period: "2025年3月10日至2025年3月14日".into(),
        channels: Channels {
            board_location: Some("办公楼一楼公示栏".into()),
            web_address: Some("https://gongshi.example.org/notices/12".into()),
            media: vec![],
        },
        projects,
        objection_counts: ObjectionCounts { received: 6, accepted: 6, dismissed: 6, ..ObjectionCounts::default() },
        objections: vec![],
        conclusion: "经公示，所列项目公示无异议或异议经核查不成立，同意推荐。".into(),
        unit_name: "甘肃省总工会".into(),
        issued_on: NaiveDate::from_ymd_opt(2025, 4, 8).unwrap_or_default(),
        verification: Verification {
            code: format!("BENCH{run:04}"),
            sha256: "0".repeat(64),
            url: format!("https://gongshi.example.org/reports/BENCH{run:04}"),
        },
    }
}
