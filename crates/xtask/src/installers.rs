//! The installers' sizes in BENCHMARKS.md, the Windows installer beside the .deb: written by
//! `cargo xtask dist` after each build (where they are made) and kept by `cargo xtask bench`.

use anyhow::Result;
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
        row("Linux (.deb)", newest(&target.join("release/bundle/deb"), ".deb"), "baseline"),
        row("Windows (NSIS, per machine)", windows.exists().then_some(windows), &format!("< {WINDOWS_GOAL_MB} MB")),
    ))
}

/// Replaces the section in BENCHMARKS.md (or adds it), leaving every other section as it is.
pub fn record(root: &Path) -> Result<()> {
    let path = root.join("BENCHMARKS.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let section = section(root)?;
    let updated = match text.find(HEADING) {
        Some(start) => {
            let end = text[start + HEADING.len()..].find("\n## ").map_or(text.len(), |i| start + HEADING.len() + i + 1);
            format!("{}{section}\n\n{}", &text[..start], text[end..].trim_start())
        }
        None => format!("{}\n\n{section}\n", text.trim_end()),
    };
    std::fs::write(&path, format!("{}\n", updated.trim_end()))?;
    println!("{section}");
    Ok(())
}
