//! Received dossiers whose result is due within one working day or overdue: the receptionist
//! marks a result returned, or drafts the apology slip (phiếu xin lỗi và hẹn lại ngày trả kết
//! quả) with its reason and new date, and prints it from a clean print view.

use crate::api;
use crate::i18n::t;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::ipc::CommandError;
use thanthien_core::time::local_day;
use thanthien_core::visit::{AppointmentRisk, DossierAtRisk, Visit};

use crate::show::day as day_text;

/// What the print view shows: the visit after the new date was recorded, and the date it had.
#[derive(Clone)]
struct Slip {
    visit: Visit,
    previous: NaiveDate,
}

#[component]
pub fn DossiersAtRisk(
    dossiers: Signal<Vec<DossierAtRisk>>,
    office: Signal<Option<String>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let drafting = RwSignal::new(None::<DossierAtRisk>);
    let new_date = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<CommandError>);
    let slip = RwSignal::new(None::<Slip>);
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
        let Some(previous) = d.visit.appointment else { return };
        let day = match crate::front_desk::parse_day(&new_date.get_untracked()) {
            Ok(day) => day,
            Err(e) => return error.set(Some(e)),
        };
        let why = reason.get_untracked();
        spawn_local(async move {
            match api::reschedule_visit(d.visit.id, day, &why, true).await {
                Ok(visit) => {
                    drafting.set(None);
                    slip.set(Some(Slip { visit, previous }));
                    on_changed();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && (slip.with_untracked(Option::is_some) || drafting.with_untracked(Option::is_some)) {
            slip.set(None);
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
        {move || slip.get().map(|s| view! { <ApologySlip slip=s office=office on_close=move || slip.set(None) /> })}
    }
}

/// The slip as printed (after Mẫu 04, Thông tư 01/2018/TT-VPCP): the screen shows only this
/// sheet and the print stylesheet hides the buttons.
#[component]
fn ApologySlip(slip: Slip, office: Signal<Option<String>>, on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let v = slip.visit;
    let office_name = move || office.get().map_or_else(|| t().office_unknown.to_owned(), |name| format!("UBND {name}"));
    let today = local_day(chrono::Utc::now());
    let received = v.finished_at.map(|at| day_text(local_day(at))).unwrap_or_default();
    let new_day = v.appointment.map(day_text).unwrap_or_default();
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <div class="print-view" id="apology-slip">
            <div class="slip">
                <div class="slip-head">
                    <div><strong>{move || office_name().to_uppercase()}</strong><br/>{t().slip_unit}</div>
                    <div><strong>"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</strong><br/><u>"Độc lập - Tự do - Hạnh phúc"</u></div>
                </div>
                <p class="slip-date"><em>{format!("Ngày {} tháng {} năm {}", today.format("%d"), today.format("%m"), today.format("%Y"))}</em></p>
                <h2>"PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"</h2>
                <p>"Kính gửi: Ông/Bà "<strong id="slip-name">{v.name.clone()}</strong></p>
                <p>{format!("Ngày {received}, ")}{office_name}" tiếp nhận giải quyết hồ sơ của Ông/Bà đề nghị giải quyết thủ tục hành chính: "
                    <strong>{v.procedure.clone().unwrap_or_default()}</strong>
                    {v.ticket.clone().map(|t| format!(" (số thứ tự {t})"))}"."</p>
                <p>"Thời hạn trả kết quả theo giấy hẹn là ngày "<strong id="slip-previous">{day_text(slip.previous)}</strong>
                    ". Tuy nhiên đến nay, "{office_name}" chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hẹn."</p>
                <p>"Lý do: "<span id="slip-reason-text">{v.appointment_reason.clone().unwrap_or_default()}</span></p>
                <p>"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. "{office_name}" xin lỗi Ông/Bà và sẽ trả kết quả vào ngày "
                    <strong id="slip-new-date">{new_day}</strong>"."</p>
                <p>"Mong nhận được sự thông cảm của Ông/Bà. Xin trân trọng cảm ơn."</p>
                <div class="slip-sign"><strong>"NGƯỜI ĐỨNG ĐẦU"</strong><br/><em>"(Ký, ghi rõ họ tên)"</em></div>
            </div>
            <div class="print-actions">
                <button id="print-slip" class="primary" type="button" on:click=print>{t().print}" "<kbd>"Ctrl+P"</kbd></button>
                <button id="close-slip" type="button" on:click=move |_| on_close()>{t().close}" "<kbd>"Esc"</kbd></button>
            </div>
        </div>
    }
}
