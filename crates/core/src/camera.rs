//! The cameras that watch the service counters: the registry, the per-shift check-ins with their
//! checklist, missed checks, outage windows, and the network address an automatic probe uses.

use crate::calendar::WorkCalendar;
use crate::procedure::OfficeHours;
use crate::time::vietnam;
use crate::visit::fields::optional;
use crate::visit::AllValid;
use crate::visit::{not_before, CameraName, Counter, InputError, Moment, Note, OfficialName};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Payload of `camera.listed`: a camera's whole registry entry (the latest clock wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraListed {
    pub name: CameraName,
    /// The counter it watches, if it watches one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<Counter>,
    /// Where it hangs, in words ("Sảnh chờ").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Note>,
    /// Stream or web address, for the automatic probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<CameraAddress>,
    #[serde(default = "yes")]
    pub active: bool,
    /// When this entry took effect: a new camera's first day of service, or the day it was
    /// taken out of service (a paper book entered later); absent, the event's own clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

fn yes() -> bool {
    true
}

/// What the office types for a camera, unchecked. A new camera is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraInput {
    pub name: String,
    #[serde(default)]
    pub counter: Option<u16>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

impl Default for CameraInput {
    fn default() -> Self {
        CameraInput { name: String::new(), counter: None, location: None, address: None, active: true }
    }
}

impl CameraListed {
    pub fn parse(input: CameraInput) -> Result<CameraListed, Vec<InputError>> {
        let name = CameraName::try_from(input.name);
        let counter = input.counter.map(Counter::try_from).transpose();
        let location = optional::<Note>(input.location);
        let address = optional::<CameraAddress>(input.address);
        let (name, counter, location, address) = (name, counter, location, address).all_valid()?;
        Ok(CameraListed { name, counter, location, address, active: input.active, at: None })
    }
}

/// A camera's network address: `rtsp://host[:port]/path`, `http(s)://host[:port]/…`, or
/// `host:port`. Kept as typed; `target()` gives what the probe connects to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CameraAddress(String);

/// Where the probe connects, and whether it speaks RTSP there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    pub host: String,
    pub port: u16,
    pub rtsp: bool,
}

impl CameraAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn target(&self) -> ProbeTarget {
        // Checked when made, so parsing again cannot fail; the fallback is never used.
        parse_target(&self.0).unwrap_or(ProbeTarget { host: String::new(), port: 0, rtsp: false })
    }
}

fn parse_target(text: &str) -> Result<ProbeTarget, InputError> {
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, text),
    };
    let default_port = match scheme.as_deref() {
        Some("rtsp") => Some(554),
        Some("http") => Some(80),
        Some("https") => Some(443),
        Some(_) => return Err(InputError::CameraAddressInvalid),
        None => None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials in the address (rtsp://user:pass@host) are the camera's business, not ours.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or(InputError::CameraAddressInvalid)?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port = match (port, default_port) {
        (Some(p), _) => p.parse::<u16>().map_err(|_| InputError::CameraAddressInvalid)?,
        (None, Some(p)) => p,
        (None, None) => return Err(InputError::CameraAddressInvalid),
    };
    let valid_host = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c));
    if !valid_host || port == 0 {
        return Err(InputError::CameraAddressInvalid);
    }
    Ok(ProbeTarget { host: host.to_owned(), port, rtsp: scheme.as_deref() == Some("rtsp") })
}

impl TryFrom<String> for CameraAddress {
    type Error = InputError;
    fn try_from(raw: String) -> Result<Self, InputError> {
        let text = raw.trim().to_owned();
        parse_target(&text)?;
        Ok(CameraAddress(text))
    }
}

impl From<CameraAddress> for String {
    fn from(a: CameraAddress) -> String {
        a.0
    }
}

crate::words::word_enum!(
    /// One line of the check-in checklist.
    CheckItem, InputError::ChecklistInvalid, {
        /// The live picture shows.
        Live = "live" => "Hình trực tiếp",
        /// It is recording.
        Recording = "recording" => "Ghi hình",
        /// The time on the picture is right.
        Clock = "clock" => "Giờ trên hình",
        /// Recordings are kept at least the required number of days.
        Retention = "retention" => "Thời gian lưu trữ",
        /// The "khu vực có camera giám sát" sign is in place.
        Signage = "signage" => "Biển thông báo camera",
        /// The automatic probe reached it on the network.
        Reachable = "reachable" => "Kết nối mạng",
    }
);

impl CheckItem {
    /// What a person checks at each shift; `Reachable` is the probe's.
    pub const CHECKLIST: [CheckItem; 5] =
        [CheckItem::Live, CheckItem::Recording, CheckItem::Clock, CheckItem::Retention, CheckItem::Signage];
}

crate::words::word_enum!(
    /// How one line of the checklist came out.
    CheckResult, InputError::ChecklistInvalid, {
        Pass = "pass" | "ok" | "dat" => "Đạt",
        Fail = "fail" | "loi" => "Lỗi",
        /// Not applicable (e.g. a camera with no sign of its own).
        Na = "na" | "n/a" => "Không áp dụng",
    }
);

/// Reads `live=pass,recording=fail,…` as typed in the CLI.
pub fn parse_items(text: &str) -> Result<BTreeMap<CheckItem, CheckResult>, InputError> {
    text.split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            let (item, result) = part.split_once('=').ok_or(InputError::ChecklistInvalid)?;
            Ok((CheckItem::parse(item)?, CheckResult::parse(result)?))
        })
        .collect()
}

/// Payload of `camera.checked`: a check-in, manual (the checklist) or automatic (the probe).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraChecked {
    pub checked_at: DateTime<Utc>,
    pub items: BTreeMap<CheckItem, CheckResult>,
    #[serde(default)]
    pub automatic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<OfficialName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

impl CameraChecked {
    /// A check-in with who made it and a note, each field checked, the checklist complete.
    pub fn parse(
        checked_at: DateTime<Utc>,
        items: BTreeMap<CheckItem, CheckResult>,
        automatic: bool,
        by: Option<String>,
        note: Option<String>,
    ) -> Result<CameraChecked, Vec<InputError>> {
        let (by, note) = (optional::<OfficialName>(by), optional::<Note>(note)).all_valid()?;
        let checked = CameraChecked { checked_at, items, automatic, by, note };
        checked.check().map_err(|e| vec![e])?;
        Ok(checked)
    }

    /// A manual check covers the whole checklist; an automatic one only reachability.
    pub fn check(&self) -> Result<(), InputError> {
        let complete = if self.automatic {
            self.items.keys().eq([CheckItem::Reachable].iter())
        } else {
            self.items.keys().copied().eq(CheckItem::CHECKLIST)
        };
        if complete {
            Ok(())
        } else {
            Err(InputError::ChecklistIncomplete)
        }
    }

    /// The items that failed.
    pub fn failed(&self) -> BTreeSet<CheckItem> {
        self.items.iter().filter(|(_, r)| **r == CheckResult::Fail).map(|(i, _)| *i).collect()
    }
}

impl CameraListed {
    /// When the entry took effect: its own date, else the clock of the event that carried it.
    pub fn effective_at(&self, hlc: crate::Hlc) -> DateTime<Utc> {
        self.at.unwrap_or_else(|| {
            DateTime::<Utc>::from_timestamp_millis(i64::try_from(hlc.wall_ms).unwrap_or(i64::MAX))
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
        })
    }
}

impl CameraChecked {
    /// A check is never dated before the camera's service began (its first listing): checked at
    /// the desk, by the server and on every pull. A camera not known yet passes.
    pub fn check_start(&self, in_service_since: Option<DateTime<Utc>>) -> Result<(), InputError> {
        match in_service_since {
            Some(since) => not_before(Moment::CameraCheck, self.checked_at, Moment::CameraService, since),
            None => Ok(()),
        }
    }
}

/// A camera event as the projection sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraChange {
    Listed(CameraListed),
    Checked(CameraChecked),
}

/// Half of a working day: each has its check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    Morning,
    Afternoon,
}

/// One check-in slot: a working day's morning or afternoon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Shift {
    pub day: NaiveDate,
    pub half: Half,
}

impl Shift {
    /// The shift a check at `at` counts for: the morning until the afternoon opens.
    pub fn of(at: DateTime<Utc>, hours: &OfficeHours) -> Shift {
        let local = at.with_timezone(&vietnam());
        let half = if local.time() < hours.afternoon.0 { Half::Morning } else { Half::Afternoon };
        Shift { day: local.date_naive(), half }
    }

    /// When the shift is over: the closing time of its half.
    pub fn end(self, hours: &OfficeHours) -> DateTime<Utc> {
        let close: NaiveTime = match self.half {
            Half::Morning => hours.morning.1,
            Half::Afternoon => hours.afternoon.1,
        };
        let local = self.day.and_time(close);
        vietnam().from_local_datetime(&local).single().map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
    }

    /// The first moment after `now` a shift ends (today's morning or afternoon, or tomorrow's
    /// morning): a check not done by then is a missed one.
    pub fn next_end(now: DateTime<Utc>, hours: &OfficeHours) -> DateTime<Utc> {
        let today = now.with_timezone(&vietnam()).date_naive();
        let tomorrow = today.succ_opt().unwrap_or(today);
        [(today, Half::Morning), (today, Half::Afternoon), (tomorrow, Half::Morning)]
            .into_iter()
            .map(|(day, half)| Shift { day, half }.end(hours))
            .find(|end| *end > now)
            .unwrap_or(now + chrono::Duration::days(1))
    }

    pub fn label(self) -> String {
        let half = match self.half {
            Half::Morning => "sáng",
            Half::Afternoon => "chiều",
        };
        format!("{half} {}", crate::time::day_text(self.day))
    }
}

/// What the missed-check rule needs to know about a camera.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraOnDuty {
    pub id: Uuid,
    /// Shifts ending before the camera's service began owe no check.
    pub listed_at: DateTime<Utc>,
    pub active: bool,
    /// When an inactive camera was taken out of service, if known: the shifts before still owed
    /// their checks. `None` with `active` false: owes nothing.
    pub retired_at: Option<DateTime<Utc>>,
}

impl CameraOnDuty {
    /// Whether the camera owed a check for a shift ending at `end`.
    fn owes(&self, end: DateTime<Utc>) -> bool {
        self.listed_at < end && (self.active || self.retired_at.is_some_and(|retired| end <= retired))
    }
}

/// The shifts of working days in `from..=to` that are over by `now` and in which an active camera
/// had no manual check: shown as missed, not silently absent.
pub fn missed_checks(
    cameras: &[CameraOnDuty],
    manual_checks: &[(Uuid, DateTime<Utc>)],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
    calendar: &WorkCalendar,
    hours: &OfficeHours,
) -> Vec<(Uuid, Shift)> {
    let done: BTreeSet<(Uuid, Shift)> = manual_checks.iter().map(|(id, at)| (*id, Shift::of(*at, hours))).collect();
    let mut missed = Vec::new();
    for day in from.iter_days().take_while(|d| *d <= to).filter(|d| calendar.is_working_day(*d)) {
        for half in [Half::Morning, Half::Afternoon] {
            let shift = Shift { day, half };
            let end = shift.end(hours);
            if end > now {
                continue;
            }
            for camera in cameras.iter().filter(|c| c.owes(end)) {
                if !done.contains(&(camera.id, shift)) {
                    missed.push((camera.id, shift));
                }
            }
        }
    }
    missed
}

/// A stretch of time a camera was known to be failing: from a failed check to the check at which
/// everything that had failed passes again (`to` is `None` while it lasts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outage {
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
    /// Every item that failed during the window.
    pub items: BTreeSet<CheckItem>,
}

/// The outage windows of one camera's checks, in time order. A later check closes a window only
/// for the items it passes: a probe that reaches the camera does not prove it records.
pub fn outage_windows(checks: &[&CameraChecked]) -> Vec<Outage> {
    let mut ordered: Vec<&CameraChecked> = checks.to_vec();
    ordered.sort_by_key(|c| c.checked_at);
    let mut windows = Vec::new();
    let mut open: Option<(Outage, BTreeSet<CheckItem>)> = None;
    for check in ordered {
        let failed = check.failed();
        match open.as_mut() {
            None if !failed.is_empty() => {
                open = Some((Outage { from: check.checked_at, to: None, items: failed.clone() }, failed));
            }
            None => {}
            Some((outage, failing)) => {
                failing.retain(|item| check.items.get(item) != Some(&CheckResult::Pass));
                failing.extend(failed.iter().copied());
                outage.items.extend(failed);
                if failing.is_empty() {
                    outage.to = Some(check.checked_at);
                    windows.extend(open.take().map(|(o, _)| o));
                }
            }
        }
    }
    windows.extend(open.map(|(o, _)| o));
    windows
}

/// A camera as the Camera screen and the CLI list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Camera {
    pub id: Uuid,
    pub name: String,
    pub counter: Option<u16>,
    pub location: Option<String>,
    pub address: Option<String>,
    pub active: bool,
    pub last_check: Option<CameraChecked>,
    /// The outage in progress, if the camera is failing now.
    pub outage: Option<Outage>,
    /// Shifts of the last seven days with no manual check.
    pub missed: Vec<Shift>,
    /// Whether this shift's manual check is done.
    pub checked_this_shift: bool,
}

/// What the weekly summary needs from the camera register for one period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraFacts {
    pub checks_done: u32,
    pub checks_missed: u32,
    /// Checks with at least one failed item.
    pub checks_failed: u32,
    pub outages: Vec<(Uuid, Outage)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{reference_years, STARTER_CALENDAR};
    use crate::testing::{date, local};

    fn check(at: DateTime<Utc>, items: &str) -> CameraChecked {
        let items = parse_items(items).unwrap();
        let automatic = items.contains_key(&CheckItem::Reachable);
        CameraChecked { checked_at: at, items, automatic, by: None, note: None }
    }

    const ALL_PASS: &str = "live=pass,recording=pass,clock=pass,retention=pass,signage=na";

    #[test]
    fn the_next_shift_end_is_the_next_closing_time() {
        let hours = OfficeHours::default();
        // 16/11/2026 (Monday), local times; closing at 11:30 and 17:00.
        assert_eq!(Shift::next_end(local(2026, 11, 16, 8, 0), &hours), local(2026, 11, 16, 11, 30));
        assert_eq!(Shift::next_end(local(2026, 11, 16, 11, 30), &hours), local(2026, 11, 16, 17, 0));
        assert_eq!(Shift::next_end(local(2026, 11, 16, 12, 0), &hours), local(2026, 11, 16, 17, 0));
        assert_eq!(Shift::next_end(local(2026, 11, 16, 17, 0), &hours), local(2026, 11, 17, 11, 30));
        assert_eq!(Shift::next_end(local(2026, 11, 16, 23, 59), &hours), local(2026, 11, 17, 11, 30));
    }

    #[test]
    fn addresses_give_the_probe_its_host_port_and_protocol() {
        let a = CameraAddress::try_from("rtsp://admin:123@192.168.1.20/Streaming/101".to_owned()).unwrap();
        assert_eq!(a.target(), ProbeTarget { host: "192.168.1.20".into(), port: 554, rtsp: true });
        let a = CameraAddress::try_from("http://cam-1.local:8080/".to_owned()).unwrap();
        assert_eq!((a.target().port, a.target().rtsp), (8080, false));
        assert_eq!(CameraAddress::try_from("127.0.0.1:9000".to_owned()).unwrap().target().port, 9000);
        for bad in ["192.168.1.20", "ftp://x", "rtsp://:554", "rtsp://h:99999", "a b:1"] {
            assert_eq!(CameraAddress::try_from(bad.to_owned()), Err(InputError::CameraAddressInvalid), "{bad}");
        }
    }

    #[test]
    fn a_manual_check_covers_the_whole_checklist() {
        assert!(check(local(2026, 11, 23, 8, 0), ALL_PASS).check().is_ok());
        let partial = check(local(2026, 11, 23, 8, 0), "live=pass,recording=fail");
        assert_eq!(partial.check(), Err(InputError::ChecklistIncomplete));
        assert!(check(local(2026, 11, 23, 8, 0), "reachable=fail").check().is_ok());
        assert_eq!(parse_items("live=maybe"), Err(InputError::ChecklistInvalid));
        assert_eq!(parse_items("smell=pass"), Err(InputError::ChecklistInvalid));
    }

    #[test]
    fn missed_checks_are_the_finished_shifts_of_working_days_without_a_manual_check() {
        let cal = WorkCalendar::with_published(reference_years(STARTER_CALENDAR).unwrap());
        let hours = OfficeHours::default();
        let cam = |n| Uuid::from_u128(n);
        let cameras = vec![
            CameraOnDuty { id: cam(1), listed_at: local(2026, 11, 1, 8, 0), active: true, retired_at: None },
            // Registered Tuesday afternoon: owes nothing before that shift ends.
            CameraOnDuty { id: cam(2), listed_at: local(2026, 11, 24, 14, 0), active: true, retired_at: None },
            CameraOnDuty { id: cam(3), listed_at: local(2026, 11, 1, 8, 0), active: false, retired_at: None },
            // Taken out of service Friday at noon: owed Friday morning's check, not later ones.
            CameraOnDuty {
                id: cam(4),
                listed_at: local(2026, 11, 1, 8, 0),
                active: false,
                retired_at: Some(local(2026, 11, 20, 12, 0)),
            },
        ];
        let checks = vec![
            (cam(1), local(2026, 11, 23, 8, 0)),  // Monday morning
            (cam(1), local(2026, 11, 23, 12, 0)), // lunch time: still the morning (a second check)
            (cam(1), local(2026, 11, 24, 14, 0)), // Tuesday afternoon
            (cam(2), local(2026, 11, 24, 16, 0)),
        ];
        // Friday 20/11 to Wednesday 25/11 at 12:00: the weekend owes nothing, Wednesday afternoon
        // is not over yet.
        let missed = missed_checks(
            &cameras,
            &checks,
            date("2026-11-20"),
            date("2026-11-25"),
            local(2026, 11, 25, 12, 0),
            &cal,
            &hours,
        );
        let shift = |d: &str, half| Shift { day: date(d), half };
        assert_eq!(
            missed,
            vec![
                (cam(1), shift("2026-11-20", Half::Morning)),
                (cam(4), shift("2026-11-20", Half::Morning)),
                (cam(1), shift("2026-11-20", Half::Afternoon)),
                (cam(1), shift("2026-11-23", Half::Afternoon)),
                (cam(1), shift("2026-11-24", Half::Morning)),
                (cam(1), shift("2026-11-25", Half::Morning)),
                (cam(2), shift("2026-11-25", Half::Morning)),
            ]
        );
    }

    #[test]
    fn an_outage_runs_from_a_failed_check_to_the_check_that_passes_what_failed() {
        let fail = check(local(2026, 11, 23, 8, 0), "live=pass,recording=fail,clock=pass,retention=pass,signage=pass");
        let probe_ok = check(local(2026, 11, 23, 10, 0), "reachable=pass");
        let clock_too =
            check(local(2026, 11, 23, 14, 0), "live=pass,recording=fail,clock=fail,retention=pass,signage=pass");
        let fixed = check(local(2026, 11, 24, 8, 0), ALL_PASS);
        let probe_down = check(local(2026, 11, 25, 8, 0), "reachable=fail");
        let windows = outage_windows(&[&probe_down, &fixed, &clock_too, &probe_ok, &fail]);
        assert_eq!(windows.len(), 2);
        assert_eq!((windows[0].from, windows[0].to), (fail.checked_at, Some(fixed.checked_at)));
        assert_eq!(windows[0].items, [CheckItem::Recording, CheckItem::Clock].into_iter().collect());
        assert_eq!((windows[1].from, windows[1].to), (probe_down.checked_at, None), "still down");
        assert!(outage_windows(&[&fixed]).is_empty());
    }

    #[test]
    fn a_check_is_never_dated_before_the_camera_entered_service() {
        let c = check(local(2026, 11, 23, 7, 59), ALL_PASS);
        let since = Some(local(2026, 11, 23, 8, 0));
        assert!(matches!(
            c.check_start(since),
            Err(InputError::StepBeforeStart { step: Moment::CameraCheck, follows: Moment::CameraService, .. })
        ));
        assert!(check(local(2026, 11, 23, 8, 0), ALL_PASS).check_start(since).is_ok());
        assert!(c.check_start(None).is_ok(), "a camera not known yet cannot be judged");
        // A listing's own date wins over its event's clock.
        let listed = CameraListed::parse(CameraInput { name: "Camera quầy 1".into(), ..Default::default() }).unwrap();
        let clock = crate::Hlc { wall_ms: 1_800_000_000_000, counter: 0, device: Uuid::nil() };
        assert_eq!(listed.effective_at(clock).timestamp_millis(), 1_800_000_000_000);
        let dated = CameraListed { at: since, ..listed };
        assert_eq!(dated.effective_at(clock), local(2026, 11, 23, 8, 0));
    }

    #[test]
    fn a_check_counts_for_the_shift_it_falls_in() {
        let hours = OfficeHours::default();
        assert_eq!(Shift::of(local(2026, 11, 23, 13, 29), &hours).half, Half::Morning);
        assert_eq!(Shift::of(local(2026, 11, 23, 13, 30), &hours).half, Half::Afternoon);
        assert_eq!(Shift { day: date("2026-11-23"), half: Half::Morning }.end(&hours), local(2026, 11, 23, 11, 30));
        assert_eq!(Shift { day: date("2026-11-23"), half: Half::Afternoon }.label(), "chiều 23/11/2026");
    }
}
