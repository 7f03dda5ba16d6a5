//! The chairman's citizen-reception days (Lịch tiếp công dân): Luật Tiếp công dân 42/2013/QH13,
//! Điều 15, has the chairman of a commune's People's Committee receive citizens at the commune's
//! reception place at least one day a week. A schedule (weekly on a weekday, or on listed dates)
//! says which days a session is owed — working days only, so Tết and the other days off owe none —
//! and each owed day ends held (who received, how many citizens, what they raised) or not held with
//! its reason. The weekly summary counts them; the province sees the counts, never a name.

use crate::calendar::WorkCalendar;
use crate::summary::Week;
use crate::time::{clock_text, day_text};
use crate::visit::{InputError, NAME_MAX_CHARS, NOTE_MAX_CHARS};
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The most dates a schedule may list (a year of them, and a little more).
pub const DATES_MAX: usize = 400;
/// The most citizens one session may record.
pub const CITIZENS_MAX: u32 = 1000;

/// Which days a schedule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recurrence {
    /// Every week on `weekday`, from `from` (and until `until`, when it ends).
    Weekly { weekday: Weekday, from: NaiveDate, until: Option<NaiveDate> },
    /// On these dates.
    Dates { dates: BTreeSet<NaiveDate> },
}

/// A reception schedule as typed: who receives, on which days, when and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInput {
    /// Who receives: the chairman, or the deputy the chairman assigns ("Phó Chủ tịch Lê Văn Hùng").
    pub receiver: String,
    /// "thu-5" … or a weekday's English name; empty with `dates` given.
    #[serde(default)]
    pub weekday: Option<String>,
    #[serde(default)]
    pub from: Option<NaiveDate>,
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// Listed dates instead of a weekday.
    #[serde(default)]
    pub dates: Vec<NaiveDate>,
    /// "07:30-11:30".
    pub hours: String,
    pub place: String,
}

/// A checked schedule: what `reception.scheduled` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub receiver: String,
    pub recurrence: Recurrence,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub place: String,
}

/// A weekday as the office writes it: "thứ 2" … "thứ 7", "chủ nhật" (marks and case aside), or
/// the day's number 2–8 as on a Vietnamese calendar.
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let folded = crate::collation::fold(text);
    let word = folded.trim().trim_start_matches("thu").trim().trim_start_matches('-').trim();
    match word {
        "2" | "hai" => Some(Weekday::Mon),
        "3" | "ba" => Some(Weekday::Tue),
        "4" | "tu" => Some(Weekday::Wed),
        "5" | "nam" => Some(Weekday::Thu),
        "6" | "sau" => Some(Weekday::Fri),
        "7" | "bay" => Some(Weekday::Sat),
        "8" | "chu nhat" | "cn" => Some(Weekday::Sun),
        _ => match folded.trim() {
            "chu nhat" | "cn" => Some(Weekday::Sun),
            other => other.parse::<Weekday>().ok(),
        },
    }
}

/// "07:30-11:30" (or with "–", "đến"): a start before its end.
fn parse_hours(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let text = text.replace(['–', '—'], "-").replace("đến", "-");
    let (a, b) = text.split_once('-')?;
    let time = |t: &str| NaiveTime::parse_from_str(t.trim().replace('h', ":").trim_end_matches(':'), "%H:%M").ok();
    let (starts, ends) = (time(a)?, time(b)?);
    (starts < ends).then_some((starts, ends))
}

/// A short text of the office's: trimmed, present, bounded.
fn text(value: &str, max: usize, missing: InputError) -> Result<String, InputError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(missing);
    }
    Ok(value.to_owned())
}

impl Schedule {
    /// Checks every field at once.
    pub fn parse(input: ScheduleInput) -> Result<Schedule, Vec<InputError>> {
        let mut errors = Vec::new();
        let receiver = text(&input.receiver, NAME_MAX_CHARS, InputError::ReceptionReceiverMissing)
            .map_err(|e| errors.push(e))
            .ok();
        let place =
            text(&input.place, NAME_MAX_CHARS, InputError::ReceptionPlaceMissing).map_err(|e| errors.push(e)).ok();
        let hours = parse_hours(&input.hours);
        if hours.is_none() {
            errors.push(InputError::ReceptionHoursInvalid);
        }
        let weekday = input.weekday.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let recurrence = match (weekday, input.dates.is_empty()) {
            (Some(day), true) => match (parse_weekday(day), input.from) {
                (Some(weekday), Some(from)) if input.until.is_none_or(|until| until >= from) => {
                    Some(Recurrence::Weekly { weekday, from, until: input.until })
                }
                _ => None,
            },
            (None, false) if input.dates.len() <= DATES_MAX => {
                Some(Recurrence::Dates { dates: input.dates.iter().copied().collect() })
            }
            _ => None,
        };
        if recurrence.is_none() {
            errors.push(InputError::ReceptionDaysInvalid);
        }
        match (receiver, place, hours, recurrence) {
            (Some(receiver), Some(place), Some((starts, ends)), Some(recurrence)) if errors.is_empty() => {
                Ok(Schedule { receiver, recurrence, starts, ends, place })
            }
            _ => Err(errors),
        }
    }

    /// Whether the schedule sets `day`, working day or not.
    fn sets(&self, day: NaiveDate) -> bool {
        match &self.recurrence {
            Recurrence::Weekly { weekday, from, until } => {
                day.weekday() == *weekday && day >= *from && until.is_none_or(|until| day <= until)
            }
            Recurrence::Dates { dates } => dates.contains(&day),
        }
    }

    /// The days from `first` to `last` on which a session is owed: the days the schedule sets
    /// that are working days (a holiday, Tết, a weekend owes none).
    pub fn owed(&self, calendar: &WorkCalendar, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        first.iter_days().take_while(|d| *d <= last).filter(|d| self.sets(*d) && calendar.is_working_day(*d)).collect()
    }
}

/// What the office records of one owed (or extra) day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub enum Session {
    /// Held: who received, how many citizens, what they raised, the feedback items it opened.
    Held { day: NaiveDate, received_by: String, citizens: u32, raised: String, feedback: Vec<Uuid> },
    /// Not held, and why (the chairman called to the district, a storm).
    NotHeld { day: NaiveDate, reason: String },
}

impl Session {
    pub fn day(&self) -> NaiveDate {
        match self {
            Session::Held { day, .. } | Session::NotHeld { day, .. } => *day,
        }
    }

    /// A session held on `day` (not after `today`).
    pub fn held(
        day: NaiveDate,
        today: NaiveDate,
        received_by: &str,
        citizens: u32,
        raised: &str,
        feedback: Vec<Uuid>,
    ) -> Result<Session, Vec<InputError>> {
        let mut errors = Vec::new();
        if day > today {
            errors.push(InputError::ReceptionDayAhead);
        }
        let received_by =
            text(received_by, NAME_MAX_CHARS, InputError::ReceptionReceiverMissing).map_err(|e| errors.push(e)).ok();
        if citizens > CITIZENS_MAX {
            errors.push(InputError::ReceptionCitizensInvalid);
        }
        // A session nobody came to is held too: what was raised may then be empty.
        let raised = raised.trim();
        if raised.chars().count() > NOTE_MAX_CHARS || (citizens > 0 && raised.is_empty()) {
            errors.push(InputError::ReceptionRaisedMissing);
        }
        match received_by {
            Some(received_by) if errors.is_empty() => {
                Ok(Session::Held { day, received_by, citizens, raised: raised.to_owned(), feedback })
            }
            _ => Err(errors),
        }
    }

    /// A session not held on `day` (not after `today`), with its reason.
    pub fn not_held(day: NaiveDate, today: NaiveDate, reason: &str) -> Result<Session, Vec<InputError>> {
        let mut errors = Vec::new();
        if day > today {
            errors.push(InputError::ReceptionDayAhead);
        }
        let reason = text(reason, NOTE_MAX_CHARS, InputError::ReceptionReasonMissing).map_err(|e| errors.push(e)).ok();
        match reason {
            Some(reason) if errors.is_empty() => Ok(Session::NotHeld { day, reason }),
            _ => Err(errors),
        }
    }
}

/// A week's reception figures, as the weekly summary and the province read them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionWeek {
    /// Sessions the schedules owed this week (working days only).
    pub scheduled: u32,
    /// Sessions held, scheduled or extra.
    pub held: u32,
    /// Owed sessions recorded as not held, with a reason.
    pub not_held: u32,
    /// Owed days already past with nothing recorded.
    pub unrecorded: u32,
    /// Citizens received in the sessions held.
    pub citizens: u32,
    /// Whether the law's minimum is met: a session held in a week that had a working day; a week
    /// with none (Tết) owes nothing.
    pub minimum_met: bool,
}

/// The figures of `week` from the schedules in force and the sessions recorded, as of `today`.
/// A day with several records counts by the latest (the list is in recording order).
pub fn week_figures(
    schedules: &[Schedule],
    sessions: &[Session],
    week: Week,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> ReceptionWeek {
    let (first, last) = (week.monday(), week.sunday());
    let owed: BTreeSet<NaiveDate> = schedules.iter().flat_map(|s| s.owed(calendar, first, last)).collect();
    let mut latest: std::collections::BTreeMap<NaiveDate, &Session> = std::collections::BTreeMap::new();
    for session in sessions.iter().filter(|s| (first..=last).contains(&s.day())) {
        latest.insert(session.day(), session);
    }
    let mut figures = ReceptionWeek { scheduled: owed.len() as u32, ..Default::default() };
    for session in latest.values() {
        match session {
            Session::Held { citizens, .. } => {
                figures.held += 1;
                figures.citizens += citizens;
            }
            Session::NotHeld { day, .. } if owed.contains(day) => figures.not_held += 1,
            Session::NotHeld { .. } => {}
        }
    }
    figures.unrecorded = owed.iter().filter(|d| **d <= today && !latest.contains_key(d)).count() as u32;
    let had_working_day = first.iter_days().take(7).any(|d| calendar.is_working_day(d));
    figures.minimum_met = figures.held > 0 || !had_working_day;
    figures
}

/// Payload of `reception.scheduled`: a schedule set, corrected or (inactive) ended. The latest
/// clock wins, as for an official's listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleListed {
    pub schedule: Schedule,
    pub active: bool,
}

/// Payload of `reception.recorded`: what became of one day's session, recorded at a moment no
/// earlier than the day itself. A day has one record: the latest clock wins, so two PCs that
/// record the same day agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRecorded {
    pub recorded_at: DateTime<Utc>,
    pub session: Session,
}

/// A reception event's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReceptionChange {
    Scheduled(ScheduleListed),
    Recorded(SessionRecorded),
}

impl ReceptionChange {
    /// The rules a synced schedule or session keeps, as where it was typed.
    pub fn check(&self) -> Result<(), InputError> {
        let first = |errors: Vec<InputError>| errors.into_iter().next().unwrap_or(InputError::ReceptionDaysInvalid);
        match self {
            ReceptionChange::Scheduled(listed) => Schedule::parse(listed.schedule.input()).map(drop).map_err(first),
            ReceptionChange::Recorded(recorded) => {
                recorded.session.recheck(crate::time::local_day(recorded.recorded_at)).map_err(first)
            }
        }
    }

    /// The instant the event is dated by.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            ReceptionChange::Scheduled(_) => None,
            ReceptionChange::Recorded(recorded) => Some(recorded.recorded_at),
        }
    }
}

/// The entity a day's session record belongs to: the same on every PC, so their records of one
/// day are one register.
pub fn session_entity(day: NaiveDate) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("thanthien-reception-day:{day}").as_bytes())
}

impl Schedule {
    /// The schedule as it would be typed (to check a synced one by the same rules).
    pub fn input(&self) -> ScheduleInput {
        let (weekday, from, until, dates) = match &self.recurrence {
            Recurrence::Weekly { weekday, from, until } => {
                // "2" … "8", as a Vietnamese calendar numbers the days.
                (Some((weekday.number_from_monday() + 1).to_string()), Some(*from), *until, vec![])
            }
            Recurrence::Dates { dates } => (None, None, None, dates.iter().copied().collect()),
        };
        ScheduleInput {
            receiver: self.receiver.clone(),
            weekday,
            from,
            until,
            dates,
            hours: format!("{}-{}", clock_text(self.starts), clock_text(self.ends)),
            place: self.place.clone(),
        }
    }

    /// The same schedule ended on `last`: it sets no day after it.
    pub fn ending(mut self, last: NaiveDate) -> Schedule {
        match &mut self.recurrence {
            Recurrence::Weekly { until, .. } => *until = Some(until.map_or(last, |u| u.min(last))),
            Recurrence::Dates { dates } => dates.retain(|d| *d <= last),
        }
        self
    }

    /// "Thứ Năm hằng tuần, 07:30–11:30, Phòng tiếp công dân" as the board and lists write it.
    pub fn describe(&self) -> String {
        let days = match &self.recurrence {
            Recurrence::Weekly { weekday, from, until } => {
                let mut text = format!("{} hằng tuần từ {}", weekday_vi(*weekday), day_text(*from));
                if let Some(until) = until {
                    text.push_str(&format!(" đến {}", day_text(*until)));
                }
                text
            }
            Recurrence::Dates { dates } => {
                let listed: Vec<String> = dates.iter().map(|d| day_text(*d)).collect();
                format!("Các ngày {}", listed.join(", "))
            }
        };
        format!(
            "{days}, {}–{}, {}; người tiếp: {}",
            clock_text(self.starts),
            clock_text(self.ends),
            self.place,
            self.receiver
        )
    }
}

/// "Thứ Hai" … "Chủ nhật".
pub fn weekday_vi(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

impl Session {
    /// The session's own rules again, as of the day it was recorded on.
    fn recheck(&self, recorded_on: NaiveDate) -> Result<(), Vec<InputError>> {
        match self {
            Session::Held { day, received_by, citizens, raised, feedback } => {
                Session::held(*day, recorded_on, received_by, *citizens, raised, feedback.clone()).map(drop)
            }
            Session::NotHeld { day, reason } => Session::not_held(*day, recorded_on, reason).map(drop),
        }
    }
}

/// A schedule as listed: its id (to end it by) and what it sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedSchedule {
    pub id: Uuid,
    pub schedule: Schedule,
}

/// A day's record as kept, with when and by whom it was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedSession {
    pub session: Session,
    pub recorded_at: DateTime<Utc>,
    pub by: Option<String>,
}

/// One day of a week to record: owed by a schedule, or recorded as an extra session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwedDay {
    pub day: NaiveDate,
    pub owed: bool,
    pub record: Option<RecordedSession>,
}

/// The reception card: schedules in force, this week's days and figures, the coming days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionOverview {
    pub schedules: Vec<ListedSchedule>,
    pub week: Week,
    pub days: Vec<OwedDay>,
    pub figures: ReceptionWeek,
    pub upcoming: Vec<ReceptionDay>,
}

/// Nothing yet (the card before its first load).
impl Default for ReceptionOverview {
    fn default() -> ReceptionOverview {
        ReceptionOverview {
            schedules: Vec::new(),
            week: Week::of_day(NaiveDate::default()),
            days: Vec::new(),
            figures: ReceptionWeek::default(),
            upcoming: Vec::new(),
        }
    }
}

/// The days of `week` to show: each owed day with its record, and every recorded day besides.
pub fn owed_days(
    schedules: &[Schedule],
    calendar: &WorkCalendar,
    week: Week,
    records: &[RecordedSession],
) -> Vec<OwedDay> {
    let owed: BTreeSet<NaiveDate> =
        schedules.iter().flat_map(|s| s.owed(calendar, week.monday(), week.sunday())).collect();
    let recorded: BTreeSet<NaiveDate> = records.iter().map(|r| r.session.day()).collect();
    owed.union(&recorded)
        .map(|day| OwedDay {
            day: *day,
            owed: owed.contains(day),
            record: records.iter().find(|r| r.session.day() == *day).cloned(),
        })
        .collect()
}

/// One owed day as the publicity board lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionDay {
    pub day: NaiveDate,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    pub place: String,
    pub receiver: String,
}

impl ReceptionDay {
    /// "Thứ Năm 10/12/2026".
    pub fn day_text(&self) -> String {
        format!("{} {}", weekday_vi(self.day.weekday()), day_text(self.day))
    }

    /// "07:30–11:30".
    pub fn hours_text(&self) -> String {
        format!("{}–{}", clock_text(self.starts), clock_text(self.ends))
    }
}

/// The next `count` owed days from `from` on, with who receives where (the first schedule that
/// sets a day gives its hours and place).
pub fn upcoming_days(
    schedules: &[Schedule],
    calendar: &WorkCalendar,
    from: NaiveDate,
    count: usize,
) -> Vec<ReceptionDay> {
    upcoming(schedules, calendar, from, count)
        .into_iter()
        .filter_map(|day| {
            let s = schedules.iter().find(|s| s.sets(day))?;
            Some(ReceptionDay {
                day,
                starts: s.starts,
                ends: s.ends,
                place: s.place.clone(),
                receiver: s.receiver.clone(),
            })
        })
        .collect()
}

/// The next `count` owed days from `from` on, across the schedules: what the publicity board lists.
pub fn upcoming(schedules: &[Schedule], calendar: &WorkCalendar, from: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let horizon = from.checked_add_days(Days::new(400)).unwrap_or(from);
    let days: BTreeSet<NaiveDate> = schedules.iter().flat_map(|s| s.owed(calendar, from, horizon)).collect();
    days.into_iter().take(count).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;

    fn thursdays() -> Schedule {
        Schedule::parse(ScheduleInput {
            receiver: "Chủ tịch UBND Nguyễn Văn An".into(),
            weekday: Some("Thứ Năm".into()),
            from: Some(date("2026-01-01")),
            hours: "07:30-11:30".into(),
            place: "Phòng tiếp công dân".into(),
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn a_weekday_reads_as_the_office_writes_it() {
        for (text, day) in [
            ("Thứ Năm", Weekday::Thu),
            ("thu 5", Weekday::Thu),
            ("thứ hai", Weekday::Mon),
            ("Chủ nhật", Weekday::Sun),
            ("7", Weekday::Sat),
            ("friday", Weekday::Fri),
        ] {
            assert_eq!(parse_weekday(text), Some(day), "{text}");
        }
        assert_eq!(parse_weekday("thứ mười"), None);
    }

    #[test]
    fn a_schedule_needs_who_when_and_where() {
        let errors = Schedule::parse(ScheduleInput { hours: "11:30-07:30".into(), ..Default::default() }).unwrap_err();
        assert_eq!(
            errors,
            [
                InputError::ReceptionReceiverMissing,
                InputError::ReceptionPlaceMissing,
                InputError::ReceptionHoursInvalid,
                InputError::ReceptionDaysInvalid
            ]
        );
        let both = ScheduleInput {
            weekday: Some("thứ 5".into()),
            from: Some(date("2026-01-01")),
            dates: vec![date("2026-01-08")],
            ..thursdays_input()
        };
        assert_eq!(Schedule::parse(both).unwrap_err(), [InputError::ReceptionDaysInvalid], "one rule or the other");
        let s = thursdays();
        assert_eq!((s.starts.to_string(), s.ends.to_string()), ("07:30:00".into(), "11:30:00".into()));
    }

    fn thursdays_input() -> ScheduleInput {
        ScheduleInput {
            receiver: "Chủ tịch UBND Nguyễn Văn An".into(),
            hours: "7h30 – 11h30".into(),
            place: "Phòng tiếp công dân".into(),
            ..Default::default()
        }
    }

    #[test]
    fn tet_owes_no_session_and_its_week_needs_none() {
        let calendar = WorkCalendar::builtin();
        let s = thursdays();
        // February 2026: Thursdays 5, 12, 19 (Tết, 16–20/2) and 26.
        let owed = s.owed(&calendar, date("2026-02-01"), date("2026-02-28"));
        assert_eq!(owed, [date("2026-02-05"), date("2026-02-12"), date("2026-02-26")]);
        let tet = Week::of_day(date("2026-02-19"));
        let figures = week_figures(&[s], &[], tet, &calendar, date("2026-03-01"));
        assert_eq!(figures, ReceptionWeek { minimum_met: true, ..Default::default() });
    }

    #[test]
    fn a_week_counts_held_not_held_unrecorded_and_citizens() {
        let calendar = WorkCalendar::builtin();
        let mut extra = thursdays();
        extra.recurrence = Recurrence::Dates { dates: [date("2026-03-10"), date("2026-03-14")].into() };
        let today = date("2026-03-13");
        let week = Week::of_day(today);
        let held = Session::held(date("2026-03-12"), today, "Nguyễn Văn An", 4, "Đất đai; đường làng", vec![]).unwrap();
        let not_held = Session::not_held(date("2026-03-10"), today, "Chủ tịch họp tại tỉnh").unwrap();
        // Saturday 14/3 is no working day: listed, but owed nothing.
        let figures = week_figures(&[thursdays(), extra], &[not_held, held], week, &calendar, today);
        assert_eq!(
            figures,
            ReceptionWeek { scheduled: 2, held: 1, not_held: 1, unrecorded: 0, citizens: 4, minimum_met: true }
        );
        // A week with its Thursday past and nothing recorded.
        let figures = week_figures(&[thursdays()], &[], Week::of_day(date("2026-03-05")), &calendar, today);
        assert_eq!((figures.scheduled, figures.unrecorded, figures.minimum_met), (1, 1, false));
        // A day's latest record counts: not held, then held after all.
        let later = Session::held(date("2026-03-05"), today, "Nguyễn Văn An", 0, "", vec![]).unwrap();
        let first = Session::not_held(date("2026-03-05"), today, "Mưa bão").unwrap();
        let figures = week_figures(&[thursdays()], &[first, later], Week::of_day(date("2026-03-05")), &calendar, today);
        assert_eq!((figures.held, figures.not_held, figures.unrecorded), (1, 0, 0));
    }

    #[test]
    fn a_session_is_not_recorded_ahead_and_says_what_was_raised() {
        let today = date("2026-03-12");
        assert_eq!(
            Session::held(date("2026-03-19"), today, " ", 3, "", vec![]).unwrap_err(),
            [InputError::ReceptionDayAhead, InputError::ReceptionReceiverMissing, InputError::ReceptionRaisedMissing]
        );
        assert_eq!(Session::not_held(today, today, "  ").unwrap_err(), [InputError::ReceptionReasonMissing]);
    }

    #[test]
    fn a_synced_schedule_or_session_keeps_the_typed_rules() {
        let listed = ReceptionChange::Scheduled(ScheduleListed { schedule: thursdays(), active: true });
        assert_eq!(listed.check(), Ok(()));
        let mut backwards = thursdays();
        backwards.ends = NaiveTime::from_hms_opt(6, 0, 0).unwrap();
        let bad = ReceptionChange::Scheduled(ScheduleListed { schedule: backwards, active: true });
        assert_eq!(bad.check(), Err(InputError::ReceptionHoursInvalid));
        let at = crate::testing::local(2026, 3, 12, 11, 0);
        let held =
            Session::held(date("2026-03-12"), date("2026-03-12"), "Nguyễn Văn An", 2, "Đất đai", vec![]).unwrap();
        let recorded = ReceptionChange::Recorded(SessionRecorded { recorded_at: at, session: held.clone() });
        assert_eq!(recorded.check(), Ok(()));
        let early = crate::testing::local(2026, 3, 11, 16, 0);
        let ahead = ReceptionChange::Recorded(SessionRecorded { recorded_at: early, session: held });
        assert_eq!(ahead.check(), Err(InputError::ReceptionDayAhead), "a record never precedes its day");
        assert_eq!(session_entity(date("2026-03-12")), session_entity(date("2026-03-12")));
        assert_ne!(session_entity(date("2026-03-12")), session_entity(date("2026-03-13")));
        assert_eq!(
            thursdays().describe(),
            "Thứ Năm hằng tuần từ 01/01/2026, 07:30–11:30, Phòng tiếp công dân; người tiếp: Chủ tịch UBND Nguyễn Văn An"
        );
    }

    #[test]
    fn the_board_lists_the_next_owed_days() {
        let calendar = WorkCalendar::builtin();
        let next = upcoming(&[thursdays()], &calendar, date("2026-02-13"), 3);
        assert_eq!(next, [date("2026-02-26"), date("2026-03-05"), date("2026-03-12")], "Tết's Thursday skipped");
    }
}
