//! `cargo xtask setup | build | run | test | bench | dist`: the project's build steps in order,
//! so a fresh machine with only Rust needs `cargo xtask run` or `cargo xtask test` and nothing else.

mod footprint;
mod installers;
mod postgres;
mod windows;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Must equal the `wasm-bindgen` pin in src-ui/Cargo.toml.
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const TAURI_DRIVER_VERSION: &str = "2.1.0";
/// The API conformance test's fuzzer, from PyPI, in its own virtual environment.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The throwaway province's console account (`cargo xtask run --with-server`).
const DEMO_PASSWORD: &str = "thanthien-demo";

/// Debian packages: Tauri's build needs, then what the tests need (webview driver, display,
/// screenshots, a PostgreSQL to start when none runs).
const APT_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "librsvg2-dev",
    "libayatana-appindicator3-dev",
    "libxdo-dev",
    "libssl-dev",
    "pkg-config",
    "build-essential",
    "file",
    "libdbus-1-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "imagemagick",
    "postgresql",
    // The feedback mailbox test reads a real IMAP server (started by the test) over TLS.
    "dovecot-imapd",
    "openssl",
    // The PDFs' font on Linux, as the .deb depends on it (crates/paper).
    "fonts-dejavu-core",
    // The PDF export test extracts the text and renders the pages.
    "poppler-utils",
    // The publicity poster's QR code is read back off the rendered page.
    "zbar-tools",
    // The province's console is tested in a real browser.
    "chromium",
    "chromium-driver",
    // The device token's test runs the CLI in a session bus with a Secret Service.
    "dbus",
    "gnome-keyring",
    "libsecret-tools",
    // The UI test asks the X display which windows are shown.
    "xdotool",
    // The Windows build: the mingw-w64 cross toolchain, NSIS for the installer, Wine to test both.
    "mingw-w64",
    "nsis",
    "wine64",
    // The update test signs releases as the province does.
    "minisign",
];

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what building and testing need (idempotent).
    Setup,
    /// Build the UI bundle, then every binary.
    Build {
        #[arg(long)]
        release: bool,
    },
    /// Build and open the app.
    Run {
        /// Also start a throwaway local province server and enrol a throwaway data folder with it.
        #[arg(long)]
        with_server: bool,
        #[arg(long)]
        release: bool,
    },
    /// Run every test: unit, store, server (real PostgreSQL), sync, and the real app's UI.
    Test {
        /// Extra arguments for `cargo test` (e.g. a test name filter).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Measure, and write BENCHMARKS.md.
    Bench,
    /// Measure only the desk on a modest PC (the window at rest, the sizes, a command's start) on
    /// the release build already made (`cargo xtask dist`), and replace that section of
    /// BENCHMARKS.md.
    Footprint,
    /// Build the .deb installer; with --windows, the Windows installer and the province server's
    /// .exe instead (cross-compiled with mingw-w64, packed with makensis).
    Dist {
        #[arg(long)]
        windows: bool,
    },
}

fn main() {
    if let Err(e) = run(Cli::parse().command) {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn run(task: Task) -> Result<()> {
    let root = root()?;
    std::env::set_current_dir(&root)?;
    match task {
        Task::Setup => setup(),
        Task::Build { release } => build(&root, release),
        Task::Run { with_server, release } => {
            setup()?;
            build(&root, release)?;
            run_app(with_server, release)
        }
        Task::Test { args } => {
            setup()?;
            test(&root, &args)
        }
        Task::Bench => {
            setup()?;
            bench(&root)
        }
        Task::Footprint => installers::replace_section(&root, footprint::HEADING, &footprint::section(&root)?),
        Task::Dist { windows } => {
            setup()?;
            build_ui(&root, true)?;
            if windows {
                windows::dist(&root)?;
            } else {
                // The npm build of the Tauri CLI installs in seconds (cargo's takes ~10 min).
                // The app's package alone: its features are not unified with the province
                // server's, and the server is not built in release for nothing.
                cmd(
                    "npx",
                    &["--yes", "@tauri-apps/cli@~2.12", "build", "--bundles", "deb", "--", "--package", "thanthien"],
                )
                .status_ok()?;
                installers::repack_deb_xz()?;
                installers::check_deb()?;
                let release = target_dir()?.join("release");
                let file = installers::linux_release(&release, &app_version(&root)?, &release.join("bundle"))?;
                println!("xtask: the Linux update for the province to sign and publish: {}", file.display());
            }
            installers::record(&root)
        }
    }
}

fn root() -> Result<PathBuf> {
    // At run time, not `env!`: cargo reuses a binary built from another checkout that shares the
    // target folder (CI's cache), and the compile-time path would point at that checkout.
    let manifest =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    Ok(manifest.ancestors().nth(2).context("xtask is not in crates/xtask")?.to_owned())
}

/// Cargo's target folder (honours CARGO_TARGET_DIR and .cargo/config).
/// The app's version as tauri.conf.json states it: the one its installers carry and its updates
/// are numbered from.
fn app_version(root: &Path) -> Result<String> {
    let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json"))?)?;
    Ok(conf["version"].as_str().context("tauri.conf.json has no version")?.to_owned())
}

/// The most recently written of `paths` that exist.
fn newest_file(paths: impl Iterator<Item = PathBuf>) -> Option<PathBuf> {
    paths.filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p))).max().map(|(_, p)| p)
}

fn target_dir() -> Result<PathBuf> {
    let out = Command::new(cargo()).args(["metadata", "--format-version", "1", "--no-deps"]).output()?;
    anyhow::ensure!(out.status.success(), "cargo metadata failed");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    Ok(PathBuf::from(meta["target_directory"].as_str().context("no target_directory")?))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

struct Cmd(Command);

fn cmd(program: &str, args: &[&str]) -> Cmd {
    let mut c = Command::new(program);
    c.args(args);
    Cmd(c)
}

impl Cmd {
    fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.0.env(key, value);
        self
    }

    fn env_remove(mut self, key: &str) -> Self {
        self.0.env_remove(key);
        self
    }

    fn status_ok(mut self) -> Result<()> {
        eprintln!("xtask: running {:?}", self.0);
        let status = self.0.status().with_context(|| format!("cannot start {:?}", self.0.get_program()))?;
        anyhow::ensure!(status.success(), "{:?} failed ({status})", self.0.get_program());
        Ok(())
    }
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn is_root() -> bool {
    output_of("id", &["-u"]).is_some_and(|u| u.trim() == "0")
}

fn setup() -> Result<()> {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            !output_of("dpkg-query", &["-W", "-f=${Status}", p]).is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if !missing.is_empty() {
        let install = format!("apt-get install -y --no-install-recommends {}", missing.join(" "));
        if is_root() {
            cmd("apt-get", &["update", "-qq"]).status_ok()?;
            let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
            args.extend(&missing);
            cmd("apt-get", &args).env("DEBIAN_FRONTEND", "noninteractive").status_ok()?;
        } else {
            bail!("missing Debian packages; run as root:\n  sudo apt-get update && sudo {install}");
        }
    }
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    for target in [WASM_TARGET, windows::TARGET] {
        if !targets.lines().any(|l| l == target) {
            cmd("rustup", &["target", "add", target]).status_ok()?;
        }
    }
    let installed = output_of(&cargo(), &["install", "--list"]).unwrap_or_default();
    if !installed.contains(&format!("wasm-bindgen-cli v{WASM_BINDGEN_VERSION}:")) {
        // Without --locked: its lockfile asks for a crate version the registry no longer has.
        cmd(&cargo(), &["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]).status_ok()?;
    }
    if !installed.contains(&format!("tauri-driver v{TAURI_DRIVER_VERSION}:")) {
        cmd(&cargo(), &["install", "tauri-driver", "--version", TAURI_DRIVER_VERSION, "--locked"]).status_ok()?;
    }
    let schemathesis = schemathesis();
    let have = output_of(schemathesis.to_str().context("path")?, &["--version"]).unwrap_or_default();
    if !have.contains(SCHEMATHESIS_VERSION) {
        let venv = venv()?;
        cmd("python3", &["-m", "venv"]).arg(&venv).status_ok()?;
        let pip = venv.join("bin/pip");
        cmd(pip.to_str().context("path")?, &["install", "-q", &format!("schemathesis=={SCHEMATHESIS_VERSION}")])
            .status_ok()?;
    }
    Ok(())
}

/// The virtual environment `setup` makes for the Python tools the tests run.
fn venv() -> Result<PathBuf> {
    let home = std::env::var_os("HOME").context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".cache/thanthien-venv"))
}

fn schemathesis() -> PathBuf {
    venv().map(|v| v.join("bin/schemathesis")).unwrap_or_else(|_| PathBuf::from("schemathesis"))
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    home.map(|h| h.join("bin").join(name)).filter(|p| p.exists()).unwrap_or_else(|| PathBuf::from(name))
}

/// Builds both wasm bundles: the desk's UI (the app embeds it) and the province's console (the
/// server embeds it), each before the binary that embeds it is compiled.
fn build_ui(root: &Path, release: bool) -> Result<()> {
    build_bundle(root, "thanthien-ui", "src-ui", release)?;
    build_bundle(root, "thanthien-console", "crates/console", release)
}

/// The wasm optimiser, from npm (see TOOLCHAIN.md).
const WASM_OPT_PACKAGE: &str = "binaryen@132";

/// Builds one Leptos crate into `<folder>/dist` without trunk: cargo, wasm-bindgen, static files;
/// a release bundle without its name section and optimised for size.
fn build_bundle(root: &Path, package: &str, folder: &str, release: bool) -> Result<()> {
    let mut args = vec!["build", "--package", package, "--target", WASM_TARGET];
    if release {
        args.extend(["--profile", "wasm-release"]);
    }
    cmd(&cargo(), &args).status_ok()?;
    let profile = if release { "wasm-release" } else { "debug" };
    let wasm = target_dir()?.join(WASM_TARGET).join(profile).join(format!("{package}.wasm"));
    let dist = root.join(folder).join("dist");
    std::fs::create_dir_all(&dist)?;
    let wasm_bindgen = cargo_bin("wasm-bindgen");
    let out_name = package.replace('-', "_");
    let mut bindgen = vec!["--target", "web", "--no-typescript", "--out-name", &out_name];
    if release {
        // The name section is most of a release wasm's size, and no one reads it on a desk PC.
        bindgen.extend(["--remove-name-section", "--remove-producers-section"]);
    }
    bindgen.push("--out-dir");
    cmd(wasm_bindgen.to_str().context("path")?, &bindgen).arg(&dist).arg(&wasm).status_ok()?;
    if release {
        // npm's binaryen: Debian's older wasm-opt makes a wasm that never mounts (TOOLCHAIN.md).
        let bundle = dist.join(format!("{out_name}_bg.wasm"));
        let bundle = bundle.to_str().context("path")?;
        cmd("npx", &["--yes", "--package", WASM_OPT_PACKAGE, "wasm-opt", "-Oz", bundle, "-o", bundle]).status_ok()?;
    }
    for file in ["index.html", "boot.js", "style.css"] {
        std::fs::copy(root.join(folder).join(file), dist.join(file)).with_context(|| format!("copy {file}"))?;
    }
    // The charts both apps draw (crates/widgets) bring their one stylesheet.
    std::fs::copy(root.join("crates/widgets/charts.css"), dist.join("charts.css")).context("copy charts.css")?;
    Ok(())
}

impl Cmd {
    fn args(mut self, all: &[&str]) -> Self {
        self.0.args(all);
        self
    }

    fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.0.arg(a);
        self
    }
}

fn build(root: &Path, release: bool) -> Result<()> {
    // tauri::generate_context! needs the UI bundle to exist before the app compiles.
    build_ui(root, release)?;
    // Default members: everything but the wasm-only UI crate.
    let mut args = vec!["build", "--bins"];
    if release {
        args.push("--release");
    }
    cmd(&cargo(), &args).status_ok()
}

fn run_app(with_server: bool, release: bool) -> Result<()> {
    let profile_dir = target_dir()?.join(if release { "release" } else { "debug" });
    let app = profile_dir.join("thanthien");
    let app = app.to_str().context("non-UTF-8 target path")?;
    if !with_server {
        return cmd(app, &[]).status_ok();
    }
    // A throwaway province: its own database, a demo commune, and a throwaway data folder
    // enrolled with it, so the real store is never tied to a server that will vanish.
    let pg = postgres::ensure()?;
    let db = format!("thanthien_dev_{}", std::process::id());
    let url = pg.create_database(&db)?;
    let server = profile_dir.join("thanthien-province");
    let server = server.to_str().context("non-UTF-8 target path")?;
    let data = target_dir()?.join("xtask-run").join(&db);
    let data = data.to_str().context("non-UTF-8 target path")?;
    let listen = "127.0.0.1:8787";
    // The owner migrates and acts for the province; the server logs in as a member of
    // thanthien_app, walled to one commune per request (README, "The province's server").
    let app_url = postgres::as_user(&url, "thanthien_server");
    // The console logs in as a member of thanthien_province, which reads every commune.
    let console_url = postgres::as_user(&url, "thanthien_console");
    let result = (|| -> Result<()> {
        cmd(server, &["migrate"]).env("DATABASE_URL", &url).status_ok()?;
        cmd(server, &["app-login", "--role", "thanthien_server"]).env("DATABASE_URL", &url).status_ok()?;
        cmd(server, &["app-login", "--role", "thanthien_console", "--console"])
            .env("DATABASE_URL", &url)
            .status_ok()?;
        let mut add_admin = Command::new(server)
            .args(["user", "add", "--username", "admin", "--name", "Quản trị thử", "--role", "province-admin"])
            .env("DATABASE_URL", &url)
            .stdin(std::process::Stdio::piped())
            .spawn()?;
        std::io::Write::write_all(
            &mut add_admin.stdin.take().context("stdin")?,
            format!("{DEMO_PASSWORD}\n").as_bytes(),
        )?;
        anyhow::ensure!(add_admin.wait()?.success(), "user add failed");
        cmd(server, &["commune", "add", "--code", "DEMO", "--name", "Phường Mẫu"])
            .env("DATABASE_URL", &url)
            .status_ok()?;
        let out = Command::new(server).args(["enroll-code", "--commune", "DEMO"]).env("DATABASE_URL", &url).output()?;
        anyhow::ensure!(out.status.success(), "enroll-code failed");
        let code = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let mut child = Command::new(server)
            .args(["serve", "--listen", listen])
            .env("DATABASE_URL", &app_url)
            .env("CONSOLE_DATABASE_URL", &console_url)
            .spawn()?;
        let started = std::time::Instant::now();
        while std::net::TcpStream::connect(listen).is_err() && started.elapsed() < std::time::Duration::from_secs(15) {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let outcome =
            cmd(app, &["--data-dir", data, "enroll", "--server", &format!("http://{listen}"), "--code", &code])
                .status_ok()
                .and_then(|()| {
                    eprintln!("xtask: province server on http://{listen}, app data in {data}");
                    eprintln!("xtask: the province's console: http://{listen}/ (admin / {DEMO_PASSWORD})");
                    cmd(app, &["--data-dir", data]).status_ok()
                });
        let _ = child.kill();
        let _ = child.wait();
        outcome
    })();
    pg.drop_database(&db);
    let _ = std::fs::remove_dir_all(data);
    result
}

fn test(root: &Path, extra: &[String]) -> Result<()> {
    let pg = postgres::ensure()?;
    build_ui(root, false)?;
    let artifacts = target_dir()?.join("test-artifacts");
    std::fs::create_dir_all(&artifacts)?;
    let kind = if pg.is_temporary() { "a temporary cluster" } else { "an existing server" };
    eprintln!("xtask: PostgreSQL at {} ({kind}); test artifacts in {}", pg.url_redacted(), artifacts.display());
    // The whole run gets a virtual display: the UI test opens the real app window.
    let mut args: Vec<String> = ["-a", "-s", "-screen 0 1366x768x24", &cargo(), "test", "--no-fail-fast"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cmd("xvfb-run", &args)
        .env("DATABASE_URL", pg.url())
        .env("THANTHIEN_TEST_ARTIFACTS", &artifacts)
        .env("TAURI_DRIVER", cargo_bin("tauri-driver"))
        .env("THANTHIEN_SCHEMATHESIS", schemathesis())
        // Every test store would put its key in the developer's own keyring: the tests of the
        // credential store make their own session bus (dbus-run-session) instead.
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .status_ok()?;
    if extra.is_empty() {
        // A small run of the benchmark in the test profile, so it keeps working as the schema grows.
        cmd(&cargo(), &["test", "--bench", "store"]).env("THANTHIEN_BENCH_SAVES", "50").status_ok()?;
        cmd(&cargo(), &["test", "--bench", "summary"]).env("THANTHIEN_BENCH_VISITS_PER_DAY", "2").status_ok()?;
        with_bench_database(&pg, |url| {
            cmd(&cargo(), &["test", "-p", "thanthien-province", "--bench", "console"])
                .env("DATABASE_URL", url)
                .env("THANTHIEN_BENCH_COMMUNES", "20")
                .env("THANTHIEN_BENCH_WEEKS", "13")
                .status_ok()
        })?;
        with_bench_database(&pg, |url| {
            cmd(&cargo(), &["test", "--bench", "sync"])
                .env("DATABASE_URL", url)
                .env("THANTHIEN_BENCH_SYNC_EVENTS", "300")
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .status_ok()
        })?;
        with_bench_database(&pg, |url| {
            cmd(&cargo(), &["test", "-p", "thanthien-province", "--bench", "ingest"])
                .env("DATABASE_URL", url)
                .env("THANTHIEN_BENCH_INGEST_EVENTS", "400")
                .env("THANTHIEN_BENCH_DEVICES", "20")
                .status_ok()
        })?;
    }
    if extra.is_empty() {
        // The update test installs this app built as the next version over this one.
        let (next, version) = build_next(root)?;
        cmd(&cargo(), &["test", "--test", "update", "--", "--ignored"])
            .env("DATABASE_URL", pg.url())
            .env("THANTHIEN_UPDATE_NEXT", &next)
            .env("THANTHIEN_UPDATE_NEXT_VERSION", &version)
            .status_ok()?;
    }
    // The Windows build under Wine, when `cargo xtask dist --windows` has made one (too slow to
    // make on every run); otherwise the run's last line says it was skipped, and why.
    let windows = windows::out_dir()?;
    let built =
        windows.join("thanthien.exe").is_file() && windows.join(windows::installer_name(&app_version(root)?)).is_file();
    if extra.is_empty() && built {
        cmd(&cargo(), &["test", "--test", "windows", "--", "--ignored"])
            .env("DATABASE_URL", pg.url())
            .env("THANTHIEN_WINDOWS_BUILD", &windows)
            .status_ok()?;
    } else if extra.is_empty() {
        println!(
            "xtask: skipped: the Windows build under Wine (tests/windows.rs): no Windows build in {}; \
             `cargo xtask dist --windows` makes one",
            windows.display()
        );
    }
    Ok(())
}

/// This app built as the next patch version (`THANTHIEN_VERSION`, which only the binaries read, so
/// only they recompile), packed aside as its Linux release for the update test; the next
/// `cargo test` builds them back.
fn build_next(root: &Path) -> Result<(PathBuf, String)> {
    let current = app_version(root)?;
    let mut parts: Vec<u64> =
        current.split(['-', '+']).next().unwrap_or_default().split('.').filter_map(|p| p.parse().ok()).collect();
    anyhow::ensure!(parts.len() == 3, "tauri.conf.json's version {current:?} is not major.minor.patch");
    parts[2] += 1;
    let version = format!("{}.{}.{}", parts[0], parts[1], parts[2]);
    cmd(&cargo(), &["build", "--package", "thanthien", "--bins"]).env("THANTHIEN_VERSION", &version).status_ok()?;
    let next = installers::linux_release(&target_dir()?.join("debug"), &version, &target_dir()?.join("update-test"))?;
    Ok((next, version))
}

/// Runs `f` with the URL of a new empty database, dropped afterwards whatever happens.
fn with_bench_database(pg: &postgres::Postgres, f: impl FnOnce(&str) -> Result<()>) -> Result<()> {
    let name = format!("thanthien_bench_{}", std::process::id());
    let url = pg.create_database(&name)?;
    let result = f(&url);
    pg.drop_database(&name);
    result
}

fn bench(root: &Path) -> Result<()> {
    build_ui(root, true)?;
    let mut bodies = Vec::new();
    for bench in ["store", "summary"] {
        eprintln!("xtask: building and running the {bench} benchmark (release)");
        cmd(&cargo(), &["bench", "--no-run", "--bench", bench]).status_ok()?;
        // A fresh build leaves gigabytes of dirty pages; flushing them first keeps their writeback
        // out of the fsyncs being timed (one run showed a 2.0 ratio that re-runs put at 1.3).
        cmd("sync", &[]).status_ok()?;
        let out =
            Command::new(cargo()).args(["bench", "--bench", bench]).stderr(std::process::Stdio::inherit()).output()?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        anyhow::ensure!(out.status.success(), "the {bench} benchmark failed");
        bodies.push(stdout.split_once("<!-- bench -->").map_or(stdout.as_str(), |(_, b)| b).trim().to_owned());
    }
    // The desk's sync through a shaped line, the province's console at national scale, then
    // ingest and overload, each on a database of its own.
    let pg = postgres::ensure()?;
    for (package, bench, what) in [
        ("thanthien", "sync", "a 10,000-event backlog through a shaped line"),
        ("thanthien-province", "console", "national scale"),
        ("thanthien-province", "ingest", "ingest beside COPY, and overload"),
    ] {
        eprintln!("xtask: building and running the {bench} benchmark (release, {what})");
        cmd(&cargo(), &["bench", "--no-run", "-p", package, "--bench", bench]).status_ok()?;
        cmd("sync", &[]).status_ok()?;
        with_bench_database(&pg, |url| {
            let out = Command::new(cargo())
                .args(["bench", "-p", package, "--bench", bench])
                .env("DATABASE_URL", url)
                .stderr(std::process::Stdio::inherit())
                .output()?;
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            anyhow::ensure!(out.status.success(), "the {bench} benchmark failed");
            bodies.push(stdout.split_once("<!-- bench -->").map_or(stdout.as_str(), |(_, b)| b).trim().to_owned());
            Ok(())
        })?;
    }
    eprintln!("xtask: the window's memory at rest, the shipped sizes and a command's start (release)");
    bodies.push(footprint::section(root)?);
    // The installers are measured where they are built (`cargo xtask dist`); the section stays.
    bodies.push(installers::section(root)?);
    let body = bodies.join("\n\n");
    let machine = output_of("uname", &["-srm"]).unwrap_or_default();
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let text = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench`; every figure stands beside a baseline measured in the same run.\n\
         Machine: {} ({cpus} cores).\n\n{body}\n",
        machine.trim()
    );
    std::fs::write(root.join("BENCHMARKS.md"), &text)?;
    println!("{text}");
    Ok(())
}
