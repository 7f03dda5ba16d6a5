//! Backups of the local store and a restore that harms no one (issue 17): a consistent copy made
//! while the desk works (one read transaction, SQLCipher's export, compacted), encrypted with the
//! store's own key, daily and on demand, the last 14 kept; a restore that puts a backup in place
//! (re-encrypted with this PC's key when it came from another PC, given that PC's recovery code)
//! and keeps the PC from writing until the province has told it how far its numbering had gone
//! and given back what it had synced.

use super::cipher::{self, StoreKey};
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
        // Made under another name, then renamed: a half-made copy is never listed as a backup.
        let part = path.with_extension("db.part");
        let mut conn = self.writer.acquire().await?;
        let copied = cipher::copy_into(&mut conn, &part, &self.key).await;
        drop(conn);
        if let Err(e) = copied {
            // A USB drive pulled out or full: no half-made copy is left behind.
            let _ = std::fs::remove_file(&part);
            return Err(e);
        }
        std::fs::rename(&part, &path).map_err(io)?;
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

    /// The code that opens this PC's backups on another PC (a replacement for a broken one):
    /// the store's key, written as the office writes it down.
    pub fn recovery_code(&self) -> String {
        self.key.recovery_code()
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
/// app, with this PC's key or the `recovery` code of the PC that made it, or nothing is touched.
pub async fn restore(dir: &Path, file: &Path, recovery: Option<&StoreKey>) -> Result<()> {
    stage(dir, file, recovery).await?;
    Store::open(dir).await?.close().await;
    Ok(())
}

/// Checks a backup and copies it beside the store, encrypted with this PC's key, where the next
/// `Store::open` puts it in place (`take_staged`). The store in use is untouched until then, and
/// so is the backup file.
pub async fn stage(dir: &Path, file: &Path, recovery: Option<&StoreKey>) -> Result<()> {
    let io = |source| StoreError::DataDir { path: dir.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    // Which key opens it: this PC's, the recovery code given, or none (a backup from before the
    // store was encrypted). Nothing is made in the folder until one does.
    let own = cipher::key_of(dir).await?;
    let opens_with = if cipher::is_plain(file) {
        reads_as_store(file, None).await.then_some(None)
    } else {
        let mut found = None;
        for candidate in own.iter().chain(recovery) {
            if reads_as_store(file, Some(candidate)).await {
                found = Some(Some(candidate.clone()));
                break;
            }
        }
        found
    };
    let opens_with = match opens_with {
        Some(opens_with) => opens_with,
        None if cipher::looks_encrypted(file) => {
            let why = if recovery.is_none() { InputError::BackupKeyNeeded } else { InputError::BackupKeyWrong };
            return Err(StoreError::Invalid(vec![why]));
        }
        None => return Err(StoreError::Invalid(vec![InputError::BackupUnreadable])),
    };
    let key = match own {
        Some(key) => key,
        None => cipher::key_for(dir).await?,
    };
    // A copy under another name, then one rename: a cut in the middle stages nothing.
    let part = dir.join(format!("{DB_FILE}{STAGED}.part"));
    if opens_with.as_ref() == Some(&key) {
        std::fs::copy(file, &part).map_err(io)?;
    } else {
        // Re-encrypted with this PC's key, from a copy: the backup itself (on a USB drive,
        // perhaps read-only) is never written to.
        let source = dir.join(format!("{DB_FILE}{STAGED}.source"));
        std::fs::copy(file, &source).map_err(io)?;
        let exported = cipher::export(&source, opens_with.as_ref(), &part, &key).await;
        cipher::overwrite_and_remove(&source).map_err(io)?;
        exported?;
    }
    std::fs::rename(&part, dir.join(format!("{DB_FILE}{STAGED}"))).map_err(io)?;
    Ok(())
}

/// Whether `file`, opened with `key` (or in the clear), reads as a store of this app.
async fn reads_as_store(file: &Path, key: Option<&StoreKey>) -> bool {
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
    let options = match key {
        Some(key) => key.apply(options),
        None => options,
    };
    let check = async {
        let mut conn = sqlx::ConnectOptions::connect(&options).await?;
        let row: Option<(String,)> = sqlx::query_as("SELECT id FROM local_device").fetch_optional(&mut conn).await?;
        sqlx::Connection::close(conn).await?;
        Ok::<_, sqlx::Error>(row)
    };
    matches!(check.await, Ok(Some(_)))
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
