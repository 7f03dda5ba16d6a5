//! Secrets in the OS credential store (Windows Credential Manager, macOS Keychain, the Secret
//! Service of a Linux desktop). Where there is none (a bare session, a test machine) the calls
//! say so and the caller keeps the secret in the local store instead.

use std::time::Duration;

/// What a secret opens: each under its own service name in the credential store.
#[derive(Debug, Clone, Copy)]
pub enum Vault {
    /// The feedback mailbox's password, under the server and user it opens.
    Mailbox,
    /// The token this PC shows the province, under the PC's device id.
    DeviceToken,
    /// The key the local store and its backups are encrypted with, under the id its key file
    /// names (`store::cipher`).
    StoreKey,
}

impl Vault {
    fn service(self) -> &'static str {
        match self {
            Vault::Mailbox => "vn.thanthien.mailbox",
            Vault::DeviceToken => "vn.thanthien.device",
            Vault::StoreKey => "vn.thanthien.store",
        }
    }
}

/// A credential store that does not answer quickly is treated as absent, not waited on.
const WAIT: Duration = Duration::from_secs(3);

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> keyring::Result<T> + Send + 'static) -> Option<T> {
    // A Linux session without a session bus has no Secret Service to ask; asking would make
    // libdbus try to launch a bus (dbus-launch) on every start of the command line.
    if cfg!(target_os = "linux") && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        tracing::info!("no session bus: no OS credential store");
        return None;
    }
    match tokio::time::timeout(WAIT, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(Ok(value))) => Some(value),
        Ok(Ok(Err(e))) => {
            tracing::info!(error = %e, "no OS credential store answered");
            None
        }
        _ => {
            tracing::info!("the OS credential store did not answer in time");
            None
        }
    }
}

/// Saves `secret` under `account`; false when there is no credential store to keep it.
pub async fn save(vault: Vault, account: &str, secret: &str) -> bool {
    let (account, secret) = (account.to_owned(), secret.to_owned());
    blocking(move || keyring::Entry::new(vault.service(), &account)?.set_password(&secret)).await.is_some()
}

/// The secret saved under `account`, if the credential store has it.
pub async fn load(vault: Vault, account: &str) -> Option<String> {
    let account = account.to_owned();
    blocking(move || keyring::Entry::new(vault.service(), &account)?.get_password()).await
}
