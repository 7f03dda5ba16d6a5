//! The week a page shows: read from the address (`#page/2026-W46`), stepped back and forth.

use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::summary::Week;

/// The week in the address after `anchor/`, if one is there.
pub fn in_location(anchor: &str) -> Option<Week> {
    let hash = window().location().hash().ok()?;
    Week::try_from(hash.strip_prefix(anchor)?.strip_prefix('/')?.to_owned()).ok()
}

/// Loads a week's page from `path` (`?week=` the week shown, or the server's default week) into
/// `into`, and keeps the week the answer names; a failure shows in `error`.
pub fn load<T>(
    path: &'static str,
    week: RwSignal<Option<Week>>,
    into: RwSignal<Option<T>>,
    error: RwSignal<Option<String>>,
    week_of: fn(&T) -> Week,
    on_signed_out: impl Fn() + Copy + Send + Sync + 'static,
) where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let url = match week.get_untracked() {
        Some(w) => format!("{path}?week={w}"),
        None => path.to_owned(),
    };
    leptos::task::spawn_local(async move {
        match crate::api::get::<T>(&url).await {
            Ok(page) => {
                error.set(None);
                week.set(Some(week_of(&page)));
                into.set(Some(page));
            }
            Err(e) if e.signed_out() => on_signed_out(),
            Err(e) => error.set(Some(e.message)),
        }
    });
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
