//! Types that cross the Tauri boundary between the UI and the desktop commands. Both sides compile
//! this module, so a command and its UI wrapper cannot drift apart.

use crate::visit::{InputError, InputField};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One field's problem, already worded for the receptionist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: InputField,
    pub message: String,
}

impl From<&InputError> for FieldProblem {
    fn from(e: &InputError) -> Self {
        FieldProblem { field: e.field(), message: e.to_string() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was refused; `fields` says where. Nothing was saved.
    Invalid,
    /// The province server could not be reached: normal, the data waits in the queue.
    Offline,
    /// This PC is not enrolled with the province yet.
    NotEnrolled,
    /// The server refused us (revoked token, old app version, …).
    Refused,
    /// Something went wrong on this PC; details are in the log.
    Internal,
    /// Nobody is signed in, or the screen locked: the UI shows the sign-in screen.
    SignedOut,
    /// The password, the account or the role refused it.
    Denied,
}

/// What every command returns on failure: a sentence for the screen, the details in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldProblem>,
}

impl CommandError {
    pub fn invalid(errors: &[InputError]) -> Self {
        CommandError {
            kind: ErrorKind::Invalid,
            message: "Thông tin chưa hợp lệ, vui lòng kiểm tra lại.".into(),
            fields: errors.iter().map(FieldProblem::from).collect(),
        }
    }

    /// One line for a place with no field to put the problems beside: the field sentences, or
    /// the general one.
    pub fn summary(&self) -> String {
        if self.fields.is_empty() {
            self.message.clone()
        } else {
            self.fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" ")
        }
    }

    pub fn denied(denial: &crate::account::Denial) -> Self {
        let kind = match denial {
            crate::account::Denial::SignedOut => ErrorKind::SignedOut,
            _ => ErrorKind::Denied,
        };
        CommandError::new(kind, denial.to_string())
    }

    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CommandError { kind, message: message.into(), fields: Vec::new() }
    }
}

impl From<crate::account::Denial> for CommandError {
    fn from(denial: crate::account::Denial) -> Self {
        CommandError::denied(&denial)
    }
}

/// The sync badge: what waits to be sent and when the last round succeeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub commune_name: Option<String>,
    pub pending: i64,
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last round's failure, worded for people; `None` after a success.
    pub last_error: Option<String>,
    /// Events the server refused (kept locally for review).
    pub rejected: i64,
    /// "Đồng hồ máy sai: …" when the last sync found this PC's clock off by more than the
    /// tolerance, with the offset and what to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_warning: Option<String>,
}

/// The window's session: the sign-in screen, the first-start form or the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionState {
    /// No account yet: the first one (an admin) is made on this screen.
    pub first_start: bool,
    pub signed_in: Option<crate::account::SignedIn>,
    /// The UI locks the screen after this many idle seconds (the commands enforce it too).
    pub idle_lock_secs: i64,
    /// The first-start wizard is not finished or skipped yet: an admin signing in sees it.
    #[serde(default)]
    pub setup_pending: bool,
}

/// This PC's place in the province, for Cài đặt and the wizard's answer to a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentStatus {
    pub device_id: uuid::Uuid,
    /// The name this PC gives the province (its host name).
    pub device_name: Option<String>,
    pub server_url: Option<String>,
    pub commune_code: Option<String>,
    pub commune_name: Option<String>,
    /// The letter that starts this PC's tickets (A001, B001…).
    pub ticket_series: String,
    pub sync: SyncStatus,
}

/// This PC's own settings (never synced), and the commune's office hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSettings {
    pub idle_lock_minutes: u32,
    /// Set by `THANTHIEN_IDLE_LOCK_SECS` for this run: the setting is not in force.
    pub idle_lock_overridden: bool,
    /// The folder save dialogs open in.
    pub export_dir: String,
    pub office_hours: crate::procedure::OfficeHours,
}

/// The backups Cài đặt shows the admin: where they go, the ones there, and a restore in waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub folder: String,
    /// Newest first.
    pub backups: Vec<BackupFile>,
    /// A backup is staged and goes in place at the next start.
    pub restore_staged: bool,
    /// Restored, and not yet synced once: nothing can be recorded until then.
    pub recovering: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupFile {
    pub name: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub bytes: u64,
}

/// What changed behind the screens, sent to the window as the Tauri event [`CHANGED_EVENT`]:
/// each screen reloads what it shows when one it depends on arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Changed {
    /// A sync round ended: the badge, and whatever it pulled from the commune's other PCs.
    Synced { pulled: usize },
    /// The feedback mailbox imported letters.
    Mailbox,
    /// A citizen rated a visit at the rating window.
    Rating,
    /// The desk asked the citizen's window for a rating.
    RatingRequested,
    /// A desk of this PC called a ticket to its counter: the call display shows it at once.
    Called,
    /// A camera check shift passed unchecked.
    ShiftMissed,
    /// The province offers a newer release of the app (or no longer does).
    Update,
}

impl Changed {
    /// Whether the commune's registers (visits, feedback, cameras, directory) may differ now.
    pub fn registers(self) -> bool {
        !matches!(self, Changed::Synced { pulled: 0 } | Changed::RatingRequested | Changed::Update)
    }
}

/// What the update banner shows: the running version, the newer release the province offers (as
/// of the last sync round), and whether the signed-in user may install it (the admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateStatus {
    pub running: String,
    pub offer: Option<crate::update::AppRelease>,
    pub can_install: bool,
}

/// The Tauri event name of [`Changed`].
pub const CHANGED_EVENT: &str = "thanthien-changed";

/// What one sync round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    pub rejected: usize,
    /// Reference data releases (catalogue, calendar) taken from the province.
    #[serde(default)]
    pub reference: usize,
}

/// What the citizen-facing rating window is asked to collect: which visit, and who served it.
/// No personal data of the citizen crosses to that window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRequest {
    pub visit_id: uuid::Uuid,
    pub official: Option<String>,
    pub requested_at: DateTime<Utc>,
}

/// The feedback mailbox as the settings show it (never the password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MailboxStatus {
    pub configured: bool,
    pub server: Option<String>,
    pub username: Option<String>,
    /// The password is in the OS credential store rather than in the app's data.
    pub password_in_os_store: bool,
    pub last_import_at: Option<DateTime<Utc>>,
    /// The last read's failure, worded for people.
    pub last_error: Option<String>,
}

/// What one read of the mailbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MailboxReport {
    /// Messages in the inbox.
    pub seen: usize,
    /// Messages that became new items.
    pub imported: usize,
}
