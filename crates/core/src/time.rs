//! Local time for people: instants are kept in UTC, days and weeks are Vietnam's (UTC+07:00, no
//! daylight saving).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

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

// Days and times are written here, one home for every screen, paper and message, with plain
// number formatting rather than chrono's strftime (whose pattern interpreter the window need not run).

/// A day as people write it: "01/12/2026".
pub fn day_text(day: NaiveDate) -> String {
    format!("{:02}/{:02}/{:04}", day.day(), day.month(), day.year())
}

/// A day without its year: "01/12".
pub fn day_month_text(day: NaiveDate) -> String {
    format!("{:02}/{:02}", day.day(), day.month())
}

/// A time of day: "08:05".
pub fn clock_text(at: NaiveTime) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// The time of day of an instant, Vietnam time: "08:05".
pub fn local_clock(at: DateTime<Utc>) -> String {
    clock_text(at.with_timezone(&vietnam()).time())
}

/// An instant as people read it in messages: "08:05 23/11/2026", Vietnam time.
pub fn local_text(at: DateTime<Utc>) -> String {
    format!("{} {}", local_clock(at), day_text(local_day(at)))
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
    fn days_and_times_read_as_strftime_writes_them() {
        let mut day = NaiveDate::from_ymd_opt(1999, 12, 25).unwrap();
        while day.year() < 2031 {
            assert_eq!(day_text(day), day.format("%d/%m/%Y").to_string());
            assert_eq!(day_month_text(day), day.format("%d/%m").to_string());
            day += Duration::days(13);
        }
        for minute in (0..24 * 60).step_by(7) {
            let t = NaiveTime::from_hms_opt(minute / 60, minute % 60, 59).unwrap();
            assert_eq!(clock_text(t), t.format("%H:%M").to_string());
        }
        // 16:59:59 UTC is 23:59 the same day in Vietnam; a second later it is the next day.
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 59).unwrap();
        assert_eq!(local_text(late), "23:59 31/12/2026");
        assert_eq!(local_text(late + Duration::seconds(1)), "00:00 01/01/2027");
        assert_eq!(local_clock(late), "23:59");
    }

    #[test]
    fn stamps_sort_like_instants() {
        let a = Utc.with_ymd_and_hms(2026, 3, 9, 23, 59, 59).unwrap();
        let b = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        assert!(stamp(a) < stamp(b));
    }
}
