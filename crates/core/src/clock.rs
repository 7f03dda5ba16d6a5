//! Whose time counts: how far a synced clock may run ahead, the earliest day anything can be
//! dated, and the time a PC with a wrong clock writes instead of its own.
//!
//! The province's server is the reference. A PC's clock may differ from it by a few minutes
//! without harm (the hybrid logical clock orders events anyway), but a clock far ahead would win
//! every "latest wins" field of its commune for good and drag every other PC's clock with it. So
//! every receiver (the server on push, each PC on pull) refuses an event stamped more than
//! `TOLERANCE` ahead of its own time, and a PC that learns its clock is off stamps with the
//! server's time instead.

use crate::time::vietnam;
use chrono::{DateTime, Duration, TimeZone, Utc};

/// How far ahead of the receiver's time a synced clock or a time inside a payload may be. Five
/// minutes: more than the drift of an unsynchronised PC between two syncs and the delay of a
/// push, far less than the gap between two steps anyone would type by hand.
pub const TOLERANCE: Duration = Duration::minutes(5);

/// The earliest instant anything in Thân Thiện can be dated: 01/07/2025 00:00 Vietnam time, the
/// day today's communes and wards began to work under the two-level local government (Luật Tổ
/// chức chính quyền địa phương 2025 and the resolutions rearranging the communes; Đồng Nai merged
/// with Bình Phước the same summer). A time before it is a typing or clock error ("1900").
pub fn communes_formed() -> DateTime<Utc> {
    vietnam().with_ymd_and_hms(2025, 7, 1, 0, 0, 0).single().map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// Where a synced instant falls outside the window a receiver accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// Ahead of the receiver's time by more than `TOLERANCE`, by this much.
    Ahead(Duration),
    /// Before `communes_formed()`.
    BeforeCommunes,
}

/// Whether a synced instant is believable to a receiver whose time is `now`.
pub fn check_instant(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), OutOfRange> {
    if at > now + TOLERANCE {
        Err(OutOfRange::Ahead(at - now))
    } else if at < communes_formed() {
        Err(OutOfRange::BeforeCommunes)
    } else {
        Ok(())
    }
}

/// The longest an own event stamped ahead waits in the outbox for the server's time to catch up.
/// An event further ahead is sent to be refused (a clock years off), so the queue never stalls.
pub const HOLD_AT_MOST: Duration = Duration::hours(1);

/// The latest own clock a PC still counts at `now`: what is stamped later than this was stamped by
/// a clock years off; it goes to be refused and no longer sets this PC's clock.
pub fn own_clock_horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    now + TOLERANCE + HOLD_AT_MOST
}

/// Whether an own event stamped `wall_ms` waits before it is pushed: ahead of the tolerance, but
/// not past `own_clock_horizon`.
pub fn hold_back(wall_ms: u64, now: DateTime<Utc>) -> bool {
    let Some(wall) = i64::try_from(wall_ms).ok().and_then(DateTime::from_timestamp_millis) else {
        return false;
    };
    wall > now + TOLERANCE && wall <= own_clock_horizon(now)
}

/// The last time this PC heard from the server: the server's time then, and its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerReading {
    pub server: DateTime<Utc>,
    pub local: DateTime<Utc>,
}

impl ServerReading {
    /// How far this PC's clock is ahead of the server's (negative: behind).
    pub fn offset(&self) -> Duration {
        self.local - self.server
    }

    /// The offset, when it is too large to ignore.
    pub fn wrong_by(&self) -> Option<Duration> {
        let offset = self.offset();
        (offset.abs() > TOLERANCE).then_some(offset)
    }
}

/// The time a PC writes on what it records now. A PC whose clock agreed with the server at the
/// last contact uses its own clock; one whose clock was off by more than the tolerance uses the
/// server's time as its clock implies it now (its clock minus the offset). Either way never
/// earlier than the last server time it saw, so a clock set back cannot date today's work in the
/// past.
pub fn trusted_now(local_now: DateTime<Utc>, last: Option<ServerReading>) -> DateTime<Utc> {
    let Some(reading) = last else { return local_now };
    let corrected = match reading.wrong_by() {
        Some(offset) => local_now - offset,
        None => local_now,
    };
    corrected.max(reading.server)
}

/// An offset as people say it: "nhanh 10 phút", "chậm 2 giờ 5 phút", "chậm 3 ngày".
pub fn offset_text(offset: Duration) -> String {
    let direction = if offset >= Duration::zero() { "nhanh" } else { "chậm" };
    let minutes = offset.num_minutes().unsigned_abs();
    let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    let amount = match (days, hours, mins) {
        (0, 0, m) => format!("{} phút", m.max(1)),
        (0, h, 0) => format!("{h} giờ"),
        (0, h, m) => format!("{h} giờ {m} phút"),
        (d, _, _) => format!("{d} ngày"),
    };
    format!("{direction} {amount}")
}

/// What the sync badge says to a PC whose clock is off, and what to do about it.
pub fn wrong_clock_warning(offset: Duration) -> String {
    format!(
        "Đồng hồ máy sai: {} so với giờ máy chủ tỉnh. Hãy chỉnh ngày giờ của máy (bật \"Đặt giờ tự động\" \
         trong phần Ngày và giờ của Windows); trong lúc chờ, Thân Thiện ghi theo giờ máy chủ.",
        offset_text(offset)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0).unwrap()
    }

    #[test]
    fn a_receiver_takes_up_to_five_minutes_ahead_and_nothing_before_the_communes() {
        let now = at(8, 0);
        assert_eq!(check_instant(at(8, 5), now), Ok(()));
        assert_eq!(check_instant(at(8, 6), now), Err(OutOfRange::Ahead(Duration::minutes(6))));
        assert!(check_instant(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap(), now).is_err());
        assert_eq!(
            check_instant(Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap(), now),
            Err(OutOfRange::BeforeCommunes)
        );
        // 30/06/2025 17:00 UTC is 01/07/2025 00:00 in Vietnam: the first instant allowed.
        assert_eq!(check_instant(Utc.with_ymd_and_hms(2025, 6, 30, 17, 0, 0).unwrap(), now), Ok(()));
        assert!(check_instant(Utc.with_ymd_and_hms(2025, 6, 30, 16, 59, 59).unwrap(), now).is_err());
    }

    #[test]
    fn a_fast_clock_writes_the_servers_time_and_a_good_one_its_own() {
        let fast = ServerReading { server: at(8, 0), local: at(8, 10) };
        assert_eq!(fast.wrong_by(), Some(Duration::minutes(10)));
        assert_eq!(trusted_now(at(9, 10), Some(fast)), at(9, 0));
        let good = ServerReading { server: at(8, 0), local: at(8, 1) };
        assert_eq!(good.wrong_by(), None);
        assert_eq!(trusted_now(at(9, 1), Some(good)), at(9, 1));
        assert_eq!(trusted_now(at(9, 1), None), at(9, 1));
    }

    #[test]
    fn a_clock_set_back_never_writes_before_the_last_server_time() {
        let slow = ServerReading { server: at(8, 0), local: at(7, 0) };
        assert_eq!(trusted_now(at(7, 30), Some(slow)), at(8, 30));
        // Set back again after the reading: still not before the server's 08:00.
        let reading = ServerReading { server: at(8, 0), local: at(8, 0) };
        assert_eq!(trusted_now(at(7, 58), Some(reading)), at(8, 0));
    }

    #[test]
    fn an_event_a_little_ahead_waits_and_one_far_ahead_goes_to_be_refused() {
        let ms = |t: DateTime<Utc>| t.timestamp_millis() as u64;
        assert!(!hold_back(ms(at(8, 5)), at(8, 0)));
        assert!(hold_back(ms(at(8, 10)), at(8, 0)));
        assert!(!hold_back(ms(Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap()), at(8, 0)));
    }

    #[test]
    fn offsets_read_as_people_say_them() {
        assert_eq!(offset_text(Duration::minutes(10)), "nhanh 10 phút");
        assert_eq!(offset_text(-Duration::minutes(125)), "chậm 2 giờ 5 phút");
        assert_eq!(offset_text(Duration::hours(3)), "nhanh 3 giờ");
        assert_eq!(offset_text(Duration::days(26_000)), "nhanh 26000 ngày");
        assert!(wrong_clock_warning(Duration::minutes(10)).starts_with("Đồng hồ máy sai: nhanh 10 phút"));
    }
}
