//! Vietnamese alphabetical order, as a dictionary or an office's register sorts names: the letters
//! a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then the tones (none, huyền, hỏi,
//! ngã, sắc, nặng) only where the letters tie. Byte order would put "Đ" after "Z".

use crate::normal_form::{lowercase, nfd};

/// The alphabet in order, each letter decomposed (NFD: its base, then its mark), as `key` meets
/// it; f, j, w and z (foreign words) sit where the Latin alphabet has them.
const LETTERS: [&str; 33] = [
    "a", "a\u{306}", "a\u{302}", "b", "c", "d", "đ", "e", "e\u{302}", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "o\u{302}", "o\u{31b}", "p", "q", "r", "s", "t", "u", "u\u{31b}", "v", "w", "x", "y", "z",
];

/// Tone marks in their traditional order (ngang has none).
const TONES: [char; 5] = ['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

/// Where letters start among the primary weights: spaces, digits and punctuation sort before.
const LETTER_BASE: u32 = 0x1_0000;

/// A sort key: compare keys to compare texts in Vietnamese order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    letters: Vec<u32>,
    tones: Vec<u8>,
    /// The text itself, last, so distinct texts never tie.
    exact: String,
}

/// `text` as a search compares it: lower case, no tone or letter marks, đ as d, so a search for
/// "dong hoa" finds "Đông Hòa" (people type without marks on phones).
pub fn fold(text: &str) -> String {
    let unmarked: String = nfd(text).chars().filter(|c| !('\u{0300}'..='\u{036f}').contains(c)).collect();
    lowercase(&unmarked).chars().map(|c| if c == 'đ' { 'd' } else { c }).collect()
}

/// The key of `text` in Vietnamese alphabetical order.
pub fn key(text: &str) -> Key {
    let mut letters = Vec::new();
    let mut tones = Vec::new();
    let lower = lowercase(text);
    let decomposed = nfd(&lower);
    let mut chars = decomposed.chars().peekable();
    while let Some(base) = chars.next() {
        let mut letter = String::from(base);
        let mut tone = 0u8;
        while let Some(&mark) = chars.peek() {
            if let Some(i) = TONES.iter().position(|t| *t == mark) {
                tone = i as u8 + 1;
            } else if unicode_normalization::char::is_combining_mark(mark) {
                letter.push(mark);
            } else {
                break;
            }
            chars.next();
        }
        let weight = match LETTERS.iter().position(|l| *l == letter) {
            Some(i) => LETTER_BASE + i as u32,
            None if base.is_alphabetic() => LETTER_BASE + 0x100 + u32::from(base),
            None => u32::from(base),
        };
        letters.push(weight);
        tones.push(tone);
    }
    Key { letters, tones, exact: text.to_owned() }
}

/// Sorts texts in Vietnamese order.
pub fn sort(texts: &mut [String]) {
    texts.sort_by_cached_key(|t| key(t));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_ignores_case_tone_and_letter_marks() {
        assert_eq!(fold("Phường Đông Hòa"), "phuong dong hoa");
        assert_eq!(fold("XÃ ÂN TƯỜNG"), "xa an tuong");
        assert_eq!(fold("26734"), "26734");
    }

    fn sorted(words: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        sort(&mut v);
        v
    }

    #[test]
    fn d_with_stroke_follows_d_and_precedes_e() {
        assert_eq!(
            sorted(&["Đăng ký kết hôn", "Chứng thực", "Đăng ký khai sinh", "Di chuyển", "Ép", "Zalo"]),
            ["Chứng thực", "Di chuyển", "Đăng ký kết hôn", "Đăng ký khai sinh", "Ép", "Zalo"]
        );
    }

    #[test]
    fn letters_with_marks_have_their_own_place_and_tones_only_break_ties() {
        assert_eq!(sorted(&["ơ", "ô", "o", "ư", "u", "â", "ă", "a"]), ["a", "ă", "â", "o", "ô", "ơ", "u", "ư"]);
        // Tones: ngang, huyền, hỏi, ngã, sắc, nặng; a later letter beats any tone.
        assert_eq!(sorted(&["mạ", "má", "mã", "mả", "mà", "ma", "mb"]), ["ma", "mà", "mả", "mã", "má", "mạ", "mb"]);
        // Decomposed input (some keyboards) sorts like composed.
        assert_eq!(key("Đ\u{0103}\u{0300}ng").letters, key("Đằng").letters);
        assert!(key("Lê") < key("Lý") && key("Lý") < key("Mai"));
    }
}
