//! The province's queries. A device's requests run in a transaction walled to its commune
//! (`walled`): every event query names the commune, and PostgreSQL's row-level security refuses
//! the rest even where a query forgets to. The province's own commands run as the owner.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use thanthien_core::approval::{week_id, ApprovalStep, WeekApproval, WeekStepped};
use thanthien_core::event::{province_device, Event, EventBody};
use thanthien_core::plan::PlanFigures;
use thanthien_core::province::Rate;
use thanthien_core::ranking::IndexKind;
use thanthien_core::summary::Week;
use thanthien_core::wire::{Commune, PulledEvent, ReferenceKind, ReferenceRelease, MAX_PULL_BYTES};
use thanthien_core::Hlc;
use uuid::Uuid;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Brings the schema up to date, as the owner (`thanthien-province migrate`).
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// Why the database cannot be served as it is: its schema is behind this build's migrations.
pub async fn schema_behind(pool: &PgPool) -> Result<Option<String>> {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<(Option<i64>,)> = sqlx::query_as("SELECT max(version) FROM _sqlx_migrations WHERE success")
        .fetch_optional(pool)
        .await
        .or_else(|e| match &e {
            // No migration table at all: nothing was ever migrated.
            sqlx::Error::Database(d) if d.code().as_deref() == Some("42P01") => Ok(None),
            _ => Err(e),
        })?;
    let applied = applied.and_then(|(v,)| v).unwrap_or(0);
    Ok((applied < latest).then(|| {
        format!(
            "the database schema is at version {applied}, this build needs {latest}: \
             run `thanthien-province migrate` as the database owner first"
        )
    }))
}

/// Why the connected role must not serve devices: it bypasses row-level security (a superuser or
/// a role with BYPASSRLS), or it is also the console's (thanthien_province, whose policy shows
/// every commune), so the commune wall would not hold.
pub async fn role_bypasses_wall(pool: &PgPool) -> Result<Option<String>> {
    let (name, bypasses): (String, bool) = sqlx::query_as(
        "SELECT rolname::text, rolsuper OR rolbypassrls OR pg_has_role(current_user, 'thanthien_province', 'USAGE')
         FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(pool)
    .await?;
    Ok(bypasses.then(|| {
        format!(
            "the server connects as {name:?}, which bypasses row-level security: connect as a login role \
             of thanthien_app (`thanthien-province app-login --role NAME`)"
        )
    }))
}

/// Which group a server login joins: the devices' (walled to one commune per request) or the
/// console's (every commune, for the province's staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGroup {
    App,
    Console,
}

impl LoginGroup {
    pub fn role(self) -> &'static str {
        match self {
            LoginGroup::App => "thanthien_app",
            LoginGroup::Console => "thanthien_province",
        }
    }
}

/// Creates (or keeps) a login role for the server in `thanthien_app`, with a password if given.
pub async fn create_app_login(pool: &PgPool, role: &str, password: Option<&str>) -> Result<()> {
    create_login(pool, role, LoginGroup::App, password).await
}

/// Creates (or keeps) a login role in `group`, with a password if given. Run as the owner; the
/// role may not be a superuser or bypass row-level security.
pub async fn create_login(pool: &PgPool, role: &str, group: LoginGroup, password: Option<&str>) -> Result<()> {
    let valid = role.len() <= 63
        && role.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && role.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(Error::BadRequest(format!("role name {role:?}: lowercase letters, digits and _ only")));
    }
    // Roles are the cluster's: two databases (two tests) may create the same one at once.
    let (create,): (String,) = sqlx::query_as(
        "SELECT format('DO $do$ BEGIN CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS;
                        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $do$', $1::text)",
    )
    .bind(role)
    .fetch_one(pool)
    .await?;
    sqlx::query(&create).execute(pool).await?;
    // An existing role that bypasses the wall (a superuser's name) is refused before any grant.
    let (bypasses,): (bool,) = sqlx::query_as("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = $1")
        .bind(role)
        .fetch_one(pool)
        .await?;
    if bypasses {
        return Err(Error::BadRequest(format!("role {role:?} bypasses row-level security; pick another name")));
    }
    let (grant,): (String,) = sqlx::query_as(
        "SELECT format('DO $do$ BEGIN GRANT %I TO %I;
                        EXCEPTION WHEN unique_violation OR SQLSTATE ''XX000'' THEN NULL; END $do$', $2::text, $1::text)",
    )
    .bind(role)
    .bind(group.role())
    .fetch_one(pool)
    .await?;
    sqlx::query(&grant).execute(pool).await?;
    if let Some(password) = password {
        let (alter,): (String,) = sqlx::query_as("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)")
            .bind(role)
            .bind(password)
            .fetch_one(pool)
            .await?;
        sqlx::query(&alter).execute(pool).await?;
    }
    Ok(())
}

/// How long a request waits for a free database connection before it is told to come back
/// (503, `Retry-After` as long again), instead of the pool's default half a minute.
pub const POOL_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A pool on the same database as `owner`, logged in as `role` (made by `create_app_login`).
pub async fn connect_as(owner: &PgPool, role: &str) -> Result<PgPool> {
    let options = owner.connect_options().as_ref().clone().username(role);
    Ok(sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(POOL_WAIT)
        .connect_with(options)
        .await?)
}

/// A transaction walled to one commune: row-level security shows and accepts its rows only.
pub async fn walled(pool: &PgPool, commune: &str) -> Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT set_config('thanthien.commune', $1, true)").bind(commune).execute(&mut *tx).await?;
    Ok(tx)
}

pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Enrolment codes are read aloud and typed by hand: case, spaces and dashes do not matter.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

pub async fn add_commune(pool: &PgPool, code: &str, name: &str) -> Result<()> {
    add_commune_in(pool, code, name, None).await
}

/// Adds a commune (or renames it), with the area the province groups it in, if given.
pub async fn add_commune_in(pool: &PgPool, code: &str, name: &str, district: Option<&str>) -> Result<()> {
    sqlx::query(
        "INSERT INTO commune (code, name, district) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, district = COALESCE(EXCLUDED.district, commune.district)",
    )
    .bind(code)
    .bind(name)
    .bind(district)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a new one-time code (already generated) for a commune, valid until `expires_at`. With
/// `for_device`, the code re-keys that device (enrolled in this commune, not revoked) and nothing
/// else: the explicit act that re-enrols a PC.
pub async fn add_enrollment_code(
    pool: &PgPool,
    commune: &str,
    code: &str,
    expires_at: DateTime<Utc>,
    for_device: Option<Uuid>,
) -> Result<()> {
    let known: Option<(String,)> =
        sqlx::query_as("SELECT code FROM commune WHERE code = $1").bind(commune).fetch_optional(pool).await?;
    if known.is_none() {
        return Err(Error::BadRequest(format!("unknown commune {commune:?}; add it first with `commune add`")));
    }
    if let Some(device) = for_device {
        let active: Option<(bool,)> =
            sqlx::query_as("SELECT revoked_at IS NULL FROM device WHERE id = $1 AND commune_code = $2")
                .bind(device)
                .bind(commune)
                .fetch_optional(pool)
                .await?;
        match active {
            None => return Err(Error::BadRequest(format!("no device {device} in commune {commune:?}"))),
            Some((false,)) => return Err(Error::BadRequest(format!("device {device} is revoked and stays revoked"))),
            Some((true,)) => {}
        }
    }
    sqlx::query(
        "INSERT INTO enrollment_code (code_hash, commune_code, expires_at, for_device) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash_secret(&normalise_code(code)))
    .bind(commune)
    .bind(expires_at)
    .bind(for_device)
    .execute(pool)
    .await?;
    Ok(())
}

/// Trades a one-time code for a device bound to the code's commune, storing only the token's hash.
/// What enrolment gives a PC: its commune, and its place among the commune's PCs.
pub struct Enrolled {
    pub commune: Commune,
    pub device_number: u32,
}

pub async fn enroll(
    pool: &PgPool,
    code: &str,
    device_id: Uuid,
    device_name: Option<&str>,
    token: &str,
) -> Result<Enrolled> {
    let mut tx = pool.begin().await?;
    let hash = hash_secret(&normalise_code(code));
    let row: Option<(String, String, Option<Uuid>)> =
        sqlx::query_as("SELECT commune_code, commune_name, for_device FROM claim_enrollment_code($1, $2)")
            .bind(&hash)
            .bind(device_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((commune_code, commune_name, for_device)) = row else {
        let (state,): (Option<String>,) =
            sqlx::query_as("SELECT enrollment_code_state($1)").bind(&hash).fetch_one(&mut *tx).await?;
        return Err(match state.as_deref() {
            Some("used") => Error::EnrollmentCodeUsed,
            Some("expired") => Error::EnrollmentCodeExpired,
            _ => Error::EnrollmentCodeInvalid,
        });
    };
    sqlx::query("SELECT set_config('thanthien.commune', $1, true)").bind(&commune_code).execute(&mut *tx).await?;
    // The commune row is locked so two PCs enrolling at once cannot get the same number.
    sqlx::query("SELECT 1 FROM commune WHERE code = $1 FOR UPDATE").bind(&commune_code).execute(&mut *tx).await?;
    let number: Option<(Option<i32>,)> = match for_device {
        // A code the province made for one PC re-keys that PC, if it is still active.
        Some(device) if device == device_id => {
            sqlx::query_as(
                "UPDATE device SET token_hash = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING device_number",
            )
            .bind(device_id)
            .bind(hash_secret(token))
            .fetch_optional(&mut *tx)
            .await?
        }
        Some(_) => return Err(Error::DeviceTaken("this code re-enrols another device".into())),
        None => {
            // A new device brings a new random id: never one of an enrolled, revoked or province
            // device (whose name-based ids no PC generates).
            if !thanthien_core::event::enrollable_device_id(device_id) {
                return Err(Error::BadRequest("a device id must be a random UUID (v4 or v7)".into()));
            }
            let (taken,): (bool,) =
                sqlx::query_as("SELECT device_id_taken($1)").bind(device_id).fetch_one(&mut *tx).await?;
            if taken {
                return Err(Error::DeviceTaken(
                    "this device id is already enrolled; re-enrolling a PC takes a code the province makes \
                     for it (`thanthien-province enroll-code --device ID`)"
                        .into(),
                ));
            }
            sqlx::query_as(
                "INSERT INTO device (id, commune_code, token_hash, name, device_number)
                 VALUES ($1, $2, $3, $4, (SELECT count(device_number) + 1 FROM device WHERE commune_code = $2))
                 RETURNING device_number",
            )
            .bind(device_id)
            .bind(&commune_code)
            .bind(hash_secret(token))
            .bind(device_name)
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let Some((Some(device_number),)) = number else {
        return Err(Error::DeviceTaken("this device is revoked and stays revoked".into()));
    };
    tx.commit().await?;
    Ok(Enrolled { commune: Commune { code: commune_code, name: commune_name }, device_number: device_number as u32 })
}

/// The device a bearer token belongs to, if the token is known and not revoked.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub device_id: Uuid,
    pub commune_code: String,
}

pub async fn device_by_token(pool: &PgPool, token: &str) -> Result<Option<DeviceAuth>> {
    let row: Option<(Uuid, String)> = sqlx::query_as("SELECT id, commune_code FROM device_for_token($1)")
        .bind(hash_secret(token))
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(device_id, commune_code)| DeviceAuth { device_id, commune_code }))
}

pub async fn revoke_device(pool: &PgPool, device_id: Uuid) -> Result<bool> {
    let done = sqlx::query("UPDATE device SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL")
        .bind(device_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) type EventRow =
    (i64, Uuid, String, Uuid, i64, String, String, Uuid, String, serde_json::Value, i32, Option<String>);

pub(crate) const EVENT_COLUMNS: &str =
    "server_seq, id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name";

pub(crate) fn event_from_row(row: EventRow) -> Result<(i64, Event)> {
    let (cursor, id, commune_id, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user) = row;
    let hlc = hlc.parse().map_err(|e| Error::Database(sqlx::Error::Decode(Box::new(e))))?;
    let schema = u32::try_from(schema).map_err(|e| Error::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok((cursor, Event { id, commune_id, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user }))
}

/// An event row and its `erased_hash`.
pub(crate) type RowWithHash = (
    i64,
    Uuid,
    String,
    Uuid,
    i64,
    String,
    String,
    Uuid,
    String,
    serde_json::Value,
    i32,
    Option<String>,
    Option<String>,
);

pub(crate) fn split_hash(row: RowWithHash) -> (EventRow, Option<String>) {
    let (a, b, c, d, e, f, g, h, i, j, k, l, hash) = row;
    ((a, b, c, d, e, f, g, h, i, j, k, l), hash)
}

/// NUL, which PostgreSQL cannot store in text or JSONB, shown as U+FFFD.
fn scrubbed(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// A refused envelope as the province keeps it: as received, but for NULs (`scrubbed`), so
/// keeping it never fails.
pub(crate) fn scrub(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(text) if text.contains('\0') => *text = scrubbed(text),
        serde_json::Value::Array(items) => items.iter_mut().for_each(scrub),
        serde_json::Value::Object(fields) => {
            let keys: Vec<String> = fields.keys().filter(|k| k.contains('\0')).cloned().collect();
            for key in keys {
                if let Some(v) = fields.remove(&key) {
                    fields.insert(scrubbed(&key), v);
                }
            }
            fields.values_mut().for_each(scrub);
        }
        _ => {}
    }
}

fn envelope_json(event: &Event) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    scrub(&mut value);
    value
}

pub(crate) async fn insert_event(conn: &mut PgConnection, e: &Event, erased_hash: Option<&str>) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO event (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name, erased_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
    )
    .bind(e.id)
    .bind(&e.commune_id)
    .bind(e.device_id)
    .bind(e.seq)
    .bind(e.hlc.to_string())
    .bind(&e.entity)
    .bind(e.entity_id)
    .bind(&e.kind)
    .bind(&e.payload)
    .bind(e.schema as i32)
    .bind(&e.user)
    .bind(erased_hash)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A commune's week as its stored steps give it, and the latest clock among them.
pub(crate) async fn week_approval(
    conn: &mut PgConnection,
    commune: &str,
    week: Uuid,
) -> Result<(WeekApproval, Option<Hlc>)> {
    let steps: Vec<(String, serde_json::Value, Option<String>)> = sqlx::query_as(
        "SELECT hlc, payload, user_name FROM event WHERE commune_code = $1 AND entity = 'week' AND entity_id = $2",
    )
    .bind(commune)
    .bind(week)
    .fetch_all(&mut *conn)
    .await?;
    let mut approval = WeekApproval::default();
    let mut last_hlc = None;
    for (hlc, payload, user) in steps {
        // Every stored step passed `Event::body()`; one that no longer parses is skipped, not fatal.
        let (Ok(hlc), Ok(step)) = (hlc.parse::<Hlc>(), serde_json::from_value::<WeekStepped>(payload)) else {
            continue;
        };
        approval.apply(&step.step, hlc, user.as_deref());
        last_hlc = last_hlc.max(Some(hlc));
    }
    Ok((approval, last_hlc))
}

/// Keeps the province's table of weekly summaries: the figures of the latest approval, and where
/// each commune's week stands. Steps may arrive in any order; the latest clock decides.
pub(crate) async fn record_week_step(conn: &mut PgConnection, event: &Event, stepped: &WeekStepped) -> Result<()> {
    let (approval, _) = week_approval(conn, &event.commune_id, event.entity_id).await?;
    let approved = approval.steps.values().rev().find_map(|s| match &s.step {
        ApprovalStep::Approved { at, figures } => Some((*at, figures, s.by.clone())),
        _ => None,
    });
    // The counts behind each index ratio, for the rankings (see the migration `index_samples`).
    let sample = |index: IndexKind| approved.as_ref().and_then(|(_, f, _)| index.sample(f));
    let part = |r: Option<Rate>| r.map(|r| i32::try_from(r.part).unwrap_or(i32::MAX));
    let whole = |r: Option<Rate>| r.map(|r| i32::try_from(r.whole).unwrap_or(i32::MAX));
    let (on_time, satisfied, procedure) = (
        sample(IndexKind::FeedbackOnTime),
        sample(IndexKind::FeedbackSatisfaction),
        sample(IndexKind::ProcedureSatisfaction),
    );
    sqlx::query(
        "INSERT INTO week_summary
             (commune_code, week, status, figures, approved_at, approved_by, approvals, reported_at, updated_at,
              feedback_on_time_part, feedback_on_time_whole, feedback_satisfaction_part,
              feedback_satisfaction_whole, procedure_satisfaction_part, procedure_satisfaction_whole, plan_figures)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (commune_code, week) DO UPDATE SET status = $3, figures = $4, approved_at = $5,
             approved_by = $6, approvals = $7, reported_at = $8, updated_at = now(),
             feedback_on_time_part = $9, feedback_on_time_whole = $10, feedback_satisfaction_part = $11,
             feedback_satisfaction_whole = $12, procedure_satisfaction_part = $13,
             procedure_satisfaction_whole = $14, plan_figures = $15",
    )
    .bind(&event.commune_id)
    .bind(stepped.week.to_string())
    .bind(approval.status().wire())
    .bind(approved.as_ref().and_then(|(_, f, _)| serde_json::to_value(f).ok()))
    .bind(approved.as_ref().map(|(at, _, _)| *at))
    .bind(approved.as_ref().and_then(|(_, _, by)| by.clone()))
    .bind(approval.approvals() as i32)
    .bind(approval.reported_at())
    .bind(part(on_time))
    .bind(whole(on_time))
    .bind(part(satisfied))
    .bind(whole(satisfied))
    .bind(part(procedure))
    .bind(whole(procedure))
    .bind(approved.as_ref().and_then(|(_, f, _)| serde_json::to_value(PlanFigures::of(f)).ok()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The province takes a commune's approved week: a `week.accepted` event, written by the
/// province's own device for that commune, so the commune's PCs pull it like any other step.
pub async fn accept_week(pool: &PgPool, commune: &str, week: Week) -> Result<Event> {
    decide_week(pool, commune, week, |at| Ok(ApprovalStep::Accepted { at })).await
}

/// The province sends a commune's approved week back with its reason (`week.returned`): the
/// commune's PCs show it open again, with the reason, after their next sync.
pub async fn return_week(pool: &PgPool, commune: &str, week: Week, reason: String) -> Result<Event> {
    decide_week(pool, commune, week, |at| {
        ApprovalStep::send_back(at, reason).map_err(|_| Error::BadRequest("Cần ghi lý do trả lại báo cáo.".into()))
    })
    .await
}

/// One of the province's decisions on an approved week, as an event of the province's device.
async fn decide_week(
    pool: &PgPool,
    commune: &str,
    week: Week,
    step: impl FnOnce(DateTime<Utc>) -> Result<ApprovalStep>,
) -> Result<Event> {
    let mut tx = pool.begin().await?;
    // Serialised with the commune's pushes, like they are with each other.
    let found: Option<(String,)> = sqlx::query_as("SELECT code FROM commune WHERE code = $1 FOR UPDATE")
        .bind(commune)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(Error::NotFound(format!("Không có xã/phường mã {commune}.")));
    }
    let entity_id = week_id(week);
    let (approval, last_hlc) = week_approval(&mut tx, commune, entity_id).await?;
    let now = Utc::now();
    let step = step(now)?;
    approval.admits(week, &step, now).map_err(|_| {
        Error::Conflict(format!(
            "Báo cáo tuần {week} của {commune} đang ở trạng thái \"{}\": tỉnh chỉ nhận hoặc trả lại báo cáo đã duyệt.",
            approval.status().label()
        ))
    })?;
    let (device, seq) = province_seq(&mut tx, commune).await?;
    let body = EventBody::Week(WeekStepped { week, step });
    let wall_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let hlc = Hlc::tick(last_hlc, wall_ms, device);
    let event = Event::new(commune, device, seq, hlc, entity_id, &body, Some("province".to_owned()));
    insert_event(&mut tx, &event, None).await?;
    if let EventBody::Week(stepped) = &body {
        record_week_step(&mut tx, &event, stepped).await?;
    }
    tx.commit().await?;
    Ok(event)
}

/// The province's device for `commune` (no token anyone holds, no ticket series) and the next
/// seq of its stream: every act of the province in a commune is numbered here. The caller holds
/// the commune's row lock, so the province's acts are serialised with the commune's pushes.
pub(crate) async fn province_seq(conn: &mut PgConnection, commune: &str) -> Result<(Uuid, i64)> {
    let device = province_device(commune);
    let (seq,): (i64,) = sqlx::query_as(
        "INSERT INTO device (id, commune_code, token_hash, name, revoked_at, last_seq)
         VALUES ($1, $2, $3, 'Tỉnh', now(), 1)
         ON CONFLICT (id) DO UPDATE SET last_seq = device.last_seq + 1
         RETURNING last_seq",
    )
    .bind(device)
    .bind(commune)
    .bind(hash_secret(&Uuid::new_v4().to_string()))
    .fetch_one(&mut *conn)
    .await?;
    Ok((device, seq))
}

/// One commune's week as the province holds it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProvinceWeek {
    pub commune_code: String,
    pub week: String,
    pub status: String,
    pub figures: Option<serde_json::Value>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approvals: i32,
}

/// The province's view of one week across communes (or one commune's weeks).
pub async fn week_summaries(pool: &PgPool, week: Option<&str>, commune: Option<&str>) -> Result<Vec<ProvinceWeek>> {
    type Row = (String, String, String, Option<serde_json::Value>, Option<DateTime<Utc>>, Option<String>, i32);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT commune_code, week, status, figures, approved_at, approved_by, approvals FROM week_summary
         WHERE ($1::text IS NULL OR week = $1) AND ($2::text IS NULL OR commune_code = $2)
         ORDER BY week DESC, commune_code",
    )
    .bind(week)
    .bind(commune)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(commune_code, week, status, figures, approved_at, approved_by, approvals)| ProvinceWeek {
            commune_code,
            week,
            status,
            figures,
            approved_at,
            approved_by,
            approvals,
        })
        .collect())
}

pub(crate) async fn record_conflict(conn: &mut PgConnection, commune: &str, e: &Event) -> Result<()> {
    sqlx::query("INSERT INTO event_conflict (commune_code, device_id, seq, envelope) VALUES ($1, $2, $3, $4)")
        .bind(commune)
        .bind(e.device_id)
        .bind(e.seq)
        .bind(envelope_json(e))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn quarantine(conn: &mut PgConnection, commune: &str, e: &Event, reason: &str) -> Result<()> {
    quarantine_envelope(conn, commune, e.device_id, e.seq, serde_json::to_value(e).unwrap_or_default(), reason).await
}

/// Keeps a refused envelope with its reason, as received but for NULs (see `scrub`).
pub(crate) async fn quarantine_envelope(
    conn: &mut PgConnection,
    commune: &str,
    device: Uuid,
    seq: i64,
    mut envelope: serde_json::Value,
    reason: &str,
) -> Result<()> {
    scrub(&mut envelope);
    sqlx::query(
        "INSERT INTO event_quarantine (commune_code, device_id, seq, envelope, reason) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(commune)
    .bind(device)
    .bind(seq)
    .bind(envelope)
    .bind(scrubbed(reason))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A page of the device's commune's events written by other devices, after `after`, in server
/// order: at most `limit` events and about `MAX_PULL_BYTES` of JSON (always at least one event).
pub struct PullPage {
    pub events: Vec<PulledEvent>,
    /// Past every row this page looked at, sent or skipped.
    pub next_cursor: i64,
    pub more: bool,
    /// The device's own last settled seq.
    pub settled_seq: i64,
}

/// The page after `after`; the device's own events come too when their seq is past
/// `mine_after` (a PC restored from a backup takes back what it had synced since).
pub async fn pull(pool: &PgPool, auth: &DeviceAuth, after: i64, limit: i64, mine_after: i64) -> Result<PullPage> {
    let mut tx = walled(pool, &auth.commune_code).await?;
    // The scan takes the PC's own events too and drops them here: the next cursor is the highest
    // position scanned, so a PC that writes most of its commune's events does not scan its own
    // history again on every pull.
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE commune_code = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3"
    ))
    .bind(&auth.commune_code)
    .bind(after)
    .bind(limit + 1)
    .fetch_all(&mut *tx)
    .await?;
    // The console shows when each commune last synced: a pull is a sync too.
    let (settled_seq,): (i64,) =
        sqlx::query_as("UPDATE device SET last_seen_at = now() WHERE id = $1 RETURNING last_seq")
            .bind(auth.device_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    let mut more = rows.len() as i64 > limit;
    let (mut events, mut bytes, mut next_cursor) = (Vec::new(), 0, after);
    for row in rows.into_iter().take(limit as usize) {
        let cursor = row.0;
        match event_from_row(row) {
            // Its own events come back only past `mine_after` (a PC restored from a backup).
            Ok((_, event)) if event.device_id == auth.device_id && event.seq <= mine_after => {}
            Ok((cursor, event)) => {
                let size = serde_json::to_vec(&event).map_or(0, |v| v.len());
                if bytes + size > MAX_PULL_BYTES && !events.is_empty() {
                    more = true;
                    break;
                }
                bytes += size;
                events.push(PulledEvent { cursor, event });
            }
            // A row this build cannot read (stored by an older one) must not stop the commune's
            // pulls: skipped and logged, the cursor moves past it.
            Err(e) => tracing::warn!(cursor, error = %e, "stored event skipped in a pull"),
        }
        next_cursor = cursor;
    }
    Ok(PullPage { events, next_cursor, more, settled_seq })
}

/// Keeps what a PC reported about itself, in its commune's wall.
pub async fn record_device_report(
    pool: &PgPool,
    auth: &DeviceAuth,
    report: &thanthien_core::wire::DeviceReport,
) -> Result<()> {
    let mut tx = walled(pool, &auth.commune_code).await?;
    sqlx::query(
        "UPDATE device SET app_version = $2, pending_events = $3, mailbox_read_at = $4, reported_at = now(),
             last_seen_at = now()
         WHERE id = $1 AND commune_code = $5",
    )
    .bind(auth.device_id)
    .bind(&report.app_version)
    .bind(i32::try_from(report.pending).unwrap_or(i32::MAX))
    .bind(report.mailbox_read_at)
    .bind(&auth.commune_code)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a new version of reference data after checking it reads as its kind.
pub async fn publish_reference(pool: &PgPool, kind: ReferenceKind, body: &str) -> Result<i64> {
    publish_reference_by(pool, kind, body, None).await
}

/// Publishes a new version, recording who: refused with every problem of the file, line by line.
pub async fn publish_reference_by(pool: &PgPool, kind: ReferenceKind, body: &str, by: Option<&str>) -> Result<i64> {
    let problems = thanthien_core::reference::problems(kind, body);
    if !problems.is_empty() {
        let lines: Vec<String> =
            problems.iter().map(|p| format!("dòng {} ({}): {}", p.line, p.field, p.message)).collect();
        return Err(Error::BadRequest(lines.join("\n")));
    }
    let json: serde_json::Value = serde_json::from_str(body).map_err(|e| Error::BadRequest(e.to_string()))?;
    let (version,): (i64,) = sqlx::query_as(
        "INSERT INTO reference_release (kind, body, published_by) VALUES ($1, $2, $3) RETURNING version",
    )
    .bind(kind.wire())
    .bind(json)
    .bind(by)
    .fetch_one(pool)
    .await?;
    Ok(version)
}

/// Every published version, newest first: which kind, when, by whom (never the body).
pub async fn reference_versions(pool: &PgPool) -> Result<Vec<thanthien_core::reference::Version>> {
    let rows: Vec<(i64, String, DateTime<Utc>, Option<String>)> =
        sqlx::query_as("SELECT version, kind, published_at, published_by FROM reference_release ORDER BY version DESC")
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(version, kind, published_at, published_by)| {
            Some(thanthien_core::reference::Version {
                version,
                kind: ReferenceKind::parse(&kind).ok()?,
                published_at,
                published_by,
            })
        })
        .collect())
}

/// The newest release of each kind published after `after`: a device needs only the latest.
pub async fn reference_after(pool: &PgPool, after: i64) -> Result<Vec<ReferenceRelease>> {
    let rows: Vec<(i64, String, serde_json::Value)> = sqlx::query_as(
        "SELECT DISTINCT ON (kind) version, kind, body FROM reference_release
         WHERE version > $1 ORDER BY kind, version DESC",
    )
    .bind(after)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(version, kind, body)| {
            let kind = serde_json::from_value(serde_json::Value::String(kind))
                .map_err(|e| Error::Database(sqlx::Error::Decode(Box::new(e))))?;
            Ok(ReferenceRelease { version, kind, body })
        })
        .collect()
}
