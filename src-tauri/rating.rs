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
