//! Thân Thiện desk UI (Leptos CSR): the Tiếp dân screen (arrivals, the desk, the queue, dossiers
//! at risk with their apology slips), the Góp ý – Phản ánh and Camera registers, and the sync badge.

mod account;
mod api;
mod cameras;
mod dossiers;
mod feedback;
mod front_desk;
mod i18n;
mod publicity;
mod rating;
mod show;
mod summary;

use chrono::Utc;
use i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::account::{Permission, SignedIn};
use thanthien_core::ipc::{SessionState, SyncStatus};
use thanthien_core::visit::Visit;

fn main() {
    console_error_panic_hook::set_once();
    // One bundle, two windows: the citizen-facing rating window loads it with `#rating`.
    if window().location().hash().is_ok_and(|h| h == "#rating") {
        leptos::mount::mount_to_body(rating::RatingApp);
    } else {
        leptos::mount::mount_to_body(Root);
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

/// The screens reached from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    FrontDesk,
    Feedback,
    Cameras,
    Summary,
    Publicity,
    Settings,
}

impl Screen {
    /// What a role must be allowed to open the screen (the commands check again).
    fn permission(self) -> Permission {
        match self {
            Screen::FrontDesk | Screen::Feedback | Screen::Cameras => Permission::Desk,
            Screen::Summary => Permission::Review,
            Screen::Publicity => Permission::Registry,
            Screen::Settings => Permission::Accounts,
        }
    }
}

/// The sign-in screen until someone signs in; then their screens, until they lock or go idle.
#[component]
fn Root() -> impl IntoView {
    let state = RwSignal::new(None::<SessionState>);
    let load = move || {
        spawn_local(async move {
            match api::session_state().await {
                Ok(s) => state.set(Some(s)),
                Err(e) => leptos::logging::error!("session_state: {e}"),
            }
        })
    };
    load();
    // Only a change of person (or of first start) re-renders the screens, not every identical answer.
    let shown = Memo::new(move |_| state.get().map(|s| (s.first_start, s.signed_in)));
    let signed_out = move || {
        state.update(|s| {
            if let Some(s) = s {
                s.signed_in = None;
                s.first_start = false
            }
        })
    };
    move || {
        match (shown.get(), state.get_untracked()) {
        (Some((_, Some(who))), Some(s)) => view! { <App who=who idle_secs=s.idle_lock_secs on_locked=signed_out /> }.into_any(),
        (Some((_, None)), Some(s)) => view! {
            <account::Gate state=s on_signed_in=move |who| state.update(|s| if let Some(s) = s { s.signed_in = Some(who); s.first_start = false; }) />
        }.into_any(),
        _ => view! { <main class="gate"></main> }.into_any(),
    }
    }
}

#[component]
fn App(who: SignedIn, idle_secs: i64, on_locked: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    account::watch_idle(idle_secs, on_locked);
    let role = who.role;
    let desk = role.may(Permission::Desk);
    let screen = RwSignal::new(if desk { Screen::FrontDesk } else { Screen::Settings });
    let lock = move |_| {
        spawn_local(async move {
            let _ = api::sign_out().await;
            on_locked();
        })
    };
    let visits = RwSignal::new(Vec::<Visit>::new());
    let status = RwSignal::new(None::<SyncStatus>);
    let dossiers = RwSignal::new(Vec::new());
    let refresh_visits = move || {
        if !desk {
            return;
        }
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
                  (Screen::Summary, "tab-summary", t().screen_summary),
                  (Screen::Publicity, "tab-publicity", t().screen_publicity),
                  (Screen::Settings, "tab-settings", t().screen_settings)]
                    .into_iter()
                    .filter(|(target, _, _)| role.may(target.permission()))
                    .map(|(target, id, label)| view! {
                        <button id=id class="tab" class:active=move || screen.get() == target
                            on:click=move |_| screen.set(target)>{label}</button>
                    })
                    .collect_view()}
            </nav>
            <span class="commune">{move || status.get().and_then(|s| s.commune_name).unwrap_or_default()}</span>
            <span class="spacer"></span>
            <SyncBadge status=status on_synced=move || { refresh_visits(); refresh_status(); } />
            <span class="user" id="signed-in-user" title=role.label()>{who.full_name.clone()}</span>
            <button id="lock-screen" on:click=lock>{t().lock_screen}</button>
        </header>
        {desk.then(|| view! {
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
        })}
        {move || match screen.get() {
            Screen::FrontDesk => None,
            Screen::Publicity => Some(view! { <main class="publicity-screen"><publicity::PublicityScreen /></main> }.into_any()),
            Screen::Settings => Some(view! { <main class="settings-screen"><account::AccountsScreen /></main> }.into_any()),
            Screen::Feedback => Some(view! { <main class="feedback-screen"><feedback::FeedbackScreen /></main> }.into_any()),
            Screen::Cameras => Some(view! { <main class="camera-screen"><cameras::CameraScreen role=role /></main> }.into_any()),
            Screen::Summary => Some(view! { <main class="summary-screen"><summary::SummaryScreen role=role /></main> }.into_any()),
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
                .map_or(t().never_synced.to_owned(), |at| format!("{} {}", t().last_sync, show::time(at)));
            let rejected = if s.rejected > 0 { format!(" · {} {}", s.rejected, t().rejected) } else { String::new() };
            format!("{pending} · {last}{rejected}")
        }
    };
    let problem = move || status.get().and_then(|s| s.last_error);
    // A wrong clock is said on the badge itself, with the offset and what to do.
    let clock = move || status.get().and_then(|s| s.clock_warning);
    view! {
        <div class="sync-badge" id="sync-badge" title=problem>
            <span class="pending">{summary}</span>
            <Show when=move || clock().is_some()>
                <span class="clock-warning" id="clock-warning" role="alert">{clock}</span>
            </Show>
            <button on:click=sync_now disabled=busy>
                {move || if busy.get() { t().syncing } else { t().sync_now }}
            </button>
        </div>
    }
}
