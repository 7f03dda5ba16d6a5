//! Feedback and petitions (góp ý – phản ánh – kiến nghị): intake from every channel, the
//! lifecycle, the statutory deadlines on the working-day calendar, and feedback-box openings.

use crate::calendar::WorkCalendar;
use crate::erasure::Hold;
use crate::hlc::Hlc;
use crate::procedure::{appointment_date, LegalTime, OfficeHours};
use crate::time::local_day;
use crate::visit::fields::optional;
use crate::visit::AllValid;
use crate::visit::{
    merge, not_before, FeedbackContent, InputError, InputField, Moment, NationalCode, Note, OfficialName,
    ProcedureText, Register, Reply, VisitorName,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::words::word_enum;

word_enum!(
    /// Where a piece of feedback came in.
    Channel, InputError::ChannelInvalid, {
        Box = "box" | "hom-thu" => "Hòm thư góp ý",
        Email = "email" | "e-mail" => "Thư điện tử",
        Phone = "phone" | "hotline" => "Điện thoại, đường dây nóng",
        Zalo = "zalo" | "zalo-oa" => "Zalo",
        Fanpage = "fanpage" | "facebook" => "Fanpage",
        Portal = "portal" | "web" => "Cổng thông tin xã",
        InPerson = "in_person" | "in-person" | "truc-tiep" => "Trực tiếp",
    }
);

word_enum!(
    /// What kind of feedback it is; the kind decides the legal deadline.
    Kind, InputError::KindInvalid, {
        Compliment = "compliment" | "khen" => "Khen ngợi",
        Suggestion = "suggestion" | "gop-y" => "Góp ý",
        Recommendation = "recommendation" | "reflection" | "phan-anh" | "kien-nghi" => "Phản ánh, kiến nghị",
        Complaint = "complaint" | "khieu-nai" => "Khiếu nại",
        Denunciation = "denunciation" | "to-cao" => "Tố cáo",
    }
);

word_enum!(
    /// Where an item stands. `AwaitingSupplement` stops the deadline's clock.
    Status, InputError::StatusInvalid, {
        Received = "received" => "Mới tiếp nhận",
        Accepted = "accepted" | "thu-ly" => "Đã thụ lý",
        Extended = "extended" | "gia-han" => "Gia hạn",
        AwaitingSupplement = "awaiting_supplement" | "awaiting-supplement" | "paused" => "Chờ bổ sung",
        Refused = "refused" | "khong-thu-ly" => "Không thụ lý",
        Transferred = "transferred" | "chuyen" => "Đã chuyển",
        Answered = "answered" | "tra-loi" => "Đã trả lời",
        Closed = "closed" | "ket-thuc" => "Kết thúc",
    }
);

word_enum!(
    /// How the citizen was told of the answer.
    Notice, InputError::ReplyMissing, {
        InPerson = "in_person" | "in-person" => "Trực tiếp",
        Letter = "letter" | "van-ban" => "Văn bản",
        Phone = "phone" => "Điện thoại",
        Email = "email" => "Thư điện tử",
        Zalo = "zalo" => "Zalo",
        Posted = "posted" | "niem-yet" => "Niêm yết công khai",
    }
);

impl Status {
    /// Nothing is left to do within the commune.
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Refused | Status::Transferred | Status::Answered | Status::Closed)
    }
}

/// One row of the deadline table: how long the commune has, and the law that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineRule {
    pub kind: Kind,
    /// From receipt: accept, refuse or transfer, and tell the citizen. `None`: no limit.
    pub respond: Option<LegalTime>,
    /// From acceptance: settle and answer. `None`: the first limit covers the answer too.
    pub answer: Option<LegalTime>,
    /// Added to `answer` when the item is extended (complex cases).
    pub extension: Option<LegalTime>,
    /// The law, article by article.
    pub source: &'static str,
    /// False where the limit is the office's own target because the law sets none.
    pub statutory: bool,
}

const fn working(days: u32) -> Option<LegalTime> {
    Some(LegalTime::WorkingDays { days })
}

const fn calendar_days(days: u32) -> Option<LegalTime> {
    Some(LegalTime::CalendarDays { days })
}

/// The deadline table, one row per kind. Limits in calendar days are the laws' own "ngày"; a due
/// date that falls on a day off moves to the next working day.
pub const DEADLINES: [DeadlineRule; 5] = [
    DeadlineRule {
        kind: Kind::Compliment,
        respond: None,
        answer: None,
        extension: None,
        source: "Không có thời hạn luật định.",
        statutory: false,
    },
    DeadlineRule {
        kind: Kind::Suggestion,
        respond: working(10),
        answer: None,
        extension: None,
        source: "Không có thời hạn luật định; dùng thời hạn 10 ngày làm việc của Luật Tiếp công dân 2013, Điều 28 làm mục tiêu của UBND xã.",
        statutory: false,
    },
    DeadlineRule {
        kind: Kind::Recommendation,
        respond: working(10),
        answer: None,
        extension: None,
        source: "Luật Tiếp công dân 2013, Điều 28: trong 10 ngày làm việc kể từ ngày nhận, trả lời hoặc thông báo việc thụ lý, không thụ lý hoặc chuyển đơn.",
        statutory: true,
    },
    DeadlineRule {
        kind: Kind::Complaint,
        respond: working(10),
        answer: calendar_days(30),
        extension: calendar_days(15),
        source: "Luật Khiếu nại 2011, Điều 27 (thụ lý trong 10 ngày làm việc) và Điều 28 (giải quyết lần đầu không quá 30 ngày kể từ ngày thụ lý; vụ việc phức tạp không quá 45 ngày).",
        statutory: true,
    },
    DeadlineRule {
        kind: Kind::Denunciation,
        respond: working(7),
        answer: calendar_days(30),
        extension: calendar_days(30),
        source: "Luật Tố cáo 2018, Điều 24 (xử lý ban đầu trong 7 ngày làm việc) và Điều 30 (giải quyết không quá 30 ngày kể từ ngày thụ lý; vụ việc phức tạp gia hạn một lần không quá 30 ngày).",
        statutory: true,
    },
];

pub fn rule(kind: Kind) -> &'static DeadlineRule {
    // The table has one row per kind, in the enum's order; the test below keeps it so.
    &DEADLINES[Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)]
}

/// Payload of `feedback.received`: a piece of feedback as it came in.
/// Attachments one item may list (references to scanned letters, photos, files).
pub const MAX_ATTACHMENTS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackReceived {
    pub received_at: DateTime<Utc>,
    pub channel: Channel,
    pub kind: Kind,
    pub content: FeedbackContent,
    /// The official the feedback is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<OfficialName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<ProcedureText>,
    /// `None`: anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<VisitorName>,
    /// Phone, e-mail or address to answer to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Note>,
    /// Keep the submitter's name off anything published.
    #[serde(default)]
    pub hide_name: bool,
    /// References to attached papers or files (not the files themselves).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Note>,
    /// The feedback-box opening the letter came out of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub box_session: Option<Uuid>,
    /// The e-mail's Message-ID, so a message is never imported twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// What the desk (or the CLI, or the mailbox import) gives for a new item, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackInput {
    pub channel: String,
    pub kind: String,
    pub content: String,
    #[serde(default)]
    pub official: Option<String>,
    #[serde(default)]
    pub procedure: Option<String>,
    #[serde(default)]
    pub submitter: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub hide_name: bool,
    #[serde(default)]
    pub attachments: Vec<String>,
    #[serde(default)]
    pub box_session: Option<Uuid>,
    #[serde(default)]
    pub message_id: Option<String>,
}

impl FeedbackReceived {
    /// Checks every field and reports every problem at once.
    pub fn parse(input: FeedbackInput, received_at: DateTime<Utc>) -> Result<FeedbackReceived, Vec<InputError>> {
        let attachments: Result<Vec<Note>, InputError> =
            input.attachments.into_iter().filter(|a| !a.trim().is_empty()).map(Note::try_from).collect();
        let (channel, kind, content, official, procedure, submitter, contact, attachments) = (
            Channel::parse(&input.channel),
            Kind::parse(&input.kind),
            FeedbackContent::try_from(input.content),
            optional::<OfficialName>(input.official),
            optional::<ProcedureText>(input.procedure),
            optional::<VisitorName>(input.submitter),
            optional::<Note>(input.contact),
            attachments,
        )
            .all_valid()?;
        Ok(FeedbackReceived {
            received_at,
            channel,
            kind,
            content,
            official,
            procedure,
            submitter,
            contact,
            hide_name: input.hide_name,
            attachments,
            box_session: input.box_session,
            message_id: input.message_id.filter(|m| !m.trim().is_empty()),
        })
    }
}

/// When an item entered with only its day of receipt (a paper book, a dated letter) counts as
/// received: now if the day is today, else 08:00 that day. A day to come stays in the future and
/// is refused like any future time.
pub fn received_instant(day: Option<NaiveDate>, now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::TimeZone;
    match day {
        Some(day) if day != local_day(now) => crate::time::vietnam()
            .from_local_datetime(&day.and_time(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default()))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc)),
        _ => now,
    }
}

/// The id of the item an e-mail becomes: the same on every PC that imports the message, so two
/// PCs importing the same mailbox while apart make one item, not two.
pub fn imported_id(message_id: &str) -> Uuid {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6d2f_3a41_8e0b_4c57_9b1d_7a5e_2c44_f019);
    Uuid::new_v5(&NAMESPACE, message_id.trim().as_bytes())
}

/// Payload of `feedback.status_set`: the item moves on (accepted, extended, paused for the
/// citizen's supplement, refused, transferred, closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackStatusSet {
    pub at: DateTime<Utc>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<OfficialName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// Payload of `feedback.answered`: who answered, when, how the citizen was told, and what.
impl FeedbackStatusSet {
    /// A status change with who made it and a note, each field checked.
    pub fn parse(
        at: DateTime<Utc>,
        status: Status,
        by: Option<String>,
        note: Option<String>,
    ) -> Result<FeedbackStatusSet, Vec<InputError>> {
        let (by, note) = (optional::<OfficialName>(by), optional::<Note>(note)).all_valid()?;
        Ok(FeedbackStatusSet { at, status, by, note })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackAnswered {
    pub at: DateTime<Utc>,
    pub by: OfficialName,
    pub via: Notice,
    pub reply: Reply,
}

/// Payload of `feedback.coded`: the code the item got in the national feedback system.
impl FeedbackAnswered {
    /// The answer: who gave it, how the citizen was told, and the reply, each field checked.
    pub fn parse(
        at: DateTime<Utc>,
        by: String,
        via: Notice,
        reply: String,
    ) -> Result<FeedbackAnswered, Vec<InputError>> {
        let (by, reply) = (OfficialName::try_from(by), Reply::try_from(reply)).all_valid()?;
        Ok(FeedbackAnswered { at, by, via, reply })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackCoded {
    pub national_code: NationalCode,
}

/// Payload of `feedback.classified`: the kind corrected (an e-mail read as a recommendation that
/// is in fact a complaint); the deadline follows the kind. The latest clock wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackClassified {
    pub kind: Kind,
}

/// Payload of `feedback.rated`: whether the citizen is satisfied with how the item was handled,
/// asked once it is finished (the "feedback satisfaction" index). The latest clock wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRated {
    pub satisfied: bool,
}

/// Payload of `feedback.amended`: the sender's name or contact put right at their request (Law
/// 91/2025), with the reason for the audit trail. Fields left out are unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackAmended {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitter: Option<VisitorName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Note>,
    pub reason: String,
}

impl FeedbackAmended {
    /// A correction as typed: the name and the contact (a phone, an address), and why.
    pub fn parse(input: crate::visit::CorrectionInput) -> Result<FeedbackAmended, Vec<InputError>> {
        let reason = crate::visit::correction_reason(&input.reason);
        let contact = input.contact.or(input.phone);
        let (submitter, contact, reason) =
            (optional::<VisitorName>(input.name), optional::<Note>(contact), reason).all_valid()?;
        if submitter.is_none() && contact.is_none() {
            return Err(vec![InputError::CorrectionEmpty]);
        }
        Ok(FeedbackAmended { submitter, contact, reason })
    }
}

/// A feedback event as the projection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackChange {
    Received(FeedbackReceived),
    StatusSet(FeedbackStatusSet),
    Answered(FeedbackAnswered),
    Coded(FeedbackCoded),
    Classified(FeedbackClassified),
    Rated(FeedbackRated),
    Amended(FeedbackAmended),
    Erased(crate::erasure::Erased),
}

impl FeedbackChange {
    /// Rules a payload must keep beyond its fields' types (checked on every PC and the server).
    pub fn check(&self) -> Result<(), InputError> {
        match self {
            // The answer has its own event, with the fields it needs. (`Received` is allowed: it
            // resumes an item paused before it was accepted.)
            FeedbackChange::StatusSet(s) if s.status == Status::Answered => Err(InputError::StatusInvalid),
            FeedbackChange::Received(r) => {
                if r.attachments.len() > MAX_ATTACHMENTS {
                    return Err(InputError::TooMany { field: InputField::Content, max: MAX_ATTACHMENTS });
                }
                // RFC 5322 keeps a header line within 998 characters.
                r.message_id.as_deref().map_or(Ok(()), |m| crate::visit::check_text(m, InputField::Content, 998, false))
            }
            FeedbackChange::Amended(a) => {
                crate::visit::check_text(&a.reason, InputField::Note, crate::visit::NOTE_MAX_CHARS, true)
            }
            _ => Ok(()),
        }
    }

    /// When the step happened, for the steps that carry a time.
    pub fn at(&self) -> Option<(Moment, DateTime<Utc>)> {
        match self {
            FeedbackChange::Received(r) => Some((Moment::Receipt, r.received_at)),
            FeedbackChange::StatusSet(s) => Some((Moment::StatusChange, s.at)),
            FeedbackChange::Answered(a) => Some((Moment::Answer, a.at)),
            FeedbackChange::Erased(e) => Some((Moment::Erasure, e.at)),
            FeedbackChange::Coded(_)
            | FeedbackChange::Classified(_)
            | FeedbackChange::Rated(_)
            | FeedbackChange::Amended(_) => None,
        }
    }
}

/// One step of an item's life: a status change or an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Status(FeedbackStatusSet),
    Answered(FeedbackAnswered),
}

impl Step {
    fn at(&self) -> DateTime<Utc> {
        match self {
            Step::Status(s) => s.at,
            Step::Answered(a) => a.at,
        }
    }

    fn status(&self) -> Status {
        match self {
            Step::Status(s) => s.status,
            Step::Answered(_) => Status::Answered,
        }
    }
}

/// Everything known about one item. Steps are facts kept by clock (so the deadline can see every
/// pause); the status is the latest step's, the code the latest clock's: every PC agrees.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackState {
    pub received: Option<Register<FeedbackReceived>>,
    #[serde(default)]
    pub steps: BTreeMap<Hlc, Step>,
    #[serde(default)]
    pub code: Option<Register<NationalCode>>,
    /// The kind as corrected, if it was.
    #[serde(default)]
    pub kind: Option<Register<Kind>>,
    /// The citizen's satisfaction with the handling, once asked.
    #[serde(default)]
    pub satisfied: Option<Register<bool>>,
    /// The sender's name and contact as corrected: the latest clock wins over the receipt's.
    #[serde(default)]
    pub submitter: Option<Register<VisitorName>>,
    #[serde(default)]
    pub contact: Option<Register<Note>>,
    /// The sender's data is erased: nothing more is recorded on the item.
    #[serde(default)]
    pub erased: Option<Register<crate::erasure::Erased>>,
}

impl FeedbackState {
    pub fn apply(&mut self, change: &FeedbackChange, hlc: Hlc) {
        match change {
            FeedbackChange::Received(r) => merge(&mut self.received, r.clone(), hlc),
            FeedbackChange::StatusSet(s) => {
                self.steps.entry(hlc).or_insert_with(|| Step::Status(s.clone()));
            }
            FeedbackChange::Answered(a) => {
                self.steps.entry(hlc).or_insert_with(|| Step::Answered(a.clone()));
            }
            FeedbackChange::Coded(c) => merge(&mut self.code, c.national_code.clone(), hlc),
            FeedbackChange::Classified(c) => merge(&mut self.kind, c.kind, hlc),
            FeedbackChange::Rated(r) => merge(&mut self.satisfied, r.satisfied, hlc),
            FeedbackChange::Amended(a) => {
                if let Some(submitter) = &a.submitter {
                    merge(&mut self.submitter, submitter.clone(), hlc);
                }
                if let Some(contact) = &a.contact {
                    merge(&mut self.contact, contact.clone(), hlc);
                }
            }
            // The first erasure stands (see `VisitState::apply`).
            FeedbackChange::Erased(e) => {
                if self.erased.as_ref().is_none_or(|first| hlc < first.hlc) {
                    self.erased = Some(Register { value: e.clone(), hlc });
                }
            }
        }
    }

    /// The kind in force: the latest correction, else the kind given at receipt.
    pub fn kind(&self) -> Option<Kind> {
        self.kind.as_ref().map(|k| k.value).or_else(|| self.received.as_ref().map(|r| r.value.kind))
    }

    pub fn status(&self) -> Status {
        self.steps.values().next_back().map_or(Status::Received, Step::status)
    }

    /// The status an item paused for a supplement goes back to when the citizen answers: the
    /// one it had before the pause. `None` when it is not paused.
    pub fn resumes_to(&self) -> Option<Status> {
        if self.status() != Status::AwaitingSupplement {
            return None;
        }
        let before = self.timeline().into_iter().rev().map(Step::status).find(|s| *s != Status::AwaitingSupplement);
        Some(before.unwrap_or(Status::Received))
    }

    /// Whether this PC may record `change` now. A finished item takes only a code or a closing.
    pub fn admits(&self, change: &FeedbackChange) -> Result<(), InputError> {
        if self.received.is_none() && !matches!(change, FeedbackChange::Received(_)) {
            return Err(InputError::FeedbackNotFound);
        }
        if self.erased.is_some() {
            return Err(InputError::AlreadyErased);
        }
        self.check_sequence(change)?;
        let finished = self.status().is_finished();
        match change {
            FeedbackChange::Erased(_) => {
                self.erasure_hold(None).map_or(Ok(()), |hold| Err(InputError::ErasureHeld { hold }))
            }
            FeedbackChange::StatusSet(s) if finished && s.status != Status::Closed => Err(InputError::FeedbackFinished),
            FeedbackChange::StatusSet(_) if self.status() == Status::Closed => Err(InputError::FeedbackFinished),
            FeedbackChange::Answered(_) if finished => Err(InputError::FeedbackFinished),
            FeedbackChange::Rated(_) if !finished => Err(InputError::FeedbackNotFinished),
            _ => Ok(()),
        }
    }

    /// No step is dated before the item was received (an answer "before" the letter came would
    /// count as on time). Checked at the desk, by the server and on every pull; an item whose
    /// receipt is not known yet passes.
    pub fn check_start(&self, change: &FeedbackChange) -> Result<(), InputError> {
        match (&self.received, change.at()) {
            (Some(received), Some((step, at))) if step != Moment::Receipt => {
                not_before(step, at, Moment::Receipt, received.value.received_at)
            }
            _ => Ok(()),
        }
    }

    /// What the desk also keeps: a step follows the item's latest step (an answer dated before
    /// its acceptance would reorder the item's life).
    fn check_sequence(&self, change: &FeedbackChange) -> Result<(), InputError> {
        self.check_start(change)?;
        let latest = self.timeline().last().map(|s| match s {
            Step::Status(s) => (Moment::StatusChange, s.at),
            Step::Answered(a) => (Moment::Answer, a.at),
        });
        match (change.at(), latest) {
            (Some((step, at)), Some((before, start))) if step != Moment::Receipt => not_before(step, at, before, start),
            _ => Ok(()),
        }
    }

    /// A corrected field's value, when the correction came after the receipt it corrects.
    fn corrected<'a, T>(&self, field: &'a Option<Register<T>>) -> Option<&'a T> {
        let received = self.received.as_ref()?;
        field.as_ref().filter(|c| c.hlc > received.hlc).map(|c| &c.value)
    }

    /// What keeps the sender's data from being erased now: the item is still being handled (a
    /// petition the law gives a time limit must be answered first). With the commune's calendar
    /// the refusal names the due date; the province's server, without it, names none.
    pub fn erasure_hold(&self, calendar: Option<(&WorkCalendar, &OfficeHours, NaiveDate)>) -> Option<Hold> {
        if self.status().is_finished() {
            return None;
        }
        let due = calendar.and_then(|(calendar, hours, today)| self.deadline(calendar, hours, today).due);
        Some(Hold::OpenPetition { due })
    }

    /// When the commune finished with the item: the first finishing step after the last step
    /// that reopened it. `None` while it is open.
    pub fn finished_at(&self) -> Option<DateTime<Utc>> {
        let timeline = self.timeline();
        let reopened = timeline.iter().rposition(|s| !s.status().is_finished());
        timeline.iter().skip(reopened.map_or(0, |i| i + 1)).map(|s| s.at()).next()
    }

    /// The steps in the order they happened.
    fn timeline(&self) -> Vec<&Step> {
        let mut steps: Vec<(&Hlc, &Step)> = self.steps.iter().collect();
        steps.sort_by_key(|(hlc, step)| (step.at(), **hlc));
        steps.into_iter().map(|(_, s)| s).collect()
    }

    /// The item's deadline as of `today`, on the commune's calendar.
    pub fn deadline(&self, calendar: &WorkCalendar, hours: &OfficeHours, today: NaiveDate) -> Deadline {
        let (Some(received), Some(kind)) = (&self.received, self.kind()) else { return Deadline::none() };
        let rule = rule(kind);
        let timeline = self.timeline();
        let first = |wanted: &dyn Fn(Status) -> bool| timeline.iter().find(|s| wanted(s.status())).map(|s| s.at());
        let accepted_at = first(&|s| s == Status::Accepted);
        let extended = timeline.iter().any(|s| s.status() == Status::Extended);
        let done_at = self.finished_at();
        let (start, limit, stage) = match (accepted_at, rule.answer) {
            (Some(at), Some(answer)) => {
                (at, Some(plus(answer, extended.then_some(rule.extension).flatten())), Stage::Answer)
            }
            _ => (received.value.received_at, rule.respond, Stage::Respond),
        };
        let Some(limit) = limit else { return Deadline { stage, finished_at: done_at, ..Deadline::none() } };
        let Some(base) = appointment_date(start, limit, calendar, hours) else {
            return Deadline { finished_at: done_at, ..Deadline::none() };
        };
        // The clock stops while the citizen is asked for more: the limit moves by the pause's
        // length in the limit's own unit (working days, or the law's calendar days). A pause asked
        // for once the due date has passed moves nothing: the lateness counts from that date.
        let mut due = base;
        let mut paused = 0;
        let mut paused_now = false;
        for (i, step) in timeline.iter().enumerate() {
            let pausing = |s: &&Step| s.status() == Status::AwaitingSupplement;
            // A second "awaiting" step inside a pause is the same pause, counted once.
            if !pausing(step) || step.at() < start || (i > 0 && pausing(&timeline[i - 1])) {
                continue;
            }
            let from = local_day(step.at());
            if from > due {
                continue;
            }
            let to = match timeline[i + 1..].iter().find(|s| !pausing(s)) {
                Some(resumed) => local_day(resumed.at()),
                None => {
                    paused_now = true;
                    today
                }
            };
            paused += pause_length(limit, from, to, calendar);
            due = appointment_date(start, lengthened(limit, paused), calendar, hours).unwrap_or(due);
        }
        let state = match done_at {
            Some(done) if local_day(done) <= due => DeadlineState::MetOnTime,
            Some(done) => DeadlineState::MetLate { days_late: calendar.days_overdue(due, local_day(done)) },
            None if paused_now => DeadlineState::Paused,
            None if today > due => DeadlineState::Open { days_left: -calendar.days_overdue(due, today) },
            None => DeadlineState::Open { days_left: calendar.working_days_between(today, due) },
        };
        Deadline { due: Some(due), state, stage, finished_at: done_at }
    }
}

/// How long a pause from `from` to `to` lasted, in the unit of `limit`.
fn pause_length(limit: LegalTime, from: NaiveDate, to: NaiveDate, calendar: &WorkCalendar) -> u32 {
    let days = match limit {
        LegalTime::CalendarDays { .. } => (to - from).num_days(),
        _ => calendar.working_days_between(from, to),
    };
    u32::try_from(days).unwrap_or(0)
}

/// `limit` lengthened by `more` of its own unit.
fn lengthened(limit: LegalTime, more: u32) -> LegalTime {
    match limit {
        LegalTime::CalendarDays { days } => LegalTime::CalendarDays { days: days + more },
        LegalTime::WorkingDays { days } => LegalTime::WorkingDays { days: days + more },
        other => other,
    }
}

/// `limit` plus an extension of the same unit (the laws extend in the unit they set).
fn plus(limit: LegalTime, extension: Option<LegalTime>) -> LegalTime {
    match (limit, extension) {
        (LegalTime::CalendarDays { days }, Some(LegalTime::CalendarDays { days: more })) => {
            LegalTime::CalendarDays { days: days + more }
        }
        (LegalTime::WorkingDays { days }, Some(LegalTime::WorkingDays { days: more })) => {
            LegalTime::WorkingDays { days: days + more }
        }
        (limit, _) => limit,
    }
}

/// Which limit the deadline measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Accept, refuse or transfer, and tell the citizen.
    Respond,
    /// Settle and answer, counted from acceptance.
    Answer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DeadlineState {
    /// The law sets no limit for this kind.
    NoLimit,
    /// Waiting for the citizen's supplement: the clock is stopped.
    Paused,
    /// Working days left until the due date; negative once overdue.
    Open {
        days_left: i64,
    },
    MetOnTime,
    MetLate {
        days_late: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub due: Option<NaiveDate>,
    pub state: DeadlineState,
    pub stage: Stage,
    /// When the commune finished with the item (answered, refused, transferred, closed).
    pub finished_at: Option<DateTime<Utc>>,
}

impl Deadline {
    fn none() -> Deadline {
        Deadline { due: None, state: DeadlineState::NoLimit, stage: Stage::Respond, finished_at: None }
    }

    pub fn is_overdue(&self) -> bool {
        matches!(self.state, DeadlineState::Open { days_left } if days_left < 0)
    }

    /// "Còn 3 ngày", "Hạn hôm nay", "Quá 2 ngày", …: what the register shows.
    pub fn label(&self) -> String {
        match self.state {
            DeadlineState::NoLimit => "Không có hạn".into(),
            DeadlineState::Paused => "Tạm dừng (chờ bổ sung)".into(),
            DeadlineState::Open { days_left: 0 } => "Hạn hôm nay".into(),
            DeadlineState::Open { days_left } if days_left > 0 => format!("Còn {days_left} ngày"),
            DeadlineState::Open { days_left } => format!("Quá {} ngày", -days_left),
            DeadlineState::MetOnTime => "Đúng hạn".into(),
            DeadlineState::MetLate { days_late } => format!("Trễ {days_late} ngày"),
        }
    }

    /// The register's order: overdue first (most overdue on top), then the nearest due date,
    /// then paused, unlimited and finished items.
    pub fn urgency(&self) -> (u8, i64) {
        match self.state {
            DeadlineState::Open { days_left } => (0, days_left),
            DeadlineState::Paused => (1, 0),
            DeadlineState::NoLimit => (2, 0),
            DeadlineState::MetOnTime | DeadlineState::MetLate { .. } => (3, 0),
        }
    }
}

/// An item as the register, the CLI and the reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackItem {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
    pub channel: Channel,
    pub kind: Kind,
    pub content: String,
    pub official: Option<String>,
    pub procedure: Option<String>,
    pub submitter: Option<String>,
    pub contact: Option<String>,
    pub hide_name: bool,
    pub attachments: Vec<String>,
    pub box_session: Option<Uuid>,
    pub status: Status,
    /// While paused for a supplement: the status it resumes to.
    pub resumes_to: Option<Status>,
    pub national_code: Option<String>,
    pub answer: Option<FeedbackAnswered>,
    /// Whether the citizen is satisfied with the handling (asked once finished).
    #[serde(default)]
    pub satisfied: Option<bool>,
    pub deadline: Deadline,
    /// "Còn x ngày" / "Quá x ngày" / …, as of the day the list was read.
    pub deadline_label: String,
}

impl FeedbackState {
    pub fn view(
        &self,
        id: Uuid,
        calendar: &WorkCalendar,
        hours: &OfficeHours,
        today: NaiveDate,
    ) -> Option<FeedbackItem> {
        let r = &self.received.as_ref()?.value;
        let deadline = self.deadline(calendar, hours, today);
        let answer = self.steps.values().rev().find_map(|s| match s {
            Step::Answered(a) => Some(a.clone()),
            Step::Status(_) => None,
        });
        Some(FeedbackItem {
            id,
            received_at: r.received_at,
            channel: r.channel,
            kind: self.kind().unwrap_or(r.kind),
            content: r.content.to_string(),
            official: r.official.as_ref().map(ToString::to_string),
            procedure: r.procedure.as_ref().map(ToString::to_string),
            submitter: self.corrected(&self.submitter).or(r.submitter.as_ref()).map(ToString::to_string),
            contact: self.corrected(&self.contact).or(r.contact.as_ref()).map(ToString::to_string),
            hide_name: r.hide_name,
            attachments: r.attachments.iter().map(ToString::to_string).collect(),
            box_session: r.box_session,
            status: self.status(),
            resumes_to: self.resumes_to(),
            national_code: self.code.as_ref().map(|c| c.value.to_string()),
            answer,
            satisfied: self.satisfied.as_ref().map(|r| r.value),
            deadline_label: deadline.label(),
            deadline,
        })
    }
}

/// Payload of `feedback_box.opened`: the feedback box was opened before witnesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBoxOpened {
    pub opened_at: DateTime<Utc>,
    /// At least two people, each named once.
    pub witnesses: Vec<OfficialName>,
    /// Letters found in the box; each becomes an item linked to this opening.
    pub letters: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

impl FeedbackBoxOpened {
    pub fn parse(
        opened_at: DateTime<Utc>,
        witnesses: Vec<String>,
        letters: u16,
        note: Option<String>,
    ) -> Result<FeedbackBoxOpened, Vec<InputError>> {
        let witnesses: Result<Vec<OfficialName>, InputError> =
            witnesses.into_iter().filter(|w| !w.trim().is_empty()).map(OfficialName::try_from).collect();
        let (witnesses, note) = (witnesses, optional::<Note>(note)).all_valid()?;
        let opened = FeedbackBoxOpened { opened_at, witnesses, letters, note };
        opened.check().map_err(|e| vec![e])?;
        Ok(opened)
    }

    pub fn check(&self) -> Result<(), InputError> {
        let mut names: Vec<&str> = self.witnesses.iter().map(OfficialName::as_str).collect();
        names.sort_unstable();
        names.dedup();
        if names.len() < 2 {
            return Err(InputError::WitnessesTooFew);
        }
        // A box is opened before a few people: the office's leader, the Front's and a union's.
        if self.witnesses.len() > 10 {
            return Err(InputError::TooMany { field: InputField::Official, max: 10 });
        }
        Ok(())
    }
}

/// A feedback-box opening as listed, with how many of its letters are entered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackBoxSession {
    pub id: Uuid,
    pub opened_at: DateTime<Utc>,
    pub witnesses: Vec<String>,
    pub letters: u16,
    pub entered: u32,
}

/// What the weekly summary needs from the register for one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackFacts {
    pub received: u32,
    /// Finished within their limit during the period.
    pub finished_on_time: u32,
    pub finished_late: u32,
    /// Still open and past due at the period's end.
    pub overdue: u32,
}

/// Counts the facts for the days `from..=to`, with deadlines as of `to`. Callers pass the items
/// viewed as of `to`.
pub fn facts(items: &[FeedbackItem], from: NaiveDate, to: NaiveDate) -> FeedbackFacts {
    let mut facts = FeedbackFacts::default();
    let within = |at: DateTime<Utc>| (from..=to).contains(&local_day(at));
    for item in items {
        if within(item.received_at) {
            facts.received += 1;
        }
        let finished_within = item.deadline.finished_at.is_some_and(within);
        match item.deadline.state {
            DeadlineState::MetOnTime if finished_within => facts.finished_on_time += 1,
            DeadlineState::MetLate { .. } if finished_within => facts.finished_late += 1,
            _ if item.deadline.is_overdue() => facts.overdue += 1,
            _ => {}
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{calendar, date, hlc, local};

    fn received(kind: &str, at: DateTime<Utc>) -> FeedbackChange {
        let input = FeedbackInput {
            channel: "box".into(),
            kind: kind.into(),
            content: "Đường vào trụ sở tối, đề nghị lắp đèn.".into(),
            ..Default::default()
        };
        FeedbackChange::Received(FeedbackReceived::parse(input, at).unwrap())
    }

    fn status(status: Status, at: DateTime<Utc>) -> FeedbackChange {
        FeedbackChange::StatusSet(FeedbackStatusSet { at, status, by: None, note: None })
    }

    fn answered(at: DateTime<Utc>) -> FeedbackChange {
        FeedbackChange::Answered(FeedbackAnswered {
            at,
            by: "Lê Thị Hoa".to_owned().try_into().unwrap(),
            via: Notice::Letter,
            reply: "Đã lắp đèn.".to_owned().try_into().unwrap(),
        })
    }

    #[test]
    fn a_corrected_sender_shows_once_it_follows_the_receipt_and_an_erased_item_takes_no_more() {
        use crate::visit::CorrectionInput;
        let correction = |name: &str| {
            let input =
                CorrectionInput { name: Some(name.into()), reason: "theo yêu cầu".into(), ..Default::default() };
            FeedbackChange::Amended(FeedbackAmended::parse(input).unwrap())
        };
        let at = local(2026, 11, 23, 9, 0);
        let mut s = FeedbackState::default();
        s.apply(&received("suggestion", at), hlc(5, 1));
        s.apply(&correction("Lê Văn An"), hlc(9, 1));
        s.apply(&correction("Tên cũ hơn"), hlc(7, 2));
        let view = s.view(Uuid::nil(), &calendar(), &OfficeHours::default(), date("2026-11-30")).unwrap();
        assert_eq!(view.submitter.as_deref(), Some("Lê Văn An"), "the latest clock wins");
        let nothing = CorrectionInput { reason: "x".into(), ..Default::default() };
        assert_eq!(FeedbackAmended::parse(nothing), Err(vec![InputError::CorrectionEmpty]));
        let erased = crate::erasure::erasure(at, crate::erasure::Grounds::Request, "yêu cầu").unwrap();
        s.apply(&FeedbackChange::Erased(erased), hlc(10, 1));
        assert_eq!(s.admits(&correction("Lại")), Err(InputError::AlreadyErased));
    }

    fn state(changes: &[FeedbackChange]) -> FeedbackState {
        let mut s = FeedbackState::default();
        for (i, c) in changes.iter().enumerate() {
            s.apply(c, hlc(i as u64 + 1, 1));
        }
        s
    }

    #[test]
    fn the_submitter_is_asked_once_it_is_finished_and_the_latest_answer_counts() {
        let rated = |satisfied| FeedbackChange::Rated(FeedbackRated { satisfied });
        let open = state(&[received("recommendation", local(2026, 11, 16, 9, 0))]);
        assert_eq!(open.admits(&rated(true)), Err(InputError::FeedbackNotFinished));
        let mut s =
            state(&[received("recommendation", local(2026, 11, 16, 9, 0)), answered(local(2026, 11, 17, 9, 0))]);
        assert!(s.admits(&rated(false)).is_ok());
        s.apply(&rated(false), hlc(10, 2));
        s.apply(&rated(true), hlc(9, 1));
        let item = s.view(Uuid::nil(), &calendar(), &OfficeHours::default(), date("2026-11-18")).unwrap();
        assert_eq!(item.satisfied, Some(false), "the later clock wins whatever the order of arrival");
    }

    #[test]
    fn the_table_has_one_row_per_kind_in_order_and_names_its_source() {
        for (row, kind) in DEADLINES.iter().zip(Kind::ALL) {
            assert_eq!(row.kind, *kind);
            assert!(!row.source.is_empty());
            assert_eq!(rule(*kind).kind, *kind);
        }
        assert_eq!(rule(Kind::Recommendation).respond, Some(LegalTime::WorkingDays { days: 10 }));
    }

    #[test]
    fn words_parse_from_what_people_type() {
        assert_eq!(Channel::parse("in-person"), Ok(Channel::InPerson));
        assert_eq!(Channel::parse(" Email "), Ok(Channel::Email));
        assert_eq!(Channel::parse("fax"), Err(InputError::ChannelInvalid));
        assert_eq!(Kind::parse("complaint"), Ok(Kind::Complaint));
        assert_eq!(serde_json::to_string(&Channel::InPerson).unwrap(), r#""in_person""#);
    }

    #[test]
    fn a_recommendation_received_before_tet_is_due_ten_working_days_later() {
        // Tuesday 10/2/2026; Tết 2026 is 16–20/2 (and the weekend around it).
        let s = state(&[received("recommendation", local(2026, 2, 10, 9, 0))]);
        let d = s.deadline(&calendar(), &OfficeHours::default(), date("2026-02-24"));
        assert_eq!(d.due, Some(date("2026-03-03")));
        assert_eq!(d.state, DeadlineState::Open { days_left: 5 });
        assert_eq!(d.label(), "Còn 5 ngày");
        let late = s.deadline(&calendar(), &OfficeHours::default(), date("2026-03-05"));
        assert_eq!((late.label(), late.is_overdue()), ("Quá 2 ngày".to_owned(), true));
    }

    #[test]
    fn received_after_office_hours_counts_from_the_next_working_day() {
        // Friday 20/11/2026 at 17:30 counts as Monday 23/11; + 10 working days = 7/12.
        let s = state(&[received("recommendation", local(2026, 11, 20, 17, 30))]);
        assert_eq!(s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-23")).due, Some(date("2026-12-07")));
        let in_hours = state(&[received("recommendation", local(2026, 11, 20, 16, 0))]);
        assert_eq!(
            in_hours.deadline(&calendar(), &OfficeHours::default(), date("2026-11-23")).due,
            Some(date("2026-12-04"))
        );
    }

    #[test]
    fn a_pause_for_the_citizens_supplement_stops_the_clock() {
        let at = local(2026, 11, 2, 9, 0); // Monday; due 16/11 without a pause
        let paused = local(2026, 11, 4, 9, 0);
        let resumed = local(2026, 11, 9, 9, 0); // 3 working days later (5, 6, 9)
        let open = state(&[received("recommendation", at), status(Status::AwaitingSupplement, paused)]);
        let d = open.deadline(&calendar(), &OfficeHours::default(), date("2026-11-06"));
        assert_eq!(d.state, DeadlineState::Paused);
        assert_eq!(d.label(), "Tạm dừng (chờ bổ sung)");
        let back = state(&[
            received("recommendation", at),
            status(Status::AwaitingSupplement, paused),
            status(Status::Received, resumed),
        ]);
        let d = back.deadline(&calendar(), &OfficeHours::default(), date("2026-11-09"));
        assert_eq!(d.due, Some(date("2026-11-19")), "16/11 plus the 3 paused working days");
        assert_eq!(open.resumes_to(), Some(Status::Received), "paused before acceptance: back to received");
        assert_eq!(back.resumes_to(), None);
        assert!(status(Status::Received, resumed).check().is_ok());
    }

    /// The register's figure for an item seen on `day`.
    fn seen(s: &FeedbackState, day: &str) -> (DeadlineState, String) {
        let d = s.deadline(&calendar(), &OfficeHours::default(), date(day));
        (d.state, d.label())
    }

    #[test]
    fn an_item_due_on_friday_is_overdue_over_the_weekend_tet_and_a_make_up_saturday() {
        let overdue = |days: i64| (DeadlineState::Open { days_left: -days }, format!("Quá {days} ngày"));
        // Received Friday 13/11/2026: ten working days end on Friday 27/11.
        let s = state(&[received("recommendation", local(2026, 11, 13, 9, 0))]);
        assert_eq!(s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-27")).due, Some(date("2026-11-27")));
        assert_eq!(seen(&s, "2026-11-27"), (DeadlineState::Open { days_left: 0 }, "Hạn hôm nay".to_owned()));
        assert_eq!(seen(&s, "2026-11-28"), overdue(1), "Saturday");
        assert_eq!(seen(&s, "2026-11-29"), overdue(1), "Sunday");
        assert_eq!(seen(&s, "2026-11-30"), overdue(1), "Monday");
        assert_eq!(seen(&s, "2026-12-01"), overdue(2), "Tuesday");
        assert!(s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-29")).is_overdue());
        // Received Friday 30/1/2026: due Friday 13/2, the last working day before Tết (16–20/2).
        let s = state(&[received("recommendation", local(2026, 1, 30, 9, 0))]);
        assert_eq!(s.deadline(&calendar(), &OfficeHours::default(), date("2026-02-18")).due, Some(date("2026-02-13")));
        assert_eq!(seen(&s, "2026-02-18"), overdue(1), "a Tết day");
        assert_eq!(seen(&s, "2026-02-23"), overdue(1), "the first working day after Tết");
        // Received 24/12/2025: due Friday 9/1/2026; Saturday 10/1 is a make-up working day.
        let s = state(&[received("recommendation", local(2025, 12, 24, 9, 0))]);
        assert_eq!(s.deadline(&calendar(), &OfficeHours::default(), date("2026-01-10")).due, Some(date("2026-01-09")));
        assert_eq!(seen(&s, "2026-01-10"), overdue(1), "the make-up Saturday");
        assert_eq!(seen(&s, "2026-01-11"), overdue(1), "the Sunday after it");
        assert_eq!(seen(&s, "2026-01-12"), overdue(2), "Monday: Saturday and Monday late");
        // Days left are counted in working days on days off too: due Friday 27/11, seen Sunday
        // 22/11, five working days remain.
        let s = state(&[received("recommendation", local(2026, 11, 13, 9, 0))]);
        assert_eq!(seen(&s, "2026-11-22"), (DeadlineState::Open { days_left: 5 }, "Còn 5 ngày".to_owned()));
        // Answered on a Saturday after a Friday deadline: late by one day, not "0 days late".
        let mut late = s.clone();
        late.apply(&answered(local(2026, 11, 28, 9, 0)), hlc(5, 1));
        assert_eq!(seen(&late, "2026-11-30"), (DeadlineState::MetLate { days_late: 1 }, "Trễ 1 ngày".to_owned()));
    }

    #[test]
    fn a_pause_moves_a_calendar_day_limit_by_calendar_days() {
        // A complaint accepted Thursday 5/11/2026: 30 days → Saturday 5/12 → Monday 7/12.
        let mut s = state(&[
            received("complaint", local(2026, 11, 2, 9, 0)),
            status(Status::Accepted, local(2026, 11, 5, 9, 0)),
        ]);
        // Waiting for the citizen from Tuesday 10/11 to Friday 20/11: ten calendar days (eight
        // working days). 5/11 + 40 days = Tuesday 15/12.
        s.apply(&status(Status::AwaitingSupplement, local(2026, 11, 10, 9, 0)), hlc(10, 1));
        s.apply(&status(Status::Accepted, local(2026, 11, 20, 9, 0)), hlc(11, 1));
        let d = s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-23"));
        assert_eq!((d.stage, d.due), (Stage::Answer, Some(date("2026-12-15"))));
        // The first limit, in working days, moves by working days: a recommendation received
        // Monday 2/11 is due Monday 16/11; paused Wednesday 4/11 to Monday 9/11 (three working
        // days) it is due Thursday 19/11.
        let mut r = state(&[received("recommendation", local(2026, 11, 2, 9, 0))]);
        assert_eq!(r.deadline(&calendar(), &OfficeHours::default(), date("2026-11-03")).due, Some(date("2026-11-16")));
        r.apply(&status(Status::AwaitingSupplement, local(2026, 11, 4, 9, 0)), hlc(10, 1));
        r.apply(&status(Status::AwaitingSupplement, local(2026, 11, 5, 9, 0)), hlc(11, 1));
        r.apply(&status(Status::Received, local(2026, 11, 9, 9, 0)), hlc(12, 1));
        assert_eq!(
            r.deadline(&calendar(), &OfficeHours::default(), date("2026-11-10")).due,
            Some(date("2026-11-19")),
            "a second 'awaiting' inside the same pause is not counted twice"
        );
    }

    #[test]
    fn a_pause_asked_for_after_the_due_date_moves_nothing() {
        // Received Monday 2/11/2026: due Monday 16/11.
        let base = state(&[received("recommendation", local(2026, 11, 2, 9, 0))]);
        let mut late = base.clone();
        late.apply(&status(Status::AwaitingSupplement, local(2026, 11, 18, 9, 0)), hlc(10, 1));
        let d = late.deadline(&calendar(), &OfficeHours::default(), date("2026-11-20"));
        assert_eq!(d.due, Some(date("2026-11-16")));
        assert_eq!((d.state, d.label()), (DeadlineState::Open { days_left: -4 }, "Quá 4 ngày".to_owned()));
        // Resumed later: still counted against 16/11.
        late.apply(&status(Status::Received, local(2026, 11, 25, 9, 0)), hlc(11, 1));
        late.apply(&answered(local(2026, 11, 26, 9, 0)), hlc(12, 1));
        let d = late.deadline(&calendar(), &OfficeHours::default(), date("2026-11-26"));
        assert_eq!((d.due, d.state), (Some(date("2026-11-16")), DeadlineState::MetLate { days_late: 8 }));
        // Asked for on the due date itself, the limit has not passed yet: it moves.
        let mut on_time = base;
        on_time.apply(&status(Status::AwaitingSupplement, local(2026, 11, 16, 9, 0)), hlc(10, 1));
        on_time.apply(&status(Status::Received, local(2026, 11, 18, 9, 0)), hlc(11, 1));
        assert_eq!(
            on_time.deadline(&calendar(), &OfficeHours::default(), date("2026-11-18")).due,
            Some(date("2026-11-18"))
        );
    }

    #[test]
    fn no_step_is_dated_before_the_item_was_received_nor_before_the_step_it_follows() {
        let s = state(&[received("recommendation", local(2026, 11, 16, 9, 0))]);
        let early = answered(local(2026, 11, 16, 8, 59));
        let refused = s.admits(&early).unwrap_err();
        assert_eq!(
            refused,
            InputError::StepBeforeStart {
                step: Moment::Answer,
                at: local(2026, 11, 16, 8, 59),
                follows: Moment::Receipt,
                start: local(2026, 11, 16, 9, 0),
            }
        );
        let message = refused.to_string();
        assert!(message.contains("08:59 16/11/2026") && message.contains("09:00 16/11/2026"), "{message}");
        assert_eq!(s.check_start(&early), Err(refused), "the same rule on a synced step");
        assert!(s.admits(&answered(local(2026, 11, 16, 9, 0))).is_ok());
        // Accepted at 10:00, an answer dated 09:30 is refused at the desk.
        let mut accepted = s.clone();
        accepted.apply(&status(Status::Accepted, local(2026, 11, 16, 10, 0)), hlc(5, 1));
        assert!(matches!(
            accepted.admits(&answered(local(2026, 11, 16, 9, 30))),
            Err(InputError::StepBeforeStart { follows: Moment::StatusChange, .. })
        ));
    }

    #[test]
    fn a_complaint_once_accepted_has_thirty_days_to_be_answered_and_an_extension_adds_fifteen() {
        let s = state(&[
            received("complaint", local(2026, 11, 2, 9, 0)),
            status(Status::Accepted, local(2026, 11, 5, 9, 0)),
        ]);
        let d = s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-06"));
        // 5/11 + 30 days = Saturday 5/12 → Monday 7/12.
        assert_eq!((d.stage, d.due), (Stage::Answer, Some(date("2026-12-07"))));
        let mut extended = s.clone();
        extended.apply(&status(Status::Extended, local(2026, 11, 20, 9, 0)), hlc(10, 1));
        assert_eq!(
            extended.deadline(&calendar(), &OfficeHours::default(), date("2026-11-20")).due,
            Some(date("2026-12-21"))
        );
    }

    #[test]
    fn an_answer_within_the_limit_is_on_time_and_leaves_the_overdue_list() {
        let at = local(2026, 10, 1, 9, 0);
        let late = state(&[received("suggestion", at)]);
        assert!(late.deadline(&calendar(), &OfficeHours::default(), date("2026-11-26")).is_overdue());
        let mut answered_late = late.clone();
        answered_late.apply(&answered(local(2026, 11, 26, 9, 0)), hlc(5, 2));
        let d = answered_late.deadline(&calendar(), &OfficeHours::default(), date("2026-11-26"));
        assert!(!d.is_overdue());
        assert!(matches!(d.state, DeadlineState::MetLate { .. }));
        let on_time = state(&[received("suggestion", at), answered(local(2026, 10, 5, 9, 0))]);
        assert_eq!(
            on_time.deadline(&calendar(), &OfficeHours::default(), date("2026-11-26")).state,
            DeadlineState::MetOnTime
        );
        assert_eq!(on_time.status(), Status::Answered);
        let compliment = state(&[received("compliment", at)]);
        assert_eq!(
            compliment.deadline(&calendar(), &OfficeHours::default(), date("2026-11-26")).label(),
            "Không có hạn"
        );
    }

    #[test]
    fn concurrent_status_changes_resolve_by_the_later_clock_in_any_order() {
        let r = received("recommendation", local(2026, 11, 2, 9, 0));
        let a = status(Status::Accepted, local(2026, 11, 3, 9, 0));
        let t = status(Status::Transferred, local(2026, 11, 3, 9, 5));
        let mut one = FeedbackState::default();
        one.apply(&r, hlc(1, 1));
        one.apply(&a, hlc(5, 1));
        one.apply(&t, hlc(5, 2));
        let mut two = FeedbackState::default();
        two.apply(&t, hlc(5, 2));
        two.apply(&a, hlc(5, 1));
        two.apply(&r, hlc(1, 1));
        two.apply(&a, hlc(5, 1));
        assert_eq!(one, two);
        assert_eq!(one.status(), Status::Transferred, "same wall time: the device breaks the tie");
    }

    #[test]
    fn a_corrected_kind_brings_its_own_deadline() {
        let mut s = state(&[received("recommendation", local(2026, 11, 2, 9, 0))]);
        s.apply(&FeedbackChange::Classified(FeedbackClassified { kind: Kind::Denunciation }), hlc(9, 2));
        // Denunciation: 7 working days from Monday 2/11 → Wednesday 11/11 (not 16/11).
        let d = s.deadline(&calendar(), &OfficeHours::default(), date("2026-11-03"));
        assert_eq!((s.kind(), d.due), (Some(Kind::Denunciation), Some(date("2026-11-11"))));
    }

    #[test]
    fn a_finished_item_takes_no_new_status_but_a_closing() {
        let s = state(&[received("suggestion", local(2026, 11, 2, 9, 0)), answered(local(2026, 11, 3, 9, 0))]);
        assert_eq!(s.admits(&status(Status::Accepted, local(2026, 11, 4, 9, 0))), Err(InputError::FeedbackFinished));
        assert_eq!(s.admits(&answered(local(2026, 11, 4, 9, 0))), Err(InputError::FeedbackFinished));
        assert!(s.admits(&status(Status::Closed, local(2026, 11, 4, 9, 0))).is_ok());
        assert_eq!(
            FeedbackState::default().admits(&answered(local(2026, 11, 4, 9, 0))),
            Err(InputError::FeedbackNotFound)
        );
        assert_eq!(status(Status::Answered, local(2026, 11, 4, 9, 0)).check(), Err(InputError::StatusInvalid));
        let paused = state(&[
            received("complaint", local(2026, 11, 2, 9, 0)),
            status(Status::Accepted, local(2026, 11, 3, 9, 0)),
            status(Status::AwaitingSupplement, local(2026, 11, 4, 9, 0)),
        ]);
        assert_eq!(paused.resumes_to(), Some(Status::Accepted));
    }

    #[test]
    fn a_box_opening_needs_two_distinct_witnesses() {
        let at = local(2026, 11, 2, 9, 0);
        let two = vec!["Lê Thị Hoa".to_owned(), "Trần Văn Bình".to_owned()];
        assert!(FeedbackBoxOpened::parse(at, two, 3, None).is_ok());
        let same = vec!["Lê Thị Hoa".to_owned(), " Lê  Thị Hoa".to_owned()];
        assert_eq!(FeedbackBoxOpened::parse(at, same, 3, None), Err(vec![InputError::WitnessesTooFew]));
    }

    #[test]
    fn every_problem_of_an_intake_is_reported_at_once() {
        let input =
            FeedbackInput { channel: "fax".into(), kind: "x".into(), content: " ".into(), ..Default::default() };
        assert_eq!(
            FeedbackReceived::parse(input, local(2026, 11, 2, 9, 0)),
            Err(vec![InputError::ChannelInvalid, InputError::KindInvalid, InputError::ContentEmpty])
        );
    }

    #[test]
    fn facts_count_received_finished_on_time_late_and_overdue() {
        let cal = calendar();
        let hours = OfficeHours::default();
        let today = date("2026-11-27");
        let items: Vec<FeedbackItem> = [
            state(&[received("suggestion", local(2026, 11, 23, 9, 0)), answered(local(2026, 11, 24, 9, 0))]),
            state(&[received("suggestion", local(2026, 10, 1, 9, 0)), answered(local(2026, 11, 25, 9, 0))]),
            state(&[received("recommendation", local(2026, 10, 1, 9, 0))]),
            state(&[received("compliment", local(2026, 11, 24, 9, 0))]),
        ]
        .iter()
        .enumerate()
        .map(|(i, s)| s.view(Uuid::from_u128(i as u128), &cal, &hours, today).unwrap())
        .collect();
        let week = facts(&items, date("2026-11-23"), today);
        assert_eq!(week, FeedbackFacts { received: 2, finished_on_time: 1, finished_late: 1, overdue: 1 });
    }
}

#[cfg(test)]
mod convergence {
    use super::*;
    use crate::time::vietnam;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// Receipt, clashing status changes from three PCs, two answers and two codes.
    fn universe() -> Vec<(Hlc, FeedbackChange)> {
        let at = |d: u32| vietnam().with_ymd_and_hms(2026, 11, d, 9, 0, 0).unwrap().with_timezone(&Utc);
        let hlc = |ms: u64, device: u128| Hlc { wall_ms: ms, counter: 0, device: Uuid::from_u128(device) };
        let input = FeedbackInput {
            channel: "email".into(),
            kind: "complaint".into(),
            content: "Khiếu nại việc chậm trả hồ sơ".into(),
            ..Default::default()
        };
        let status =
            |status, d| FeedbackChange::StatusSet(FeedbackStatusSet { at: at(d), status, by: None, note: None });
        let answer = |text: &str, d| {
            FeedbackChange::Answered(FeedbackAnswered {
                at: at(d),
                by: "Lê Thị Hoa".to_owned().try_into().unwrap(),
                via: Notice::Letter,
                reply: text.to_owned().try_into().unwrap(),
            })
        };
        let code = |c: &str| FeedbackChange::Coded(FeedbackCoded { national_code: c.to_owned().try_into().unwrap() });
        vec![
            (hlc(1, 1), FeedbackChange::Received(FeedbackReceived::parse(input, at(2)).unwrap())),
            (hlc(5, 1), status(Status::Accepted, 3)),
            (hlc(5, 2), status(Status::AwaitingSupplement, 4)),
            (hlc(6, 3), status(Status::Accepted, 9)),
            (hlc(7, 2), status(Status::Extended, 10)),
            (hlc(9, 1), answer("Trả lời lần một", 20)),
            (hlc(9, 3), answer("Trả lời lần hai", 20)),
            (hlc(8, 1), code("A-1")),
            (hlc(8, 2), code("A-2")),
        ]
    }

    fn fold<'a>(changes: impl IntoIterator<Item = &'a (Hlc, FeedbackChange)>) -> FeedbackState {
        let mut state = FeedbackState::default();
        for (hlc, change) in changes {
            state.apply(change, *hlc);
        }
        state
    }

    proptest! {
        #[test]
        fn any_order_with_any_duplicates_gives_the_same_register_entry(
            order in Just((0..9).collect::<Vec<usize>>()).prop_shuffle(),
            dups in proptest::collection::vec(0..9usize, 0..10),
        ) {
            let all = universe();
            let expected = fold(&all);
            let stream: Vec<&(Hlc, FeedbackChange)> = order.iter().chain(dups.iter()).map(|&i| &all[i]).collect();
            let state = fold(stream);
            prop_assert_eq!(&state, &expected);
            prop_assert_eq!(state.status(), Status::Answered);
            prop_assert_eq!(state.code.map(|c| c.value.to_string()), Some("A-2".to_owned()));
        }
    }
}
