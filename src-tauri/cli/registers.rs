//! The command line of the two registers: feedback (góp ý – phản ánh – kiến nghị) and cameras.

use super::{parse_at, CliError};
use crate::store::Store;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use thanthien_core::camera::{parse_items, Camera, CameraInput, CheckResult};
use thanthien_core::feedback::{FeedbackInput, FeedbackItem, Kind, Notice, Status, DEADLINES};
use thanthien_core::time::{local_day, vietnam};
use uuid::Uuid;

#[derive(Subcommand)]
pub enum FeedbackCommand {
    /// Enter a piece of feedback; prints the new item's id.
    Add {
        #[command(flatten)]
        item: FeedbackArgs,
        /// When it was received (RFC 3339); default now.
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
        /// The code it got in the national feedback system.
        #[arg(long)]
        code: Option<String>,
    },
    /// Move an item on; `--status answered` needs `--reply` and `--by`.
    Set {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        /// accepted | extended | awaiting-supplement | received (resume) | refused | transferred |
        /// answered | closed
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        reply: Option<String>,
        /// Who decided or answered.
        #[arg(long)]
        by: Option<String>,
        /// How the citizen was told: in-person | letter | phone | email | zalo | posted.
        #[arg(long, default_value = "letter")]
        via: String,
        #[arg(long)]
        note: Option<String>,
        /// The code it got in the national feedback system.
        #[arg(long)]
        code: Option<String>,
        /// Once finished: is the submitter satisfied with how it was handled? yes | no.
        #[arg(long, value_parser = parse_yes_no)]
        satisfied: Option<bool>,
        /// Correct the kind (the deadline follows it).
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The register: overdue first, each item with its due date and days left or overdue.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record a feedback-box opening before witnesses; prints its id for the letters.
    Box {
        /// A witness (at least two).
        #[arg(long = "witness")]
        witnesses: Vec<String>,
        /// Letters found in the box.
        #[arg(long, value_parser = crate::cli::parse_u16)]
        letters: u16,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The statutory deadline of each kind, with its legal source.
    Deadlines,
    /// Set the commune's feedback mailbox (IMAP over TLS). Without --password, reads it from stdin.
    Mailbox {
        /// host:port of the IMAP-over-TLS service (993 by default).
        #[arg(long)]
        server: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        password: Option<String>,
        /// An extra certificate authority to trust (PEM).
        #[arg(long)]
        ca_file: Option<std::path::PathBuf>,
    },
    /// Read the feedback mailbox now: each new message becomes a received item.
    Import,
}

#[derive(clap::Args)]
pub struct FeedbackArgs {
    /// box | email | phone | zalo | fanpage | portal | in-person
    #[arg(long)]
    channel: String,
    /// compliment | suggestion | recommendation | complaint | denunciation
    #[arg(long)]
    kind: String,
    #[arg(long)]
    content: String,
    /// The official it is about.
    #[arg(long)]
    official: Option<String>,
    #[arg(long)]
    procedure: Option<String>,
    /// The submitter's name (leave out for anonymous).
    #[arg(long)]
    submitter: Option<String>,
    /// Phone, e-mail or address to answer to.
    #[arg(long)]
    contact: Option<String>,
    /// Keep the submitter's name off anything published.
    #[arg(long)]
    hide_name: bool,
    /// A reference to an attached paper or file (repeatable).
    #[arg(long = "attachment")]
    attachments: Vec<String>,
    /// The feedback-box opening the letter came from (see `feedback box`).
    #[arg(value_parser = crate::cli::parse_id, long)]
    box_session: Option<Uuid>,
}

impl From<FeedbackArgs> for FeedbackInput {
    fn from(a: FeedbackArgs) -> Self {
        FeedbackInput {
            channel: a.channel,
            kind: a.kind,
            content: a.content,
            official: a.official,
            procedure: a.procedure,
            submitter: a.submitter,
            contact: a.contact,
            hide_name: a.hide_name,
            attachments: a.attachments,
            box_session: a.box_session,
            message_id: None,
        }
    }
}

#[derive(clap::Args)]
pub struct CameraArgs {
    #[arg(long)]
    name: String,
    /// The counter it watches.
    #[arg(long, value_parser = crate::cli::parse_u16)]
    counter: Option<u16>,
    /// Where it hangs, in words.
    #[arg(long)]
    location: Option<String>,
    /// rtsp://…, http://… or host:port, for the automatic probe.
    #[arg(long)]
    address: Option<String>,
    /// No longer in use: no check is owed from `--at` on.
    #[arg(long)]
    inactive: bool,
    /// When this took effect (a paper book entered later): a new camera's first day of service,
    /// from which its checks are owed; default now.
    #[arg(long, value_parser = parse_at)]
    at: Option<DateTime<Utc>>,
}

impl CameraArgs {
    /// The entry and when it took effect (`now` unless `--at` says otherwise).
    fn split(self, now: DateTime<Utc>) -> (CameraInput, DateTime<Utc>) {
        let input = CameraInput {
            name: self.name,
            counter: self.counter,
            location: self.location,
            address: self.address,
            active: !self.inactive,
        };
        (input, self.at.unwrap_or(now))
    }
}

#[derive(Subcommand)]
pub enum CameraCommand {
    /// Register a camera; prints its id.
    Add(CameraArgs),
    /// Correct a camera's whole entry.
    Set {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        #[command(flatten)]
        entry: CameraArgs,
    },
    /// A shift's check-in: every item of the checklist pass, fail or na.
    Check {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
        /// live=pass,recording=fail,clock=pass,retention=pass,signage=na
        #[arg(long = "item")]
        items: Vec<String>,
        #[arg(long)]
        by: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// Probe every camera that has an address and record the results as automatic checks.
    Probe,
    /// The cameras: last check, failing or not, missed shifts of the last week.
    List {
        #[arg(long)]
        json: bool,
    },
}

fn item_line(item: &FeedbackItem) -> String {
    let received = item.received_at.with_timezone(&vietnam()).format("%d/%m/%Y");
    let due = item.deadline.due.map_or("-".to_owned(), |d| format!("hạn {}", d.format("%d/%m/%Y")));
    let mut parts = vec![
        received.to_string(),
        item.kind.label().to_owned(),
        item.channel.label().to_owned(),
        item.status.label().to_owned(),
        due,
        item.deadline_label.clone(),
    ];
    if let Some(code) = &item.national_code {
        parts.push(format!("mã {code}"));
    }
    let summary: String = item.content.chars().take(60).collect();
    parts.push(summary);
    parts.push(item.id.to_string());
    parts.join("  ")
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "co" | "có" => Ok(true),
        "no" | "khong" | "không" => Ok(false),
        _ => Err("ghi yes hoặc no".to_owned()),
    }
}

pub async fn feedback(store: &Store, command: FeedbackCommand) -> Result<(), CliError> {
    match command {
        FeedbackCommand::Add { item, at, code } => {
            let input = FeedbackInput::from(item);
            let item = store.record_feedback(input, at.unwrap_or_else(|| store.now())).await?;
            if let Some(code) = code {
                store.code_feedback(item.id, code).await?;
            }
            println!("{}", item.id);
        }
        FeedbackCommand::Set { id, status, reply, by, via, note, code, kind, satisfied, at } => {
            let at = at.unwrap_or_else(|| store.now());
            if let Some(code) = code {
                store.code_feedback(id, code).await?;
            }
            if let Some(kind) = kind {
                store.classify_feedback(id, Kind::parse(&kind)?).await?;
            }
            let status = status.as_deref().map(Status::parse).transpose()?;
            let item = match (status, reply) {
                (Some(Status::Answered), Some(reply)) | (None, Some(reply)) => {
                    let via = Notice::parse(&via)
                        .map_err(|_| "--via: in-person, letter, phone, email, zalo hoặc posted".to_owned())?;
                    let by = by.ok_or_else(|| "trả lời cần ghi người trả lời (--by)".to_owned())?;
                    store.answer_feedback(id, by, via, reply, at).await?
                }
                (Some(Status::Answered), None) => return Err(thanthien_core::visit::InputError::ReplyMissing.into()),
                (Some(status), None) => store.set_feedback_status(id, status, by, note, at).await?,
                (Some(_), Some(_)) => return Err("chỉ ghi --reply khi trả lời (--status answered)".to_owned().into()),
                (None, None) => store.feedback_item(id).await?,
            };
            // Asked after the answer, so it goes last.
            let item = match satisfied {
                Some(satisfied) => store.rate_feedback(id, satisfied).await?,
                None => item,
            };
            println!("{}", item_line(&item));
        }
        FeedbackCommand::List { json } => {
            let items = store.feedback_register(local_day(store.now())).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&items).map_err(|e| e.to_string())?);
            } else {
                for item in &items {
                    println!("{}", item_line(item));
                }
            }
        }
        FeedbackCommand::Box { witnesses, letters, note, at } => {
            let session = store.open_feedback_box(witnesses, letters, note, at.unwrap_or_else(|| store.now())).await?;
            println!("{}", session.id);
        }
        FeedbackCommand::Mailbox { server, user, password, ca_file } => {
            let password = super::accounts::password_or_stdin(password)?;
            let in_os_store = crate::mailbox::configure(store, server, user, password, ca_file).await?;
            println!(
                "{}",
                if in_os_store {
                    "Đã lưu hộp thư góp ý; mật khẩu nằm trong kho mật khẩu của hệ điều hành."
                } else {
                    "Đã lưu hộp thư góp ý; máy này không có kho mật khẩu của hệ điều hành nên mật khẩu lưu trong dữ liệu của ứng dụng."
                }
            );
        }
        FeedbackCommand::Import => {
            let report = crate::mailbox::import(store).await?;
            println!("Hộp thư có {} thư; {} thư mới đã vào sổ góp ý.", report.seen, report.imported);
        }
        FeedbackCommand::Deadlines => {
            for rule in &DEADLINES {
                let limit = |l: Option<thanthien_core::procedure::LegalTime>| match l {
                    Some(thanthien_core::procedure::LegalTime::WorkingDays { days }) => format!("{days} ngày làm việc"),
                    Some(thanthien_core::procedure::LegalTime::CalendarDays { days }) => format!("{days} ngày"),
                    _ => "-".to_owned(),
                };
                println!(
                    "{}: xử lý {}, giải quyết {}, gia hạn {}. {}",
                    rule.kind.label(),
                    limit(rule.respond),
                    limit(rule.answer),
                    limit(rule.extension),
                    rule.source
                );
            }
        }
    }
    Ok(())
}

fn camera_line(c: &Camera) -> String {
    let state = if !c.active {
        "ngừng sử dụng".to_owned()
    } else if let Some(outage) = &c.outage {
        let items: Vec<&str> = outage.items.iter().map(|i| i.label()).collect();
        let since = outage.from.with_timezone(&vietnam()).format("%H:%M %d/%m");
        format!("LỖI từ {since}: {}", items.join(", "))
    } else if c.last_check.is_some() {
        "hoạt động tốt".to_owned()
    } else {
        "chưa kiểm tra".to_owned()
    };
    let counter = c.counter.map_or("-".to_owned(), |n| format!("quầy {n}"));
    let shift = if c.checked_this_shift { "đã kiểm tra ca này" } else { "chưa kiểm tra ca này" };
    let missed = if c.missed.is_empty() {
        String::new()
    } else {
        format!("  bỏ lỡ {} ca: {}", c.missed.len(), c.missed.iter().map(|s| s.label()).collect::<Vec<_>>().join(", "))
    };
    format!("{}  {counter}  {state}  {shift}{missed}  {}", c.name, c.id)
}

pub async fn camera(store: &Store, command: CameraCommand) -> Result<(), CliError> {
    match command {
        CameraCommand::Add(entry) => {
            let (input, at) = entry.split(store.now());
            let camera = store.list_camera(None, input, at).await?;
            println!("{}", camera.id);
        }
        CameraCommand::Set { id, entry } => {
            let (input, at) = entry.split(store.now());
            let camera = store.list_camera(Some(id), input, at).await?;
            println!("{}", camera_line(&camera));
        }
        CameraCommand::Check { id, items, by, note, at } => {
            let items = parse_items(&items.join(","))?;
            let camera = store.check_camera(id, items, false, by, note, at.unwrap_or_else(|| store.now())).await?;
            println!("{}", camera_line(&camera));
        }
        CameraCommand::Probe => {
            let results = crate::probe::probe_cameras(store, crate::probe::PROBE_TIMEOUT).await?;
            if results.is_empty() {
                println!("Chưa có camera nào có địa chỉ mạng để kiểm tra tự động.");
            }
            for (camera, outcome) in &results {
                let result = if outcome.reachable { CheckResult::Pass } else { CheckResult::Fail };
                println!("{}  {:?}  {}  {}", camera.name, result, outcome.detail, camera.id);
            }
        }
        CameraCommand::List { json } => {
            let cameras = store.cameras(store.now()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cameras).map_err(|e| e.to_string())?);
            } else {
                for c in &cameras {
                    println!("{}", camera_line(c));
                }
            }
        }
    }
    Ok(())
}
