//! This PC's own settings, set in Cài đặt and never synced: the idle lock, the folder exports are
//! saved in, and whether the first-start wizard is still to be done.

use super::{Result, Store, StoreError};
use std::path::{Path, PathBuf};
use thanthien_core::ipc::EnrollmentStatus;

impl Store {
    /// The idle lock the admin set, in minutes; `None` keeps core's default.
    pub async fn idle_lock_minutes(&self) -> Result<Option<u32>> {
        let (minutes,): (Option<i64>,) =
            sqlx::query_as("SELECT idle_lock_minutes FROM local_device").fetch_one(&self.reader).await?;
        Ok(minutes.and_then(|m| u32::try_from(m).ok()))
    }

    /// Sets the idle lock, within core's limits; returns it as a duration.
    pub async fn set_idle_lock_minutes(&self, minutes: u32) -> Result<chrono::Duration> {
        let limit = thanthien_core::account::idle_lock(minutes).map_err(|e| StoreError::Invalid(vec![e]))?;
        sqlx::query("UPDATE local_device SET idle_lock_minutes = ?").bind(minutes).execute(&self.writer).await?;
        tracing::info!(minutes, by = ?self.user, "idle lock set");
        Ok(limit)
    }

    /// The folder the admin chose for exports, if any.
    pub async fn export_dir(&self) -> Result<Option<PathBuf>> {
        let (dir,): (Option<String>,) =
            sqlx::query_as("SELECT export_dir FROM local_device").fetch_one(&self.reader).await?;
        Ok(dir.map(PathBuf::from))
    }

    pub async fn set_export_dir(&self, dir: &Path) -> Result<()> {
        sqlx::query("UPDATE local_device SET export_dir = ?")
            .bind(dir.to_string_lossy().into_owned())
            .execute(&self.writer)
            .await?;
        tracing::info!(dir = %dir.display(), by = ?self.user, "export folder set");
        Ok(())
    }

    /// Whether the first-start wizard is still to be done (set with the first admin account).
    pub async fn setup_pending(&self) -> Result<bool> {
        let (pending,): (bool,) =
            sqlx::query_as("SELECT setup_pending FROM local_device").fetch_one(&self.reader).await?;
        Ok(pending)
    }

    /// The wizard was finished or skipped: every step stays in Cài đặt.
    pub async fn finish_setup(&self) -> Result<()> {
        sqlx::query("UPDATE local_device SET setup_pending = 0").execute(&self.writer).await?;
        Ok(())
    }

    /// Where this PC stands with the province: server, commune, ticket series, and the badge's figures.
    pub async fn enrollment_status(&self, device_name: Option<String>) -> Result<EnrollmentStatus> {
        let (server_url, commune_code, commune_name, ticket_series): (
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        ) = sqlx::query_as("SELECT server_url, commune_code, commune_name, ticket_series FROM local_device")
            .fetch_one(&self.reader)
            .await?;
        Ok(EnrollmentStatus {
            device_id: self.device_id,
            device_name,
            server_url,
            commune_code,
            commune_name,
            ticket_series,
            sync: self.sync_status().await?,
        })
    }
}
