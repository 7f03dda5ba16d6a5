//! A commune's page: its week (status, the approved report's lines, the history of approvals and
//! returns), its plan, its PCs and what the server refused from them; an admin issues an
//! enrolment code (text and QR code) or revokes a PC.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::ProvinceRole;
use thanthien_core::province::{CodeRequest, CommunePage, ConsoleSession, IssuedCode, ReportStatus};
use thanthien_core::summary::Week;

/// `#xa/CODE` or `#xa/CODE/2026-W46`.
fn target() -> Option<(String, Option<Week>)> {
    let hash = window().location().hash().ok()?;
    let rest = hash.strip_prefix(crate::Page::Commune.anchor())?.strip_prefix('/')?;
    let (code, week) = match rest.split_once('/') {
        Some((code, week)) => (code, Week::try_from(week.to_owned()).ok()),
        None => (rest, None),
    };
    Some((code.to_owned(), week))
}

#[component]
pub fn Commune(session: ConsoleSession, on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let (code, first_week) = target().unwrap_or_default();
    let code = StoredValue::new(code);
    let page = RwSignal::new(None::<CommunePage>);
    let error = RwSignal::new(None::<String>);
    let week = RwSignal::new(first_week);
    let issued = RwSignal::new(None::<IssuedCode>);
    let admin = session.role == ProvinceRole::Admin;
    let csrf = StoredValue::new(session.csrf);
    let load = move || {
        let code = code.get_value();
        let path = match week.get_untracked() {
            Some(w) => format!("/v1/console/communes/{code}?week={w}"),
            None => format!("/v1/console/communes/{code}"),
        };
        spawn_local(async move {
            match api::get::<CommunePage>(&path).await {
                Ok(p) => {
                    error.set(None);
                    week.set(Some(p.week));
                    page.set(Some(p));
                }
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    load();
    let issue = move |_| {
        let path = format!("/v1/console/communes/{}/enrollment-codes", code.get_value());
        spawn_local(async move {
            match api::send::<_, IssuedCode>(api::post(&path), &csrf.get_value(), &CodeRequest::default()).await {
                Ok(c) => issued.set(c),
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let revoke = move |id: uuid::Uuid| {
        spawn_local(async move {
            let path = format!("/v1/console/devices/{id}/revoke");
            match api::send::<_, ()>(api::post(&path), &csrf.get_value(), &()).await {
                Ok(_) => load(),
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    // The same two decisions as on Tổng quan, on the week this page shows.
    let decide = move |commune: String, week: Week, reason: Option<String>| {
        spawn_local(async move {
            match api::decide(&commune, week, reason, &csrf.get_value()).await {
                Ok(()) => load(),
                Err(e) if e.signed_out() => on_signed_out(),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let anchor = format!("{}/{}", crate::Page::Commune.anchor(), code.get_value());
    view! {
        <main class="page">
            <div class="title-row">
                <h2 id="commune-title">{move || page.get().map(|p| {
                    let district = p.district.map(|d| format!(" · {d}")).unwrap_or_default();
                    format!("{} ({}){district}", p.commune_name, p.commune_code)
                })}</h2>
                <crate::week::WeekPicker week=week anchor=anchor changed=load />
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" id="commune-error">{e}</p> })}
            {move || page.get().filter(|p| admin && p.status == ReportStatus::Approved).map(|p| {
                let reason = RwSignal::new(String::new());
                let (accept_code, return_code) = (p.commune_code.clone(), p.commune_code.clone());
                let week = p.week;
                view! {
                    <section class="card inline-form" id="commune-decide">
                        <button id="commune-accept" class="primary" on:click=move |_| decide(accept_code.clone(), week, None)>{t().accept}</button>
                        <input id="commune-return-reason" placeholder=t().send_back_reason bind:value=reason />
                        <button id="commune-return" on:click=move |_| decide(return_code.clone(), week, Some(reason.get_untracked()))>{t().send_back}</button>
                    </section>
                }
            })}
            {move || page.get().map(|p| view! { <Week page=p /> })}
            {move || page.get().map(|p| view! { <Devices page=p admin=admin revoke=revoke /> })}
            {admin.then(|| view! {
                <section class="card">
                    <button id="issue-code" class="primary" on:click=issue>{t().issue_code}</button>
                    {move || issued.get().map(|c| view! {
                        <div class="issued" id="issued-code">
                            <p class="code" id="code-text">{c.code.clone()}</p>
                            <p>{format!("{}: {}", t().code_valid_until, crate::when(c.expires_at))}</p>
                            <img id="code-qr" alt=c.link.clone() src=format!("data:image/svg+xml;utf8,{}", encode_svg(&c.qr_svg)) />
                        </div>
                    })}
                </section>
            })}
        </main>
    }
}

/// An SVG as a data URL: only the characters a URL cannot carry are escaped.
fn encode_svg(svg: &str) -> String {
    svg.chars()
        .map(|c| match c {
            '"' => "'".to_owned(),
            '#' => "%23".to_owned(),
            '<' => "%3C".to_owned(),
            '>' => "%3E".to_owned(),
            '\n' => " ".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

#[component]
fn Week(page: CommunePage) -> impl IntoView {
    let status = format!(
        "{}{}",
        page.status.label(),
        page.reported_at
            .map(|at| format!(" · {} {}", t().col_reported.to_lowercase(), crate::when(at)))
            .unwrap_or_default()
    );
    let on_time = page.status.is_reported().then(|| if page.on_time { t().on_time } else { t().late });
    let report = if page.report.is_empty() {
        view! { <p class="empty" id="no-report">{t().no_report}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table id="report">
                    <thead><tr><th></th><th></th><th class="num">{t().col_this_week}</th><th class="num">{t().col_last_week}</th></tr></thead>
                    <tbody>
                        {page.report.into_iter().map(|r| view! {
                            <tr><td class="muted">{r.section}</td><td>{r.label}</td>
                                <td class="num">{r.this_week.text()}</td><td class="num">{r.last_week.text()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let history = if page.history.is_empty() {
        view! { <p class="empty">{t().no_history}</p> }.into_any()
    } else {
        view! {
            <ul class="steps" id="history">
                {page.history.into_iter().map(|s| {
                    let by = s.by.map(|b| format!(" · {b}")).unwrap_or_default();
                    let why = s.reason.map(|r| format!(": {r}")).unwrap_or_default();
                    view! { <li>{format!("{} {}{by}{why}", crate::when(s.at), s.label)}</li> }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <p id="commune-status"><span class=format!("status {}", page.status.wire())>{status}</span>
                {on_time.map(|o| view! { <strong class="on-time-mark">{format!(" · {o}")}</strong> })}
                {(page.approvals > 1).then(|| format!(" · {} ({})", t().amended, page.approvals - 1))}
            </p>
            <h3>{t().history_title}</h3>
            {history}
            <h3>{t().report_title}</h3>
            {report}
            {(!page.amendments.is_empty()).then(|| {
                let text = |f: Option<thanthien_core::report::Figure>| f.map_or("—".to_owned(), |f| f.text());
                view! {
                    <h3>{t().amendments_title}</h3>
                    <div class="table-wrap"><table id="amendments">
                        <thead><tr><th></th><th class="num">{t().col_before}</th><th class="num">{t().col_after}</th></tr></thead>
                        <tbody>{page.amendments.into_iter().map(|a| view! {
                            <tr><td>{format!("{} · {}", a.section, a.label)}</td>
                                <td class="num">{text(a.approved)}</td><td class="num">{text(a.now)}</td></tr>
                        }).collect_view()}</tbody>
                    </table></div>
                }
            })}
            <h3>{t().nav_plan}</h3>
            <div class="table-wrap">
                <table id="commune-plan">
                    <tbody>
                        {page.plan.into_iter().map(|l| view! {
                            <tr id=format!("item-{}", l.item.wire())>
                                <td>{l.item.label()}</td>
                                <td class=format!("standing {}", l.standing.wire())><strong>{l.standing.label()}</strong></td>
                                <td>{l.evidence}</td>
                                <td class="rule">{l.item.rule()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Devices(
    page: CommunePage,
    admin: bool,
    revoke: impl Fn(uuid::Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let problems = if page.problems.is_empty() {
        view! { <p class="empty">{t().no_problems}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap"><table id="problems">
                <thead><tr><th>{t().col_at}</th><th>{t().col_device}</th><th>{t().col_kind}</th><th>{t().col_reason}</th></tr></thead>
                <tbody>{page.problems.into_iter().map(|p| view! {
                    <tr><td class="time">{crate::when(p.received_at)}</td>
                        <td>{format!("{} #{}", &p.device_id.to_string()[..8], p.seq)}</td>
                        <td>{p.kind.unwrap_or_default()}</td><td>{p.reason}</td></tr>
                }).collect_view()}</tbody>
            </table></div>
        }
        .into_any()
    };
    view! {
        <section class="card">
            <h3>{t().devices_title}</h3>
            <div class="table-wrap">
                <table id="devices">
                    <thead><tr>
                        <th>{t().col_device}</th><th>{t().col_series}</th><th>{t().col_enrolled}</th>
                        <th>{t().col_last_seen}</th><th>{t().col_version}</th><th>{t().col_pending}</th>
                        <th>{t().col_rejected}</th><th></th>
                    </tr></thead>
                    <tbody>
                        {page.devices.into_iter().map(|d| {
                            let id = d.id;
                            let state = match d.revoked_at {
                                Some(at) => view! { <span class="badge">{format!("{} {}", t().revoked, crate::when(at))}</span> }.into_any(),
                                None if admin => view! {
                                    <button class="small" id=format!("revoke-{id}") on:click=move |_| revoke(id)>{t().revoke}</button>
                                }.into_any(),
                                None => ().into_any(),
                            };
                            view! {
                                <tr id=format!("device-{id}")>
                                    <td>{d.name.unwrap_or_else(|| id.to_string()[..8].to_owned())}</td>
                                    <td>{d.series.to_string()}</td>
                                    <td class="time">{crate::when(d.enrolled_at)}</td>
                                    <td class="time">{d.last_seen_at.map_or_else(|| t().never.to_owned(), crate::when)}</td>
                                    <td>{d.app_version.unwrap_or_default()}</td>
                                    <td class="num">{d.pending.map(|n| n.to_string()).unwrap_or_default()}</td>
                                    <td class="num">{format!("{} / {}", d.rejected, d.conflicts)}</td>
                                    <td>{state}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{t().problems_title}</h3>
            {problems}
        </section>
    }
}
