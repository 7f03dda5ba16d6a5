//! Pages for people: rows of text laid out on as many numbered A4 (or A5) PDF pages as they take,
//! in DejaVu Sans (embedded in each PDF, so Vietnamese renders on any PC). The desk's weekly
//! summary, board and slips and the province's week print through it, so their pages look alike.
//!
//! On Linux the font comes from the system's DejaVu package (the .deb depends on
//! fonts-dejavu-core, as Debian asks of packages that use a font); elsewhere, Windows among them,
//! it is built into the program from `assets/fonts`, the same files.
//!
//! The PDF is written object by object (pdf-writer) with each face embedded as a subset of the
//! glyphs the pages use (subsetter): a CID font with Identity encoding and a ToUnicode map, so a
//! reader copies or searches the text as written.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// Why a PDF could not be made; `Display` is Vietnamese, for the screen.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("không tìm thấy phông chữ DejaVu Sans ({0}); hãy cài gói fonts-dejavu-core")]
    FontMissing(String),
    #[error("phông chữ DejaVu Sans không đọc được")]
    FontUnreadable,
}

/// The regular and bold faces' files.
#[cfg(target_os = "linux")]
fn faces() -> Result<[&'static [u8]; 2], PdfError> {
    use std::sync::OnceLock;
    // Where Debian and Ubuntu (fonts-dejavu-core), Fedora and Arch put them.
    const FOLDERS: [&str; 3] =
        ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu-sans-fonts", "/usr/share/fonts/TTF"];
    static READ: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    if READ.get().is_none() {
        let read = |file: &str| FOLDERS.iter().find_map(|folder| std::fs::read(format!("{folder}/{file}")).ok());
        match (read("DejaVuSans.ttf"), read("DejaVuSans-Bold.ttf")) {
            // A failure is not kept: the package may be installed while the program runs.
            (Some(regular), Some(bold)) => drop(READ.set([regular, bold])),
            _ => return Err(PdfError::FontMissing(format!("{}/DejaVuSans.ttf", FOLDERS[0]))),
        }
    }
    let [regular, bold] = READ.get().ok_or(PdfError::FontUnreadable)?;
    Ok([regular, bold])
}

#[cfg(not(target_os = "linux"))]
fn faces() -> Result<[&'static [u8]; 2], PdfError> {
    Ok([
        include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
        include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
    ])
}

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

/// A filled black square on the first page, in mm from the sheet's bottom-left corner: the
/// board's QR code is drawn as one square per dark module.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Square {
    pub x: f32,
    pub y: f32,
    pub side: f32,
}

/// Lays rows of text out on as many A4 pages as they take, each page numbered under `title`,
/// with `squares` drawn on page 1 (the board's QR code).
pub fn a4(title: &str, lines: Vec<Vec<Line>>, squares: Vec<Square>) -> Result<Vec<u8>, PdfError> {
    pages(Paper::A4, title, lines, squares)
}

/// Lays rows of text out on as many pages of `paper` as they take, numbered as `a4` does.
pub fn pages(paper: Paper, title: &str, lines: Vec<Vec<Line>>, squares: Vec<Square>) -> Result<Vec<u8>, PdfError> {
    let [regular, bold] = faces()?;
    let mut faces = [Face::new(regular, b"DejaVuSans", b"F0")?, Face::new(bold, b"DejaVuSans-Bold", b"F1")?];
    let top = paper.top();
    let per_page = (((top - paper.bottom) / paper.line) as usize).max(1);
    let mut chunks: Vec<&[Vec<Line>]> = lines.chunks(per_page).collect();
    if chunks.is_empty() {
        // Nothing to list still prints one page, with its number and title.
        chunks.push(&[]);
    }
    let count = chunks.len();
    let mut contents = Vec::with_capacity(count);
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut content = Content::new();
        if n == 0 && !squares.is_empty() {
            content.set_fill_gray(0.0);
            for s in &squares {
                content.rect(pt(s.x), pt(s.y), pt(s.side), pt(s.side));
            }
            content.fill_nonzero();
        }
        for (i, row) in chunk.iter().enumerate() {
            let y = top - paper.line * i as f32;
            for line in row {
                faces[usize::from(line.bold)].show(&mut content, line.x, y, line.size, &line.text);
            }
        }
        faces[0].show(&mut content, 20.0, 12.0, 8.0, &format!("Thân Thiện · {title} · trang {}/{count}", n + 1));
        contents.push(content.finish());
    }

    let mut next = Ref::new(1);
    let (catalog, tree, info) = (next.bump(), next.bump(), next.bump());
    let font_refs = [next.bump(), next.bump()];
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr("vi"));
    pdf.document_info(info).title(TextStr(title)).producer(TextStr("Thân Thiện"));
    let mut kids = Vec::with_capacity(count);
    for content in contents {
        let (page, stream) = (next.bump(), next.bump());
        kids.push(page);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, pt(paper.width), pt(paper.height))).parent(tree).contents(stream);
        let mut resources = p.resources();
        let mut fonts = resources.fonts();
        for (face, id) in faces.iter().zip(font_refs) {
            fonts.pair(face.resource, id);
        }
        fonts.finish();
        resources.finish();
        p.finish();
        pdf.stream(stream, &deflate(&content)).filter(Filter::FlateDecode);
    }
    pdf.pages(tree).kids(kids.iter().copied()).count(count as i32);
    for (face, id) in faces.iter().zip(font_refs) {
        face.embed(&mut pdf, id, &mut next)?;
    }
    Ok(pdf.finish())
}

/// Millimetres to PDF points.
fn pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// One embedded face: the glyphs the pages used, renumbered from 0 in the order first used,
/// with each one's width and the character it stands for.
struct Face {
    data: &'static [u8],
    font: ttf_parser::Face<'static>,
    name: &'static [u8],
    resource: Name<'static>,
    glyphs: subsetter::GlyphRemapper,
    /// By new glyph number: its advance in thousandths of an em, and the character it shows.
    used: BTreeMap<u16, (f32, Option<char>)>,
}

impl Face {
    /// The face in `data`, named `name` in the PDF and `resource` on its pages.
    fn new(data: &'static [u8], name: &'static [u8], resource: &'static [u8]) -> Result<Face, PdfError> {
        let font = ttf_parser::Face::parse(data, 0).map_err(|_| PdfError::FontUnreadable)?;
        let resource = Name(resource);
        Ok(Face { data, font, name, resource, glyphs: subsetter::GlyphRemapper::new(), used: BTreeMap::new() })
    }

    fn em(&self, units: f32) -> f32 {
        units * 1000.0 / f32::from(self.font.units_per_em())
    }

    /// Writes `text` at (x, y) mm in this face, `size` points high, noting the glyphs it uses.
    fn show(&mut self, content: &mut Content, x: f32, y: f32, size: f32, text: &str) {
        let mut codes = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            // A character the font lacks shows as its "missing" box (glyph 0), as on screen.
            let glyph = self.font.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            let id = self.glyphs.remap(glyph.0);
            let advance = self.em(f32::from(self.font.glyph_hor_advance(glyph).unwrap_or(0)));
            let entry = self.used.entry(id).or_insert((advance, None));
            if glyph.0 != 0 && entry.1.is_none() {
                entry.1 = Some(c);
            }
            codes.extend(id.to_be_bytes());
        }
        content.begin_text();
        content.set_font(self.resource, size);
        content.next_line(pt(x), pt(y));
        content.show(Str(&codes));
        content.end_text();
    }

    /// Writes the face as a Type 0 font at `id`: its CID font, descriptor, subset and ToUnicode map.
    fn embed(&self, pdf: &mut Pdf, id: Ref, next: &mut Ref) -> Result<(), PdfError> {
        let (cid, descriptor, file, to_unicode) = (next.bump(), next.bump(), next.bump(), next.bump());
        // A subset is named with a tag of six capitals before its face's name (PDF 32000 9.6.4),
        // here drawn from the glyphs it holds so that different subsets are named apart.
        let mut hash: u32 = 2_166_136_261;
        for glyph in self.glyphs.remapped_gids() {
            hash = (hash ^ u32::from(glyph)).wrapping_mul(16_777_619);
        }
        let mut base = Vec::with_capacity(7 + self.name.len());
        for _ in 0..6 {
            base.push(b'A' + (hash % 26) as u8);
            hash /= 26;
        }
        base.push(b'+');
        base.extend_from_slice(self.name);
        let base = Name(&base);
        let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

        pdf.type0_font(id)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);
        let mut font = pdf.cid_font(cid);
        font.subtype(CidFontType::Type2).base_font(base).system_info(system).font_descriptor(descriptor);
        font.cid_to_gid_map_predefined(Name(b"Identity"));
        font.widths().consecutive(0, (0..self.glyphs.num_gids()).map(|g| self.used.get(&g).map_or(0.0, |u| u.0)));
        font.finish();

        let b = self.font.global_bounding_box();
        let weight = self.font.weight().to_number();
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                self.em(f32::from(b.x_min)),
                self.em(f32::from(b.y_min)),
                self.em(f32::from(b.x_max)),
                self.em(f32::from(b.y_max)),
            ))
            .italic_angle(0.0)
            .ascent(self.em(f32::from(self.font.ascender())))
            .descent(self.em(f32::from(self.font.descender())))
            .cap_height(self.em(f32::from(self.font.capital_height().unwrap_or(self.font.ascender()))))
            // The usual estimate of the vertical stems' width from the weight class.
            .stem_v(10.0 + 0.244 * (f32::from(weight) - 50.0))
            .font_file2(file);

        let subset = subsetter::subset(self.data, 0, &self.glyphs).map_err(|_| PdfError::FontUnreadable)?;
        pdf.stream(file, &deflate(&subset)).filter(Filter::FlateDecode);

        let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
        for (glyph, (_, c)) in &self.used {
            if let Some(c) = c {
                cmap.pair(*glyph, *c);
            }
        }
        pdf.cmap(to_unicode, &cmap.finish());
        Ok(())
    }
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

    #[test]
    fn both_faces_have_every_vietnamese_letter() {
        let lower = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
        let letters: String = lower.chars().chain(lower.to_uppercase().chars()).collect();
        assert_eq!(letters.chars().count(), 2 * 89);
        for data in faces().unwrap() {
            let font = ttf_parser::Face::parse(data, 0).unwrap();
            let missing: String = letters.chars().filter(|c| font.glyph_index(*c).is_none()).collect();
            assert_eq!(missing, "", "letters without a glyph");
        }
    }

    #[test]
    fn nothing_to_list_still_prints_one_numbered_page() {
        let pdf = a4("Trống", Vec::new(), Vec::new()).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 1"), "{}", &text[..text.len().min(2000)]);
    }

    #[test]
    fn each_face_travels_as_the_subset_the_pages_use() {
        let rows = vec![vec![Line::new(20.0, true, 12.0, "Ủy ban"), Line::new(60.0, false, 10.0, "Nguyễn Thị Ánh")]];
        let pdf = a4("Thử", rows, vec![Square { x: 150.0, y: 250.0, side: 2.0 }]).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        // Both faces, each with its glyphs, widths and the map back to the characters it shows.
        assert_eq!(text.matches("/FontFile2").count(), 2);
        assert_eq!(text.matches("/ToUnicode").count(), 2);
        let bold = text.matches("+DejaVuSans-Bold").count();
        assert!(bold > 0 && text.matches("+DejaVuSans").count() > bold, "{}", &text[..text.len().min(3000)]);
        // A few dozen glyphs, not the 1.4 MB of the two whole fonts.
        assert!(pdf.len() < 40_000, "{} bytes", pdf.len());
    }
}
