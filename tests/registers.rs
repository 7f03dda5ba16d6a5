//! The feedback and camera registers on real SQLite files, synced between two PCs through the real
//! server on a real PostgreSQL, and the camera probe against listeners on loopback.

mod common;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use common::Province;
use sqlx::PgPool;
use std::collections::BTreeMap;
use thanthien::probe::{probe, probe_cameras, PROBE_TIMEOUT};
use thanthien::store::StoreError;
use thanthien::sync::Client;
use thanthien_core::camera::{parse_items, CameraInput, CheckItem, CheckResult, ProbeTarget};
use thanthien_core::feedback::{DeadlineState, FeedbackInput, Kind, Notice, Status};
use thanthien_core::time::{local_day, vietnam};
use thanthien_core::visit::InputError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn letter(content: &str) -> FeedbackInput {
    FeedbackInput {
        channel: "box".into(),
        kind: "recommendation".into(),
        content: content.into(),
        ..Default::default()
    }
}

const ALL_PASS: &str = "live=pass,recording=pass,clock=pass,retention=pass,signage=pass";

#[tokio::test]
async fn the_register_puts_overdue_items_first_and_an_answer_takes_one_off() {
    let desk = common::desk().await;
    let store = &desk.store;
    let today = local_day(Utc::now());
    let old = store.record_feedback(letter("Đèn đường hỏng"), Utc::now() - Duration::days(40)).await.unwrap();
    let new = store.record_feedback(letter("Cảm ơn cán bộ"), Utc::now()).await.unwrap();
    let register = store.feedback_register(today).await.unwrap();
    assert_eq!(register.iter().map(|i| i.id).collect::<Vec<_>>(), [old.id, new.id], "overdue first");
    assert!(register[0].deadline.is_overdue() && register[0].deadline_label.starts_with("Quá "));
    assert!(!register[1].deadline.is_overdue());

    // Refusals name the problem and write nothing.
    let before = store.events().await.unwrap().len();
    let refused = store.answer_feedback(old.id, " ".into(), Notice::Letter, String::new(), Utc::now()).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(ref e)) if e == &[InputError::OfficialEmpty, InputError::ReplyMissing])
    );
    let unknown = store.set_feedback_status(uuid::Uuid::now_v7(), Status::Accepted, None, None, Utc::now()).await;
    assert!(matches!(unknown, Err(StoreError::Invalid(ref e)) if e == &[InputError::FeedbackNotFound]));
    assert_eq!(store.events().await.unwrap().len(), before);

    let answered = store
        .answer_feedback(old.id, "Lê Thị Hoa".into(), Notice::Letter, "Đã sửa đèn.".into(), Utc::now())
        .await
        .unwrap();
    assert_eq!(answered.status, Status::Answered);
    assert!(matches!(answered.deadline.state, DeadlineState::MetLate { .. }));
    assert!(store.feedback_register(today).await.unwrap().iter().all(|i| !i.deadline.is_overdue()));
    let again = store.set_feedback_status(old.id, Status::Accepted, None, None, Utc::now()).await;
    assert!(matches!(again, Err(StoreError::Invalid(ref e)) if e == &[InputError::FeedbackFinished]));

    // A kind corrected brings its own deadline: a denunciation's 7 working days, not 10.
    let before = new.deadline.due.unwrap();
    let denunciation = store.classify_feedback(new.id, Kind::Denunciation).await.unwrap();
    assert_eq!(denunciation.kind, Kind::Denunciation);
    assert!(denunciation.deadline.due.unwrap() < before);

    // The national system's code, once the item is entered there.
    let coded = store.code_feedback(new.id, "PAKN-2026-000123".into()).await.unwrap();
    assert_eq!(coded.national_code.as_deref(), Some("PAKN-2026-000123"));
}

#[tokio::test]
async fn a_box_opening_links_its_letters_and_a_pause_survives_a_reopen() {
    let desk = common::desk().await;
    let at = Utc::now() - Duration::hours(1);
    let refused = desk.store.open_feedback_box(vec!["Lê Thị Hoa".into()], 2, None, at).await;
    assert!(matches!(refused, Err(StoreError::Invalid(ref e)) if e == &[InputError::WitnessesTooFew]));
    let session =
        desk.store.open_feedback_box(vec!["Lê Thị Hoa".into(), "Trần Văn Bình".into()], 2, None, at).await.unwrap();
    let item = desk
        .store
        .record_feedback(FeedbackInput { box_session: Some(session.id), ..letter("Thư số 1") }, at)
        .await
        .unwrap();
    desk.store
        .set_feedback_status(item.id, Status::AwaitingSupplement, None, Some("xin địa chỉ".into()), at)
        .await
        .unwrap();
    let path = desk.dir.path().to_owned();
    desk.store.close().await;
    let store = thanthien::store::Store::open(&path).await.unwrap();
    let sessions = store.feedback_box_sessions().await.unwrap();
    assert_eq!((sessions[0].letters, sessions[0].entered), (2, 1), "one of two letters entered");
    let item = store.feedback_item(item.id).await.unwrap();
    assert_eq!((item.status, item.deadline.state), (Status::AwaitingSupplement, DeadlineState::Paused));
}

#[tokio::test]
async fn an_email_is_entered_once_whatever_imports_it() {
    let desk = common::desk().await;
    let mail = FeedbackInput {
        channel: "email".into(),
        message_id: Some("<abc@mail.example>".into()),
        ..letter("Hỏi về hồ sơ đất")
    };
    let first = desk.store.record_feedback(mail.clone(), Utc::now()).await.unwrap();
    let second = desk.store.record_feedback(mail, Utc::now()).await.unwrap();
    assert_eq!(first.id, second.id);
    assert!(desk.store.has_message("<abc@mail.example>").await.unwrap());
    assert_eq!(desk.store.feedback_register(local_day(Utc::now())).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_failed_check_marks_the_camera_until_a_check_passes_what_failed() {
    let desk = common::desk().await;
    let store = &desk.store;
    let camera = store
        .list_camera(
            None,
            CameraInput { name: "Camera quầy 1".into(), counter: Some(1), ..Default::default() },
            Utc::now(),
        )
        .await
        .unwrap();
    assert!(!camera.checked_this_shift && camera.outage.is_none());
    let partial = store.check_camera(camera.id, parse_items("live=pass").unwrap(), false, None, None, Utc::now()).await;
    assert!(matches!(partial, Err(StoreError::Invalid(ref e)) if e == &[InputError::ChecklistIncomplete]));
    let failing = "live=pass,recording=fail,clock=pass,retention=pass,signage=na";
    let marked = store
        .check_camera(camera.id, parse_items(failing).unwrap(), false, Some("Lê Thị Hoa".into()), None, Utc::now())
        .await
        .unwrap();
    assert!(marked.checked_this_shift);
    let outage = marked.outage.expect("a failed check opens an outage");
    assert_eq!(outage.items.into_iter().collect::<Vec<_>>(), [CheckItem::Recording]);
    let fixed =
        store.check_camera(camera.id, parse_items(ALL_PASS).unwrap(), false, None, None, Utc::now()).await.unwrap();
    assert!(fixed.outage.is_none());
    let today = local_day(Utc::now());
    let facts = store.camera_facts(today, today, Utc::now()).await.unwrap();
    assert_eq!((facts.checks_done, facts.checks_failed, facts.outages.len()), (2, 1, 1));
    assert!(facts.outages[0].1.to.is_some());

    let retired = CameraInput { name: "Camera quầy 1".into(), active: false, ..Default::default() };
    store.list_camera(Some(camera.id), retired, Utc::now()).await.unwrap();
    let refused = store.check_camera(camera.id, parse_items(ALL_PASS).unwrap(), false, None, None, Utc::now()).await;
    assert!(matches!(refused, Err(StoreError::Invalid(ref e)) if e == &[InputError::CameraInactive]));
}

#[tokio::test]
async fn a_camera_owes_a_check_for_every_shift_from_its_listing_on() {
    let desk = common::desk().await;
    let store = &desk.store;
    let camera = store
        .list_camera(None, CameraInput { name: "Camera sảnh".into(), ..Default::default() }, Utc::now())
        .await
        .unwrap();
    // Registered now, so a past week owes nothing: listing is not retroactive.
    let monday = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let facts = store.camera_facts(monday, friday, Utc::now()).await.unwrap();
    assert_eq!(facts.checks_missed, 0);
    // A week after the listing owes both shifts of each of its working days (whatever holidays
    // that week holds), seen from its Friday evening.
    let today = local_day(Utc::now());
    let monday = today + Duration::days(7 + 7 - i64::from(today.weekday().num_days_from_monday()));
    let friday = monday + Duration::days(4);
    let calendar = store.reference().calendar.clone();
    let working = monday.iter_days().take(5).filter(|d| calendar.is_working_day(*d)).count() as u32;
    let evening = vietnam().from_local_datetime(&friday.and_hms_opt(18, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    let facts = store.camera_facts(monday, friday, evening).await.unwrap();
    assert_eq!((facts.checks_missed, facts.checks_done), (2 * working, 0));
    assert_eq!(store.cameras(Utc::now()).await.unwrap()[0].id, camera.id);
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn feedback_received_on_one_pc_and_answered_on_another_converges(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "A").await;
    let (front, head) = (common::desk().await, common::desk().await);
    let client = Client::new();
    for desk in [&front, &head] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "A").await).await.unwrap();
    }
    let received = Utc::now() - Duration::days(2);
    let item = front.store.record_feedback(letter("Đề nghị sửa cổng"), received).await.unwrap();
    let camera = front
        .store
        .list_camera(
            None,
            CameraInput { name: "Camera quầy 2".into(), counter: Some(2), ..Default::default() },
            Utc::now(),
        )
        .await
        .unwrap();
    client.sync_once(&front.store).await.unwrap();
    client.sync_once(&head.store).await.unwrap();

    // Apart, the two PCs move the same item differently; the later clock wins on both.
    head.store
        .set_feedback_status(item.id, Status::Accepted, Some("Chủ tịch UBND".into()), None, Utc::now())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    front.store.set_feedback_status(item.id, Status::AwaitingSupplement, None, None, Utc::now()).await.unwrap();
    head.store.check_camera(camera.id, parse_items(ALL_PASS).unwrap(), false, None, None, Utc::now()).await.unwrap();
    for desk in [&head, &front, &head] {
        client.sync_once(&desk.store).await.unwrap();
    }
    let here = front.store.feedback_item(item.id).await.unwrap();
    let there = head.store.feedback_item(item.id).await.unwrap();
    assert_eq!(here, there);
    assert_eq!(here.status, Status::AwaitingSupplement);

    // Answered on the other PC: both see it answered, with who, how and what.
    head.store.set_feedback_status(item.id, Status::Accepted, None, None, Utc::now()).await.unwrap();
    head.store
        .answer_feedback(item.id, "Lê Thị Hoa".into(), Notice::Phone, "Đã sửa cổng.".into(), Utc::now())
        .await
        .unwrap();
    client.sync_once(&head.store).await.unwrap();
    client.sync_once(&front.store).await.unwrap();
    let here = front.store.feedback_item(item.id).await.unwrap();
    assert_eq!(here, head.store.feedback_item(item.id).await.unwrap());
    let answer = here.answer.expect("answered");
    assert_eq!((answer.by.as_str(), answer.via, answer.reply.as_str()), ("Lê Thị Hoa", Notice::Phone, "Đã sửa cổng."));
    assert_eq!(here.deadline.state, DeadlineState::MetOnTime);
    // The camera's check made on the other PC is here too.
    let cameras = front.store.cameras(Utc::now()).await.unwrap();
    assert!(cameras[0].checked_this_shift && cameras[0].last_check.is_some());
    province.stop();
}

/// A loopback listener that answers RTSP `OPTIONS` like a camera that wants a password.
async fn rtsp_camera() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let n = socket.read(&mut buf).await.unwrap_or(0);
            if String::from_utf8_lossy(&buf[..n]).starts_with("OPTIONS rtsp://") {
                let _ = socket.write_all(b"RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n").await;
            }
        }
    });
    addr
}

#[tokio::test]
async fn the_probe_reaches_listeners_on_loopback_and_records_automatic_checks() {
    let rtsp = rtsp_camera().await;
    // A port that accepts but never speaks RTSP.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    // A port nobody listens on.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();

    let target = |addr: std::net::SocketAddr, rtsp| ProbeTarget { host: "127.0.0.1".into(), port: addr.port(), rtsp };
    let alive = probe(&target(rtsp, true), PROBE_TIMEOUT).await;
    assert!(alive.reachable, "{}", alive.detail);
    assert_eq!(alive.detail, "RTSP 401 Unauthorized");
    let mute = probe(&target(silent_addr, true), std::time::Duration::from_millis(300)).await;
    assert!(!mute.reachable && mute.detail.contains("RTSP"), "{}", mute.detail);
    assert!(probe(&target(silent_addr, false), PROBE_TIMEOUT).await.reachable, "plain TCP is enough without rtsp://");
    assert!(!probe(&target(closed, false), PROBE_TIMEOUT).await.reachable);

    let desk = common::desk().await;
    let store = &desk.store;
    let add = |name: &str, address: Option<String>| CameraInput { name: name.into(), address, ..Default::default() };
    store
        .list_camera(None, add("Quầy 1", Some(format!("rtsp://127.0.0.1:{}/live", rtsp.port()))), Utc::now())
        .await
        .unwrap();
    store.list_camera(None, add("Sảnh", Some(format!("127.0.0.1:{}", closed.port()))), Utc::now()).await.unwrap();
    store.list_camera(None, add("Không có địa chỉ", None), Utc::now()).await.unwrap();
    let results = probe_cameras(store, PROBE_TIMEOUT).await.unwrap();
    let by_name: BTreeMap<String, bool> = results.iter().map(|(c, o)| (c.name.clone(), o.reachable)).collect();
    assert_eq!(by_name, BTreeMap::from([("Quầy 1".to_owned(), true), ("Sảnh".to_owned(), false)]));
    let cameras = store.cameras(Utc::now()).await.unwrap();
    let hall = cameras.iter().find(|c| c.name == "Sảnh").unwrap();
    let check = hall.last_check.as_ref().unwrap();
    assert!(check.automatic);
    assert_eq!(check.items.get(&CheckItem::Reachable), Some(&CheckResult::Fail));
    assert!(hall.outage.is_some(), "unreachable: marked");
    assert!(!hall.checked_this_shift, "an automatic check does not replace the shift's manual check-in");
    drop(silent);
}

#[tokio::test]
async fn the_weekly_summary_reads_the_week_and_the_one_before_from_the_store() {
    use thanthien_core::report::{rows, Figure};
    use thanthien_core::summary::Week;
    use thanthien_core::visit::{FinishInput, Outcome, VisitInput};
    let desk = common::desk().await;
    let store = &desk.store;
    let week = Week::try_from("2026-W47".to_owned()).unwrap();
    let at = |d: u32, h: u32, m: u32| vietnam().with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap().with_timezone(&Utc);
    // This week: two visits on Monday, one served in 5 minutes after a 10-minute wait, rated 5;
    // one late on Sunday night (still this week). Last week: one visit.
    let served =
        store.record_visit(VisitInput { name: "An".into(), ..Default::default() }, at(16, 8, 0)).await.unwrap();
    store.call_visit(served.id, "Lê Thị Hoa".into(), 1, at(16, 8, 10)).await.unwrap();
    store.finish_visit(served.id, FinishInput::new(Outcome::Resolved), at(16, 8, 15)).await.unwrap();
    store.rate_visit(served.id, 5, vec![], at(16, 8, 16)).await.unwrap();
    store.record_visit(VisitInput { name: "Bình".into(), ..Default::default() }, at(22, 23, 30)).await.unwrap();
    store.record_visit(VisitInput { name: "Chi".into(), ..Default::default() }, at(12, 9, 0)).await.unwrap();
    store.record_visit(VisitInput { name: "Dũng".into(), ..Default::default() }, at(23, 0, 10)).await.unwrap();
    store.record_feedback(letter("Đề nghị thêm ghế"), at(17, 9, 0)).await.unwrap();

    let summary = store.weekly_summary(week, Utc::now()).await.unwrap();
    let this = &summary.this_week;
    assert_eq!((this.visits.total, summary.last_week.visits.total), (2, 1));
    assert_eq!((this.visits.per_day[0], this.visits.per_day[6]), (1, 1));
    assert_eq!((this.visits.waiting.median_secs, this.visits.service.median_secs), (Some(600.0), Some(300.0)));
    assert_eq!(this.satisfaction.share_satisfied, Some(1.0));
    assert_eq!(this.feedback.received, 1);
    let table = rows(&summary);
    assert_eq!(table[0].this_week, Figure::Count(2));
    // The CSV export says what the summary says.
    let csv = thanthien_core::report::to_csv(&summary);
    assert!(csv.contains("Lượt tiếp dân,Tổng số lượt,2,1\r\n"), "{csv}");
}
