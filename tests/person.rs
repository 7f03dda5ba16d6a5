//! One person's data under Law 91/2025 across two PCs and the real province server: found,
//! corrected, handed over, erased everywhere it was copied — the SQLite files and their journals
//! read as raw bytes, the server's tables read through pg_dump — with the week's figures unmoved,
//! and an erasure the law does not allow yet refused with its date.

mod common;

use chrono::Utc;
use common::Province;
use sqlx::PgPool;
use thanthien::store::Store;
use thanthien::sync::Client;
use thanthien_core::erasure::{Grounds, Hold};
use thanthien_core::feedback::{FeedbackInput, Notice};
use thanthien_core::person::{PersonFile, PersonQuery, Register};
use thanthien_core::summary::Week;
use thanthien_core::visit::{CorrectionInput, FinishInput, Outcome, VisitInput};
use uuid::Uuid;

const NAME: &str = "Nguyễn Thị Hường";
const PHONE: &str = "0912345678";
const PHONE_AS_TYPED: &str = "0912 345 678";
const OLD_ID: &str = "079123456780";
const ID: &str = "079123456789";
const CORRECTED: &str = "Nguyễn Thị Hường (Hồng)";

/// Every place on disk a PC keeps its store, the file and its write-ahead journal, as copied off
/// the PC (encrypted) and as read with the key (every row, in the clear).
async fn raw_bytes(store: &Store) -> Vec<u8> {
    let mut bytes = std::fs::read(store.path()).unwrap();
    let wal = store.path().with_extension("db-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes.extend(common::clear_copy(store.path()).await);
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What the person gave, in every spelling it was written in.
const TRACES: [&str; 6] = [NAME, PHONE, PHONE_AS_TYPED, OLD_ID, ID, "(Hồng)"];

async fn pg_dump(pool: &PgPool) -> Vec<u8> {
    let (db,): (String,) = sqlx::query_as("SELECT current_database()").fetch_one(pool).await.unwrap();
    let url = std::env::var("DATABASE_URL").unwrap();
    let server = url.rsplit_once('/').map_or(url.as_str(), |(server, _)| server);
    let out = tokio::process::Command::new("pg_dump")
        .arg("--data-only")
        .arg(format!("{server}/{db}"))
        .output()
        .await
        .expect("pg_dump (Debian's postgresql-client)");
    assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn an_erasure_reaches_every_copy_and_moves_no_figure(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "26734").await;
    let (front, head) = (common::desk().await, common::desk().await);
    let client = Client::new();
    for desk in [&front, &head] {
        client.enroll(&desk.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    }
    let now = Utc::now();
    let front_desk = front.store.by("lan.nt");

    // Her visit, her identity number typed wrong at first, then put right at her request.
    let input = VisitInput {
        name: NAME.into(),
        phone: Some(PHONE_AS_TYPED.into()),
        citizen_id: Some(OLD_ID.into()),
        procedure: Some("Chứng thực bản sao".into()),
        note: Some(format!("Bà {NAME} xin bản sao, gọi {PHONE} khi xong")),
        ..Default::default()
    };
    let visit = front_desk.record_visit(input, now).await.unwrap();
    front_desk.finish_visit(visit.id, FinishInput::new(Outcome::Resolved), now).await.unwrap();
    let correction = CorrectionInput {
        citizen_id: Some(ID.into()),
        reason: "Bà Hường báo số CCCD ghi sai".into(),
        ..Default::default()
    };
    assert_eq!(front_desk.correct_visit(visit.id, correction).await.unwrap().citizen_id.as_deref(), Some(ID));
    // Her suggestion by phone, answered by name.
    let letter = FeedbackInput {
        channel: "phone".into(),
        kind: "suggestion".into(),
        content: "Đề nghị bố trí thêm ghế chờ".into(),
        submitter: Some(NAME.into()),
        contact: Some(PHONE_AS_TYPED.into()),
        ..Default::default()
    };
    let item = front_desk.record_feedback(letter, now).await.unwrap();
    // Her name as she wants it on the letter: a correction of the sender, synced.
    let sender = CorrectionInput {
        name: Some(CORRECTED.into()),
        reason: "Bà Hường bổ sung tên gọi".into(),
        ..Default::default()
    };
    assert_eq!(front_desk.correct_feedback(item.id, sender).await.unwrap().submitter.as_deref(), Some(CORRECTED));
    let reply = format!("Cảm ơn bà {NAME}, xã đã bố trí thêm ghế.");
    front_desk.answer_feedback(item.id, "Lê Văn Tâm".into(), Notice::Phone, reply, now).await.unwrap();
    // Someone else's complaint, still being handled, and someone else's visit.
    let complaint = FeedbackInput {
        channel: "in_person".into(),
        kind: "complaint".into(),
        content: "Khiếu nại việc cấp giấy chứng nhận".into(),
        submitter: Some("Trần Văn Bình".into()),
        ..Default::default()
    };
    let open = front_desk.record_feedback(complaint, now).await.unwrap();
    front_desk.record_visit(VisitInput { name: "Phạm Văn Đức".into(), ..Default::default() }, now).await.unwrap();
    client.sync_once(&front.store).await.unwrap();
    client.sync_once(&head.store).await.unwrap();

    // The head's PC finds her by her phone in any spelling, in both registers, ID masked.
    let query = PersonQuery::parse("+84 912.345.678").unwrap();
    let visits = head.store.all_visits().await.unwrap();
    let register = head.store.feedback_register(thanthien_core::time::local_day(now)).await.unwrap();
    let found = thanthien_core::person::find(&query, &visits, &register);
    assert_eq!(found.iter().map(|r| r.register).collect::<Vec<_>>(), [Register::Visit, Register::Feedback]);
    assert_eq!(found[0].citizen_id.as_deref(), Some("••••••••6789"), "the correction synced, masked in the list");
    // The file to hand her holds her records in full.
    let file = PersonFile::gather("Xã 26734", now, &query, &visits, &register);
    assert_eq!((file.visits.len(), file.feedback.len()), (1, 1));
    assert_eq!(file.visits[0].citizen_id.as_deref(), Some(ID));

    let week = Week::of(now);
    let figures = |s: thanthien_core::report::WeeklySummary| serde_json::to_value(s.this_week).unwrap();
    let before = figures(head.store.weekly_summary(week, now).await.unwrap());

    // An erasure the law does not allow yet is refused with the date, and writes nothing.
    let head_desk = head.store.by("chu.tich");
    let refused = head_desk
        .erase_person(&PersonQuery::parse("Trần Văn Bình").unwrap(), Grounds::Request, "Ông Bình yêu cầu")
        .await
        .unwrap();
    assert!(refused.erased.is_empty());
    let due = head.store.feedback_item(open.id).await.unwrap().deadline.due.expect("a complaint has a due date");
    match refused.refused.as_slice() {
        [(record, hold @ Hold::OpenPetition { due: Some(until) })] => {
            assert_eq!((record.id, *until), (open.id, due));
            assert!(hold.text().contains(&due.format("%d/%m/%Y").to_string()), "{}", hold.text());
        }
        other => panic!("the open complaint is held: {other:?}"),
    }

    // Her erasure, on the head's PC, reaches the front desk and the province.
    let report = head_desk
        .erase_person(&query, Grounds::Request, &format!("Bà {NAME} yêu cầu xoá ngày 30/11/2026"))
        .await
        .unwrap();
    assert_eq!((report.erased.len(), report.refused.len()), (2, 0), "{report:?}");
    client.sync_once(&head.store).await.unwrap();
    client.sync_once(&front.store).await.unwrap();

    for (pc, desk) in [("the head's PC", &head), ("the front desk", &front)] {
        let bytes = raw_bytes(&desk.store).await;
        for trace in TRACES {
            assert!(!holds(&bytes, trace), "{pc}'s SQLite file or journal still holds {trace:?}");
        }
        assert!(holds(&bytes, "Phạm Văn Đức"), "{pc}: others' records stay");
        assert!(holds(&bytes, "Trần Văn Bình"), "{pc}: the refused erasure left the complaint as it was");
        assert_eq!(figures(desk.store.weekly_summary(week, now).await.unwrap()), before, "{pc}: figures unmoved");
        let visits = desk.store.all_visits().await.unwrap();
        let erased = visits.iter().find(|v| v.id == visit.id).unwrap();
        assert_eq!(
            (erased.name.as_str(), erased.phone.as_deref(), erased.citizen_id.as_deref()),
            ("(đã xoá)", None, None)
        );
        assert_eq!(erased.note.as_deref(), Some("Bà *** xin bản sao, gọi *** khi xong"));
        assert_eq!(erased.outcome, Some(Outcome::Resolved), "{pc}: what happened stays");
        let register = desk.store.feedback_register(thanthien_core::time::local_day(now)).await.unwrap();
        let file = PersonFile::gather("Xã 26734", now, &query, &visits, &register);
        let json = serde_json::to_string(&file).unwrap();
        assert!(TRACES.iter().all(|t| !json.contains(t)), "{pc}: an export made afterwards holds none of her: {json}");
    }
    let dump = pg_dump(&pool).await;
    assert!(holds(&dump, "Phạm Văn Đức"), "the dump is of the right database");
    for trace in TRACES {
        assert!(!holds(&dump, trace), "the province's tables still hold {trace:?}");
    }
    // The events stay, blanked, each with the fingerprint of what it held.
    let (kept, fingerprinted): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(erased_hash) FROM event WHERE entity_id = $1 OR entity_id = $2")
            .bind(visit.id)
            .bind(item.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    // Eight events; the five that came in holding her data (arrival, both corrections, receipt,
    // answer) were blanked here; the erasures came blanked from the head's PC.
    assert_eq!((kept, fingerprinted), (8, 5));
    // Nothing left to push or pull, and a new round changes nothing.
    let again = client.sync_once(&front.store).await.unwrap();
    assert_eq!((again.pushed, again.pulled, again.rejected), (0, 0, 0));
    province.stop();
}

/// The records of a paper book entered late: visits and letters that ended long ago or lately, and
/// a dossier received long ago and never returned.
struct PaperBook {
    old: Uuid,
    recent: Uuid,
    owed: Uuid,
    old_letter: Uuid,
    recent_letter: Uuid,
}

async fn paper_book(store: &Store, now: chrono::DateTime<Utc>) -> PaperBook {
    use chrono::Duration;
    let ago = |days: i64| now - Duration::days(days);
    let visit = |name: &str, days: i64| {
        let store = store.clone();
        let name = name.to_owned();
        async move {
            let v = store.record_visit(VisitInput { name, ..Default::default() }, ago(days)).await.unwrap();
            store.finish_visit(v.id, FinishInput::new(Outcome::Resolved), ago(days)).await.unwrap();
            v.id
        }
    };
    let old = visit("Đỗ Văn Cũ", 80).await;
    let recent = visit("Đỗ Văn Mới", 40).await;
    let owed =
        store.record_visit(VisitInput { name: "Đỗ Thị Chờ".into(), ..Default::default() }, ago(90)).await.unwrap();
    let mut owed_finish = FinishInput::new(Outcome::DossierReceived);
    (owed_finish.appointment, owed_finish.appointment_reason) =
        (Some((ago(85)).date_naive()), Some("Hẹn theo hồ sơ giấy".into()));
    store.finish_visit(owed.id, owed_finish, ago(90)).await.unwrap();
    let letter = |name: &str, answered: i64| {
        let store = store.clone();
        let name = name.to_owned();
        async move {
            let input = FeedbackInput {
                channel: "box".into(),
                kind: "suggestion".into(),
                content: "Đề nghị thêm quạt".into(),
                submitter: Some(name),
                ..Default::default()
            };
            let item = store.record_feedback(input, ago(answered + 5)).await.unwrap();
            let reply = "Đã tiếp thu".to_owned();
            store.answer_feedback(item.id, "Lê Văn Tâm".into(), Notice::Letter, reply, ago(answered)).await.unwrap();
            item.id
        }
    };
    let old_letter = letter("Đỗ Thị Thư", 70).await;
    let recent_letter = letter("Đỗ Văn Gửi", 30).await;
    PaperBook { old, recent, owed: owed.id, old_letter, recent_letter }
}

/// Two months for both registers, as the province publishes it.
const TWO_MONTHS: &str = r#"{"visits": {"months": 2, "source": "Quyết định thử của UBND tỉnh"},
                             "feedback": {"months": 2, "source": "Quyết định thử của UBND tỉnh"}}"#;

#[sqlx::test(migrations = "crates/server/migrations")]
async fn retention_blanks_exactly_the_records_past_the_provinces_period(pool: PgPool) {
    use thanthien_core::wire::ReferenceKind;
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let desk = common::desk().await;
    let client = Client::new();
    let url = format!("http://{}", province.addr);
    client.enroll(&desk.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    let now = Utc::now();
    let store = desk.store.by("lan.nt");
    let PaperBook { old, recent, owed, old_letter, recent_letter } = paper_book(&store, now).await;

    // The province sets two months for both registers; the PC takes it on its next round.
    thanthien_province::db::publish_reference(&pool, ReferenceKind::Retention, TWO_MONTHS).await.unwrap();
    assert_eq!(client.sync_once(&desk.store).await.unwrap().reference, 1);
    assert_eq!(desk.store.reference().retention.visits.months, 2);

    let runs = desk.store.run_retention_if_due().await.unwrap().expect("the day's first run");
    let erased: Vec<(Register, u32, u32)> = runs.iter().map(|r| (r.register, r.months, r.erased)).collect();
    assert_eq!(erased, [(Register::Visit, 2, 1), (Register::Feedback, 2, 1)]);
    let visits = desk.store.all_visits().await.unwrap();
    let name_of = |id| visits.iter().find(|v| v.id == id).unwrap().name.clone();
    assert_eq!(name_of(old), "(đã xoá)");
    assert_eq!(name_of(recent), "Đỗ Văn Mới", "within its period");
    assert_eq!(name_of(owed), "Đỗ Thị Chờ", "a dossier not returned never expires");
    let today = thanthien_core::time::local_day(now);
    let register = desk.store.feedback_register(today).await.unwrap();
    let sender = |id| register.iter().find(|f| f.id == id).unwrap().submitter.clone();
    assert_eq!((sender(old_letter), sender(recent_letter)), (None, Some("Đỗ Văn Gửi".into())));
    assert!(!holds(&raw_bytes(&desk.store).await, "Đỗ Văn Cũ") && !holds(&raw_bytes(&desk.store).await, "Đỗ Thị Thư"));
    // The log, and once a day only.
    assert_eq!(desk.store.retention_runs(10).await.unwrap(), runs.iter().rev().cloned().collect::<Vec<_>>());
    assert!(desk.store.run_retention_if_due().await.unwrap().is_none());
    // The erasures go to the province like any other.
    assert_eq!(client.sync_once(&desk.store).await.unwrap().pushed, 2);
    let dump = pg_dump(&pool).await;
    assert!(!holds(&dump, "Đỗ Văn Cũ") && !holds(&dump, "Đỗ Thị Thư") && holds(&dump, "Đỗ Văn Mới"));
    province.stop();
}

/// A commune whose PC stopped syncing: the province's own run erases, on the server, what is past
/// the period and nothing else; when the PC comes back it takes the province's erasures and blanks
/// its own copies, and its own run finds nothing left to do.
#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_province_erases_what_a_silent_commune_keeps_past_the_period(pool: PgPool) {
    use thanthien_core::wire::ReferenceKind;
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let desk = common::desk().await;
    let client = Client::new();
    let url = format!("http://{}", province.addr);
    client.enroll(&desk.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    let now = Utc::now();
    let book = paper_book(&desk.store.by("lan.nt"), now).await;
    client.sync_once(&desk.store).await.unwrap();
    // The PC goes silent; the province publishes two months and runs its retention.
    thanthien_province::db::publish_reference(&pool, ReferenceKind::Retention, TWO_MONTHS).await.unwrap();
    let runs = thanthien_province::erasure::run_retention(&pool, now).await.unwrap();
    let erased: Vec<(&str, Register, u32, u32)> =
        runs.iter().map(|r| (r.commune_code.as_str(), r.register, r.months, r.erased)).collect();
    assert_eq!(erased, [("26734", Register::Visit, 2, 1), ("26734", Register::Feedback, 2, 1)]);
    let dump = pg_dump(&pool).await;
    assert!(!holds(&dump, "Đỗ Văn Cũ") && !holds(&dump, "Đỗ Thị Thư"), "past the period: erased on the server");
    for kept in ["Đỗ Văn Mới", "Đỗ Thị Chờ", "Đỗ Văn Gửi"] {
        assert!(holds(&dump, kept), "{kept} is within its period or still owed");
    }
    assert_eq!(thanthien_province::erasure::retention_runs(&pool, 10).await.unwrap().len(), 2, "the log");
    assert!(thanthien_province::erasure::run_retention(&pool, now).await.unwrap().is_empty(), "done once");

    // The PC comes back: the province's erasures reach its copies.
    let round = client.sync_once(&desk.store).await.unwrap();
    assert_eq!(desk.store.pulled_quarantine().await.unwrap(), []);
    assert_eq!((round.pulled, round.rejected), (2, 0));
    let visits = desk.store.all_visits().await.unwrap();
    let name_of = |id| visits.iter().find(|v| v.id == id).unwrap().name.clone();
    assert_eq!(
        [name_of(book.old), name_of(book.recent), name_of(book.owed)],
        ["(đã xoá)", "Đỗ Văn Mới", "Đỗ Thị Chờ"].map(String::from)
    );
    let register = desk.store.feedback_register(thanthien_core::time::local_day(now)).await.unwrap();
    let sender = |id| register.iter().find(|f| f.id == id).unwrap().submitter.clone();
    assert_eq!((sender(book.old_letter), sender(book.recent_letter)), (None, Some("Đỗ Văn Gửi".into())));
    let bytes = raw_bytes(&desk.store).await;
    assert!(!holds(&bytes, "Đỗ Văn Cũ") && !holds(&bytes, "Đỗ Thị Thư"));
    let own = desk.store.run_retention_if_due().await.unwrap().expect("the day's first run");
    assert!(own.iter().all(|r| r.erased == 0), "nothing left for the PC: {own:?}");
    province.stop();
}

/// A PC that pulls an erasure its own copy of the record does not allow (a dossier not returned)
/// keeps the record as it is, and a later step of the record does not erase it either.
#[tokio::test]
async fn a_pulled_erasure_the_law_does_not_allow_erases_nothing() {
    use thanthien_core::event::{Event, EventBody};
    use thanthien_core::visit::{NewVisit, VisitArrived, VisitCalled, VisitChange, VisitFinished};
    use thanthien_core::wire::PulledEvent;
    let desk = common::desk().await;
    let rogue = uuid::Uuid::now_v7();
    let visit = uuid::Uuid::now_v7();
    let at = Utc::now() - chrono::Duration::minutes(30);
    let appointment = (Utc::now() + chrono::Duration::days(10)).date_naive();
    let arrived = VisitArrived {
        arrived_at: at,
        ticket: None,
        visit: NewVisit::parse(VisitInput { name: "Hồ Văn Giữ".into(), ..Default::default() }).unwrap(),
    };
    let erased = thanthien_core::erasure::erasure(at, Grounds::Request, "không hợp lệ").unwrap();
    let changes = [
        VisitChange::Arrived(arrived),
        VisitChange::Finished(VisitFinished::new(at, Outcome::DossierReceived, Some(appointment)).unwrap()),
        VisitChange::Erased(erased),
        VisitChange::Called(VisitCalled {
            called_at: at,
            official: "Lê Văn Tâm".to_owned().try_into().unwrap(),
            counter: thanthien_core::visit::Counter::try_from(1u16).unwrap(),
        }),
    ];
    let pulled: Vec<PulledEvent> = changes
        .into_iter()
        .enumerate()
        .map(|(i, change)| {
            let hlc =
                thanthien_core::Hlc { wall_ms: at.timestamp_millis() as u64 + i as u64, counter: 0, device: rogue };
            let event = Event::new("", rogue, i as i64 + 1, hlc, visit, &EventBody::Visit(change), None);
            PulledEvent { cursor: i as i64 + 1, event }
        })
        .collect();
    desk.store.apply_pulled(&pulled, 4).await.unwrap();
    let kept = desk.store.visit(visit).await.unwrap().unwrap();
    assert_eq!(kept.name, "Hồ Văn Giữ", "the dossier is still owed: the erasure is held back");
    assert!(holds(&raw_bytes(&desk.store).await, "Hồ Văn Giữ"));
}
