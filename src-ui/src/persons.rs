//! Dữ liệu cá nhân (office head, admin): a citizen asks what the commune holds about them. Find
//! their records by name, phone or identity number (masked in the list), hand them the file (PDF
//! or JSON), erase what the law lets go — the rest refused with its date — and read the access
//! log every such act leaves. The commands check the role again and log each act.

use crate::api;
use crate::i18n::t;
use chrono::{NaiveDateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::breach::{BreachInput, BreachReport};
use thanthien_core::person::{AccessEntry, FileFormat, PersonRecord};
use thanthien_core::time::{local_text, vietnam};

/// The form's `datetime-local` value (Vietnam's time) of an instant, and back.
const LOCAL_INPUT: &str = "%Y-%m-%dT%H:%M";

#[component]
pub fn PersonsScreen() -> impl IntoView {
    let text = RwSignal::new(String::new());
    // The search the list shows: export and erasure act on it, not on half-typed text.
    let searched = RwSignal::new(None::<String>);
    let records = RwSignal::new(Vec::<PersonRecord>::new());
    let reason = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let log = RwSignal::new(Vec::<AccessEntry>::new());
    let reload_log = move || {
        spawn_local(async move {
            if let Ok(entries) = api::access_log().await {
                log.set(entries);
            }
        });
    };
    reload_log();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = text.get_untracked();
        spawn_local(async move {
            match api::find_person(&typed).await {
                Ok(found) => {
                    error.set(None);
                    notice.set(None);
                    confirming.set(false);
                    records.set(found);
                    searched.set(Some(typed));
                }
                Err(e) => error.set(Some(e.summary())),
            }
            reload_log();
        });
    };
    let export = move |format: FileFormat| {
        let Some(typed) = searched.get_untracked() else { return };
        spawn_local(async move {
            let (problem, done) = match api::export_person(&typed, format).await {
                Ok(Some(path)) => (None, Some(format!("{} {path}", t().saved))),
                Ok(None) => (None, Some(t().export_cancelled.to_owned())),
                Err(e) => (Some(e.summary()), None),
            };
            error.set(problem);
            notice.set(done);
            reload_log();
        });
    };
    let erase = move |_| {
        let Some(typed) = searched.get_untracked() else { return };
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        let why = reason.get_untracked();
        spawn_local(async move {
            match api::erase_person(&typed, &why).await {
                Ok(report) => {
                    let mut lines = vec![format!("{} {}", t().erased_records, report.erased.len())];
                    lines.extend(
                        report
                            .refused
                            .iter()
                            .map(|(r, hold)| format!("{} {}: {}", r.register.label(), local_text(r.at), hold.text())),
                    );
                    error.set(None);
                    notice.set(Some(lines.join("\n")));
                    confirming.set(false);
                    reason.set(String::new());
                    if let Ok(found) = api::find_person(&typed).await {
                        records.set(found);
                    }
                }
                Err(e) => error.set(Some(e.summary())),
            }
            reload_log();
        });
    };
    view! {
        <div class="column">
            <section class="card" id="person-search">
                <h2>{t().screen_persons}</h2>
                <p class="hint">{t().hint_persons}</p>
                <form class="row" on:submit=search>
                    <label>{t().person_search}
                        <input id="person-text" autocomplete="off" prop:value=text
                            on:input=move |ev| text.set(event_target_value(&ev)) />
                    </label>
                    <button id="person-find" class="primary" type="submit">{t().find}</button>
                </form>
                {move || error.get().map(|e| view! { <div class="form-error" role="alert" id="person-error">{e}</div> })}
                {move || notice.get().map(|n| view! { <div class="notice pre" id="person-notice">{n}</div> })}
                {move || searched.get().map(|_| {
                    let found = records.get();
                    if found.is_empty() {
                        return view! { <p class="hint" id="person-none">{t().person_none}</p> }.into_any();
                    }
                    view! {
                        <table id="person-records">
                            <thead><tr><th>{t().person_register}</th><th>{t().person_when}</th><th>{t().person_details}</th></tr></thead>
                            <tbody>
                                {found.into_iter().map(|r| {
                                    let details = [r.name.clone(), r.phone.clone(), r.citizen_id.clone(), r.about.clone()]
                                        .into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                    view! { <tr><td>{r.register.label()}</td><td class="time">{local_text(r.at)}</td><td>{details}</td></tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="inline">
                            <button id="person-export-pdf" on:click=move |_| export(FileFormat::Pdf)>{t().export_pdf}</button>
                            <button id="person-export-json" on:click=move |_| export(FileFormat::Json)>{t().export_json}</button>
                        </div>
                        <label for="erase-reason">{t().erase_reason}</label>
                        <input id="erase-reason" autocomplete="off" prop:value=reason
                            on:input=move |ev| reason.set(event_target_value(&ev)) />
                        <button id="person-erase" class="danger" on:click=erase>
                            {move || if confirming.get() { t().erase_confirm } else { t().erase }}
                        </button>
                    }.into_any()
                })}
            </section>
        </div>
        <div class="column">
            <BreachCard />
            <section class="card" id="access-log">
                <h2>{t().access_log_title}</h2>
                <table>
                    <tbody>
                        {move || log.get().into_iter().map(|e| view! {
                            <tr>
                                <td class="time">{local_text(e.at)}</td>
                                <td>{e.action.label()}</td>
                                <td>{format!("{} {}", e.count, t().access_records)}</td>
                                <td>{e.user.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        </div>
    }
}

/// The breach notice's facts: when it was found, what happened and was done (typed), the rest
/// gathered from the records by the desk.
#[component]
fn BreachCard() -> impl IntoView {
    let found = RwSignal::new(Utc::now().with_timezone(&vietnam()).format(LOCAL_INPUT).to_string());
    let what = RwSignal::new(String::new());
    let measures = RwSignal::new(String::new());
    let report = RwSignal::new(None::<BreachReport>);
    let error = RwSignal::new(None::<String>);
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let discovered_at = NaiveDateTime::parse_from_str(&found.get_untracked(), LOCAL_INPUT)
            .ok()
            .and_then(|t| t.and_local_timezone(vietnam()).single())
            .map(|t| t.with_timezone(&Utc));
        let input =
            BreachInput { discovered_at, what_happened: what.get_untracked(), measures: measures.get_untracked() };
        spawn_local(async move {
            match api::breach_report(&input).await {
                Ok(made) => {
                    error.set(None);
                    report.set(Some(made));
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <section class="card" id="breach">
            <h2>{t().breach_title}</h2>
            <p class="hint">{t().breach_hint}</p>
            <form on:submit=make>
                <label>{t().breach_found}
                    <input id="breach-found" type="datetime-local" prop:value=found
                        on:input=move |ev| found.set(event_target_value(&ev)) />
                </label>
                <label>{t().breach_what}
                    <textarea id="breach-what" rows="2" prop:value=what
                        on:input=move |ev| what.set(event_target_value(&ev))></textarea>
                </label>
                <label>{t().breach_measures}
                    <textarea id="breach-measures" rows="2" prop:value=measures
                        on:input=move |ev| measures.set(event_target_value(&ev))></textarea>
                </label>
                <button id="breach-make" type="submit">{t().breach_make}</button>
            </form>
            {move || error.get().map(|e| view! { <div class="form-error" role="alert" id="breach-error">{e}</div> })}
            {move || report.get().map(|r| view! {
                <div id="breach-report">
                    {r.sections(Utc::now()).into_iter().map(|(heading, lines)| view! {
                        <h3>{heading}</h3>
                        <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    }).collect_view()}
                </div>
            })}
        </section>
    }
}
