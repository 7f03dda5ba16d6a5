//! Helpers the unit tests of several modules share: local times, dates and the shipped calendar.

use crate::calendar::{reference_years, WorkCalendar, STARTER_CALENDAR};
use crate::time::vietnam;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// A wall-clock time in Vietnam, as a UTC instant.
pub fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    vietnam().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
}

/// `2026-11-23` as a date.
pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The working-day calendar the app ships.
pub fn calendar() -> WorkCalendar {
    WorkCalendar::with_published(reference_years(STARTER_CALENDAR).unwrap())
}
