//! Tauri commands: thin wrappers that turn UI calls into store and sync calls. No rules here.
//! Each command opens with its role check; every write goes through `Office::write`.

use crate::rating::RatingDesk;
use crate::session::Session;
use crate::store::{Store, StoreError};
use crate::sync::Engine;
use chrono::{NaiveDate, Utc};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use tauri::State;
use thanthien_core::account::{Account, AccountInput, Permission, Role, SignedIn};
use thanthien_core::approval::WeekAction;
use thanthien_core::book::{BookFormat, BookPeriod};
use thanthien_core::breach::{BreachInput, BreachReport};
use thanthien_core::call::CallBoard;
use thanthien_core::camera::{Camera, CameraInput, CheckItem, CheckResult};
use thanthien_core::erasure::Grounds;
use thanthien_core::feedback::{FeedbackBoxSession, FeedbackInput, FeedbackItem, Kind, Notice, Status};
use thanthien_core::ipc::{
    BackupStatus, Changed, CommandError, DeskSettings, EnrollmentStatus, ErrorKind, MailboxReport, MailboxStatus,
    RatingRequest, SessionState, SyncReport, SyncStatus,
};
use thanthien_core::official::{Official, OfficialInput};
use thanthien_core::person::{Access, AccessEntry, ErasureReport, FileFormat, PersonQuery, PersonRecord};
use thanthien_core::procedure::OfficeHours;
use thanthien_core::procedure::Procedure;
use thanthien_core::publicity::{Board, BoardFormat, Publication, Venue};
use thanthien_core::reception::{self, ListedSchedule, ReceptionOverview, ScheduleInput};
use thanthien_core::report::{ExportFormat, SummaryView};
use thanthien_core::retention::RetentionStatus;
use thanthien_core::slip::{Sheet, SlipForm};
use thanthien_core::summary::Week;
use thanthien_core::time::local_day;
use thanthien_core::visit::{DossierAtRisk, FinishInput, RatingReason, Visit, VisitInput};
use uuid::Uuid;

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => CommandError::invalid(&errors),
            StoreError::Denied(denial) => CommandError::denied(&denial),
            StoreError::Key(why) => {
                tracing::error!(error = ?why, "the store's key");
                CommandError::new(ErrorKind::Internal, why.to_string())
            }
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

/// What the window's commands work with, managed once: the store, the sync engine, who is signed
/// in, the rating window's desk, and the folder exports are saved in until the admin chooses one.
pub struct Office {
    pub store: Store,
    pub engine: Engine,
    pub session: Session,
    pub rating: RatingDesk,
    pub default_exports: PathBuf,
    /// `THANTHIEN_IDLE_LOCK_SECS` set the idle lock for this run: the stored setting waits.
    pub idle_lock_overridden: bool,
}

type Shared<'a> = State<'a, Office>;

impl Office {
    /// The one way a command writes: as the person signed in, if their role may, then the sync
    /// engine is nudged so the change goes out shortly. Errors map through `From`.
    async fn write<T, F, Fut>(&self, what: Permission, change: F) -> Result<T, CommandError>
    where
        F: FnOnce(Store) -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let store = self.session.acting(&self.store, what, Utc::now())?;
        let done = change(store).await?;
        self.engine.nudge();
        Ok(done)
    }

    /// The store to read from, if the person signed in may see `what`.
    fn read(&self, what: Permission) -> Result<&Store, CommandError> {
        self.session.require(what, Utc::now())?;
        Ok(&self.store)
    }

    /// The store to read from, for anyone signed in.
    fn signed_in(&self) -> Result<&Store, CommandError> {
        self.session.signed_in(Utc::now())?;
        Ok(&self.store)
    }

    /// The folder save dialogs open in: the admin's choice, else the default.
    async fn export_folder(&self) -> Result<PathBuf, CommandError> {
        Ok(self.store.export_dir().await?.unwrap_or_else(|| self.default_exports.clone()))
    }

    /// Asks where to save `file_name` with the system's save dialog, opened in the export folder
    /// over the desk's window; `None` when the person cancels.
    async fn where_to_save(&self, app: &tauri::AppHandle, file_name: &str) -> Result<Option<PathBuf>, CommandError> {
        use tauri::Manager;
        use tauri_plugin_dialog::DialogExt;
        let folder = self.export_folder().await?;
        if let Err(e) = std::fs::create_dir_all(&folder) {
            tracing::warn!(error = %e, folder = %folder.display(), "the export folder cannot be made");
        }
        let (chosen, answer) = tokio::sync::oneshot::channel();
        let mut dialog = app.dialog().file().set_title(SAVE_TITLE).set_directory(&folder).set_file_name(file_name);
        if let Some(desk) = app.get_webview_window("main") {
            dialog = dialog.set_parent(&desk);
        }
        dialog.save_file(move |path| {
            let _ = chosen.send(path);
        });
        let path = answer.await.ok().flatten();
        Ok(path.and_then(|p| p.into_path().map_err(|e| tracing::warn!(error = %e, "not a file path")).ok()))
    }

    /// The local day, by this PC's trusted time.
    fn today(&self) -> NaiveDate {
        local_day(self.store.now())
    }
}

/// The save dialog's title (its window's name, which the UI tests look for).
pub const SAVE_TITLE: &str = "Lưu tệp - Thân Thiện";

/// The file dialog's title when a backup is chosen to restore.
pub const RESTORE_TITLE: &str = "Chọn bản sao lưu để khôi phục - Thân Thiện";

/// A folder (or a file) picked in the system's dialog over the desk's window.
async fn pick(app: &tauri::AppHandle, title: &str, from: &std::path::Path, file: bool) -> Option<PathBuf> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let (chosen, answer) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_title(title).set_directory(from);
    if let Some(desk) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&desk);
    }
    let send = move |path: Option<tauri_plugin_dialog::FilePath>| {
        let _ = chosen.send(path);
    };
    if file {
        dialog.add_filter("Sao lưu Thân Thiện", &["db"]).pick_file(send);
    } else {
        dialog.pick_folder(send);
    }
    answer.await.ok().flatten().and_then(|p| p.into_path().ok())
}

/// What was typed to find one person, read as core reads it.
fn person_query(text: &str) -> Result<PersonQuery, CommandError> {
    PersonQuery::parse(text)
        .ok_or_else(|| CommandError::new(ErrorKind::Invalid, "Nhập họ tên, số điện thoại hoặc số định danh cần tìm."))
}

/// An export that could not be written, for the log and the screen.
fn export_failed(e: impl std::fmt::Debug + std::fmt::Display) -> CommandError {
    tracing::warn!(error = ?e, "export failed");
    CommandError::new(ErrorKind::Internal, e.to_string())
}

#[tauri::command]
pub async fn add_visit(input: VisitInput, office: Shared<'_>) -> Result<Visit, CommandError> {
    office.write(Permission::Desk, |s| async move { s.record_visit(input, s.now()).await }).await
}

/// "Gọi tiếp" at this desk's counter.
#[tauri::command]
pub async fn call_next(official: String, counter: u16, office: Shared<'_>) -> Result<Option<Visit>, CommandError> {
    let called =
        office.write(Permission::Desk, |s| async move { s.call_next(official, counter, s.now()).await }).await?;
    if called.is_some() {
        office.engine.announcer().announce(Changed::Called);
    }
    Ok(called)
}

/// Calls one citizen by name, e.g. to recall a no-show.
#[tauri::command]
pub async fn call_visit(id: Uuid, official: String, counter: u16, office: Shared<'_>) -> Result<Visit, CommandError> {
    let called =
        office.write(Permission::Desk, |s| async move { s.call_visit(id, official, counter, s.now()).await }).await?;
    office.engine.announcer().announce(Changed::Called);
    Ok(called)
}

#[tauri::command]
pub async fn finish_visit(id: Uuid, input: FinishInput, office: Shared<'_>) -> Result<Visit, CommandError> {
    office.write(Permission::Desk, |s| async move { s.finish_visit(id, input, s.now()).await }).await
}

/// The appointment a dossier received now would get (shown before the receptionist confirms).
#[tauri::command]
pub async fn proposed_appointment(id: Uuid, office: Shared<'_>) -> Result<Option<NaiveDate>, CommandError> {
    let store = office.read(Permission::Desk)?;
    Ok(store.proposed_appointment(id, store.now()).await?)
}

/// Moves a received dossier's appointment; with `apology` the apology slip goes with it.
#[tauri::command]
pub async fn reschedule_visit(
    id: Uuid,
    appointment: NaiveDate,
    reason: String,
    apology: bool,
    office: Shared<'_>,
) -> Result<Visit, CommandError> {
    office
        .write(Permission::Desk, |s| async move { s.reschedule_visit(id, appointment, reason, apology, s.now()).await })
        .await
}

/// The slip `form` of a visit as the print view shows it (refused when the visit has none).
#[tauri::command]
pub async fn visit_slip(id: Uuid, form: SlipForm, office: Shared<'_>) -> Result<Sheet, CommandError> {
    Ok(office.read(Permission::Desk)?.slip(id, form).await?)
}

/// The reception card: schedules, this week's days and figures, the coming days.
#[tauri::command]
pub async fn reception_overview(office: Shared<'_>) -> Result<ReceptionOverview, CommandError> {
    Ok(office.read(Permission::Desk)?.reception_overview(office.today()).await?)
}

/// Sets the chairman's reception schedule (the office head or the admin).
#[tauri::command]
pub async fn schedule_reception(input: ScheduleInput, office: Shared<'_>) -> Result<ListedSchedule, CommandError> {
    office.write(Permission::Registry, |s| async move { s.schedule_reception(input).await }).await
}

#[tauri::command]
pub async fn end_reception_schedule(id: Uuid, office: Shared<'_>) -> Result<(), CommandError> {
    office.write(Permission::Registry, |s| async move { s.end_reception_schedule(id).await }).await
}

/// A day's session held, its petitions filed in the feedback register.
#[tauri::command]
pub async fn hold_reception(
    day: NaiveDate,
    received_by: String,
    citizens: u32,
    raised: String,
    petitions: Vec<String>,
    office: Shared<'_>,
) -> Result<reception::Session, CommandError> {
    office
        .write(Permission::Desk, |s| async move {
            s.hold_reception(day, &received_by, citizens, &raised, petitions, s.now()).await
        })
        .await
}

/// A day's session not held, with the reason.
#[tauri::command]
pub async fn skip_reception(
    day: NaiveDate,
    reason: String,
    office: Shared<'_>,
) -> Result<reception::Session, CommandError> {
    office.write(Permission::Desk, |s| async move { s.skip_reception(day, &reason, s.now()).await }).await
}

/// The result of a received dossier went back to the citizen.
#[tauri::command]
pub async fn return_result(id: Uuid, office: Shared<'_>) -> Result<Visit, CommandError> {
    office.write(Permission::Desk, |s| async move { s.return_result(id, s.now()).await }).await
}

/// Received dossiers due within one working day or overdue.
#[tauri::command]
pub async fn dossiers_at_risk(office: Shared<'_>) -> Result<Vec<DossierAtRisk>, CommandError> {
    Ok(office.read(Permission::Desk)?.dossiers_at_risk(office.today()).await?)
}

/// The desk asks the citizen-facing window to collect a rating for a finished visit.
#[tauri::command]
pub async fn request_rating(
    id: Uuid,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<RatingRequest, CommandError> {
    let store = office.session.acting(&office.store, Permission::Desk, Utc::now())?;
    let request = office.rating.request(&store, id).await?;
    office.engine.announcer().announce(Changed::RatingRequested);
    crate::rating::window::show(&app, &store).await;
    Ok(request)
}

/// The desk brings the citizen-facing window up (on a PC with one monitor it is hidden otherwise).
#[tauri::command]
pub async fn show_rating_window(office: Shared<'_>, app: tauri::AppHandle) -> Result<(), CommandError> {
    let store = office.session.acting(&office.store, Permission::Desk, Utc::now())?;
    crate::rating::window::show(&app, &store).await;
    Ok(())
}

/// Brings the waiting room's call display up.
#[tauri::command]
pub async fn show_display_window(office: Shared<'_>, app: tauri::AppHandle) -> Result<(), CommandError> {
    office.session.acting(&office.store, Permission::Desk, Utc::now())?;
    crate::display::show(&app);
    Ok(())
}

/// Call display: today's board. Tickets and counters only, so it needs no one signed in (the
/// room still sees the calls while the desk's screen is locked).
#[tauri::command]
pub async fn call_board(office: Shared<'_>) -> Result<CallBoard, CommandError> {
    Ok(office.store.call_board(office.today()).await?)
}

/// Rating window: what it is asked to collect, if anything.
#[tauri::command]
pub fn rating_request(office: Shared<'_>) -> Option<RatingRequest> {
    office.rating.current()
}

/// Rating window: the citizen's answer to the pending request (and nothing else).
#[tauri::command]
pub async fn submit_rating(
    level: u8,
    reasons: Vec<RatingReason>,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<(), CommandError> {
    office.rating.submit(level, reasons).await?;
    office.engine.announcer().announce(Changed::Rating);
    office.engine.nudge();
    crate::rating::window::step_back(app);
    Ok(())
}

/// The officials directory (active officials, by counter).
#[tauri::command]
pub async fn list_officials(office: Shared<'_>) -> Result<Vec<Official>, CommandError> {
    Ok(office.signed_in()?.officials().await?)
}

/// The procedure catalogue in use (starter or the province's newer release).
#[tauri::command]
pub fn list_procedures(office: Shared<'_>) -> Result<Vec<Procedure>, CommandError> {
    Ok(office.signed_in()?.reference().catalogue.clone())
}

#[tauri::command]
pub async fn list_today_visits(office: Shared<'_>) -> Result<Vec<Visit>, CommandError> {
    Ok(office.read(Permission::Desk)?.visits_on(office.today()).await?)
}

#[tauri::command]
pub async fn sync_status(office: Shared<'_>) -> Result<SyncStatus, CommandError> {
    Ok(office.signed_in()?.sync_status().await?)
}

#[tauri::command]
pub async fn sync_now(office: Shared<'_>) -> Result<SyncReport, CommandError> {
    office.signed_in()?;
    Ok(office.engine.sync_now().await?)
}

/// Enters a piece of feedback; `received_on` for one received on an earlier day.
#[tauri::command]
pub async fn add_feedback(
    input: FeedbackInput,
    received_on: Option<NaiveDate>,
    office: Shared<'_>,
) -> Result<FeedbackItem, CommandError> {
    office
        .write(Permission::Desk, |s| async move {
            let at = thanthien_core::feedback::received_instant(received_on, s.now());
            s.record_feedback(input, at).await
        })
        .await
}

/// Moves a feedback item on (accepted, extended, paused, refused, transferred, closed).
#[tauri::command]
pub async fn set_feedback_status(
    id: Uuid,
    status: Status,
    by: Option<String>,
    note: Option<String>,
    office: Shared<'_>,
) -> Result<FeedbackItem, CommandError> {
    office.write(Permission::Desk, |s| async move { s.set_feedback_status(id, status, by, note, s.now()).await }).await
}

/// Records the answer to a feedback item.
#[tauri::command]
pub async fn answer_feedback(
    id: Uuid,
    by: String,
    via: Notice,
    reply: String,
    office: Shared<'_>,
) -> Result<FeedbackItem, CommandError> {
    office.write(Permission::Desk, |s| async move { s.answer_feedback(id, by, via, reply, s.now()).await }).await
}

/// The submitter's satisfaction with how a finished item was handled.
#[tauri::command]
pub async fn rate_feedback(id: Uuid, satisfied: bool, office: Shared<'_>) -> Result<FeedbackItem, CommandError> {
    office.write(Permission::Desk, |s| async move { s.rate_feedback(id, satisfied).await }).await
}

/// Corrects a feedback item's kind (its deadline follows).
#[tauri::command]
pub async fn classify_feedback(id: Uuid, kind: Kind, office: Shared<'_>) -> Result<FeedbackItem, CommandError> {
    office.write(Permission::Desk, |s| async move { s.classify_feedback(id, kind).await }).await
}

/// The feedback register as of today, overdue first.
#[tauri::command]
pub async fn feedback_register(office: Shared<'_>) -> Result<Vec<FeedbackItem>, CommandError> {
    Ok(office.read(Permission::Desk)?.feedback_register(office.today()).await?)
}

#[tauri::command]
pub async fn list_cameras(office: Shared<'_>) -> Result<Vec<Camera>, CommandError> {
    let store = office.read(Permission::Desk)?;
    Ok(store.cameras(store.now()).await?)
}

/// Registers a camera; `in_service_since` for one in service since an earlier day (a paper book
/// entered later): its checks are owed from the start of that day.
#[tauri::command]
pub async fn add_camera(
    input: CameraInput,
    in_service_since: Option<NaiveDate>,
    office: Shared<'_>,
) -> Result<Camera, CommandError> {
    office
        .write(Permission::Registry, |s| async move {
            let since = in_service_since.map_or_else(|| s.now(), |day| thanthien_core::time::day_bounds(day).0);
            s.list_camera(None, input, since).await
        })
        .await
}

/// A shift's manual check-in of one camera.
#[tauri::command]
pub async fn check_camera(
    id: Uuid,
    items: BTreeMap<CheckItem, CheckResult>,
    by: Option<String>,
    note: Option<String>,
    office: Shared<'_>,
) -> Result<Camera, CommandError> {
    office.write(Permission::Desk, |s| async move { s.check_camera(id, items, false, by, note, s.now()).await }).await
}

/// Probes every camera with a network address; returns the cameras as they now stand.
#[tauri::command]
pub async fn probe_cameras(office: Shared<'_>) -> Result<Vec<Camera>, CommandError> {
    office
        .write(Permission::Desk, |s| async move {
            crate::probe::probe_cameras(&s, crate::probe::PROBE_TIMEOUT).await?;
            s.cameras(s.now()).await
        })
        .await
}

/// The feedback mailbox settings and the last read (never the password).
#[tauri::command]
pub async fn mailbox_status(office: Shared<'_>) -> Result<MailboxStatus, CommandError> {
    Ok(office.read(Permission::Registry)?.mailbox_status().await?)
}

/// Saves the feedback mailbox settings; the password goes to the OS credential store if any.
#[tauri::command]
pub async fn set_mailbox(
    server: String,
    username: String,
    password: String,
    office: Shared<'_>,
) -> Result<MailboxStatus, CommandError> {
    let store = office.session.acting(&office.store, Permission::Registry, Utc::now())?;
    crate::mailbox::configure(&store, server, username, password, None).await?;
    Ok(store.mailbox_status().await?)
}

/// Reads the feedback mailbox now.
#[tauri::command]
pub async fn read_mailbox(office: Shared<'_>) -> Result<MailboxReport, CommandError> {
    let store = office.session.acting(&office.store, Permission::Desk, Utc::now())?;
    match crate::mailbox::import(&store).await {
        Ok(report) => {
            office.engine.nudge();
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
pub async fn code_feedback(id: Uuid, code: String, office: Shared<'_>) -> Result<FeedbackItem, CommandError> {
    office.write(Permission::Desk, |s| async move { s.code_feedback(id, code).await }).await
}

/// Records a feedback-box opening before its witnesses.
#[tauri::command]
pub async fn open_feedback_box(
    witnesses: Vec<String>,
    letters: u16,
    office: Shared<'_>,
) -> Result<FeedbackBoxSession, CommandError> {
    office
        .write(Permission::Desk, |s| async move { s.open_feedback_box(witnesses, letters, None, s.now()).await })
        .await
}

/// Every feedback-box opening, newest first, with how many of its letters are entered.
#[tauri::command]
pub async fn feedback_box_sessions(office: Shared<'_>) -> Result<Vec<FeedbackBoxSession>, CommandError> {
    Ok(office.read(Permission::Desk)?.feedback_box_sessions().await?)
}

/// The weekly summary (this week and the last) as the screen shows it; `week` defaults to the
/// current one.
#[tauri::command]
pub async fn weekly_summary(week: Option<Week>, office: Shared<'_>) -> Result<SummaryView, CommandError> {
    let store = office.read(Permission::Review)?;
    let week = week.unwrap_or_else(|| Week::of(store.now()));
    Ok(store.weekly_summary(week, store.now()).await?.view())
}

/// Who is at the window (if anyone), and whether this is the PC's first start.
#[tauri::command]
pub async fn session_state(office: Shared<'_>) -> Result<SessionState, CommandError> {
    Ok(SessionState {
        first_start: !office.store.has_accounts().await?,
        signed_in: office.session.current(Utc::now()),
        idle_lock_secs: office.session.idle_limit().num_seconds(),
        setup_pending: office.store.setup_pending().await?,
    })
}

#[tauri::command]
pub async fn sign_in(username: String, password: String, office: Shared<'_>) -> Result<SignedIn, CommandError> {
    let who = office.store.sign_in(&username, &password, office.store.now()).await?;
    office.session.sign_in(who.clone(), Utc::now());
    Ok(who)
}

/// "Khóa màn hình" and the UI's idle timer: the next command needs the password again.
#[tauri::command]
pub fn sign_out(office: Shared<'_>) {
    office.session.sign_out();
}

/// The keyboard or mouse was used at the window: the idle clock starts again.
#[tauri::command]
pub fn touch_session(office: Shared<'_>) -> Result<SignedIn, CommandError> {
    Ok(office.session.touch(Utc::now())?)
}

/// First start: the PC's first account, an admin, who then signs in.
#[tauri::command]
pub async fn create_first_account(input: AccountInput, office: Shared<'_>) -> Result<SignedIn, CommandError> {
    let input = AccountInput { role: Role::Admin.wire().to_owned(), ..input };
    let account = office.store.create_account(input, true, office.store.now()).await?;
    let who = SignedIn { username: account.username, full_name: account.full_name, role: account.role };
    office.session.sign_in(who.clone(), Utc::now());
    Ok(who)
}

#[tauri::command]
pub async fn create_account(input: AccountInput, office: Shared<'_>) -> Result<Account, CommandError> {
    let store = office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    Ok(store.create_account(input, false, store.now()).await?)
}

#[tauri::command]
pub async fn list_accounts(office: Shared<'_>) -> Result<Vec<Account>, CommandError> {
    Ok(office.read(Permission::Accounts)?.accounts().await?)
}

/// The admin sets a new password for an account; it also lifts a lock.
#[tauri::command]
pub async fn reset_password(username: String, password: String, office: Shared<'_>) -> Result<(), CommandError> {
    let store = office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    Ok(store.reset_password(&username, password).await?)
}

/// The office head submits, approves (locks) or reopens a week; returns the summary as it now is.
#[tauri::command]
pub async fn step_week(week: Week, action: WeekAction, office: Shared<'_>) -> Result<SummaryView, CommandError> {
    let summary =
        office.write(Permission::Approve, |s| async move { s.step_week(week, action, s.now()).await }).await?;
    Ok(summary.view())
}

/// Writes the week's summary as xlsx, pdf or csv where the save dialog says (opened in the export
/// folder); returns the file's path, or nothing when the person cancelled.
#[tauri::command]
pub async fn export_week(
    week: Week,
    format: ExportFormat,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<Option<String>, CommandError> {
    let store = office.read(Permission::Review)?;
    let summary = store.weekly_summary(week, store.now()).await?;
    let name = store.office_name().await?;
    let Some(path) = office.where_to_save(&app, &format.file_name(week)).await? else { return Ok(None) };
    crate::report::export_to(&summary, format, &name, &path).map_err(export_failed)?;
    tracing::info!(path = %path.display(), "weekly summary exported");
    Ok(Some(path.display().to_string()))
}

/// Writes the tracking book of dossiers (Mẫu 06) of `period` as pdf or xlsx where the save dialog
/// says; returns the file's path, or nothing when the person cancelled.
#[tauri::command]
pub async fn export_book(
    period: BookPeriod,
    format: BookFormat,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<Option<String>, CommandError> {
    let store = office.read(Permission::Registry)?;
    let book = store.dossier_book(period).await?;
    let bytes = crate::report::book_export(&book, format).map_err(export_failed)?;
    let Some(path) = office.where_to_save(&app, &format!("so-theo-doi-ho-so.{}", format.wire())).await? else {
        return Ok(None);
    };
    crate::report::write_file(&path, &bytes).map_err(export_failed)?;
    tracing::info!(path = %path.display(), "tracking book exported");
    Ok(Some(path.display().to_string()))
}

/// The publicity board as it would be published now, with its QR code as SVG (if a feedback
/// e-mail box is set).
#[tauri::command]
pub async fn publicity_board(office: Shared<'_>) -> Result<(Board, Option<String>), CommandError> {
    let store = office.read(Permission::Registry)?;
    let board = store.board(store.now()).await?;
    let qr = board.qr_target().and_then(|t| crate::report::qr_svg(&t));
    Ok((board, qr))
}

/// Writes the board as pdf, html or json where the save dialog says; returns the file's path, or
/// nothing when the person cancelled.
#[tauri::command]
pub async fn export_board(
    format: BoardFormat,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<Option<String>, CommandError> {
    let store = office.read(Permission::Registry)?;
    let board = store.board(store.now()).await?;
    let Some(path) = office.where_to_save(&app, &format!("cong-khai.{}", format.wire())).await? else {
        return Ok(None);
    };
    crate::report::board_export(&board, format)
        .and_then(|bytes| crate::report::write_file(&path, &bytes))
        .map_err(export_failed)?;
    Ok(Some(path.display().to_string()))
}

/// Records where and when the board was published.
#[tauri::command]
pub async fn record_publication(
    format: BoardFormat,
    venue: Venue,
    place: Option<String>,
    office: Shared<'_>,
) -> Result<Publication, CommandError> {
    office
        .write(Permission::Registry, |s| async move { s.record_publication(format, venue, place, s.now()).await })
        .await
}

#[tauri::command]
pub async fn publications(office: Shared<'_>) -> Result<Vec<Publication>, CommandError> {
    Ok(office.read(Permission::Registry)?.publications().await?)
}

// Setting up the PC and the office (the first-start wizard and Cài đặt).

/// Joins the province with the code its console shows (the admin's act); answers where this PC
/// now stands. Also re-enrols a PC with the code the province made for it.
#[tauri::command]
pub async fn enroll(server_url: String, code: String, office: Shared<'_>) -> Result<EnrollmentStatus, CommandError> {
    office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    let commune = office.engine.enroll(server_url.trim(), &code).await?;
    tracing::info!(commune = %commune.code, "enrolled from the window");
    Ok(office.store.enrollment_status(crate::sync::hostname()).await?)
}

/// Whether the province offers a newer version, and whether the signed-in user may install it.
#[tauri::command]
pub async fn update_status(office: Shared<'_>) -> Result<thanthien_core::ipc::UpdateStatus, CommandError> {
    office.signed_in()?;
    Ok(thanthien_core::ipc::UpdateStatus {
        running: crate::version().to_owned(),
        offer: office.engine.update_offer(),
        can_install: office.read(Permission::Accounts).is_ok(),
    })
}

/// The admin installs the offered update: downloaded, its signature checked, installed; then the
/// app gives way to the new version (Windows: the installer starts it when done; Linux: the new
/// binary is started here). A refused file leaves everything as it was and says why.
#[tauri::command]
pub async fn install_update(app: tauri::AppHandle, office: Shared<'_>) -> Result<(), CommandError> {
    office.read(Permission::Accounts)?;
    match office.engine.install_update().await? {
        crate::update::Installed::Replaced(exe) => {
            std::process::Command::new(&exe).args(std::env::args_os().skip(1)).spawn().map_err(|e| {
                tracing::error!(error = %e, exe = %exe.display(), "the new version did not start");
                CommandError::new(
                    thanthien_core::ipc::ErrorKind::Internal,
                    "Đã cài bản mới nhưng chưa mở lại được: xin đóng và mở lại Thân Thiện.",
                )
            })?;
        }
        crate::update::Installed::InstallerStarted => {}
    }
    tracing::info!("quitting for the update");
    app.exit(0);
    Ok(())
}

#[tauri::command]
pub async fn enrollment_status(office: Shared<'_>) -> Result<EnrollmentStatus, CommandError> {
    Ok(office.read(Permission::Accounts)?.enrollment_status(crate::sync::hostname()).await?)
}

/// This PC's settings and the office hours, for whoever may change either.
#[tauri::command]
pub async fn desk_settings(office: Shared<'_>) -> Result<DeskSettings, CommandError> {
    let store = office.read(Permission::Registry)?;
    Ok(DeskSettings {
        idle_lock_minutes: thanthien_core::account::idle_lock_minutes_in_force(store.idle_lock_minutes().await?),
        idle_lock_overridden: office.idle_lock_overridden,
        export_dir: office.export_folder().await?.display().to_string(),
        office_hours: store.reference().hours,
    })
}

/// The admin sets how long this PC waits before it locks the screen; in force at once.
#[tauri::command]
pub async fn set_idle_lock(minutes: u32, office: Shared<'_>) -> Result<(), CommandError> {
    let store = office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    let limit = store.set_idle_lock_minutes(minutes).await?;
    if !office.idle_lock_overridden {
        office.session.set_idle_limit(limit);
    }
    Ok(())
}

/// The admin chooses the export folder with the system's folder dialog; answers the folder, or
/// nothing when the person cancelled.
#[tauri::command]
pub async fn choose_export_folder(office: Shared<'_>, app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    let store = office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    let Some(folder) = pick(&app, FOLDER_TITLE, &office.export_folder().await?, false).await else { return Ok(None) };
    store.set_export_dir(&folder).await?;
    Ok(Some(folder.display().to_string()))
}

/// The folder dialog's title.
pub const FOLDER_TITLE: &str = "Chọn thư mục lưu tệp - Thân Thiện";

/// The office hours for every PC of the commune (an event that syncs).
#[tauri::command]
pub async fn set_office_hours(
    morning: String,
    afternoon: String,
    office: Shared<'_>,
) -> Result<OfficeHours, CommandError> {
    let hours = OfficeHours::parse(&morning, &afternoon).map_err(|e| CommandError::invalid(&[e]))?;
    office.write(Permission::Registry, |s| async move { s.set_office_hours(hours).await }).await?;
    Ok(hours)
}

/// Adds an official to the directory (no id) or corrects an entry (an event that syncs).
#[tauri::command]
pub async fn save_official(
    id: Option<Uuid>,
    input: OfficialInput,
    office: Shared<'_>,
) -> Result<Official, CommandError> {
    office.write(Permission::Registry, |s| async move { s.list_official(id, input).await }).await
}

/// Takes an official off the directory: kept in the log, gone from the desk's lists and the board.
#[tauri::command]
pub async fn take_off_official(id: Uuid, office: Shared<'_>) -> Result<(), CommandError> {
    office.write(Permission::Registry, |s| async move { s.take_off_official(id).await }).await
}

/// The admin finished or skipped the first-start wizard; every step stays in Cài đặt.
#[tauri::command]
pub async fn finish_setup(office: Shared<'_>) -> Result<(), CommandError> {
    let store = office.session.acting(&office.store, Permission::Accounts, Utc::now())?;
    Ok(store.finish_setup().await?)
}

/// One person's records in the registers (Law 91/2025), identity numbers masked; the search is
/// logged (which records, not whose name).
#[tauri::command]
pub async fn find_person(text: String, office: Shared<'_>) -> Result<Vec<PersonRecord>, CommandError> {
    let store = office.session.acting(&office.store, Permission::PersonalData, Utc::now())?;
    let query = person_query(&text)?;
    let records = store.find_person(&query).await?;
    store.record_access(Access::Search, &records.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    office.engine.nudge();
    Ok(records)
}

/// Everything held about the person, in full, saved where the person signed in chooses: the
/// file to hand them. `None` when the save dialog is cancelled.
#[tauri::command]
pub async fn export_person(
    text: String,
    format: FileFormat,
    office: Shared<'_>,
    app: tauri::AppHandle,
) -> Result<Option<String>, CommandError> {
    let store = office.session.acting(&office.store, Permission::PersonalData, Utc::now())?;
    let query = person_query(&text)?;
    let file = store.person_file(&query).await?;
    let Some(path) = office.where_to_save(&app, &format.file_name()).await? else { return Ok(None) };
    let bytes = crate::report::person_file(&file, format).map_err(export_failed)?;
    crate::report::write_file(&path, &bytes).map_err(export_failed)?;
    let records: Vec<Uuid> = file.visits.iter().map(|v| v.id).chain(file.feedback.iter().map(|f| f.id)).collect();
    store.record_access(Access::Export, &records).await?;
    office.engine.nudge();
    Ok(Some(path.display().to_string()))
}

/// Erases the person's data from every record the law lets go, for `reason`; the others are
/// listed with the date from which they can go.
#[tauri::command]
pub async fn erase_person(text: String, reason: String, office: Shared<'_>) -> Result<ErasureReport, CommandError> {
    let query = person_query(&text)?;
    office
        .write(Permission::PersonalData, |s| async move {
            let report = s.erase_person(&query, Grounds::Request, &reason).await?;
            s.record_access(Access::Erase, &report.erased.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
            Ok(report)
        })
        .await
}

/// The access log of personal data, newest first.
#[tauri::command]
pub async fn access_log(office: Shared<'_>) -> Result<Vec<AccessEntry>, CommandError> {
    Ok(office.read(Permission::PersonalData)?.access_log(200).await?)
}

/// The facts of a personal-data breach notice, gathered from the records (office head, admin).
#[tauri::command]
pub async fn breach_report(office: Shared<'_>, input: BreachInput) -> Result<BreachReport, CommandError> {
    Ok(office.read(Permission::PersonalData)?.breach_report(input).await?)
}

/// The retention periods in force, with their legal ground, and the latest runs: Cài đặt shows them.
#[tauri::command]
pub async fn retention_status(office: Shared<'_>) -> Result<RetentionStatus, CommandError> {
    let store = office.read(Permission::Registry)?;
    Ok(RetentionStatus { retention: store.reference().retention.clone(), runs: store.retention_runs(6).await? })
}

/// Where backups go, the ones there, and whether a restore waits for the next start (admin).
#[tauri::command]
pub async fn backup_status(office: Shared<'_>) -> Result<BackupStatus, CommandError> {
    Ok(office.read(Permission::Accounts)?.backup_status().await?)
}

/// A backup now, into the chosen folder ("Sao lưu ngay").
#[tauri::command]
pub async fn backup_now(office: Shared<'_>) -> Result<BackupStatus, CommandError> {
    let store = office.read(Permission::Accounts)?;
    store.backup_now().await?;
    Ok(store.backup_status().await?)
}

/// The admin chooses the backup folder (a USB drive, a network share) with the folder dialog.
#[tauri::command]
pub async fn choose_backup_folder(office: Shared<'_>, app: tauri::AppHandle) -> Result<Option<String>, CommandError> {
    let store = office.read(Permission::Accounts)?;
    let Some(folder) = pick(&app, FOLDER_TITLE, &store.backup_dir().await?, false).await else { return Ok(None) };
    store.set_backup_dir(&folder).await?;
    Ok(Some(folder.display().to_string()))
}

/// The code that opens this PC's backups on another PC, for the admin to write down.
#[tauri::command]
pub async fn backup_recovery_code(office: Shared<'_>) -> Result<String, CommandError> {
    Ok(office.read(Permission::Accounts)?.recovery_code())
}

/// The admin picks a backup to restore: it is checked and staged, and goes in place when
/// Thân Thiện next starts (the store in use cannot be swapped under the open window). A backup
/// from another PC needs that PC's recovery code.
#[tauri::command]
pub async fn restore_backup(
    office: Shared<'_>,
    app: tauri::AppHandle,
    recovery: Option<String>,
) -> Result<Option<String>, CommandError> {
    let store = office.read(Permission::Accounts)?;
    let recovery = match recovery.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(
            crate::store::cipher::StoreKey::parse(code)
                .ok_or_else(|| CommandError::invalid(&[thanthien_core::InputError::RecoveryCodeInvalid]))?,
        ),
        None => None,
    };
    let Some(file) = pick(&app, RESTORE_TITLE, &store.backup_dir().await?, true).await else { return Ok(None) };
    let data_dir = store.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    crate::store::backup::stage(&data_dir, &file, recovery.as_ref()).await?;
    tracing::info!(file = %file.display(), "restore staged for the next start");
    Ok(Some(file.display().to_string()))
}
