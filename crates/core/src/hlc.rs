//! Hybrid logical clock: orders events across devices whose wall clocks disagree.
//!
//! An `Hlc` is (wall milliseconds, counter, device). It never goes backwards on a device even when
//! the PC's clock is set back, and it moves past every timestamp the device has seen from others,
//! so "last writer wins" means the same thing on every PC.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
    pub device: Uuid,
}

impl Hlc {
    /// The timestamp for a new local event, given the greatest one this device has issued or seen
    /// from others: it sorts after both that and any earlier local event.
    pub fn tick(last: Option<Hlc>, now_ms: u64, device: Uuid) -> Hlc {
        match last {
            Some(last) if last.wall_ms >= now_ms => {
                Hlc { wall_ms: last.wall_ms, counter: last.counter.saturating_add(1), device }
            }
            _ => Hlc { wall_ms: now_ms, counter: 0, device },
        }
    }
}

/// The largest wall part a clock may carry: 16 digits (the year 2286). Parsing refuses more, so
/// the fixed-width text form below sorts exactly like the value (the stores compare it as text);
/// receivers refuse far less than this anyway (`clock::TOLERANCE`).
pub const MAX_WALL_MS: u64 = 9_999_999_999_999_999;

/// Text form that sorts like the value: `0001732600000000-0000000003-<device uuid>`.
impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016}-{:010}-{}", self.wall_ms, self.counter, self.device)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("dấu thời gian HLC không hợp lệ: {0:?}")]
pub struct HlcParseError(pub String);

impl FromStr for Hlc {
    type Err = HlcParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || HlcParseError(s.chars().take(80).collect());
        let mut parts = s.splitn(3, '-');
        let (wall, counter, device) = (parts.next(), parts.next(), parts.next());
        let (Some(wall), Some(counter), Some(device)) = (wall, counter, device) else {
            return Err(bad());
        };
        let wall_ms: u64 = wall.parse().map_err(|_| bad())?;
        if wall_ms > MAX_WALL_MS {
            return Err(bad());
        }
        Ok(Hlc { wall_ms, counter: counter.parse().map_err(|_| bad())?, device: device.parse().map_err(|_| bad())? })
    }
}

impl Serialize for Hlc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn tick_follows_the_wall_clock_when_it_moves_forward() {
        let a = Hlc::tick(None, 1_000, dev(1));
        let b = Hlc::tick(Some(a), 2_000, dev(1));
        assert_eq!((b.wall_ms, b.counter), (2_000, 0));
        assert!(b > a);
    }

    #[test]
    fn tick_never_goes_backwards_when_the_clock_is_set_back() {
        let a = Hlc::tick(None, 5_000, dev(1));
        let b = Hlc::tick(Some(a), 4_000, dev(1));
        let c = Hlc::tick(Some(b), 4_500, dev(1));
        assert!(a < b && b < c);
        assert_eq!((c.wall_ms, c.counter), (5_000, 2));
    }

    #[test]
    fn a_local_event_after_a_remote_one_sorts_after_it_despite_a_slow_clock() {
        let theirs = Hlc { wall_ms: 9_000, counter: 4, device: dev(2) };
        let next = Hlc::tick(Some(theirs), 1_001, dev(1));
        assert!(next > theirs, "{next} should sort after {theirs}");
        assert_eq!(next.device, dev(1));
    }

    #[test]
    fn device_breaks_ties_so_the_order_is_total() {
        let a = Hlc { wall_ms: 7, counter: 1, device: dev(1) };
        let b = Hlc { wall_ms: 7, counter: 1, device: dev(2) };
        assert!(a < b);
    }

    #[test]
    fn text_form_round_trips_and_sorts_like_the_value() {
        let a = Hlc { wall_ms: 99, counter: 12, device: dev(3) };
        let b = Hlc { wall_ms: 100, counter: 0, device: dev(1) };
        assert_eq!(a.to_string().parse::<Hlc>(), Ok(a));
        assert!(a.to_string() < b.to_string());
        assert!("12-x-y".parse::<Hlc>().is_err());
        assert!("".parse::<Hlc>().is_err());
    }

    #[test]
    fn walls_past_sixteen_digits_are_refused_so_text_order_is_value_order() {
        let top = Hlc { wall_ms: MAX_WALL_MS, counter: u32::MAX, device: dev(u128::MAX) };
        assert_eq!(top.to_string().parse::<Hlc>(), Ok(top));
        let over = format!("{}-0000000000-{}", u64::MAX, dev(1));
        assert!(over.parse::<Hlc>().is_err(), "the largest clock value is refused");
        assert!(format!("{}-0000000000-{}", MAX_WALL_MS + 1, dev(1)).parse::<Hlc>().is_err());
    }

    proptest::proptest! {
        #[test]
        fn text_order_is_value_order(a in 0..=MAX_WALL_MS, b in 0..=MAX_WALL_MS, ca: u32, cb: u32, da: u128, db: u128) {
            let (x, y) = (Hlc { wall_ms: a, counter: ca, device: dev(da) }, Hlc { wall_ms: b, counter: cb, device: dev(db) });
            proptest::prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
        }
    }
}
