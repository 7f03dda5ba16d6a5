//! What a notice of a personal-data breach needs (Law 91/2025 on personal data, Decree 356/2025):
//! within 72 hours of finding a breach (a stolen PC, a lost USB backup, a file sent to the wrong
//! place) the office tells the Ministry of Public Security which data, about how many people, held
//! since when, what happened and what was done. The figures are gathered from the registers and
//! the access log as they stood when the breach was found, never typed from memory.

use crate::collation::fold;
use crate::erasure::ERASED_NAME;
use crate::feedback::FeedbackItem;
use crate::person::AccessEntry;
use crate::time::local_text;
use crate::visit::{InputError, Phone, Visit, NOTE_MAX_CHARS};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The law's time to notify, counted in hours from when the breach was found.
pub const NOTICE_HOURS: i64 = 72;

/// How far back the report lists who read or handed out personal data.
pub const ACCESS_DAYS: i64 = 30;

/// What the office says of the breach: when it was found, what happened, what it did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachInput {
    pub discovered_at: Option<DateTime<Utc>>,
    pub what_happened: String,
    pub measures: String,
}

/// The office's account, checked: a time not in the future, two texts of a note's length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachAccount {
    pub discovered_at: DateTime<Utc>,
    pub what_happened: String,
    pub measures: String,
}

impl BreachAccount {
    pub fn parse(input: BreachInput, now: DateTime<Utc>) -> Result<BreachAccount, Vec<InputError>> {
        let mut errors = Vec::new();
        let discovered_at = match input.discovered_at {
            Some(at) if at <= now => Some(at),
            _ => {
                errors.push(InputError::BreachTimeInvalid);
                None
            }
        };
        let text = |t: &str, errors: &mut Vec<InputError>| {
            let t = t.trim();
            if t.is_empty() || t.chars().count() > NOTE_MAX_CHARS {
                errors.push(InputError::BreachTextMissing);
            }
            t.to_owned()
        };
        let what_happened = text(&input.what_happened, &mut errors);
        let measures = text(&input.measures, &mut errors);
        errors.dedup();
        match discovered_at {
            Some(discovered_at) if errors.is_empty() => Ok(BreachAccount { discovered_at, what_happened, measures }),
            _ => Err(errors),
        }
    }
}

/// One kind of personal data the registers held, as the notice lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataCategory {
    pub label: String,
    /// Records holding it.
    pub records: usize,
    /// People those records belong to.
    pub people: usize,
}

/// The facts of a breach notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachReport {
    pub office: String,
    pub made_at: DateTime<Utc>,
    pub discovered_at: DateTime<Utc>,
    /// The last moment to notify: 72 hours after the breach was found.
    pub notify_by: DateTime<Utc>,
    pub what_happened: String,
    pub measures: String,
    /// Records holding someone's personal data when the breach was found.
    pub records: usize,
    /// The people they belong to (see `people`).
    pub people: usize,
    pub categories: Vec<DataCategory>,
    /// The oldest and newest of those records.
    pub held_from: Option<DateTime<Utc>>,
    pub held_to: Option<DateTime<Utc>>,
    /// Records already erased before the breach: nothing of the person was left in them.
    pub erased_before: usize,
    /// What protected the data, as this PC states it (encryption, where the key is, backups).
    pub safeguards: Vec<String>,
    /// Who searched, exported, printed, corrected or erased personal data in the 30 days before.
    pub recent_access: Vec<AccessEntry>,
}

/// One record's personal data, as the count reads it.
struct Held<'a> {
    at: DateTime<Utc>,
    name: Option<&'a str>,
    phone: Option<String>,
    citizen_id: Option<&'a str>,
    /// A contact that is not a phone number (an e-mail, an address).
    other_contact: bool,
}

impl BreachReport {
    /// The notice's facts from the registers as they stood at `account.discovered_at`.
    pub fn gather(
        office: &str,
        made_at: DateTime<Utc>,
        account: BreachAccount,
        visits: &[Visit],
        feedback: &[FeedbackItem],
        access: &[AccessEntry],
        safeguards: Vec<String>,
    ) -> BreachReport {
        let found = account.discovered_at;
        let named = |n: &str| n != ERASED_NAME && !n.trim().is_empty();
        let visits = visits.iter().filter(|v| v.arrived_at <= found);
        let feedback = feedback.iter().filter(|f| f.received_at <= found);
        let mut erased_before = 0;
        let mut held = Vec::new();
        for v in visits {
            let record = Held {
                at: v.arrived_at,
                name: Some(v.name.as_str()).filter(|n| named(n)),
                phone: v.phone.clone(),
                citizen_id: v.citizen_id.as_deref(),
                other_contact: false,
            };
            if record.name.is_none() && record.phone.is_none() && record.citizen_id.is_none() {
                erased_before += 1;
            } else {
                held.push(record);
            }
        }
        for f in feedback {
            let phone = f.contact.as_ref().and_then(|c| Phone::try_from(c.clone()).ok()).map(|p| p.as_str().to_owned());
            let record = Held {
                at: f.received_at,
                name: f.submitter.as_deref().filter(|n| named(n)),
                other_contact: phone.is_none() && f.contact.as_deref().is_some_and(|c| !c.trim().is_empty()),
                phone,
                citizen_id: None,
            };
            // A letter that never named anyone holds no one's data.
            if record.name.is_some() || record.phone.is_some() || record.other_contact {
                held.push(record);
            }
        }
        let person = people(&held);
        let category = |label: &str, has: &dyn Fn(&Held) -> bool| {
            let of: Vec<usize> = (0..held.len()).filter(|&i| has(&held[i])).collect();
            let mut who: Vec<usize> = of.iter().map(|&i| person[i]).collect();
            who.sort_unstable();
            who.dedup();
            DataCategory { label: label.to_owned(), records: of.len(), people: who.len() }
        };
        let categories = vec![
            category("Họ và tên", &|h| h.name.is_some()),
            category("Số điện thoại", &|h| h.phone.is_some()),
            category("Số định danh cá nhân (CCCD)", &|h| h.citizen_id.is_some()),
            category("Địa chỉ liên hệ khác (thư điện tử, địa chỉ)", &|h| h.other_contact),
        ];
        let mut everyone = person.clone();
        everyone.sort_unstable();
        everyone.dedup();
        let since = found - Duration::days(ACCESS_DAYS);
        BreachReport {
            office: office.to_owned(),
            made_at,
            discovered_at: found,
            notify_by: found + Duration::hours(NOTICE_HOURS),
            what_happened: account.what_happened,
            measures: account.measures,
            records: held.len(),
            people: everyone.len(),
            categories: categories.into_iter().filter(|c| c.records > 0).collect(),
            held_from: held.iter().map(|h| h.at).min(),
            held_to: held.iter().map(|h| h.at).max(),
            erased_before,
            safeguards,
            recent_access: access.iter().filter(|a| a.at >= since && a.at <= found).cloned().collect(),
        }
    }

    /// Hours left to notify at `now` (negative once late).
    pub fn hours_left(&self, now: DateTime<Utc>) -> i64 {
        (self.notify_by - now).num_hours()
    }

    /// The notice's parts as the screen and the command line show them, read at `now`: each a
    /// heading and its lines, in the order the notice asks.
    pub fn sections(&self, now: DateTime<Utc>) -> Vec<(String, Vec<String>)> {
        let left = self.hours_left(now);
        let deadline = if left >= 0 {
            format!("Hạn thông báo: {} (còn {left} giờ).", local_text(self.notify_by))
        } else {
            format!("Hạn thông báo: {} (đã quá {} giờ).", local_text(self.notify_by), -left)
        };
        let mut data: Vec<String> = self
            .categories
            .iter()
            .map(|c| format!("{}: {} bản ghi, {} người.", c.label, c.records, c.people))
            .collect();
        data.insert(0, format!("{} bản ghi chứa dữ liệu cá nhân của {} người.", self.records, self.people));
        if let (Some(from), Some(to)) = (self.held_from, self.held_to) {
            data.push(format!("Thu thập từ {} đến {}.", local_text(from), local_text(to)));
        }
        if self.erased_before > 0 {
            data.push(format!(
                "{} bản ghi đã được xoá dữ liệu cá nhân trước sự cố (không còn gì để lộ).",
                self.erased_before
            ));
        }
        let access = if self.recent_access.is_empty() {
            vec![format!("Không có ai tra cứu, xuất, in, sửa hay xoá dữ liệu cá nhân trong {ACCESS_DAYS} ngày trước.")]
        } else {
            self.recent_access
                .iter()
                .map(|a| {
                    let who = a.user.as_deref().unwrap_or("?");
                    format!("{} · {} · {} bản ghi · {who}", local_text(a.at), a.action.label(), a.count)
                })
                .collect()
        };
        vec![
            (
                format!("Báo cáo sự cố dữ liệu cá nhân — {}", self.office),
                vec![
                    format!("Phát hiện lúc {}.", local_text(self.discovered_at)),
                    deadline,
                    "Gửi Bộ Công an (Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao) trong 72 giờ \
                     kể từ khi phát hiện (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, Nghị định 356/2025/NĐ-CP)."
                        .to_owned(),
                ],
            ),
            ("Sự việc".to_owned(), vec![self.what_happened.clone()]),
            ("Dữ liệu liên quan".to_owned(), data),
            ("Biện pháp đã thực hiện".to_owned(), vec![self.measures.clone()]),
            ("Biện pháp bảo vệ đã có".to_owned(), self.safeguards.clone()),
            (format!("Truy cập dữ liệu cá nhân trong {ACCESS_DAYS} ngày trước"), access),
            ("Lập lúc".to_owned(), vec![local_text(self.made_at)]),
        ]
    }
}

/// Which person each record belongs to, as an index: records that share an identity number or
/// a phone number are one person (and so, in a chain, are all records linked through them); a
/// record with neither is one person per name, spelt the same without marks or case. A count
/// the office can defend: it never splits one ID number, and never joins two strangers who only
/// share a common name with an ID or phone apart.
fn people(held: &[Held]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..held.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, h) in held.iter().enumerate() {
        let mut keys = Vec::new();
        if let Some(id) = h.citizen_id {
            keys.push(format!("id:{id}"));
        }
        if let Some(phone) = &h.phone {
            keys.push(format!("phone:{phone}"));
        }
        if keys.is_empty() {
            keys.push(format!("name:{}", h.name.map(fold).unwrap_or_default()));
        }
        for key in keys {
            match first.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    first.insert(key, i);
                }
            }
        }
    }
    (0..held.len()).map(|i| root(&mut parent, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{Channel, DeadlineState, Kind};

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn visit(name: &str, arrived: &str) -> Visit {
        Visit { name: name.into(), ..crate::testing::visit(at(arrived), None, None, None, None, None, None, None) }
    }

    fn feedback_item(received: &str) -> FeedbackItem {
        crate::testing::item(at(received), Channel::Box, Kind::Suggestion, DeadlineState::NoLimit, None)
    }

    fn account(found: &str) -> BreachAccount {
        BreachAccount::parse(
            BreachInput {
                discovered_at: Some(at(found)),
                what_happened: "Mất máy tính ở bộ phận một cửa".into(),
                measures: "Báo công an xã; đổi mật khẩu".into(),
            },
            at("2026-12-01T10:00:00+07:00"),
        )
        .unwrap()
    }

    #[test]
    fn the_notice_is_due_72_hours_after_the_breach_was_found() {
        let report =
            BreachReport::gather("Xã A", Utc::now(), account("2026-11-30T16:30:00+07:00"), &[], &[], &[], vec![]);
        assert_eq!(report.notify_by, at("2026-12-03T16:30:00+07:00"), "hours, not working days");
        assert_eq!(report.hours_left(at("2026-12-01T16:30:00+07:00")), 48);
        assert_eq!((report.records, report.people, report.held_from), (0, 0, None));
        let late = report.sections(at("2026-12-04T08:30:00+07:00"));
        assert_eq!(late[0].1[1], "Hạn thông báo: 16:30 03/12/2026 (đã quá 16 giờ).");
    }

    #[test]
    fn people_are_counted_once_across_records_and_registers() {
        let mut a1 = visit("Nguyễn Văn An", "2026-11-02T08:00:00+07:00");
        a1.citizen_id = Some("079123456789".into());
        a1.phone = Some("0912345678".into());
        // Same person: same ID, no phone this time, name spelt without marks.
        let mut a2 = visit("Nguyen Van An", "2026-11-09T08:00:00+07:00");
        a2.citizen_id = Some("079123456789".into());
        // A namesake with another ID is someone else.
        let mut other = visit("Nguyễn Văn An", "2026-11-10T08:00:00+07:00");
        other.citizen_id = Some("001099000111".into());
        // Two visits with a name only: one person.
        let b1 = visit("Lê Thị Bình", "2026-11-03T08:00:00+07:00");
        let b2 = visit("le thi binh", "2026-11-04T08:00:00+07:00");
        // An erased record holds no one; a record after the breach was found is not counted.
        let erased = visit(ERASED_NAME, "2026-11-05T08:00:00+07:00");
        let later = visit("Sau Sự Cố", "2026-12-01T09:00:00+07:00");
        // A letter by phone from An (linked by the number), and an anonymous one.
        let mut letter = feedback_item("2026-11-20T08:00:00+07:00");
        letter.submitter = Some("Anh An".into());
        letter.contact = Some("0912 345 678".into());
        let mut mail = feedback_item("2026-11-21T08:00:00+07:00");
        mail.contact = Some("chi.c@example.vn".into());
        let anonymous = feedback_item("2026-11-22T08:00:00+07:00");
        let report = BreachReport::gather(
            "Xã A",
            Utc::now(),
            account("2026-12-01T08:00:00+07:00"),
            &[a1, a2, other, b1, b2, erased, later],
            &[letter, mail, anonymous],
            &[],
            vec![],
        );
        assert_eq!(report.records, 7, "5 visits and 2 letters hold someone");
        assert_eq!(report.people, 4, "An, the other An, Bình, the e-mail's sender");
        assert_eq!(report.erased_before, 1);
        let counts: Vec<(&str, usize, usize)> =
            report.categories.iter().map(|c| (c.label.as_str(), c.records, c.people)).collect();
        assert_eq!(
            counts,
            [
                ("Họ và tên", 6, 3),
                ("Số điện thoại", 2, 1),
                ("Số định danh cá nhân (CCCD)", 3, 2),
                ("Địa chỉ liên hệ khác (thư điện tử, địa chỉ)", 1, 1)
            ]
        );
        assert_eq!(report.held_from, Some(at("2026-11-02T08:00:00+07:00")));
        assert_eq!(report.held_to, Some(at("2026-11-21T08:00:00+07:00")));
    }

    #[test]
    fn an_account_needs_a_past_time_and_both_texts() {
        let now = at("2026-12-01T10:00:00+07:00");
        let input = BreachInput { discovered_at: Some(now + Duration::hours(1)), ..Default::default() };
        assert_eq!(
            BreachAccount::parse(input, now).unwrap_err(),
            [InputError::BreachTimeInvalid, InputError::BreachTextMissing]
        );
    }
}
