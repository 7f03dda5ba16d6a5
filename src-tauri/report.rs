//! Files for people: the weekly summary as a spreadsheet (values only, Vietnamese headers) and an
//! A4 PDF beside core's CSV, all printing core's report lines so they hold the screen's figures;
//! the publicity board as a poster, a web page and JSON, with its QR code; and the one-stop slips
//! and tracking book. PDFs embed DejaVu Sans, so Vietnamese renders on any PC.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use thanthien_core::book::{BookFormat, BookLine, DossierBook};
use thanthien_core::publicity::{Board, BoardFormat};
use thanthien_core::report::{
    rows, status_line, to_csv, wrap, Cell, ExportFormat, Figure, WeeklySummary, AMENDMENTS, FOOTNOTE,
};
use thanthien_core::slip::{Sheet, SheetLine, SlipSize};
pub use thanthien_paper::PdfError;
use thanthien_paper::{a4, pages, Line, Paper, Square, TOP};

/// Why an export could not be made; `Display` is the sentence on screen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Không tạo được tệp Excel: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("Không tạo được tệp PDF: {0}.")]
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
            write_figure(sheet, r, col, figure)?;
        }
    }
    // The footnote right under the lines, as in the CSV.
    let footnote_row = 3 + rows(summary).len() as u32;
    sheet.write_string(footnote_row, 0, "Ghi chú")?;
    sheet.write_string(footnote_row, 1, FOOTNOTE)?;
    if !summary.amendments.is_empty() {
        let start = footnote_row + 2;
        for (col, header) in [AMENDMENTS, "Chỉ tiêu", "Đã duyệt", "Hiện nay"].iter().enumerate() {
            sheet.write_string_with_format(start, col as u16, *header, &bold)?;
        }
        for (i, a) in summary.amendments.iter().enumerate() {
            let r = start + 1 + i as u32;
            sheet.write_string(r, 0, &a.section)?;
            sheet.write_string(r, 1, &a.label)?;
            for (col, figure) in [(2, a.approved), (3, a.now)] {
                if let Some(figure) = figure {
                    write_figure(sheet, r, col, figure)?;
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

/// A figure in its cell: a plain number, or the words where it is not one ("chưa đủ mẫu").
fn write_figure(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, figure: Figure) -> Result<(), XlsxError> {
    match figure.cell() {
        Cell::Number(n) => sheet.write_number(row, col, n).map(drop),
        Cell::Text(text) => sheet.write_string(row, col, text).map(drop),
        Cell::Empty => Ok(()),
    }
}

/// Characters of a label that fit before the PDF's figure columns.
const PDF_LABEL_CHARS: usize = 52;

/// The summary as an A4 PDF: the title, then each section with its lines and both weeks' figures,
/// as many pages as it takes, each numbered.
pub fn pdf(summary: &WeeklySummary, office: &str) -> Result<Vec<u8>, PdfError> {
    let (this, last) = (summary.this_week.week, summary.last_week.week);
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
        // A long label (a procedure's full name) wraps; the figures stand on its last line.
        let mut label = wrap(&row.label, PDF_LABEL_CHARS);
        let last = label.pop().unwrap_or_default();
        for part in label {
            lines.push(vec![Line { x: 24.0, bold: false, size: 10.0, text: part }]);
        }
        lines.push(vec![
            Line { x: 24.0, bold: false, size: 10.0, text: last },
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
        let text = |f: Option<thanthien_core::report::Figure>| f.map_or("—".to_owned(), |f| f.text());
        for a in &summary.amendments {
            lines.push(vec![
                Line { x: 24.0, bold: false, size: 10.0, text: format!("{} · {}", a.section, a.label) },
                Line { x: 128.0, bold: false, size: 10.0, text: text(a.approved) },
                Line { x: 164.0, bold: false, size: 10.0, text: text(a.now) },
            ]);
        }
    }
    lines.push(vec![]);
    for part in wrap(&format!("Ghi chú: {FOOTNOTE}"), 95) {
        lines.push(vec![Line { x: 20.0, bold: false, size: 8.0, text: part }]);
    }
    a4(&format!("Báo cáo tuần {this}"), lines, Vec::new())
}

/// The QR code of `target` as black squares, `size` mm wide, its top-left corner at (x, top): one
/// square per dark module.
fn qr_squares(target: &str, x: f32, top: f32, size: f32) -> Vec<Square> {
    let Ok(code) = qrcode::QrCode::new(target.as_bytes()) else { return Vec::new() };
    let width = code.width();
    // Four modules of quiet zone on each side, as scanners expect.
    let side = size / (width + 8) as f32;
    let mut squares = Vec::new();
    for row in 0..width {
        for col in 0..width {
            if code[(col, row)] == qrcode::Color::Dark {
                squares.push(Square { x: x + side * (col + 4) as f32, y: top - side * (row + 5) as f32, side });
            }
        }
    }
    squares
}

/// The QR code of `target` as an inline SVG for the web page.
pub fn qr_svg(target: &str) -> Option<String> {
    let code = qrcode::QrCode::new(target.as_bytes()).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).build();
    // Inline in HTML: no XML declaration.
    Some(svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned()))
}

/// The board as an A4 poster: the directory, the QR code to the feedback box, the catalogue.
pub fn board_pdf(board: &Board) -> Result<Vec<u8>, PdfError> {
    let text = |x: f32, bold: bool, size: f32, text: String| Line { x, bold, size, text };
    let mut lines: Vec<Vec<Line>> = vec![
        vec![text(20.0, true, 10.0, board.office.to_uppercase())],
        vec![text(20.0, true, 15.0, "CÔNG KHAI".into())],
        vec![text(20.0, false, 10.0, "Danh bạ cán bộ và thủ tục hành chính".into())],
    ];
    let qr = match (&board.feedback_email, board.qr_target()) {
        (Some(email), Some(target)) => {
            lines.push(vec![text(20.0, false, 10.0, "Góp ý, phản ánh: quét mã bên phải".into())]);
            lines.push(vec![text(20.0, false, 10.0, format!("hoặc gửi thư đến {email}"))]);
            // The QR code sits top right, beside these lines: leave its height free.
            lines.extend((0..3).map(|_| Vec::new()));
            qr_squares(&target, 152.0, TOP + 4.0, 40.0)
        }
        _ => Vec::new(),
    };
    lines.push(vec![text(20.0, true, 11.0, "DANH BẠ CÁN BỘ".into())]);
    lines.push(vec![
        text(20.0, true, 9.0, "Họ tên".into()),
        text(68.0, true, 9.0, "Chức danh".into()),
        text(150.0, true, 9.0, "Quầy".into()),
        text(165.0, true, 9.0, "Điện thoại".into()),
    ]);
    for o in &board.officials {
        let titles = wrap(&o.title, 44);
        for (i, title) in titles.into_iter().enumerate() {
            let mut row = vec![text(68.0, false, 9.0, title)];
            if i == 0 {
                row.push(text(20.0, false, 9.0, o.name.clone()));
                row.push(text(150.0, false, 9.0, o.counter.map(|c| c.to_string()).unwrap_or_default()));
                row.push(text(165.0, false, 9.0, o.phone.clone().unwrap_or_else(|| "—".into())));
            }
            lines.push(row);
        }
    }
    if !board.reception.is_empty() {
        lines.push(Vec::new());
        lines.push(vec![text(20.0, true, 11.0, "LỊCH TIẾP CÔNG DÂN".into())]);
        for r in &board.reception {
            lines.push(vec![
                text(20.0, false, 9.0, r.day_text()),
                text(60.0, false, 9.0, r.hours_text()),
                text(85.0, false, 9.0, format!("{} – {}", r.place, r.receiver)),
            ]);
        }
    }
    lines.push(Vec::new());
    lines.push(vec![text(20.0, true, 11.0, "THỦ TỤC HÀNH CHÍNH".into())]);
    lines.push(vec![
        text(20.0, true, 9.0, "Mã".into()),
        text(40.0, true, 9.0, "Thủ tục".into()),
        text(150.0, true, 9.0, "Thời hạn".into()),
    ]);
    for p in &board.procedures {
        let names = wrap(&p.name, 60);
        let times = wrap(&p.processing_time, 22);
        for i in 0..names.len().max(times.len()) {
            let mut row = Vec::new();
            if i == 0 {
                row.push(text(20.0, false, 8.0, p.code.clone()));
            }
            if let Some(name) = names.get(i) {
                row.push(text(40.0, false, 9.0, name.clone()));
            }
            if let Some(time) = times.get(i) {
                row.push(text(150.0, false, 9.0, time.clone()));
            }
            lines.push(row);
        }
    }
    lines.push(Vec::new());
    let as_of = board.as_of.with_timezone(&thanthien_core::time::vietnam()).format("%d/%m/%Y");
    lines.push(vec![text(20.0, false, 8.0, format!("Cập nhật {as_of}"))]);
    a4("Công khai", lines, qr)
}

/// The board as a file in one of its formats.
pub fn board_export(board: &Board, format: BoardFormat) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        BoardFormat::Pdf => board_pdf(board)?,
        BoardFormat::Html => board.html(board.qr_target().and_then(|t| qr_svg(&t)).as_deref()).into_bytes(),
        BoardFormat::Json => serde_json::to_vec_pretty(board).unwrap_or_default(),
    })
}

/// Writes bytes to `path`, creating its folder.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), ExportError> {
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)
    };
    write().map_err(|source| ExportError::Write { path: path.to_owned(), source })
}

/// The person's file in one of its forms: the one path the window and the CLI both take.
pub fn person_file(
    file: &thanthien_core::person::PersonFile,
    format: thanthien_core::person::FileFormat,
) -> Result<Vec<u8>, ExportError> {
    use thanthien_core::person::FileFormat;
    Ok(match format {
        FileFormat::Pdf => person_pdf(file)?,
        FileFormat::Json => serde_json::to_vec_pretty(file).unwrap_or_default(),
    })
}

/// What the commune holds about one person, as an A4 PDF to hand to them: each record under its
/// heading, its fields as label and value (long values wrapped).
pub fn person_pdf(file: &thanthien_core::person::PersonFile) -> Result<Vec<u8>, PdfError> {
    let text = |x: f32, bold: bool, size: f32, text: String| Line { x, bold, size, text };
    let made = thanthien_core::time::local_text(file.made_at);
    let mut lines: Vec<Vec<Line>> = vec![
        vec![text(20.0, true, 10.0, file.office.to_uppercase())],
        vec![text(20.0, true, 14.0, "DỮ LIỆU CÁ NHÂN ĐANG LƯU GIỮ".into())],
        vec![text(20.0, false, 9.0, format!("Theo Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 · lập lúc {made}"))],
        Vec::new(),
    ];
    let sections = file.sections();
    if sections.is_empty() {
        lines.push(vec![text(20.0, false, 10.0, "Không có bản ghi nào của người này.".into())]);
    }
    for (heading, fields) in sections {
        lines.push(vec![text(20.0, true, 10.0, heading)]);
        for (label, value) in fields {
            for (i, part) in wrap(&value, 70).into_iter().enumerate() {
                let mut row = vec![text(70.0, false, 9.0, part)];
                if i == 0 {
                    row.push(text(24.0, false, 9.0, label.to_owned()));
                }
                lines.push(row);
            }
        }
        lines.push(Vec::new());
    }
    a4("Dữ liệu cá nhân", lines, Vec::new())
}

/// The tracking book (sổ theo dõi hồ sơ, Mẫu 06) in one of its formats: the one path the window
/// and the CLI both take.
pub fn book_export(book: &DossierBook, format: BookFormat) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        BookFormat::Xlsx => book_xlsx(book)?,
        BookFormat::Pdf => book_pdf(book)?,
    })
}

/// The book's columns, as both formats head them.
const BOOK_COLUMNS: [&str; 9] = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Số điện thoại",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Ghi chú",
];

/// A line's cells, in `BOOK_COLUMNS` order.
fn book_cells(line: &BookLine) -> [String; 9] {
    let day = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let at = |t: chrono::DateTime<chrono::Utc>| thanthien_core::time::local_text(t);
    let mut note = line.standing.label().to_owned();
    if line.apology {
        note.push_str("; đã xin lỗi, hẹn lại (Mẫu 04)");
    }
    [
        line.number.to_string(),
        line.code.clone(),
        line.procedure.clone(),
        line.citizen.clone(),
        line.phone.clone().unwrap_or_default(),
        at(line.received_at),
        line.appointment.map(day).unwrap_or_default(),
        line.returned_at.map(at).unwrap_or_default(),
        note,
    ]
}

/// The book's totals line.
fn book_totals(book: &DossierBook) -> String {
    let t = &book.totals;
    format!(
        "Tổng số {} hồ sơ: trả đúng hẹn {}, trả trễ hẹn {}, đang giải quyết {}, quá hẹn chưa trả {}.",
        t.received, t.on_time, t.late, t.in_progress, t.overdue
    )
}

/// The book as an .xlsx sheet: title, the form's number and basis, the columns, a row per dossier.
pub fn book_xlsx(book: &DossierBook) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sổ theo dõi hồ sơ")?;
    let bold = Format::new().set_bold();
    sheet.write_string_with_format(0, 0, book.office.to_uppercase(), &bold)?;
    sheet.write_string_with_format(
        1,
        0,
        format!("{} {}", book.wording.title, book.period.label().to_uppercase()),
        &bold,
    )?;
    sheet.write_string(2, 0, format!("{} · {}", book.wording.number, book.wording.basis))?;
    for (col, name) in (0u16..).zip(BOOK_COLUMNS) {
        sheet.write_string_with_format(4, col, name, &bold)?;
    }
    let mut row = 5u32;
    for line in &book.lines {
        for (col, cell) in (0u16..).zip(book_cells(line)) {
            if col == 0 {
                sheet.write_number(row, col, f64::from(line.number))?;
            } else {
                sheet.write_string(row, col, cell)?;
            }
        }
        row += 1;
    }
    sheet.write_string(row + 1, 0, book_totals(book))?;
    workbook.save_to_buffer()
}

/// The book as an A4 PDF: each dossier a block (its number, code and procedure, then the citizen
/// and the dates), so long procedure names stay whole on a portrait page.
pub fn book_pdf(book: &DossierBook) -> Result<Vec<u8>, PdfError> {
    let text = |x: f32, bold: bool, size: f32, text: String| Line { x, bold, size, text };
    let mut lines: Vec<Vec<Line>> = vec![
        vec![text(20.0, true, 10.0, book.office.to_uppercase()), text(150.0, false, 8.0, book.wording.number.clone())],
        vec![text(20.0, false, 9.0, book.unit.clone())],
        vec![text(20.0, true, 14.0, format!("{} {}", book.wording.title, book.period.label().to_uppercase()))],
        vec![text(20.0, false, 8.0, book.wording.basis.clone())],
        Vec::new(),
    ];
    if book.lines.is_empty() {
        lines.push(vec![text(20.0, false, 10.0, "Không có hồ sơ nào được tiếp nhận trong kỳ.".into())]);
    }
    for line in &book.lines {
        let [number, code, procedure, citizen, phone, received, due, back, note] = book_cells(line);
        let mut procedure = wrap(&procedure, 60).into_iter();
        lines.push(vec![
            text(20.0, true, 9.0, number),
            text(30.0, true, 9.0, code),
            text(66.0, false, 9.0, procedure.next().unwrap_or_default()),
        ]);
        lines.extend(procedure.map(|part| vec![text(66.0, false, 9.0, part)]));
        let who = if phone.is_empty() { citizen } else { format!("{citizen} · {phone}") };
        lines.push(vec![text(30.0, false, 9.0, who)]);
        lines.push(vec![
            text(30.0, false, 8.0, format!("Nhận: {received}")),
            text(80.0, false, 8.0, format!("Hẹn trả: {due}")),
            text(118.0, false, 8.0, format!("Trả: {}", if back.is_empty() { "—".to_owned() } else { back })),
        ]);
        lines.push(vec![text(30.0, false, 8.0, note)]);
    }
    lines.push(Vec::new());
    lines.push(vec![text(20.0, true, 9.0, book_totals(book))]);
    a4(&format!("Sổ theo dõi hồ sơ {}", book.period.label()), lines, Vec::new())
}

/// A slip of the one-stop procedure (Mẫu 01–04) as a PDF on A4 or A5: the form's header, title
/// and basis, then the same lines the print view shows, and the signatures.
pub fn slip_pdf(sheet: &Sheet, size: SlipSize) -> Result<Vec<u8>, PdfError> {
    let paper = match size {
        SlipSize::A4 => Paper::A4,
        SlipSize::A5 => Paper::A5,
    };
    let (left, right) = (15.0, paper.width - 15.0);
    let half = paper.width / 2.0;
    let body = if size == SlipSize::A4 { 10.0 } else { 8.5 };
    // Characters a row holds at the body size (DejaVu Sans, about 0.55 em a glyph).
    let per_row = ((right - left) / (body * 0.3528 * 0.55)) as usize;
    let text = |x: f32, bold: bool, size: f32, text: String| Line { x, bold, size, text };
    let centred = |bold: bool, size: f32, t: String| text(paper.centred(&t, size, bold), bold, size, t);
    let motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let mut lines: Vec<Vec<Line>> = vec![
        vec![text(right - 22.0, false, 7.5, sheet.number.clone())],
        vec![text(left, true, 8.0, sheet.office.clone()), text(half, true, 8.0, motto.to_owned())],
        vec![
            text(left, false, 7.5, sheet.unit.clone()),
            text(half + 8.0, true, 8.0, "Độc lập - Tự do - Hạnh phúc".into()),
        ],
        Vec::new(),
        vec![text(half + 8.0, false, 8.5, sheet.dated.clone())],
        Vec::new(),
    ];
    for part in wrap(&sheet.title, (per_row as f32 * 0.8) as usize) {
        lines.push(vec![centred(true, body + 2.0, part)]);
    }
    lines.push(vec![centred(false, body - 1.0, sheet.code.clone())]);
    for part in wrap(&sheet.basis, per_row + per_row / 4) {
        lines.push(vec![centred(false, 7.0, part)]);
    }
    lines.push(Vec::new());
    for line in &sheet.lines {
        let (indent, said) = match line {
            SheetLine::Text { text } => (0.0, text.clone()),
            SheetLine::Field { label, value, .. } => (0.0, format!("{label}: {value}")),
            SheetLine::Item { number, text } => (6.0, format!("{number}. {text}")),
        };
        for part in wrap(&said, per_row - indent as usize / 2) {
            lines.push(vec![text(left + indent, false, body, part)]);
        }
    }
    lines.push(Vec::new());
    let column = (right - left) / sheet.signers.len().max(1) as f32;
    let at = |i: usize| left + column * i as f32 + if sheet.signers.len() == 1 { column / 2.0 } else { 4.0 };
    lines.push(sheet.signers.iter().enumerate().map(|(i, s)| text(at(i), true, body - 0.5, s.role.clone())).collect());
    lines.push(
        sheet
            .signers
            .iter()
            .enumerate()
            .map(|(i, _)| text(at(i), false, 7.5, "(Ký và ghi rõ họ tên)".into()))
            .collect(),
    );
    lines.extend([Vec::new(), Vec::new(), Vec::new()]);
    lines.push(
        sheet
            .signers
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.name.clone().map(|name| text(at(i), true, body - 0.5, name)))
            .collect(),
    );
    pages(paper, &format!("{} · {}", sheet.number, sheet.code), lines, Vec::new())
}
