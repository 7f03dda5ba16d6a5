//! `thanthien official|office|procedure`: the officials directory, the office's hours and the
//! procedure catalogue in use.

use super::{print_json, CliError};
use crate::store::Store;
use clap::Subcommand;
use thanthien_core::official::OfficialInput;
use thanthien_core::procedure::OfficeHours;
use uuid::Uuid;

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
    /// Chủ tịch or Phó Chủ tịch (the province checks the leaders' phones are published).
    #[arg(long)]
    leader: bool,
}

impl From<OfficialArgs> for OfficialInput {
    fn from(a: OfficialArgs) -> Self {
        OfficialInput {
            name: a.name,
            title: a.title,
            phone: a.phone,
            counter: a.counter,
            phone_published: a.publish_phone,
            leader: a.leader,
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

pub async fn official(store: &Store, command: OfficialCommand) -> Result<(), CliError> {
    match command {
        OfficialCommand::Add(entry) => println!("{}", store.list_official(None, entry.into()).await?.id),
        OfficialCommand::Set { id, entry } => {
            store.list_official(Some(id), entry.into()).await?;
        }
        OfficialCommand::List { json: true } => print_json(&store.officials().await?)?,
        OfficialCommand::List { json: false } => {
            for o in store.officials().await? {
                let counter = o.counter.map_or("-".to_owned(), |c| format!("quầy {c}"));
                let phone = match (&o.phone, o.phone_published) {
                    (Some(p), true) => format!("{p} (công khai)"),
                    (Some(p), false) => p.clone(),
                    (None, _) => "-".to_owned(),
                };
                println!("{counter}  {}  {}  {phone}  {}", o.name, o.title, o.id);
            }
        }
    }
    Ok(())
}

pub async fn office(store: &Store, command: OfficeCommand) -> Result<(), CliError> {
    let OfficeCommand::Hours { morning, afternoon } = command;
    if let (Some(morning), Some(afternoon)) = (morning, afternoon) {
        store.set_office_hours(OfficeHours::parse(&morning, &afternoon)?).await?;
    }
    let h = store.reference().hours;
    let t = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    println!("Sáng {}-{}, chiều {}-{}", t(h.morning.0), t(h.morning.1), t(h.afternoon.0), t(h.afternoon.1));
    Ok(())
}

pub fn procedure(store: &Store, command: ProcedureCommand) -> Result<(), CliError> {
    let ProcedureCommand::List { json } = command;
    let catalogue = &store.reference().catalogue;
    if json {
        return print_json(catalogue);
    }
    for p in catalogue {
        let unverified = |field: &str| p.field_confidence.get(field).is_some_and(|c| c == "unverified");
        let code = p.code.as_deref().unwrap_or("—");
        let code_mark = if unverified("ma_tthc") { " (chưa xác minh)" } else { "" };
        let time_mark = if unverified("thoi_han") { " (chưa xác minh)" } else { "" };
        println!("{}  {code}{code_mark}  {}  [{}{time_mark}]", p.id, p.name, p.legal_time_text);
    }
    Ok(())
}
