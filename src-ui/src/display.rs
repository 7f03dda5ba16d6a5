//! The waiting room's call display (màn hình gọi số): the ticket at each counter in large type,
//! the last calls and how many wait. A new call shows the moment the app announces it (a call of
//! this PC) or a sync round brings it (another PC's), with a chime and, where the system has a
//! Vietnamese voice, spoken ("Mời số A, 7, đến quầy số 3"). It reads the board and nothing else.

use crate::api;
use crate::i18n::t;
use leptos::prelude::*;
use thanthien_core::call::Call;
use wasm_bindgen::JsCast;
use web_sys::{AudioContext, OscillatorType, SpeechSynthesisUtterance, SpeechSynthesisVoice};

/// A voice of the system that speaks Vietnamese, if there is one.
pub fn vietnamese_voice() -> Option<SpeechSynthesisVoice> {
    let speech = window().speech_synthesis().ok()?;
    speech
        .get_voices()
        .iter()
        .filter_map(|v| v.dyn_into::<SpeechSynthesisVoice>().ok())
        .find(|v| v.lang().to_ascii_lowercase().starts_with("vi"))
}

/// Two soft tones, as a bell before the call. A PC without sound just stays silent.
fn chime() {
    let ring = || -> Result<(), wasm_bindgen::JsValue> {
        let audio = AudioContext::new()?;
        let start = audio.current_time();
        for (i, pitch) in [880.0, 660.0].into_iter().enumerate() {
            let tone = audio.create_oscillator()?;
            tone.set_type(OscillatorType::Sine);
            tone.frequency().set_value(pitch);
            let volume = audio.create_gain()?;
            let at = start + 0.45 * i as f64;
            volume.gain().set_value_at_time(0.0, at)?;
            volume.gain().linear_ramp_to_value_at_time(0.4, at + 0.03)?;
            volume.gain().linear_ramp_to_value_at_time(0.0, at + 0.42)?;
            tone.connect_with_audio_node(&volume)?;
            volume.connect_with_audio_node(&audio.destination())?;
            tone.start_with_when(at)?;
            tone.stop_with_when(at + 0.45)?;
        }
        Ok(())
    };
    if let Err(e) = ring() {
        leptos::logging::warn!("no chime: {e:?}");
    }
}

/// Says the call in Vietnamese after the chime, when a Vietnamese voice is installed.
fn speak(call: &Call) {
    let (Some(voice), Ok(speech)) = (vietnamese_voice(), window().speech_synthesis()) else { return };
    let Ok(words) = SpeechSynthesisUtterance::new_with_text(&call.spoken()) else { return };
    words.set_voice(Some(&voice));
    words.set_lang("vi-VN");
    words.set_rate(0.9);
    set_timeout(move || speech.speak(&words), std::time::Duration::from_millis(900));
}

#[component]
pub fn CallDisplay() -> impl IntoView {
    crate::live::Live::start();
    let board_loaded = crate::live::registers_resource(api::call_board);
    let board = crate::live::loaded(board_loaded);
    // The newest call this window has announced; the first load only sets it, so opening the
    // display does not ring for a call made before.
    let announced = StoredValue::new(None::<Option<Call>>);
    Effect::new(move |_| {
        let Some(Ok(now)) = board_loaded.get() else { return };
        let latest = now.latest().cloned();
        let before = announced.get_value();
        announced.set_value(Some(latest.clone()));
        let is_new = match (before, &latest) {
            (Some(before), Some(call)) => before.as_ref().is_none_or(|b| b.called_at < call.called_at),
            _ => false,
        };
        if let (true, Some(call)) = (is_new, latest) {
            chime();
            speak(&call);
        }
    });
    view! {
        <div class="call-display" id="call-display">
            <crate::live::LoadProblem resource=board_loaded what=t().show_display />
            <section class="call-latest">
                {move || board.get().latest().cloned().map_or_else(
                    || view! { <p class="call-idle" id="call-idle">{t().display_idle}</p> }.into_any(),
                    |c| view! {
                        // When it was called and when this window drew it: the E2E reads the delay.
                        <p class="call-now" id="call-now" data-called-at=c.called_at.timestamp_millis().to_string()
                            data-shown-at=(web_sys::js_sys::Date::now() as i64).to_string()>
                            <span class="call-ticket">{c.ticket.clone()}</span>
                            <span class="call-to">"→ "{t().display_counter}" "{c.counter}</span>
                        </p>
                        <p class="call-words">{c.text()}</p>
                    }.into_any(),
                )}
            </section>
            <section class="call-counters">
                <table id="call-serving">
                    <tbody>
                        <For each=move || board.get().serving key=|c| (c.counter, c.ticket.clone()) let:c>
                            <tr data-counter=c.counter.to_string()>
                                <td class="call-counter">{t().display_counter}" "{c.counter}</td>
                                <td class="call-ticket">{c.ticket.clone()}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <div class="call-side">
                    <p class="call-waiting">{t().display_waiting}": "<strong id="call-waiting">{move || board.get().waiting}</strong></p>
                    <h2>{t().display_recent}</h2>
                    <ul id="call-recent">
                        {move || board.get().recent.into_iter().skip(1).map(|c| view! {
                            <li>{c.ticket.clone()}" → "{t().display_counter}" "{c.counter}</li>
                        }).collect_view()}
                    </ul>
                </div>
            </section>
        </div>
    }
}
