//! The publicity board from the store: the directory and catalogue as they stand, and the
//! register of publications (events, so every PC of the commune sees where the board went up).

use super::{corrupt, parse_stamp, Result, Store};
use chrono::{DateTime, Utc};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::publicity::{Board, BoardFormat, Publication, Published, Venue};
use thanthien_core::visit::{optional, Note};
use uuid::Uuid;

/// How many coming reception days the board lists (about two months of a weekly schedule).
const BOARD_RECEPTION_DAYS: usize = 8;

impl Store {
    /// What the commune publishes now: the directory (phones only where agreed), the catalogue
    /// in use, and the feedback mailbox's address for the QR code.
    pub async fn board(&self, now: DateTime<Utc>) -> Result<Board> {
        let officials = self.officials().await?;
        let email = self.mailbox_settings().await?.map(|m| m.username);
        let office = self.office_name().await?;
        let reception = self.upcoming_receptions(thanthien_core::time::local_day(now), BOARD_RECEPTION_DAYS).await?;
        Ok(Board::new(&office, &officials, &self.reference().catalogue, email, now).with_reception(reception))
    }

    /// Records that the board went up somewhere.
    pub async fn record_publication(
        &self,
        format: BoardFormat,
        venue: Venue,
        place: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<Publication> {
        let place: Option<Note> = optional(place).map_err(super::invalid)?;
        let published = Published { format, venue, place, at: self.instant(at)? };
        let id = Uuid::now_v7();
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &EventBody::Publication(published.clone()), id).await?;
        project(&mut tx, &event, &published).await?;
        tx.commit().await?;
        Ok(Publication { id, published, by: event.user })
    }

    /// The register, newest first.
    pub async fn publications(&self) -> Result<Vec<Publication>> {
        type Row = (String, String, String, Option<String>, String, Option<String>);
        let rows: Vec<Row> =
            sqlx::query_as("SELECT id, format, venue, place, at, user FROM publication ORDER BY at DESC, id")
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter()
            .map(|(id, format, venue, place, at, by)| {
                Ok(Publication {
                    id: Uuid::from_str(&id).map_err(corrupt)?,
                    published: Published {
                        format: BoardFormat::parse(&format).map_err(corrupt)?,
                        venue: Venue::parse(&venue).map_err(corrupt)?,
                        place: place.map(Note::try_from).transpose().map_err(corrupt)?,
                        at: parse_stamp(&at)?,
                    },
                    by,
                })
            })
            .collect()
    }
}

/// A publication is a fact: inserted once, whichever PC it came from.
pub(super) async fn project(tx: &mut Transaction<'static, Sqlite>, event: &Event, p: &Published) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO publication (id, format, venue, place, at, user) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(event.entity_id.to_string())
        .bind(p.format.wire())
        .bind(p.venue.wire())
        .bind(p.place.as_ref().map(|n| n.as_str().to_owned()))
        .bind(thanthien_core::time::stamp(p.at))
        .bind(&event.user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
