//! Tells the window what changed behind its screens (the Tauri event `CHANGED_EVENT`): a sync
//! round, letters from the mailbox, a citizen's rating, a camera shift's end. Each screen reloads
//! what it shows on the changes it depends on, instead of asking every few seconds.

use crate::store::Store;
use std::sync::{Arc, OnceLock};
use tauri::Emitter;
use thanthien_core::camera::Shift;
use thanthien_core::ipc::{Changed, CHANGED_EVENT};

/// Where announcements go: the app's windows once the window is up; nowhere for the command line.
#[derive(Clone, Default)]
pub struct Announcer(Arc<OnceLock<tauri::AppHandle>>);

impl Announcer {
    pub fn attach(&self, app: tauri::AppHandle) {
        let _ = self.0.set(app);
    }

    pub fn announce(&self, change: Changed) {
        let Some(app) = self.0.get() else { return };
        if let Err(e) = app.emit(CHANGED_EVENT, change) {
            tracing::warn!(error = %e, ?change, "the window was not told of a change");
        }
    }
}

/// At each camera shift's end a check not done becomes a missed one: the camera screen hears it.
pub async fn announce_shift_ends(store: Store, announcer: Announcer) {
    loop {
        let now = store.now();
        let end = Shift::next_end(now, &store.reference().hours);
        // A second past the end, so the screen's own reading of the clock sees the shift over.
        let wait = (end - now).to_std().unwrap_or_default() + std::time::Duration::from_secs(1);
        tokio::time::sleep(wait).await;
        announcer.announce(Changed::ShiftMissed);
    }
}
