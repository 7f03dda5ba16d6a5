//! Thân Thiện's province console (Leptos CSR): sign in, then Tổng quan (every commune's week at a
//! glance, accept or return it) and the audit of the province's acts. Served by the province
//! server from its own binary; it talks to that server's `/v1/console` API only.

mod api;
mod audit;
mod commune;
mod communes;
mod i18n;
mod overview;
mod plan;
mod rankings;
mod reference;
mod releases;
mod week;

use i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use thanthien_core::account::ProvinceRole;
use thanthien_core::province::{ConsoleSession, SignInRequest};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The pages, each with its place in the address (`#tong-quan/2026-W46`, `#xa/26734`, …) so a
/// link or a reload opens the same page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Page {
    Overview,
    Plan,
    Rankings,
    Commune,
    Communes,
    Reference,
    Releases,
    Audit,
}

impl Page {
    const ALL: [Page; 8] = [
        Page::Overview,
        Page::Plan,
        Page::Rankings,
        Page::Commune,
        Page::Communes,
        Page::Reference,
        Page::Releases,
        Page::Audit,
    ];

    pub(crate) fn anchor(self) -> &'static str {
        match self {
            Page::Overview => "#tong-quan",
            Page::Plan => "#ke-hoach",
            Page::Rankings => "#xep-hang",
            Page::Commune => "#xa",
            Page::Communes => "#xa-phuong",
            Page::Reference => "#du-lieu",
            Page::Releases => "#cap-nhat",
            Page::Audit => "#nhat-ky",
        }
    }

    /// The page in the address, and for a commune's page which commune: what decides whether
    /// an address change opens another page (a week step does not).
    fn at_location() -> (Page, Option<String>) {
        let hash = window().location().hash().unwrap_or_default();
        let mut parts = hash.split('/');
        let first = parts.next().unwrap_or_default();
        let page = Page::ALL.into_iter().find(|p| p.anchor() == first).unwrap_or(Page::Overview);
        (page, (page == Page::Commune).then(|| parts.next().unwrap_or_default().to_owned()))
    }
}

/// Local time as people read it: "08:05 23/11/2026".
pub(crate) fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    thanthien_core::time::local_text(at)
}

#[component]
fn App() -> impl IntoView {
    let session = RwSignal::new(None::<ConsoleSession>);
    let checked = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(s) = api::get::<ConsoleSession>("/v1/console/session").await {
            session.set(Some(s));
        }
        checked.set(true);
    });
    move || {
        if !checked.get() {
            return view! { <p class="loading">{t().loading}</p> }.into_any();
        }
        match session.get() {
            None => view! { <SignIn on_signed_in=move |s| session.set(Some(s)) /> }.into_any(),
            Some(s) => view! { <Shell session=s on_signed_out=move || session.set(None) /> }.into_any(),
        }
    }
}

#[component]
fn SignIn(on_signed_in: impl Fn(ConsoleSession) + Copy + Send + Sync + 'static) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let request = SignInRequest { username: username.get_untracked(), password: password.get_untracked() };
        spawn_local(async move {
            // No session yet, so no CSRF token: the sign-in is JSON, which no other site's form can send.
            match api::send::<_, ConsoleSession>(api::post("/v1/console/session"), "", &request).await {
                Ok(Some(s)) => on_signed_in(s),
                Ok(None) => error.set(Some(t().network_error.into())),
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="sign-in">
            <form class="card" on:submit=submit>
                <h1>{t().app_title}</h1>
                <h2>{t().sign_in_title}</h2>
                <label for="username">{t().username}</label>
                <input id="username" autocomplete="username" bind:value=username required />
                <label for="password">{t().password}</label>
                <input id="password" type="password" autocomplete="current-password" bind:value=password required />
                <button id="sign-in" class="primary" type="submit" disabled=move || busy.get()>{t().sign_in}</button>
                {move || error.get().map(|e| view! { <p class="form-error" id="sign-in-error">{e}</p> })}
            </form>
        </main>
    }
}

#[component]
fn Shell(session: ConsoleSession, on_signed_out: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let opened = RwSignal::new(Page::at_location());
    let page = Memo::new(move |_| opened.get().0);
    // A link inside a page (a commune's name) changes the address: follow it.
    let follow = window_event_listener(leptos::ev::hashchange, move |_| {
        let now = Page::at_location();
        if opened.get_untracked() != now {
            opened.set(now);
        }
    });
    on_cleanup(move || follow.remove());
    let go = move |p: Page| {
        let _ = window().location().set_hash(p.anchor());
        opened.set((p, None));
    };
    let csrf = session.csrf.clone();
    let sign_out = move |_| {
        let csrf = csrf.clone();
        spawn_local(async move {
            let _ = api::send::<_, ()>(api::delete("/v1/console/session"), &csrf, &()).await;
            on_signed_out();
        });
    };
    let admin = session.role == ProvinceRole::Admin;
    let tab = move |p: Page, label: &'static str, id: &'static str| {
        view! {
            <a href=p.anchor() id=id class="tab" class:active=move || page.get() == p
               on:click=move |ev| { ev.prevent_default(); go(p) }>{label}</a>
        }
    };
    let session = StoredValue::new(session);
    view! {
        <header>
            <h1>{t().app_title}</h1>
            <nav>
                {tab(Page::Overview, t().nav_overview, "nav-overview")}
                {tab(Page::Plan, t().nav_plan, "nav-plan")}
                {tab(Page::Rankings, t().nav_rankings, "nav-rankings")}
                {tab(Page::Communes, t().nav_communes, "nav-communes")}
                {tab(Page::Reference, t().nav_reference, "nav-reference")}
                {tab(Page::Releases, t().nav_releases, "nav-releases")}
                {tab(Page::Audit, t().nav_audit, "nav-audit")}
            </nav>
            <span class="spacer"></span>
            <span class="who" id="who">
                {session.with_value(|s| format!("{} · {}", s.full_name, s.role.label()))}
            </span>
            <button id="sign-out" class="ghost" on:click=sign_out>{t().sign_out}</button>
        </header>
        {(!admin).then(|| view! { <p class="viewer-note" id="viewer-note">{t().viewer_note}</p> })}
        {move || match opened.get().0 {
            Page::Overview => view! {
                <overview::Overview session=session.get_value() on_signed_out=on_signed_out />
            }.into_any(),
            Page::Plan => view! { <plan::Plan on_signed_out=on_signed_out /> }.into_any(),
            Page::Rankings => view! { <rankings::RankingsPage on_signed_out=on_signed_out /> }.into_any(),
            // Keyed by the address, so another commune's link opens afresh.
            Page::Commune => view! {
                <commune::Commune session=session.get_value() on_signed_out=on_signed_out />
            }.into_any(),
            Page::Communes => view! {
                <communes::Communes session=session.get_value() on_signed_out=on_signed_out />
            }.into_any(),
            Page::Reference => view! {
                <reference::Reference session=session.get_value() on_signed_out=on_signed_out />
            }.into_any(),
            Page::Releases => view! { <releases::Releases on_signed_out=on_signed_out /> }.into_any(),
            Page::Audit => view! { <audit::Audit on_signed_out=on_signed_out /> }.into_any(),
        }}
    }
}
