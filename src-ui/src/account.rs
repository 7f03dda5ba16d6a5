//! Signing in, the first start's admin account, the idle screen lock, and the admin's accounts.

use crate::api;
use crate::i18n::t;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::account::{Account, AccountInput, Role, SignedIn};
use thanthien_core::ipc::{ErrorKind, SessionState};

/// The sign-in screen, or on a PC's first start the form that makes its admin account.
#[component]
pub fn Gate(state: SessionState, on_signed_in: impl Fn(SignedIn) + Copy + 'static) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let first = state.first_start;
    let submit = move |e: ev::SubmitEvent| {
        e.prevent_default();
        busy.set(true);
        spawn_local(async move {
            let result = if first {
                let input = AccountInput {
                    username: username.get_untracked(),
                    full_name: full_name.get_untracked(),
                    role: Role::Admin.wire().into(),
                    password: password.get_untracked(),
                };
                api::create_first_account(&input).await
            } else {
                api::sign_in(&username.get_untracked(), &password.get_untracked()).await
            };
            busy.set(false);
            match result {
                Ok(who) => {
                    password.set(String::new());
                    on_signed_in(who);
                }
                Err(e) => {
                    password.set(String::new());
                    error.set(Some(e.summary()));
                }
            }
        });
    };
    view! {
        <main class="gate">
            <form class="card sign-in" id="sign-in" on:submit=submit>
                <h1>{t().app_name}</h1>
                <h2>{if first { t().first_start_title } else { t().sign_in_title }}</h2>
                {first.then(|| view! {
                    <p class="hint">{t().first_start_hint}</p>
                    <label>{t().full_name}
                        <input id="first-full-name" bind:value=full_name autocomplete="name" />
                    </label>
                })}
                <label>{t().username}
                    <input id="sign-in-username" bind:value=username autocomplete="username" autofocus />
                </label>
                <label>{t().password}
                    <input id="sign-in-password" type="password" bind:value=password
                        autocomplete=if first { "new-password" } else { "current-password" } />
                </label>
                {move || error.get().map(|e| view! { <div class="form-error" id="sign-in-error">{e}</div> })}
                <button id="sign-in-submit" type="submit" class="primary" disabled=busy>
                    {if first { t().create_admin } else { t().sign_in }}
                </button>
            </form>
        </main>
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Locks the screen after the idle time: keyboard and mouse restart the clock (and tell the app,
/// at most once a minute, which enforces the same limit on every command).
pub fn watch_idle(idle_secs: i64, on_locked: impl Fn() + Copy + 'static) {
    let last = StoredValue::new(now_ms());
    let told = StoredValue::new(now_ms());
    let active = move || {
        let now = now_ms();
        last.set_value(now);
        if now - told.get_value() > 60_000 {
            told.set_value(now);
            spawn_local(async move {
                if matches!(api::touch_session().await, Err(e) if e.kind == ErrorKind::SignedOut) {
                    on_locked();
                }
            });
        }
    };
    let handles = [
        window_event_listener(ev::keydown, move |_| active()),
        window_event_listener(ev::pointerdown, move |_| active()),
        window_event_listener(ev::pointermove, move |_| active()),
    ];
    let timer = set_interval_with_handle(
        move || {
            if now_ms() - last.get_value() >= idle_secs * 1000 {
                spawn_local(async move {
                    let _ = api::sign_out().await;
                    on_locked();
                });
            }
        },
        Duration::from_secs(5),
    )
    .ok();
    on_cleanup(move || {
        for handle in handles {
            handle.remove();
        }
        if let Some(timer) = timer {
            timer.clear();
        }
    });
}

/// Cài đặt (admin): this PC's accounts, a new one, a password reset (which also unlocks).
#[component]
pub fn AccountsScreen() -> impl IntoView {
    let accounts = RwSignal::new(Vec::<Account>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let refresh = move || {
        spawn_local(async move {
            match api::list_accounts().await {
                Ok(list) => accounts.set(list),
                Err(e) => error.set(Some(e.summary())),
            }
        })
    };
    refresh();
    let username = RwSignal::new(String::new());
    let full_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Receptionist.wire().to_owned());
    let password = RwSignal::new(String::new());
    let add = move |e: ev::SubmitEvent| {
        e.prevent_default();
        let input = AccountInput {
            username: username.get_untracked(),
            full_name: full_name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        spawn_local(async move {
            match api::create_account(&input).await {
                Ok(_) => {
                    error.set(None);
                    notice.set(Some(t().saved.into()));
                    username.set(String::new());
                    full_name.set(String::new());
                    password.set(String::new());
                    refresh();
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    let reset = move |name: String, new_password: RwSignal<String>| {
        spawn_local(async move {
            match api::reset_password(&name, &new_password.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    new_password.set(String::new());
                    notice.set(Some(t().saved.into()));
                    refresh();
                }
                Err(e) => error.set(Some(e.summary())),
            }
        });
    };
    view! {
        <section class="card accounts">
            <h2>{t().accounts_title}</h2>
            <table id="account-list" class="report">
                <thead><tr><th>{t().username}</th><th>{t().full_name}</th><th>{t().role}</th><th></th><th>{t().new_password}</th></tr></thead>
                <tbody>
                    <For each=move || accounts.get() key=|a| (a.username.clone(), a.locked_until) let:a>
                        {
                            let new_password = RwSignal::new(String::new());
                            let name = a.username.to_string();
                            let state = match (a.active, a.locked_until) {
                                (false, _) => t().inactive.to_owned(),
                                (true, Some(until)) => format!("{} {}", t().locked_until, crate::show::time(until)),
                                (true, None) => String::new(),
                            };
                            view! {
                                <tr>
                                    <td>{name.clone()}</td>
                                    <td>{a.full_name.clone()}</td>
                                    <td>{a.role.label()}</td>
                                    <td>{state}</td>
                                    <td>
                                        <input type="password" bind:value=new_password autocomplete="new-password" />
                                        <button on:click=move |_| reset(name.clone(), new_password)>{t().reset_password}</button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <form class="row" id="account-form" on:submit=add>
                <label>{t().username}<input id="account-username" bind:value=username /></label>
                <label>{t().full_name}<input id="account-full-name" bind:value=full_name /></label>
                <label>{t().role}
                    <select id="account-role" on:change=move |e| role.set(event_target_value(&e))>
                        {Role::ALL.iter().map(|r| view! {
                            <option value=r.wire() prop:selected=move || role.get() == r.wire()>{r.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t().password}<input id="account-password" type="password" bind:value=password autocomplete="new-password" /></label>
                <button type="submit" class="primary" id="account-add">{t().add_account}</button>
            </form>
            {move || error.get().map(|e| view! { <div class="form-error">{e}</div> })}
            {move || notice.get().map(|n| view! { <div class="notice">{n}</div> })}
        </section>
    }
}
