//! The one-stop desk's slips, after the forms of Thông tư 01/2018/TT-VPCP (guiding Nghị định
//! 61/2018/NĐ-CP on the one-stop mechanism): which slip a visit may have, and each form's number,
//! title and legal-basis line. The wording is reference data the province may publish (kind
//! `slips`), so a province that follows newer forms changes it without a new release; until it
//! does, the 01/2018 wording below holds.

use crate::normal_form::{lowercase, uppercase};
use crate::time::{day_text, local_day, vietnam};
use crate::visit::{InputError, Outcome, Visit};
use chrono::{Datelike, NaiveDate, Timelike};
use serde::{Deserialize, Serialize};

crate::words::word_enum!(
    /// A slip of the one-stop procedure.
    SlipForm, InputError::SlipFormInvalid, {
        /// Mẫu 01: giấy tiếp nhận hồ sơ và hẹn trả kết quả.
        Receipt = "01" | "receipt" => "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        /// Mẫu 02: phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
        Supplement = "02" | "supplement" => "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        /// Mẫu 03: phiếu từ chối tiếp nhận giải quyết hồ sơ.
        Refusal = "03" | "refusal" => "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        /// Mẫu 04: phiếu xin lỗi và hẹn lại ngày trả kết quả.
        Apology = "04" | "apology" => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        /// Mẫu 06: sổ theo dõi hồ sơ.
        Book = "06" | "book" => "Sổ theo dõi hồ sơ",
    }
);

crate::words::word_enum!(
    /// The sheet a slip is printed on.
    SlipSize, InputError::SlipSizeInvalid, {
        A4 = "a4" | "A4" => "A4",
        A5 = "a5" | "A5" => "A5",
    }
);

/// One form's printed words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormWording {
    /// "Mẫu số 01".
    pub number: String,
    /// The title, in capitals as printed.
    pub title: String,
    /// The line naming the text the form comes from.
    pub basis: String,
}

/// Every form's words, and the unit named under the commune in each slip's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlipWording {
    /// "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ".
    pub unit: String,
    pub receipt: FormWording,
    pub supplement: FormWording,
    pub refusal: FormWording,
    pub apology: FormWording,
    pub book: FormWording,
}

/// The basis line of the 01/2018 forms.
pub const BASIS_2018: &str = "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ";

impl Default for SlipWording {
    fn default() -> SlipWording {
        let form = |number: &str, title: &str| FormWording {
            number: format!("Mẫu số {number}"),
            title: title.to_owned(),
            basis: BASIS_2018.to_owned(),
        };
        SlipWording {
            unit: "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ".to_owned(),
            receipt: form("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            supplement: form("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
            refusal: form("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
            apology: form("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
            book: form("06", "SỔ THEO DÕI HỒ SƠ"),
        }
    }
}

impl SlipWording {
    /// Reads a published body: every form present, each text present and of a printable length.
    pub fn parse(body: &str) -> Result<SlipWording, String> {
        let wording: SlipWording = serde_json::from_str(body).map_err(|e| format!("không đọc được mẫu phiếu: {e}"))?;
        let fine =
            |t: &str, max: usize| !t.trim().is_empty() && t.chars().count() <= max && !t.chars().any(char::is_control);
        if !fine(&wording.unit, 200) {
            return Err("unit: ghi tên bộ phận (tối đa 200 ký tự)".to_owned());
        }
        for &form in SlipForm::ALL {
            let w = wording.form(form);
            if !(fine(&w.number, 40) && fine(&w.title, 200) && fine(&w.basis, 500)) {
                return Err(format!("{}: ghi số mẫu, tên phiếu và căn cứ (tối đa 40, 200, 500 ký tự)", form.wire()));
            }
        }
        Ok(wording)
    }

    pub fn form(&self, form: SlipForm) -> &FormWording {
        match form {
            SlipForm::Receipt => &self.receipt,
            SlipForm::Supplement => &self.supplement,
            SlipForm::Refusal => &self.refusal,
            SlipForm::Apology => &self.apology,
            SlipForm::Book => &self.book,
        }
    }
}

/// Whether `visit` may have `form` printed for it: a receipt only for a dossier received (with
/// its appointment), a request to complete only for a citizen guided (with the missing papers
/// written), a refusal only for a dossier refused (with its reason), an apology only for an
/// appointment moved with one. The book is no one visit's slip.
pub fn check(form: SlipForm, visit: &Visit) -> Result<(), InputError> {
    let fits = match form {
        SlipForm::Receipt => visit.outcome == Some(Outcome::DossierReceived) && visit.appointment.is_some(),
        SlipForm::Supplement => visit.outcome == Some(Outcome::Guided) && visit.guidance.is_some(),
        SlipForm::Refusal => visit.outcome == Some(Outcome::Refused) && visit.refusal_reason.is_some(),
        SlipForm::Apology => visit.outcome == Some(Outcome::DossierReceived) && visit.apology,
        SlipForm::Book => false,
    };
    if fits {
        Ok(())
    } else {
        Err(InputError::SlipNotForVisit { form: form.wire().to_owned() })
    }
}

/// What a slip says beyond its visit: the office that issues it, the procedure's legal time
/// (from the catalogue, when the visit names a catalogue procedure) and the day it is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipContext {
    /// "UBND xã Long Hưng".
    pub office: String,
    pub legal_time: Option<String>,
    pub printed_on: NaiveDate,
}

/// One line of a slip's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "line", rename_all = "snake_case")]
pub enum SheetLine {
    /// A sentence or paragraph.
    Text { text: String },
    /// A labelled value; `key` names it for the print view (`#sheet-<key>`) and for tests.
    Field { key: String, label: String, value: String },
    /// One item of a numbered list (papers received, papers missing).
    Item { number: usize, text: String },
}

/// Who signs at the foot, and the name printed under the space for the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub role: String,
    pub name: Option<String>,
}

/// A slip as printed: the header of an administrative form (the office and its unit on the
/// left, the national motto on the right), the form's number, title and basis, the body and the
/// signatures. The print view and the PDF both draw this, so they say the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub form: SlipForm,
    /// The office, in capitals.
    pub office: String,
    pub unit: String,
    pub number: String,
    pub basis: String,
    pub title: String,
    /// "Mã hồ sơ: 261123-A007".
    pub code: String,
    /// "…, ngày 23 tháng 11 năm 2026".
    pub dated: String,
    pub lines: Vec<SheetLine>,
    pub signers: Vec<Signer>,
}

/// The office that issues the slips: the commune's People's Committee ("UBND xã Long Hưng"),
/// whether or not the commune's name already says so.
pub fn issuer(commune: &str) -> String {
    let commune = commune.trim();
    if uppercase(commune).starts_with("UBND") {
        commune.to_owned()
    } else {
        format!("UBND {commune}")
    }
}

/// The items of a list typed as one text: one per line, or separated by semicolons.
pub fn items(text: &str) -> Vec<String> {
    text.split(['\n', ';']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The sheet of `form` for `visit`, once `check` allows it.
pub fn sheet(form: SlipForm, visit: &Visit, wording: &SlipWording, context: &SlipContext) -> Result<Sheet, InputError> {
    check(form, visit)?;
    let refused = || InputError::SlipNotForVisit { form: form.wire().to_owned() };
    let text = |t: String| SheetLine::Text { text: t };
    let field = |key: &str, label: &str, value: String| SheetLine::Field {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
    };
    let list = |text: &str| -> Vec<SheetLine> {
        items(text).into_iter().enumerate().map(|(i, t)| SheetLine::Item { number: i + 1, text: t }).collect()
    };
    let unit = sentence_case(&wording.unit);
    let office = context.office.clone();
    let procedure = visit.procedure.clone().unwrap_or_else(|| "(chưa ghi thủ tục)".to_owned());
    let received_at = visit.finished_at.unwrap_or(visit.arrived_at);
    let code = crate::book::dossier_code(visit, received_at);
    let official = visit.official.clone();
    let citizen = |lines: &mut Vec<SheetLine>, label: &str| {
        lines.push(field("name", label, visit.name.clone()));
        if let Some(phone) = &visit.phone {
            lines.push(field("phone", "Số điện thoại", phone.clone()));
        }
    };
    let mut lines = Vec::new();
    let signers = match form {
        SlipForm::Receipt => {
            let appointment = visit.appointment.ok_or_else(refused)?;
            lines.push(text(format!("{unit} – {office}")));
            citizen(&mut lines, "Tiếp nhận hồ sơ của");
            lines.push(field("procedure", "Nội dung yêu cầu giải quyết", procedure));
            lines.push(text("1. Thành phần hồ sơ nộp gồm:".to_owned()));
            match visit.papers.as_deref().map(list) {
                Some(papers) if !papers.is_empty() => lines.extend(papers),
                _ => lines.push(text("(theo thành phần hồ sơ của thủ tục; không ghi riêng)".to_owned())),
            }
            if let Some(legal) = &context.legal_time {
                lines.push(field("legal-time", "2. Thời gian giải quyết hồ sơ theo quy định", legal.clone()));
            }
            let at = received_at.with_timezone(&vietnam()).time();
            lines.push(field(
                "received",
                "3. Thời gian nhận hồ sơ",
                format!("{:02} giờ {:02} phút, ngày {}", at.hour(), at.minute(), day_text(local_day(received_at))),
            ));
            lines.push(field(
                "appointment",
                "4. Thời gian trả kết quả giải quyết hồ sơ",
                format!("ngày {}", day_text(appointment)),
            ));
            lines.push(field("return-at", "5. Đăng ký nhận kết quả tại", format!("{unit} – {office}")));
            lines.push(text(format!("Vào Sổ theo dõi hồ sơ, mã hồ sơ {code}.")));
            vec![
                Signer { role: "NGƯỜI NỘP HỒ SƠ".to_owned(), name: Some(visit.name.clone()) },
                Signer { role: "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(), name: official },
            ]
        }
        SlipForm::Supplement => {
            citizen(&mut lines, "Hồ sơ của");
            lines.push(field("procedure", "Nội dung yêu cầu giải quyết", procedure));
            lines.push(text("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:".to_owned()));
            lines.extend(list(visit.guidance.as_deref().unwrap_or_default()));
            lines.push(text(format!(
                "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ {} – {office} để được hướng dẫn.",
                official.as_deref().map_or_else(|| unit.clone(), |o| format!("cán bộ {o}, {}", lowercase(&unit))),
            )));
            vec![Signer { role: "NGƯỜI HƯỚNG DẪN".to_owned(), name: official }]
        }
        SlipForm::Refusal => {
            lines.push(text(format!("{unit} – {office} tiếp nhận hồ sơ của:")));
            citizen(&mut lines, "Ông/Bà");
            lines.push(field("procedure", "Đề nghị giải quyết", procedure));
            lines.push(text(format!(
                "Sau khi nghiên cứu, đối chiếu quy định hiện hành, {} từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
                lowercase(&unit)
            )));
            lines.push(field("reason", "Lý do", visit.refusal_reason.clone().ok_or_else(refused)?));
            lines.push(text("Xin trân trọng cảm ơn!".to_owned()));
            vec![Signer { role: "NGƯỜI TIẾP NHẬN HỒ SƠ".to_owned(), name: official }]
        }
        SlipForm::Apology => {
            let appointment = visit.appointment.ok_or_else(refused)?;
            let previous = visit.first_appointment.unwrap_or(appointment);
            lines.push(field("name", "Kính gửi", format!("Ông/Bà {}", visit.name)));
            lines.push(text(format!(
                "Ngày {}, {office} tiếp nhận giải quyết hồ sơ của Ông/Bà đề nghị giải quyết thủ tục hành chính: {procedure} (mã hồ sơ {code}).",
                day_text(local_day(received_at))
            )));
            lines.push(field("previous", "Thời hạn trả kết quả theo giấy hẹn là ngày", day_text(previous)));
            lines.push(text(format!(
                "Tuy nhiên đến nay, {office} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hẹn."
            )));
            lines.push(field("reason", "Lý do", visit.appointment_reason.clone().unwrap_or_default()));
            lines.push(text(format!(
                "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {office} xin lỗi Ông/Bà và sẽ trả kết quả vào ngày:"
            )));
            lines.push(field("new-date", "Ngày hẹn trả kết quả mới", day_text(appointment)));
            lines.push(text("Mong nhận được sự thông cảm của Ông/Bà. Xin trân trọng cảm ơn.".to_owned()));
            vec![Signer { role: "NGƯỜI ĐỨNG ĐẦU".to_owned(), name: None }]
        }
        SlipForm::Book => return Err(refused()),
    };
    let w = wording.form(form);
    let printed = context.printed_on;
    Ok(Sheet {
        form,
        office: uppercase(&context.office),
        unit: wording.unit.clone(),
        number: w.number.clone(),
        basis: w.basis.clone(),
        title: w.title.clone(),
        code: format!("Mã hồ sơ: {code}"),
        dated: format!("Ngày {:02} tháng {:02} năm {:04}", printed.day(), printed.month(), printed.year()),
        lines,
        signers,
    })
}

/// "BỘ PHẬN TIẾP NHẬN" → "Bộ phận tiếp nhận": the unit's name inside a sentence.
fn sentence_case(text: &str) -> String {
    let lower = lowercase(text);
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => uppercase(first.encode_utf8(&mut [0; 4])) + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{local, visit};

    #[test]
    fn the_default_is_the_2018_wording_and_a_published_one_replaces_it() {
        let default = SlipWording::default();
        assert_eq!(default.form(SlipForm::Receipt).title, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
        assert_eq!(default.form(SlipForm::Book).number, "Mẫu số 06");
        let mut newer = default.clone();
        newer.receipt.basis = "Ban hành kèm theo Thông tư mới của Văn phòng Chính phủ".into();
        let body = serde_json::to_string(&newer).unwrap();
        assert_eq!(SlipWording::parse(&body), Ok(newer.clone()));
        newer.refusal.title = " ".into();
        assert!(SlipWording::parse(&serde_json::to_string(&newer).unwrap()).unwrap_err().starts_with("03"));
        assert!(SlipWording::parse("{}").is_err());
    }

    #[test]
    fn a_slip_goes_only_with_the_visit_it_belongs_to() {
        let at = local(2026, 11, 23, 8, 0);
        let mut received =
            visit(at, Some("Đăng ký khai sinh"), None, None, Some(Outcome::DossierReceived), Some(5), Some(10), None);
        received.appointment = Some(at.date_naive());
        assert_eq!(check(SlipForm::Receipt, &received), Ok(()));
        assert!(check(SlipForm::Apology, &received).is_err(), "no apology yet");
        received.apology = true;
        assert_eq!(check(SlipForm::Apology, &received), Ok(()));
        let resolved = visit(at, None, None, None, Some(Outcome::Resolved), Some(5), Some(10), None);
        assert_eq!(
            check(SlipForm::Receipt, &resolved),
            Err(InputError::SlipNotForVisit { form: "01".into() }),
            "a visit that received no dossier has no receipt"
        );
        let mut guided = visit(at, None, None, None, Some(Outcome::Guided), Some(5), Some(10), None);
        assert!(check(SlipForm::Supplement, &guided).is_err(), "the missing papers must be written");
        guided.guidance = Some("Thiếu bản sao giấy chứng sinh".into());
        assert_eq!(check(SlipForm::Supplement, &guided), Ok(()));
        assert_eq!(SlipForm::parse("01"), Ok(SlipForm::Receipt));
    }

    fn context() -> SlipContext {
        SlipContext {
            office: "UBND xã Long Hưng".into(),
            legal_time: Some("03 ngày làm việc".into()),
            printed_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }
    }

    fn value<'a>(sheet: &'a Sheet, key: &str) -> &'a str {
        sheet
            .lines
            .iter()
            .find_map(|l| match l {
                SheetLine::Field { key: k, value, .. } if k == key => Some(value.as_str()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no field {key} in {sheet:?}"))
    }

    #[test]
    fn the_receipt_prints_the_stored_appointment_and_each_paper() {
        let at = local(2026, 11, 23, 8, 30);
        let mut v = visit(
            at,
            Some("Đăng ký khai sinh"),
            Some("Lê Thị Hoa"),
            Some(1),
            Some(Outcome::DossierReceived),
            Some(0),
            Some(0),
            None,
        );
        v.ticket = Some("A007".into());
        v.appointment = NaiveDate::from_ymd_opt(2026, 11, 26);
        v.papers = Some("Tờ khai đăng ký khai sinh\nGiấy chứng sinh (bản chính); CCCD của cha hoặc mẹ".into());
        let sheet = sheet(SlipForm::Receipt, &v, &SlipWording::default(), &context()).unwrap();
        assert_eq!(value(&sheet, "appointment"), "ngày 26/11/2026", "the date stored for the visit");
        assert_eq!(value(&sheet, "received"), "08 giờ 30 phút, ngày 23/11/2026", "local time");
        assert_eq!(value(&sheet, "legal-time"), "03 ngày làm việc");
        let papers: Vec<_> = sheet
            .lines
            .iter()
            .filter_map(|l| match l {
                SheetLine::Item { number, text } => Some((*number, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            papers,
            [(1, "Tờ khai đăng ký khai sinh"), (2, "Giấy chứng sinh (bản chính)"), (3, "CCCD của cha hoặc mẹ")]
        );
        assert_eq!(sheet.code, "Mã hồ sơ: 261123-A007");
        assert_eq!(
            (sheet.title.as_str(), sheet.office.as_str()),
            ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "UBND XÃ LONG HƯNG")
        );
        assert_eq!(sheet.signers[1].name.as_deref(), Some("Lê Thị Hoa"));
        assert_eq!(
            (issuer("xã Long Hưng"), issuer("UBND xã, phường")),
            ("UBND xã Long Hưng".into(), "UBND xã, phường".into())
        );
        let resolved = visit(at, None, None, None, Some(Outcome::Resolved), Some(0), Some(0), None);
        assert!(super::sheet(SlipForm::Receipt, &resolved, &SlipWording::default(), &context()).is_err());
    }

    #[test]
    fn the_refusal_and_the_apology_say_why() {
        let at = local(2026, 11, 23, 9, 0);
        let mut refused =
            visit(at, Some("Chứng thực bản sao"), None, None, Some(Outcome::Refused), Some(0), Some(0), None);
        assert!(check(SlipForm::Refusal, &refused).is_err(), "no reason, no slip");
        refused.refusal_reason = Some("Thủ tục thuộc thẩm quyền cấp huyện".into());
        let sheet = sheet(SlipForm::Refusal, &refused, &SlipWording::default(), &context()).unwrap();
        assert_eq!(value(&sheet, "reason"), "Thủ tục thuộc thẩm quyền cấp huyện");
        assert_eq!(sheet.number, "Mẫu số 03");
        let mut late =
            visit(at, Some("Đăng ký kết hôn"), None, None, Some(Outcome::DossierReceived), Some(0), Some(0), None);
        late.first_appointment = NaiveDate::from_ymd_opt(2026, 11, 25);
        late.appointment = NaiveDate::from_ymd_opt(2026, 11, 30);
        late.appointment_reason = Some("Chờ xác minh".into());
        late.apology = true;
        let sheet = super::sheet(SlipForm::Apology, &late, &SlipWording::default(), &context()).unwrap();
        assert_eq!((value(&sheet, "previous"), value(&sheet, "new-date")), ("25/11/2026", "30/11/2026"));
    }
}
