//! The rating window's counterpart on a real store: one pending request, one rating per visit.

mod common;

use chrono::Utc;
use thanthien::rating::RatingDesk;
use thanthien::store::StoreError;
use thanthien_core::visit::{FinishInput, InputError, Outcome, RatingReason, VisitInput};

fn refusal<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<InputError> {
    match r {
        Err(StoreError::Invalid(e)) => e,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_rating_window_answers_only_the_pending_request_once() {
    let desk = common::desk().await;
    let s = &desk.store;
    let ratings = RatingDesk::default();
    let id =
        s.record_visit(VisitInput { name: "Lý Thị Mai".into(), ..Default::default() }, Utc::now()).await.unwrap().id;
    assert_eq!(refusal(ratings.request(s, id).await), [InputError::NotFinished]);
    assert_eq!(refusal(ratings.submit(5, vec![]).await), [InputError::NoRatingRequested]);

    s.call_visit(id, "Trần Văn Nam".into(), 1, Utc::now()).await.unwrap();
    s.finish_visit(id, FinishInput::new(Outcome::Resolved), Utc::now()).await.unwrap();
    let request = ratings.request(s, id).await.unwrap();
    assert_eq!((request.visit_id, request.official.as_deref()), (id, Some("Trần Văn Nam")));

    // Reasons with a high level are refused and the request stays for another try.
    assert_eq!(
        refusal(ratings.submit(5, vec![RatingReason::Attitude]).await),
        [InputError::ReasonsOnlyWhenDissatisfied]
    );
    assert_eq!(ratings.current().map(|r| r.visit_id), Some(id));
    let rated = ratings.submit(2, vec![RatingReason::WaitingTime]).await.unwrap();
    assert_eq!(rated.rating, Some(2));
    assert_eq!(ratings.current(), None);
    assert_eq!(refusal(ratings.request(s, id).await), [InputError::AlreadyRated]);
}
