//! `gongshi campaign create|edit|show|list|copy`: the campaign records from the command line,
//! for an administrator setting up a new install. `create --file` and `edit --file` take the
//! same JSON as `POST /api/v1/admin/campaigns`; `show` prints it.
use crate::audit::Who;
use crate::campaigns::{input, service};
use crate::error::AppError;
use anyhow::Context;
use entity::units;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::path::PathBuf;

/// The `gongshi campaign …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum CampaignCommand {
    /// Create a campaign from a JSON file (the admin API's body).
    Create {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        #[arg(long)]
        file: PathBuf,
    },
    /// Replace a campaign's record from a JSON file (its code stays).
    Edit {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        code: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Print a campaign as JSON (what `edit --file` takes back).
    Show {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        code: String,
    },
    /// List the campaigns, newest first.
    List {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
    },
    /// Start a new campaign from an earlier one: settings, deadlines and quotas, a year later.
    Copy {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        from: String,
        /// The new campaign's code
        #[arg(long)]
        code: String,
    },
}

impl CampaignCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Create { database, .. }
            | Self::Edit { database, .. }
            | Self::Show { database, .. }
            | Self::List { database }
            | Self::Copy { database, .. } => database.clone(),
        }
    }
}

/// Runs a `gongshi campaign …` command.
///
/// # Errors
/// An unreadable file, a refused record (every problem listed), or database failure.
pub async fn run(
    db: &DatabaseConnection,
    command: CampaignCommand,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    match command {
        CampaignCommand::Create { file, .. } => {
            let row =
                service::create(db, read(&file)?, &Who::default(), root_unit(db).await?, now).await.map_err(said)?;
            println!("已新建征集活动 {}：{}", row.code, row.title);
        }
        CampaignCommand::Edit { code, file, .. } => {
            let row = service::update(db, &code, read(&file)?, &Who::default(), root_unit(db).await?, now)
                .await
                .map_err(said)?;
            println!("已保存征集活动 {}：{}", row.code, row.title);
        }
        CampaignCommand::Show { code, .. } => {
            let record = service::record(db, &code).await.map_err(said)?;
            println!("{}", serde_json::to_string_pretty(&record)?);
        }
        CampaignCommand::List { .. } => {
            for c in service::list(db).await? {
                let state = if c.open { "进行中" } else { "已关闭" };
                println!("{}\t{}\t{}\t{state}\t{}个公示", c.code, c.title, c.edition, c.notice_count);
            }
        }
        CampaignCommand::Copy { from, code, .. } => {
            let next = service::next_years(db, &from, &code).await.map_err(said)?;
            let row = service::create(db, next, &Who::default(), root_unit(db).await?, now).await.map_err(said)?;
            println!("已从 {from} 复制为征集活动 {}：{}（日期已顺延一年，请核对文号和日期）", row.code, row.title);
        }
    }
    Ok(())
}

fn read(file: &PathBuf) -> anyhow::Result<input::CampaignInput> {
    let text = std::fs::read_to_string(file).with_context(|| format!("读取 {} 失败", file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} 不是有效的 JSON", file.display()))?;
    input::from_json(value).map_err(said)
}

/// The campaign's organiser from the command line: the root unit (the province).
async fn root_unit(db: &DatabaseConnection) -> anyhow::Result<i32> {
    let root = units::Entity::find().filter(units::Column::ParentId.is_null()).one(db).await?;
    root.map(|u| u.id).context("还没有最上级单位（省总工会）：请先在 /setup 建立账号和单位，或运行 gongshi user add")
}

/// A refusal as the operator reads it: every field's message on its own line.
fn said(e: AppError) -> anyhow::Error {
    match e {
        AppError::NotFound => anyhow::anyhow!("没有这个征集活动"),
        other => super::refusal(other),
    }
}
