//! Thân Thiện desk UI (Leptos CSR): the Tiếp dân screen (arrivals, the desk, the queue, dossiers
//! at risk with their apology slips), the Góp ý – Phản ánh and Camera registers, and the sync badge.

mod api;
mod cameras;
mod dossiers;
mod feedback;
mod front_desk;
mod i18n;
mod rating;
mod summary;

use chrono::{DateTime, Utc};
use i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::ipc::SyncStatus;
use thanthien_core::time::vietnam;
use thanthien_core::visit::Visit;

fn main() {
    console_error_panic_hook::set_once();
    // One bundle, two windows: the citizen-facing rating window loads it with `#rating`.
    if window().location().hash().is_ok_and(|h| h == "#rating") {
        leptos::mount::mount_to_body(rating::RatingApp);
    } else {
        leptos::mount::mount_to_body(App);
    }
}

/// Runs `refresh` now and every 5 s while the calling component lives: other PCs' entries arrive
/// by sync in the background, and days left change at midnight.
pub(crate) fn keep_fresh(refresh: impl Fn() + Clone + 'static) {
    refresh();
    let timer = set_interval_with_handle(refresh, Duration::from_secs(5)).ok();
    on_cleanup(move || {
        if let Some(timer) = timer {
            timer.clear();
        }
    });
}

pub(crate) fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam()).format("%H:%M").to_string()
}

/// The screens reached from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    FrontDesk,
    Feedback,
    Cameras,
    Summary,
}

#[component]
fn App() -> impl IntoView {
    let screen = RwSignal::new(Screen::FrontDesk);
    let visits = RwSignal::new(Vec::<Visit>::new());
    let status = RwSignal::new(None::<SyncStatus>);
    let dossiers = RwSignal::new(Vec::new());
    let refresh_visits = move || {
        spawn_local(async move {
            match api::list_today_visits().await {
                Ok(list) => visits.set(list),
                Err(e) => leptos::logging::error!("list_today_visits: {e}"),
            }
            match api::dossiers_at_risk().await {
                Ok(list) => dossiers.set(list),
                Err(e) => leptos::logging::error!("dossiers_at_risk: {e}"),
            }
        })
    };
    let office = Signal::derive(move || status.get().and_then(|s| s.commune_name));
    let refresh_status = move || {
        spawn_local(async move {
            if let Ok(s) = api::sync_status().await {
                status.set(Some(s));
            }
        })
    };
    let now = RwSignal::new(Utc::now());
    refresh_visits();
    refresh_status();
    // Other PCs' visits arrive by sync in the background; the lists, the badge and the live
    // waiting times follow.
    set_interval(
        move || {
            now.set(Utc::now());
            refresh_visits();
            refresh_status();
        },
        Duration::from_secs(5),
    );

    view! {
        <header>
            <h1>{t().app_name}</h1>
            <nav>
                {[(Screen::FrontDesk, "tab-front-desk", t().screen_front_desk),
                  (Screen::Feedback, "tab-feedback", t().screen_feedback),
                  (Screen::Cameras, "tab-cameras", t().screen_cameras),
                  (Screen::Summary, "tab-summary", t().screen_summary)]
                    .into_iter()
                    .map(|(target, id, label)| view! {
                        <button id=id class="tab" class:active=move || screen.get() == target
                            on:click=move |_| screen.set(target)>{label}</button>
                    })
                    .collect_view()}
            </nav>
            <span class="commune">{move || status.get().and_then(|s| s.commune_name).unwrap_or_default()}</span>
            <span class="spacer"></span>
            <SyncBadge status=status on_synced=move || { refresh_visits(); refresh_status(); } />
        </header>
        <main class:hidden=move || screen.get() != Screen::FrontDesk>
            <div class="column">
                <front_desk::VisitForm on_saved=move |visit: Visit| {
                    visits.update(|list| list.insert(0, visit));
                    refresh_status();
                } />
                <front_desk::DeskPanel visits=visits on_changed=move || { refresh_visits(); refresh_status(); } />
            </div>
            <div class="column">
                <dossiers::DossiersAtRisk dossiers=dossiers office=office on_changed=move || refresh_visits() />
                <front_desk::Queue visits=visits now=now on_changed=move || { refresh_visits(); refresh_status(); } />
            </div>
        </main>
        {move || match screen.get() {
            Screen::FrontDesk => None,
            Screen::Feedback => Some(view! { <main class="feedback-screen"><feedback::FeedbackScreen /></main> }.into_any()),
            Screen::Cameras => Some(view! { <main class="camera-screen"><cameras::CameraScreen /></main> }.into_any()),
            Screen::Summary => Some(view! { <main class="summary-screen"><summary::SummaryScreen /></main> }.into_any()),
        }}
    }
}

#[component]
fn SyncBadge(status: RwSignal<Option<SyncStatus>>, on_synced: impl Fn() + Copy + 'static) -> impl IntoView {
    let busy = RwSignal::new(false);
    let sync_now = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = api::sync_now().await {
                leptos::logging::log!("sync_now: {e}");
            }
            busy.set(false);
            on_synced();
        });
    };
    let summary = move || match status.get() {
        None => String::new(),
        Some(s) if !s.enrolled => format!("{} · {} {}", t().not_enrolled, s.pending, t().pending),
        Some(s) => {
            let pending =
                if s.pending == 0 { t().all_sent.to_owned() } else { format!("{} {}", s.pending, t().pending) };
            let last = s
                .last_success_at
                .map_or(t().never_synced.to_owned(), |at| format!("{} {}", t().last_sync, local_time(at)));
            let rejected = if s.rejected > 0 { format!(" · {} {}", s.rejected, t().rejected) } else { String::new() };
            format!("{pending} · {last}{rejected}")
        }
    };
    let problem = move || status.get().and_then(|s| s.last_error);
    view! {
        <div class="sync-badge" id="sync-badge" title=problem>
            <span class="pending">{summary}</span>
            <button on:click=sync_now disabled=busy>
                {move || if busy.get() { t().syncing } else { t().sync_now }}
            </button>
        </div>
    }
}
