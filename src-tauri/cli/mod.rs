//! The command line, on the same store as the window: for scripts and for entering the paper book
//! after the fact. Needs no display, and reaches no window code, so `thanthien` links none of it.

mod accounts;
mod board;
mod directory;
mod person;
mod reception;
mod registers;
mod visits;
mod weekly;

use crate::store::cipher::StoreKey;
use crate::store::{Store, StoreError};
use crate::sync::{Client, Engine, SyncError};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::process::ExitCode;
use thanthien_core::ipc::CommandError;
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
        command: visits::VisitCommand,
    },
    /// The chairman's citizen-reception days: schedule, end, hold, skip, list.
    Reception {
        #[command(subcommand)]
        command: reception::ReceptionCommand,
    },
    /// One citizen's records under the law on personal data (find them by name, phone or ID).
    Person {
        #[command(subcommand)]
        command: person::PersonCommand,
    },
    /// How long each register keeps personal data (the province's periods, with their legal
    /// ground) and the latest runs; --run erases now what is past its period.
    Retention {
        #[arg(long)]
        run: bool,
    },
    /// Backups of this PC's store: now (into the chosen folder, or --to DIR), restore one, or the
    /// recovery code that opens them on another PC.
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// Push queued entries and pull the commune's other PCs' entries now.
    Sync,
    /// Whether the province offers a newer version of the app; --install downloads it, checks its
    /// signature and installs it (the binary replaced on Linux; the installer run on Windows).
    Update {
        #[arg(long)]
        install: bool,
    },
    /// The officials directory (name, title, phone, counter; whether the phone is published).
    Official {
        #[command(subcommand)]
        command: directory::OfficialCommand,
    },
    /// The office's settings, shared by every PC of the commune.
    Office {
        #[command(subcommand)]
        command: directory::OfficeCommand,
    },
    /// The procedure catalogue (thủ tục hành chính).
    Procedure {
        #[command(subcommand)]
        command: directory::ProcedureCommand,
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
    /// The tracking book of dossiers (sổ theo dõi hồ sơ, Mẫu 06) of a week or a month, as an A4 PDF
    /// or a spreadsheet.
    Book {
        #[arg(long, value_parser = parse_week, conflicts_with = "month", required_unless_present = "month")]
        week: Option<thanthien_core::summary::Week>,
        /// YYYY-MM.
        #[arg(long, value_parser = parse_month)]
        month: Option<thanthien_core::book::BookPeriod>,
        /// pdf or xlsx.
        #[arg(long, value_parser = parse_book_format)]
        format: thanthien_core::book::BookFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// A slip of the one-stop procedure for a visit, as a PDF: 01 receipt and appointment,
    /// 02 request to complete the dossier, 03 refusal, 04 apology and new date.
    Slip {
        #[arg(long, value_parser = parse_id)]
        visit: uuid::Uuid,
        /// 01, 02, 03 or 04.
        #[arg(long, value_parser = parse_word::<thanthien_core::slip::SlipForm>)]
        form: thanthien_core::slip::SlipForm,
        /// a4 (default) or a5.
        #[arg(long, value_parser = parse_word::<thanthien_core::slip::SlipSize>, default_value = "a4")]
        size: thanthien_core::slip::SlipSize,
        #[arg(long)]
        out: PathBuf,
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

fn parse_book_format(text: &str) -> Result<thanthien_core::book::BookFormat, String> {
    thanthien_core::book::BookFormat::parse(text).map_err(|e| e.to_string())
}

fn parse_month(text: &str) -> Result<thanthien_core::book::BookPeriod, String> {
    thanthien_core::book::BookPeriod::month(text).ok_or_else(|| "tháng phải có dạng 2026-11".to_owned())
}

fn parse_format(text: &str) -> Result<thanthien_core::report::ExportFormat, String> {
    thanthien_core::report::ExportFormat::parse(text).map_err(|e| e.to_string())
}

fn parse_week(text: &str) -> Result<thanthien_core::summary::Week, String> {
    thanthien_core::summary::Week::try_from(text.to_owned())
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

fn parse_u32(text: &str) -> Result<u32, String> {
    parse_whole(text, u32::MIN, u32::MAX)
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

/// "cli:" and the OS login that ran the command.
fn cli_user() -> String {
    let os_user = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "?".into());
    format!("cli:{os_user}")
}

/// Why a command did not run, said in one line. Store and sync errors are worded by the same
/// mapping the window's commands use (`CommandError`), so the screen and the command line agree.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{}", one_line(.0))]
    Refused(CommandError),
    #[error("{0}")]
    Export(#[from] crate::report::ExportError),
    #[error("{0}")]
    Mailbox(#[from] crate::mailbox::MailboxError),
    /// A value the argument parser let through but the command refuses (a word, yes or no).
    #[error("{0}")]
    Input(String),
    #[error("không ghi được kết quả: {0}")]
    Output(#[from] std::io::Error),
    #[error("{0}")]
    Update(crate::update::InstallError),
}

impl From<crate::update::InstallError> for CliError {
    fn from(e: crate::update::InstallError) -> Self {
        match e {
            crate::update::InstallError::Sync(e) => e.into(),
            e => CliError::Update(e),
        }
    }
}

/// A refusal's one line: each refused field's own sentence, else the message.
fn one_line(e: &CommandError) -> String {
    if e.fields.is_empty() {
        e.message.clone()
    } else {
        e.fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" ")
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError::Refused(e.into())
    }
}

impl From<SyncError> for CliError {
    fn from(e: SyncError) -> Self {
        CliError::Refused(e.into())
    }
}

impl From<thanthien_core::InputError> for CliError {
    fn from(e: thanthien_core::InputError) -> Self {
        CliError::Refused(CommandError::invalid(&[e]))
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::Input(message)
    }
}

/// Prints a value as pretty JSON on standard output.
fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    println!("{text}");
    Ok(())
}

/// What both programs do first: read the command line, then run its command, or open the window
/// with `window` when there is none.
pub fn start(version: &'static str, window: fn(PathBuf) -> ExitCode) -> ExitCode {
    crate::set_version(version);
    let parsed = Cli::command().version(version).try_get_matches().and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return argument_error(e),
    };
    let dir = crate::data_dir(cli.data_dir);
    match cli.command {
        None => window(dir),
        Some(command) => {
            attach_console();
            // Details go to a log file in the data folder; the screen gets one line per problem.
            crate::init_logging("warn", Some(&dir.join("logs").join("thanthien-cli.log")));
            run(dir, command)
        }
    }
}

/// This process becomes the window (`thanthien-desk`, beside this program) with the same
/// arguments; it returns only when that program cannot be started.
#[cfg(unix)]
pub fn become_desk() -> ExitCode {
    use std::os::unix::process::CommandExt;
    let desk = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name(crate::DESK_PROGRAM),
        Err(e) => return crate::desk::window_failed(&format!("không biết thanthien nằm ở đâu: {e}")),
    };
    let e = std::process::Command::new(&desk).args(std::env::args_os().skip(1)).exec();
    crate::desk::window_failed(&format!("không chạy được {}: {e}", desk.display()))
}

/// A Windows release build is a window program, which Windows starts with no console: typed in a
/// Command Prompt, the command line would print nothing. It writes to the prompt it was typed in
/// (its parent's console) unless its output was already sent somewhere (a pipe, a file).
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, GetStdHandle, ATTACH_PARENT_PROCESS, STD_OUTPUT_HANDLE};
    // SAFETY: both calls take no pointers; a failed attach leaves the process as it was.
    unsafe {
        if GetStdHandle(STD_OUTPUT_HANDLE).is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
fn attach_console() {}

/// Runs a subcommand; prints a one-line reason and returns failure on any error.
pub fn run(dir: PathBuf, command: Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("không khởi động được: {e}")),
    };
    match runtime.block_on(execute(dir, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("thanthien: {message}");
    ExitCode::FAILURE
}

#[derive(Subcommand)]
pub enum BackupCommand {
    /// A consistent copy of the store now; the folder keeps the newest 14.
    Now {
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Puts a backup in place of this PC's store (close the window first). The PC then writes
    /// nothing until one sync round has told it where its numbering goes on and given back what
    /// it had synced after the backup. A backup made on another PC (the broken one this PC
    /// replaces) needs that PC's recovery code: --key.
    Restore {
        file: PathBuf,
        #[arg(long)]
        key: Option<String>,
    },
    /// The recovery code of this PC's backups: keep it on paper, apart from the backups.
    Key,
}

async fn execute(dir: PathBuf, command: Command) -> Result<(), CliError> {
    // A restore replaces the store: it runs before the store is opened.
    if let Command::Backup { command: BackupCommand::Restore { file, key } } = &command {
        let recovery = match key {
            Some(code) => Some(StoreKey::parse(code).ok_or(thanthien_core::InputError::RecoveryCodeInvalid)?),
            None => None,
        };
        crate::store::backup::restore(&dir, file, recovery.as_ref()).await?;
        println!("Đã khôi phục từ {}. Đồng bộ một lần (thanthien sync) trước khi ghi tiếp.", file.display());
        return Ok(());
    }
    // Every event the command line writes names the OS account that ran it.
    let store = Store::open(&dir).await?.by(cli_user());
    let result = match command {
        Command::Enroll { server, code } => {
            let commune = Client::new().enroll(&store, &server, &code).await?;
            eprintln!("Đã đăng ký máy này với {} ({}).", commune.name, commune.code);
            Ok(())
        }
        Command::Visit { command } => visits::visit(&store, command).await,
        Command::Official { command } => directory::official(&store, command).await,
        Command::Office { command } => directory::office(&store, command).await,
        Command::Procedure { command } => directory::procedure(&store, command),
        Command::Feedback { command } => registers::feedback(&store, command).await,
        Command::Camera { command } => registers::camera(&store, command).await,
        Command::User { command } => accounts::user(&store, command).await,
        Command::Board { command } => board::board(&store, command).await,
        Command::Summary { week, json } => weekly::summary(&store, week, json).await,
        Command::Export { week, format, out } => weekly::export(&store, week, format, &out).await,
        Command::Book { week, month, format, out } => {
            match week.map(|week| thanthien_core::book::BookPeriod::Week { week }).or(month) {
                Some(period) => weekly::book(&store, period, format, &out).await,
                None => Err(CliError::Input("chọn --week hoặc --month".to_owned())),
            }
        }
        Command::Slip { visit, form, size, out } => weekly::slip(&store, visit, form, size, &out).await,
        Command::Person { command } => person::person(&store, command).await,
        Command::Reception { command } => reception::reception(&store, command).await,
        Command::Retention { run } => person::retention(&store, run).await,
        Command::Backup { command: BackupCommand::Now { to } } => {
            let made = match to {
                Some(dir) => store.backup_to(&dir).await,
                None => store.backup_now().await,
            };
            made.map(|path| println!("Đã sao lưu vào {}", path.display())).map_err(CliError::from)
        }
        Command::Backup { command: BackupCommand::Restore { .. } } => Ok(()),
        Command::Backup { command: BackupCommand::Key } => {
            println!("{}", store.recovery_code());
            Ok(())
        }
        Command::Sync => sync(&store).await,
        Command::Update { install } => update(&store, install).await,
    };
    store.close().await;
    result
}

/// The same round the window's "Đồng bộ ngay" runs, recorded for its sync badge.
async fn sync(store: &Store) -> Result<(), CliError> {
    crate::sync::keep_token_in_os_store(store).await?;
    let engine = Engine::new(store.clone());
    let report = engine.sync_now().await?;
    let status = store.sync_status().await?;
    println!(
        "Đã gửi {} bản ghi, nhận {} bản ghi, bị từ chối {}; còn chờ gửi {}.",
        report.pushed, report.pulled, report.rejected, status.pending
    );
    if let Some(warning) = &status.clock_warning {
        eprintln!("{warning}");
    }
    if report.reference > 0 {
        println!("Đã cập nhật {} bộ dữ liệu dùng chung từ tỉnh (danh mục thủ tục, lịch nghỉ).", report.reference);
    }
    if let Some(release) = engine.update_offer() {
        println!(
            "Có bản cập nhật {} (đang dùng {}): thanthien update --install để cài.",
            release.version,
            crate::version()
        );
    }
    Ok(())
}

/// What the province offers; with `install`, the update installed and the new version started.
async fn update(store: &Store, install: bool) -> Result<(), CliError> {
    let client = Client::new();
    let Some(release) = client.update_offer(store).await? else {
        println!("Đang dùng bản mới nhất ({}).", crate::version());
        return Ok(());
    };
    println!("Có bản cập nhật {} (đang dùng {}).", release.version, crate::version());
    if !release.notes.is_empty() {
        println!("{}", release.notes);
    }
    if !install {
        println!("Cài bằng: thanthien update --install");
        return Ok(());
    }
    match crate::update::install(&client, store, &release).await? {
        crate::update::Installed::Replaced(exe) => {
            // Started again: the new binary answers with its own version.
            let out = std::process::Command::new(&exe).arg("--version").output()?;
            println!("Đã cài bản {}; chạy lại: {}", release.version, String::from_utf8_lossy(&out.stdout).trim());
        }
        crate::update::Installed::InstallerStarted => {
            println!("Đang chạy trình cài bản {}; Thân Thiện sẽ tự mở lại khi cài xong.", release.version);
        }
    }
    Ok(())
}
