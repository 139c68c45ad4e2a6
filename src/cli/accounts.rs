//! `gongshi user …`: accounts from the server's command line. This is how a new install gets
//! its first admin without any default password. Passwords come from `GONGSHI_PASSWORD` or
//! standard input, never from the argument list (which other users of the machine can see).
use crate::access::Role;
use crate::accounts::service::{self, NewUser};
use crate::accounts::setup;
use crate::audit::{self, AuditEntry};
use anyhow::{Context, anyhow, bail};
use clap::Subcommand;
use entity::units;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use std::io::BufRead;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from GONGSHI_PASSWORD or the first line of stdin.
    Add {
        /// Database URL (also GONGSHI_DATABASE_URL or DATABASE_URL)
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        /// Code of the user's unit, e.g. GS
        #[arg(long)]
        unit: String,
        /// Login name (lowercase letters, digits, . _ -)
        #[arg(long)]
        username: String,
        /// Name shown to colleagues, e.g. 王颖娟
        #[arg(long)]
        name: String,
        /// admin, handler or viewer
        #[arg(long, default_value = "admin")]
        role: String,
        /// When the database has no unit yet: create the province unit with this name and --unit as its code
        #[arg(long)]
        unit_name: Option<String>,
    },
    /// Set a new password (from GONGSHI_PASSWORD or stdin); every session of the user ends.
    Passwd {
        #[arg(long = "database", env = "GONGSHI_DATABASE_URL")]
        database: Option<String>,
        #[arg(long)]
        username: String,
    },
}

impl UserCommand {
    #[must_use]
    pub fn database(&self) -> Option<String> {
        match self {
            Self::Add { database, .. } | Self::Passwd { database, .. } => database.clone(),
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("GONGSHI_PASSWORD") {
        return Ok(p);
    }
    eprintln!("请输入密码（一行，回车结束）：");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("无法读取密码")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("未提供密码：请设置 GONGSHI_PASSWORD 或从标准输入提供");
    }
    Ok(password)
}

fn explain(e: crate::error::AppError) -> anyhow::Error {
    super::refusal(e.relabelled(crate::accounts::FIELD_LABELS))
}

/// Runs a `user` subcommand against the database at `url`.
///
/// # Errors
/// Unknown unit or user, a weak password, or database failure, explained in Chinese.
pub async fn run(url: &str, command: UserCommand) -> anyhow::Result<()> {
    let db = crate::db::connect_and_migrate(url).await?;
    let now = chrono::Utc::now();
    match command {
        UserCommand::Add { unit, username, name, role, unit_name, .. } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow!("未知角色 {role}：应为 admin、handler 或 viewer"))?;
            let unit = find_or_create_root(&db, &unit, unit_name.as_deref(), now).await?;
            let password = read_password()?;
            let new = NewUser { unit_id: unit.id, username, display_name: name, role, password };
            let user = service::create(&db, &new, false, now).await.map_err(explain)?;
            let entry = AuditEntry {
                unit_id: Some(unit.id),
                action: "user.create",
                target_type: "user",
                target_id: Some(user.id.to_string()),
                detail: Some(format!("命令行创建：{}（{}），{}", user.display_name, user.username, role.label())),
                ..AuditEntry::default()
            };
            audit::record(&db, entry, now).await.map_err(explain)?;
            println!("已创建账号 {}（{}，{}）", user.username, unit.name, role.label());
        }
        UserCommand::Passwd { username, .. } => {
            let user = service::find_by_username(&db, &username)
                .await
                .map_err(explain)?
                .ok_or_else(|| anyhow!("用户 {username} 不存在"))?;
            let password = read_password()?;
            service::set_password(&db, &user, &password, false, now).await.map_err(explain)?;
            let entry = AuditEntry {
                unit_id: Some(user.unit_id),
                action: "user.password.reset",
                target_type: "user",
                target_id: Some(user.id.to_string()),
                detail: Some("命令行重置".into()),
                ..AuditEntry::default()
            };
            audit::record(&db, entry, now).await.map_err(explain)?;
            println!("已重置 {username} 的密码，其登录已全部失效，API令牌已全部吊销");
        }
    }
    Ok(())
}

/// The unit by code; on an empty tree, the province unit made from `--unit-name`.
async fn find_or_create_root(
    db: &DatabaseConnection,
    code: &str,
    name: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<units::Model> {
    let code_upper = code.trim().to_uppercase();
    if let Some(unit) = units::Entity::find().filter(units::Column::Code.eq(code_upper)).one(db).await? {
        return Ok(unit);
    }
    if units::Entity::find().count(db).await? > 0 {
        bail!("单位 {code} 不存在");
    }
    let name =
        name.ok_or_else(|| anyhow!("数据库中还没有任何单位：请用 --unit-name 给出最上级单位（省总工会）的名称"))?;
    setup::create_province(db, name, code, now).await.map_err(explain)
}
