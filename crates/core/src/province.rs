//! The province's view of its communes: when a week's report is due and whether it came on time,
//! which commune has gone silent, the overview's rates, and the console API's wire types.

use crate::approval::ApprovalStatus;
use crate::summary::Week;
use crate::visit::InputError;
use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};

/// When a week's report is due: so many days after the week's last Sunday, at a local hour and
/// minute. The province sets it; by default Tuesday 17:00 of the following week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDeadline {
    /// Days after the week's end (Monday 00:00): 1 is the Tuesday.
    pub days_after: u8,
    pub hour: u8,
    pub minute: u8,
}

impl Default for ReportDeadline {
    fn default() -> Self {
        ReportDeadline { days_after: 1, hour: 17, minute: 0 }
    }
}

impl ReportDeadline {
    /// `HH:MM` plus a number of days, as the province's settings write it (`1 17:00`).
    pub fn parse(text: &str) -> Result<ReportDeadline, String> {
        let bad =
            || format!("hạn báo cáo {text:?}: viết số ngày sau Chủ nhật rồi giờ, ví dụ \"1 17:00\" (thứ Ba 17:00)");
        let (days, clock) = text.trim().split_once(' ').ok_or_else(bad)?;
        let (hour, minute) = clock.trim().split_once(':').ok_or_else(bad)?;
        let deadline = ReportDeadline {
            days_after: days.trim().parse().map_err(|_| bad())?,
            hour: hour.parse().map_err(|_| bad())?,
            minute: minute.parse().map_err(|_| bad())?,
        };
        (deadline.days_after <= 6 && deadline.hour < 24 && deadline.minute < 60).then_some(deadline).ok_or_else(bad)
    }

    /// The instant a week's report is due. Vietnam keeps one offset all year, so the local hour
    /// adds to the week's end as plain time.
    pub fn due(self, week: Week) -> DateTime<Utc> {
        week.bounds().1
            + Duration::days(i64::from(self.days_after))
            + Duration::hours(i64::from(self.hour))
            + Duration::minutes(i64::from(self.minute))
    }

    /// A report approved within the deadline's minute is on time: times show to the minute, and
    /// an office head reading "17:00" beside a 17:00 deadline counts it on time, as Excel would.
    pub fn is_on_time(self, week: Week, reported_at: DateTime<Utc>) -> bool {
        let minute = reported_at.duration_trunc(Duration::minutes(1)).unwrap_or(reported_at);
        minute <= self.due(week)
    }
}

/// A commune with no sync for longer than this is flagged silent.
pub const SILENT_AFTER: Duration = Duration::days(3);

/// Whether a commune last heard from at `last_sync` is silent at `now` (never heard: silent).
pub fn is_silent(last_sync: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_sync.is_none_or(|at| now - at > SILENT_AFTER)
}

crate::words::word_enum!(
    /// Where a commune's report of a week stands, as the province sees it.
    ReportStatus, InputError::StatusInvalid, {
        /// Nothing of the week has reached the province.
        NotStarted = "not_started" => "Chưa bắt đầu",
        Draft = "draft" => "Bản nháp",
        Submitted = "submitted" => "Đã trình",
        Approved = "approved" => "Đã duyệt",
        Accepted = "accepted" => "Tỉnh đã nhận",
        Returned = "returned" => "Tỉnh trả lại",
    }
);

impl ReportStatus {
    /// From the week's approval, if any step reached the province, else whether any of the
    /// week's entries did.
    pub fn of(approval: Option<ApprovalStatus>, has_entries: bool) -> ReportStatus {
        match approval {
            Some(ApprovalStatus::Draft) => ReportStatus::Draft,
            Some(ApprovalStatus::Submitted) => ReportStatus::Submitted,
            Some(ApprovalStatus::Approved) => ReportStatus::Approved,
            Some(ApprovalStatus::Accepted) => ReportStatus::Accepted,
            Some(ApprovalStatus::Returned) => ReportStatus::Returned,
            None if has_entries => ReportStatus::Draft,
            None => ReportStatus::NotStarted,
        }
    }

    /// Whether the week counts as reported: approved by the commune (and not sent back).
    pub fn is_reported(self) -> bool {
        matches!(self, ReportStatus::Approved | ReportStatus::Accepted)
    }
}

/// A share written as the overview prints it: `part/whole`, and the percentage to one decimal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rate {
    pub part: u32,
    pub whole: u32,
}

impl Rate {
    /// Tenths of a per cent, rounded half away from zero as Excel's ROUND(part/whole*100, 1),
    /// in whole numbers: exact for any counts.
    pub fn tenths(self) -> Option<i64> {
        let (part, whole) = (u64::from(self.part), u64::from(self.whole));
        (whole > 0).then(|| ((part * 2000 + whole) / (2 * whole)) as i64)
    }

    /// Percent to one decimal (`tenths` / 10).
    pub fn percent(self) -> Option<f64> {
        self.tenths().map(|t| t as f64 / 10.0)
    }

    pub fn text(self) -> String {
        match self.tenths() {
            Some(t) => format!("{}/{} ({}%)", self.part, self.whole, crate::report::tenths_text(t)),
            None => "—".to_owned(),
        }
    }
}

/// One commune's line of the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverviewRow {
    pub commune_code: String,
    pub commune_name: String,
    /// The area (khu vực) the province groups its communes by; districts were abolished in 2025.
    pub district: Option<String>,
    pub status: ReportStatus,
    /// When the report in force was first approved (after any return by the province).
    pub reported_at: Option<DateTime<Utc>>,
    pub on_time: bool,
    /// How many times the week was approved: above 1 is an amended summary.
    pub approvals: u32,
    pub last_sync: Option<DateTime<Utc>>,
    pub silent: bool,
}

/// The overview of one week across the province's communes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub week: Week,
    pub due: DateTime<Utc>,
    pub reporting: Rate,
    pub on_time: Rate,
    pub silent: u32,
    pub rows: Vec<OverviewRow>,
}

impl Overview {
    /// Rates from the rows: every commune counts, reported or not (the plan asks for 100%).
    pub fn new(week: Week, deadline: ReportDeadline, rows: Vec<OverviewRow>) -> Overview {
        let whole = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let count = |f: &dyn Fn(&OverviewRow) -> bool| u32::try_from(rows.iter().filter(|r| f(r)).count()).unwrap_or(0);
        Overview {
            week,
            due: deadline.due(week),
            reporting: Rate { part: count(&|r| r.status.is_reported()), whole },
            on_time: Rate { part: count(&|r| r.status.is_reported() && r.on_time), whole },
            silent: count(&|r| r.silent),
            rows,
        }
    }
}

/// A column of the overview the province can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverviewColumn {
    Code,
    Commune,
    District,
    Status,
    Reported,
    OnTime,
    LastSync,
}

/// Sorts the overview by one column, ties by commune code. Names sort in Vietnamese order;
/// an empty value (no district, never reported, never synced) sorts last either way.
pub fn sort_rows(rows: &mut [OverviewRow], column: OverviewColumn, ascending: bool) {
    use std::cmp::Ordering;
    fn last_if_none<T: Ord>(a: &Option<T>, b: &Option<T>, ascending: bool) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) if ascending => a.cmp(b),
            (Some(a), Some(b)) => b.cmp(a),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let directed = |o: Ordering| if ascending { o } else { o.reverse() };
    rows.sort_by(|a, b| {
        let by = match column {
            OverviewColumn::Code => directed(a.commune_code.cmp(&b.commune_code)),
            OverviewColumn::Commune => {
                directed(crate::collation::key(&a.commune_name).cmp(&crate::collation::key(&b.commune_name)))
            }
            OverviewColumn::District => last_if_none(
                &a.district.as_deref().map(crate::collation::key),
                &b.district.as_deref().map(crate::collation::key),
                ascending,
            ),
            OverviewColumn::Status => directed(a.status.cmp(&b.status)),
            OverviewColumn::Reported => last_if_none(&a.reported_at, &b.reported_at, ascending),
            OverviewColumn::OnTime => directed(b.on_time.cmp(&a.on_time)),
            OverviewColumn::LastSync => last_if_none(&a.last_sync, &b.last_sync, ascending),
        };
        by.then_with(|| a.commune_code.cmp(&b.commune_code))
    });
}

/// What the province filters the overview by; `None` keeps every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    /// `Some("")` keeps the communes with no area yet.
    pub district: Option<String>,
    pub status: Option<ReportStatus>,
    /// Part of the commune's code or name, without regard to case or tone marks.
    pub text: String,
}

impl OverviewFilter {
    pub fn keeps(&self, row: &OverviewRow) -> bool {
        let district = match &self.district {
            None => true,
            Some(d) => row.district.as_deref().unwrap_or("") == d,
        };
        let status = self.status.is_none_or(|s| row.status == s);
        let needle = crate::collation::fold(self.text.trim());
        let text = needle.is_empty()
            || crate::collation::fold(&row.commune_name).contains(&needle)
            || crate::collation::fold(&row.commune_code).contains(&needle);
        district && status && text
    }
}

/// One PC of a commune as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceLine {
    pub id: uuid::Uuid,
    pub name: Option<String>,
    /// Its ticket series letter (A for the first PC, B for the second, …).
    pub series: char,
    pub enrolled_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub app_version: Option<String>,
    /// Unsent events on the PC when it last reported.
    pub pending: Option<u32>,
    pub rejected: u32,
    pub conflicts: u32,
}

/// An event of a commune the server refused or found in conflict: where from and why, never its
/// content (it may hold a citizen's data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SyncProblem {
    pub device_id: uuid::Uuid,
    pub seq: i64,
    pub kind: Option<String>,
    pub reason: String,
    pub received_at: DateTime<Utc>,
}

/// A commune's page: its week (status, the report's lines, the approval's history), its plan,
/// its PCs and what the server refused from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunePage {
    pub commune_code: String,
    pub commune_name: String,
    pub district: Option<String>,
    pub week: Week,
    pub status: ReportStatus,
    pub reported_at: Option<DateTime<Utc>>,
    pub on_time: bool,
    pub approvals: u32,
    /// The approved report's lines (this week beside last week), as the desk prints them; empty
    /// while the week is not approved.
    pub report: Vec<crate::report::Row>,
    /// The lines the approval in force changed from the one before it (an amended week).
    #[serde(default)]
    pub amendments: Vec<crate::report::Amendment>,
    pub history: Vec<crate::approval::StepView>,
    pub plan: Vec<crate::plan::PlanLine>,
    pub devices: Vec<DeviceLine>,
    pub problems: Vec<SyncProblem>,
}

/// A refusal's reason as the province may read it: what a parser quoted from the refused
/// content ("invalid type: string \"Nguyễn Văn A\"…") is blanked, since it may be a citizen's data.
pub fn without_quoted(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut quoted = false;
    for c in reason.chars() {
        match (c, quoted) {
            ('"', false) => {
                out.push_str("\"…");
                quoted = true;
            }
            ('"', true) => {
                out.push('"');
                quoted = false;
            }
            (c, false) => out.push(c),
            (_, true) => {}
        }
    }
    out
}

/// Adding (or renaming) a commune from the console.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCommune {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub district: Option<String>,
}

impl NewCommune {
    /// Trimmed and checked, as the command line and the console both add communes: a code of
    /// letters and digits no longer than events carry it, a name (and area) of at most 100
    /// characters with no control characters; an empty area is no area.
    pub fn checked(self) -> Result<NewCommune, String> {
        let max = crate::event::limits::COMMUNE_CHARS;
        let code = self.code.trim().to_owned();
        if code.is_empty() || code.chars().count() > max || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("Mã xã/phường chỉ gồm chữ và số, tối đa {max} ký tự."));
        }
        let name = self.name.trim().to_owned();
        let district = self.district.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
        let text_ok = |t: &str| t.chars().count() <= 100 && !t.chars().any(char::is_control);
        if name.is_empty() || !text_ok(&name) || !district.as_deref().is_none_or(text_ok) {
            return Err("Tên xã/phường (và khu vực) phải có, tối đa 100 ký tự, không có ký tự điều khiển.".into());
        }
        Ok(NewCommune { code, name, district })
    }
}

/// Asking for an enrolment code: for a new PC, or to re-enrol one (`device`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[serde(default)]
    pub device: Option<uuid::Uuid>,
    /// How long it stays valid: 1 to 720 hours, 72 by default.
    #[serde(default)]
    pub valid_hours: Option<u32>,
}

/// A one-time enrolment code as the console shows it: the text to read out, the QR code the
/// desk's setup screen reads, and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCode {
    pub code: String,
    pub link: String,
    pub qr_svg: String,
    pub expires_at: DateTime<Utc>,
}

/// What the enrolment QR code holds: the server to join and the code, as one short text
/// (`thanthien:enroll?server=…&code=…`) that the desk's setup screen reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentLink {
    pub server: String,
    pub code: String,
}

impl EnrollmentLink {
    const PREFIX: &'static str = "thanthien:enroll?";

    pub fn text(&self) -> String {
        // Server addresses and codes never hold '&' or spaces; the parse refuses any that do.
        format!("{}server={}&code={}", Self::PREFIX, self.server, self.code)
    }

    pub fn parse(text: &str) -> Option<EnrollmentLink> {
        let query = text.trim().strip_prefix(Self::PREFIX)?;
        let (mut server, mut code) = (None, None);
        for pair in query.split('&') {
            match pair.split_once('=')? {
                ("server", v) if v.starts_with("http://") || v.starts_with("https://") => server = Some(v),
                ("code", v) if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
                    code = Some(v)
                }
                _ => return None,
            }
        }
        Some(EnrollmentLink { server: server?.to_owned(), code: code?.to_owned() })
    }
}

/// The sections of the weekly report keyed by officials' names: each commune has its own, so
/// they have no column in the province's table (the commune's page shows them).
pub const PER_OFFICIAL_SECTIONS: [&str; 2] = ["Lượt tiếp theo cán bộ", "Theo cán bộ"];

/// The province's week as one table, the rows of the xlsx and the PDF: one row per commune,
/// the overview's columns, every comparable figure of its approved report (this week), and each
/// item of the plan with its evidence. The same values as the pages, from the same types.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekTable {
    pub week: Week,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<crate::report::Cell>>,
}

/// Builds the table from the overview, the scoreboard and each commune's report lines.
pub fn week_table(
    overview: &Overview,
    board: &crate::plan::Scoreboard,
    reports: &std::collections::BTreeMap<String, Vec<crate::report::Row>>,
) -> WeekTable {
    use crate::report::Cell;
    // Every comparable line any commune reported, sections in report order, lines in the order
    // first met (a procedure only one commune served still gets its column).
    let mut lines: Vec<(String, String)> = Vec::new();
    for rows in reports.values() {
        let mut after: Option<usize> = None;
        for r in rows.iter().filter(|r| !PER_OFFICIAL_SECTIONS.contains(&r.section.as_str())) {
            let key = (r.section.clone(), r.label.clone());
            match lines.iter().position(|k| *k == key) {
                Some(at) => after = Some(at),
                None => {
                    let at = after.map_or_else(
                        || lines.iter().rposition(|(s, _)| *s == r.section).map_or(lines.len(), |p| p + 1),
                        |a| a + 1,
                    );
                    lines.insert(at, key);
                    after = Some(at);
                }
            }
        }
    }
    let mut headers: Vec<String> =
        ["Mã", "Xã/phường", "Khu vực", "Trạng thái", "Duyệt lúc", "Đúng hạn", "Số lần duyệt", "Đồng bộ lần cuối"]
            .iter()
            .map(|h| (*h).to_owned())
            .collect();
    headers.extend(lines.iter().map(|(s, l)| format!("{s}: {l}")));
    for item in crate::plan::PlanItem::ALL {
        headers.push(item.label().to_owned());
        headers.push(format!("{}: căn cứ", item.label()));
    }
    let text = |s: String| if s.is_empty() { Cell::Empty } else { Cell::Text(s) };
    let rows = overview
        .rows
        .iter()
        .map(|o| {
            let mut row = vec![
                Cell::Text(o.commune_code.clone()),
                Cell::Text(o.commune_name.clone()),
                text(o.district.clone().unwrap_or_default()),
                Cell::Text(o.status.label().to_owned()),
                text(o.reported_at.map(crate::time::local_text).unwrap_or_default()),
                text(
                    if o.status.is_reported() {
                        if o.on_time {
                            "Có"
                        } else {
                            "Không"
                        }
                    } else {
                        ""
                    }
                    .to_owned(),
                ),
                Cell::Number(f64::from(o.approvals)),
                text(o.last_sync.map(crate::time::local_text).unwrap_or_default()),
            ];
            let report = reports.get(&o.commune_code);
            for (section, label) in &lines {
                let figure = report.and_then(|r| r.iter().find(|x| x.section == *section && x.label == *label));
                row.push(figure.map_or(Cell::Empty, |f| f.this_week.cell()));
            }
            let plan = board.communes.iter().find(|c| c.commune_code == o.commune_code);
            for item in crate::plan::PlanItem::ALL {
                match plan.and_then(|p| p.lines.iter().find(|l| l.item == *item)) {
                    Some(l) => {
                        row.push(Cell::Text(l.standing.label().to_owned()));
                        row.push(Cell::Text(l.evidence.clone()));
                    }
                    None => row.extend([Cell::Empty, Cell::Empty]),
                }
            }
            row
        })
        .collect();
    WeekTable { week: overview.week, headers, rows }
}

/// Signing in to the console.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

/// Who is signed in to the console, and the token every state-changing request must echo in the
/// `X-CSRF-Token` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsoleSession {
    pub username: String,
    pub full_name: String,
    pub role: crate::account::ProvinceRole,
    pub csrf: String,
}

/// The header that carries the console session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Sending a week back: the reason the commune will read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub reason: String,
}

/// One act of the province, as the audit page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub username: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::week47;
    use crate::time::vietnam;
    use chrono::TimeZone;

    fn local(d: u32, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        vietnam().with_ymd_and_hms(2026, 11, d, h, m, s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn week_47_is_due_on_tuesday_24_november_at_17_00_vietnam_time() {
        let rule = ReportDeadline::default();
        assert_eq!(rule.due(week47()), local(24, 17, 0, 0));
        assert_eq!(rule.due(week47()), Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap());
        assert!(rule.is_on_time(week47(), local(24, 17, 0, 0)));
        assert!(rule.is_on_time(week47(), local(24, 17, 0, 59)), "17:00:59 still reads 17:00");
        assert!(!rule.is_on_time(week47(), local(24, 17, 1, 0)));
        assert!(!rule.is_on_time(week47(), local(25, 8, 0, 0)));
        assert!(rule.is_on_time(week47(), local(23, 8, 0, 0)));
        // A rule of Monday 12:00.
        let monday = ReportDeadline::parse("0 12:00").unwrap();
        assert_eq!(monday.due(week47()), local(23, 12, 0, 0));
        for bad in ["", "17:00", "1 24:00", "1 17:60", "7 17:00", "x 17:00"] {
            assert!(ReportDeadline::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_enrolment_link_reads_back_and_refuses_anything_else() {
        let link = EnrollmentLink { server: "https://tinh.example.vn".into(), code: "ABCD-EFGH-JKMN".into() };
        assert_eq!(link.text(), "thanthien:enroll?server=https://tinh.example.vn&code=ABCD-EFGH-JKMN");
        assert_eq!(EnrollmentLink::parse(&link.text()), Some(link));
        for bad in [
            "",
            "https://tinh.example.vn",
            "thanthien:enroll?server=ftp://x&code=A",
            "thanthien:enroll?server=https://x",
            "thanthien:enroll?server=https://x&code=A B",
            "thanthien:enroll?server=https://x&code=A&extra=1",
        ] {
            assert_eq!(EnrollmentLink::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_week_table_has_a_column_per_comparable_line_and_none_per_official() {
        use crate::report::{Cell, Figure, Row};
        let line = |section: &str, label: &str, n: u32| Row {
            section: section.into(),
            label: label.into(),
            this_week: Figure::Count(n),
            last_week: Figure::Count(0),
        };
        let mut a = row("A", "Xã A", Some("Biên Hòa"), ReportStatus::Approved);
        (a.on_time, a.approvals) = (true, 1);
        let b = row("B", "Xã B", None, ReportStatus::NotStarted);
        let overview = Overview::new(week47(), ReportDeadline::default(), vec![a, b]);
        let board = crate::plan::Scoreboard::new(week47(), vec![]);
        let reports = std::collections::BTreeMap::from([(
            "A".to_owned(),
            vec![
                line("Lượt tiếp dân", "Tổng số lượt", 12),
                line("Lượt tiếp theo thủ tục", "Đăng ký khai sinh", 5),
                line("Lượt tiếp theo cán bộ", "Lê Thị Hoa", 12),
            ],
        )]);
        let t = week_table(&overview, &board, &reports);
        assert!(t.headers.contains(&"Lượt tiếp dân: Tổng số lượt".to_owned()));
        assert!(!t.headers.iter().any(|h| h.contains("Lê Thị Hoa")), "no column per official");
        assert_eq!(t.headers.len(), 8 + 2 + 2 * crate::plan::PlanItem::ALL.len());
        assert_eq!(t.rows.len(), 2);
        assert_eq!((t.rows[0][5].clone(), t.rows[0][8].clone()), (Cell::Text("Có".into()), Cell::Number(12.0)));
        assert_eq!((t.rows[1][3].clone(), t.rows[1][8].clone()), (Cell::Text("Chưa bắt đầu".into()), Cell::Empty));
    }

    #[test]
    fn a_new_commune_is_trimmed_and_checked() {
        let new = |code: &str, name: &str, district: Option<&str>| NewCommune {
            code: code.into(),
            name: name.into(),
            district: district.map(Into::into),
        };
        let ok = new(" 26734 ", " Phường Trấn Biên ", Some("  ")).checked().unwrap();
        assert_eq!((ok.code.as_str(), ok.name.as_str(), ok.district), ("26734", "Phường Trấn Biên", None));
        for bad in [
            new("26 734", "Xã", None),
            new("", "Xã", None),
            new("12345678901234567", "Xã", None),
            new("1", " ", None),
            new("1", "Xã\u{0}", None),
            new("1", "Xã", Some(&"x".repeat(101))),
        ] {
            assert!(bad.clone().checked().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_reason_shown_to_the_province_keeps_no_quoted_content() {
        let reason = "visit.arrived: invalid type: string \"Nguyễn Thị Riêng\", expected u8 at `trip`";
        assert_eq!(without_quoted(reason), "visit.arrived: invalid type: string \"…\", expected u8 at `trip`");
        assert_eq!(without_quoted("giờ đi trước 10 phút"), "giờ đi trước 10 phút");
    }

    #[test]
    fn a_commune_is_silent_after_three_days_without_a_sync() {
        let now = local(30, 9, 0, 0);
        assert!(is_silent(None, now));
        assert!(!is_silent(Some(now - Duration::days(3)), now));
        assert!(is_silent(Some(now - Duration::days(3) - Duration::seconds(1)), now));
    }

    fn row(code: &str, name: &str, district: Option<&str>, status: ReportStatus) -> OverviewRow {
        OverviewRow {
            commune_code: code.into(),
            commune_name: name.into(),
            district: district.map(Into::into),
            status,
            reported_at: None,
            on_time: false,
            approvals: 0,
            last_sync: None,
            silent: false,
        }
    }

    #[test]
    fn the_overview_sorts_names_in_vietnamese_order_and_keeps_empty_values_last() {
        let mut rows = vec![
            row("3", "Phường Đông Hòa", None, ReportStatus::Approved),
            row("1", "Xã Ân Tường", Some("Khu vực 2"), ReportStatus::NotStarted),
            row("2", "Phường Dĩ An", Some("Khu vực 1"), ReportStatus::Draft),
        ];
        rows[0].last_sync = Some(local(23, 8, 0, 0));
        let codes = |rows: &[OverviewRow]| rows.iter().map(|r| r.commune_code.clone()).collect::<Vec<_>>();
        sort_rows(&mut rows, OverviewColumn::Commune, true);
        // D before Đ, as Vietnamese dictionaries have it.
        assert_eq!(codes(&rows), ["2", "3", "1"]);
        sort_rows(&mut rows, OverviewColumn::District, true);
        assert_eq!(codes(&rows), ["2", "1", "3"]);
        sort_rows(&mut rows, OverviewColumn::District, false);
        assert_eq!(codes(&rows), ["1", "2", "3"], "no district stays last");
        sort_rows(&mut rows, OverviewColumn::LastSync, false);
        assert_eq!(codes(&rows)[0], "3");
        sort_rows(&mut rows, OverviewColumn::Status, true);
        assert_eq!(codes(&rows), ["1", "2", "3"]);

        let keep = |f: OverviewFilter| codes(&rows.iter().filter(|r| f.keeps(r)).cloned().collect::<Vec<_>>());
        assert_eq!(keep(OverviewFilter::default()).len(), 3);
        assert_eq!(keep(OverviewFilter { text: "dong hoa".into(), ..Default::default() }), ["3"]);
        assert_eq!(keep(OverviewFilter { district: Some(String::new()), ..Default::default() }), ["3"]);
        assert_eq!(keep(OverviewFilter { district: Some("Khu vực 1".into()), ..Default::default() }), ["2"]);
        assert_eq!(keep(OverviewFilter { status: Some(ReportStatus::NotStarted), ..Default::default() }), ["1"]);
    }

    #[test]
    fn rates_count_every_commune_and_round_as_excel_does() {
        let row = |code: &str, status, on_time| OverviewRow {
            commune_code: code.into(),
            commune_name: code.into(),
            district: None,
            status,
            reported_at: None,
            on_time,
            approvals: 0,
            last_sync: None,
            silent: code == "C",
        };
        let o = Overview::new(
            week47(),
            ReportDeadline::default(),
            vec![
                row("A", ReportStatus::Accepted, true),
                row("B", ReportStatus::Approved, false),
                row("C", ReportStatus::NotStarted, false),
                // Sent back: not reported, whatever its first approval's time.
                row("D", ReportStatus::Returned, true),
                row("E", ReportStatus::Submitted, false),
                row("F", ReportStatus::Draft, false),
            ],
        );
        assert_eq!((o.reporting, o.on_time, o.silent), (Rate { part: 2, whole: 6 }, Rate { part: 1, whole: 6 }, 1));
        assert_eq!(o.reporting.text(), "2/6 (33,3%)");
        assert_eq!(o.on_time.text(), "1/6 (16,7%)");
        assert_eq!(Rate { part: 0, whole: 0 }.text(), "—");
        assert_eq!(ReportStatus::of(None, false), ReportStatus::NotStarted);
        assert_eq!(ReportStatus::of(None, true), ReportStatus::Draft);
        assert_eq!(ReportStatus::of(Some(ApprovalStatus::Returned), true), ReportStatus::Returned);
    }
}
