//! The weekly summary read from the store: the week's and the last week's visits, feedback and
//! camera facts, put through core's figures; and the week's approval, projected from `week.*`.

use super::{corrupt, invalid, Result, Store};
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, Transaction};
use thanthien_core::approval::{ApprovalStep, WeekAction, WeekApproval, WeekStepped};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::report::{amendments, WeeklySummary};
use thanthien_core::summary::{week_figures, Targets, Week, WeekFigures, WeekInput};

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

    async fn week_figures(&self, week: Week, now: DateTime<Utc>, targets: Targets) -> Result<WeekFigures> {
        let (start, end) = week.bounds();
        let visits = self.visits_between(start, end).await?;
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
