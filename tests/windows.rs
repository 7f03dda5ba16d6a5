//! The Windows build under Wine (Debian's wine64): the Windows `thanthien.exe` command line enrols
//! with a province server on loopback, records a visit with a Vietnamese name, calls and finishes
//! it, syncs, lists and exports; the Linux build on the commune's other PC pulls the same visit;
//! `thanthien-province.exe` answers `/healthz`; and the installer runs silently, puts the files
//! where they belong, and its uninstaller keeps the office's data.
//!
//! The build comes from `cargo xtask dist --windows` (slow, so not every CI run makes one):
//! `cargo xtask test` runs these tests, which are ignored otherwise, only when that build is
//! present, and says in its final line when it skipped them and why.

mod common;

use common::{Province, Run};
use serde_json::Value;
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokio::process::Command;

/// Where `cargo xtask dist --windows` put the build (xtask says, through this variable).
fn build() -> PathBuf {
    let dir = std::env::var_os("THANTHIEN_WINDOWS_BUILD").map(PathBuf::from).expect(
        "THANTHIEN_WINDOWS_BUILD names the Windows build (cargo xtask dist --windows; cargo xtask test sets it)",
    );
    assert!(dir.join("thanthien.exe").is_file(), "no thanthien.exe in {}", dir.display());
    dir
}

fn installer() -> PathBuf {
    std::fs::read_dir(build())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("-setup.exe"))
        .expect("the installer beside the build")
}

/// A Wine prefix of its own (a Windows PC's C: drive and registry), its home folder inside.
struct Wine {
    prefix: TempDir,
    home: TempDir,
}

impl Wine {
    async fn new() -> Wine {
        let wine = Wine { prefix: tempfile::tempdir().unwrap(), home: tempfile::tempdir().unwrap() };
        let boot = wine.command("wineboot").arg("--init").output().await.unwrap();
        assert!(boot.status.success(), "wineboot: {}", String::from_utf8_lossy(&boot.stderr));
        // Wine 8 lacks bcryptprimitives.dll, which Windows 10 and 11 have: its one function the
        // Rust standard library imports, built from tests/wine (see the source).
        let shim = wine.c_drive().join("windows/system32/bcryptprimitives.dll");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wine");
        let gcc = std::process::Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-shared", "-o"])
            .arg(&shim)
            .arg(source.join("bcryptprimitives.c"))
            .arg(source.join("bcryptprimitives.def"))
            .arg("-ladvapi32")
            .output()
            .unwrap();
        assert!(gcc.status.success(), "{}", String::from_utf8_lossy(&gcc.stderr));
        wine
    }

    /// `program` run by wine64 in this prefix: no display (the command line needs none), UTF-8
    /// arguments (Wine reads them in the locale's encoding).
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("/usr/lib/wine/wine64");
        c.arg(program)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("HOME", self.home.path())
            .env("LANG", "C.UTF-8")
            .env("RUST_LOG", "warn")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("THANTHIEN_DATA_DIR")
            .kill_on_drop(true);
        c
    }

    async fn run(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Run {
        Run::from(self.command(program).args(args).output().await.unwrap())
    }

    /// The Windows command line, with no --data-dir: the store goes where Windows keeps it.
    async fn thanthien(&self, args: &[&str]) -> Run {
        self.run(build().join("thanthien.exe"), args).await
    }

    fn c_drive(&self) -> PathBuf {
        self.prefix.path().join("drive_c")
    }

    /// The Windows user's profile folder (C:\users\<name>), as Linux sees it.
    fn profile(&self) -> PathBuf {
        let users = self.c_drive().join("users");
        std::fs::read_dir(&users)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n != "Public"))
            .expect("a user profile in the prefix")
    }

    /// C:\users\<name>\... as Windows spells it.
    fn windows_path(&self, relative: &str) -> String {
        let name = self.profile().file_name().unwrap().to_string_lossy().into_owned();
        format!("C:\\users\\{name}\\{}", relative.replace('/', "\\"))
    }
}

/// The Linux build's command line on the commune's other PC.
async fn linux(dir: &Path, args: &[&str]) -> Run {
    common::desk_cli(Path::new(env!("CARGO_BIN_EXE_thanthien")), dir, args).await
}

fn visits(run: &Run) -> Vec<Value> {
    assert!(run.ok, "{}", run.stderr);
    serde_json::from_str::<Value>(&run.stdout).unwrap().as_array().unwrap().clone()
}

#[ignore = "needs the Windows build: cargo xtask dist --windows (cargo xtask test runs it when present)"]
#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_windows_command_line_works_with_the_province_and_a_linux_pc(pool: PgPool) {
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let url = format!("http://{}", province.addr);
    let wine = Wine::new().await;

    let code = common::code_for(&pool, "26734").await;
    let enroll = wine.thanthien(&["enroll", "--server", &url, "--code", &code]).await;
    assert!(enroll.ok, "{}\n{}", enroll.stdout, enroll.stderr);
    assert!(enroll.stderr.contains("Xã 26734"), "{}", enroll.stderr);
    // The store is under %LOCALAPPDATA%, the token in Windows' Credential Manager, not in it.
    let data = wine.profile().join("AppData/Local/vn.thanthien.app");
    assert!(data.join("thanthien.db").is_file(), "{}", data.display());
    assert_eq!(common::token_columns(&data).await, (None, true), "the token went to the Credential Manager");

    let add = wine
        .thanthien(&[
            "visit",
            "add",
            "--name",
            "Nguyễn Thị Hường",
            "--procedure",
            "Chứng thực bản sao",
            "--at",
            "2026-11-17T08:00:00+07:00",
        ])
        .await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{:?}", add.stdout);
    for args in [
        vec!["visit", "call", &id, "--official", "Lê Thị Hoa", "--counter", "2", "--at", "2026-11-17T08:10:00+07:00"],
        vec!["visit", "finish", &id, "--outcome", "resolved", "--at", "2026-11-17T08:25:00+07:00"],
    ] {
        let step = wine.thanthien(&args).await;
        assert!(step.ok, "{args:?}: {}", step.stderr);
    }
    let sync = wine.thanthien(&["sync"]).await;
    assert!(sync.ok, "{}", sync.stderr);
    assert!(sync.stdout.contains("Đã gửi 3 bản ghi"), "{}", sync.stdout);
    let listed = visits(&wine.thanthien(&["visit", "list", "--json"]).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["name"].as_str(), listed[0]["outcome"].as_str(), listed[0]["service_secs"].as_i64()),
        (Some("Nguyễn Thị Hường"), Some("resolved"), Some(900))
    );

    // Exports to a folder with Vietnamese letters in Documents: the CSV with a UTF-8 BOM and CRLF
    // line ends (Excel's own habits), the spreadsheet readable back.
    std::fs::create_dir_all(wine.profile().join("Documents/Báo cáo")).unwrap();
    let csv = wine.windows_path("Documents/Báo cáo/Tuần 47.csv");
    let xlsx = wine.windows_path("Documents/Báo cáo/Tuần 47.xlsx");
    for (format, out) in [("csv", &csv), ("xlsx", &xlsx)] {
        let export = wine.thanthien(&["export", "--week", "2026-W47", "--format", format, "--out", out]).await;
        assert!(export.ok, "{format}: {}", export.stderr);
    }
    let csv = std::fs::read(wine.profile().join("Documents/Báo cáo/Tuần 47.csv")).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a UTF-8 BOM for Excel");
    assert!(csv.contains("Lượt tiếp dân,Tổng số lượt,1,0\r\n"), "{csv}");
    assert!(!csv.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(wine.profile().join("Documents/Báo cáo/Tuần 47.xlsx")).unwrap();
    let sheet = book.worksheet_range("Tuần 2026-W47").unwrap();
    assert!(sheet.get_value((0, 0)).map(|v| v.to_string()).unwrap_or_default().starts_with("BÁO CÁO TUẦN 2026-W47"));

    // The commune's other PC runs Linux: it pulls the same visit.
    let other = tempfile::tempdir().unwrap();
    let code = common::code_for(&pool, "26734").await;
    assert!(linux(other.path(), &["enroll", "--server", &url, "--code", &code]).await.ok);
    let pull = linux(other.path(), &["sync"]).await;
    assert!(pull.ok, "{}", pull.stderr);
    let pulled = visits(&linux(other.path(), &["visit", "list", "--json"]).await);
    let same = pulled.iter().find(|v| v["id"] == id.as_str()).unwrap_or_else(|| panic!("{pulled:?}"));
    assert_eq!((same["name"].as_str(), same["outcome"].as_str()), (Some("Nguyễn Thị Hường"), Some("resolved")));
    province.stop();
}

/// Wine has no WebView2 runtime (Microsoft's installer cannot be downloaded here): the window
/// cannot run under Wine, and the app says so in Vietnamese, with where to get it, and exits.
#[ignore = "needs the Windows build: cargo xtask dist --windows (cargo xtask test runs it when present)"]
#[tokio::test]
async fn without_webview2_the_window_says_why_in_vietnamese() {
    let wine = Wine::new().await;
    // With no display the message box cannot show; a box that waited for a click would fail here.
    let window =
        tokio::time::timeout(std::time::Duration::from_secs(120), wine.run(build().join("thanthien.exe"), &[]))
            .await
            .expect("the window's failure ends the program");
    assert!(!window.ok);
    assert!(window.stderr.contains("không tìm thấy Microsoft Edge WebView2 Runtime"), "{}", window.stderr);
    assert!(window.stderr.contains("https://go.microsoft.com/fwlink/p/?LinkId=2124703"), "{}", window.stderr);
}

#[ignore = "needs the Windows build: cargo xtask dist --windows (cargo xtask test runs it when present)"]
#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_windows_province_server_answers_healthz(pool: PgPool) {
    use thanthien_province::db::{create_login, LoginGroup};
    create_login(&pool, "thanthien_wine_server", LoginGroup::App, None).await.unwrap();
    let options = pool.connect_options();
    let database = options.get_database().expect("the test database's name");
    let url = format!("postgres://thanthien_wine_server@127.0.0.1:5432/{database}");
    let port = {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        free.local_addr().unwrap().port()
    };
    let wine = Wine::new().await;
    let mut server = wine
        .command(build().join("thanthien-province.exe"))
        .args(["--database-url", &url, "serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let mut answer = None;
    for _ in 0..120 {
        if let Ok(response) = http.get(format!("http://127.0.0.1:{port}/healthz")).send().await {
            answer = Some((response.status(), response.text().await.unwrap_or_default()));
            break;
        }
        if let Ok(Some(status)) = server.try_wait() {
            let mut stderr = String::new();
            use tokio::io::AsyncReadExt;
            server.stderr.take().unwrap().read_to_string(&mut stderr).await.unwrap();
            panic!("thanthien-province.exe ended ({status}): {stderr}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    server.kill().await.unwrap();
    let (status, body) = answer.expect("thanthien-province.exe answered within a minute");
    assert!(status.is_success(), "{status}: {body}");
}

#[ignore = "needs the Windows build: cargo xtask dist --windows (cargo xtask test runs it when present)"]
#[tokio::test]
async fn the_installer_runs_silently_and_the_uninstaller_keeps_the_data() {
    let wine = Wine::new().await;
    let install = wine.run(installer(), &["/S"]).await;
    assert!(install.ok, "{}\n{}", install.stdout, install.stderr);
    let program = wine.c_drive().join("Program Files/Thân Thiện");
    for file in ["thanthien.exe", "WebView2Loader.dll", "uninstall.exe"] {
        assert!(program.join(file).is_file(), "{file} in {}", program.display());
    }
    let menu = wine.c_drive().join("ProgramData/Microsoft/Windows/Start Menu/Programs/Thân Thiện.lnk");
    assert!(menu.is_file(), "{}", menu.display());
    let desktop = wine.c_drive().join("users/Public/Desktop/Thân Thiện.lnk");
    assert!(desktop.is_file(), "{}", desktop.display());
    // The installed program runs, and keeps its store where Windows keeps app data.
    let version = wine.run(program.join("thanthien.exe"), &["--version"]).await;
    assert!(version.ok && version.stdout.starts_with("thanthien "), "{}\n{}", version.stdout, version.stderr);
    let add = wine.run(program.join("thanthien.exe"), &["visit", "add", "--name", "Trần Văn Bình"]).await;
    assert!(add.ok, "{}", add.stderr);
    let data = wine.profile().join("AppData/Local/vn.thanthien.app");
    assert!(data.is_dir(), "{}", data.display());

    // Uninstalled silently: the program and its shortcuts go, the office's data stays. The
    // uninstaller runs a copy of itself from the temp folder (so it can remove itself) and
    // returns at once, as on Windows: its work is waited for.
    let uninstall = wine.run(program.join("uninstall.exe"), &["/S"]).await;
    assert!(uninstall.ok, "{}", uninstall.stderr);
    let started = std::time::Instant::now();
    while program.exists() && started.elapsed() < std::time::Duration::from_secs(60) {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(!program.exists() && !menu.exists() && !desktop.exists(), "the program and its shortcuts are gone");
    assert!(data.join("thanthien.db").is_file(), "the data folder is kept unless asked");

    // Asked: installed again, then uninstalled with /DELETEDATA, the data goes too.
    assert!(wine.run(installer(), &["/S"]).await.ok);
    assert!(program.join("thanthien.exe").is_file());
    assert!(wine.run(program.join("uninstall.exe"), &["/S", "/DELETEDATA"]).await.ok);
    let started = std::time::Instant::now();
    while (program.exists() || data.exists()) && started.elapsed() < std::time::Duration::from_secs(60) {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(!program.exists() && !data.exists(), "asked, the uninstaller removes the data folder too");
}
