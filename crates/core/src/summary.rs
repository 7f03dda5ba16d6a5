//! The weekly summary (Báo cáo tuần): every figure of one ISO week in Vietnam time, computed from
//! the registers' views (visits, feedback items, camera facts), with last week beside it.

use crate::camera::{Outage, Shift};
use crate::feedback::{Channel, DeadlineState, FeedbackItem, Kind};
use crate::time::{day_bounds, local_day, vietnam};
use crate::visit::{Outcome, RatingReason, Visit};
use chrono::{DateTime, Datelike, Duration, IsoWeek, NaiveDate, Timelike, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

/// An ISO week (Monday to Sunday) in Vietnam time, written `2026-W47`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    pub fn new(year: i32, week: u32) -> Option<Week> {
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|_| Week { year, week })
    }

    /// The week a local day falls in.
    pub fn of_day(day: NaiveDate) -> Week {
        let iso: IsoWeek = day.iso_week();
        Week { year: iso.year(), week: iso.week() }
    }

    /// The week an instant falls in, in Vietnam time (23:30 Sunday UTC+7 is still that week).
    pub fn of(at: DateTime<Utc>) -> Week {
        Week::of_day(local_day(at))
    }

    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon).unwrap_or_default()
    }

    pub fn sunday(self) -> NaiveDate {
        self.monday() + Duration::days(6)
    }

    /// From local Monday 00:00 to the next Monday 00:00, in UTC.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        (day_bounds(self.monday()).0, day_bounds(self.sunday()).1)
    }

    pub fn contains(self, at: DateTime<Utc>) -> bool {
        let (start, end) = self.bounds();
        start <= at && at < end
    }

    pub fn previous(self) -> Week {
        Week::of_day(self.monday() - Duration::days(7))
    }

    pub fn next(self) -> Week {
        Week::of_day(self.monday() + Duration::days(7))
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl TryFrom<String> for Week {
    type Error = String;
    fn try_from(text: String) -> Result<Week, String> {
        let bad = || format!("tuần phải có dạng 2026-W47, không phải {text:?}");
        let (year, week) = text.trim().split_once("-W").ok_or_else(bad)?;
        let (year, week): (i32, u32) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
        // A week anyone reports on: this century (the year 814 is a typing error, not a week).
        if !(2000..=2099).contains(&year) {
            return Err(bad());
        }
        Week::new(year, week).ok_or_else(bad)
    }
}

impl From<Week> for String {
    fn from(w: Week) -> String {
        w.to_string()
    }
}

/// The office's targets the summary measures against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// A citizen should be called within this many seconds of arriving.
    pub waiting_secs: i64,
    /// A visit should be served within this many seconds of the call.
    pub service_secs: i64,
    /// An official is ranked on satisfaction only with at least this many ratings.
    pub min_sample: u32,
}

impl Default for Targets {
    /// The office's own defaults until the settings set them: 15 minutes' wait, 30 minutes'
    /// service, 10 ratings.
    fn default() -> Self {
        Targets { waiting_secs: 15 * 60, service_secs: 30 * 60, min_sample: 10 }
    }
}

/// Median, 90th percentile and the share within the target, of a set of durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeFigures {
    pub count: u32,
    /// The ordinary median (an even count: the mean of the two middle values), as Excel's MEDIAN.
    pub median_secs: Option<f64>,
    /// Nearest rank: the smallest value with at least 90% of the values at or below it.
    pub p90_secs: Option<i64>,
    /// Share (0–1) at or under the target.
    pub within_target: Option<f64>,
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p` of the
/// values at or below it.
fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// The median of sorted values: the middle one, or the mean of the two middle ones.
fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2] as f64),
        _ => Some((sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0),
    }
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

impl TimeFigures {
    fn of(mut secs: Vec<i64>, target: i64) -> TimeFigures {
        secs.sort_unstable();
        let count = secs.len() as u32;
        let within = secs.iter().filter(|s| **s <= target).count() as u32;
        TimeFigures {
            count,
            median_secs: median(&secs),
            p90_secs: percentile(&secs, 0.9),
            within_target: share(within, count),
        }
    }
}

/// A group of visits (one counter, one official): how many, and their median times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupTimes {
    pub visits: u32,
    pub waiting_median_secs: Option<f64>,
    pub service_median_secs: Option<f64>,
}

impl GroupTimes {
    fn of(visits: &[&Visit]) -> GroupTimes {
        let sorted = |f: fn(&Visit) -> Option<i64>| {
            let mut v: Vec<i64> = visits.iter().filter_map(|v| f(v)).collect();
            v.sort_unstable();
            v
        };
        GroupTimes {
            visits: visits.len() as u32,
            waiting_median_secs: median(&sorted(|v| v.waiting_secs)),
            service_median_secs: median(&sorted(|v| v.service_secs)),
        }
    }
}

/// One counter's visits and median times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterTimes {
    pub counter: u16,
    pub times: GroupTimes,
}

/// Visits on a second trip, and on a third or later, for the same matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepeatTrips {
    pub second: u32,
    pub third_or_more: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitFigures {
    pub total: u32,
    /// Monday first.
    pub per_day: [u32; 7],
    /// By the local hour of arrival.
    pub per_hour: [u32; 24],
    /// By procedure as recorded ("Khác" for none).
    pub per_procedure: BTreeMap<String, u32>,
    /// By the official who last called the citizen.
    pub per_official: BTreeMap<String, u32>,
    /// Visits finished by the week's end, by outcome.
    pub per_outcome: BTreeMap<Outcome, u32>,
    /// Visits not finished at the week's end: with `per_outcome` they add up to `total`.
    #[serde(default)]
    pub unfinished: u32,
    pub waiting: TimeFigures,
    pub service: TimeFigures,
    /// Repeat trips, all procedures together and per procedure ("Khác" for none).
    #[serde(default)]
    pub repeat_trips: RepeatTrips,
    #[serde(default)]
    pub repeat_trips_per_procedure: BTreeMap<String, RepeatTrips>,
    /// By the counter that last called the citizen, in counter order. (A list, not a map: the
    /// UI reads maps through JavaScript objects, whose keys are text.)
    #[serde(default)]
    pub per_counter: Vec<CounterTimes>,
    /// By the official who last called the citizen.
    #[serde(default)]
    pub official_times: BTreeMap<String, GroupTimes>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialSatisfaction {
    pub ratings: u32,
    pub share_satisfied: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Satisfaction {
    pub ratings: u32,
    /// Ratings per level, level 1 (Rất không hài lòng) first.
    pub distribution: [u32; 5],
    /// Share rating 4 (Hài lòng) or 5 (Rất hài lòng).
    pub share_satisfied: Option<f64>,
    /// Only officials with at least the minimum sample.
    pub per_official: BTreeMap<String, OfficialSatisfaction>,
    /// Officials left out for too few ratings, so the table does not hide them silently.
    pub below_sample: Vec<String>,
    /// Their count of ratings, shown as "chưa đủ mẫu (n lượt)".
    #[serde(default)]
    pub below_sample_ratings: BTreeMap<String, u32>,
    /// Visits finished by the week's end, and the share of them the citizen rated.
    #[serde(default)]
    pub finished: u32,
    #[serde(default)]
    pub rated_share: Option<f64>,
    /// The reasons given with the two lowest levels, counted (one rating may give several).
    #[serde(default)]
    pub low_reasons: BTreeMap<RatingReason, u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackFigures {
    pub received: u32,
    pub by_channel: BTreeMap<Channel, u32>,
    pub by_kind: BTreeMap<Kind, u32>,
    /// Finished within their legal limit during the week.
    pub answered_on_time: u32,
    pub answered_late: u32,
    /// Open and past due at the week's end.
    pub overdue: u32,
    /// Open at the week's end and not past due (paused, or with no limit, included).
    #[serde(default)]
    pub open_not_overdue: u32,
    /// Of the items finished this week, those whose submitter was asked, and those satisfied.
    #[serde(default)]
    pub rated: u32,
    #[serde(default)]
    pub satisfied: u32,
}

/// Received dossiers (hồ sơ hẹn trả) seen from one week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DossierFigures {
    /// Appointment (as in force) within the week.
    pub due: u32,
    /// Results handed back during the week, on or before the appointment, and after it.
    pub returned_on_time: u32,
    pub returned_late: u32,
    /// Not handed back at the week's end although the appointment had passed.
    pub still_out: u32,
    /// Apology slips (phiếu xin lỗi và hẹn lại) issued during the week.
    pub apologies: u32,
}

/// An outage window of the week and the visits served at the camera's counter meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutageServed {
    pub camera: Uuid,
    pub camera_name: String,
    pub counter: Option<u16>,
    pub outage: Outage,
    pub visits_served: u32,
    /// How long it lasted: to its end, or to the week's end (or now) while it lasts.
    #[serde(default)]
    pub lasted_secs: i64,
}

/// A shift whose camera check was missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissedShift {
    pub camera_name: String,
    pub shift: Shift,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraFigures {
    pub checks_done: u32,
    pub checks_missed: u32,
    pub checks_failed: u32,
    pub outages: Vec<OutageServed>,
    /// Which shifts were missed, camera by camera in time order.
    #[serde(default)]
    pub missed_shifts: Vec<MissedShift>,
}

/// The index ratios the province compares communes on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indexes {
    /// Feedback finished within its limit, of all finished during the week.
    pub feedback_on_time: Option<f64>,
    /// Submitters satisfied with the handling, of those asked, for items finished in the week.
    #[serde(default)]
    pub feedback_satisfaction: Option<f64>,
    /// Satisfied ratings of visits about a procedure, of all such ratings.
    pub procedure_satisfaction: Option<f64>,
    /// The counts behind `procedure_satisfaction` (absent in summaries approved before they
    /// were kept), so the province can rank with a minimum sample and pool weeks exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_ratings: Option<crate::province::Rate>,
}

/// One week's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekFigures {
    pub week: Week,
    pub visits: VisitFigures,
    pub satisfaction: Satisfaction,
    pub feedback: FeedbackFigures,
    #[serde(default)]
    pub dossiers: DossierFigures,
    pub cameras: CameraFigures,
    pub indexes: Indexes,
    /// The chairman's citizen-reception sessions (counts only; the store adds them from
    /// `reception::week_figures`).
    #[serde(default)]
    pub reception: crate::reception::ReceptionWeek,
}

/// One camera's facts for a period (a week), as the store reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraPeriod {
    pub camera: Uuid,
    pub name: String,
    pub counter: Option<u16>,
    pub checks_done: u32,
    /// The shifts of the period whose check was missed.
    pub missed: Vec<Shift>,
    pub checks_failed: u32,
    pub outages: Vec<Outage>,
}

/// What one week is computed from. Visits are those that arrived in the week; dossiers are the
/// received dossiers whose appointment or return may concern the week, wherever they arrived;
/// feedback items are viewed as of the week's last day (deadlines then).
pub struct WeekInput<'a> {
    pub week: Week,
    pub visits: &'a [Visit],
    pub dossiers: &'a [Visit],
    pub feedback: &'a [FeedbackItem],
    pub cameras: &'a [CameraPeriod],
    pub targets: Targets,
    /// The moment the figures are taken: the week's end, or now while the week runs.
    pub as_of: DateTime<Utc>,
}

fn local_hour(at: DateTime<Utc>) -> usize {
    at.with_timezone(&vietnam()).hour() as usize
}

/// The procedure a visit counts under: as recorded, "Khác" for none.
fn procedure_of(v: &Visit) -> String {
    v.procedure.clone().unwrap_or_else(|| OTHER.into())
}

/// Where visits with no procedure recorded go; it sorts last.
pub const OTHER: &str = "Khác";

impl WeekFigures {
    /// A week with nothing in it: every count zero, every share and time absent.
    pub fn empty(week: Week) -> WeekFigures {
        week_figures(&WeekInput {
            week,
            visits: &[],
            dossiers: &[],
            feedback: &[],
            cameras: &[],
            targets: Targets::default(),
            as_of: week.bounds().1,
        })
    }
}

/// Computes every figure of one week.
pub fn week_figures(input: &WeekInput<'_>) -> WeekFigures {
    let week = input.week;
    let end = week.bounds().1.min(input.as_of);
    let visits: Vec<&Visit> = input.visits.iter().filter(|v| week.contains(v.arrived_at)).collect();
    let (figures, satisfaction, procedure_satisfaction) = visit_figures(&visits, end, input.targets);
    let feedback = feedback_figures(week, input.feedback);
    let dossiers = dossier_figures(week, end, input.dossiers);
    let cameras = camera_figures(week, end, &visits, input.cameras);
    let indexes = Indexes {
        feedback_on_time: share(feedback.answered_on_time, feedback.answered_on_time + feedback.answered_late),
        feedback_satisfaction: share(feedback.satisfied, feedback.rated),
        procedure_satisfaction: share(procedure_satisfaction.part, procedure_satisfaction.whole),
        procedure_ratings: Some(procedure_satisfaction),
    };
    WeekFigures {
        week,
        visits: figures,
        satisfaction,
        feedback,
        dossiers,
        cameras,
        indexes,
        reception: Default::default(),
    }
}

/// The visits' figures, their satisfaction, and the procedure satisfaction index.
fn visit_figures(
    visits: &[&Visit],
    end: DateTime<Utc>,
    targets: Targets,
) -> (VisitFigures, Satisfaction, crate::province::Rate) {
    let mut figures = VisitFigures { total: visits.len() as u32, ..Default::default() };
    let mut satisfaction = Satisfaction::default();
    let mut per_official_ratings: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut procedure_ratings, mut procedure_satisfied) = (0, 0);
    let mut rated_finished = 0;
    let mut by_counter: BTreeMap<u16, Vec<&Visit>> = BTreeMap::new();
    let mut by_official: BTreeMap<String, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        let day = local_day(v.arrived_at).weekday().num_days_from_monday() as usize;
        figures.per_day[day] += 1;
        figures.per_hour[local_hour(v.arrived_at)] += 1;
        *figures.per_procedure.entry(procedure_of(v)).or_default() += 1;
        if let Some(official) = &v.official {
            *figures.per_official.entry(official.clone()).or_default() += 1;
            by_official.entry(official.clone()).or_default().push(v);
        }
        if let Some(counter) = v.counter {
            by_counter.entry(counter).or_default().push(v);
        }
        match v.outcome.filter(|_| v.finished_at.is_some_and(|at| at < end)) {
            Some(outcome) => {
                *figures.per_outcome.entry(outcome).or_default() += 1;
                satisfaction.finished += 1;
                rated_finished += u32::from(v.rating.is_some());
            }
            None => figures.unfinished += 1,
        }
        if v.trip >= 2 {
            let trips = figures.repeat_trips_per_procedure.entry(procedure_of(v)).or_default();
            for t in [trips, &mut figures.repeat_trips] {
                if v.trip == 2 {
                    t.second += 1;
                } else {
                    t.third_or_more += 1;
                }
            }
        }
        if let Some(level) = v.rating.filter(|l| (1..=5).contains(l)) {
            let satisfied = u32::from(level >= 4);
            satisfaction.ratings += 1;
            satisfaction.distribution[usize::from(level - 1)] += 1;
            if level <= 2 {
                for reason in &v.rating_reasons {
                    *satisfaction.low_reasons.entry(*reason).or_default() += 1;
                }
            }
            if let Some(official) = &v.official {
                let entry = per_official_ratings.entry(official.clone()).or_default();
                entry.0 += 1;
                entry.1 += satisfied;
            }
            if v.procedure.is_some() {
                procedure_ratings += 1;
                procedure_satisfied += satisfied;
            }
        }
    }
    figures.waiting = TimeFigures::of(visits.iter().filter_map(|v| v.waiting_secs).collect(), targets.waiting_secs);
    figures.service = TimeFigures::of(visits.iter().filter_map(|v| v.service_secs).collect(), targets.service_secs);
    figures.per_counter =
        by_counter.into_iter().map(|(counter, vs)| CounterTimes { counter, times: GroupTimes::of(&vs) }).collect();
    figures.official_times = by_official.into_iter().map(|(o, vs)| (o, GroupTimes::of(&vs))).collect();
    let satisfied = satisfaction.distribution[3] + satisfaction.distribution[4];
    satisfaction.share_satisfied = share(satisfied, satisfaction.ratings);
    satisfaction.rated_share = share(rated_finished, satisfaction.finished);
    for (official, (ratings, satisfied)) in per_official_ratings {
        if ratings >= targets.min_sample {
            let share_satisfied = f64::from(satisfied) / f64::from(ratings);
            satisfaction.per_official.insert(official, OfficialSatisfaction { ratings, share_satisfied });
        } else {
            satisfaction.below_sample_ratings.insert(official.clone(), ratings);
            satisfaction.below_sample.push(official);
        }
    }
    let procedure = crate::province::Rate { part: procedure_satisfied, whole: procedure_ratings };
    (figures, satisfaction, procedure)
}

fn feedback_figures(week: Week, items: &[FeedbackItem]) -> FeedbackFigures {
    let mut feedback = FeedbackFigures::default();
    let end = week.bounds().1;
    for item in items {
        if week.contains(item.received_at) {
            feedback.received += 1;
            *feedback.by_channel.entry(item.channel).or_default() += 1;
            *feedback.by_kind.entry(item.kind).or_default() += 1;
        }
        let finished_this_week = item.deadline.finished_at.is_some_and(|at| week.contains(at));
        if let (true, Some(satisfied)) = (finished_this_week, item.satisfied) {
            feedback.rated += 1;
            feedback.satisfied += u32::from(satisfied);
        }
        let finished_after = item.deadline.finished_at.is_some_and(|at| at >= end);
        // Finished late after the week ended: it was still open, and overdue, at the week's end.
        let late_after_the_week = finished_after && item.deadline.due.is_some_and(|due| due < week.sunday());
        let open_at_end = item.received_at < end && (item.deadline.finished_at.is_none() || finished_after);
        match item.deadline.state {
            DeadlineState::MetOnTime if finished_this_week => feedback.answered_on_time += 1,
            DeadlineState::MetLate { .. } if finished_this_week => feedback.answered_late += 1,
            DeadlineState::MetLate { .. } if late_after_the_week => feedback.overdue += 1,
            _ if item.deadline.is_overdue() => feedback.overdue += 1,
            _ if open_at_end => feedback.open_not_overdue += 1,
            _ => {}
        }
    }
    feedback
}

/// The received dossiers' figures for the week, as they stood at `end`.
fn dossier_figures(week: Week, end: DateTime<Utc>, dossiers: &[Visit]) -> DossierFigures {
    let mut figures = DossierFigures::default();
    let end_day = local_day(end - Duration::milliseconds(1));
    let received = dossiers
        .iter()
        .filter(|v| v.outcome == Some(Outcome::DossierReceived) && v.finished_at.is_some_and(|at| at < end));
    for v in received {
        let Some(appointment) = v.appointment else { continue };
        if (week.monday()..=week.sunday()).contains(&appointment) {
            figures.due += 1;
        }
        let returned = v.returned_at.filter(|at| *at < end);
        match returned {
            Some(at) if week.contains(at) && local_day(at) <= appointment => figures.returned_on_time += 1,
            Some(at) if week.contains(at) => figures.returned_late += 1,
            Some(_) => {}
            None if appointment < end_day || (appointment == end_day && end == week.bounds().1) => {
                figures.still_out += 1
            }
            None => {}
        }
        if v.apology && v.rescheduled_at.is_some_and(|at| week.contains(at) && at < end) {
            figures.apologies += 1;
        }
    }
    figures
}

fn camera_figures(week: Week, end: DateTime<Utc>, visits: &[&Visit], cameras: &[CameraPeriod]) -> CameraFigures {
    let mut figures = CameraFigures::default();
    let (start, week_end) = week.bounds();
    for camera in cameras {
        figures.checks_done += camera.checks_done;
        figures.checks_missed += camera.missed.len() as u32;
        figures.checks_failed += camera.checks_failed;
        figures
            .missed_shifts
            .extend(camera.missed.iter().map(|shift| MissedShift { camera_name: camera.name.clone(), shift: *shift }));
        for outage in &camera.outages {
            let from = outage.from.max(start);
            let to = outage.to.map_or(week_end, |t| t.min(week_end));
            let served = visits
                .iter()
                .filter(|v| camera.counter.is_some() && v.counter == camera.counter)
                .filter(|v| v.last_called_at.is_some_and(|at| from <= at && at < to))
                .count() as u32;
            let lasted = outage.to.unwrap_or(end).max(outage.from) - outage.from;
            figures.outages.push(OutageServed {
                camera: camera.camera,
                camera_name: camera.name.clone(),
                counter: camera.counter,
                outage: outage.clone(),
                visits_served: served,
                lasted_secs: lasted.num_seconds(),
            });
        }
    }
    figures
}

/// The weeks whose figures an event can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeeksChanged {
    None,
    /// The week of what it belongs to, and every later one (a dossier counts until returned,
    /// an item until answered, an outage until it ends).
    From(Week),
    Every,
}

/// Which weeks' figures `body` can change. `record_start` is when the visit or feedback item it
/// belongs to began, as the store holds it (`None` before the record is stored): a step counts
/// from there, or from its own moment if that is earlier (a record arriving out of order).
pub fn weeks_changed(body: &crate::event::EventBody, record_start: Option<DateTime<Utc>>) -> WeeksChanged {
    use crate::event::EventBody;
    let from = |own: Option<DateTime<Utc>>| match record_start.into_iter().chain(own).min() {
        Some(at) => WeeksChanged::From(Week::of(at)),
        None => WeeksChanged::Every,
    };
    match body {
        EventBody::Visit(change) => from(change.at().map(|(_, at)| at)),
        EventBody::Feedback(crate::feedback::FeedbackChange::Received(received)) => from(Some(received.received_at)),
        EventBody::Feedback(_) => from(None),
        EventBody::Camera(crate::camera::CameraChange::Checked(check)) => {
            WeeksChanged::From(Week::of(check.checked_at))
        }
        // Approval steps and the access log change no figure.
        EventBody::Week(_) | EventBody::Access(_) => WeeksChanged::None,
        _ => WeeksChanged::Every,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{item, local, visit, week47};

    #[test]
    fn an_event_changes_the_weeks_from_its_records_start_on() {
        use crate::event::EventBody;
        use crate::visit::{Counter, VisitCalled, VisitChange};
        let w = week47();
        let called = |at| {
            EventBody::Visit(VisitChange::Called(VisitCalled {
                called_at: at,
                official: "Lê Thị Hoa".to_owned().try_into().unwrap(),
                counter: Counter::try_from(1u8).unwrap(),
            }))
        };
        // A call in week 48 of a visit that arrived in week 47 changes week 47 on.
        let next_week = local(2026, 11, 24, 9, 0);
        assert_eq!(weeks_changed(&called(next_week), Some(local(2026, 11, 20, 8, 0))), WeeksChanged::From(w));
        // Not stored yet: from its own moment; one dated before its record's start, from there.
        assert_eq!(weeks_changed(&called(next_week), None), WeeksChanged::From(Week::of(next_week)));
        assert_eq!(weeks_changed(&called(local(2026, 11, 16, 8, 0)), Some(next_week)), WeeksChanged::From(w));
        let hours = EventBody::OfficeHours(crate::procedure::OfficeHours::default());
        assert_eq!(weeks_changed(&hours, None), WeeksChanged::Every, "the hours count every week's checks");
    }

    #[test]
    fn weeks_read_print_and_end_at_local_midnight() {
        let w = week47();
        assert_eq!(w.to_string(), "2026-W47");
        assert_eq!((w.monday().to_string(), w.sunday().to_string()), ("2026-11-16".into(), "2026-11-22".into()));
        // 23:30 Sunday in Vietnam is 16:30 UTC: still week 47; 00:10 Monday is week 48.
        assert_eq!(Week::of(local(2026, 11, 22, 23, 30)), w);
        assert_eq!(Week::of(local(2026, 11, 23, 0, 10)).to_string(), "2026-W48");
        assert!(w.contains(local(2026, 11, 16, 0, 0)) && !w.contains(local(2026, 11, 23, 0, 0)));
        assert_eq!(w.previous().to_string(), "2026-W46");
        assert_eq!(Week::try_from("2027-W01".to_owned()).unwrap().previous().to_string(), "2026-W53");
        assert!(Week::try_from("2026-W54".to_owned()).is_err() && Week::try_from("W47".to_owned()).is_err());
        for typo in ["814-W26", "0260-W08", "20260-W01", "-2026-W01"] {
            assert!(Week::try_from(typo.to_owned()).is_err(), "{typo}");
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[1, 2, 3, 4]), Some(2.5));
        assert_eq!(median(&[3]), Some(3.0));
        assert_eq!(median(&[]), None);
        // Waits of 5, 10, 20 and 30 minutes: Excel's MEDIAN gives 15; p90 stays nearest rank.
        let t = TimeFigures::of(vec![1800, 300, 1200, 600], 900);
        assert_eq!((t.median_secs, t.p90_secs), (Some(900.0), Some(1800)));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!((percentile(&v, 0.5), percentile(&v, 0.9)), (Some(5), Some(9)));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    /// A hand-built week whose every figure is worked out below.
    #[test]
    fn every_figure_of_a_hand_built_week() {
        let hoa = Some("Lê Thị Hoa");
        let nam = Some("Trần Văn Nam");
        let ks = Some("Đăng ký khai sinh");
        let visits = vec![
            // Monday 08:10, counter 1: waited 5, served 10, rated 5.
            visit(local(2026, 11, 16, 8, 10), ks, hoa, Some(1), Some(Outcome::Resolved), Some(5), Some(10), Some(5)),
            // Monday 08:40: waited 20 (over the 15-minute target), served 40 (over 30), rated 2.
            visit(
                local(2026, 11, 16, 8, 40),
                ks,
                hoa,
                Some(1),
                Some(Outcome::DossierReceived),
                Some(20),
                Some(40),
                Some(2),
            ),
            // Tuesday 14:05, counter 2, no procedure recorded: waited 10, served 5, rated 4.
            visit(local(2026, 11, 17, 14, 5), None, nam, Some(2), Some(Outcome::Guided), Some(10), Some(5), Some(4)),
            // Sunday 23:30 local (16:30 UTC): still this week; left before being called.
            visit(local(2026, 11, 22, 23, 30), None, None, None, Some(Outcome::Left), None, None, None),
            // Next Monday 00:10: not this week.
            visit(local(2026, 11, 23, 0, 10), ks, hoa, Some(1), None, None, None, None),
        ];
        let mut feedback = vec![
            item(
                local(2026, 11, 16, 9, 0),
                Channel::Box,
                Kind::Recommendation,
                DeadlineState::MetOnTime,
                Some(local(2026, 11, 18, 9, 0)),
            ),
            item(
                local(2026, 11, 18, 9, 0),
                Channel::Email,
                Kind::Complaint,
                DeadlineState::Open { days_left: 5 },
                None,
            ),
            item(
                local(2026, 10, 1, 9, 0),
                Channel::Phone,
                Kind::Recommendation,
                DeadlineState::MetLate { days_late: 20 },
                Some(local(2026, 11, 20, 9, 0)),
            ),
            item(
                local(2026, 10, 1, 9, 0),
                Channel::Zalo,
                Kind::Suggestion,
                DeadlineState::Open { days_left: -25 },
                None,
            ),
            // Answered late next week: overdue at this week's end.
            {
                let mut late = item(
                    local(2026, 10, 1, 9, 0),
                    Channel::Box,
                    Kind::Suggestion,
                    DeadlineState::MetLate { days_late: 30 },
                    Some(local(2026, 11, 25, 9, 0)),
                );
                late.deadline.due = Some(NaiveDate::from_ymd_opt(2026, 10, 15).unwrap());
                late
            },
            // Finished on time, but last week: counts for that week, not this one.
            item(
                local(2026, 11, 10, 9, 0),
                Channel::Box,
                Kind::Suggestion,
                DeadlineState::MetOnTime,
                Some(local(2026, 11, 12, 9, 0)),
            ),
        ];
        let cameras = vec![CameraPeriod {
            camera: Uuid::from_u128(1),
            name: "Camera quầy 1".into(),
            counter: Some(1),
            checks_done: 9,
            missed: vec![Shift {
                day: NaiveDate::from_ymd_opt(2026, 11, 17).unwrap(),
                half: crate::camera::Half::Morning,
            }],
            checks_failed: 1,
            // Failing from Monday 08:30 to 12:00: the 08:40 arrival was called at 09:00, inside.
            outages: vec![Outage {
                from: local(2026, 11, 16, 8, 30),
                to: Some(local(2026, 11, 16, 12, 0)),
                items: [crate::camera::CheckItem::Recording].into_iter().collect(),
            }],
        }];
        // Asked after the answer: satisfied with the on-time one, not with the late one; last
        // week's satisfied submitter counts for last week.
        feedback[0].satisfied = Some(true);
        feedback[2].satisfied = Some(false);
        feedback[5].satisfied = Some(true);
        let targets = Targets { min_sample: 2, ..Targets::default() };
        let f = week_figures(&WeekInput {
            week: week47(),
            visits: &visits,
            feedback: &feedback,
            cameras: &cameras,
            targets,
            dossiers: &[],
            as_of: DateTime::<Utc>::MAX_UTC,
        });

        assert_eq!(f.visits.total, 4);
        assert_eq!(f.visits.per_day, [2, 1, 0, 0, 0, 0, 1]);
        assert_eq!((f.visits.per_hour[8], f.visits.per_hour[14], f.visits.per_hour[23]), (2, 1, 1));
        assert_eq!(f.visits.per_procedure.get("Đăng ký khai sinh"), Some(&2));
        assert_eq!(f.visits.per_procedure.get("Khác"), Some(&2));
        assert_eq!(f.visits.per_official.get("Lê Thị Hoa"), Some(&2));
        assert_eq!(f.visits.per_outcome.get(&Outcome::Left), Some(&1));
        // Waiting 5, 10, 20 minutes: median 10, p90 20, two of three within 15.
        assert_eq!(f.visits.waiting.median_secs, Some(600.0));
        assert_eq!(f.visits.waiting.p90_secs, Some(1200));
        assert_eq!(f.visits.waiting.within_target, Some(2.0 / 3.0));
        // Service 5, 10, 40: median 10, two of three within 30.
        assert_eq!((f.visits.service.median_secs, f.visits.service.within_target), (Some(600.0), Some(2.0 / 3.0)));
        // Ratings 5, 2, 4: two of three satisfied; Hoa (2 ratings) ranked, Nam (1) below the sample.
        assert_eq!(f.satisfaction.distribution, [0, 1, 0, 1, 1]);
        assert_eq!(f.satisfaction.share_satisfied, Some(2.0 / 3.0));
        assert_eq!(
            f.satisfaction.per_official["Lê Thị Hoa"],
            OfficialSatisfaction { ratings: 2, share_satisfied: 0.5 }
        );
        assert_eq!(f.satisfaction.below_sample, ["Trần Văn Nam"]);
        assert_eq!(f.satisfaction.below_sample_ratings["Trần Văn Nam"], 1);
        // Feedback: two received this week; one on time and one late this week; two overdue at its
        // end (one still open, one answered only the week after).
        assert_eq!(
            (f.feedback.received, f.feedback.answered_on_time, f.feedback.answered_late, f.feedback.overdue),
            (2, 1, 1, 2)
        );
        assert_eq!(f.feedback.by_channel.get(&Channel::Email), Some(&1));
        assert_eq!(f.feedback.by_kind.get(&Kind::Complaint), Some(&1));
        // Cameras: the outage crossed with the one visit called at counter 1 inside it.
        assert_eq!((f.cameras.checks_done, f.cameras.checks_missed, f.cameras.checks_failed), (9, 1, 1));
        assert_eq!(f.cameras.outages[0].visits_served, 1);
        // Indexes: 1 of 2 finished on time; procedure ratings 5 and 2: one of two satisfied.
        assert_eq!(f.indexes.feedback_on_time, Some(0.5));
        assert_eq!(f.indexes.procedure_satisfaction, Some(0.5));
        // Two submitters of items finished this week were asked; one is satisfied.
        assert_eq!((f.feedback.rated, f.feedback.satisfied, f.indexes.feedback_satisfaction), (2, 1, Some(0.5)));
    }

    #[test]
    fn an_empty_week_has_no_ratios_rather_than_zeroes() {
        let f = week_figures(&WeekInput {
            week: week47(),
            visits: &[],
            dossiers: &[],
            feedback: &[],
            cameras: &[],
            targets: Targets::default(),
            as_of: DateTime::<Utc>::MAX_UTC,
        });
        assert_eq!(f.visits.total, 0);
        assert_eq!(
            (f.visits.waiting.median_secs, f.satisfaction.share_satisfied, f.indexes.feedback_on_time),
            (None, None, None)
        );
    }
}
