//! Cập nhật: the app's releases the province published, and which versions its PCs run (from
//! what each PC reports when it syncs), so the province sees a fix reach the communes.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::update::Releases as Adoption;

#[component]
pub fn Releases(on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let adoption = RwSignal::new(None::<Adoption>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::get::<Adoption>("/v1/console/releases").await {
            Ok(a) => adoption.set(Some(a)),
            Err(e) if e.signed_out() => on_signed_out(),
            Err(e) => error.set(Some(e.message)),
        }
    });
    let running = move |version: &str| {
        adoption
            .with(|a| a.as_ref().and_then(|a| a.in_use.iter().find(|v| v.version == version)).map_or(0, |v| v.devices))
    };
    view! {
        <main class="page">
            <h2>{t().releases_title}</h2>
            <p class="lead">{t().releases_how}</p>
            {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            <div class="table-wrap">
                <table id="releases">
                    <thead><tr>
                        <th>{t().col_version}</th><th>{t().col_platform}</th><th>{t().col_published}</th>
                        <th class="num">{t().col_size}</th><th class="num">{t().col_pcs_running}</th>
                        <th>{t().col_notes}</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let releases = adoption.get().map(|a| a.releases).unwrap_or_default();
                            if releases.is_empty() {
                                return view! { <tr><td colspan="6">{t().releases_none}</td></tr> }.into_any();
                            }
                            releases.into_iter().map(|r| view! {
                                <tr>
                                    <td>{r.version.clone()}</td>
                                    <td>{r.platform.wire()}</td>
                                    <td class="time">{crate::when(r.published_at)}</td>
                                    <td class="num">{format!("{:.1} MB", r.size as f64 / 1_000_000.0)}</td>
                                    <td class="num">{running(&r.version)}</td>
                                    <td class="notes">{r.notes}</td>
                                </tr>
                            }).collect_view().into_any()
                        }}
                    </tbody>
                </table>
            </div>
            <h3>{t().in_use_title}</h3>
            <div class="table-wrap">
                <table id="versions-in-use">
                    <thead><tr>
                        <th>{t().col_version}</th><th class="num">{t().col_pcs_running}</th>
                        <th class="num">{t().col_communes_running}</th>
                    </tr></thead>
                    <tbody>
                        {move || adoption.get().map(|a| {
                            let unreported = (a.unreported > 0).then(|| view! {
                                <tr><td>{t().unreported_pcs}</td><td class="num">{a.unreported}</td><td></td></tr>
                            });
                            view! {
                                {a.in_use.into_iter().map(|v| view! {
                                    <tr>
                                        <td>{v.version}</td><td class="num">{v.devices}</td>
                                        <td class="num">{v.communes}</td>
                                    </tr>
                                }).collect_view()}
                                {unreported}
                            }
                        })}
                    </tbody>
                </table>
            </div>
        </main>
    }
}
