//! `gongshi report issue | export | summary-table`: the same services as the staff pages, for
//! staff who script their work.
use crate::audit::Who;
use crate::error::AppError;
use crate::reports::document::{self, Format};
use crate::reports::service;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use std::path::PathBuf;

/// The `gongshi report …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum ReportCommand {
    /// Issue the 公示结果报告 of a closed notice whose objections are all concluded.
    Issue {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// Public address the QR code leads to (default http://127.0.0.1:8080)
        #[arg(long, env = "GONGSHI_BASE_URL")]
        base_url: Option<String>,
        /// Notice number
        notice_id: i32,
    },
    /// Write an issued report as PDF, Word or the long image (by the file's extension: .pdf, .docx, .png).
    Export {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// The report's verification code
        code: String,
        /// Output file: .pdf or .docx
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a unit's 推荐汇总表 (recommendation summary table) as XLSX or CSV (by extension).
    SummaryTable {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// Campaign code, e.g. 2025
        #[arg(long)]
        campaign: String,
        /// Code of the recommending unit
        #[arg(long)]
        unit: String,
        /// Output file: .xlsx or .csv
        #[arg(long)]
        out: PathBuf,
    },
}

impl ReportCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Issue { database, .. } | Self::Export { database, .. } | Self::SummaryTable { database, .. } => {
                database.clone()
            }
        }
    }
}

/// Runs a `gongshi report …` command and prints the outcome.
///
/// # Errors
/// As the command it runs, explained in Chinese.
pub async fn run(db: &DatabaseConnection, command: ReportCommand, now: DateTime<Utc>) -> anyhow::Result<()> {
    match command {
        ReportCommand::Issue { notice_id, base_url, .. } => {
            let base = base_url.unwrap_or_else(|| format!("http://{}", crate::settings::DEFAULT_BIND));
            let issued = service::issue(db, notice_id, &Who::default(), &base, now).await.map_err(explain)?;
            println!("已出具公示结果报告：{}", issued.content.title);
            println!("验证码：{}", issued.report.code);
            println!("SHA-256：{}", issued.report.sha256);
            println!("核验地址：{}", issued.content.verify_url);
            for p in &issued.content.projects {
                println!("  {}. {}：{}", p.order, p.name, p.outcome_label);
            }
            for code in issued.superseded {
                println!("报告 {code} 所列项目均已再次公示，该报告已被替代。");
            }
        }
        ReportCommand::Export { code, out, .. } => {
            let format = match out.extension().and_then(|e| e.to_str()) {
                Some("pdf") => Format::Pdf,
                Some("docx") => Format::Docx,
                Some("png") => Format::Png,
                _ => anyhow::bail!("输出文件须以 .pdf、.docx 或 .png（长图）结尾"),
            };
            let stored = service::find_by_code(db, &code).await.map_err(explain)?;
            let doc = document::to_document(&stored.content, &stored.row.sha256);
            let bytes = document::render_now(&doc, format).map_err(explain)?;
            std::fs::write(&out, bytes).map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", out.display()))?;
            println!("已写入 {}", out.display());
        }
        ReportCommand::SummaryTable { campaign, unit, out, .. } => {
            let campaign = crate::campaigns::find_by_code(db, &campaign).await?;
            let campaign = campaign.ok_or_else(|| anyhow::anyhow!("征集活动不存在"))?;
            let unit = crate::units::service::find_by_code(db, &unit).await?;
            let unit = unit.ok_or_else(|| anyhow::anyhow!("单位不存在"))?;
            let table = crate::summary_table::build(db, campaign.id, unit.id, now).await.map_err(explain)?;
            let bytes = match out.extension().and_then(|e| e.to_str()) {
                Some("xlsx") => crate::summary_table::to_xlsx(&table).map_err(explain)?,
                Some("csv") => crate::summary_table::to_csv(&table).map_err(explain)?,
                _ => anyhow::bail!("输出文件须以 .xlsx 或 .csv 结尾"),
            };
            std::fs::write(&out, bytes).map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", out.display()))?;
            println!("已写入 {}（{}个项目）", out.display(), table.rows.len());
        }
    }
    Ok(())
}

/// Turns an [`AppError`] into the lines a terminal shows.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::NotFound => anyhow::anyhow!("公示或报告不存在"),
        other => super::refusal(other),
    }
}
