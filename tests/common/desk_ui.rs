//! The real app in its real webview for the UI tests: tauri-driver (with WebKitWebDriver) under
//! the Xvfb `cargo xtask test` provides, and the X display's windows seen through xdotool.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub const DRIVER_PORT: u16 = 4444;
pub const ENTER: &str = "\u{E007}";
pub const F2: &str = "\u{E032}";
pub const F3: &str = "\u{E033}";
pub const F6: &str = "\u{E036}";
pub const F10: &str = "\u{E03A}";
pub const ESCAPE: &str = "\u{E00C}";

/// tauri-driver (and the WebKitWebDriver it starts), stopped with SIGTERM so both exit.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

pub fn start_driver(data_dir: &Path) -> Driver {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "the UI test opens the app window: run it with `cargo xtask test` (which provides Xvfb)"
    );
    let program = std::env::var_os("TAURI_DRIVER").map_or_else(|| PathBuf::from("tauri-driver"), PathBuf::from);
    let child = Command::new(&program)
        .env("THANTHIEN_DATA_DIR", data_dir)
        .env("THANTHIEN_EXPORT_DIR", data_dir.join("exports"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program:?} ({e}); `cargo xtask setup` installs it"));
    let driver = Driver(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", DRIVER_PORT)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "tauri-driver did not open port {DRIVER_PORT}");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

pub async fn connect() -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "wry".into());
    caps.insert("tauri:options".into(), serde_json::json!({ "application": env!("CARGO_BIN_EXE_thanthien") }));
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{DRIVER_PORT}"))
        .await
        .expect("WebDriver session with the app")
}

pub async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Waits until `css` matches exactly `n` elements.
pub async fn wait_count(c: &Client, css: &str, n: usize) {
    let started = Instant::now();
    loop {
        let found = c.find_all(Locator::Css(css)).await.unwrap().len();
        if found == n {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{css}: {found} elements, expected {n}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs in on the sign-in screen, keyboard only.
pub async fn sign_in(c: &Client, username: &str, password: &str) {
    let name = wait_for(c, "#sign-in-username").await;
    name.clear().await.unwrap();
    name.send_keys(username).await.unwrap();
    wait_for(c, "#sign-in-password").await.send_keys(&format!("{password}{ENTER}")).await.unwrap();
}

/// Calls a command the way the page's own code does; "allowed" or "refused: <message>".
pub async fn invoke(c: &Client, command: &str, args: serde_json::Value) -> String {
    let probe = r#"const done = arguments[arguments.length - 1];
        window.__TAURI__.core.invoke(arguments[0], arguments[1])
            .then(() => done('allowed'), e => done('refused: ' + (e.message || e)));"#;
    let answer = c.execute_async(probe, vec![command.into(), args]).await.unwrap();
    answer.as_str().unwrap_or_default().to_owned()
}

/// How many shown (mapped) windows of the X display have `title` in theirs (xdotool, on Xvfb).
pub fn shown_windows(title: &str) -> usize {
    let out = std::process::Command::new("xdotool").args(["search", "--onlyvisible", "--name", title]).output();
    String::from_utf8_lossy(&out.expect("xdotool (cargo xtask setup installs it)").stdout).lines().count()
}

/// Waits until the shown windows with `title` number `count`.
pub async fn wait_shown(title: &str, count: usize) {
    let started = Instant::now();
    while shown_windows(title) != count {
        assert!(started.elapsed() < Duration::from_secs(15), "{title}: {} shown, not {count}", shown_windows(title));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub async fn wait_value(c: &Client, css: &str, value: &str) {
    let started = Instant::now();
    loop {
        let now = wait_for(c, css).await.prop("value").await.unwrap().unwrap_or_default();
        if now == value {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{css}: {now:?}, expected {value:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Accepts the save dialog the app opened (titled `SAVE_TITLE`) as a person pressing Enter would:
/// the file name it proposes, in the folder it opened in.
pub async fn accept_save_dialog() {
    let title = thanthien::commands::SAVE_TITLE;
    wait_shown(title, 1).await;
    let found = Command::new("xdotool").args(["search", "--onlyvisible", "--name", title]).output().unwrap();
    let id = String::from_utf8_lossy(&found.stdout).lines().next().unwrap_or_default().to_owned();
    // No window manager under Xvfb: the dialog gets the keyboard by being given the focus.
    let focused = Command::new("xdotool").args(["windowfocus", "--sync", &id]).status().unwrap();
    assert!(focused.success(), "focus the save dialog {id}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(Command::new("xdotool").args(["key", "--clearmodifiers", "Return"]).status().unwrap().success());
    wait_shown(title, 0).await;
}
