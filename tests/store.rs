//! The local store on real SQLite files: durability, validation, gap-free sequence numbers.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use thanthien::store::{Store, StoreError};
use thanthien_core::visit::{VisitError, VisitInput};

fn named(name: &str) -> VisitInput {
    VisitInput { name: name.into(), ..Default::default() }
}

async fn seqs(store: &Store) -> Vec<i64> {
    store.events().await.unwrap().iter().map(|e| e.seq).collect()
}

#[tokio::test]
async fn a_visit_survives_closing_and_reopening_the_store() {
    let desk = common::desk().await;
    let input = VisitInput {
        name: "Nguyễn Thị Ánh".into(),
        procedure: Some("Đăng ký khai sinh".into()),
        phone: Some("+84 912 345 678".into()),
        citizen_id: Some("079203001234".into()),
        note: Some("mang bản sao".into()),
        trip: Some(2),
    };
    let saved = desk.store.record_visit(input, Utc::now()).await.unwrap();
    desk.store.close().await;

    let reopened = Store::open(desk.dir.path()).await.unwrap();
    let visits = reopened.all_visits().await.unwrap();
    assert_eq!(visits, vec![saved.clone()]);
    assert_eq!(saved.phone.as_deref(), Some("0912345678"));
    assert_eq!(saved.trip, 2);
    let events = reopened.events().await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].kind.as_str(), events[0].entity_id), ("visit.arrived", saved.id));
}

#[tokio::test]
async fn the_store_runs_in_wal_mode() {
    let desk = common::desk().await;
    desk.store.record_visit(named("An"), Utc::now()).await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(
            &mut <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
                "sqlite://{}",
                desk.store.path().display()
            ))
            .await
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn a_failed_validation_writes_nothing() {
    let desk = common::desk().await;
    desk.store.record_visit(named("Trần Văn Bình"), Utc::now()).await.unwrap();
    let bad = VisitInput { name: "   ".into(), phone: Some("12345".into()), ..Default::default() };
    match desk.store.record_visit(bad, Utc::now()).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors, [VisitError::NameEmpty, VisitError::PhoneInvalid]),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(desk.store.all_visits().await.unwrap().len(), 1);
    assert_eq!(seqs(&desk.store).await, [1]);
    assert_eq!(desk.store.sync_status().await.unwrap().pending, 1);
}

#[tokio::test]
async fn seq_stays_gap_free_across_restarts_and_refusals() {
    let desk = common::desk().await;
    for name in ["An", "Bình", "Chi"] {
        desk.store.record_visit(named(name), Utc::now()).await.unwrap();
    }
    assert!(desk.store.record_visit(named(""), Utc::now()).await.is_err());
    desk.store.close().await;
    let reopened = Store::open(desk.dir.path()).await.unwrap();
    assert!(reopened.record_visit(named(&"x".repeat(101)), Utc::now()).await.is_err());
    for name in ["Dũng", "Giang"] {
        reopened.record_visit(named(name), Utc::now()).await.unwrap();
    }
    assert_eq!(seqs(&reopened).await, [1, 2, 3, 4, 5]);
    assert_eq!(reopened.device_id(), desk.store.device_id(), "the PC keeps its identity");
}

#[tokio::test]
async fn todays_list_follows_the_vietnam_calendar_day_newest_first() {
    let desk = common::desk().await;
    let s = &desk.store;
    // 23:30 on 22/11 in Vietnam is 16:30 UTC; 00:10 on 23/11 is 17:10 UTC on the 22nd.
    s.record_visit(named("Tối Chủ nhật"), Utc.with_ymd_and_hms(2026, 11, 22, 16, 30, 0).unwrap()).await.unwrap();
    s.record_visit(named("Sáng sớm"), Utc.with_ymd_and_hms(2026, 11, 22, 17, 10, 0).unwrap()).await.unwrap();
    s.record_visit(named("Giữa trưa"), Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap()).await.unwrap();
    let names = |v: Vec<thanthien_core::Visit>| v.into_iter().map(|v| v.name).collect::<Vec<_>>();
    let sunday = s.visits_on(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()).await.unwrap();
    let monday = s.visits_on(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).await.unwrap();
    assert_eq!(names(sunday), ["Tối Chủ nhật"]);
    assert_eq!(names(monday), ["Giữa trưa", "Sáng sớm"]);
}

#[tokio::test]
async fn a_visit_is_called_recalled_finished_and_rated_once() {
    use thanthien_core::visit::{Outcome, RatingReason};
    let desk = common::desk().await;
    let s = &desk.store;
    let t = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0).unwrap();
    let id = s.record_visit(named("Ngô Văn Hải"), t(1, 0)).await.unwrap().id;
    s.call_visit(id, "Lê Thị Hoa".into(), 1, t(1, 10)).await.unwrap();
    s.finish_visit(id, Outcome::NoShow, None, t(1, 12)).await.unwrap();
    s.call_visit(id, "Lê Thị Hoa".into(), 2, t(1, 40)).await.unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 30);
    let done = s.finish_visit(id, Outcome::DossierReceived, day, t(1, 55)).await.unwrap();
    assert_eq!((done.calls, done.counter, done.appointment), (2, Some(2), day));
    assert_eq!((done.waiting_secs, done.service_secs), (Some(40 * 60), Some(15 * 60)));

    let rated = s.rate_visit(id, 2, vec![RatingReason::WaitingTime], t(2, 0)).await.unwrap();
    assert_eq!(rated.rating, Some(2));
    let before = seqs(s).await;
    match s.rate_visit(id, 5, vec![], t(2, 1)).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e, [VisitError::AlreadyRated]),
        other => panic!("a second rating must be refused, got {other:?}"),
    }
    assert_eq!(seqs(s).await, before, "a refusal writes nothing");
    assert_eq!(s.visit(id).await.unwrap().unwrap().rating, Some(2));

    // The columns reports will query say the same as the view.
    let (outcome, waiting): (String, i64) = sqlx::query_as("SELECT outcome, waiting_secs FROM visit")
        .fetch_one(
            &mut <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("sqlite://{}", s.path().display()))
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!((outcome.as_str(), waiting), ("dossier-received", 2400));
}

#[tokio::test]
async fn lifecycle_refusals_are_named() {
    use thanthien_core::visit::Outcome;
    let desk = common::desk().await;
    let s = &desk.store;
    let unknown = uuid::Uuid::now_v7();
    let refusal = |r: Result<thanthien_core::Visit, StoreError>| match r {
        Err(StoreError::Invalid(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(refusal(s.call_visit(unknown, "An".into(), 1, Utc::now()).await), [VisitError::VisitNotFound]);
    let id = s.record_visit(named("Bình"), Utc::now()).await.unwrap().id;
    assert_eq!(refusal(s.rate_visit(id, 4, vec![], Utc::now()).await), [VisitError::NotFinished]);
    assert_eq!(
        refusal(s.call_visit(id, " ".into(), 0, Utc::now()).await),
        [VisitError::OfficialEmpty, VisitError::CounterInvalid]
    );
    assert_eq!(
        refusal(s.finish_visit(id, Outcome::DossierReceived, None, Utc::now()).await),
        [VisitError::AppointmentMissing]
    );
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    assert_eq!(refusal(s.record_visit(named("Chi"), tomorrow).await), [VisitError::InTheFuture]);
    s.finish_visit(id, Outcome::Resolved, None, Utc::now()).await.unwrap();
    assert_eq!(refusal(s.call_visit(id, "An".into(), 1, Utc::now()).await), [VisitError::AlreadyFinished]);
    assert_eq!(seqs(s).await, [1, 2]);
}

#[tokio::test]
async fn a_catalogue_procedure_gives_the_received_dossier_its_appointment() {
    use thanthien_core::visit::Outcome;
    let desk = common::desk().await;
    let s = &desk.store;
    // Wednesday 25/11/2026 09:00 in Vietnam; HT-12 (nhận cha, mẹ, con) has 3 working days.
    let t = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap();
    let input = VisitInput { name: "Mai Văn Sơn".into(), procedure: Some("ht-12".into()), ..Default::default() };
    let visit = s.record_visit(input, t(2, 0)).await.unwrap();
    assert_eq!(visit.procedure_id.as_deref(), Some("HT-12"));
    assert_eq!(visit.procedure.as_deref(), Some("Thủ tục đăng ký nhận cha, mẹ, con"));
    s.call_visit(visit.id, "Lê Thị Hoa".into(), 1, t(2, 5)).await.unwrap();
    let done = s.finish_visit(visit.id, Outcome::DossierReceived, None, t(2, 20)).await.unwrap();
    assert_eq!(done.appointment, NaiveDate::from_ymd_opt(2026, 11, 30));

    // Free text names no catalogue procedure: the appointment must be given by hand.
    let free = s.record_visit(named("Tạ Thị Uyên"), t(2, 30)).await.unwrap();
    assert_eq!(free.procedure_id, None);
    assert!(matches!(
        s.finish_visit(free.id, Outcome::DossierReceived, None, t(2, 40)).await,
        Err(StoreError::Invalid(e)) if e == [VisitError::AppointmentMissing]
    ));
}
