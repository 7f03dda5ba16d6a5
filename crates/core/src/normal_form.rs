//! Unicode normal forms and case of typed text (a name typed with combining marks is the same name
//! as one typed precomposed; "Đông Hòa" is "đông hòa" in lower case). In the window's wasm the
//! browser's own `String.prototype.normalize`, `toLowerCase` and `toUpperCase` do it, elsewhere the
//! unicode-normalization crate and the standard library: the same Unicode algorithms, so the
//! window, the desk and the server agree, and the UI bundle carries none of their tables (the
//! normal forms' alone are about 150 KB).

/// `text` in NFC: each letter with its marks as one character where Unicode has one.
pub fn nfc(text: &str) -> String {
    normalize(text, Form::Composed)
}

/// `text` in NFD: each letter as its base followed by its marks, in canonical order.
pub fn nfd(text: &str) -> String {
    normalize(text, Form::Decomposed)
}

/// `text` in lower case, by Unicode's default case mapping (as `str::to_lowercase`).
pub fn lowercase(text: &str) -> String {
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    return js_sys::JsString::from(text).to_lower_case().into();
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    return text.to_lowercase();
}

/// `text` in upper case, by Unicode's default case mapping (as `str::to_uppercase`).
pub fn uppercase(text: &str) -> String {
    #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
    return js_sys::JsString::from(text).to_upper_case().into();
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    return text.to_uppercase();
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

    #[test]
    fn vietnamese_letters_change_case_with_their_marks() {
        assert_eq!(lowercase("ĐÔNG HÒA, Ấp Ưng"), "đông hòa, ấp ưng");
        assert_eq!(uppercase("ubnd xã đông hòa"), "UBND XÃ ĐÔNG HÒA");
        assert_eq!(uppercase("ß"), "SS", "one letter may become two");
    }
}
