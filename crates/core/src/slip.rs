//! The one-stop desk's slips, after the forms of Thông tư 01/2018/TT-VPCP (guiding Nghị định
//! 61/2018/NĐ-CP on the one-stop mechanism): which slip a visit may have, and each form's number,
//! title and legal-basis line. The wording is reference data the province may publish (kind
//! `slips`), so a province that follows newer forms changes it without a new release; until it
//! does, the 01/2018 wording below holds.

use crate::visit::{InputError, Outcome, Visit};
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
/// written), an apology only for an appointment moved with one. The book is no one visit's slip,
/// and the desk records no refusal yet.
pub fn check(form: SlipForm, visit: &Visit) -> Result<(), InputError> {
    let fits = match form {
        SlipForm::Receipt => visit.outcome == Some(Outcome::DossierReceived) && visit.appointment.is_some(),
        SlipForm::Supplement => visit.outcome == Some(Outcome::Guided) && visit.guidance.is_some(),
        SlipForm::Apology => visit.outcome == Some(Outcome::DossierReceived) && visit.apology,
        SlipForm::Refusal | SlipForm::Book => false,
    };
    if fits {
        Ok(())
    } else {
        Err(InputError::SlipNotForVisit { form: form.wire().to_owned() })
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
}
