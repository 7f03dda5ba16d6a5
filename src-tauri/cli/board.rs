//! `thanthien board …`: the publicity board (Công khai) as files, and its publication register.

use super::{parse_at, CliError};
use crate::store::Store;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use std::path::PathBuf;
use thanthien_core::publicity::{BoardFormat, Venue};
use thanthien_core::time::vietnam;

fn parse_format(text: &str) -> Result<BoardFormat, String> {
    BoardFormat::parse(text).map_err(|e| e.to_string())
}

fn parse_venue(text: &str) -> Result<Venue, String> {
    Venue::parse(text).map_err(|e| e.to_string())
}

#[derive(Subcommand)]
pub enum BoardCommand {
    /// Write the directory and catalogue as a poster (pdf), a web page (html) or data (json).
    Export {
        #[arg(long, value_parser = parse_format)]
        format: BoardFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// Record that the board went up: notice-board | portal | fanpage | zalo | other.
    Publish {
        #[arg(long, value_parser = parse_venue)]
        venue: Venue,
        #[arg(long, value_parser = parse_format)]
        format: BoardFormat,
        /// Where exactly: "Bảng tin tầng 1", a web address.
        #[arg(long)]
        place: Option<String>,
        #[arg(long, value_parser = parse_at)]
        at: Option<DateTime<Utc>>,
    },
    /// The publication register, newest first.
    List,
}

pub async fn board(store: &Store, command: BoardCommand) -> Result<(), CliError> {
    match command {
        BoardCommand::Export { format, out } => {
            let board = store.board(store.now()).await?;
            let bytes = crate::report::board_export(&board, format)?;
            crate::report::write_file(&out, &bytes)?;
            println!("{}", out.display());
        }
        BoardCommand::Publish { venue, format, place, at } => {
            let p = store.record_publication(format, venue, place, at.unwrap_or_else(|| store.now())).await?;
            println!("{}", p.id);
        }
        BoardCommand::List => {
            for p in store.publications().await? {
                let at = p.published.at.with_timezone(&vietnam()).format("%d/%m/%Y %H:%M");
                let place = p.published.place.map(|n| format!(" ({n})")).unwrap_or_default();
                let by = p.by.map(|b| format!("  {b}")).unwrap_or_default();
                println!("{at}  {}{place}  {}{by}", p.published.venue.label(), p.published.format.label());
            }
        }
    }
    Ok(())
}
