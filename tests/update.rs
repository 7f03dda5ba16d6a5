//! Updates delivered by the province, on Linux: an older build of the app (this build's two
//! programs, copied to a folder of their own as an install would be) finds a newer release on a test province server,
//! checks its signature, installs it and runs as the new version on the same data; a file with a
//! flipped byte and a file signed with another key are each refused, the server refuses to
//! publish a wrong signature, and a PC that is offline keeps working on its version.
//!
//! The newer build is this same app built as the next version and packed as its Linux release
//! (both programs in one tar.gz) by `cargo xtask test` (`THANTHIEN_UPDATE_NEXT`,
//! `THANTHIEN_UPDATE_NEXT_VERSION`), which runs this test after it;
//! it is ignored in the plain run. Releases are signed with the test-only key in tests/keys, which
//! debug builds take in place of the built-in one (`THANTHIEN_UPDATE_PUBLIC_KEY`).

mod common;

use common::{Province, Run};
use sqlx::PgPool;
use std::path::{Path, PathBuf};
use thanthien_core::update::{trusted_comment, Platform};
use thanthien_province::updates::{publish, NewRelease};

/// The app at `exe` on the data folder `data` (see `common::desk_cli`).
async fn run(exe: &Path, data: &Path, args: &[&str]) -> Run {
    common::desk_cli(exe, data, args).await
}

fn keys() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys")
}

/// `file` signed by minisign (Debian's) with `key`, for `version` on Linux.
fn sign(key: &Path, file: &Path, version: &str) -> String {
    let signature = file.with_extension("minisig");
    let out = std::process::Command::new("minisign")
        .args(["-S", "-s"])
        .arg(key)
        .arg("-m")
        .arg(file)
        .arg("-x")
        .arg(&signature)
        .args(["-t", &trusted_comment(version, Platform::LinuxX86_64)])
        .output()
        .unwrap();
    assert!(out.status.success(), "minisign: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::read_to_string(signature).unwrap()
}

/// The release as the province hands it in.
fn release<'a>(version: &'a str, file: &'a [u8], signature: &'a str) -> NewRelease<'a> {
    NewRelease {
        version,
        platform: Platform::LinuxX86_64,
        file_name: "thanthien-linux-x86_64.tar.gz",
        file,
        signature,
        notes: "Sửa lỗi in phiếu hẹn.",
    }
}

/// A release put straight into the server's table, as a compromised server or a disk fault
/// would hold it (the server itself refuses to publish it).
async fn plant(pool: &PgPool, version: &str, file: &[u8], signature: &str) {
    sqlx::query("DELETE FROM app_release").execute(pool).await.unwrap();
    sqlx::query(
        "INSERT INTO app_release (platform, version, file_name, file, signature, notes) VALUES ('linux-x86_64', $1, 'thanthien', $2, $3, '')",
    )
    .bind(version)
    .bind(file)
    .bind(signature)
    .execute(pool)
    .await
    .unwrap();
}

#[ignore = "needs the next version's build: cargo xtask test makes it and runs this test"]
#[sqlx::test(migrations = "crates/server/migrations")]
async fn an_older_build_installs_a_signed_newer_release_and_refuses_a_tampered_one(pool: PgPool) {
    let next =
        PathBuf::from(std::env::var_os("THANTHIEN_UPDATE_NEXT").expect("THANTHIEN_UPDATE_NEXT (cargo xtask test)"));
    let next_version = std::env::var("THANTHIEN_UPDATE_NEXT_VERSION").expect("THANTHIEN_UPDATE_NEXT_VERSION");
    let test_key = std::fs::read_to_string(keys().join("update-test.pub")).unwrap();
    // Before any task starts: the server in this process and the apps it starts check with it.
    std::env::set_var("THANTHIEN_UPDATE_PUBLIC_KEY", &test_key);

    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let url = format!("http://{}", province.addr);
    let (install, data, scratch) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let app = install.path().join("thanthien");
    std::fs::copy(env!("CARGO_BIN_EXE_thanthien"), &app).unwrap();
    let desk = install.path().join("thanthien-desk");
    std::fs::copy(env!("CARGO_BIN_EXE_thanthien-desk"), &desk).unwrap();
    let running = run(&app, data.path(), &["--version"]).await.stdout.trim().to_owned();
    assert_eq!(running, format!("thanthien {}", env!("CARGO_PKG_VERSION")));
    assert!(thanthien_core::update::is_newer(&next_version, env!("CARGO_PKG_VERSION")));

    let code = common::code_for(&pool, "26734").await;
    assert!(run(&app, data.path(), &["enroll", "--server", &url, "--code", &code]).await.ok);
    let visit = run(&app, data.path(), &["visit", "add", "--name", "Đặng Thị Thu"]).await;
    assert!(visit.ok, "{}", visit.stderr);
    let none = run(&app, data.path(), &["update"]).await;
    assert!(none.ok && none.stdout.contains("Đang dùng bản mới nhất"), "{}{}", none.stdout, none.stderr);

    let file = scratch.path().join("thanthien.tar.gz");
    std::fs::copy(&next, &file).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let signature = sign(&keys().join("update-test.key"), &file, &next_version);

    // Signed with another key: the server refuses to publish it, and a PC handed it refuses it.
    let other = scratch.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let made = std::process::Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(other.join("k.pub"))
        .arg("-s")
        .arg(other.join("k.key"))
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let foreign = sign(&other.join("k.key"), &file, &next_version);
    let refused = publish(&pool, release(&next_version, &bytes, &foreign), Some("cli:test")).await.unwrap_err();
    assert!(refused.to_string().contains("chữ ký"), "{refused}");
    plant(&pool, &next_version, &bytes, &foreign).await;
    let install_foreign = run(&app, data.path(), &["update", "--install"]).await;
    assert!(!install_foreign.ok);
    assert!(install_foreign.stderr.contains("Tệp không khớp chữ ký của tỉnh"), "{}", install_foreign.stderr);

    // The right signature over a file with one byte flipped on the server: refused too.
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    plant(&pool, &next_version, &flipped, &signature).await;
    let install_flipped = run(&app, data.path(), &["update", "--install"]).await;
    assert!(!install_flipped.ok);
    assert!(install_flipped.stderr.contains("Tệp không khớp chữ ký của tỉnh"), "{}", install_flipped.stderr);
    assert_eq!(run(&app, data.path(), &["--version"]).await.stdout.trim(), running, "nothing was installed");
    assert_eq!(std::fs::read_dir(install.path()).unwrap().count(), 2, "no file left beside the app");

    // Published properly: the PC sees it on its sync round, installs it, and runs as the new
    // version on the same data.
    sqlx::query("DELETE FROM app_release").execute(&pool).await.unwrap();
    let published = publish(&pool, release(&next_version, &bytes, &signature), Some("cli:test")).await.unwrap();
    assert_eq!(published.size, bytes.len() as u64);
    let sync = run(&app, data.path(), &["sync"]).await;
    assert!(sync.ok, "{}", sync.stderr);
    assert!(sync.stdout.contains(&format!("Có bản cập nhật {next_version}")), "{}", sync.stdout);
    let offered = run(&app, data.path(), &["update"]).await;
    assert!(offered.stdout.contains("Sửa lỗi in phiếu hẹn."), "{}", offered.stdout);
    let installed = run(&app, data.path(), &["update", "--install"]).await;
    assert!(installed.ok, "{}{}", installed.stdout, installed.stderr);
    assert!(installed.stdout.contains(&format!("chạy lại: thanthien {next_version}")), "{}", installed.stdout);
    assert_eq!(run(&app, data.path(), &["--version"]).await.stdout.trim(), format!("thanthien {next_version}"));
    let published = thanthien::update::programs_in(&bytes).unwrap();
    assert_eq!(
        published[0],
        ("thanthien".to_owned(), std::fs::read(&app).unwrap()),
        "the command line is the published one"
    );
    assert_eq!(published[1], ("thanthien-desk".to_owned(), std::fs::read(&desk).unwrap()), "so is the window");
    assert_eq!(run(&desk, data.path(), &["--version"]).await.stdout.trim(), format!("thanthien {next_version}"));
    assert_eq!(std::fs::read_dir(install.path()).unwrap().count(), 2, "no file left beside the app");
    let listed = run(&app, data.path(), &["visit", "list"]).await;
    assert!(listed.ok && listed.stdout.contains("Đặng Thị Thu"), "the data is intact: {}", listed.stdout);

    // The new version reports itself on its next round: the province sees the adoption.
    assert!(run(&app, data.path(), &["sync"]).await.ok);
    let adoption = thanthien_province::updates::adoption(&pool).await.unwrap();
    assert_eq!(adoption.releases.len(), 1);
    let on_next = adoption.in_use.iter().find(|v| v.version == next_version).expect("the new version in use");
    assert_eq!((on_next.devices, on_next.communes), (1, 1));

    // Offline: the PC says so and keeps working on its version.
    province.stop();
    let offline = run(&app, data.path(), &["update"]).await;
    assert!(!offline.ok && offline.stderr.contains("Không kết nối được máy chủ tỉnh"), "{}", offline.stderr);
    assert!(run(&app, data.path(), &["visit", "add", "--name", "Lý Văn Phúc"]).await.ok);
}
