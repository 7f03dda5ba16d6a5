//! The event envelope: every change anywhere is one immutable, signed-off-by-device event.
//!
//! Events travel as-is from the desk's SQLite store to the province and on to the commune's other
//! PCs. `EventBody` is the typed view of an envelope's `kind` + `payload`; parsing it is how the
//! app and the server both validate an event.

use crate::approval::WeekStepped;
use crate::camera::{CameraChange, CameraChecked, CameraListed};
use crate::erasure::Erased;
use crate::feedback::{
    FeedbackAmended, FeedbackAnswered, FeedbackBoxOpened, FeedbackChange, FeedbackClassified, FeedbackCoded,
    FeedbackRated, FeedbackReceived, FeedbackStatusSet,
};
use crate::hlc::Hlc;
use crate::official::OfficialListed;
use crate::person::Accessed;
use crate::procedure::OfficeHours;
use crate::publicity::Published;
use crate::reception::{ReceptionChange, ScheduleListed, SessionRecorded};
use crate::visit::{
    VisitAmended, VisitArrived, VisitCalled, VisitChange, VisitFinished, VisitRated, VisitRescheduled, VisitReturned,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Version of the payload schemas this build writes and understands.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
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
    /// `person.accessed`: a line of the access log of personal data.
    Access(Accessed),
    /// `reception.scheduled|recorded`: the chairman's citizen-reception days and their sessions.
    Reception(ReceptionChange),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("loại sự kiện không biết: {0:?}")]
    UnknownKind(String),
    #[error("loại {kind:?} thuộc về {expected:?}, không phải {found:?}")]
    WrongEntity { kind: String, expected: &'static str, found: String },
    #[error("phiên bản dữ liệu {0} mới hơn phiên bản máy này hiểu")]
    SchemaTooNew(u32),
    #[error("nội dung {kind} không hợp lệ: {reason}")]
    InvalidPayload { kind: String, reason: String },
    #[error("số thứ tự phải từ 1 trở lên, nhận {0}")]
    BadSeq(i64),
    #[error("mã sự kiện phải là UUIDv7")]
    NotUuidV7,
    #[error("trường {field} của phong bì không hợp lệ: {reason}")]
    Envelope { field: &'static str, reason: String },
    #[error("nội dung quá lớn: {bytes} byte, tối đa {max}")]
    PayloadTooLarge { bytes: usize, max: usize },
    #[error("đồng hồ của sự kiện thuộc máy {clock}, không phải máy gửi {device}")]
    ClockNotSender { clock: Uuid, device: Uuid },
    #[error("đồng hồ máy gửi {} so với giờ máy nhận (cho phép lệch {} phút): hãy chỉnh ngày giờ của máy", crate::clock::offset_text(*.ahead), crate::clock::TOLERANCE.num_minutes())]
    ClockAhead { ahead: chrono::Duration },
    #[error("{kind} là việc của tỉnh: máy của xã, phường không được ghi")]
    ProvinceOnly { kind: String },
    #[error("máy của tỉnh chỉ ghi việc của tỉnh, không ghi {kind}")]
    CommuneOnly { kind: String },
    #[error("bước duyệt ghi tuần {week} nhưng thuộc báo cáo tuần khác")]
    WrongWeek { week: String },
}

impl EventError {
    /// The event is of a newer build than this one (a kind or schema it does not know), not a
    /// bad one: a PC keeps it in its log for the version that will read it.
    pub fn is_newer_build(&self) -> bool {
        matches!(self, EventError::SchemaTooNew(_) | EventError::UnknownKind(_))
    }
}

/// Limits of an event's content that hold whatever its kind: one PC must not be able to fill its
/// neighbours' stores (the typed fields have tighter limits of their own).
pub mod limits {
    /// A payload's JSON. Above the largest anyone can type: a feedback item of 5000 characters
    /// with 20 attachment notes of 1000 is about 110 KiB even in 4-byte characters. A week's
    /// approved figures (every procedure, official and counter of a big ward) are the largest.
    pub const PAYLOAD_BYTES: usize = 128 * 1024;
    pub const WEEK_FIGURES_BYTES: usize = 768 * 1024;
    /// Any string anywhere in a payload (the longest typed field is 5000 characters).
    pub const STRING_CHARS: usize = 5000;
    /// Any list anywhere in a payload.
    pub const LIST_ITEMS: usize = 500;
    /// The envelope's words: commune code, entity, kind, the account that made it.
    pub const COMMUNE_CHARS: usize = 16;
    pub const WORD_CHARS: usize = 64;
    pub const USER_CHARS: usize = 100;
}

/// The one table of event kinds: each kind's wire name, the body it parses into and the payload
/// type it carries. `EventBody::kind`, `EventBody::payload` and `Event::body` are all made from it.
/// A week's five steps share one body (`EventBody::Week`); its kind is the step's.
macro_rules! event_kinds {
    ($( $kind:literal => $outer:ident $( ( $($inner:ident)::+ ) )? : $ty:ty ),* $(,)?) => {
        /// Every kind this build reads.
        pub const KINDS: &[&str] = &[$($kind,)* "week.submitted", "week.approved", "week.reopened", "week.accepted", "week.returned"];

        impl EventBody {
            pub fn kind(&self) -> &'static str {
                match self {
                    $( event_kinds!(@pattern _p, $outer $( ( $($inner)::+ ) )?) => $kind, )*
                    EventBody::Week(stepped) => stepped.step.kind(),
                }
            }

            /// The payload as it travels and is stored.
            pub fn payload(&self) -> serde_json::Value {
                let value = match self {
                    $( event_kinds!(@pattern p, $outer $( ( $($inner)::+ ) )?) => serde_json::to_value(p), )*
                    EventBody::Week(p) => serde_json::to_value(p),
                };
                // These types serialise plain strings, dates and options: serde_json cannot fail on them.
                value.unwrap_or(serde_json::Value::Null)
            }
        }

        /// Parses a payload by its kind (its type's own rules are `EventBody::check`).
        fn parse_body(kind: &str, value: &serde_json::Value) -> Result<EventBody, EventError> {
            Ok(match kind {
                $( $kind => { let p = payload::<$ty>(kind, value)?; event_kinds!(@pattern p, $outer $( ( $($inner)::+ ) )?) } )*
                "week.submitted" | "week.approved" | "week.reopened" | "week.accepted" | "week.returned" => {
                    EventBody::Week(payload::<WeekStepped>(kind, value)?)
                }
                other => return Err(EventError::UnknownKind(other.to_owned())),
            })
        }
    };
    (@pattern $p:ident, $outer:ident) => { EventBody::$outer($p) };
    (@pattern $p:ident, $outer:ident ( $($inner:ident)::+ )) => { EventBody::$outer($($inner)::+($p)) };
}

event_kinds! {
    "visit.arrived" => Visit(VisitChange::Arrived): VisitArrived,
    "visit.amended" => Visit(VisitChange::Amended): VisitAmended,
    "visit.called" => Visit(VisitChange::Called): VisitCalled,
    "visit.finished" => Visit(VisitChange::Finished): VisitFinished,
    "visit.rescheduled" => Visit(VisitChange::Rescheduled): VisitRescheduled,
    "visit.returned" => Visit(VisitChange::Returned): VisitReturned,
    "visit.rated" => Visit(VisitChange::Rated): VisitRated,
    "visit.erased" => Visit(VisitChange::Erased): Erased,
    "office.hours_set" => OfficeHours: OfficeHours,
    "official.listed" => Official: OfficialListed,
    "feedback.received" => Feedback(FeedbackChange::Received): FeedbackReceived,
    "feedback.status_set" => Feedback(FeedbackChange::StatusSet): FeedbackStatusSet,
    "feedback.answered" => Feedback(FeedbackChange::Answered): FeedbackAnswered,
    "feedback.coded" => Feedback(FeedbackChange::Coded): FeedbackCoded,
    "feedback.classified" => Feedback(FeedbackChange::Classified): FeedbackClassified,
    "feedback.rated" => Feedback(FeedbackChange::Rated): FeedbackRated,
    "feedback.amended" => Feedback(FeedbackChange::Amended): FeedbackAmended,
    "feedback.erased" => Feedback(FeedbackChange::Erased): Erased,
    "feedback_box.opened" => FeedbackBox: FeedbackBoxOpened,
    "camera.listed" => Camera(CameraChange::Listed): CameraListed,
    "camera.checked" => Camera(CameraChange::Checked): CameraChecked,
    "publication.recorded" => Publication: Published,
    "person.accessed" => Access: Accessed,
    "reception.scheduled" => Reception(ReceptionChange::Scheduled): ScheduleListed,
    "reception.recorded" => Reception(ReceptionChange::Recorded): SessionRecorded,
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
            EventBody::Access(_) => "person",
            EventBody::Reception(_) => "reception",
        }
    }

    /// The rules a body keeps beyond its fields' types, whatever PC it comes from.
    pub fn check(&self) -> Result<(), crate::InputError> {
        match self {
            EventBody::Visit(change) => change.check(),
            EventBody::OfficeHours(hours) => hours.check(),
            EventBody::Feedback(change) => change.check(),
            EventBody::FeedbackBox(opened) => opened.check(),
            EventBody::Camera(CameraChange::Checked(checked)) => checked.check(),
            EventBody::Week(stepped) => stepped.check(),
            EventBody::Reception(change) => change.check(),
            EventBody::Official(_)
            | EventBody::Camera(CameraChange::Listed(_))
            | EventBody::Publication(_)
            | EventBody::Access(_) => Ok(()),
        }
    }

    /// The instant the payload is dated by, if any: what a receiver bounds by its own time.
    pub fn moment(&self) -> Option<(crate::visit::Moment, chrono::DateTime<chrono::Utc>)> {
        use crate::visit::Moment;
        match self {
            EventBody::Visit(change) => change.at(),
            EventBody::Feedback(change) => change.at(),
            EventBody::FeedbackBox(opened) => Some((Moment::BoxOpening, opened.opened_at)),
            EventBody::Camera(CameraChange::Listed(listed)) => listed.at.map(|at| (Moment::CameraService, at)),
            EventBody::Camera(CameraChange::Checked(checked)) => Some((Moment::CameraCheck, checked.checked_at)),
            EventBody::Week(stepped) => Some((Moment::WeekStep, stepped.step.at())),
            EventBody::Publication(published) => Some((Moment::Publication, published.at)),
            EventBody::Access(accessed) => Some((Moment::Access, accessed.at)),
            EventBody::Reception(change) => change.at().map(|at| (Moment::Reception, at)),
            EventBody::OfficeHours(_) | EventBody::Official(_) => None,
        }
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

/// Whether a kind is the province's act: only the province's own device in a commune makes it.
pub fn is_province_act(kind: &str) -> bool {
    matches!(kind, "week.accepted" | "week.returned")
}

/// An erasure at the end of the retention period: the commune's PCs write it, and so does the
/// province's own run for a commune whose PCs no longer sync. The one commune step the province's
/// device may write; an erasure on request is the commune's alone.
fn is_retention_erasure(body: &EventBody) -> bool {
    use crate::erasure::Grounds;
    match body {
        EventBody::Visit(crate::visit::VisitChange::Erased(e))
        | EventBody::Feedback(crate::feedback::FeedbackChange::Erased(e)) => e.grounds == Grounds::Retention,
        _ => false,
    }
}

/// The province's device in a commune: it writes the province's acts into the commune's stream.
/// A name-based (v5) id no enrolment can claim: enrolled PCs have random (v4) or time-ordered (v7)
/// ids.
pub fn province_device(commune: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("thanthien-province:{commune}").as_bytes())
}

/// Whether a device id may be enrolled as a new PC: random (v4) or time-ordered (v7), as PCs make
/// them; never a name-based id like the province's devices (`province_device`).
pub fn enrollable_device_id(id: Uuid) -> bool {
    matches!(id.get_version_num(), 4 | 7)
}

/// A word of the envelope: bounded, and no control character (PostgreSQL refuses NUL outright).
fn check_word(field: &'static str, text: &str, max: usize) -> Result<(), EventError> {
    let reason = if text.chars().count() > max {
        format!("dài quá {max} ký tự")
    } else if let Some(c) = text.chars().find(|c| c.is_control()) {
        format!("có ký tự điều khiển U+{:04X}", u32::from(c))
    } else {
        return Ok(());
    };
    Err(EventError::Envelope { field, reason })
}

/// The limits every payload keeps whatever its kind: size, string length, list length, and no
/// control characters other than line breaks and tabs.
fn check_json(kind: &str, value: &serde_json::Value, max_bytes: usize) -> Result<(), EventError> {
    use serde_json::Value;
    let invalid = |reason: String| EventError::InvalidPayload { kind: kind.to_owned(), reason };
    let bytes = serde_json::to_vec(value).map_or(usize::MAX, |v| v.len());
    if bytes > max_bytes {
        return Err(EventError::PayloadTooLarge { bytes, max: max_bytes });
    }
    let text_ok = |text: &str| -> Result<(), EventError> {
        if text.chars().count() > limits::STRING_CHARS {
            return Err(invalid(format!("một chuỗi dài quá {} ký tự", limits::STRING_CHARS)));
        }
        match text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
            Some(c) => Err(invalid(format!("có ký tự điều khiển U+{:04X}", u32::from(c)))),
            None => Ok(()),
        }
    };
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(text) => text_ok(text)?,
            Value::Array(items) if items.len() > limits::LIST_ITEMS => {
                return Err(invalid(format!("một danh sách dài quá {} mục", limits::LIST_ITEMS)));
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => {
                for (key, item) in fields {
                    text_ok(key)?;
                    stack.push(item);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    Ok(())
}

fn payload<T: serde::de::DeserializeOwned>(kind: &str, value: &serde_json::Value) -> Result<T, EventError> {
    T::deserialize(value).map_err(|e| EventError::InvalidPayload { kind: kind.to_owned(), reason: e.to_string() })
}

impl Event {
    /// A new event around `body`: the envelope every writer (a desk, the province's own device)
    /// builds the same way, with a fresh UUIDv7 and the current schema.
    pub fn new(
        commune_id: &str,
        device_id: Uuid,
        seq: i64,
        hlc: Hlc,
        entity_id: Uuid,
        body: &EventBody,
        user: Option<String>,
    ) -> Event {
        Event {
            id: Uuid::now_v7(),
            commune_id: commune_id.to_owned(),
            device_id,
            seq,
            hlc,
            entity: body.entity().to_owned(),
            entity_id,
            kind: body.kind().to_owned(),
            payload: body.payload(),
            schema: SCHEMA_VERSION,
            user,
        }
    }

    /// Admits a synced event: its body (`body`), then what the receiver's clock and the event's
    /// origin say. The one validation the server runs on every push and every PC on every pull;
    /// `now` is the receiver's time (the server's, or a PC's trusted time).
    pub fn admit(&self, now: chrono::DateTime<chrono::Utc>) -> Result<EventBody, EventError> {
        let body = self.body()?;
        if self.hlc.device != self.device_id {
            return Err(EventError::ClockNotSender { clock: self.hlc.device, device: self.device_id });
        }
        let wall = i64::try_from(self.hlc.wall_ms)
            .ok()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        if let Err(crate::clock::OutOfRange::Ahead(ahead)) = crate::clock::check_instant(wall, now) {
            return Err(EventError::ClockAhead { ahead });
        }
        let from_province = self.device_id == province_device(&self.commune_id);
        match (is_province_act(&self.kind), from_province) {
            (true, false) => return Err(EventError::ProvinceOnly { kind: self.kind.clone() }),
            (false, true) if !is_retention_erasure(&body) => {
                return Err(EventError::CommuneOnly { kind: self.kind.clone() })
            }
            _ => {}
        }
        if let Some((moment, at)) = body.moment() {
            crate::visit::check_moment(moment, at, now + crate::clock::TOLERANCE)
                .map_err(|e| EventError::InvalidPayload { kind: self.kind.clone(), reason: e.to_string() })?;
        }
        Ok(body)
    }

    /// The same event carrying its parsed payload re-serialised: what a receiver stores, never
    /// the bytes as received.
    pub fn with_body(&self, body: &EventBody) -> Event {
        Event { payload: body.payload(), ..self.clone() }
    }

    /// Checks the envelope and parses its body, with unknown fields refused and every string and
    /// list bounded: what makes an event well-formed, whoever reads it.
    pub fn body(&self) -> Result<EventBody, EventError> {
        check_word("commune_id", &self.commune_id, limits::COMMUNE_CHARS)?;
        check_word("entity", &self.entity, limits::WORD_CHARS)?;
        check_word("kind", &self.kind, limits::WORD_CHARS)?;
        if let Some(user) = &self.user {
            check_word("user", user, limits::USER_CHARS)?;
        }
        let max_bytes = if self.kind == "week.approved" { limits::WEEK_FIGURES_BYTES } else { limits::PAYLOAD_BYTES };
        check_json(&self.kind, &self.payload, max_bytes)?;
        if self.schema > SCHEMA_VERSION {
            return Err(EventError::SchemaTooNew(self.schema));
        }
        if self.seq < 1 {
            return Err(EventError::BadSeq(self.seq));
        }
        if self.id.get_version_num() != 7 {
            return Err(EventError::NotUuidV7);
        }
        let kind = self.kind.as_str();
        let body = parse_body(kind, &self.payload)?;
        body.check().map_err(|e| EventError::InvalidPayload { kind: kind.to_owned(), reason: e.to_string() })?;
        if let EventBody::Week(stepped) = &body {
            if stepped.step.kind() != kind {
                let reason = "bước duyệt không khớp loại sự kiện".to_owned();
                return Err(EventError::InvalidPayload { kind: kind.to_owned(), reason });
            }
            if stepped.entity_id() != self.entity_id {
                return Err(EventError::WrongWeek { week: stepped.week.to_string() });
            }
        }
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
        let hlc = Hlc { wall_ms, counter: 0, device: device_id };
        Event::new("26734", device_id, seq, hlc, entity_id, &EventBody::Visit(change), Some("lan.nt".into()))
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
            phone: None,
            citizen_id: None,
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

    /// 08:00 on 30/11/2026 in Vietnam: the receiver's time in the admission tests.
    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap()
    }

    fn now_ms() -> u64 {
        now().timestamp_millis() as u64
    }

    #[test]
    fn a_clock_from_the_far_future_or_of_another_device_is_refused() {
        let id = Uuid::now_v7();
        let good = visit_event(id, 1, 1, now_ms() + 4 * 60_000, arrived("Phạm Thị D", None));
        assert!(good.admit(now()).is_ok(), "four minutes ahead is within the tolerance");
        let ahead = visit_event(id, 1, 1, now_ms() + 6 * 60_000, arrived("Phạm Thị D", None));
        assert!(matches!(ahead.admit(now()), Err(EventError::ClockAhead { .. })));
        let year_2099 = visit_event(id, 1, 1, 4_102_444_800_000, arrived("Phạm Thị D", None));
        let refusal = year_2099.admit(now()).unwrap_err().to_string();
        assert!(refusal.contains("đồng hồ máy gửi nhanh"), "{refusal}");
        let mut largest = good.clone();
        largest.hlc.wall_ms = crate::hlc::MAX_WALL_MS;
        assert!(matches!(largest.admit(now()), Err(EventError::ClockAhead { .. })));
        let mut borrowed = good.clone();
        borrowed.hlc.device = Uuid::from_u128(2);
        assert!(matches!(borrowed.admit(now()), Err(EventError::ClockNotSender { .. })));
    }

    #[test]
    fn times_inside_a_payload_are_bounded_like_the_clock() {
        let arrived_at = |at| {
            let mut change = arrived("Phạm Thị D", None);
            if let VisitChange::Arrived(a) = &mut change {
                a.arrived_at = at;
            }
            visit_event(Uuid::now_v7(), 1, 1, now_ms(), change)
        };
        let e = arrived_at(Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap());
        let refusal = e.admit(now()).unwrap_err().to_string();
        assert!(refusal.contains("Giờ người dân đến") && refusal.contains("01/07/2025"), "{refusal}");
        let e = arrived_at(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap());
        assert!(e.admit(now()).unwrap_err().to_string().contains("ở tương lai"));
        assert!(arrived_at(now() + chrono::Duration::minutes(4)).admit(now()).is_ok());
    }

    #[test]
    fn only_the_provinces_device_accepts_a_week_and_a_step_names_its_week() {
        use crate::approval::{ApprovalStep, WeekStepped};
        let week = crate::summary::Week::try_from("2026-W47".to_owned()).unwrap();
        let stepped = EventBody::Week(WeekStepped { week, step: ApprovalStep::Accepted { at: now() } });
        let event = |device: Uuid, entity_id: Uuid| {
            Event::new("26734", device, 1, Hlc { wall_ms: now_ms(), counter: 0, device }, entity_id, &stepped, None)
        };
        let week_id = crate::approval::week_id(week);
        let province = province_device("26734");
        assert!(event(province, week_id).admit(now()).is_ok());
        let from_a_pc = event(Uuid::new_v4(), week_id).admit(now()).unwrap_err();
        assert!(matches!(from_a_pc, EventError::ProvinceOnly { .. }), "{from_a_pc}");
        let other_week = crate::approval::week_id(crate::summary::Week::try_from("2026-W46".to_owned()).unwrap());
        assert!(matches!(event(province, other_week).admit(now()), Err(EventError::WrongWeek { .. })));
        let visit_from_province = visit_event(Uuid::now_v7(), 0, 1, now_ms(), arrived("Phạm Thị D", None));
        let mut visit_from_province = Event { device_id: province, ..visit_from_province };
        visit_from_province.hlc.device = province;
        assert!(matches!(visit_from_province.admit(now()), Err(EventError::CommuneOnly { .. })));
        // The province's own retention run may erase a record; never on a person's request.
        let erasure = |grounds| {
            let erased = crate::erasure::erasure(now(), grounds, "Hết thời hạn lưu trữ").unwrap();
            let body = EventBody::Visit(crate::visit::VisitChange::Erased(erased));
            Event::new(
                "26734",
                province,
                2,
                Hlc { wall_ms: now_ms(), counter: 0, device: province },
                Uuid::now_v7(),
                &body,
                None,
            )
        };
        assert!(erasure(crate::erasure::Grounds::Retention).admit(now()).is_ok());
        let on_request = erasure(crate::erasure::Grounds::Request).admit(now());
        assert!(matches!(on_request, Err(EventError::CommuneOnly { .. })), "{on_request:?}");
    }

    #[test]
    fn unknown_fields_long_strings_control_characters_and_big_payloads_are_refused() {
        // The largest item anyone can type is admitted whole.
        let mut longest = visit_event(Uuid::now_v7(), 1, 1, now_ms(), arrived("Phạm Thị D", None));
        longest.kind = "feedback.received".into();
        longest.entity = "feedback".into();
        longest.payload = serde_json::json!({
            "received_at": "2026-11-26T01:00:00Z", "channel": "box", "kind": "complaint",
            "content": "𝔸".repeat(5000), "contact": "đ".repeat(1000),
            "attachments": vec!["ả".repeat(1000); 20], "message_id": "m".repeat(998),
        });
        assert!(longest.body().is_ok(), "{:?}", longest.body().err());
        let e = visit_event(Uuid::now_v7(), 1, 1, now_ms(), arrived("Phạm Thị D", None));
        let with = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut e = e.clone();
            edit(&mut e.payload);
            e.body()
        };
        assert!(with(&|p| p["color"] = "red".into()).unwrap_err().to_string().contains("color"));
        assert!(with(&|p| p["name"] = "A\u{0}B".into()).is_err());
        assert!(with(&|p| p["procedure_id"] = "x".repeat(51).into()).is_err());
        let padded = |p: &mut serde_json::Value| {
            for i in 0..30 {
                p[format!("pad{i}")] = "x".repeat(4999).into();
            }
        };
        assert!(matches!(with(&padded), Err(EventError::PayloadTooLarge { .. })));
        assert!(matches!(with(&|p| p["pad"] = "x".repeat(20_000).into()), Err(EventError::InvalidPayload { .. })));
        assert!(matches!(with(&|p| p["tags"] = vec![1; 600].into()), Err(EventError::InvalidPayload { .. })));
        let mut nul_user = e.clone();
        nul_user.user = Some("lan\u{0}".into());
        assert!(matches!(nul_user.body(), Err(EventError::Envelope { field: "user", .. })));
        // A step carries exactly its own fields.
        let week =
            serde_json::json!({"week": "2026-W47", "step": "accepted", "at": "2026-11-30T01:00:00Z", "extra": 1});
        assert!(serde_json::from_value::<crate::approval::WeekStepped>(week).is_err());
        let reopened_without_reason =
            serde_json::json!({"week": "2026-W47", "step": "reopened", "at": "2026-11-30T01:00:00Z"});
        assert!(serde_json::from_value::<crate::approval::WeekStepped>(reopened_without_reason).is_err());
    }

    #[test]
    fn what_is_stored_is_the_parsed_form_re_serialised() {
        let mut e = visit_event(Uuid::now_v7(), 1, 1, now_ms(), arrived("Phạm Thị D", None));
        e.payload["name"] = "  Phạm   Thị D ".into();
        e.payload.as_object_mut().unwrap().remove("trip");
        let body = e.admit(now()).unwrap();
        let stored = e.with_body(&body);
        assert_eq!(stored.payload["name"], "Phạm Thị D");
        assert_eq!(stored.payload["trip"], 1, "{}", stored.payload);
        assert_eq!(stored.with_body(&stored.body().unwrap()), stored, "parsing the stored form changes nothing");
    }

    /// Any JSON at all, nested a few levels.
    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            ".{0,12}".prop_map(serde_json::Value::from),
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:00:00Z".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("name".to_owned()),
                        Just("at".to_owned()),
                        Just("arrived_at".to_owned()),
                        Just("step".to_owned()),
                        Just("week".to_owned()),
                        Just("items".to_owned()),
                        ".{0,6}"
                    ],
                    inner,
                    0..6
                )
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_payload_of_any_kind_is_admitted_or_refused_with_a_reason(
            kind in proptest::sample::select(KINDS.to_vec()),
            payload in any_json(),
            wall in 0..=crate::hlc::MAX_WALL_MS,
        ) {
            let device = Uuid::from_u128(7);
            let e = Event {
                id: Uuid::now_v7(),
                commune_id: "26734".into(),
                device_id: device,
                seq: 1,
                hlc: Hlc { wall_ms: wall, counter: 0, device },
                entity: kind.split('.').next().unwrap_or_default().into(),
                entity_id: Uuid::now_v7(),
                kind: kind.into(),
                payload,
                schema: SCHEMA_VERSION,
                user: None,
            };
            match e.admit(now()) {
                Ok(body) => prop_assert_eq!(e.with_body(&body).body().map(|b| b.kind()), Ok(body.kind())),
                Err(refusal) => prop_assert!(!refusal.to_string().is_empty()),
            }
        }

        #[test]
        fn any_bytes_decode_to_a_push_or_a_reason(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            if let Err(e) = serde_json::from_slice::<crate::wire::PushRequest>(&bytes) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
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
