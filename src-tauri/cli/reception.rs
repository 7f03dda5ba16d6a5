//! `thanthien reception`: the chairman's citizen-reception days (Luật Tiếp công dân 2013, Điều
//! 15) from the command line: set or end a schedule, record a day held or not held, list them.

use super::{parse_at, parse_date, print_json, CliError};
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;
use thanthien_core::reception::{ScheduleInput, Session};
use thanthien_core::summary::Week;
use thanthien_core::time::local_day;
use uuid::Uuid;

#[derive(Subcommand)]
pub enum ReceptionCommand {
    /// Set a schedule: every week on a weekday (--weekday "thứ 5" --from DATE [--until DATE]) or
    /// on listed dates (--date DATE, repeatable); prints its id.
    Schedule {
        /// Who receives: the chairman, or the deputy assigned.
        #[arg(long)]
        receiver: String,
        #[arg(long)]
        weekday: Option<String>,
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        #[arg(long, value_parser = parse_date)]
        until: Option<NaiveDate>,
        #[arg(long = "date", value_parser = parse_date)]
        dates: Vec<NaiveDate>,
        /// "07:30-11:30".
        #[arg(long)]
        hours: String,
        #[arg(long)]
        place: String,
    },
    /// End a schedule: it owes no day after today.
    End {
        #[arg(value_parser = crate::cli::parse_id)]
        id: Uuid,
    },
    /// A day's session was held.
    Hold {
        #[arg(long, value_parser = parse_date)]
        day: NaiveDate,
        /// Who received the citizens.
        #[arg(long)]
        received_by: String,
        #[arg(long, value_parser = crate::cli::parse_u32)]
        citizens: u32,
        /// What the citizens raised, in short.
        #[arg(long, default_value = "")]
        raised: String,
        /// A petition to follow up: each becomes an item of the feedback register (repeatable).
        #[arg(long = "petition")]
        petitions: Vec<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// A day's session was not held, and why.
    Skip {
        #[arg(long, value_parser = parse_date)]
        day: NaiveDate,
        #[arg(long)]
        reason: String,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The schedules in force, the coming days, and a week's sessions with its figures.
    List {
        /// The week to show (default: this week).
        #[arg(long, value_parser = crate::cli::parse_week)]
        week: Option<Week>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn reception(store: &Store, command: ReceptionCommand) -> Result<(), CliError> {
    let now = store.now();
    match command {
        ReceptionCommand::Schedule { receiver, weekday, from, until, dates, hours, place } => {
            let input = ScheduleInput { receiver, weekday, from, until, dates, hours, place };
            let listed = store.schedule_reception(input).await?;
            println!("{}", listed.id);
            eprintln!("Lịch tiếp công dân: {}.", listed.schedule.describe());
        }
        ReceptionCommand::End { id } => store.end_reception_schedule(id).await?,
        ReceptionCommand::Hold { day, received_by, citizens, raised, petitions, at } => {
            let session =
                store.hold_reception(day, &received_by, citizens, &raised, petitions, at.unwrap_or(now)).await?;
            if let Session::Held { feedback, .. } = session {
                eprintln!(
                    "Đã ghi buổi tiếp ngày {}; {} kiến nghị vào sổ góp ý.",
                    day.format("%d/%m/%Y"),
                    feedback.len()
                );
            }
        }
        ReceptionCommand::Skip { day, reason, at } => {
            store.skip_reception(day, &reason, at.unwrap_or(now)).await?;
        }
        ReceptionCommand::List { week, json } => {
            let today = local_day(now);
            let week = week.unwrap_or_else(|| Week::of_day(today));
            let schedules = store.reception_schedules().await?;
            let coming = store.upcoming_receptions(today, 8).await?;
            let sessions = store.reception_sessions(week.monday(), week.sunday()).await?;
            let figures = store.reception_week(week, today).await?;
            if json {
                let all = serde_json::json!({
                    "schedules": schedules, "upcoming": coming, "week": week, "sessions": sessions, "figures": figures,
                });
                return print_json(&all);
            }
            println!("Lịch tiếp công dân:");
            for s in &schedules {
                println!("  {}  {}", s.schedule.describe(), s.id);
            }
            println!("Sắp tới: {}", coming.iter().map(|d| d.day_text()).collect::<Vec<_>>().join("; "));
            println!("Tuần {week}:");
            for r in &sessions {
                match &r.session {
                    Session::Held { day, received_by, citizens, raised, .. } => {
                        println!("  {}  đã tiếp: {received_by}, {citizens} công dân. {raised}", day.format("%d/%m/%Y"))
                    }
                    Session::NotHeld { day, reason } => {
                        println!("  {}  không tổ chức: {reason}", day.format("%d/%m/%Y"))
                    }
                }
            }
            println!(
                "  Theo lịch {}, đã tiếp {}, không tổ chức {}, chưa ghi {}, công dân {}{}.",
                figures.scheduled,
                figures.held,
                figures.not_held,
                figures.unrecorded,
                figures.citizens,
                if figures.minimum_met { "" } else { " — chưa đủ tối thiểu một ngày trong tuần" }
            );
        }
    }
    Ok(())
}
