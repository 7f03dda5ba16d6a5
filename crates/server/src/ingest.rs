//! Storing a device's pushed batch: each event admitted by core's rules in Rust, the run of plain
//! new events written in one multi-row insert, the few with side effects one at a time.

use crate::db::{
    event_from_row, quarantine, quarantine_envelope, record_conflict, record_week_step, split_hash, walled, DeviceAuth,
    EventRow, RowWithHash, EVENT_COLUMNS,
};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::{Acquire, PgConnection, PgPool, Postgres, Transaction};
use std::collections::{HashMap, HashSet};
use thanthien_core::erasure::ERASURE_KINDS;
use thanthien_core::event::{check_start, Event, EventBody, START_KINDS};
use thanthien_core::feedback::FeedbackChange;
use thanthien_core::visit::VisitChange;
use thanthien_core::wire::{PushResult, PushStatus, Unreadable};
use uuid::Uuid;

/// The outcome of one push batch.
pub struct PushOutcome {
    pub acked_through: i64,
    pub expected_seq: Option<i64>,
    pub results: Vec<PushResult>,
}

/// Stores one device's batch in one transaction walled to its commune, per DESIGN.md §4: new →
/// admit (core's one validation, against the server's clock) and store the parsed form;
/// identical resend → duplicate; same seq, other content → conflict (kept); a gap → stop and
/// name the expected seq; refused → quarantined with the reason, and the cursor moves on. One
/// event the database cannot take is quarantined too: nothing in one event answers 5xx.
pub async fn push(pool: &PgPool, auth: &DeviceAuth, events: Vec<Result<Event, Unreadable>>) -> Result<PushOutcome> {
    // An envelope without a seq cannot be settled at any place in the device's queue: refused
    // alone, outside the order.
    let (mut events, unplaced): (Vec<_>, Vec<_>) =
        events.into_iter().partition(|e| e.as_ref().map_or_else(|u| u.seq.is_some(), |_| true));
    let seq_of = |e: &Result<Event, Unreadable>| e.as_ref().map_or_else(|u| u.seq.unwrap_or(0), |e| e.seq);
    events.sort_by_key(seq_of);
    let now = Utc::now();
    let mut tx = walled(pool, &auth.commune_code).await?;
    // Serialise pushes within a device; the commune's lock comes later (`Run::lock_commune`).
    let (mut last_seq,): (i64,) = sqlx::query_as("SELECT last_seq FROM device WHERE id = $1 FOR UPDATE")
        .bind(auth.device_id)
        .fetch_one(&mut *tx)
        .await?;
    let mut results = Vec::with_capacity(events.len() + unplaced.len());
    for unreadable in unplaced.into_iter().filter_map(Result::err) {
        results.push(PushResult {
            seq: 0,
            event_id: unreadable.id,
            status: PushStatus::Rejected,
            reason: Some(format!("{} (không có số thứ tự)", unreadable.reason)),
        });
    }
    let mut run = Run { auth, locked: false, pending: Vec::new() };
    let mut expected_seq = None;
    for incoming in events {
        let (seq, event_id) = match &incoming {
            Ok(e) => (e.seq, e.id),
            Err(u) => (u.seq.unwrap_or(0), u.id),
        };
        let result = |status, reason: Option<String>| PushResult { seq, event_id, status, reason };
        let event = match incoming {
            Ok(event) => event,
            // Unreadable at a seq: settled as refused in its place, like any invalid event.
            Err(unreadable) if seq == last_seq + 1 => {
                quarantine_envelope(
                    &mut tx,
                    &auth.commune_code,
                    auth.device_id,
                    seq,
                    unreadable.envelope,
                    &unreadable.reason,
                )
                .await?;
                results.push(result(PushStatus::Rejected, Some(unreadable.reason)));
                last_seq = seq;
                continue;
            }
            Err(_) if seq > last_seq + 1 => {
                expected_seq = Some(last_seq + 1);
                break;
            }
            Err(unreadable) => {
                results.push(result(PushStatus::Rejected, Some(unreadable.reason)));
                continue;
            }
        };
        if event.device_id != auth.device_id {
            // Not this device's seq space: nothing to advance, refuse outright.
            results.push(result(PushStatus::Rejected, Some("sự kiện của máy khác, không phải máy gửi".into())));
            continue;
        }
        if event.seq <= last_seq {
            // What is held back is in the log before a resend is compared with it.
            run.flush(&mut tx, &mut results).await?;
            results.push(resend(&mut tx, auth, &event).await?);
            continue;
        }
        if event.seq > last_seq + 1 {
            expected_seq = Some(last_seq + 1);
            break;
        }
        last_seq = event.seq;
        let (stored, body) = match admission(auth, &event, now) {
            Ok(admitted) => admitted,
            Err(reason) => {
                quarantine(&mut tx, &auth.commune_code, &event, &reason).await?;
                results.push(result(PushStatus::Rejected, Some(reason)));
                continue;
            }
        };
        if has_side_effects(&body) {
            // A week's step and an erasure act on what is stored before them: in order, alone.
            run.flush(&mut tx, &mut results).await?;
            run.lock_commune(&mut tx).await?;
            let reason = store_one(&mut tx, &stored, &body).await?;
            if let Some(reason) = &reason {
                quarantine(&mut tx, &auth.commune_code, &event, reason).await?;
            }
            results.push(settled(seq, event_id, reason));
        } else {
            run.pending.push(Pending { event, stored, body, at: results.len() });
            results.push(result(PushStatus::Stored, None));
        }
    }
    run.flush(&mut tx, &mut results).await?;
    sqlx::query("UPDATE device SET last_seq = $2, last_seen_at = now() WHERE id = $1")
        .bind(auth.device_id)
        .bind(last_seq)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(PushOutcome { acked_through: last_seq, expected_seq, results })
}

fn settled(seq: i64, event_id: Uuid, reason: Option<String>) -> PushResult {
    let status = if reason.is_some() { PushStatus::Rejected } else { PushStatus::Stored };
    PushResult { seq, event_id, status, reason }
}

/// A new event as the province would store it (its parsed form), or why it is refused: core's
/// rules against the server's clock, and the commune it names.
fn admission(auth: &DeviceAuth, event: &Event, now: DateTime<Utc>) -> Result<(Event, EventBody), String> {
    if event.commune_id != auth.commune_code {
        return Err(format!("sự kiện ghi xã {:?}, máy này thuộc xã {:?}", event.commune_id, auth.commune_code));
    }
    let body = event.admit(now).map_err(|e| e.to_string())?;
    Ok((event.with_body(&body), body))
}

/// A week's step (kept in the week table too) and an erasure (which blanks what came before).
fn has_side_effects(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::Week(_) | EventBody::Visit(VisitChange::Erased(_)) | EventBody::Feedback(FeedbackChange::Erased(_))
    )
}

/// Whether the records a step belongs to are looked up: the kinds `check_start` and erasure judge.
fn belongs_to_record(body: &EventBody) -> bool {
    matches!(body, EventBody::Visit(_) | EventBody::Feedback(_) | EventBody::Camera(_))
}

/// An event at a seq already settled: the same again (duplicate), other content (conflict,
/// kept), or a seq that was refused earlier.
async fn resend(conn: &mut PgConnection, auth: &DeviceAuth, event: &Event) -> Result<PushResult> {
    let result = |status, reason: Option<&str>| PushResult {
        seq: event.seq,
        event_id: event.id,
        status,
        reason: reason.map(str::to_owned),
    };
    // A resend compares in the form the province stored (the parsed one).
    let sent = event.body().map_or_else(|_| event.clone(), |body| event.with_body(&body));
    Ok(match stored_event(conn, auth.device_id, event.seq).await? {
        // Equal envelopes are a resend; JSON payloads compare as values, not as text. An erased
        // event is compared by the fingerprint it kept of what it held.
        Some((stored, erased_hash))
            if stored == sent
                || erased_hash.as_deref().is_some_and(|h| h == thanthien_core::erasure::content_hash(&sent)) =>
        {
            result(PushStatus::Duplicate, None)
        }
        Some(_) => {
            record_conflict(conn, &auth.commune_code, event).await?;
            result(PushStatus::Conflict, Some("một sự kiện khác đã mang số thứ tự này"))
        }
        // Settled earlier as rejected: acknowledge again, do not store it twice.
        None => result(PushStatus::Rejected, Some("đã bị từ chối trước đây")),
    })
}

/// A device's stored event at `seq`, with the fingerprint it kept if it has been erased.
async fn stored_event(conn: &mut PgConnection, device_id: Uuid, seq: i64) -> Result<Option<(Event, Option<String>)>> {
    let row: Option<RowWithHash> =
        sqlx::query_as(&format!("SELECT {EVENT_COLUMNS}, erased_hash FROM event WHERE device_id = $1 AND seq = $2"))
            .bind(device_id)
            .bind(seq)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(split_hash).map(|(row, hash)| event_from_row(row).map(|(_, event)| (event, hash))).transpose()
}

/// A new admitted event held back to be written with the rest of its run.
struct Pending {
    /// As received, for the quarantine.
    event: Event,
    /// As it will be stored.
    stored: Event,
    body: EventBody,
    /// Its place in the answer.
    at: usize,
}

/// The batch's run of new events not yet written, and whether the commune is locked.
struct Run<'a> {
    auth: &'a DeviceAuth,
    locked: bool,
    pending: Vec<Pending>,
}

impl Run<'_> {
    /// Within a commune, server order is commit order (so a pull cursor never skips a late
    /// commit): the commune's row is locked from the first write to the commit. Taken only
    /// once the batch is admitted, so another PC's batch is checked while this one writes.
    async fn lock_commune(&mut self, tx: &mut Transaction<'static, Postgres>) -> Result<()> {
        if !self.locked {
            sqlx::query("SELECT code FROM commune WHERE code = $1 FOR UPDATE")
                .bind(&self.auth.commune_code)
                .execute(&mut **tx)
                .await?;
            self.locked = true;
        }
        Ok(())
    }

    /// Writes the held-back run: one look-up of what the log knows of its records and ids, each
    /// event judged in order against that and the run before it, one insert of those admitted.
    /// Should the database refuse the insert, each is written alone, as `store_one` does.
    async fn flush(&mut self, tx: &mut Transaction<'static, Postgres>, results: &mut [PushResult]) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.lock_commune(tx).await?;
        let pending = std::mem::take(&mut self.pending);
        let commune = &self.auth.commune_code;
        let ids: Vec<Uuid> = pending.iter().map(|p| p.stored.id).collect();
        let taken: HashSet<Uuid> = sqlx::query_scalar("SELECT id FROM event WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
        let entities: Vec<Uuid> =
            pending.iter().filter(|p| belongs_to_record(&p.body)).map(|p| p.stored.entity_id).collect();
        let mut records = RecordsSoFar::read(tx, commune, &entities).await?;

        let mut refused: Vec<(&Pending, String)> = Vec::new();
        let mut admitted: Vec<(&Pending, Event, Option<String>)> = Vec::new();
        let mut seen = HashSet::new();
        for p in &pending {
            if taken.contains(&p.stored.id) || !seen.insert(p.stored.id) {
                refused.push((p, "một sự kiện cùng mã đã được lưu".to_owned()));
                continue;
            }
            if !belongs_to_record(&p.body) {
                admitted.push((p, p.stored.clone(), None));
                continue;
            }
            let starts = records.starts.get(&p.stored.entity_id).map_or(&[][..], Vec::as_slice);
            if let Err(e) = check_start(starts, &p.body) {
                refused.push((p, e.to_string()));
                continue;
            }
            // A step of a record already erased comes in blanked, like the rest of the record.
            let (stored, erased_hash) = match records.erased.contains(&p.stored.entity_id) {
                true => crate::erasure::blanked(&p.stored),
                false => (p.stored.clone(), None),
            };
            if START_KINDS.contains(&stored.kind.as_str()) {
                records.starts.entry(stored.entity_id).or_default().push(stored.clone());
            }
            admitted.push((p, stored, erased_hash));
        }

        let rows: Vec<(&Event, Option<&str>)> = admitted.iter().map(|(_, e, h)| (e, h.as_deref())).collect();
        let mut savepoint = tx.begin().await?;
        match insert_events(&mut savepoint, &rows).await {
            Ok(written) => {
                savepoint.commit().await?;
                for (p, _, _) in &admitted {
                    if !written.contains(&p.stored.id) {
                        // Another commune's event holds the id: the wall hid it from `taken`.
                        refused.push((p, "một sự kiện cùng mã đã được lưu".to_owned()));
                    }
                }
            }
            Err(Error::Database(e)) => {
                tracing::warn!(error = %e, "the database refused a run of pushed events; writing them one by one");
                savepoint.rollback().await?;
                for (p, _, _) in &admitted {
                    if let Some(reason) = store_one(tx, &p.stored, &p.body).await? {
                        refused.push((p, reason));
                    }
                }
            }
            Err(e) => return Err(e),
        }
        for (p, reason) in refused {
            quarantine(tx, commune, &p.event, &reason).await?;
            results[p.at] = settled(p.event.seq, p.event.id, Some(reason));
        }
        Ok(())
    }
}

/// Writes events in one statement, in the given order (their server order), and gives the ids
/// it wrote: an id already stored anywhere is skipped.
async fn insert_events(conn: &mut PgConnection, events: &[(&Event, Option<&str>)]) -> Result<HashSet<Uuid>> {
    let mut id = Vec::with_capacity(events.len());
    let mut commune = Vec::with_capacity(events.len());
    let mut device = Vec::with_capacity(events.len());
    let mut seq = Vec::with_capacity(events.len());
    let mut hlc = Vec::with_capacity(events.len());
    let mut entity = Vec::with_capacity(events.len());
    let mut entity_id = Vec::with_capacity(events.len());
    let mut kind = Vec::with_capacity(events.len());
    let mut payload = Vec::with_capacity(events.len());
    let mut schema = Vec::with_capacity(events.len());
    let mut user = Vec::with_capacity(events.len());
    let mut erased_hash = Vec::with_capacity(events.len());
    for (e, hash) in events {
        id.push(e.id);
        commune.push(e.commune_id.as_str());
        device.push(e.device_id);
        seq.push(e.seq);
        hlc.push(e.hlc.to_string());
        entity.push(e.entity.as_str());
        entity_id.push(e.entity_id);
        kind.push(e.kind.as_str());
        payload.push(&e.payload);
        schema.push(e.schema as i32);
        user.push(e.user.as_deref());
        erased_hash.push(*hash);
    }
    let written: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO event (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name, erased_hash)
         SELECT id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name, erased_hash
         FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::int8[], $5::text[], $6::text[], $7::uuid[], $8::text[],
                     $9::jsonb[], $10::int4[], $11::text[], $12::text[])
              WITH ORDINALITY AS e (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema,
                                    user_name, erased_hash, place)
         ORDER BY place
         ON CONFLICT (id) DO NOTHING RETURNING id",
    )
    .bind(&id)
    .bind(&commune)
    .bind(&device)
    .bind(&seq)
    .bind(&hlc)
    .bind(&entity)
    .bind(&entity_id)
    .bind(&kind)
    .bind(&payload)
    .bind(&schema)
    .bind(&user)
    .bind(&erased_hash)
    .fetch_all(&mut *conn)
    .await?;
    Ok(written.into_iter().collect())
}

/// Writes one admitted event in a savepoint of the batch, with its side effects: `Some(reason)`
/// when it is refused or the database would not take it (nothing of it stays; the batch goes on).
async fn store_one(
    tx: &mut Transaction<'static, Postgres>,
    stored: &Event,
    body: &EventBody,
) -> Result<Option<String>> {
    match store_alone(tx, stored, body).await {
        Err(Error::Database(e)) => {
            tracing::warn!(event = %stored.id, error = %e, "the database refused one pushed event");
            Ok(Some("máy chủ không lưu được sự kiện này".to_owned()))
        }
        other => other,
    }
}

async fn store_alone(
    tx: &mut Transaction<'static, Postgres>,
    stored: &Event,
    body: &EventBody,
) -> Result<Option<String>> {
    let mut savepoint = tx.begin().await?;
    let entities = if belongs_to_record(body) { vec![stored.entity_id] } else { Vec::new() };
    let record = RecordsSoFar::read(&mut savepoint, &stored.commune_id, &entities).await?;
    let starts = record.starts.get(&stored.entity_id).map_or(&[][..], Vec::as_slice);
    if let Err(e) = check_start(starts, body) {
        return Ok(Some(e.to_string()));
    }
    if let Some(reason) = crate::erasure::refusal(&mut savepoint, stored, body).await? {
        return Ok(Some(reason));
    }
    let (stored, erased_hash) = match record.erased.contains(&stored.entity_id) {
        true => crate::erasure::blanked(stored),
        false => (stored.clone(), None),
    };
    if !crate::db::insert_event(&mut savepoint, &stored, erased_hash.as_deref()).await? {
        return Ok(Some("một sự kiện cùng mã đã được lưu".to_owned()));
    }
    match body {
        EventBody::Week(stepped) => record_week_step(&mut savepoint, &stored, stepped).await?,
        EventBody::Visit(VisitChange::Erased(_)) | EventBody::Feedback(FeedbackChange::Erased(_)) => {
            crate::erasure::blank_record(&mut savepoint, &stored.commune_id, stored.entity_id).await?;
        }
        _ => {}
    }
    savepoint.commit().await?;
    Ok(None)
}

/// What the commune's log knows of some records (earlier events of the same batch included:
/// they are in the transaction): their start events, which no step may precede (core's rule),
/// and which have had their personal data erased.
#[derive(Default)]
struct RecordsSoFar {
    starts: HashMap<Uuid, Vec<Event>>,
    erased: HashSet<Uuid>,
}

impl RecordsSoFar {
    /// One probe of the records' index for both facts.
    async fn read(conn: &mut PgConnection, commune: &str, entities: &[Uuid]) -> Result<Self> {
        let mut known = Self::default();
        if entities.is_empty() {
            return Ok(known);
        }
        let kinds: Vec<&str> = START_KINDS.iter().chain(&ERASURE_KINDS).copied().collect();
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM event
             WHERE commune_code = $1 AND entity_id = ANY($2) AND kind = ANY($3) ORDER BY server_seq"
        ))
        .bind(commune)
        .bind(entities)
        .bind(&kinds)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let (_, event) = event_from_row(row)?;
            if ERASURE_KINDS.contains(&event.kind.as_str()) {
                known.erased.insert(event.entity_id);
            } else {
                known.starts.entry(event.entity_id).or_default().push(event);
            }
        }
        Ok(known)
    }
}
