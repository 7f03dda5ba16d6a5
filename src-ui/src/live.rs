//! What changed behind the screens, as the app announces it (the Tauri event `CHANGED_EVENT`),
//! and loading through resources that follow it: a screen reloads when something it shows may
//! have changed (a sync round pulled events, letters came, a rating, a shift's end, its own
//! writes), never on a timer; a failed load says so on the screen, in Vietnamese.

use crate::i18n::t;
use leptos::prelude::*;
use std::future::Future;
use thanthien_core::ipc::{Changed, CommandError, CHANGED_EVENT};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `app.withGlobalTauri` puts Tauri's event API on window.__TAURI__.event.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "event"], js_name = listen)]
    fn tauri_listen(event: &str, handler: &Closure<dyn FnMut(JsValue)>) -> Result<JsValue, JsValue>;
}

/// Counters the loads track: each change the app announces, or a write of this window, moves them.
#[derive(Clone, Copy)]
pub struct Live {
    /// The commune's registers: visits, dossiers, feedback, cameras, the directory.
    registers: RwSignal<u64>,
    /// The sync badge: any round's end, and this window's own writes (the outbox grew).
    sync: RwSignal<u64>,
    /// The citizen's window: the desk asked for a rating.
    rating: RwSignal<u64>,
}

impl Live {
    /// Starts hearing the app's announcements for this window's life and shares them with its screens.
    pub fn start() -> Live {
        let live = Live { registers: RwSignal::new(0), sync: RwSignal::new(0), rating: RwSignal::new(0) };
        provide_context(live);
        let handler = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let payload = js_sys_payload(&event);
            match serde_wasm_bindgen::from_value::<Changed>(payload) {
                Ok(change) => live.heard(change),
                Err(e) => leptos::logging::warn!("an announcement that does not read: {e}"),
            }
        });
        if let Err(e) = tauri_listen(CHANGED_EVENT, &handler) {
            leptos::logging::error!("cannot hear the app's announcements: {e:?}");
        }
        // The window hears announcements as long as it is open.
        handler.forget();
        live
    }

    fn heard(self, change: Changed) {
        if change == Changed::RatingRequested {
            self.rating.update(|n| *n += 1);
            return;
        }
        self.sync.update(|n| *n += 1);
        if change.registers() {
            self.registers.update(|n| *n += 1);
        }
    }

    /// This window wrote something: what shows it reloads, and the badge counts it.
    pub fn wrote(self) {
        self.registers.update(|n| *n += 1);
        self.sync.update(|n| *n += 1);
    }

    /// Tracks the registers in a resource's fetcher.
    pub fn registers(self) {
        self.registers.track();
    }

    pub fn sync(self) {
        self.sync.track();
    }

    pub fn rating(self) {
        self.rating.track();
    }
}

/// The screens' shared `Live` (started by the window's root).
pub fn live() -> Live {
    expect_context::<Live>()
}

fn js_sys_payload(event: &JsValue) -> JsValue {
    web_sys::js_sys::Reflect::get(event, &JsValue::from_str("payload")).unwrap_or(JsValue::NULL)
}

/// A load that reruns when the registers change.
pub fn registers_resource<T, Fut>(load: impl Fn() -> Fut + 'static) -> LocalResource<Result<T, CommandError>>
where
    T: 'static,
    Fut: Future<Output = Result<T, CommandError>> + 'static,
{
    let live = live();
    LocalResource::new(move || {
        live.registers();
        load()
    })
}

/// The loaded value, or the default while loading and after a failure (which `LoadProblem` shows).
pub fn loaded<T: Clone + Default + Send + Sync + 'static>(
    resource: LocalResource<Result<T, CommandError>>,
) -> Signal<T> {
    Signal::derive(move || resource.get().and_then(Result::ok).unwrap_or_default())
}

/// Says on the screen, in Vietnamese, that a load failed (and nothing while it is fine); the
/// lists beside it keep what they last showed.
#[component]
pub fn LoadProblem<T: Clone + 'static>(
    resource: LocalResource<Result<T, CommandError>>,
    what: &'static str,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            <ErrorBoundary fallback=move |errors| view! {
                <div class="form-error load-problem" role="alert">
                    {format!("{} {what}: ", t().load_failed)}
                    {move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join(" ")}
                </div>
            }>
                {move || Suspend::new(async move { resource.await.map(|_| ()) })}
            </ErrorBoundary>
        </Transition>
    }
}
