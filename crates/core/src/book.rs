//! The one-stop desk's tracking book (sổ theo dõi hồ sơ, Mẫu 06 of Thông tư 01/2018/TT-VPCP): every
//! dossier received in a period, one line each — its code, procedure, citizen, when it was received,
//! the appointment in force, when the result went back, and whether on time — with the period's
//! totals. The PDF and the spreadsheet print these lines as they are.

use crate::summary::Week;
use crate::time::local_day;
use crate::visit::{InputError, Outcome, Visit};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

crate::words::word_enum!(
    /// The files the book is kept in: printed (A4 PDF) or as a spreadsheet.
    BookFormat, InputError::BookFormatInvalid, {
        Pdf = "pdf" => "PDF (A4)",
        Xlsx = "xlsx" => "Excel (.xlsx)",
    }
);

/// The book of a period, as printed: the office, the form's words, the lines, the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierBook {
    pub office: String,
    /// The unit named under the office (the slips' wording).
    pub unit: String,
    pub wording: crate::slip::FormWording,
    pub period: BookPeriod,
    pub lines: Vec<BookLine>,
    pub totals: BookTotals,
}

/// The period a book covers: an ISO week or a calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BookPeriod {
    Week { week: Week },
    Month { year: i32, month: u32 },
}

impl BookPeriod {
    /// A month as "2026-11" (or "11/2026").
    pub fn month(text: &str) -> Option<BookPeriod> {
        let text = text.trim();
        let (year, month) = match text.split_once('-') {
            Some((y, m)) => (y, m),
            None => text.split_once('/').map(|(m, y)| (y, m))?,
        };
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| BookPeriod::Month { year, month })
    }

    /// Its first and last days.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        match self {
            BookPeriod::Week { week } => (week.monday(), week.sunday()),
            BookPeriod::Month { year, month } => {
                let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
                let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
                (first, next.pred_opt().unwrap_or(first))
            }
        }
    }

    /// As the book's title names it.
    pub fn label(self) -> String {
        let (first, last) = self.days();
        match self {
            BookPeriod::Week { week } => {
                format!("tuần {week} ({} – {})", first.format("%d/%m/%Y"), last.format("%d/%m/%Y"))
            }
            BookPeriod::Month { year, month } => format!("tháng {month:02}/{year}"),
        }
    }
}

/// Where a dossier stands in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The result went back on or before the appointment.
    OnTime,
    /// The result went back after the appointment.
    Late,
    /// Not back yet, the appointment not passed.
    InProgress,
    /// Not back yet, the appointment passed.
    Overdue,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::OnTime => "Trả đúng hẹn",
            Standing::Late => "Trả trễ hẹn",
            Standing::InProgress => "Đang giải quyết",
            Standing::Overdue => "Quá hẹn, chưa trả",
        }
    }
}

/// One line of the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookLine {
    /// 1, 2, … in the order received.
    pub number: u32,
    /// The dossier's code: the day received and its ticket ("261123-A007").
    pub code: String,
    pub procedure: String,
    pub citizen: String,
    pub phone: Option<String>,
    pub received_at: DateTime<Utc>,
    /// The appointment in force.
    pub appointment: Option<NaiveDate>,
    /// Moved with an apology slip (Mẫu 04).
    pub apology: bool,
    pub returned_at: Option<DateTime<Utc>>,
    pub standing: Standing,
    pub official: Option<String>,
}

/// The period's totals, at the foot of the book.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookTotals {
    pub received: u32,
    pub on_time: u32,
    pub late: u32,
    pub in_progress: u32,
    pub overdue: u32,
}

/// The code a dossier is known by at the desk: the day it was received and its ticket (or, for a
/// paper-book entry with no ticket, the first characters of its id).
pub fn dossier_code(visit: &Visit, received_at: DateTime<Utc>) -> String {
    let day = local_day(received_at);
    let day = format!("{:02}{:02}{:02}", day.year().rem_euclid(100), day.month(), day.day());
    match &visit.ticket {
        Some(ticket) => format!("{day}-{ticket}"),
        None => format!("{day}-{}", &visit.id.simple().to_string()[..8].to_ascii_uppercase()),
    }
}

/// The book of the dossiers received from `first` to `last` (local days), as of `today`, in the
/// order received.
pub fn lines(visits: &[Visit], first: NaiveDate, last: NaiveDate, today: NaiveDate) -> Vec<BookLine> {
    let mut received: Vec<(&Visit, DateTime<Utc>)> = visits
        .iter()
        .filter(|v| v.outcome == Some(Outcome::DossierReceived))
        .filter_map(|v| v.finished_at.map(|at| (v, at)))
        .filter(|(_, at)| (first..=last).contains(&local_day(*at)))
        .collect();
    received.sort_by_key(|(v, at)| (*at, v.id));
    received
        .into_iter()
        .zip(1..)
        .map(|((v, at), number)| {
            let back = v.returned_at.map(local_day);
            let standing = match (back, v.appointment) {
                (Some(back), Some(due)) if back > due => Standing::Late,
                (Some(_), _) => Standing::OnTime,
                (None, Some(due)) if today > due => Standing::Overdue,
                (None, _) => Standing::InProgress,
            };
            BookLine {
                number,
                code: dossier_code(v, at),
                procedure: v.procedure.clone().unwrap_or_default(),
                citizen: v.name.clone(),
                phone: v.phone.clone(),
                received_at: at,
                appointment: v.appointment,
                apology: v.apology,
                returned_at: v.returned_at,
                standing,
                official: v.official.clone(),
            }
        })
        .collect()
}

/// The totals of `lines`.
pub fn totals(lines: &[BookLine]) -> BookTotals {
    let mut t = BookTotals { received: lines.len() as u32, ..Default::default() };
    for line in lines {
        match line.standing {
            Standing::OnTime => t.on_time += 1,
            Standing::Late => t.late += 1,
            Standing::InProgress => t.in_progress += 1,
            Standing::Overdue => t.overdue += 1,
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, local, visit};

    fn dossier(at: DateTime<Utc>, ticket: &str, due: &str, back: Option<DateTime<Utc>>) -> Visit {
        let mut v = visit(
            at,
            Some("Đăng ký khai sinh"),
            Some("Lê Thị Hoa"),
            Some(1),
            Some(Outcome::DossierReceived),
            Some(5),
            Some(10),
            None,
        );
        v.ticket = Some(ticket.into());
        v.appointment = Some(date(due));
        v.returned_at = back;
        v
    }

    #[test]
    fn the_book_lists_the_dossiers_received_in_the_period_with_their_standing() {
        // Received Monday 23/11 08:00 + 15 min (waited 5, served 10).
        let on_time = dossier(local(2026, 11, 23, 8, 0), "A001", "2026-11-25", Some(local(2026, 11, 25, 16, 0)));
        let late = dossier(local(2026, 11, 23, 9, 0), "A002", "2026-11-25", Some(local(2026, 11, 26, 8, 0)));
        let overdue = dossier(local(2026, 11, 24, 8, 0), "A001", "2026-11-26", None);
        let pending = dossier(local(2026, 11, 27, 8, 0), "A003", "2026-12-03", None);
        let resolved =
            visit(local(2026, 11, 23, 10, 0), None, None, None, Some(Outcome::Resolved), Some(1), Some(2), None);
        let last_week = dossier(local(2026, 11, 20, 8, 0), "A009", "2026-11-24", None);
        let book = lines(
            &[pending, resolved, late, last_week, overdue, on_time],
            date("2026-11-23"),
            date("2026-11-29"),
            date("2026-11-30"),
        );
        let read: Vec<(u32, &str, Standing)> = book.iter().map(|l| (l.number, l.code.as_str(), l.standing)).collect();
        assert_eq!(
            read,
            [
                (1, "261123-A001", Standing::OnTime),
                (2, "261123-A002", Standing::Late),
                (3, "261124-A001", Standing::Overdue),
                (4, "261127-A003", Standing::InProgress)
            ]
        );
        assert_eq!(book[0].received_at, local(2026, 11, 23, 8, 15), "received when the visit finished");
        assert_eq!(totals(&book), BookTotals { received: 4, on_time: 1, late: 1, in_progress: 1, overdue: 1 });
    }

    #[test]
    fn a_book_covers_a_week_or_a_month() {
        let month = BookPeriod::month("2026-02").unwrap();
        assert_eq!(month.days(), (date("2026-02-01"), date("2026-02-28")));
        assert_eq!(BookPeriod::month("12/2026").unwrap().days().1, date("2026-12-31"));
        assert_eq!(month.label(), "tháng 02/2026");
        assert_eq!(BookPeriod::month("2026-13"), None);
        let week = BookPeriod::Week { week: Week::of_day(date("2026-11-25")) };
        assert_eq!(week.label(), "tuần 2026-W48 (23/11/2026 – 29/11/2026)");
    }

    #[test]
    fn a_paper_book_entry_without_a_ticket_gets_a_code_from_its_id() {
        let mut v = dossier(local(2026, 11, 23, 8, 0), "A001", "2026-11-25", None);
        v.ticket = None;
        let code = dossier_code(&v, local(2026, 11, 23, 8, 15));
        assert!(code.starts_with("261123-") && code.len() == 15, "{code}");
    }
}
