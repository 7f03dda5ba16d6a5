//! `thanthien summary|export|book|slip`: the weekly summary as a table on the terminal or as a
//! file, the tracking book of dossiers, and one visit's slip.

use super::{print_json, CliError};
use crate::store::Store;
use std::path::Path;
use thanthien_core::report::{rows, status_line, wrap, ExportFormat, Figure, AMENDMENTS, FOOTNOTE};
use thanthien_core::summary::Week;

/// The width of the summary table's label column, in characters.
const LABEL_WIDTH: usize = 44;

/// One line of the summary table: a long label wraps, and its figures stand on its last line, so
/// the columns stay aligned however long a procedure's name.
fn print_table_line(label: &str, this_week: &str, last_week: &str) {
    let mut parts = wrap(label, LABEL_WIDTH);
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        println!("  {part}");
    }
    println!("  {last:<LABEL_WIDTH$} {this_week:>22} {last_week:>22}");
}

pub async fn summary(store: &Store, week: Option<Week>, json: bool) -> Result<(), CliError> {
    let week = week.unwrap_or_else(|| Week::of(store.now()));
    let summary = store.weekly_summary(week, store.now()).await?;
    if json {
        return print_json(&summary);
    }
    let (monday, sunday) = (week.monday().format("%d/%m/%Y"), week.sunday().format("%d/%m/%Y"));
    println!("Báo cáo tuần {week} ({monday} – {sunday}), so với tuần {}", week.previous());
    println!("{}", status_line(&summary));
    let mut section = String::new();
    for row in rows(&summary) {
        if row.section != section {
            println!("\n{}", row.section);
            section = row.section.clone();
        }
        print_table_line(&row.label, &row.this_week.text(), &row.last_week.text());
    }
    if !summary.amendments.is_empty() {
        println!("\n{AMENDMENTS}");
        let text = |f: Option<Figure>| f.map_or("—".to_owned(), |f| f.text());
        for a in &summary.amendments {
            print_table_line(&format!("{} · {}", a.section, a.label), &text(a.approved), &text(a.now));
        }
    }
    println!("\nGhi chú: {FOOTNOTE}");
    Ok(())
}

pub async fn export(store: &Store, week: Week, format: ExportFormat, out: &Path) -> Result<(), CliError> {
    let summary = store.weekly_summary(week, store.now()).await?;
    let office = store.office_name().await?;
    crate::report::export_to(&summary, format, &office, out)?;
    println!("{}", out.display());
    Ok(())
}

/// The tracking book of dossiers of `period` written to `out`; prints the file and the totals.
/// `thanthien slip`: one visit's slip as a PDF.
pub async fn slip(
    store: &Store,
    visit: uuid::Uuid,
    form: thanthien_core::slip::SlipForm,
    size: thanthien_core::slip::SlipSize,
    out: &Path,
) -> Result<(), CliError> {
    let sheet = store.slip(visit, form).await?;
    let bytes = crate::report::slip_pdf(&sheet, size).map_err(crate::report::ExportError::from)?;
    crate::report::write_file(out, &bytes)?;
    println!("{}", out.display());
    eprintln!("{} {} ({}), {}.", sheet.number, sheet.title, sheet.code, size.label());
    Ok(())
}

pub async fn book(
    store: &Store,
    period: thanthien_core::book::BookPeriod,
    format: thanthien_core::book::BookFormat,
    out: &Path,
) -> Result<(), CliError> {
    let book = store.dossier_book(period).await?;
    let bytes = crate::report::book_export(&book, format)?;
    crate::report::write_file(out, &bytes)?;
    println!("{}", out.display());
    let t = book.totals;
    eprintln!(
        "Sổ theo dõi hồ sơ {}: {} hồ sơ (đúng hẹn {}, trễ hẹn {}, đang giải quyết {}, quá hẹn {}).",
        period.label(),
        t.received,
        t.on_time,
        t.late,
        t.in_progress,
        t.overdue
    );
    Ok(())
}
