//! The weekly summary (Báo cáo tuần): every figure of one ISO week in Vietnam time, computed from
//! the registers' views (visits, feedback items, camera facts), with last week beside it.

use crate::camera::Outage;
use crate::feedback::{Channel, DeadlineState, FeedbackItem, Kind};
use crate::time::{day_bounds, local_day, vietnam};
use crate::visit::{InputError, Outcome, Visit};
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
pub struct TimeFigures {
    pub count: u32,
    pub median_secs: Option<i64>,
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
            median_secs: percentile(&secs, 0.5),
            p90_secs: percentile(&secs, 0.9),
            within_target: share(within, count),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// Finished visits by outcome.
    pub per_outcome: BTreeMap<Outcome, u32>,
    pub waiting: TimeFigures,
    pub service: TimeFigures,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OfficialSatisfaction {
    pub ratings: u32,
    pub share_satisfied: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedbackFigures {
    pub received: u32,
    pub by_channel: BTreeMap<Channel, u32>,
    pub by_kind: BTreeMap<Kind, u32>,
    /// Finished within their legal limit during the week.
    pub answered_on_time: u32,
    pub answered_late: u32,
    /// Open and past due at the week's end.
    pub overdue: u32,
    /// Of the items finished this week, those whose submitter was asked, and those satisfied.
    #[serde(default)]
    pub rated: u32,
    #[serde(default)]
    pub satisfied: u32,
}

/// An outage window of the week and the visits served at the camera's counter meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutageServed {
    pub camera: Uuid,
    pub camera_name: String,
    pub counter: Option<u16>,
    pub outage: Outage,
    pub visits_served: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CameraFigures {
    pub checks_done: u32,
    pub checks_missed: u32,
    pub checks_failed: u32,
    pub outages: Vec<OutageServed>,
}

/// The index ratios the province compares communes on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
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
pub struct WeekFigures {
    pub week: Week,
    pub visits: VisitFigures,
    pub satisfaction: Satisfaction,
    pub feedback: FeedbackFigures,
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
    pub checks_missed: u32,
    pub checks_failed: u32,
    pub outages: Vec<Outage>,
}

/// What one week is computed from. Visits are those that arrived in the week; feedback items are
/// viewed as of the week's last day (deadlines then).
pub struct WeekInput<'a> {
    pub week: Week,
    pub visits: &'a [Visit],
    pub feedback: &'a [FeedbackItem],
    pub cameras: &'a [CameraPeriod],
    pub targets: Targets,
}

fn local_hour(at: DateTime<Utc>) -> usize {
    at.with_timezone(&vietnam()).hour() as usize
}

/// Computes every figure of one week.
pub fn week_figures(input: &WeekInput<'_>) -> WeekFigures {
    let week = input.week;
    let visits: Vec<&Visit> = input.visits.iter().filter(|v| week.contains(v.arrived_at)).collect();
    let mut figures = VisitFigures { total: visits.len() as u32, ..Default::default() };
    let mut satisfaction = Satisfaction::default();
    let mut per_official_ratings: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let (mut procedure_ratings, mut procedure_satisfied) = (0, 0);
    for v in &visits {
        let day = local_day(v.arrived_at).weekday().num_days_from_monday() as usize;
        figures.per_day[day] += 1;
        figures.per_hour[local_hour(v.arrived_at)] += 1;
        *figures.per_procedure.entry(v.procedure.clone().unwrap_or_else(|| "Khác".into())).or_default() += 1;
        if let Some(official) = &v.official {
            *figures.per_official.entry(official.clone()).or_default() += 1;
        }
        if let Some(outcome) = v.outcome {
            *figures.per_outcome.entry(outcome).or_default() += 1;
        }
        if let Some(level) = v.rating.filter(|l| (1..=5).contains(l)) {
            let satisfied = u32::from(level >= 4);
            satisfaction.ratings += 1;
            satisfaction.distribution[usize::from(level - 1)] += 1;
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
    figures.waiting =
        TimeFigures::of(visits.iter().filter_map(|v| v.waiting_secs).collect(), input.targets.waiting_secs);
    figures.service =
        TimeFigures::of(visits.iter().filter_map(|v| v.service_secs).collect(), input.targets.service_secs);
    let satisfied = satisfaction.distribution[3] + satisfaction.distribution[4];
    satisfaction.share_satisfied = share(satisfied, satisfaction.ratings);
    for (official, (ratings, satisfied)) in per_official_ratings {
        if ratings >= input.targets.min_sample {
            let share_satisfied = f64::from(satisfied) / f64::from(ratings);
            satisfaction.per_official.insert(official, OfficialSatisfaction { ratings, share_satisfied });
        } else {
            satisfaction.below_sample.push(official);
        }
    }

    let mut feedback = FeedbackFigures::default();
    for item in input.feedback {
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
        // Finished late after the week ended: it was still open, and overdue, at the week's end.
        let late_after_the_week = item.deadline.finished_at.is_some_and(|at| at >= week.bounds().1)
            && item.deadline.due.is_some_and(|due| due < week.sunday());
        match item.deadline.state {
            DeadlineState::MetOnTime if finished_this_week => feedback.answered_on_time += 1,
            DeadlineState::MetLate { .. } if finished_this_week => feedback.answered_late += 1,
            DeadlineState::MetLate { .. } if late_after_the_week => feedback.overdue += 1,
            _ if item.deadline.is_overdue() => feedback.overdue += 1,
            _ => {}
        }
    }

    let mut cameras = CameraFigures::default();
    for camera in input.cameras {
        cameras.checks_done += camera.checks_done;
        cameras.checks_missed += camera.checks_missed;
        cameras.checks_failed += camera.checks_failed;
        for outage in &camera.outages {
            let (start, end) = week.bounds();
            let from = outage.from.max(start);
            let to = outage.to.map_or(end, |t| t.min(end));
            let served = visits
                .iter()
                .filter(|v| camera.counter.is_some() && v.counter == camera.counter)
                .filter(|v| v.last_called_at.is_some_and(|at| from <= at && at < to))
                .count() as u32;
            cameras.outages.push(OutageServed {
                camera: camera.camera,
                camera_name: camera.name.clone(),
                counter: camera.counter,
                outage: outage.clone(),
                visits_served: served,
            });
        }
    }

    let indexes = Indexes {
        feedback_on_time: share(feedback.answered_on_time, feedback.answered_on_time + feedback.answered_late),
        feedback_satisfaction: share(feedback.satisfied, feedback.rated),
        procedure_satisfaction: share(procedure_satisfied, procedure_ratings),
    };
    WeekFigures { week, visits: figures, satisfaction, feedback, cameras, indexes }
}

/// One figure as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Figure {
    Count(u32),
    /// A share between 0 and 1; `None` when there was nothing to divide.
    Share(Option<f64>),
    /// A duration in seconds, shown in minutes.
    Duration(Option<i64>),
}

impl Figure {
    /// As the screen and the PDF print it: "12", "66,7 %", "10 phút", "—".
    pub fn text(self) -> String {
        match self {
            Figure::Count(n) => n.to_string(),
            Figure::Share(Some(x)) => format!("{:.1} %", x * 100.0).replace('.', ","),
            Figure::Duration(Some(secs)) => format!("{} phút", (secs + 30) / 60),
            Figure::Share(None) | Figure::Duration(None) => "—".to_owned(),
        }
    }

    /// As the spreadsheet and the CSV hold it: a plain number (shares in per cent, durations in
    /// minutes, one decimal), or nothing.
    pub fn number(self) -> Option<f64> {
        match self {
            Figure::Count(n) => Some(f64::from(n)),
            Figure::Share(x) => x.map(|x| (x * 1000.0).round() / 10.0),
            Figure::Duration(secs) => secs.map(|s| (s as f64 / 6.0).round() / 10.0),
        }
    }
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

/// Every line of the report, in order: the one list the screen, the CLI and every export print,
/// so they cannot disagree.
pub fn rows(summary: &WeeklySummary) -> Vec<Row> {
    let (a, b) = (&summary.this_week, &summary.last_week);
    let mut rows = Vec::new();
    let mut push = |section: &str, label: String, this_week: Figure, last_week: Figure| {
        rows.push(Row { section: section.to_owned(), label, this_week, last_week });
    };
    let count = |n: Option<&u32>| Figure::Count(n.copied().unwrap_or(0));
    // Keys present in either week, so a figure that fell to zero still shows.
    fn keys<K: Ord + Clone, V>(x: &BTreeMap<K, V>, y: &BTreeMap<K, V>) -> Vec<K> {
        let mut all: Vec<K> = x.keys().chain(y.keys()).cloned().collect();
        all.sort();
        all.dedup();
        all
    }

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
    for p in keys(&a.visits.per_procedure, &b.visits.per_procedure) {
        push(by, p.clone(), count(a.visits.per_procedure.get(&p)), count(b.visits.per_procedure.get(&p)));
    }
    let by = "Lượt tiếp theo cán bộ";
    for o in keys(&a.visits.per_official, &b.visits.per_official) {
        push(by, o.clone(), count(a.visits.per_official.get(&o)), count(b.visits.per_official.get(&o)));
    }
    let by = "Lượt tiếp theo kết quả";
    for o in keys(&a.visits.per_outcome, &b.visits.per_outcome) {
        push(by, o.label_vi().into(), count(a.visits.per_outcome.get(&o)), count(b.visits.per_outcome.get(&o)));
    }
    for (section, x, y, target) in [
        ("Thời gian chờ", &a.visits.waiting, &b.visits.waiting, summary.targets.waiting_secs),
        ("Thời gian giải quyết", &a.visits.service, &b.visits.service, summary.targets.service_secs),
    ] {
        push(section, "Trung vị".into(), Figure::Duration(x.median_secs), Figure::Duration(y.median_secs));
        push(section, "90% số lượt không quá".into(), Figure::Duration(x.p90_secs), Figure::Duration(y.p90_secs));
        let label = format!("Tỷ lệ trong chỉ tiêu ({} phút)", target / 60);
        push(section, label, Figure::Share(x.within_target), Figure::Share(y.within_target));
    }
    let sat = "Mức độ hài lòng";
    push(sat, "Số lượt đánh giá".into(), Figure::Count(a.satisfaction.ratings), Figure::Count(b.satisfaction.ratings));
    for (i, level) in LEVELS.iter().enumerate().rev() {
        let (x, y) = (a.satisfaction.distribution[i], b.satisfaction.distribution[i]);
        push(sat, (*level).into(), Figure::Count(x), Figure::Count(y));
    }
    let (x, y) = (a.satisfaction.share_satisfied, b.satisfaction.share_satisfied);
    push(sat, "Tỷ lệ hài lòng".into(), Figure::Share(x), Figure::Share(y));
    let by = "Tỷ lệ hài lòng theo cán bộ";
    for o in keys(&a.satisfaction.per_official, &b.satisfaction.per_official) {
        let share = |s: &Satisfaction| Figure::Share(s.per_official.get(&o).map(|x| x.share_satisfied));
        push(by, o.clone(), share(&a.satisfaction), share(&b.satisfaction));
    }
    let fb = "Góp ý, phản ánh, kiến nghị";
    push(fb, "Tiếp nhận".into(), Figure::Count(a.feedback.received), Figure::Count(b.feedback.received));
    let (x, y) = (a.feedback.answered_on_time, b.feedback.answered_on_time);
    push(fb, "Giải quyết đúng hạn".into(), Figure::Count(x), Figure::Count(y));
    let (x, y) = (a.feedback.answered_late, b.feedback.answered_late);
    push(fb, "Giải quyết trễ hạn".into(), Figure::Count(x), Figure::Count(y));
    push(fb, "Quá hạn chưa giải quyết".into(), Figure::Count(a.feedback.overdue), Figure::Count(b.feedback.overdue));
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
    let idx = "Chỉ số";
    let (x, y) = (a.indexes.feedback_on_time, b.indexes.feedback_on_time);
    push(idx, "Góp ý giải quyết đúng hạn".into(), Figure::Share(x), Figure::Share(y));
    let (x, y) = (a.indexes.feedback_satisfaction, b.indexes.feedback_satisfaction);
    push(idx, "Người góp ý hài lòng với kết quả giải quyết".into(), Figure::Share(x), Figure::Share(y));
    let (x, y) = (a.indexes.procedure_satisfaction, b.indexes.procedure_satisfaction);
    push(idx, "Hài lòng khi giải quyết thủ tục".into(), Figure::Share(x), Figure::Share(y));
    rows
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
    let number = |f: Figure| f.number().map(|n| n.to_string()).unwrap_or_default();
    let mut out = String::from("\u{feff}");
    let (this, last) = (summary.this_week.week, summary.last_week.week);
    out.push_str(&format!("Mục,Chỉ tiêu,Tuần {this},Tuần {last}\r\n"));
    for row in rows(summary) {
        let line = [field(&row.section), field(&row.label), number(row.this_week), number(row.last_week)];
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
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
            finished_at: None,
            outcome,
            appointment: None,
            appointment_reason: None,
            apology: false,
            returned_at: None,
            waiting_secs: wait_min.map(|m| m * 60),
            service_secs: service_min.map(|m| m * 60),
            rating,
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
            checks_missed: 1,
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
        });

        assert_eq!(f.visits.total, 4);
        assert_eq!(f.visits.per_day, [2, 1, 0, 0, 0, 0, 1]);
        assert_eq!((f.visits.per_hour[8], f.visits.per_hour[14], f.visits.per_hour[23]), (2, 1, 1));
        assert_eq!(f.visits.per_procedure.get("Đăng ký khai sinh"), Some(&2));
        assert_eq!(f.visits.per_procedure.get("Khác"), Some(&2));
        assert_eq!(f.visits.per_official.get("Lê Thị Hoa"), Some(&2));
        assert_eq!(f.visits.per_outcome.get(&Outcome::Left), Some(&1));
        // Waiting 5, 10, 20 minutes: median 10, p90 20, two of three within 15.
        assert_eq!(f.visits.waiting.median_secs, Some(600));
        assert_eq!(f.visits.waiting.p90_secs, Some(1200));
        assert_eq!(f.visits.waiting.within_target, Some(2.0 / 3.0));
        // Service 5, 10, 40: median 10, two of three within 30.
        assert_eq!((f.visits.service.median_secs, f.visits.service.within_target), (Some(600), Some(2.0 / 3.0)));
        // Ratings 5, 2, 4: two of three satisfied; Hoa (2 ratings) ranked, Nam (1) below the sample.
        assert_eq!(f.satisfaction.distribution, [0, 1, 0, 1, 1]);
        assert_eq!(f.satisfaction.share_satisfied, Some(2.0 / 3.0));
        assert_eq!(
            f.satisfaction.per_official["Lê Thị Hoa"],
            OfficialSatisfaction { ratings: 2, share_satisfied: 0.5 }
        );
        assert_eq!(f.satisfaction.below_sample, vec!["Trần Văn Nam".to_owned()]);
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
            week_figures(&WeekInput { week, visits: &visits, feedback: &[], cameras: &[], targets: Targets::default() })
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
        assert_eq!(csv.lines().count(), rows.len() + 1);
    }

    #[test]
    fn an_empty_week_has_no_ratios_rather_than_zeroes() {
        let f = week_figures(&WeekInput {
            week: week47(),
            visits: &[],
            feedback: &[],
            cameras: &[],
            targets: Targets::default(),
        });
        assert_eq!(f.visits.total, 0);
        assert_eq!(
            (f.visits.waiting.median_secs, f.satisfaction.share_satisfied, f.indexes.feedback_on_time),
            (None, None, None)
        );
    }
}
