//! An import waiting for confirmation: the parsed drafts kept in the private data folder
//! between the preview and the "确认导入" click, so the file is parsed once and what is stored
//! is exactly what was shown. Only the staff member who uploaded it may confirm it, within an
//! hour.
use super::ProjectDraft;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const LIFETIME: Duration = Duration::hours(1);

#[derive(Debug, Serialize, Deserialize)]
pub struct Stash {
    pub user_id: i32,
    pub campaign_id: i32,
    pub created_at: DateTime<Utc>,
    pub drafts: Vec<ProjectDraft>,
}

fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("import-previews")
}

/// A preview id is a UUID; anything else is refused before it touches the file system.
fn file_of(data_dir: &Path, id: &str) -> AppResult<PathBuf> {
    let id = uuid::Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    Ok(folder(data_dir).join(format!("{}.json", id.simple())))
}

/// Keeps the drafts and returns the preview's id. Old previews are swept on the way.
///
/// # Errors
/// Internal, when the data folder cannot be written.
pub async fn save(
    data_dir: &Path,
    user_id: i32,
    campaign_id: i32,
    drafts: &[ProjectDraft],
    now: DateTime<Utc>,
) -> AppResult<String> {
    let dir = folder(data_dir);
    tokio::fs::create_dir_all(&dir).await.map_err(AppError::internal)?;
    sweep(&dir).await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let stash = Stash { user_id, campaign_id, created_at: now, drafts: drafts.to_vec() };
    let bytes = serde_json::to_vec(&stash).map_err(AppError::internal)?;
    tokio::fs::write(file_of(data_dir, &id)?, bytes).await.map_err(AppError::internal)?;
    Ok(id)
}

/// Takes the preview (it can be confirmed once).
///
/// # Errors
/// `NotFound` for an unknown, foreign or expired preview.
pub async fn take(data_dir: &Path, id: &str, user_id: i32, now: DateTime<Utc>) -> AppResult<Stash> {
    let path = file_of(data_dir, id)?;
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)?;
    let stash: Stash = serde_json::from_slice(&bytes).map_err(|_| AppError::NotFound)?;
    if stash.user_id != user_id {
        return Err(AppError::NotFound);
    }
    let _ = tokio::fs::remove_file(&path).await;
    if now - stash.created_at > LIFETIME {
        return Err(AppError::conflict("预览已过期，请重新上传文件"));
    }
    Ok(stash)
}

/// Removes previews nobody confirmed within a day (by file age).
async fn sweep(dir: &Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else { return };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let stale = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_hours(24));
        if stale {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}
