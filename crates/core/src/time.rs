//! Local time for people: instants are kept in UTC, days and weeks are Vietnam's (UTC+07:00, no
//! daylight saving).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Asia/Ho_Chi_Minh has been UTC+07:00 all year since 1975.
const VIETNAM_OFFSET_HOURS: i64 = 7;

pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_HOURS as i32 * 3600).expect("+07:00 is a valid offset")
}

/// The local calendar day an instant falls on.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vietnam()).date_naive()
}

/// The UTC instants [start, end) of a local calendar day.
pub fn day_bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc.from_utc_datetime(&(day.and_time(NaiveTime::MIN) - Duration::hours(VIETNAM_OFFSET_HOURS)));
    (start, start + Duration::days(1))
}

/// The fixed text form the stores use for instants: RFC 3339 UTC with milliseconds, which sorts
/// as text in time order.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An instant as people read it in messages: "08:05 23/11/2026", Vietnam time.
pub fn local_text(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format("%H:%M %d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_evening_in_vietnam_is_the_next_day_in_utc_terms() {
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 16, 30, 0).unwrap(); // 23:30 Sunday in Vietnam
        assert_eq!(local_day(at), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).unwrap(); // 00:00 Monday
        assert_eq!(local_day(at), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    }

    #[test]
    fn day_bounds_start_at_local_midnight() {
        let (start, end) = day_bounds(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(stamp(start), "2025-12-31T17:00:00.000Z");
        assert_eq!(stamp(end), "2026-01-01T17:00:00.000Z");
    }

    #[test]
    fn stamps_sort_like_instants() {
        let a = Utc.with_ymd_and_hms(2026, 3, 9, 23, 59, 59).unwrap();
        let b = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        assert!(stamp(a) < stamp(b));
    }
}
