//! Pages for people: rows of text laid out on as many numbered A4 (or A5) PDF pages as they take,
//! in DejaVu Sans (embedded, so Vietnamese renders on any PC). The desk's weekly summary, board
//! and slips and the province's week print through it, so their pages look alike.

pub use printpdf::Op;
use printpdf::{Mm, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, thiserror::Error)]
#[error("the embedded font cannot be read")]
pub struct PdfError;

/// One piece of text on a row of a page: where across (mm from the left), which face, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub x: f32,
    pub bold: bool,
    pub size: f32,
    pub text: String,
}

impl Line {
    pub fn new(x: f32, bold: bool, size: f32, text: impl Into<String>) -> Line {
        Line { x, bold, size, text: text.into() }
    }
}

/// The height of a row, and where rows start and stop on an A4 page (mm from the bottom).
pub const LINE: f32 = 5.6;
pub const TOP: f32 = 277.0;
pub const BOTTOM: f32 = 22.0;

/// A sheet of paper, portrait, in mm, with the height of its rows and where they stop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paper {
    pub width: f32,
    pub height: f32,
    pub line: f32,
    pub bottom: f32,
}

impl Paper {
    pub const A4: Paper = Paper { width: 210.0, height: 297.0, line: LINE, bottom: BOTTOM };
    /// Half an A4, in smaller type: a slip still fits on one sheet.
    pub const A5: Paper = Paper { width: 148.0, height: 210.0, line: 4.4, bottom: 18.0 };

    /// Where the first row sits: 20 mm under the top edge.
    pub fn top(self) -> f32 {
        self.height - 20.0
    }

    /// About where `text` starts for it to sit centred across the sheet (DejaVu Sans glyphs are
    /// about 0.55 em wide on average; the bold ones wider).
    pub fn centred(self, text: &str, size: f32, bold: bool) -> f32 {
        let em_mm = size * 0.3528;
        let width = text.chars().count() as f32 * em_mm * if bold { 0.62 } else { 0.55 };
        ((self.width - width) / 2.0).max(10.0)
    }
}

/// Lays rows of text out on as many A4 pages as they take, each page numbered under `title`;
/// `first_page` draws extra shapes on page 1 (the board's QR code).
pub fn a4(title: &str, lines: Vec<Vec<Line>>, first_page: Vec<Op>) -> Result<Vec<u8>, PdfError> {
    pages(Paper::A4, title, lines, first_page)
}

/// Lays rows of text out on as many pages of `paper` as they take, numbered as `a4` does.
pub fn pages(paper: Paper, title: &str, lines: Vec<Vec<Line>>, first_page: Vec<Op>) -> Result<Vec<u8>, PdfError> {
    let mut doc = PdfDocument::new(title);
    let regular = doc.add_font(&ParsedFont::from_bytes(REGULAR, 0, &mut Vec::new()).ok_or(PdfError)?);
    let bold = doc.add_font(&ParsedFont::from_bytes(BOLD, 0, &mut Vec::new()).ok_or(PdfError)?);
    let top = paper.top();
    let per_page = ((top - paper.bottom) / paper.line) as usize;
    let pages: Vec<&[Vec<Line>]> = lines.chunks(per_page).collect();
    let count = pages.len();
    let mut first_page = Some(first_page);
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(n, chunk)| {
            let mut ops = first_page.take().unwrap_or_default();
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
                let y = top - paper.line * i as f32;
                for line in row {
                    put(line.x, y, line.bold, line.size, &line.text);
                }
            }
            put(20.0, 12.0, false, 8.0, &format!("Thân Thiện · {title} · trang {}/{count}", n + 1));
            PdfPage::new(Mm(paper.width), Mm(paper.height), ops)
        })
        .collect();
    Ok(doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_flow_onto_numbered_pages() {
        let rows: Vec<Vec<Line>> = (0..100).map(|i| vec![Line::new(20.0, false, 10.0, format!("Dòng {i}"))]).collect();
        let pdf = a4("Thử", rows, Vec::new()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // 45 rows a page: 100 rows take 3 pages, each numbered.
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type/Page").count() + text.matches("/Type /Page").count()
            - text.matches("/Type/Pages").count()
            - text.matches("/Type /Pages").count();
        assert_eq!(pages, 3, "{}", &text[..text.len().min(2000)]);
    }
}
