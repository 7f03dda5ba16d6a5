//! How long a commune keeps a citizen's personal data in each register, and which records a
//! retention run erases. The periods are reference data the province publishes (kind
//! `retention`); until it does, the defaults below apply, each with its legal ground.

use crate::feedback::FeedbackItem;
use crate::person::Register;
use crate::visit::{Outcome, Visit};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Law 91/2025/QH15, Điều 3: personal data is kept only as long as its purpose needs. The
/// province sets the periods from the retention schedule for administrative records (Thông tư
/// 10/2022/TT-BNV); these defaults hold until it publishes its own.
pub const DEFAULT_SOURCE: &str = "Mặc định của phần mềm theo nguyên tắc Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 \
     (Điều 3: chỉ lưu trong thời gian phù hợp với mục đích xử lý); tỉnh công bố thời hạn chính thức theo \
     Thông tư 10/2022/TT-BNV về thời hạn bảo quản tài liệu.";

/// One register's period, counted from the day its matter ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// 1–1200 months (up to a hundred years).
    pub months: u32,
    /// The legal text the period comes from, as the province cites it.
    pub source: String,
}

/// The periods in force: a body of the `retention` reference data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// Visits at the desk, from the visit's end (the result returned, else the finish).
    pub visits: Period,
    /// Feedback, petitions and complaints, from the day the commune finished with the item.
    pub feedback: Period,
}

impl Default for Retention {
    /// Five years for both registers.
    fn default() -> Retention {
        let period = Period { months: 60, source: DEFAULT_SOURCE.to_owned() };
        Retention { visits: period.clone(), feedback: period }
    }
}

impl Retention {
    /// Reads a published body: both periods, each 1–1200 months with its source named.
    pub fn parse(body: &str) -> Result<Retention, String> {
        let retention: Retention =
            serde_json::from_str(body).map_err(|e| format!("không đọc được thời hạn lưu trữ: {e}"))?;
        for (register, period) in [("visits", &retention.visits), ("feedback", &retention.feedback)] {
            if !(1..=1200).contains(&period.months) {
                return Err(format!("{register}: số tháng phải từ 1 đến 1200"));
            }
            if period.source.trim().is_empty() || period.source.chars().count() > 1000 {
                return Err(format!("{register}: ghi căn cứ pháp lý của thời hạn (tối đa 1000 ký tự)"));
            }
        }
        Ok(retention)
    }

    pub fn period(&self, register: Register) -> &Period {
        match register {
            Register::Visit => &self.visits,
            Register::Feedback => &self.feedback,
        }
    }

    /// The records whose period ended by `today` and that still hold personal data: what a run
    /// erases. A dossier not yet returned and an item still open never expire.
    pub fn expired(&self, visits: &[Visit], feedback: &[FeedbackItem], today: NaiveDate) -> Vec<(Register, Uuid)> {
        let past = |end: DateTime<Utc>, period: &Period| {
            crate::time::local_day(end).checked_add_months(Months::new(period.months)).is_some_and(|last| last <= today)
        };
        let visits = visits.iter().filter(|v| !is_erased_name(&v.name)).filter_map(|v| {
            let open = v.outcome == Some(Outcome::DossierReceived) && v.returned_at.is_none();
            let end = v.returned_at.or(v.finished_at).unwrap_or(v.arrived_at);
            (!open && past(end, &self.visits)).then_some((Register::Visit, v.id))
        });
        let feedback = feedback.iter().filter(|f| f.submitter.is_some() || f.contact.is_some()).filter_map(|f| {
            let end = f.deadline.finished_at.filter(|_| f.status.is_finished())?;
            past(end, &self.feedback).then_some((Register::Feedback, f.id))
        });
        visits.chain(feedback).collect()
    }
}

/// One run of the retention on one register, as its log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRun {
    pub at: DateTime<Utc>,
    pub register: Register,
    /// The period in force for the run.
    pub months: u32,
    /// How many records it erased.
    pub erased: u32,
}

/// What Cài đặt shows: the periods in force and the latest runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionStatus {
    pub retention: Retention,
    pub runs: Vec<RetentionRun>,
}

/// The reason an erasure by retention records.
pub fn reason(period: &Period) -> String {
    let text = format!("Hết thời hạn lưu trữ {} tháng. Căn cứ: {}", period.months, period.source.trim());
    text.chars().take(crate::visit::NOTE_MAX_CHARS).collect()
}

fn is_erased_name(name: &str) -> bool {
    name == crate::erasure::ERASED_NAME
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{Channel, DeadlineState, Kind, Status};
    use crate::testing::{date, item, local, visit};

    fn months(n: u32) -> Retention {
        let period = Period { months: n, source: "thử".into() };
        Retention { visits: period.clone(), feedback: period }
    }

    #[test]
    fn a_run_takes_exactly_the_records_past_their_period() {
        let today = date("2026-11-30");
        let old = visit(local(2026, 8, 29, 9, 0), None, None, None, Some(Outcome::Resolved), Some(5), Some(5), None);
        let edge = visit(local(2026, 9, 30, 9, 0), None, None, None, Some(Outcome::Resolved), Some(5), Some(5), None);
        let recent = visit(local(2026, 10, 1, 9, 0), None, None, None, Some(Outcome::Resolved), Some(5), Some(5), None);
        let mut owed =
            visit(local(2026, 8, 1, 9, 0), None, None, None, Some(Outcome::DossierReceived), None, None, None);
        owed.appointment = Some(date("2026-08-10"));
        let mut erased = old.clone();
        (erased.id, erased.name) = (Uuid::now_v7(), crate::erasure::ERASED_NAME.into());
        let expired = months(2).expired(&[old.clone(), edge.clone(), recent, owed, erased], &[], today);
        assert_eq!(
            expired,
            [(Register::Visit, old.id), (Register::Visit, edge.id)],
            "the last day counts; an owed dossier and an erased record do not"
        );
    }

    #[test]
    fn feedback_expires_from_the_day_it_was_finished() {
        let today = date("2026-11-30");
        let mut answered =
            item(local(2026, 7, 1, 9, 0), Channel::Phone, Kind::Suggestion, DeadlineState::MetOnTime, None);
        (answered.status, answered.submitter) = (Status::Answered, Some("Lê Văn An".into()));
        answered.deadline.finished_at = Some(local(2026, 9, 15, 9, 0));
        let mut late = answered.clone();
        late.id = Uuid::now_v7();
        late.deadline.finished_at = Some(local(2026, 10, 15, 9, 0));
        let mut open = answered.clone();
        (open.id, open.status) = (Uuid::now_v7(), Status::Accepted);
        let mut anonymous = answered.clone();
        (anonymous.id, anonymous.submitter) = (Uuid::now_v7(), None);
        let expired = months(2).expired(&[], &[answered.clone(), late, open, anonymous], today);
        assert_eq!(expired, [(Register::Feedback, answered.id)]);
    }

    #[test]
    fn a_published_body_is_checked_and_the_default_reads() {
        let default = serde_json::to_string(&Retention::default()).unwrap();
        assert_eq!(Retention::parse(&default), Ok(Retention::default()));
        let zero = r#"{"visits":{"months":0,"source":"x"},"feedback":{"months":12,"source":"x"}}"#;
        assert!(Retention::parse(zero).unwrap_err().contains("1 đến 1200"));
        let no_source = r#"{"visits":{"months":6,"source":" "},"feedback":{"months":12,"source":"x"}}"#;
        assert!(Retention::parse(no_source).unwrap_err().contains("căn cứ"));
    }
}
