//! Secrets in the OS credential store (Windows Credential Manager, macOS Keychain, the Secret
//! Service of a Linux desktop). Where there is none (a bare session, a test machine) the calls
//! say so and the caller keeps the secret in the local store instead.

use std::fmt::Display;
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

/// Runs `work` (which blocks) on a thread of its own, for at most `WAIT`.
async fn ask<T: Send + 'static, E: Display + Send + 'static>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Option<T> {
    // A Linux session without a session bus has no Secret Service to ask.
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
    ask(move || os::save(vault.service(), &account, &secret)).await.is_some()
}

/// The secret saved under `account`, if the credential store has it.
pub async fn load(vault: Vault, account: &str) -> Option<String> {
    let account = account.to_owned();
    ask(move || os::load(vault.service(), &account)).await.flatten()
}

/// The Secret Service (freedesktop.org's API) over the session bus, spoken with rustbus, a D-Bus
/// client in Rust. libdbus, which the keyring crate speaks through, loads libsystemd and six
/// more libraries at every start of the command line, secret or not (issue 19); zbus, keyring's
/// other way, adds 2.7 MB to each program.
///
/// Secrets cross the bus as they are (the API's "plain" algorithm): the bus is a socket of this
/// user's session, and any program of the same user may read the same unlocked secrets from the
/// Secret Service itself.
#[cfg(target_os = "linux")]
mod os {
    use super::WAIT;
    use rustbus::connection::Timeout;
    use rustbus::message_builder::{MarshalledMessage, MarshalledMessageBody};
    use rustbus::wire::errors::{MarshalError, UnmarshalError};
    use rustbus::wire::unmarshal::traits::Variant;
    use rustbus::wire::ObjectPath;
    use rustbus::{MessageBuilder, MessageType, RpcConn};
    use std::collections::HashMap;

    const BUS_NAME: &str = "org.freedesktop.secrets";
    const SERVICE: (&str, &str) = ("/org/freedesktop/secrets", "org.freedesktop.Secret.Service");
    const COLLECTION: &str = "org.freedesktop.Secret.Collection";
    const ITEM: &str = "org.freedesktop.Secret.Item";
    const PROMPT: &str = "org.freedesktop.Secret.Prompt";
    /// The object path that stands for "none" (no prompt needed, no item made).
    const NONE: &str = "/";

    rustbus::dbus_variant_sig!(Property, Label => String; Attributes => HashMap<String, String>);

    type Path = ObjectPath<String>;

    #[derive(Debug, thiserror::Error)]
    pub enum Error {
        #[error("session bus: {0}")]
        Bus(#[from] rustbus::connection::Error),
        #[error("message: {0}")]
        Marshal(#[from] MarshalError),
        #[error("answer: {0}")]
        Unmarshal(#[from] UnmarshalError),
        #[error("{name}: {message}")]
        Refused { name: String, message: String },
        #[error("the unlock prompt was dismissed")]
        Dismissed,
        #[error("no collection is the default")]
        NoDefaultCollection,
    }

    /// The attributes the keyring crate gave the secrets saved before this module, so that
    /// those are found and replaced in place.
    fn attributes(service: &str, account: &str) -> HashMap<String, String> {
        [("service", service), ("username", account), ("target", "default"), ("application", "rust-keyring")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// A connection to the session bus with a Secret Service session open on it.
    struct Session {
        bus: RpcConn,
        path: Path,
    }

    impl Session {
        fn open() -> Result<Self, Error> {
            let mut bus = RpcConn::session_conn(Timeout::Duration(WAIT))?;
            let reply = call(&mut bus, SERVICE, "OpenSession", |body| {
                body.push_param("plain")?;
                body.push_variant("")
            })?;
            let (_, path): (Variant, Path) = reply.body.parser().get2()?;
            Ok(Session { bus, path })
        }

        /// The collection new secrets go to: the one the "default" alias names (the login
        /// keyring, as a rule).
        fn default_collection(&mut self) -> Result<Path, Error> {
            let reply = call(&mut self.bus, SERVICE, "ReadAlias", |body| body.push_param("default"))?;
            let collection: Path = reply.body.parser().get()?;
            match collection.as_ref() {
                NONE => Err(Error::NoDefaultCollection),
                _ => Ok(collection),
            }
        }

        /// Unlocks `object`, through the service's prompt (the desktop asks for the keyring's
        /// password) if it needs one.
        fn unlock(&mut self, object: &Path) -> Result<(), Error> {
            let reply = call(&mut self.bus, SERVICE, "Unlock", |body| body.push_param([object].as_slice()))?;
            let (_, prompt): (Vec<Path>, Path) = reply.body.parser().get2()?;
            self.prompt(prompt)
        }

        /// Shows `prompt` and waits for its answer; nothing to do for the empty path.
        fn prompt(&mut self, prompt: Path) -> Result<(), Error> {
            let prompt = prompt.as_ref();
            if prompt == NONE {
                return Ok(());
            }
            let rule = format!("type='signal',interface='{PROMPT}',member='Completed',path='{prompt}'");
            let mut add_match = rustbus::standard_messages::add_match(&rule);
            let serial = self.bus.send_message(&mut add_match)?.write_all().map_err(|(_, e)| e)?;
            answer(self.bus.wait_response(serial, Timeout::Duration(WAIT))?)?;
            call(&mut self.bus, (prompt, PROMPT), "Prompt", |body| body.push_param(""))?;
            loop {
                let signal = self.bus.wait_signal(Timeout::Duration(WAIT))?;
                if signal.dynheader.object.as_deref() == Some(prompt) {
                    let (dismissed, _): (bool, Variant) = signal.body.parser().get2()?;
                    return if dismissed { Err(Error::Dismissed) } else { Ok(()) };
                }
            }
        }
    }

    /// Calls `method` on the Secret Service and waits for its answer.
    fn call(
        bus: &mut RpcConn,
        (object, interface): (&str, &str),
        method: &str,
        args: impl FnOnce(&mut MarshalledMessageBody) -> Result<(), MarshalError>,
    ) -> Result<MarshalledMessage, Error> {
        let mut message = MessageBuilder::new().call(method).with_interface(interface).on(object).at(BUS_NAME).build();
        args(&mut message.body)?;
        let serial = bus.send_message(&mut message)?.write_all().map_err(|(_, e)| e)?;
        answer(bus.wait_response(serial, Timeout::Duration(WAIT))?)
    }

    /// The reply, or the error the service answered with.
    fn answer(reply: MarshalledMessage) -> Result<MarshalledMessage, Error> {
        if reply.typ != MessageType::Error {
            return Ok(reply);
        }
        Err(Error::Refused {
            name: reply.dynheader.error_name.clone().unwrap_or_default(),
            message: reply.body.parser().get::<String>().unwrap_or_default(),
        })
    }

    /// A secret as the API carries it: its session, parameters (none for "plain"), value and
    /// content type.
    type Secret = (Path, Vec<u8>, Vec<u8>, String);

    pub fn save(service: &str, account: &str, secret: &str) -> Result<(), Error> {
        let mut session = Session::open()?;
        let collection = session.default_collection()?;
        session.unlock(&collection)?;
        let properties = HashMap::from([
            (
                "org.freedesktop.Secret.Item.Label".to_owned(),
                Property::Label(format!("Thân Thiện: {service} ({account})")),
            ),
            ("org.freedesktop.Secret.Item.Attributes".to_owned(), Property::Attributes(attributes(service, account))),
        ]);
        let value: Secret = (session.path.clone(), Vec::new(), secret.as_bytes().to_vec(), "text/plain".to_owned());
        let reply = call(&mut session.bus, (collection.as_ref(), COLLECTION), "CreateItem", |body| {
            body.push_param(&properties)?;
            body.push_param(&value)?;
            // Replaces the item with the same attributes.
            body.push_param(true)
        })?;
        let (_, prompt): (Path, Path) = reply.body.parser().get2()?;
        session.prompt(prompt)
    }

    pub fn load(service: &str, account: &str) -> Result<Option<String>, Error> {
        let mut session = Session::open()?;
        let wanted =
            HashMap::from([("service".to_owned(), service.to_owned()), ("username".to_owned(), account.to_owned())]);
        let reply = call(&mut session.bus, SERVICE, "SearchItems", |body| body.push_param(&wanted))?;
        let (unlocked, locked): (Vec<Path>, Vec<Path>) = reply.body.parser().get2()?;
        let item = match (unlocked.first(), locked.first()) {
            (Some(item), _) => item.clone(),
            (None, Some(item)) => {
                session.unlock(item)?;
                item.clone()
            }
            (None, None) => return Ok(None),
        };
        let path = session.path.clone();
        let reply = call(&mut session.bus, (item.as_ref(), ITEM), "GetSecret", |body| body.push_param(&path))?;
        let (_, _, value, _): Secret = reply.body.parser().get()?;
        Ok(String::from_utf8(value).ok())
    }
}

/// The keyring crate: the Credential Manager on Windows, the Keychain on macOS.
#[cfg(not(target_os = "linux"))]
mod os {
    pub fn save(service: &str, account: &str, secret: &str) -> keyring::Result<()> {
        keyring::Entry::new(service, account)?.set_password(secret)
    }

    pub fn load(service: &str, account: &str) -> keyring::Result<Option<String>> {
        keyring::Entry::new(service, account)?.get_password().map(Some)
    }
}
