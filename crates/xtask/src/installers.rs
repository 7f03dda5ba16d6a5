//! The installers' sizes in BENCHMARKS.md, the Windows installer beside the .deb: written by
//! `cargo xtask dist` after each build (where they are made) and kept by `cargo xtask bench`.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

const HEADING: &str = "## Installers";
/// The Windows installer's budget (issue 16): a download a commune's flaky line can finish.
const WINDOWS_GOAL_MB: f64 = 15.0;

/// The newest file in `dir` whose name ends with `suffix`.
fn newest(dir: &Path, suffix: &str) -> Option<PathBuf> {
    let files = std::fs::read_dir(dir).ok()?.filter_map(|e| e.ok()).map(|e| e.path());
    crate::newest_file(files.filter(|p| p.to_string_lossy().ends_with(suffix)))
}

fn row(name: &str, file: Option<PathBuf>, goal: &str) -> String {
    match file.and_then(|f| Some((f.metadata().ok()?.len(), f))) {
        Some((bytes, file)) => {
            let built = crate::output_of("date", &["-u", "-r", &file.to_string_lossy(), "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_default();
            let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            format!("| {name} | {file_name} | {:.1} MB | {} | {goal} |", bytes as f64 / 1_000_000.0, built.trim())
        }
        None => format!("| {name} | not built on this machine | | | {goal} |"),
    }
}

/// The section as it stands: each installer's file, size and build time.
pub fn section(root: &Path) -> Result<String> {
    let target = crate::target_dir()?;
    let version = crate::app_version(root)?;
    let windows = crate::windows::out_dir()?.join(crate::windows::installer_name(&version));
    Ok(format!(
        "{HEADING}\n\nAs `cargo xtask dist` (the .deb) and `cargo xtask dist --windows` last built them here; \
         release builds, the UI embedded.\n\n\
         | installer | file | size | built | goal |\n|---|---|---|---|---|\n{}\n{}",
        row("Linux (.deb)", newest(&target.join("release/bundle/deb"), ".deb"), "< 8 MB"),
        row("Windows (NSIS, per machine)", windows.exists().then_some(windows), &format!("< {WINDOWS_GOAL_MB} MB")),
    ))
}

/// The newest .deb `cargo xtask dist` built, if any.
pub fn newest_deb() -> Result<Option<std::path::PathBuf>> {
    Ok(newest(&crate::target_dir()?.join("release/bundle/deb"), ".deb"))
}

/// Replaces the section in BENCHMARKS.md (or adds it), leaving every other section as it is.
pub fn record(root: &Path) -> Result<()> {
    replace_section(root, HEADING, &section(root)?)
}

/// Replaces the section under `heading` in BENCHMARKS.md with `section` (or adds it at the end),
/// leaving every other section as it is.
pub fn replace_section(root: &Path, heading: &str, section: &str) -> Result<()> {
    let path = root.join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let updated = match text.find(heading) {
        Some(start) => {
            let end = text[start + heading.len()..].find("\n## ").map_or(text.len(), |i| start + heading.len() + i + 1);
            format!("{}{section}\n\n{}", &text[..start], text[end..].trim_start())
        }
        None => format!("{}\n\n{section}\n", text.trim_end()),
    };
    std::fs::write(&path, format!("{}\n", updated.trim_end()))?;
    println!("{section}");
    Ok(())
}

/// The package name dpkg knows the desk by: ASCII, as Debian's policy asks (the product name
/// stays Vietnamese on the menu entry, from `src-tauri/linux/thanthien.desktop`).
const DEB_PACKAGE: &str = "thanthien";

/// The programs a Linux install holds side by side, and a Linux update carries (src-tauri/update.rs).
const LINUX_PROGRAMS: [&str; 2] = ["thanthien", "thanthien-desk"];

/// The Linux release file the province publishes for `version`: both programs from `built` (a
/// cargo profile folder) in one gzipped tar, written into `out`.
pub fn linux_release(built: &Path, version: &str, out: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(out)?;
    let file = out.join(format!("thanthien-{version}-linux-x86_64.tar.gz"));
    crate::cmd("tar", &["--create", "--gzip", "--owner=0", "--group=0", "--file"])
        .arg(&file)
        .arg("--directory")
        .arg(built)
        .args(&LINUX_PROGRAMS)
        .status_ok()?;
    Ok(file)
}

/// Repacks the newest .deb with xz (dpkg's own default; Tauri's bundler writes gzip), which a
/// commune's line downloads in about two thirds of the bytes.
pub fn repack_deb_xz() -> Result<()> {
    let deb = newest(&crate::target_dir()?.join("release/bundle/deb"), ".deb").context("no .deb was built")?;
    let tree = std::env::temp_dir().join(format!("thanthien-deb-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    crate::cmd("dpkg-deb", &["--raw-extract"]).arg(&deb).arg(&tree).status_ok()?;
    let packed = deb.with_extension("xz.deb");
    crate::cmd("dpkg-deb", &["--root-owner-group", "-Zxz", "-z9", "--build"]).arg(&tree).arg(&packed).status_ok()?;
    std::fs::rename(&packed, &deb)?;
    std::fs::remove_dir_all(&tree)?;
    Ok(())
}

/// Installs the newest .deb with dpkg into a throwaway root and runs both installed programs: a
/// package dpkg refuses, or a program that does not start from where it lands, fails the dist.
pub fn check_deb() -> Result<()> {
    let deb = newest(&crate::target_dir()?.join("release/bundle/deb"), ".deb").context("no .deb was built")?;
    let field = |name: &str| crate::output_of("dpkg-deb", &["--field", &deb.to_string_lossy(), name]);
    let package = field("Package").context("dpkg-deb cannot read the package")?;
    if package.trim() != DEB_PACKAGE {
        bail!("the .deb is named {:?}, not {DEB_PACKAGE:?}", package.trim());
    }
    let root = std::env::temp_dir().join(format!("thanthien-deb-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let admin = root.join("var/lib/dpkg");
    for dir in ["info", "updates", "triggers"] {
        std::fs::create_dir_all(admin.join(dir))?;
    }
    for file in ["status", "available"] {
        std::fs::write(admin.join(file), "")?;
    }
    let root_arg = format!("--root={}", root.display());
    // The libraries it depends on are the machine's, not the throwaway root's.
    crate::cmd("dpkg", &[&root_arg, "--force-depends", "--force-not-root", "--force-script-chrootless", "-i"])
        .arg(&deb)
        .status_ok()?;
    let status = crate::output_of("dpkg", &[&root_arg, "--status", DEB_PACKAGE]).unwrap_or_default();
    if !status.contains("Status: install ok installed") {
        bail!("dpkg did not record {DEB_PACKAGE} as installed:\n{status}");
    }
    let mut version = String::new();
    for program in LINUX_PROGRAMS {
        let binary = root.join("usr/bin").join(program);
        version = crate::output_of(&binary.to_string_lossy(), &["--version"])
            .with_context(|| format!("{} --version failed", binary.display()))?;
    }
    let desktop = std::fs::read_to_string(root.join(format!("usr/share/applications/{DEB_PACKAGE}.desktop")))
        .context("no menu entry installed")?;
    if !desktop.lines().any(|l| l == "Name=Thân Thiện") {
        bail!("the menu entry does not say Thân Thiện:\n{desktop}");
    }
    println!(
        "xtask: {} installs with dpkg as {DEB_PACKAGE}; both installed programs say {}",
        deb.display(),
        version.trim()
    );
    std::fs::remove_dir_all(&root)?;
    Ok(())
}
