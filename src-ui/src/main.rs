//! Thân Thiện desk UI (Leptos CSR): the Tiếp dân screen and the sync badge.

mod api;
mod i18n;

use chrono::{DateTime, Utc};
use i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::ipc::{CommandError, SyncStatus};
use thanthien_core::time::vietnam;
use thanthien_core::visit::{Visit, VisitField, VisitInput};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format("%H:%M").to_string()
}

#[component]
fn App() -> impl IntoView {
    let visits = RwSignal::new(Vec::<Visit>::new());
    let status = RwSignal::new(None::<SyncStatus>);
    let refresh_visits = move || {
        spawn_local(async move {
            match api::list_today_visits().await {
                Ok(list) => visits.set(list),
                Err(e) => leptos::logging::error!("list_today_visits: {e}"),
            }
        })
    };
    let refresh_status = move || {
        spawn_local(async move {
            if let Ok(s) = api::sync_status().await {
                status.set(Some(s));
            }
        })
    };
    refresh_visits();
    refresh_status();
    // Other PCs' visits arrive by sync in the background; the list and badge follow.
    set_interval(
        move || {
            refresh_visits();
            refresh_status();
        },
        Duration::from_secs(5),
    );

    view! {
        <header>
            <h1>{t().app_name}</h1>
            <nav><span class="tab active">{t().screen_front_desk}</span></nav>
            <span class="commune">{move || status.get().and_then(|s| s.commune_name).unwrap_or_default()}</span>
            <span class="spacer"></span>
            <SyncBadge status=status on_synced=move || { refresh_visits(); refresh_status(); } />
        </header>
        <main>
            <VisitForm on_saved=move |visit: Visit| {
                visits.update(|list| list.insert(0, visit));
                refresh_status();
            } />
            <TodayVisits visits=visits />
        </main>
    }
}

#[component]
fn VisitForm(on_saved: impl Fn(Visit) + Copy + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let saved = RwSignal::new(false);
    let name_input = NodeRef::<leptos::html::Input>::new();

    let field_error = move |field: VisitField| {
        error.get().and_then(|e| e.fields.into_iter().find(|p| p.field == field)).map(|p| p.message)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = VisitInput {
            name: name.get_untracked(),
            procedure: Some(procedure.get_untracked()),
            note: Some(note.get_untracked()),
            ..Default::default()
        };
        spawn_local(async move {
            match api::add_visit(&input).await {
                Ok(visit) => {
                    error.set(None);
                    saved.set(true);
                    name.set(String::new());
                    procedure.set(String::new());
                    note.set(String::new());
                    on_saved(visit);
                }
                Err(e) => {
                    saved.set(false);
                    error.set(Some(e));
                }
            }
            // Keyboard-first: the next citizen's name can be typed at once.
            if let Some(input) = name_input.get_untracked() {
                let _ = input.focus();
            }
        });
    };

    view! {
        <section class="visit-form">
            <h2>{t().new_visit}</h2>
            <form on:submit=submit novalidate>
                <label for="visitor-name">{t().visitor_name}</label>
                <input id="visitor-name" node_ref=name_input autofocus autocomplete="off"
                    placeholder=t().visitor_name_hint
                    aria-invalid=move || field_error(VisitField::Name).is_some().to_string()
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                {move || field_error(VisitField::Name).map(|m| view! { <div class="field-error" id="visitor-name-error">{m}</div> })}

                <label for="procedure">{t().procedure}</label>
                <input id="procedure" autocomplete="off" placeholder=t().procedure_hint
                    prop:value=procedure on:input=move |ev| procedure.set(event_target_value(&ev)) />
                {move || field_error(VisitField::Procedure).map(|m| view! { <div class="field-error">{m}</div> })}

                <label for="note">{t().note}</label>
                <input id="note" autocomplete="off"
                    prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                {move || field_error(VisitField::Note).map(|m| view! { <div class="field-error">{m}</div> })}

                <button id="save-visit" class="primary" type="submit">{t().save_visit}" " <kbd>"Enter"</kbd></button>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <div class="form-error">{e.message}</div> })}
                {move || saved.get().then(|| view! { <div class="saved">{t().saved}</div> })}
            </form>
        </section>
    }
}

#[component]
fn TodayVisits(visits: RwSignal<Vec<Visit>>) -> impl IntoView {
    view! {
        <section class="today">
            <h2>{t().today_visits}" ("{move || visits.with(Vec::len)}")"</h2>
            <Show when=move || visits.with(|v| !v.is_empty())
                fallback=|| view! { <p class="empty">{t().no_visits_today}</p> }>
                <table id="today-visits">
                    <thead><tr>
                        <th>{t().col_time}</th><th>{t().col_name}</th><th>{t().col_procedure}</th><th>{t().col_note}</th>
                    </tr></thead>
                    <tbody>
                        <For each=move || visits.get() key=|v| v.id let:v>
                            <tr data-visit-id=v.id.to_string()>
                                <td class="time">{local_time(v.arrived_at)}</td>
                                <td class="name">{v.name.clone()}</td>
                                <td>{v.procedure.clone().unwrap_or_default()}</td>
                                <td>{v.note.clone().unwrap_or_default()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}

#[component]
fn SyncBadge(status: RwSignal<Option<SyncStatus>>, on_synced: impl Fn() + Copy + 'static) -> impl IntoView {
    let busy = RwSignal::new(false);
    let sync_now = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = api::sync_now().await {
                leptos::logging::log!("sync_now: {e}");
            }
            busy.set(false);
            on_synced();
        });
    };
    let summary = move || match status.get() {
        None => String::new(),
        Some(s) if !s.enrolled => format!("{} · {} {}", t().not_enrolled, s.pending, t().pending),
        Some(s) => {
            let pending =
                if s.pending == 0 { t().all_sent.to_owned() } else { format!("{} {}", s.pending, t().pending) };
            let last = s
                .last_success_at
                .map_or(t().never_synced.to_owned(), |at| format!("{} {}", t().last_sync, local_time(at)));
            let rejected = if s.rejected > 0 { format!(" · {} {}", s.rejected, t().rejected) } else { String::new() };
            format!("{pending} · {last}{rejected}")
        }
    };
    let problem = move || status.get().and_then(|s| s.last_error);
    view! {
        <div class="sync-badge" id="sync-badge" title=problem>
            <span class="pending">{summary}</span>
            <button on:click=sync_now disabled=busy>
                {move || if busy.get() { t().syncing } else { t().sync_now }}
            </button>
        </div>
    }
}
