//! The province's accounts: its console's staff (an admin or a viewer), their Argon2id hashes and
//! the wrong-password lockout (the desk's rule, from core), and the audit of the province's acts.
//! Run as the owner: these tables are the province's, not a commune's.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use thanthien_core::account::{check_new_password, Attempts, Denial, ProvinceRole, Username};
use thanthien_core::province::AuditEntry;
use thanthien_core::visit::{AllValid, OfficialName};

/// A province account as listed (never its hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProvinceAccount {
    pub username: String,
    pub full_name: String,
    pub role: ProvinceRole,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Hashing is slow by design: off the async threads.
async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || thanthien_core::password::hash(&password))
        .await
        .map_err(|e| Error::BadRequest(e.to_string()))?
        .map_err(|e| Error::BadRequest(e.to_string()))
}

fn refused(errors: Vec<thanthien_core::InputError>) -> Error {
    Error::BadRequest(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
}

/// Adds an account; its password must be long enough.
pub async fn add(pool: &PgPool, username: String, full_name: String, role: &str, password: String) -> Result<()> {
    let (username, full_name, role, ()) = (
        Username::try_from(username),
        OfficialName::try_from(full_name),
        ProvinceRole::parse(role),
        check_new_password(&password),
    )
        .all_valid()
        .map_err(refused)?;
    let inserted = sqlx::query(
        "INSERT INTO province_account (username, full_name, role, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO NOTHING",
    )
    .bind(username.as_str())
    .bind(full_name.as_str())
    .bind(role.wire())
    .bind(hash(password).await?)
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(Error::BadRequest(format!("the account {username} exists already")));
    }
    Ok(())
}

/// Sets a new password; it also lifts a lock.
pub async fn set_password(pool: &PgPool, username: &str, password: String) -> Result<()> {
    check_new_password(&password).map_err(|e| refused(vec![e]))?;
    let done = sqlx::query(
        "UPDATE province_account SET password_hash = $2, failures = 0, locked_until = NULL WHERE username = $1",
    )
    .bind(username)
    .bind(hash(password).await?)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::BadRequest(format!("no account {username}")));
    }
    Ok(())
}

pub async fn list(pool: &PgPool) -> Result<Vec<ProvinceAccount>> {
    let rows: Vec<(String, String, String, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT username, full_name, role, locked_until FROM province_account ORDER BY username")
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(username, full_name, role, locked_until)| {
            let role = ProvinceRole::parse(&role).map_err(|e| Error::BadRequest(e.to_string()))?;
            Ok(ProvinceAccount { username, full_name, role, locked_until })
        })
        .collect()
}

/// Checks a password at `now`: the account, or why not (unknown, wrong with the tries left, or
/// locked until when). A wrong password counts towards the lock; a good one clears the count.
pub async fn sign_in(
    pool: &PgPool,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<ProvinceAccount, Denial>> {
    let mut tx = pool.begin().await?;
    type Row = (String, String, String, i32, Option<DateTime<Utc>>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT full_name, role, password_hash, failures, locked_until FROM province_account
         WHERE username = $1 FOR UPDATE",
    )
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((full_name, role, stored, failures, locked_until)) = row else {
        return Ok(Err(Denial::WrongPassword { remaining: None }));
    };
    let attempts = Attempts { failures: u32::try_from(failures).unwrap_or(0), locked_until };
    if let Some(until) = attempts.locked_at(now) {
        return Ok(Err(Denial::Locked { until }));
    }
    let (password, hash) = (password.to_owned(), stored);
    let good = tokio::task::spawn_blocking(move || thanthien_core::password::verify(&password, &hash))
        .await
        .map_err(|e| Error::BadRequest(e.to_string()))?
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    let after = if good { Attempts::default() } else { attempts.after_failure(now) };
    sqlx::query("UPDATE province_account SET failures = $2, locked_until = $3 WHERE username = $1")
        .bind(username)
        .bind(i32::try_from(after.failures).unwrap_or(i32::MAX))
        .bind(after.locked_until)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    if !good {
        return Ok(Err(match after.locked_at(now) {
            Some(until) => Denial::Locked { until },
            None => Denial::WrongPassword { remaining: Some(after.remaining()) },
        }));
    }
    let role = ProvinceRole::parse(&role).map_err(|e| Error::BadRequest(e.to_string()))?;
    Ok(Ok(ProvinceAccount { username: username.to_owned(), full_name, role, locked_until: None }))
}

/// Writes an act of the province to the audit table.
pub async fn audit(
    pool: &PgPool,
    username: &str,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    sqlx::query("INSERT INTO province_audit (username, action, target, detail) VALUES ($1, $2, $3, $4)")
        .bind(username)
        .bind(action)
        .bind(target)
        .bind(detail)
        .execute(pool)
        .await?;
    Ok(())
}

/// The latest acts first.
pub async fn audit_log(pool: &PgPool, limit: i64) -> Result<Vec<AuditEntry>> {
    type Row = (DateTime<Utc>, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, username, action, target, detail FROM province_audit ORDER BY at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, username, action, target, detail)| AuditEntry { at, username, action, target, detail })
        .collect())
}
