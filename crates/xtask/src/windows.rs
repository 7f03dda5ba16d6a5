//! `cargo xtask dist --windows`: the desk app (window and command line, one `thanthien.exe`) and
//! the province server cross-compiled for 64-bit Windows with Debian's mingw-w64 (the MSVC route
//! needs Microsoft's SDK, which cannot be downloaded here), and the app packed into an installer
//! by Debian's makensis with the project's own script (src-tauri/windows/installer.nsi).

use crate::{cmd, target_dir};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// Where the Windows build lands: both .exe, WebView2Loader.dll beside the app, and the installer.
pub fn out_dir() -> Result<PathBuf> {
    Ok(target_dir()?.join("windows"))
}

/// The installer's file name (ASCII, so it survives any download server or USB stick).
pub fn installer_name(version: &str) -> String {
    format!("ThanThien-{version}-setup.exe")
}

pub fn dist(root: &Path) -> Result<()> {
    cmd(
        &crate::cargo(),
        &[
            "build",
            "--release",
            "--target",
            TARGET,
            "--package",
            "thanthien",
            "--package",
            "thanthien-province",
            "--bin",
            "thanthien",
            "--bin",
            "thanthien-province",
        ],
    )
    .status_ok()?;
    let release = target_dir()?.join(TARGET).join("release");
    let out = out_dir()?;
    std::fs::create_dir_all(&out)?;
    for exe in ["thanthien.exe", "thanthien-province.exe"] {
        std::fs::copy(release.join(exe), out.join(exe)).with_context(|| format!("copy {exe}"))?;
    }
    // The window loads WebView2 through Microsoft's loader DLL, imported by name: it ships beside
    // the .exe (webview2-com-sys carries it; its build script copies it into its out folder).
    std::fs::copy(webview2_loader(&release)?, out.join("WebView2Loader.dll")).context("copy WebView2Loader.dll")?;
    let version = crate::app_version(root)?;
    let installer = out.join(installer_name(&version));
    let define = |name: &str, value: &Path| format!("-D{name}={}", value.display());
    cmd(
        "makensis",
        &[
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            &format!("-DVERSION={version}"),
            &define("BIN_DIR", &out),
            &define("ICON", &root.join("icons/icon.ico")),
            &define("OUTFILE", &installer),
        ],
    )
    .arg(root.join("src-tauri/windows/installer.nsi"))
    .status_ok()?;
    eprintln!("xtask: Windows build in {}", out.display());
    Ok(())
}

/// The newest WebView2Loader.dll for x64 among webview2-com-sys's build outputs.
fn webview2_loader(release: &Path) -> Result<PathBuf> {
    let builds = std::fs::read_dir(release.join("build"))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("webview2-com-sys-"))
        .map(|e| e.path().join("out/x64/WebView2Loader.dll"));
    crate::newest_file(builds).context("no WebView2Loader.dll in webview2-com-sys's build output")
}
