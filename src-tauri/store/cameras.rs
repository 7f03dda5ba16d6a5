//! The camera register in the local store: the registry, check-ins (manual and automatic),
//! the cameras as the Camera screen shows them, and the facts for the weekly summary.

use super::{corrupt, invalid, parse_stamp, Result, Store, StoreError};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sqlx::{Sqlite, Transaction};
use std::collections::BTreeMap;
use std::str::FromStr;
use thanthien_core::camera::{
    missed_checks, outage_windows, Camera, CameraChange, CameraChecked, CameraFacts, CameraInput, CameraListed,
    CameraOnDuty, CheckItem, CheckResult, Shift,
};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::summary::CameraPeriod;
use thanthien_core::time::{day_bounds, local_day, stamp};
use thanthien_core::visit::InputError;
use uuid::Uuid;

/// How far back the Camera screen looks for missed checks.
const MISSED_LOOKBACK_DAYS: u64 = 7;
/// How far before a period the summary looks for the start of an outage still open.
const OUTAGE_LOOKBACK_DAYS: i64 = 90;

struct CameraRow {
    id: Uuid,
    listed: CameraListed,
    listed_at: DateTime<Utc>,
    retired_at: Option<DateTime<Utc>>,
}

impl CameraRow {
    fn on_duty(&self) -> CameraOnDuty {
        CameraOnDuty { id: self.id, listed_at: self.listed_at, active: self.listed.active, retired_at: self.retired_at }
    }
}

impl Store {
    /// Registers a camera (`id` `None`) or corrects its entry, as of `at`: a new camera's service
    /// starts then (a paper book entered later gives the day it really started), and a camera
    /// taken out of service owes its checks up to then.
    pub async fn list_camera(&self, id: Option<Uuid>, input: CameraInput, at: DateTime<Utc>) -> Result<Camera> {
        let mut listed = CameraListed::parse(input).map_err(StoreError::Invalid)?;
        listed.at = Some(self.instant(at)?);
        let id = id.unwrap_or_else(Uuid::now_v7);
        let mut tx = self.begin_write().await?;
        let change = CameraChange::Listed(listed);
        let event = self.append(&mut tx, &EventBody::Camera(change.clone()), id).await?;
        project(&mut tx, &event, &change).await?;
        tx.commit().await?;
        self.camera(id, self.now()).await
    }

    /// Records a check-in. A manual one covers the whole checklist; an automatic one (the probe)
    /// only reachability. An inactive camera takes no checks.
    pub async fn check_camera(
        &self,
        id: Uuid,
        items: BTreeMap<CheckItem, CheckResult>,
        automatic: bool,
        by: Option<String>,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<Camera> {
        let checked =
            CameraChecked::parse(self.instant(at)?, items, automatic, by, note).map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        match service_start(&mut tx, id).await? {
            None => return Err(invalid(InputError::CameraNotFound)),
            Some((false, _)) => return Err(invalid(InputError::CameraInactive)),
            Some((true, since)) => checked.check_start(Some(since)).map_err(invalid)?,
        }
        let change = CameraChange::Checked(checked);
        let event = self.append(&mut tx, &EventBody::Camera(change.clone()), id).await?;
        project(&mut tx, &event, &change).await?;
        tx.commit().await?;
        self.camera(id, self.now()).await
    }

    pub async fn camera(&self, id: Uuid, now: DateTime<Utc>) -> Result<Camera> {
        self.cameras(now).await?.into_iter().find(|c| c.id == id).ok_or_else(|| invalid(InputError::CameraNotFound))
    }

    async fn camera_rows(&self) -> Result<Vec<CameraRow>> {
        type Row = (String, String, Option<i64>, Option<String>, Option<String>, bool, String, Option<String>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, name, counter, location, address, active, listed_at, retired_at FROM camera
             ORDER BY NOT active, counter IS NULL, counter, name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, name, counter, location, address, active, listed_at, retired_at)| {
                let input = CameraInput {
                    name,
                    counter: counter.and_then(|c| u16::try_from(c).ok()),
                    location,
                    address,
                    active,
                };
                Ok(CameraRow {
                    id: Uuid::from_str(&id).map_err(corrupt)?,
                    listed: CameraListed::parse(input).map_err(|e| corrupt(format!("{e:?}")))?,
                    listed_at: parse_stamp(&listed_at)?,
                    retired_at: retired_at.as_deref().map(parse_stamp).transpose()?,
                })
            })
            .collect()
    }

    /// Checks of every camera in `[from, to)`, oldest first.
    async fn checks_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<(Uuid, CameraChecked)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT camera_id, payload FROM camera_check WHERE checked_at >= ? AND checked_at < ? ORDER BY checked_at",
        )
        .bind(stamp(from))
        .bind(stamp(to))
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, payload)| {
                Ok((Uuid::from_str(&id).map_err(corrupt)?, serde_json::from_str(&payload).map_err(corrupt)?))
            })
            .collect()
    }

    /// Every camera, active first, with its last check, the outage in progress, and the shifts
    /// of the last week it missed, as of `now`.
    pub async fn cameras(&self, now: DateTime<Utc>) -> Result<Vec<Camera>> {
        let reference = self.reference();
        let rows = self.camera_rows().await?;
        let today = local_day(now);
        let from = today.checked_sub_days(Days::new(MISSED_LOOKBACK_DAYS)).unwrap_or(today);
        // The same bounded look back as the summary: the screen's read stays the same size as
        // the years of checks pile up.
        let since = now - chrono::Duration::days(OUTAGE_LOOKBACK_DAYS);
        let all_checks = self.checks_between(since, now + chrono::Duration::minutes(1)).await?;
        let duty: Vec<CameraOnDuty> = rows.iter().map(CameraRow::on_duty).collect();
        let manual: Vec<(Uuid, DateTime<Utc>)> =
            all_checks.iter().filter(|(_, c)| !c.automatic).map(|(id, c)| (*id, c.checked_at)).collect();
        let missed = missed_checks(&duty, &manual, from, today, now, &reference.calendar, &reference.hours);
        let this_shift = Shift::of(now, &reference.hours);
        Ok(rows
            .into_iter()
            .map(|row| {
                let checks: Vec<&CameraChecked> =
                    all_checks.iter().filter(|(id, _)| *id == row.id).map(|(_, c)| c).collect();
                let outage = outage_windows(&checks).into_iter().last().filter(|o| o.to.is_none());
                let checked_this_shift =
                    checks.iter().any(|c| !c.automatic && Shift::of(c.checked_at, &reference.hours) == this_shift);
                Camera {
                    id: row.id,
                    name: row.listed.name.to_string(),
                    counter: row.listed.counter.map(u16::from),
                    location: row.listed.location.map(|l| l.to_string()),
                    address: row.listed.address.map(|a| a.as_str().to_owned()),
                    active: row.listed.active,
                    last_check: checks.last().map(|c| (*c).clone()),
                    outage,
                    missed: missed.iter().filter(|(id, _)| *id == row.id).map(|(_, s)| *s).collect(),
                    checked_this_shift,
                }
            })
            .collect())
    }

    /// Each camera's facts for the days `from..=to`, as of `now`: checks done, missed and failed,
    /// and every outage that overlaps the period.
    pub async fn camera_periods(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<CameraPeriod>> {
        let reference = self.reference();
        let (start, _) = day_bounds(from);
        let (_, end) = day_bounds(to);
        let rows = self.camera_rows().await?;
        // Outages are rebuilt from the checks; one still open this long before the period shows
        // from that point, which keeps a period's read the same size however long the history.
        let lookback = start - chrono::Duration::days(OUTAGE_LOOKBACK_DAYS);
        let all_checks = self.checks_between(lookback, end).await?;
        let duty: Vec<CameraOnDuty> = rows.iter().map(CameraRow::on_duty).collect();
        let manual: Vec<(Uuid, DateTime<Utc>)> = all_checks
            .iter()
            .filter(|(_, c)| !c.automatic && c.checked_at >= start && c.checked_at < end)
            .map(|(id, c)| (*id, c.checked_at))
            .collect();
        let missed = missed_checks(&duty, &manual, from, to, now, &reference.calendar, &reference.hours);
        Ok(rows
            .iter()
            .map(|row| {
                let checks: Vec<&CameraChecked> =
                    all_checks.iter().filter(|(id, _)| *id == row.id).map(|(_, c)| c).collect();
                let in_period = || checks.iter().filter(|c| c.checked_at >= start && c.checked_at < end);
                CameraPeriod {
                    camera: row.id,
                    name: row.listed.name.to_string(),
                    counter: row.listed.counter.map(u16::from),
                    checks_done: in_period().filter(|c| !c.automatic).count() as u32,
                    missed: missed.iter().filter(|(id, _)| *id == row.id).map(|(_, shift)| *shift).collect(),
                    checks_failed: in_period().filter(|c| !c.failed().is_empty()).count() as u32,
                    outages: outage_windows(&checks)
                        .into_iter()
                        .filter(|o| o.from < end && o.to.is_none_or(|t| t >= start))
                        .collect(),
                }
            })
            .collect())
    }

    /// The camera register's facts for the days `from..=to`, all cameras together.
    pub async fn camera_facts(&self, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Result<CameraFacts> {
        let periods = self.camera_periods(from, to, now).await?;
        Ok(CameraFacts {
            checks_done: periods.iter().map(|p| p.checks_done).sum(),
            checks_missed: periods.iter().map(|p| p.missed.len() as u32).sum(),
            checks_failed: periods.iter().map(|p| p.checks_failed).sum(),
            outages: periods.iter().flat_map(|p| p.outages.iter().map(|o| (p.camera, o.clone()))).collect(),
        })
    }
}

/// Whether the camera is active and since when it has been in service; `None` if unknown here.
pub(super) async fn service_start(
    tx: &mut Transaction<'static, Sqlite>,
    id: Uuid,
) -> Result<Option<(bool, DateTime<Utc>)>> {
    let row: Option<(bool, String)> = sqlx::query_as("SELECT active, listed_at FROM camera WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|(active, since)| Ok((active, parse_stamp(&since)?))).transpose()
}

/// Folds a camera event into the registry or the check list.
pub(super) async fn project(tx: &mut Transaction<'static, Sqlite>, event: &Event, change: &CameraChange) -> Result<()> {
    match change {
        CameraChange::Listed(c) => {
            let at = c.effective_at(event.hlc);
            sqlx::query(
                "INSERT INTO camera (id, name, counter, location, address, active, listed_at, hlc, retired_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET
                     name = CASE WHEN excluded.hlc > camera.hlc THEN excluded.name ELSE camera.name END,
                     counter = CASE WHEN excluded.hlc > camera.hlc THEN excluded.counter ELSE camera.counter END,
                     location = CASE WHEN excluded.hlc > camera.hlc THEN excluded.location ELSE camera.location END,
                     address = CASE WHEN excluded.hlc > camera.hlc THEN excluded.address ELSE camera.address END,
                     active = CASE WHEN excluded.hlc > camera.hlc THEN excluded.active ELSE camera.active END,
                     retired_at = CASE WHEN excluded.hlc > camera.hlc THEN excluded.retired_at ELSE camera.retired_at END,
                     hlc = max(excluded.hlc, camera.hlc),
                     listed_at = min(excluded.listed_at, camera.listed_at)",
            )
            .bind(event.entity_id.to_string())
            .bind(c.name.as_str())
            .bind(c.counter.map(|n| i64::from(u16::from(n))))
            .bind(c.location.as_ref().map(|l| l.to_string()))
            .bind(c.address.as_ref().map(|a| a.as_str().to_owned()))
            .bind(c.active)
            .bind(stamp(at))
            .bind(event.hlc.to_string())
            // Only a dated listing says when the camera left service.
            .bind(c.at.filter(|_| !c.active).map(stamp))
            .execute(&mut **tx)
            .await?;
        }
        CameraChange::Checked(c) => {
            sqlx::query(
                "INSERT OR IGNORE INTO camera_check (event_id, camera_id, checked_at, automatic, failed, payload)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(event.id.to_string())
            .bind(event.entity_id.to_string())
            .bind(stamp(c.checked_at))
            .bind(c.automatic)
            .bind(!c.failed().is_empty())
            .bind(serde_json::to_string(c).map_err(corrupt)?)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
