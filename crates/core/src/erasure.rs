//! Erasing one person's data from a record (Law 91/2025 on personal data, Điều 16; Decree
//! 356/2025): the erasure event, when the law still holds a record back, and how each stored
//! event of the record is blanked — its personal fields gone, the person's name, phone and
//! identity number masked wherever free text repeats them — while the event itself, its times,
//! outcomes and ratings stay, so no figure moves.

use crate::event::Event;
use crate::visit::{InputError, Note};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The name a blanked record carries: an arrival must name someone, so it names no one.
pub const ERASED_NAME: &str = "(đã xoá)";
/// What an identifier repeated in free text becomes.
pub const MASK: &str = "***";

/// The kinds that erase a record, one per register.
pub const ERASURE_KINDS: [&str; 2] = ["visit.erased", "feedback.erased"];

/// Payload of `visit.erased` and `feedback.erased`: the record's personal data is erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erased {
    pub at: DateTime<Utc>,
    pub grounds: Grounds,
    /// Why, in the office's words (whose request, on what date), kept for the audit.
    pub reason: Note,
}

/// On what ground the data goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grounds {
    /// The person asked (Law 91/2025, Điều 16).
    Request,
    /// The register's retention period is over.
    Retention,
}

/// What keeps a record's data in place whatever the person asks: the matter is still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "held", rename_all = "snake_case")]
pub enum Hold {
    /// A dossier received at the one-stop desk whose result has not gone back yet (Decree
    /// 61/2018, Điều 19–20: the office answers for it until it is returned); its appointment.
    DossierNotReturned { appointment: Option<NaiveDate> },
    /// A petition, complaint or denunciation still being handled; its due date.
    OpenPetition { due: Option<NaiveDate> },
}

impl Hold {
    /// The first day erasure could be asked again: the appointment or the due date.
    pub fn until(self) -> Option<NaiveDate> {
        match self {
            Hold::DossierNotReturned { appointment } => appointment,
            Hold::OpenPetition { due } => due,
        }
    }

    /// What the refusal says (`InputError::ErasureHeld`).
    pub fn text(self) -> String {
        let (what, settled, date) = match self {
            Hold::DossierNotReturned { appointment } => {
                ("hồ sơ đã tiếp nhận chưa trả kết quả", "đã trả kết quả", appointment.map(|d| ("ngày hẹn trả", d)))
            }
            Hold::OpenPetition { due } => {
                ("đơn, thư đang trong thời hạn giải quyết", "đã giải quyết xong", due.map(|d| ("hạn giải quyết", d)))
            }
        };
        match date {
            Some((label, day)) => {
                let day = crate::time::day_text(day);
                format!(
                    "Chưa xoá được: {what} ({label} {day}); pháp luật yêu cầu giữ đến khi giải quyết xong. \
                     Có thể xoá từ ngày {day}, khi {settled}."
                )
            }
            None => format!("Chưa xoá được: {what}; có thể xoá khi {settled}."),
        }
    }
}

/// How a personal field leaves a payload.
#[derive(Clone, Copy)]
enum Blank {
    /// Required by the payload's type: it names no one instead.
    Replace,
    /// Optional: it goes.
    Remove,
}

/// The fields of each kind's payload that identify the person.
fn personal_fields(kind: &str) -> &'static [(&'static str, Blank)] {
    match kind {
        "visit.arrived" => &[("name", Blank::Replace), ("phone", Blank::Remove), ("citizen_id", Blank::Remove)],
        "visit.amended" => &[("name", Blank::Replace), ("phone", Blank::Remove), ("citizen_id", Blank::Remove)],
        "feedback.received" | "feedback.amended" => &[("submitter", Blank::Remove), ("contact", Blank::Remove)],
        _ => &[],
    }
}

/// Every value the record's events give the person by (names, phones, identity numbers,
/// contacts), longest first so a full name is masked before a part of it: what free text must
/// not repeat once the record is erased.
pub fn identifiers<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for event in events {
        for (field, _) in personal_fields(&event.kind) {
            if let Some(Value::String(text)) = event.payload.get(field) {
                let text = text.trim();
                if text.chars().count() >= 3 && text != ERASED_NAME && !found.iter().any(|f| f == text) {
                    found.push(text.to_owned());
                }
            }
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.chars().count()));
    found
}

/// The payload as the erased record keeps it: personal fields blanked, and every identifier
/// masked wherever a string repeats it (a note, a reply, an attachment's name, the erasure's
/// own reason). Blanking a blanked payload changes nothing.
pub fn blank(kind: &str, payload: &Value, identifiers: &[String]) -> Value {
    let mut out = payload.clone();
    if let Value::Object(fields) = &mut out {
        for (field, how) in personal_fields(kind) {
            match how {
                Blank::Replace if fields.contains_key(*field) => {
                    fields.insert((*field).to_owned(), Value::String(ERASED_NAME.to_owned()));
                }
                Blank::Replace => {}
                Blank::Remove => {
                    fields.remove(*field);
                }
            }
        }
    }
    mask_strings(&mut out, identifiers);
    out
}

fn mask_strings(value: &mut Value, identifiers: &[String]) {
    match value {
        Value::String(text) => {
            if let Some(masked) = mask_text(text, identifiers) {
                *text = masked;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_strings(v, identifiers)),
        Value::Object(fields) => fields.values_mut().for_each(|v| mask_strings(v, identifiers)),
        _ => {}
    }
}

/// `text` with each identifier masked, case ignored; `None` when none occurs.
pub fn mask_text(text: &str, identifiers: &[String]) -> Option<String> {
    let mut current: Vec<char> = text.chars().collect();
    let mut changed = false;
    for id in identifiers {
        let needle: Vec<char> = id.chars().flat_map(char::to_lowercase).collect();
        if needle.is_empty() {
            continue;
        }
        let mut out = Vec::with_capacity(current.len());
        let mut i = 0;
        while i < current.len() {
            let matched = matches_at(&current[i..], &needle);
            match matched {
                Some(len) => {
                    out.extend(MASK.chars());
                    i += len;
                    changed = true;
                }
                None => {
                    out.push(current[i]);
                    i += 1;
                }
            }
        }
        current = out;
    }
    changed.then(|| current.into_iter().collect())
}

/// How many chars of `hay` spell `needle` (lower-cased) from its start, if they do.
fn matches_at(hay: &[char], needle: &[char]) -> Option<usize> {
    let mut n = 0;
    for (used, c) in hay.iter().enumerate() {
        if n == needle.len() {
            return Some(used);
        }
        for lower in c.to_lowercase() {
            if needle.get(n) != Some(&lower) {
                return None;
            }
            n += 1;
        }
    }
    (n == needle.len()).then_some(hay.len())
}

/// The fingerprint of an event as it was written: kept beside an erased event, so the log
/// still proves what was there (and a resend of the original is known for what it is).
pub fn content_hash(event: &Event) -> String {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(event).unwrap_or_default();
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the reason given for an erasure and builds its payload.
pub fn erasure(at: DateTime<Utc>, grounds: Grounds, reason: &str) -> Result<Erased, InputError> {
    let reason = Note::try_from(reason.to_owned()).map_err(|_| InputError::ErasureReasonMissing)?;
    Ok(Erased { at, grounds, reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn an_arrival_keeps_its_facts_and_loses_the_person() {
        let payload = json!({
            "arrived_at": "2026-11-30T01:00:00Z", "ticket": "A007", "name": "Nguyễn Thị Hường",
            "phone": "0912345678", "citizen_id": "079123456789", "note": "Bà Nguyễn Thị Hường hẹn gọi 0912345678",
            "procedure": "Đăng ký khai sinh", "trip": 1
        });
        let who = ids(&["Nguyễn Thị Hường", "0912345678", "079123456789"]);
        let blanked = blank("visit.arrived", &payload, &who);
        assert_eq!(blanked["name"], ERASED_NAME);
        assert!(blanked.get("phone").is_none() && blanked.get("citizen_id").is_none());
        assert_eq!(blanked["note"], "Bà *** hẹn gọi ***");
        assert_eq!(blanked["arrived_at"], payload["arrived_at"]);
        assert_eq!(blanked["procedure"], payload["procedure"]);
        assert_eq!(blanked["ticket"], "A007");
        assert_eq!(blank("visit.arrived", &blanked, &who), blanked, "blanking twice changes nothing");
    }

    #[test]
    fn free_text_is_masked_whatever_the_case() {
        let who = ids(&["Trần Văn Bình"]);
        assert_eq!(mask_text("gửi TRẦN VĂN BÌNH và trần văn bình", &who).unwrap(), "gửi *** và ***");
        assert_eq!(mask_text("không liên quan", &who), None);
        assert_eq!(mask_text("Trần Văn Bìn", &who), None, "a part of the name is not the name");
    }

    #[test]
    fn identifiers_come_from_the_personal_fields_longest_first() {
        let mut arrived = crate::testing::event("visit.arrived", json!({"name": "An", "phone": "0912345678"}));
        arrived.payload["citizen_id"] = json!("079123456789");
        let amended = crate::testing::event("visit.amended", json!({"name": "Lê Thị An", "reason": "sai tên"}));
        let found = identifiers([&arrived, &amended]);
        assert_eq!(found, ids(&["079123456789", "0912345678", "Lê Thị An"]), "a 2-letter name is too short to mask");
    }

    #[test]
    fn a_letter_loses_its_sender_and_contact() {
        let payload = json!({"submitter": "Phạm Văn Cường", "contact": "cuong@example.vn", "content": "Ông Phạm Văn Cường phản ánh", "hide_name": false});
        let who = ids(&["Phạm Văn Cường", "cuong@example.vn"]);
        let blanked = blank("feedback.received", &payload, &who);
        assert!(blanked.get("submitter").is_none() && blanked.get("contact").is_none());
        assert_eq!(blanked["content"], "Ông *** phản ánh");
        let corrected = json!({"submitter": "Phạm Văn Cường", "reason": "Ông Phạm Văn Cường sửa tên"});
        let blanked = blank("feedback.amended", &corrected, &who);
        assert_eq!(blanked, json!({"reason": "Ông *** sửa tên"}), "a correction of the sender goes too");
    }

    #[test]
    fn a_refusal_names_the_date() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        let text = Hold::OpenPetition { due: Some(day) }.text();
        assert!(text.contains("15/12/2026"), "{text}");
        let text = Hold::DossierNotReturned { appointment: Some(day) }.text();
        assert!(text.contains("ngày hẹn trả 15/12/2026"), "{text}");
    }

    #[test]
    fn an_erasure_needs_a_reason() {
        let at = Utc::now();
        assert_eq!(erasure(at, Grounds::Request, "  "), Err(InputError::ErasureReasonMissing));
        assert!(erasure(at, Grounds::Request, "Bà Hường yêu cầu ngày 30/11/2026").is_ok());
    }
}
