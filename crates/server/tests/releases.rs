//! App releases on the real server: publishing checks the signature against the server's key
//! (here the test-only key of tests/keys, which debug builds take from
//! `THANTHIEN_UPDATE_PUBLIC_KEY`), a version is published once, a PC is offered the newest release
//! for its platform and downloads its file with its device token only, and the console shows
//! which versions the PCs run.

mod common;

use sqlx::PgPool;
use thanthien_core::update::{Platform, Releases, UpdateOffer};
use thanthien_core::wire::{DeviceReport, PROTOCOL_HEADER, PROTOCOL_VERSION};
use thanthien_province::updates::{publish, NewRelease};

fn keys() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/keys")
}

/// The sample the test key signed: `ban cap nhat\n` as 0.2.0 for Windows (see tests/keys).
fn sample<'a>(version: &'a str, signature: &'a str) -> NewRelease<'a> {
    NewRelease {
        version,
        platform: Platform::WindowsX86_64,
        file_name: "ThanThien-0.2.0-setup.exe",
        file: b"ban cap nhat\n",
        signature,
        notes: "  Sửa lỗi in phiếu hẹn.\u{7}  ",
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn a_signed_release_is_published_once_offered_to_pcs_and_its_adoption_shown(pool: PgPool) {
    std::env::set_var("THANTHIEN_UPDATE_PUBLIC_KEY", std::fs::read_to_string(keys().join("update-test.pub")).unwrap());
    let signature = std::fs::read_to_string(keys().join("sample.minisig")).unwrap();
    let server = common::start(pool.clone()).await;
    server.commune("26734").await;

    // Refused before anything is kept: another version than the signature names, a signature
    // that does not read, a changed file.
    let wrong_version = publish(&pool, sample("0.3.0", &signature), None).await.unwrap_err();
    assert!(wrong_version.to_string().contains("thanthien 0.3.0 windows-x86_64"), "{wrong_version}");
    assert!(publish(&pool, sample("0.2.0", "chữ ký"), None).await.is_err());
    let changed = NewRelease { file: b"ban cap nhat!\n", ..sample("0.2.0", &signature) };
    assert!(publish(&pool, changed, None).await.unwrap_err().to_string().contains("không khớp chữ ký"));
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM app_release").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 0);

    let published = publish(&pool, sample("0.2.0", &signature), Some("cli:so-noi-vu")).await.unwrap();
    assert_eq!((published.size, published.notes.as_str()), (13, "Sửa lỗi in phiếu hẹn."));
    let again = publish(&pool, sample("0.2.0", &signature), None).await.unwrap_err();
    assert!(again.to_string().contains("đã được phát hành"), "{again}");

    // A PC asks with its token; without one it is refused.
    let (_, token) = server.device("26734").await;
    let get = |path: &str, token: Option<&str>| {
        let mut request = server.http.get(format!("{}{path}", server.base)).header(PROTOCOL_HEADER, PROTOCOL_VERSION);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(get("/v1/update?platform=windows-x86_64", None).await.unwrap().status(), 401);
    let offer: UpdateOffer =
        get("/v1/update?platform=windows-x86_64", Some(&token)).await.unwrap().json().await.unwrap();
    assert_eq!(offer.release.as_ref().map(|r| r.version.as_str()), Some("0.2.0"));
    assert_eq!(offer.release.unwrap().signature, signature.trim());
    let linux: UpdateOffer = get("/v1/update?platform=linux-x86_64", Some(&token)).await.unwrap().json().await.unwrap();
    assert_eq!(linux.release, None, "nothing for another platform");
    assert_eq!(get("/v1/update?platform=macos", Some(&token)).await.unwrap().status(), 400);
    let file = get("/v1/update/file?platform=windows-x86_64&version=0.2.0", Some(&token)).await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"ban cap nhat\n");
    assert_eq!(get("/v1/update/file?platform=windows-x86_64&version=0.2.0", None).await.unwrap().status(), 401);
    assert_eq!(get("/v1/update/file?platform=windows-x86_64&version=9.9.9", Some(&token)).await.unwrap().status(), 404);

    // The PC reports its version when it syncs: the console shows who runs what.
    let report = DeviceReport { app_version: "0.1.0".into(), pending: 0, mailbox_read_at: None };
    let sent = server
        .http
        .post(format!("{}/v1/sync/report", server.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(&token)
        .json(&report)
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    server.device("26734").await;
    let password = server.account("xem", "province-viewer").await;
    let (cookie, _) = server.sign_in("xem", &password).await;
    let adoption: Releases = server
        .http
        .get(format!("{}/v1/console/releases", server.base))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(adoption.releases.len(), 1);
    assert_eq!(adoption.in_use.len(), 1);
    assert_eq!((adoption.in_use[0].version.as_str(), adoption.in_use[0].devices), ("0.1.0", 1));
    assert_eq!(adoption.unreported, 1, "the second PC has not reported yet");
}
