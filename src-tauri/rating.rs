//! The citizen rating window's counterpart ("nụ cười công sở"): the desk asks for a rating of the
//! visit it just finished; the rating window can only answer that one request.

use crate::store::{Store, StoreError};
use chrono::Utc;
use std::sync::Mutex;
use thanthien_core::ipc::RatingRequest;
use thanthien_core::visit::{InputError, RatingReason, Visit};
use uuid::Uuid;

/// At most one pending request: the monitor faces one citizen at a time. The request keeps the
/// store of the receptionist who asked, so the citizen's rating is recorded under that account
/// even if the desk's screen locks meanwhile.
#[derive(Default)]
pub struct RatingDesk {
    pending: Mutex<Option<(RatingRequest, Store)>>,
}

impl RatingDesk {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(RatingRequest, Store)>> {
        // A panic while holding this lock cannot leave the Option half-written: take it as is.
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The desk asks the citizen to rate visit `id` (finished, not rated yet); replaces any
    /// earlier unanswered request.
    pub async fn request(&self, store: &Store, id: Uuid) -> Result<RatingRequest, StoreError> {
        let visit = store.rateable_visit(id).await?;
        let request = RatingRequest { visit_id: visit.id, official: visit.official, requested_at: Utc::now() };
        *self.slot() = Some((request.clone(), store.clone()));
        Ok(request)
    }

    pub fn current(&self) -> Option<RatingRequest> {
        self.slot().as_ref().map(|(request, _)| request.clone())
    }

    pub fn cancel(&self) {
        *self.slot() = None;
    }

    /// The citizen's answer, for the pending request only. The request stays pending if the
    /// rating is refused (e.g. reasons with a high level), so the citizen can try again.
    pub async fn submit(&self, level: u8, reasons: Vec<RatingReason>) -> Result<Visit, StoreError> {
        let Some((request, store)) = self.slot().clone() else {
            return Err(StoreError::Invalid(vec![InputError::NoRatingRequested]));
        };
        let visit = store.rate_visit(request.visit_id, level, reasons, Utc::now()).await?;
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|(r, _)| r.visit_id == request.visit_id) {
            *slot = None;
        }
        Ok(visit)
    }
}

/// The citizen's window on screen, made only when it is needed: on a PC with a second monitor it
/// opens there at start, on the monitor it was last left on if that one is still plugged in; on a
/// PC with one monitor it is made when the desk asks for a rating, steps back once the thanks have
/// been read, and is closed after a minute at rest, so an idle desk runs one web process, not two.
pub mod window {
    use crate::store::Store;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tauri::{AppHandle, Manager, Monitor, PhysicalPosition, WebviewUrl, WebviewWindow, WindowEvent};

    /// The window's label (its capability in tauri.conf.json names it).
    pub const LABEL: &str = "rating";
    const TITLE: &str = "Đánh giá mức độ hài lòng";
    /// How long the thanks stay up on a single monitor before the desk's window is back.
    const THANKS: Duration = Duration::from_secs(4);
    /// How long a stepped-back window is kept for the next citizen before it is closed.
    const AT_REST: Duration = Duration::from_secs(60);

    /// A monitor other than the desk's, if the PC has one: the remembered one first.
    fn own_monitor(desk: &WebviewWindow, remembered: Option<&str>) -> Option<Monitor> {
        let monitors = desk.available_monitors().ok()?;
        if monitors.len() < 2 {
            return None;
        }
        let desks = desk.current_monitor().ok().flatten().or_else(|| desk.primary_monitor().ok().flatten());
        let is_desks = |m: &Monitor| desks.as_ref().is_some_and(|d| d.position() == m.position());
        let others: Vec<Monitor> = monitors.into_iter().filter(|m| !is_desks(m)).collect();
        others
            .iter()
            .find(|m| remembered.is_some_and(|name| m.name().map(String::as_str) == Some(name)))
            .or_else(|| others.first())
            .cloned()
    }

    /// At start: on its own monitor when the PC has a second one; otherwise not made yet.
    pub async fn place(app: AppHandle, store: Store) {
        let Some(desk) = app.get_webview_window("main") else { return };
        let remembered = remembered(&store).await;
        if own_monitor(&desk, remembered.as_deref()).is_some() {
            show(&app, &store).await;
        } else {
            tracing::info!("one monitor: the rating window opens when the desk asks for a rating");
        }
    }

    async fn remembered(store: &Store) -> Option<String> {
        store.rating_monitor().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the rating window's monitor was not read");
            None
        })
    }

    /// The desk asks for a rating (or opens the window itself): it is made if it is not there,
    /// on its own monitor when there is one, and comes up in front.
    pub async fn show(app: &AppHandle, store: &Store) {
        let Some(desk) = app.get_webview_window("main") else { return };
        let rating = match app.get_webview_window(LABEL) {
            Some(rating) => rating,
            None => match make(app, store) {
                Ok(rating) => {
                    if let Some(monitor) = own_monitor(&desk, remembered(store).await.as_deref()) {
                        let at = *monitor.position();
                        let placed =
                            rating.set_position(PhysicalPosition::new(at.x, at.y)).and_then(|()| rating.maximize());
                        if let Err(e) = placed {
                            tracing::warn!(error = %e, "the rating window could not be placed");
                        }
                        tracing::info!(monitor = ?monitor.name(), "the rating window opens on its own monitor");
                    }
                    rating
                }
                Err(e) => {
                    tracing::error!(error = %e, "the rating window could not be made");
                    return;
                }
            },
        };
        if let Err(e) = rating.show().and_then(|()| rating.set_focus()) {
            tracing::warn!(error = %e, "the rating window could not be shown");
        }
    }

    fn make(app: &AppHandle, store: &Store) -> tauri::Result<WebviewWindow> {
        let rating = tauri::WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html#rating".into()))
            .title(TITLE)
            .inner_size(1000.0, 640.0)
            .min_inner_size(640.0, 480.0)
            .visible(false)
            .build()?;
        remember_moves(&rating, store.clone());
        Ok(rating)
    }

    /// Each move, once the window rests for a second, records the monitor it is on.
    fn remember_moves(rating: &WebviewWindow, store: Store) {
        let moves = Arc::new(AtomicU64::new(0));
        let window = rating.clone();
        rating.on_window_event(move |event| {
            if let WindowEvent::Moved(_) = event {
                let this = moves.fetch_add(1, Ordering::SeqCst) + 1;
                let (moves, window, store) = (moves.clone(), window.clone(), store.clone());
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if moves.load(Ordering::SeqCst) != this {
                        return;
                    }
                    let name = window.current_monitor().ok().flatten().and_then(|m| m.name().cloned());
                    if let Some(name) = name {
                        if let Err(e) = store.set_rating_monitor(&name).await {
                            tracing::warn!(error = %e, "the rating window's monitor was not saved");
                        }
                    }
                });
            }
        });
    }

    /// After the citizen's answer: on a single monitor the window steps back once the thanks
    /// have been read, and is closed after a minute at rest, unless the desk asked again.
    pub fn step_back(app: AppHandle) {
        let (Some(main), Some(rating)) = (app.get_webview_window("main"), app.get_webview_window(LABEL)) else {
            return;
        };
        if own_monitor(&main, None).is_some() {
            return;
        }
        let asked = |app: &AppHandle| app.state::<crate::commands::Office>().rating.current().is_some();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(THANKS).await;
            if asked(&app) {
                return;
            }
            if let Err(e) = rating.hide() {
                tracing::warn!(error = %e, "the rating window could not step back");
            }
            tokio::time::sleep(AT_REST).await;
            if !asked(&app) && !rating.is_visible().unwrap_or(true) {
                if let Err(e) = rating.destroy() {
                    tracing::warn!(error = %e, "the rating window could not be closed");
                }
            }
        });
    }
}
