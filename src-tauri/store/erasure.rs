//! Erasing one person's data in the local store (issue 17, Law 91/2025): the erasure event, and
//! the blanking it sets off wherever it is applied — the record's stored events, its projection
//! rebuilt from them, refused copies kept aside — with the freed bytes overwritten
//! (`secure_delete`) and the journal folded back into the file.

use super::{corrupt, event_from_row, feedback, invalid, visits, EventRow, Prior, Result, Store, EVENT_COLUMNS};
use sqlx::{Sqlite, Transaction};
use thanthien_core::breach::{BreachAccount, BreachInput, BreachReport};
use thanthien_core::erasure::{blank, content_hash, erasure, identifiers, Grounds};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::feedback::FeedbackChange;
use thanthien_core::person::{
    find, Access, AccessEntry, Accessed, ErasureReport, PersonFile, PersonQuery, PersonRecord, Register,
};
use thanthien_core::retention::RetentionRun;
use thanthien_core::time::stamp;
use thanthien_core::visit::{InputError, VisitChange};
use uuid::Uuid;

impl Store {
    /// Erases the personal data of one record of `register`, for `reason`. Refused, with
    /// nothing written, while the law holds the record (`Hold`) or once it is erased.
    pub async fn erase_record(&self, register: Register, id: Uuid, grounds: Grounds, reason: &str) -> Result<()> {
        self.erase_one(register, id, grounds, reason).await?;
        self.fold_journal().await
    }

    /// `erase_record` but for the journal, which the caller folds once it is done.
    async fn erase_one(&self, register: Register, id: Uuid, grounds: Grounds, reason: &str) -> Result<()> {
        let erased = erasure(self.instant(self.now())?, grounds, reason).map_err(invalid)?;
        let mut tx = self.begin_write().await?;
        let body = match register {
            Register::Visit => {
                let change = VisitChange::Erased(erased);
                visits::load_state(&mut tx, id).await?.admits(&change).map_err(invalid)?;
                EventBody::Visit(change)
            }
            Register::Feedback => {
                let state = feedback::load_state(&mut tx, id).await?;
                let reference = self.reference();
                let today = thanthien_core::time::local_day(self.now());
                if let Some(hold) = state.erasure_hold(Some((&reference.calendar, &reference.hours, today))) {
                    return Err(invalid(InputError::ErasureHeld { hold }));
                }
                let change = FeedbackChange::Erased(erased);
                state.admits(&change).map_err(invalid)?;
                EventBody::Feedback(change)
            }
        };
        let event = self.append(&mut tx, &body, id).await?;
        super::project(&mut tx, &event, &body, Prior::Load).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every record of the person `query` finds, in both registers, ID numbers masked.
    pub async fn find_person(&self, query: &PersonQuery) -> Result<Vec<PersonRecord>> {
        let today = thanthien_core::time::local_day(self.now());
        Ok(find(query, &self.all_visits().await?, &self.feedback_register(today).await?))
    }

    /// What the office holds about the person, in full: the file handed to them.
    pub async fn person_file(&self, query: &PersonQuery) -> Result<PersonFile> {
        let now = self.now();
        let today = thanthien_core::time::local_day(now);
        let (visits, feedback) = (self.all_visits().await?, self.feedback_register(today).await?);
        Ok(PersonFile::gather(&self.office_name().await?, now, query, &visits, &feedback))
    }

    /// The facts of a breach notice (`core::breach`): the registers as they stood when the
    /// breach was found, the access log of the 30 days before, and what protected the data.
    pub async fn breach_report(&self, input: BreachInput) -> Result<BreachReport> {
        let now = self.now();
        let account = BreachAccount::parse(input, now).map_err(super::StoreError::Invalid)?;
        let today = thanthien_core::time::local_day(now);
        let (visits, feedback) = (self.all_visits().await?, self.feedback_register(today).await?);
        let access = self.access_log(u32::MAX).await?;
        let safeguards = self.safeguards().await?;
        Ok(BreachReport::gather(&self.office_name().await?, now, account, &visits, &feedback, &access, safeguards))
    }

    /// What protects the personal data on this PC, stated for a breach notice.
    async fn safeguards(&self) -> Result<Vec<String>> {
        let dir = self.path.parent().unwrap_or(std::path::Path::new("."));
        let mut said = vec![if super::cipher::key_in_os_store(dir) {
            "Dữ liệu trên máy được mã hoá (SQLCipher, AES-256); khoá nằm trong kho khoá của hệ điều hành, không nằm \
             trong tệp dữ liệu."
                .to_owned()
        } else {
            "Dữ liệu trên máy được mã hoá (SQLCipher, AES-256); máy không có kho khoá nên khoá nằm trong tệp riêng \
             cạnh dữ liệu: ai lấy được cả thư mục dữ liệu thì đọc được."
                .to_owned()
        }];
        let backups = self.backup_status().await?;
        said.push(match backups.backups.first() {
            Some(latest) => format!(
                "Sao lưu gần nhất: {} tại {}, mã hoá bằng cùng khoá.",
                thanthien_core::time::local_text(latest.at),
                backups.folder
            ),
            None => "Chưa có bản sao lưu nào.".to_owned(),
        });
        let sync = self.sync_status().await?;
        if let Some(at) = sync.last_success_at {
            said.push(format!(
                "Dữ liệu đã gửi lên máy chủ của tỉnh, lần đồng bộ gần nhất: {}.",
                thanthien_core::time::local_text(at)
            ));
        }
        let retention = self.reference().retention.clone();
        said.push(format!(
            "Thời hạn lưu dữ liệu cá nhân: sổ tiếp dân {} tháng, sổ góp ý {} tháng; quá hạn thì tự xoá.",
            retention.visits.months, retention.feedback.months
        ));
        Ok(said)
    }

    /// Erases every record of the person `query` finds that the law lets go; the others are
    /// listed with what holds them.
    pub async fn erase_person(&self, query: &PersonQuery, grounds: Grounds, reason: &str) -> Result<ErasureReport> {
        let records = self.find_person(query).await?;
        let mut report = ErasureReport::default();
        for record in records {
            match self.erase_one(record.register, record.id, grounds, reason).await {
                Ok(()) => report.erased.push(record),
                Err(super::StoreError::Invalid(errors)) => match errors.first() {
                    Some(InputError::ErasureHeld { hold }) => report.refused.push((record, *hold)),
                    // Erased meanwhile by another PC: nothing of the person is left there.
                    Some(InputError::AlreadyErased) => {}
                    _ => return Err(super::StoreError::Invalid(errors)),
                },
                Err(e) => return Err(e),
            }
        }
        self.fold_journal().await?;
        Ok(report)
    }

    /// Erases every record whose retention period (the province's, else core's default) ended
    /// by today, and logs the run per register. Records the law still holds wait.
    pub async fn run_retention(&self) -> Result<Vec<RetentionRun>> {
        use chrono::SubsecRound;
        // To the millisecond, as every stored instant: the log reads back what was returned.
        let now = self.now().trunc_subsecs(3);
        let today = thanthien_core::time::local_day(now);
        let retention = self.reference().retention.clone();
        let expired = retention.expired(&self.all_visits().await?, &self.feedback_register(today).await?, today);
        let mut runs = Vec::new();
        for register in [Register::Visit, Register::Feedback] {
            let period = retention.period(register);
            let reason = thanthien_core::retention::reason(period);
            let mut erased = 0;
            for (_, id) in expired.iter().filter(|(r, _)| *r == register) {
                match self.erase_one(register, *id, Grounds::Retention, &reason).await {
                    Ok(()) => erased += 1,
                    // Another PC's run, or a hold the list could not see: the next run looks again.
                    Err(super::StoreError::Invalid(e)) => {
                        tracing::info!(record = %id, errors = ?e, "not erased by retention")
                    }
                    Err(e) => return Err(e),
                }
            }
            let run = RetentionRun { at: now, register, months: period.months, erased };
            sqlx::query("INSERT INTO retention_run (at, register, months, erased) VALUES (?, ?, ?, ?)")
                .bind(stamp(run.at))
                .bind(register_word(register))
                .bind(i64::from(run.months))
                .bind(i64::from(run.erased))
                .execute(&self.writer)
                .await?;
            runs.push(run);
        }
        self.fold_journal().await?;
        Ok(runs)
    }

    /// Runs the retention once a day (local), whatever the network: the background loop asks.
    pub async fn run_retention_if_due(&self) -> Result<Option<Vec<RetentionRun>>> {
        let last = self.retention_runs(1).await?.into_iter().next();
        let today = thanthien_core::time::local_day(self.now());
        if last.is_some_and(|run| thanthien_core::time::local_day(run.at) >= today) {
            return Ok(None);
        }
        self.run_retention().await.map(Some)
    }

    /// The latest runs, newest first.
    pub async fn retention_runs(&self, limit: u32) -> Result<Vec<RetentionRun>> {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT at, register, months, erased FROM retention_run ORDER BY id DESC LIMIT ?")
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter()
            .map(|(at, register, months, erased)| {
                Ok(RetentionRun {
                    at: super::parse_stamp(&at)?,
                    register: if register == "feedback" { Register::Feedback } else { Register::Visit },
                    months: u32::try_from(months).map_err(corrupt)?,
                    erased: u32::try_from(erased).map_err(corrupt)?,
                })
            })
            .collect()
    }

    /// Folds the write-ahead journal back into the file and empties it, so the pages an erasure
    /// replaced are not left in it. Readers of the other process may hold it for a moment.
    pub(super) async fn fold_journal(&self) -> Result<()> {
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) =
                sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&self.writer).await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        tracing::warn!("the journal could not be emptied after an erasure: a reader held it; the next one will");
        Ok(())
    }
}

impl Store {
    /// Notes in the access log that this handle's user did `action` on `records` (an event,
    /// synced, so the admin of any PC of the commune sees it).
    pub async fn record_access(&self, action: Access, records: &[Uuid]) -> Result<()> {
        let body = EventBody::Access(Accessed::new(self.instant(self.now())?, action, records));
        let mut tx = self.begin_write().await?;
        let event = self.append(&mut tx, &body, Uuid::now_v7()).await?;
        super::project(&mut tx, &event, &body, Prior::None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The access log, newest first.
    pub async fn access_log(&self, limit: u32) -> Result<Vec<AccessEntry>> {
        let rows: Vec<(String, String, i64, Option<String>, String)> = sqlx::query_as(
            "SELECT at, action, count, user, device_id FROM person_access ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        rows.into_iter()
            .map(|(at, action, count, user, device)| {
                Ok(AccessEntry {
                    at: super::parse_stamp(&at)?,
                    action: Access::parse(&action).map_err(corrupt)?,
                    count: u32::try_from(count).map_err(corrupt)?,
                    user,
                    device_id: Uuid::parse_str(&device).map_err(corrupt)?,
                })
            })
            .collect()
    }
}

/// Keeps one line of the access log (once, whatever PC it came from).
pub(super) async fn project_access(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    accessed: &Accessed,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO person_access (id, at, action, count, user, device_id) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(event.entity_id.to_string())
    .bind(stamp(accessed.at))
    .bind(accessed.action.wire())
    .bind(i64::from(accessed.count))
    .bind(&event.user)
    .bind(event.device_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the record `entity_id` has been erased here: its projected state says so (an erasure
/// kept in the log but held back by the law's rule erases nothing, now or later).
pub(super) async fn is_erased(tx: &mut Transaction<'static, Sqlite>, entity_id: Uuid) -> Result<bool> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM visit WHERE id = ?1 AND json_extract(state, '$.erased') IS NOT NULL
         UNION ALL
         SELECT 1 FROM feedback WHERE id = ?1 AND json_extract(state, '$.erased') IS NOT NULL
         LIMIT 1",
    )
    .bind(entity_id.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Blanks every stored copy of the record's personal data: each event of it (keeping the
/// fingerprint of what it held), its projection rebuilt from the blanked events, and copies this
/// PC refused. Run by the erasure itself and by every later event of the record.
pub(super) async fn blank_record(tx: &mut Transaction<'static, Sqlite>, entity_id: Uuid) -> Result<()> {
    let rows: Vec<(EventRow, Option<String>)> = {
        let rows: Vec<EventRowWithHash> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS}, e.erased_hash FROM event e WHERE e.entity_id = ? ORDER BY e.hlc"
        ))
        .bind(entity_id.to_string())
        .fetch_all(&mut **tx)
        .await?;
        rows.into_iter().map(split_hash).collect()
    };
    let mut events = Vec::with_capacity(rows.len());
    for (row, hash) in rows {
        events.push((event_from_row(row)?, hash));
    }
    let who = identifiers(events.iter().map(|(e, _)| e));
    let mut blanked = Vec::with_capacity(events.len());
    for (event, hash) in events {
        let payload = blank(&event.kind, &event.payload, &who);
        if payload != event.payload {
            sqlx::query("UPDATE event SET payload = ?, erased_hash = ? WHERE id = ?")
                .bind(payload.to_string())
                .bind(hash.unwrap_or_else(|| content_hash(&event)))
                .bind(event.id.to_string())
                .execute(&mut **tx)
                .await?;
        }
        blanked.push(Event { payload, ..event });
    }
    // The projection again from the blanked log: the same rule, so every figure is as before.
    let entity = blanked.first().map(|e| e.entity.clone()).unwrap_or_default();
    match entity.as_str() {
        "visit" => {
            sqlx::query("DELETE FROM visit WHERE id = ?").bind(entity_id.to_string()).execute(&mut **tx).await?;
            for event in &blanked {
                if let Ok(EventBody::Visit(change)) = event.body() {
                    visits::project(tx, event, &change, Prior::Load).await?;
                }
            }
        }
        "feedback" => {
            sqlx::query("DELETE FROM feedback WHERE id = ?").bind(entity_id.to_string()).execute(&mut **tx).await?;
            for event in &blanked {
                if let Ok(EventBody::Feedback(change)) = event.body() {
                    feedback::project(tx, event, &change, Prior::Load).await?;
                }
            }
        }
        _ => {}
    }
    let refused: Vec<(String, String)> = sqlx::query_as(
        "SELECT event_id, envelope FROM pulled_quarantine WHERE json_extract(envelope, '$.entity_id') = ?",
    )
    .bind(entity_id.to_string())
    .fetch_all(&mut **tx)
    .await?;
    for (id, envelope) in refused {
        let mut envelope: serde_json::Value = serde_json::from_str(&envelope).map_err(corrupt)?;
        let kind = envelope["kind"].as_str().unwrap_or_default().to_owned();
        envelope["payload"] = blank(&kind, &envelope["payload"], &who);
        sqlx::query("UPDATE pulled_quarantine SET envelope = ? WHERE event_id = ?")
            .bind(envelope.to_string())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn register_word(register: Register) -> &'static str {
    match register {
        Register::Visit => "visit",
        Register::Feedback => "feedback",
    }
}

type EventRowWithHash =
    (String, Option<String>, String, i64, String, String, String, String, String, i64, Option<String>, Option<String>);

fn split_hash(row: EventRowWithHash) -> (EventRow, Option<String>) {
    let (id, commune, device, seq, hlc, entity, entity_id, kind, payload, schema, user, hash) = row;
    ((id, commune, device, seq, hlc, entity, entity_id, kind, payload, schema, user), hash)
}
