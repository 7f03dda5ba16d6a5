//! The Camera screen: each camera's state (working, failing since when and what, not yet checked
//! this shift, missed shifts), the per-shift checklist, the automatic probe, and registering a
//! camera.

use crate::api;
use crate::i18n::t;
use crate::show;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use thanthien_core::camera::{Camera, CameraInput, CheckItem, CheckResult};
use thanthien_core::ipc::CommandError;
use thanthien_core::time::{day_month_text, local_day};
use uuid::Uuid;

#[component]
pub fn CameraScreen(role: thanthien_core::account::Role) -> impl IntoView {
    let registry = role.may(thanthien_core::account::Permission::Registry);
    let live = crate::live::live();
    // Reloaded on a shift's end (a check not done becomes a missed one) and on any register change.
    let loaded = crate::live::registers_resource(api::list_cameras);
    let cameras = crate::live::loaded(loaded);
    let checking = RwSignal::new(None::<Uuid>);
    let error = RwSignal::new(None::<CommandError>);
    let refresh = move || live.wrote();
    let probing = RwSignal::new(false);
    let probe = move |_| {
        probing.set(true);
        spawn_local(async move {
            match api::probe_cameras().await {
                Ok(_) => {
                    error.set(None);
                    refresh();
                }
                Err(e) => error.set(Some(e)),
            }
            probing.set(false);
        });
    };
    let done = move |updated: Option<Camera>| {
        checking.set(None);
        if updated.is_some() {
            refresh();
        }
    };
    let current = Memo::new(move |_| checking.get().and_then(|id| cameras.get().into_iter().find(|c| c.id == id)));
    view! {
        <div class="column">
            {move || current.get().map(|camera| view! {
                <Checklist camera=camera on_done=done />
            })}
            {registry.then(|| view! { <NewCamera on_saved=move |_| refresh() /> })}
        </div>
        <div class="column">
            <section class="cameras">
                <h2>{t().cameras_title}</h2>
                <crate::live::LoadProblem resource=loaded what=t().cameras_title />
                {move || if cameras.get().is_empty() {
                    view! { <p class="empty">{t().no_cameras}</p> }.into_any()
                } else {
                    view! {
                        <table id="camera-list">
                            <tbody>
                                <For each=move || cameras.get() key=|c| format!("{:?}", c) let:camera>
                                    <CameraRow camera=camera checking=checking />
                                </For>
                            </tbody>
                        </table>
                    }.into_any()
                }}
                <div class="form-actions">
                    <button id="probe-cameras" on:click=probe disabled=probing>{t().probe}</button>
                </div>
                {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
            </section>
        </div>
    }
}

#[component]
fn CameraRow(camera: Camera, checking: RwSignal<Option<Uuid>>) -> impl IntoView {
    let id = camera.id;
    let (state_class, state) = match (&camera.outage, &camera.last_check) {
        (Some(outage), _) => {
            let items: Vec<&str> = outage.items.iter().map(|i| i.label()).collect();
            let since = format!("{} {}", show::time(outage.from), day_month_text(local_day(outage.from)));
            ("camera-state failing", format!("{}: {} ({} {since})", t().camera_failing, items.join(", "), t().since))
        }
        (None, Some(_)) => ("camera-state ok", t().camera_ok.to_owned()),
        (None, None) => ("camera-state unchecked", t().camera_unchecked.to_owned()),
    };
    let shift = if camera.checked_this_shift { t().checked_this_shift } else { t().not_checked_this_shift };
    let missed = (!camera.missed.is_empty()).then(|| {
        let shifts: Vec<String> = camera.missed.iter().map(|s| s.label()).collect();
        view! { <div class="missed" title=shifts.join(", ")>{format!("{} {} ca", t().missed_shifts, camera.missed.len())}</div> }
    });
    view! {
        <tr data-id=id.to_string() class:failing=camera.outage.is_some()>
            <td><strong>{camera.name.clone()}</strong>
                <div class="muted">{camera.counter.map(|c| format!("{} {c}", t().counter)).or(camera.location.clone()).unwrap_or_default()}</div></td>
            <td><span class=state_class>{state}</span><div class="muted">{shift}</div>{missed}</td>
            <td><button class="check-camera" on:click=move |_| checking.set(Some(id))>{t().check_in}</button></td>
        </tr>
    }
}

/// The shift's checklist: every item pass, fail or not applicable; "Đạt" preselected.
#[component]
fn Checklist(camera: Camera, on_done: impl Fn(Option<Camera>) + Copy + 'static) -> impl IntoView {
    let results: Vec<(CheckItem, RwSignal<CheckResult>)> =
        CheckItem::CHECKLIST.iter().map(|item| (*item, RwSignal::new(CheckResult::Pass))).collect();
    let by = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let id = camera.id;
    let chosen = results.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let items: BTreeMap<CheckItem, CheckResult> = chosen.iter().map(|(i, r)| (*i, r.get_untracked())).collect();
        let (who, text) = (by.get_untracked(), note.get_untracked());
        spawn_local(async move {
            let who = (!who.trim().is_empty()).then_some(who);
            let text = (!text.trim().is_empty()).then_some(text);
            match api::check_camera(id, &items, who.as_deref(), text.as_deref()).await {
                Ok(camera) => on_done(Some(camera)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let word = |r: CheckResult| match r {
        CheckResult::Pass => "pass",
        CheckResult::Fail => "fail",
        CheckResult::Na => "na",
    };
    view! {
        <section class="checklist" id="checklist">
            <h2>{t().checklist_title}": "{camera.name.clone()}</h2>
            <form on:submit=submit novalidate>
                <table>
                    <tbody>
                        {results.into_iter().map(|(item, result)| view! {
                            <tr>
                                <td><label for=format!("check-{}", item.wire())>{item.label()}</label></td>
                                <td><select id=format!("check-{}", item.wire()) prop:value=move || word(result.get())
                                    on:change=move |ev| result.set(match event_target_value(&ev).as_str() {
                                        "fail" => CheckResult::Fail,
                                        "na" => CheckResult::Na,
                                        _ => CheckResult::Pass,
                                    })>
                                    <option value="pass">{t().pass}</option>
                                    <option value="fail">{t().fail}</option>
                                    <option value="na">{t().na}</option>
                                </select></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <label for="check-by">{t().checked_by}</label>
                <input id="check-by" autocomplete="off" prop:value=by on:input=move |ev| by.set(event_target_value(&ev)) />
                <label for="check-note">{t().note}</label>
                <input id="check-note" autocomplete="off" prop:value=note on:input=move |ev| note.set(event_target_value(&ev)) />
                <div class="form-actions">
                    <button id="save-check" class="primary" type="submit">{t().save_check}</button>
                    <button type="button" on:click=move |_| on_done(None)>{t().cancel}</button>
                </div>
                {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
            </form>
        </section>
    }
}

#[component]
fn NewCamera(on_saved: impl Fn(Camera) + Copy + 'static) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let counter = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let since = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed_day = since.get_untracked();
        let in_service_since = if typed_day.trim().is_empty() {
            None
        } else {
            match crate::front_desk::parse_day(&typed_day) {
                Ok(d) => Some(d),
                Err(e) => return error.set(Some(e)),
            }
        };
        let input = CameraInput {
            name: name.get_untracked(),
            counter: counter.get_untracked().trim().parse().ok(),
            address: Some(address.get_untracked()),
            ..Default::default()
        };
        spawn_local(async move {
            match api::add_camera(&input, in_service_since).await {
                Ok(camera) => {
                    error.set(None);
                    for field in [name, counter, address, since] {
                        field.set(String::new());
                    }
                    on_saved(camera);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="new-camera">
            <h2>{t().new_camera}</h2>
            <form on:submit=submit novalidate>
                <label for="camera-name">{t().camera_name}</label>
                <input id="camera-name" autocomplete="off" prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="camera-counter">{t().counter}</label>
                <input id="camera-counter" inputmode="numeric" autocomplete="off" prop:value=counter on:input=move |ev| counter.set(event_target_value(&ev)) />
                <label for="camera-address">{t().camera_address}</label>
                <input id="camera-address" autocomplete="off" placeholder="rtsp://192.168.1.20:554/stream"
                    prop:value=address on:input=move |ev| address.set(event_target_value(&ev)) />
                <label for="camera-since">{t().camera_since}</label>
                <input id="camera-since" autocomplete="off" placeholder=t().camera_since_hint
                    prop:value=since on:input=move |ev| since.set(event_target_value(&ev)) />
                <button id="save-camera" class="primary" type="submit">{t().save_camera}</button>
                {move || error.get().map(|e| view! { <div class="form-error">{e.summary()}</div> })}
            </form>
        </section>
    }
}
