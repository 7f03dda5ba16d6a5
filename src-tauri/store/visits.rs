//! Visits in the local store: recording arrivals and their lifecycle, listing, and the visit
//! projection.

use super::{corrupt, invalid, Prior, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::book::{self, BookPeriod, DossierBook};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::procedure;
use thanthien_core::slip::{self, Sheet, SlipContext, SlipForm};
use thanthien_core::time::{day_bounds, stamp};
use thanthien_core::visit::lifecycle;
use thanthien_core::visit::{
    appointment_risk, CorrectionInput, DossierAtRisk, FinishInput, InputError, NewVisit, Note, Outcome, ProcedureText,
    RatingLevel, RatingReason, Ticket, Visit, VisitAmended, VisitArrived, VisitCalled, VisitChange, VisitFinished,
    VisitInput, VisitRated, VisitRescheduled, VisitReturned, VisitState,
};
use uuid::Uuid;

/// Reads visits back through core's view of their state, so a list shows exactly what the
/// projection rule says.
fn visits_from_rows(rows: Vec<(String, String)>) -> Result<Vec<Visit>> {
    rows.into_iter()
        .filter_map(|(id, state)| {
            let parsed = Uuid::from_str(&id)
                .map_err(corrupt)
                .and_then(|id| serde_json::from_str::<VisitState>(&state).map(|s| (id, s)).map_err(corrupt));
            match parsed {
                Ok((id, state)) => state.view(id).map(Ok),
                Err(e) => Some(Err(e)),
            }
        })
        .collect()
}

impl Store {
    /// Validates and records a citizen's arrival at `at`. Invalid input writes nothing.
    pub async fn record_visit(&self, input: VisitInput, at: DateTime<Utc>) -> Result<Visit> {
        let mut visit = NewVisit::parse(input).map_err(StoreError::Invalid)?;
        // A catalogue id or national code typed at the desk becomes that procedure.
        let reference = self.reference();
        if let Some(known) = visit.procedure.as_ref().and_then(|p| procedure::find(&reference.catalogue, p.as_str())) {
            visit.procedure = ProcedureText::try_from(known.name.clone()).ok();
            visit.procedure_id = Some(known.id.clone());
        }
        let arrived_at = self.instant(at)?;
        let id = Uuid::now_v7();
        let mut tx = self.begin_write().await?;
        let ticket = next_ticket(&mut tx, arrived_at).await?;
        let change = VisitChange::Arrived(VisitArrived { arrived_at, ticket: Some(ticket), visit });
        let event = self.append(&mut tx, &EventBody::Visit(change.clone()), id).await?;
        let visit = project(&mut tx, &event, &change, Prior::None).await?;
        tx.commit().await?;
        // An arrival always yields a visible visit; anything else is a bug in the projection rule.
        visit.ok_or_else(|| corrupt("an arrival projected to no visit"))
    }

    /// Records a change to an existing visit if the visit's state admits it (one rating per
    /// visit, no rating before the finish, …). Refusals write nothing.
    async fn change_visit(&self, id: Uuid, change: VisitChange) -> Result<Visit> {
        change.check().map_err(invalid)?;
        let mut tx = self.begin_write().await?;
        load_state(&mut tx, id).await?.admits(&change).map_err(invalid)?;
        let event = self.append(&mut tx, &EventBody::Visit(change.clone()), id).await?;
        let visit = project(&mut tx, &event, &change, Prior::Load).await?;
        tx.commit().await?;
        visit.ok_or_else(|| corrupt("a changed visit projected to no visit"))
    }

    /// An official calls the citizen to a counter (again, for a no-show).
    pub async fn call_visit(&self, id: Uuid, official: String, counter: u16, at: DateTime<Utc>) -> Result<Visit> {
        let called = VisitCalled::parse(self.instant(at)?, official, counter).map_err(StoreError::Invalid)?;
        self.change_visit(id, VisitChange::Called(called)).await
    }

    /// The visit, if it may be rated now (finished, not yet rated).
    pub async fn rateable_visit(&self, id: Uuid) -> Result<Visit> {
        let state: Option<(String,)> = sqlx::query_as("SELECT state FROM visit WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await?;
        let state = match state {
            Some((json,)) => serde_json::from_str::<VisitState>(&json).map_err(corrupt)?,
            None => VisitState::default(),
        };
        state.admits_rating().map_err(invalid)?;
        state.view(id).ok_or_else(|| invalid(InputError::VisitNotFound))
    }

    /// "Gọi tiếp": calls today's longest-waiting citizen to this counter; `None` when nobody waits.
    pub async fn call_next(&self, official: String, counter: u16, at: DateTime<Utc>) -> Result<Option<Visit>> {
        let today = self.visits_on(thanthien_core::time::local_day(at)).await?;
        match lifecycle::next_waiting(&today) {
            Some(next) => self.call_visit(next.id, official, counter, at).await.map(Some),
            None => Ok(None),
        }
    }

    /// Ends the visit. A received dossier gets the appointment its procedure's legal time gives
    /// unless the desk sets another date with a reason.
    pub async fn finish_visit(&self, id: Uuid, input: FinishInput, at: DateTime<Utc>) -> Result<Visit> {
        let finished_at = self.instant(at)?;
        let computed = match input.outcome {
            Outcome::DossierReceived => self.appointment_for(id, finished_at).await?,
            _ => None,
        };
        let finish = VisitFinished::from_input(input, finished_at, computed).map_err(StoreError::Invalid)?;
        self.change_visit(id, VisitChange::Finished(finish)).await
    }

    /// Moves a received dossier's appointment, with the reason; `apology` when an apology slip
    /// goes to the citizen with the new date.
    pub async fn reschedule_visit(
        &self,
        id: Uuid,
        appointment: NaiveDate,
        reason: String,
        apology: bool,
        at: DateTime<Utc>,
    ) -> Result<Visit> {
        let reason = Note::try_from(reason).map_err(|_| invalid(InputError::RescheduleReasonMissing))?;
        let rescheduled_at = self.instant(at)?;
        let change = VisitChange::Rescheduled(VisitRescheduled { rescheduled_at, appointment, reason, apology });
        self.change_visit(id, change).await
    }

    /// Puts a visit's personal data right at the person's request (Law 91/2025): an amendment
    /// event, synced like any other, naming why.
    pub async fn correct_visit(&self, id: Uuid, input: CorrectionInput) -> Result<Visit> {
        let amended = VisitAmended::parse(input).map_err(StoreError::Invalid)?;
        self.change_visit(id, VisitChange::Amended(amended)).await
    }

    /// The result of a received dossier went back to the citizen.
    pub async fn return_result(&self, id: Uuid, at: DateTime<Utc>) -> Result<Visit> {
        self.change_visit(id, VisitChange::Returned(VisitReturned { returned_at: self.instant(at)? })).await
    }

    /// Received dossiers whose result is not back and whose appointment is due within one working
    /// day of `today`, or past: the list the apology slips are drafted from. Soonest first.
    pub async fn dossiers_at_risk(&self, today: NaiveDate) -> Result<Vec<DossierAtRisk>> {
        let reference = self.reference();
        let horizon = reference.calendar.add_working_days(today, 1);
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit
             WHERE outcome = 'dossier-received' AND returned_at IS NULL AND appointment <= ?
             ORDER BY appointment, arrived_at",
        )
        .bind(horizon.to_string())
        .fetch_all(&self.reader)
        .await?;
        Ok(visits_from_rows(rows)?
            .into_iter()
            .filter_map(|visit| {
                let risk =
                    appointment_risk(visit.appointment?, visit.returned_at.is_some(), today, &reference.calendar)?;
                Some(DossierAtRisk { visit, risk })
            })
            .collect())
    }

    pub async fn rate_visit(
        &self,
        id: Uuid,
        level: u8,
        reasons: Vec<RatingReason>,
        at: DateTime<Utc>,
    ) -> Result<Visit> {
        let level = RatingLevel::try_from(level).map_err(invalid)?;
        let rating = VisitRated::new(self.instant(at)?, level, reasons).map_err(invalid)?;
        self.change_visit(id, VisitChange::Rated(rating)).await
    }

    /// The appointment the visit would get if its dossier were received at `at`.
    pub async fn proposed_appointment(&self, id: Uuid, at: DateTime<Utc>) -> Result<Option<NaiveDate>> {
        self.appointment_for(id, at).await
    }

    /// The appointment a dossier received now gets from the visit's catalogue procedure, if the
    /// law states one figure for it.
    async fn appointment_for(&self, id: Uuid, received_at: DateTime<Utc>) -> Result<Option<NaiveDate>> {
        let reference = self.reference();
        let visit = self.visit(id).await?.ok_or_else(|| invalid(InputError::VisitNotFound))?;
        let legal =
            visit.procedure_id.as_deref().and_then(|p| procedure::find(&reference.catalogue, p)).map(|p| p.legal_time);
        Ok(legal
            .and_then(|legal| procedure::appointment_date(received_at, legal, &reference.calendar, &reference.hours)))
    }

    /// Visits that arrived on a local (Vietnam) calendar day, newest first.
    pub async fn visits_on(&self, day: NaiveDate) -> Result<Vec<Visit>> {
        let (start, end) = day_bounds(day);
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit WHERE arrived_at >= ? AND arrived_at < ? ORDER BY arrived_at DESC, id DESC",
        )
        .bind(stamp(start))
        .bind(stamp(end))
        .fetch_all(&self.reader)
        .await?;
        visits_from_rows(rows)
    }

    /// Visits that arrived in `[start, end)`, oldest first.
    pub async fn visits_between(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Vec<Visit>> {
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit WHERE arrived_at >= ? AND arrived_at < ? ORDER BY arrived_at, id",
        )
        .bind(stamp(start))
        .bind(stamp(end))
        .fetch_all(&self.reader)
        .await?;
        visits_from_rows(rows)
    }

    /// The received dossiers a week can concern, wherever they arrived: due from its Monday on,
    /// handed back since it began, or still out with an appointment up to its Sunday. Three
    /// index ranges, so an old register is not read whole.
    pub async fn dossiers_for_week(&self, week: thanthien_core::summary::Week) -> Result<Vec<Visit>> {
        let (start, _) = week.bounds();
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit WHERE outcome = 'dossier-received' AND appointment >= ?1
             UNION
             SELECT id, state FROM visit WHERE outcome = 'dossier-received' AND returned_at >= ?2
             UNION
             SELECT id, state FROM visit
                 WHERE outcome = 'dossier-received' AND returned_at IS NULL AND appointment <= ?3",
        )
        .bind(week.monday().to_string())
        .bind(stamp(start))
        .bind(week.sunday().to_string())
        .fetch_all(&self.reader)
        .await?;
        visits_from_rows(rows)
    }

    /// The tracking book (sổ theo dõi hồ sơ, Mẫu 06) of the dossiers received in `period`, as of
    /// today. A dossier is received when its visit finishes, on the day it arrived or (entered
    /// from the paper book) within the 92 days the query looks back; core picks them exactly.
    pub async fn dossier_book(&self, period: BookPeriod) -> Result<DossierBook> {
        let (first, last) = period.days();
        let (start, end) = (day_bounds(first).0, day_bounds(last).1);
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit
             WHERE outcome = 'dossier-received' AND arrived_at >= ? AND arrived_at < ? ORDER BY arrived_at, id",
        )
        .bind(stamp(start - chrono::Duration::days(92)))
        .bind(stamp(end))
        .fetch_all(&self.reader)
        .await?;
        let today = thanthien_core::time::local_day(self.now());
        let lines = book::lines(&visits_from_rows(rows)?, first, last, today);
        let wording = self.reference().slips.clone();
        Ok(DossierBook {
            office: slip::issuer(&self.office_name().await?),
            unit: wording.unit.clone(),
            wording: wording.book,
            period,
            totals: book::totals(&lines),
            lines,
        })
    }

    /// The slip `form` of visit `id` as printed today, in the wording the province published
    /// (else the 01/2018 forms'); refused when the visit has no such slip.
    pub async fn slip(&self, id: Uuid, form: SlipForm) -> Result<Sheet> {
        let visit = self.visit(id).await?.ok_or_else(|| invalid(InputError::VisitNotFound))?;
        let reference = self.reference();
        let legal_time = visit
            .procedure_id
            .as_deref()
            .and_then(|key| procedure::find(&reference.catalogue, key))
            .map(|p| p.legal_time_text.clone());
        let context = SlipContext {
            office: slip::issuer(&self.office_name().await?),
            legal_time,
            printed_on: thanthien_core::time::local_day(self.now()),
        };
        slip::sheet(form, &visit, &reference.slips, &context).map_err(invalid)
    }

    /// The waiting room's call display for `today`.
    pub async fn call_board(&self, today: NaiveDate) -> Result<thanthien_core::call::CallBoard> {
        Ok(thanthien_core::call::board(&self.visits_on(today).await?, today))
    }

    /// Every visit, newest first.
    pub async fn all_visits(&self) -> Result<Vec<Visit>> {
        let rows = sqlx::query_as(
            "SELECT id, state FROM visit WHERE arrived_at IS NOT NULL ORDER BY arrived_at DESC, id DESC",
        )
        .fetch_all(&self.reader)
        .await?;
        visits_from_rows(rows)
    }

    pub async fn visit(&self, id: Uuid) -> Result<Option<Visit>> {
        let rows = sqlx::query_as("SELECT id, state FROM visit WHERE id = ?")
            .bind(id.to_string())
            .fetch_all(&self.reader)
            .await?;
        Ok(visits_from_rows(rows)?.pop())
    }
}

/// A visit's state as projected so far (empty if it is not known here).
pub(super) async fn load_state(tx: &mut Transaction<'static, Sqlite>, id: Uuid) -> Result<VisitState> {
    let state: Option<(String,)> =
        sqlx::query_as("SELECT state FROM visit WHERE id = ?").bind(id.to_string()).fetch_optional(&mut **tx).await?;
    state.map_or_else(|| Ok(VisitState::default()), |(json,)| serde_json::from_str(&json).map_err(corrupt))
}

/// The next ticket of this PC's series on the arrival's local day. Counted inside the writing
/// transaction, so two saves on this PC never get the same number.
async fn next_ticket(tx: &mut Transaction<'static, Sqlite>, arrived_at: DateTime<Utc>) -> Result<Ticket> {
    let day = thanthien_core::time::local_day(arrived_at).to_string();
    let (series, last): (String, Option<i64>) = sqlx::query_as(
        "SELECT d.ticket_series,
             (SELECT max(v.ticket_no) FROM visit v WHERE v.device_id = d.id AND v.ticket_day = ?)
         FROM local_device d",
    )
    .bind(day)
    .fetch_one(&mut **tx)
    .await?;
    let series = series.chars().next().unwrap_or('A');
    let number = u16::try_from(last.unwrap_or(0) + 1).unwrap_or(Ticket::MAX).min(Ticket::MAX);
    Ticket::new(series, number).map_err(corrupt)
}

fn outcome_word(outcome: Outcome) -> Option<String> {
    serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_owned))
}

/// Applies a visit event to its row with core's merge rule, rewrites the row's view columns and
/// returns the visit as it now stands.
pub(super) async fn project(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    change: &VisitChange,
    prior: Prior,
) -> Result<Option<Visit>> {
    let id = event.entity_id;
    let current: Option<(String,)> = match prior {
        Prior::None => None,
        Prior::Load => {
            sqlx::query_as("SELECT state FROM visit WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    let mut state: VisitState = match current {
        Some((json,)) => serde_json::from_str(&json).map_err(corrupt)?,
        None => VisitState::default(),
    };
    state.apply(change, event.hlc, event.device_id);
    let ticket = state.arrival.as_ref().and_then(|a| a.value.ticket);
    let view = state.view(id);
    let v = view.as_ref();
    let state_json = serde_json::to_string(&state).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO visit (id, arrived_at, visitor_name, procedure, phone, citizen_id, note, device_id, state,
             calls, last_called_at, official, counter, finished_at, outcome, appointment, rating, waiting_secs, service_secs,
             trip, ticket, ticket_no, returned_at, ticket_day)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET arrived_at = excluded.arrived_at, visitor_name = excluded.visitor_name,
             procedure = excluded.procedure, phone = excluded.phone, citizen_id = excluded.citizen_id,
             note = excluded.note, device_id = excluded.device_id, state = excluded.state,
             calls = excluded.calls, last_called_at = excluded.last_called_at, official = excluded.official,
             counter = excluded.counter, finished_at = excluded.finished_at, outcome = excluded.outcome,
             appointment = excluded.appointment, rating = excluded.rating, waiting_secs = excluded.waiting_secs,
             service_secs = excluded.service_secs, trip = excluded.trip, ticket = excluded.ticket,
             ticket_no = excluded.ticket_no, returned_at = excluded.returned_at, ticket_day = excluded.ticket_day",
    )
    .bind(id.to_string())
    .bind(v.map(|v| stamp(v.arrived_at)))
    .bind(v.map(|v| v.name.clone()))
    .bind(v.and_then(|v| v.procedure.clone()))
    .bind(v.and_then(|v| v.phone.clone()))
    .bind(v.and_then(|v| v.citizen_id.clone()))
    .bind(v.and_then(|v| v.note.clone()))
    .bind(v.map(|v| v.device_id.to_string()))
    .bind(state_json)
    .bind(v.map_or(0, |v| i64::from(v.calls)))
    .bind(v.and_then(|v| v.last_called_at).map(stamp))
    .bind(v.and_then(|v| v.official.clone()))
    .bind(v.and_then(|v| v.counter).map(i64::from))
    .bind(v.and_then(|v| v.finished_at).map(stamp))
    .bind(v.and_then(|v| v.outcome).and_then(outcome_word))
    .bind(v.and_then(|v| v.appointment).map(|d| d.to_string()))
    .bind(v.and_then(|v| v.rating).map(i64::from))
    .bind(v.and_then(|v| v.waiting_secs))
    .bind(v.and_then(|v| v.service_secs))
    .bind(v.map_or(1, |v| i64::from(v.trip)))
    .bind(v.and_then(|v| v.ticket.clone()))
    .bind(ticket.map(|t| i64::from(t.number())))
    .bind(v.and_then(|v| v.returned_at).map(stamp))
    .bind(v.map(|v| thanthien_core::time::local_day(v.arrived_at).to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(view)
}
