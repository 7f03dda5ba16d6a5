//! One citizen's data, as Law 91/2025 on personal data has people ask for it: what a search for
//! them means (a name without tone marks or case, a phone number in any of its spellings, or an
//! identity number), whether a record is theirs, and how an identity number shows in lists
//! (masked but for its last 4 digits).

use crate::collation::fold;
use crate::feedback::FeedbackItem;
use crate::visit::{CitizenId, InputError, Phone, Visit};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What someone typed to find one person's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonQuery {
    /// A 12-digit identity number (CCCD).
    CitizenId(String),
    /// A phone number, in its national form.
    Phone(String),
    /// A name or part of one, folded (lower case, no marks): every word must appear in the name.
    Name(Vec<String>),
}

impl PersonQuery {
    /// Reads a search: an identity number or a phone number when it reads as one (spaces, dots
    /// and +84 allowed), else a name; none for a search with nothing to look for.
    pub fn parse(text: &str) -> Option<PersonQuery> {
        let text = text.trim();
        if let Ok(id) = CitizenId::try_from(text.to_owned()) {
            return Some(PersonQuery::CitizenId(id.as_str().to_owned()));
        }
        if let Ok(phone) = Phone::try_from(text.to_owned()) {
            return Some(PersonQuery::Phone(phone.as_str().to_owned()));
        }
        let words: Vec<String> = fold(text).split_whitespace().map(str::to_owned).collect();
        (!words.is_empty()).then_some(PersonQuery::Name(words))
    }

    /// Whether a record with these fields is the person searched for. A name matches when every
    /// word searched is a whole word of the name ("thu" finds "Đặng Thị Thu", not "Thuận").
    pub fn matches(&self, name: &str, phone: Option<&str>, citizen_id: Option<&str>) -> bool {
        match self {
            PersonQuery::CitizenId(id) => citizen_id == Some(id.as_str()),
            PersonQuery::Phone(number) => phone == Some(number.as_str()),
            PersonQuery::Name(words) => {
                let name = fold(name);
                let of_name: Vec<&str> = name.split_whitespace().collect();
                words.iter().all(|w| of_name.contains(&w.as_str()))
            }
        }
    }
}

/// The register a record of the person is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Register {
    /// Sổ tiếp dân: a visit at the desk.
    Visit,
    /// Sổ góp ý – phản ánh: a letter, a call, a message.
    Feedback,
}

impl Register {
    pub fn label(self) -> &'static str {
        match self {
            Register::Visit => "Tiếp dân",
            Register::Feedback => "Góp ý – Phản ánh",
        }
    }
}

/// One record holding the person's data, as the search lists it (the identity number masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub register: Register,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Every digit but the last 4 hidden.
    pub citizen_id: Option<String>,
    /// What it was about: the procedure of a visit, the kind of a piece of feedback.
    pub about: Option<String>,
}

/// Every record of the person in the registers, oldest first. Feedback answers to a name and to
/// a contact that may be a phone number (in any spelling); it holds no identity number.
pub fn find(query: &PersonQuery, visits: &[Visit], feedback: &[FeedbackItem]) -> Vec<PersonRecord> {
    let visits =
        visits.iter().filter(|v| query.matches(&v.name, v.phone.as_deref(), v.citizen_id.as_deref())).map(|v| {
            PersonRecord {
                register: Register::Visit,
                id: v.id,
                at: v.arrived_at,
                name: Some(v.name.clone()),
                phone: v.phone.clone(),
                citizen_id: v.citizen_id.as_deref().map(masked_citizen_id),
                about: v.procedure.clone(),
            }
        });
    let feedback = feedback
        .iter()
        .filter(|f| {
            let phone = f.contact.as_ref().and_then(|c| Phone::try_from(c.clone()).ok());
            query.matches(f.submitter.as_deref().unwrap_or_default(), phone.as_ref().map(Phone::as_str), None)
        })
        .map(|f| PersonRecord {
            register: Register::Feedback,
            id: f.id,
            at: f.received_at,
            name: f.submitter.clone(),
            phone: f.contact.clone(),
            citizen_id: None,
            about: Some(f.kind.label().to_owned()),
        });
    let mut records: Vec<PersonRecord> = visits.chain(feedback).collect();
    records.sort_by_key(|r| (r.at, r.id));
    records
}

/// What the commune holds about one person, to hand to them (Law 91/2025, Điều 14: the right to
/// know and to get one's data): every record in full, their own identity number unmasked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFile {
    /// The commune office that holds the data.
    pub office: String,
    pub made_at: DateTime<Utc>,
    pub visits: Vec<Visit>,
    pub feedback: Vec<FeedbackItem>,
}

impl PersonFile {
    /// The person's records from the registers, oldest first.
    pub fn gather(
        office: &str,
        made_at: DateTime<Utc>,
        query: &PersonQuery,
        visits: &[Visit],
        feedback: &[FeedbackItem],
    ) -> PersonFile {
        let found = find(query, visits, feedback);
        let wanted = |register, id| found.iter().any(|r| r.register == register && r.id == id);
        let mut visits: Vec<Visit> = visits.iter().filter(|v| wanted(Register::Visit, v.id)).cloned().collect();
        visits.sort_by_key(|v| (v.arrived_at, v.id));
        let mut feedback: Vec<FeedbackItem> =
            feedback.iter().filter(|f| wanted(Register::Feedback, f.id)).cloned().collect();
        feedback.sort_by_key(|f| (f.received_at, f.id));
        PersonFile { office: office.to_owned(), made_at, visits, feedback }
    }

    /// The file as a printed page reads it: a heading per record, then its fields as label and
    /// value, only those that hold something.
    pub fn sections(&self) -> Vec<(String, Vec<(&'static str, String)>)> {
        use crate::time::local_text;
        let day = crate::time::day_text;
        let mut sections = Vec::new();
        for v in &self.visits {
            let fields = [
                ("Họ tên", Some(v.name.clone())),
                ("Số điện thoại", v.phone.clone()),
                ("Số định danh cá nhân", v.citizen_id.clone()),
                ("Thủ tục", v.procedure.clone()),
                ("Ghi chú", v.note.clone()),
                ("Cán bộ tiếp", v.official.clone()),
                ("Kết quả", v.outcome.map(|o| o.label().to_owned())),
                ("Ngày hẹn trả", v.appointment.map(day)),
                ("Đã trả kết quả", v.returned_at.map(local_text)),
                ("Hướng dẫn bổ sung", v.guidance.clone()),
                ("Mức hài lòng", v.rating.map(|r| format!("{r}/5"))),
            ];
            let heading = format!("{} — {}", Register::Visit.label(), local_text(v.arrived_at));
            sections.push((heading, fields.into_iter().filter_map(|(l, v)| v.map(|v| (l, v))).collect()));
        }
        for f in &self.feedback {
            let fields = [
                ("Người gửi", f.submitter.clone()),
                ("Liên hệ", f.contact.clone()),
                ("Kênh", Some(f.channel.label().to_owned())),
                ("Loại", Some(f.kind.label().to_owned())),
                ("Nội dung", Some(f.content.clone())),
                ("Trạng thái", Some(f.status.label().to_owned())),
                ("Trả lời", f.answer.as_ref().map(|a| a.reply.to_string())),
            ];
            let heading = format!("{} — {}", Register::Feedback.label(), local_text(f.received_at));
            sections.push((heading, fields.into_iter().filter_map(|(l, v)| v.map(|v| (l, v))).collect()));
        }
        sections
    }
}

crate::words::word_enum!(
    /// The forms the person's file is handed over in.
    FileFormat, InputError::ExportFormatInvalid, {
        Pdf = "pdf" => "PDF",
        Json = "json" => "JSON",
    }
);

impl FileFormat {
    /// The file name offered in the save dialog.
    pub fn file_name(self) -> String {
        format!("Du-lieu-ca-nhan.{}", self.wire())
    }
}

/// What an erasure of one person's records did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErasureReport {
    pub erased: Vec<PersonRecord>,
    /// Records the law still holds, each with what holds it (and until when).
    pub refused: Vec<(PersonRecord, crate::erasure::Hold)>,
}

crate::words::word_enum!(
    /// What was done with a person's data (the access log's verbs).
    Access, InputError::AccessInvalid, {
        Search = "search" => "Tra cứu",
        Export = "export" => "Xuất tệp",
        Print = "print" => "In",
        Correct = "correct" => "Sửa",
        Erase = "erase" => "Xoá",
    }
);

/// Payload of `person.accessed`: someone searched, exported, printed, corrected or erased a
/// person's data (Law 91/2025: the controller keeps a record of processing). Which records, not
/// whose name: the log must not become a copy of the data it watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accessed {
    pub at: DateTime<Utc>,
    pub action: Access,
    /// How many records the act reached.
    pub count: u32,
    /// The records, as many as an event carries (`event::limits::LIST_ITEMS`).
    #[serde(default)]
    pub records: Vec<Uuid>,
}

impl Accessed {
    pub fn new(at: DateTime<Utc>, action: Access, records: &[Uuid]) -> Accessed {
        let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
        let records = records.iter().take(crate::event::limits::LIST_ITEMS).copied().collect();
        Accessed { at, action, count, records }
    }
}

/// One line of the access log, as the admin reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub action: Access,
    pub count: u32,
    /// Who (the account, or "cli:<OS user>").
    pub user: Option<String>,
    pub device_id: Uuid,
}

/// An identity number as lists show it: every digit but the last 4 hidden ("••••••••1234").
pub fn masked_citizen_id(id: &str) -> String {
    let digits: Vec<char> = id.chars().filter(|c| !c.is_whitespace()).collect();
    let shown = digits.len().saturating_sub(4);
    digits.iter().enumerate().map(|(i, c)| if i < shown { '•' } else { *c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_as_an_id_a_phone_or_a_name() {
        assert_eq!(PersonQuery::parse(" 0790 9200 1234 "), Some(PersonQuery::CitizenId("079092001234".into())));
        assert_eq!(PersonQuery::parse("+84 912.345.678"), Some(PersonQuery::Phone("0912345678".into())));
        assert_eq!(
            PersonQuery::parse("  Đặng  THỊ thu "),
            Some(PersonQuery::Name(vec!["dang".into(), "thi".into(), "thu".into()]))
        );
        assert_eq!(PersonQuery::parse("   "), None);
    }

    #[test]
    fn a_name_matches_word_for_word_without_marks_or_case() {
        let q = PersonQuery::parse("dang thu").unwrap();
        assert!(q.matches("Đặng Thị Thu", None, None));
        assert!(q.matches("  ĐẶNG   thị THU ", None, None));
        assert!(!q.matches("Đặng Thị Thuận", None, None), "a whole word, not a prefix");
        assert!(!q.matches("Trần Thị Thu", None, None), "every word searched");
        // Composed and decomposed forms of the same letters are the same name.
        assert!(PersonQuery::parse("Hoa\u{300}ng").unwrap().matches("Hoàng Văn Em", None, None));
    }

    #[test]
    fn a_phone_or_an_id_matches_that_field_alone() {
        let phone = PersonQuery::parse("0912 345 678").unwrap();
        assert!(phone.matches("Ai đó", Some("0912345678"), None));
        assert!(!phone.matches("0912345678", None, None), "not a name");
        let id = PersonQuery::parse("079092001234").unwrap();
        assert!(id.matches("Ai đó", None, Some("079092001234")));
        assert!(!id.matches("Ai đó", Some("079092001234"), None));
    }

    #[test]
    fn the_persons_records_are_found_in_both_registers_oldest_first() {
        use crate::feedback::{Channel, DeadlineState, Kind};
        use crate::testing::{item, local, visit};
        let mut first =
            visit(local(2026, 11, 17, 8, 0), Some("Chứng thực bản sao"), None, None, None, None, None, None);
        (first.name, first.phone, first.citizen_id) =
            ("Đặng Thị Thu".into(), Some("0912345678".into()), Some("079092001234".into()));
        let mut other = visit(local(2026, 11, 16, 8, 0), None, None, None, None, None, None, None);
        other.name = "Đặng Thị Thuận".into();
        let mut letter =
            item(local(2026, 11, 10, 9, 0), Channel::Phone, Kind::Recommendation, DeadlineState::NoLimit, None);
        (letter.submitter, letter.contact) = (Some("Thu".into()), Some("+84 912 345 678".into()));

        let by_name =
            find(&PersonQuery::parse("dang thi thu").unwrap(), &[first.clone(), other.clone()], &[letter.clone()]);
        assert_eq!(by_name.len(), 1, "{by_name:?}");
        assert_eq!(by_name[0].citizen_id.as_deref(), Some("••••••••1234"), "masked in the list");
        let by_phone = find(&PersonQuery::parse("0912.345.678").unwrap(), &[first, other], &[letter]);
        let registers: Vec<Register> = by_phone.iter().map(|r| r.register).collect();
        assert_eq!(registers, [Register::Feedback, Register::Visit], "oldest first, the contact read as a phone");
        assert_eq!(by_phone[0].about.as_deref(), Some(Kind::Recommendation.label()));
    }

    #[test]
    fn the_file_handed_to_the_person_holds_their_records_in_full() {
        use crate::testing::{local, visit};
        let mut theirs =
            visit(local(2026, 11, 17, 8, 0), Some("Chứng thực bản sao"), None, None, None, None, None, None);
        (theirs.name, theirs.citizen_id) = ("Đặng Thị Thu".into(), Some("079092001234".into()));
        let other = visit(local(2026, 11, 18, 8, 0), None, None, None, None, None, None, None);
        let query = PersonQuery::parse("079092001234").unwrap();
        let file = PersonFile::gather("UBND xã Phú Hữu", local(2026, 11, 30, 9, 0), &query, &[other, theirs], &[]);
        assert_eq!(file.visits.len(), 1);
        let sections = file.sections();
        assert_eq!(sections.len(), 1);
        assert!(sections[0].0.starts_with("Tiếp dân — 08:00 17/11/2026"), "{:?}", sections[0].0);
        assert!(
            sections[0].1.contains(&("Số định danh cá nhân", "079092001234".to_owned())),
            "their own number, unmasked"
        );
        assert!(sections[0].1.contains(&("Thủ tục", "Chứng thực bản sao".to_owned())));
        assert!(!sections[0].1.iter().any(|(label, _)| *label == "Ngày hẹn trả"), "empty fields are left out");
    }

    #[test]
    fn an_id_shows_its_last_four_digits_only() {
        assert_eq!(masked_citizen_id("079092001234"), "••••••••1234");
        assert_eq!(masked_citizen_id("123"), "123", "nothing to hide in a short number");
        assert_eq!(masked_citizen_id(""), "");
    }
}
