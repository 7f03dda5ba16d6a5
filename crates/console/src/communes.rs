//! Xã/phường và máy: the province's communes with their area and last sync, each opening its
//! page (its PCs, enrolment codes, revocation); an admin adds a commune.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::ProvinceRole;
use thanthien_core::province::{ConsoleSession, NewCommune, Overview};

#[component]
pub fn Communes(session: ConsoleSession, on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let list = RwSignal::new(None::<Overview>);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api::get::<Overview>("/v1/console/overview").await {
                Ok(o) => list.set(Some(o)),
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    load();
    let (code, name, district) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let csrf = StoredValue::new(session.csrf);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewCommune {
            code: code.get_untracked(),
            name: name.get_untracked(),
            district: Some(district.get_untracked()).filter(|d| !d.trim().is_empty()),
        };
        spawn_local(async move {
            match api::send::<_, ()>(api::post("/v1/console/communes"), &csrf.get_value(), &body).await {
                Ok(_) => {
                    saved.set(Some(format!("{}: {} {}", t().saved, body.code, body.name)));
                    error.set(None);
                    code.set(String::new());
                    name.set(String::new());
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
            <h2>{t().nav_communes}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" id="communes-error">{e}</p> })}
            {move || saved.get().map(|s| view! { <p class="saved" id="communes-saved">{s}</p> })}
            {admin.then(|| view! {
                <form class="card inline-form" id="add-commune" on:submit=add>
                    <strong>{t().add_commune}</strong>
                    <input id="new-commune-code" placeholder=t().commune_code bind:value=code required />
                    <input id="new-commune-name" placeholder=t().commune_name bind:value=name required />
                    <input id="new-commune-district" placeholder=t().commune_district bind:value=district />
                    <button id="new-commune-save" class="primary" type="submit">{t().save}</button>
                </form>
            })}
            <div class="table-wrap">
                <table id="communes">
                    <thead><tr><th>{t().col_code}</th><th>{t().col_commune}</th><th>{t().col_district}</th><th>{t().col_last_sync}</th></tr></thead>
                    <tbody>
                        {move || list.get().map(|o| o.rows.into_iter().map(|r| view! {
                            <tr>
                                <td>{r.commune_code.clone()}</td>
                                <td><a href=format!("{}/{}", crate::Page::Commune.anchor(), r.commune_code)>{r.commune_name}</a></td>
                                <td>{r.district.unwrap_or_default()}</td>
                                <td class="time">{r.last_sync.map_or_else(|| t().never.to_owned(), crate::when)}</td>
                            </tr>
                        }).collect_view())}
                    </tbody>
                </table>
            </div>
        </main>
    }
}
