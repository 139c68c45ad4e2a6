//! `gongshi loadgen`: data sets of province and country size for the benchmark
//! (docs/TESTING.md). `fill` adds to a database seeded with the demo: a unit tree of employers,
//! their projects, a level-1 notice for each of the first employers, and objections on those
//! notices. `import-file` writes a JSON import file to time the real importer with.
//! `subscribers` adds confirmed e-mail subscribers (scripts/bench-subscribers.sh).
mod notices;
mod objections;
mod subscribers;
mod text;
mod tree;

use crate::error::AppError;
use anyhow::{Context, bail};
use chrono::Utc;
use entity::units;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::path::PathBuf;
use std::time::Instant;

/// Projects each generated employer declares.
const PROJECTS_PER_UNIT: usize = 5;

/// Named sizes: (projects, notices, objections).
fn preset(size: &str) -> anyhow::Result<(usize, usize, usize)> {
    Ok(match size {
        "small" => (2_000, 400, 20_000),
        "province" => (20_000, 4_000, 200_000),
        "country" => (100_000, 20_000, 1_000_000),
        other => bail!("未知的规模 {other}：应为 small、province 或 country"),
    })
}

/// The `gongshi loadgen …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum LoadgenCommand {
    /// Add a large data set to a database (seeding the demo first when it is empty).
    Fill {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// small (2,000 projects), province (20,000) or country (100,000); the flags below override it
        #[arg(long, default_value = "small")]
        size: String,
        #[arg(long)]
        projects: Option<usize>,
        #[arg(long)]
        notices: Option<usize>,
        #[arg(long)]
        objections: Option<usize>,
        /// Seed of the text generator: the same seed and sizes give the same data
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        /// The data folder whose master.key seals the identities (unless GONGSHI_MASTER_KEY is set)
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Write a JSON import file (docs/IMPORT.md) of N projects, to time `gongshi import` with.
    ImportFile {
        #[arg(long, default_value_t = 10_000)]
        projects: usize,
        /// Name on the first completing unit (the importing unit's own name)
        #[arg(long, default_value = "国网武威供电公司")]
        unit_name: String,
        #[arg(long, default_value_t = 2025)]
        seed: u64,
        out: PathBuf,
    },
    /// Add N confirmed subscribers who follow every notice as it happens.
    Subscribers {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// The addresses are reader0@DOMAIN, reader1@DOMAIN, …
        #[arg(long, default_value = "example.cn")]
        domain: String,
        /// The data folder whose master.key seals the addresses (unless GONGSHI_MASTER_KEY is set)
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
}

impl LoadgenCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Fill { database, .. } | Self::Subscribers { database, .. } => database.clone(),
            Self::ImportFile { .. } => None,
        }
    }
}

/// Runs a `gongshi loadgen …` command against the database at `url`.
///
/// # Errors
/// Unknown size, a database already filled, or database failure.
pub async fn run(url: &str, command: LoadgenCommand) -> anyhow::Result<()> {
    match command {
        LoadgenCommand::Fill { size, projects, notices, objections, seed, data_dir, .. } => {
            let (p, n, o) = preset(&size)?;
            let master = crate::keys::MasterKey::from_env_or_file(&data_dir)?;
            let sizes = (projects.unwrap_or(p), notices.unwrap_or(n), objections.unwrap_or(o));
            fill(url, &master, sizes, seed).await
        }
        LoadgenCommand::Subscribers { count, domain, data_dir, .. } => {
            let master = crate::keys::MasterKey::from_env_or_file(&data_dir)?;
            let db = crate::db::connect_and_migrate(url).await?;
            let now = Utc::now();
            let secrets = crate::secrets::Secrets::load_or_create(&db, &master, now).await?;
            let started = Instant::now();
            subscribers::add(&db, &secrets.sealer, &secrets.session_key, count, &domain, now).await.map_err(explain)?;
            println!("订阅者：{count} 个（{:.1}秒）", started.elapsed().as_secs_f64());
            Ok(())
        }
        LoadgenCommand::ImportFile { projects, unit_name, seed, out } => {
            let mut words = text::Words::new(seed);
            let drafts: Vec<_> = (0..projects).map(|i| words.project(&unit_name, i)).collect();
            let json = serde_json::to_vec(&drafts)?;
            std::fs::write(&out, json).with_context(|| format!("无法写入 {}", out.display()))?;
            println!("已写入 {} 个项目：{}", projects, out.display());
            Ok(())
        }
    }
}

fn explain(e: AppError) -> anyhow::Error {
    anyhow::Error::msg(e)
}

async fn fill(
    url: &str,
    master: &crate::keys::MasterKey,
    (projects, notices, objections): (usize, usize, usize),
    seed: u64,
) -> anyhow::Result<()> {
    let db = crate::db::connect_and_migrate(url).await?;
    let now = Utc::now();
    let secrets = crate::secrets::Secrets::load_or_create(&db, master, now).await?;
    let base_url = format!("http://{}", crate::settings::DEFAULT_BIND);
    crate::demo::seed_if_empty(&db, &base_url, &secrets, now).await.map_err(explain)?;
    if units::Entity::find().filter(units::Column::Code.starts_with("LGA")).count(&db).await? > 0 {
        bail!("这个数据库已经生成过数据：请换一个新的数据库");
    }
    let province = units::Entity::find()
        .filter(units::Column::ParentId.is_null())
        .one(&db)
        .await?
        .context("数据库中没有最上级单位")?;
    let campaign = notices::campaign(&db, "2025").await.map_err(explain)?;
    let mut words = text::Words::new(seed);

    let started = Instant::now();
    let applicants =
        tree::build(&db, province.id, projects.div_ceil(PROJECTS_PER_UNIT), &mut words, now).await.map_err(explain)?;
    println!("单位：{} 个申报单位（{:.1}秒）", applicants.len(), started.elapsed().as_secs_f64());

    let started = Instant::now();
    tree::declare_projects(&db, campaign.id, &applicants, projects, &mut words, now).await.map_err(explain)?;
    println!("项目：{projects} 个（{:.1}秒）", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let published = notices::publish_all(&db, &campaign, &applicants, notices, now).await.map_err(explain)?;
    let open = published.iter().filter(|p| p.opens_at <= now && now < p.closes_at).count();
    println!("公示：{} 则，其中公示中 {open} 则（{:.1}秒）", published.len(), started.elapsed().as_secs_f64());

    let started = Instant::now();
    objections::file_all(&db, &published, objections, &secrets, &mut words, now).await.map_err(explain)?;
    println!("异议：{objections} 件（{:.1}秒）", started.elapsed().as_secs_f64());
    Ok(())
}
