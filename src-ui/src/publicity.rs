//! The Công khai screen: the directory and catalogue as the commune publishes them, with the QR
//! code to the feedback e-mail box; the files for the notice board and the portal; and the
//! register of where and when the board went up.

use crate::api;
use crate::i18n::t;
use crate::show;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::publicity::{Board, BoardFormat, Publication, Venue};

#[component]
pub fn PublicityScreen() -> impl IntoView {
    let board = RwSignal::new(None::<(Board, Option<String>)>);
    let register = RwSignal::new(Vec::<Publication>::new());
    let error = RwSignal::new(None::<String>);
    let exported = RwSignal::new(None::<String>);
    let refresh = move || {
        spawn_local(async move {
            match api::publicity_board().await {
                Ok(b) => board.set(Some(b)),
                Err(e) => error.set(Some(e.summary())),
            }
            match api::publications().await {
                Ok(list) => register.set(list),
                Err(e) => error.set(Some(e.summary())),
            }
        })
    };
    refresh();
    let export = move |format: BoardFormat| {
        spawn_local(async move {
            match api::export_board(format).await {
                Ok(Some(path)) => exported.set(Some(format!("{} {path}", t().exported_to))),
                Ok(None) => exported.set(Some(t().export_cancelled.to_owned())),
                Err(e) => error.set(Some(e.summary())),
            }
        })
    };
    let venue = RwSignal::new(Venue::NoticeBoard);
    let format = RwSignal::new(BoardFormat::Pdf);
    let place = RwSignal::new(String::new());
    let publish = move |_| {
        let place = Some(place.get_untracked()).filter(|p| !p.trim().is_empty());
        spawn_local(async move {
            match api::record_publication(format.get_untracked(), venue.get_untracked(), place).await {
                Ok(_) => {
                    error.set(None);
                    refresh();
                }
                Err(e) => error.set(Some(e.summary())),
            }
        })
    };
    view! {
        <div class="column">
            {move || board.get().map(|(b, qr)| view! {
                <section class="card board" id="board">
                    <h2>{t().board_directory}</h2>
                    <table id="board-officials" class="report">
                        <tbody>
                            {b.officials.iter().map(|o| view! {
                                <tr>
                                    <td>{o.name.clone()}</td>
                                    <td>{o.title.clone()}</td>
                                    <td class="num">{o.counter.map(|c| c.to_string())}</td>
                                    <td class="phone">{o.phone.clone().unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p id="board-procedures">{format!("{} {}", b.procedures.len(), t().board_procedures)}</p>
                    {(!b.reception.is_empty()).then(|| view! {
                        <h2>{t().reception_title}</h2>
                        <ul id="board-reception">
                            {b.reception.iter().map(|r| view! {
                                <li>{format!("{}, {}, {} – {}", r.day_text(), r.hours_text(), r.place, r.receiver)}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    {match (qr, b.feedback_email.clone()) {
                        (Some(svg), Some(email)) => view! {
                            <div class="qr" id="board-qr" inner_html=svg></div>
                            <p>{format!("{} {email}", t().board_qr)}</p>
                        }.into_any(),
                        _ => view! { <p class="notice" id="board-no-qr">{t().board_no_email}</p> }.into_any(),
                    }}
                </section>
            })}
        </div>
        <div class="column">
            <section class="card">
                <h2>{t().board_files}</h2>
                <div class="row">
                    {[BoardFormat::Pdf, BoardFormat::Html, BoardFormat::Json].into_iter().map(|f| view! {
                        <button id=format!("board-export-{}", f.wire()) on:click=move |_| export(f)>{f.label()}</button>
                    }).collect_view()}
                </div>
                {move || exported.get().map(|p| view! { <p class="notice" id="board-export-result">{p}</p> })}
            </section>
            <section class="card">
                <h2>{t().board_register}</h2>
                <div class="row">
                    <select id="publish-venue" on:change=move |e| if let Ok(v) = Venue::parse(&event_target_value(&e)) { venue.set(v) }>
                        {Venue::ALL.iter().map(|v| view! { <option value=v.wire() prop:selected=move || venue.get() == *v>{v.label()}</option> }).collect_view()}
                    </select>
                    <select id="publish-format" on:change=move |e| if let Ok(f) = BoardFormat::parse(&event_target_value(&e)) { format.set(f) }>
                        {BoardFormat::ALL.iter().map(|f| view! { <option value=f.wire() prop:selected=move || format.get() == *f>{f.label()}</option> }).collect_view()}
                    </select>
                    <input id="publish-place" placeholder=t().board_place bind:value=place />
                    <button id="publish-save" class="primary" on:click=publish>{t().board_record}</button>
                </div>
                {move || error.get().map(|e| view! { <div class="form-error">{e}</div> })}
                <ul id="publications">
                    <For each=move || register.get() key=|p| p.id let:p>
                        <li>{
                            let at = format!("{} {}", show::day_of(p.published.at), show::time(p.published.at));
                            let place = p.published.place.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
                            let by = p.by.as_ref().map(|b| format!(" · {b}")).unwrap_or_default();
                            format!("{at} · {}{place} · {}{by}", p.published.venue.label(), p.published.format.label())
                        }</li>
                    </For>
                </ul>
            </section>
        </div>
    }
}
