//! The command line on the same binary and store as the window: for scripts and for entering the
//! paper book after the fact. Needs no display.

mod accounts;
mod board;
mod registers;

use crate::store::{Store, StoreError};
use crate::sync::{Client, Engine, SyncError};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::process::ExitCode;
use thanthien_core::official::OfficialInput;
use thanthien_core::procedure::OfficeHours;
use thanthien_core::time::{local_day, vietnam};
use thanthien_core::visit::{AppointmentRisk, FinishInput, Outcome, RatingLevel, RatingReason, Visit, VisitInput};
use uuid::Uuid;

#[derive(Parser)]
#[command(name = "thanthien", version, about = "Thân Thiện: sổ tiếp dân của xã, phường (chạy không cần mạng)")]
pub struct Cli {
    /// Data folder (default: THANTHIEN_DATA_DIR, else the system's app-data folder).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Enrol this PC with the province server using a one-time code.
    Enroll {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
    },
    /// Visits at the front desk.
    Visit {
        #[command(subcommand)]
        command: VisitCommand,
    },
    /// Push queued entries and pull the commune's other PCs' entries now.
    Sync,
    /// The officials directory (name, title, phone, counter; whether the phone is published).
    Official {
        #[command(subcommand)]
        command: OfficialCommand,
    },
    /// The office's settings, shared by every PC of the commune.
    Office {
        #[command(subcommand)]
        command: OfficeCommand,
    },
    /// The procedure catalogue (thủ tục hành chính).
    Procedure {
        #[command(subcommand)]
        command: ProcedureCommand,
    },
    /// The feedback register (góp ý – phản ánh – kiến nghị), with legal deadlines.
    Feedback {
        #[command(subcommand)]
        command: registers::FeedbackCommand,
    },
    /// The cameras watching the counters: registry, check-ins, probe.
    Camera {
        #[command(subcommand)]
        command: registers::CameraCommand,
    },
    /// The weekly summary (Báo cáo tuần) with last week beside it; default the current week.
    Summary {
        /// ISO week, e.g. 2026-W47.
        #[arg(long, value_parser = parse_week)]
        week: Option<thanthien_core::summary::Week>,
        #[arg(long)]
        json: bool,
    },
    /// The publicity board (Công khai): directory and catalogue as files; where they were published.
    Board {
        #[command(subcommand)]
        command: board::BoardCommand,
    },
    /// This PC's accounts (receptionist, office head, admin).
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// Write the weekly summary to a file.
    Export {
        #[arg(long, value_parser = parse_week)]
        week: thanthien_core::summary::Week,
        /// csv, xlsx or pdf.
        #[arg(long, value_parser = parse_format)]
        format: thanthien_core::report::ExportFormat,
        #[arg(long)]
        out: PathBuf,
    },
}

/// The width of the summary table's label column, in characters.
const LABEL_WIDTH: usize = 44;

/// One line of the summary table: a long label wraps, and its figures stand on its last line, so
/// the columns stay aligned however long a procedure's name.
fn print_table_line(label: &str, this_week: &str, last_week: &str) {
    let mut parts = thanthien_core::report::wrap(label, LABEL_WIDTH);
    let last = parts.pop().unwrap_or_default();
    for part in parts {
        println!("  {part}");
    }
    println!("  {last:<LABEL_WIDTH$} {this_week:>22} {last_week:>22}");
}

fn parse_format(text: &str) -> Result<thanthien_core::report::ExportFormat, String> {
    thanthien_core::report::ExportFormat::parse(text).map_err(|e| e.to_string())
}

fn parse_week(text: &str) -> Result<thanthien_core::summary::Week, String> {
    thanthien_core::summary::Week::try_from(text.to_owned())
}

#[derive(clap::Args)]
pub struct OfficialArgs {
    #[arg(long)]
    name: String,
    /// Chức danh, e.g. "Công chức Tư pháp - Hộ tịch".
    #[arg(long)]
    title: String,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long, value_parser = crate::cli::parse_u16)]
    counter: Option<u16>,
    /// Show the phone on the public board.
    #[arg(long)]
    publish_phone: bool,
}

impl From<OfficialArgs> for OfficialInput {
    fn from(a: OfficialArgs) -> Self {
        OfficialInput {
            name: a.name,
            title: a.title,
            phone: a.phone,
            counter: a.counter,
            phone_published: a.publish_phone,
        }
    }
}

#[derive(Subcommand)]
pub enum OfficialCommand {
    /// Add an official; prints the new entry's id.
    Add(OfficialArgs),
    /// Correct an official's whole entry.
    Set {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[command(flatten)]
        entry: OfficialArgs,
    },
    /// The directory, by counter.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum OfficeCommand {
    /// Show the opening hours, or set them (both sessions, e.g. 07:00-11:30 and 13:30-17:00).
    Hours {
        #[arg(long, requires = "afternoon")]
        morning: Option<String>,
        #[arg(long, requires = "morning")]
        afternoon: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum ProcedureCommand {
    /// List the procedures with their legal processing time; unverified values are marked.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum VisitCommand {
    /// Record a citizen's arrival; prints the new visit's id.
    Add {
        #[arg(long)]
        name: String,
        /// When it happened (RFC 3339, e.g. 2026-11-26T08:05:00+07:00); default now.
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
        #[arg(long)]
        procedure: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        citizen_id: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Which trip for the same matter: 1, 2, 3 (3 or more).
        #[arg(long, value_parser = crate::cli::parse_u8)]
        trip: Option<u8>,
    },
    /// An official calls the citizen to a counter (again, to recall a no-show).
    Call {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long)]
        official: String,
        #[arg(long, value_parser = crate::cli::parse_u16)]
        counter: u16,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The visit ends: resolved | dossier-received | guided | transferred | no-show | left.
    Finish {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long, value_parser = parse_word::<Outcome>)]
        outcome: Outcome,
        /// With dossier-received: the appointment (YYYY-MM-DD or DD/MM/YYYY); default: the one the
        /// procedure's legal time gives on the working-day calendar.
        #[arg(long, value_parser = parse_date)]
        appointment: Option<NaiveDate>,
        /// Why the appointment differs from the computed one (required then).
        #[arg(long)]
        appointment_reason: Option<String>,
        /// With guided: the papers still missing (the one-time written guidance).
        #[arg(long)]
        guidance: Option<String>,
        /// With transferred: the counter the citizen was sent to.
        #[arg(long, value_parser = crate::cli::parse_u16)]
        to_counter: Option<u16>,
        /// With transferred: the official the citizen was sent to.
        #[arg(long)]
        to_official: Option<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The result of a received dossier went back to the citizen.
    Return {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// Received dossiers due within one working day or overdue, result not back.
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Move a received dossier's appointment, with the reason.
    Reschedule {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long, value_parser = parse_date)]
        appointment: NaiveDate,
        #[arg(long)]
        reason: String,
        /// An apology slip (phiếu xin lỗi và hẹn lại) goes to the citizen with the new date.
        #[arg(long)]
        apology: bool,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The citizen's rating: 5 Rất hài lòng … 1 Rất không hài lòng.
    Rate {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[arg(long, value_parser = crate::cli::parse_u8)]
        level: u8,
        /// For levels 1–2: attitude | waiting-time | unclear-guidance | repeat-trips | other (repeatable).
        #[arg(long = "reason", value_parser = parse_word::<RatingReason>)]
        reasons: Vec<RatingReason>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// List visits, newest first.
    List {
        /// One JSON array of visits.
        #[arg(long)]
        json: bool,
    },
}

fn parse_at(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| "thời điểm phải theo RFC 3339, ví dụ 2026-11-26T08:05:00+07:00".to_owned())
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| "ngày phải có dạng 2026-12-01 hoặc 01/12/2026".to_owned())
}

/// A whole number, refused in Vietnamese (clap's own message is English).
fn parse_whole<T: std::str::FromStr + std::fmt::Display>(text: &str, min: T, max: T) -> Result<T, String> {
    text.trim().parse::<T>().map_err(|_| format!("phải là một số nguyên từ {min} đến {max}"))
}

/// A record's id as the lists print it.
fn parse_id(text: &str) -> Result<Uuid, String> {
    Uuid::parse_str(text.trim()).map_err(|_| "mã phải là mã đầy đủ như danh sách in ra (36 ký tự)".to_owned())
}

fn parse_u8(text: &str) -> Result<u8, String> {
    parse_whole(text, u8::MIN, u8::MAX)
}

fn parse_u16(text: &str) -> Result<u16, String> {
    parse_whole(text, u16::MIN, u16::MAX)
}

/// An argument error as one line in Vietnamese naming the argument (help and version print as
/// clap prints them). Returns the exit code: 2 for a refused command line, as clap does.
pub fn argument_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (arg, value) = (context(ContextKind::InvalidArg), context(ContextKind::InvalidValue));
    let reason = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
    let line = match e.kind() {
        ErrorKind::ValueValidation => format!("{arg}: {value:?} không hợp lệ: {reason}"),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg}: thiếu giá trị"),
        ErrorKind::InvalidValue => {
            format!("{arg}: {value:?} không hợp lệ; chọn một trong: {}", context(ContextKind::ValidValue))
        }
        ErrorKind::MissingRequiredArgument => format!("thiếu tham số bắt buộc: {arg}"),
        ErrorKind::UnknownArgument => format!("không có tham số {arg}"),
        ErrorKind::InvalidSubcommand => format!("không có lệnh {}", context(ContextKind::InvalidSubcommand)),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "thiếu lệnh con".to_owned()
        }
        ErrorKind::ArgumentConflict => format!("không dùng {arg} cùng {}", context(ContextKind::PriorArg)),
        ErrorKind::TooManyValues => format!("{arg}: chỉ ghi một lần"),
        _ => "tham số dòng lệnh không hợp lệ".to_owned(),
    };
    eprintln!("thanthien: {} (xem thanthien --help)", line.replace('\n', " "));
    ExitCode::from(2)
}

/// A value named by its wire word (the same words the sync protocol uses).
fn parse_word<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned()))
        .map_err(|_| format!("giá trị không hợp lệ: {text:?}"))
}

/// One visit on one line: ticket, name, procedure, outcome, appointment, rating, times, id.
fn visit_line(v: &Visit) -> String {
    let mut parts = vec![v.ticket.clone().unwrap_or_else(|| "-".into()), v.name.clone()];
    parts.push(v.procedure.clone().unwrap_or_else(|| "-".into()));
    parts.push(v.outcome.map_or("đang chờ", Outcome::label_vi).to_owned());
    if let Some(day) = v.appointment {
        parts.push(format!("hẹn {}", day.format("%d/%m/%Y")));
    }
    if let Some(level) = v.rating.and_then(|r| RatingLevel::try_from(r).ok()) {
        parts.push(level.label_vi().to_owned());
    }
    let minutes = |secs: Option<i64>| secs.map_or("-".to_owned(), |s| format!("{} phút", s / 60));
    parts.push(format!("chờ {}, giải quyết {}", minutes(v.waiting_secs), minutes(v.service_secs)));
    parts.push(v.id.to_string());
    parts.join("  ")
}

/// "cli:" and the OS login that ran the command.
fn cli_user() -> String {
    let os_user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "?".into());
    format!("cli:{os_user}")
}

/// Runs a subcommand; prints a one-line reason and returns failure on any error.
pub fn run(dir: PathBuf, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(format!("không khởi động được: {e}")),
    };
    match runtime.block_on(execute(dir, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("thanthien: {message}");
    ExitCode::FAILURE
}

fn store_message(e: StoreError) -> String {
    match e {
        StoreError::Invalid(errors) => errors.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "),
        StoreError::Denied(denial) => denial.to_string(),
        other => {
            tracing::error!(error = ?other, "store failure");
            format!("lỗi lưu trữ: {other}")
        }
    }
}

fn sync_message(e: SyncError) -> String {
    tracing::warn!(error = ?e, "sync failed");
    match &e {
        SyncError::Offline(source) => format!("{e} ({source})"),
        _ => e.to_string(),
    }
}

async fn execute(dir: PathBuf, command: Command) -> Result<(), String> {
    // Every event the command line writes names the OS account that ran it.
    let store = Store::open(&dir).await.map_err(store_message)?.by(cli_user());
    let result = match command {
        Command::Enroll { server, code } => {
            let commune = Client::new().enroll(&store, &server, &code).await.map_err(sync_message)?;
            eprintln!("Đã đăng ký máy này với {} ({}).", commune.name, commune.code);
            Ok(())
        }
        Command::Visit { command: VisitCommand::Add { name, at, procedure, phone, citizen_id, note, trip } } => {
            let input = VisitInput { name, procedure, phone, citizen_id, note, trip };
            let visit = store.record_visit(input, at.unwrap_or_else(Utc::now)).await.map_err(store_message)?;
            println!("{}", visit.id);
            Ok(())
        }
        Command::Visit { command: VisitCommand::Call { id, official, counter, at } } => {
            store.call_visit(id, official, counter, at.unwrap_or_else(Utc::now)).await.map(drop).map_err(store_message)
        }
        Command::Visit {
            command:
                VisitCommand::Finish { id, outcome, appointment, appointment_reason, guidance, to_counter, to_official, at },
        } => {
            let input = FinishInput { outcome, appointment, appointment_reason, guidance, to_counter, to_official };
            let visit = store.finish_visit(id, input, at.unwrap_or_else(Utc::now)).await.map_err(store_message)?;
            if let Some(day) = visit.appointment {
                println!("Hẹn trả kết quả: {}", day.format("%d/%m/%Y"));
            }
            Ok(())
        }
        Command::Visit { command: VisitCommand::Reschedule { id, appointment, reason, apology, at } } => store
            .reschedule_visit(id, appointment, reason, apology, at.unwrap_or_else(Utc::now))
            .await
            .map(drop)
            .map_err(store_message),
        Command::Visit { command: VisitCommand::Return { id, at } } => {
            store.return_result(id, at.unwrap_or_else(Utc::now)).await.map(drop).map_err(store_message)
        }
        Command::Visit { command: VisitCommand::Due { json } } => {
            let due = store.dossiers_at_risk(local_day(Utc::now())).await.map_err(store_message)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&due).map_err(|e| e.to_string())?);
            }
            for d in due.iter().filter(|_| !json) {
                let state = match d.risk {
                    AppointmentRisk::DueSoon => "sắp đến hạn",
                    AppointmentRisk::Overdue => "quá hạn",
                };
                let day = d.visit.appointment.map(|a| a.format("%d/%m/%Y").to_string()).unwrap_or_default();
                println!(
                    "{day}  {state}  {}  {}  {}",
                    d.visit.name,
                    d.visit.procedure.as_deref().unwrap_or("-"),
                    d.visit.id
                );
            }
            Ok(())
        }
        Command::Visit { command: VisitCommand::Rate { id, level, reasons, at } } => {
            store.rate_visit(id, level, reasons, at.unwrap_or_else(Utc::now)).await.map(drop).map_err(store_message)
        }
        Command::Visit { command: VisitCommand::List { json } } => {
            let visits = store.all_visits().await.map_err(store_message)?;
            if json {
                let text = serde_json::to_string_pretty(&visits).map_err(|e| e.to_string())?;
                println!("{text}");
            } else {
                for v in &visits {
                    let local = v.arrived_at.with_timezone(&vietnam());
                    let day = if local_day(v.arrived_at) == local_day(Utc::now()) {
                        String::new()
                    } else {
                        local.format("%d/%m/%Y ").to_string()
                    };
                    println!("{day}{}  {}", local.format("%H:%M"), visit_line(v));
                }
            }
            Ok(())
        }
        Command::Official { command: OfficialCommand::Add(entry) } => {
            let official = store.list_official(None, entry.into()).await.map_err(store_message)?;
            println!("{}", official.id);
            Ok(())
        }
        Command::Official { command: OfficialCommand::Set { id, entry } } => {
            store.list_official(Some(id), entry.into()).await.map(drop).map_err(store_message)
        }
        Command::Official { command: OfficialCommand::List { json } } => {
            let officials = store.officials().await.map_err(store_message)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&officials).map_err(|e| e.to_string())?);
            }
            for o in officials.iter().filter(|_| !json) {
                let counter = o.counter.map_or("-".to_owned(), |c| format!("quầy {c}"));
                let phone = match (&o.phone, o.phone_published) {
                    (Some(p), true) => format!("{p} (công khai)"),
                    (Some(p), false) => p.clone(),
                    (None, _) => "-".to_owned(),
                };
                println!("{counter}  {}  {}  {phone}  {}", o.name, o.title, o.id);
            }
            Ok(())
        }
        Command::Office { command: OfficeCommand::Hours { morning, afternoon } } => {
            if let (Some(morning), Some(afternoon)) = (morning, afternoon) {
                let hours = OfficeHours::parse(&morning, &afternoon).map_err(|e| e.to_string())?;
                store.set_office_hours(hours).await.map_err(store_message)?;
            }
            let h = store.reference().hours;
            let t = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
            println!("Sáng {}-{}, chiều {}-{}", t(h.morning.0), t(h.morning.1), t(h.afternoon.0), t(h.afternoon.1));
            Ok(())
        }
        Command::Procedure { command: ProcedureCommand::List { json } } => {
            let catalogue = &store.reference().catalogue;
            if json {
                println!("{}", serde_json::to_string_pretty(catalogue).map_err(|e| e.to_string())?);
            } else {
                for p in catalogue {
                    let unverified = |field: &str| p.field_confidence.get(field).is_some_and(|c| c == "unverified");
                    let code = p.code.as_deref().unwrap_or("—");
                    let code_mark = if unverified("ma_tthc") { " (chưa xác minh)" } else { "" };
                    let time_mark = if unverified("thoi_han") { " (chưa xác minh)" } else { "" };
                    println!("{}  {code}{code_mark}  {}  [{}{time_mark}]", p.id, p.name, p.legal_time_text);
                }
            }
            Ok(())
        }
        Command::Feedback { command } => registers::feedback(&store, command).await,
        Command::User { command } => accounts::user(&store, command).await,
        Command::Board { command } => board::board(&store, command).await,
        Command::Summary { week, json } => {
            let week = week.unwrap_or_else(|| thanthien_core::summary::Week::of(Utc::now()));
            let summary = store.weekly_summary(week, Utc::now()).await.map_err(store_message)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?);
            } else {
                println!(
                    "Báo cáo tuần {} ({} – {}), so với tuần {}",
                    week,
                    week.monday().format("%d/%m/%Y"),
                    week.sunday().format("%d/%m/%Y"),
                    week.previous()
                );
                println!("{}", thanthien_core::report::status_line(&summary));
                let mut section = String::new();
                for row in thanthien_core::report::rows(&summary) {
                    if row.section != section {
                        println!("\n{}", row.section);
                        section = row.section.clone();
                    }
                    print_table_line(&row.label, &row.this_week.text(), &row.last_week.text());
                }
                if !summary.amendments.is_empty() {
                    println!("\n{}", thanthien_core::report::AMENDMENTS);
                    let text = |f: Option<thanthien_core::report::Figure>| f.map_or("—".to_owned(), |f| f.text());
                    for a in &summary.amendments {
                        print_table_line(&format!("{} · {}", a.section, a.label), &text(a.approved), &text(a.now));
                    }
                }
                println!("\nGhi chú: {}", thanthien_core::report::FOOTNOTE);
            }
            Ok(())
        }
        Command::Export { week, format, out } => {
            let summary = store.weekly_summary(week, Utc::now()).await.map_err(store_message)?;
            let office = store.office_name().await.map_err(store_message)?;
            crate::report::export_to(&summary, format, &office, &out).map_err(|e| e.to_string())?;
            println!("{}", out.display());
            Ok(())
        }
        Command::Camera { command } => registers::camera(&store, command).await,
        Command::Sync => {
            // The same round the window's "Đồng bộ ngay" runs, recorded for its sync badge.
            let report = Engine::new(store.clone()).sync_now().await.map_err(sync_message)?;
            let status = store.sync_status().await.map_err(store_message)?;
            println!(
                "Đã gửi {} bản ghi, nhận {} bản ghi, bị từ chối {}; còn chờ gửi {}.",
                report.pushed, report.pulled, report.rejected, status.pending
            );
            if let Some(warning) = &status.clock_warning {
                eprintln!("{warning}");
            }
            if report.reference > 0 {
                println!(
                    "Đã cập nhật {} bộ dữ liệu dùng chung từ tỉnh (danh mục thủ tục, lịch nghỉ).",
                    report.reference
                );
            }
            Ok(())
        }
    };
    store.close().await;
    result
}
