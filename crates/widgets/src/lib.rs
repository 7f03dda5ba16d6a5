//! Charts shared by the desk's UI and the province's console: SVG, every mark with its number
//! printed beside it (a chart an office head cannot read off exactly is a picture, not a figure).
//! Words come in as props: each app keeps its own in its i18n table. Styles: `charts.css`.

use leptos::prelude::*;

/// A length on a chart, to a tenth, as SVG reads it ("12.5", "-3", "0.4"): a tenth of a unit is
/// finer than a chart's pixel, and whole numbers keep their text short.
pub fn len(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
    match tenth {
        0 => format!("{sign}{whole}"),
        _ => format!("{sign}{whole}.{tenth}"),
    }
}

/// The two periods a chart compares, as the legend names them.
#[derive(Debug, Clone, Copy)]
pub struct Legend {
    pub this: &'static str,
    pub last: &'static str,
}

/// Paired bars (this period dark, the one before light), each with its count above it.
#[component]
pub fn PairedBars(
    title: &'static str,
    legend: Legend,
    labels: Vec<String>,
    this: Vec<u32>,
    last: Vec<u32>,
) -> impl IntoView {
    let max = this.iter().chain(last.iter()).copied().max().unwrap_or(0).max(1);
    let (slot, height, top) = (36.0_f64, 120.0_f64, 16.0_f64);
    let width = slot * labels.len() as f64;
    let bar = |value: u32, x: f64, class: &'static str| {
        let h = height * f64::from(value) / f64::from(max);
        view! {
            <rect class=class x=len(x) y=len(top + height - h) width="12" height=len(h)></rect>
            <text class="value" x=len(x + 6.0) y=len(top + height - h - 3.0) text-anchor="middle">{value}</text>
        }
    };
    view! {
        <figure class="chart">
            <figcaption>{title}<span class="legend"><i class="this"></i>{legend.this}<i class="last"></i>{legend.last}</span></figcaption>
            <svg viewBox=format!("0 0 {} {}", len(width), len(top + height + 18.0)) role="img" aria-label=title>
                {labels.iter().enumerate().map(|(i, label)| {
                    let x = slot * i as f64 + 4.0;
                    view! {
                        <g>
                            {bar(this.get(i).copied().unwrap_or(0), x, "this")}
                            {bar(last.get(i).copied().unwrap_or(0), x + 14.0, "last")}
                            <text class="label" x=len(x + 13.0) y=len(top + height + 14.0) text-anchor="middle">{label.clone()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// One row of a ranking chart: a share (0 to 1) this period and the one before, with the text
/// printed for each.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub label: String,
    pub this: f64,
    pub this_text: String,
    pub last: Option<f64>,
    pub last_text: Option<String>,
}

/// Horizontal bars, one row each, the share this period as a bar with its text at its end and
/// the one before as a thin bar under it.
#[component]
pub fn ShareBars(title: String, legend: Legend, rows: Vec<ShareRow>) -> impl IntoView {
    let (label_w, bar_w, row_h) = (190.0_f64, 300.0_f64, 26.0_f64);
    let height = row_h * rows.len() as f64 + 4.0;
    let aria = title.clone();
    view! {
        <figure class="chart share-bars">
            <figcaption>{title}<span class="legend"><i class="this"></i>{legend.this}<i class="last"></i>{legend.last}</span></figcaption>
            <svg viewBox=format!("0 0 {} {}", len(label_w + bar_w + 90.0), len(height)) role="img" aria-label=aria
                 style=format!("height: {}px", len(height))>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let y = row_h * i as f64 + 2.0;
                    let w = bar_w * r.this.clamp(0.0, 1.0);
                    let last = r.last.map(|l| {
                        let text = r.last_text.clone().unwrap_or_default();
                        view! {
                            <rect class="last" x=len(label_w) y=len(y + 15.0) width=len(bar_w * l.clamp(0.0, 1.0)) height="5"></rect>
                            <title>{text}</title>
                        }
                    });
                    view! {
                        <g>
                            <text class="label" x=len(label_w - 6.0) y=len(y + 13.0) text-anchor="end">{r.label}</text>
                            <rect class="this" x=len(label_w) y=len(y + 2.0) width=len(w) height="12"></rect>
                            <text class="value" x=len(label_w + w + 4.0) y=len(y + 12.0)>{r.this_text}</text>
                            {last}
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// A line over periods, each point with its text above it; a period with no value breaks it.
#[component]
pub fn Trend(title: String, points: Vec<(String, Option<f64>, String)>) -> impl IntoView {
    let (slot, height, top) = (48.0_f64, 90.0_f64, 18.0_f64);
    let width = slot * points.len().max(1) as f64;
    let place = |i: usize, v: f64| (slot * i as f64 + slot / 2.0, top + height * (1.0 - v.clamp(0.0, 1.0)));
    let mut path = String::new();
    let mut pen_down = false;
    for (i, (_, v, _)) in points.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = place(i, *v);
                path.push_str(&format!("{}{},{} ", if pen_down { "L" } else { "M" }, len(x), len(y)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let aria = title.clone();
    view! {
        <figure class="chart trend">
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {} {}", len(width), len(top + height + 18.0)) role="img" aria-label=aria>
                <path class="line" d=path fill="none"></path>
                {points.into_iter().enumerate().map(|(i, (label, value, text))| {
                    let mark = value.map(|v| {
                        let (x, y) = place(i, v);
                        view! {
                            <circle class="point" cx=len(x) cy=len(y) r="3"></circle>
                            <text class="value" x=len(x) y=len(y - 6.0) text-anchor="middle">{text.clone()}</text>
                        }
                    });
                    view! {
                        <g>
                            {mark}
                            <text class="label" x=len(slot * i as f64 + slot / 2.0) y=len(top + height + 14.0) text-anchor="middle">{label}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::len;

    #[test]
    fn lengths_are_written_to_a_tenth() {
        let cases = [
            (0.0, "0"),
            (0.04, "0"),
            (0.4, "0.4"),
            (3.0, "3"),
            (12.46, "12.5"),
            (119.99, "120"),
            (4096.7, "4096.7"),
            (-3.0, "-3"),
            (-12.46, "-12.5"),
            (-0.04, "0"),
        ];
        for (v, text) in cases {
            assert_eq!(len(v), text, "{v}");
        }
    }
}
