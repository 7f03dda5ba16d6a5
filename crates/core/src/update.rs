//! App updates the province delivers: which platform a build is for, whether an offered release is
//! newer than the running one, and whether its file carries the project's minisign signature over
//! exactly this version for exactly this platform. The PC checks it before installing anything;
//! the server checks it when the province publishes, so a wrong file is refused at the desk of the
//! person who made the mistake. The signing key never leaves the province's own PC.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The public half of the key releases are signed with (minisign), built into every app and
/// server. A province that signs with its own key puts its public key in this file and rebuilds.
pub const BUILT_IN_KEY: &str = include_str!("update.pub");

/// Which build a release file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Platform {
    /// The NSIS installer (`ThanThien-<version>-setup.exe`), run silently.
    #[serde(rename = "windows-x86_64")]
    WindowsX86_64,
    /// The app's own binary, put in place of the running one.
    #[serde(rename = "linux-x86_64")]
    LinuxX86_64,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::WindowsX86_64, Platform::LinuxX86_64];

    pub fn wire(self) -> &'static str {
        match self {
            Platform::WindowsX86_64 => "windows-x86_64",
            Platform::LinuxX86_64 => "linux-x86_64",
        }
    }

    pub fn parse(text: &str) -> Result<Platform, UpdateError> {
        Platform::ALL.into_iter().find(|p| p.wire() == text.trim()).ok_or(UpdateError::PlatformUnknown)
    }

    /// The platform this build runs on, if releases exist for it.
    pub fn current() -> Option<Platform> {
        match (std::env::consts::OS, std::env::consts::ARCH) {
            ("windows", "x86_64") => Some(Platform::WindowsX86_64),
            ("linux", "x86_64") => Some(Platform::LinuxX86_64),
            _ => None,
        }
    }
}

/// A release as the province published it, as a PC is told of it (the file comes apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppRelease {
    pub version: String,
    pub platform: Platform,
    /// What changed, in the province's words, shown to the office before it installs.
    pub notes: String,
    /// The file's size in bytes.
    pub size: u64,
    /// The minisign signature file (`.minisig`) as published.
    pub signature: String,
    pub published_at: DateTime<Utc>,
}

/// The server's answer to a PC asking what it may install: the newest release for its platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOffer {
    pub release: Option<AppRelease>,
}

/// A version the province's PCs run, from what each reported on its last sync round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInUse {
    pub version: String,
    /// PCs (not revoked) whose last report named this version.
    pub devices: u32,
    pub communes: u32,
}

/// The province's releases, newest first, and which versions its PCs run (the adoption).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Releases {
    pub releases: Vec<AppRelease>,
    pub in_use: Vec<VersionInUse>,
    /// PCs that have not reported a version yet.
    pub unreported: u32,
}

/// The newest of `releases` by version order (unreadable versions never win).
pub fn newest(releases: Vec<AppRelease>) -> Option<AppRelease> {
    releases.into_iter().filter(|r| version(&r.version).is_ok()).max_by(|a, b| version_order(&a.version, &b.version))
}

/// Versions in semver order (a pre-release before its release, build metadata ignored); one
/// that does not read as a version comes before every one that does, and among themselves such
/// texts keep their alphabetical order.
pub fn version_order(a: &str, b: &str) -> Ordering {
    match (version(a), version(b)) {
        (Ok(a), Ok(b)) => a.cmp_precedence(&b),
        (Ok(_), Err(_)) => Ordering::Greater,
        (Err(_), Ok(_)) => Ordering::Less,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// What a PC may install: a release for the platform it runs on, newer than `running`.
pub fn installable(release: &AppRelease, running: &str) -> bool {
    Platform::current() == Some(release.platform) && is_newer(&release.version, running)
}

/// The key releases are checked with: the built-in one. A debug build (the tests) takes
/// `THANTHIEN_UPDATE_PUBLIC_KEY` in its place, so a test can sign with a key of its own; a release
/// build never reads it.
pub fn key_in_force() -> String {
    #[cfg(debug_assertions)]
    if let Some(key) = std::env::var("THANTHIEN_UPDATE_PUBLIC_KEY").ok().filter(|k| !k.trim().is_empty()) {
        return key;
    }
    BUILT_IN_KEY.to_owned()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("Phiên bản {0:?} không hợp lệ (dạng 1.2.3).")]
    VersionInvalid(String),
    #[error("Nền tảng không hợp lệ: windows-x86_64 hoặc linux-x86_64.")]
    PlatformUnknown,
    #[error("Chữ ký không đọc được (cần tệp .minisig do minisign tạo).")]
    SignatureUnreadable,
    #[error("Khóa công khai để kiểm chữ ký không đọc được.")]
    KeyUnreadable,
    #[error("Tệp không khớp chữ ký của tỉnh: tệp đã bị sửa hoặc được ký bằng khóa khác. Không cài.")]
    SignatureMismatch,
    #[error(
        "Chữ ký không dành cho bản này: lời chú tin cậy phải là \"{expected}\" (ký bằng minisign -t \"{expected}\")."
    )]
    WrongRelease { expected: String },
    #[error("Ghi chú bản cập nhật quá dài (tối đa {max} ký tự).")]
    NotesTooLong { max: usize },
}

/// The longest release notes (they are read on the PC's screen before installing).
pub const NOTES_MAX: usize = 4000;

/// A version as semver reads it ("0.1.0", "1.2.0-rc.1").
pub fn version(text: &str) -> Result<semver::Version, UpdateError> {
    semver::Version::parse(text.trim()).map_err(|_| UpdateError::VersionInvalid(text.chars().take(40).collect()))
}

/// Whether `offered` is newer than `running` (semver order; a pre-release before its release).
/// An unreadable version is never newer.
pub fn is_newer(offered: &str, running: &str) -> bool {
    version(offered).is_ok() && version(running).is_ok() && version_order(offered, running) == Ordering::Greater
}

/// The trusted comment a release's signature must carry: it binds the signature to one version
/// for one platform, so a signed older file cannot be offered as a newer one, nor the Windows
/// installer to a Linux PC.
pub fn trusted_comment(version: &str, platform: Platform) -> String {
    format!("thanthien {} {}", version.trim(), platform.wire())
}

/// Checks that `file` is what the key's holder signed as `version` for `platform`.
pub fn verify(
    public_key: &str,
    file: &[u8],
    signature: &str,
    version: &str,
    platform: Platform,
) -> Result<(), UpdateError> {
    let key = public_key_of(public_key)?;
    let signature =
        minisign_verify::Signature::decode(signature.trim()).map_err(|_| UpdateError::SignatureUnreadable)?;
    key.verify(file, &signature, false).map_err(|_| UpdateError::SignatureMismatch)?;
    // Only now is the comment the signer's own statement (the signature covers it too): a forged
    // file is refused as such, whatever its comment claims.
    let expected = trusted_comment(version, platform);
    if signature.trusted_comment().trim() != expected {
        return Err(UpdateError::WrongRelease { expected });
    }
    Ok(())
}

/// A minisign public key: the bare base64 line, or the .pub file with its comment line.
fn public_key_of(text: &str) -> Result<minisign_verify::PublicKey, UpdateError> {
    let line = text.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or_default();
    minisign_verify::PublicKey::from_base64(line).map_err(|_| UpdateError::KeyUnreadable)
}

/// The notes as kept: trimmed, within their length, no control characters but line ends.
pub fn notes(text: &str) -> Result<String, UpdateError> {
    let text: String = text.trim().chars().filter(|c| !c.is_control() || *c == '\n').collect();
    if text.chars().count() > NOTES_MAX {
        return Err(UpdateError::NotesTooLong { max: NOTES_MAX });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A key pair made for these tests alone (tests/keys), and a signature it made with
    // `minisign -S -t "thanthien 0.2.0 windows-x86_64"` over the bytes "ban cap nhat\n".
    const TEST_KEY: &str = include_str!("../../../tests/keys/update-test.pub");
    const FILE: &[u8] = b"ban cap nhat\n";
    const SIGNATURE: &str = include_str!("../../../tests/keys/sample.minisig");

    #[test]
    fn a_signed_release_verifies_and_any_change_is_refused() {
        assert_eq!(verify(TEST_KEY, FILE, SIGNATURE, "0.2.0", Platform::WindowsX86_64), Ok(()));
        let mut flipped = FILE.to_vec();
        flipped[3] ^= 1;
        assert_eq!(
            verify(TEST_KEY, &flipped, SIGNATURE, "0.2.0", Platform::WindowsX86_64),
            Err(UpdateError::SignatureMismatch)
        );
        assert_eq!(
            verify(BUILT_IN_KEY, FILE, SIGNATURE, "0.2.0", Platform::WindowsX86_64),
            Err(UpdateError::SignatureMismatch),
            "another key's signature"
        );
        assert_eq!(
            verify(TEST_KEY, FILE, "chữ ký", "0.2.0", Platform::WindowsX86_64),
            Err(UpdateError::SignatureUnreadable)
        );
    }

    #[test]
    fn a_signature_binds_its_version_and_platform() {
        for (version, platform) in [("0.3.0", Platform::WindowsX86_64), ("0.2.0", Platform::LinuxX86_64)] {
            assert_eq!(
                verify(TEST_KEY, FILE, SIGNATURE, version, platform),
                Err(UpdateError::WrongRelease { expected: trusted_comment(version, platform) })
            );
        }
    }

    #[test]
    fn newer_follows_semver_and_unreadable_is_never_newer() {
        assert!(is_newer("0.1.1", "0.1.0"));
        assert!(is_newer("0.10.0", "0.9.9"), "numbers, not text");
        assert!(is_newer("1.0.0", "1.0.0-rc.1"), "a release after its pre-release");
        assert!(!is_newer("0.1.0", "0.1.0"));
        assert!(!is_newer("0.1.0", "0.2.0"));
        assert!(!is_newer("0.1.0+build.2", "0.1.0+build.1"), "build metadata does not order");
        assert!(!is_newer("mới nhất", "0.1.0"));
        assert!(version(" 0.2.0 ").is_ok());
    }

    #[test]
    fn the_newest_release_is_by_version_order() {
        let release = |version: &str| AppRelease {
            version: version.into(),
            platform: Platform::WindowsX86_64,
            notes: String::new(),
            size: 1,
            signature: String::new(),
            published_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let offered = newest(vec![release("0.9.0"), release("0.10.0"), release("bản mới"), release("0.10.0-rc.1")]);
        assert_eq!(offered.map(|r| r.version).as_deref(), Some("0.10.0"));
        assert_eq!(newest(vec![release("bản mới")]), None);
        let mut in_use = vec!["0.9.0", "?", "0.10.0", "0.10.0-rc.1"];
        in_use.sort_by(|a, b| version_order(b, a));
        assert_eq!(in_use, ["0.10.0", "0.10.0-rc.1", "0.9.0", "?"], "newest first, unreadable last");
    }

    #[test]
    fn platforms_and_notes() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.wire()), Ok(p));
        }
        assert_eq!(Platform::parse("macos"), Err(UpdateError::PlatformUnknown));
        assert_eq!(notes("  Sửa lỗi in phiếu.\u{7}\n  ").as_deref(), Ok("Sửa lỗi in phiếu."));
        assert!(notes(&"a".repeat(NOTES_MAX + 1)).is_err());
    }

    #[test]
    fn the_built_in_key_reads() {
        assert!(public_key_of(BUILT_IN_KEY).is_ok());
        assert!(public_key_of(TEST_KEY).is_ok());
    }
}
