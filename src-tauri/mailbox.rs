//! The commune's feedback mailbox: read over IMAP with TLS when online; each message not yet in
//! the register becomes a received item with its sender and text. The mailbox is only examined
//! (opened read-only, bodies fetched with PEEK): nothing there is ever changed or marked read.

use crate::secret;
use crate::store::{MailboxSettings, Store, StoreError};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use std::path::PathBuf;
use thanthien_core::feedback::FeedbackInput;
pub use thanthien_core::ipc::MailboxReport;
use thanthien_core::visit::{InputError, CONTENT_MAX_CHARS};
use tokio::net::TcpStream;

/// One round's connection limit: a dead server must not hold the sync loop.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error("Chưa cài đặt hộp thư góp ý.")]
    NotSet,
    #[error("Không kết nối được máy chủ thư {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error("Kết nối bảo mật (TLS) với máy chủ thư không thành công: {0}")]
    Tls(String),
    #[error("Máy chủ thư từ chối đăng nhập: kiểm tra tên đăng nhập và mật khẩu.")]
    Login,
    #[error("Máy chủ thư trả lời lỗi: {0}")]
    Imap(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn credential_account(server: &str, username: &str) -> String {
    format!("{username}@{server}")
}

/// Saves the mailbox settings; the password goes to the OS credential store where there is one.
/// Returns whether it did.
pub async fn configure(
    store: &Store,
    server: String,
    username: String,
    password: String,
    ca_file: Option<PathBuf>,
) -> Result<bool, StoreError> {
    let (server, username) = (server.trim().to_owned(), username.trim().to_owned());
    if server.is_empty() || username.is_empty() || password.is_empty() {
        return Err(StoreError::Invalid(vec![InputError::MailboxNotSet]));
    }
    let in_os_store = secret::save(secret::Vault::Mailbox, &credential_account(&server, &username), &password).await;
    let password = (!in_os_store).then_some(password);
    store.set_mailbox(&MailboxSettings { server, username, password, ca_file }).await?;
    Ok(in_os_store)
}

/// Reads the inbox and enters every message not yet in the register; records the outcome for
/// the settings screen.
pub async fn import(store: &Store) -> Result<MailboxReport, MailboxError> {
    let result = import_once(store).await;
    let error = result.as_ref().err().map(ToString::to_string);
    if !matches!(result, Err(MailboxError::NotSet)) {
        store.record_mailbox_result(error.as_deref()).await?;
    }
    result
}

async fn import_once(store: &Store) -> Result<MailboxReport, MailboxError> {
    let settings = store.mailbox_settings().await?.ok_or(MailboxError::NotSet)?;
    let password = match &settings.password {
        Some(p) => p.clone(),
        None => secret::load(secret::Vault::Mailbox, &credential_account(&settings.server, &settings.username))
            .await
            .ok_or(MailboxError::NotSet)?,
    };
    let (host, port) = match settings.server.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => (host.to_owned(), port.parse().unwrap_or(993)),
        _ => (settings.server.clone(), 993),
    };
    let connect_error = |reason: String| MailboxError::Connect { server: settings.server.clone(), reason };
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host.as_str(), port)))
        .await
        .map_err(|_| connect_error("quá thời gian chờ".into()))?
        .map_err(|e| connect_error(e.to_string()))?;
    let mut tls = native_tls::TlsConnector::builder();
    if let Some(ca) = &settings.ca_file {
        let pem = std::fs::read(ca).map_err(|e| MailboxError::Tls(format!("{}: {e}", ca.display())))?;
        tls.add_root_certificate(
            native_tls::Certificate::from_pem(&pem).map_err(|e| MailboxError::Tls(e.to_string()))?,
        );
    }
    let tls = tokio_native_tls::TlsConnector::from(tls.build().map_err(|e| MailboxError::Tls(e.to_string()))?);
    let stream = tls.connect(&host, tcp).await.map_err(|e| MailboxError::Tls(e.to_string()))?;
    let mut client = async_imap::Client::new(stream);
    client.read_response().await.map_err(|e| MailboxError::Imap(e.to_string()))?;
    let mut session = client.login(&settings.username, &password).await.map_err(|(e, _)| {
        tracing::info!(error = %e, "mailbox login refused");
        MailboxError::Login
    })?;
    let imap = |e: async_imap::error::Error| MailboxError::Imap(e.to_string());
    // EXAMINE opens the inbox read-only: the import can never change the commune's mailbox.
    let inbox = session.examine("INBOX").await.map_err(imap)?;
    let uid_validity = inbox.uid_validity.unwrap_or(0);
    let mut report = MailboxReport::default();
    if inbox.exists > 0 {
        // First only the headers, to find the messages not yet in the register.
        let mut new = Vec::new();
        {
            let mut headers = session.uid_fetch("1:*", "(UID BODY.PEEK[HEADER])").await.map_err(imap)?;
            while let Some(fetch) = headers.next().await {
                let fetch = fetch.map_err(imap)?;
                let (Some(uid), Some(header)) = (fetch.uid, fetch.header()) else { continue };
                report.seen += 1;
                let id = message_id(header, uid_validity, uid);
                if !store.has_message(&id).await? {
                    new.push(uid);
                }
            }
        }
        for uid in new {
            let mut bodies = session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await.map_err(imap)?;
            while let Some(fetch) = bodies.next().await {
                let fetch = fetch.map_err(imap)?;
                let Some(raw) = fetch.body() else { continue };
                let (input, sent_at) = feedback_from_mail(raw, uid_validity, uid);
                // A sender's clock ahead of ours (or a date before today's communes) must not
                // refuse the message: it counts from now.
                let now = store.now();
                let at = sent_at.filter(|t| *t <= now && *t >= thanthien_core::clock::communes_formed()).unwrap_or(now);
                store.record_feedback(input, at).await?;
                report.imported += 1;
            }
        }
    }
    if let Err(e) = session.logout().await {
        tracing::debug!(error = %e, "mailbox logout");
    }
    Ok(report)
}

/// The message's Message-ID, or one made from the mailbox's UID validity and the UID (stable on
/// that server) when it has none.
fn message_id(header: &[u8], uid_validity: u32, uid: u32) -> String {
    mail_parser::MessageParser::default()
        .parse_headers(header)
        .and_then(|m| m.message_id().map(|id| format!("<{}>", id.trim_matches(['<', '>']))))
        .unwrap_or_else(|| format!("<uid-{uid_validity}-{uid}@hop-thu-gop-y>"))
}

/// What a received e-mail becomes: a recommendation from its sender (the receptionist reclassifies
/// it if it is a complaint), with the subject and the plain text as its content.
pub fn feedback_from_mail(raw: &[u8], uid_validity: u32, uid: u32) -> (FeedbackInput, Option<DateTime<Utc>>) {
    let id = message_id(raw, uid_validity, uid);
    let parsed = mail_parser::MessageParser::default().parse(raw);
    let (subject, body, name, address, date) = match &parsed {
        Some(m) => {
            let from = m.from().and_then(|f| f.first());
            (
                m.subject().map(str::to_owned),
                m.body_text(0).map(|b| b.into_owned()),
                from.and_then(|a| a.name()).map(str::to_owned),
                from.and_then(|a| a.address()).map(str::to_owned),
                m.date().and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0)),
            )
        }
        None => (None, None, None, None, None),
    };
    let text = [subject, body].into_iter().flatten().map(|t| clean(&t)).filter(|t| !t.is_empty());
    let mut content = text.collect::<Vec<_>>().join("\n\n");
    if content.chars().count() > CONTENT_MAX_CHARS {
        // The register keeps the first part; the whole message stays in the mailbox.
        content = content.chars().take(CONTENT_MAX_CHARS - 1).collect::<String>() + "…";
    }
    if content.is_empty() {
        content = "(thư không có nội dung)".to_owned();
    }
    let input = FeedbackInput {
        channel: "email".into(),
        kind: "recommendation".into(),
        content,
        submitter: name.map(|n| clean(&n)),
        contact: address.map(|a| clean(&a)),
        message_id: Some(id),
        ..Default::default()
    };
    (input, date)
}

/// A letter must not be lost for a stray byte: control characters (NUL, escapes, a bare carriage
/// return) become spaces, line breaks and tabs stay, and the ends are trimmed.
fn clean(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let cleaned: String =
        text.chars().map(|c| if c.is_control() && !matches!(c, '\n' | '\t') { ' ' } else { c }).collect();
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mail_becomes_a_recommendation_from_its_sender_with_subject_and_text() {
        let raw = "From: \"Nguyễn Văn A\" <a@example.com>\r\nSubject: =?UTF-8?B?xJDhu4Egbmdo4buLIHPhu61hIMSRxrDhu51uZw==?=\r\n\
                   Message-ID: <m1@example.com>\r\nDate: Wed, 25 Nov 2026 09:00:00 +0700\r\n\
                   Content-Type: text/plain; charset=utf-8\r\n\r\nĐường hỏng.\r\n";
        let (input, at) = feedback_from_mail(raw.as_bytes(), 7, 1);
        assert_eq!(input.content, "Đề nghị sửa đường\n\nĐường hỏng.");
        assert_eq!(input.submitter.as_deref(), Some("Nguyễn Văn A"));
        assert_eq!(input.contact.as_deref(), Some("a@example.com"));
        assert_eq!(input.message_id.as_deref(), Some("<m1@example.com>"));
        assert_eq!(at.map(|t| t.to_rfc3339()), Some("2026-11-25T02:00:00+00:00".to_owned()));
    }

    #[test]
    fn control_characters_in_a_mail_are_cleaned_not_refused() {
        let raw = "From: \"Tr\u{1b}[31m\u{0}An\" <b@example.com>\r\nSubject: Xin\u{7} h\u{0}\u{1}i\r\n\
                   Content-Type: text/plain; charset=utf-8\r\n\r\nD\u{0}\u{8}ong 1\r\nDong 2\r\n";
        let (input, _) = feedback_from_mail(raw.as_bytes(), 7, 3);
        assert!(!input.content.chars().any(|c| c.is_control() && c != '\n'), "{:?}", input.content);
        assert!(
            input.content.starts_with("Xin  h  i") && input.content.ends_with("D  ong 1\nDong 2"),
            "{:?}",
            input.content
        );
        let name = input.submitter.unwrap_or_default();
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(thanthien_core::feedback::FeedbackReceived::parse(
            FeedbackInput { submitter: Some(name), ..input },
            chrono::Utc::now()
        )
        .is_ok());
    }

    #[test]
    fn a_mail_without_id_or_text_still_becomes_an_item() {
        let (input, at) = feedback_from_mail(b"Subject: \r\n\r\n", 7, 42);
        assert_eq!(input.message_id.as_deref(), Some("<uid-7-42@hop-thu-gop-y>"));
        assert_eq!(input.content, "(thư không có nội dung)");
        assert_eq!(at, None);
    }
}
