//! Installing an update the province offers: the file is downloaded with the device token, its
//! minisign signature checked against the key built into the app (a tampered file, a wrong key or
//! a signature over another version is refused and said, and nothing is installed), then
//! installed the platform's way: on Windows the NSIS installer runs silently and starts the app
//! again; on Linux the release's two programs are unpacked, each tried (`--version`), and each put
//! in place of the one installed in one rename. A PC that is offline keeps working on its version.

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
    /// The program at this path (the running one) is the new version, and so is the other one
    /// beside it; starting it again runs the new version.
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

/// The programs a Linux release carries, in one gzipped tar (`cargo xtask dist` makes it), so that
/// the command line and the window are always the same version.
pub const LINUX_PROGRAMS: [&str; 2] = ["thanthien", crate::DESK_PROGRAM];

/// Puts the release's programs beside the running one, checks that each runs and says the version
/// it was published as, then renames each over the one in place (a running process keeps its own
/// copy until it ends): the window first, then the command line that starts it.
fn replace_binary(file: &[u8], version: &str) -> Result<Installed, InstallError> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|source| InstallError::Write { path: PathBuf::from("thanthien"), source })?;
    let programs = programs_in(file).map_err(InstallError::Broken)?;
    let mut staged = Vec::new();
    let tried = stage(&exe, &programs, version, &mut staged);
    let renamed = tried.and_then(|()| {
        for (path, name) in staged.iter().rev() {
            let target = exe.with_file_name(name);
            std::fs::rename(path, &target).map_err(|source| InstallError::Write { path: target, source })?;
        }
        Ok(())
    });
    if renamed.is_err() {
        for (path, _) in &staged {
            let _ = std::fs::remove_file(path);
        }
    }
    renamed.map(|()| Installed::Replaced(exe))
}

/// Writes each program beside `exe` under a hidden name and runs it with `--version`; `staged`
/// lists what was written, so the caller can take it away again.
fn stage(
    exe: &std::path::Path,
    programs: &[(String, Vec<u8>)],
    version: &str,
    staged: &mut Vec<(PathBuf, String)>,
) -> Result<(), InstallError> {
    for (name, bytes) in programs {
        let path = exe.with_file_name(format!(".{name}.{version}.new"));
        let write = |source| InstallError::Write { path: exe.to_path_buf(), source };
        staged.push((path.clone(), name.clone()));
        std::fs::write(&path, bytes).map_err(write)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).map_err(write)?;
        }
        let tried = std::process::Command::new(&path).arg("--version").env_remove("DISPLAY").output();
        let says = match &tried {
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            Ok(out) => format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim()),
            Err(e) => e.to_string(),
        };
        if says != format!("thanthien {version}") {
            return Err(InstallError::Broken(format!("{name}: {}", says.chars().take(200).collect::<String>())));
        }
    }
    Ok(())
}

/// The programs in a Linux release, in the order of `LINUX_PROGRAMS`; anything else in the file,
/// or either missing, is said (in the words shown to the office).
pub fn programs_in(file: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| format!("tệp không phải gói tar.gz của Thân Thiện: {e}");
    let mut found: Vec<(String, Vec<u8>)> = Vec::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        let path = entry.path().map_err(unreadable)?.into_owned();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if entry.header().entry_type().is_dir() {
            continue;
        }
        if !LINUX_PROGRAMS.contains(&name.as_str()) || !entry.header().entry_type().is_file() {
            return Err(format!("gói có tệp lạ: {}", path.display()));
        }
        if found.iter().any(|(seen, _)| *seen == name) {
            return Err(format!("gói có hai tệp {name}"));
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(unreadable)?;
        found.push((name, bytes));
    }
    LINUX_PROGRAMS
        .iter()
        .map(|name| {
            let at = found.iter().position(|(seen, _)| seen == name).ok_or_else(|| format!("gói thiếu tệp {name}"))?;
            Ok(found.swap_remove(at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o755);
            header.set_cksum();
            tar.append_data(&mut header, name, *bytes).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn a_linux_release_carries_both_programs_and_nothing_else() {
        let both = packed(&[("thanthien-desk", b"window"), ("./thanthien", b"commands")]);
        let programs = programs_in(&both).unwrap();
        assert_eq!(
            programs,
            vec![("thanthien".into(), b"commands".to_vec()), ("thanthien-desk".into(), b"window".to_vec())]
        );
        assert!(programs_in(&packed(&[("thanthien", b"x")])).unwrap_err().contains("thiếu tệp thanthien-desk"));
        let extra = packed(&[("thanthien", b"x"), ("thanthien-desk", b"y"), ("evil.sh", b"z")]);
        assert!(programs_in(&extra).unwrap_err().contains("tệp lạ"));
        let twice = packed(&[("thanthien", b"x"), ("bin/thanthien", b"y"), ("thanthien-desk", b"z")]);
        assert!(programs_in(&twice).unwrap_err().contains("hai tệp"));
        assert!(programs_in(b"ban cap nhat\n").unwrap_err().contains("không phải gói tar.gz"));
    }
}
