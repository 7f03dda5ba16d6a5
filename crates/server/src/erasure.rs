//! Erasing one person's data on the province's server (issue 17, Law 91/2025): an erasure pushed
//! by a PC is checked by core's rule (nothing the law still holds), then blanks every stored
//! copy of the record — its events, each keeping the fingerprint of what it held, and the
//! conflicting or refused copies kept aside — in the push's own transaction.

use crate::db::{event_from_row, scrub, split_hash, RowWithHash, EVENT_COLUMNS};
use crate::error::Result;
use sqlx::PgConnection;
use thanthien_core::erasure::{blank, content_hash, identifiers};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::feedback::{FeedbackChange, FeedbackState};
use thanthien_core::visit::{VisitChange, VisitState};
use uuid::Uuid;

/// Every stored event of one record, with the fingerprints kept so far.
async fn record_events(
    conn: &mut PgConnection,
    commune: &str,
    entity_id: Uuid,
) -> Result<Vec<(i64, Event, Option<String>)>> {
    let rows: Vec<RowWithHash> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS}, erased_hash FROM event WHERE commune_code = $1 AND entity_id = $2 ORDER BY server_seq"
    ))
    .bind(commune)
    .bind(entity_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            let (row, hash) = split_hash(row);
            event_from_row(row).map(|(server_seq, event)| (server_seq, event, hash))
        })
        .collect()
}

/// Why an erasure cannot be stored: the law still holds the record (core's `erasure_hold`, on
/// the record as this commune's log has it). `None` for anything else.
pub(crate) async fn refusal(conn: &mut PgConnection, event: &Event, body: &EventBody) -> Result<Option<String>> {
    let hold = match body {
        EventBody::Visit(VisitChange::Erased(_)) => {
            let mut state = VisitState::default();
            for (_, e, _) in record_events(conn, &event.commune_id, event.entity_id).await? {
                if let Ok(EventBody::Visit(change)) = e.body() {
                    state.apply(&change, e.hlc, e.device_id);
                }
            }
            state.erasure_hold()
        }
        EventBody::Feedback(FeedbackChange::Erased(_)) => {
            let mut state = FeedbackState::default();
            for (_, e, _) in record_events(conn, &event.commune_id, event.entity_id).await? {
                if let Ok(EventBody::Feedback(change)) = e.body() {
                    state.apply(&change, e.hlc);
                }
            }
            // The server keeps no commune's office hours: the refusal names no date.
            state.erasure_hold(None)
        }
        _ => None,
    };
    Ok(hold.map(|hold| hold.text()))
}

/// A late step of an erased record as it is stored: blanked by its own identifiers, with the
/// fingerprint of what it held when that changed anything.
pub(crate) fn blanked(event: &Event) -> (Event, Option<String>) {
    let who = identifiers([event]);
    let payload = blank(&event.kind, &event.payload, &who);
    if payload == event.payload {
        return (event.clone(), None);
    }
    (Event { payload, ..event.clone() }, Some(content_hash(event)))
}

/// Blanks every stored copy of the record's personal data in this commune: its events and the
/// envelopes kept aside as conflicts or refused.
pub(crate) async fn blank_record(conn: &mut PgConnection, commune: &str, entity_id: Uuid) -> Result<()> {
    let events = record_events(conn, commune, entity_id).await?;
    let who = identifiers(events.iter().map(|(_, e, _)| e));
    for (server_seq, event, hash) in &events {
        let payload = blank(&event.kind, &event.payload, &who);
        if payload != event.payload {
            sqlx::query("UPDATE event SET payload = $2, erased_hash = $3 WHERE server_seq = $1")
                .bind(server_seq)
                .bind(&payload)
                .bind(hash.clone().unwrap_or_else(|| content_hash(event)))
                .execute(&mut *conn)
                .await?;
        }
    }
    for table in ["event_conflict", "event_quarantine"] {
        let kept: Vec<(i64, serde_json::Value)> = sqlx::query_as(&format!(
            "SELECT id, envelope FROM {table} WHERE commune_code = $1 AND envelope->>'entity_id' = $2"
        ))
        .bind(commune)
        .bind(entity_id.to_string())
        .fetch_all(&mut *conn)
        .await?;
        for (id, mut envelope) in kept {
            let kind = envelope["kind"].as_str().unwrap_or_default().to_owned();
            envelope["payload"] = blank(&kind, &envelope["payload"], &who);
            scrub(&mut envelope);
            sqlx::query(&format!("UPDATE {table} SET envelope = $2 WHERE id = $1"))
                .bind(id)
                .bind(envelope)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
