//! Xếp hạng: each index ratio of the week, the communes ranked (only with enough answers; the
//! rest listed apart with their n), last week beside, and the province's 12-week trend, as SVG
//! charts with their numbers (the desk's charts, from crates/widgets).

use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::province::Rate;
use thanthien_core::ranking::{IndexRanking, Rankings};
use thanthien_widgets::{Legend, ShareBars, ShareRow, Trend};

/// How many of the ranked the chart draws (the table lists them all).
const CHARTED: usize = 20;

fn share(r: Rate) -> f64 {
    if r.whole == 0 {
        0.0
    } else {
        f64::from(r.part) / f64::from(r.whole)
    }
}

#[component]
pub fn RankingsPage(on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let data = RwSignal::new(None::<Rankings>);
    let error = RwSignal::new(None::<String>);
    let week = RwSignal::new(crate::week::in_location(crate::Page::Rankings.anchor()));
    let load = move || crate::week::load("/v1/console/rankings", week, data, error, |r| r.week, on_signed_out);
    load();
    view! {
        <main class="page">
            <div class="title-row">
                <h2>{t().rankings_title}</h2>
                <crate::week::WeekPicker week=week anchor=crate::Page::Rankings.anchor() changed=load />
            </div>
            {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            {move || data.get().map(|r| {
                let note = format!("{} {} {}", t().min_sample_note, r.min_sample, t().answers);
                view! {
                    <p class="muted">{note}</p>
                    {r.indexes.into_iter().map(|i| view! { <Index ranking=i /> }).collect_view()}
                }
            })}
        </main>
    }
}

#[component]
fn Index(ranking: IndexRanking) -> impl IntoView {
    let index = ranking.index;
    let legend = Legend { this: t().this_week_short, last: t().last_week_short };
    let rows: Vec<ShareRow> = ranking
        .ranked
        .iter()
        .take(CHARTED)
        .map(|r| ShareRow {
            label: format!("{}. {}", r.rank, r.commune_name),
            this: share(r.rate),
            this_text: r.rate.text(),
            last: r.last_week.filter(|l| l.whole > 0).map(share),
            last_text: r.last_week.map(|l| format!("{}: {}", t().last_week_short, l.text())),
        })
        .collect();
    let trend: Vec<(String, Option<f64>, String)> = ranking
        .trend
        .iter()
        .map(|p| {
            let (w, r) = (p.week, p.rate);
            let label = w.to_string().split_once("-W").map_or_else(|| w.to_string(), |(_, n)| format!("T{n}"));
            let text = r.tenths().map(thanthien_core::report::tenths_text).unwrap_or_default();
            (label, (r.whole > 0).then(|| share(r)), text)
        })
        .collect();
    let below = ranking.below_sample.clone();
    view! {
        <section class="card ranking" id=format!("ranking-{}", index.wire())>
            <h3>{index.label()}</h3>
            <p class="muted">{index.counts()}</p>
            <div class="charts">
                <ShareBars title=t().ranked_chart.to_owned() legend=legend rows=rows />
                <Trend title=t().trend_title.to_owned() points=trend />
            </div>
            <div class="table-wrap">
                <table class="ranked">
                    <thead><tr><th>{t().col_rank}</th><th>{t().col_commune}</th><th class="num">{t().this_week_short}</th><th class="num">{t().last_week_short}</th></tr></thead>
                    <tbody>
                        {ranking.ranked.into_iter().map(|r| view! {
                            <tr id=format!("rank-{}-{}", index.wire(), r.commune_code)>
                                <td class="num">{r.rank}</td><td>{r.commune_name}</td>
                                <td class="num">{r.rate.text()}</td>
                                <td class="num">{r.last_week.map(|l| l.text()).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!below.is_empty()).then(|| view! {
                <p class="below-sample" id=format!("below-{}", index.wire())>
                    <strong>{t().below_sample}": "</strong>
                    {below.into_iter().map(|s| format!("{} (n = {})", s.commune_name, s.this_week.map_or(0, |r| r.whole))).collect::<Vec<_>>().join(", ")}
                </p>
            })}
            {(!ranking.no_report.is_empty()).then(|| view! {
                <p class="muted">{format!("{}: {}", t().no_report_count, ranking.no_report.len())}</p>
            })}
        </section>
    }
}
