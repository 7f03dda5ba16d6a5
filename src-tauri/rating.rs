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

/// The citizen's window on screen. On a PC with a second monitor it opens there at start, on the
/// monitor it was last left on if that one is still plugged in; on a PC with one monitor it stays
/// hidden until the desk asks for a rating, so the office never starts on "Xin cảm ơn" over the
/// sign-in.
pub mod window {
    use crate::store::Store;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tauri::{AppHandle, Manager, Monitor, PhysicalPosition, WebviewWindow, WindowEvent};

    /// The window's label in tauri.conf.json.
    pub const LABEL: &str = "rating";
    /// How long the thanks stay up on a single monitor before the desk's window is back.
    const THANKS: Duration = Duration::from_secs(4);

    fn windows(app: &AppHandle) -> Option<(WebviewWindow, WebviewWindow)> {
        Some((app.get_webview_window("main")?, app.get_webview_window(LABEL)?))
    }

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

    /// At start: on its own monitor, or hidden. Remembers where it is moved to.
    pub async fn place(app: AppHandle, store: Store) {
        let Some((desk, rating)) = windows(&app) else { return };
        let remembered = store.rating_monitor().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the rating window's monitor was not read");
            None
        });
        match own_monitor(&desk, remembered.as_deref()) {
            Some(monitor) => {
                let at = *monitor.position();
                let shown = rating.set_position(PhysicalPosition::new(at.x, at.y)).and_then(|()| rating.maximize());
                if let Err(e) = shown.and_then(|()| rating.show()) {
                    tracing::warn!(error = %e, "the rating window could not be placed");
                }
                tracing::info!(monitor = ?monitor.name(), "the rating window opens on its own monitor");
            }
            None => tracing::info!("one monitor: the rating window opens when the desk asks for a rating"),
        }
        remember_moves(&rating, store);
    }

    /// Closing the window only hides it (the desk still needs it for the next rating); each move,
    /// once the window rests for a second, records the monitor it is on.
    fn remember_moves(rating: &WebviewWindow, store: Store) {
        let moves = Arc::new(AtomicU64::new(0));
        let window = rating.clone();
        rating.on_window_event(move |event| match event {
            WindowEvent::CloseRequested { api, .. } => {
                api.prevent_close();
                if let Err(e) = window.hide() {
                    tracing::warn!(error = %e, "the rating window could not be hidden");
                }
            }
            WindowEvent::Moved(_) => {
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
            _ => {}
        });
    }

    /// The desk asks for a rating (or opens the window itself): it comes up in front.
    pub fn show(app: &AppHandle) {
        if let Some((_, rating)) = windows(app) {
            if let Err(e) = rating.show().and_then(|()| rating.set_focus()) {
                tracing::warn!(error = %e, "the rating window could not be shown");
            }
        }
    }

    /// After the citizen's answer: on a single monitor the window steps back once the thanks
    /// have been read, unless the desk asked again meanwhile.
    pub fn step_back(app: AppHandle) {
        let Some((main, rating)) = windows(&app) else { return };
        if own_monitor(&main, None).is_some() {
            return;
        }
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(THANKS).await;
            if app.state::<crate::commands::Office>().rating.current().is_none() {
                if let Err(e) = rating.hide() {
                    tracing::warn!(error = %e, "the rating window could not step back");
                }
            }
        });
    }
}
