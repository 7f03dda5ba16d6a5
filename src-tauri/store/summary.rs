//! The weekly summary read from the store: the week's and the last week's visits, feedback and
//! camera facts, put through core's figures.

use super::{Result, Store};
use chrono::{DateTime, Utc};
use thanthien_core::summary::{week_figures, Targets, Week, WeekFigures, WeekInput, WeeklySummary};

impl Store {
    /// The summary of `week` with the week before it, as of `now` (deadlines and missed checks
    /// are counted up to the end of each week, or now if that is sooner).
    pub async fn weekly_summary(&self, week: Week, now: DateTime<Utc>) -> Result<WeeklySummary> {
        let targets = Targets::default();
        Ok(WeeklySummary {
            this_week: self.week_figures(week, now, targets).await?,
            last_week: self.week_figures(week.previous(), now, targets).await?,
            targets,
        })
    }

    async fn week_figures(&self, week: Week, now: DateTime<Utc>, targets: Targets) -> Result<WeekFigures> {
        let (start, end) = week.bounds();
        let visits = self.visits_between(start, end).await?;
        let as_of = week.sunday().min(thanthien_core::time::local_day(now));
        let feedback = self.feedback_for_period(start, end, as_of).await?;
        let cameras = self.camera_periods(week.monday(), week.sunday(), now.min(end)).await?;
        Ok(week_figures(&WeekInput { week, visits: &visits, feedback: &feedback, cameras: &cameras, targets }))
    }
}
