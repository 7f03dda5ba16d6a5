//! Triển khai kế hoạch: every commune against every item of the plan, each cell with its
//! standing and the evidence behind it, the rules printed below; a commune's name opens its page.

use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::plan::{PlanItem, Scoreboard};
use thanthien_core::summary::Week;

#[component]
pub fn Plan(on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let board = RwSignal::new(None::<Scoreboard>);
    let error = RwSignal::new(None::<String>);
    let week = RwSignal::new(crate::week::in_location(crate::Page::Plan.anchor()));
    let load = move || crate::week::load("/v1/console/plan", week, board, error, |b| b.week, on_signed_out);
    load();
    view! {
        <main class="page">
            <div class="title-row">
                <h2>{t().plan_title}</h2>
                <crate::week::WeekPicker week=week anchor=crate::Page::Plan.anchor() changed=load />
            </div>
            {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            {move || board.get().map(|b| view! { <Board board=b /> })}
            <h3>{t().plan_rules}</h3>
            <dl class="rules" id="plan-rules">
                {PlanItem::ALL.iter().map(|i| view! { <dt>{i.label()}</dt><dd>{i.rule()}</dd> }).collect_view()}
            </dl>
        </main>
    }
}

#[component]
fn Board(board: Scoreboard) -> impl IntoView {
    let week: Week = board.week;
    view! {
        <div class="cards">
            {board.met.iter().map(|&thanthien_core::plan::ItemRate { item, rate }| view! {
                <div class="card figure" id=format!("met-{}", item.wire())>
                    <span>{item.label()}</span><strong>{rate.text()}</strong><small>{t().plan_met}</small>
                </div>
            }).collect_view()}
        </div>
        <div class="table-wrap">
            <table id="plan" class="plan">
                <thead><tr>
                    <th>{t().col_commune}</th>
                    {PlanItem::ALL.iter().map(|i| view! { <th>{i.label()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {board.communes.into_iter().map(|c| {
                        let code = c.commune_code.clone();
                        view! {
                            <tr id=format!("plan-{code}")>
                                <td><a href=format!("{}/{code}/{week}", crate::Page::Commune.anchor())>{c.commune_name}</a></td>
                                {c.lines.into_iter().map(|l| view! {
                                    <td id=format!("plan-{code}-{}", l.item.wire()) class=format!("standing {}", l.standing.wire())
                                        title=l.item.rule()>
                                        <strong>{l.standing.label()}</strong>
                                        <small class="evidence">{l.evidence}</small>
                                    </td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
