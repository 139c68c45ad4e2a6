//! The objection commands: `gongshi verify`, `gongshi receipt-verify` and
//! `gongshi objections erase-expired`.
use crate::receipts;
use chrono::Utc;

/// The `gongshi objections …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum ObjectionsCommand {
    /// Erase objectors' identities whose retention period (campaign setting, counted from the
    /// case's conclusion) has passed. The cases stay.
    EraseExpired {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
    },
}

impl ObjectionsCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::EraseExpired { database } => database.clone(),
        }
    }
}

/// Runs a `gongshi objections …` command.
///
/// # Errors
/// Database failure.
pub async fn run(url: &str, command: ObjectionsCommand) -> anyhow::Result<()> {
    match command {
        ObjectionsCommand::EraseExpired { .. } => {
            let db = crate::db::connect_and_migrate(url).await?;
            let erased = crate::objections::retention::erase_expired(&db, Utc::now()).await?;
            println!("已删除 {erased} 件异议的异议人身份信息（异议记录保留）");
            Ok(())
        }
    }
}

/// `gongshi verify`: prints the head when the ledger and its rows agree.
///
/// # Errors
/// The first break, or a database failure; either way the process exits non-zero.
pub async fn verify(url: &str) -> anyhow::Result<()> {
    let db = crate::db::connect(url).await?;
    match crate::verify::verify(&db).await? {
        Ok(head) => {
            println!("账本完好：共 {} 条记录，最新哈希 {}", head.count, head.head_hash);
            Ok(())
        }
        Err(failure) => anyhow::bail!("账本校验未通过：{failure}"),
    }
}

/// `gongshi receipt-verify TOKEN`: checks a receipt with a given public key, or with the key
/// of the database when none is given.
///
/// # Errors
/// An invalid receipt or key, or a database failure.
pub async fn verify_receipt(
    token: &str,
    public_key: Option<&str>,
    url: &str,
    data_dir: &std::path::Path,
) -> anyhow::Result<()> {
    let key = match public_key {
        Some(hex_key) => receipts::parse_public_key(hex_key)?,
        None => {
            let db = crate::db::connect(url).await?;
            let master = crate::keys::MasterKey::from_env_or_file(data_dir)?;
            let secrets = crate::secrets::Secrets::load_or_create(&db, &master, Utc::now()).await?;
            receipts::signing_key(&secrets.signing_seed).verifying_key()
        }
    };
    let receipt = receipts::open(token, &key)?;
    println!(
        "回执有效：回执码 {}，收到时间 {}，公示《{}》，项目《{}》",
        receipt.code, receipt.received_at, receipt.notice_title, receipt.project_name
    );
    Ok(())
}
