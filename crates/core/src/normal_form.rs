//! Unicode normal forms of typed text (a name typed with combining marks is the same name as one
//! typed precomposed). In the window's wasm the browser's own `String.prototype.normalize` does
//! it, elsewhere the unicode-normalization crate: the same Unicode algorithm, so the window, the
//! desk and the server agree, and the UI bundle carries none of the crate's tables (about 150 KB).

/// `text` in NFC: each letter with its marks as one character where Unicode has one.
pub fn nfc(text: &str) -> String {
    normalize(text, Form::Composed)
}

/// `text` in NFD: each letter as its base followed by its marks, in canonical order.
pub fn nfd(text: &str) -> String {
    normalize(text, Form::Decomposed)
}

#[derive(Clone, Copy)]
enum Form {
    Composed,
    Decomposed,
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn normalize(text: &str, form: Form) -> String {
    let form = match form {
        Form::Composed => "NFC",
        Form::Decomposed => "NFD",
    };
    js_sys::JsString::from(text).normalize(form).into()
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn normalize(text: &str, form: Form) -> String {
    use unicode_normalization::UnicodeNormalization;
    match form {
        Form::Composed => text.nfc().collect(),
        Form::Decomposed => text.nfd().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_typed_with_combining_marks_is_the_precomposed_name() {
        let typed = "Nguye\u{0302}\u{0303}n Thi\u{0323} Ho\u{0300}a";
        assert_eq!(nfc(typed), "Nguyễn Thị Hòa");
        assert_eq!(nfd("Nguyễn Thị Hòa"), nfd(typed));
        assert_eq!(nfd("ặ"), "a\u{0323}\u{0306}", "marks in canonical order: dot below before breve");
        assert_eq!(nfc("Đ"), "Đ", "đ has no decomposition");
    }
}
