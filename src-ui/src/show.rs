//! How the screens show what the commands return: times and days in Vietnam time, and the
//! refusal of one form field. One home, so every screen writes them alike.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use thanthien_core::ipc::CommandError;
use thanthien_core::visit::InputField;

/// "08:05", Vietnam time.
pub(crate) fn time(at: DateTime<Utc>) -> String {
    thanthien_core::time::local_clock(at)
}

/// "01/12/2026".
pub(crate) fn day(day: NaiveDate) -> String {
    thanthien_core::time::day_text(day)
}

/// The local day of an instant, as `day` writes it.
pub(crate) fn day_of(at: DateTime<Utc>) -> String {
    day(thanthien_core::time::local_day(at))
}

/// "08:05 23/11/2026", Vietnam time (the same words as the command line and the exports).
pub(crate) fn moment(at: DateTime<Utc>) -> String {
    thanthien_core::time::local_text(at)
}

/// What the last refusal says of one field, if it names that field.
pub(crate) fn field_error(error: RwSignal<Option<CommandError>>, field: InputField) -> Option<String> {
    error.get().and_then(|e| e.fields.into_iter().find(|p| p.field == field)).map(|p| p.message)
}

/// A refusal that names no field: shown above the form.
pub(crate) fn form_error(error: RwSignal<Option<CommandError>>) -> impl IntoView {
    move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <div class="form-error">{e.message}</div> })
}
