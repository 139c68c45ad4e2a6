//! Connecting to SQLite (a file, WAL, durable commits, secure delete) or PostgreSQL through the same code.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement,
};
use std::sync::atomic::{AtomicU64, Ordering};
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
                // Deleted and overwritten content is zeroed in the file, so an erased
                // identity leaves no trace in free pages (docs/ACCESS.md, "Key management").
                .pragma("secure_delete", "ON")
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
/// is an ordinary transaction. It notes what the public sees ([`public_versions`]) as it begins,
/// so its commit can tell whether it changed any of it.
///
/// # Errors
/// When the database cannot start the transaction.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    let seen = public_versions(&txn).await?;
    Ok(WriteTxn { txn, seen })
}

/// Write transactions committed by this process that changed what the public sees, for caches
/// of public pages: when it moves, they read the database's versions again at once.
static WRITES_COMMITTED: AtomicU64 = AtomicU64::new(0);

/// How many write transactions this process has committed that changed what the public sees.
#[must_use]
pub fn writes_committed() -> u64 {
    WRITES_COMMITTED.load(Ordering::Acquire)
}

/// The database's count of changes to public tables. Triggers bump it in the same transaction
/// as any insert, update or delete on a table public pages read (`migration::PUBLIC_TABLES`),
/// whoever writes — this process, another instance, or SQL run by hand.
///
/// # Errors
/// Database failure.
pub async fn public_generation<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let stmt = Statement::from_string(db.get_database_backend(), "SELECT generation FROM public_changes WHERE id = 1");
    let row = db.query_one_raw(stmt).await?.ok_or_else(|| DbErr::RecordNotFound("public_changes".into()))?;
    row.try_get_by_index::<i64>(0)
}

/// Everything public pages depend on besides the clock: the public generation, and the ledger's
/// last sequence number (the ledger is append-only, so a new entry always moves it).
///
/// # Errors
/// Database failure.
pub async fn public_versions<C: ConnectionTrait>(db: &C) -> Result<PublicVersions, DbErr> {
    let sql = "SELECT (SELECT generation FROM public_changes WHERE id = 1), (SELECT COALESCE(MAX(seq), 0) FROM ledger)";
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("public_changes".into()))?;
    Ok(PublicVersions { generation: row.try_get_by_index::<i64>(0)?, ledger: row.try_get_by_index::<i64>(1)? })
}

/// See [`public_versions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicVersions {
    pub generation: i64,
    pub ledger: i64,
}

/// A write transaction from [`begin_write`]. Use it as any connection; its [`commit`]
/// (WriteTxn::commit) also tells this process's caches to look for public changes at once when
/// it made any, so no writer has to remember to — and a write the public never sees (the
/// outbox, webhook deliveries, job leases) leaves them serving from memory, however often it
/// commits.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    seen: PublicVersions,
}

impl WriteTxn {
    /// Commits, then lets this process's public caches know when what the public sees changed.
    /// Returns whether it did.
    ///
    /// # Errors
    /// When the commit fails (nothing was written).
    pub async fn commit(self) -> Result<bool, DbErr> {
        // Triggers bump the generation inside this transaction, so this read sees its own writes.
        let public_change = public_versions(&self.txn).await? != self.seen;
        self.txn.commit().await?;
        if public_change {
            WRITES_COMMITTED.fetch_add(1, Ordering::AcqRel);
        }
        Ok(public_change)
    }

    /// Undoes everything (dropping the transaction does the same).
    ///
    /// # Errors
    /// When the database cannot roll back.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
