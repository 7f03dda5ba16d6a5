//! The feedback mailbox against a real IMAP server: Dovecot from Debian, started here on a
//! loopback port with its own TLS certificate and a Maildir the test fills.

mod common;

use chrono::Utc;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use thanthien::mailbox::{self, MailboxError};
use thanthien_core::feedback::Channel;
use thanthien_core::time::local_day;

const USER: &str = "gopy";
const PASSWORD: &str = "mat-khau-hop-thu";

/// A Dovecot serving IMAP over TLS on a free loopback port, stopped (SIGTERM) on drop.
struct Dovecot {
    process: Child,
    dir: tempfile::TempDir,
    port: u16,
    /// The user and group that own the mail (Dovecot refuses to serve mail as root).
    owner: Option<(u32, u32)>,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.process.id().to_string()).status();
        let _ = self.process.wait();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn user_name() -> String {
    let out = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn group_name() -> String {
    let out = Command::new("id").arg("-gn").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Dovecot {
    fn start() -> Dovecot {
        let binary =
            std::env::var_os("THANTHIEN_DOVECOT").map_or_else(|| PathBuf::from("/usr/sbin/dovecot"), PathBuf::from);
        assert!(binary.exists(), "{binary:?} missing: `cargo xtask setup` installs dovecot-imapd");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Dovecot's own processes run as other users: they must be able to reach the folder.
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
        for sub in ["run", "state", "home"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        let key = root.join("key.pem");
        let cert = root.join("cert.pem");
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .unwrap();
        assert!(made.status.success(), "openssl: {}", String::from_utf8_lossy(&made.stderr));
        std::fs::write(root.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        let (user, group, owner) = if is_root() {
            ("nobody".to_owned(), "nogroup".to_owned(), Some((65534, 65534)))
        } else {
            (user_name(), group_name(), None)
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let r = root.display();
        let dh = Path::new("/usr/share/dovecot/dh.pem");
        let dh = if dh.exists() { format!("ssl_dh = <{}\n", dh.display()) } else { String::new() };
        let chroot = if owner.is_some() { "" } else { "  chroot =\n" };
        let config = format!(
            "base_dir = {r}/run\nstate_dir = {r}/state\nlog_path = {r}/dovecot.log\nprotocols = imap\n\
             listen = 127.0.0.1\nssl = required\nssl_cert = <{r}/cert.pem\nssl_key = <{r}/key.pem\n{dh}\
             auth_mechanisms = plain\ndefault_internal_user = {user}\ndefault_internal_group = {group}\n\
             default_login_user = {user}\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {r}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={user} gid={group} home={r}/home/%u\n}}\n\
             mail_location = maildir:~/Maildir\n\
             service imap-login {{\n{chroot}  inet_listener imap {{\n    port = 0\n  }}\n  inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n}}\n"
        );
        std::fs::write(root.join("dovecot.conf"), config).unwrap();
        let process = Command::new(&binary).arg("-F").arg("-c").arg(root.join("dovecot.conf")).spawn().unwrap();
        let dovecot = Dovecot { process, dir, port, owner };
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(dovecot.maildir().join(sub)).unwrap();
        }
        dovecot.chown_mail();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            let log = std::fs::read_to_string(dovecot.dir.path().join("dovecot.log")).unwrap_or_default();
            assert!(started.elapsed() < Duration::from_secs(20), "dovecot did not listen on {port}:\n{log}");
            std::thread::sleep(Duration::from_millis(50));
        }
        dovecot
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("home").join(USER).join("Maildir")
    }

    fn chown_mail(&self) {
        if let Some((uid, gid)) = self.owner {
            let home = self.dir.path().join("home");
            let status = Command::new("chown").arg("-R").arg(format!("{uid}:{gid}")).arg(home).status().unwrap();
            assert!(status.success());
        }
    }

    /// Drops a message into the inbox the way a delivery agent does.
    fn deliver(&self, name: &str, message: &str) {
        std::fs::write(self.maildir().join("new").join(format!("{name}.thanthien-test")), message).unwrap();
        self.chown_mail();
    }

    fn cert(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// Whether any message is flagged in the store (read, answered, deleted…): the import must
    /// leave every message as it found it.
    fn any_flagged(&self) -> bool {
        ["cur", "new"].iter().flat_map(|d| std::fs::read_dir(self.maildir().join(d)).unwrap()).any(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            name.split_once(":2,").is_some_and(|(_, flags)| !flags.is_empty())
        })
    }

    fn messages(&self) -> usize {
        ["cur", "new"].iter().map(|d| std::fs::read_dir(self.maildir().join(d)).unwrap().count()).sum()
    }
}

fn mail(from: &str, subject: &str, id: Option<&str>, body: &str) -> String {
    let id = id.map(|id| format!("Message-ID: {id}\r\n")).unwrap_or_default();
    format!(
        "From: {from}\r\nTo: gopy@xa.example.vn\r\nSubject: {subject}\r\n{id}Date: Wed, 25 Nov 2026 09:00:00 +0700\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
}

#[tokio::test]
async fn new_messages_are_imported_once_and_the_mailbox_is_left_as_it_was() {
    let dovecot = Dovecot::start();
    dovecot.deliver(
        "1",
        &mail(
            "\"Nguyễn Văn An\" <an@example.com>",
            "Đường ngập nước",
            Some("<m1@example.com>"),
            "Đề nghị nạo vét cống.",
        ),
    );
    dovecot.deliver("2", &mail("binh@example.com", "Hỏi thủ tục", None, "Xin hỏi thủ tục khai sinh."));
    let desk = common::desk().await;
    let store = &desk.store;

    let server = format!("127.0.0.1:{}", dovecot.port);
    let in_os_store =
        mailbox::configure(store, server.clone(), USER.into(), PASSWORD.into(), Some(dovecot.cert())).await.unwrap();
    if !in_os_store {
        assert_eq!(store.mailbox_settings().await.unwrap().unwrap().password.as_deref(), Some(PASSWORD));
    }
    let first = mailbox::import(store).await.unwrap();
    assert_eq!((first.seen, first.imported), (2, 2));
    let register = store.feedback_register(local_day(Utc::now())).await.unwrap();
    assert_eq!(register.len(), 2);
    assert!(register.iter().all(|i| i.channel == Channel::Email));
    let an = register.iter().find(|i| i.contact.as_deref() == Some("an@example.com")).expect("An's message");
    assert_eq!(an.submitter.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(an.content, "Đường ngập nước\n\nĐề nghị nạo vét cống.");
    assert_eq!(an.received_at.to_rfc3339(), "2026-11-25T02:00:00+00:00", "received when it was sent");

    // A second read imports nothing; a new message is imported alone.
    assert_eq!(mailbox::import(store).await.unwrap().imported, 0);
    dovecot.deliver("3", &mail("chi@example.com", "Khen ngợi", Some("<m3@example.com>"), "Cán bộ rất nhiệt tình."));
    let third = mailbox::import(store).await.unwrap();
    assert_eq!((third.seen, third.imported), (3, 1));
    assert_eq!(store.feedback_register(local_day(Utc::now())).await.unwrap().len(), 3);
    assert_eq!(dovecot.messages(), 3, "nothing removed from the mailbox");
    assert!(!dovecot.any_flagged(), "nothing marked read or otherwise flagged");

    // A wrong password and a server that is down get clear errors and change nothing.
    mailbox::configure(store, server, USER.into(), "sai".into(), Some(dovecot.cert())).await.unwrap();
    assert!(matches!(mailbox::import(store).await, Err(MailboxError::Login)));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    mailbox::configure(store, format!("127.0.0.1:{closed}"), USER.into(), PASSWORD.into(), None).await.unwrap();
    let down = mailbox::import(store).await.unwrap_err();
    assert!(matches!(down, MailboxError::Connect { .. }), "{down}");
    assert!(down.to_string().starts_with("Không kết nối được máy chủ thư"));
    assert_eq!(store.feedback_register(local_day(Utc::now())).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_certificate_nobody_vouches_for_is_refused() {
    let dovecot = Dovecot::start();
    let desk = common::desk().await;
    let server = format!("127.0.0.1:{}", dovecot.port);
    mailbox::configure(&desk.store, server, USER.into(), PASSWORD.into(), None).await.unwrap();
    let refused = mailbox::import(&desk.store).await.unwrap_err();
    assert!(matches!(refused, MailboxError::Tls(_)), "{refused}");
}
