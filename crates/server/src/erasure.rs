//! Erasing one person's data on the province's server (issue 17, Law 91/2025): an erasure pushed
//! by a PC is checked by core's rule (nothing the law still holds), then blanks every stored
//! copy of the record — its events, each keeping the fingerprint of what it held, and the
//! conflicting or refused copies kept aside — in the push's own transaction. And the province's
//! own retention run, for communes whose PCs no longer sync.

use crate::db::{event_from_row, insert_event, province_seq, scrub, split_hash, RowWithHash, EVENT_COLUMNS};
use crate::error::{Error, Result};
use chrono::{DateTime, Days, Months, Utc};
use sqlx::{PgConnection, PgPool};
use thanthien_core::calendar::WorkCalendar;
use thanthien_core::erasure::{blank, content_hash, erasure, identifiers, Grounds};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::feedback::{FeedbackChange, FeedbackState};
use thanthien_core::person::Register;
use thanthien_core::procedure::OfficeHours;
use thanthien_core::retention::{self, Retention};
use thanthien_core::time::{day_bounds, local_day};
use thanthien_core::visit::{VisitChange, VisitState};
use thanthien_core::Hlc;
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

/// One register of one commune in the province's retention run, as its log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProvinceRetentionRun {
    pub at: DateTime<Utc>,
    pub commune_code: String,
    pub register: Register,
    pub months: u32,
    pub erased: u32,
}

/// The periods in force: the province's latest published `retention`, else core's defaults.
pub async fn retention_in_force(pool: &PgPool) -> Result<Retention> {
    let body: Option<(serde_json::Value,)> =
        sqlx::query_as("SELECT body FROM reference_release WHERE kind = 'retention' ORDER BY version DESC LIMIT 1")
            .fetch_optional(pool)
            .await?;
    match body {
        Some((body,)) => Retention::parse(&body.to_string()).map_err(Error::BadRequest),
        None => Ok(Retention::default()),
    }
}

/// The province's retention run at `now`, in every commune: each record past the period that
/// core's rule lets go gets an erasure by the province's device (grounds: retention) and its
/// stored copies blanked, one transaction per record; a PC that comes back pulls the erasure and
/// blanks its own copy. Runs that erased something are logged. Needs a login that reads every
/// commune (the owner, or the console's).
pub async fn run_retention(pool: &PgPool, now: DateTime<Utc>) -> Result<Vec<ProvinceRetentionRun>> {
    let retention = retention_in_force(pool).await?;
    let communes: Vec<(String,)> = sqlx::query_as("SELECT code FROM commune ORDER BY code").fetch_all(pool).await?;
    let today = local_day(now);
    let mut runs = Vec::new();
    for (commune,) in communes {
        for register in [Register::Visit, Register::Feedback] {
            let period = retention.period(register);
            // A record that started after this cannot have ended a whole period ago (a few days'
            // margin for month ends; core's rule decides each record exactly).
            let last_start = today
                .checked_sub_months(Months::new(period.months))
                .and_then(|d| d.checked_add_days(Days::new(4)))
                .map_or(now, |d| day_bounds(d).0);
            let kind = match register {
                Register::Visit => "visit.arrived",
                Register::Feedback => "feedback.received",
            };
            let candidates: Vec<(Uuid,)> = sqlx::query_as(
                "SELECT s.entity_id FROM event s
                 WHERE s.commune_code = $1 AND s.kind = $2
                   AND payload_instant(COALESCE(s.payload->>'arrived_at', s.payload->>'received_at')) < $3
                   AND NOT EXISTS (SELECT 1 FROM event e WHERE e.commune_code = $1 AND e.entity_id = s.entity_id
                                   AND e.kind IN ('visit.erased', 'feedback.erased'))",
            )
            .bind(&commune)
            .bind(kind)
            .bind(last_start)
            .fetch_all(pool)
            .await?;
            let mut erased = 0u32;
            for (id,) in candidates {
                if erase_expired(pool, &commune, register, id, &retention, now).await? {
                    erased += 1;
                }
            }
            if erased > 0 {
                let label = match register {
                    Register::Visit => "visit",
                    Register::Feedback => "feedback",
                };
                sqlx::query(
                    "INSERT INTO retention_run (at, commune_code, register, months, erased) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(now)
                .bind(&commune)
                .bind(label)
                .bind(i32::try_from(period.months).unwrap_or(i32::MAX))
                .bind(i32::try_from(erased).unwrap_or(i32::MAX))
                .execute(pool)
                .await?;
                runs.push(ProvinceRetentionRun {
                    at: now,
                    commune_code: commune.clone(),
                    register,
                    months: period.months,
                    erased,
                });
            }
        }
    }
    Ok(runs)
}

/// Erases one record if core's retention rule finds it past its period and nothing holds it;
/// false (nothing written) otherwise.
async fn erase_expired(
    pool: &PgPool,
    commune: &str,
    register: Register,
    id: Uuid,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = pool.begin().await?;
    // Serialised with the commune's pushes, as every act of the province in a commune is.
    sqlx::query("SELECT code FROM commune WHERE code = $1 FOR UPDATE").bind(commune).execute(&mut *tx).await?;
    let events = record_events(&mut tx, commune, id).await?;
    let last_hlc = events.iter().map(|(_, e, _)| e.hlc).max();
    let today = local_day(now);
    let period = retention.period(register);
    let Ok(erased) = erasure(now, Grounds::Retention, &retention::reason(period)) else { return Ok(false) };
    let body = match register {
        Register::Visit => {
            let mut state = VisitState::default();
            for (_, e, _) in &events {
                if let Ok(EventBody::Visit(change)) = e.body() {
                    state.apply(&change, e.hlc, e.device_id);
                }
            }
            let expired = state.view(id).is_some_and(|v| !retention.expired(&[v], &[], today).is_empty());
            let change = VisitChange::Erased(erased);
            if !expired || state.erasure_hold().is_some() || state.admits(&change).is_err() {
                return Ok(false);
            }
            EventBody::Visit(change)
        }
        Register::Feedback => {
            let mut state = FeedbackState::default();
            for (_, e, _) in &events {
                if let Ok(EventBody::Feedback(change)) = e.body() {
                    state.apply(&change, e.hlc);
                }
            }
            // Only the item's status and the day it was finished count here: any calendar does.
            let view = state.view(id, &WorkCalendar::builtin(), &OfficeHours::default(), today);
            let expired = view.is_some_and(|f| !retention.expired(&[], &[f], today).is_empty());
            let change = FeedbackChange::Erased(erased);
            if !expired || state.erasure_hold(None).is_some() || state.admits(&change).is_err() {
                return Ok(false);
            }
            EventBody::Feedback(change)
        }
    };
    let (device, seq) = province_seq(&mut tx, commune).await?;
    let hlc = Hlc::tick(last_hlc, u64::try_from(now.timestamp_millis()).unwrap_or(0), device);
    let event = Event::new(commune, device, seq, hlc, id, &body, Some("province".to_owned()));
    insert_event(&mut tx, &event, None).await?;
    blank_record(&mut tx, commune, id).await?;
    tx.commit().await?;
    Ok(true)
}

/// The retention run once at start and then once a day, for as long as the server serves. A
/// failed run is logged and tried again the next day.
pub(crate) async fn retention_daily(pool: PgPool) {
    loop {
        match run_retention(&pool, Utc::now()).await {
            Ok(runs) => {
                let erased: u32 = runs.iter().map(|r| r.erased).sum();
                tracing::info!(erased, registers = runs.len(), "retention run");
            }
            Err(e) => tracing::error!(error = %e, "retention run failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(24 * 3600)).await;
    }
}

/// The latest runs, newest first.
pub async fn retention_runs(pool: &PgPool, limit: i64) -> Result<Vec<ProvinceRetentionRun>> {
    let rows: Vec<(DateTime<Utc>, String, String, i32, i32)> = sqlx::query_as(
        "SELECT at, commune_code, register, months, erased FROM retention_run ORDER BY at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, commune_code, register, months, erased)| ProvinceRetentionRun {
            at,
            commune_code,
            register: if register == "visit" { Register::Visit } else { Register::Feedback },
            months: u32::try_from(months).unwrap_or(0),
            erased: u32::try_from(erased).unwrap_or(0),
        })
        .collect())
}
