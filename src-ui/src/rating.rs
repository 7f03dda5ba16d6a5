//! The citizen rating window ("nụ cười công sở"): five large faces, reasons for the two lowest,
//! then "Cảm ơn" and back to idle by itself. It can only read its request and submit the rating.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;
use thanthien_core::ipc::RatingRequest;
use thanthien_core::visit::RatingReason;

/// A face drawn in SVG (emoji fonts are missing on many office PCs): the mouth bends from a deep
/// frown at level 1 to a broad smile at level 5.
fn face(level: u8) -> impl IntoView {
    let bend = (i32::from(level) - 3) * 9; // -18 … +18
    let colour = ["#c0392b", "#e67e22", "#f1c40f", "#7dbb42", "#27ae60"][usize::from(level.clamp(1, 5) - 1)];
    let mouth = format!("M 30 {y} Q 50 {c} 70 {y}", y = 66 - bend / 3, c = 66 + bend);
    view! {
        <svg class="face-svg" viewBox="0 0 100 100" aria-hidden="true">
            <circle cx="50" cy="50" r="44" fill=colour />
            <circle cx="35" cy="40" r="6" fill="#1f2328" />
            <circle cx="65" cy="40" r="6" fill="#1f2328" />
            <path d=mouth stroke="#1f2328" stroke-width="6" fill="none" stroke-linecap="round" />
        </svg>
    }
}
/// How long "Cảm ơn" stays before the window returns to idle.
const THANKS_FOR: Duration = Duration::from_secs(4);

#[derive(Clone, PartialEq)]
enum Screen {
    Idle,
    Asking(RatingRequest),
    Thanks,
}

#[component]
pub fn RatingApp() -> impl IntoView {
    let screen = RwSignal::new(Screen::Idle);
    let low_level = RwSignal::new(None::<u8>);
    let chosen = RwSignal::new(Vec::<RatingReason>::new());
    let error = RwSignal::new(None::<String>);
    // The app announces the desk's request; the window then reads it (all it may call besides
    // submitting), and once at start for a request made before it opened.
    let live = crate::live::Live::start();
    let asked = LocalResource::new(move || {
        live.rating();
        api::rating_request()
    });
    Effect::new(move |_| {
        let Some(Ok(request)) = asked.get() else { return };
        // The thanks screen stays until its own timer ends, which then reads the request again.
        if screen.get_untracked() == Screen::Thanks {
            return;
        }
        let next = request.map_or(Screen::Idle, Screen::Asking);
        if screen.get_untracked() != next {
            low_level.set(None);
            chosen.set(Vec::new());
            screen.set(next);
        }
    });
    let send = move |level: u8, reasons: Vec<RatingReason>| {
        spawn_local(async move {
            match api::submit_rating(level, &reasons).await {
                Ok(()) => {
                    error.set(None);
                    screen.set(Screen::Thanks);
                    set_timeout(
                        move || {
                            screen.set(Screen::Idle);
                            asked.refetch();
                        },
                        THANKS_FOR,
                    );
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let pick = move |level: u8| {
        if level <= 2 {
            low_level.set(Some(level));
        } else {
            send(level, Vec::new());
        }
    };
    view! {
        <div class="rating-screen">
            {move || match screen.get() {
                Screen::Idle => view! { <p id="rating-idle" class="rating-big">{t().rating_idle}</p> }.into_any(),
                Screen::Thanks => view! { <p id="rating-thanks" class="rating-big">{t().rating_thanks}</p> }.into_any(),
                Screen::Asking(request) => view! {
                    <h1>{t().rating_question}</h1>
                    {request.official.map(|o| view! { <p class="muted">{t().rating_question_served_by}" "{o}</p> })}
                    <div class="faces">
                        {(1..=5u8).rev().map(|level| view! {
                            <button id=format!("rate-{level}") class="face" type="button"
                                class:chosen=move || low_level.get() == Some(level)
                                on:click=move |_| pick(level)>
                                {face(level)}
                                <span>{t().levels[usize::from(level - 1)]}</span>
                            </button>
                        }).collect_view()}
                    </div>
                    <Show when=move || low_level.get().is_some()>
                        <p>{t().rating_reasons}</p>
                        <div class="chips">
                            {RatingReason::ALL.iter().enumerate().map(|(i, reason)| {
                                let reason = *reason;
                                view! {
                                    <button id=format!("reason-{i}") class="chip" type="button"
                                        class:chosen=move || chosen.with(|c| c.contains(&reason))
                                        on:click=move |_| chosen.update(|c| if let Some(p) = c.iter().position(|r| *r == reason) { c.remove(p); } else { c.push(reason); })>
                                        {reason.label()}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <button id="rate-send" class="primary" type="button"
                            on:click=move |_| if let Some(level) = low_level.get_untracked() { send(level, chosen.get_untracked()) }>
                            {t().rating_send}
                        </button>
                    </Show>
                }.into_any(),
            }}
            {move || error.get().map(|m| view! { <p class="form-error">{m}</p> })}
        </div>
    }
}
