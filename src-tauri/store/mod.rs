//! The desk's local store: SQLite in WAL mode, one writer, every change an event written in the
//! same transaction as its projection.

mod accounts;
pub mod backup;
mod cameras;
pub mod cipher;
mod erasure;
mod feedback;
mod mailbox;
mod officials;
mod publicity;
pub mod reception;
mod reference;
mod settings;
mod summary;
mod visits;

pub use mailbox::MailboxSettings;
pub use reference::Reference;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use thanthien_core::clock::ServerReading;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::ipc::SyncStatus;
use thanthien_core::time::stamp;
use thanthien_core::visit::InputError;
use thanthien_core::wire::{Commune, EnrollResponse, PulledEvent, PushResponse, PushStatus};
use thanthien_core::Hlc;
use uuid::Uuid;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

const DB_FILE: &str = "thanthien.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid input")]
    Invalid(Vec<InputError>),
    #[error("refused: {0}")]
    Denied(#[from] thanthien_core::account::Denial),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Key(#[from] cipher::KeyError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// One refused field, as every register's writes report it.
fn invalid(e: InputError) -> StoreError {
    StoreError::Invalid(vec![e])
}

/// This PC's enrolment, once it has one.
#[derive(Debug, Clone)]
pub struct Enrollment {
    pub device_id: Uuid,
    pub commune: Commune,
    pub server_url: String,
    pub token: DeviceToken,
}

/// Where this PC's device token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceToken {
    /// In this database: the PC has no OS credential store.
    Here(String),
    /// In the OS credential store, under the PC's device id (`secret::Vault::DeviceToken`).
    InOsStore,
}

#[derive(Clone)]
pub struct Store {
    writer: SqlitePool,
    reader: SqlitePool,
    device_id: Uuid,
    path: PathBuf,
    /// What the store file and its backups are encrypted with (`cipher`).
    key: cipher::StoreKey,
    /// Shared by every clone of the store; swapped whole when the province publishes.
    reference: Arc<RwLock<Arc<Reference>>>,
    /// Who this handle writes as: recorded on every event it appends (see `by`).
    user: Option<Arc<str>>,
    /// The province's time as last heard, shared by every clone: what `now` corrects by.
    server_reading: Arc<RwLock<Option<ServerReading>>>,
    /// How far the system clock, as this store reads it, is from the true time: zero, except
    /// in the tests that play a PC with a wrong clock (`with_system_clock_off_by`).
    system_clock_off: chrono::Duration,
    /// The weekly summary's parsed visits, kept until the next write (`summary::ParsedWeeks`).
    parsed_weeks: summary::ParsedWeeks,
}

impl Store {
    /// Opens (creating and migrating if needed) the store in `dir`.
    pub async fn open(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir { path: dir.to_owned(), source })?;
        let path = dir.join(DB_FILE);
        // The window and the command line may open a new data folder at the same moment: sqlx's
        // SQLite migrator takes no lock, so the second would find half-made tables. One lock file
        // around the migrations: the second opener waits, then finds them done.
        let lock = migration_lock(dir).await?;
        let restored =
            backup::take_staged(dir).map_err(|source| StoreError::DataDir { path: dir.to_owned(), source })?;
        let key = cipher::key_for(dir).await?;
        cipher::encrypt_in_place(dir, &key).await?;
        let options = key
            .apply(SqliteConnectOptions::new())
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A visit the receptionist saw saved must survive a power cut.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // What a row held is overwritten when it goes (an erased citizen's name, a token
            // moved to the OS store), not left in free space for anyone who copies the file.
            .pragma("secure_delete", "ON")
            // The CLI and the window may write at once: wait for the other rather than fail.
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(|e| cipher::opening_error(&path, e))?;
        MIGRATOR.run(&writer).await?;
        if restored {
            sqlx::query("UPDATE local_device SET recovering = 1").execute(&writer).await?;
        }
        drop(lock);
        let reader = SqlitePoolOptions::new().max_connections(4).connect_with(options.read_only(true)).await?;
        sqlx::query("INSERT OR IGNORE INTO local_device (only, id) VALUES (1, ?)")
            .bind(Uuid::new_v4().to_string())
            .execute(&writer)
            .await?;
        let (id,): (String,) = sqlx::query_as("SELECT id FROM local_device").fetch_one(&writer).await?;
        let device_id = Uuid::from_str(&id).map_err(corrupt)?;
        let reference = Arc::new(RwLock::new(Arc::new(Reference::starter())));
        let reading: (Option<String>, Option<String>) =
            sqlx::query_as("SELECT server_time, server_seen_local FROM local_device").fetch_one(&writer).await?;
        let server_reading = match reading {
            (Some(server), Some(local)) => {
                Some(ServerReading { server: parse_stamp(&server)?, local: parse_stamp(&local)? })
            }
            _ => None,
        };
        let server_reading = Arc::new(RwLock::new(server_reading));
        let store = Store {
            writer,
            reader,
            device_id,
            path,
            key,
            reference,
            user: None,
            server_reading,
            system_clock_off: chrono::Duration::zero(),
            parsed_weeks: Default::default(),
        };
        store.load_reference().await?;
        Ok(store)
    }

    /// The time this PC writes on what it records now: its own clock, or the province's time if
    /// the last sync found the clock off by more than the tolerance (`clock::trusted_now`).
    pub fn now(&self) -> DateTime<Utc> {
        let reading = *self.server_reading.read().unwrap_or_else(|e| e.into_inner());
        thanthien_core::clock::trusted_now(self.system_now(), reading)
    }

    /// The PC's own clock.
    fn system_now(&self) -> DateTime<Utc> {
        Utc::now() + self.system_clock_off
    }

    /// The same store on a PC whose system clock is `off` from the true time: for the tests of
    /// wrong clocks (a test cannot set the machine's clock).
    pub fn with_system_clock_off_by(&self, off: chrono::Duration) -> Store {
        Store { system_clock_off: off, ..self.clone() }
    }

    /// How far this PC's clock was off at the last sync, when beyond the tolerance.
    pub fn clock_offset(&self) -> Option<chrono::Duration> {
        self.server_reading.read().unwrap_or_else(|e| e.into_inner()).and_then(|r| r.wrong_by())
    }

    /// Notes the province's time from an answer (enrolment, push, pull), against this PC's clock.
    pub async fn record_server_time(&self, server: DateTime<Utc>) -> Result<()> {
        let reading = ServerReading { server, local: self.system_now() };
        if let Some(offset) = reading.wrong_by() {
            tracing::warn!(offset_secs = offset.num_seconds(), "this PC's clock is off");
        }
        sqlx::query("UPDATE local_device SET server_time = ?, server_seen_local = ?")
            .bind(stamp(reading.server))
            .bind(stamp(reading.local))
            .execute(&self.writer)
            .await?;
        *self.server_reading.write().unwrap_or_else(|e| e.into_inner()) = Some(reading);
        Ok(())
    }

    /// A time given for an entry (now, `--at`, a paper-book day): not after this PC's trusted
    /// time, not before today's communes, and kept to the millisecond like every stored instant,
    /// so the event and the row agree.
    fn instant(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>> {
        use chrono::SubsecRound;
        thanthien_core::visit::lifecycle::check_not_future(at, self.now())
            .map(|at| at.trunc_subsecs(3))
            .map_err(invalid)
    }

    /// The same store, writing as `user`: each command takes one for the person signed in, so
    /// every event names who made it.
    pub fn by(&self, user: impl Into<Arc<str>>) -> Store {
        Store { user: Some(user.into()), ..self.clone() }
    }

    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    /// The SQLite file, for tools and tests that look inside.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes both pools, waiting for the writer to finish.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading.
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    pub async fn enrollment(&self) -> Result<Option<Enrollment>> {
        type Row = (Option<String>, Option<String>, Option<String>, Option<String>, bool);
        let row: Option<Row> =
            sqlx::query_as("SELECT commune_code, commune_name, server_url, token, token_in_os_store FROM local_device")
                .fetch_optional(&self.reader)
                .await?;
        let Some((Some(code), Some(name), Some(server_url), token, in_os_store)) = row else { return Ok(None) };
        let token = match (token, in_os_store) {
            (_, true) => DeviceToken::InOsStore,
            (Some(token), false) => DeviceToken::Here(token),
            (None, false) => return Ok(None),
        };
        Ok(Some(Enrollment { device_id: self.device_id, commune: Commune { code, name }, server_url, token }))
    }

    /// The monitor the citizen's rating window was last left on (this PC's own, never synced).
    pub async fn rating_monitor(&self) -> Result<Option<String>> {
        let (name,): (Option<String>,) =
            sqlx::query_as("SELECT rating_monitor FROM local_device").fetch_one(&self.reader).await?;
        Ok(name)
    }

    pub async fn set_rating_monitor(&self, name: &str) -> Result<()> {
        sqlx::query("UPDATE local_device SET rating_monitor = ?").bind(name).execute(&self.writer).await?;
        Ok(())
    }

    /// The device token is now in the OS credential store: this database forgets it, its bytes
    /// overwritten (secure_delete) and the journal folded back, so no copy stays in the file.
    pub async fn token_moved_to_os_store(&self) -> Result<()> {
        sqlx::query("UPDATE local_device SET token = NULL, token_in_os_store = 1 WHERE commune_code IS NOT NULL")
            .execute(&self.writer)
            .await?;
        self.fold_journal().await
    }

    /// The office's name for report headings: the commune the province enrolled this PC in.
    pub async fn office_name(&self) -> Result<String> {
        Ok(self.enrollment().await?.map_or_else(|| "UBND xã, phường".to_owned(), |e| e.commune.name))
    }

    /// Saves the province's answer to enrolment (its token only where the OS credential store
    /// did not take it); own events written before now join the commune.
    pub async fn set_enrollment(
        &self,
        server_url: &str,
        enrolled: &EnrollResponse,
        token_in_os_store: bool,
    ) -> Result<()> {
        let commune = &enrolled.commune;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE local_device SET commune_code = ?, commune_name = ?, server_url = ?, token = ?, token_in_os_store = ?,
                 last_error = NULL, ticket_series = ?",
        )
        .bind(&commune.code)
        .bind(&commune.name)
        .bind(server_url)
        .bind((!token_in_os_store).then_some(&enrolled.token))
        .bind(token_in_os_store)
        // An answer from a server of another build must never stop the desk from recording
        // arrivals: a letter that cannot start a ticket falls back to A.
        .bind(if enrolled.ticket_series.is_ascii_uppercase() { enrolled.ticket_series } else { 'A' }.to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE event SET commune_id = ? WHERE commune_id IS NULL AND device_id = ?")
            .bind(&commune.code)
            .bind(self.device_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends one own event in the caller's transaction; the caller projects it. The seq comes
    /// from the same transaction, so a rolled-back write leaves no gap.
    async fn append(&self, tx: &mut Transaction<'static, Sqlite>, body: &EventBody, entity_id: Uuid) -> Result<Event> {
        let now = self.now();
        // One round trip: next seq, and the clock = the greatest HLC seen (own or pulled), but
        // for own events stamped by a clock that ran far ahead (refused by the province): they
        // must not hold this PC's clock in 2099 once it knows better. The text form sorts like
        // the value, so the bound is its 16-digit wall prefix.
        let bound = thanthien_core::clock::own_clock_horizon(now);
        let (device, seq, last_hlc, commune, recovering): (String, i64, Option<String>, Option<String>, bool) =
            sqlx::query_as(
                "UPDATE local_device SET last_seq = last_seq + 1
             RETURNING id, last_seq, (SELECT max(hlc) FROM event WHERE hlc < ?), commune_code, recovering",
            )
            .bind(format!("{:016}", bound.timestamp_millis().max(0) + 1))
            .fetch_one(&mut **tx)
            .await?;
        // Restored from a backup: the seqs past it may be taken on the server already. The
        // caller's transaction is dropped, so nothing of this write stays.
        if recovering {
            return Err(invalid(InputError::RestoredNotSettled));
        }
        let device_id = Uuid::from_str(&device).map_err(corrupt)?;
        let last_hlc = last_hlc.map(|h| h.parse::<Hlc>()).transpose().map_err(corrupt)?;
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let hlc = Hlc::tick(last_hlc, now_ms, device_id);
        let user = self.user.as_deref().map(str::to_owned);
        let event = Event::new(&commune.unwrap_or_default(), device_id, seq, hlc, entity_id, body, user);
        insert_event(tx, &event, now).await?;
        summary::forget_weeks(tx, body, entity_id).await?;
        Ok(event)
    }

    /// Own events not yet settled on the server, oldest first, within the batch limits.
    pub async fn outbox(&self, max_events: usize, max_bytes: usize) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {EVENT_COLUMNS} FROM event e, local_device d
             WHERE e.device_id = d.id AND e.seq > d.acked_seq ORDER BY e.seq LIMIT ?"
        ))
        .bind(max_events as i64)
        .fetch_all(&self.reader)
        .await?;
        let mut events = Vec::with_capacity(rows.len());
        let mut bytes = 0;
        let now = self.now();
        for row in rows {
            let event = event_from_row(row)?;
            // Stamped by a clock that was running a little fast: the server would refuse it now
            // and take it once its time catches up, so it waits (and the ones behind it).
            if thanthien_core::clock::hold_back(event.hlc.wall_ms, now) {
                break;
            }
            bytes += serde_json::to_vec(&event).map_or(0, |v| v.len());
            if bytes > max_bytes && !events.is_empty() {
                break;
            }
            events.push(event);
        }
        Ok(events)
    }

    /// Records the server's answer to a push: what is settled, and what it refused and why.
    pub async fn record_push(&self, response: &PushResponse) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let acked = match response.expected_seq {
            // The server lacks earlier events (e.g. restored from a backup): resend from there.
            Some(expected) => expected - 1,
            None => response.acked_through,
        };
        sqlx::query("UPDATE local_device SET acked_seq = min(max(?, 0), last_seq)")
            .bind(acked)
            .execute(&mut *tx)
            .await?;
        for result in &response.results {
            if matches!(result.status, PushStatus::Rejected | PushStatus::Conflict) {
                let status = serde_json::to_value(result.status).map_err(corrupt)?;
                sqlx::query(
                    "INSERT OR REPLACE INTO sync_rejection (event_id, seq, status, reason, at)
                     SELECT id, seq, ?, ?, ? FROM event WHERE id = ?",
                )
                .bind(status.as_str())
                .bind(&result.reason)
                .bind(stamp(Utc::now()))
                .bind(result.event_id.to_string())
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The last seq this PC has numbered: the province sends back its own events past it.
    pub async fn own_last_seq(&self) -> Result<i64> {
        let (seq,): (i64,) = sqlx::query_as("SELECT last_seq FROM local_device").fetch_one(&self.reader).await?;
        Ok(seq)
    }

    pub async fn pull_cursor(&self) -> Result<i64> {
        let (cursor,): (i64,) = sqlx::query_as("SELECT pull_cursor FROM local_device").fetch_one(&self.reader).await?;
        Ok(cursor)
    }

    /// Stores and projects events pulled from the server and moves the cursor, in one
    /// transaction. Returns how many were new here. Replays and duplicates change nothing.
    pub async fn apply_pulled(&self, pulled: &[PulledEvent], next_cursor: i64) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let now = self.now();
        let mut new = 0;
        let (own_last,): (i64,) = sqlx::query_as("SELECT last_seq FROM local_device").fetch_one(&mut *tx).await?;
        for PulledEvent { event, .. } in pulled {
            // Its own events come back only past what it holds: what a restored PC had synced
            // after its backup was made. They are taken like any other.
            if event.device_id == self.device_id && event.seq <= own_last {
                continue;
            }
            // A synced event is input like any other: core's one admission, against this PC's
            // trusted time. A refused one is kept aside with its reason; the rest go on.
            let body = match event.admit(now) {
                Ok(body) => body,
                // Of a newer build (the server that took it knows the kind): kept in the log,
                // not projected, for the version that reads it. It never sets this PC's clock
                // beyond `own_clock_horizon`.
                Err(e) if e.is_newer_build() => {
                    tracing::warn!(event = %event.id, error = %e, "pulled event not understood by this version");
                    new += usize::from(insert_event(&mut tx, event, now).await?);
                    continue;
                }
                Err(e) => {
                    tracing::warn!(event = %event.id, error = %e, "pulled event refused");
                    quarantine_pulled(&mut tx, event, &e.to_string(), now).await?;
                    continue;
                }
            };
            let event = event.with_body(&body);
            if !insert_event(&mut tx, &event, now).await? {
                continue;
            }
            new += 1;
            summary::forget_weeks(&mut tx, &body, event.entity_id).await?;
            match out_of_order(&mut tx, &event, &body).await? {
                None => project(&mut tx, &event, &body, Prior::Load).await?,
                // A step dated before what it belongs to is kept in the log, not projected.
                Some(e) => tracing::warn!(event = %event.id, error = %e, "pulled event refused"),
            }
        }
        sqlx::query("UPDATE local_device SET pull_cursor = max(pull_cursor, ?)")
            .bind(next_cursor)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        if pulled.iter().any(|p| p.event.entity == "office") {
            self.load_reference().await?;
        }
        if pulled.iter().any(|p| thanthien_core::erasure::ERASURE_KINDS.contains(&p.event.kind.as_str())) {
            self.fold_journal().await?;
        }
        Ok(new)
    }

    /// Pulled events this PC refused, newest first: (event id, reason).
    pub async fn pulled_quarantine(&self) -> Result<Vec<(Uuid, String)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT event_id, reason FROM pulled_quarantine ORDER BY received_at DESC")
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter().map(|(id, reason)| Ok((Uuid::from_str(&id).map_err(corrupt)?, reason))).collect()
    }

    pub async fn record_sync_result(&self, error: Option<&str>) -> Result<()> {
        let query = match error {
            None => {
                sqlx::query("UPDATE local_device SET last_success_at = ?, last_error = NULL").bind(stamp(Utc::now()))
            }
            Some(message) => sqlx::query("UPDATE local_device SET last_error = ?").bind(message),
        };
        query.execute(&self.writer).await?;
        Ok(())
    }

    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let (commune_name, enrolled, last_seq, acked_seq, last_success_at, last_error): (
            Option<String>,
            bool,
            i64,
            i64,
            Option<String>,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT commune_name, token IS NOT NULL OR token_in_os_store, last_seq, acked_seq, last_success_at, last_error
             FROM local_device",
        )
        .fetch_one(&self.reader)
        .await?;
        let (rejected,): (i64,) = sqlx::query_as("SELECT count(*) FROM sync_rejection").fetch_one(&self.reader).await?;
        let clock_warning = self.clock_offset().map(thanthien_core::clock::wrong_clock_warning);
        Ok(SyncStatus {
            enrolled,
            commune_name,
            pending: last_seq - acked_seq,
            last_success_at: last_success_at.map(|t| parse_stamp(&t)).transpose()?,
            last_error,
            rejected,
            clock_warning,
        })
    }

    /// Every event in the log, in (device, seq) order: for tests and audits.
    pub async fn events(&self) -> Result<Vec<Event>> {
        let rows: Vec<EventRow> =
            sqlx::query_as(&format!("SELECT {EVENT_COLUMNS} FROM event e ORDER BY e.device_id, e.seq"))
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter().map(event_from_row).collect()
    }
}

fn parse_stamp(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(corrupt)
}

type EventRow = (String, Option<String>, String, i64, String, String, String, String, String, i64, Option<String>);

const EVENT_COLUMNS: &str =
    "e.id, e.commune_id, e.device_id, e.seq, e.hlc, e.entity, e.entity_id, e.kind, e.payload, e.schema, e.user";

fn event_from_row(row: EventRow) -> Result<Event> {
    let (id, commune_id, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user) = row;
    Ok(Event {
        id: Uuid::from_str(&id).map_err(corrupt)?,
        commune_id: commune_id.unwrap_or_default(),
        device_id: Uuid::from_str(&device_id).map_err(corrupt)?,
        seq,
        hlc: hlc.parse().map_err(corrupt)?,
        entity,
        entity_id: Uuid::from_str(&entity_id).map_err(corrupt)?,
        kind,
        payload: serde_json::from_str(&payload).map_err(corrupt)?,
        schema: u32::try_from(schema).map_err(corrupt)?,
        user,
    })
}

/// Inserts an event unless its id is already in the log; true when it was new.
async fn insert_event(tx: &mut Transaction<'static, Sqlite>, e: &Event, now: DateTime<Utc>) -> Result<bool> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO event (id, commune_id, device_id, seq, hlc, entity, entity_id, kind, payload, schema, recorded_at, user)
         VALUES (?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.id.to_string())
    .bind(&e.commune_id)
    .bind(e.device_id.to_string())
    .bind(e.seq)
    .bind(e.hlc.to_string())
    .bind(&e.entity)
    .bind(e.entity_id.to_string())
    .bind(&e.kind)
    .bind(e.payload.to_string())
    .bind(i64::from(e.schema))
    .bind(stamp(now))
    .bind(&e.user)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Keeps a refused pulled event aside with its reason (once), outside the log.
async fn quarantine_pulled(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let envelope = serde_json::to_string(event).map_err(corrupt)?;
    sqlx::query(
        "INSERT OR IGNORE INTO pulled_quarantine (event_id, envelope, reason, received_at) VALUES (?, ?, ?, ?)",
    )
    .bind(event.id.to_string())
    .bind(envelope)
    .bind(reason)
    .bind(stamp(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Holds the data folder's migration lock until dropped: an exclusive lock on a file beside the
/// database (the OS releases it if the process dies).
async fn migration_lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join("thanthien.db.migrate-lock");
    let io = |source| StoreError::DataDir { path: path.clone(), source };
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
    // Blocking: the other opener holds it only while it migrates.
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .map_err(io)
}

/// Whether a projection row may already exist for the event's entity.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prior {
    /// Read it first (pulled events, amendments).
    Load,
    /// The entity id was minted in this very transaction: there is nothing to read.
    None,
}

/// Why a pulled step cannot be projected: it is dated before the start of what it belongs to (a
/// visit's arrival, an item's receipt, a camera's service), judged by core on what this PC knows.
async fn out_of_order(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    body: &EventBody,
) -> Result<Option<InputError>> {
    use thanthien_core::camera::CameraChange;
    use thanthien_core::feedback::FeedbackChange;
    use thanthien_core::visit::VisitChange;
    let held =
        |hold: Option<thanthien_core::erasure::Hold>| hold.map_or(Ok(()), |hold| Err(InputError::ErasureHeld { hold }));
    let checked = match body {
        // An erasure the law does not allow yet, whichever PC sent it, erases nothing here.
        EventBody::Visit(change @ VisitChange::Erased(_)) => {
            let state = visits::load_state(tx, event.entity_id).await?;
            state.check_start(change).and_then(|()| held(state.erasure_hold()))
        }
        EventBody::Feedback(change @ FeedbackChange::Erased(_)) => {
            let state = feedback::load_state(tx, event.entity_id).await?;
            state.check_start(change).and_then(|()| held(state.erasure_hold(None)))
        }
        EventBody::Visit(change) => visits::load_state(tx, event.entity_id).await?.check_start(change),
        EventBody::Feedback(change) => feedback::load_state(tx, event.entity_id).await?.check_start(change),
        EventBody::Camera(CameraChange::Checked(check)) => {
            let since = cameras::service_start(tx, event.entity_id).await?.map(|(_, since)| since);
            check.check_start(since)
        }
        _ => Ok(()),
    };
    Ok(checked.err())
}

/// Folds one event into its projection: the same core rule on every PC. An erasure, and any
/// later event of an erased record, blanks the record's stored copies (`erasure::blank_record`).
async fn project(tx: &mut Transaction<'static, Sqlite>, event: &Event, body: &EventBody, prior: Prior) -> Result<()> {
    project_one(tx, event, body, prior).await?;
    if matches!(body, EventBody::Visit(_) | EventBody::Feedback(_)) && erasure::is_erased(tx, event.entity_id).await? {
        erasure::blank_record(tx, event.entity_id).await?;
    }
    Ok(())
}

async fn project_one(
    tx: &mut Transaction<'static, Sqlite>,
    event: &Event,
    body: &EventBody,
    prior: Prior,
) -> Result<()> {
    match body {
        EventBody::Visit(change) => visits::project(tx, event, change, prior).await.map(drop),
        EventBody::OfficeHours(hours) => reference::project_hours(tx, event, hours).await,
        EventBody::Official(listed) => officials::project(tx, event, listed).await,
        EventBody::Feedback(change) => feedback::project(tx, event, change, prior).await,
        EventBody::FeedbackBox(opened) => feedback::project_box(tx, event, opened).await,
        EventBody::Camera(change) => cameras::project(tx, event, change).await,
        EventBody::Week(stepped) => summary::project(tx, event, stepped).await,
        EventBody::Publication(published) => publicity::project(tx, event, published).await,
        EventBody::Access(accessed) => erasure::project_access(tx, event, accessed).await,
        EventBody::Reception(change) => reception::project(tx, event, change).await,
    }
}
