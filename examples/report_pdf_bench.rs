//! End-to-end timing of a 50-project 公示结果报告: from the database row to the PDF bytes, as the
//! `/reports/{code}.pdf` route does it (find the report, check and parse its content, build the
//! document, render). Run in release:
//!
//! ```text
//! cargo run --release --example report_pdf_bench
//! ```
//!
//! It builds a fresh SQLite database in a temporary folder: a unit, a campaign, 50 projects, a
//! published level-1 notice that has closed, and its issued report.
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use entity::{campaigns, units};
use gongshi::campaigns::CampaignSettings;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::projects::{CompleterDraft, Grade, ProjectDraft};
use gongshi::reports::document::{Format, render_now, to_document};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use std::time::Instant;

const PROJECTS: usize = 50;
const RUNS: u32 = 20;

fn draft(i: usize) -> ProjectDraft {
    let person = |name: &str| CompleterDraft {
        name: name.into(),
        work_unit: Some("甘肃农垦黄羊河集团有限责任公司".into()),
        job_title: Some("高级工程师".into()),
        contribution: Some("提出总体方案并主持样机研制".into()),
        workload: Some("占项目工作量30%".into()),
        ..CompleterDraft::default()
    };
    ProjectDraft {
        import_key: format!("B-{i:03}"),
        name: format!("河西走廊日光温室智能水肥一体化控制系统研制与应用（第{}期）", i + 1),
        completing_units: vec!["甘肃农垦黄羊河集团有限责任公司".into(), "武威市农业科学研究院".into()],
        completers: ["张喆", "李玥", "才让卓玛", "王赟", "马旻"].iter().map(|n| person(n)).collect(),
        key_technology: "以土壤墒情与气象数据融合决定灌溉时机。".repeat(6),
        ip_items: vec![],
        eligibility: 3,
        exclusions_declared: true,
        proposed_grade: Some(Grade::Second),
        summary: None,
        over_limit_reason: None,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = gongshi::db::connect_and_migrate(&url).await?;
    let then = Utc.with_ymd_and_hms(2025, 3, 1, 2, 0, 0).single().unwrap_or_default();
    let unit = units::ActiveModel {
        kind: Set("applicant".into()),
        name: Set("甘肃农垦黄羊河集团有限责任公司".into()),
        code: Set("E-HYH".into()),
        created_at: Set(then),
        ..Default::default()
    }
    .insert(&db)
    .await?;
    let campaign = campaigns::ActiveModel {
        code: Set("2025".into()),
        year: Set(2025),
        edition: Set("第十八届".into()),
        title: Set("2025年度甘肃省职工技术成果征集活动".into()),
        award_grades: Set("[]".into()),
        created_at: Set(then),
        ..CampaignSettings::DEFAULT.row()
    }
    .insert(&db)
    .await?;
    let drafts: Vec<ProjectDraft> =
        (0..PROJECTS).map(|i| draft(i).validate().map_err(|e| anyhow::anyhow!("{e:?}"))).collect::<Result<_, _>>()?;
    let ids = gongshi::projects::import::store(&db, campaign.id, unit.id, drafts, then).await?.project_ids;
    let req = GenerateRequest {
        campaign_id: campaign.id,
        unit_id: unit.id,
        level: Level::Applicant,
        project_ids: ids,
        starts_on: NaiveDate::from_ymd_opt(2025, 3, 10),
        created_by: None,
    };
    let g = generate(&db, &req, then).await?;
    publish(&db, g.notice_id, &PublishRequest::default(), then).await?;
    let issued = gongshi::reports::issue(
        &db,
        g.notice_id,
        &gongshi::audit::Who::default(),
        "https://gongshi.example.cn",
        then + Duration::days(20),
    )
    .await?;
    let code = issued.report.code;

    let start = Instant::now();
    report_docs::warm_up().map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("font and typst library, loaded once per process: {:.0} ms", start.elapsed().as_secs_f64() * 1000.0);

    let mut pdf_len = 0;
    let mut total = std::time::Duration::ZERO;
    let mut worst = std::time::Duration::ZERO;
    for _ in 0..RUNS {
        let start = Instant::now();
        let stored = gongshi::reports::service::find_by_code(&db, &code).await?;
        let doc = to_document(&stored.content, &stored.row.sha256);
        let pdf = render_now(&doc, Format::Pdf)?;
        let took = start.elapsed();
        total += took;
        worst = worst.max(took);
        pdf_len = pdf.len();
    }
    println!(
        "{PROJECTS}-project report, database row to PDF: {:.1} ms on average, {:.1} ms at worst over {RUNS} runs ({} KiB)",
        total.as_secs_f64() * 1000.0 / f64::from(RUNS),
        worst.as_secs_f64() * 1000.0,
        pdf_len / 1024
    );
    let start = Instant::now();
    let stored = gongshi::reports::service::find_by_code(&db, &code).await?;
    let docx = render_now(&to_document(&stored.content, &stored.row.sha256), Format::Docx)?;
    println!("the same as Word: {:.1} ms ({} KiB)", start.elapsed().as_secs_f64() * 1000.0, docx.len() / 1024);
    Ok(())
}
