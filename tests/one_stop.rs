//! The one-stop desk's paper and the chairman's reception days across the real province server
//! and two PCs: the slips' wording the province publishes reaches every PC's slips.

mod common;

use common::Province;
use sqlx::PgPool;
use thanthien::store::StoreError;
use thanthien::sync::Client;
use thanthien_core::slip::{SlipForm, SlipWording};
use thanthien_core::visit::InputError;
use thanthien_core::visit::{FinishInput, Outcome, VisitInput};

#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_slips_follow_the_wording_the_province_publishes(pool: PgPool) {
    use thanthien_core::wire::ReferenceKind;
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let desk = common::desk().await;
    let client = Client::new();
    let url = format!("http://{}", province.addr);
    client.enroll(&desk.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    let store = desk.store.by("lan.nt");
    let now = chrono::Utc::now();
    let input = VisitInput { name: "Phạm Thị Mẫu".into(), procedure: Some("HT-12".into()), ..Default::default() };
    let id = store.record_visit(input, now).await.unwrap().id;
    store.finish_visit(id, FinishInput::new(Outcome::DossierReceived), now).await.unwrap();
    let before = desk.store.slip(id, SlipForm::Receipt).await.unwrap();
    assert_eq!(before.basis, thanthien_core::slip::BASIS_2018);
    assert_eq!(before.office, "UBND XÃ 26734", "the commune the PC is enrolled in");

    // A province that follows newer forms publishes their words; a body that does not read as
    // the slips' wording is refused before it is published.
    let mut newer = SlipWording::default();
    newer.receipt.number = "Mẫu số 01/TTHC".into();
    newer.receipt.basis = "Ban hành kèm theo Thông tư số 99/2030/TT-VPCP".into();
    let body = serde_json::to_string(&newer).unwrap();
    assert!(thanthien_province::db::publish_reference(&pool, ReferenceKind::Slips, r#"{"unit": "x"}"#).await.is_err());
    thanthien_province::db::publish_reference(&pool, ReferenceKind::Slips, &body).await.unwrap();
    assert_eq!(client.sync_once(&desk.store).await.unwrap().reference, 1);
    let after = desk.store.slip(id, SlipForm::Receipt).await.unwrap();
    assert_eq!(
        (after.number.as_str(), after.basis.as_str()),
        ("Mẫu số 01/TTHC", "Ban hành kèm theo Thông tư số 99/2030/TT-VPCP")
    );
    assert_eq!(after.lines, before.lines, "the words change, not the dossier's facts");
    province.stop();
}

/// Local noon of `day`, as a moment the desk records at.
fn noon(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    thanthien_core::time::day_bounds(day).0 + chrono::Duration::hours(12)
}

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn reception_days_across_tet_two_pcs_the_summary_and_the_province(pool: PgPool) {
    use thanthien_core::approval::WeekAction;
    use thanthien_core::reception::{ReceptionWeek, ScheduleInput, Session};
    use thanthien_core::summary::Week;
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let (a, b) = (common::desk().await, common::desk().await);
    let client = Client::new();
    let url = format!("http://{}", province.addr);
    for pc in [&a, &b] {
        client.enroll(&pc.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    }
    let desk_a = a.store.by("lan.nt");
    let chairman = "Chủ tịch UBND Nguyễn Văn An";

    // Every Thursday from the new year; a schedule missing who, when and where is refused whole.
    let refused = desk_a.schedule_reception(ScheduleInput::default()).await.unwrap_err();
    assert!(matches!(&refused, StoreError::Invalid(e) if e.len() == 4), "{refused:?}");
    let thursdays = ScheduleInput {
        receiver: chairman.into(),
        weekday: Some("thứ 5".into()),
        from: Some(date("2026-01-01")),
        hours: "07:30-11:30".into(),
        place: "Phòng tiếp công dân UBND xã".into(),
        ..Default::default()
    };
    let listed = desk_a.schedule_reception(thursdays).await.unwrap();

    // Tết 2026 (16–20/2): its Thursday 19/2 owes nothing, and the week meets the law with none.
    let today = date("2026-03-13");
    let tet = Week::of_day(date("2026-02-19"));
    let figures = a.store.reception_week(tet, today).await.unwrap();
    assert_eq!(figures, ReceptionWeek { minimum_met: true, ..Default::default() });

    // 12/2 held, with a petition that goes to the feedback register; 26/2 not held, and why.
    let petition = "Đề nghị sửa đường liên thôn 3";
    let held = desk_a
        .hold_reception(
            date("2026-02-12"),
            chairman,
            3,
            "Đường giao thông; đất đai",
            vec![petition.into()],
            noon(date("2026-02-12")),
        )
        .await
        .unwrap();
    let Session::Held { feedback, .. } = &held else { panic!("{held:?}") };
    assert_eq!(feedback.len(), 1);
    let register = a.store.feedback_register(today).await.unwrap();
    let item = register.iter().find(|f| f.id == feedback[0]).expect("the petition is in the register");
    assert_eq!(item.content, petition);
    desk_a.skip_reception(date("2026-02-26"), "Chủ tịch họp tại tỉnh", noon(date("2026-02-26"))).await.unwrap();
    // A day ahead of its record is refused: a step never precedes what it follows.
    let early = desk_a.skip_reception(date("2026-03-19"), "Mưa bão", noon(date("2026-03-12"))).await.unwrap_err();
    assert!(matches!(&early, StoreError::Invalid(e) if e == &[InputError::ReceptionDayAhead]), "{early:?}");

    let week_of = |d: &str| Week::of_day(date(d));
    let held_week = a.store.reception_week(week_of("2026-02-12"), today).await.unwrap();
    assert_eq!(
        held_week,
        ReceptionWeek { scheduled: 1, held: 1, not_held: 0, unrecorded: 0, citizens: 3, minimum_met: true }
    );
    let skipped_week = a.store.reception_week(week_of("2026-02-26"), today).await.unwrap();
    assert_eq!((skipped_week.scheduled, skipped_week.not_held, skipped_week.minimum_met), (1, 1, false));

    // The other PC converges on the schedule and the records; the same day recorded on both
    // while apart ends as the later record everywhere.
    client.sync_once(&a.store).await.unwrap();
    client.sync_once(&b.store).await.unwrap();
    assert_eq!(b.store.reception_schedules().await.unwrap(), std::slice::from_ref(&listed));
    assert_eq!(b.store.reception_week(week_of("2026-02-12"), today).await.unwrap(), held_week);
    let desk_b = b.store.by("hung.lv");
    desk_a.skip_reception(date("2026-03-05"), "Mưa bão", noon(date("2026-03-05"))).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    desk_b.hold_reception(date("2026-03-05"), chairman, 0, "", vec![], noon(date("2026-03-05"))).await.unwrap();
    for pc in [&a, &b, &a] {
        client.sync_once(&pc.store).await.unwrap();
    }
    for pc in [&a, &b] {
        let days = pc.store.reception_sessions(date("2026-03-05"), date("2026-03-05")).await.unwrap();
        assert!(matches!(days[..], [ref r] if matches!(r.session, Session::Held { citizens: 0, .. })), "{days:?}");
    }

    // The weekly summary shows the counts; the approved week carries them to the province, with
    // no name in them.
    let week = week_of("2026-02-12");
    let now = chrono::Utc::now();
    let summary = a.store.weekly_summary(week, now).await.unwrap();
    assert_eq!(summary.this_week.reception, held_week);
    let rows = thanthien_core::report::rows(&summary);
    let line = rows.iter().find(|r| r.label == "Công dân được tiếp").expect("the summary's line");
    assert_eq!(line.this_week, thanthien_core::report::Figure::Count(3));
    let head = a.store.by("hung.lv");
    head.step_week(week, WeekAction::Submit, now).await.unwrap();
    head.step_week(week, WeekAction::Approve, now).await.unwrap();
    client.sync_once(&a.store).await.unwrap();
    let (figures,): (serde_json::Value,) =
        sqlx::query_as("SELECT figures FROM week_summary WHERE commune_code = '26734' AND week = $1")
            .bind(week.to_string())
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(figures["reception"]["held"], 1);
    assert_eq!(figures["reception"]["citizens"], 3);
    assert!(!figures.to_string().contains("Nguyễn Văn An"), "counts only: {figures}");

    // The board lists the coming days; ending the schedule takes them off.
    let board = a.store.board(now).await.unwrap();
    assert!(!board.reception.is_empty() && board.reception.iter().all(|d| d.receiver == chairman));
    desk_a.end_reception_schedule(listed.id).await.unwrap();
    assert!(a.store.board(now).await.unwrap().reception.is_empty());
    assert_eq!(
        a.store.reception_week(week_of("2026-02-12"), today).await.unwrap(),
        held_week,
        "past weeks keep their due"
    );
    province.stop();
}
