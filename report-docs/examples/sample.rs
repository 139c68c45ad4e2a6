//! Writes a sample report as PDF, Word and QR SVG, to look at or to open in Word, WPS and
//! LibreOffice: `cargo run -p report-docs --example sample -- [DIR] [PROJECTS]`.
use std::path::PathBuf;

use chrono::NaiveDate;
use report_docs::{
    Channels, Level, ObjectionCounts, ObjectionRecord, ObjectionResult, Outcome, ProjectEntry, ReasonCount,
    ReportDocument, Verification, qr_svg, render_docx, render_pdf,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let count: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let doc = sample(count);
    let outputs = [
        ("report.pdf", render_pdf(&doc)),
        ("report.docx", render_docx(&doc)),
        ("qr.svg", Ok(qr_svg(&doc.verification.url).into_bytes())),
    ];
    for (name, bytes) in outputs {
        let path = dir.join(name);
        match bytes.map_err(|e| e.to_string()).and_then(|b| std::fs::write(&path, b).map_err(|e| e.to_string())) {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                std::process::exit(1);
            }
        }
    }
}

fn day(m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, m, d)
}

fn sample(count: u32) -> ReportDocument {
    let names = ["高海拔地区输电线路覆冰在线监测装置", "大型离心压缩机组故障预警系统", "日光温室智能卷帘控制器"];
    let projects = (1..=count)
        .map(|i| {
            let outcome = match i {
                2 => Outcome::ObjectionDismissed,
                3 => Outcome::ObjectionUpheld,
                _ => Outcome::NoObjection,
            };
            ProjectEntry {
                order: i,
                name: names[(i as usize - 1) % names.len()].to_owned(),
                units: vec!["国网甘肃省电力公司武威供电公司".into(), "武威职业学院".into()],
                completers: vec!["王建国".into(), "刘䶮".into(), "张喆".into(), "李秀英".into()],
                proposed_grade: None,
                outcome,
                handling_summary: match outcome {
                    Outcome::NoObjection => None,
                    Outcome::ObjectionDismissed => Some("经核查完成人贡献记录，排序与实际相符。".into()),
                    Outcome::ObjectionUpheld => Some("经核查，该成果核心技术已获省级科技奖励，不予推荐。".into()),
                },
            }
        })
        .collect();
    ReportDocument {
        title: "关于《武威市2025年度职工技术创新成果推荐公示》公示结果的报告".into(),
        notice_title: "武威市2025年度职工技术创新成果推荐公示".into(),
        notice_number: Some("武工发〔2025〕7号".into()),
        level: Level { number: 2, name: "推荐单位公示".into() },
        period: "2025年3月10日至2025年3月14日".into(),
        channels: Channels {
            board_location: Some("武威市总工会办公楼一楼公示栏".into()),
            web_address: Some("https://gongshi.example.org/notices/12".into()),
            media: vec!["武威日报".into()],
        },
        projects,
        objection_counts: ObjectionCounts {
            received: 3,
            accepted: 2,
            refused: vec![ReasonCount { reason: "逾期".into(), count: 1 }],
            upheld: 1,
            dismissed: 1,
            withdrawn: 0,
        },
        objections: vec![
            ObjectionRecord {
                seq: 1,
                project_name: Some(names[1].into()),
                category: "完成人/完成单位及排序".into(),
                received_on: day(3, 11),
                result: ObjectionResult::Dismissed,
                refusal_reason: None,
                summary: "调取研制记录并听取完成单位说明，排序与实际贡献相符。".into(),
            },
            ObjectionRecord {
                seq: 2,
                project_name: Some(names[2].into()),
                category: "申报资格".into(),
                received_on: day(3, 12),
                result: ObjectionResult::Upheld,
                refusal_reason: None,
                summary: "该成果核心技术已获省级科技奖励，属不得申报情形。".into(),
            },
            ObjectionRecord {
                seq: 3,
                project_name: None,
                category: "其他".into(),
                received_on: day(3, 15),
                result: ObjectionResult::Refused,
                refusal_reason: Some("逾期".into()),
                summary: "公示期结束后收到，按规定不予受理。".into(),
            },
        ],
        conclusion: "经公示，除异议成立的1项外，其余项目公示无异议或异议经核查不成立，同意推荐。".into(),
        unit_name: "武威市总工会".into(),
        issued_on: day(4, 8).unwrap_or_default(),
        verification: Verification {
            code: "R7KQ4M2XD".into(),
            sha256: "9f2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a".into(),
            url: "https://gongshi.example.org/reports/R7KQ4M2XD".into(),
        },
    }
}
