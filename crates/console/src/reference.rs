//! Dữ liệu dùng chung: an admin uploads a procedure catalogue, a holiday calendar, the
//! personal-data retention periods or the one-stop slips' wording; every
//! problem is listed with its line and field and nothing is published until the file is clean;
//! below, every published version with who published it and when.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::ProvinceRole;
use thanthien_core::province::ConsoleSession;
use thanthien_core::reference::{Upload, Version};
use thanthien_core::wire::ReferenceKind;

fn kind_label(kind: ReferenceKind) -> &'static str {
    match kind {
        ReferenceKind::Procedures => t().kind_procedures,
        ReferenceKind::Holidays => t().kind_holidays,
        ReferenceKind::Retention => t().kind_retention,
        ReferenceKind::Slips => t().kind_slips,
    }
}

#[component]
pub fn Reference(session: ConsoleSession, on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let versions = RwSignal::new(Vec::<Version>::new());
    let outcome = RwSignal::new(None::<Upload>);
    let error = RwSignal::new(None::<String>);
    let kind = RwSignal::new(ReferenceKind::Procedures);
    let load = move || {
        spawn_local(async move {
            match api::get::<Vec<Version>>("/v1/console/reference").await {
                Ok(v) => versions.set(v),
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    load();
    let input = NodeRef::<leptos::html::Input>::new();
    let csrf = StoredValue::new(session.csrf);
    let upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let file = input.get().and_then(|i| i.files()).and_then(|f| f.get(0));
        let Some(file) = file else {
            error.set(Some(t().no_file.into()));
            return;
        };
        spawn_local(async move {
            let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => v.as_string().unwrap_or_default(),
                Err(_) => return error.set(Some(t().no_file.into())),
            };
            let path = format!("/v1/console/reference/{}", kind.get_untracked().wire());
            match api::upload(&path, &csrf.get_value(), text).await {
                Ok(u) => {
                    error.set(None);
                    outcome.set(Some(u));
                    load();
                }
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let admin = session.role == ProvinceRole::Admin;
    view! {
        <main class="page">
            <h2>{t().reference_title}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" id="reference-error">{e}</p> })}
            {admin.then(|| view! {
                <form class="card inline-form" id="reference-upload" on:submit=upload>
                    <label>{t().reference_kind}
                        <select id="reference-kind" on:change=move |ev| {
                            if let Ok(k) = ReferenceKind::parse(&event_target_value(&ev)) { kind.set(k) }
                        }>
                            {ReferenceKind::ALL.iter().copied().map(|k| view! {
                                <option value=k.wire()>{kind_label(k)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t().reference_file}<input id="reference-file" type="file" accept=".json,application/json" node_ref=input /></label>
                    <button id="reference-publish" class="primary" type="submit">{t().publish}</button>
                </form>
            })}
            {move || outcome.get().map(|u| match u.version {
                Some(v) => view! { <p class="saved" id="reference-published">{format!("{} {v}", t().published_as)}</p> }.into_any(),
                None => view! {
                    <div id="reference-problems">
                        <p class="form-error">{t().not_published}</p>
                        <div class="table-wrap"><table>
                            <thead><tr><th>{t().col_line}</th><th>{t().col_field}</th><th>{t().col_problem}</th></tr></thead>
                            <tbody>{u.problems.into_iter().map(|p| view! {
                                <tr><td class="num">{p.line}</td><td><code>{p.field}</code></td><td>{p.message}</td></tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    </div>
                }.into_any(),
            })}
            <h3>{t().versions_title}</h3>
            <div class="table-wrap">
                <table id="versions">
                    <thead><tr><th>{t().col_version}</th><th>{t().reference_kind}</th><th>{t().col_at}</th><th>{t().col_published_by}</th></tr></thead>
                    <tbody>{move || versions.get().into_iter().map(|v| view! {
                        <tr><td class="num">{v.version}</td><td>{kind_label(v.kind)}</td>
                            <td class="time">{crate::when(v.published_at)}</td><td>{v.published_by.unwrap_or_default()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </div>
        </main>
    }
}
