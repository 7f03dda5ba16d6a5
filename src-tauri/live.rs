//! Tells the window what changed behind its screens (the Tauri event `CHANGED_EVENT`): a sync
//! round, letters from the mailbox, a citizen's rating, a camera shift's end. Each screen reloads
//! what it shows on the changes it depends on, instead of asking every few seconds.

use crate::store::Store;
use std::sync::{Arc, OnceLock};
use thanthien_core::camera::Shift;
use thanthien_core::ipc::Changed;

/// What tells the window: set by the window once it is up (`run_app`), so this module, and the
/// command line that shares it, never reach into the window's libraries.
type Tell = Box<dyn Fn(Changed) + Send + Sync>;

/// Where announcements go: the app's windows once the window is up; nowhere for the command line.
#[derive(Clone, Default)]
pub struct Announcer(Arc<OnceLock<Tell>>);

impl Announcer {
    pub fn attach(&self, tell: impl Fn(Changed) + Send + Sync + 'static) {
        let _ = self.0.set(Box::new(tell));
    }

    pub fn announce(&self, change: Changed) {
        if let Some(tell) = self.0.get() {
            tell(change);
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
