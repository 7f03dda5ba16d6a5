//! Checking a reference data file (procedure catalogue, holiday calendar) before the province
//! publishes it: every problem at once, each with its line and field, so a clerk can mend the
//! file in one pass. Nothing is published while one remains.

use crate::wire::ReferenceKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One problem of a file: where (line, from 1) and which field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// One published version of reference data, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Version {
    pub version: i64,
    pub kind: ReferenceKind,
    pub published_at: chrono::DateTime<chrono::Utc>,
    pub published_by: Option<String>,
}

/// What a console upload came to: the version published, or every problem and nothing published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upload {
    pub version: Option<i64>,
    pub problems: Vec<Problem>,
}

/// Where each value of a JSON text starts, by path: the file is valid JSON when this runs.
#[derive(Debug, Default)]
struct Spans {
    /// (path, byte offset of the value)
    starts: Vec<(String, usize)>,
}

impl Spans {
    fn of(text: &str) -> Spans {
        let mut spans = Spans::default();
        let bytes = text.as_bytes();
        let mut at = 0;
        spans.value(bytes, &mut at, String::new());
        spans
    }

    fn skip_ws(b: &[u8], at: &mut usize) {
        while *at < b.len() && b[*at].is_ascii_whitespace() {
            *at += 1;
        }
    }

    fn string(b: &[u8], at: &mut usize) -> String {
        let start = *at + 1;
        *at += 1;
        while *at < b.len() && b[*at] != b'"' {
            *at += if b[*at] == b'\\' { 2 } else { 1 };
        }
        let raw = String::from_utf8_lossy(&b[start..(*at).min(b.len())]).into_owned();
        *at += 1;
        raw
    }

    fn value(&mut self, b: &[u8], at: &mut usize, path: String) {
        Self::skip_ws(b, at);
        self.starts.push((path.clone(), *at));
        match b.get(*at) {
            Some(b'{') => {
                *at += 1;
                loop {
                    Self::skip_ws(b, at);
                    match b.get(*at) {
                        Some(b'}') | None => break,
                        Some(b',') => *at += 1,
                        Some(b'"') => {
                            let key = Self::string(b, at);
                            Self::skip_ws(b, at);
                            *at += 1; // ':'
                            let child = if path.is_empty() { key } else { format!("{path}.{key}") };
                            self.value(b, at, child);
                        }
                        Some(_) => *at += 1,
                    }
                }
                *at += 1;
            }
            Some(b'[') => {
                *at += 1;
                let mut index = 0;
                loop {
                    Self::skip_ws(b, at);
                    match b.get(*at) {
                        Some(b']') | None => break,
                        Some(b',') => *at += 1,
                        Some(_) => {
                            self.value(b, at, format!("{path}[{index}]"));
                            index += 1;
                        }
                    }
                }
                *at += 1;
            }
            Some(b'"') => {
                Self::string(b, at);
            }
            Some(_) => {
                while *at < b.len() && !matches!(b[*at], b',' | b'}' | b']') && !b[*at].is_ascii_whitespace() {
                    *at += 1;
                }
            }
            None => {}
        }
    }

    /// The line a path's value starts on, else the nearest enclosing value's.
    fn line(&self, text: &str, path: &str) -> usize {
        let mut path = path.to_owned();
        loop {
            if let Some((_, at)) = self.starts.iter().find(|(p, _)| *p == path) {
                return text[..(*at).min(text.len())].matches('\n').count() + 1;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path.truncate(cut),
                None => return 1,
            }
        }
    }
}

/// The field a serde message names (`missing field `ten_thu_tuc``), if it names one (an
/// "unknown variant `x`" names a value, not a field).
fn named_field(message: &str) -> Option<String> {
    if !["missing field", "unknown field", "duplicate field"].iter().any(|p| message.starts_with(p)) {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

/// Every problem of `text` as a file of `kind`; empty when it can be published.
pub fn problems(kind: ReferenceKind, text: &str) -> Vec<Problem> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("không đọc được JSON: {e}");
            return vec![Problem { line: e.line().max(1), field: String::new(), message }];
        }
    };
    let spans = Spans::of(text);
    let mut found: Vec<(String, String)> = Vec::new();
    match kind {
        ReferenceKind::Procedures => check_procedures(&value, &mut found),
        ReferenceKind::Holidays => check_holidays(&value, &mut found),
        // Two periods, or five forms' words: the whole check is the reading itself (below).
        ReferenceKind::Retention | ReferenceKind::Slips => {}
    }
    // A file the checks above pass must also read the way the PCs will read it.
    if found.is_empty() {
        if let Err(e) = kind.check(text) {
            found.push((String::new(), e));
        }
    }
    found.into_iter().map(|(field, message)| Problem { line: spans.line(text, &field), field, message }).collect()
}

fn check_procedures(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
    let Some(list) = value.get("procedures").and_then(|p| p.as_array()) else {
        found.push(("procedures".into(), "thiếu danh sách `procedures`".into()));
        return;
    };
    let mut ids = BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        let at = format!("procedures[{i}]");
        // Ids are compared even on an entry with other problems: one pass finds every clash.
        if let Some(id) = item.get("id").and_then(|v| v.as_str()).map(str::trim).filter(|id| !id.is_empty()) {
            if !ids.insert(crate::normal_form::lowercase(id)) {
                found.push((format!("{at}.id"), format!("thủ tục thứ {}: mã {id:?} đã có ở trên", i + 1)));
            }
        }
        let entry: crate::procedure::CatalogueEntry = match serde_json::from_value(item.clone()) {
            Ok(e) => e,
            Err(e) => {
                let message = e.to_string();
                let field = named_field(&message).map_or(at.clone(), |f| format!("{at}.{f}"));
                found.push((field, format!("thủ tục thứ {}: {message}", i + 1)));
                continue;
            }
        };
        let mut require = |field: &str, text: &str, what: &str| {
            if text.trim().is_empty() {
                found.push((format!("{at}.{field}"), format!("thủ tục thứ {}: thiếu {what}", i + 1)));
            }
        };
        require("id", &entry.id, "mã trong danh mục");
        require("ten_thu_tuc", &entry.ten_thu_tuc, "tên thủ tục");
        require("linh_vuc", &entry.linh_vuc, "lĩnh vực");
        if let Some(s) = &entry.thoi_han_structured {
            let kind = s.get("kind").and_then(|k| k.as_str());
            let days = s.get("days").and_then(|d| d.as_u64());
            let ok = match kind {
                Some("working_days" | "days") => days.is_some_and(|d| (1..=365).contains(&d)),
                Some("same_day" | "multi_stage") | None => true,
                Some(_) => false,
            };
            if !ok {
                found.push((
                    format!("{at}.thoi_han_structured"),
                    format!("thủ tục thứ {}: thời hạn phải là same_day, working_days hoặc days với 1–365 ngày", i + 1),
                ));
            }
        }
    }
}

fn check_holidays(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
    let Some(years) = value.get("years").and_then(|y| y.as_object()) else {
        found.push(("years".into(), "thiếu mục `years`".into()));
        return;
    };
    for (year, body) in years {
        let at = format!("years.{year}");
        let Ok(number) =
            year.parse::<i32>().map_err(drop).and_then(|y| (2000..=2100).contains(&y).then_some(y).ok_or(()))
        else {
            found.push((at, format!("năm {year:?} không hợp lệ")));
            continue;
        };
        let days = body.get("days").and_then(|d| d.as_array()).map(Vec::as_slice).unwrap_or_default();
        for (j, day) in days.iter().enumerate() {
            let here = format!("{at}.days[{j}]");
            // Days not fixed yet (no date) are skipped by the PCs, as the format allows.
            if day.get("date").is_none_or(serde_json::Value::is_null) {
                continue;
            }
            match serde_json::from_value::<crate::calendar::PublishedDay>(day.clone()) {
                Ok(d) if chrono::Datelike::year(&d.date) != number => {
                    found.push((format!("{here}.date"), format!("ngày {} không thuộc năm {number}", d.date)));
                }
                Ok(_) => {}
                Err(e) => {
                    let message = e.to_string();
                    let field = named_field(&message).map_or(here.clone(), |f| format!("{here}.{f}"));
                    found.push((field, format!("năm {number}, ngày thứ {}: {message}", j + 1)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_clean() {
        assert_eq!(problems(ReferenceKind::Holidays, crate::calendar::STARTER_CALENDAR), []);
        assert_eq!(problems(ReferenceKind::Procedures, crate::procedure::STARTER_CATALOGUE), []);
    }

    #[test]
    fn every_problem_is_reported_with_its_line_and_field() {
        let catalogue = r#"{
  "procedures": [
    { "id": "HT-01", "ten_thu_tuc": "Đăng ký khai sinh", "linh_vuc": "Hộ tịch", "confidence": "primary" },
    { "id": "HT-01", "ten_thu_tuc": "Đăng ký kết hôn", "linh_vuc": "Hộ tịch", "confidence": "primary" },
    { "id": "HT-03", "linh_vuc": "Hộ tịch", "confidence": "primary" },
    { "id": "HT-04", "ten_thu_tuc": " ", "linh_vuc": "Hộ tịch", "confidence": "primary",
      "thoi_han_structured": { "kind": "weeks", "days": 2 } }
  ]
}"#;
        let found = problems(ReferenceKind::Procedures, catalogue);
        let at: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(
            at,
            [
                (4, "procedures[1].id"),
                (5, "procedures[2].ten_thu_tuc"),
                (6, "procedures[3].ten_thu_tuc"),
                (7, "procedures[3].thoi_han_structured"),
            ],
            "{found:#?}"
        );
        assert!(found[1].message.contains("missing field"), "{}", found[1].message);

        let broken = "{\n  \"procedures\": [\n    { \"id\": \"HT-01\", }\n  ]\n}";
        let found = problems(ReferenceKind::Procedures, broken);
        assert_eq!((found.len(), found[0].line), (1, 3), "{found:?}");

        let calendar = r#"{ "years": {
  "2026": { "days": [
    { "date": "2026-01-01", "type": "holiday", "name": "Tết Dương lịch" },
    { "date": "2027-04-30", "type": "holiday" },
    { "date": "2026-09-02", "type": "vacation" }
  ] },
  "20x6": { "days": [] }
} }"#;
        let found = problems(ReferenceKind::Holidays, calendar);
        let at: Vec<(usize, &str)> = found.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(at, [(4, "years.2026.days[1].date"), (5, "years.2026.days[2]"), (7, "years.20x6")], "{found:#?}");
    }
}
