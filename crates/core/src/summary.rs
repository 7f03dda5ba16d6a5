//! The weekly summary (Báo cáo tuần): every figure of one ISO week in Vietnam time, computed from
//! the registers' views (visits, feedback items, camera facts), with last week beside it.

use crate::camera::{Outage, Shift};
use crate::feedback::{Channel, DeadlineState, FeedbackItem, Kind};
use crate::time::{day_bounds, local_day, vietnam};
use crate::visit::{InputError, Outcome, RatingReason, Visit};
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
        let (year, week) = (year.parse().map_err(|_| bad())?, week.parse().map_err(|_| bad())?);
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

/// What the report's footnote says of how the times are computed.
pub const FOOTNOTE: &str = "Trung vị: giá trị ở giữa khi xếp các lượt theo thời gian (số lượt chẵn: trung bình cộng hai giá trị giữa, như hàm MEDIAN của Excel). \
\"90% số lượt không quá\": phân vị 90 theo thứ hạng gần nhất (giá trị nhỏ nhất mà ít nhất 90% số lượt không vượt quá). \
Quá hạn tính theo ngày làm việc; hạn đã qua thì quá hạn ít nhất 1 ngày.";

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
}

/// The summary as the screen, the exports and the province see it: this week and the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklySummary {
    /// The approved figures while the week is locked, else the log's figures now.
    pub this_week: WeekFigures,
    pub last_week: WeekFigures,
    pub targets: Targets,
    /// Where this week's approval stands.
    #[serde(default)]
    pub approval: crate::approval::ApprovalView,
    /// Lines the log now gives differently from the approved figures (a locked week only).
    #[serde(default)]
    pub amendments: Vec<crate::approval::Amendment>,
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
        procedure_satisfaction,
    };
    WeekFigures { week, visits: figures, satisfaction, feedback, dossiers, cameras, indexes }
}

/// The visits' figures, their satisfaction, and the procedure satisfaction index.
fn visit_figures(visits: &[&Visit], end: DateTime<Utc>, targets: Targets) -> (VisitFigures, Satisfaction, Option<f64>) {
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
    (figures, satisfaction, share(procedure_satisfied, procedure_ratings))
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

/// One figure as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Figure {
    Count(u32),
    /// A share between 0 and 1; `None` when there was nothing to divide.
    Share(Option<f64>),
    /// A duration in seconds, shown in minutes (hours and minutes from an hour up).
    Duration(Option<f64>),
    /// A share not given because the sample is too small: the number of ratings there were.
    BelowSample(u32),
}

impl Figure {
    /// As the screen and the PDF print it: "12", "66,7 %", "10 phút", "2 giờ 5 phút", "—".
    pub fn text(self) -> String {
        match self {
            Figure::Count(n) => n.to_string(),
            Figure::Share(Some(x)) => format!("{:.1} %", x * 100.0).replace('.', ","),
            Figure::Duration(Some(secs)) => {
                let minutes = (secs / 60.0).round() as i64;
                match (minutes / 60, minutes % 60) {
                    (0, m) => format!("{m} phút"),
                    (h, 0) => format!("{h} giờ"),
                    (h, m) => format!("{h} giờ {m} phút"),
                }
            }
            Figure::BelowSample(n) => format!("chưa đủ mẫu ({n} lượt)"),
            Figure::Share(None) | Figure::Duration(None) => "—".to_owned(),
        }
    }

    /// As the spreadsheet and the CSV hold it: a plain number (shares in per cent, durations in
    /// minutes, one decimal), or nothing.
    pub fn number(self) -> Option<f64> {
        match self {
            Figure::Count(n) => Some(f64::from(n)),
            Figure::Share(x) => x.map(|x| (x * 1000.0).round() / 10.0),
            Figure::Duration(secs) => secs.map(|s| (s / 6.0).round() / 10.0),
            Figure::BelowSample(_) => None,
        }
    }

    /// A spreadsheet or CSV cell: the number, or the words where a figure is not a number.
    pub fn cell(self) -> Cell {
        match (self, self.number()) {
            (_, Some(n)) => Cell::Number(n),
            (Figure::BelowSample(_), None) => Cell::Text(self.text()),
            _ => Cell::Empty,
        }
    }
}

/// What a figure puts in a spreadsheet's cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Number(f64),
    Text(String),
    Empty,
}

/// One line of the report: a figure this week and last week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub section: String,
    pub label: String,
    pub this_week: Figure,
    pub last_week: Figure,
}

const DAYS: [&str; 7] = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
const LEVELS: [&str; 5] = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"];

/// Keys present in either week, so a figure that fell to zero still shows.
fn keys<K: Ord + Clone, V>(x: &BTreeMap<K, V>, y: &BTreeMap<K, V>) -> Vec<K> {
    let mut all: Vec<K> = x.keys().chain(y.keys()).cloned().collect();
    all.sort();
    all.dedup();
    all
}

/// Names present in either week, in Vietnamese alphabetical order with "Khác" last.
fn names<V>(x: &BTreeMap<String, V>, y: &BTreeMap<String, V>) -> Vec<String> {
    let mut all = keys(x, y);
    all.sort_by_cached_key(|name| (name == OTHER, crate::collation::key(name)));
    all
}

/// Every line of the report, in order: the one list the screen, the CLI and every export print,
/// so they cannot disagree.
pub fn rows(summary: &WeeklySummary) -> Vec<Row> {
    let (a, b) = (&summary.this_week, &summary.last_week);
    let mut rows = Vec::new();
    let mut push = |section: &str, label: String, this_week: Figure, last_week: Figure| {
        rows.push(Row { section: section.to_owned(), label, this_week, last_week });
    };
    let count = |n: Option<&u32>| Figure::Count(n.copied().unwrap_or(0));
    let both = |f: &dyn Fn(&WeekFigures) -> Figure| (f(a), f(b));

    let visits = "Lượt tiếp dân";
    push(visits, "Tổng số lượt".into(), Figure::Count(a.visits.total), Figure::Count(b.visits.total));
    for (i, day) in DAYS.iter().enumerate() {
        push(visits, (*day).into(), Figure::Count(a.visits.per_day[i]), Figure::Count(b.visits.per_day[i]));
    }
    for hour in (0..24).filter(|h| a.visits.per_hour[*h] + b.visits.per_hour[*h] > 0) {
        let label = format!("{hour:02}:00–{hour:02}:59");
        push(visits, label, Figure::Count(a.visits.per_hour[hour]), Figure::Count(b.visits.per_hour[hour]));
    }
    let by = "Lượt tiếp theo thủ tục";
    for p in names(&a.visits.per_procedure, &b.visits.per_procedure) {
        push(by, p.clone(), count(a.visits.per_procedure.get(&p)), count(b.visits.per_procedure.get(&p)));
    }
    let by = "Lượt tiếp theo cán bộ";
    for o in names(&a.visits.per_official, &b.visits.per_official) {
        push(by, o.clone(), count(a.visits.per_official.get(&o)), count(b.visits.per_official.get(&o)));
    }
    let by = "Lượt tiếp theo kết quả";
    for o in keys(&a.visits.per_outcome, &b.visits.per_outcome) {
        push(by, o.label_vi().into(), count(a.visits.per_outcome.get(&o)), count(b.visits.per_outcome.get(&o)));
    }
    let (x, y) = both(&|w| Figure::Count(w.visits.unfinished));
    push(by, "Chưa kết thúc khi hết tuần".into(), x, y);
    let trips = "Đi lại nhiều lần";
    let (x, y) = both(&|w| Figure::Count(w.visits.repeat_trips.second));
    push(trips, "Lần thứ 2 (mọi thủ tục)".into(), x, y);
    let (x, y) = both(&|w| Figure::Count(w.visits.repeat_trips.third_or_more));
    push(trips, "Từ lần thứ 3 (mọi thủ tục)".into(), x, y);
    for p in names(&a.visits.repeat_trips_per_procedure, &b.visits.repeat_trips_per_procedure) {
        let t = |w: &WeekFigures| w.visits.repeat_trips_per_procedure.get(&p).copied().unwrap_or_default();
        push(trips, format!("{p}: lần thứ 2"), Figure::Count(t(a).second), Figure::Count(t(b).second));
        push(trips, format!("{p}: từ lần thứ 3"), Figure::Count(t(a).third_or_more), Figure::Count(t(b).third_or_more));
    }
    for (section, x, y, target) in [
        ("Thời gian chờ", &a.visits.waiting, &b.visits.waiting, summary.targets.waiting_secs),
        ("Thời gian giải quyết", &a.visits.service, &b.visits.service, summary.targets.service_secs),
    ] {
        push(section, "Trung vị".into(), Figure::Duration(x.median_secs), Figure::Duration(y.median_secs));
        let p90 = |t: &TimeFigures| Figure::Duration(t.p90_secs.map(|s| s as f64));
        push(section, "90% số lượt không quá".into(), p90(x), p90(y));
        let label = format!("Tỷ lệ trong chỉ tiêu ({} phút)", target / 60);
        push(section, label, Figure::Share(x.within_target), Figure::Share(y.within_target));
    }
    let by = "Theo quầy";
    let counters = |w: &WeekFigures| w.visits.per_counter.iter().map(|c| (c.counter, c.times)).collect();
    let (ca, cb): (BTreeMap<u16, GroupTimes>, BTreeMap<u16, GroupTimes>) = (counters(a), counters(b));
    for c in keys(&ca, &cb) {
        let (x, y) = (ca.get(&c).copied().unwrap_or_default(), cb.get(&c).copied().unwrap_or_default());
        push(by, format!("Quầy {c}: số lượt"), Figure::Count(x.visits), Figure::Count(y.visits));
        let (wx, wy) = (x.waiting_median_secs, y.waiting_median_secs);
        push(by, format!("Quầy {c}: trung vị thời gian chờ"), Figure::Duration(wx), Figure::Duration(wy));
        let (sx, sy) = (x.service_median_secs, y.service_median_secs);
        push(by, format!("Quầy {c}: trung vị thời gian giải quyết"), Figure::Duration(sx), Figure::Duration(sy));
    }
    let sat = "Mức độ hài lòng";
    push(sat, "Số lượt đánh giá".into(), Figure::Count(a.satisfaction.ratings), Figure::Count(b.satisfaction.ratings));
    for (i, level) in LEVELS.iter().enumerate().rev() {
        let (x, y) = (a.satisfaction.distribution[i], b.satisfaction.distribution[i]);
        push(sat, (*level).into(), Figure::Count(x), Figure::Count(y));
    }
    let (x, y) = (a.satisfaction.share_satisfied, b.satisfaction.share_satisfied);
    push(sat, "Tỷ lệ hài lòng".into(), Figure::Share(x), Figure::Share(y));
    let (x, y) = both(&|w| Figure::Count(w.satisfaction.finished));
    push(sat, "Số lượt đã kết thúc".into(), x, y);
    let (x, y) = both(&|w| Figure::Share(w.satisfaction.rated_share));
    push(sat, "Tỷ lệ lượt đã kết thúc được đánh giá".into(), x, y);
    let why = "Lý do không hài lòng (2 mức thấp nhất)";
    for r in keys(&a.satisfaction.low_reasons, &b.satisfaction.low_reasons) {
        let (x, y) = (a.satisfaction.low_reasons.get(&r), b.satisfaction.low_reasons.get(&r));
        push(why, r.label_vi().into(), count(x), count(y));
    }
    // Every official rated in either week: the share above the minimum sample, else how many
    // ratings there were ("chưa đủ mẫu"); their median times beside it.
    let by = "Theo cán bộ";
    let rated = |s: &Satisfaction| {
        s.per_official.keys().chain(s.below_sample.iter()).map(|o| (o.clone(), ())).collect::<BTreeMap<_, _>>()
    };
    let mut officials: BTreeMap<String, ()> = rated(&a.satisfaction);
    officials.extend(rated(&b.satisfaction));
    officials.extend(a.visits.official_times.keys().chain(b.visits.official_times.keys()).map(|o| (o.clone(), ())));
    for o in names(&officials, &BTreeMap::new()) {
        let share = |s: &Satisfaction| match s.per_official.get(&o) {
            Some(x) => Figure::Share(Some(x.share_satisfied)),
            None if s.below_sample.contains(&o) => {
                Figure::BelowSample(s.below_sample_ratings.get(&o).copied().unwrap_or(0))
            }
            None => Figure::Share(None),
        };
        push(by, format!("{o}: tỷ lệ hài lòng"), share(&a.satisfaction), share(&b.satisfaction));
        let g = |w: &WeekFigures| w.visits.official_times.get(&o).copied().unwrap_or_default();
        let (x, y) = (g(a).waiting_median_secs, g(b).waiting_median_secs);
        push(by, format!("{o}: trung vị thời gian chờ"), Figure::Duration(x), Figure::Duration(y));
        let (x, y) = (g(a).service_median_secs, g(b).service_median_secs);
        push(by, format!("{o}: trung vị thời gian giải quyết"), Figure::Duration(x), Figure::Duration(y));
    }
    let dossier = "Hồ sơ hẹn trả kết quả";
    for (label, f) in [
        ("Đến hẹn trong tuần", (|d: &DossierFigures| d.due) as fn(&DossierFigures) -> u32),
        ("Trả đúng hẹn", |d| d.returned_on_time),
        ("Trả trễ hẹn", |d| d.returned_late),
        ("Quá hẹn chưa trả", |d| d.still_out),
        ("Phiếu xin lỗi và hẹn lại đã gửi", |d| d.apologies),
    ] {
        push(dossier, label.into(), Figure::Count(f(&a.dossiers)), Figure::Count(f(&b.dossiers)));
    }
    let fb = "Góp ý, phản ánh, kiến nghị";
    push(fb, "Tiếp nhận".into(), Figure::Count(a.feedback.received), Figure::Count(b.feedback.received));
    let (x, y) = (a.feedback.answered_on_time, b.feedback.answered_on_time);
    push(fb, "Giải quyết đúng hạn".into(), Figure::Count(x), Figure::Count(y));
    let (x, y) = (a.feedback.answered_late, b.feedback.answered_late);
    push(fb, "Giải quyết trễ hạn".into(), Figure::Count(x), Figure::Count(y));
    push(fb, "Quá hạn chưa giải quyết".into(), Figure::Count(a.feedback.overdue), Figure::Count(b.feedback.overdue));
    let (x, y) = both(&|w| Figure::Count(w.feedback.open_not_overdue));
    push(fb, "Đang giải quyết, chưa quá hạn".into(), x, y);
    push(fb, "Được hỏi mức hài lòng".into(), Figure::Count(a.feedback.rated), Figure::Count(b.feedback.rated));
    push(fb, "Hài lòng với kết quả".into(), Figure::Count(a.feedback.satisfied), Figure::Count(b.feedback.satisfied));
    let by = "Góp ý theo kênh";
    for c in keys(&a.feedback.by_channel, &b.feedback.by_channel) {
        push(by, c.label().into(), count(a.feedback.by_channel.get(&c)), count(b.feedback.by_channel.get(&c)));
    }
    let by = "Góp ý theo loại";
    for k in keys(&a.feedback.by_kind, &b.feedback.by_kind) {
        push(by, k.label().into(), count(a.feedback.by_kind.get(&k)), count(b.feedback.by_kind.get(&k)));
    }
    let cam = "Camera giám sát";
    let (x, y) = (&a.cameras, &b.cameras);
    push(cam, "Lượt kiểm tra đã làm".into(), Figure::Count(x.checks_done), Figure::Count(y.checks_done));
    push(cam, "Ca bỏ lỡ kiểm tra".into(), Figure::Count(x.checks_missed), Figure::Count(y.checks_missed));
    push(cam, "Lượt kiểm tra có lỗi".into(), Figure::Count(x.checks_failed), Figure::Count(y.checks_failed));
    let (nx, ny) = (x.outages.len() as u32, y.outages.len() as u32);
    push(cam, "Lần gián đoạn".into(), Figure::Count(nx), Figure::Count(ny));
    let served = |c: &CameraFigures| Figure::Count(c.outages.iter().map(|o| o.visits_served).sum());
    push(cam, "Lượt tiếp dân trong lúc camera gián đoạn".into(), served(x), served(y));
    // Which shifts were missed, and how long each outage lasted: one line each, in either week.
    let missed = |c: &CameraFigures| {
        let mut m: BTreeMap<(String, Shift), u32> = BTreeMap::new();
        for s in &c.missed_shifts {
            *m.entry((s.camera_name.clone(), s.shift)).or_default() += 1;
        }
        m
    };
    let (mx, my) = (missed(x), missed(y));
    for key in keys(&mx, &my) {
        let label = format!("{}: ca {}", key.0, key.1.label());
        push("Ca bỏ lỡ kiểm tra camera", label, count(mx.get(&key)), count(my.get(&key)));
    }
    let outages = |c: &CameraFigures| {
        c.outages.iter().map(|o| (outage_label(o), o.lasted_secs as f64)).collect::<BTreeMap<String, f64>>()
    };
    let (ox, oy) = (outages(x), outages(y));
    for label in keys(&ox, &oy) {
        let d = |m: &BTreeMap<String, f64>| Figure::Duration(m.get(&label).copied());
        push("Thời gian camera gián đoạn", label.clone(), d(&ox), d(&oy));
    }
    let idx = "Chỉ số";
    let (x, y) = (a.indexes.feedback_on_time, b.indexes.feedback_on_time);
    push(idx, "Góp ý giải quyết đúng hạn".into(), Figure::Share(x), Figure::Share(y));
    let (x, y) = (a.indexes.feedback_satisfaction, b.indexes.feedback_satisfaction);
    push(idx, "Người góp ý hài lòng với kết quả giải quyết".into(), Figure::Share(x), Figure::Share(y));
    let (x, y) = (a.indexes.procedure_satisfaction, b.indexes.procedure_satisfaction);
    push(idx, "Hài lòng khi giải quyết thủ tục".into(), Figure::Share(x), Figure::Share(y));
    rows
}

/// "Camera quầy 1: 08:30 16/11/2026 – 12:00 16/11/2026", or "– nay" while it lasts.
fn outage_label(o: &OutageServed) -> String {
    let to = o.outage.to.map_or_else(|| "nay".to_owned(), crate::time::local_text);
    format!("{}: {} – {}", o.camera_name, crate::time::local_text(o.outage.from), to)
}

/// Splits a label into lines of at most `width` characters at spaces (a word longer than the
/// width stands alone), so tables stay aligned however long a procedure's name.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

crate::feedback::word_enum!(
    /// The files the weekly summary is exported to (the wire name is the file's extension).
    ExportFormat, InputError::ExportFormatInvalid, {
        Xlsx = "xlsx" | "excel" => "Excel",
        Pdf = "pdf" => "PDF",
        Csv = "csv" => "CSV",
    }
);

impl ExportFormat {
    /// The file's name: the week and the format ("bao-cao-tuan-2026-W47.xlsx").
    pub fn file_name(self, week: Week) -> String {
        format!("bao-cao-tuan-{week}.{}", self.wire())
    }
}

/// The report as CSV (UTF-8 with a byte-order mark so spreadsheet programs read the accents):
/// section, line, this week, last week; numbers plain, shares in per cent, times in minutes.
pub fn to_csv(summary: &WeeklySummary) -> String {
    let field = |text: &str| {
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    };
    let number = |f: Figure| match f.cell() {
        Cell::Number(n) => n.to_string(),
        Cell::Text(t) => field(&t),
        Cell::Empty => String::new(),
    };
    let mut out = String::from("\u{feff}");
    let (this, last) = (summary.this_week.week, summary.last_week.week);
    out.push_str(&format!("Mục,Chỉ tiêu,Tuần {this},Tuần {last}\r\n"));
    for row in rows(summary) {
        let line = [field(&row.section), field(&row.label), number(row.this_week), number(row.last_week)];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    // The footnote is a line of four fields like the others, so the file reads as one table.
    out.push_str(&format!("Ghi chú,{},,\r\n", field(FOOTNOTE)));
    if !summary.amendments.is_empty() {
        out.push_str(&format!("\r\n{},Chỉ tiêu,Đã duyệt,Hiện nay\r\n", crate::approval::AMENDMENTS));
        for a in &summary.amendments {
            let n = |f: Option<Figure>| f.map(number).unwrap_or_default();
            let line = [field(&a.section), field(&a.label), n(a.approved), n(a.now)];
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::{Deadline, Stage, Status};
    use crate::testing::local;

    fn week47() -> Week {
        Week::try_from("2026-W47".to_owned()).unwrap()
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
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[1, 2, 3, 4]), Some(2.5));
        assert_eq!(median(&[3]), Some(3.0));
        assert_eq!(median(&[]), None);
        // Waits of 5, 10, 20 and 30 minutes: Excel's MEDIAN gives 15; p90 stays nearest rank.
        let t = TimeFigures::of(vec![1800, 300, 1200, 600], 900);
        assert_eq!((t.median_secs, t.p90_secs), (Some(900.0), Some(1800)));
        assert_eq!(Figure::Duration(t.median_secs).text(), "15 phút");
        assert_eq!(Figure::Duration(Some(7500.0)).text(), "2 giờ 5 phút");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!((percentile(&v, 0.5), percentile(&v, 0.9)), (Some(5), Some(9)));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[allow(clippy::too_many_arguments)]
    fn visit(
        at: DateTime<Utc>,
        procedure: Option<&str>,
        official: Option<&str>,
        counter: Option<u16>,
        outcome: Option<Outcome>,
        wait_min: Option<i64>,
        service_min: Option<i64>,
        rating: Option<u8>,
    ) -> Visit {
        Visit {
            id: Uuid::now_v7(),
            ticket: None,
            arrived_at: at,
            name: "Người dân".into(),
            procedure: procedure.map(Into::into),
            procedure_id: None,
            phone: None,
            citizen_id: None,
            note: None,
            device_id: Uuid::nil(),
            trip: 1,
            calls: u32::from(official.is_some()),
            last_called_at: wait_min.map(|m| at + Duration::minutes(m)),
            official: official.map(Into::into),
            counter,
            finished_at: outcome.map(|_| at + Duration::minutes(wait_min.unwrap_or(0) + service_min.unwrap_or(0))),
            outcome,
            appointment: None,
            appointment_reason: None,
            apology: false,
            returned_at: None,
            waiting_secs: wait_min.map(|m| m * 60),
            service_secs: service_min.map(|m| m * 60),
            rating,
            rating_reasons: vec![],
            rescheduled_at: None,
            guidance: None,
            transfer_counter: None,
            transfer_official: None,
        }
    }

    fn item(
        received: DateTime<Utc>,
        channel: Channel,
        kind: Kind,
        state: DeadlineState,
        finished: Option<DateTime<Utc>>,
    ) -> FeedbackItem {
        FeedbackItem {
            id: Uuid::now_v7(),
            received_at: received,
            channel,
            kind,
            content: "x".into(),
            official: None,
            procedure: None,
            submitter: None,
            contact: None,
            hide_name: false,
            attachments: vec![],
            box_session: None,
            status: Status::Received,
            resumes_to: None,
            national_code: None,
            answer: None,
            satisfied: None,
            deadline: Deadline { due: None, state, stage: Stage::Respond, finished_at: finished },
            deadline_label: String::new(),
        }
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

    /// The figures an office head asks for beside the first ones, each worked out by hand.
    #[test]
    fn unfinished_visits_repeat_trips_reasons_dossiers_counters_and_camera_shifts() {
        let hoa = Some("Lê Thị Hoa");
        let nam = Some("Trần Văn Nam");
        let mut visits = vec![
            // Counter 1, Hoa: waits 5 and 15, services 10 and 20; the second on a second trip.
            visit(
                local(2026, 11, 16, 8, 0),
                Some("Đăng ký khai sinh"),
                hoa,
                Some(1),
                Some(Outcome::Resolved),
                Some(5),
                Some(10),
                Some(2),
            ),
            visit(
                local(2026, 11, 16, 9, 0),
                Some("Đăng ký khai sinh"),
                hoa,
                Some(1),
                Some(Outcome::Resolved),
                Some(15),
                Some(20),
                Some(1),
            ),
            // Counter 2, Nam: a third trip, rated 5.
            visit(
                local(2026, 11, 17, 9, 0),
                Some("Chứng thực"),
                nam,
                Some(2),
                Some(Outcome::Guided),
                Some(10),
                Some(5),
                Some(5),
            ),
            // Called, never finished by the week's end.
            visit(local(2026, 11, 20, 16, 0), Some("Di chuyển hộ khẩu"), nam, Some(2), None, Some(20), None, None),
            // Finished, not rated; no procedure recorded.
            visit(local(2026, 11, 20, 10, 0), None, nam, Some(2), Some(Outcome::Resolved), Some(2), Some(3), None),
        ];
        visits[0].rating_reasons = vec![RatingReason::WaitingTime];
        visits[1].rating_reasons = vec![RatingReason::WaitingTime, RatingReason::Attitude];
        visits[1].trip = 2;
        visits[2].trip = 3;
        // Dossiers: due Wednesday 18/11 and returned that day; due Thursday 19/11, returned
        // Monday 23/11 (next week: still out at this week's end); due Tuesday 10/11, returned
        // Friday 20/11 (late); rescheduled with an apology slip on Monday 16/11 to 27/11.
        let dossier = |appointment: &str, returned: Option<DateTime<Utc>>| {
            let mut v =
                visit(local(2026, 11, 9, 9, 0), None, None, None, Some(Outcome::DossierReceived), None, None, None);
            v.appointment = Some(appointment.parse().unwrap());
            v.returned_at = returned;
            v
        };
        let mut apology = dossier("2026-11-27", None);
        apology.apology = true;
        apology.rescheduled_at = Some(local(2026, 11, 16, 10, 0));
        let dossiers = vec![
            dossier("2026-11-18", Some(local(2026, 11, 18, 15, 0))),
            dossier("2026-11-19", Some(local(2026, 11, 23, 8, 0))),
            dossier("2026-11-10", Some(local(2026, 11, 20, 9, 0))),
            apology,
        ];
        let feedback = vec![
            item(
                local(2026, 11, 18, 9, 0),
                Channel::Box,
                Kind::Recommendation,
                DeadlineState::Open { days_left: 7 },
                None,
            ),
            item(local(2026, 11, 18, 9, 0), Channel::Box, Kind::Complaint, DeadlineState::Paused, None),
            item(local(2026, 10, 1, 9, 0), Channel::Box, Kind::Suggestion, DeadlineState::Open { days_left: -3 }, None),
        ];
        let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let cameras = vec![CameraPeriod {
            camera: Uuid::from_u128(1),
            name: "Camera quầy 1".into(),
            counter: Some(1),
            checks_done: 8,
            missed: vec![
                Shift { day: monday, half: crate::camera::Half::Afternoon },
                Shift { day: monday + Duration::days(2), half: crate::camera::Half::Morning },
            ],
            checks_failed: 1,
            // Failing from Thursday 08:00, fixed Friday 10:30: 26 h 30 min.
            outages: vec![Outage {
                from: local(2026, 11, 19, 8, 0),
                to: Some(local(2026, 11, 20, 10, 30)),
                items: [crate::camera::CheckItem::Recording].into_iter().collect(),
            }],
        }];
        let f = week_figures(&WeekInput {
            week: week47(),
            visits: &visits,
            dossiers: &dossiers,
            feedback: &feedback,
            cameras: &cameras,
            targets: Targets { min_sample: 2, ..Targets::default() },
            as_of: DateTime::<Utc>::MAX_UTC,
        });
        let v = &f.visits;
        assert_eq!((v.total, v.unfinished, v.per_outcome.values().sum::<u32>()), (5, 1, 4), "outcomes add up");
        assert_eq!((f.satisfaction.finished, f.satisfaction.rated_share), (4, Some(0.75)));
        assert_eq!((v.repeat_trips.second, v.repeat_trips.third_or_more), (1, 1));
        assert_eq!(v.repeat_trips_per_procedure["Đăng ký khai sinh"], RepeatTrips { second: 1, third_or_more: 0 });
        assert_eq!(f.satisfaction.low_reasons.get(&RatingReason::WaitingTime), Some(&2));
        assert_eq!(f.satisfaction.low_reasons.get(&RatingReason::Attitude), Some(&1));
        // Counter 1: waits 5 and 15 → 10; services 10 and 20 → 15. Counter 2: waits 10, 20, 2
        // → 10; services 5 and 3 → 4.
        assert_eq!(
            v.per_counter[0].times,
            GroupTimes { visits: 2, waiting_median_secs: Some(600.0), service_median_secs: Some(900.0) }
        );
        assert_eq!((v.per_counter[1].counter, v.per_counter[1].times.service_median_secs), (2, Some(240.0)));
        assert_eq!(v.official_times["Trần Văn Nam"].waiting_median_secs, Some(600.0));
        assert_eq!(f.satisfaction.below_sample, ["Trần Văn Nam"]);
        assert_eq!(f.satisfaction.below_sample_ratings["Trần Văn Nam"], 1);
        assert_eq!(
            f.dossiers,
            DossierFigures { due: 2, returned_on_time: 1, returned_late: 1, still_out: 1, apologies: 1 }
        );
        assert_eq!((f.feedback.open_not_overdue, f.feedback.overdue), (2, 1));
        assert_eq!(f.cameras.checks_missed, 2);
        assert_eq!(f.cameras.outages[0].lasted_secs, (26 * 60 + 30) * 60);

        let summary = WeeklySummary {
            this_week: f,
            last_week: week_figures(&WeekInput {
                week: week47().previous(),
                visits: &visits,
                dossiers: &[],
                feedback: &[],
                cameras: &[],
                targets: Targets::default(),
                as_of: DateTime::<Utc>::MAX_UTC,
            }),
            targets: Targets::default(),
            approval: Default::default(),
            amendments: vec![],
        };
        let rows = rows(&summary);
        let line = |label: &str| rows.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("{label}: {rows:#?}"));
        assert_eq!(line("Trần Văn Nam: tỷ lệ hài lòng").this_week.text(), "chưa đủ mẫu (1 lượt)");
        assert_eq!(line("Lê Thị Hoa: tỷ lệ hài lòng").this_week, Figure::Share(Some(0.0)));
        assert_eq!(line("Camera quầy 1: ca chiều 16/11/2026").this_week, Figure::Count(1));
        assert_eq!(line("Camera quầy 1: 08:00 19/11/2026 – 10:30 20/11/2026").this_week.text(), "26 giờ 30 phút");
        assert_eq!(line("Chưa kết thúc khi hết tuần").this_week, Figure::Count(1));
        // Procedures in Vietnamese order: Đ after D, "Khác" last.
        let procedures: Vec<&str> =
            rows.iter().filter(|r| r.section == "Lượt tiếp theo thủ tục").map(|r| r.label.as_str()).collect();
        assert_eq!(procedures, ["Chứng thực", "Di chuyển hộ khẩu", "Đăng ký khai sinh", "Khác"]);
        let csv = to_csv(&summary);
        assert!(csv.contains("Theo cán bộ,Trần Văn Nam: tỷ lệ hài lòng,chưa đủ mẫu (1 lượt),\r\n"), "{csv}");
        assert!(csv.contains("Ghi chú,") && csv.contains("MEDIAN"));
    }

    #[test]
    fn long_labels_wrap_at_spaces() {
        assert_eq!(wrap("Cấp bản sao trích lục hộ tịch", 12), ["Cấp bản sao", "trích lục hộ", "tịch"]);
        assert_eq!(wrap("ngắn", 44), ["ngắn"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn the_rows_and_the_csv_carry_the_same_figures() {
        let visits = vec![
            visit(
                local(2026, 11, 16, 8, 10),
                Some("Chứng thực, bản sao"),
                Some("Lê Thị Hoa"),
                Some(1),
                Some(Outcome::Resolved),
                Some(5),
                Some(10),
                Some(5),
            ),
            visit(local(2026, 11, 10, 9, 0), None, None, None, Some(Outcome::Left), None, None, None),
        ];
        let figures = |week: Week| {
            week_figures(&WeekInput {
                week,
                visits: &visits,
                dossiers: &[],
                feedback: &[],
                cameras: &[],
                targets: Targets::default(),
                as_of: DateTime::<Utc>::MAX_UTC,
            })
        };
        let summary = WeeklySummary {
            approval: Default::default(),
            amendments: Vec::new(),
            this_week: figures(week47()),
            last_week: figures(week47().previous()),
            targets: Targets::default(),
        };
        let rows = rows(&summary);
        let total = &rows[0];
        assert_eq!(
            (total.label.as_str(), total.this_week, total.last_week),
            ("Tổng số lượt", Figure::Count(1), Figure::Count(1))
        );
        let waiting = rows.iter().find(|r| r.section == "Thời gian chờ" && r.label == "Trung vị").unwrap();
        assert_eq!((waiting.this_week.text(), waiting.last_week.text()), ("5 phút".to_owned(), "—".to_owned()));
        let satisfied = rows.iter().find(|r| r.label == "Tỷ lệ hài lòng").unwrap();
        assert_eq!(satisfied.this_week.text(), "100,0 %");
        let csv = to_csv(&summary);
        assert!(csv.starts_with("\u{feff}Mục,Chỉ tiêu,Tuần 2026-W47,Tuần 2026-W46\r\n"));
        // A label with a comma is quoted; a share is a plain per cent; nothing is a blank line.
        assert!(csv.contains("Lượt tiếp theo thủ tục,\"Chứng thực, bản sao\",1,0\r\n"), "{csv}");
        assert!(csv.contains("Mức độ hài lòng,Tỷ lệ hài lòng,100,\r\n"), "{csv}");
        assert_eq!(csv.lines().count(), rows.len() + 2, "the header, the lines and the footnote");
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
