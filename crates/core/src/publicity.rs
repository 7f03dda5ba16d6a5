//! The publicity board (Công khai): the officials' phone directory and the procedure catalogue as
//! the commune publishes them (poster, web page, JSON for the portal and Fanpage), and the
//! register of where and when each was published.

use crate::official::Official;
use crate::procedure::Procedure;
use crate::visit::InputError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One official as published: the phone only if the official agreed to publish it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardOfficial {
    pub name: String,
    pub title: String,
    pub counter: Option<u16>,
    pub phone: Option<String>,
}

/// One procedure as published: what a citizen needs to plan a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardProcedure {
    /// The national code where known, else the catalogue's id.
    pub code: String,
    pub name: String,
    pub field: String,
    pub processing_time: String,
    pub fee: Option<String>,
}

/// What the commune publishes, as of one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub office: String,
    pub officials: Vec<BoardOfficial>,
    pub procedures: Vec<BoardProcedure>,
    /// The feedback e-mail box the QR code opens.
    pub feedback_email: Option<String>,
    pub as_of: DateTime<Utc>,
    /// The chairman's next citizen-reception days (Luật Tiếp công dân, Điều 15).
    #[serde(default)]
    pub reception: Vec<crate::reception::ReceptionDay>,
}

impl Board {
    pub fn new(
        office: &str,
        officials: &[Official],
        procedures: &[Procedure],
        feedback_email: Option<String>,
        as_of: DateTime<Utc>,
    ) -> Board {
        Board {
            office: office.to_owned(),
            officials: officials
                .iter()
                .map(|o| BoardOfficial {
                    name: o.name.clone(),
                    title: o.title.clone(),
                    counter: o.counter,
                    phone: o.phone.clone().filter(|_| o.phone_published),
                })
                .collect(),
            procedures: procedures
                .iter()
                .map(|p| BoardProcedure {
                    code: p.code.clone().unwrap_or_else(|| p.id.clone()),
                    name: p.name.clone(),
                    field: p.field.clone(),
                    processing_time: p.legal_time_text.clone(),
                    fee: p.fee_text.clone(),
                })
                .collect(),
            feedback_email: feedback_email.filter(|e| e.contains('@')),
            as_of,
            reception: Vec::new(),
        }
    }

    /// The board with the coming citizen-reception days.
    pub fn with_reception(self, days: Vec<crate::reception::ReceptionDay>) -> Board {
        Board { reception: days, ..self }
    }

    /// What the QR code holds: a mailto: link to the feedback box.
    pub fn qr_target(&self) -> Option<String> {
        self.feedback_email.as_ref().map(|e| format!("mailto:{e}"))
    }

    /// A self-contained web page for the commune's portal: the directory, the QR code (an inline
    /// SVG made by the caller) and the catalogue. Every text is escaped.
    pub fn html(&self, qr_svg: Option<&str>) -> String {
        let e = escape;
        let mut out = String::new();
        out.push_str("<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        out.push_str(&format!("<title>Công khai – {}</title>", e(&self.office)));
        out.push_str("<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}");
        out.push_str(
            "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;text-align:left}",
        );
        out.push_str(".qr svg{width:10rem;height:10rem}</style></head><body>\n");
        out.push_str(&format!("<h1>{}</h1>\n", e(&self.office)));
        out.push_str("<h2>Danh bạ cán bộ tiếp nhận, giải quyết thủ tục</h2>\n<table><tr><th>Họ tên</th><th>Chức danh</th><th>Quầy</th><th>Điện thoại</th></tr>\n");
        for o in &self.officials {
            let counter = o.counter.map(|c| c.to_string()).unwrap_or_default();
            let phone = o.phone.as_deref().map(e).unwrap_or_default();
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{counter}</td><td>{phone}</td></tr>\n",
                e(&o.name),
                e(&o.title)
            ));
        }
        out.push_str("</table>\n");
        if !self.reception.is_empty() {
            out.push_str("<h2>Lịch tiếp công dân</h2>\n<table><tr><th>Ngày</th><th>Giờ</th><th>Địa điểm</th><th>Người tiếp</th></tr>\n");
            for r in &self.reception {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    e(&r.day_text()),
                    e(&r.hours_text()),
                    e(&r.place),
                    e(&r.receiver)
                ));
            }
            out.push_str("</table>\n");
        }
        if let (Some(email), Some(svg)) = (&self.feedback_email, qr_svg) {
            out.push_str(&format!(
                "<h2>Góp ý, phản ánh</h2>\n<div class=\"qr\">{svg}</div>\n<p>Quét mã hoặc gửi thư đến <a href=\"mailto:{0}\">{0}</a></p>\n",
                e(email)
            ));
        }
        out.push_str("<h2>Thủ tục hành chính</h2>\n<table><tr><th>Mã</th><th>Thủ tục</th><th>Lĩnh vực</th><th>Thời hạn giải quyết</th><th>Lệ phí</th></tr>\n");
        for p in &self.procedures {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e(&p.code),
                e(&p.name),
                e(&p.field),
                e(&p.processing_time),
                p.fee.as_deref().map(e).unwrap_or_default()
            ));
        }
        out.push_str(&format!(
            "</table>\n<p><small>Cập nhật {}</small></p>\n</body></html>\n",
            crate::time::day_text(crate::time::local_day(self.as_of))
        ));
        out
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

crate::words::word_enum!(
    /// The form a publication took.
    BoardFormat, InputError::PublicationInvalid, {
        Pdf = "pdf" => "Bản in (PDF)",
        Html = "html" => "Trang web (HTML)",
        Json = "json" => "Dữ liệu (JSON)",
    }
);

crate::words::word_enum!(
    /// Where it was published.
    Venue, InputError::PublicationInvalid, {
        NoticeBoard = "notice_board" | "notice-board" | "bang-tin" => "Bảng tin trụ sở",
        Portal = "portal" | "web" => "Cổng thông tin xã",
        Fanpage = "fanpage" | "facebook" => "Fanpage",
        Zalo = "zalo" | "zalo-oa" => "Zalo OA",
        Other = "other" | "khac" => "Nơi khác",
    }
);

/// Payload of `publication.recorded`: the board went up somewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub format: BoardFormat,
    pub venue: Venue,
    /// Where exactly: "Bảng tin tầng 1", a web address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<crate::visit::Note>,
    pub at: DateTime<Utc>,
}

/// One line of the publication register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub id: uuid::Uuid,
    #[serde(flatten)]
    pub published: Published,
    pub by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn official(name: &str, phone: &str, published: bool) -> Official {
        Official {
            leader: false,
            id: Uuid::nil(),
            name: name.into(),
            title: "Công chức Văn phòng - Thống kê".into(),
            phone: Some(phone.into()),
            counter: Some(1),
            phone_published: published,
        }
    }

    #[test]
    fn only_phones_agreed_to_are_published_and_every_text_is_escaped() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
        let officials =
            [official("Lê Thị Hoa", "0912345678", true), official("Trần <b>Văn</b> Bình", "0987654321", false)];
        let catalogue = crate::procedure::parse_catalogue(crate::procedure::STARTER_CATALOGUE).unwrap();
        let board =
            Board::new("UBND phường Trấn Biên", &officials, &catalogue, Some("gopy@tranbien.gov.vn".into()), at);
        assert_eq!(board.officials[0].phone.as_deref(), Some("0912345678"));
        assert_eq!(board.officials[1].phone, None);
        assert_eq!(board.procedures.len(), catalogue.len());
        assert_eq!(board.qr_target().as_deref(), Some("mailto:gopy@tranbien.gov.vn"));
        let html = board.html(Some("<svg></svg>"));
        assert!(html.contains("Trần &lt;b&gt;Văn&lt;/b&gt; Bình") && !html.contains("0987654321"), "{html}");
        assert!(html.contains("<svg></svg>") && html.contains("mailto:gopy@tranbien.gov.vn"));
        assert!(html.contains("Cập nhật 27/11/2026"));
        let json: Board = serde_json::from_str(&serde_json::to_string(&board).unwrap()).unwrap();
        assert_eq!(json, board);
        // No e-mail box set (or a login that is not an address): no QR code.
        assert_eq!(Board::new("x", &[], &[], Some("gopy".into()), at).qr_target(), None);
    }

    #[test]
    fn venues_and_formats_read_their_spellings() {
        assert_eq!(Venue::parse("notice-board"), Ok(Venue::NoticeBoard));
        assert_eq!(BoardFormat::parse("PDF"), Ok(BoardFormat::Pdf));
        assert!(Venue::parse("tivi").is_err());
    }
}
