//! Tổng quan: one week across the province's communes: who reported, on time or not, who went
//! silent; sorted and filtered by any column; an admin accepts or returns an approved week.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::ProvinceRole;
use thanthien_core::province::{
    sort_rows, ConsoleSession, Overview as Figures, OverviewColumn, OverviewFilter, OverviewRow, ReportStatus,
};

#[component]
pub fn Overview(session: ConsoleSession, on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let figures = RwSignal::new(None::<Figures>);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let week = RwSignal::new(crate::week::in_location(crate::Page::Overview.anchor()));
    let load = move || crate::week::load("/v1/console/overview", week, figures, error, |o| o.week, on_signed_out);
    load();
    let changed = move || {
        notice.set(None);
        load();
    };
    let sort = RwSignal::new((OverviewColumn::Code, true));
    let filter = RwSignal::new(OverviewFilter::default());
    let admin = session.role == ProvinceRole::Admin;
    let csrf = StoredValue::new(session.csrf);
    let act = move |commune: String, reason: Option<String>| {
        let Some(w) = week.get_untracked() else { return };
        spawn_local(async move {
            let returning = reason.is_some();
            match api::decide(&commune, w, reason, &csrf.get_value()).await {
                Ok(()) => {
                    let done = if returning { t().returned_done } else { t().accepted_done };
                    notice.set(Some(format!("{done}: {commune} · {w}")));
                    error.set(None);
                    load();
                }
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let header = move |column: OverviewColumn, label: &'static str| {
        let arrow = move || match sort.get() {
            (c, true) if c == column => " ▲",
            (c, false) if c == column => " ▼",
            _ => "",
        };
        view! {
            <th class="sortable" on:click=move |_| sort.update(|(c, up)| {
                if *c == column { *up = !*up } else { *c = column; *up = true }
            })>{label}{arrow}</th>
        }
    };
    let rows = move || {
        let mut rows: Vec<OverviewRow> = figures
            .get()
            .map(|o| o.rows.into_iter().filter(|r| filter.with(|f| f.keeps(r))).collect())
            .unwrap_or_default();
        let (column, up) = sort.get();
        sort_rows(&mut rows, column, up);
        rows
    };
    let districts = move || {
        let mut list: Vec<String> =
            figures.get().map(|o| o.rows.iter().filter_map(|r| r.district.clone()).collect()).unwrap_or_default();
        thanthien_core::collation::sort(&mut list);
        list.dedup();
        list
    };
    view! {
        <main class="page">
            <div class="title-row">
                <h2>{t().overview_title}</h2>
                <div class="exports">
                    {move || week.get().map(|w| view! {
                        <a id="export-xlsx" class="button" href=format!("/v1/console/export?week={w}&format=xlsx")>{t().export_xlsx}</a>
                        <a id="export-pdf" class="button" href=format!("/v1/console/export?week={w}&format=pdf")>{t().export_pdf}</a>
                    })}
                </div>
                <crate::week::WeekPicker week=week anchor=crate::Page::Overview.anchor() changed=changed />
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" id="overview-error">{e}</p> })}
            {move || notice.get().map(|n| view! { <p class="saved" id="overview-notice">{n}</p> })}
            {move || figures.get().map(|o| view! {
                <div class="cards">
                    <div class="card figure" id="reporting-rate"><span>{t().reporting_rate}</span><strong>{o.reporting.text()}</strong></div>
                    <div class="card figure" id="on-time-rate"><span>{t().on_time_rate}</span><strong>{o.on_time.text()}</strong></div>
                    <div class="card figure" id="silent-count"><span>{t().silent_count}</span><strong>{o.silent}</strong><small>{t().silent_hint}</small></div>
                    <div class="card figure" id="due"><span>{t().due}</span><strong>{crate::when(o.due)}</strong></div>
                </div>
            })}
            <div class="filters">
                <label>{t().filter_district}
                    <select id="filter-district" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.district = (v != "*").then_some(v));
                    }>
                        <option value="*">{t().all}</option>
                        {move || districts().into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                        <option value="">{t().no_district}</option>
                    </select>
                </label>
                <label>{t().filter_status}
                    <select id="filter-status" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.status = ReportStatus::parse(&v).ok());
                    }>
                        <option value="*">{t().all}</option>
                        {ReportStatus::ALL.iter().map(|s| view! { <option value=s.wire()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{t().filter_text}
                    <input id="filter-text" on:input=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.text = v);
                    } />
                </label>
            </div>
            <div class="table-wrap">
                <table id="overview">
                    <thead><tr>
                        {header(OverviewColumn::Code, t().col_code)}
                        {header(OverviewColumn::Commune, t().col_commune)}
                        {header(OverviewColumn::District, t().col_district)}
                        {header(OverviewColumn::Status, t().col_status)}
                        {header(OverviewColumn::Reported, t().col_reported)}
                        {header(OverviewColumn::OnTime, t().col_on_time)}
                        {header(OverviewColumn::LastSync, t().col_last_sync)}
                        {admin.then(|| view! { <th>{t().col_actions}</th> })}
                    </tr></thead>
                    <tbody>
                        {move || {
                            let rows = rows();
                            if rows.is_empty() && figures.with(Option::is_some) {
                                let span = if admin { 8 } else { 7 };
                                return view! { <tr><td colspan=span class="empty">{t().no_rows}</td></tr> }.into_any();
                            }
                            rows.into_iter().map(|r| view! { <Line row=r admin=admin act=act /> }).collect_view().into_any()
                        }}
                    </tbody>
                </table>
            </div>
        </main>
    }
}

/// One commune's line, with the admin's two decisions on an approved week.
#[component]
fn Line(
    row: OverviewRow,
    admin: bool,
    act: impl Fn(String, Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let code = row.commune_code.clone();
    let returning = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reported = row.reported_at.map(crate::when).unwrap_or_default();
    let amended = (row.approvals > 1).then(|| format!(" ({})", t().amended));
    let on_time = match (row.status.is_reported(), row.on_time) {
        (false, _) => "",
        (true, true) => t().on_time,
        (true, false) => t().late,
    };
    let last_sync = row.last_sync.map_or_else(|| t().never.to_owned(), crate::when);
    let decide = (admin && row.status == ReportStatus::Approved).then(|| {
        let (accept_code, back_code, confirm_code) = (code.clone(), code.clone(), code.clone());
        view! {
            <button id=format!("accept-{code}") class="small primary" on:click=move |_| act(accept_code.clone(), None)>{t().accept}</button>
            <button id=format!("return-{code}") class="small" on:click=move |_| returning.set(true)>{t().send_back}</button>
            <Show when=move || returning.get()>
                <div class="return-form">
                    <input id=format!("return-reason-{back_code}") placeholder=t().send_back_reason bind:value=reason />
                    <button id=format!("return-confirm-{confirm_code}") class="small primary"
                        on:click={let c = confirm_code.clone(); move |_| act(c.clone(), Some(reason.get_untracked()))}>{t().confirm_send_back}</button>
                    <button class="small" on:click=move |_| returning.set(false)>{t().cancel}</button>
                </div>
            </Show>
        }
    });
    view! {
        <tr id=format!("row-{code}") class:silent=row.silent>
            <td>{row.commune_code.clone()}</td>
            <td><a href=format!("{}/{code}", crate::Page::Commune.anchor())>{row.commune_name.clone()}</a></td>
            <td>{row.district.clone().unwrap_or_default()}</td>
            <td><span class=format!("status {}", row.status.wire())>{row.status.label()}</span>{amended}</td>
            <td class="time">{reported}</td>
            <td class=if row.on_time { "on-time" } else { "late" }>{on_time}</td>
            <td class="time">{last_sync}{row.silent.then(|| view! { <span class="badge warn">{t().silent}</span> })}</td>
            {admin.then(|| view! { <td class="actions">{decide}</td> })}
        </tr>
    }
}
