//! The Báo cáo tuần screen: the week's figures with last week beside them, as SVG bar charts with
//! their numbers, and the full table of the report's lines (the same lines the exports print).

use crate::api;
use crate::i18n::t;
use crate::show;
use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::{Permission, Role};
use thanthien_core::approval::{ApprovalStatus, WeekAction};
use thanthien_core::book::{BookFormat, BookPeriod};
use thanthien_core::report::{ExportFormat, Figure, SummaryView, FOOTNOTE};
use thanthien_core::summary::Week;
use thanthien_core::time::{day_month_text, local_day};
use thanthien_widgets::{Legend, PairedBars};

#[component]
pub fn SummaryScreen(role: Role) -> impl IntoView {
    let week = RwSignal::new(Week::of(Utc::now()));
    let summary = RwSignal::new(None::<SummaryView>);
    let error = RwSignal::new(None::<String>);
    let live = crate::live::live();
    // Reloaded for another week, and when other PCs' entries arrive.
    Effect::new(move |_| {
        let chosen = week.get();
        live.registers();
        spawn_local(async move {
            match api::weekly_summary(Some(chosen)).await {
                Ok(s) => {
                    error.set(None);
                    summary.set(Some(s));
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    });
    let is_current = move || week.get() >= Week::of(Utc::now());
    let step = move |days: i64| week.update(|w| *w = Week::of_day(w.monday() + Duration::days(days)));
    view! {
        <section class="summary" id="weekly-summary">
            <div class="summary-head">
                <button id="week-previous" on:click=move |_| step(-7)>{t().previous_week}</button>
                <h2 id="summary-week">{move || {
                    let w = week.get();
                    format!("{} {} ({} – {})", t().summary_title, w, show::day(w.monday()), show::day(w.sunday()))
                }}</h2>
                <button id="week-next" on:click=move |_| step(7) disabled=is_current>{t().next_week}</button>
            </div>
            <Exports week=week />
            {move || error.get().map(|e| view! { <div class="form-error">{e}</div> })}
            {move || summary.get().map(|s| view! {
                <Approval summary=s.clone() role=role on_changed=move |s| summary.set(Some(s)) />
                <div class="charts">
                    <PairedBars legend=legend() title=t().chart_per_day
                        labels=vec!["T2", "T3", "T4", "T5", "T6", "T7", "CN"].into_iter().map(String::from).collect()
                        this=s.per_day[0].clone() last=s.per_day[1].clone() />
                    <PairedBars legend=legend() title=t().chart_per_hour
                        labels=(6..19).map(|h| format!("{h}h")).collect()
                        this=office_hours(&s.per_hour[0]) last=office_hours(&s.per_hour[1]) />
                    <PairedBars legend=legend() title=t().chart_levels
                        labels=vec!["1", "2", "3", "4", "5"].into_iter().map(String::from).collect()
                        this=s.levels[0].clone() last=s.levels[1].clone() />
                </div>
                <ReportTable summary=s />
            })}
        </section>
    }
}

/// Every line of the report, grouped by section: what the CSV and the spreadsheet hold.
#[component]
fn ReportTable(summary: SummaryView) -> impl IntoView {
    let (this, last) = (summary.week, summary.last_week);
    let mut section = String::new();
    let lines = summary
        .rows
        .into_iter()
        .map(|row| {
            let head = (row.section != section).then(|| {
                section = row.section.clone();
                view! { <tr class="section"><th colspan="3">{row.section.clone()}</th></tr> }
            });
            view! {
                {head}
                <tr><td>{row.label.clone()}</td><td class="num">{row.this_week.text()}</td><td class="num">{row.last_week.text()}</td></tr>
            }
        })
        .collect_view();
    view! {
        <table id="summary-table" class="report">
            <thead><tr><th></th><th class="num">{this.to_string()}</th><th class="num">{last.to_string()}</th></tr></thead>
            <tbody>{lines}</tbody>
            <tfoot><tr><td colspan="3" class="footnote">{format!("Ghi chú: {FOOTNOTE}")}</td></tr></tfoot>
        </table>
    }
}

/// The counts of the hours an office is open (6h to 18h), as the hour chart shows them.
fn office_hours(per_hour: &[u32]) -> Vec<u32> {
    per_hour.get(6..19).map(<[u32]>::to_vec).unwrap_or_default()
}

/// This week and last, as the charts' legend names them.
fn legend() -> Legend {
    Legend { this: t().this_week, last: t().last_week }
}

/// The week's approval: its status and steps, the head's actions (absent for other roles), and
/// every line that changed after the approval, beside the approved figure.
#[component]
fn Approval(summary: SummaryView, role: Role, on_changed: impl Fn(SummaryView) + Copy + 'static) -> impl IntoView {
    let week = summary.week;
    let approval = summary.approval.clone();
    let error = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());
    let act = move |action: WeekAction| {
        spawn_local(async move {
            match api::step_week(week, &action).await {
                Ok(s) => {
                    error.set(None);
                    reason.set(String::new());
                    on_changed(s);
                }
                Err(e) => error.set(Some(e.summary())),
            }
        })
    };
    let status = approval.status;
    let actions = role.may(Permission::Approve).then(|| {
        view! {
            <div class="row approval-actions" id="approval-actions">
                // A week the province sent back is mended and submitted again, like a draft.
                {matches!(status, ApprovalStatus::Draft | ApprovalStatus::Returned).then(|| view! {
                    <button id="week-submit" on:click=move |_| act(WeekAction::Submit)>{t().submit_week}</button>
                })}
                {(status == ApprovalStatus::Submitted).then(|| view! {
                    <button id="week-approve" class="primary" on:click=move |_| act(WeekAction::Approve)>{t().approve_week}</button>
                })}
                {matches!(status, ApprovalStatus::Submitted | ApprovalStatus::Approved).then(|| view! {
                    <input id="reopen-reason" placeholder=t().reopen_reason bind:value=reason />
                    <button id="week-reopen" on:click=move |_| act(WeekAction::Reopen { reason: reason.get_untracked() })>{t().reopen_week}</button>
                })}
            </div>
        }
    });
    // The province's reason stands above everything else until the week is submitted again.
    let returned = (status == ApprovalStatus::Returned).then(|| {
        let reason = approval.steps.last().and_then(|s| s.reason.clone()).unwrap_or_default();
        view! { <p class="error" id="week-returned">{format!("{}: {reason}", t().week_returned)}</p> }
    });
    let amended = (approval.approvals > 1).then(|| format!(" · {} {}", t().amended_version, approval.approvals - 1));
    let steps = approval
        .steps
        .iter()
        .map(|s| {
            let when = format!("{} {}", day_month_text(local_day(s.at)), show::time(s.at));
            let by = s.by.as_ref().map(|b| format!(" {} {b}", t().by)).unwrap_or_default();
            let why = s.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default();
            view! { <li>{format!("{when} {}{by}{why}", s.label)}</li> }
        })
        .collect_view();
    let figure = |f: Option<Figure>| f.map_or("—".to_owned(), Figure::text);
    let amendments = (!summary.amendments.is_empty()).then(|| {
        let lines = summary
            .amendments
            .iter()
            .map(|a| view! {
                <tr><td>{format!("{} · {}", a.section, a.label)}</td><td class="num">{figure(a.approved)}</td><td class="num">{figure(a.now)}</td></tr>
            })
            .collect_view();
        view! {
            <div class="amendments" id="amendments">
                <h3>{thanthien_core::report::AMENDMENTS}</h3>
                <table class="report">
                    <thead><tr><th></th><th class="num">{t().col_approved}</th><th class="num">{t().col_now}</th></tr></thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <div class="card approval" id="approval" class:locked=status.is_locked()>
            <div class="row">
                <strong>{t().approval_status}": "</strong>
                <span id="approval-status" class=format!("status {}", if status.is_locked() { "locked" } else { "open" })>
                    {format!("{}{}", approval.label, amended.unwrap_or_default())}
                </span>
            </div>
            {returned}
            <ul class="steps">{steps}</ul>
            {actions}
            {move || error.get().map(|e| view! { <div class="form-error" id="approval-error">{e}</div> })}
            {amendments}
        </div>
    }
}

/// The week as a file: Excel, PDF or CSV, the same lines as the table below; says where it went.
#[component]
fn Exports(week: RwSignal<Week>) -> impl IntoView {
    let result = RwSignal::new(None::<Result<String, String>>);
    let export = move |format: ExportFormat| {
        let chosen = week.get_untracked();
        spawn_local(async move {
            let saved = api::export_week(chosen, format).await.map_err(|e| e.summary());
            result.set(Some(saved.map(|path| match path {
                Some(path) => format!("{} {path}", t().exported_to),
                None => t().export_cancelled.to_owned(),
            })))
        });
    };
    // The week's tracking book of dossiers (Mẫu 06), beside its summary.
    let export_book = move |format: BookFormat| {
        let period = BookPeriod::Week { week: week.get_untracked() };
        spawn_local(async move {
            let saved = api::export_book(period, format).await.map_err(|e| e.summary());
            result.set(Some(saved.map(|path| match path {
                Some(path) => format!("{} {path}", t().exported_to),
                None => t().export_cancelled.to_owned(),
            })))
        });
    };
    view! {
        <div class="row exports">
            {ExportFormat::ALL.iter().copied().map(|format| view! {
                <button id=format!("export-{}", format.wire()) on:click=move |_| export(format)>
                    {format!("{} {}", t().export_as, format.label())}
                </button>
            }).collect_view()}
            {BookFormat::ALL.iter().copied().map(|format| view! {
                <button id=format!("export-book-{}", format.wire()) on:click=move |_| export_book(format)>
                    {format!("{} ({})", t().book_title, format.label())}
                </button>
            }).collect_view()}
            {move || result.get().map(|r| match r {
                Ok(said) => view! { <span class="notice" id="export-result">{said}</span> }.into_any(),
                Err(e) => view! { <span class="form-error" id="export-result">{e}</span> }.into_any(),
            })}
        </div>
    }
}
