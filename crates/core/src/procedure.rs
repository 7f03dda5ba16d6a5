//! Administrative procedures (thủ tục hành chính) and their legal processing times, and the
//! appointment date a received dossier gets from them on the working-day calendar.

use crate::calendar::WorkCalendar;
use crate::time::vietnam;
use crate::visit::InputError;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The starter catalogue shipped with the app (35 commune-level procedures, with sources).
pub const STARTER_CATALOGUE: &str = include_str!("../reference/procedures.vi.json");

/// How long the commune has by law to return the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegalTime {
    /// The same day; a dossier received at or after `cutoff` (e.g. 15:00) the next working day.
    SameDay {
        cutoff: Option<NaiveTime>,
    },
    WorkingDays {
        days: u32,
    },
    /// Calendar days; a due date on a day off moves to the next working day.
    CalendarDays {
        days: u32,
    },
    /// Not stated as one figure (multi-stage, or unknown): the appointment is set by hand.
    Unstated,
}

/// A procedure as the desk uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    /// The catalogue's own id, e.g. `HT-01`.
    pub id: String,
    /// The national procedure code (mã TTHC), e.g. `1.001193`, where known.
    pub code: Option<String>,
    pub name: String,
    pub field: String,
    pub legal_time: LegalTime,
    pub legal_time_text: String,
    pub fee_text: Option<String>,
    pub legal_basis: Vec<String>,
    /// The weakest confidence of its fields: primary, secondary or unverified.
    pub confidence: String,
    /// Confidence per field (`ma_tthc`, `thoi_han`, `le_phi`, …), shown where a value is unverified.
    pub field_confidence: BTreeMap<String, String>,
}

/// The catalogue file's shape (Vietnamese field names, as compiled).
#[derive(Deserialize)]
struct CatalogueFile {
    procedures: Vec<CatalogueEntry>,
}

/// One entry of the catalogue file as published (`reference` checks each on its own).
#[derive(Deserialize)]
pub(crate) struct CatalogueEntry {
    pub(crate) id: String,
    ma_tthc: Option<String>,
    pub(crate) ten_thu_tuc: String,
    pub(crate) linh_vuc: String,
    thoi_han_giai_quyet: Option<String>,
    pub(crate) thoi_han_structured: Option<serde_json::Value>,
    le_phi: Option<String>,
    #[serde(default)]
    can_cu_phap_ly: Vec<String>,
    confidence: String,
    /// A null level means the field itself has no value.
    #[serde(default)]
    field_confidence: BTreeMap<String, Option<String>>,
}

fn legal_time(structured: Option<&serde_json::Value>) -> LegalTime {
    let Some(s) = structured else { return LegalTime::Unstated };
    let days = s["days"].as_u64().and_then(|d| u32::try_from(d).ok());
    match (s["kind"].as_str(), days) {
        (Some("same_day"), _) => LegalTime::SameDay {
            cutoff: (s["after_15h"] == "next_working_day").then(|| NaiveTime::from_hms_opt(15, 0, 0)).flatten(),
        },
        (Some("working_days"), Some(days)) => LegalTime::WorkingDays { days },
        (Some("days"), Some(days)) => LegalTime::CalendarDays { days },
        _ => LegalTime::Unstated,
    }
}

/// Reads a catalogue in the compiled format (the starter file, or a province's newer version).
pub fn parse_catalogue(json: &str) -> Result<Vec<Procedure>, String> {
    let file: CatalogueFile = serde_json::from_str(json).map_err(|e| format!("procedure catalogue: {e}"))?;
    Ok(file
        .procedures
        .into_iter()
        .map(|p| Procedure {
            legal_time: legal_time(p.thoi_han_structured.as_ref()),
            id: p.id,
            code: p.ma_tthc,
            name: p.ten_thu_tuc,
            field: p.linh_vuc,
            legal_time_text: p.thoi_han_giai_quyet.unwrap_or_default(),
            fee_text: p.le_phi,
            legal_basis: p.can_cu_phap_ly,
            confidence: p.confidence,
            field_confidence: p.field_confidence.into_iter().filter_map(|(k, v)| Some((k, v?))).collect(),
        })
        .collect())
}

/// Finds a procedure by catalogue id, national code or its exact name (as picked from the list),
/// as typed at the desk.
pub fn find<'a>(catalogue: &'a [Procedure], key: &str) -> Option<&'a Procedure> {
    let key = key.trim();
    catalogue.iter().find(|p| p.id.eq_ignore_ascii_case(key) || p.code.as_deref() == Some(key) || p.name == key)
}

/// The office's opening hours (default 07:00–11:30 and 13:30–17:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficeHours {
    pub morning: (NaiveTime, NaiveTime),
    pub afternoon: (NaiveTime, NaiveTime),
}

impl OfficeHours {
    /// Reads two ranges as typed, `07:00-11:30` and `13:30-17:00`, and checks them.
    pub fn parse(morning: &str, afternoon: &str) -> Result<OfficeHours, InputError> {
        let range = |text: &str| -> Result<(NaiveTime, NaiveTime), InputError> {
            let (open, close) = text.split_once('-').ok_or(InputError::OfficeHoursInvalid)?;
            let time =
                |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| InputError::OfficeHoursInvalid);
            Ok((time(open)?, time(close)?))
        };
        let hours = OfficeHours { morning: range(morning)?, afternoon: range(afternoon)? };
        hours.check().map(|()| hours)
    }

    /// Each session opens before it closes, and the morning ends by the time the afternoon starts.
    pub fn check(&self) -> Result<(), InputError> {
        let (m, a) = (self.morning, self.afternoon);
        if m.0 < m.1 && m.1 <= a.0 && a.0 < a.1 {
            Ok(())
        } else {
            Err(InputError::OfficeHoursInvalid)
        }
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        OfficeHours { morning: (t(7, 0), t(11, 30)), afternoon: (t(13, 30), t(17, 0)) }
    }
}

/// The date to return the result of a dossier received at `received_at`: counted on the
/// working-day calendar from the day of receipt; a dossier received on a day off or after closing
/// time counts as received at the next working day's opening. `None` when the law states no
/// single figure.
pub fn appointment_date(
    received_at: DateTime<Utc>,
    legal: LegalTime,
    calendar: &WorkCalendar,
    hours: &OfficeHours,
) -> Option<NaiveDate> {
    let local = received_at.with_timezone(&vietnam());
    let (mut day, mut time) = (local.date_naive(), local.time());
    if !calendar.is_working_day(day) || time >= hours.afternoon.1 {
        day = calendar.add_working_days(day, 1);
        time = hours.morning.0;
    }
    match legal {
        LegalTime::SameDay { cutoff } if cutoff.is_some_and(|c| time >= c) => Some(calendar.add_working_days(day, 1)),
        LegalTime::SameDay { .. } => Some(day),
        LegalTime::WorkingDays { days } => Some(calendar.add_working_days(day, days)),
        LegalTime::CalendarDays { days } => {
            let due = day.checked_add_days(Days::new(u64::from(days)))?;
            Some(if calendar.is_working_day(due) { due } else { calendar.add_working_days(due, 1) })
        }
        LegalTime::Unstated => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{calendar, date, local};

    #[test]
    fn the_starter_catalogue_reads_whole() {
        let catalogue = parse_catalogue(STARTER_CATALOGUE).unwrap();
        assert_eq!(catalogue.len(), 35);
        let birth = find(&catalogue, "1.001193").unwrap();
        assert_eq!(birth.id, "HT-01");
        assert_eq!(birth.legal_time, LegalTime::SameDay { cutoff: NaiveTime::from_hms_opt(15, 0, 0) });
        assert_eq!(find(&catalogue, "ht-12").unwrap().legal_time, LegalTime::WorkingDays { days: 3 });
        assert_eq!(find(&catalogue, "DD-01").unwrap().legal_time, LegalTime::CalendarDays { days: 30 });
        assert_eq!(find(&catalogue, "XH-01").unwrap().legal_time, LegalTime::Unstated);
        assert_eq!(birth.field_confidence.get("ma_tthc").map(String::as_str), Some("unverified"));
        assert!(find(&catalogue, "9.999999").is_none());
        assert_eq!(find(&catalogue, " Thủ tục đăng ký nhận cha, mẹ, con ").map(|p| p.id.as_str()), Some("HT-12"));
    }

    #[test]
    fn office_hours_read_as_typed_and_must_make_sense() {
        let hours = OfficeHours::parse("07:30-11:30", " 13:00 - 16:30 ").unwrap();
        assert_eq!(hours.afternoon.1, NaiveTime::from_hms_opt(16, 30, 0).unwrap());
        assert_eq!(OfficeHours::default(), OfficeHours::parse("07:00-11:30", "13:30-17:00").unwrap());
        for (m, a) in [("11:30-07:00", "13:30-17:00"), ("07:00-14:00", "13:30-17:00"), ("7h-11h", "13:30-17:00")] {
            assert_eq!(OfficeHours::parse(m, a), Err(InputError::OfficeHoursInvalid), "{m} {a}");
        }
    }

    #[test]
    fn same_day_procedures_before_and_after_the_cutoff() {
        let (cal, hours) = (calendar(), OfficeHours::default());
        let same_day = LegalTime::SameDay { cutoff: NaiveTime::from_hms_opt(15, 0, 0) };
        assert_eq!(appointment_date(local(2026, 11, 26, 9, 0), same_day, &cal, &hours), Some(date("2026-11-26")));
        // Thursday 15:20 → Friday; Friday 15:20 → Monday.
        assert_eq!(appointment_date(local(2026, 11, 26, 15, 20), same_day, &cal, &hours), Some(date("2026-11-27")));
        assert_eq!(appointment_date(local(2026, 11, 27, 15, 20), same_day, &cal, &hours), Some(date("2026-11-30")));
    }

    #[test]
    fn a_dossier_received_after_hours_or_on_a_day_off_counts_from_the_next_working_day() {
        let (cal, hours) = (calendar(), OfficeHours::default());
        let three = LegalTime::WorkingDays { days: 3 };
        // Wednesday 10:00 → Monday; Wednesday 17:30 (after closing) → counts from Thursday → Tuesday.
        assert_eq!(appointment_date(local(2026, 11, 25, 10, 0), three, &cal, &hours), Some(date("2026-11-30")));
        assert_eq!(appointment_date(local(2026, 11, 25, 17, 30), three, &cal, &hours), Some(date("2026-12-01")));
        // Saturday → counts from Monday 30/11 → Thursday 3/12.
        assert_eq!(appointment_date(local(2026, 11, 28, 9, 0), three, &cal, &hours), Some(date("2026-12-03")));
    }

    #[test]
    fn working_days_across_tet_and_calendar_days_onto_a_weekend() {
        let (cal, hours) = (calendar(), OfficeHours::default());
        // Thursday 12/2/2026, 5 working days: 13/2, then Tết 16–20/2, 23, 24, 25, 26/2.
        let five = LegalTime::WorkingDays { days: 5 };
        assert_eq!(appointment_date(local(2026, 2, 12, 9, 0), five, &cal, &hours), Some(date("2026-02-26")));
        // 12 calendar days from Tuesday 17/11/2026 is Sunday 29/11 → Monday 30/11.
        let twelve = LegalTime::CalendarDays { days: 12 };
        assert_eq!(appointment_date(local(2026, 11, 17, 9, 0), twelve, &cal, &hours), Some(date("2026-11-30")));
        assert_eq!(appointment_date(local(2026, 11, 17, 9, 0), LegalTime::Unstated, &cal, &hours), None);
    }
}
