//! Sync end to end: real desk stores, the real client engine, the real server on loopback over a
//! real PostgreSQL, through a proxy that cuts the line.

mod common;

use chrono::Utc;
use common::{Mode, Province, Proxy};
use sqlx::PgPool;
use std::collections::BTreeSet;
use thanthien::store::Store;
use thanthien::sync::{Client, SyncError};
use thanthien_core::visit::{FinishInput, VisitInput};

async fn add(store: &Store, name: &str) {
    store.record_visit(VisitInput { name: name.into(), ..Default::default() }, Utc::now()).await.unwrap();
}

async fn names(store: &Store) -> BTreeSet<String> {
    store.all_visits().await.unwrap().into_iter().map(|v| v.name).collect()
}

async fn server_events(pool: &PgPool) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM event").fetch_one(pool).await.unwrap();
    n
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn devices_of_one_commune_converge_and_another_commune_sees_nothing(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    common::commune(&pool, "B").await;
    let (a1, a2, b1) = (common::desk().await, common::desk().await, common::desk().await);
    let client = Client::new();

    // a1 works offline before it is even enrolled: those visits join the commune on enrolment.
    add(&a1.store, "Nguyễn Văn An").await;
    for (desk, commune) in [(&a1, "A"), (&a2, "A"), (&b1, "B")] {
        let code = common::code_for(&pool, commune).await;
        let enrolled = client.enroll(&desk.store, &url, &code).await.unwrap();
        assert_eq!(enrolled.code, commune);
    }
    add(&a1.store, "Trần Thị Bình").await;
    add(&a2.store, "Lê Văn Cường").await;
    add(&b1.store, "Phạm Thị Dung").await;

    let r = client.sync_once(&a1.store).await.unwrap();
    assert_eq!((r.pushed, r.pulled, r.rejected), (2, 0, 0));
    let r = client.sync_once(&a2.store).await.unwrap();
    assert_eq!((r.pushed, r.pulled), (1, 2));
    client.sync_once(&b1.store).await.unwrap();
    let r = client.sync_once(&a1.store).await.unwrap();
    assert_eq!((r.pushed, r.pulled), (0, 1));

    let a_names = names(&a1.store).await;
    assert_eq!(a_names, names(&a2.store).await);
    assert_eq!(a_names.len(), 3);
    // Each PC of a commune numbers tickets in its own series, so the desks never clash while apart;
    // a PC enrolled again keeps its series.
    let tickets = |visits: Vec<thanthien_core::Visit>| -> BTreeSet<String> {
        visits.into_iter().filter_map(|v| v.ticket).collect()
    };
    assert_eq!(
        tickets(a2.store.all_visits().await.unwrap()),
        BTreeSet::from(["A001", "A002", "B001"].map(String::from))
    );
    assert_eq!(names(&b1.store).await, BTreeSet::from(["Phạm Thị Dung".to_owned()]));
    for desk in [&a1, &a2, &b1] {
        assert_eq!(desk.store.sync_status().await.unwrap().pending, 0);
    }
    // A second round changes nothing anywhere.
    let again = client.sync_once(&a2.store).await.unwrap();
    assert_eq!((again.pushed, again.pulled), (0, 0));
    assert_eq!(server_events(&pool).await, 4);

    // Enrolling an enrolled PC again takes the province's code for that PC.
    let refused = client.enroll(&a2.store, &url, &common::code_for(&pool, "A").await).await;
    assert!(matches!(refused, Err(SyncError::AlreadyEnrolled(_))), "{refused:?}");
    let code = common::code_for_device(&pool, "A", Some(a2.store.device_id())).await;
    client.enroll(&a2.store, &url, &code).await.unwrap();
    let next = a2.store.record_visit(VisitInput { name: "Võ Thị Én".into(), ..Default::default() }, Utc::now()).await;
    assert_eq!(next.unwrap().ticket.as_deref(), Some("B002"));

    // Whatever a2's wall clock says, its next event sorts after everything it has seen.
    let seen = a2.store.events().await.unwrap().iter().map(|e| e.hlc).max().unwrap();
    add(&a2.store, "Hoàng Thị Em").await;
    let own = a2.store.device_id();
    let newest =
        a2.store.events().await.unwrap().into_iter().filter(|e| e.device_id == own).max_by_key(|e| e.seq).unwrap();
    assert_eq!(newest.payload["name"], "Hoàng Thị Em");
    assert!(newest.hlc > seen);
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_push_cut_midway_and_a_server_crash_lose_and_double_nothing(pool: PgPool) {
    let province = Province::start(&pool).await;
    let proxy = Proxy::start(province.addr).await;
    common::commune(&pool, "A").await;
    let (a1, a2) = (common::desk().await, common::desk().await);
    // A fresh client per step: a pooled keep-alive connection would slip past the proxy's new mode.
    let client = Client::new;
    for desk in [&a1, &a2] {
        let code = common::code_for(&pool, "A").await;
        client().enroll(&desk.store, &proxy.url(), &code).await.unwrap();
    }
    // More than one batch (500 events) waits in the outbox.
    for i in 0..620 {
        add(&a1.store, &format!("Khách {i:03}")).await;
    }

    // The line drops mid-request: the server never sees the whole batch.
    proxy.set_mode(Mode::CutRequest);
    assert!(matches!(client().sync_once(&a1.store).await, Err(SyncError::Offline(_))));
    assert_eq!(server_events(&pool).await, 0);
    assert_eq!(a1.store.sync_status().await.unwrap().pending, 620);

    // The server stores the first batch but its answer never arrives; then it crashes.
    proxy.set_mode(Mode::CutResponse);
    assert!(matches!(client().sync_once(&a1.store).await, Err(SyncError::Offline(_))));
    province.stop();
    assert_eq!(server_events(&pool).await, 500, "the first batch was committed before the cut");
    assert_eq!(a1.store.sync_status().await.unwrap().pending, 620, "the desk never heard back");

    // While it is down the desk keeps working and keeps its queue.
    proxy.set_mode(Mode::Refuse);
    add(&a1.store, "Khách khi mất mạng").await;
    assert!(matches!(client().sync_once(&a1.store).await, Err(SyncError::Offline(_))));
    assert_eq!(a1.store.sync_status().await.unwrap().pending, 621);

    // Restarted, the next round resends: the first batch is acknowledged as duplicates.
    let restarted = Province::start(&pool).await;
    proxy.set_upstream(restarted.addr);
    proxy.set_mode(Mode::Pass);
    let r = client().sync_once(&a1.store).await.unwrap();
    assert_eq!((r.pushed, r.rejected), (621, 0));
    assert_eq!(a1.store.sync_status().await.unwrap().pending, 0);
    assert_eq!(server_events(&pool).await, 621, "nothing doubled");

    let r = client().sync_once(&a2.store).await.unwrap();
    assert_eq!(r.pulled, 621);
    assert_eq!(names(&a2.store).await, names(&a1.store).await);
    assert_eq!(a2.store.all_visits().await.unwrap().len(), 621);
    restarted.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_visit_recorded_on_one_pc_and_rated_on_another_converges(pool: PgPool) {
    use thanthien_core::visit::Outcome;
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let (front, rating_pc) = (common::desk().await, common::desk().await);
    let client = Client::new();
    for desk in [&front, &rating_pc] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    }
    let now = Utc::now();
    let id = front
        .store
        .record_visit(VisitInput { name: "Đinh Thị Lan".into(), ..Default::default() }, now)
        .await
        .unwrap()
        .id;
    front.store.call_visit(id, "Trần Văn Nam".into(), 3, now).await.unwrap();
    front.store.finish_visit(id, FinishInput::new(Outcome::Resolved), now).await.unwrap();
    client.sync_once(&front.store).await.unwrap();
    client.sync_once(&rating_pc.store).await.unwrap();

    rating_pc.store.rate_visit(id, 5, vec![], Utc::now()).await.unwrap();
    client.sync_once(&rating_pc.store).await.unwrap();
    client.sync_once(&front.store).await.unwrap();

    let here = front.store.visit(id).await.unwrap().unwrap();
    let there = rating_pc.store.visit(id).await.unwrap().unwrap();
    assert_eq!(here, there);
    assert_eq!(
        (here.rating, here.outcome, here.official.as_deref()),
        (Some(5), Some(Outcome::Resolved), Some("Trần Văn Nam"))
    );
    // The front desk now knows it is rated and refuses a second rating.
    assert!(front.store.rate_visit(id, 1, vec![], Utc::now()).await.is_err());

    // The officials directory is shared the same way, and a later correction wins on both PCs.
    let entry = thanthien_core::official::OfficialInput {
        name: "Trần Văn Nam".into(),
        title: "Công chức Tư pháp - Hộ tịch".into(),
        counter: Some(3),
        ..Default::default()
    };
    let listed = front.store.list_official(None, entry.clone()).await.unwrap();
    client.sync_once(&front.store).await.unwrap();
    client.sync_once(&rating_pc.store).await.unwrap();
    let moved = thanthien_core::official::OfficialInput { counter: Some(4), ..entry };
    rating_pc.store.list_official(Some(listed.id), moved).await.unwrap();
    client.sync_once(&rating_pc.store).await.unwrap();
    client.sync_once(&front.store).await.unwrap();
    assert_eq!(front.store.officials().await.unwrap(), rating_pc.store.officials().await.unwrap());
    assert_eq!(front.store.officials().await.unwrap()[0].counter, Some(4));
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_catalogue_the_province_publishes_reaches_the_desk_and_stays(pool: PgPool) {
    use thanthien_core::procedure::{find, LegalTime, STARTER_CATALOGUE};
    use thanthien_core::wire::ReferenceKind;
    let province = Province::start(&pool).await;
    common::commune(&pool, "A").await;
    let desk = common::desk().await;
    let client = Client::new();
    client
        .enroll(&desk.store, &format!("http://{}", province.addr), &common::code_for(&pool, "A").await)
        .await
        .unwrap();
    let days = |store: &Store| match find(&store.reference().catalogue, "HT-12").unwrap().legal_time {
        LegalTime::WorkingDays { days } => days,
        other => panic!("{other:?}"),
    };
    assert_eq!(days(&desk.store), 3, "the starter catalogue");

    // The province shortens HT-12 to 2 working days and publishes.
    let mut catalogue: serde_json::Value = serde_json::from_str(STARTER_CATALOGUE).unwrap();
    let entry = catalogue["procedures"].as_array_mut().unwrap().iter_mut().find(|p| p["id"] == "HT-12").unwrap();
    entry["thoi_han_structured"]["days"] = 2.into();
    thanthien_province::db::publish_reference(&pool, ReferenceKind::Procedures, &catalogue.to_string()).await.unwrap();

    let report = client.sync_once(&desk.store).await.unwrap();
    assert_eq!(report.reference, 1);
    assert_eq!(days(&desk.store), 2);
    assert_eq!(client.sync_once(&desk.store).await.unwrap().reference, 0, "nothing new the second time");
    desk.store.close().await;
    let reopened = Store::open(desk.dir.path()).await.unwrap();
    assert_eq!(days(&reopened), 2, "kept across a restart");
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn an_unenrolled_desk_and_a_bad_code_get_clear_errors(pool: PgPool) {
    let province = Province::start(&pool).await;
    common::commune(&pool, "A").await;
    let desk = common::desk().await;
    let client = Client::new();
    assert!(matches!(client.sync_once(&desk.store).await, Err(SyncError::NotEnrolled)));
    let url = format!("http://{}", province.addr);
    assert!(matches!(client.enroll(&desk.store, &url, "NOPE-NOPE-NOPE").await, Err(SyncError::EnrollmentCodeInvalid)));
    // Used and expired codes each say so, in words that tell the admin what to do next.
    let used = common::code_for(&pool, "A").await;
    client.enroll(&common::desk().await.store, &url, &used).await.unwrap();
    let refused = client.enroll(&desk.store, &url, &used).await.unwrap_err();
    assert!(matches!(refused, SyncError::EnrollmentCodeUsed), "{refused:?}");
    assert!(refused.to_string().contains("đã được dùng"), "{refused}");
    let expired = thanthien_province::new_enrollment_code();
    let past = chrono::Utc::now() - chrono::Duration::seconds(1);
    thanthien_province::db::add_enrollment_code(&pool, "A", &expired, past, None).await.unwrap();
    let refused = client.enroll(&desk.store, &url, &expired).await.unwrap_err();
    assert!(matches!(refused, SyncError::EnrollmentCodeExpired), "{refused:?}");
    assert!(refused.to_string().contains("hết hạn"), "{refused}");
    assert!(desk.store.enrollment().await.unwrap().is_none());
    assert!(matches!(client.enroll(&desk.store, "not a url", "X").await, Err(SyncError::BadServerUrl(_))));
    province.stop();
}

/// The commune's high-water mark on the server: the highest position of its events.
async fn high_water(pool: &PgPool, commune: &str) -> i64 {
    let (n,): (Option<i64>,) = sqlx::query_as("SELECT max(server_seq) FROM event WHERE commune_code = $1")
        .bind(commune)
        .fetch_one(pool)
        .await
        .unwrap();
    n.unwrap_or(0)
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_pc_that_writes_its_communes_events_pulls_from_past_them(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let (busy, quiet) = (common::desk().await, common::desk().await);
    let client = Client::new();
    for desk in [&busy, &quiet] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    }
    // The busy desk writes every event of the commune: its pulls bring nothing back, yet its
    // cursor follows the commune's history, so the next pull scans none of it again.
    for round in 0..3 {
        for i in 0..40 {
            add(&busy.store, &format!("Người dân {round}-{i}")).await;
        }
        let r = client.sync_once(&busy.store).await.unwrap();
        assert_eq!((r.pushed, r.pulled), (40, 0));
        assert_eq!(busy.store.pull_cursor().await.unwrap(), high_water(&pool, "A").await, "round {round}");
    }
    // The other desk still gets every one of them, and its own come back to nobody twice.
    add(&quiet.store, "Người dân của máy thứ hai").await;
    let r = client.sync_once(&quiet.store).await.unwrap();
    assert_eq!((r.pushed, r.pulled), (1, 120));
    assert_eq!(quiet.store.pull_cursor().await.unwrap(), high_water(&pool, "A").await);
    let r = client.sync_once(&busy.store).await.unwrap();
    assert_eq!(r.pulled, 1);
    assert_eq!(names(&busy.store).await, names(&quiet.store).await);
    province.stop();
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_desk_the_province_turns_away_is_told_when_to_come_back_and_keeps_its_events(pool: PgPool) {
    // A province that takes no sync request at all: each is told to come back.
    let full = thanthien_province::api::SyncLimits { at_once: 0, queue_wait: std::time::Duration::from_millis(50) };
    let busy = Province::start_with(&pool, full).await;
    let proxy = Proxy::start(busy.addr).await;
    common::commune(&pool, "A").await;
    let desk = common::desk().await;
    // A fresh client per step: a pooled keep-alive connection would slip past the proxy's change.
    let client = Client::new;
    client().enroll(&desk.store, &proxy.url(), &common::code_for(&pool, "A").await).await.unwrap();
    add(&desk.store, "Nguyễn Văn An").await;
    match client().sync_once(&desk.store).await {
        Err(SyncError::Busy(after)) => assert_eq!(after, std::time::Duration::from_secs(1)),
        other => panic!("expected to be told to come back, got {other:?}"),
    }
    let said = thanthien::sync::SyncError::Busy(std::time::Duration::from_secs(1)).to_string();
    assert!(said.contains("đang bận") && said.contains("1 giây"), "{said}");
    assert_eq!(server_events(&pool).await, 0);
    assert_eq!(desk.store.sync_status().await.unwrap().pending, 1);
    // The same province with room again: the visit kept at the desk goes up once.
    busy.stop();
    let open = Province::start(&pool).await;
    proxy.set_upstream(open.addr);
    let r = client().sync_once(&desk.store).await.unwrap();
    assert_eq!(r.pushed, 1);
    assert_eq!(server_events(&pool).await, 1);
    open.stop();
}
