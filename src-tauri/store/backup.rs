//! Backups of the local store and a restore that harms no one (issue 17): a consistent copy made
//! while the desk works (`VACUUM INTO`, SQLite's own online copy, compacted), daily and on demand,
//! the last 14 kept; a restore that puts a backup in place and keeps the PC from writing until
//! the province has told it how far its numbering had gone and given back what it had synced.

use super::{Result, Store, StoreError, DB_FILE};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use thanthien_core::ipc::{BackupFile, BackupStatus};
use thanthien_core::visit::InputError;

/// How many backups a folder keeps: two weeks of daily ones.
pub const KEEP: usize = 14;
/// Every backup's name starts so; the rest is its time (UTC), so names sort by age.
const PREFIX: &str = "thanthien-sao-luu-";

impl Store {
    /// The folder the daily backup goes to: the admin's choice, else `Sao lưu` beside the store.
    pub async fn backup_dir(&self) -> Result<PathBuf> {
        let (dir,): (Option<String>,) =
            sqlx::query_as("SELECT backup_dir FROM local_device").fetch_one(&self.reader).await?;
        Ok(dir.map(PathBuf::from).unwrap_or_else(|| self.path.with_file_name("Sao lưu")))
    }

    pub async fn set_backup_dir(&self, dir: &Path) -> Result<()> {
        sqlx::query("UPDATE local_device SET backup_dir = ?")
            .bind(dir.to_string_lossy().into_owned())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Copies the store, consistent and compacted, into `dir` (made if needed) while the desk
    /// goes on working; keeps the newest `KEEP` there. Returns the new file.
    pub async fn backup_to(&self, dir: &Path) -> Result<PathBuf> {
        let io = |source| StoreError::DataDir { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let now = Utc::now();
        let path = dir.join(format!("{PREFIX}{}.db", now.format("%Y%m%d-%H%M%S-%3f")));
        sqlx::query("VACUUM INTO ?").bind(path.to_string_lossy().into_owned()).execute(&self.writer).await?;
        let mut kept = backups_in(dir).map_err(io)?;
        while kept.len() > KEEP {
            let oldest = kept.remove(0);
            std::fs::remove_file(&oldest).map_err(io)?;
        }
        Ok(path)
    }

    /// A backup into the chosen folder now ("Sao lưu ngay").
    pub async fn backup_now(&self) -> Result<PathBuf> {
        self.backup_to(&self.backup_dir().await?).await
    }

    /// The day's backup, if the folder has none from today (local): the background loop asks.
    pub async fn backup_if_due(&self) -> Result<Option<PathBuf>> {
        let dir = self.backup_dir().await?;
        let today = thanthien_core::time::local_day(self.now());
        let latest = backups_in(&dir).ok().and_then(|b| b.last().cloned());
        if latest.as_deref().and_then(backup_time).is_some_and(|at| thanthien_core::time::local_day(at) >= today) {
            return Ok(None);
        }
        self.backup_to(&dir).await.map(Some)
    }

    /// Where backups go, the ones there (newest first), and whether a restore waits.
    pub async fn backup_status(&self) -> Result<BackupStatus> {
        let dir = self.backup_dir().await?;
        let mut backups: Vec<BackupFile> = backups_in(&dir)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|path| {
                let at = backup_time(&path)?;
                let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                Some(BackupFile { name: path.file_name()?.to_string_lossy().into_owned(), at, bytes })
            })
            .collect();
        backups.reverse();
        let data_dir = self.path.parent().unwrap_or(Path::new("."));
        Ok(BackupStatus {
            folder: dir.display().to_string(),
            backups,
            restore_staged: staged(data_dir),
            recovering: self.recovering().await?,
        })
    }

    /// Whether this PC was restored and has not yet heard from the province since.
    pub async fn recovering(&self) -> Result<bool> {
        let (recovering,): (bool,) =
            sqlx::query_as("SELECT recovering FROM local_device").fetch_one(&self.reader).await?;
        Ok(recovering)
    }

    /// What the province said of this PC's own numbering at a pull: its settled seq. The PC
    /// numbers on from there (never reusing a seq it had pushed), counts it settled, and is no
    /// longer recovering once a whole pull has come in.
    pub async fn settle_own_seq(&self, settled: i64, pulled_all: bool) -> Result<()> {
        sqlx::query(
            "UPDATE local_device SET last_seq = max(last_seq, ?1), acked_seq = max(acked_seq, ?1),
                 recovering = CASE WHEN ?2 THEN 0 ELSE recovering END",
        )
        .bind(settled)
        .bind(pulled_all)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}

/// Puts the backup `file` in place as the store of `dir`, marked as restored: the PC writes
/// nothing until its next sync round has run. The store must not be open (the window stages the
/// file instead, and the next start puts it in place). The backup must read as a store of this
/// app, or nothing is touched.
pub async fn restore(dir: &Path, file: &Path) -> Result<()> {
    stage(dir, file).await?;
    Store::open(dir).await?.close().await;
    Ok(())
}

/// Checks a backup and copies it beside the store, where the next `Store::open` puts it in
/// place (`take_staged`). The store in use is untouched until then.
pub async fn stage(dir: &Path, file: &Path) -> Result<()> {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
    let check = async {
        let mut conn = sqlx::ConnectOptions::connect(&options).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM local_device").fetch_optional(&mut conn).await?;
        sqlx::Connection::close(conn).await?;
        Ok::<_, sqlx::Error>(row)
    };
    match check.await {
        Ok(Some(_)) => {}
        _ => return Err(StoreError::Invalid(vec![InputError::BackupUnreadable])),
    }
    let io = |source| StoreError::DataDir { path: dir.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    // A copy under another name, then one rename: a cut in the middle stages nothing.
    let part = dir.join(format!("{DB_FILE}{STAGED}.part"));
    std::fs::copy(file, &part).map_err(io)?;
    std::fs::rename(&part, dir.join(format!("{DB_FILE}{STAGED}"))).map_err(io)?;
    Ok(())
}

/// Whether a restore is staged and waits for the next start.
pub fn staged(dir: &Path) -> bool {
    dir.join(format!("{DB_FILE}{STAGED}")).exists()
}

/// A staged backup goes in place of the store, its journal files removed; true when one did
/// (the caller marks the store as recovering). Runs under the data folder's migration lock,
/// before any connection is open.
pub(super) fn take_staged(dir: &Path) -> std::io::Result<bool> {
    let staged = dir.join(format!("{DB_FILE}{STAGED}"));
    if !staged.exists() {
        return Ok(false);
    }
    for stale in ["-wal", "-shm"] {
        let path = dir.join(format!("{DB_FILE}{stale}"));
        if path.exists() {
            std::fs::remove_file(&path)?;
        }
    }
    std::fs::rename(&staged, dir.join(DB_FILE))?;
    Ok(true)
}

/// The suffix of a backup staged for the next start.
const STAGED: &str = ".restoring";

/// The backups in `dir`, oldest first.
fn backups_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".db")))
        .collect();
    found.sort();
    Ok(found)
}

/// When a backup was made, from its name.
fn backup_time(path: &Path) -> Option<DateTime<Utc>> {
    let name = path.file_name()?.to_str()?.strip_prefix(PREFIX)?.strip_suffix(".db")?;
    chrono::NaiveDateTime::parse_from_str(name, "%Y%m%d-%H%M%S-%3f").ok().map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_backup_is_dated_by_its_name() {
        let at = super::backup_time(std::path::Path::new("/x/thanthien-sao-luu-20261201-083000-123.db")).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T08:30:00.123+00:00");
        assert!(super::backup_time(std::path::Path::new("/x/other.db")).is_none());
    }
}
