//! The weekly summary's exports: the spreadsheet (values only, Vietnamese headers) beside core's
//! CSV. Both print core's report lines, so they hold the screen's figures.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use thanthien_core::summary::{rows, WeeklySummary};

/// The summary as an .xlsx file: one sheet, a title, then section, line, this week, last week.
/// Shares are in per cent and times in minutes, as plain numbers (no formulas).
pub fn xlsx(summary: &WeeklySummary) -> Result<Vec<u8>, XlsxError> {
    let (this, last) = (summary.this_week.week, summary.last_week.week);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(format!("Tuần {this}"))?;
    let bold = Format::new().set_bold();
    let title =
        format!("BÁO CÁO TUẦN {this} ({} – {})", this.monday().format("%d/%m/%Y"), this.sunday().format("%d/%m/%Y"));
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (col, header) in ["Mục", "Chỉ tiêu", &format!("Tuần {this}"), &format!("Tuần {last}")].iter().enumerate()
    {
        sheet.write_string_with_format(2, col as u16, *header, &bold)?;
    }
    for (i, row) in rows(summary).iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_string(r, 0, &row.section)?;
        sheet.write_string(r, 1, &row.label)?;
        for (col, figure) in [(2, row.this_week), (3, row.last_week)] {
            if let Some(n) = figure.number() {
                sheet.write_number(r, col, n)?;
            }
        }
    }
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 44)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_column_width(3, 14)?;
    book.save_to_buffer()
}
