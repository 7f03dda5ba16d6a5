//! Installing an update the province offers: the file is downloaded with the device token, its
//! minisign signature checked against the key built into the app (a tampered file, a wrong key or
//! a signature over another version is refused and said, and nothing is installed), then
//! installed the platform's way: on Windows the NSIS installer runs silently and starts the app
//! again; on Linux the new binary is tried (`--version`) and then put in place of the running one
//! in one rename. A PC that is offline keeps working on its version.

use crate::store::Store;
use crate::sync::{Client, SyncError};
use std::path::PathBuf;
use thanthien_core::update::{self, AppRelease, Platform, UpdateError};

/// How an installed update takes over.
#[derive(Debug)]
pub enum Installed {
    /// The Windows installer runs now; the app quits so it can replace the program, and the
    /// installer starts it again.
    InstallerStarted,
    /// The binary at this path is the new version; starting it again runs the new version.
    Replaced(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    #[error("Không có bản cập nhật nào mới hơn bản đang dùng.")]
    NothingNewer,
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("{0}")]
    Refused(#[from] UpdateError),
    #[error("Không ghi được bản cập nhật vào {path}: cần quyền quản trị của máy. Bản đang dùng vẫn chạy bình thường.")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("Bản cập nhật không chạy được trên máy này; đã giữ nguyên bản đang dùng. ({0})")]
    Broken(String),
}

impl From<InstallError> for thanthien_core::ipc::CommandError {
    fn from(e: InstallError) -> Self {
        match e {
            InstallError::Sync(e) => e.into(),
            e => {
                tracing::warn!(error = ?e, "update not installed");
                thanthien_core::ipc::CommandError::new(thanthien_core::ipc::ErrorKind::Refused, e.to_string())
            }
        }
    }
}

/// Downloads, checks and installs `release`. Checked before anything is written where the app
/// lives: the platform, that it is newer, and its signature over this version for this platform.
pub async fn install(client: &Client, store: &Store, release: &AppRelease) -> Result<Installed, InstallError> {
    if !update::installable(release, crate::version()) {
        return Err(InstallError::NothingNewer);
    }
    let platform = release.platform;
    let file = client.update_file(store, release).await?;
    if let Err(e) = update::verify(&update::key_in_force(), &file, &release.signature, &release.version, platform) {
        tracing::warn!(version = %release.version, error = %e, "update refused");
        return Err(e.into());
    }
    tracing::info!(version = %release.version, bytes = file.len(), "update verified");
    match platform {
        Platform::WindowsX86_64 => run_installer(&file, &release.version),
        Platform::LinuxX86_64 => replace_binary(&file, &release.version),
    }
}

/// Saves the installer to the temp folder and starts it silently; `/RESTART` has it start the
/// app when done (see src-tauri/windows/installer.nsi).
fn run_installer(file: &[u8], version: &str) -> Result<Installed, InstallError> {
    let path = std::env::temp_dir().join(format!("ThanThien-{version}-setup.exe"));
    std::fs::write(&path, file).map_err(|source| InstallError::Write { path: path.clone(), source })?;
    std::process::Command::new(&path)
        .args(["/S", "/RESTART"])
        .spawn()
        .map_err(|source| InstallError::Write { path, source })?;
    Ok(Installed::InstallerStarted)
}

/// Puts the new binary beside the running one, checks that it runs and says the version it was
/// published as, then renames it over the running one (the running process keeps its own copy
/// until it ends).
fn replace_binary(file: &[u8], version: &str) -> Result<Installed, InstallError> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|source| InstallError::Write { path: PathBuf::from("thanthien"), source })?;
    let name = exe.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "thanthien".into());
    let staged = exe.with_file_name(format!(".{name}.{version}.new"));
    let write = |source| InstallError::Write { path: exe.clone(), source };
    std::fs::write(&staged, file).map_err(write)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755)).map_err(write)?;
    }
    let tried = std::process::Command::new(&staged).arg("--version").env_remove("DISPLAY").output();
    let says = match &tried {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Ok(out) => format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim()),
        Err(e) => e.to_string(),
    };
    if says != format!("thanthien {version}") {
        let _ = std::fs::remove_file(&staged);
        return Err(InstallError::Broken(says.chars().take(200).collect()));
    }
    std::fs::rename(&staged, &exe).map_err(|source| {
        let _ = std::fs::remove_file(&staged);
        write(source)
    })?;
    Ok(Installed::Replaced(exe))
}
