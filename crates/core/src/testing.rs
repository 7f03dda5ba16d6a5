//! Helpers the unit tests of several modules share: local times, dates and the shipped calendar.

use crate::calendar::{reference_years, WorkCalendar, STARTER_CALENDAR};
use crate::feedback::{Channel, Deadline, DeadlineState, FeedbackItem, Kind, Stage, Status};
use crate::hlc::Hlc;
use crate::summary::{week_figures, Targets, Week, WeekFigures, WeekInput};
use crate::time::vietnam;
use crate::visit::{Outcome, Visit};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

/// A wall-clock time in Vietnam, as a UTC instant.
pub fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    vietnam().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
}

/// `2026-11-23` as a date.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The working-day calendar the app ships.
pub fn calendar() -> WorkCalendar {
    WorkCalendar::with_published(reference_years(STARTER_CALENDAR).unwrap())
}

/// A visit as the projection leaves it: arrived `at`, then called after `wait_min` and finished
/// `service_min` later, by `official` at `counter`, with `outcome` and `rating`.
#[allow(clippy::too_many_arguments)]
pub fn visit(
    at: DateTime<Utc>,
    procedure: Option<&str>,
    official: Option<&str>,
    counter: Option<u16>,
    outcome: Option<Outcome>,
    wait_min: Option<i64>,
    service_min: Option<i64>,
    rating: Option<u8>,
) -> Visit {
    Visit {
        id: Uuid::now_v7(),
        ticket: None,
        arrived_at: at,
        name: "Người dân".into(),
        procedure: procedure.map(Into::into),
        procedure_id: None,
        phone: None,
        citizen_id: None,
        note: None,
        device_id: Uuid::nil(),
        trip: 1,
        calls: u32::from(official.is_some()),
        last_called_at: wait_min.map(|m| at + Duration::minutes(m)),
        official: official.map(Into::into),
        counter,
        finished_at: outcome.map(|_| at + Duration::minutes(wait_min.unwrap_or(0) + service_min.unwrap_or(0))),
        outcome,
        appointment: None,
        appointment_reason: None,
        apology: false,
        returned_at: None,
        waiting_secs: wait_min.map(|m| m * 60),
        service_secs: service_min.map(|m| m * 60),
        rating,
        rating_reasons: vec![],
        rescheduled_at: None,
        guidance: None,
        transfer_counter: None,
        transfer_official: None,
        papers: None,
        refusal_reason: None,
        first_appointment: None,
    }
}

/// A feedback item received at `received`, in deadline state `state`.
pub fn item(
    received: DateTime<Utc>,
    channel: Channel,
    kind: Kind,
    state: DeadlineState,
    finished: Option<DateTime<Utc>>,
) -> FeedbackItem {
    FeedbackItem {
        id: Uuid::now_v7(),
        received_at: received,
        channel,
        kind,
        content: "x".into(),
        official: None,
        procedure: None,
        submitter: None,
        contact: None,
        hide_name: false,
        attachments: vec![],
        box_session: None,
        status: Status::Received,
        resumes_to: None,
        national_code: None,
        answer: None,
        satisfied: None,
        deadline: Deadline { due: None, state, stage: Stage::Respond, finished_at: finished },
        deadline_label: String::new(),
    }
}

/// A clock of device `device` at `ms`.
pub fn hlc(ms: u64, device: u128) -> Hlc {
    Hlc { wall_ms: ms, counter: 0, device: Uuid::from_u128(device) }
}

/// 16–22 November 2026, the week most tests report on.
pub fn week47() -> Week {
    Week::try_from("2026-W47".to_owned()).unwrap()
}

/// A week's figures from its visits alone, taken after the week.
pub fn figures(week: Week, visits: &[Visit]) -> WeekFigures {
    week_figures(&WeekInput {
        week,
        visits,
        dossiers: &[],
        feedback: &[],
        cameras: &[],
        targets: Targets::default(),
        as_of: DateTime::<Utc>::MAX_UTC,
    })
}

/// An event of `kind` carrying `payload` as stored, its envelope made up: for the rules that read
/// payloads whatever their origin.
pub fn event(kind: &str, payload: serde_json::Value) -> crate::event::Event {
    let device = Uuid::from_u128(1);
    crate::event::Event {
        id: Uuid::now_v7(),
        commune_id: "26734".into(),
        device_id: device,
        seq: 1,
        hlc: Hlc { wall_ms: 1, counter: 0, device },
        entity: kind.split('.').next().unwrap_or_default().to_owned(),
        entity_id: Uuid::from_u128(2),
        kind: kind.to_owned(),
        payload,
        schema: crate::event::SCHEMA_VERSION,
        user: None,
    }
}
