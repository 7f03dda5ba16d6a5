//! The event envelope: every change anywhere is one immutable, signed-off-by-device event.
//!
//! Events travel as-is from the desk's SQLite store to the province and on to the commune's other
//! PCs. `EventBody` is the typed view of an envelope's `kind` + `payload`; parsing it is how the
//! app and the server both validate an event.

use crate::approval::WeekStepped;
use crate::camera::{CameraChange, CameraChecked, CameraListed};
use crate::feedback::{
    FeedbackAnswered, FeedbackBoxOpened, FeedbackChange, FeedbackClassified, FeedbackCoded, FeedbackRated,
    FeedbackReceived, FeedbackStatusSet,
};
use crate::hlc::Hlc;
use crate::official::OfficialListed;
use crate::procedure::OfficeHours;
use crate::publicity::Published;
use crate::visit::{
    VisitAmended, VisitArrived, VisitCalled, VisitChange, VisitFinished, VisitRated, VisitRescheduled, VisitReturned,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Version of the payload schemas this build writes and understands.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: Uuid,
    pub commune_id: String,
    pub device_id: Uuid,
    /// Gap-free per device, from 1.
    pub seq: i64,
    pub hlc: Hlc,
    pub entity: String,
    pub entity_id: Uuid,
    pub kind: String,
    pub payload: serde_json::Value,
    pub schema: u32,
    /// The signed-in account that made the change (its login name), or the command line's
    /// "cli:<OS user>"; `None` only for events written before accounts existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The typed content of an event.
#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    Visit(VisitChange),
    /// `office.hours_set`: the commune office's opening hours, shared by all its PCs (the latest
    /// clock wins).
    OfficeHours(OfficeHours),
    /// `official.listed`: an entry of the officials directory (the latest clock wins).
    Official(OfficialListed),
    Feedback(FeedbackChange),
    /// `feedback_box.opened`: the feedback box was opened before witnesses.
    FeedbackBox(FeedbackBoxOpened),
    Camera(CameraChange),
    /// `week.submitted|approved|reopened|accepted`: a step of the weekly summary's approval.
    Week(WeekStepped),
    /// `publication.recorded`: the board was published somewhere.
    Publication(Published),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("unknown event kind {0:?}")]
    UnknownKind(String),
    #[error("kind {kind:?} belongs to entity {expected:?}, not {found:?}")]
    WrongEntity { kind: String, expected: &'static str, found: String },
    #[error("schema version {0} is newer than this build understands")]
    SchemaTooNew(u32),
    #[error("invalid payload for {kind}: {reason}")]
    InvalidPayload { kind: String, reason: String },
    #[error("sequence number must be at least 1, got {0}")]
    BadSeq(i64),
    #[error("event id must be a UUIDv7")]
    NotUuidV7,
}

impl EventBody {
    pub fn entity(&self) -> &'static str {
        match self {
            EventBody::Visit(_) => "visit",
            EventBody::OfficeHours(_) => "office",
            EventBody::Official(_) => "official",
            EventBody::Feedback(_) => "feedback",
            EventBody::FeedbackBox(_) => "feedback_box",
            EventBody::Camera(_) => "camera",
            EventBody::Week(_) => "week",
            EventBody::Publication(_) => "publication",
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::Visit(VisitChange::Arrived(_)) => "visit.arrived",
            EventBody::Visit(VisitChange::Amended(_)) => "visit.amended",
            EventBody::Visit(VisitChange::Called(_)) => "visit.called",
            EventBody::Visit(VisitChange::Finished(_)) => "visit.finished",
            EventBody::Visit(VisitChange::Rescheduled(_)) => "visit.rescheduled",
            EventBody::Visit(VisitChange::Returned(_)) => "visit.returned",
            EventBody::Visit(VisitChange::Rated(_)) => "visit.rated",
            EventBody::OfficeHours(_) => "office.hours_set",
            EventBody::Official(_) => "official.listed",
            EventBody::Feedback(FeedbackChange::Received(_)) => "feedback.received",
            EventBody::Feedback(FeedbackChange::StatusSet(_)) => "feedback.status_set",
            EventBody::Feedback(FeedbackChange::Answered(_)) => "feedback.answered",
            EventBody::Feedback(FeedbackChange::Coded(_)) => "feedback.coded",
            EventBody::Feedback(FeedbackChange::Classified(_)) => "feedback.classified",
            EventBody::Feedback(FeedbackChange::Rated(_)) => "feedback.rated",
            EventBody::FeedbackBox(_) => "feedback_box.opened",
            EventBody::Camera(CameraChange::Listed(_)) => "camera.listed",
            EventBody::Camera(CameraChange::Checked(_)) => "camera.checked",
            EventBody::Week(stepped) => stepped.step.kind(),
            EventBody::Publication(_) => "publication.recorded",
        }
    }

    pub fn payload(&self) -> serde_json::Value {
        let value = match self {
            EventBody::Visit(VisitChange::Arrived(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Amended(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Called(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Finished(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Rescheduled(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Returned(p)) => serde_json::to_value(p),
            EventBody::Visit(VisitChange::Rated(p)) => serde_json::to_value(p),
            EventBody::OfficeHours(p) => serde_json::to_value(p),
            EventBody::Official(p) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::Received(p)) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::StatusSet(p)) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::Answered(p)) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::Coded(p)) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::Classified(p)) => serde_json::to_value(p),
            EventBody::Feedback(FeedbackChange::Rated(p)) => serde_json::to_value(p),
            EventBody::FeedbackBox(p) => serde_json::to_value(p),
            EventBody::Camera(CameraChange::Listed(p)) => serde_json::to_value(p),
            EventBody::Camera(CameraChange::Checked(p)) => serde_json::to_value(p),
            EventBody::Week(p) => serde_json::to_value(p),
            EventBody::Publication(p) => serde_json::to_value(p),
        };
        // These types serialise plain strings, dates and options: serde_json cannot fail on them.
        value.unwrap_or(serde_json::Value::Null)
    }
}

/// The kinds that begin an entity's life: a visit's arrival, an item's receipt, a camera's
/// listing. A later step is checked against them wherever it arrives.
pub const START_KINDS: [&str; 3] = ["visit.arrived", "feedback.received", "camera.listed"];

/// Whether a step is dated no earlier than the start of what it belongs to, given the entity's
/// start events known so far (those of `START_KINDS`; the server reads them from its log). The
/// same core rules the desk applies to its own state; an entity with no known start passes.
pub fn check_start(starts: &[Event], body: &EventBody) -> Result<(), crate::InputError> {
    let bodies = || starts.iter().filter_map(|e| e.body().ok().map(|b| (e, b)));
    match body {
        EventBody::Visit(change) => {
            let mut state = crate::visit::VisitState::default();
            for (e, b) in bodies() {
                if let EventBody::Visit(start) = b {
                    state.apply(&start, e.hlc, e.device_id);
                }
            }
            state.check_start(change)
        }
        EventBody::Feedback(change) => {
            let mut state = crate::feedback::FeedbackState::default();
            for (e, b) in bodies() {
                if let EventBody::Feedback(start) = b {
                    state.apply(&start, e.hlc);
                }
            }
            state.check_start(change)
        }
        EventBody::Camera(CameraChange::Checked(check)) => {
            let since = bodies()
                .filter_map(|(e, b)| match b {
                    EventBody::Camera(CameraChange::Listed(listed)) => Some(listed.effective_at(e.hlc)),
                    _ => None,
                })
                .min();
            check.check_start(since)
        }
        _ => Ok(()),
    }
}

fn payload<T: serde::de::DeserializeOwned>(kind: &str, value: &serde_json::Value) -> Result<T, EventError> {
    T::deserialize(value).map_err(|e| EventError::InvalidPayload { kind: kind.to_owned(), reason: e.to_string() })
}

impl Event {
    /// Checks the envelope and parses its body: the one validation the desk and the server share.
    pub fn body(&self) -> Result<EventBody, EventError> {
        if self.schema > SCHEMA_VERSION {
            return Err(EventError::SchemaTooNew(self.schema));
        }
        if self.seq < 1 {
            return Err(EventError::BadSeq(self.seq));
        }
        if self.id.get_version_num() != 7 {
            return Err(EventError::NotUuidV7);
        }
        let (kind, value) = (self.kind.as_str(), &self.payload);
        let invalid =
            |e: crate::visit::InputError| EventError::InvalidPayload { kind: kind.to_owned(), reason: e.to_string() };
        let change = match kind {
            "visit.arrived" => VisitChange::Arrived(payload::<VisitArrived>(kind, value)?),
            "visit.amended" => VisitChange::Amended(payload::<VisitAmended>(kind, value)?),
            "visit.called" => VisitChange::Called(payload::<VisitCalled>(kind, value)?),
            "visit.finished" => VisitChange::Finished(payload::<VisitFinished>(kind, value)?),
            "visit.rescheduled" => VisitChange::Rescheduled(payload::<VisitRescheduled>(kind, value)?),
            "visit.returned" => VisitChange::Returned(payload::<VisitReturned>(kind, value)?),
            "visit.rated" => VisitChange::Rated(payload::<VisitRated>(kind, value)?),
            "office.hours_set" => {
                let hours = payload::<OfficeHours>(kind, value)?;
                hours.check().map_err(invalid)?;
                return self.of_entity(EventBody::OfficeHours(hours));
            }
            "official.listed" => return self.of_entity(EventBody::Official(payload::<OfficialListed>(kind, value)?)),
            "feedback.received"
            | "feedback.status_set"
            | "feedback.answered"
            | "feedback.coded"
            | "feedback.classified"
            | "feedback.rated" => {
                let change = match kind {
                    "feedback.received" => FeedbackChange::Received(payload::<FeedbackReceived>(kind, value)?),
                    "feedback.status_set" => FeedbackChange::StatusSet(payload::<FeedbackStatusSet>(kind, value)?),
                    "feedback.answered" => FeedbackChange::Answered(payload::<FeedbackAnswered>(kind, value)?),
                    "feedback.coded" => FeedbackChange::Coded(payload::<FeedbackCoded>(kind, value)?),
                    "feedback.classified" => FeedbackChange::Classified(payload::<FeedbackClassified>(kind, value)?),
                    _ => FeedbackChange::Rated(payload::<FeedbackRated>(kind, value)?),
                };
                change.check().map_err(invalid)?;
                return self.of_entity(EventBody::Feedback(change));
            }
            "feedback_box.opened" => {
                let opened = payload::<FeedbackBoxOpened>(kind, value)?;
                opened.check().map_err(invalid)?;
                return self.of_entity(EventBody::FeedbackBox(opened));
            }
            "camera.listed" => {
                return self.of_entity(EventBody::Camera(CameraChange::Listed(payload::<CameraListed>(kind, value)?)))
            }
            "camera.checked" => {
                let checked = payload::<CameraChecked>(kind, value)?;
                checked.check().map_err(invalid)?;
                return self.of_entity(EventBody::Camera(CameraChange::Checked(checked)));
            }
            "week.submitted" | "week.approved" | "week.reopened" | "week.accepted" => {
                let stepped = payload::<WeekStepped>(kind, value)?;
                stepped.check().map_err(invalid)?;
                if stepped.step.kind() != kind {
                    return Err(EventError::InvalidPayload {
                        kind: kind.to_owned(),
                        reason: "step does not match kind".into(),
                    });
                }
                return self.of_entity(EventBody::Week(stepped));
            }
            "publication.recorded" => {
                return self.of_entity(EventBody::Publication(payload::<Published>(kind, value)?));
            }
            other => return Err(EventError::UnknownKind(other.to_owned())),
        };
        change.check().map_err(invalid)?;
        self.of_entity(EventBody::Visit(change))
    }

    fn of_entity(&self, body: EventBody) -> Result<EventBody, EventError> {
        if body.entity() != self.entity {
            return Err(EventError::WrongEntity {
                kind: self.kind.clone(),
                expected: body.entity(),
                found: self.entity.clone(),
            });
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visit::{Counter, NewVisit, Outcome, RatingLevel, VisitInput, VisitState};
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn visit_event(entity_id: Uuid, device: u128, seq: i64, wall_ms: u64, change: VisitChange) -> Event {
        let device_id = Uuid::from_u128(device);
        let body = EventBody::Visit(change);
        Event {
            id: Uuid::now_v7(),
            commune_id: "26734".into(),
            device_id,
            seq,
            hlc: Hlc { wall_ms, counter: 0, device: device_id },
            entity: body.entity().into(),
            entity_id,
            kind: body.kind().into(),
            payload: body.payload(),
            schema: SCHEMA_VERSION,
            user: Some("lan.nt".into()),
        }
    }

    fn arrived(name: &str, note: Option<&str>) -> VisitChange {
        let visit = NewVisit::parse(VisitInput { name: name.into(), note: note.map(Into::into), ..Default::default() })
            .unwrap();
        VisitChange::Arrived(VisitArrived {
            arrived_at: Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap(),
            ticket: None,
            visit,
        })
    }

    fn amended(name: Option<&str>, note: Option<&str>) -> VisitChange {
        VisitChange::Amended(VisitAmended {
            name: name.map(|n| n.to_owned().try_into().unwrap()),
            procedure: None,
            note: note.map(|n| n.to_owned().try_into().unwrap()),
            reason: "sửa lỗi gõ".into(),
        })
    }

    /// Projects a stream of events the way both stores do: parse, then fold per entity.
    fn project<'a>(events: impl IntoIterator<Item = &'a Event>) -> BTreeMap<Uuid, VisitState> {
        let mut states: BTreeMap<Uuid, VisitState> = BTreeMap::new();
        for event in events {
            if let EventBody::Visit(change) = event.body().unwrap() {
                states.entry(event.entity_id).or_default().apply(&change, event.hlc, event.device_id);
            }
        }
        states
    }

    #[test]
    fn envelope_round_trips_and_validates() {
        let e = visit_event(Uuid::now_v7(), 1, 1, 10, arrived("Phạm Thị D", None));
        let json = serde_json::to_string(&e).unwrap();
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert!(back.body().is_ok());
    }

    #[test]
    fn bad_envelopes_are_named_precisely() {
        let good = visit_event(Uuid::now_v7(), 1, 1, 10, arrived("An", None));
        let mut e = good.clone();
        e.kind = "visit.teleported".into();
        assert_eq!(e.body(), Err(EventError::UnknownKind("visit.teleported".into())));
        let mut e = good.clone();
        e.entity = "feedback".into();
        assert!(matches!(e.body(), Err(EventError::WrongEntity { .. })));
        let mut e = good.clone();
        e.payload["name"] = "".into();
        assert!(matches!(e.body(), Err(EventError::InvalidPayload { .. })));
        let mut e = good.clone();
        e.payload["name"] = "Nguyễn\u{7} Văn A".into();
        assert!(
            matches!(e.body(), Err(EventError::InvalidPayload { reason, .. }) if reason.contains("ký tự điều khiển")),
            "a synced name with a control character is refused like a typed one"
        );
        let mut e = good.clone();
        e.seq = 0;
        assert_eq!(e.body(), Err(EventError::BadSeq(0)));
        let mut e = good.clone();
        e.schema = SCHEMA_VERSION + 1;
        assert_eq!(e.body(), Err(EventError::SchemaTooNew(SCHEMA_VERSION + 1)));
        let mut e = good;
        e.id = Uuid::new_v4();
        assert_eq!(e.body(), Err(EventError::NotUuidV7));
    }

    #[test]
    fn a_later_amendment_wins_even_when_it_syncs_first() {
        let id = Uuid::now_v7();
        let arrive = visit_event(id, 1, 1, 100, arrived("Nguyen Van A", Some("cũ")));
        let fix = visit_event(id, 2, 1, 200, amended(Some("Nguyễn Văn A"), None));
        let only_fix = project([&fix]);
        assert_eq!(only_fix[&id].view(id), None, "no arrival yet: not shown");
        let states = project([&fix, &arrive]);
        let visit = states[&id].view(id).unwrap();
        assert_eq!(visit.name, "Nguyễn Văn A");
        assert_eq!(visit.note.as_deref(), Some("cũ"));
    }

    /// A small universe of events over three visits and three devices, with clashing amendments.
    fn universe() -> Vec<Event> {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let mut events = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let base = 1_000 * (i as u64 + 1);
            events.push(visit_event(*id, 1, 1 + i as i64 * 3, base, arrived(&format!("Khách {i}"), None)));
            events.push(visit_event(*id, 2, 1 + i as i64 * 3, base + 5, amended(Some(&format!("Khách số {i}")), None)));
            events.push(visit_event(*id, 3, 1 + i as i64 * 3, base + 5, amended(None, Some("ghi chú B"))));
            // Same wall time as device 2's amendment: the device id must break the tie.
            events.push(visit_event(*id, 3, 2 + i as i64 * 3, base + 5, amended(Some(&format!("Khách C{i}")), None)));
            // A call, a no-show, a recall from another PC, a finish; two PCs rate it while apart.
            let t = |minutes: i64| {
                Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
            };
            let call = |m, counter: u8| {
                VisitChange::Called(VisitCalled {
                    called_at: t(m),
                    official: "Lê Thị Hoa".to_owned().try_into().unwrap(),
                    counter: Counter::try_from(counter).unwrap(),
                })
            };
            let finish = |m, outcome| VisitChange::Finished(VisitFinished::new(t(m), outcome, None).unwrap());
            let rate = |level| {
                VisitChange::Rated(VisitRated::new(t(40), RatingLevel::try_from(level).unwrap(), vec![]).unwrap())
            };
            events.push(visit_event(*id, 1, 10 + i as i64, base + 10, call(10, 1)));
            events.push(visit_event(*id, 1, 20 + i as i64, base + 11, finish(12, Outcome::NoShow)));
            events.push(visit_event(*id, 2, 10 + i as i64, base + 20, call(30, 2)));
            events.push(visit_event(*id, 2, 20 + i as i64, base + 21, finish(35, Outcome::Resolved)));
            events.push(visit_event(*id, 2, 30 + i as i64, base + 30, rate(5)));
            events.push(visit_event(*id, 3, 30 + i as i64, base + 31, rate(2)));
            // Two PCs move the appointment while apart: the later clock wins.
            let moved = |day: u32, why: &str| {
                VisitChange::Rescheduled(VisitRescheduled {
                    rescheduled_at: t(50),
                    appointment: chrono::NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
                    reason: why.to_owned().try_into().unwrap(),
                    apology: false,
                })
            };
            events.push(visit_event(*id, 1, 40 + i as i64, base + 40, moved(3, "chờ xác minh")));
            events.push(visit_event(*id, 3, 40 + i as i64, base + 41, moved(4, "thiếu chữ ký")));
        }
        events
    }

    #[test]
    fn the_lifecycle_projects_to_times_outcome_and_the_first_rating() {
        let events = universe();
        let states = project(&events);
        let visit = states.values().next().unwrap().view(events[0].entity_id).unwrap();
        assert_eq!((visit.calls, visit.counter, visit.outcome), (2, Some(2), Some(Outcome::Resolved)));
        assert_eq!((visit.waiting_secs, visit.service_secs), (Some(30 * 60), Some(5 * 60)));
        assert_eq!(visit.rating, Some(5), "the earlier rating wins on every PC");
    }

    proptest! {
        #[test]
        fn any_order_with_any_duplicates_gives_the_same_projection(
            order in Just(()).prop_flat_map(|_| {
                let n = universe().len();
                (Just((0..n).collect::<Vec<_>>()).prop_shuffle(), proptest::collection::vec(0..n, 0..20))
            })
        ) {
            let events = universe();
            let expected = project(&events);
            let (shuffled, dups) = order;
            let mut stream: Vec<&Event> = shuffled.iter().map(|&i| &events[i]).collect();
            for (k, &d) in dups.iter().enumerate() {
                let at = (k * 7) % (stream.len() + 1);
                stream.insert(at, &events[d]);
            }
            prop_assert_eq!(project(stream), expected);
        }
    }
}
