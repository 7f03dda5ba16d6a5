//! This PC's settings for the commune's feedback mailbox, and the outcome of the last import.
//! Never synced: the settings hold a secret.

use super::{parse_stamp, Result, Store};
use chrono::Utc;
use std::path::PathBuf;
use thanthien_core::ipc::MailboxStatus;
use thanthien_core::time::stamp;

/// Where the mailbox is and who reads it. The password lives in the OS credential store when
/// there is one; `password` is set only where there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxSettings {
    /// `host:port` of the IMAP-over-TLS service (993 when no port is given).
    pub server: String,
    pub username: String,
    pub password: Option<String>,
    /// An extra certificate authority to trust (a provincial mail server with its own CA).
    pub ca_file: Option<PathBuf>,
}

impl Store {
    pub async fn mailbox_settings(&self) -> Result<Option<MailboxSettings>> {
        let row: Option<(String, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT server, username, password, ca_file FROM mailbox")
                .fetch_optional(&self.reader)
                .await?;
        Ok(row.map(|(server, username, password, ca_file)| MailboxSettings {
            server,
            username,
            password,
            ca_file: ca_file.map(PathBuf::from),
        }))
    }

    pub async fn set_mailbox(&self, settings: &MailboxSettings) -> Result<()> {
        sqlx::query(
            "INSERT INTO mailbox (only, server, username, password, ca_file) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (only) DO UPDATE SET server = excluded.server, username = excluded.username,
                 password = excluded.password, ca_file = excluded.ca_file, last_error = NULL",
        )
        .bind(&settings.server)
        .bind(&settings.username)
        .bind(&settings.password)
        .bind(settings.ca_file.as_ref().map(|p| p.display().to_string()))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The settings as the screen shows them: never the password.
    pub async fn mailbox_status(&self) -> Result<MailboxStatus> {
        type Row = (String, String, bool, Option<String>, Option<String>);
        let row: Option<Row> =
            sqlx::query_as("SELECT server, username, password IS NULL, last_import_at, last_error FROM mailbox")
                .fetch_optional(&self.reader)
                .await?;
        Ok(match row {
            None => MailboxStatus::default(),
            Some((server, username, in_os_store, last_import_at, last_error)) => MailboxStatus {
                configured: true,
                server: Some(server),
                username: Some(username),
                password_in_os_store: in_os_store,
                last_import_at: last_import_at.map(|t| parse_stamp(&t)).transpose()?,
                last_error,
            },
        })
    }

    /// Notes how the last import went (`None`: it worked).
    pub async fn record_mailbox_result(&self, error: Option<&str>) -> Result<()> {
        let query = match error {
            None => sqlx::query("UPDATE mailbox SET last_import_at = ?, last_error = NULL").bind(stamp(Utc::now())),
            Some(message) => sqlx::query("UPDATE mailbox SET last_error = ?").bind(message),
        };
        query.execute(&self.writer).await?;
        Ok(())
    }
}
