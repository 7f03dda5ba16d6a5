//! A week's approval on real stores and the real province server: submit only once the week is
//! over, approve and lock, a late paper-book entry shown as an amendment, reopen with a reason,
//! and the approved figures (no personal data) at the province.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::Province;
use sqlx::PgPool;
use thanthien::store::StoreError;
use thanthien::sync::Client;
use thanthien_core::approval::{ApprovalStatus, WeekAction};
use thanthien_core::report::Figure;
use thanthien_core::report::AMENDMENTS;
use thanthien_core::summary::Week;
use thanthien_core::visit::{InputError, VisitInput};

fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<InputError> {
    match r {
        Err(StoreError::Invalid(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn visit(name: &str) -> VisitInput {
    VisitInput { name: name.into(), phone: Some("0912345678".into()), ..Default::default() }
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn an_approved_week_is_locked_amended_visibly_and_reaches_the_province(pool: PgPool) {
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let (head_pc, desk_pc) = (common::desk().await, common::desk().await);
    let client = Client::new();
    let url = format!("http://{}", province.addr);
    for d in [&head_pc, &desk_pc] {
        client.enroll(&d.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    }
    let now = Utc::now();
    let last = Week::of(now).previous();
    let tuesday: DateTime<Utc> = last.bounds().0 + Duration::hours(26);
    let desk = desk_pc.store.by("lan.nt");
    for name in ["Nguyễn Văn An", "Trần Thị Bình"] {
        desk.record_visit(visit(name), tuesday).await.unwrap();
    }
    client.sync_once(&desk_pc.store).await.unwrap();
    client.sync_once(&head_pc.store).await.unwrap();

    let head = head_pc.store.by("hung.lv");
    // Not before it is submitted; not while the week runs.
    assert_eq!(refusal(head.step_week(last, WeekAction::Approve, now).await), [InputError::ApprovalStepInvalid]);
    let this = Week::of(now);
    assert_eq!(refusal(head.step_week(this, WeekAction::Submit, now).await), [InputError::ApprovalStepInvalid]);
    head.step_week(last, WeekAction::Submit, now).await.unwrap();
    let approved = head.step_week(last, WeekAction::Approve, now).await.unwrap();
    assert_eq!(approved.approval.status, ApprovalStatus::Approved);
    assert_eq!(approved.this_week.visits.total, 2);
    assert!(approved.amendments.is_empty());
    assert_eq!(approved.approval.steps.iter().map(|s| s.by.as_deref()).collect::<Vec<_>>(), [Some("hung.lv"); 2]);

    // A paper-book visit of that Tuesday, entered on the other PC after the approval.
    desk.record_visit(visit("Phạm Văn Tư"), tuesday + Duration::hours(1)).await.unwrap();
    client.sync_once(&head_pc.store).await.unwrap();
    client.sync_once(&desk_pc.store).await.unwrap();
    client.sync_once(&head_pc.store).await.unwrap();
    for store in [&head_pc.store, &desk_pc.store] {
        let s = store.weekly_summary(last, Utc::now()).await.unwrap();
        assert_eq!(s.approval.status, ApprovalStatus::Approved, "both PCs see the lock");
        assert_eq!(s.this_week.visits.total, 2, "the approved figures stand");
        let total = s.amendments.iter().find(|a| a.label == "Tổng số lượt").expect("flagged");
        assert_eq!((total.approved, total.now), (Some(Figure::Count(2)), Some(Figure::Count(3))));
    }
    // Every export flags it too: the approved line, and the change beside it.
    let amended = head_pc.store.weekly_summary(last, Utc::now()).await.unwrap();
    let csv = thanthien_core::report::to_csv(&amended);
    assert!(csv.contains(&format!("{},Chỉ tiêu,Đã duyệt,Hiện nay", AMENDMENTS)), "{csv}");
    assert!(csv.contains("Lượt tiếp dân,Tổng số lượt,2,3\r\n"), "{csv}");
    let pdf = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pdf.path(), thanthien::report::pdf(&amended, "UBND phường").unwrap()).unwrap();
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(pdf.path()).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Trạng thái: Đã duyệt (khóa)")
            && text.contains("1 dòng thay đổi") == (amended.amendments.len() == 1),
        "{text}"
    );
    assert!(text.contains("Sửa đổi sau khi duyệt"), "{text}");
    let xlsx = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(xlsx.path(), thanthien::report::xlsx(&amended).unwrap()).unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(xlsx.path()).unwrap();
    let sheet = book.worksheet_range(&format!("Tuần {last}")).unwrap();
    let status = sheet.get_value((1, 0)).map(|v| v.to_string()).unwrap_or_default();
    assert!(status.starts_with("Trạng thái: Đã duyệt (khóa)"), "{status}");
    let flagged = sheet.rows().position(|r| r.first().is_some_and(|c| *c == AMENDMENTS));
    assert!(flagged.is_some(), "the spreadsheet has the amendments' table");

    // The province holds the approved figures, with no citizen's name or phone in them.
    let weeks = thanthien_province::db::week_summaries(&pool, Some(&last.to_string()), None).await.unwrap();
    assert_eq!(weeks.len(), 1);
    let w = &weeks[0];
    assert_eq!(
        (w.commune_code.as_str(), w.status.as_str(), w.approvals, w.approved_by.as_deref()),
        ("26734", "approved", 1, Some("hung.lv"))
    );
    let figures = w.figures.as_ref().unwrap().to_string();
    assert!(figures.contains("\"total\":2"), "{figures}");
    assert!(!figures.contains("Nguyễn Văn An") && !figures.contains("0912345678"));

    // Reopening needs a reason; approving again takes the late visit in, as an amended summary.
    let reopen = |reason: &str| WeekAction::Reopen { reason: reason.into() };
    assert_eq!(refusal(head.step_week(last, reopen(" "), Utc::now()).await), [InputError::ReopenReasonMissing]);
    let reopened = head.step_week(last, reopen("Nhập bổ sung sổ giấy ngày thứ Ba"), Utc::now()).await.unwrap();
    assert_eq!((reopened.approval.status, reopened.this_week.visits.total), (ApprovalStatus::Draft, 3));
    head.step_week(last, WeekAction::Submit, Utc::now()).await.unwrap();
    let again = head.step_week(last, WeekAction::Approve, Utc::now()).await.unwrap();
    assert_eq!((again.approval.approvals, again.amendments.len()), (2, 0));
    client.sync_once(&head_pc.store).await.unwrap();
    let weeks = thanthien_province::db::week_summaries(&pool, Some(&last.to_string()), Some("26734")).await.unwrap();
    assert_eq!((weeks[0].approvals, weeks[0].figures.as_ref().unwrap()["visits"]["total"].as_u64()), (2, Some(3)));

    // The province accepts it; both PCs learn it by sync, and the commune can no longer reopen it.
    let this_week = Week::of(Utc::now());
    assert!(thanthien_province::db::accept_week(&pool, "26734", this_week).await.is_err(), "a draft is not accepted");
    thanthien_province::db::accept_week(&pool, "26734", last).await.unwrap();
    assert!(thanthien_province::db::accept_week(&pool, "26734", last).await.is_err(), "accepted once");
    for d in [&head_pc, &desk_pc] {
        client.sync_once(&d.store).await.unwrap();
        let s = d.store.weekly_summary(last, Utc::now()).await.unwrap();
        assert_eq!((s.approval.status, s.approval.label.as_str()), (ApprovalStatus::Accepted, "Tỉnh đã nhận"));
        assert_eq!(s.approval.steps.last().and_then(|s| s.by.as_deref()), Some("province"));
    }
    assert_eq!(refusal(head.step_week(last, reopen("muộn"), Utc::now()).await), [InputError::ApprovalStepInvalid]);
    let weeks = thanthien_province::db::week_summaries(&pool, Some(&last.to_string()), None).await.unwrap();
    assert_eq!((weeks[0].status.as_str(), weeks[0].approvals), ("accepted", 2));
    // A PC enrolled after the province wrote for the commune still gets the next ticket series.
    let late = common::desk().await;
    client.enroll(&late.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    let (number,): (Option<i32>,) = sqlx::query_as("SELECT device_number FROM device WHERE id = $1")
        .bind(late.store.device_id())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(number, Some(3), "the province's own device takes no series letter");
    province.stop();
}

/// The weeks whose figures the store holds, read from its file.
async fn stored_weeks(store: &thanthien::store::Store) -> Vec<String> {
    let options = thanthien::store::cipher::options_for(store.path()).await.unwrap();
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
    let weeks = sqlx::query_scalar("SELECT week FROM stored_week ORDER BY week").fetch_all(&pool).await.unwrap();
    pool.close().await;
    weeks
}

#[tokio::test]
async fn an_ended_weeks_figures_are_stored_and_forgotten_by_what_can_change_them() {
    let desk = common::desk().await;
    let store = desk.store.by("lan.nt");
    let now = Utc::now();
    let (earlier, last) = (Week::of(now).previous().previous(), Week::of(now).previous());
    let tuesday = |week: Week| week.bounds().0 + Duration::hours(26);
    let first = store.record_visit(visit("Nguyễn Văn An"), tuesday(earlier)).await.unwrap();
    store.record_visit(visit("Trần Thị Bình"), tuesday(last)).await.unwrap();
    let names = |weeks: &[Week]| weeks.iter().map(Week::to_string).collect::<Vec<_>>();

    // Read once they ended: both weeks computed, then stored; the open week never is.
    let summary = store.weekly_summary(last, now).await.unwrap();
    assert_eq!((summary.this_week.visits.total, summary.last_week.visits.total), (1, 1));
    store.weekly_summary(Week::of(now), now).await.unwrap();
    assert_eq!(stored_weeks(&store).await, names(&[earlier, last]));

    // Today's visit changes neither.
    store.record_visit(visit("Lê Văn Cường"), now).await.unwrap();
    assert_eq!(stored_weeks(&store).await, names(&[earlier, last]));
    // A paper-book visit of last Tuesday changes last week alone, which is computed afresh.
    store.record_visit(visit("Phạm Văn Tư"), tuesday(last) + Duration::hours(1)).await.unwrap();
    assert_eq!(stored_weeks(&store).await, names(&[earlier]));
    assert_eq!(store.weekly_summary(last, now).await.unwrap().this_week.visits.total, 2);
    assert_eq!(stored_weeks(&store).await, names(&[earlier, last]));

    // Called today, a visit of the week before counts in that week: it and every week after it
    // are forgotten, and the call is in the figures read next.
    store.call_visit(first.id, "Lê Thị Hoa".into(), 1, now).await.unwrap();
    assert_eq!(stored_weeks(&store).await, Vec::<String>::new());
    let summary = store.weekly_summary(last, now).await.unwrap();
    assert_eq!(summary.last_week.visits.total, 1);
    assert_eq!(summary.last_week.visits.per_official.get("Lê Thị Hoa"), Some(&1));
}
