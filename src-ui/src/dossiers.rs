//! Received dossiers whose result is due within one working day or overdue: the receptionist
//! marks a result returned, or drafts the apology slip (phiếu xin lỗi và hẹn lại ngày trả kết
//! quả, Mẫu 04) with its reason and new date, and prints it from the slips' print view.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::ipc::CommandError;
use thanthien_core::slip::{Sheet, SlipForm};
use thanthien_core::visit::{AppointmentRisk, DossierAtRisk};

use crate::show::day as day_text;

#[component]
pub fn DossiersAtRisk(
    dossiers: Signal<Vec<DossierAtRisk>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let drafting = RwSignal::new(None::<DossierAtRisk>);
    let new_date = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let slip = RwSignal::new(None::<Sheet>);
    let date_input = NodeRef::<leptos::html::Input>::new();

    let draft = move |d: DossierAtRisk| {
        new_date.set(String::new());
        reason.set(String::new());
        error.set(None);
        drafting.set(Some(d));
        if let Some(input) = date_input.get_untracked() {
            let _ = input.focus();
        }
    };
    let returned = move |id| {
        spawn_local(async move {
            match api::return_result(id).await {
                Ok(_) => on_changed(),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(d) = drafting.get_untracked() else { return };
        let day = match crate::front_desk::parse_day(&new_date.get_untracked()) {
            Ok(day) => day,
            Err(e) => return error.set(Some(e)),
        };
        let why = reason.get_untracked();
        spawn_local(async move {
            match api::reschedule_visit(d.visit.id, day, &why, true).await {
                Ok(visit) => {
                    drafting.set(None);
                    on_changed();
                    match api::visit_slip(visit.id, SlipForm::Apology).await {
                        Ok(sheet) => slip.set(Some(sheet)),
                        Err(e) => error.set(Some(e)),
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && drafting.with_untracked(Option::is_some) {
            drafting.set(None);
        }
    });
    on_cleanup(move || keys.remove());
    let problem = move || error.get().map(|e| e.summary());

    view! {
        <section class="dossiers" id="dossiers-at-risk" class:hidden=move || dossiers.with(Vec::is_empty)>
            <h2>{t().at_risk_title}" ("{move || dossiers.with(Vec::len)}")"</h2>
            <table>
                <thead><tr>
                    <th>{t().col_ticket}</th><th>{t().col_name}</th><th>{t().col_procedure}</th>
                    <th>{t().col_appointment}</th><th></th>
                </tr></thead>
                <tbody>
                    <For each=move || dossiers.get() key=|d| (d.visit.id, d.visit.appointment, d.risk) let:d>
                        <tr data-visit-id=d.visit.id.to_string() class:overdue=d.risk == AppointmentRisk::Overdue>
                            <td>{d.visit.ticket.clone().unwrap_or_default()}</td>
                            <td class="name">{d.visit.name.clone()}</td>
                            <td>{d.visit.procedure.clone().unwrap_or_default()}</td>
                            <td class="appointment">
                                {d.visit.appointment.map(day_text).unwrap_or_default()}" "
                                <span class="risk">{match d.risk { AppointmentRisk::DueSoon => t().due_soon, AppointmentRisk::Overdue => t().overdue }}</span>
                            </td>
                            <td class="actions">
                                <button type="button" class="draft-slip" on:click={ let d = d.clone(); move |_| draft(d.clone()) }>{t().draft_slip}</button>
                                <button type="button" class="mark-returned" on:click={ let id = d.visit.id; move |_| returned(id) }>{t().mark_returned}</button>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
            <form id="slip-form" class="finish-form" class:hidden=move || drafting.with(Option::is_none) on:submit=save novalidate>
                <h3>{t().draft_slip}": "{move || drafting.get().map(|d| d.visit.name).unwrap_or_default()}</h3>
                <label for="slip-date">{t().new_appointment}</label>
                <input id="slip-date" node_ref=date_input autocomplete="off" placeholder="dd/mm/yyyy"
                    prop:value=new_date on:input=move |ev| new_date.set(event_target_value(&ev)) />
                <label for="slip-reason">{t().slip_reason}</label>
                <input id="slip-reason" autocomplete="off" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                <div class="form-actions">
                    <button id="save-slip" class="primary" type="submit">{t().save_slip}" "<kbd>"Enter"</kbd></button>
                    <button type="button" on:click=move |_| drafting.set(None)>{t().cancel}" "<kbd>"Esc"</kbd></button>
                </div>
            </form>
            {move || problem().map(|m| view! { <div class="form-error" id="slip-error">{m}</div> })}
        </section>
        {move || slip.get().map(|s| view! { <crate::slips::SlipView sheet=s on_close=move || slip.set(None) /> })}
    }
}
