//! The console's queries, on its own login (every commune through the `province` policies).

use crate::db::hash_secret;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use thanthien_core::account::ProvinceRole;
use thanthien_core::approval::ApprovalStatus;
use thanthien_core::province::{is_silent, ConsoleSession, Overview, OverviewRow, ReportDeadline, ReportStatus};
use thanthien_core::summary::Week;

pub async fn open_session(pool: &PgPool, token: &str, username: &str, csrf: &str) -> Result<()> {
    // Ended sessions go when a new one opens: the table holds live sessions only.
    sqlx::query(
        "DELETE FROM console_session WHERE last_seen_at < now() - $1::interval OR created_at < now() - $2::interval",
    )
    .bind(format!("{} seconds", super::IDLE.num_seconds()))
    .bind(format!("{} seconds", super::MAX_AGE.num_seconds()))
    .execute(pool)
    .await?;
    sqlx::query("INSERT INTO console_session (token_hash, username, csrf) VALUES ($1, $2, $3)")
        .bind(hash_secret(token))
        .bind(username)
        .bind(csrf)
        .execute(pool)
        .await?;
    Ok(())
}

/// The session a cookie's token opens at `now`, its idle clock restarted; none once it has
/// been idle too long or lived past its age (it is ended then).
pub async fn touch_session(pool: &PgPool, token: &str, now: DateTime<Utc>) -> Result<Option<ConsoleSession>> {
    type Row = (String, String, String, String, DateTime<Utc>, DateTime<Utc>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.username, a.full_name, a.role, s.csrf, s.created_at, s.last_seen_at
         FROM console_session s JOIN province_account a USING (username) WHERE s.token_hash = $1",
    )
    .bind(hash_secret(token))
    .fetch_optional(pool)
    .await?;
    let Some((username, full_name, role, csrf, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    if now - last_seen_at > super::IDLE || now - created_at > super::MAX_AGE {
        close_session(pool, token).await?;
        return Ok(None);
    }
    sqlx::query("UPDATE console_session SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(hash_secret(token))
        .bind(now)
        .execute(pool)
        .await?;
    let role = ProvinceRole::parse(&role).map_err(|e| Error::BadRequest(e.to_string()))?;
    Ok(Some(ConsoleSession { username, full_name, role, csrf }))
}

pub async fn close_session(pool: &PgPool, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM console_session WHERE token_hash = $1").bind(hash_secret(token)).execute(pool).await?;
    Ok(())
}

/// Every commune's report of `week`, as of `now`.
pub async fn overview(pool: &PgPool, week: Week, deadline: ReportDeadline, now: DateTime<Utc>) -> Result<Overview> {
    let (start, end) = week.bounds();
    // Clocks are stored as fixed-width text that sorts like the value: the week's range of them.
    let clock = |at: DateTime<Utc>| format!("{:016}", at.timestamp_millis().max(0));
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<i32>,
        Option<DateTime<Utc>>,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.code, c.name, c.district, w.status, w.reported_at, w.approvals,
                (SELECT max(d.last_seen_at) FROM device d WHERE d.commune_code = c.code),
                EXISTS (SELECT 1 FROM event e WHERE e.commune_code = c.code AND e.hlc >= $2 AND e.hlc < $3)
         FROM commune c LEFT JOIN week_summary w ON w.commune_code = c.code AND w.week = $1
         ORDER BY c.code",
    )
    .bind(week.to_string())
    .bind(clock(start))
    .bind(clock(end))
    .fetch_all(pool)
    .await?;
    let rows = rows
        .into_iter()
        .map(|(commune_code, commune_name, district, status, reported_at, approvals, last_sync, has_entries)| {
            let approval = status.as_deref().and_then(|s| ApprovalStatus::parse(s).ok());
            let status = ReportStatus::of(approval, has_entries);
            let reported_at = reported_at.filter(|_| status.is_reported());
            OverviewRow {
                commune_code,
                commune_name,
                district,
                status,
                on_time: reported_at.is_some_and(|at| deadline.is_on_time(week, at)),
                reported_at,
                approvals: approvals.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                silent: is_silent(last_sync, now),
                last_sync,
            }
        })
        .collect();
    Ok(Overview::new(week, deadline, rows))
}
