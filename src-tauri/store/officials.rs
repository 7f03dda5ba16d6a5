//! The officials directory in the local store: listing an official (new or corrected) and
//! reading the directory back.

use super::{corrupt, Result, Store, StoreError};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::official::{Official, OfficialInput, OfficialListed};
use thanthien_core::visit::InputError;
use uuid::Uuid;

impl Store {
    /// Lists an official: a new entry when `id` is `None`, else a correction of that entry.
    pub async fn list_official(&self, id: Option<Uuid>, input: OfficialInput) -> Result<Official> {
        let listed = OfficialListed::parse(input).map_err(StoreError::Invalid)?;
        let id = id.unwrap_or_else(Uuid::now_v7);
        self.keep_listing(id, &listed).await?;
        self.officials().await?.into_iter().find(|o| o.id == id).ok_or_else(|| corrupt("a listed official is missing"))
    }

    /// Takes an official off the directory: a listing of the same entry, inactive. The log keeps
    /// every earlier listing; the desk's lists and the public board no longer show them.
    pub async fn take_off_official(&self, id: Uuid) -> Result<()> {
        let Some(entry) = self.officials().await?.into_iter().find(|o| o.id == id) else {
            return Err(StoreError::Invalid(vec![InputError::OfficialNotFound]));
        };
        let input = OfficialInput::from(entry);
        let listed = OfficialListed { active: false, ..OfficialListed::parse(input).map_err(StoreError::Invalid)? };
        self.keep_listing(id, &listed).await?;
        tracing::info!(official = %id, by = ?self.user, "official taken off the directory");
        Ok(())
    }

    /// One listing of entry `id`: its event and its projection, in one transaction.
    async fn keep_listing(&self, id: Uuid, listed: &OfficialListed) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &EventBody::Official(listed.clone()), id).await?;
        project(&mut tx, &event, listed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The active officials, by counter then name.
    pub async fn officials(&self) -> Result<Vec<Official>> {
        type Row = (String, String, String, Option<String>, Option<i64>, bool, bool);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, name, title, phone, counter, phone_published, leader FROM official WHERE active
             ORDER BY counter IS NULL, counter, name",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, name, title, phone, counter, phone_published, leader)| {
                Ok(Official {
                    id: Uuid::from_str(&id).map_err(corrupt)?,
                    name,
                    title,
                    phone,
                    counter: counter.and_then(|c| u16::try_from(c).ok()),
                    phone_published,
                    leader,
                })
            })
            .collect()
    }
}

/// Keeps the entry an event lists, unless a later clock already listed that official.
pub(super) async fn project(tx: &mut Transaction<'static, Sqlite>, event: &Event, o: &OfficialListed) -> Result<()> {
    sqlx::query(
        "INSERT INTO official (id, name, title, phone, counter, phone_published, active, hlc, leader)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, title = excluded.title, phone = excluded.phone,
             counter = excluded.counter, phone_published = excluded.phone_published, active = excluded.active,
             hlc = excluded.hlc, leader = excluded.leader
         WHERE excluded.hlc > official.hlc",
    )
    .bind(event.entity_id.to_string())
    .bind(o.name.as_str())
    .bind(o.title.as_str())
    .bind(o.phone.as_ref().map(|p| p.as_str().to_owned()))
    .bind(o.counter.map(|c| i64::from(u16::from(c))))
    .bind(o.phone_published)
    .bind(o.active)
    .bind(event.hlc.to_string())
    .bind(o.leader)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
