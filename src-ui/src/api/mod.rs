//! Typed wrappers over the Tauri commands, one per command, named as the commands are.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use thanthien_core::account::{Account, AccountInput, SignedIn};
use thanthien_core::approval::WeekAction;
use thanthien_core::book::{BookFormat, BookPeriod};
use thanthien_core::breach::{BreachInput, BreachReport};
use thanthien_core::call::CallBoard;
use thanthien_core::camera::{Camera, CameraInput, CheckItem, CheckResult};
use thanthien_core::feedback::{FeedbackBoxSession, FeedbackInput, FeedbackItem, Kind, Notice, Status};
use thanthien_core::ipc::{
    BackupStatus, CommandError, DeskSettings, EnrollmentStatus, ErrorKind, MailboxReport, MailboxStatus, RatingRequest,
    SessionState, SyncReport, SyncStatus,
};
use thanthien_core::official::{Official, OfficialInput};
use thanthien_core::person::{AccessEntry, ErasureReport, FileFormat, PersonRecord};
use thanthien_core::procedure::OfficeHours;
use thanthien_core::procedure::Procedure;
use thanthien_core::publicity::{Board, BoardFormat, Publication, Venue};
use thanthien_core::reception::{ListedSchedule, ReceptionOverview, ScheduleInput, Session};
use thanthien_core::report::{ExportFormat, SummaryView};
use thanthien_core::retention::RetentionStatus;
use thanthien_core::slip::{Sheet, SlipForm};
use thanthien_core::summary::Week;
use thanthien_core::visit::{DossierAtRisk, FinishInput, RatingReason, Visit, VisitInput};
use uuid::Uuid;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `app.withGlobalTauri` puts Tauri's JS API on window.__TAURI__.
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

async fn call<A: Serialize, R: DeserializeOwned>(command: &str, args: &A) -> Result<R, CommandError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args
        .serialize(&serializer)
        .map_err(|e| CommandError::new(ErrorKind::Internal, format!("Lỗi giao diện: {e}")))?;
    match tauri_invoke(command, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| CommandError::new(ErrorKind::Internal, format!("Lỗi giao diện: {e}"))),
        Err(error) => Err(serde_wasm_bindgen::from_value(error.clone()).unwrap_or_else(|_| {
            CommandError::new(ErrorKind::Internal, format!("Lỗi không xác định: {:?}", error.as_string()))
        })),
    }
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Serialize)]
struct AddVisitArgs<'a> {
    input: &'a VisitInput,
}

pub async fn add_visit(input: &VisitInput) -> Result<Visit, CommandError> {
    call("add_visit", &AddVisitArgs { input }).await
}

#[derive(Serialize)]
struct CallNextArgs<'a> {
    official: &'a str,
    counter: u16,
}

pub async fn call_next(official: &str, counter: u16) -> Result<Option<Visit>, CommandError> {
    call("call_next", &CallNextArgs { official, counter }).await
}

#[derive(Serialize)]
struct CallVisitArgs<'a> {
    id: Uuid,
    official: &'a str,
    counter: u16,
}

pub async fn call_visit(id: Uuid, official: &str, counter: u16) -> Result<Visit, CommandError> {
    call("call_visit", &CallVisitArgs { id, official, counter }).await
}

#[derive(Serialize)]
struct FinishVisitArgs<'a> {
    id: Uuid,
    input: &'a FinishInput,
}

pub async fn finish_visit(id: Uuid, input: &FinishInput) -> Result<Visit, CommandError> {
    call("finish_visit", &FinishVisitArgs { id, input }).await
}

#[derive(Serialize)]
struct VisitArgs {
    id: Uuid,
}

pub async fn proposed_appointment(id: Uuid) -> Result<Option<NaiveDate>, CommandError> {
    call("proposed_appointment", &VisitArgs { id }).await
}

#[derive(Serialize)]
struct RescheduleVisitArgs<'a> {
    id: Uuid,
    appointment: NaiveDate,
    reason: &'a str,
    apology: bool,
}

pub async fn reception_overview() -> Result<ReceptionOverview, CommandError> {
    call("reception_overview", &NoArgs {}).await
}

#[derive(Serialize)]
struct ScheduleReceptionArgs<'a> {
    input: &'a ScheduleInput,
}

pub async fn schedule_reception(input: &ScheduleInput) -> Result<ListedSchedule, CommandError> {
    call("schedule_reception", &ScheduleReceptionArgs { input }).await
}

#[derive(Serialize)]
struct IdArgs {
    id: Uuid,
}

pub async fn end_reception_schedule(id: Uuid) -> Result<(), CommandError> {
    call("end_reception_schedule", &IdArgs { id }).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HoldReceptionArgs<'a> {
    day: NaiveDate,
    received_by: &'a str,
    citizens: u32,
    raised: &'a str,
    petitions: Vec<String>,
}

pub async fn hold_reception(
    day: NaiveDate,
    received_by: &str,
    citizens: u32,
    raised: &str,
    petitions: Vec<String>,
) -> Result<Session, CommandError> {
    call("hold_reception", &HoldReceptionArgs { day, received_by, citizens, raised, petitions }).await
}

#[derive(Serialize)]
struct SkipReceptionArgs<'a> {
    day: NaiveDate,
    reason: &'a str,
}

pub async fn skip_reception(day: NaiveDate, reason: &str) -> Result<Session, CommandError> {
    call("skip_reception", &SkipReceptionArgs { day, reason }).await
}

#[derive(Serialize)]
struct VisitSlipArgs {
    id: Uuid,
    form: SlipForm,
}

pub async fn call_board() -> Result<CallBoard, CommandError> {
    call("call_board", &NoArgs {}).await
}

pub async fn show_display_window() -> Result<(), CommandError> {
    call("show_display_window", &NoArgs {}).await
}

pub async fn visit_slip(id: Uuid, form: SlipForm) -> Result<Sheet, CommandError> {
    call("visit_slip", &VisitSlipArgs { id, form }).await
}

pub async fn reschedule_visit(
    id: Uuid,
    appointment: NaiveDate,
    reason: &str,
    apology: bool,
) -> Result<Visit, CommandError> {
    call("reschedule_visit", &RescheduleVisitArgs { id, appointment, reason, apology }).await
}

pub async fn return_result(id: Uuid) -> Result<Visit, CommandError> {
    call("return_result", &VisitArgs { id }).await
}

pub async fn dossiers_at_risk() -> Result<Vec<DossierAtRisk>, CommandError> {
    call("dossiers_at_risk", &NoArgs {}).await
}

pub async fn request_rating(id: Uuid) -> Result<RatingRequest, CommandError> {
    call("request_rating", &VisitArgs { id }).await
}

/// Brings the citizen's rating window up (on one monitor it stays hidden until asked).
pub async fn show_rating_window() -> Result<(), CommandError> {
    call("show_rating_window", &NoArgs {}).await
}

pub async fn rating_request() -> Result<Option<RatingRequest>, CommandError> {
    call("rating_request", &NoArgs {}).await
}

#[derive(Serialize)]
struct SubmitRatingArgs<'a> {
    level: u8,
    reasons: &'a [RatingReason],
}

pub async fn submit_rating(level: u8, reasons: &[RatingReason]) -> Result<(), CommandError> {
    call("submit_rating", &SubmitRatingArgs { level, reasons }).await
}

pub async fn list_officials() -> Result<Vec<Official>, CommandError> {
    call("list_officials", &NoArgs {}).await
}

pub async fn list_procedures() -> Result<Vec<Procedure>, CommandError> {
    call("list_procedures", &NoArgs {}).await
}

pub async fn list_today_visits() -> Result<Vec<Visit>, CommandError> {
    call("list_today_visits", &NoArgs {}).await
}

pub async fn sync_status() -> Result<SyncStatus, CommandError> {
    call("sync_status", &NoArgs {}).await
}

pub async fn sync_now() -> Result<SyncReport, CommandError> {
    call("sync_now", &NoArgs {}).await
}

pub async fn update_status() -> Result<thanthien_core::ipc::UpdateStatus, CommandError> {
    call("update_status", &NoArgs {}).await
}

/// Installs the offered update; on success the app gives way to the new version.
pub async fn install_update() -> Result<(), CommandError> {
    call("install_update", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddFeedbackArgs<'a> {
    input: &'a FeedbackInput,
    received_on: Option<NaiveDate>,
}

pub async fn add_feedback(input: &FeedbackInput, received_on: Option<NaiveDate>) -> Result<FeedbackItem, CommandError> {
    call("add_feedback", &AddFeedbackArgs { input, received_on }).await
}

#[derive(Serialize)]
struct SetFeedbackStatusArgs<'a> {
    id: Uuid,
    status: Status,
    by: Option<&'a str>,
    note: Option<&'a str>,
}

pub async fn set_feedback_status(
    id: Uuid,
    status: Status,
    by: Option<&str>,
    note: Option<&str>,
) -> Result<FeedbackItem, CommandError> {
    call("set_feedback_status", &SetFeedbackStatusArgs { id, status, by, note }).await
}

#[derive(Serialize)]
struct AnswerFeedbackArgs<'a> {
    id: Uuid,
    by: &'a str,
    via: Notice,
    reply: &'a str,
}

pub async fn answer_feedback(id: Uuid, by: &str, via: Notice, reply: &str) -> Result<FeedbackItem, CommandError> {
    call("answer_feedback", &AnswerFeedbackArgs { id, by, via, reply }).await
}

#[derive(Serialize)]
struct ClassifyFeedbackArgs {
    id: Uuid,
    kind: Kind,
}

pub async fn classify_feedback(id: Uuid, kind: Kind) -> Result<FeedbackItem, CommandError> {
    call("classify_feedback", &ClassifyFeedbackArgs { id, kind }).await
}

pub async fn feedback_register() -> Result<Vec<FeedbackItem>, CommandError> {
    call("feedback_register", &NoArgs {}).await
}

pub async fn list_cameras() -> Result<Vec<Camera>, CommandError> {
    call("list_cameras", &NoArgs {}).await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AddCameraArgs<'a> {
    input: &'a CameraInput,
    in_service_since: Option<NaiveDate>,
}

pub async fn add_camera(input: &CameraInput, in_service_since: Option<NaiveDate>) -> Result<Camera, CommandError> {
    call("add_camera", &AddCameraArgs { input, in_service_since }).await
}

#[derive(Serialize)]
struct CheckCameraArgs<'a> {
    id: Uuid,
    items: &'a BTreeMap<CheckItem, CheckResult>,
    by: Option<&'a str>,
    note: Option<&'a str>,
}

pub async fn check_camera(
    id: Uuid,
    items: &BTreeMap<CheckItem, CheckResult>,
    by: Option<&str>,
    note: Option<&str>,
) -> Result<Camera, CommandError> {
    call("check_camera", &CheckCameraArgs { id, items, by, note }).await
}

pub async fn probe_cameras() -> Result<Vec<Camera>, CommandError> {
    call("probe_cameras", &NoArgs {}).await
}

pub async fn mailbox_status() -> Result<MailboxStatus, CommandError> {
    call("mailbox_status", &NoArgs {}).await
}

#[derive(Serialize)]
struct SetMailboxArgs<'a> {
    server: &'a str,
    username: &'a str,
    password: &'a str,
}

pub async fn set_mailbox(server: &str, username: &str, password: &str) -> Result<MailboxStatus, CommandError> {
    call("set_mailbox", &SetMailboxArgs { server, username, password }).await
}

pub async fn read_mailbox() -> Result<MailboxReport, CommandError> {
    call("read_mailbox", &NoArgs {}).await
}

#[derive(Serialize)]
struct CodeFeedbackArgs<'a> {
    id: Uuid,
    code: &'a str,
}

pub async fn code_feedback(id: Uuid, code: &str) -> Result<FeedbackItem, CommandError> {
    call("code_feedback", &CodeFeedbackArgs { id, code }).await
}

#[derive(Serialize)]
struct OpenFeedbackBoxArgs<'a> {
    witnesses: &'a [String],
    letters: u16,
}

pub async fn open_feedback_box(witnesses: &[String], letters: u16) -> Result<FeedbackBoxSession, CommandError> {
    call("open_feedback_box", &OpenFeedbackBoxArgs { witnesses, letters }).await
}

pub async fn feedback_box_sessions() -> Result<Vec<FeedbackBoxSession>, CommandError> {
    call("feedback_box_sessions", &NoArgs {}).await
}

#[derive(Serialize)]
struct WeeklySummaryArgs {
    week: Option<Week>,
}

pub async fn weekly_summary(week: Option<Week>) -> Result<SummaryView, CommandError> {
    call("weekly_summary", &WeeklySummaryArgs { week }).await
}

pub async fn step_week(week: Week, action: &WeekAction) -> Result<SummaryView, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        week: Week,
        action: &'a WeekAction,
    }
    call("step_week", &Args { week, action }).await
}

pub async fn session_state() -> Result<SessionState, CommandError> {
    call("session_state", &NoArgs {}).await
}

pub async fn sign_in(username: &str, password: &str) -> Result<SignedIn, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        username: &'a str,
        password: &'a str,
    }
    call("sign_in", &Args { username, password }).await
}

pub async fn sign_out() -> Result<(), CommandError> {
    call("sign_out", &NoArgs {}).await
}

pub async fn touch_session() -> Result<SignedIn, CommandError> {
    call("touch_session", &NoArgs {}).await
}

#[derive(Serialize)]
struct AccountArgs<'a> {
    input: &'a AccountInput,
}

pub async fn create_first_account(input: &AccountInput) -> Result<SignedIn, CommandError> {
    call("create_first_account", &AccountArgs { input }).await
}

pub async fn create_account(input: &AccountInput) -> Result<Account, CommandError> {
    call("create_account", &AccountArgs { input }).await
}

pub async fn list_accounts() -> Result<Vec<Account>, CommandError> {
    call("list_accounts", &NoArgs {}).await
}

pub async fn reset_password(username: &str, password: &str) -> Result<(), CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        username: &'a str,
        password: &'a str,
    }
    call("reset_password", &Args { username, password }).await
}

/// The saved file's path; nothing when the person cancelled the save dialog.
pub async fn export_book(period: BookPeriod, format: BookFormat) -> Result<Option<String>, CommandError> {
    #[derive(Serialize)]
    struct Args {
        period: BookPeriod,
        format: BookFormat,
    }
    call("export_book", &Args { period, format }).await
}

pub async fn export_week(week: Week, format: ExportFormat) -> Result<Option<String>, CommandError> {
    #[derive(Serialize)]
    struct Args {
        week: Week,
        format: ExportFormat,
    }
    call("export_week", &Args { week, format }).await
}

pub async fn publicity_board() -> Result<(Board, Option<String>), CommandError> {
    call("publicity_board", &NoArgs {}).await
}

/// The saved file's path; nothing when the person cancelled the save dialog.
pub async fn export_board(format: BoardFormat) -> Result<Option<String>, CommandError> {
    #[derive(Serialize)]
    struct Args {
        format: BoardFormat,
    }
    call("export_board", &Args { format }).await
}

pub async fn record_publication(
    format: BoardFormat,
    venue: Venue,
    place: Option<String>,
) -> Result<Publication, CommandError> {
    #[derive(Serialize)]
    struct Args {
        format: BoardFormat,
        venue: Venue,
        place: Option<String>,
    }
    call("record_publication", &Args { format, venue, place }).await
}

pub async fn publications() -> Result<Vec<Publication>, CommandError> {
    call("publications", &NoArgs {}).await
}

pub async fn rate_feedback(id: Uuid, satisfied: bool) -> Result<FeedbackItem, CommandError> {
    #[derive(Serialize)]
    struct Args {
        id: Uuid,
        satisfied: bool,
    }
    call("rate_feedback", &Args { id, satisfied }).await
}

// Setting up the PC and the office.

pub async fn enroll(server_url: &str, code: &str) -> Result<EnrollmentStatus, CommandError> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Args<'a> {
        server_url: &'a str,
        code: &'a str,
    }
    call("enroll", &Args { server_url, code }).await
}

pub async fn enrollment_status() -> Result<EnrollmentStatus, CommandError> {
    call("enrollment_status", &NoArgs {}).await
}

pub async fn desk_settings() -> Result<DeskSettings, CommandError> {
    call("desk_settings", &NoArgs {}).await
}

pub async fn set_idle_lock(minutes: u32) -> Result<(), CommandError> {
    #[derive(Serialize)]
    struct Args {
        minutes: u32,
    }
    call("set_idle_lock", &Args { minutes }).await
}

pub async fn choose_export_folder() -> Result<Option<String>, CommandError> {
    call("choose_export_folder", &NoArgs {}).await
}

pub async fn set_office_hours(morning: &str, afternoon: &str) -> Result<OfficeHours, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        morning: &'a str,
        afternoon: &'a str,
    }
    call("set_office_hours", &Args { morning, afternoon }).await
}

pub async fn save_official(id: Option<Uuid>, input: &OfficialInput) -> Result<Official, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        id: Option<Uuid>,
        input: &'a OfficialInput,
    }
    call("save_official", &Args { id, input }).await
}

pub async fn take_off_official(id: Uuid) -> Result<(), CommandError> {
    call("take_off_official", &VisitArgs { id }).await
}

pub async fn finish_setup() -> Result<(), CommandError> {
    call("finish_setup", &NoArgs {}).await
}

#[derive(Serialize)]
struct PersonArgs<'a> {
    text: &'a str,
}

pub async fn find_person(text: &str) -> Result<Vec<PersonRecord>, CommandError> {
    call("find_person", &PersonArgs { text }).await
}

pub async fn export_person(text: &str, format: FileFormat) -> Result<Option<String>, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        text: &'a str,
        format: FileFormat,
    }
    call("export_person", &Args { text, format }).await
}

pub async fn erase_person(text: &str, reason: &str) -> Result<ErasureReport, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        text: &'a str,
        reason: &'a str,
    }
    call("erase_person", &Args { text, reason }).await
}

pub async fn breach_report(input: &BreachInput) -> Result<BreachReport, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        input: &'a BreachInput,
    }
    call("breach_report", &Args { input }).await
}

pub async fn access_log() -> Result<Vec<AccessEntry>, CommandError> {
    call("access_log", &NoArgs {}).await
}

pub async fn retention_status() -> Result<RetentionStatus, CommandError> {
    call("retention_status", &NoArgs {}).await
}

pub async fn backup_status() -> Result<BackupStatus, CommandError> {
    call("backup_status", &NoArgs {}).await
}

pub async fn backup_now() -> Result<BackupStatus, CommandError> {
    call("backup_now", &NoArgs {}).await
}

pub async fn choose_backup_folder() -> Result<Option<String>, CommandError> {
    call("choose_backup_folder", &NoArgs {}).await
}

pub async fn restore_backup(recovery: &str) -> Result<Option<String>, CommandError> {
    #[derive(Serialize)]
    struct Args<'a> {
        recovery: Option<&'a str>,
    }
    let recovery = Some(recovery.trim()).filter(|c| !c.is_empty());
    call("restore_backup", &Args { recovery }).await
}

pub async fn backup_recovery_code() -> Result<String, CommandError> {
    call("backup_recovery_code", &NoArgs {}).await
}
