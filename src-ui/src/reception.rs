//! Lịch tiếp công dân: the chairman's reception schedule (set and ended by the office head), this
//! week's owed days each recorded held (who received, how many citizens, what they raised, the
//! petitions that go to the feedback register) or not held with its reason, and the week's figures.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::ipc::CommandError;
use thanthien_core::reception::{OwedDay, ScheduleInput, Session};

#[derive(Clone, Copy, PartialEq)]
enum Recording {
    Held,
    NotHeld,
}

#[component]
pub fn ReceptionCard(may_schedule: bool) -> impl IntoView {
    let live = crate::live::live();
    let loaded = crate::live::registers_resource(api::reception_overview);
    let overview = crate::live::loaded(loaded);
    let error = RwSignal::new(None::<CommandError>);
    let done = move |result: Result<(), CommandError>| match result {
        Ok(()) => {
            error.set(None);
            live.wrote();
        }
        Err(e) => error.set(Some(e)),
    };
    // The day being recorded, and how.
    let recording = RwSignal::new(None::<(chrono::NaiveDate, Recording)>);
    let received_by = RwSignal::new(String::new());
    let citizens = RwSignal::new(String::from("0"));
    let raised = RwSignal::new(String::new());
    let petitions = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let open = move |day, how| {
        received_by.set(
            overview.with_untracked(|o| o.schedules.first().map(|s| s.schedule.receiver.clone())).unwrap_or_default(),
        );
        for field in [raised, petitions, reason] {
            field.set(String::new());
        }
        citizens.set("0".into());
        error.set(None);
        recording.set(Some((day, how)));
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((day, how)) = recording.get_untracked() else { return };
        let (by, what, why) = (received_by.get_untracked(), raised.get_untracked(), reason.get_untracked());
        let count = citizens.get_untracked().trim().parse::<u32>();
        let filed: Vec<String> = petitions.get_untracked().lines().map(str::to_owned).collect();
        spawn_local(async move {
            let result = match (how, count) {
                (Recording::Held, Ok(count)) => api::hold_reception(day, &by, count, &what, filed).await.map(drop),
                (Recording::Held, Err(_)) => Err(CommandError::new(
                    thanthien_core::ipc::ErrorKind::Invalid,
                    thanthien_core::visit::InputError::ReceptionCitizensInvalid.to_string(),
                )),
                (Recording::NotHeld, _) => api::skip_reception(day, &why).await.map(drop),
            };
            if result.is_ok() {
                recording.set(None);
            }
            done(result);
        });
    };
    let day_row = move |d: OwedDay| {
        let day = d.day;
        let state = match d.record.as_ref().map(|r| &r.session) {
            Some(Session::Held { received_by, citizens, raised, feedback, .. }) => format!(
                "{}: {received_by}, {citizens} {}. {raised}{}",
                t().reception_held,
                t().reception_citizens,
                if feedback.is_empty() {
                    String::new()
                } else {
                    format!(" ({} {})", feedback.len(), t().reception_petitions_filed)
                }
            ),
            Some(Session::NotHeld { reason, .. }) => format!("{}: {reason}", t().reception_not_held),
            None if d.owed => t().reception_unrecorded.to_owned(),
            None => String::new(),
        };
        view! {
            <tr data-day=day.to_string()>
                <td>{thanthien_core::reception::weekday_vi(chrono::Datelike::weekday(&day))}" "{crate::show::day(day)}</td>
                <td class="reception-state">{state}</td>
                <td class="actions">
                    <button type="button" class="reception-hold" on:click=move |_| open(day, Recording::Held)>{t().reception_held}</button>
                    <button type="button" class="reception-skip" on:click=move |_| open(day, Recording::NotHeld)>{t().reception_not_held}</button>
                </td>
            </tr>
        }
    };
    view! {
        <section class="card reception" id="reception">
            <h2>{t().reception_title}</h2>
            <crate::live::LoadProblem resource=loaded what=t().reception_title />
            <ul class="reception-schedules">
                {move || overview.get().schedules.into_iter().map(|s| {
                    let id = s.id;
                    view! {
                        <li>{s.schedule.describe()}" "
                            {may_schedule.then(|| view! {
                                <button type="button" class="link end-schedule"
                                    on:click=move |_| spawn_local(async move { done(api::end_reception_schedule(id).await) })>
                                    {t().reception_end}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || overview.with(|o| o.schedules.is_empty()).then(|| view! { <p class="hint">{t().reception_none}</p> })}
            <table id="reception-days">
                <tbody>
                    {move || overview.get().days.into_iter().map(day_row).collect_view()}
                </tbody>
            </table>
            <p id="reception-figures">{move || {
                let f = overview.get().figures;
                format!(
                    "{} {}: {} {}, {} {}, {} {}, {} {}, {} {}.",
                    t().reception_week, overview.get().week,
                    f.scheduled, t().reception_scheduled, f.held, t().reception_held_count,
                    f.not_held, t().reception_not_held_count, f.unrecorded, t().reception_unrecorded_count,
                    f.citizens, t().reception_citizens,
                )
            }}</p>
            <form id="reception-record" class="finish-form" class:hidden=move || recording.with(Option::is_none) on:submit=save novalidate>
                <h3>{move || recording.get().map(|(day, how)| format!("{} {}", match how {
                    Recording::Held => t().reception_held,
                    Recording::NotHeld => t().reception_not_held,
                }, crate::show::day(day))).unwrap_or_default()}</h3>
                <Show when=move || recording.get().is_some_and(|(_, how)| how == Recording::Held)
                    fallback=move || view! {
                        <label for="reception-reason">{t().reception_reason}</label>
                        <input id="reception-reason" autocomplete="off" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                    }>
                    <label for="reception-by">{t().reception_by}</label>
                    <input id="reception-by" autocomplete="off" prop:value=received_by on:input=move |ev| received_by.set(event_target_value(&ev)) />
                    <label for="reception-citizens">{t().reception_citizens_label}</label>
                    <input id="reception-citizens" type="number" min="0" max="1000" prop:value=citizens on:input=move |ev| citizens.set(event_target_value(&ev)) />
                    <label for="reception-raised">{t().reception_raised}</label>
                    <input id="reception-raised" autocomplete="off" prop:value=raised on:input=move |ev| raised.set(event_target_value(&ev)) />
                    <label for="reception-petitions">{t().reception_petitions}</label>
                    <textarea id="reception-petitions" rows="3" prop:value=petitions on:input=move |ev| petitions.set(event_target_value(&ev))></textarea>
                </Show>
                <div class="form-actions">
                    <button id="reception-save" class="primary" type="submit">{t().confirm}</button>
                    <button type="button" on:click=move |_| recording.set(None)>{t().cancel}</button>
                </div>
            </form>
            {move || error.get().map(|e| view! { <div class="form-error" id="reception-error">{e.summary()}</div> })}
            {may_schedule.then(|| view! { <ScheduleForm on_saved=move || live.wrote() /> })}
            <p class="hint" id="reception-upcoming">{move || {
                let days: Vec<String> = overview.get().upcoming.iter().map(|d| d.day_text()).collect();
                if days.is_empty() { String::new() } else { format!("{}: {}", t().reception_upcoming, days.join("; ")) }
            }}</p>
        </section>
    }
}

/// A new schedule: every week on a weekday from a date, at set hours and place.
#[component]
fn ScheduleForm(on_saved: impl Fn() + Copy + 'static) -> impl IntoView {
    let receiver = RwSignal::new(String::new());
    let weekday = RwSignal::new(String::from("5"));
    let from = RwSignal::new(String::new());
    let hours = RwSignal::new(String::from("07:30-11:30"));
    let place = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let first = match crate::front_desk::parse_day(&from.get_untracked()) {
            Ok(day) => day,
            Err(e) => return error.set(Some(e)),
        };
        let input = ScheduleInput {
            receiver: receiver.get_untracked(),
            weekday: Some(weekday.get_untracked()),
            from: Some(first),
            hours: hours.get_untracked(),
            place: place.get_untracked(),
            ..Default::default()
        };
        spawn_local(async move {
            match api::schedule_reception(&input).await {
                Ok(_) => {
                    error.set(None);
                    for field in [receiver, from, place] {
                        field.set(String::new());
                    }
                    on_saved();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form id="schedule-form" class="finish-form" on:submit=save novalidate>
            <h3>{t().reception_new_schedule}</h3>
            <label for="schedule-receiver">{t().reception_receiver}</label>
            <input id="schedule-receiver" autocomplete="off" placeholder=t().reception_receiver_hint prop:value=receiver
                on:input=move |ev| receiver.set(event_target_value(&ev)) />
            <div class="two">
                <label>{t().reception_weekday}
                    <select id="schedule-weekday" prop:value=weekday on:change=move |ev| weekday.set(event_target_value(&ev))>
                        {(2..=8).map(|n| {
                            let day = thanthien_core::reception::parse_weekday(&n.to_string()).map(thanthien_core::reception::weekday_vi).unwrap_or_default();
                            view! { <option value=n.to_string()>{day}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label>{t().reception_from}
                    <input id="schedule-from" autocomplete="off" placeholder="dd/mm/yyyy" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
                </label>
            </div>
            <div class="two">
                <label>{t().reception_hours}
                    <input id="schedule-hours" autocomplete="off" prop:value=hours on:input=move |ev| hours.set(event_target_value(&ev)) />
                </label>
                <label>{t().reception_place}
                    <input id="schedule-place" autocomplete="off" prop:value=place on:input=move |ev| place.set(event_target_value(&ev)) />
                </label>
            </div>
            <button id="schedule-save" class="primary" type="submit">{t().reception_set}</button>
            {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
        </form>
    }
}
