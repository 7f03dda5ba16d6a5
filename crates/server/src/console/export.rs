//! The province's week as files: a spreadsheet with one row per commune (every comparable figure
//! and the plan, Vietnamese headers) and an A4 PDF of the overview and the plan, both printed
//! from `core::province::week_table`, the values the pages show.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use thanthien_core::plan::{PlanItem, Scoreboard, Standing};
use thanthien_core::province::{Overview, WeekTable};
use thanthien_core::report::{wrap, Cell};
use thanthien_paper::{a4, Line, PdfError};

pub fn xlsx(table: &WeekTable) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(format!("Tuần {}", table.week))?;
    let bold = Format::new().set_bold().set_text_wrap();
    for (col, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            let (r, col) = (r as u32 + 1, col as u16);
            match cell {
                Cell::Number(n) => sheet.write_number(r, col, *n).map(drop)?,
                Cell::Text(t) => sheet.write_string(r, col, t).map(drop)?,
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 2)?;
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(2, 16)?;
    book.save_to_buffer()
}

/// A short mark per standing, for the PDF's narrow plan columns.
fn mark(standing: Standing) -> &'static str {
    match standing {
        Standing::Met => "Đ",
        Standing::Partly => "M",
        Standing::NotMet => "C",
        Standing::NoData => "–",
    }
}

/// The overview and the plan on A4: a line per commune, the plan's items as marks, with the key.
pub fn pdf(overview: &Overview, board: &Scoreboard) -> Result<Vec<u8>, PdfError> {
    let week = overview.week;
    let title = format!(
        "TỔNG HỢP BÁO CÁO TUẦN {week} ({} – {})",
        week.monday().format("%d/%m/%Y"),
        week.sunday().format("%d/%m/%Y")
    );
    let mut lines = vec![
        vec![Line::new(12.0, true, 13.0, title)],
        vec![Line::new(
            12.0,
            false,
            9.0,
            format!(
                "Hạn báo cáo {} · đã báo cáo {} · đúng hạn {} · im lặng quá 3 ngày: {}",
                thanthien_core::time::local_text(overview.due),
                overview.reporting.text(),
                overview.on_time.text(),
                overview.silent
            ),
        )],
        vec![],
    ];
    let mut header = vec![
        Line::new(12.0, true, 7.5, "Mã"),
        Line::new(24.0, true, 7.5, "Xã/phường"),
        Line::new(74.0, true, 7.5, "Trạng thái"),
        Line::new(98.0, true, 7.5, "Duyệt lúc"),
        Line::new(124.0, true, 7.5, "Hạn"),
    ];
    for i in 0..PlanItem::ALL.len() {
        header.push(Line::new(140.0 + 8.0 * i as f32, true, 7.5, (i + 1).to_string()));
    }
    lines.push(header);
    for row in &overview.rows {
        let mut names = wrap(&row.commune_name, 30);
        let first = if names.is_empty() { String::new() } else { names.remove(0) };
        let mut line = vec![
            Line::new(12.0, false, 7.5, row.commune_code.clone()),
            Line::new(24.0, false, 7.5, first),
            Line::new(74.0, false, 7.5, row.status.label()),
            Line::new(98.0, false, 7.5, row.reported_at.map(thanthien_core::time::local_text).unwrap_or_default()),
            Line::new(
                124.0,
                false,
                7.5,
                if row.status.is_reported() {
                    if row.on_time {
                        "Đúng"
                    } else {
                        "Trễ"
                    }
                } else {
                    ""
                },
            ),
        ];
        if let Some(plan) = board.communes.iter().find(|c| c.commune_code == row.commune_code) {
            for (i, l) in plan.lines.iter().enumerate() {
                line.push(Line::new(140.0 + 8.0 * i as f32, false, 7.5, mark(l.standing)));
            }
        }
        lines.push(line);
        for more in names {
            lines.push(vec![Line::new(24.0, false, 7.5, more)]);
        }
    }
    lines.push(vec![]);
    lines.push(vec![Line::new(
        12.0,
        true,
        8.0,
        "Các mục của kế hoạch (Đ: đạt · M: một phần · C: chưa đạt · –: chưa có số liệu)",
    )]);
    for (i, item) in PlanItem::ALL.iter().enumerate() {
        let rate = board.met.iter().find(|m| m.item == *item).map(|m| m.rate.text()).unwrap_or_default();
        lines.push(vec![Line::new(12.0, false, 8.0, format!("{}. {} — đạt: {rate}", i + 1, item.label()))]);
        for part in wrap(item.rule(), 120) {
            lines.push(vec![Line::new(16.0, false, 7.0, part)]);
        }
    }
    a4(&format!("Tổng hợp tuần {week}"), lines, Vec::new())
}
