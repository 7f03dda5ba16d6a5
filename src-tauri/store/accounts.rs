//! This PC's accounts: Argon2id password hashes, the wrong-password lockout, the admin's list.
//! Accounts are not events: a password hash never leaves the PC.

use super::{corrupt, invalid, parse_stamp, Result, Store, StoreError};
use chrono::{DateTime, SubsecRound, Utc};
use thanthien_core::account::{check_new_password, Account, AccountInput, Attempts, Denial, Role, SignedIn, Username};
use thanthien_core::time::stamp;
use thanthien_core::visit::{InputError, OfficialName};

/// Hashes off the async threads: Argon2id takes tens of milliseconds and 19 MiB by design.
async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || thanthien_core::password::hash(&password))
        .await
        .map_err(corrupt)?
        .map_err(corrupt)
}

async fn verify(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || thanthien_core::password::verify(&password, &hash))
        .await
        .map_err(corrupt)?
        .map_err(corrupt)
}

type AccountRow = (String, String, String, bool, Option<String>);

fn account_from_row((username, full_name, role, active, locked_until): AccountRow) -> Result<Account> {
    Ok(Account {
        username: Username::try_from(username).map_err(corrupt)?,
        full_name,
        role: Role::parse(&role).map_err(corrupt)?,
        active,
        locked_until: locked_until.map(|t| parse_stamp(&t)).transpose()?,
    })
}

impl Store {
    /// Whether any account exists: none means the first start, when the admin is created.
    pub async fn has_accounts(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM account").fetch_one(&self.reader).await?;
        Ok(n > 0)
    }

    /// Creates an account. `first` makes the PC's first one, and only while there is none.
    pub async fn create_account(&self, input: AccountInput, first: bool, now: DateTime<Utc>) -> Result<Account> {
        let mut errors = Vec::new();
        let username = Username::try_from(input.username).map_err(|e| errors.push(e)).ok();
        let full_name = OfficialName::try_from(input.full_name).map_err(|e| errors.push(e)).ok();
        let role = Role::parse(&input.role).map_err(|e| errors.push(e)).ok();
        if let Err(e) = check_new_password(&input.password) {
            errors.push(e);
        }
        let (Some(username), Some(full_name), Some(role), true) = (username, full_name, role, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let password_hash = hash(input.password).await?;
        let mut tx = self.begin_write().await?;
        if first {
            let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM account").fetch_one(&mut *tx).await?;
            if n > 0 {
                return Err(StoreError::Denied(Denial::AccountsExist));
            }
            // The new admin is led through joining the province and setting up the office.
            sqlx::query("UPDATE local_device SET setup_pending = 1").execute(&mut *tx).await?;
        }
        let done = sqlx::query(
            "INSERT OR IGNORE INTO account (username, full_name, role, password_hash, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(username.as_str())
        .bind(full_name.as_str())
        .bind(role.wire())
        .bind(&password_hash)
        .bind(stamp(now))
        .bind(self.user.as_deref())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(invalid(InputError::AccountExists));
        }
        tx.commit().await?;
        tracing::info!(%username, role = role.wire(), by = ?self.user, "account created");
        Ok(Account { username, full_name: full_name.into(), role, active: true, locked_until: None })
    }

    /// Checks a password. Five wrong in a row lock the account for 15 minutes; the count is
    /// stored, so closing the app does not reset it.
    pub async fn sign_in(&self, username: &str, password: &str, now: DateTime<Utc>) -> Result<SignedIn> {
        // To the millisecond, as stored: the lock shown is the lock kept.
        let now = now.trunc_subsecs(3);
        let wrong = StoreError::Denied(Denial::WrongPassword { remaining: None });
        let Ok(username) = Username::try_from(username.to_owned()) else { return Err(wrong) };
        type Row = (String, String, String, bool, i64, Option<String>);
        let row: Option<Row> = sqlx::query_as(
            "SELECT full_name, role, password_hash, active, failures, locked_until FROM account WHERE username = ?",
        )
        .bind(username.as_str())
        .fetch_optional(&self.reader)
        .await?;
        let Some((full_name, role, password_hash, active, failures, locked_until)) = row else {
            // Same time cost as a real check, so a name's existence does not show in the delay.
            let _ = verify(password.to_owned(), hash(String::new()).await?).await;
            return Err(wrong);
        };
        let attempts = Attempts {
            failures: u32::try_from(failures).unwrap_or(0),
            locked_until: locked_until.map(|t| parse_stamp(&t)).transpose()?,
        };
        if let Some(until) = attempts.locked_at(now) {
            return Err(StoreError::Denied(Denial::Locked { until }));
        }
        if !active {
            return Err(StoreError::Denied(Denial::Inactive));
        }
        if verify(password.to_owned(), password_hash).await? {
            sqlx::query("UPDATE account SET failures = 0, locked_until = NULL WHERE username = ?")
                .bind(username.as_str())
                .execute(&self.writer)
                .await?;
            return Ok(SignedIn { username, full_name, role: Role::parse(&role).map_err(corrupt)? });
        }
        let after = attempts.after_failure(now);
        sqlx::query("UPDATE account SET failures = ?, locked_until = ? WHERE username = ?")
            .bind(i64::from(after.failures))
            .bind(after.locked_until.map(stamp))
            .bind(username.as_str())
            .execute(&self.writer)
            .await?;
        tracing::warn!(%username, failures = after.failures, "wrong password");
        Err(StoreError::Denied(match after.locked_until {
            Some(until) => Denial::Locked { until },
            None => Denial::WrongPassword { remaining: Some(after.remaining()) },
        }))
    }

    /// Every account, for the admin's list.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows: Vec<AccountRow> =
            sqlx::query_as("SELECT username, full_name, role, active, locked_until FROM account ORDER BY username")
                .fetch_all(&self.reader)
                .await?;
        rows.into_iter().map(account_from_row).collect()
    }

    /// The admin sets a new password; it also lifts a lock.
    pub async fn reset_password(&self, username: &str, password: String) -> Result<()> {
        check_new_password(&password).map_err(invalid)?;
        let password_hash = hash(password).await?;
        let done =
            sqlx::query("UPDATE account SET password_hash = ?, failures = 0, locked_until = NULL WHERE username = ?")
                .bind(password_hash)
                .bind(username.trim().to_lowercase())
                .execute(&self.writer)
                .await?;
        if done.rows_affected() == 0 {
            return Err(invalid(InputError::AccountNotFound));
        }
        tracing::info!(username, by = ?self.user, "password reset");
        Ok(())
    }
}
