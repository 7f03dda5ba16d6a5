//! A week's paper book entered after the fact, in any order, gives the figures the same week gave
//! entered as it happened; and a step dated before what it follows is refused, so no index moves
//! by entering a date in the wrong order. Real SQLite files, the store's own API.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use thanthien::store::{Store, StoreError};
use thanthien_core::camera::{parse_items, CameraInput};
use thanthien_core::feedback::{FeedbackInput, Notice, Status};
use thanthien_core::report::{rows, Row};
use thanthien_core::summary::Week;
use thanthien_core::time::vietnam;
use thanthien_core::visit::{FinishInput, InputError, Moment, Outcome, RatingReason, VisitInput};
use uuid::Uuid;

/// A wall-clock time of week 48 of 2026 (Monday 23/11 to Sunday 29/11), in Vietnam.
fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    vietnam().with_ymd_and_hms(2026, 11, day, h, m, 0).unwrap().with_timezone(&Utc)
}

fn week() -> Week {
    Week::try_from("2026-W48".to_owned()).unwrap()
}

const PASS: &str = "live=pass,recording=pass,clock=pass,retention=pass,signage=pass";
const BROKEN: &str = "live=pass,recording=fail,clock=pass,retention=pass,signage=pass";

/// One line of the book, as the office wrote it.
enum Line {
    Camera,
    Check(DateTime<Utc>, &'static str),
    Arrive(usize, DateTime<Utc>, &'static str, &'static str, u8),
    Call(usize, DateTime<Utc>),
    Finish(usize, DateTime<Utc>, FinishInput),
    Rate(usize, DateTime<Utc>, u8, Vec<RatingReason>),
    Return(usize, DateTime<Utc>),
    Letter(usize, DateTime<Utc>, &'static str),
    Moved(usize, DateTime<Utc>, Status),
    Answer(usize, DateTime<Utc>),
}

fn book() -> Vec<Line> {
    use Line::*;
    let dossier = FinishInput {
        appointment: NaiveDate::from_ymd_opt(2026, 11, 26),
        appointment_reason: Some("Hẹn theo sổ tiếp nhận".into()),
        ..FinishInput::new(Outcome::DossierReceived)
    };
    let guided = FinishInput {
        guidance: Some("Thiếu bản sao giấy khai sinh".into()),
        ..FinishInput::new(Outcome::Guided)
    };
    vec![
        Camera,
        Arrive(0, at(23, 8, 0), "Nguyễn Thị Ánh", "Đăng ký khai sinh", 1),
        Check(at(23, 8, 5), PASS),
        Call(0, at(23, 8, 10)),
        Finish(0, at(23, 8, 25), FinishInput::new(Outcome::Resolved)),
        Rate(0, at(23, 8, 26), 5, vec![]),
        Letter(0, at(23, 9, 0), "recommendation"),
        Arrive(1, at(23, 9, 0), "Trần Văn Bình", "Chứng thực bản sao", 2),
        Call(1, at(23, 9, 30)),
        Finish(1, at(23, 9, 40), guided),
        Rate(1, at(23, 9, 41), 2, vec![RatingReason::WaitingTime]),
        Check(at(24, 8, 0), BROKEN),
        Letter(1, at(24, 10, 0), "complaint"),
        Arrive(2, at(24, 14, 0), "Lê Thị Cúc", "Đăng ký kết hôn", 3),
        Call(2, at(24, 14, 5)),
        Finish(2, at(24, 14, 20), dossier),
        Check(at(24, 14, 0), PASS),
        Moved(1, at(25, 9, 0), Status::Accepted),
        Answer(0, at(25, 10, 0)),
        Return(2, at(26, 10, 0)),
        Arrive(3, at(27, 16, 30), "Phạm Văn Dũng", "Đăng ký khai sinh", 1),
    ]
}

/// What each line refers to once entered: visits, feedback items, the camera.
#[derive(Default)]
struct Ids {
    visits: [Uuid; 4],
    letters: [Uuid; 2],
    camera: Uuid,
}

async fn enter(store: &Store, line: &Line, ids: &mut Ids) {
    let camera_since = at(23, 7, 0);
    match line {
        Line::Camera => {
            let input = CameraInput { name: "Camera quầy 1".into(), counter: Some(1), ..Default::default() };
            ids.camera = store.list_camera(None, input, camera_since).await.unwrap().id;
        }
        Line::Check(t, items) => {
            store.check_camera(ids.camera, parse_items(items).unwrap(), false, None, None, *t).await.unwrap();
        }
        Line::Arrive(i, t, name, procedure, trip) => {
            let input = VisitInput {
                name: (*name).into(),
                procedure: Some((*procedure).into()),
                trip: Some(*trip),
                ..Default::default()
            };
            ids.visits[*i] = store.record_visit(input, *t).await.unwrap().id;
        }
        Line::Call(i, t) => {
            store.call_visit(ids.visits[*i], "Lê Thị Hoa".into(), 1, *t).await.unwrap();
        }
        Line::Finish(i, t, input) => {
            store.finish_visit(ids.visits[*i], input.clone(), *t).await.unwrap();
        }
        Line::Rate(i, t, level, reasons) => {
            store.rate_visit(ids.visits[*i], *level, reasons.clone(), *t).await.unwrap();
        }
        Line::Return(i, t) => {
            store.return_result(ids.visits[*i], *t).await.unwrap();
        }
        Line::Letter(i, t, kind) => {
            let input = FeedbackInput {
                channel: "box".into(),
                kind: (*kind).into(),
                content: "Đề nghị lắp đèn đường vào trụ sở.".into(),
                ..Default::default()
            };
            ids.letters[*i] = store.record_feedback(input, *t).await.unwrap().id;
        }
        Line::Moved(i, t, status) => {
            store.set_feedback_status(ids.letters[*i], *status, None, None, *t).await.unwrap();
        }
        Line::Answer(i, t) => {
            let reply = "Đã lắp đèn.".to_owned();
            store.answer_feedback(ids.letters[*i], "Lê Thị Hoa".into(), Notice::Letter, reply, *t).await.unwrap();
        }
    }
}

async fn this_week(store: &Store) -> Vec<Row> {
    let summary = store.weekly_summary(week(), Utc::now()).await.unwrap();
    rows(&summary)
}

#[tokio::test]
async fn a_paper_book_entered_after_the_fact_gives_the_figures_of_the_week_entered_live() {
    let (live, paper) = (common::desk().await, common::desk().await);
    let mut ids = Ids::default();
    for line in &book() {
        enter(&live.store, line, &mut ids).await;
    }
    // The same book typed on Monday of the next week: the camera first (with its day of
    // service), then every arrival and letter, then the rest from the last page back.
    let mut ids = Ids::default();
    let lines = book();
    let starts = |l: &&Line| matches!(l, Line::Camera | Line::Arrive(..) | Line::Letter(..));
    for line in lines.iter().filter(starts) {
        enter(&paper.store, line, &mut ids).await;
    }
    let mut rest: Vec<&Line> = lines.iter().filter(|l| !starts(l)).collect();
    // Within one visit or letter the steps keep their order; across them the book is read back.
    rest.sort_by_key(|l| match l {
        Line::Call(i, _) | Line::Finish(i, ..) | Line::Rate(i, ..) | Line::Return(i, _) => 10 - *i as i64,
        Line::Moved(i, ..) | Line::Answer(i, _) => 20 - *i as i64,
        _ => 30,
    });
    for line in rest {
        enter(&paper.store, line, &mut ids).await;
    }
    let (a, b) = (this_week(&live.store).await, this_week(&paper.store).await);
    assert_eq!(a, b);
    let line = |label: &str| a.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("{label}: {a:#?}"));
    // Worked out by hand from the book.
    use thanthien_core::report::Figure::*;
    assert_eq!(line("Tổng số lượt").this_week, Count(4));
    assert_eq!(line("Chưa kết thúc khi hết tuần").this_week, Count(1));
    assert_eq!(line("Tỷ lệ lượt đã kết thúc được đánh giá").this_week.text(), "66,7 %");
    // Waits 10, 30, 5 minutes: median 10. Services 15, 10, 15: median 15.
    let waiting = a.iter().find(|r| r.section == "Thời gian chờ" && r.label == "Trung vị").unwrap();
    assert_eq!(waiting.this_week.text(), "10 phút");
    assert_eq!(line("Lê Thị Hoa: tỷ lệ hài lòng").this_week.text(), "chưa đủ mẫu (2 lượt)");
    assert_eq!(line("Thời gian chờ").this_week, Count(1), "one low rating gave the waiting time");
    assert_eq!(line("Trả đúng hẹn").this_week, Count(1));
    assert_eq!(line("Giải quyết đúng hạn").this_week, Count(1));
    assert_eq!(line("Đang giải quyết, chưa quá hạn").this_week, Count(1));
    // Checked Monday morning, Tuesday morning and afternoon: the other seven shifts were missed
    // (Friday 27/11 included), from the camera's day of service on.
    assert_eq!(line("Ca bỏ lỡ kiểm tra").this_week, Count(7));
    assert_eq!(line("Camera quầy 1: ca chiều 23/11/2026").this_week, Count(1));
    assert_eq!(line("Camera quầy 1: 08:00 24/11/2026 – 14:00 24/11/2026").this_week.text(), "6 giờ");
}

#[tokio::test]
async fn a_step_dated_before_what_it_follows_is_refused_and_moves_no_figure() {
    let desk = common::desk().await;
    let store = &desk.store;
    let mut ids = Ids::default();
    for line in book().iter().take(6) {
        enter(store, line, &mut ids).await;
    }
    let before = this_week(store).await;
    fn refused<T>(r: Result<T, StoreError>) -> Vec<InputError> {
        match r {
            Err(StoreError::Invalid(e)) => e,
            Err(other) => panic!("expected a refusal, got {other:?}"),
            Ok(_) => panic!("expected a refusal, it was recorded"),
        }
    }
    // A citizen called one minute before arriving.
    let visit = store.record_visit(VisitInput { name: "Đỗ Văn Em".into(), ..Default::default() }, at(23, 10, 0)).await;
    let visit = visit.unwrap().id;
    let e = refused(store.call_visit(visit, "Lê Thị Hoa".into(), 1, at(23, 9, 59)).await);
    assert!(matches!(e[0], InputError::StepBeforeStart { step: Moment::Call, follows: Moment::Arrival, .. }));
    assert!(e[0].to_string().contains("09:59 23/11/2026") && e[0].to_string().contains("10:00 23/11/2026"));
    // Finished before the call; rated before the finish.
    store.call_visit(visit, "Lê Thị Hoa".into(), 1, at(23, 10, 20)).await.unwrap();
    refused(store.finish_visit(visit, FinishInput::new(Outcome::Resolved), at(23, 10, 15)).await);
    store.finish_visit(visit, FinishInput::new(Outcome::Resolved), at(23, 10, 30)).await.unwrap();
    refused(store.rate_visit(visit, 5, vec![], at(23, 10, 29)).await);
    // A letter answered before it came, and a camera checked before its service began.
    let letter = FeedbackInput {
        channel: "email".into(),
        kind: "recommendation".into(),
        content: "Xin hướng dẫn thủ tục.".into(),
        ..Default::default()
    };
    let letter = store.record_feedback(letter, at(24, 9, 0)).await.unwrap().id;
    let e = refused(
        store.answer_feedback(letter, "Lê Thị Hoa".into(), Notice::Email, "Đã hướng dẫn.".into(), at(24, 8, 0)).await,
    );
    assert!(matches!(e[0], InputError::StepBeforeStart { follows: Moment::Receipt, .. }));
    let e = refused(store.check_camera(ids.camera, parse_items(PASS).unwrap(), false, None, None, at(23, 6, 59)).await);
    assert!(matches!(e[0], InputError::StepBeforeStart { follows: Moment::CameraService, .. }));
    // The refusals wrote nothing: only the new visit and the new letter count.
    let after = this_week(store).await;
    let total = |rows: &[Row]| rows.iter().find(|r| r.label == "Tổng số lượt").map(|r| r.this_week);
    use thanthien_core::report::Figure::Count;
    assert_eq!((total(&before), total(&after)), (Some(Count(1)), Some(Count(2))));
    let on_time = |rows: &[Row]| rows.iter().find(|r| r.label == "Giải quyết đúng hạn").map(|r| r.this_week);
    assert_eq!(on_time(&after), Some(Count(0)), "an answer dated before the letter counts for nothing");
}

#[tokio::test]
async fn a_pulled_step_dated_before_its_visit_arrived_is_kept_but_not_counted() {
    use thanthien_core::event::{Event, EventBody};
    use thanthien_core::visit::{Counter, VisitCalled, VisitChange};
    use thanthien_core::wire::PulledEvent;
    use thanthien_core::Hlc;
    let desk = common::desk().await;
    let store = &desk.store;
    let visit = store.record_visit(VisitInput { name: "Đỗ Văn Em".into(), ..Default::default() }, at(23, 10, 0)).await;
    let visit = visit.unwrap();
    // Another PC of the commune says it called the citizen an hour before the arrival.
    let other = Uuid::now_v7();
    let call = |seq: i64, called_at| {
        let body = EventBody::Visit(VisitChange::Called(VisitCalled {
            called_at,
            official: "Lê Thị Hoa".to_owned().try_into().unwrap(),
            counter: Counter::try_from(1u8).unwrap(),
        }));
        let hlc = Hlc { wall_ms: Utc::now().timestamp_millis() as u64 + seq as u64, counter: 0, device: other };
        let event = Event::new("", other, seq, hlc, visit.id, &body, None);
        PulledEvent { cursor: seq, event }
    };
    let pulled = [call(1, at(23, 9, 0)), call(2, at(23, 10, 5))];
    assert_eq!(store.apply_pulled(&pulled, 2).await.unwrap(), 2, "both kept in the log");
    let seen = store.visit(visit.id).await.unwrap().unwrap();
    assert_eq!((seen.calls, seen.waiting_secs), (1, Some(5 * 60)), "only the call after the arrival counts");
    assert_eq!(store.events().await.unwrap().len(), 3);
}
