//! `gongshi backup` and `gongshi restore` for a SQLite install: one zip archive holding a
//! consistent copy of the database, taken online with `VACUUM INTO` while the server keeps
//! taking objections, and the data folder (evidence files and the master key). PostgreSQL is
//! backed up with its own tools (docs/OPERATIONS.md).
//!
//! The database is copied first and the files after: an evidence file is placed before the row
//! naming it commits, so every row in the copy finds its file in the archive.
use anyhow::{Context, bail};
use sea_orm::ConnectionTrait;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// The database's name inside the archive.
const DATABASE_ENTRY: &str = "gongshi.db";
/// The folder the data directory's files go under inside the archive.
const DATA_PREFIX: &str = "data/";

const POSTGRES_BACKUP: &str = "PostgreSQL 数据库不能用 gongshi backup 备份：请用 pg_dump -Fc 备份数据库，\
并另行复制数据目录（证据文件与 master.key），步骤见 docs/OPERATIONS.md";
const POSTGRES_RESTORE: &str = "PostgreSQL 数据库请用 pg_restore 恢复，步骤见 docs/OPERATIONS.md";

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupSummary {
    pub files: usize,
    pub bytes: u64,
}

/// The file a `sqlite:` URL names, or `None` for another database or an in-memory one.
#[must_use]
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if !crate::db::is_sqlite(url) {
        return None;
    }
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Writes the archive `out` from the running install at `database_url` / `data_dir`.
///
/// # Errors
/// For PostgreSQL, when `out` already exists, or on any database or file error.
pub async fn backup(database_url: &str, data_dir: &Path, out: &Path) -> anyhow::Result<BackupSummary> {
    let Some(live) = sqlite_file(database_url) else {
        if crate::db::is_sqlite(database_url) {
            bail!("内存数据库无法备份");
        }
        bail!(POSTGRES_BACKUP);
    };
    if !live.is_file() {
        bail!("数据库文件 {} 不存在", live.display());
    }
    if out.exists() {
        bail!("备份文件 {} 已存在，不会覆盖", out.display());
    }
    let snapshot = sibling(out, "db-snapshot");
    let partial = sibling(out, "partial");
    let result = async {
        copy_database(database_url, &snapshot).await?;
        let summary = write_archive(&partial, &snapshot, data_dir, &live)?;
        std::fs::rename(&partial, out).with_context(|| format!("无法写入 {}", out.display()))?;
        sync_folder(out);
        Ok(summary)
    }
    .await;
    let _ = std::fs::remove_file(&snapshot);
    let _ = std::fs::remove_file(&partial);
    result
}

/// Makes the archive's name durable (the rename is a change to its folder). Best effort: some
/// file systems cannot open a folder for syncing.
fn sync_folder(file: &Path) {
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// `out` with a suffix, in the same folder (so the final rename stays on one file system).
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    out.with_file_name(name)
}

/// A consistent copy of the live database, as of one read transaction, while writers go on.
async fn copy_database(database_url: &str, snapshot: &Path) -> anyhow::Result<()> {
    let db = crate::db::connect(database_url).await.context("无法打开数据库")?;
    let target = snapshot.to_str().context("备份路径须为 UTF-8")?.replace('\'', "''");
    db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await.context("无法复制数据库（VACUUM INTO）")?;
    db.close().await.ok();
    Ok(())
}

fn private_file_options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
        .unix_permissions(0o600)
}

fn write_archive(partial: &Path, snapshot: &Path, data_dir: &Path, live: &Path) -> anyhow::Result<BackupSummary> {
    // The archive holds the master key: readable by its owner only.
    let file = create_private(partial).with_context(|| format!("无法创建 {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let mut summary = BackupSummary { files: 0, bytes: 0 };
    add_file(&mut zip, DATABASE_ENTRY, snapshot, &mut summary)?;
    let skipped = live_database_files(live);
    if data_dir.is_dir() {
        for (name, path) in data_files(data_dir)? {
            if !skipped.iter().any(|s| same_file(s, &path)) {
                add_file(&mut zip, &format!("{DATA_PREFIX}{name}"), &path, &mut summary)?;
            }
        }
    }
    // On disk before the rename that names it complete, so a power cut after 备份完成 cannot
    // leave a truncated archive under the final name.
    let mut written = zip.finish()?;
    written.flush()?;
    written.get_ref().sync_all()?;
    Ok(summary)
}

fn add_file<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    name: &str,
    path: &Path,
    summary: &mut BackupSummary,
) -> anyhow::Result<()> {
    let mut source = File::open(path).with_context(|| format!("无法读取 {}", path.display()))?;
    zip.start_file(name, private_file_options())?;
    summary.bytes += std::io::copy(&mut source, zip)?;
    summary.files += 1;
    Ok(())
}

/// The live database and its journal files, which may sit in the data folder (the default
/// `sqlite://data/gongshi.db`): the archive has the consistent copy instead.
fn live_database_files(live: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = live.as_os_str().to_os_string();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Every regular file under `dir` with its `/`-separated name, but uploads still arriving
/// (`attachments/incoming`), which no row names yet.
fn data_files(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), dir.to_path_buf())];
    while let Some((prefix, folder)) = pending.pop() {
        for entry in std::fs::read_dir(&folder).with_context(|| format!("无法读取 {}", folder.display()))? {
            let entry = entry?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type()?;
            if kind.is_dir() && name != "attachments/incoming" {
                pending.push((format!("{name}/"), entry.path()));
            } else if kind.is_file() {
                found.push((name, entry.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Unpacks `archive` into a new database file and a new (or empty) data folder.
///
/// # Errors
/// For PostgreSQL, when the database file exists or the folder is not empty, for an archive
/// that is not a gongshi backup, or on any file error.
pub fn restore(archive: &Path, database_url: &str, data_dir: &Path) -> anyhow::Result<BackupSummary> {
    let Some(target) = sqlite_file(database_url) else {
        bail!(POSTGRES_RESTORE);
    };
    if target.exists() {
        bail!("数据库文件 {} 已存在：请恢复到新的位置", target.display());
    }
    if data_dir.exists() && std::fs::read_dir(data_dir)?.next().is_some() {
        bail!("数据目录 {} 不是空的：请恢复到新的目录", data_dir.display());
    }
    let file = File::open(archive).with_context(|| format!("无法打开备份文件 {}", archive.display()))?;
    let mut zip = zip::ZipArchive::new(file).context("不是有效的备份文件（zip）")?;
    if zip.index_for_name(DATABASE_ENTRY).is_none() {
        bail!("备份文件中没有数据库（{DATABASE_ENTRY}）");
    }
    std::fs::create_dir_all(data_dir)?;
    let mut summary = BackupSummary { files: 0, bytes: 0 };
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index)?;
        if !entry.is_file() {
            continue;
        }
        let name = entry.enclosed_name().context("备份文件中有不安全的路径")?;
        let destination = if name == Path::new(DATABASE_ENTRY) {
            target.clone()
        } else if let Ok(inside) = name.strip_prefix(DATA_PREFIX) {
            data_dir.join(inside)
        } else {
            continue;
        };
        if let Some(parent) = destination.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = create_private(&destination).with_context(|| format!("无法写入 {}", destination.display()))?;
        summary.bytes += std::io::copy(&mut entry, &mut out)?;
        out.sync_all()?;
        summary.files += 1;
    }
    Ok(summary)
}
