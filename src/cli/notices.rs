//! `gongshi notice generate | publish | show`: the same services the admin pages call, by
//! campaign and unit code, for staff who script their work.
use crate::error::AppError;
use crate::notices::generate::{GenerateRequest, generate};
use crate::notices::publish::{PublishRequest, publish};
use crate::notices::{Level, service};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;

/// The `gongshi notice …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum NoticeCommand {
    /// Generate a draft notice for a unit, a level and projects (by project number).
    Generate {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// Campaign code, e.g. 2025
        #[arg(long)]
        campaign: String,
        /// Code of the publishing unit
        #[arg(long)]
        unit: String,
        /// 1 申报单位公示, 2 推荐单位公示, 3 省总工会公示
        #[arg(long)]
        level: i32,
        /// Project numbers in the order they are listed, e.g. 1,2,3; or `all` for every
        /// project the unit declared in the campaign (level 1), by number
        #[arg(long)]
        projects: String,
        /// First day of the period, YYYY-MM-DD (default: tomorrow, China time)
        #[arg(long)]
        start: Option<NaiveDate>,
    },
    /// Publish a notice's draft: the first publication, or a correction with --note.
    Publish {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// Notice number
        id: i32,
        /// Correction note (required for a correction; public)
        #[arg(long)]
        note: Option<String>,
        /// A personal-data finding (its id, as listed when publishing is refused) confirmed
        /// not to be personal data; repeat for each. Recorded in the audit log.
        #[arg(long = "confirm")]
        confirm: Vec<String>,
    },
}

impl NoticeCommand {
    /// The `--database` given to the subcommand, if any.
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Generate { database, .. } | Self::Publish { database, .. } => database.clone(),
        }
    }
}

/// Runs a `gongshi notice …` command and prints the outcome.
///
/// # Errors
/// As the command it runs.
pub async fn run(db: &DatabaseConnection, command: NoticeCommand, now: DateTime<Utc>) -> anyhow::Result<()> {
    match command {
        NoticeCommand::Generate { campaign, unit, level, projects, start, .. } => {
            let ids = if projects.trim() == "all" { None } else { Some(parse_ids(&projects)?) };
            let out = generate_cmd(db, &campaign, &unit, level, ids, start, now).await?;
            println!("已生成公示草稿 {}：{}", out.notice_id, out.title);
            println!("{}", out.period);
            for w in out.warnings {
                println!("注意：{w}");
            }
            println!("预览后发布：gongshi notice publish {}", out.notice_id);
        }
        NoticeCommand::Publish { id, note, confirm, .. } => {
            let p = publish_cmd(db, id, note, confirm, now).await?;
            let what = if p.is_correction { "更正" } else { "发布" };
            println!("公示 {} 第{}版已{what}：{}", p.notice_id, p.revision_no, p.period.text());
            if p.restarted {
                println!("更正改变了项目、单位、完成人或排序，公示期重新计算。");
            }
        }
    }
    Ok(())
}

/// What `gongshi notice generate` prints.
#[derive(Debug)]
pub struct GenerateOutcome {
    pub notice_id: i32,
    pub title: String,
    pub period: String,
    pub warnings: Vec<String>,
}

/// Parses "1,2,3" (also with spaces or Chinese commas).
///
/// # Errors
/// A part that is not a number.
pub fn parse_ids(list: &str) -> anyhow::Result<Vec<i32>> {
    list.split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i32>().map_err(|_| anyhow::anyhow!("项目编号“{s}”不是数字")))
        .collect()
}

/// Generates a draft notice; `project_ids` `None` takes every project the unit declared.
///
/// # Errors
/// Unknown campaign or unit, a level outside 1–3, or every refusal of the gate and the level
/// rules, one per line.
pub async fn generate_cmd(
    db: &DatabaseConnection,
    campaign_code: &str,
    unit_code: &str,
    level: i32,
    project_ids: Option<Vec<i32>>,
    start: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> anyhow::Result<GenerateOutcome> {
    let level = Level::from_number(level).ok_or_else(|| anyhow::anyhow!("层级应为1、2或3"))?;
    let campaign = crate::campaigns::find_by_code(db, campaign_code).await?;
    let campaign = campaign.ok_or_else(|| anyhow::anyhow!("征集活动 {campaign_code} 不存在"))?;
    let unit = crate::units::service::find_by_code(db, unit_code).await?;
    let unit = unit.ok_or_else(|| anyhow::anyhow!("单位 {unit_code} 不存在"))?;
    let project_ids = match project_ids {
        Some(ids) => ids,
        None => crate::projects::service::list_ids_for_unit(db, campaign.id, unit.id).await.map_err(explain)?,
    };
    let req = GenerateRequest {
        campaign_id: campaign.id,
        unit_id: unit.id,
        level,
        project_ids,
        starts_on: start,
        created_by: None,
    };
    let generated = generate(db, &req, now).await.map_err(explain)?;
    let draft = service::draft_revision(db, generated.notice_id).await?.ok_or_else(|| anyhow::anyhow!("草稿丢失"))?;
    Ok(GenerateOutcome {
        notice_id: generated.notice_id,
        title: draft.title.clone(),
        period: crate::notices::Period::of_revision(&draft).text(),
        warnings: generated.warnings,
    })
}

/// Publishes a notice's draft (first publication or correction).
///
/// # Errors
/// As [`publish`], explained in Chinese.
pub async fn publish_cmd(
    db: &DatabaseConnection,
    notice_id: i32,
    note: Option<String>,
    confirmed: Vec<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<crate::notices::publish::Published> {
    publish(db, notice_id, &PublishRequest { note, confirmed, ..PublishRequest::default() }, now).await.map_err(explain)
}

/// Turns an [`AppError`] into the lines a terminal shows.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::NotFound => anyhow::anyhow!("公示不存在"),
        AppError::Conflict { message, detail: Some(detail) } if detail.get("personal_data").is_some() => {
            let lines = detail["personal_data"].as_array().into_iter().flatten().map(|f| {
                let project = f["project"].as_str().map(|p| format!("《{p}》")).unwrap_or_default();
                format!(
                    "  --confirm {}  {project}{}：{} {}",
                    s(&f["id"]),
                    s(&f["field"]),
                    s(&f["kind_label"]),
                    s(&f["masked"])
                )
            });
            anyhow::anyhow!("{message}\n{}", lines.collect::<Vec<_>>().join("\n"))
        }
        other => super::refusal(other),
    }
}

fn s(v: &serde_json::Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::parse_ids;

    #[test]
    fn project_lists_accept_commas_of_both_widths() {
        assert_eq!(parse_ids("1,2， 3").unwrap(), [1, 2, 3]);
        assert!(parse_ids("1,x").is_err());
    }
}
