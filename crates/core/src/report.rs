//! The weekly report above its figures: the lines the screen, the CLI and every export print
//! (`rows`), the CSV, the footnote, the approval's status line and the amendments since it.
//!
//! `summary` computes the figures and `approval` keeps a week's steps; this module turns both
//! into what people read, so neither of them needs the other's view.

use crate::approval::ApprovalView;
use crate::camera::Shift;
use crate::reception::ReceptionWeek;
use crate::summary::{
    CameraFigures, DossierFigures, GroupTimes, OutageServed, Satisfaction, Targets, TimeFigures, Week, WeekFigures,
    OTHER,
};
use crate::visit::InputError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the report's footnote says of how the times are computed.
pub const FOOTNOTE: &str = "Trung vị: giá trị ở giữa khi xếp các lượt theo thời gian (số lượt chẵn: trung bình cộng hai giá trị giữa, như hàm MEDIAN của Excel). \
\"90% số lượt không quá\": phân vị 90 theo thứ hạng gần nhất (giá trị nhỏ nhất mà ít nhất 90% số lượt không vượt quá). \
Quá hạn tính theo ngày làm việc; hạn đã qua thì quá hạn ít nhất 1 ngày.";

/// The summary as the screen, the exports and the province see it: this week and the last.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklySummary {
    /// The approved figures while the week is locked, else the log's figures now.
    pub this_week: WeekFigures,
    pub last_week: WeekFigures,
    pub targets: Targets,
    /// Where this week's approval stands.
    #[serde(default)]
    pub approval: ApprovalView,
    /// Lines the log now gives differently from the approved figures (a locked week only).
    #[serde(default)]
    pub amendments: Vec<Amendment>,
}

/// The weekly summary as the window shows it: the same lines the exports print, the counts the
/// charts draw, and the approval. The desk works it out, so the window's wasm carries neither the
/// week's figures' decoder nor the report's rules (151 KB of the bundle when measured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryView {
    pub week: Week,
    pub last_week: Week,
    pub rows: Vec<Row>,
    /// Visits per day, Monday first: this week, then the last.
    pub per_day: [Vec<u32>; 2],
    /// Visits per hour of the day, 0 to 23.
    pub per_hour: [Vec<u32>; 2],
    /// Ratings per level, 1 to 5.
    pub levels: [Vec<u32>; 2],
    pub approval: ApprovalView,
    pub amendments: Vec<Amendment>,
}

impl WeeklySummary {
    /// What the window shows of it.
    pub fn view(&self) -> SummaryView {
        let (this, last) = (&self.this_week, &self.last_week);
        SummaryView {
            week: this.week,
            last_week: last.week,
            rows: rows(self),
            per_day: [this.visits.per_day.to_vec(), last.visits.per_day.to_vec()],
            per_hour: [this.visits.per_hour.to_vec(), last.visits.per_hour.to_vec()],
            levels: [this.satisfaction.distribution.to_vec(), last.satisfaction.distribution.to_vec()],
            approval: self.approval.clone(),
            amendments: self.amendments.clone(),
        }
    }
}

/// A share (0 to 1) in tenths of a per cent, rounded half away from zero as Excel's
/// `ROUND(x*100; 1)` rounds: 1/16 is 63 (6,3 %), where a float formatter's half-to-even writes 6,2.
/// The nudge (10⁻⁹) undoes the float error of a share that is exactly a half tenth; a share of
/// counts under a million that is not one lies at least 5·10⁻⁷ of a tenth away from a half.
pub fn share_tenths(share: f64) -> i64 {
    let tenths = share * 1000.0;
    (tenths + tenths.signum() * 1e-9).round() as i64
}

/// Tenths written with the Vietnamese decimal comma: 667 → "66,7".
pub fn tenths_text(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{},{}", tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10)
}

/// One figure as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
            Figure::Share(Some(x)) => format!("{} %", tenths_text(share_tenths(x))),
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
            Figure::Share(x) => x.map(|x| share_tenths(x) as f64 / 10.0),
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
        push(by, o.label().into(), count(a.visits.per_outcome.get(&o)), count(b.visits.per_outcome.get(&o)));
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
        push(why, r.label().into(), count(x), count(y));
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
    let rec = "Tiếp công dân định kỳ";
    for (label, f) in [
        ("Buổi tiếp theo lịch", (|r: &ReceptionWeek| r.scheduled) as fn(&ReceptionWeek) -> u32),
        ("Buổi đã tiếp", |r| r.held),
        ("Buổi không tổ chức (có lý do)", |r| r.not_held),
        ("Buổi đến lịch chưa ghi kết quả", |r| r.unrecorded),
        ("Công dân được tiếp", |r| r.citizens),
    ] {
        push(rec, label.into(), Figure::Count(f(&a.reception)), Figure::Count(f(&b.reception)));
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

crate::words::word_enum!(
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
        if text.contains([',', '"', '\r', '\n']) {
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
        out.push_str(&format!("\r\n{},Chỉ tiêu,Đã duyệt,Hiện nay\r\n", AMENDMENTS));
        for a in &summary.amendments {
            let n = |f: Option<Figure>| f.map(number).unwrap_or_default();
            let line = [field(&a.section), field(&a.label), n(a.approved), n(a.now)];
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// A line whose figure changed after the week was approved: the approved figure and today's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    pub section: String,
    pub label: String,
    pub approved: Option<Figure>,
    pub now: Option<Figure>,
}

/// The report of a locked week shows what was approved; every line that the log now gives
/// differently is listed beside it, never folded in silently.
pub fn amendments(approved: &WeeklySummary, live: &WeeklySummary) -> Vec<Amendment> {
    let (approved, live) = (rows(approved), rows(live));
    let figures = |rows: &[Row]| -> BTreeMap<(String, String), Figure> {
        rows.iter().map(|r| ((r.section.clone(), r.label.clone()), r.this_week)).collect()
    };
    let (before, after) = (figures(&approved), figures(&live));
    // Today's lines in report order, then lines that are gone since the approval.
    let gone = approved.iter().filter(|r| !after.contains_key(&(r.section.clone(), r.label.clone())));
    live.iter()
        .chain(gone)
        .filter_map(|r| {
            let key = (r.section.clone(), r.label.clone());
            let (was, now) = (before.get(&key).copied(), after.get(&key).copied());
            (was != now).then_some(Amendment { section: key.0, label: key.1, approved: was, now })
        })
        .collect()
}

/// The heading of the amendments' table in the exports.
pub const AMENDMENTS: &str = "Sửa đổi sau khi duyệt (chưa đưa vào số liệu đã duyệt)";

/// Where the week's approval stands: the line the CLI and every export print under the title.
pub fn status_line(summary: &WeeklySummary) -> String {
    let a = &summary.approval;
    let mut line = format!("Trạng thái: {}", a.label);
    if let Some(at) = a.locked_since {
        line.push_str(&format!(" lúc {}", crate::time::local_text(at)));
    }
    if a.approvals > 1 {
        line.push_str(&format!(" · bản sửa đổi lần {}", a.approvals - 1));
    }
    if !summary.amendments.is_empty() {
        line.push_str(&format!(" · {} dòng thay đổi sau khi duyệt", summary.amendments.len()));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_rounds_half_away_from_zero_as_excel_does_in_text_and_cell_alike() {
        // ROUND(part/whole*100; 1), done exactly in integers, for every share of up to 600 counts.
        for whole in 1u64..=600 {
            for part in 0..=whole {
                let exact = ((part * 2000 + whole) / (2 * whole)) as i64;
                let share = part as f64 / whole as f64;
                assert_eq!(share_tenths(share), exact, "{part}/{whole}");
            }
        }
        let figure = Figure::Share(Some(1.0 / 16.0));
        assert_eq!(figure.text(), "6,3 %", "6.25 rounds up, not to the even 6,2");
        assert_eq!(figure.number(), Some(6.3));
        assert_eq!(Figure::Share(Some(15.0 / 16.0)).text(), "93,8 %");
        assert_eq!(Figure::Share(Some(2.0 / 3.0)).text(), "66,7 %");
        assert_eq!(Figure::Share(Some(0.0)).text(), "0,0 %");
        assert_eq!(Figure::Share(Some(1.0)).text(), "100,0 %");
        assert_eq!(tenths_text(-5), "-0,5");
    }
    use crate::approval::{ApprovalStep, WeekApproval};
    use crate::camera::Outage;
    use crate::feedback::{Channel, DeadlineState, Kind};
    use crate::summary::CameraPeriod;
    use crate::summary::RepeatTrips;
    use crate::summary::{week_figures, WeekInput};
    use crate::testing::{figures, hlc, item, local, visit, week47};
    use crate::visit::{Outcome, RatingReason};
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use uuid::Uuid;

    /// `h` o'clock on `d` November 2026, Vietnam time.
    fn at(d: u32, h: u32) -> DateTime<Utc> {
        local(2026, 11, d, h, 0)
    }

    #[test]
    fn durations_read_in_minutes_and_hours() {
        assert_eq!(Figure::Duration(Some(900.0)).text(), "15 phút");
        assert_eq!(Figure::Duration(Some(7500.0)).text(), "2 giờ 5 phút");
        assert_eq!(Figure::Duration(None).text(), "—");
    }

    fn approve(d: u32, h: u32) -> ApprovalStep {
        ApprovalStep::Approved { at: at(d, h), figures: Box::new(figures(week47(), &[])) }
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
        let view = summary.view();
        assert_eq!(view.rows, rows, "the screen shows the lines the exports print");
        assert_eq!((view.week, view.last_week), (week47(), week47().previous()));
        assert_eq!(view.per_day[0], summary.this_week.visits.per_day);
        assert_eq!(view.per_hour[1], summary.last_week.visits.per_hour);
        assert_eq!(view.levels[0], summary.this_week.satisfaction.distribution);
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
        assert!(!csv.replace("\r\n", "").contains(['\r', '\n']), "Excel's line ends, CRLF, and no other");
    }

    #[test]
    fn a_change_after_the_lock_shows_against_the_approved_figures() {
        use crate::visit::{NewVisit, VisitArrived, VisitChange, VisitInput, VisitState};
        let w = week47();
        let mut a = WeekApproval::default();
        a.apply(&ApprovalStep::Submitted { at: at(23, 8) }, hlc(1, 1), Some("hung.lv"));
        a.apply(&approve(23, 9), hlc(2, 1), Some("hung.lv"));
        assert_eq!(a.view().steps[1].by.as_deref(), Some("hung.lv"));
        let summary = |this_week: WeekFigures| WeeklySummary {
            this_week,
            last_week: figures(w.previous(), &[]),
            targets: Targets::default(),
            approval: a.view(),
            amendments: Vec::new(),
        };
        let approved = summary(a.approved_figures().unwrap().clone());
        assert!(amendments(&approved, &approved).is_empty());
        // A paper-book visit of Friday entered on Tuesday, after the approval.
        let visit = NewVisit::parse(VisitInput { name: "Phạm Văn Tư".into(), ..Default::default() }).unwrap();
        let mut state = VisitState::default();
        let arrived = VisitChange::Arrived(VisitArrived { arrived_at: at(20, 9), ticket: None, visit });
        state.apply(&arrived, hlc(3, 1), Uuid::from_u128(1));
        let late = state.view(Uuid::from_u128(7)).unwrap();
        let live = summary(figures(w, &[late]));
        let changed = amendments(&approved, &live);
        let total = changed.iter().find(|c| c.label == "Tổng số lượt").unwrap();
        assert_eq!((total.approved, total.now), (Some(Figure::Count(0)), Some(Figure::Count(1))));
        assert!(changed.iter().any(|c| c.label == "Thứ Sáu"), "the day it belongs to: {changed:?}");
        assert!(changed.iter().any(|c| c.label == "09:00–09:59" && c.approved.is_none()), "a new line shows too");
    }
}
