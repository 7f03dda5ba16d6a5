//! PCs that cannot be trusted, end to end with real stores and the real server: a clock far in
//! the future, a clock a little fast, a bad event in a desk's queue or in a pull page, and two
//! processes opening a new data folder at once.

mod common;

use chrono::{Duration, Utc};
use common::Province;
use sqlx::PgPool;
use std::collections::BTreeSet;
use thanthien::store::Store;
use thanthien::sync::Client;
use thanthien_core::official::OfficialInput;
use thanthien_core::visit::VisitInput;

async fn add(store: &Store, name: &str) {
    store.record_visit(VisitInput { name: name.into(), ..Default::default() }, store.now()).await.unwrap();
}

async fn names(store: &Store) -> BTreeSet<String> {
    store.all_visits().await.unwrap().into_iter().map(|v| v.name).collect()
}

fn official(title: &str) -> OfficialInput {
    OfficialInput { name: "Lê Thị Hoa".into(), title: title.into(), ..Default::default() }
}

/// The greatest clock a store holds, as a time.
async fn latest_clock(store: &Store) -> chrono::DateTime<Utc> {
    let wall = store.events().await.unwrap().iter().map(|e| e.hlc.wall_ms).max().unwrap_or(0);
    chrono::DateTime::from_timestamp_millis(wall as i64).unwrap()
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_pc_whose_clock_jumped_to_2099_is_refused_and_moves_no_one(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let client = Client::new();
    let (a, x) = (common::desk().await, common::desk().await);
    for desk in [&a, &x] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    }
    let hoa = a.store.list_official(None, official("Công chức một cửa")).await.unwrap();
    client.sync_once(&a.store).await.unwrap();
    client.sync_once(&x.store).await.unwrap();
    assert_eq!(x.store.officials().await.unwrap()[0].title, "Công chức một cửa");
    assert!(x.store.sync_status().await.unwrap().clock_warning.is_none());

    // After its last sync x's clock jumps to 2099: it cannot know yet, and stamps with it.
    let off = chrono::DateTime::parse_from_rfc3339("2099-01-01T08:00:00+07:00").unwrap().to_utc() - Utc::now();
    let broken = x.store.with_system_clock_off_by(off);
    broken.list_official(Some(hoa.id), official("Chủ tịch")).await.unwrap();
    add(&broken, "Khách năm 2099").await;
    let report = client.sync_once(&broken).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (0, 2), "{report:?}");
    let status = broken.sync_status().await.unwrap();
    let warning = status.clock_warning.unwrap_or_default();
    assert!(warning.starts_with("Đồng hồ máy sai: nhanh") && warning.contains("ngày"), "{warning}");
    // Having heard the server, x now writes the server's time, not 2099.
    add(&broken, "Khách sau khi biết giờ").await;
    assert!(latest_clock(&broken).await > Utc::now() + Duration::days(365), "its refused events stay in its log");
    let last = broken.events().await.unwrap().into_iter().max_by_key(|e| e.seq).unwrap();
    assert!(last.hlc.wall_ms as i64 >= (Utc::now() - Duration::minutes(1)).timestamp_millis());
    assert!((last.hlc.wall_ms as i64) < (Utc::now() + Duration::days(365)).timestamp_millis(), "{}", last.hlc);

    // a sees none of it: its field, its visits and its clock are as they were.
    client.sync_once(&a.store).await.unwrap();
    assert_eq!(a.store.officials().await.unwrap()[0].title, "Công chức một cửa");
    assert!(!names(&a.store).await.contains("Khách năm 2099"));
    assert!(latest_clock(&a.store).await < Utc::now() + Duration::minutes(5));
    add(&a.store, "Khách hôm nay").await;
    assert!(latest_clock(&a.store).await < Utc::now() + Duration::minutes(5), "a's clock is not dragged to 2099");
    let (stored_2099,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM event WHERE hlc > '4000000000000000'").fetch_one(&pool).await.unwrap();
    assert_eq!(stored_2099, 0);
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_pc_ten_minutes_fast_still_converges_with_the_others(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let client = Client::new();
    let a = common::desk().await;
    let f = common::desk().await;
    let fast = f.store.with_system_clock_off_by(Duration::minutes(10));
    client.enroll(&a.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    client.enroll(&fast, &url, &common::code_for(&pool, "A").await).await.unwrap();
    assert!(fast.sync_status().await.unwrap().clock_warning.unwrap_or_default().contains("nhanh 10 phút"));
    assert!(fast.now() < Utc::now() + Duration::minutes(1), "it writes the server's time");

    add(&fast, "Trần Văn Bình").await;
    let hoa = fast.list_official(None, official("Công chức một cửa")).await.unwrap();
    add(&a.store, "Nguyễn Thị Ánh").await;
    for store in [&fast, &a.store, &fast] {
        let report = client.sync_once(store).await.unwrap();
        assert_eq!(report.rejected, 0, "{report:?}");
    }
    // a edits what fast listed; the later edit wins on both, though fast's clock runs ahead.
    a.store.list_official(Some(hoa.id), official("Phó Chủ tịch")).await.unwrap();
    client.sync_once(&a.store).await.unwrap();
    client.sync_once(&fast).await.unwrap();
    assert_eq!(names(&a.store).await, names(&fast).await);
    assert_eq!(names(&a.store).await.len(), 2);
    assert_eq!(a.store.officials().await.unwrap(), fast.officials().await.unwrap());
    assert_eq!(fast.officials().await.unwrap()[0].title, "Phó Chủ tịch");
    for store in [&a.store, &fast] {
        let status = store.sync_status().await.unwrap();
        assert_eq!((status.pending, status.rejected), (0, 0));
    }
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_bad_event_in_a_queue_or_a_pull_page_stops_nothing_behind_it(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let client = Client::new();
    let (a, b) = (common::desk().await, common::desk().await);
    for desk in [&a, &b] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    }
    // a's queue: three visits, the second spoilt in its file (an older build, a disk fault).
    for name in ["Khách một", "Khách hai", "Khách ba"] {
        add(&a.store, name).await;
    }
    let file = sqlx::SqlitePool::connect_with(thanthien::store::cipher::options_for(a.store.path()).await.unwrap())
        .await
        .unwrap();
    sqlx::query("UPDATE event SET payload = json_set(payload, '$.admin', 1) WHERE seq = 2")
        .execute(&file)
        .await
        .unwrap();
    file.close().await;
    let report = client.sync_once(&a.store).await.unwrap();
    assert_eq!((report.pushed, report.rejected), (2, 1), "{report:?}");
    let status = a.store.sync_status().await.unwrap();
    assert_eq!((status.pending, status.rejected), (0, 1), "the queue is empty after the round");

    // A pull page with a bad event between good ones (stored by an older server).
    sqlx::query(
        "INSERT INTO event (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema)
         SELECT $1, commune_code, device_id, 99, hlc, entity, $2, kind, payload || '{\"admin\": true}', schema
         FROM event WHERE seq = 1",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(uuid::Uuid::now_v7())
    .execute(&pool)
    .await
    .unwrap();
    // And an event of a newer build (a kind this one does not know): not bad, kept for later.
    sqlx::query(
        "INSERT INTO event (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema)
         SELECT $1, commune_code, device_id, 100, hlc, entity, $2, 'visit.teleported', payload, schema
         FROM event WHERE seq = 1",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(uuid::Uuid::now_v7())
    .execute(&pool)
    .await
    .unwrap();
    add(&a.store, "Khách bốn").await;
    client.sync_once(&a.store).await.unwrap();
    let report = client.sync_once(&b.store).await.unwrap();
    assert_eq!(report.pulled, 4, "{report:?}");
    let kept = b.store.events().await.unwrap();
    assert!(kept.iter().any(|e| e.kind == "visit.teleported"), "a newer build's event stays in the log");
    assert_eq!(names(&b.store).await, BTreeSet::from(["Khách một", "Khách ba", "Khách bốn"].map(String::from)));
    let refused = b.store.pulled_quarantine().await.unwrap();
    assert_eq!(refused.len(), 1);
    assert!(refused[0].1.contains("admin"), "{refused:?}");
    let again = client.sync_once(&b.store).await.unwrap();
    assert_eq!(again.pulled, 0, "the cursor moved past it");
    province.stop();
}

/// The window and the command line started together on a new PC: both open the same fresh data
/// folder at the same moment, twenty times over.
#[tokio::test]
async fn two_processes_opening_a_new_data_folder_at_once_both_work() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let run = || {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_thanthien"))
                .arg("--data-dir")
                .arg(dir.path())
                .args(["visit", "list", "--json"])
                .env_remove("DISPLAY")
                .output()
        };
        let (one, two) = tokio::join!(run(), run());
        for out in [one.unwrap(), two.unwrap()] {
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
        }
    }
}
