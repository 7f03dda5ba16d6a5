//! `thanthien visit`: the front desk's visits from the command line, for scripts and for entering
//! the paper book after the fact.

use super::{parse_at, parse_date, parse_word, print_json, CliError};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use thanthien_core::time::{local_day, vietnam};
use thanthien_core::visit::{AppointmentRisk, FinishInput, Outcome, RatingLevel, RatingReason, Visit, VisitInput};
use uuid::Uuid;

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
    /// The visit ends: resolved | dossier-received | guided | refused | transferred | no-show | left.
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
        /// With dossier-received: the papers received, separated by ";" (the receipt slip lists them).
        #[arg(long)]
        papers: Option<String>,
        /// With refused: why the dossier is refused (the refusal slip, Mẫu 03).
        #[arg(long)]
        refusal_reason: Option<String>,
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

pub async fn visit(store: &Store, command: VisitCommand) -> Result<(), CliError> {
    let now = store.now();
    match command {
        VisitCommand::Add { name, at, procedure, phone, citizen_id, note, trip } => {
            let input = VisitInput { name, procedure, phone, citizen_id, note, trip };
            println!("{}", store.record_visit(input, at.unwrap_or(now)).await?.id);
        }
        VisitCommand::Call { id, official, counter, at } => {
            store.call_visit(id, official, counter, at.unwrap_or(now)).await?;
        }
        VisitCommand::Finish {
            id,
            outcome,
            appointment,
            appointment_reason,
            guidance,
            papers,
            refusal_reason,
            to_counter,
            to_official,
            at,
        } => {
            let input = FinishInput {
                outcome,
                appointment,
                appointment_reason,
                guidance,
                to_counter,
                to_official,
                papers,
                refusal_reason,
            };
            let visit = store.finish_visit(id, input, at.unwrap_or(now)).await?;
            if let Some(day) = visit.appointment {
                println!("Hẹn trả kết quả: {}", day.format("%d/%m/%Y"));
            }
        }
        VisitCommand::Reschedule { id, appointment, reason, apology, at } => {
            store.reschedule_visit(id, appointment, reason, apology, at.unwrap_or(now)).await?;
        }
        VisitCommand::Return { id, at } => {
            store.return_result(id, at.unwrap_or(now)).await?;
        }
        VisitCommand::Due { json: true } => print_json(&store.dossiers_at_risk(local_day(now)).await?)?,
        VisitCommand::Due { json: false } => {
            for d in store.dossiers_at_risk(local_day(now)).await? {
                let state = match d.risk {
                    AppointmentRisk::DueSoon => "sắp đến hạn",
                    AppointmentRisk::Overdue => "quá hạn",
                };
                let day = d.visit.appointment.map(|a| a.format("%d/%m/%Y").to_string()).unwrap_or_default();
                let procedure = d.visit.procedure.as_deref().unwrap_or("-");
                println!("{day}  {state}  {}  {procedure}  {}", d.visit.name, d.visit.id);
            }
        }
        VisitCommand::Rate { id, level, reasons, at } => {
            store.rate_visit(id, level, reasons, at.unwrap_or(now)).await?;
        }
        VisitCommand::List { json: true } => print_json(&store.all_visits().await?)?,
        VisitCommand::List { json: false } => {
            for v in &store.all_visits().await? {
                let local = v.arrived_at.with_timezone(&vietnam());
                let day = if local_day(v.arrived_at) == local_day(now) {
                    String::new()
                } else {
                    local.format("%d/%m/%Y ").to_string()
                };
                println!("{day}{}  {}", local.format("%H:%M"), visit_line(v));
            }
        }
    }
    Ok(())
}

/// One visit on one line: ticket, name, procedure, outcome, appointment, rating, times, id.
fn visit_line(v: &Visit) -> String {
    let mut parts = vec![v.ticket.clone().unwrap_or_else(|| "-".into()), v.name.clone()];
    parts.push(v.procedure.clone().unwrap_or_else(|| "-".into()));
    parts.push(v.outcome.map_or("đang chờ", Outcome::label).to_owned());
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
