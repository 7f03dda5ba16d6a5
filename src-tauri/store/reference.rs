//! Reference data the desk works with: the procedure catalogue, the working-day calendar, the
//! retention periods and the slips' wording (from the province) and the office hours (set by the
//! commune, shared by its PCs). The built-in starter set serves until the province publishes
//! newer versions, which sync brings in and this module keeps (the newest of each kind).

use super::{corrupt, Result, Store, StoreError};
use chrono::Utc;
use sqlx::{Sqlite, Transaction};
use std::sync::Arc;
use thanthien_core::calendar::{reference_years, WorkCalendar, STARTER_CALENDAR};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::procedure::{parse_catalogue, OfficeHours, Procedure, STARTER_CATALOGUE};
use thanthien_core::retention::Retention;
use thanthien_core::slip::SlipWording;
use thanthien_core::time::stamp;
use thanthien_core::wire::{ReferenceKind, ReferenceRelease};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Reference {
    pub catalogue: Vec<Procedure>,
    pub calendar: WorkCalendar,
    pub hours: OfficeHours,
    /// How long each register keeps personal data: the province's periods, else core's defaults.
    pub retention: Retention,
    /// The one-stop slips' words: the province's, else the 01/2018 forms'.
    pub slips: SlipWording,
    /// The releases and hours in use, as text: a stored week's figures hold for these only.
    pub figures_basis: String,
}

impl Reference {
    /// Builds the set from a catalogue and a calendar body; a body that does not read falls back
    /// to the built-in one (and says so in the log) rather than leaving the desk without one.
    fn build(catalogue: Option<&str>, holidays: Option<&str>, hours: OfficeHours) -> Reference {
        let catalogue = catalogue
            .and_then(|body| {
                parse_catalogue(body).map_err(|e| tracing::error!(error = %e, "stored catalogue unreadable")).ok()
            })
            .or_else(|| parse_catalogue(STARTER_CATALOGUE).ok())
            .unwrap_or_default();
        let years = holidays
            .and_then(|body| {
                reference_years(body).map_err(|e| tracing::error!(error = %e, "stored calendar unreadable")).ok()
            })
            .or_else(|| reference_years(STARTER_CALENDAR).ok())
            .unwrap_or_default();
        Reference {
            catalogue,
            calendar: WorkCalendar::with_published(years),
            hours,
            retention: Retention::default(),
            slips: SlipWording::default(),
            figures_basis: format!("hours={}", serde_json::to_string(&hours).unwrap_or_default()),
        }
    }

    /// The set compiled into the app (core's tests keep it readable).
    pub fn starter() -> Reference {
        Reference::build(None, None, OfficeHours::default())
    }
}

impl Store {
    /// The reference data in use now.
    pub fn reference(&self) -> Arc<Reference> {
        self.reference.read().map_or_else(|poisoned| poisoned.into_inner().clone(), |r| r.clone())
    }

    /// Puts the newest stored releases into use (the starter set stays when none is stored).
    pub(super) async fn load_reference(&self) -> Result<()> {
        let rows: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT kind, body, version FROM reference_release ORDER BY kind")
                .fetch_all(&self.reader)
                .await?;
        let hours: Option<(String,)> =
            sqlx::query_as("SELECT value FROM office_setting WHERE key = 'hours'").fetch_optional(&self.reader).await?;
        let hours = hours
            .and_then(|(json,)| {
                serde_json::from_str::<OfficeHours>(&json)
                    .map_err(|e| tracing::error!(error = %e, "stored office hours unreadable"))
                    .ok()
            })
            .unwrap_or_default();
        let body = |kind: ReferenceKind| rows.iter().find(|(k, _, _)| k == kind.wire()).map(|(_, b, _)| b.as_str());
        let mut fresh = Reference::build(body(ReferenceKind::Procedures), body(ReferenceKind::Holidays), hours);
        let releases: Vec<String> = rows.iter().map(|(kind, _, version)| format!("{kind}={version}")).collect();
        fresh.figures_basis = format!("{};{}", releases.join(","), fresh.figures_basis);
        if let Some(published) = body(ReferenceKind::Retention) {
            match Retention::parse(published) {
                Ok(retention) => fresh.retention = retention,
                Err(e) => tracing::error!(error = %e, "stored retention periods unreadable"),
            }
        }
        if let Some(published) = body(ReferenceKind::Slips) {
            match SlipWording::parse(published) {
                Ok(slips) => fresh.slips = slips,
                Err(e) => tracing::error!(error = %e, "stored slip wording unreadable"),
            }
        }
        let fresh = Arc::new(fresh);
        match self.reference.write() {
            Ok(mut slot) => *slot = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Sets the office's opening hours for every PC of the commune (an `office.hours_set` event).
    pub async fn set_office_hours(&self, hours: OfficeHours) -> Result<()> {
        hours.check().map_err(|e| StoreError::Invalid(vec![e]))?;
        let body = EventBody::OfficeHours(hours);
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &body, Uuid::nil()).await?;
        project_hours(&mut tx, &event, &hours).await?;
        tx.commit().await?;
        self.load_reference().await
    }

    /// The version to ask the province for releases after.
    pub async fn reference_version(&self) -> Result<i64> {
        let (version,): (Option<i64>,) =
            sqlx::query_as("SELECT max(version) FROM reference_release").fetch_one(&self.reader).await?;
        Ok(version.unwrap_or(0))
    }

    /// Keeps the releases that read as their kind and are newer than what is held, and puts them
    /// in use. Returns how many were taken; one that does not read is logged and skipped.
    pub async fn apply_reference(&self, releases: &[ReferenceRelease]) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let mut taken = 0;
        for release in releases {
            let body = release.body.to_string();
            if let Err(e) = release.kind.check(&body) {
                tracing::warn!(version = release.version, error = %e, "reference release refused");
                continue;
            }
            let done = sqlx::query(
                "INSERT INTO reference_release (kind, version, body, received_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (kind) DO UPDATE SET version = excluded.version, body = excluded.body,
                     received_at = excluded.received_at
                 WHERE excluded.version > reference_release.version",
            )
            .bind(release.kind.wire())
            .bind(release.version)
            .bind(body)
            .bind(stamp(Utc::now()))
            .execute(&mut *tx)
            .await?;
            taken += done.rows_affected() as usize;
        }
        tx.commit().await?;
        if taken > 0 {
            self.load_reference().await?;
        }
        Ok(taken)
    }
}

/// Keeps the office hours an event sets, unless a later clock already set them.
pub(super) async fn project_hours(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    hours: &OfficeHours,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO office_setting (key, value, hlc) VALUES ('hours', ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, hlc = excluded.hlc WHERE excluded.hlc > office_setting.hlc",
    )
    .bind(serde_json::to_string(hours).map_err(corrupt)?)
    .bind(event.hlc.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
