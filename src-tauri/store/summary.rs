//! The weekly summary read from the store: the week's and the last week's visits, feedback and
//! camera facts, put through core's figures; and the week's approval, projected from `week.*`.
//! A week that has ended depends on its data alone, so its figures are stored once computed and
//! forgotten when an event that can change them is written or pulled (`forget_weeks`).

use super::{corrupt, invalid, Result, Store};
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, Transaction};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use thanthien_core::approval::{ApprovalStep, WeekAction, WeekApproval, WeekStepped};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::report::{amendments, WeeklySummary};
use thanthien_core::summary::{week_figures, weeks_changed, Targets, Week, WeekFigures, WeekInput, WeeksChanged};
use thanthien_core::visit::Visit;
use uuid::Uuid;

impl Store {
    /// The summary of `week` with the week before it, as of `now` (deadlines and missed checks
    /// are counted up to the end of each week, or now if that is sooner). A locked week shows the
    /// figures its head approved, and every line the log now gives differently as an amendment.
    pub async fn weekly_summary(&self, week: Week, now: DateTime<Utc>) -> Result<WeeklySummary> {
        let targets = Targets::default();
        let approval = self.week_approval(week).await?;
        let live = WeeklySummary {
            this_week: self.week_figures(week, now, targets).await?,
            last_week: self.week_figures(week.previous(), now, targets).await?,
            targets,
            approval: approval.view(),
            amendments: Vec::new(),
        };
        let Some(approved) = approval.approved_figures() else { return Ok(live) };
        let approved = WeeklySummary { this_week: approved.clone(), ..live.clone() };
        Ok(WeeklySummary { amendments: amendments(&approved, &live), ..approved })
    }

    /// A week's figures as of `now`: read from the stored weeks once it has ended, computed (and
    /// then stored) otherwise.
    async fn week_figures(&self, week: Week, now: DateTime<Utc>, targets: Targets) -> Result<WeekFigures> {
        let ended = now >= week.bounds().1 && targets == Targets::default();
        if !ended {
            return self.compute_week_figures(week, now, targets).await;
        }
        let revision = revision(&self.reference());
        let stored: Option<(String, i64)> = sqlx::query_as(
            "SELECT (SELECT figures FROM stored_week WHERE week = ?1 AND revision = ?2), generation
             FROM stored_week_generation",
        )
        .bind(week.to_string())
        .bind(&revision)
        .fetch_optional(&self.reader)
        .await?
        .map(|(figures, generation): (Option<String>, i64)| (figures.unwrap_or_default(), generation));
        let generation = match stored {
            Some((figures, _)) if !figures.is_empty() => return serde_json::from_str(&figures).map_err(corrupt),
            Some((_, generation)) => generation,
            None => return Err(corrupt("stored_week_generation has no row")),
        };
        let figures = self.compute_week_figures(week, now, targets).await?;
        // Stored only if no write landed while they were computed; a failure costs a recompute.
        let stored = sqlx::query(
            "INSERT OR REPLACE INTO stored_week (week, revision, figures)
             SELECT ?, ?, ? FROM stored_week_generation WHERE generation = ?",
        )
        .bind(week.to_string())
        .bind(&revision)
        .bind(serde_json::to_string(&figures).map_err(corrupt)?)
        .bind(generation)
        .execute(&self.writer)
        .await;
        if let Err(e) = stored {
            tracing::warn!(%week, error = %e, "the week's figures were not stored");
        }
        Ok(figures)
    }

    async fn compute_week_figures(&self, week: Week, now: DateTime<Utc>, targets: Targets) -> Result<WeekFigures> {
        let (start, end) = week.bounds();
        let visits = self.week_visits(week).await?;
        let as_of = week.sunday().min(thanthien_core::time::local_day(now));
        let feedback = self.feedback_for_period(start, end, as_of).await?;
        let cameras = self.camera_periods(week.monday(), week.sunday(), now.min(end)).await?;
        let dossiers = self.dossiers_for_week(week).await?;
        let reception = self.reception_week(week, thanthien_core::time::local_day(now)).await?;
        let figures = week_figures(&WeekInput {
            week,
            visits: &visits,
            dossiers: &dossiers,
            feedback: &feedback,
            cameras: &cameras,
            targets,
            as_of: now,
        });
        Ok(WeekFigures { reception, ..figures })
    }

    /// The visits that arrived in `week`, parsed: kept in memory (most of a week's computing is
    /// parsing them) while no event is written or pulled, which `forget_weeks` counts.
    async fn week_visits(&self, week: Week) -> Result<Arc<Vec<Visit>>> {
        // The count is read before the visits, so what is kept is never older than its count.
        let (generation,): (i64,) =
            sqlx::query_as("SELECT generation FROM stored_week_generation").fetch_one(&self.reader).await?;
        if let Some(visits) = self.parsed_weeks.get(generation, week) {
            return Ok(visits);
        }
        let (start, end) = week.bounds();
        let visits = Arc::new(self.visits_between(start, end).await?);
        self.parsed_weeks.keep(generation, week, visits.clone());
        Ok(visits)
    }

    /// Every step of a week's approval so far (a draft has none).
    pub async fn week_approval(&self, week: Week) -> Result<WeekApproval> {
        load(&self.reader, week).await
    }

    /// Submits, approves (with the figures as they stand, which then travel to the province) or
    /// reopens a week, if its approval admits that step now.
    pub async fn step_week(&self, week: Week, action: WeekAction, now: DateTime<Utc>) -> Result<WeeklySummary> {
        let now = self.instant(now)?;
        let step = match action {
            WeekAction::Submit => ApprovalStep::Submitted { at: now },
            WeekAction::Approve => {
                let figures = self.week_figures(week, now, Targets::default()).await?;
                ApprovalStep::Approved { at: now, figures: Box::new(figures) }
            }
            WeekAction::Reopen { reason } => ApprovalStep::reopen(now, reason).map_err(invalid)?,
        };
        let stepped = WeekStepped { week, step };
        let mut tx = self.begin_write().await?;
        let approval = load(&mut *tx, week).await?;
        approval.admits(week, &stepped.step, now).map_err(invalid)?;
        let body = EventBody::Week(stepped.clone());
        let event = self.append(&mut tx, &body, stepped.entity_id()).await?;
        project(&mut tx, &event, &stepped).await?;
        tx.commit().await?;
        tracing::info!(%week, step = stepped.step.kind(), by = ?self.user, "week approval step");
        self.weekly_summary(week, now).await
    }
}

/// A week's approval from the pool or from inside a write transaction.
async fn load<'e>(db: impl sqlx::SqliteExecutor<'e>, week: Week) -> Result<WeekApproval> {
    let row: Option<(String,)> = sqlx::query_as("SELECT approval FROM week_approval WHERE week = ?")
        .bind(week.to_string())
        .fetch_optional(db)
        .await?;
    row.map(|(json,)| serde_json::from_str(&json).map_err(corrupt)).transpose().map(Option::unwrap_or_default)
}

/// Folds a week step (own or pulled, in any order) into the week's approval.
pub(super) async fn project(tx: &mut Transaction<'static, Sqlite>, event: &Event, stepped: &WeekStepped) -> Result<()> {
    let mut approval = load(&mut **tx, stepped.week).await?;
    approval.apply(&stepped.step, event.hlc, event.user.as_deref());
    sqlx::query("INSERT OR REPLACE INTO week_approval (week, status, approval) VALUES (?, ?, ?)")
        .bind(stepped.week.to_string())
        .bind(approval.status().wire())
        .bind(serde_json::to_string(&approval).map_err(corrupt)?)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a stored week was computed by: this build (a new rule computes them afresh) and the
/// reference data in use (the calendar and hours count deadlines and checks).
fn revision(reference: &super::Reference) -> String {
    format!("{}/{}", env!("CARGO_PKG_VERSION"), reference.figures_basis)
}

/// Forgets the stored weeks `body` (about `entity_id`) can change (core's `weeks_changed`);
/// called before it is projected, in the transaction that writes it, so the record's stored
/// start is the one it had.
pub(super) async fn forget_weeks(
    tx: &mut Transaction<'static, Sqlite>,
    body: &EventBody,
    entity_id: Uuid,
) -> Result<()> {
    let record_start = match body {
        EventBody::Visit(_) => record_start(tx, "visit", "arrived_at", entity_id).await?,
        EventBody::Feedback(_) => record_start(tx, "feedback", "received_at", entity_id).await?,
        _ => None,
    };
    forget(tx, weeks_changed(body, record_start)).await
}

/// When the visit or feedback item `id` began, as its row holds it (none yet: no row).
async fn record_start(
    tx: &mut Transaction<'static, Sqlite>,
    table: &str,
    column: &str,
    id: Uuid,
) -> Result<Option<DateTime<Utc>>> {
    let row: Option<(Option<String>,)> = sqlx::query_as(&format!("SELECT {column} FROM {table} WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let at = row.and_then(|(at,)| at).map(|at| DateTime::parse_from_rfc3339(&at).map(|at| at.to_utc()));
    at.transpose().map_err(corrupt)
}

async fn forget(db: &mut sqlx::SqliteConnection, changed: WeeksChanged) -> Result<()> {
    let from = match changed {
        WeeksChanged::None => return Ok(()),
        WeeksChanged::From(week) => week.to_string(),
        // Every week's key sorts after the empty text.
        WeeksChanged::Every => String::new(),
    };
    sqlx::query("DELETE FROM stored_week WHERE week >= ?").bind(from).execute(&mut *db).await?;
    sqlx::query("UPDATE stored_week_generation SET generation = generation + 1").execute(&mut *db).await?;
    Ok(())
}

/// The parsed visits of the weeks read lately, for one count of written events (shared by every
/// clone of the store; a write or pull changes the count, and the next read starts afresh).
#[derive(Default, Clone)]
pub(super) struct ParsedWeeks(Arc<Mutex<Kept>>);

/// The write count the weeks were parsed at, and each week's visits.
type Kept = (i64, HashMap<Week, Arc<Vec<Visit>>>);

impl ParsedWeeks {
    /// A few weeks: the one on screen, the week before it, and one more looked at.
    const KEPT: usize = 4;

    fn get(&self, generation: i64, week: Week) -> Option<Arc<Vec<Visit>>> {
        let kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        (kept.0 == generation).then(|| kept.1.get(&week).cloned()).flatten()
    }

    fn keep(&self, generation: i64, week: Week, visits: Arc<Vec<Visit>>) {
        let mut kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.0 != generation || kept.1.len() >= Self::KEPT {
            *kept = (generation, HashMap::new());
        }
        kept.1.insert(week, visits);
    }
}
