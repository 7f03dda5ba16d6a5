//! Visits in the local store: recording an arrival, listing, and the visit projection.

use super::{corrupt, parse_stamp, Prior, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::time::{day_bounds, stamp};
use thanthien_core::visit::{NewVisit, Visit, VisitArrived, VisitChange, VisitInput, VisitState};
use uuid::Uuid;

type VisitRow = (String, String, String, Option<String>, Option<String>, Option<String>, Option<String>, String);

const VISIT_COLUMNS: &str = "id, arrived_at, visitor_name, procedure, phone, citizen_id, note, device_id";

fn visit_from_row(row: VisitRow) -> Result<Visit> {
    let (id, arrived_at, name, procedure, phone, citizen_id, note, device_id) = row;
    Ok(Visit {
        id: Uuid::from_str(&id).map_err(corrupt)?,
        arrived_at: parse_stamp(&arrived_at)?,
        name,
        procedure,
        phone,
        citizen_id,
        note,
        device_id: Uuid::from_str(&device_id).map_err(corrupt)?,
    })
}

impl Store {
    /// Validates and records a citizen's arrival at `at`. Invalid input writes nothing.
    pub async fn record_visit(&self, input: VisitInput, at: DateTime<Utc>) -> Result<Visit> {
        let visit = NewVisit::parse(input).map_err(StoreError::Invalid)?;
        let id = Uuid::now_v7();
        // Kept to the millisecond, like every stored instant, so the event and the row agree.
        let arrived_at = at.trunc_subsecs(3);
        let change = VisitChange::Arrived(VisitArrived { arrived_at, visit });
        let body = EventBody::Visit(change.clone());
        let mut tx = self.begin_write().await?;
        let event = Store::append(&mut tx, &body, id, Utc::now()).await?;
        let visit = project(&mut tx, &event, &change, Prior::None).await?;
        tx.commit().await?;
        // An arrival always yields a visible visit; anything else is a bug in the projection rule.
        visit.ok_or_else(|| corrupt("an arrival projected to no visit"))
    }

    /// Visits that arrived on a local (Vietnam) calendar day, newest first.
    pub async fn visits_on(&self, day: NaiveDate) -> Result<Vec<Visit>> {
        let (start, end) = day_bounds(day);
        let rows: Vec<VisitRow> = sqlx::query_as(&format!(
            "SELECT {VISIT_COLUMNS} FROM visit WHERE arrived_at >= ? AND arrived_at < ? ORDER BY arrived_at DESC, id DESC"
        ))
        .bind(stamp(start))
        .bind(stamp(end))
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(visit_from_row).collect()
    }

    /// Every visit, newest first.
    pub async fn all_visits(&self) -> Result<Vec<Visit>> {
        let rows: Vec<VisitRow> = sqlx::query_as(&format!(
            "SELECT {VISIT_COLUMNS} FROM visit WHERE arrived_at IS NOT NULL ORDER BY arrived_at DESC, id DESC"
        ))
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter().map(visit_from_row).collect()
    }
}

/// Applies a visit event to its row with core's merge rule, rewrites the row's view columns and
/// returns the visit as it now stands.
pub(super) async fn project(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    change: &VisitChange,
    prior: Prior,
) -> Result<Option<Visit>> {
    let id = event.entity_id;
    let current: Option<(String,)> = match prior {
        Prior::None => None,
        Prior::Load => {
            sqlx::query_as("SELECT state FROM visit WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    let mut state: VisitState = match current {
        Some((json,)) => serde_json::from_str(&json).map_err(corrupt)?,
        None => VisitState::default(),
    };
    state.apply(change, event.hlc, event.device_id);
    let view = state.view(id);
    let state_json = serde_json::to_string(&state).map_err(corrupt)?;
    sqlx::query(
        "INSERT INTO visit (id, arrived_at, visitor_name, procedure, phone, citizen_id, note, device_id, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET arrived_at = excluded.arrived_at, visitor_name = excluded.visitor_name,
             procedure = excluded.procedure, phone = excluded.phone, citizen_id = excluded.citizen_id,
             note = excluded.note, device_id = excluded.device_id, state = excluded.state",
    )
    .bind(id.to_string())
    .bind(view.as_ref().map(|v| stamp(v.arrived_at)))
    .bind(view.as_ref().map(|v| v.name.clone()))
    .bind(view.as_ref().and_then(|v| v.procedure.clone()))
    .bind(view.as_ref().and_then(|v| v.phone.clone()))
    .bind(view.as_ref().and_then(|v| v.citizen_id.clone()))
    .bind(view.as_ref().and_then(|v| v.note.clone()))
    .bind(view.as_ref().map(|v| v.device_id.to_string()))
    .bind(state_json)
    .execute(&mut **tx)
    .await?;
    Ok(view)
}
