//! A visit after arrival: called to a counter (again, for a no-show), finished with an outcome,
//! rated by the citizen; and the waiting and service times the weekly summary is built from.

use super::AllValid;
use super::InputError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::words::word_enum!(
    /// How a visit ended at the desk.
    Outcome, InputError::OutcomeInvalid, {
        /// Giải quyết ngay.
        Resolved = "resolved" => "Giải quyết ngay",
        /// Tiếp nhận hồ sơ, hẹn ngày trả kết quả.
        DossierReceived = "dossier-received" | "dossier_received" => "Tiếp nhận hồ sơ",
        /// Hướng dẫn (một lần, bằng văn bản) bổ sung giấy tờ.
        Guided = "guided" => "Hướng dẫn bổ sung",
        /// Từ chối tiếp nhận hồ sơ, có lý do (Phiếu từ chối, Mẫu 03).
        Refused = "refused" => "Từ chối tiếp nhận",
        /// Chuyển quầy / chuyển cán bộ khác.
        Transferred = "transferred" => "Chuyển quầy",
        /// Gọi không có mặt.
        NoShow = "no-show" | "no_show" => "Vắng mặt khi gọi",
        /// Về trước khi được gọi.
        Left = "left" => "Về trước khi được gọi",
    }
);

/// A small number that must lie in a range, checked whenever it is built or deserialised.
macro_rules! bounded_number {
    ($(#[$doc:meta])* $name:ident, $range:expr, $error:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "u8", into = "u8")]
        pub struct $name(u8);

        impl TryFrom<u8> for $name {
            type Error = InputError;
            fn try_from(n: u8) -> Result<Self, InputError> {
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
    RatingLevel, 1..=5, InputError::RatingLevelInvalid
);

bounded_number!(
    /// A counter (quầy) number as the office numbers them.
    Counter, 1..=99, InputError::CounterInvalid
);

/// Counters arrive as u16 from the command line and the UI.
impl TryFrom<u16> for Counter {
    type Error = InputError;
    fn try_from(n: u16) -> Result<Self, InputError> {
        u8::try_from(n).map_err(|_| InputError::CounterInvalid).and_then(Counter::try_from)
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

crate::words::word_enum!(
    /// Why a citizen was not satisfied (chips on the rating window, lines of the report).
    RatingReason, InputError::RatingReasonInvalid, {
        Attitude = "attitude" => "Thái độ",
        WaitingTime = "waiting-time" | "waiting_time" => "Thời gian chờ",
        UnclearGuidance = "unclear-guidance" | "unclear_guidance" => "Hướng dẫn chưa rõ",
        RepeatTrips = "repeat-trips" | "repeat_trips" => "Phải đi lại nhiều lần",
        Other = "other" => "Khác",
    }
);

/// Payload of `visit.called`: an official called the citizen to a counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitCalled {
    pub called_at: DateTime<Utc>,
    pub official: super::OfficialName,
    pub counter: Counter,
}

/// Where a transferred citizen was sent: another counter, another official, or both.
impl VisitCalled {
    /// A call by an official to a counter, each field checked.
    pub fn parse(called_at: DateTime<Utc>, official: String, counter: u16) -> Result<VisitCalled, Vec<InputError>> {
        let (official, counter) = (super::OfficialName::try_from(official), Counter::try_from(counter)).all_valid()?;
        Ok(VisitCalled { called_at, official, counter })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<super::OfficialName>,
}

/// Payload of `visit.finished`. The details each belong to one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitFinished {
    pub finished_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// The appointment to return for the result; only with `dossier-received`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<NaiveDate>,
    /// Why the appointment differs from the one the legal time gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment_reason: Option<super::Note>,
    /// Which papers are missing; only with `guided`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guidance: Option<super::Guidance>,
    /// Where the citizen was sent; only with `transferred`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Transfer>,
    /// The papers received, for the receipt slip; only with `dossier-received`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub papers: Option<super::Papers>,
    /// Why the dossier was refused; only (and always) with `refused`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<super::RefusalReason>,
}

/// What the desk gives to end a visit (the UI's finish panel and the CLI alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishInput {
    pub outcome: Outcome,
    /// With `dossier-received`: a date other than the computed one needs `appointment_reason`.
    #[serde(default)]
    pub appointment: Option<NaiveDate>,
    #[serde(default)]
    pub appointment_reason: Option<String>,
    #[serde(default)]
    pub guidance: Option<String>,
    #[serde(default)]
    pub to_counter: Option<u16>,
    #[serde(default)]
    pub to_official: Option<String>,
    /// With `dossier-received`: the papers received, one a line.
    #[serde(default)]
    pub papers: Option<String>,
    /// With `refused`: why.
    #[serde(default)]
    pub refusal_reason: Option<String>,
}

impl FinishInput {
    pub fn new(outcome: Outcome) -> Self {
        FinishInput {
            outcome,
            appointment: None,
            appointment_reason: None,
            guidance: None,
            to_counter: None,
            to_official: None,
            papers: None,
            refusal_reason: None,
        }
    }
}

impl VisitFinished {
    /// A finish without details (resolved, no-show, left), checked.
    pub fn new(
        finished_at: DateTime<Utc>,
        outcome: Outcome,
        appointment: Option<NaiveDate>,
    ) -> Result<Self, InputError> {
        let finish = VisitFinished {
            finished_at,
            outcome,
            appointment,
            appointment_reason: None,
            guidance: None,
            transfer: None,
            papers: None,
            refusal_reason: None,
        };
        finish.check().map(|()| finish)
    }

    /// Parses the desk's input. `computed` is the appointment the procedure's legal time gives
    /// (if the law states one figure): it is the default, and moving away from it needs a reason.
    /// Reports every problem at once.
    pub fn from_input(
        input: FinishInput,
        finished_at: DateTime<Utc>,
        computed: Option<NaiveDate>,
    ) -> Result<Self, Vec<InputError>> {
        let mut problems = Vec::new();
        let dossier = input.outcome == Outcome::DossierReceived;
        let appointment = if dossier { input.appointment.or(computed) } else { input.appointment };
        let appointment_reason = super::fields::optional::<super::Note>(input.appointment_reason)
            .map_err(|_| InputError::RescheduleReasonMissing)
            .unwrap_or_else(|e| {
                problems.push(e);
                None
            });
        if dossier && computed.is_some() && appointment != computed && appointment_reason.is_none() {
            problems.push(InputError::AppointmentReasonMissing);
        }
        let guidance = super::fields::optional::<super::Guidance>(input.guidance).unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let counter = input.to_counter.map(Counter::try_from).transpose().unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let official = super::fields::optional::<super::OfficialName>(input.to_official).unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let transfer = (counter.is_some() || official.is_some()).then_some(Transfer { counter, official });
        let papers = super::fields::optional::<super::Papers>(input.papers).unwrap_or_else(|e| {
            problems.push(e);
            None
        });
        let refusal_reason =
            super::fields::optional::<super::RefusalReason>(input.refusal_reason).unwrap_or_else(|e| {
                problems.push(e);
                None
            });
        let finish = VisitFinished {
            finished_at,
            outcome: input.outcome,
            appointment,
            appointment_reason,
            guidance,
            transfer,
            papers,
            refusal_reason,
        };
        if let Err(e) = finish.check() {
            if !problems.contains(&e) {
                problems.push(e);
            }
        }
        if problems.is_empty() {
            Ok(finish)
        } else {
            Err(problems)
        }
    }

    /// The rules a finish keeps wherever it comes from (the desk, or a synced payload): each
    /// detail goes with its outcome, and the outcomes that need one have it.
    pub fn check(&self) -> Result<(), InputError> {
        let received_on = crate::time::local_day(self.finished_at);
        match self.outcome {
            Outcome::DossierReceived => match self.appointment {
                None => return Err(InputError::AppointmentMissing),
                Some(day) if day < received_on => return Err(InputError::AppointmentBeforeReceipt),
                Some(_) => {}
            },
            _ if self.appointment.is_some() || self.appointment_reason.is_some() => {
                return Err(InputError::AppointmentUnexpected)
            }
            _ => {}
        }
        match (self.outcome, &self.guidance) {
            (Outcome::Guided, None) => return Err(InputError::GuidanceMissing),
            (Outcome::Guided, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err(InputError::GuidanceUnexpected),
        }
        if self.papers.is_some() && self.outcome != Outcome::DossierReceived {
            return Err(InputError::PapersUnexpected);
        }
        match (self.outcome, &self.refusal_reason) {
            (Outcome::Refused, None) => return Err(InputError::RefusalReasonMissing),
            (Outcome::Refused, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err(InputError::RefusalReasonUnexpected),
        }
        match (self.outcome, &self.transfer) {
            (Outcome::Transferred, Some(Transfer { counter: None, official: None }) | None) => {
                Err(InputError::TransferTargetMissing)
            }
            (Outcome::Transferred, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(InputError::TransferUnexpected),
        }
    }
}

/// Payload of `visit.rescheduled`: the appointment of a received dossier moves, with the reason
/// (the apology slip's new date is one of these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRescheduled {
    pub rescheduled_at: DateTime<Utc>,
    pub appointment: NaiveDate,
    pub reason: super::Note,
    /// An apology slip (phiếu xin lỗi và hẹn lại) went to the citizen with the new date.
    #[serde(default)]
    pub apology: bool,
}

impl VisitRescheduled {
    /// A new date cannot be before the day it is set.
    pub fn check(&self) -> Result<(), InputError> {
        if self.appointment < crate::time::local_day(self.rescheduled_at) {
            Err(InputError::AppointmentBeforeReceipt)
        } else {
            Ok(())
        }
    }
}

/// Payload of `visit.returned`: the result of a received dossier was handed to the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitReturned {
    pub returned_at: DateTime<Utc>,
}

/// How a received dossier's appointment stands, seen on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentRisk {
    /// Due today or on the next working day and the result is not back: time to apologise and
    /// set a new date before the citizen comes in vain.
    DueSoon,
    /// The appointment has passed without the result.
    Overdue,
}

/// Whether a dossier due on `appointment` and not yet returned is at risk on `today`: due within
/// one working day, or already past. A dossier whose result is back is never at risk.
pub fn appointment_risk(
    appointment: NaiveDate,
    returned: bool,
    today: NaiveDate,
    calendar: &crate::calendar::WorkCalendar,
) -> Option<AppointmentRisk> {
    if returned {
        None
    } else if appointment < today {
        Some(AppointmentRisk::Overdue)
    } else if appointment <= calendar.add_working_days(today, 1) {
        Some(AppointmentRisk::DueSoon)
    } else {
        None
    }
}

/// A received dossier on the at-risk list, with how it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierAtRisk {
    pub visit: super::Visit,
    pub risk: AppointmentRisk,
}

/// Payload of `visit.rated`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    ) -> Result<Self, InputError> {
        if !reasons.is_empty() && !level.is_dissatisfied() {
            return Err(InputError::ReasonsOnlyWhenDissatisfied);
        }
        reasons.sort();
        reasons.dedup();
        Ok(VisitRated { rated_at, level, reasons })
    }
}

/// A time given for something that happened (`--at`, a paper book entered later) cannot be in
/// the future; a minute's grace covers PCs whose clocks differ slightly.
pub fn check_not_future(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>, InputError> {
    if at > now + Duration::minutes(1) {
        Err(InputError::InTheFuture)
    } else if at < crate::clock::communes_formed() {
        Err(InputError::BeforeCommunes { moment: super::Moment::Entry, at })
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
            Err(InputError::ReasonsOnlyWhenDissatisfied)
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
        assert_eq!(VisitFinished::new(at(9, 0), Outcome::DossierReceived, None), Err(InputError::AppointmentMissing));
        assert_eq!(VisitFinished::new(at(9, 0), Outcome::Resolved, day), Err(InputError::AppointmentUnexpected));
    }

    #[test]
    fn each_outcome_carries_its_own_details() {
        let computed = NaiveDate::from_ymd_opt(2026, 12, 1);
        let finish = |input| VisitFinished::from_input(input, at(2, 0), computed);
        // A received dossier takes the computed date; another date needs a reason.
        let dossier = finish(FinishInput::new(Outcome::DossierReceived)).unwrap();
        assert_eq!(dossier.appointment, computed);
        let later = FinishInput {
            appointment: NaiveDate::from_ymd_opt(2026, 12, 3),
            ..FinishInput::new(Outcome::DossierReceived)
        };
        assert_eq!(finish(later.clone()), Err(vec![InputError::AppointmentReasonMissing]));
        let with_reason = FinishInput { appointment_reason: Some("cần xác minh tại thôn".into()), ..later };
        assert_eq!(finish(with_reason).unwrap().appointment_reason.unwrap().as_str(), "cần xác minh tại thôn");
        let before = FinishInput {
            appointment: NaiveDate::from_ymd_opt(2026, 11, 25),
            appointment_reason: Some("nhầm".into()),
            ..FinishInput::new(Outcome::DossierReceived)
        };
        assert_eq!(finish(before), Err(vec![InputError::AppointmentBeforeReceipt]));
        // Guided needs the missing papers; transferred needs somewhere to go.
        assert_eq!(finish(FinishInput::new(Outcome::Guided)), Err(vec![InputError::GuidanceMissing]));
        let guided = FinishInput {
            guidance: Some("  Thiếu  bản sao giấy khai sinh ".into()),
            ..FinishInput::new(Outcome::Guided)
        };
        assert_eq!(finish(guided).unwrap().guidance.unwrap().as_str(), "Thiếu bản sao giấy khai sinh");
        assert_eq!(finish(FinishInput::new(Outcome::Transferred)), Err(vec![InputError::TransferTargetMissing]));
        let sent = finish(FinishInput { to_counter: Some(3), ..FinishInput::new(Outcome::Transferred) }).unwrap();
        assert_eq!(sent.transfer.and_then(|t| t.counter).map(u8::from), Some(3));
        let nowhere = FinishInput { to_counter: Some(120), ..FinishInput::new(Outcome::Transferred) };
        assert_eq!(finish(nowhere), Err(vec![InputError::CounterInvalid, InputError::TransferTargetMissing]));
        // A detail given with the wrong outcome is refused rather than silently dropped.
        let stray = FinishInput { guidance: Some("x".into()), ..FinishInput::new(Outcome::Resolved) };
        assert_eq!(finish(stray), Err(vec![InputError::GuidanceUnexpected]));
        // A refusal needs its reason (Mẫu 03); the papers go with a received dossier only.
        assert_eq!(finish(FinishInput::new(Outcome::Refused)), Err(vec![InputError::RefusalReasonMissing]));
        let refused = FinishInput {
            refusal_reason: Some("Không thuộc thẩm quyền của xã".into()),
            ..FinishInput::new(Outcome::Refused)
        };
        assert_eq!(finish(refused).unwrap().refusal_reason.unwrap().as_str(), "Không thuộc thẩm quyền của xã");
        let stray = FinishInput { refusal_reason: Some("x".into()), ..FinishInput::new(Outcome::Resolved) };
        assert_eq!(finish(stray), Err(vec![InputError::RefusalReasonUnexpected]));
        let papers = FinishInput {
            papers: Some(" Tờ khai \n\n Giấy chứng sinh ".into()),
            ..FinishInput::new(Outcome::DossierReceived)
        };
        assert_eq!(finish(papers.clone()).unwrap().papers.unwrap().as_str(), "Tờ khai\n\nGiấy chứng sinh");
        let stray = FinishInput { outcome: Outcome::Guided, guidance: Some("Thiếu tờ khai".into()), ..papers };
        assert_eq!(finish(stray), Err(vec![InputError::PapersUnexpected]));
    }

    #[test]
    fn a_dossier_is_at_risk_from_one_working_day_before_its_appointment_until_returned() {
        let calendar = crate::calendar::WorkCalendar::builtin();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        // Seen on Friday 27/11: Monday 30/11 is the next working day.
        let friday = day(27);
        assert_eq!(appointment_risk(day(30), false, friday, &calendar), Some(AppointmentRisk::DueSoon));
        assert_eq!(appointment_risk(friday, false, friday, &calendar), Some(AppointmentRisk::DueSoon));
        assert_eq!(appointment_risk(day(26), false, friday, &calendar), Some(AppointmentRisk::Overdue));
        assert_eq!(appointment_risk(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), false, friday, &calendar), None);
        assert_eq!(appointment_risk(day(26), true, friday, &calendar), None, "the result is back");
    }

    #[test]
    fn outcomes_use_the_cli_words_on_the_wire() {
        let words: Vec<String> =
            Outcome::ALL.iter().map(|o| serde_json::to_value(o).unwrap().as_str().unwrap().to_owned()).collect();
        assert_eq!(words, ["resolved", "dossier-received", "guided", "refused", "transferred", "no-show", "left"]);
    }

    #[test]
    fn a_time_in_the_future_is_refused() {
        assert_eq!(check_not_future(at(10, 0), at(9, 0)), Err(InputError::InTheFuture));
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
            // A no-show called again after it was marked is at the counter once more.
            (Some(Outcome::NoShow), Some(called)) if self.finished_at.is_some_and(|f| called > f) => {
                QueueState::Serving
            }
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

    fn visit(minute: u32, called: bool, outcome: Option<Outcome>) -> Visit {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 1, minute, 0).unwrap();
        let official = called.then_some("Lê Thị Hoa");
        let visit = crate::testing::visit(at, None, official, None, outcome, called.then_some(0), None, None);
        Visit { name: format!("Khách {minute}"), ..visit }
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

    #[test]
    fn a_recalled_no_show_is_served_again() {
        let mut v = visit(5, true, Some(Outcome::NoShow));
        assert_eq!(v.queue_state(), QueueState::Done);
        v.last_called_at = v.finished_at.map(|f| f + Duration::minutes(20));
        assert_eq!(v.queue_state(), QueueState::Serving);
    }
}
