//! The week a page shows: read from the address (`#page/2026-W46`), stepped back and forth.

use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::summary::Week;

/// The week in the address after `anchor/`, if one is there.
pub fn in_location(anchor: &str) -> Option<Week> {
    let hash = window().location().hash().ok()?;
    Week::try_from(hash.strip_prefix(anchor)?.strip_prefix('/')?.to_owned()).ok()
}

/// ← Tuần trước · Tuần 2026-W46 · Tuần sau →; each step writes the address and calls `changed`.
#[component]
pub fn WeekPicker(
    week: RwSignal<Option<Week>>,
    #[prop(into)] anchor: String,
    changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let anchor = StoredValue::new(anchor);
    let step = move |forward: bool| {
        if let Some(w) = week.get_untracked() {
            let w = if forward { w.next() } else { w.previous() };
            let _ = window().location().set_hash(&format!("{}/{w}", anchor.get_value()));
            week.set(Some(w));
            changed();
        }
    };
    view! {
        <div class="week-picker">
            <button id="week-previous" class="ghost" on:click=move |_| step(false)>{t().previous_week}</button>
            <strong id="week">{move || week.get().map(|w| format!("{} {w}", t().week)).unwrap_or_default()}</strong>
            <button id="week-next" class="ghost" on:click=move |_| step(true)>{t().next_week}</button>
        </div>
    }
}
