//! `gongshi keys rotate`: seals every objector's identity and the stored keys under a new
//! master key in one transaction. The operator then gives every instance the new key
//! (docs/ACCESS.md, "Key management").
use crate::keys::MasterKey;
use std::path::{Path, PathBuf};

/// The `gongshi keys …` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum KeysCommand {
    /// Reseal everything under a new master key. The new key is read from the file, or made
    /// there (mode 0600) when the file does not exist yet.
    Rotate {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// The data folder whose master.key is the current key (unless GONGSHI_MASTER_KEY is set)
        #[arg(long, env = "GONGSHI_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Where the new key is (or is to be made)
        #[arg(long)]
        new_key_file: PathBuf,
    },
}

impl KeysCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Rotate { database, .. } => database.clone(),
        }
    }
}

/// What a rotation resealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotated {
    pub identities: usize,
    pub secrets: usize,
    /// Addresses of messages still waiting in the outbox.
    pub mail: usize,
}

/// Runs a `gongshi keys …` command.
///
/// # Errors
/// A missing or unreadable key, a value the current key cannot open, or database failure;
/// nothing is changed then.
pub async fn run(url: &str, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Rotate { data_dir, new_key_file, .. } => {
            let old = MasterKey::existing(&data_dir)?;
            let new = MasterKey::read_or_create_file(&new_key_file)?;
            let done = rotate(url, &old, &new).await?;
            println!(
                "已用新主密钥（编号 {}）重新加密 {} 件异议人身份信息、{} 个待发邮件地址和 {} 个密钥（原主密钥编号 {}）。",
                new.id(),
                done.identities,
                done.mail,
                done.secrets,
                old.id()
            );
            println!("{}", next_steps(&data_dir, &new_key_file));
            Ok(())
        }
    }
}

/// Reseals every identity and stored key from `old` to `new` in one transaction.
///
/// # Errors
/// As [`run`].
pub async fn rotate(url: &str, old: &MasterKey, new: &MasterKey) -> anyhow::Result<Rotated> {
    anyhow::ensure!(old.id() != new.id(), "新主密钥与当前主密钥相同（编号 {}）", old.id());
    let db = crate::db::connect_and_migrate(url).await?;
    let (old, new) = (old.sealer(), new.sealer());
    let txn = crate::db::begin_write(&db).await?;
    // Webhook signing secrets count with the other stored keys.
    let secrets =
        crate::secrets::reseal(&txn, &old, &new).await? + crate::webhooks::service::reseal(&txn, &old, &new).await?;
    let identities = crate::objections::identity::reseal(&txn, &old, &new).await?;
    let mail = crate::mail::outbox::reseal(&txn, &old, &new).await?
        + crate::subscriptions::service::reseal(&txn, &old, &new).await?;
    txn.commit().await?;
    db.close().await.ok();
    Ok(Rotated { identities, secrets, mail })
}

fn next_steps(data_dir: &Path, new_key_file: &Path) -> String {
    format!(
        "下一步：在每个实例上换用新主密钥后重新启动——使用密钥文件的，用 {new} 替换 {old}（保持权限 600）；\
         使用 GONGSHI_MASTER_KEY 的，改为新文件中的值。旧主密钥已不能解密数据库中的任何内容。",
        new = new_key_file.display(),
        old = data_dir.join(crate::keys::FILE_NAME).display()
    )
}
