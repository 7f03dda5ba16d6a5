//! Sync protocol v1 wire types (DESIGN.md §4), shared by the desk's sync client and the server.

use crate::event::Event;
use crate::visit::InputError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Sent on every request as `x-thanthien-protocol: MAJOR.MINOR`.
pub const PROTOCOL_HEADER: &str = "x-thanthien-protocol";
pub const PROTOCOL_MAJOR: u32 = 1;
/// 1.1: a push's answer lists only the events that were not simply stored
/// (`PushResponse::stored` counts the others); a 1.0 desk still gets every event's result.
pub const PROTOCOL_VERSION: &str = "1.1";
/// The first minor version that takes a push's brief answer.
pub const BRIEF_PUSH_ANSWER: u32 = 1;

/// A push carries at most this many events…
pub const MAX_BATCH_EVENTS: usize = 500;
/// …and at most this many bytes of JSON before compression.
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;
/// A pull returns at most this many events…
pub const MAX_PULL_LIMIT: i64 = 1000;
/// …and about this many bytes of JSON (at least one event, however large: each is bounded by
/// `event::limits`).
pub const MAX_PULL_BYTES: usize = 1024 * 1024;

/// Checks a peer's protocol header: `Ok` when its major version is ours.
pub fn check_protocol(header: Option<&str>) -> Result<(), String> {
    let Some(text) = header else {
        return Err("missing protocol version".to_owned());
    };
    let major = text.split('.').next().and_then(|m| m.trim().parse::<u32>().ok());
    match major {
        Some(PROTOCOL_MAJOR) => Ok(()),
        _ => Err(format!("unsupported protocol version {text:?}; this side speaks {PROTOCOL_VERSION}")),
    }
}

/// The minor version a peer's protocol header names (0 when it names none).
pub fn protocol_minor(header: Option<&str>) -> u32 {
    header.and_then(|text| text.split('.').nth(1)).and_then(|m| m.trim().parse().ok()).unwrap_or(0)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollRequest {
    pub code: String,
    pub device_id: Uuid,
    #[serde(default)]
    pub device_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commune {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollResponse {
    /// The device's bearer token. Shown once; the server keeps only its hash.
    pub token: String,
    pub device_id: Uuid,
    pub commune: Commune,
    /// This PC's ticket series letter: the n-th PC enrolled in the commune gets the n-th letter.
    #[serde(default = "first_series")]
    pub ticket_series: char,
    /// The server's time when it answered: the desk's check of its own clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<DateTime<Utc>>,
}

fn first_series() -> char {
    'A'
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub events: Vec<Event>,
}

/// What a PC tells the province about itself at the end of each sync round (no register content):
/// its build, what it still holds unsent, and when it last read the feedback mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceReport {
    /// The app's version, e.g. "0.1.0" (at most 32 characters).
    pub app_version: String,
    /// Events written on the PC and not yet acknowledged by the server.
    pub pending: u32,
    #[serde(default)]
    pub mailbox_read_at: Option<DateTime<Utc>>,
}

impl DeviceReport {
    /// A report is input like any other: a version is a short word, and the mailbox cannot have
    /// been read in the future (beyond the clock tolerance) nor before the communes existed.
    pub fn check(&self, now: DateTime<Utc>) -> Result<(), String> {
        let version_ok = !self.app_version.is_empty()
            && self.app_version.chars().count() <= 32
            && self.app_version.chars().all(|c| c.is_ascii_alphanumeric() || ".-+_".contains(c));
        if !version_ok {
            return Err(format!("phiên bản {:?} không hợp lệ", self.app_version.chars().take(40).collect::<String>()));
        }
        if let Some(at) = self.mailbox_read_at {
            crate::clock::check_instant(at, now).map_err(|e| match e {
                crate::clock::OutOfRange::Ahead(by) => {
                    format!("thời điểm đọc hộp thư đi trước giờ máy chủ {}", crate::clock::offset_text(by))
                }
                crate::clock::OutOfRange::BeforeCommunes => "thời điểm đọc hộp thư trước 01/07/2025".to_owned(),
            })?;
        }
        Ok(())
    }
}

/// A push as the server reads it: each event decoded on its own, so one unreadable envelope is
/// refused alone and never stops the batch.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushWire {
    pub events: Vec<serde_json::Value>,
}

/// An envelope that does not read as an `Event`: refused at its seq if it names one.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub seq: Option<i64>,
    pub id: Uuid,
    pub envelope: serde_json::Value,
    pub reason: String,
}

impl PushWire {
    /// Each event read on its own.
    pub fn decode(self) -> Vec<Result<Event, Unreadable>> {
        self.events
            .into_iter()
            .map(|value| {
                Event::deserialize(&value).map_err(|e| Unreadable {
                    seq: value.get("seq").and_then(serde_json::Value::as_i64),
                    id: value.get("id").and_then(|v| v.as_str()).and_then(|t| t.parse().ok()).unwrap_or_default(),
                    reason: format!("phong bì không đọc được: {e}"),
                    envelope: value,
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    /// New, valid, stored.
    Stored,
    /// Already stored with identical content: acknowledged again.
    Duplicate,
    /// Same device and seq as a stored event but different content: kept aside and flagged.
    Conflict,
    /// Invalid: kept in quarantine with the reason; the cursor still moves past it.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResult {
    pub seq: i64,
    pub event_id: Uuid,
    pub status: PushStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// Every seq of this device up to here is settled on the server.
    pub acked_through: i64,
    /// Set when the batch skipped a seq: resend from here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_seq: Option<i64>,
    /// Each event's result, or (the brief answer, protocol 1.1) only those not simply stored.
    pub results: Vec<PushResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<DateTime<Utc>>,
    /// In the brief answer: how many events of the batch were stored and left out of `results`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<usize>,
}

impl PushResponse {
    /// The answer for a desk that reads the brief form: a stored event is counted, not listed, so
    /// a 10,000-event backlog's answers carry only what needs the desk's attention.
    pub fn brief(mut self) -> Self {
        let before = self.results.len();
        self.results.retain(|r| r.status != PushStatus::Stored);
        self.stored = Some(self.stored.unwrap_or(0) + before - self.results.len());
        self
    }

    /// How many events of the batch the province settled (stored, or already held).
    pub fn settled(&self) -> usize {
        self.stored.unwrap_or(0)
            + self.results.iter().filter(|r| matches!(r.status, PushStatus::Stored | PushStatus::Duplicate)).count()
    }

    /// How many it refused (quarantined, or a conflicting copy of a stored seq).
    pub fn refused(&self) -> usize {
        self.results.iter().filter(|r| matches!(r.status, PushStatus::Rejected | PushStatus::Conflict)).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PulledEvent {
    /// Server order: pass the last one seen as `after` next time.
    pub cursor: i64,
    pub event: Event,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub events: Vec<PulledEvent>,
    pub next_cursor: i64,
    /// More events wait beyond this page.
    pub more: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_time: Option<DateTime<Utc>>,
    /// The last of the pulling PC's own seqs the province has settled: a PC restored from an
    /// old backup learns from it where its numbering must go on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_seq: Option<i64>,
}

crate::words::word_enum!(
    /// Which reference data a release carries.
    ReferenceKind, InputError::ReferenceKindInvalid, {
        /// The procedure catalogue, in the compiled format of `procedure::parse_catalogue`.
        Procedures = "procedures" => "Danh mục thủ tục hành chính",
        /// The holiday calendar, in the format of `calendar::reference_years`.
        Holidays = "holidays" => "Lịch nghỉ lễ, Tết",
        /// How long each register keeps personal data, in the format of `retention::Retention`.
        Retention = "retention" => "Thời hạn lưu trữ dữ liệu cá nhân",
        /// The one-stop slips' numbers, titles and basis lines, in the format of `slip::SlipWording`.
        Slips = "slips" => "Mẫu phiếu bộ phận một cửa",
    }
);

impl ReferenceKind {
    /// Checks a body before it is published or applied: it must read as this kind.
    pub fn check(self, body: &str) -> Result<(), String> {
        match self {
            ReferenceKind::Procedures => crate::procedure::parse_catalogue(body).map(drop),
            ReferenceKind::Holidays => crate::calendar::reference_years(body).map(drop),
            ReferenceKind::Retention => crate::retention::Retention::parse(body).map(drop),
            ReferenceKind::Slips => crate::slip::SlipWording::parse(body).map(drop),
        }
    }
}

/// One published version of one kind of reference data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferenceRelease {
    pub version: i64,
    pub kind: ReferenceKind,
    pub body: serde_json::Value,
}

/// `GET /v1/reference?after=V`: the newest release of each kind published after version V.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferenceResponse {
    pub releases: Vec<ReferenceRelease>,
}

/// Machine-readable reason of a refused request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    Unauthorized,
    ProtocolUnsupported,
    /// The code is not one the province made (mistyped, or for another server).
    EnrollmentCodeInvalid,
    /// The code enrolled a PC already: each code enrols one.
    EnrollmentCodeUsed,
    /// The code's validity ended before it was used.
    EnrollmentCodeExpired,
    BadRequest,
    BatchTooLarge,
    /// Enrolment with the id of a device that exists: re-enrolling is the province's act.
    DeviceTaken,
    /// The console: the account is locked after wrong passwords.
    Locked,
    /// The console: the signed-in role may not do this, or the CSRF token is wrong.
    Forbidden,
    NotFound,
    /// The console: the week is not in a state the act applies to.
    Conflict,
    ConsoleOff,
    /// The province is at its limit: the answer's `Retry-After` says when to come back.
    Busy,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ApiErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_major_must_match() {
        assert!(check_protocol(Some("1.0")).is_ok());
        assert!(check_protocol(Some("1.7")).is_ok());
        assert!(check_protocol(Some("2.0")).is_err());
        assert!(check_protocol(Some("banana")).is_err());
        assert!(check_protocol(None).is_err());
    }

    #[test]
    fn a_peer_names_its_minor_version_or_speaks_1_0() {
        assert_eq!(protocol_minor(Some("1.1")), 1);
        assert_eq!(protocol_minor(Some("1.0")), 0);
        assert_eq!(protocol_minor(Some("1")), 0);
        assert_eq!(protocol_minor(Some("1.x")), 0);
        assert_eq!(protocol_minor(None), 0);
    }

    #[test]
    fn the_brief_push_answer_counts_what_was_stored_and_lists_the_rest() {
        let result = |seq, status| PushResult { seq, event_id: Uuid::nil(), status, reason: None };
        let full = PushResponse {
            acked_through: 4,
            expected_seq: None,
            results: vec![
                result(1, PushStatus::Stored),
                result(2, PushStatus::Rejected),
                result(3, PushStatus::Duplicate),
                result(4, PushStatus::Stored),
            ],
            server_time: None,
            stored: None,
        };
        let brief = full.clone().brief();
        assert_eq!(brief.results.iter().map(|r| r.seq).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(brief.stored, Some(2));
        assert_eq!((full.settled(), full.refused()), (3, 1));
        assert_eq!((brief.settled(), brief.refused()), (3, 1));
        // A 1.0 desk's answer carries no count: the field stays out of the JSON.
        assert!(serde_json::to_value(&full).unwrap().get("stored").is_none());
    }

    #[test]
    fn push_status_is_snake_case_on_the_wire() {
        let r = PushResult { seq: 3, event_id: Uuid::nil(), status: PushStatus::Duplicate, reason: None };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["status"], "duplicate");
        assert!(json.get("reason").is_none());
    }
}
