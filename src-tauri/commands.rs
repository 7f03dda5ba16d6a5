//! Tauri commands: thin wrappers that turn UI calls into store and sync calls. No rules here.

use crate::rating::RatingDesk;
use crate::store::{Store, StoreError};
use crate::sync::Engine;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use tauri::State;
use thanthien_core::camera::{Camera, CameraInput, CheckItem, CheckResult};
use thanthien_core::feedback::{FeedbackBoxSession, FeedbackInput, FeedbackItem, Kind, Notice, Status};
use thanthien_core::ipc::{
    CommandError, ErrorKind, MailboxReport, MailboxStatus, RatingRequest, SyncReport, SyncStatus,
};
use thanthien_core::official::Official;
use thanthien_core::procedure::Procedure;
use thanthien_core::time::local_day;
use thanthien_core::visit::{DossierAtRisk, FinishInput, RatingReason, Visit, VisitInput};
use uuid::Uuid;

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => CommandError::invalid(&errors),
            other => {
                tracing::error!(error = ?other, "store failure");
                CommandError::new(
                    ErrorKind::Internal,
                    "Không lưu được dữ liệu trên máy này. Vui lòng thử lại; nếu vẫn lỗi, báo bộ phận kỹ thuật.",
                )
            }
        }
    }
}

#[tauri::command]
pub async fn add_visit(
    input: VisitInput,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Visit, CommandError> {
    let visit = store.record_visit(input, Utc::now()).await?;
    engine.nudge();
    Ok(visit)
}

/// "Gọi tiếp" at this desk's counter.
#[tauri::command]
pub async fn call_next(
    official: String,
    counter: u16,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Option<Visit>, CommandError> {
    let called = store.call_next(official, counter, Utc::now()).await?;
    engine.nudge();
    Ok(called)
}

/// Calls one citizen by name, e.g. to recall a no-show.
#[tauri::command]
pub async fn call_visit(
    id: Uuid,
    official: String,
    counter: u16,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Visit, CommandError> {
    let visit = store.call_visit(id, official, counter, Utc::now()).await?;
    engine.nudge();
    Ok(visit)
}

#[tauri::command]
pub async fn finish_visit(
    id: Uuid,
    input: FinishInput,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Visit, CommandError> {
    let visit = store.finish_visit(id, input, Utc::now()).await?;
    engine.nudge();
    Ok(visit)
}

/// The appointment a dossier received now would get (shown before the receptionist confirms).
#[tauri::command]
pub async fn proposed_appointment(id: Uuid, store: State<'_, Store>) -> Result<Option<NaiveDate>, CommandError> {
    Ok(store.proposed_appointment(id, Utc::now()).await?)
}

/// Moves a received dossier's appointment; with `apology` the apology slip goes with it.
#[tauri::command]
pub async fn reschedule_visit(
    id: Uuid,
    appointment: NaiveDate,
    reason: String,
    apology: bool,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Visit, CommandError> {
    let visit = store.reschedule_visit(id, appointment, reason, apology, Utc::now()).await?;
    engine.nudge();
    Ok(visit)
}

/// The result of a received dossier went back to the citizen.
#[tauri::command]
pub async fn return_result(
    id: Uuid,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Visit, CommandError> {
    let visit = store.return_result(id, Utc::now()).await?;
    engine.nudge();
    Ok(visit)
}

/// Received dossiers due within one working day or overdue.
#[tauri::command]
pub async fn dossiers_at_risk(store: State<'_, Store>) -> Result<Vec<DossierAtRisk>, CommandError> {
    Ok(store.dossiers_at_risk(local_day(Utc::now())).await?)
}

/// The desk asks the citizen-facing window to collect a rating for a finished visit.
#[tauri::command]
pub async fn request_rating(
    id: Uuid,
    store: State<'_, Store>,
    desk: State<'_, RatingDesk>,
) -> Result<RatingRequest, CommandError> {
    Ok(desk.request(&store, id).await?)
}

/// Rating window: what it is asked to collect, if anything.
#[tauri::command]
pub fn rating_request(desk: State<'_, RatingDesk>) -> Option<RatingRequest> {
    desk.current()
}

/// Rating window: the citizen's answer to the pending request (and nothing else).
#[tauri::command]
pub async fn submit_rating(
    level: u8,
    reasons: Vec<RatingReason>,
    store: State<'_, Store>,
    desk: State<'_, RatingDesk>,
    engine: State<'_, Engine>,
) -> Result<(), CommandError> {
    desk.submit(&store, level, reasons).await?;
    engine.nudge();
    Ok(())
}

/// The officials directory (active officials, by counter).
#[tauri::command]
pub async fn list_officials(store: State<'_, Store>) -> Result<Vec<Official>, CommandError> {
    Ok(store.officials().await?)
}

/// The procedure catalogue in use (starter or the province's newer release).
#[tauri::command]
pub fn list_procedures(store: State<'_, Store>) -> Vec<Procedure> {
    store.reference().catalogue.clone()
}

#[tauri::command]
pub async fn list_today_visits(store: State<'_, Store>) -> Result<Vec<Visit>, CommandError> {
    Ok(store.visits_on(local_day(Utc::now())).await?)
}

#[tauri::command]
pub async fn sync_status(store: State<'_, Store>) -> Result<SyncStatus, CommandError> {
    Ok(store.sync_status().await?)
}

#[tauri::command]
pub async fn sync_now(engine: State<'_, Engine>) -> Result<SyncReport, CommandError> {
    Ok(engine.sync_now().await?)
}

/// Enters a piece of feedback; `received_on` for one received on an earlier day.
#[tauri::command]
pub async fn add_feedback(
    input: FeedbackInput,
    received_on: Option<NaiveDate>,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let at = thanthien_core::feedback::received_instant(received_on, Utc::now());
    let item = store.record_feedback(input, at).await?;
    engine.nudge();
    Ok(item)
}

/// Moves a feedback item on (accepted, extended, paused, refused, transferred, closed).
#[tauri::command]
pub async fn set_feedback_status(
    id: Uuid,
    status: Status,
    by: Option<String>,
    note: Option<String>,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let item = store.set_feedback_status(id, status, by, note, Utc::now()).await?;
    engine.nudge();
    Ok(item)
}

/// Records the answer to a feedback item.
#[tauri::command]
pub async fn answer_feedback(
    id: Uuid,
    by: String,
    via: Notice,
    reply: String,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let item = store.answer_feedback(id, by, via, reply, Utc::now()).await?;
    engine.nudge();
    Ok(item)
}

/// Corrects a feedback item's kind (its deadline follows).
#[tauri::command]
pub async fn classify_feedback(
    id: Uuid,
    kind: Kind,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let item = store.classify_feedback(id, kind).await?;
    engine.nudge();
    Ok(item)
}

/// The feedback register as of today, overdue first.
#[tauri::command]
pub async fn feedback_register(store: State<'_, Store>) -> Result<Vec<FeedbackItem>, CommandError> {
    Ok(store.feedback_register(local_day(Utc::now())).await?)
}

#[tauri::command]
pub async fn list_cameras(store: State<'_, Store>) -> Result<Vec<Camera>, CommandError> {
    Ok(store.cameras(Utc::now()).await?)
}

#[tauri::command]
pub async fn add_camera(
    input: CameraInput,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Camera, CommandError> {
    let camera = store.list_camera(None, input).await?;
    engine.nudge();
    Ok(camera)
}

/// A shift's manual check-in of one camera.
#[tauri::command]
pub async fn check_camera(
    id: Uuid,
    items: BTreeMap<CheckItem, CheckResult>,
    by: Option<String>,
    note: Option<String>,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<Camera, CommandError> {
    let camera = store.check_camera(id, items, false, by, note, Utc::now()).await?;
    engine.nudge();
    Ok(camera)
}

/// Probes every camera with a network address; returns the cameras as they now stand.
#[tauri::command]
pub async fn probe_cameras(store: State<'_, Store>, engine: State<'_, Engine>) -> Result<Vec<Camera>, CommandError> {
    crate::probe::probe_cameras(&store, crate::probe::PROBE_TIMEOUT).await?;
    engine.nudge();
    Ok(store.cameras(Utc::now()).await?)
}

/// The feedback mailbox settings and the last read (never the password).
#[tauri::command]
pub async fn mailbox_status(store: State<'_, Store>) -> Result<MailboxStatus, CommandError> {
    Ok(store.mailbox_status().await?)
}

/// Saves the feedback mailbox settings; the password goes to the OS credential store if any.
#[tauri::command]
pub async fn set_mailbox(
    server: String,
    username: String,
    password: String,
    store: State<'_, Store>,
) -> Result<MailboxStatus, CommandError> {
    crate::mailbox::configure(&store, server, username, password, None).await?;
    Ok(store.mailbox_status().await?)
}

/// Reads the feedback mailbox now.
#[tauri::command]
pub async fn read_mailbox(store: State<'_, Store>, engine: State<'_, Engine>) -> Result<MailboxReport, CommandError> {
    match crate::mailbox::import(&store).await {
        Ok(report) => {
            engine.nudge();
            Ok(report)
        }
        Err(crate::mailbox::MailboxError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::info!(error = %e, "feedback mailbox not read");
            let kind = match e {
                crate::mailbox::MailboxError::Login | crate::mailbox::MailboxError::Tls(_) => ErrorKind::Refused,
                crate::mailbox::MailboxError::NotSet => ErrorKind::Invalid,
                _ => ErrorKind::Offline,
            };
            Err(CommandError::new(kind, e.to_string()))
        }
    }
}

/// Notes the code a feedback item got in the national feedback system.
#[tauri::command]
pub async fn code_feedback(
    id: Uuid,
    code: String,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let item = store.code_feedback(id, code).await?;
    engine.nudge();
    Ok(item)
}

/// Records a feedback-box opening before its witnesses.
#[tauri::command]
pub async fn open_feedback_box(
    witnesses: Vec<String>,
    letters: u16,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
) -> Result<FeedbackBoxSession, CommandError> {
    let session = store.open_feedback_box(witnesses, letters, None, Utc::now()).await?;
    engine.nudge();
    Ok(session)
}

/// Every feedback-box opening, newest first, with how many of its letters are entered.
#[tauri::command]
pub async fn feedback_box_sessions(store: State<'_, Store>) -> Result<Vec<FeedbackBoxSession>, CommandError> {
    Ok(store.feedback_box_sessions().await?)
}

/// The weekly summary (this week and the last); `week` defaults to the current one.
#[tauri::command]
pub async fn weekly_summary(
    week: Option<thanthien_core::summary::Week>,
    store: State<'_, Store>,
) -> Result<thanthien_core::summary::WeeklySummary, CommandError> {
    let week = week.unwrap_or_else(|| thanthien_core::summary::Week::of(Utc::now()));
    Ok(store.weekly_summary(week, Utc::now()).await?)
}
