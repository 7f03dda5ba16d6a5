//! Tauri commands: thin wrappers that turn UI calls into store and sync calls. No rules here.

use crate::rating::RatingDesk;
use crate::session::Session;
use crate::store::{Store, StoreError};
use crate::sync::Engine;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use tauri::State;
use thanthien_core::account::{Account, AccountInput, Permission, Role, SignedIn};
use thanthien_core::approval::WeekAction;
use thanthien_core::camera::{Camera, CameraInput, CheckItem, CheckResult};
use thanthien_core::feedback::{FeedbackBoxSession, FeedbackInput, FeedbackItem, Kind, Notice, Status};
use thanthien_core::ipc::{
    CommandError, ErrorKind, MailboxReport, MailboxStatus, RatingRequest, SessionState, SyncReport, SyncStatus,
};
use thanthien_core::official::Official;
use thanthien_core::procedure::Procedure;
use thanthien_core::publicity::{Board, BoardFormat, Publication, Venue};
use thanthien_core::report::{ExportFormat, WeeklySummary};
use thanthien_core::summary::Week;
use thanthien_core::time::local_day;
use thanthien_core::visit::{DossierAtRisk, FinishInput, RatingReason, Visit, VisitInput};
use uuid::Uuid;

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => CommandError::invalid(&errors),
            StoreError::Denied(denial) => CommandError::denied(&denial),
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
    session: State<'_, Session>,
) -> Result<Visit, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let visit = store.record_visit(input, store.now()).await?;
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
    session: State<'_, Session>,
) -> Result<Option<Visit>, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let called = store.call_next(official, counter, store.now()).await?;
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
    session: State<'_, Session>,
) -> Result<Visit, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let visit = store.call_visit(id, official, counter, store.now()).await?;
    engine.nudge();
    Ok(visit)
}

#[tauri::command]
pub async fn finish_visit(
    id: Uuid,
    input: FinishInput,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<Visit, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let visit = store.finish_visit(id, input, store.now()).await?;
    engine.nudge();
    Ok(visit)
}

/// The appointment a dossier received now would get (shown before the receptionist confirms).
#[tauri::command]
pub async fn proposed_appointment(
    id: Uuid,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Option<NaiveDate>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.proposed_appointment(id, store.now()).await?)
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
    session: State<'_, Session>,
) -> Result<Visit, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let visit = store.reschedule_visit(id, appointment, reason, apology, store.now()).await?;
    engine.nudge();
    Ok(visit)
}

/// The result of a received dossier went back to the citizen.
#[tauri::command]
pub async fn return_result(
    id: Uuid,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<Visit, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let visit = store.return_result(id, store.now()).await?;
    engine.nudge();
    Ok(visit)
}

/// Received dossiers due within one working day or overdue.
#[tauri::command]
pub async fn dossiers_at_risk(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<DossierAtRisk>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.dossiers_at_risk(local_day(store.now())).await?)
}

/// The desk asks the citizen-facing window to collect a rating for a finished visit.
#[tauri::command]
pub async fn request_rating(
    id: Uuid,
    store: State<'_, Store>,
    desk: State<'_, RatingDesk>,
    session: State<'_, Session>,
) -> Result<RatingRequest, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
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
    desk: State<'_, RatingDesk>,
    engine: State<'_, Engine>,
) -> Result<(), CommandError> {
    desk.submit(level, reasons).await?;
    engine.nudge();
    Ok(())
}

/// The officials directory (active officials, by counter).
#[tauri::command]
pub async fn list_officials(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<Official>, CommandError> {
    session.signed_in(Utc::now())?;
    Ok(store.officials().await?)
}

/// The procedure catalogue in use (starter or the province's newer release).
#[tauri::command]
pub fn list_procedures(store: State<'_, Store>, session: State<'_, Session>) -> Result<Vec<Procedure>, CommandError> {
    session.signed_in(Utc::now())?;
    Ok(store.reference().catalogue.clone())
}

#[tauri::command]
pub async fn list_today_visits(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<Visit>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.visits_on(local_day(store.now())).await?)
}

#[tauri::command]
pub async fn sync_status(store: State<'_, Store>, session: State<'_, Session>) -> Result<SyncStatus, CommandError> {
    session.signed_in(Utc::now())?;
    Ok(store.sync_status().await?)
}

#[tauri::command]
pub async fn sync_now(engine: State<'_, Engine>, session: State<'_, Session>) -> Result<SyncReport, CommandError> {
    session.signed_in(Utc::now())?;
    Ok(engine.sync_now().await?)
}

/// Enters a piece of feedback; `received_on` for one received on an earlier day.
#[tauri::command]
pub async fn add_feedback(
    input: FeedbackInput,
    received_on: Option<NaiveDate>,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let at = thanthien_core::feedback::received_instant(received_on, store.now());
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
    session: State<'_, Session>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let item = store.set_feedback_status(id, status, by, note, store.now()).await?;
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
    session: State<'_, Session>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let item = store.answer_feedback(id, by, via, reply, store.now()).await?;
    engine.nudge();
    Ok(item)
}

/// The submitter's satisfaction with how a finished item was handled.
#[tauri::command]
pub async fn rate_feedback(
    id: Uuid,
    satisfied: bool,
    store: State<'_, Store>,
    session: State<'_, Session>,
    engine: State<'_, Engine>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let item = store.rate_feedback(id, satisfied).await?;
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
    session: State<'_, Session>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let item = store.classify_feedback(id, kind).await?;
    engine.nudge();
    Ok(item)
}

/// The feedback register as of today, overdue first.
#[tauri::command]
pub async fn feedback_register(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<FeedbackItem>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.feedback_register(local_day(store.now())).await?)
}

#[tauri::command]
pub async fn list_cameras(store: State<'_, Store>, session: State<'_, Session>) -> Result<Vec<Camera>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.cameras(store.now()).await?)
}

/// Registers a camera; `in_service_since` for one in service since an earlier day (a paper book
/// entered later): its checks are owed from the start of that day.
#[tauri::command]
pub async fn add_camera(
    input: CameraInput,
    in_service_since: Option<NaiveDate>,
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<Camera, CommandError> {
    let store = session.acting(&store, Permission::Registry, Utc::now())?;
    let since = in_service_since.map_or_else(Utc::now, |day| thanthien_core::time::day_bounds(day).0);
    let camera = store.list_camera(None, input, since).await?;
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
    session: State<'_, Session>,
) -> Result<Camera, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let camera = store.check_camera(id, items, false, by, note, store.now()).await?;
    engine.nudge();
    Ok(camera)
}

/// Probes every camera with a network address; returns the cameras as they now stand.
#[tauri::command]
pub async fn probe_cameras(
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<Vec<Camera>, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    crate::probe::probe_cameras(&store, crate::probe::PROBE_TIMEOUT).await?;
    engine.nudge();
    Ok(store.cameras(store.now()).await?)
}

/// The feedback mailbox settings and the last read (never the password).
#[tauri::command]
pub async fn mailbox_status(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<MailboxStatus, CommandError> {
    session.require(Permission::Registry, Utc::now())?;
    Ok(store.mailbox_status().await?)
}

/// Saves the feedback mailbox settings; the password goes to the OS credential store if any.
#[tauri::command]
pub async fn set_mailbox(
    server: String,
    username: String,
    password: String,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<MailboxStatus, CommandError> {
    let store = session.acting(&store, Permission::Registry, Utc::now())?;
    crate::mailbox::configure(&store, server, username, password, None).await?;
    Ok(store.mailbox_status().await?)
}

/// Reads the feedback mailbox now.
#[tauri::command]
pub async fn read_mailbox(
    store: State<'_, Store>,
    engine: State<'_, Engine>,
    session: State<'_, Session>,
) -> Result<MailboxReport, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
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
    session: State<'_, Session>,
) -> Result<FeedbackItem, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
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
    session: State<'_, Session>,
) -> Result<FeedbackBoxSession, CommandError> {
    let store = session.acting(&store, Permission::Desk, Utc::now())?;
    let session = store.open_feedback_box(witnesses, letters, None, store.now()).await?;
    engine.nudge();
    Ok(session)
}

/// Every feedback-box opening, newest first, with how many of its letters are entered.
#[tauri::command]
pub async fn feedback_box_sessions(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<FeedbackBoxSession>, CommandError> {
    session.require(Permission::Desk, Utc::now())?;
    Ok(store.feedback_box_sessions().await?)
}

/// The weekly summary (this week and the last); `week` defaults to the current one.
#[tauri::command]
pub async fn weekly_summary(
    week: Option<Week>,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<WeeklySummary, CommandError> {
    session.require(Permission::Review, Utc::now())?;
    let week = week.unwrap_or_else(|| Week::of(store.now()));
    Ok(store.weekly_summary(week, store.now()).await?)
}

/// Who is at the window (if anyone), and whether this is the PC's first start.
#[tauri::command]
pub async fn session_state(store: State<'_, Store>, session: State<'_, Session>) -> Result<SessionState, CommandError> {
    Ok(SessionState {
        first_start: !store.has_accounts().await?,
        signed_in: session.current(store.now()),
        idle_lock_secs: session.idle_limit().num_seconds(),
    })
}

#[tauri::command]
pub async fn sign_in(
    username: String,
    password: String,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<SignedIn, CommandError> {
    let who = store.sign_in(&username, &password, store.now()).await?;
    session.sign_in(who.clone(), store.now());
    Ok(who)
}

/// "Khóa màn hình" and the UI's idle timer: the next command needs the password again.
#[tauri::command]
pub fn sign_out(session: State<'_, Session>) {
    session.sign_out();
}

/// The keyboard or mouse was used at the window: the idle clock starts again.
#[tauri::command]
pub fn touch_session(session: State<'_, Session>) -> Result<SignedIn, CommandError> {
    Ok(session.touch(Utc::now())?)
}

/// First start: the PC's first account, an admin, who then signs in.
#[tauri::command]
pub async fn create_first_account(
    input: AccountInput,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<SignedIn, CommandError> {
    let input = AccountInput { role: Role::Admin.wire().to_owned(), ..input };
    let account = store.create_account(input, true, store.now()).await?;
    let who = SignedIn { username: account.username, full_name: account.full_name, role: account.role };
    session.sign_in(who.clone(), store.now());
    Ok(who)
}

#[tauri::command]
pub async fn create_account(
    input: AccountInput,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Account, CommandError> {
    let store = session.acting(&store, Permission::Accounts, Utc::now())?;
    Ok(store.create_account(input, false, store.now()).await?)
}

#[tauri::command]
pub async fn list_accounts(store: State<'_, Store>, session: State<'_, Session>) -> Result<Vec<Account>, CommandError> {
    session.require(Permission::Accounts, Utc::now())?;
    Ok(store.accounts().await?)
}

/// The admin sets a new password for an account; it also lifts a lock.
#[tauri::command]
pub async fn reset_password(
    username: String,
    password: String,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<(), CommandError> {
    let store = session.acting(&store, Permission::Accounts, Utc::now())?;
    Ok(store.reset_password(&username, password).await?)
}

/// The office head submits, approves (locks) or reopens a week; returns the summary as it now is.
#[tauri::command]
pub async fn step_week(
    week: Week,
    action: WeekAction,
    store: State<'_, Store>,
    session: State<'_, Session>,
    engine: State<'_, Engine>,
) -> Result<WeeklySummary, CommandError> {
    let store = session.acting(&store, Permission::Approve, Utc::now())?;
    let summary = store.step_week(week, action, store.now()).await?;
    engine.nudge();
    Ok(summary)
}

/// Writes the week's summary as xlsx, pdf or csv into the exports folder; returns the file's path.
#[tauri::command]
pub async fn export_week(
    week: Week,
    format: ExportFormat,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<String, CommandError> {
    session.require(Permission::Review, Utc::now())?;
    let summary = store.weekly_summary(week, store.now()).await?;
    let office = store.office_name().await?;
    let path = crate::export_dir().join(format.file_name(week));
    crate::report::export_to(&summary, format, &office, &path).map_err(|e| {
        tracing::warn!(error = ?e, "export failed");
        CommandError::new(ErrorKind::Internal, e.to_string())
    })?;
    tracing::info!(path = %path.display(), "weekly summary exported");
    Ok(path.display().to_string())
}

/// The publicity board as it would be published now, with its QR code as SVG (if a feedback
/// e-mail box is set).
#[tauri::command]
pub async fn publicity_board(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<(Board, Option<String>), CommandError> {
    session.require(Permission::Registry, Utc::now())?;
    let board = store.board(store.now()).await?;
    let qr = board.qr_target().and_then(|t| crate::report::qr_svg(&t));
    Ok((board, qr))
}

/// Writes the board as pdf, html or json into the exports folder; returns the file's path.
#[tauri::command]
pub async fn export_board(
    format: BoardFormat,
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<String, CommandError> {
    session.require(Permission::Registry, Utc::now())?;
    let board = store.board(store.now()).await?;
    let path = crate::export_dir().join(format!("cong-khai.{}", format.wire()));
    crate::report::board_export(&board, format).and_then(|bytes| crate::report::write_file(&path, &bytes)).map_err(
        |e| {
            tracing::warn!(error = ?e, "board export failed");
            CommandError::new(ErrorKind::Internal, e.to_string())
        },
    )?;
    Ok(path.display().to_string())
}

/// Records where and when the board was published.
#[tauri::command]
pub async fn record_publication(
    format: BoardFormat,
    venue: Venue,
    place: Option<String>,
    store: State<'_, Store>,
    session: State<'_, Session>,
    engine: State<'_, Engine>,
) -> Result<Publication, CommandError> {
    let store = session.acting(&store, Permission::Registry, Utc::now())?;
    let publication = store.record_publication(format, venue, place, store.now()).await?;
    engine.nudge();
    Ok(publication)
}

#[tauri::command]
pub async fn publications(
    store: State<'_, Store>,
    session: State<'_, Session>,
) -> Result<Vec<Publication>, CommandError> {
    session.require(Permission::Registry, Utc::now())?;
    Ok(store.publications().await?)
}
