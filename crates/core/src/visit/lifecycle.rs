//! A visit after arrival: called to a counter (again, for a no-show), finished with an outcome,
//! rated by the citizen; and the waiting and service times the weekly summary is built from.

use super::VisitError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How a visit ended at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Giải quyết ngay.
    Resolved,
    /// Tiếp nhận hồ sơ, hẹn ngày trả kết quả.
    DossierReceived,
    /// Hướng dẫn (một lần, bằng văn bản) bổ sung giấy tờ.
    Guided,
    /// Chuyển quầy / chuyển cán bộ khác.
    Transferred,
    /// Gọi không có mặt.
    NoShow,
    /// Về trước khi được gọi.
    Left,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Resolved,
        Outcome::DossierReceived,
        Outcome::Guided,
        Outcome::Transferred,
        Outcome::NoShow,
        Outcome::Left,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            Outcome::Resolved => "Giải quyết ngay",
            Outcome::DossierReceived => "Tiếp nhận hồ sơ",
            Outcome::Guided => "Hướng dẫn bổ sung",
            Outcome::Transferred => "Chuyển quầy",
            Outcome::NoShow => "Vắng mặt khi gọi",
            Outcome::Left => "Về trước khi được gọi",
        }
    }
}

/// A small number that must lie in a range, checked whenever it is built or deserialised.
macro_rules! bounded_number {
    ($(#[$doc:meta])* $name:ident, $range:expr, $error:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "u8", into = "u8")]
        pub struct $name(u8);

        impl TryFrom<u8> for $name {
            type Error = VisitError;
            fn try_from(n: u8) -> Result<Self, VisitError> {
                if $range.contains(&n) {
                    Ok($name(n))
                } else {
                    Err($error)
                }
            }
        }

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v.0
            }
        }
    };
}

bounded_number!(
    /// The citizen's satisfaction, 1 (Rất không hài lòng) to 5 (Rất hài lòng).
    RatingLevel, 1..=5, VisitError::RatingLevelInvalid
);

bounded_number!(
    /// A counter (quầy) number as the office numbers them.
    Counter, 1..=99, VisitError::CounterInvalid
);

/// Counters arrive as u16 from the command line and the UI.
impl TryFrom<u16> for Counter {
    type Error = VisitError;
    fn try_from(n: u16) -> Result<Self, VisitError> {
        u8::try_from(n).map_err(|_| VisitError::CounterInvalid).and_then(Counter::try_from)
    }
}

impl From<Counter> for u16 {
    fn from(c: Counter) -> u16 {
        u16::from(c.0)
    }
}

impl RatingLevel {
    pub fn label_vi(self) -> &'static str {
        match self.0 {
            5 => "Rất hài lòng",
            4 => "Hài lòng",
            3 => "Bình thường",
            2 => "Không hài lòng",
            _ => "Rất không hài lòng",
        }
    }

    /// Satisfied = Hài lòng or Rất hài lòng.
    pub fn is_satisfied(self) -> bool {
        self.0 >= 4
    }

    /// The two lowest levels may carry reasons.
    pub fn is_dissatisfied(self) -> bool {
        self.0 <= 2
    }
}

/// Why a citizen was not satisfied (chips on the rating window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatingReason {
    /// Thái độ.
    Attitude,
    /// Thời gian chờ.
    WaitingTime,
    /// Hướng dẫn chưa rõ.
    UnclearGuidance,
    /// Phải đi lại nhiều lần.
    RepeatTrips,
    /// Khác.
    Other,
}

/// Payload of `visit.called`: an official called the citizen to a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitCalled {
    pub called_at: DateTime<Utc>,
    pub official: super::OfficialName,
    pub counter: Counter,
}

/// Payload of `visit.finished`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFinished {
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// The appointment to return for the result; only with `dossier-received`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<NaiveDate>,
}

impl VisitFinished {
    pub fn new(
        finished_at: DateTime<Utc>,
        outcome: Outcome,
        appointment: Option<NaiveDate>,
    ) -> Result<Self, VisitError> {
        match (outcome, appointment) {
            (Outcome::DossierReceived, None) => Err(VisitError::AppointmentMissing),
            (Outcome::DossierReceived, Some(_)) | (_, None) => Ok(VisitFinished { finished_at, outcome, appointment }),
            (_, Some(_)) => Err(VisitError::AppointmentUnexpected),
        }
    }
}

/// Payload of `visit.rescheduled`: the appointment of a received dossier moves, with the reason
/// (the apology slip's new date is one of these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRescheduled {
    pub rescheduled_at: DateTime<Utc>,
    pub appointment: NaiveDate,
    pub reason: super::Note,
}

/// Payload of `visit.rated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRated {
    pub rated_at: DateTime<Utc>,
    pub level: RatingLevel,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<RatingReason>,
}

impl VisitRated {
    /// Reasons belong to the two lowest levels only; duplicates are dropped.
    pub fn new(
        rated_at: DateTime<Utc>,
        level: RatingLevel,
        mut reasons: Vec<RatingReason>,
    ) -> Result<Self, VisitError> {
        if !reasons.is_empty() && !level.is_dissatisfied() {
            return Err(VisitError::ReasonsOnlyWhenDissatisfied);
        }
        reasons.sort();
        reasons.dedup();
        Ok(VisitRated { rated_at, level, reasons })
    }
}

/// A time given for something that happened (`--at`, a paper book entered later) cannot be in
/// the future; a minute's grace covers PCs whose clocks differ slightly.
pub fn check_not_future(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, VisitError> {
    if at > now + Duration::minutes(1) {
        Err(VisitError::InTheFuture)
    } else {
        Ok(at)
    }
}

/// Waiting time: from arrival to the last call (a recalled no-show waited until the recall).
pub fn waiting_time(arrived_at: DateTime<Utc>, last_call: Option<DateTime<Utc>>) -> Option<Duration> {
    last_call.map(|called| (called - arrived_at).max(Duration::zero()))
}

/// Service time: from the last call to the finish; none for a visit that ended without service.
pub fn service_time(last_call: Option<DateTime<Utc>>, finished: Option<(DateTime<Utc>, Outcome)>) -> Option<Duration> {
    match (last_call, finished) {
        (_, Some((_, Outcome::NoShow | Outcome::Left))) => None,
        (Some(called), Some((finished_at, _))) => Some((finished_at - called).max(Duration::zero())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, h, m, 0).unwrap()
    }

    #[test]
    fn waiting_runs_to_the_last_call_and_service_from_it() {
        // Arrived 08:00, called 08:10 (no-show), recalled 08:40, finished 08:55.
        let waited = waiting_time(at(8, 0), Some(at(8, 40))).unwrap();
        assert_eq!(waited.num_minutes(), 40);
        let served = service_time(Some(at(8, 40)), Some((at(8, 55), Outcome::Resolved))).unwrap();
        assert_eq!(served.num_minutes(), 15);
    }

    #[test]
    fn no_call_means_no_times_and_a_no_show_has_no_service() {
        assert_eq!(waiting_time(at(8, 0), None), None);
        assert_eq!(service_time(None, Some((at(9, 0), Outcome::Left))), None);
        assert_eq!(service_time(Some(at(8, 10)), Some((at(8, 12), Outcome::NoShow))), None);
        assert_eq!(service_time(Some(at(8, 10)), None), None);
    }

    #[test]
    fn clocks_that_disagree_never_give_negative_times() {
        assert_eq!(waiting_time(at(9, 0), Some(at(8, 59))), Some(Duration::zero()));
    }

    #[test]
    fn rating_levels_and_reasons() {
        assert!(RatingLevel::try_from(0).is_err() && RatingLevel::try_from(6).is_err());
        let five = RatingLevel::try_from(5).unwrap();
        assert_eq!(five.label_vi(), "Rất hài lòng");
        assert!(five.is_satisfied());
        assert_eq!(
            VisitRated::new(at(9, 0), five, vec![RatingReason::Attitude]),
            Err(VisitError::ReasonsOnlyWhenDissatisfied)
        );
        let one = RatingLevel::try_from(1).unwrap();
        let rated =
            VisitRated::new(at(9, 0), one, vec![RatingReason::Other, RatingReason::Attitude, RatingReason::Other])
                .unwrap();
        assert_eq!(rated.reasons, [RatingReason::Attitude, RatingReason::Other]);
    }

    #[test]
    fn an_appointment_goes_with_a_received_dossier_only() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1);
        assert!(VisitFinished::new(at(9, 0), Outcome::DossierReceived, day).is_ok());
        assert_eq!(VisitFinished::new(at(9, 0), Outcome::DossierReceived, None), Err(VisitError::AppointmentMissing));
        assert_eq!(VisitFinished::new(at(9, 0), Outcome::Resolved, day), Err(VisitError::AppointmentUnexpected));
    }

    #[test]
    fn outcomes_use_the_cli_words_on_the_wire() {
        let words: Vec<String> =
            Outcome::ALL.iter().map(|o| serde_json::to_value(o).unwrap().as_str().unwrap().to_owned()).collect();
        assert_eq!(words, ["resolved", "dossier-received", "guided", "transferred", "no-show", "left"]);
    }

    #[test]
    fn a_time_in_the_future_is_refused() {
        assert_eq!(check_not_future(at(10, 0), at(9, 0)), Err(VisitError::InTheFuture));
        assert!(check_not_future(at(9, 0), at(9, 0)).is_ok());
    }
}

/// Where a visit stands in today's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueState {
    /// Arrived, not yet called.
    Waiting,
    /// Called to a counter, not finished.
    Serving,
    /// Finished with an outcome.
    Done,
}

impl super::Visit {
    pub fn queue_state(&self) -> QueueState {
        match (self.outcome, self.last_called_at) {
            (Some(_), _) => QueueState::Done,
            (None, Some(_)) => QueueState::Serving,
            (None, None) => QueueState::Waiting,
        }
    }
}

/// The citizen "Gọi tiếp" calls: the one who has waited longest.
pub fn next_waiting(visits: &[super::Visit]) -> Option<&super::Visit> {
    visits.iter().filter(|v| v.queue_state() == QueueState::Waiting).min_by_key(|v| (v.arrived_at, v.id))
}

#[cfg(test)]
mod queue_tests {
    use super::*;
    use crate::visit::Visit;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn visit(minute: u32, called: bool, outcome: Option<Outcome>) -> Visit {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 1, minute, 0).unwrap();
        Visit {
            id: Uuid::now_v7(),
            arrived_at: t,
            name: format!("Khách {minute}"),
            procedure: None,
            procedure_id: None,
            phone: None,
            citizen_id: None,
            note: None,
            device_id: Uuid::nil(),
            trip: 1,
            calls: u32::from(called),
            last_called_at: called.then_some(t),
            official: None,
            counter: None,
            finished_at: outcome.map(|_| t),
            outcome,
            appointment: None,
            appointment_reason: None,
            rating: None,
            waiting_secs: None,
            service_secs: None,
        }
    }

    #[test]
    fn call_next_takes_the_longest_waiting_citizen() {
        let list = vec![
            visit(30, false, None),
            visit(5, true, None),
            visit(10, false, None),
            visit(1, true, Some(Outcome::Resolved)),
        ];
        assert_eq!(next_waiting(&list).map(|v| v.name.as_str()), Some("Khách 10"));
        assert_eq!(list[1].queue_state(), QueueState::Serving);
        assert_eq!(list[3].queue_state(), QueueState::Done);
        assert!(next_waiting(&list[1..2]).is_none());
    }
}
