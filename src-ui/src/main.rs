//! Thân Thiện desk UI (Leptos CSR): the Tiếp dân screen (arrivals, the desk, the queue, dossiers
//! at risk with their apology slips), the Góp ý – Phản ánh and Camera registers, Cài đặt, the
//! first-start wizard and the sync badge, in a side bar layout made for 1366×768 office screens.

mod account;
mod api;
mod cameras;
mod display;
mod dossiers;
mod feedback;
mod front_desk;
mod i18n;
mod live;
mod persons;
mod publicity;
mod rating;
mod reception;
mod settings;
mod show;
mod slips;
mod summary;

use chrono::Utc;
use i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::account::{Permission, SignedIn};
use thanthien_core::ipc::{SessionState, SyncStatus};

fn main() {
    console_error_panic_hook::set_once();
    // One bundle, three windows: the citizen-facing rating window loads it with `#rating`, the
    // waiting room's call display with `#display`.
    match window().location().hash().unwrap_or_default().as_str() {
        "#rating" => leptos::mount::mount_to_body(rating::RatingApp),
        "#display" => leptos::mount::mount_to_body(display::CallDisplay),
        _ => leptos::mount::mount_to_body(Root),
    }
}

/// The screens reached from the side bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    FrontDesk,
    Feedback,
    Cameras,
    Summary,
    Publicity,
    Persons,
    Settings,
}

impl Screen {
    /// What a role must be allowed to open the screen (the commands check again).
    fn permission(self) -> Permission {
        match self {
            Screen::FrontDesk | Screen::Feedback | Screen::Cameras => Permission::Desk,
            Screen::Summary => Permission::Review,
            Screen::Publicity => Permission::Registry,
            Screen::Settings => Permission::Registry,
            Screen::Persons => Permission::PersonalData,
        }
    }

    /// The side bar's label.
    fn label(self) -> &'static str {
        match self {
            Screen::FrontDesk => t().screen_front_desk,
            Screen::Feedback => t().screen_feedback,
            Screen::Cameras => t().screen_cameras,
            Screen::Summary => t().screen_summary,
            Screen::Publicity => t().screen_publicity,
            Screen::Settings => t().screen_settings,
            Screen::Persons => t().screen_persons,
        }
    }

    /// The one line under the screen's name that says what it is for.
    fn hint(self) -> &'static str {
        match self {
            Screen::FrontDesk => t().hint_front_desk,
            Screen::Feedback => t().hint_feedback,
            Screen::Cameras => t().hint_cameras,
            Screen::Summary => t().hint_summary,
            Screen::Publicity => t().hint_publicity,
            Screen::Settings => t().hint_settings,
            Screen::Persons => t().hint_persons,
        }
    }

    /// The element id tests and shortcuts find its side bar entry by.
    fn tab_id(self) -> &'static str {
        match self {
            Screen::FrontDesk => "tab-front-desk",
            Screen::Feedback => "tab-feedback",
            Screen::Cameras => "tab-cameras",
            Screen::Summary => "tab-summary",
            Screen::Publicity => "tab-publicity",
            Screen::Settings => "tab-settings",
            Screen::Persons => "tab-persons",
        }
    }

    /// A small drawn icon beside the label (no icon font: office PCs lack them).
    fn icon(self) -> &'static str {
        match self {
            Screen::FrontDesk => "M4 20v-2a6 6 0 0 1 12 0v2M10 10a4 4 0 1 0 0-8 4 4 0 0 0 0 8",
            Screen::Feedback => "M3 4h18v12H8l-5 4z",
            Screen::Cameras => "M3 7h12v10H3zM15 10l6-3v10l-6-3",
            Screen::Summary => "M4 20V10M10 20V4M16 20v-7M2 20h20",
            Screen::Publicity => "M4 3h16v18H4zM8 8h8M8 12h8M8 16h5",
            Screen::Settings => "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3",
            Screen::Persons => "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM9 12l2 2 4-4",
        }
    }

    const ALL: [Screen; 7] = [
        Screen::FrontDesk,
        Screen::Feedback,
        Screen::Cameras,
        Screen::Summary,
        Screen::Publicity,
        Screen::Persons,
        Screen::Settings,
    ];
}

/// The sign-in screen until someone signs in; the first-start wizard for the admin who just made
/// the PC's first account; then their screens, until they lock or go idle.
#[component]
fn Root() -> impl IntoView {
    live::Live::start();
    let state = RwSignal::new(None::<SessionState>);
    let problem = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::session_state().await {
            Ok(s) => state.set(Some(s)),
            Err(e) => problem.set(Some(e.summary())),
        }
    });
    // Only a change of person, of first start or of the wizard re-renders the screens.
    let shown = Memo::new(move |_| state.get().map(|s| (s.first_start, s.signed_in, s.setup_pending)));
    let signed_out = move || {
        state.update(|s| {
            if let Some(s) = s {
                s.signed_in = None;
                s.first_start = false
            }
        })
    };
    let set_up = move || {
        state.update(|s| {
            if let Some(s) = s {
                s.setup_pending = false
            }
        })
    };
    move || {
        match (shown.get(), state.get_untracked()) {
        (Some((_, Some(who), true)), _) if who.role.may(Permission::Accounts) => {
            view! { <settings::Wizard on_done=set_up /> }.into_any()
        }
        (Some((_, Some(who), _)), Some(s)) => {
            view! { <App who=who idle_secs=s.idle_lock_secs on_locked=signed_out /> }.into_any()
        }
        (Some((first, None, _)), Some(s)) => view! {
            <account::Gate state=s on_signed_in=move |who| state.update(|s| if let Some(s) = s {
                s.signed_in = Some(who);
                // The first account starts the wizard.
                s.setup_pending |= first;
                s.first_start = false;
            }) />
        }
        .into_any(),
        _ => view! {
            <main class="gate">{move || problem.get().map(|p| view! { <div class="form-error" role="alert">{p}</div> })}</main>
        }
        .into_any(),
    }
    }
}

#[component]
fn App(who: SignedIn, idle_secs: i64, on_locked: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    account::watch_idle(idle_secs, on_locked);
    let live = live::live();
    let role = who.role;
    let desk = role.may(Permission::Desk);
    let screen = RwSignal::new(if desk { Screen::FrontDesk } else { Screen::Settings });
    let lock = move |_| {
        spawn_local(async move {
            let _ = api::sign_out().await;
            on_locked();
        })
    };
    // Today's visits and the dossiers at risk: reloaded when the registers may have changed.
    let visits_loaded = live::registers_resource(move || async move {
        if desk {
            api::list_today_visits().await
        } else {
            Ok(Vec::new())
        }
    });
    let dossiers_loaded = live::registers_resource(move || async move {
        if desk {
            api::dossiers_at_risk().await
        } else {
            Ok(Vec::new())
        }
    });
    let visits = live::loaded(visits_loaded);
    let dossiers = live::loaded(dossiers_loaded);
    let status_loaded = LocalResource::new(move || {
        live.sync();
        api::sync_status()
    });
    let status = Signal::derive(move || status_loaded.get().and_then(Result::ok));
    let office = Signal::derive(move || status.get().and_then(|s| s.commune_name));
    // The live waiting times: the clock moves the minutes shown, it loads nothing.
    let now = RwSignal::new(Utc::now());
    let clock = set_interval_with_handle(move || now.set(Utc::now()), Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(clock) = clock {
            clock.clear();
        }
    });
    let wrote = move || live.wrote();

    view! {
        <div class="shell">
            <aside class="sidebar">
                <div class="brand">{t().app_name}</div>
                <div class="commune" id="office-name">{move || office.get().unwrap_or_default()}</div>
                <nav>
                    {Screen::ALL
                        .into_iter()
                        .filter(|target| role.may(target.permission()))
                        .map(|target| view! {
                            <button id=target.tab_id() class="tab" class:active=move || screen.get() == target
                                title=target.hint() on:click=move |_| screen.set(target)>
                                <svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d=target.icon() /></svg>
                                <span>{target.label()}</span>
                            </button>
                        })
                        .collect_view()}
                </nav>
            </aside>
            <div class="workspace">
                <header>
                    <div class="where">
                        <h1 id="screen-title">{move || screen.get().label()}</h1>
                        <p class="screen-hint" id="screen-hint" title=move || screen.get().hint()>{move || screen.get().hint()}</p>
                    </div>
                    <SyncBadge status=status on_synced=wrote />
                    <span class="user" id="signed-in-user" title=role.label()>{who.full_name.clone()}</span>
                    <button id="lock-screen" on:click=lock>{t().lock_screen}</button>
                </header>
                <UpdateBanner />
                {desk.then(|| view! {
                <main class="front-desk" class:hidden=move || screen.get() != Screen::FrontDesk>
                    <div class="column">
                        <front_desk::VisitForm office=office visits=visits on_saved=move |_| wrote() />
                        <front_desk::DeskPanel visits=visits on_changed=wrote />
                    </div>
                    <div class="column">
                        <live::LoadProblem resource=visits_loaded what=t().screen_front_desk />
                        <live::LoadProblem resource=dossiers_loaded what=t().screen_front_desk />
                        <dossiers::DossiersAtRisk dossiers=dossiers on_changed=wrote />
                        <front_desk::Queue visits=visits now=now on_changed=wrote />
                    </div>
                </main>
                })}
                {move || match screen.get() {
                    Screen::FrontDesk => None,
                    Screen::Publicity => Some(view! { <main class="publicity-screen"><publicity::PublicityScreen /></main> }.into_any()),
                    Screen::Settings => Some(view! { <main class="settings-screen"><settings::SettingsScreen role=role /></main> }.into_any()),
                    Screen::Persons => Some(view! { <main class="settings-screen"><persons::PersonsScreen /></main> }.into_any()),
                    Screen::Feedback => Some(view! { <main class="feedback-screen"><feedback::FeedbackScreen may_schedule=role.may(Permission::Registry) /></main> }.into_any()),
                    Screen::Cameras => Some(view! { <main class="camera-screen"><cameras::CameraScreen role=role /></main> }.into_any()),
                    Screen::Summary => Some(view! { <main class="summary-screen"><summary::SummaryScreen role=role /></main> }.into_any()),
                }}
            </div>
        </div>
    }
}

/// "Có bản cập nhật" with the province's notes, once a sync round found a newer release; the admin
/// installs it from here (the app then restarts on the new version), anyone else is told to ask.
#[component]
fn UpdateBanner() -> impl IntoView {
    let live = live::live();
    let status = LocalResource::new(move || {
        live.sync();
        api::update_status()
    });
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let install = move |_| {
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            // On success the app quits for the new version; only a refusal comes back.
            if let Err(e) = api::install_update().await {
                problem.set(Some(e.message));
                busy.set(false);
            }
        });
    };
    move || {
        let s = status.get().and_then(Result::ok)?;
        let offer = s.offer?;
        Some(view! {
            <section class="update-banner" id="update-banner" role="status">
                <strong>{format!("{} {}", t().update_available, offer.version)}</strong>
                <span class="running">{format!(" ({} {})", t().update_running, s.running)}</span>
                <p class="notes" id="update-notes">{offer.notes}</p>
                {if s.can_install {
                    view! {
                        <button id="install-update" on:click=install disabled=busy>
                            {move || if busy.get() { t().update_installing } else { t().update_install }}
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <span class="ask-admin">{t().update_ask_admin}</span> }.into_any()
                }}
                <Show when=move || problem.get().is_some()>
                    <p class="form-error" role="alert" id="update-problem">{move || problem.get()}</p>
                </Show>
            </section>
        })
    }
}

#[component]
fn SyncBadge(status: Signal<Option<SyncStatus>>, on_synced: impl Fn() + Copy + 'static) -> impl IntoView {
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
