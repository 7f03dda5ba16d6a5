//! The working-day calendar: Monday–Friday, minus public holidays and days off, plus announced
//! make-up working days (Bộ luật Lao động 2019, Art. 111–112).
//!
//! A year the province has published (announced) is taken exactly as published. Any other year
//! gets the built-in default: the statutory holidays, with Tết and Giỗ Tổ from the lunar
//! calendar, plus a compensatory day off when a holiday falls on a weekend (Art. 111.3).

use crate::lunar;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};

/// What a date is, as the province publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    /// Statutory public holiday (Art. 112).
    Holiday,
    /// Nghỉ bù: a holiday fell on the weekly rest day (Art. 111.3).
    CompensatoryDayOff,
    /// Hoán đổi: a working day turned into a day off by Government decision.
    SwappedDayOff,
    /// Làm bù: a Saturday or Sunday worked in exchange for a swapped day off.
    MakeUpWorkingDay,
    /// Announced as policy but not yet law: still a working day.
    PendingHoliday,
}

impl DayType {
    fn is_day_off(self) -> bool {
        matches!(self, DayType::Holiday | DayType::CompensatoryDayOff | DayType::SwappedDayOff)
    }
}

/// One published date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedDay {
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub kind: DayType,
    #[serde(default)]
    pub name: String,
}

/// A year's calendar as the province publishes it. `announced` means the Government's notice for
/// the year is out and `days` is complete; otherwise the days only add to the built-in default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedYear {
    pub year: i32,
    pub announced: bool,
    pub days: Vec<PublishedDay>,
}

/// The calendar shipped with the app: the announced 2025–2026 calendars and statutory 2027.
pub const STARTER_CALENDAR: &str = include_str!("../reference/holidays.vn.json");

/// Reads the compiled reference format (`years.YYYY.days[]`, a year announced when its
/// announcing documents are listed); days whose date is not yet fixed are skipped.
pub fn reference_years(json: &str) -> Result<Vec<PublishedYear>, String> {
    let data: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("holiday calendar: {e}"))?;
    let years = data["years"].as_object().ok_or("holiday calendar: no `years`")?;
    years
        .iter()
        .map(|(year, y)| {
            let days = y["days"].as_array().map(Vec::as_slice).unwrap_or_default();
            Ok(PublishedYear {
                year: year.parse().map_err(|_| format!("holiday calendar: bad year {year:?}"))?,
                announced: y["announcing_documents"].as_array().is_some_and(|d| !d.is_empty()),
                days: days
                    .iter()
                    .filter(|d| !d["date"].is_null())
                    .map(|d| serde_json::from_value(d.clone()).map_err(|e| format!("holiday calendar {year}: {e}")))
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    /// Per year: the dates that differ from an ordinary Monday–Friday week, and whether they are
    /// the whole story (announced) or additions to the default.
    years: BTreeMap<i32, (bool, BTreeMap<NaiveDate, DayType>)>,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The statutory holidays of a year by the default rules. Tết's five days are taken as the last
/// day of the lunar year and mùng 1–4 (the Prime Minister fixes them each year; 2026 was so).
pub fn statutory_holidays(year: i32) -> BTreeSet<NaiveDate> {
    let mut days = BTreeSet::new();
    for (month, day) in [(1, 1), (4, 30), (5, 1), (9, 1), (9, 2)] {
        days.extend(NaiveDate::from_ymd_opt(year, month, day));
    }
    if let Some(tet) = lunar::tet(year) {
        days.extend(tet.pred_opt());
        days.extend((0..4).filter_map(|i| tet.checked_add_days(chrono::Days::new(i))));
    }
    days.extend(lunar::gio_to(year));
    days
}

/// The default's day off type of a date, memoised per year: the lunar computation costs about as
/// much as a deadline's whole walk over the calendar.
fn default_day_off(date: NaiveDate) -> Option<DayType> {
    static YEARS: OnceLock<Mutex<BTreeMap<i32, BTreeMap<NaiveDate, DayType>>>> = OnceLock::new();
    let mut years = YEARS.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    years.entry(date.year()).or_insert_with(|| default_days_off(date.year())).get(&date).copied()
}

/// The default calendar's days off for a year: statutory holidays plus, for each that falls on a
/// weekend, the next working day (Art. 111.3).
fn default_days_off(year: i32) -> BTreeMap<NaiveDate, DayType> {
    let holidays = statutory_holidays(year);
    let mut off: BTreeMap<NaiveDate, DayType> = holidays.iter().map(|d| (*d, DayType::Holiday)).collect();
    for holiday in holidays.iter().filter(|d| is_weekend(**d)) {
        let mut day = *holiday;
        while let Some(next) = day.succ_opt() {
            day = next;
            if !is_weekend(day) && !off.contains_key(&day) {
                off.insert(day, DayType::CompensatoryDayOff);
                break;
            }
        }
    }
    off
}

impl WorkCalendar {
    /// The built-in default for every year.
    pub fn builtin() -> WorkCalendar {
        WorkCalendar::default()
    }

    /// The default plus the province's published years.
    pub fn with_published(years: impl IntoIterator<Item = PublishedYear>) -> WorkCalendar {
        let mut calendar = WorkCalendar::default();
        for year in years {
            let days = year.days.into_iter().filter(|d| d.date.year() == year.year).map(|d| (d.date, d.kind)).collect();
            calendar.years.insert(year.year, (year.announced, days));
        }
        calendar
    }

    /// What kind of day off `date` is, if it is one (before weekends are considered).
    fn special(&self, date: NaiveDate) -> Option<DayType> {
        match self.years.get(&date.year()) {
            Some((true, days)) => days.get(&date).copied(),
            Some((false, days)) => days.get(&date).copied().or_else(|| default_day_off(date)),
            None => default_day_off(date),
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.special(date) {
            Some(DayType::MakeUpWorkingDay) => true,
            Some(kind) if kind.is_day_off() => false,
            _ => !is_weekend(date),
        }
    }

    /// The `n`-th working day after `start` (`start` itself never counts; n = 0 gives `start`).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in (from, to]: how many working days pass going from `from` to `to`;
    /// negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let count = a.iter_days().skip(1).take_while(|d| *d <= b).filter(|d| self.is_working_day(*d)).count();
        sign * count as i64
    }
}

impl WorkCalendar {
    /// How many working days `day` is past `due`: the working days in (due, day], and at least
    /// one once the due date is over, so an item due on Friday and still open on Sunday or on a
    /// Tết day is overdue by one day, never "0 days". Zero when `day` is not after `due`.
    pub fn days_overdue(&self, due: NaiveDate, day: NaiveDate) -> i64 {
        if day <= due {
            0
        } else {
            self.working_days_between(due, day).max(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;

    /// The reference file as compiled in ../shared/data (the app ships a copy).
    fn published() -> Vec<PublishedYear> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/holidays.vn.json");
        reference_years(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn the_shipped_copy_matches_the_shared_reference() {
        assert_eq!(reference_years(STARTER_CALENDAR).unwrap(), published());
    }

    #[test]
    fn the_default_finds_every_published_statutory_holiday_of_2026() {
        let official = published().into_iter().find(|y| y.year == 2026).unwrap();
        let defaults = statutory_holidays(2026);
        for day in official.days.iter().filter(|d| d.kind == DayType::Holiday) {
            assert!(defaults.contains(&day.date), "{} {}", day.date, day.name);
        }
        // Giỗ Tổ 2026 is a Sunday: the default gives Monday off, as the notice did.
        assert!(!WorkCalendar::builtin().is_working_day(date("2026-04-27")));
    }

    #[test]
    fn the_default_computes_a_compensatory_day_after_a_weekend_holiday() {
        // 1/5/2027 is a Saturday: Monday 3/5 is off (the reference file derives the same).
        let cal = WorkCalendar::builtin();
        assert!(!cal.is_working_day(date("2027-05-03")));
        assert!(cal.is_working_day(date("2027-05-04")));
    }

    #[test]
    fn published_swaps_and_make_up_saturdays_are_honoured() {
        let cal = WorkCalendar::with_published(published());
        assert!(!cal.is_working_day(date("2026-01-02")), "swapped Friday off");
        assert!(cal.is_working_day(date("2026-01-10")), "make-up Saturday");
        assert!(!cal.is_working_day(date("2026-08-31")), "swapped Monday off");
        assert!(cal.is_working_day(date("2026-11-24")), "a pending holiday is still a working day");
        // 2025's Tết was 27–31/1, not the default's 28/1–1/2: the announced year wins.
        assert!(!cal.is_working_day(date("2025-01-27")));
        assert!(!WorkCalendar::builtin().is_working_day(date("2025-01-28")));
        assert!(WorkCalendar::builtin().is_working_day(date("2025-01-27")));
    }

    #[test]
    fn adding_working_days_skips_weekends_tet_and_counts_make_up_saturdays() {
        let cal = WorkCalendar::with_published(published());
        // Friday + 1 → Monday.
        assert_eq!(cal.add_working_days(date("2026-11-20"), 1), date("2026-11-23"));
        // Received Thursday 12/2/2026; Tết is 16–20/2: 3 working days → 13/2, 23/2, 24/2.
        assert_eq!(cal.add_working_days(date("2026-02-12"), 3), date("2026-02-24"));
        // 9/1/2026 (Fri) + 1 → the make-up Saturday 10/1.
        assert_eq!(cal.add_working_days(date("2026-01-09"), 1), date("2026-01-10"));
        // Across the year end: 31/12/2025 (Wed) + 1 → 5/1/2026 (1/1 holiday, 2/1 swapped, weekend).
        assert_eq!(cal.add_working_days(date("2025-12-31"), 1), date("2026-01-05"));
        assert_eq!(cal.add_working_days(date("2026-03-03"), 0), date("2026-03-03"));
    }

    #[test]
    fn ten_working_days_over_tet_2026() {
        let cal = WorkCalendar::with_published(published());
        let due = cal.add_working_days(date("2026-02-10"), 10);
        assert_eq!(due, date("2026-03-03"));
        assert_eq!(cal.working_days_between(date("2026-02-10"), due), 10);
        assert_eq!(cal.working_days_between(due, date("2026-02-10")), -10);
    }
}
