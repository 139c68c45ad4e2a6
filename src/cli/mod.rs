//! The command line: `gongshi serve | migrate | import | …`. Flags win over `GONGSHI_*`
//! variables, which win over defaults.
pub mod accounts;
pub mod campaigns;
pub mod import;
pub mod keys;
pub mod notices;
pub mod objections;
pub mod reports;

use crate::clock::SystemClock;
use crate::settings::{
    DEFAULT_BIND, DEFAULT_DATABASE_URL, DEFAULT_EVIDENCE_NOTICE_BYTES, DEFAULT_EVIDENCE_TOTAL_BYTES, LogFormat,
    Settings,
};
use crate::startup::Application;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "gongshi", version, about = "公示与异议管理：职工技术成果三级公示")]
struct Cli {
    /// Log lines as readable text or as one JSON object per line (for log collectors)
    #[arg(long, global = true, env = "GONGSHI_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DatabaseArg {
    /// Database URL: sqlite://FILE or postgres://… (also GONGSHI_DATABASE_URL or DATABASE_URL)
    #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
    database: Option<String>,
}

impl DatabaseArg {
    fn url(&self) -> String {
        self.database
            .clone()
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        #[arg(long, env = "GONGSHI_BIND", default_value = DEFAULT_BIND)]
        bind: String,
        #[command(flatten)]
        database: DatabaseArg,
        /// Public address, used in QR codes, feeds and links (default http://BIND)
        #[arg(long, env = "GONGSHI_BASE_URL")]
        base_url: Option<String>,
        /// Folder for evidence files and other private data
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// The most evidence bytes kept for one notice's objections (default 2 GiB)
        #[arg(long, env = "GONGSHI_EVIDENCE_NOTICE_BYTES", default_value_t = DEFAULT_EVIDENCE_NOTICE_BYTES)]
        evidence_notice_bytes: u64,
        /// The most evidence bytes kept in all (default 50 GiB)
        #[arg(long, env = "GONGSHI_EVIDENCE_TOTAL_BYTES", default_value_t = DEFAULT_EVIDENCE_TOTAL_BYTES)]
        evidence_total_bytes: u64,
        /// Threads answering requests (default: one per core). Fewer leave cores to a reverse
        /// proxy or database on the same machine
        #[arg(long, env = "GONGSHI_WORKERS", value_parser = clap::value_parser!(u16).range(1..=512))]
        workers: Option<u16>,
        /// Fill an empty database with the 2025 Gansu demo, dated around today
        #[arg(long, env = "GONGSHI_DEMO")]
        demo: bool,
        /// Testing only: a clock that POST /api/__test__/clock (from loopback) can move
        #[arg(long, hide = true, env = "GONGSHI_TEST_CLOCK")]
        test_clock: bool,
        /// A reverse proxy's address range (CIDR) whose X-Forwarded-For/-Proto are believed;
        /// repeatable, or comma-separated in the variable. Default: none
        #[arg(long = "trusted-proxy", env = "GONGSHI_TRUSTED_PROXY", value_delimiter = ',', value_parser = crate::settings::parse_range)]
        trusted_proxies: Vec<ipnet::IpNet>,
        /// Address range (CIDR) of clients that may read GET /metrics; repeatable, or
        /// comma-separated in the variable. Others get 404
        #[arg(long = "metrics-from", env = "GONGSHI_METRICS_FROM", value_delimiter = ',', value_parser = crate::settings::parse_range, default_value = crate::settings::DEFAULT_METRICS_FROM)]
        metrics_from: Vec<ipnet::IpNet>,
        /// The SMTP server mail goes out through: smtp://host:25, smtp://host:587?tls=required
        /// (STARTTLS) or smtps://host:465. User and password from GONGSHI_SMTP_USER and
        /// GONGSHI_SMTP_PASSWORD. Without it no mail is sent
        #[arg(long, env = "GONGSHI_SMTP_URL")]
        smtp: Option<String>,
        /// The From of every message, e.g. "甘肃省总工会公示 <gongshi@example.org>"
        #[arg(long, env = "GONGSHI_MAIL_FROM", requires = "smtp")]
        mail_from: Option<String>,
        /// A PEM file of the certificate authority that signed a private relay's certificate,
        /// trusted besides the public roots
        #[arg(long, env = "GONGSHI_SMTP_CA_FILE", requires = "smtp")]
        smtp_ca_file: Option<PathBuf>,
        /// Seconds an instance holds a message it is sending before another may take it over
        #[arg(long, hide = true, env = "GONGSHI_MAIL_CLAIM_SECONDS", default_value_t = 180)]
        mail_claim_seconds: u64,
        /// Let webhook endpoints use http:// and addresses on loopback or private networks
        /// (receivers on the same network as the server). Off: https:// to public addresses only
        #[arg(long, env = "GONGSHI_WEBHOOKS_ALLOW_PRIVATE")]
        webhooks_allow_private: bool,
    },
    /// Apply migrations (or roll the last one back with `down`).
    Migrate {
        #[command(flatten)]
        database: DatabaseArg,
        /// `up` (default), `down` (one step), or `reset` (all the way down)
        #[arg(default_value = "up")]
        direction: String,
    },
    /// Import projects (登记表 data) from CSV, XLSX or JSON into a unit of a campaign.
    Import {
        #[command(flatten)]
        database: DatabaseArg,
        /// Campaign code, e.g. 2025
        #[arg(long)]
        campaign: String,
        /// Code of the unit that declares the projects
        #[arg(long)]
        unit: String,
        file: PathBuf,
    },
    /// Campaigns (征集活动): create, edit, show, list, copy from last year.
    Campaign {
        #[command(subcommand)]
        action: campaigns::CampaignCommand,
    },
    /// Staff accounts: `user add` makes the first admin of a new install.
    User {
        #[command(subcommand)]
        action: accounts::UserCommand,
    },
    /// Generate and publish notices (公示).
    Notice {
        #[command(subcommand)]
        action: notices::NoticeCommand,
    },
    /// Check the tamper-evident ledger and every row it covers; exits non-zero at the first break.
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Check an objection receipt's signature (the 验证码 printed on it).
    ReceiptVerify {
        token: String,
        /// The published public key (hex, from /transparency); default: this database's key
        #[arg(long)]
        public_key: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
        /// The data folder whose master.key opens the database's key (unless GONGSHI_MASTER_KEY is set)
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Result reports (公示结果报告): issue, export, and the 推荐汇总表.
    Report {
        #[command(subcommand)]
        action: reports::ReportCommand,
    },
    /// Large data sets for the benchmark (docs/TESTING.md).
    Loadgen {
        #[command(subcommand)]
        action: crate::loadgen::LoadgenCommand,
    },
    /// The master key: `keys rotate` reseals everything under a new one (docs/ACCESS.md).
    Keys {
        #[command(subcommand)]
        action: keys::KeysCommand,
    },
    /// Back up a SQLite install while it runs: database, evidence files and master key in one zip.
    Backup {
        #[command(flatten)]
        database: DatabaseArg,
        /// The data folder to include (evidence files, master.key)
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// The archive to write (must not exist yet)
        #[arg(long)]
        out: PathBuf,
    },
    /// Unpack a backup into a new SQLite database file and a new data folder.
    Restore {
        /// The archive `gongshi backup` wrote
        #[arg(long)]
        from: PathBuf,
        /// Where the restored database goes: sqlite://FILE (FILE must not exist)
        #[arg(long)]
        database: String,
        /// Where the data folder goes (must be new or empty)
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Objection maintenance (erasing identities after the retention period).
    Objections {
        #[command(subcommand)]
        action: objections::ObjectionsCommand,
    },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match dispatch(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A refusal as an operator reads it: each field's message on its own line, named by the label
/// the pages show (活动代码：…), never by the JSON name.
fn refusal(e: crate::error::AppError) -> anyhow::Error {
    use crate::error::{AppError, FieldError};
    match e {
        AppError::Validation(errors) | AppError::Taken(errors) => {
            anyhow::anyhow!("{}", errors.iter().map(FieldError::sentence).collect::<Vec<_>>().join("\n"))
        }
        other => anyhow::anyhow!("{other}"),
    }
}

/// `--smtp` and its companions as settings; the From address is required with it.
fn mail_settings(
    smtp: Option<String>,
    mail_from: Option<String>,
    claim_seconds: u64,
) -> anyhow::Result<Option<crate::settings::MailSettings>> {
    let Some(smtp) = smtp.filter(|s| !s.trim().is_empty()) else { return Ok(None) };
    let from = mail_from.filter(|f| !f.trim().is_empty());
    let from = from.ok_or_else(|| anyhow::anyhow!("配置了发信服务器（--smtp）时，须用 --mail-from 给出发件人地址"))?;
    let mut mail = crate::settings::MailSettings::new(smtp, from);
    mail.user = std::env::var("GONGSHI_SMTP_USER").ok().filter(|u| !u.is_empty());
    mail.password = std::env::var("GONGSHI_SMTP_PASSWORD").ok();
    mail.claim = std::time::Duration::from_secs(claim_seconds.max(1));
    Ok(Some(mail))
}

async fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            bind,
            database,
            base_url,
            data_dir,
            evidence_notice_bytes,
            evidence_total_bytes,
            workers,
            demo,
            test_clock,
            trusted_proxies,
            metrics_from,
            smtp,
            mail_from,
            smtp_ca_file,
            mail_claim_seconds,
            webhooks_allow_private,
        } => {
            let mut settings = Settings::new(database.url());
            settings.base_url = base_url.unwrap_or_else(|| format!("http://{bind}"));
            settings.bind = bind;
            settings.data_dir = data_dir;
            settings.evidence_notice_bytes = evidence_notice_bytes;
            settings.evidence_total_bytes = evidence_total_bytes;
            settings.master_key = std::env::var(crate::keys::ENV_VAR).ok();
            settings.workers = workers.map(usize::from);
            settings.demo = demo;
            settings.test_clock = test_clock;
            settings.trusted_proxies = trusted_proxies;
            settings.metrics_from = metrics_from;
            settings.webhooks_allow_private = webhooks_allow_private;
            settings.mail = mail_settings(smtp, mail_from, mail_claim_seconds)?;
            if let Some(mail) = &mut settings.mail {
                mail.ca_file = smtp_ca_file;
            }
            let app = Application::build(settings, Arc::new(SystemClock)).await?;
            // Load the report font now, off the request path, so the first PDF is not the slow one.
            std::thread::spawn(|| {
                if let Err(e) = report_docs::warm_up() {
                    tracing::warn!("result-report font: {e}");
                }
            });
            tracing::info!("gongshi listening on port {}", app.port());
            println!("gongshi 已启动：{}", app.state().settings.base_url);
            if let Some(link) = app.setup_link() {
                println!(
                    "还没有任何账号。请在24小时内打开以下一次性链接创建省总工会管理员（或运行 gongshi user add）：\n{link}"
                );
            }
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Migrate { database, direction } => migrate(&database.url(), &direction).await,
        Command::User { action } => {
            let url = DatabaseArg { database: action.database() }.url();
            accounts::run(&url, action).await
        }
        Command::Import { database, campaign, unit, file } => {
            let db = crate::db::connect_and_migrate(&database.url()).await?;
            let report = import::import_file(&db, &campaign, &unit, &file, chrono::Utc::now()).await?;
            if report.received > 0 {
                println!("导入完成：接收下级推荐项目 {} 项", report.received);
            } else {
                println!("导入完成：新增 {} 项，更新 {} 项", report.created, report.updated);
            }
            Ok(())
        }
        Command::Campaign { action } => {
            let db = crate::db::connect_and_migrate(&DatabaseArg { database: action.database() }.url()).await?;
            campaigns::run(&db, action, chrono::Utc::now()).await
        }
        Command::Notice { action } => {
            let db = crate::db::connect_and_migrate(&DatabaseArg { database: action.database() }.url()).await?;
            notices::run(&db, action, chrono::Utc::now()).await
        }
        Command::Verify { database } => objections::verify(&database.url()).await,
        Command::ReceiptVerify { token, public_key, database, data_dir } => {
            objections::verify_receipt(&token, public_key.as_deref(), &database.url(), &data_dir).await
        }
        Command::Report { action } => {
            let db = crate::db::connect_and_migrate(&DatabaseArg { database: action.database() }.url()).await?;
            reports::run(&db, action, chrono::Utc::now()).await
        }
        Command::Loadgen { action } => {
            let url = DatabaseArg { database: action.database() }.url();
            crate::loadgen::run(&url, action).await
        }
        Command::Keys { action } => {
            let url = DatabaseArg { database: action.database() }.url();
            keys::run(&url, action).await
        }
        Command::Backup { database, data_dir, out } => {
            let summary = crate::backup::backup(&database.url(), &data_dir, &out).await?;
            println!("备份完成：{}（数据库及 {} 个文件，共 {} 字节）", out.display(), summary.files - 1, summary.bytes);
            Ok(())
        }
        Command::Restore { from, database, data_dir } => {
            let summary = crate::backup::restore(&from, &database, &data_dir)?;
            println!(
                "恢复完成：{} 个文件，共 {} 字节。请先运行 gongshi verify --database {database} 核对，再启动服务。",
                summary.files, summary.bytes
            );
            Ok(())
        }
        Command::Objections { action } => {
            let url = DatabaseArg { database: action.database() }.url();
            objections::run(&url, action).await
        }
    }
}

async fn migrate(url: &str, direction: &str) -> anyhow::Result<()> {
    use migration::{Migrator, MigratorTrait};
    let db = crate::db::connect(url).await?;
    match direction {
        "up" => Migrator::up(&db, None).await?,
        "down" => Migrator::down(&db, Some(1)).await?,
        "reset" => Migrator::reset(&db).await?,
        other => anyhow::bail!("未知的方向 {other}：应为 up、down 或 reset"),
    }
    println!("迁移完成（{direction}）");
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GONGSHI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let logger = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => logger.try_init(),
        // Fields at the top level, so a collector reads `message` and `target` without unwrapping.
        LogFormat::Json => logger.json().flatten_event(true).try_init(),
    };
}
