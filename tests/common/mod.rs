//! Shared helpers for the desktop integration tests: temp stores, the real server, a cutting proxy.

#![allow(dead_code)]

pub mod desk_ui;

use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use tempfile::TempDir;
use thanthien::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A store in its own temp folder (kept alive as long as the value).
pub struct Desk {
    pub store: Store,
    pub dir: TempDir,
}

pub async fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    Desk { store, dir }
}

/// The real province server on a loopback port; `stop` kills it like a crash (no graceful end).
pub struct Province {
    pub addr: SocketAddr,
    task: JoinHandle<std::io::Result<()>>,
}

impl Province {
    pub async fn start(pool: &PgPool) -> Province {
        Province::start_with(pool, Default::default()).await
    }

    /// The province with its own limit on sync requests at once.
    pub async fn start_with(pool: &PgPool, limits: thanthien_province::api::SyncLimits) -> Province {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The server logs in as a member of thanthien_app, walled to one commune per request.
        use thanthien_province::db::{connect_as, create_login, LoginGroup};
        create_login(pool, "thanthien_test_server", LoginGroup::App, None).await.unwrap();
        let devices = connect_as(pool, "thanthien_test_server").await.unwrap();
        // The console logs in as a member of thanthien_province, which reads every commune.
        create_login(pool, "thanthien_test_console", LoginGroup::Console, None).await.unwrap();
        let console = Some(connect_as(pool, "thanthien_test_console").await.unwrap());
        let serving = thanthien_province::Serving { devices, console, deadline: Default::default(), limits };
        let task =
            tokio::spawn(
                async move { thanthien_province::serve_with(listener, serving, std::future::pending()).await },
            );
        Province { addr, task }
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

pub async fn commune(pool: &PgPool, code: &str) {
    thanthien_province::db::add_commune(pool, code, &format!("Xã {code}")).await.unwrap();
}

pub async fn code_for(pool: &PgPool, commune: &str) -> String {
    code_for_device(pool, commune, None).await
}

/// A one-time code; with a device, the province's code that re-enrols that PC.
pub async fn code_for_device(pool: &PgPool, commune: &str, device: Option<uuid::Uuid>) -> String {
    let code = thanthien_province::new_enrollment_code();
    let expires = chrono::Utc::now() + chrono::Duration::hours(1);
    thanthien_province::db::add_enrollment_code(pool, commune, &code, expires, device).await.unwrap();
    code
}

/// How the proxy treats the next connections.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Mode {
    /// Forward everything both ways.
    Pass = 0,
    /// Accept, then close at once: the server looks down.
    Refuse = 1,
    /// Forward only the first part of the request, then cut: the server never sees a whole request.
    CutRequest = 2,
    /// Forward the whole request, let the server answer, but never deliver the answer.
    CutResponse = 3,
}

/// A TCP proxy between the desk and the server that can cut connections, like a flaky line.
pub struct Proxy {
    pub addr: SocketAddr,
    mode: Arc<AtomicU8>,
    upstream: Arc<Mutex<SocketAddr>>,
}

impl Proxy {
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(AtomicU8::new(Mode::Pass as u8));
        let upstream = Arc::new(Mutex::new(upstream));
        let (m, u) = (mode.clone(), upstream.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = m.load(Ordering::SeqCst);
                let target = *u.lock().unwrap();
                tokio::spawn(relay(client, target, mode));
            }
        });
        Proxy { addr, mode, upstream }
    }

    pub fn set_mode(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.upstream.lock().unwrap() = upstream;
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn relay(mut client: TcpStream, target: SocketAddr, mode: u8) {
    if mode == Mode::Refuse as u8 {
        return;
    }
    let Ok(mut server) = TcpStream::connect(target).await else { return };
    if mode == Mode::Pass as u8 {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    if mode == Mode::CutRequest as u8 {
        // Headers and a slice of the body, then the line drops.
        if let Ok(n) = client.read(&mut buf).await {
            let _ = server.write_all(&buf[..n.min(200)]).await;
        }
        return;
    }
    // CutResponse: pass the request through until the server starts answering, then drop both.
    let (mut cr, mut cw) = client.split();
    let (mut sr, mut sw) = server.split();
    let forward = async {
        let _ = tokio::io::copy(&mut cr, &mut sw).await;
    };
    let first_answer = async {
        let _ = sr.read(&mut buf).await;
    };
    tokio::select! {
        _ = forward => {}
        _ = first_answer => {}
    }
    let _ = cw.shutdown().await;
}

/// A screenshot of a WebDriver session's window (the console's, in Chromium), kept in the test
/// artifacts folder.
pub async fn save_screenshot(c: &fantoccini::Client, name: &str) {
    keep_screenshot(c.screenshot().await.unwrap(), name);
}

/// A screenshot of the desk's screen (the test's virtual display), kept in the test artifacts
/// folder. Taken from the X display with ImageMagick's `import`, not by WebDriver:
/// WebKitWebDriver's screenshot waits for a compositor frame, and the desk draws without GPU
/// compositing (src-tauri/desk.rs), where that wait never ends.
pub async fn save_desk_screenshot(name: &str) {
    let shot = tokio::process::Command::new("import").args(["-window", "root", "png:-"]).output().await.unwrap();
    assert!(shot.status.success(), "import: {}", String::from_utf8_lossy(&shot.stderr));
    keep_screenshot(shot.stdout, name);
}

fn keep_screenshot(png: Vec<u8>, name: &str) {
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let dir = std::env::var_os("THANTHIEN_TEST_ARTIFACTS").map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Where a data folder keeps the PC's device token: the column (when no OS credential store took
/// it), and whether it is in the OS credential store.
pub async fn token_columns(dir: &std::path::Path) -> (Option<String>, bool) {
    let store = thanthien::store::Store::open(dir).await.unwrap();
    let pool = sqlx::SqlitePool::connect_with(thanthien::store::cipher::options_for(store.path()).await.unwrap())
        .await
        .unwrap();
    let row = sqlx::query_as("SELECT token, token_in_os_store FROM local_device").fetch_one(&pool).await.unwrap();
    // Closed, not dropped: a dropped pool ends its connections later, and SQLite removes its
    // -wal and -shm files then, under the feet of whoever reads the folder next.
    pool.close().await;
    store.close().await;
    row
}

/// The bytes of a store file as a thief with its key would read them: the file decrypted, every
/// table and row, into a file in the clear (SQLCipher's export), read back whole.
pub async fn clear_copy(db: &std::path::Path) -> Vec<u8> {
    use sqlx::{ConnectOptions, Connection};
    let out = tempfile::tempdir().unwrap();
    let clear = out.path().join("clear.db");
    let options = thanthien::store::cipher::options_for(db).await.unwrap().create_if_missing(true);
    let mut conn = options.connect().await.unwrap();
    sqlx::query("ATTACH DATABASE ? AS clear KEY ''")
        .bind(clear.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("SELECT sqlcipher_export('clear')").execute(&mut conn).await.unwrap();
    sqlx::query("DETACH DATABASE clear").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let bytes = std::fs::read(&clear).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"), "a copy in the clear");
    bytes
}

/// What a run of a program printed, and whether it succeeded.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Run {
    fn from(out: std::process::Output) -> Run {
        Run {
            ok: out.status.success(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

/// The command line of the app at `exe` on the data folder `dir`, as on a PC with no desktop
/// session: no display, no session bus (so no OS credential store either: a developer's own
/// keyring is never written to).
pub async fn desk_cli(exe: &std::path::Path, dir: &std::path::Path, args: &[&str]) -> Run {
    let out = tokio::process::Command::new(exe)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .unwrap();
    Run::from(out)
}
