//! `cargo xtask bench`: what the desk costs a modest PC, measured on the release build beside a
//! baseline in the same run: the window's memory at rest beside a bare WebKitGTK browser on a
//! blank page (each alone on its own virtual display), the shipped sizes, and how long a command
//! that opens no window takes to start beside the province binary's `--version`.

use anyhow::{ensure, Context, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// WebKitGTK's own small browser (Debian ships it with webkit2gtk-driver).
const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
/// How long each window is left alone before its memory is read: sign-in drawn, caches settled.
const SETTLE: Duration = Duration::from_secs(20);
const STARTS: usize = 40;

/// Every process `root` started, itself included (the web and network processes are its children).
fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    found
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:")?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0)
}

fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned()
}

/// A virtual display of its own, so nothing else drawn there is counted or in the way.
struct Display {
    xvfb: Child,
    number: String,
}

impl Display {
    fn start() -> Result<Display> {
        let number = format!(":{}", 90 + std::process::id() % 9);
        let xvfb = Command::new("Xvfb")
            .args([number.as_str(), "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("Xvfb (cargo xtask setup installs it)")?;
        std::thread::sleep(Duration::from_secs(2));
        Ok(Display { xvfb, number })
    }

    /// How many colours the screen shows: a page that drew its text shows many, a blank one few.
    fn colours(&self) -> usize {
        let out = Command::new("import")
            .args(["-display", &self.number, "-window", "root", "-format", "%k", "info:"])
            .output();
        out.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok()).unwrap_or(0)
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// What one window costs at rest.
struct AtRest {
    pss_mib: f64,
    /// Each process and its own share, in MiB.
    processes: Vec<(String, f64)>,
    colours: usize,
}

impl AtRest {
    fn listed(&self) -> String {
        self.processes.iter().map(|(name, mib)| format!("{name} {mib:.0}")).collect::<Vec<_>>().join(", ")
    }
}

fn at_rest(program: &Path, args: &[&str], envs: &[(&str, &OsStr)]) -> Result<AtRest> {
    let display = Display::start()?;
    let mut command = Command::new(program);
    command.args(args).env("DISPLAY", &display.number).env_remove("DBUS_SESSION_BUS_ADDRESS");
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("{}", program.display()))?;
    std::thread::sleep(SETTLE);
    let pids = tree(child.id());
    let processes: Vec<(String, f64)> = pids.iter().map(|pid| (name(*pid), pss_kib(*pid) as f64 / 1024.0)).collect();
    let pss_mib = processes.iter().map(|(_, mib)| mib).sum();
    let colours = display.colours();
    ensure!(child.try_wait()?.is_none(), "{} exited before it was measured", program.display());
    // The web processes go with their parent.
    for pid in pids.iter().rev() {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let _ = child.wait();
    Ok(AtRest { pss_mib, processes, colours })
}

/// A file's size in MB (10⁶ bytes, as the goals are written).
fn mb(path: &Path) -> Result<f64> {
    Ok(std::fs::metadata(path).with_context(|| format!("{}", path.display()))?.len() as f64 / 1e6)
}

/// The p50 wall time of `STARTS` runs of `program args` (after two to warm the page cache).
fn start_p50(program: &Path, args: &[&str], envs: &[(&str, &OsStr)]) -> Result<Duration> {
    let mut times = Vec::new();
    for i in 0..STARTS + 2 {
        let mut command = Command::new(program);
        command.args(args).stdout(Stdio::null()).stderr(Stdio::null());
        for (key, value) in envs {
            command.env(key, value);
        }
        let started = Instant::now();
        let status = command.status().with_context(|| format!("{}", program.display()))?;
        let took = started.elapsed();
        ensure!(status.success(), "{} {args:?} failed", program.display());
        if i >= 2 {
            times.push(took);
        }
    }
    times.sort();
    Ok(times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The heading of this section of BENCHMARKS.md.
pub const HEADING: &str = "## The desk on a modest PC (release build)";

/// The section of BENCHMARKS.md: the release app (built by the benchmarks before it) and its UI
/// bundle, the newest .deb if one was built.
pub fn section(root: &Path) -> Result<String> {
    let release = crate::target_dir()?.join("release");
    let app = release.join("thanthien");
    // The baseline's binary: `dist` builds only the app's package.
    crate::cmd(&crate::cargo(), &["build", "--release", "--package", "thanthien-province"]).status_ok()?;
    let province = release.join("thanthien-province");
    let data = tempfile_dir()?;
    let envs = [("THANTHIEN_DATA_DIR", data.as_os_str())];
    let window = at_rest(&app, &[], &envs)?;
    let bare = at_rest(Path::new(MINIBROWSER), &["about:blank"], &[])?;
    // The desk draws without GPU compositing (src-tauri/desk.rs): the same browser so set, beside it.
    let flat = [("WEBKIT_DISABLE_COMPOSITING_MODE", OsStr::new("1"))];
    let bare_flat = at_rest(Path::new(MINIBROWSER), &["about:blank"], &flat)?;
    ensure!(window.colours > 50, "the release window did not draw its UI ({} colours on screen)", window.colours);
    let web = |r: &AtRest| r.processes.iter().filter(|(p, _)| p.starts_with("WebKitWebProces")).count();
    let wasm = root.join("src-ui/dist/thanthien_ui_bg.wasm");
    let deb = crate::installers::newest_deb()?;
    let command = start_p50(&app, &["--version"], &envs)?;
    let help = start_p50(&app, &["--help"], &envs)?;
    let baseline = start_p50(&province, &["--version"], &[])?;
    let _ = std::fs::remove_dir_all(&data);
    let ratio = |a: Duration| a.as_secs_f64() / baseline.as_secs_f64();
    Ok(format!(
        "{HEADING}\n\n\
         The window at rest: the release app on the first-start screen, left {settle} s on a virtual display of its \
         own, its proportional set size summed over it and every process it started; the baseline is WebKitGTK's \
         MiniBrowser showing about:blank, measured the same way in the same run.\n\n\
         | | proportional set size | processes (MiB each) | web processes |\n|---|---|---|---|\n\
         | the desk's window at rest | {:.0} MiB | {} | {} |\n\
         | baseline: bare WebKitGTK browser, blank page | {:.0} MiB | {} | {} |\n\
         | **ratio** (goal ≤ 1.3) | **{:.2}** | | |\n\
         | the same browser without GPU compositing, as the desk draws | {:.0} MiB | {} | {} |\n\
         | ratio to it | {:.2} | | |\n\n\
         | shipped | size | goal |\n|---|---|---|\n\
         | the UI's wasm (no name section, wasm-opt -Oz) | {:.2} MB | < 1.5 MB |\n\
         | `thanthien`, the command line | {:.1} MB | |\n\
         | `thanthien-desk`, the window, the UI embedded | {:.1} MB | |\n\
         | the .deb | {} | < 8 MB |\n\n\
         A command that opens no window, p50 of {STARTS} starts:\n\n\
         | | p50 | ratio to baseline (goal ≤ 2) |\n|---|---|---|\n\
         | `thanthien --version` | {} | **{:.2}** |\n\
         | `thanthien --help` | {} | **{:.2}** |\n\
         | baseline: `thanthien-province --version` | {} | 1 |",
        window.pss_mib,
        window.listed(),
        web(&window),
        bare.pss_mib,
        bare.listed(),
        web(&bare),
        window.pss_mib / bare.pss_mib,
        bare_flat.pss_mib,
        bare_flat.listed(),
        web(&bare_flat),
        window.pss_mib / bare_flat.pss_mib,
        mb(&wasm)?,
        mb(&app)?,
        mb(&release.join("thanthien-desk"))?,
        deb.map_or_else(
            || "not built (`cargo xtask dist`)".to_owned(),
            |d| mb(&d).map_or_else(|e| format!("unreadable: {e}"), |size| format!("{size:.1} MB"))
        ),
        ms(command),
        ratio(command),
        ms(help),
        ratio(help),
        ms(baseline),
        settle = SETTLE.as_secs(),
    ))
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("thanthien-footprint-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
