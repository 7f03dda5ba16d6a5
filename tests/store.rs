//! The local store on real SQLite files: durability, validation, gap-free sequence numbers.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use thanthien::store::{Store, StoreError};
use thanthien_core::visit::{FinishInput, InputError, VisitInput};

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
            &mut sqlx::ConnectOptions::connect(
                &thanthien::store::cipher::options_for(desk.store.path()).await.unwrap(),
            )
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
        Err(StoreError::Invalid(errors)) => assert_eq!(errors, [InputError::NameEmpty, InputError::PhoneInvalid]),
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
    s.finish_visit(id, FinishInput::new(Outcome::NoShow), t(1, 12)).await.unwrap();
    s.call_visit(id, "Lê Thị Hoa".into(), 2, t(1, 40)).await.unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 11, 30);
    let done = s
        .finish_visit(id, FinishInput { appointment: day, ..FinishInput::new(Outcome::DossierReceived) }, t(1, 55))
        .await
        .unwrap();
    assert_eq!((done.calls, done.counter, done.appointment), (2, Some(2), day));
    assert_eq!((done.waiting_secs, done.service_secs), (Some(40 * 60), Some(15 * 60)));

    let rated = s.rate_visit(id, 2, vec![RatingReason::WaitingTime], t(2, 0)).await.unwrap();
    assert_eq!(rated.rating, Some(2));
    let before = seqs(s).await;
    match s.rate_visit(id, 5, vec![], t(2, 1)).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e, [InputError::AlreadyRated]),
        other => panic!("a second rating must be refused, got {other:?}"),
    }
    assert_eq!(seqs(s).await, before, "a refusal writes nothing");
    assert_eq!(s.visit(id).await.unwrap().unwrap().rating, Some(2));

    // The columns reports will query say the same as the view.
    let (outcome, waiting): (String, i64) = sqlx::query_as("SELECT outcome, waiting_secs FROM visit")
        .fetch_one(
            &mut sqlx::ConnectOptions::connect(&thanthien::store::cipher::options_for(s.path()).await.unwrap())
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
    assert_eq!(refusal(s.call_visit(unknown, "An".into(), 1, Utc::now()).await), [InputError::VisitNotFound]);
    let id = s.record_visit(named("Bình"), Utc::now()).await.unwrap().id;
    assert_eq!(refusal(s.rate_visit(id, 4, vec![], Utc::now()).await), [InputError::NotFinished]);
    assert_eq!(
        refusal(s.call_visit(id, " ".into(), 0, Utc::now()).await),
        [InputError::OfficialEmpty, InputError::CounterInvalid]
    );
    assert_eq!(
        refusal(s.finish_visit(id, FinishInput::new(Outcome::DossierReceived), Utc::now()).await),
        [InputError::AppointmentMissing]
    );
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    assert_eq!(refusal(s.record_visit(named("Chi"), tomorrow).await), [InputError::InTheFuture]);
    s.finish_visit(id, FinishInput::new(Outcome::Resolved), Utc::now()).await.unwrap();
    assert_eq!(refusal(s.call_visit(id, "An".into(), 1, Utc::now()).await), [InputError::AlreadyFinished]);
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
    let done = s.finish_visit(visit.id, FinishInput::new(Outcome::DossierReceived), t(2, 20)).await.unwrap();
    assert_eq!(done.appointment, NaiveDate::from_ymd_opt(2026, 11, 30));

    // Free text names no catalogue procedure: the appointment must be given by hand.
    let free = s.record_visit(named("Tạ Thị Uyên"), t(2, 30)).await.unwrap();
    assert_eq!(free.procedure_id, None);
    assert!(matches!(
        s.finish_visit(free.id, FinishInput::new(Outcome::DossierReceived), t(2, 40)).await,
        Err(StoreError::Invalid(e)) if e == [InputError::AppointmentMissing]
    ));
}

#[tokio::test]
async fn tickets_count_per_pc_and_local_day() {
    let desk = common::desk().await;
    let s = &desk.store;
    // 23:30 UTC on the 23rd is 06:30 on the 24th in Vietnam: a new day, so numbering restarts.
    let t = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    let mut tickets = Vec::new();
    for at in [t(23, 1), t(23, 2), t(23, 23), t(24, 1)] {
        tickets.push(s.record_visit(named("Khách"), at).await.unwrap().ticket.unwrap());
    }
    // A visit entered later from the paper book takes the next number of its own day.
    tickets.push(s.record_visit(named("Sổ giấy"), t(23, 3)).await.unwrap().ticket.unwrap());
    assert_eq!(tickets, ["A001", "A002", "A001", "A002", "A003"]);
}

#[tokio::test]
async fn guided_and_transferred_visits_keep_what_the_citizen_was_told() {
    use thanthien_core::visit::Outcome;
    let desk = common::desk().await;
    let s = &desk.store;
    let guided = s.record_visit(named("Hồ Văn Lộc"), Utc::now()).await.unwrap().id;
    let refused = s.finish_visit(guided, FinishInput::new(Outcome::Guided), Utc::now()).await;
    assert!(matches!(refused, Err(StoreError::Invalid(e)) if e == [InputError::GuidanceMissing]));
    let input = FinishInput {
        guidance: Some("Thiếu giấy xác nhận tình trạng hôn nhân".into()),
        ..FinishInput::new(Outcome::Guided)
    };
    let done = s.finish_visit(guided, input, Utc::now()).await.unwrap();
    assert_eq!(done.guidance.as_deref(), Some("Thiếu giấy xác nhận tình trạng hôn nhân"));

    let sent = s.record_visit(named("Lý Thị Mơ"), Utc::now()).await.unwrap().id;
    let input = FinishInput {
        to_counter: Some(3),
        to_official: Some("Phan Văn Tư".into()),
        ..FinishInput::new(Outcome::Transferred)
    };
    let done = s.finish_visit(sent, input, Utc::now()).await.unwrap();
    assert_eq!((done.transfer_counter, done.transfer_official.as_deref()), (Some(3), Some("Phan Văn Tư")));
}

#[tokio::test]
async fn a_dossier_due_soon_is_flagged_until_an_apology_moves_it_or_the_result_goes_back() {
    use thanthien_core::visit::{AppointmentRisk, Outcome};
    let desk = common::desk().await;
    let s = &desk.store;
    // Received Monday 23/11/2026 09:00, HT-12: 3 working days → Thursday 26/11.
    let t = |d: u32, h: u32| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let input = VisitInput { name: "Cao Thị Nga".into(), procedure: Some("HT-12".into()), ..Default::default() };
    let id = s.record_visit(input, t(23, 2)).await.unwrap().id;
    let done = s.finish_visit(id, FinishInput::new(Outcome::DossierReceived), t(23, 3)).await.unwrap();
    assert_eq!(done.appointment, Some(day(26)));

    let flagged = |list: Vec<thanthien_core::visit::DossierAtRisk>| -> Vec<_> {
        list.into_iter().map(|d| (d.visit.id, d.risk)).collect()
    };
    assert_eq!(flagged(s.dossiers_at_risk(day(24)).await.unwrap()), [], "two working days ahead: not yet");
    assert_eq!(flagged(s.dossiers_at_risk(day(25)).await.unwrap()), [(id, AppointmentRisk::DueSoon)]);
    assert_eq!(flagged(s.dossiers_at_risk(day(27)).await.unwrap()), [(id, AppointmentRisk::Overdue)]);

    // The apology slip's new date: an event with its reason; the dossier is no longer at risk.
    let moved = s.reschedule_visit(id, day(30), "Chờ UBND huyện xác minh".into(), true, t(25, 2)).await.unwrap();
    assert_eq!((moved.appointment, moved.apology), (Some(day(30)), true));
    assert_eq!(moved.appointment_reason.as_deref(), Some("Chờ UBND huyện xác minh"));
    assert_eq!(flagged(s.dossiers_at_risk(day(25)).await.unwrap()), []);

    // Once the result is back, nothing more can move and nothing is flagged.
    let back = s.return_result(id, t(25, 3)).await.unwrap();
    assert!(back.returned_at.is_some());
    assert_eq!(flagged(s.dossiers_at_risk(day(30)).await.unwrap()), []);
    let again = s.reschedule_visit(id, day(30), "x".into(), false, t(25, 4)).await;
    assert!(matches!(again, Err(StoreError::Invalid(e)) if e == [InputError::AlreadyReturned]));
}

#[tokio::test]
async fn the_office_hours_set_here_decide_when_a_dossier_counts_as_received() {
    use thanthien_core::procedure::OfficeHours;
    use thanthien_core::visit::Outcome;
    let desk = common::desk().await;
    let s = &desk.store;
    // Wednesday 25/11/2026 16:30 in Vietnam, HT-12 (3 working days).
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap();
    let receive = |name: &'static str| async move {
        let input = VisitInput { name: name.into(), procedure: Some("HT-12".into()), ..Default::default() };
        let id = s.record_visit(input, at).await.unwrap().id;
        s.finish_visit(id, FinishInput::new(Outcome::DossierReceived), at).await.unwrap().appointment
    };
    // Open until 17:00 (the default): received Wednesday → Monday 30/11.
    assert_eq!(receive("Trước khi đổi giờ").await, NaiveDate::from_ymd_opt(2026, 11, 30));
    // This office closes at 16:00: 16:30 counts from Thursday → Tuesday 1/12.
    s.set_office_hours(OfficeHours::parse("07:30-11:30", "13:30-16:00").unwrap()).await.unwrap();
    assert_eq!(receive("Sau khi đổi giờ").await, NaiveDate::from_ymd_opt(2026, 12, 1));
    // The setting is an event in the log, and it outlives a restart.
    let events = s.events().await.unwrap();
    assert!(events.iter().any(|e| e.kind == "office.hours_set"));
    let dir = s.path().parent().unwrap().to_owned();
    s.close().await;
    let reopened = thanthien::store::Store::open(&dir).await.unwrap();
    assert_eq!(reopened.reference().hours.afternoon.1, chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap());
}

#[tokio::test]
async fn the_officials_directory_lists_corrects_and_refuses_bad_entries() {
    use thanthien_core::official::OfficialInput;
    let desk = common::desk().await;
    let s = &desk.store;
    let hoa = OfficialInput {
        name: "Lê Thị Hoa".into(),
        title: "Công chức Tư pháp - Hộ tịch".into(),
        phone: Some("0912.345.678".into()),
        counter: Some(2),
        phone_published: true,
        leader: false,
    };
    let listed = s.list_official(None, hoa.clone()).await.unwrap();
    let nam = OfficialInput {
        name: "Trần Văn Nam".into(),
        title: "Công chức Địa chính".into(),
        counter: Some(1),
        ..Default::default()
    };
    s.list_official(None, nam).await.unwrap();
    // A correction is a newer listing of the same entry.
    s.list_official(Some(listed.id), OfficialInput { phone_published: false, ..hoa }).await.unwrap();
    let directory = s.officials().await.unwrap();
    let names: Vec<_> = directory.iter().map(|o| (o.counter, o.name.as_str(), o.phone_published)).collect();
    assert_eq!(names, [(Some(1), "Trần Văn Nam", false), (Some(2), "Lê Thị Hoa", false)]);
    assert_eq!(directory[1].phone.as_deref(), Some("0912345678"));
    let bad = s.list_official(None, OfficialInput { phone_published: true, ..Default::default() }).await;
    assert!(
        matches!(bad, Err(StoreError::Invalid(e)) if e == [InputError::OfficialEmpty, InputError::OfficialTitleMissing])
    );
    assert_eq!(s.events().await.unwrap().len(), 3, "a refusal writes nothing");
}

#[tokio::test]
async fn an_official_taken_off_leaves_the_lists_but_not_the_log() {
    use thanthien_core::event::EventBody;
    use thanthien_core::official::OfficialInput;
    let desk = common::desk().await;
    let store = desk.store.by("hung.lv");
    let input = |name: &str| OfficialInput {
        name: name.into(),
        title: "Công chức Tư pháp - Hộ tịch".into(),
        phone: Some("0912345678".into()),
        phone_published: true,
        ..Default::default()
    };
    let kept = store.list_official(None, input("Lê Thị Hoa")).await.unwrap();
    let gone = store.list_official(None, input("Trần Thị Bích")).await.unwrap();
    store.take_off_official(gone.id).await.unwrap();
    assert_eq!(store.officials().await.unwrap(), [kept]);
    // The log keeps both listings of her, the last one inactive, made by the head.
    let listings: Vec<_> = store.events().await.unwrap().into_iter().filter(|e| e.entity_id == gone.id).collect();
    assert_eq!(listings.len(), 2);
    let last = listings.last().unwrap();
    assert_eq!(last.user.as_deref(), Some("hung.lv"));
    assert!(matches!(last.body().unwrap(), EventBody::Official(o) if !o.active && o.name.as_str() == "Trần Thị Bích"));
    // Taking off someone not (or no longer) listed is refused by name, and writes nothing.
    let events = store.events().await.unwrap().len();
    for id in [gone.id, uuid::Uuid::now_v7()] {
        assert!(matches!(
            store.take_off_official(id).await,
            Err(StoreError::Invalid(e)) if e == [InputError::OfficialNotFound]
        ));
    }
    assert_eq!(store.events().await.unwrap().len(), events);
}

#[tokio::test]
async fn the_first_admin_starts_the_wizard_and_the_pc_keeps_its_own_settings() {
    let desk = common::desk().await;
    let store = &desk.store;
    assert!(!store.setup_pending().await.unwrap());
    let admin = thanthien_core::account::AccountInput {
        username: "quantri".into(),
        full_name: "Phạm Quản Trị".into(),
        role: "admin".into(),
        password: "Mật khẩu 2026".into(),
    };
    store.create_account(admin, true, Utc::now()).await.unwrap();
    assert!(store.setup_pending().await.unwrap());
    store.finish_setup().await.unwrap();
    assert!(!store.setup_pending().await.unwrap());
    assert_eq!(store.idle_lock_minutes().await.unwrap(), None);
    assert_eq!(store.set_idle_lock_minutes(3).await.unwrap(), chrono::Duration::minutes(3));
    for wrong in [0, 61] {
        assert!(matches!(store.set_idle_lock_minutes(wrong).await, Err(StoreError::Invalid(_))));
    }
    store.set_export_dir(std::path::Path::new("/srv/xa/bao-cao")).await.unwrap();
    // Kept across a restart, and never an event: the PC's own settings do not sync.
    let events = store.events().await.unwrap().len();
    store.close().await;
    let reopened = Store::open(desk.dir.path()).await.unwrap();
    assert_eq!(reopened.idle_lock_minutes().await.unwrap(), Some(3));
    assert_eq!(reopened.export_dir().await.unwrap(), Some("/srv/xa/bao-cao".into()));
    assert_eq!(reopened.events().await.unwrap().len(), events);
}
