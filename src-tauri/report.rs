//! The weekly summary's exports: the spreadsheet (values only, Vietnamese headers) and the A4 PDF
//! (DejaVu Sans embedded, so Vietnamese renders on any PC) beside core's CSV. All print core's
//! report lines, so they hold the screen's figures.

use printpdf::{Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use thanthien_core::approval::{status_line, AMENDMENTS};
use thanthien_core::summary::{rows, to_csv, ExportFormat, WeeklySummary};

/// Why an export could not be made; `Display` is the sentence on screen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Không tạo được tệp Excel: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("Không tạo được tệp PDF: phông chữ không đọc được.")]
    Pdf(#[from] PdfError),
    #[error("Không ghi được tệp {path}: {source}")]
    Write { path: std::path::PathBuf, source: std::io::Error },
}

/// The summary in one of its formats: the one path the window and the CLI both take.
pub fn export(summary: &WeeklySummary, format: ExportFormat, office: &str) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        ExportFormat::Xlsx => xlsx(summary)?,
        ExportFormat::Pdf => pdf(summary, office)?,
        ExportFormat::Csv => to_csv(summary).into_bytes(),
    })
}

/// Writes the export to `path` (its folder created if needed).
pub fn export_to(
    summary: &WeeklySummary,
    format: ExportFormat,
    office: &str,
    path: &std::path::Path,
) -> Result<(), ExportError> {
    let bytes = export(summary, format, office)?;
    let write = |path: &std::path::Path| -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)
    };
    write(path).map_err(|source| ExportError::Write { path: path.to_owned(), source })
}

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
    sheet.write_string(1, 0, status_line(summary))?;
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
    if !summary.amendments.is_empty() {
        let start = 4 + rows(summary).len() as u32;
        for (col, header) in [AMENDMENTS, "Chỉ tiêu", "Đã duyệt", "Hiện nay"].iter().enumerate() {
            sheet.write_string_with_format(start, col as u16, *header, &bold)?;
        }
        for (i, a) in summary.amendments.iter().enumerate() {
            let r = start + 1 + i as u32;
            sheet.write_string(r, 0, &a.section)?;
            sheet.write_string(r, 1, &a.label)?;
            for (col, figure) in [(2, a.approved), (3, a.now)] {
                if let Some(n) = figure.and_then(|f| f.number()) {
                    sheet.write_number(r, col, n)?;
                }
            }
        }
    }
    sheet.set_column_width(0, 34)?;
    sheet.set_column_width(1, 44)?;
    sheet.set_column_width(2, 14)?;
    sheet.set_column_width(3, 14)?;
    book.save_to_buffer()
}

const REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
#[error("the embedded font cannot be read")]
pub struct PdfError;

/// One line of text on a page: where, which face, what.
struct Line {
    x: f32,
    bold: bool,
    size: f32,
    text: String,
}

/// The summary as an A4 PDF: the title, then each section with its lines and both weeks' figures,
/// as many pages as it takes, each numbered.
pub fn pdf(summary: &WeeklySummary, office: &str) -> Result<Vec<u8>, PdfError> {
    let (this, last) = (summary.this_week.week, summary.last_week.week);
    let mut doc = PdfDocument::new(&format!("Báo cáo tuần {this}"));
    let regular = doc.add_font(&ParsedFont::from_bytes(REGULAR, 0, &mut Vec::new()).ok_or(PdfError)?);
    let bold = doc.add_font(&ParsedFont::from_bytes(BOLD, 0, &mut Vec::new()).ok_or(PdfError)?);
    // Rows of lines, top to bottom; each row holds up to three pieces of text.
    let mut lines: Vec<Vec<Line>> = vec![
        vec![Line { x: 20.0, bold: true, size: 10.0, text: office.to_uppercase() }],
        vec![Line {
            x: 20.0,
            bold: true,
            size: 15.0,
            text: format!(
                "BÁO CÁO TUẦN {this} ({} – {})",
                this.monday().format("%d/%m/%Y"),
                this.sunday().format("%d/%m/%Y")
            ),
        }],
        vec![Line { x: 20.0, bold: false, size: 10.0, text: status_line(summary) }],
        vec![],
        vec![
            Line { x: 20.0, bold: true, size: 10.0, text: "Chỉ tiêu".into() },
            Line { x: 128.0, bold: true, size: 9.0, text: format!("Tuần {this}") },
            Line { x: 164.0, bold: true, size: 9.0, text: format!("Tuần {last}") },
        ],
    ];
    let mut section = String::new();
    for row in rows(summary) {
        if row.section != section {
            section = row.section.clone();
            lines.push(vec![]);
            lines.push(vec![Line { x: 20.0, bold: true, size: 10.0, text: section.clone() }]);
        }
        lines.push(vec![
            Line { x: 24.0, bold: false, size: 10.0, text: row.label.clone() },
            Line { x: 128.0, bold: false, size: 10.0, text: row.this_week.text() },
            Line { x: 164.0, bold: false, size: 10.0, text: row.last_week.text() },
        ]);
    }
    if !summary.amendments.is_empty() {
        lines.push(vec![]);
        lines.push(vec![Line { x: 20.0, bold: true, size: 10.0, text: AMENDMENTS.into() }]);
        lines.push(vec![
            Line { x: 128.0, bold: true, size: 9.0, text: "Đã duyệt".into() },
            Line { x: 164.0, bold: true, size: 9.0, text: "Hiện nay".into() },
        ]);
        let text = |f: Option<thanthien_core::summary::Figure>| f.map_or("—".to_owned(), |f| f.text());
        for a in &summary.amendments {
            lines.push(vec![
                Line { x: 24.0, bold: false, size: 10.0, text: format!("{} · {}", a.section, a.label) },
                Line { x: 128.0, bold: false, size: 10.0, text: text(a.approved) },
                Line { x: 164.0, bold: false, size: 10.0, text: text(a.now) },
            ]);
        }
    }
    const LINE: f32 = 5.6;
    const TOP: f32 = 277.0;
    const BOTTOM: f32 = 22.0;
    let per_page = ((TOP - BOTTOM) / LINE) as usize;
    let pages: Vec<&[Vec<Line>]> = lines.chunks(per_page).collect();
    let count = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, chunk)| {
            let mut ops = Vec::new();
            let mut put = |x: f32, y: f32, is_bold: bool, size: f32, text: &str| {
                let font = if is_bold { bold.clone() } else { regular.clone() };
                ops.extend([
                    Op::StartTextSection,
                    Op::SetTextCursor { pos: Point::new(Mm(x), Mm(y)) },
                    Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
                    Op::ShowText { items: vec![TextItem::Text(text.to_owned())] },
                    Op::EndTextSection,
                ]);
            };
            for (i, row) in chunk.iter().enumerate() {
                let y = TOP - LINE * i as f32;
                for line in row {
                    put(line.x, y, line.bold, line.size, &line.text);
                }
            }
            put(20.0, 12.0, false, 8.0, &format!("Thân Thiện · Báo cáo tuần {this} · trang {}/{count}", n + 1));
            PdfPage::new(Mm(210.0), Mm(297.0), ops)
        })
        .collect();
    Ok(doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
}
