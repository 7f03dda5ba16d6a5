//! Nhật ký thao tác: every act of the province, who and when, latest first.

use crate::api;
use crate::i18n::{action_label, t};
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::province::AuditEntry;

#[component]
pub fn Audit(on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let entries = RwSignal::new(None::<Vec<AuditEntry>>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::get::<Vec<AuditEntry>>("/v1/console/audit").await {
            Ok(list) => entries.set(Some(list)),
            Err(e) if e.signed_out() => on_signed_out(),
            Err(e) => error.set(Some(e.message)),
        }
    });
    view! {
        <main class="page">
            <h2>{t().audit_title}</h2>
            {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            <div class="table-wrap">
                <table id="audit">
                    <thead><tr>
                        <th>{t().col_at}</th><th>{t().col_who}</th><th>{t().col_action}</th>
                        <th>{t().col_target}</th><th>{t().col_detail}</th>
                    </tr></thead>
                    <tbody>
                        {move || entries.get().unwrap_or_default().into_iter().map(|a| view! {
                            <tr>
                                <td class="time">{crate::when(a.at)}</td>
                                <td>{a.username}</td>
                                <td>{action_label(&a.action).to_owned()}</td>
                                <td>{a.target.unwrap_or_default()}</td>
                                <td>{a.detail.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </main>
    }
}
