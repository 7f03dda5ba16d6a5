//! Visits at the front desk: their events and the projection rule every PC applies.
//!
//! `fields` holds the validated fields (parsed once at the edge: UI command, CLI, or a synced
//! event), `lifecycle` what happens after arrival.

pub(crate) mod fields;
pub mod lifecycle;

use crate::hlc::Hlc;
use chrono::{DateTime, NaiveDate, Utc};
pub use lifecycle::{
    appointment_risk, AppointmentRisk, Counter, DossierAtRisk, FinishInput, Outcome, RatingLevel, RatingReason,
    Transfer, VisitCalled, VisitFinished, VisitRated, VisitRescheduled, VisitReturned,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

pub use fields::*;

/// Payload of `visit.arrived`: the fact that a citizen came to the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ArrivedWire")]
pub struct VisitArrived {
    pub arrived_at: DateTime<Utc>,
    /// The number the citizen is called by; the desk gives one to every arrival it records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    #[serde(flatten)]
    pub visit: NewVisit,
}

/// `VisitArrived` as it reads off the wire: flat, so unknown fields are refused (serde cannot
/// refuse them through `flatten`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArrivedWire {
    arrived_at: DateTime<Utc>,
    #[serde(default)]
    ticket: Option<Ticket>,
    name: VisitorName,
    #[serde(default)]
    procedure: Option<ProcedureText>,
    #[serde(default)]
    procedure_id: Option<String>,
    #[serde(default)]
    phone: Option<Phone>,
    #[serde(default)]
    citizen_id: Option<CitizenId>,
    #[serde(default)]
    note: Option<Note>,
    #[serde(default)]
    trip: Trip,
}

impl From<ArrivedWire> for VisitArrived {
    fn from(w: ArrivedWire) -> VisitArrived {
        let visit = NewVisit {
            name: w.name,
            procedure: w.procedure,
            procedure_id: w.procedure_id,
            phone: w.phone,
            citizen_id: w.citizen_id,
            note: w.note,
            trip: w.trip,
        };
        VisitArrived { arrived_at: w.arrived_at, ticket: w.ticket, visit }
    }
}

/// Payload of `visit.amended`: a correction of the editable fields, with the reason for the audit
/// trail. Fields left out are unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitAmended {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<VisitorName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<ProcedureText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// A corrected phone number (Law 91/2025: the person may have their data put right).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_id: Option<CitizenId>,
    pub reason: String,
}

/// A correction as typed (the desk's form, `thanthien person correct`): the fields to put right,
/// blank ones left as they are, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionInput {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub citizen_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A feedback item's contact (a phone, an e-mail or an address).
    #[serde(default)]
    pub contact: Option<String>,
    pub reason: String,
}

/// Why a record is corrected: required, at most a note's length (visits and feedback alike).
pub(crate) fn correction_reason(text: &str) -> Result<String, InputError> {
    match text.trim() {
        "" => Err(InputError::CorrectionReasonMissing),
        text if text.chars().count() > NOTE_MAX_CHARS => Err(InputError::CorrectionReasonMissing),
        text => Ok(text.to_owned()),
    }
}

impl VisitAmended {
    /// Checks every field of a correction at once; one with nothing to correct is refused.
    pub fn parse(input: CorrectionInput) -> Result<VisitAmended, Vec<InputError>> {
        let reason = correction_reason(&input.reason);
        let (name, phone, citizen_id, note, reason) = (
            fields::optional::<VisitorName>(input.name),
            fields::optional::<Phone>(input.phone),
            fields::optional::<CitizenId>(input.citizen_id),
            fields::optional::<Note>(input.note),
            reason,
        )
            .all_valid()?;
        if name.is_none() && phone.is_none() && citizen_id.is_none() && note.is_none() {
            return Err(vec![InputError::CorrectionEmpty]);
        }
        Ok(VisitAmended { name, procedure: None, note, phone, citizen_id, reason })
    }
}

/// One field's value and the clock of the event that set it: the higher clock wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register<T> {
    pub value: T,
    pub hlc: Hlc,
}

pub(crate) fn merge<T: Clone>(slot: &mut Option<Register<T>>, value: T, hlc: Hlc) {
    if slot.as_ref().is_none_or(|current| hlc > current.hlc) {
        *slot = Some(Register { value, hlc });
    }
}

/// Everything known about one visit, each field with the clock that set it. Merging is
/// commutative, associative and idempotent, so every PC that saw the same events agrees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitState {
    pub arrival: Option<Register<Arrival>>,
    pub name: Option<Register<VisitorName>>,
    pub procedure: Option<Register<Option<ProcedureText>>>,
    pub note: Option<Register<Option<Note>>>,
    /// Every call, keyed by its clock: calls are facts, a recall adds one.
    #[serde(default)]
    pub calls: BTreeMap<Hlc, VisitCalled>,
    /// The outcome is editable: the latest clock wins.
    #[serde(default)]
    pub finish: Option<Register<VisitFinished>>,
    /// A later appointment date for a received dossier, with its reason: the latest clock wins.
    #[serde(default)]
    pub reschedule: Option<Register<VisitRescheduled>>,
    /// When the result of a received dossier went back to the citizen.
    #[serde(default)]
    pub returned: Option<Register<VisitReturned>>,
    /// One rating per visit: if two PCs rate it while apart, the earlier clock wins everywhere.
    #[serde(default)]
    pub rating: Option<Register<VisitRated>>,
    /// A phone number or identity number corrected after arrival: the latest clock wins over
    /// the arrival's.
    #[serde(default)]
    pub phone: Option<Register<Phone>>,
    #[serde(default)]
    pub citizen_id: Option<Register<CitizenId>>,
    /// The person's data is erased: nothing more is recorded on the visit.
    #[serde(default)]
    pub erased: Option<Register<crate::erasure::Erased>>,
}

/// The immutable facts of an arrival.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrival {
    pub arrived_at: DateTime<Utc>,
    pub device_id: Uuid,
    #[serde(default)]
    pub ticket: Option<Ticket>,
    #[serde(default)]
    pub procedure_id: Option<String>,
    pub phone: Option<Phone>,
    pub citizen_id: Option<CitizenId>,
    #[serde(default)]
    pub trip: Trip,
}

/// A visit event as the projection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitChange {
    Arrived(VisitArrived),
    Amended(VisitAmended),
    Called(VisitCalled),
    Finished(VisitFinished),
    Rescheduled(VisitRescheduled),
    Returned(VisitReturned),
    Rated(VisitRated),
    Erased(crate::erasure::Erased),
}

impl VisitChange {
    /// When the step happened, and what kind of moment that is; `None` for what carries no time.
    pub fn at(&self) -> Option<(Moment, DateTime<Utc>)> {
        match self {
            VisitChange::Arrived(a) => Some((Moment::Arrival, a.arrived_at)),
            VisitChange::Amended(_) => None,
            VisitChange::Called(c) => Some((Moment::Call, c.called_at)),
            VisitChange::Finished(f) => Some((Moment::Finish, f.finished_at)),
            VisitChange::Rescheduled(r) => Some((Moment::Reschedule, r.rescheduled_at)),
            VisitChange::Returned(r) => Some((Moment::Return, r.returned_at)),
            VisitChange::Rated(r) => Some((Moment::Rating, r.rated_at)),
            VisitChange::Erased(e) => Some((Moment::Erasure, e.at)),
        }
    }

    /// Rules a payload must keep beyond its fields' types (checked on every PC and the server).
    pub fn check(&self) -> Result<(), InputError> {
        match self {
            VisitChange::Finished(f) => f.check(),
            VisitChange::Rescheduled(r) => r.check(),
            VisitChange::Rated(r) => VisitRated::new(r.rated_at, r.level, r.reasons.clone()).map(drop),
            VisitChange::Amended(m) => check_text(&m.reason, InputField::Note, NOTE_MAX_CHARS, true),
            VisitChange::Arrived(a) => a
                .visit
                .procedure_id
                .as_deref()
                .map_or(Ok(()), |p| check_text(p, InputField::Procedure, CODE_MAX_CHARS, false)),
            _ => Ok(()),
        }
    }
}

impl VisitState {
    /// The projection rule: fold one event into the state.
    pub fn apply(&mut self, change: &VisitChange, hlc: Hlc, device_id: Uuid) {
        match change {
            VisitChange::Arrived(a) => {
                let arrival = Arrival {
                    arrived_at: a.arrived_at,
                    device_id,
                    ticket: a.ticket,
                    procedure_id: a.visit.procedure_id.clone(),
                    trip: a.visit.trip,
                    phone: a.visit.phone.clone(),
                    citizen_id: a.visit.citizen_id.clone(),
                };
                merge(&mut self.arrival, arrival, hlc);
                merge(&mut self.name, a.visit.name.clone(), hlc);
                merge(&mut self.procedure, a.visit.procedure.clone(), hlc);
                merge(&mut self.note, a.visit.note.clone(), hlc);
            }
            VisitChange::Amended(m) => {
                if let Some(name) = &m.name {
                    merge(&mut self.name, name.clone(), hlc);
                }
                if let Some(procedure) = &m.procedure {
                    merge(&mut self.procedure, Some(procedure.clone()), hlc);
                }
                if let Some(note) = &m.note {
                    merge(&mut self.note, Some(note.clone()), hlc);
                }
                if let Some(phone) = &m.phone {
                    merge(&mut self.phone, phone.clone(), hlc);
                }
                if let Some(id) = &m.citizen_id {
                    merge(&mut self.citizen_id, id.clone(), hlc);
                }
            }
            VisitChange::Called(call) => {
                self.calls.entry(hlc).or_insert_with(|| call.clone());
            }
            VisitChange::Finished(finish) => merge(&mut self.finish, finish.clone(), hlc),
            VisitChange::Rescheduled(change) => merge(&mut self.reschedule, change.clone(), hlc),
            VisitChange::Returned(returned) => merge(&mut self.returned, returned.clone(), hlc),
            VisitChange::Rated(rating) => {
                if self.rating.as_ref().is_none_or(|first| hlc < first.hlc) {
                    self.rating = Some(Register { value: rating.clone(), hlc });
                }
            }
            // The first erasure stands: a second one (two PCs at once) erases nothing more.
            VisitChange::Erased(erased) => {
                if self.erased.as_ref().is_none_or(|first| hlc < first.hlc) {
                    self.erased = Some(Register { value: erased.clone(), hlc });
                }
            }
        }
    }

    /// Whether this PC may record `change` now: the desk's rules for the visit's state.
    pub fn admits(&self, change: &VisitChange) -> Result<(), InputError> {
        if self.arrival.is_none() && !matches!(change, VisitChange::Arrived(_)) {
            return Err(InputError::VisitNotFound);
        }
        if self.erased.is_some() {
            return Err(InputError::AlreadyErased);
        }
        self.check_sequence(change)?;
        let finished = self.finish.as_ref().map(|f| f.value.outcome);
        match change {
            VisitChange::Erased(_) => self.erasure_hold().map_or(Ok(()), |hold| Err(InputError::ErasureHeld { hold })),
            VisitChange::Called(_) if finished.is_some_and(|o| o != Outcome::NoShow) => {
                Err(InputError::AlreadyFinished)
            }
            VisitChange::Rated(_) => self.admits_rating(),
            VisitChange::Rescheduled(_) | VisitChange::Returned(_) if finished != Some(Outcome::DossierReceived) => {
                Err(InputError::NotADossier)
            }
            VisitChange::Rescheduled(_) | VisitChange::Returned(_) if self.returned.is_some() => {
                Err(InputError::AlreadyReturned)
            }
            _ => Ok(()),
        }
    }

    /// No step of a visit is dated before its arrival (a call before it would make the wait 0).
    /// Checked at the desk, by the server on every push and by every PC on what it pulls: nothing
    /// can happen to a visit before it arrived, whichever PC recorded it. A visit whose arrival is
    /// not known yet cannot be judged and passes.
    pub fn check_start(&self, change: &VisitChange) -> Result<(), InputError> {
        let Some(arrival) = &self.arrival else { return Ok(()) };
        match change.at() {
            Some((step, at)) if step != Moment::Arrival => {
                not_before(step, at, Moment::Arrival, arrival.value.arrived_at)
            }
            _ => Ok(()),
        }
    }

    /// What the desk also keeps when it records a step: it follows the step before it (a finish
    /// after the last call, so the service time is never a made-up 0; a recall after the no-show
    /// it recalls; a rating, a new date or the result's return after the finish).
    fn check_sequence(&self, change: &VisitChange) -> Result<(), InputError> {
        self.check_start(change)?;
        let finish = self.finish.as_ref().map(|f| &f.value);
        let follows = match change {
            VisitChange::Arrived(_) | VisitChange::Amended(_) | VisitChange::Erased(_) => None,
            VisitChange::Called(_) => {
                finish.filter(|f| f.outcome == Outcome::NoShow).map(|f| (Moment::Finish, f.finished_at))
            }
            VisitChange::Finished(_) => self.last_call().map(|c| (Moment::Call, c.called_at)),
            VisitChange::Rescheduled(_) | VisitChange::Returned(_) | VisitChange::Rated(_) => {
                finish.map(|f| (Moment::Finish, f.finished_at))
            }
        };
        match (change.at(), follows) {
            (Some((step, at)), Some((before, start))) => not_before(step, at, before, start),
            _ => Ok(()),
        }
    }

    /// What keeps the visit's personal data from being erased now: a dossier received and not
    /// yet returned. The desk, the server and every PC that pulls an erasure ask the same.
    pub fn erasure_hold(&self) -> Option<crate::erasure::Hold> {
        let received = self.finish.as_ref().is_some_and(|f| f.value.outcome == Outcome::DossierReceived);
        (received && self.returned.is_none())
            .then(|| crate::erasure::Hold::DossierNotReturned { appointment: self.appointment().map(|(day, _)| day) })
    }

    /// A visit can be rated once, after it finished.
    pub fn admits_rating(&self) -> Result<(), InputError> {
        match (&self.arrival, &self.finish, &self.rating) {
            (None, _, _) => Err(InputError::VisitNotFound),
            (_, None, _) => Err(InputError::NotFinished),
            (_, _, Some(_)) => Err(InputError::AlreadyRated),
            _ => Ok(()),
        }
    }

    /// The reschedule in force: it counts only if it came after the finish that set the first
    /// date (a re-finish resets it).
    fn appointment_moved(&self) -> Option<&VisitRescheduled> {
        let finish = self.finish.as_ref()?;
        let moved = self.reschedule.as_ref()?;
        (moved.hlc > finish.hlc && finish.value.outcome == Outcome::DossierReceived).then_some(&moved.value)
    }

    /// The appointment in force and, when it differs from the computed one, why.
    fn appointment(&self) -> Option<(NaiveDate, Option<String>)> {
        let finish = &self.finish.as_ref()?.value;
        match self.appointment_moved() {
            Some(moved) => Some((moved.appointment, Some(moved.reason.to_string()))),
            None => finish.appointment.map(|day| (day, finish.appointment_reason.as_ref().map(|r| r.to_string()))),
        }
    }

    /// The phone number in force: the latest correction, else the arrival's.
    fn phone(&self) -> Option<&Phone> {
        let arrival = self.arrival.as_ref()?;
        match &self.phone {
            Some(corrected) if corrected.hlc > arrival.hlc => Some(&corrected.value),
            _ => arrival.value.phone.as_ref(),
        }
    }

    fn citizen_id(&self) -> Option<&CitizenId> {
        let arrival = self.arrival.as_ref()?;
        match &self.citizen_id {
            Some(corrected) if corrected.hlc > arrival.hlc => Some(&corrected.value),
            _ => arrival.value.citizen_id.as_ref(),
        }
    }

    /// The latest call: the one the waiting and service times run to and from.
    fn last_call(&self) -> Option<&VisitCalled> {
        self.calls.values().max_by_key(|c| c.called_at)
    }

    /// The visit as people see it; `None` until its arrival is known (an amendment can sync first).
    pub fn view(&self, id: Uuid) -> Option<Visit> {
        let arrival = self.arrival.as_ref()?;
        let name = self.name.as_ref()?;
        let last_call = self.last_call();
        let finish = self.finish.as_ref().map(|f| &f.value);
        Some(Visit {
            id,
            ticket: arrival.value.ticket.map(|t| t.to_string()),
            arrived_at: arrival.value.arrived_at,
            name: name.value.to_string(),
            procedure: self.procedure.as_ref().and_then(|r| r.value.as_ref()).map(|p| p.to_string()),
            procedure_id: arrival.value.procedure_id.clone(),
            phone: self.phone().map(|p| p.as_str().to_owned()),
            citizen_id: self.citizen_id().map(|c| c.as_str().to_owned()),
            note: self.note.as_ref().and_then(|r| r.value.as_ref()).map(|n| n.to_string()),
            device_id: arrival.value.device_id,
            trip: u8::from(arrival.value.trip),
            calls: self.calls.len() as u32,
            last_called_at: last_call.map(|c| c.called_at),
            official: last_call.map(|c| c.official.to_string()),
            counter: last_call.map(|c| u16::from(c.counter)),
            finished_at: finish.map(|f| f.finished_at),
            outcome: finish.map(|f| f.outcome),
            appointment: self.appointment().map(|(day, _)| day),
            appointment_reason: self.appointment().and_then(|(_, reason)| reason),
            apology: self.appointment_moved().is_some_and(|m| m.apology),
            returned_at: self.returned.as_ref().map(|r| r.value.returned_at),
            guidance: finish.and_then(|f| f.guidance.as_ref()).map(|g| g.to_string()),
            transfer_counter: finish.and_then(|f| f.transfer.as_ref()?.counter).map(u16::from),
            transfer_official: finish.and_then(|f| f.transfer.as_ref()?.official.as_ref()).map(|o| o.to_string()),
            rating: self.rating.as_ref().map(|r| u8::from(r.value.level)),
            rating_reasons: self.rating.as_ref().map(|r| r.value.reasons.clone()).unwrap_or_default(),
            rescheduled_at: self.appointment_moved().map(|m| m.rescheduled_at),
            waiting_secs: lifecycle::waiting_time(arrival.value.arrived_at, last_call.map(|c| c.called_at))
                .map(|d| d.num_seconds()),
            service_secs: lifecycle::service_time(
                last_call.map(|c| c.called_at),
                finish.map(|f| (f.finished_at, f.outcome)),
            )
            .map(|d| d.num_seconds()),
            papers: finish.and_then(|f| f.papers.as_ref()).map(|p| p.to_string()),
            refusal_reason: finish.and_then(|f| f.refusal_reason.as_ref()).map(|r| r.to_string()),
            first_appointment: finish.and_then(|f| f.appointment),
        })
    }
}

fn first_trip() -> u8 {
    1
}

/// A visit as listed on screen, by the CLI and in exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: Uuid,
    /// The number the citizen is called by, e.g. `A007`.
    #[serde(default)]
    pub ticket: Option<String>,
    pub arrived_at: DateTime<Utc>,
    pub name: String,
    pub procedure: Option<String>,
    #[serde(default)]
    pub procedure_id: Option<String>,
    pub phone: Option<String>,
    pub citizen_id: Option<String>,
    pub note: Option<String>,
    pub device_id: Uuid,
    /// 1, 2, or 3 for "3 or more" trips for the same matter.
    #[serde(default = "first_trip")]
    pub trip: u8,
    /// How many times the citizen was called (more than one: recalled after a no-show).
    #[serde(default)]
    pub calls: u32,
    #[serde(default)]
    pub last_called_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub official: Option<String>,
    #[serde(default)]
    pub counter: Option<u16>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    #[serde(default)]
    pub appointment: Option<NaiveDate>,
    /// Why the appointment differs from the computed one, or was moved later.
    #[serde(default)]
    pub appointment_reason: Option<String>,
    /// The appointment was moved with an apology slip.
    #[serde(default)]
    pub apology: bool,
    /// When the result of a received dossier went back to the citizen.
    #[serde(default)]
    pub returned_at: Option<DateTime<Utc>>,
    /// The papers still missing, for a guided citizen.
    #[serde(default)]
    pub guidance: Option<String>,
    /// Where a transferred citizen was sent.
    #[serde(default)]
    pub transfer_counter: Option<u16>,
    #[serde(default)]
    pub transfer_official: Option<String>,
    /// 1 (Rất không hài lòng) … 5 (Rất hài lòng).
    #[serde(default)]
    pub rating: Option<u8>,
    /// Why the citizen was not satisfied (the two lowest levels only).
    #[serde(default)]
    pub rating_reasons: Vec<RatingReason>,
    /// When the appointment in force was moved (with or without an apology slip).
    #[serde(default)]
    pub rescheduled_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub waiting_secs: Option<i64>,
    #[serde(default)]
    pub service_secs: Option<i64>,
    /// The papers a received dossier holds, as the receipt slip lists them.
    #[serde(default)]
    pub papers: Option<String>,
    /// Why the dossier was refused (the refusal slip's reason).
    #[serde(default)]
    pub refusal_reason: Option<String>,
    /// The appointment given when the dossier was received, before any new date.
    #[serde(default)]
    pub first_appointment: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rescheduled_dossier_shows_the_new_date_and_why_until_it_is_finished_again() {
        use chrono::TimeZone;
        let dev = Uuid::from_u128(1);
        let clock = |ms| Hlc { wall_ms: ms, counter: 0, device: dev };
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let arrive = VisitChange::Arrived(VisitArrived {
            ticket: None,
            arrived_at: at,
            visit: NewVisit::parse(VisitInput { name: "An".into(), ..Default::default() }).unwrap(),
        });
        let finish = |d| VisitChange::Finished(VisitFinished::new(at, Outcome::DossierReceived, Some(day(d))).unwrap());
        let moved = VisitChange::Rescheduled(VisitRescheduled {
            rescheduled_at: at,
            appointment: day(9),
            reason: Note::try_from("chờ xác minh của Sở Tư pháp".to_owned()).unwrap(),
            apology: true,
        });
        let mut state = VisitState::default();
        state.apply(&arrive, clock(1), dev);
        assert_eq!(state.admits(&moved), Err(InputError::NotADossier), "nothing received yet");
        state.apply(&finish(2), clock(2), dev);
        assert!(state.admits(&moved).is_ok());
        state.apply(&moved, clock(3), dev);
        let view = state.view(Uuid::nil()).unwrap();
        assert_eq!(
            (view.appointment, view.appointment_reason.as_deref()),
            (Some(day(9)), Some("chờ xác minh của Sở Tư pháp"))
        );
        state.apply(&finish(4), clock(4), dev);
        let view = state.view(Uuid::nil()).unwrap();
        assert_eq!(
            (view.appointment, view.appointment_reason),
            (Some(day(4)), None),
            "a later finish sets the date again"
        );
    }

    #[test]
    fn no_step_of_a_visit_is_dated_before_what_it_follows() {
        use chrono::TimeZone;
        let dev = Uuid::from_u128(1);
        let clock = |ms| Hlc { wall_ms: ms, counter: 0, device: dev };
        let t = |h, m| Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap();
        let arrive = VisitChange::Arrived(VisitArrived {
            ticket: None,
            arrived_at: t(1, 0),
            visit: NewVisit::parse(VisitInput { name: "An".into(), ..Default::default() }).unwrap(),
        });
        let call = |h, m| {
            VisitChange::Called(VisitCalled {
                called_at: t(h, m),
                official: "Lê Thị Hoa".to_owned().try_into().unwrap(),
                counter: Counter::try_from(1u8).unwrap(),
            })
        };
        let finish = |h, m| VisitChange::Finished(VisitFinished::new(t(h, m), Outcome::Resolved, None).unwrap());
        let rate =
            |h, m| VisitChange::Rated(VisitRated::new(t(h, m), RatingLevel::try_from(5).unwrap(), vec![]).unwrap());
        let mut state = VisitState::default();
        state.apply(&arrive, clock(1), dev);
        // One minute before the arrival: refused, naming both times.
        let early = state.admits(&call(0, 59)).unwrap_err();
        assert_eq!(
            early,
            InputError::StepBeforeStart { step: Moment::Call, at: t(0, 59), follows: Moment::Arrival, start: t(1, 0) }
        );
        assert!(early.to_string().contains("07:59 26/11/2026") && early.to_string().contains("08:00 26/11/2026"));
        assert_eq!(state.check_start(&call(0, 59)), Err(early), "the same rule on a synced call");
        assert!(state.admits(&finish(0, 30)).is_err(), "a finish before the arrival");
        state.apply(&call(1, 10), clock(2), dev);
        // A finish before the call would make the service time 0.
        assert!(matches!(state.admits(&finish(1, 5)), Err(InputError::StepBeforeStart { follows: Moment::Call, .. })));
        state.apply(&finish(1, 20), clock(3), dev);
        assert!(matches!(state.admits(&rate(1, 15)), Err(InputError::StepBeforeStart { follows: Moment::Finish, .. })));
        assert!(state.admits(&rate(1, 20)).is_ok());
    }

    #[test]
    fn a_payload_with_an_invalid_field_does_not_deserialize() {
        let bad = serde_json::json!({"arrived_at": "2026-11-26T01:00:00Z", "name": "   "});
        assert!(serde_json::from_value::<VisitArrived>(bad).is_err());
        let good = serde_json::json!({"arrived_at": "2026-11-26T01:00:00Z", "name": "An", "phone": "+84912345678"});
        let parsed: VisitArrived = serde_json::from_value(good).unwrap();
        assert_eq!(parsed.visit.phone.unwrap().as_str(), "0912345678");
    }
}
