//! The Vietnamese lunar calendar (âm lịch), for the holidays that follow it: Tết and Giỗ Tổ.
//!
//! Hồ Ngọc Đức's algorithm (new moons and solar longitude after Jean Meeus, *Astronomical
//! Algorithms*), evaluated at UTC+07:00. The time zone matters: some years' Tết differs from the
//! Chinese calendar's (UTC+08:00), e.g. 2030.

use chrono::NaiveDate;
use std::f64::consts::PI;

const VIETNAM_TZ_HOURS: f64 = 7.0;

/// Julian day number of a Gregorian date.
fn julian_day(date: NaiveDate) -> i64 {
    use chrono::Datelike;
    let (d, m, y) = (i64::from(date.day()), i64::from(date.month()), i64::from(date.year()));
    let a = (14 - m) / 12;
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

fn from_julian_day(jd: i64) -> Option<NaiveDate> {
    // 1721425 is the Julian day of 0001-01-01 minus one (chrono counts days from 0001-01-01 as 1).
    let days = i32::try_from(jd - 1_721_425).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// Julian day (with fraction) of the k-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - delta_t
}

/// The local day (Julian day number) on which the k-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + VIETNAM_TZ_HOURS / 24.0).floor() as i64
}

/// Which of the 12 30° sectors the sun is in at the start of a local day (0 = spring equinox).
fn sun_sector(day: i64) -> i64 {
    let jdn = day as f64 - 0.5 - VIETNAM_TZ_HOURS / 24.0;
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin()
        + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin()
        + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    let l = l - 2.0 * PI * (l / (2.0 * PI)).floor();
    (l / PI * 6.0).floor() as i64
}

/// The day the 11th lunar month (the one holding the winter solstice) begins, in year `year`.
fn month_11_start(year: i32) -> Option<i64> {
    let dec31 = julian_day(NaiveDate::from_ymd_opt(year, 12, 31)?);
    let k = ((dec31 - 2415021) as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    Some(if sun_sector(nm) >= 9 { new_moon_day(k - 1) } else { nm })
}

/// How many months after month 11 the leap month comes, in a 13-month lunar year.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The Gregorian date of a (non-leap) lunar day `day`/`month` of lunar year `year`.
pub fn to_solar(day: u32, month: u32, year: i32) -> Option<NaiveDate> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let month = i64::from(month);
    let (a11, b11) = if month < 11 {
        (month_11_start(year - 1)?, month_11_start(year)?)
    } else {
        (month_11_start(year)?, month_11_start(year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 && offset >= leap_month_offset(a11) {
        offset += 1;
    }
    from_julian_day(new_moon_day(k + offset) + i64::from(day) - 1)
}

/// Mùng 1 Tết of lunar year `year` (which begins in Gregorian year `year`).
pub fn tet(year: i32) -> Option<NaiveDate> {
    to_solar(1, 1, year)
}

/// Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month.
pub fn gio_to(year: i32) -> Option<NaiveDate> {
    to_solar(10, 3, year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;

    #[test]
    fn julian_days_round_trip() {
        for s in ["1900-01-01", "2000-02-29", "2026-11-26", "2035-12-31"] {
            assert_eq!(from_julian_day(julian_day(date(s))), Some(date(s)));
        }
        assert_eq!(julian_day(date("2000-01-01")), 2451545);
    }

    /// The computed table in ../shared/data/holidays.vn.json, 2025–2035 (2025–2026 match the
    /// announced dates).
    #[test]
    fn tet_and_gio_to_match_the_reference_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/holidays.vn.json");
        let text = std::fs::read_to_string(path).expect("shared/data beside the checkout");
        let data: serde_json::Value = serde_json::from_str(&text).unwrap();
        let table = data["lunar_dates"]["table"].as_array().unwrap();
        assert!(table.len() >= 11);
        for row in table {
            let year = row["lunar_year"].as_i64().unwrap() as i32;
            assert_eq!(tet(year), Some(date(row["tet_mung_1"].as_str().unwrap())), "Tết {year}");
            assert_eq!(gio_to(year), Some(date(row["gio_to_10_3"].as_str().unwrap())), "Giỗ Tổ {year}");
            let eve = tet(year).unwrap().pred_opt().unwrap();
            assert_eq!(eve, date(row["tat_nien_last_day"].as_str().unwrap()), "tất niên {year}");
        }
    }

    #[test]
    fn vietnam_time_zone_differs_from_china_in_2030() {
        assert_eq!(tet(2030), Some(date("2030-02-02")));
    }

    #[test]
    fn nonsense_lunar_dates_are_refused() {
        assert_eq!(to_solar(0, 1, 2026), None);
        assert_eq!(to_solar(1, 13, 2026), None);
    }
}
