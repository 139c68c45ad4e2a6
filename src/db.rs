//! Connecting to SQLite (a file, WAL, durable commits) or PostgreSQL through the same code.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use std::time::Duration;

/// Opens the pool. For SQLite the file and its folder are created on first start, with the
/// pragmas that make an acknowledged write survive power loss.
///
/// # Errors
/// When the database cannot be reached or the file cannot be created.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(driver_url(url).to_owned());
    options.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
    if is_sqlite(url) {
        ensure_sqlite_folder(url)?;
        options.max_connections(8).min_connections(1).map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(15))
                .foreign_keys(true)
        });
    } else {
        options.max_connections(16).min_connections(1);
        if let Some(schema) = search_path_of(url) {
            options.set_schema_search_path(schema);
        }
    }
    Database::connect(options).await
}

/// Connects and brings the schema up to date.
///
/// # Errors
/// As [`connect`], or when a migration fails.
pub async fn connect_and_migrate(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    Migrator::up(&db, None).await?;
    Ok(db)
}

#[must_use]
pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

fn ensure_sqlite_folder(url: &str) -> Result<(), DbErr> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
    }
    Ok(())
}

/// `postgres://…?options=…` is awkward for a schema; gongshi accepts `…#schema=NAME` instead,
/// which lets tests (and shared servers) keep each database in its own schema.
fn search_path_of(url: &str) -> Option<String> {
    url.split_once("#schema=").map(|(_, s)| s.to_owned())
}

/// The URL without the gongshi-specific fragment, for drivers that would reject it.
#[must_use]
pub fn driver_url(url: &str) -> &str {
    url.split_once("#schema=").map_or(url, |(u, _)| u)
}

/// Starts a transaction that writes. On SQLite it takes the write lock at BEGIN (IMMEDIATE),
/// so a transaction that reads first cannot fail later on a stale snapshot; on PostgreSQL it
/// is an ordinary transaction.
///
/// # Errors
/// When the database cannot start the transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
