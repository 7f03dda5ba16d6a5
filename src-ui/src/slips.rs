//! The one-stop slips as printed (Mẫu 01–04 after Thông tư 01/2018/TT-VPCP): core's sheet on a
//! clean print view, A4 or A5, which the print stylesheet alone puts on paper; the citizen's
//! ticket on an 80 mm receipt printer; and the desk's "print at once" switch they share.

use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::slip::{Sheet, SheetLine, SlipSize};
use thanthien_core::visit::lifecycle::QueueState;
use thanthien_core::visit::Visit;

/// Whether this desk prints slips and tickets the moment they are made (remembered on this PC;
/// off until the desk turns it on, so a PC without a printer never opens a print dialog unasked).
pub fn print_at_once() -> bool {
    crate::front_desk::stored("desk.print-at-once").is_some_and(|v| v == "1")
}

pub fn set_print_at_once(on: bool) {
    crate::front_desk::store("desk.print-at-once", if on { "1" } else { "0" });
}

/// Puts the print view on paper once it is drawn.
pub fn print_soon() {
    set_timeout(
        || {
            let _ = window().print();
        },
        std::time::Duration::from_millis(150),
    );
}

/// The sheet on screen with "In" (focused, so Enter prints) and "Đóng" (Esc); A4 or A5.
#[component]
pub fn SlipView(sheet: Sheet, on_close: impl Fn() + Copy + 'static) -> impl IntoView {
    let size = RwSignal::new(match crate::front_desk::stored("desk.slip-size").as_deref() {
        Some("a5") => SlipSize::A5,
        _ => SlipSize::A4,
    });
    let choose = move |s: SlipSize| {
        crate::front_desk::store("desk.slip-size", s.wire());
        size.set(s);
    };
    let print_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = print_button.get() {
            let _ = button.focus();
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_close();
        }
    });
    on_cleanup(move || keys.remove());
    if print_at_once() {
        print_soon();
    }
    let form = sheet.form.wire();
    let line = |l: SheetLine| match l {
        SheetLine::Text { text } => view! { <p>{text}</p> }.into_any(),
        SheetLine::Field { key, label, value } => view! {
            <p>{label}": "<strong id=format!("sheet-{key}")>{value}</strong></p>
        }
        .into_any(),
        SheetLine::Item { number, text } => view! { <p class="slip-item">{format!("{number}. {text}")}</p> }.into_any(),
    };
    let signers = sheet.signers.len();
    view! {
        <div class="print-view" id="slip-view" data-form=form data-size=move || size.get().wire()>
            <style>{move || format!("@page {{ size: {} portrait; margin: 12mm; }}", size.get().label())}</style>
            <div class="slip" class:a5=move || size.get() == SlipSize::A5>
                <p class="slip-number">{sheet.number.clone()}</p>
                <div class="slip-head">
                    <div><strong>{sheet.office.clone()}</strong><br/>{sheet.unit.clone()}</div>
                    <div><strong>"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</strong><br/><u>"Độc lập - Tự do - Hạnh phúc"</u></div>
                </div>
                <p class="slip-date"><em>{sheet.dated.clone()}</em></p>
                <h2 id="slip-title">{sheet.title.clone()}</h2>
                <p class="slip-code" id="slip-code">{sheet.code.clone()}</p>
                <p class="slip-basis">{sheet.basis.clone()}</p>
                {sheet.lines.into_iter().map(line).collect_view()}
                <div class="slip-signs" class:single=signers == 1>
                    {sheet.signers.into_iter().map(|s| view! {
                        <div class="slip-sign">
                            <strong>{s.role}</strong><br/><em>"(Ký và ghi rõ họ tên)"</em>
                            <p class="signer-name">{s.name.unwrap_or_default()}</p>
                        </div>
                    }).collect_view()}
                </div>
            </div>
            <div class="print-actions">
                <button id="print-slip" class="primary" type="button" node_ref=print_button
                    on:click=move |_| { let _ = window().print(); }>{t().print}" "<kbd>"Enter"</kbd></button>
                <button id="slip-a4" type="button" class:chosen=move || size.get() == SlipSize::A4
                    on:click=move |_| choose(SlipSize::A4)>"A4"</button>
                <button id="slip-a5" type="button" class:chosen=move || size.get() == SlipSize::A5
                    on:click=move |_| choose(SlipSize::A5)>"A5"</button>
                <button id="close-slip" type="button" on:click=move |_| on_close()>{t().close}" "<kbd>"Esc"</kbd></button>
            </div>
        </div>
    }
}

/// The citizen's ticket on an 80 mm receipt printer: the commune, the number in large type, the
/// time, the procedure and how many wait ahead. Printed at once when the desk says so, and then
/// gone, so the next arrival can be typed straight away.
#[component]
pub fn TicketView(
    visit: Visit,
    office: Signal<Option<String>>,
    visits: Signal<Vec<Visit>>,
    on_close: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let print_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = print_button.get() {
            let _ = button.focus();
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            on_close();
        }
    });
    on_cleanup(move || keys.remove());
    if print_at_once() {
        // The queue reloads after the save; the count ahead is drawn from it before printing.
        set_timeout(
            move || {
                let _ = window().print();
                on_close();
            },
            std::time::Duration::from_millis(400),
        );
    }
    let arrived = visit.arrived_at;
    let id = visit.id;
    let ahead = move || {
        visits.with(|all| {
            all.iter()
                .filter(|v| v.id != id && v.queue_state() == QueueState::Waiting && v.arrived_at < arrived)
                .count()
        })
    };
    let office_name = move || {
        office
            .get()
            .map(|name| thanthien_core::normal_form::uppercase(&thanthien_core::slip::issuer(&name)))
            .unwrap_or_default()
    };
    view! {
        <div class="print-view" id="ticket-view">
            <style>"@page { size: 80mm auto; margin: 3mm; }"</style>
            <div class="ticket-slip">
                <p class="ticket-office">{office_name}</p>
                <p class="ticket-unit">"BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"</p>
                <p class="ticket-label">"SỐ THỨ TỰ"</p>
                <p class="ticket-number" id="ticket-number">{visit.ticket.clone().unwrap_or_default()}</p>
                <p class="ticket-procedure" id="ticket-procedure">{visit.procedure.clone().unwrap_or_default()}</p>
                <p class="ticket-time">{crate::show::moment(visit.arrived_at)}</p>
                <p class="ticket-ahead">{t().ticket_waiting_ahead}": "<strong id="ticket-ahead">{ahead}</strong></p>
                <p class="ticket-footer">{t().ticket_footer}</p>
            </div>
            <div class="print-actions">
                <button id="print-ticket" class="primary" type="button" node_ref=print_button
                    on:click=move |_| { let _ = window().print(); }>{t().print}" "<kbd>"Enter"</kbd></button>
                <button id="close-ticket" type="button" on:click=move |_| on_close()>{t().close}" "<kbd>"Esc"</kbd></button>
            </div>
        </div>
    }
}
