//! The Tiếp dân screen: the arrival form (with the ticket slip), this desk's counter ("Gọi tiếp"
//! and the citizen being served), and today's queue. Keyboard first: Enter saves, F3 prints the
//! last ticket, F2 calls next, F4/F5/F6/F7/F8/F9 finish (a received, guided or refused dossier's
//! slip comes up ready to print), F10 brings the citizen's rating window up.

use crate::api;
use crate::i18n::t;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::ipc::CommandError;
use thanthien_core::slip::{Sheet, SlipForm};
use thanthien_core::visit::lifecycle::QueueState;
use thanthien_core::visit::{FinishInput, InputField, Outcome, Visit, VisitInput};

#[component]
pub fn VisitForm(
    office: Signal<Option<String>>,
    visits: Signal<Vec<Visit>>,
    on_saved: impl Fn(Visit) + Copy + 'static,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let procedure = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let citizen_id = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let trip = RwSignal::new(String::from("1"));
    let error = RwSignal::new(None::<CommandError>);
    let saved = RwSignal::new(false);
    // The last arrival saved here, whose ticket F3 prints; the ticket on screen, if shown.
    let last = RwSignal::new(None::<Visit>);
    let ticket = RwSignal::new(None::<Visit>);
    let name_input = NodeRef::<leptos::html::Input>::new();
    let refocus = move || {
        if let Some(input) = name_input.get_untracked() {
            let _ = input.focus();
        }
    };
    let show_ticket = move || {
        if let Some(v) = last.get_untracked().filter(|v| v.ticket.is_some()) {
            ticket.set(Some(v));
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "F3" {
            ev.prevent_default();
            show_ticket();
        }
    });
    on_cleanup(move || keys.remove());
    // The province may send a newer catalogue: a sync round that pulled it reloads this.
    let catalogue_loaded = crate::live::registers_resource(api::list_procedures);
    let catalogue = crate::live::loaded(catalogue_loaded);
    // The catalogue entry the typed text names (id, national code or exact name), shown with its
    // legal time and fee; values the catalogue's sources do not confirm are marked as such.
    let known = Memo::new(move |_| {
        let typed = procedure.get();
        catalogue.with(|c| thanthien_core::procedure::find(c, &typed).cloned())
    });

    let field_error = move |field: InputField| crate::show::field_error(error, field);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = VisitInput {
            name: name.get_untracked(),
            procedure: Some(procedure.get_untracked()),
            phone: Some(phone.get_untracked()),
            citizen_id: Some(citizen_id.get_untracked()),
            note: Some(note.get_untracked()),
            trip: trip.get_untracked().parse().ok(),
        };
        spawn_local(async move {
            match api::add_visit(&input).await {
                Ok(visit) => {
                    error.set(None);
                    saved.set(true);
                    name.set(String::new());
                    procedure.set(String::new());
                    phone.set(String::new());
                    citizen_id.set(String::new());
                    note.set(String::new());
                    trip.set(String::from("1"));
                    last.set(Some(visit.clone()));
                    on_saved(visit);
                    if crate::slips::print_at_once() {
                        show_ticket();
                    }
                }
                Err(e) => {
                    saved.set(false);
                    error.set(Some(e));
                }
            }
            // Keyboard-first: the next citizen's name can be typed at once.
            refocus();
        });
    };

    view! {
        <section class="visit-form">
            <h2>{t().new_visit}</h2>
            <crate::live::LoadProblem resource=catalogue_loaded what=t().procedure />
            <form on:submit=submit novalidate>
                <label for="visitor-name">{t().visitor_name}</label>
                <input id="visitor-name" node_ref=name_input autofocus autocomplete="off"
                    placeholder=t().visitor_name_hint
                    aria-invalid=move || field_error(InputField::Name).is_some().to_string()
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                {move || field_error(InputField::Name).map(|m| view! { <div class="field-error" id="visitor-name-error">{m}</div> })}

                <label for="procedure">{t().procedure}" "<span class="purpose">{t().why_procedure}</span></label>
                <input id="procedure" autocomplete="off" placeholder=t().procedure_hint list="procedure-list"
                    prop:value=procedure on:input=move |ev| procedure.set(event_target_value(&ev)) />
                <datalist id="procedure-list">
                    <For each=move || catalogue.get() key=|p| p.id.clone() let:p>
                        <option value=p.name.clone()>{format!("{} · {}", p.id, p.field)}</option>
                    </For>
                </datalist>
                {move || known.get().map(|p| {
                    let unverified = |field: &str| p.field_confidence.get(field).is_some_and(|c| c == "unverified");
                    let mark = |field: &str| unverified(field).then(|| view! { <span class="unverified" title=t().unverified_hint>{t().unverified}</span> });
                    view! {
                        <div class="procedure-info" id="procedure-info">
                            <span>{p.code.clone().unwrap_or_default()}" "{mark("ma_tthc")}</span>
                            <span>{t().legal_time}": "{p.legal_time_text.clone()}" "{mark("thoi_han")}</span>
                            <span>{t().fee}": "{p.fee_text.clone().unwrap_or_else(|| "—".into())}" "{mark("le_phi")}</span>
                        </div>
                    }
                })}
                {move || field_error(InputField::Procedure).map(|m| view! { <div class="field-error">{m}</div> })}

                <div class="row pair">
                    <label>{t().phone}
                        <input id="visitor-phone" autocomplete="off" inputmode="tel"
                            aria-invalid=move || field_error(InputField::Phone).is_some().to_string()
                            prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
                    </label>
                    <label>{t().citizen_id}
                        <input id="visitor-citizen-id" autocomplete="off" inputmode="numeric"
                            aria-invalid=move || field_error(InputField::CitizenId).is_some().to_string()
                            prop:value=citizen_id on:input=move |ev| citizen_id.set(event_target_value(&ev)) />
                    </label>
                </div>
                <p class="purpose" id="why-contact">{t().why_contact}</p>
                {move || field_error(InputField::Phone).map(|m| view! { <div class="field-error">{m}</div> })}
                {move || field_error(InputField::CitizenId).map(|m| view! { <div class="field-error">{m}</div> })}

                <div class="row pair">
                    <label class="wide">{t().note}" "<span class="purpose">{t().why_note}</span>
                        <input id="note" autocomplete="off"
                            prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                    </label>
                    <label title=t().trip>{t().trip_short}
                        <select id="trip" prop:value=trip on:change=move |ev| trip.set(event_target_value(&ev))>
                            <option value="1">{t().trip_first}</option>
                            <option value="2">{t().trip_second}</option>
                            <option value="3">{t().trip_more}</option>
                        </select>
                    </label>
                </div>
                {move || field_error(InputField::Note).map(|m| view! { <div class="field-error">{m}</div> })}

                <button id="save-visit" class="primary" type="submit">{t().save_visit}" " <kbd>"Enter"</kbd></button>
                {crate::show::form_error(error)}
                {move || saved.get().then(|| view! {
                    <div class="saved">{t().saved}" "
                        {move || last.get().and_then(|v| v.ticket).map(|number| view! {
                            <span id="saved-ticket">{number}</span>" "
                            <button id="print-last-ticket" type="button" on:click=move |_| show_ticket()>
                                {t().print_ticket}" "<kbd>"F3"</kbd>
                            </button>
                        })}
                    </div>
                })}
            </form>
        </section>
        {move || ticket.get().map(|v| view! {
            <crate::slips::TicketView visit=v office=office visits=visits on_close=move || { ticket.set(None); refocus(); } />
        })}
    }
}

/// What this PC remembers for its desk (the webview's local storage).
pub(crate) fn stored(key: &str) -> Option<String> {
    window().local_storage().ok().flatten().and_then(|s| s.get_item(key).ok().flatten())
}

pub(crate) fn store(key: &str, value: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(key, value);
    }
}

/// This desk: its counter and official (remembered on this PC), "Gọi tiếp", and the citizen
/// being served with the ways the visit can end.
#[component]
pub fn DeskPanel(visits: Signal<Vec<Visit>>, on_changed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let counter = RwSignal::new(stored("desk.counter").unwrap_or_else(|| "1".into()));
    let official = RwSignal::new(stored("desk.official").unwrap_or_default());
    let error = RwSignal::new(None::<CommandError>);
    let notice = RwSignal::new(None::<&'static str>);
    // The directory offers the names; picking one also sets that official's counter.
    // Reloaded when the directory may have changed (an official added or taken off here or on
    // another PC).
    let directory_loaded = crate::live::registers_resource(api::list_officials);
    let directory = crate::live::loaded(directory_loaded);
    let pick_official = move |name: String| {
        let their_counter = directory.with_untracked(|d| d.iter().find(|o| o.name == name).and_then(|o| o.counter));
        if let Some(c) = their_counter {
            store("desk.counter", &c.to_string());
            counter.set(c.to_string());
        }
        store("desk.official", &name);
        official.set(name);
    };
    let serving = Memo::new(move |_| {
        let desk = counter.get().trim().parse::<u16>().ok();
        visits.with(|list| {
            list.iter()
                .filter(|v| v.queue_state() == QueueState::Serving && v.counter == desk)
                .max_by_key(|v| v.last_called_at)
                .cloned()
        })
    });
    let call_next = move || {
        let counter_no = counter.get_untracked().trim().parse::<u16>().unwrap_or(0);
        let name = official.get_untracked();
        spawn_local(async move {
            match api::call_next(&name, counter_no).await {
                Ok(called) => {
                    error.set(None);
                    notice.set(called.is_none().then_some(t().nobody_waiting));
                    on_changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // Outcomes that need details (the appointment, the missing papers, where to) open the finish
    // form first; the others finish at once.
    let finishing = RwSignal::new(None::<Outcome>);
    let appointment = RwSignal::new(String::new());
    let appointment_reason = RwSignal::new(String::new());
    let guidance = RwSignal::new(String::new());
    let papers = RwSignal::new(String::new());
    let refusal_reason = RwSignal::new(String::new());
    // The slip a finish hands over (Mẫu 01, 02 or 03), on its print view.
    let slip = RwSignal::new(None::<Sheet>);
    let to_counter = RwSignal::new(String::new());
    let to_official = RwSignal::new(String::new());
    let first_detail = NodeRef::<leptos::html::Input>::new();
    let field_error = move |field: InputField| crate::show::field_error(error, field);
    let submit_finish = move |visit: Visit, input: FinishInput| {
        spawn_local(async move {
            match api::finish_visit(visit.id, &input).await {
                Ok(_) => {
                    error.set(None);
                    finishing.set(None);
                    on_changed();
                    let form = match input.outcome {
                        Outcome::DossierReceived => Some(SlipForm::Receipt),
                        Outcome::Guided => Some(SlipForm::Supplement),
                        Outcome::Refused => Some(SlipForm::Refusal),
                        _ => None,
                    };
                    if let Some(form) = form {
                        match api::visit_slip(visit.id, form).await {
                            Ok(sheet) => slip.set(Some(sheet)),
                            Err(e) => error.set(Some(e)),
                        }
                    }
                    // A citizen who was served is asked for a rating on the monitor facing them.
                    if !matches!(input.outcome, Outcome::NoShow | Outcome::Left) {
                        if let Err(e) = api::request_rating(visit.id).await {
                            error.set(Some(e));
                        }
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let finish = move |outcome: Outcome| {
        let Some(visit) = serving.get_untracked() else { return };
        if !matches!(outcome, Outcome::DossierReceived | Outcome::Guided | Outcome::Refused | Outcome::Transferred) {
            submit_finish(visit, FinishInput::new(outcome));
            return;
        }
        for field in [appointment, appointment_reason, guidance, papers, refusal_reason, to_counter, to_official] {
            field.set(String::new());
        }
        error.set(None);
        finishing.set(Some(outcome));
        spawn_local(async move {
            if outcome == Outcome::DossierReceived {
                match api::proposed_appointment(visit.id).await {
                    Ok(day) => appointment.set(day.map(crate::show::day).unwrap_or_default()),
                    Err(e) => error.set(Some(e)),
                }
            }
            if let Some(input) = first_detail.get_untracked() {
                let _ = input.focus();
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(visit), Some(outcome)) = (serving.get_untracked(), finishing.get_untracked()) else { return };
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|t| !t.trim().is_empty());
        let day = text(appointment).map(|t| parse_day(&t));
        if let Some(Err(e)) = day {
            error.set(Some(e));
            return;
        }
        let input = FinishInput {
            appointment: day.and_then(Result::ok),
            appointment_reason: text(appointment_reason),
            guidance: text(guidance),
            papers: text(papers),
            refusal_reason: text(refusal_reason),
            to_counter: text(to_counter).and_then(|c| c.trim().parse().ok().or(Some(0))),
            to_official: text(to_official),
            ..FinishInput::new(outcome)
        };
        submit_finish(visit, input);
    };
    let show_rating = move || {
        spawn_local(async move {
            if let Err(e) = api::show_rating_window().await {
                error.set(Some(e));
            }
        })
    };
    // F-keys work wherever the focus is, so the receptionist never reaches for the mouse.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        // The slip on screen takes the keys (Enter prints, Esc closes).
        if slip.with_untracked(Option::is_some) {
            return;
        }
        if finishing.get_untracked().is_some() {
            if ev.key() == "Escape" {
                ev.prevent_default();
                finishing.set(None);
                error.set(None);
            }
            return;
        }
        if ev.key() == "F10" {
            ev.prevent_default();
            show_rating();
            return;
        }
        let action = match ev.key().as_str() {
            "F2" => Some(None),
            "F4" => Some(Some(Outcome::Resolved)),
            "F5" => Some(Some(Outcome::Refused)),
            "F6" => Some(Some(Outcome::DossierReceived)),
            "F7" => Some(Some(Outcome::Guided)),
            "F8" => Some(Some(Outcome::NoShow)),
            "F9" => Some(Some(Outcome::Transferred)),
            _ => None,
        };
        if let Some(action) = action {
            ev.prevent_default();
            match action {
                None => call_next(),
                Some(outcome) => finish(outcome),
            }
        }
    });
    on_cleanup(move || keys.remove());
    let problem = move || error.get().map(|e| e.summary());
    let button = move |id: &'static str, label: &'static str, key: &'static str, outcome: Outcome| {
        view! { <button id=id type="button" on:click=move |_| finish(outcome)>{label}" "<kbd>{key}</kbd></button> }
    };
    view! {
        <section class="desk">
            <h2>{t().my_desk}</h2>
            <crate::live::LoadProblem resource=directory_loaded what=t().directory_title />
            <div class="desk-settings">
                <label>{t().counter}
                    <input id="counter" type="number" min="1" max="99" prop:value=counter
                        on:input=move |ev| { let v = event_target_value(&ev); store("desk.counter", &v); counter.set(v); } />
                </label>
                <label>{t().official}
                    <input id="official" autocomplete="off" placeholder=t().official_hint prop:value=official
                        list="official-list" on:input=move |ev| pick_official(event_target_value(&ev)) />
                    <datalist id="official-list">
                        <For each=move || directory.get() key=|o| o.id let:o>
                            <option value=o.name.clone()>{o.title.clone()}</option>
                        </For>
                    </datalist>
                </label>
            </div>
            <button id="call-next" class="primary" type="button" on:click=move |_| call_next()>
                {t().call_next}" " <kbd>"F2"</kbd>
            </button>
            // The citizen's monitor and the waiting room's screen, side by side to keep the desk
            // within a 1366×768 screen.
            <div class="desk-tools">
                <button id="show-rating" type="button" on:click=move |_| show_rating()>
                    {t().show_rating}" " <kbd>"F10"</kbd>
                </button>
                <button id="show-display" type="button" on:click=move |_| {
                    spawn_local(async move {
                        if let Err(e) = api::show_display_window().await {
                            error.set(Some(e));
                        }
                    })
                }>{t().show_display}</button>
            </div>
            {move || notice.get().map(|n| view! { <div class="notice">{n}</div> })}
            {move || problem().map(|m| view! { <div class="form-error" id="desk-error">{m}</div> })}
            <div id="serving" class="serving">
                <h3>{t().serving}</h3>
                {move || serving.get().map(|v| view! {
                    <p class="ticket" id="serving-ticket">{v.ticket.clone().unwrap_or_default()}</p>
                    <p class="name">{v.name.clone()}</p>
                    <p class="muted">{v.procedure.clone().unwrap_or_default()}</p>
                })}
                <Show when=move || serving.with(Option::is_none)>
                    <p class="empty">{t().not_serving}</p>
                </Show>
                <div class="outcomes" class:hidden=move || serving.with(Option::is_none) || finishing.with(Option::is_some)>
                    {button("finish-resolved", t().finish_resolved, "F4", Outcome::Resolved)}
                    {button("finish-dossier", t().finish_dossier, "F6", Outcome::DossierReceived)}
                    {button("finish-guided", t().finish_guided, "F7", Outcome::Guided)}
                    {button("finish-refused", t().finish_refused, "F5", Outcome::Refused)}
                    {button("finish-no-show", t().finish_no_show, "F8", Outcome::NoShow)}
                    {button("finish-transferred", t().finish_transferred, "F9", Outcome::Transferred)}
                </div>
                <form id="finish-form" class="finish-form" class:hidden=move || finishing.with(Option::is_none)
                    on:submit=confirm novalidate>
                    <h3>{move || finishing.get().map(Outcome::label).unwrap_or_default()}</h3>
                    <Show when=move || finishing.get() == Some(Outcome::DossierReceived)>
                        <label for="appointment">{t().appointment}</label>
                        <input id="appointment" node_ref=first_detail autocomplete="off" placeholder="dd/mm/yyyy"
                            prop:value=appointment on:input=move |ev| appointment.set(event_target_value(&ev)) />
                        <label for="appointment-reason">{t().appointment_reason}</label>
                        <input id="appointment-reason" autocomplete="off" prop:value=appointment_reason
                            on:input=move |ev| appointment_reason.set(event_target_value(&ev)) />
                        <label for="papers">{t().papers}</label>
                        <input id="papers" autocomplete="off" placeholder=t().papers_hint prop:value=papers
                            on:input=move |ev| papers.set(event_target_value(&ev)) />
                        {move || field_error(InputField::Papers).map(|m| view! { <div class="field-error">{m}</div> })}
                        {move || field_error(InputField::Appointment).map(|m| view! { <div class="field-error">{m}</div> })}
                    </Show>
                    <Show when=move || finishing.get() == Some(Outcome::Guided)>
                        <label for="guidance">{t().guidance}</label>
                        <input id="guidance" node_ref=first_detail autocomplete="off" placeholder=t().guidance_hint
                            prop:value=guidance on:input=move |ev| guidance.set(event_target_value(&ev)) />
                        {move || field_error(InputField::Guidance).map(|m| view! { <div class="field-error">{m}</div> })}
                    </Show>
                    <Show when=move || finishing.get() == Some(Outcome::Refused)>
                        <label for="refusal-reason">{t().refusal_reason}</label>
                        <input id="refusal-reason" node_ref=first_detail autocomplete="off" placeholder=t().refusal_hint
                            prop:value=refusal_reason on:input=move |ev| refusal_reason.set(event_target_value(&ev)) />
                        {move || field_error(InputField::Refusal).map(|m| view! { <div class="field-error">{m}</div> })}
                    </Show>
                    <Show when=move || finishing.get() == Some(Outcome::Transferred)>
                        <label for="to-counter">{t().to_counter}</label>
                        <input id="to-counter" node_ref=first_detail type="number" min="1" max="99" prop:value=to_counter
                            on:input=move |ev| to_counter.set(event_target_value(&ev)) />
                        <label for="to-official">{t().to_official}</label>
                        <input id="to-official" autocomplete="off" prop:value=to_official
                            on:input=move |ev| to_official.set(event_target_value(&ev)) />
                        {move || field_error(InputField::Transfer).map(|m| view! { <div class="field-error">{m}</div> })}
                    </Show>
                    <div class="form-actions">
                        <button id="confirm-finish" class="primary" type="submit">{t().confirm}" "<kbd>"Enter"</kbd></button>
                        <button type="button" on:click=move |_| { finishing.set(None); error.set(None); }>{t().cancel}" "<kbd>"Esc"</kbd></button>
                    </div>
                </form>
            </div>
        </section>
        {move || slip.get().map(|s| view! { <crate::slips::SlipView sheet=s on_close=move || slip.set(None) /> })}
    }
}

/// A date as typed at the desk: 30/11/2026 (or 2026-11-30).
pub(crate) fn parse_day(text: &str) -> Result<chrono::NaiveDate, CommandError> {
    let text = text.trim();
    chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .map_err(|_| CommandError::new(thanthien_core::ipc::ErrorKind::Invalid, t().date_invalid))
}

fn waited_minutes(arrived_at: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - arrived_at).num_minutes().max(0)
}

/// Today's queue: who waits (longest first, with live waiting time) and who is done.
#[component]
pub fn Queue(
    visits: Signal<Vec<Visit>>,
    now: RwSignal<DateTime<Utc>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let error = RwSignal::new(None::<CommandError>);
    let done_with = move |result: Result<Visit, CommandError>| match result {
        Ok(_) => {
            error.set(None);
            on_changed();
        }
        Err(e) => error.set(Some(e)),
    };
    // A citizen who gave up before being called; one called in vain is called again from here,
    // to this desk's counter.
    let left =
        move |id| spawn_local(async move { done_with(api::finish_visit(id, &FinishInput::new(Outcome::Left)).await) });
    let recall = move |id| {
        let counter = stored("desk.counter").and_then(|c| c.trim().parse().ok()).unwrap_or(0);
        let official = stored("desk.official").unwrap_or_default();
        spawn_local(async move { done_with(api::call_visit(id, &official, counter).await) });
    };
    let waiting = Memo::new(move |_| {
        let mut list: Vec<Visit> =
            visits.with(|all| all.iter().filter(|v| v.queue_state() == QueueState::Waiting).cloned().collect());
        list.sort_by_key(|v| v.arrived_at);
        list
    });
    let done = Memo::new(move |_| {
        visits.with(|all| all.iter().filter(|v| v.queue_state() == QueueState::Done).cloned().collect::<Vec<_>>())
    });
    view! {
        <section class="queue">
            {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
            <h2>{t().waiting}" ("{move || waiting.with(Vec::len)}")"</h2>
            <Show when=move || waiting.with(|v| !v.is_empty())
                fallback=|| view! { <p class="empty">{t().nobody_waiting}</p> }>
                <table id="waiting-list">
                    <thead><tr>
                        <th>{t().col_ticket}</th><th>{t().col_time}</th><th>{t().col_name}</th><th>{t().col_procedure}</th><th>{t().col_waited}</th><th></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || waiting.get() key=|v| v.id let:v>
                            <tr data-visit-id=v.id.to_string()>
                                <td class="ticket">{v.ticket.clone().unwrap_or_default()}</td>
                                <td class="time">{crate::show::time(v.arrived_at)}</td>
                                <td class="name">{v.name.clone()}</td>
                                <td>{v.procedure.clone().unwrap_or_default()}</td>
                                <td class="time">{
                                    let arrived = v.arrived_at;
                                    move || format!("{} {}", waited_minutes(arrived, now.get()), t().minutes)
                                }</td>
                                <td><button type="button" class="mark-left" on:click={ let id = v.id; move |_| left(id) }>{t().mark_left}</button></td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
            <h2>{t().done_today}" ("{move || done.with(Vec::len)}")"</h2>
            <Show when=move || done.with(|v| !v.is_empty())
                fallback=|| view! { <p class="empty">{t().no_visits_today}</p> }>
                <table id="done-list">
                    <thead><tr>
                        <th>{t().col_time}</th><th>{t().col_name}</th><th>{t().col_outcome}</th><th>{t().col_appointment}</th><th></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || done.get() key=|v| (v.id, v.outcome) let:v>
                            <tr data-visit-id=v.id.to_string()>
                                <td class="time">{crate::show::time(v.arrived_at)}</td>
                                <td class="name">{v.name.clone()}</td>
                                <td class="outcome">{v.outcome.map(Outcome::label).unwrap_or_default()}</td>
                                <td class="appointment">{v.appointment.map(crate::show::day).unwrap_or_default()}</td>
                                <td>{(v.outcome == Some(Outcome::NoShow)).then(|| {
                                    let id = v.id;
                                    view! { <button type="button" class="recall" on:click=move |_| recall(id)>{t().recall}</button> }
                                })}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
