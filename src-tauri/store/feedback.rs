//! The feedback register in the local store: intake, status changes and answers, feedback-box
//! openings, the register as of a day, and the feedback projection.

use super::{corrupt, invalid, parse_stamp, Prior, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Sqlite, Transaction};
use std::str::FromStr;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::feedback::{
    self, FeedbackAmended, FeedbackAnswered, FeedbackBoxOpened, FeedbackBoxSession, FeedbackChange, FeedbackClassified,
    FeedbackCoded, FeedbackFacts, FeedbackInput, FeedbackItem, FeedbackRated, FeedbackReceived, FeedbackState,
    FeedbackStatusSet, Kind, Notice, Status,
};
use thanthien_core::time::stamp;
use thanthien_core::visit::{CorrectionInput, InputError, NationalCode, OfficialName};
use uuid::Uuid;

impl Store {
    /// Enters a piece of feedback received at `at`. An e-mail already in the register (same
    /// Message-ID) is not entered again: the existing item comes back.
    pub async fn record_feedback(&self, input: FeedbackInput, at: DateTime<Utc>) -> Result<FeedbackItem> {
        let received = FeedbackReceived::parse(input, self.instant(at)?).map_err(StoreError::Invalid)?;
        let id = received.message_id.as_deref().map_or_else(Uuid::now_v7, feedback::imported_id);
        let mut tx = self.begin_write().await?;
        let exists: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM feedback WHERE id = ? AND received_at IS NOT NULL")
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            let change = FeedbackChange::Received(received);
            let event = self.append(&mut tx, &EventBody::Feedback(change.clone()), id).await?;
            project(&mut tx, &event, &change, Prior::Load).await?;
            tx.commit().await?;
        }
        self.feedback_item(id).await
    }

    /// Whether an e-mail with this Message-ID is already in the register.
    pub async fn has_message(&self, message_id: &str) -> Result<bool> {
        let found: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM feedback WHERE id = ? AND received_at IS NOT NULL")
            .bind(feedback::imported_id(message_id).to_string())
            .fetch_optional(&self.reader)
            .await?;
        Ok(found.is_some())
    }

    async fn change_feedback(&self, id: Uuid, change: FeedbackChange) -> Result<FeedbackItem> {
        change.check().map_err(invalid)?;
        let mut tx = self.begin_write().await?;
        let state = load_state(&mut tx, id).await?;
        state.admits(&change).map_err(invalid)?;
        let event = self.append(&mut tx, &EventBody::Feedback(change.clone()), id).await?;
        project(&mut tx, &event, &change, Prior::Load).await?;
        tx.commit().await?;
        self.feedback_item(id).await
    }

    /// Moves an item on: accepted, extended, paused for a supplement (and back), refused,
    /// transferred, closed.
    pub async fn set_feedback_status(
        &self,
        id: Uuid,
        status: Status,
        by: Option<String>,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<FeedbackItem> {
        let set = FeedbackStatusSet::parse(self.instant(at)?, status, by, note).map_err(StoreError::Invalid)?;
        self.change_feedback(id, FeedbackChange::StatusSet(set)).await
    }

    /// Records the answer: who, how the citizen was told, and the reply.
    pub async fn answer_feedback(
        &self,
        id: Uuid,
        by: String,
        via: Notice,
        reply: String,
        at: DateTime<Utc>,
    ) -> Result<FeedbackItem> {
        let answered = FeedbackAnswered::parse(self.instant(at)?, by, via, reply).map_err(StoreError::Invalid)?;
        self.change_feedback(id, FeedbackChange::Answered(answered)).await
    }

    /// Puts the sender's name or contact right at their request (an amendment, synced).
    pub async fn correct_feedback(&self, id: Uuid, input: CorrectionInput) -> Result<FeedbackItem> {
        let amended = FeedbackAmended::parse(input).map_err(StoreError::Invalid)?;
        self.change_feedback(id, FeedbackChange::Amended(amended)).await
    }

    /// Notes the code the item got in the national feedback system.
    pub async fn code_feedback(&self, id: Uuid, code: String) -> Result<FeedbackItem> {
        let national_code = NationalCode::try_from(code).map_err(invalid)?;
        self.change_feedback(id, FeedbackChange::Coded(FeedbackCoded { national_code })).await
    }

    /// The submitter's satisfaction with how a finished item was handled.
    pub async fn rate_feedback(&self, id: Uuid, satisfied: bool) -> Result<FeedbackItem> {
        self.change_feedback(id, FeedbackChange::Rated(FeedbackRated { satisfied })).await
    }

    /// Corrects the kind; the deadline follows it.
    pub async fn classify_feedback(&self, id: Uuid, kind: Kind) -> Result<FeedbackItem> {
        self.change_feedback(id, FeedbackChange::Classified(FeedbackClassified { kind })).await
    }

    /// One item as of today.
    pub async fn feedback_item(&self, id: Uuid) -> Result<FeedbackItem> {
        let today = thanthien_core::time::local_day(self.now());
        let rows = sqlx::query_as("SELECT id, state FROM feedback WHERE id = ? AND received_at IS NOT NULL")
            .bind(id.to_string())
            .fetch_all(&self.reader)
            .await?;
        self.items_from_rows(rows, today)?.pop().ok_or_else(|| invalid(InputError::FeedbackNotFound))
    }

    /// The register as of `today`: overdue first (most overdue on top), then by due date, then
    /// the rest newest first.
    pub async fn feedback_register(&self, today: NaiveDate) -> Result<Vec<FeedbackItem>> {
        let rows = sqlx::query_as(
            "SELECT id, state FROM feedback WHERE received_at IS NOT NULL ORDER BY received_at DESC, id DESC",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut items = self.items_from_rows(rows, today)?;
        // Stable: equal urgency keeps newest first.
        items.sort_by_key(|item| item.deadline.urgency());
        Ok(items)
    }

    /// The items a period `[start, end)` can concern, viewed as of `today`: received before its
    /// end and not finished before its start. Reads an index range, not the whole register.
    pub async fn feedback_for_period(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Vec<FeedbackItem>> {
        let rows = sqlx::query_as(
            // Two index ranges (open items; items finished since the start) rather than one OR,
            // which SQLite would answer by scanning the whole register.
            // (Without INDEXED BY the planner walks received_at, i.e. the whole past.)
            "SELECT id, state, received_at FROM feedback INDEXED BY feedback_open
                 WHERE finished_at IS NULL AND received_at IS NOT NULL AND received_at < ?1
             UNION ALL
             SELECT id, state, received_at FROM feedback INDEXED BY feedback_open
                 WHERE finished_at >= ?2 AND received_at IS NOT NULL AND received_at < ?1
             ORDER BY received_at DESC, id DESC",
        )
        .bind(stamp(end))
        .bind(stamp(start))
        .fetch_all(&self.reader)
        .await?;
        let rows: Vec<(String, String)> =
            rows.into_iter().map(|(id, state, _): (String, String, String)| (id, state)).collect();
        self.items_from_rows(rows, today)
    }

    /// What the weekly summary needs from the register for the days `from..=to`.
    pub async fn feedback_facts(&self, from: NaiveDate, to: NaiveDate) -> Result<FeedbackFacts> {
        Ok(feedback::facts(&self.feedback_register(to).await?, from, to))
    }

    fn items_from_rows(&self, rows: Vec<(String, String)>, today: NaiveDate) -> Result<Vec<FeedbackItem>> {
        let reference = self.reference();
        rows.into_iter()
            .filter_map(|(id, state)| {
                let parsed = Uuid::from_str(&id)
                    .map_err(corrupt)
                    .and_then(|id| serde_json::from_str::<FeedbackState>(&state).map(|s| (id, s)).map_err(corrupt));
                match parsed {
                    Ok((id, s)) => s.view(id, &reference.calendar, &reference.hours, today).map(Ok),
                    Err(e) => Some(Err(e)),
                }
            })
            .collect()
    }

    /// Records a feedback-box opening before its witnesses; its letters are then entered as
    /// items with `box_session` set to the returned id.
    pub async fn open_feedback_box(
        &self,
        witnesses: Vec<String>,
        letters: u16,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<FeedbackBoxSession> {
        let opened =
            FeedbackBoxOpened::parse(self.instant(at)?, witnesses, letters, note).map_err(StoreError::Invalid)?;
        let id = Uuid::now_v7();
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &EventBody::FeedbackBox(opened.clone()), id).await?;
        project_box(&mut tx, &event, &opened).await?;
        tx.commit().await?;
        self.feedback_box_sessions()
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| corrupt("a box opening just written is missing"))
    }

    /// Every feedback-box opening, newest first, with how many of its letters are entered.
    pub async fn feedback_box_sessions(&self) -> Result<Vec<FeedbackBoxSession>> {
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT b.id, b.opened_at, b.witnesses, b.letters,
                 (SELECT count(*) FROM feedback f WHERE f.box_session = b.id AND f.received_at IS NOT NULL)
             FROM feedback_box b ORDER BY b.opened_at DESC",
        )
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(id, opened_at, witnesses, letters, entered)| {
                Ok(FeedbackBoxSession {
                    id: Uuid::from_str(&id).map_err(corrupt)?,
                    opened_at: parse_stamp(&opened_at)?,
                    witnesses: serde_json::from_str(&witnesses).map_err(corrupt)?,
                    letters: u16::try_from(letters).map_err(corrupt)?,
                    entered: u32::try_from(entered).map_err(corrupt)?,
                })
            })
            .collect()
    }
}

pub(super) async fn load_state(tx: &mut Transaction<'static, Sqlite>, id: Uuid) -> Result<FeedbackState> {
    let row: Option<(String,)> = sqlx::query_as("SELECT state FROM feedback WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some((json,)) => serde_json::from_str(&json).map_err(corrupt),
        None => Ok(FeedbackState::default()),
    }
}

/// Applies a feedback event to its row with core's merge rule and rewrites the view columns.
pub(super) async fn project(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    change: &FeedbackChange,
    prior: Prior,
) -> Result<()> {
    let id = event.entity_id;
    let mut state = match prior {
        Prior::Load => load_state(tx, id).await?,
        Prior::None => FeedbackState::default(),
    };
    state.apply(change, event.hlc);
    let received = state.received.as_ref().map(|r| &r.value);
    sqlx::query(
        "INSERT INTO feedback (id, received_at, channel, kind, status, box_session, message_id, state, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET received_at = excluded.received_at, channel = excluded.channel,
             kind = excluded.kind, status = excluded.status, box_session = excluded.box_session,
             message_id = excluded.message_id, state = excluded.state, finished_at = excluded.finished_at",
    )
    .bind(id.to_string())
    .bind(received.map(|r| stamp(r.received_at)))
    .bind(received.map(|r| r.channel.wire()))
    .bind(state.kind().map(Kind::wire))
    .bind(state.status().wire())
    .bind(received.and_then(|r| r.box_session).map(|s| s.to_string()))
    .bind(received.and_then(|r| r.message_id.clone()))
    .bind(serde_json::to_string(&state).map_err(corrupt)?)
    .bind(state.finished_at().map(stamp))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn project_box(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    opened: &FeedbackBoxOpened,
) -> Result<()> {
    let witnesses: Vec<&str> = opened.witnesses.iter().map(OfficialName::as_str).collect();
    sqlx::query("INSERT OR IGNORE INTO feedback_box (id, opened_at, witnesses, letters) VALUES (?, ?, ?, ?)")
        .bind(event.entity_id.to_string())
        .bind(stamp(opened.opened_at))
        .bind(serde_json::to_string(&witnesses).map_err(corrupt)?)
        .bind(i64::from(opened.letters))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
