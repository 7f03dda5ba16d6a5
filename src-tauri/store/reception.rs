//! The chairman's citizen-reception days in the local store: schedules set or ended, each day's
//! session recorded held (its petitions opening feedback items) or not held, and the week's
//! figures and the board's coming days read back through core's rules.

use super::{corrupt, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::feedback::FeedbackInput;
use thanthien_core::reception::{
    self, ListedSchedule, ReceptionChange, ReceptionDay, ReceptionOverview, ReceptionWeek, RecordedSession, Schedule,
    ScheduleInput, ScheduleListed, Session, SessionRecorded,
};
use thanthien_core::summary::Week;
use thanthien_core::time::local_day;
use thanthien_core::visit::InputError;
use uuid::Uuid;

/// How many coming days the overview lists.
const BOARD_DAYS: usize = 4;

impl Store {
    /// Sets a new schedule for every PC of the commune.
    pub async fn schedule_reception(&self, input: ScheduleInput) -> Result<ListedSchedule> {
        let schedule = Schedule::parse(input).map_err(StoreError::Invalid)?;
        let id = Uuid::now_v7();
        self.keep_reception(
            id,
            ReceptionChange::Scheduled(ScheduleListed { schedule: schedule.clone(), active: true }),
        )
        .await?;
        Ok(ListedSchedule { id, schedule })
    }

    /// Ends a schedule: it owes no session from now on (the days already owed stay counted).
    pub async fn end_reception_schedule(&self, id: Uuid) -> Result<()> {
        let Some(listed) = self.reception_schedules().await?.into_iter().find(|s| s.id == id) else {
            return Err(super::invalid(InputError::ReceptionDaysInvalid));
        };
        let listed = ScheduleListed { schedule: listed.schedule, active: false };
        self.keep_reception(id, ReceptionChange::Scheduled(listed)).await
    }

    /// Records a day's session held: who received, how many citizens, what they raised; each
    /// petition becomes an item of the feedback register (received in person, a recommendation),
    /// linked from the session.
    pub async fn hold_reception(
        &self,
        day: NaiveDate,
        received_by: &str,
        citizens: u32,
        raised: &str,
        petitions: Vec<String>,
        at: DateTime<Utc>,
    ) -> Result<Session> {
        let at = self.instant(at)?;
        // Checked before any petition is filed, so a refused session leaves nothing behind.
        Session::held(day, local_day(at), received_by, citizens, raised, Vec::new()).map_err(StoreError::Invalid)?;
        let mut feedback = Vec::new();
        for petition in petitions.into_iter().filter(|p| !p.trim().is_empty()) {
            let input = FeedbackInput {
                channel: "in_person".into(),
                kind: "recommendation".into(),
                content: petition,
                official: Some(received_by.to_owned()),
                ..Default::default()
            };
            feedback.push(self.record_feedback(input, at).await?.id);
        }
        let session =
            Session::held(day, local_day(at), received_by, citizens, raised, feedback).map_err(StoreError::Invalid)?;
        self.record_session(session, at).await
    }

    /// Records a day's session not held, with the reason.
    pub async fn skip_reception(&self, day: NaiveDate, reason: &str, at: DateTime<Utc>) -> Result<Session> {
        let at = self.instant(at)?;
        let session = Session::not_held(day, local_day(at), reason).map_err(StoreError::Invalid)?;
        self.record_session(session, at).await
    }

    async fn record_session(&self, session: Session, recorded_at: DateTime<Utc>) -> Result<Session> {
        let entity = reception::session_entity(session.day());
        self.keep_reception(
            entity,
            ReceptionChange::Recorded(SessionRecorded { recorded_at, session: session.clone() }),
        )
        .await?;
        Ok(session)
    }

    async fn keep_reception(&self, entity: Uuid, change: ReceptionChange) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &EventBody::Reception(change.clone()), entity).await?;
        project(&mut tx, &event, &change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The schedules in force, oldest first.
    pub async fn reception_schedules(&self) -> Result<Vec<ListedSchedule>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, body FROM reception_schedule WHERE active ORDER BY id")
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter()
            .map(|(id, body)| {
                Ok(ListedSchedule {
                    id: Uuid::from_str(&id).map_err(corrupt)?,
                    schedule: serde_json::from_str(&body).map_err(corrupt)?,
                })
            })
            .collect()
    }

    /// The days recorded from `first` to `last`, by day.
    pub async fn reception_sessions(&self, first: NaiveDate, last: NaiveDate) -> Result<Vec<RecordedSession>> {
        let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT body, recorded_at, user FROM reception_session WHERE day >= ? AND day <= ? ORDER BY day",
        )
        .bind(first.to_string())
        .bind(last.to_string())
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(body, at, by)| {
                Ok(RecordedSession {
                    session: serde_json::from_str(&body).map_err(corrupt)?,
                    recorded_at: DateTime::parse_from_rfc3339(&at).map_err(corrupt)?.with_timezone(&Utc),
                    by,
                })
            })
            .collect()
    }

    /// The week's sessions owed, held, not held and unrecorded, and the citizens received, as of
    /// `today`. Ended schedules still owe the days they set before they ended: the log keeps
    /// every listing, so an ended schedule is read back until its end.
    pub async fn reception_week(&self, week: Week, today: NaiveDate) -> Result<ReceptionWeek> {
        let schedules: Vec<Schedule> = self.schedules_owing(week).await?;
        let sessions: Vec<Session> =
            self.reception_sessions(week.monday(), week.sunday()).await?.into_iter().map(|r| r.session).collect();
        Ok(reception::week_figures(&schedules, &sessions, week, &self.reference().calendar, today))
    }

    /// The schedules that may owe days in `week`: those in force, and those ended while it ran
    /// or after it (ended ones count up to the day they were ended).
    async fn schedules_owing(&self, week: Week) -> Result<Vec<Schedule>> {
        let rows: Vec<(String, bool, String)> =
            sqlx::query_as("SELECT body, active, hlc FROM reception_schedule").fetch_all(&self.reader).await?;
        let mut schedules = Vec::new();
        for (body, active, hlc) in rows {
            let mut schedule: Schedule = serde_json::from_str(&body).map_err(corrupt)?;
            if !active {
                // Ended at its last listing's clock: it owes nothing after that day.
                let ended = thanthien_core::Hlc::from_str(&hlc).map_err(corrupt)?;
                let Some(ended) = DateTime::from_timestamp_millis(i64::try_from(ended.wall_ms).unwrap_or(i64::MAX))
                else {
                    continue;
                };
                let last = local_day(ended);
                if last < week.monday() {
                    continue;
                }
                schedule = schedule.ending(last);
            }
            schedules.push(schedule);
        }
        Ok(schedules)
    }

    /// What the reception card shows: the schedules in force, this week's owed days with their
    /// records (and any extra day recorded), the week's figures and the coming days.
    pub async fn reception_overview(&self, today: NaiveDate) -> Result<ReceptionOverview> {
        let week = Week::of_day(today);
        let schedules = self.reception_schedules().await?;
        let owing = self.schedules_owing(week).await?;
        let records = self.reception_sessions(week.monday(), week.sunday()).await?;
        let days = reception::owed_days(&owing, &self.reference().calendar, week, &records);
        Ok(ReceptionOverview {
            schedules,
            week,
            days,
            figures: self.reception_week(week, today).await?,
            upcoming: self.upcoming_receptions(today + chrono::Days::new(1), BOARD_DAYS).await?,
        })
    }

    /// The next owed days from `today` on, as the publicity board lists them.
    pub async fn upcoming_receptions(&self, today: NaiveDate, count: usize) -> Result<Vec<ReceptionDay>> {
        let schedules: Vec<Schedule> = self.reception_schedules().await?.into_iter().map(|s| s.schedule).collect();
        Ok(reception::upcoming_days(&schedules, &self.reference().calendar, today, count))
    }
}

/// Keeps a schedule's or a day's latest record (by clock).
pub(super) async fn project(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    change: &ReceptionChange,
) -> Result<()> {
    let hlc = event.hlc.to_string();
    match change {
        ReceptionChange::Scheduled(listed) => {
            sqlx::query(
                "INSERT INTO reception_schedule (id, body, active, hlc) VALUES (?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET body = excluded.body, active = excluded.active, hlc = excluded.hlc
                 WHERE excluded.hlc > reception_schedule.hlc",
            )
            .bind(event.entity_id.to_string())
            .bind(serde_json::to_string(&listed.schedule).map_err(corrupt)?)
            .bind(listed.active)
            .bind(hlc)
            .execute(&mut **tx)
            .await?;
        }
        ReceptionChange::Recorded(recorded) => {
            sqlx::query(
                "INSERT INTO reception_session (day, body, recorded_at, user, hlc) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (day) DO UPDATE SET body = excluded.body, recorded_at = excluded.recorded_at,
                     user = excluded.user, hlc = excluded.hlc
                 WHERE excluded.hlc > reception_session.hlc",
            )
            .bind(recorded.session.day().to_string())
            .bind(serde_json::to_string(&recorded.session).map_err(corrupt)?)
            .bind(recorded.recorded_at.to_rfc3339())
            .bind(event.user.clone())
            .bind(hlc)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
