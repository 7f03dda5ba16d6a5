//! The province server's API against a real PostgreSQL (`#[sqlx::test]`: a fresh database each).

mod common;

use chrono::{Duration, TimeZone, Utc};
use flate2::write::GzEncoder;
use sqlx::PgPool;
use std::io::Write;
use thanthien_core::event::{Event, EventBody};
use thanthien_core::visit::VisitChange;
use thanthien_core::wire::{
    ApiError, ApiErrorCode, PullResponse, PushRequest, PushResponse, PushStatus, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use thanthien_core::Hlc;
use uuid::Uuid;

/// An arrival at 09:00 on 26/11/2026, Vietnam time.
fn visit_event(commune: &str, device: Uuid, seq: i64, name: &str) -> Event {
    let mut event = common::arrival(commune, device, seq, name);
    event.payload["arrived_at"] = serde_json::json!("2026-11-26T02:00:00Z");
    event
}

/// A push as a protocol 1.0 desk sends it, whose answer lists every event's result.
async fn push(s: &common::Server, token: &str, events: &[Event]) -> PushResponse {
    push_speaking(s, token, events, common::FULL_ANSWER).await
}

async fn push_speaking(s: &common::Server, token: &str, events: &[Event], protocol: &str) -> PushResponse {
    let body = serde_json::to_vec(&PushRequest { events: events.to_vec() }).unwrap();
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let response = s
        .http
        .post(format!("{}/v1/sync/push", s.base))
        .header(PROTOCOL_HEADER, protocol)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gz.finish().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    response.json().await.unwrap()
}

async fn pull(s: &common::Server, token: &str, after: i64) -> PullResponse {
    let response = s
        .http
        .get(format!("{}/v1/sync/pull?after={after}&limit=100", s.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn count(pool: &PgPool, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.unwrap();
    n
}

async fn error_of(response: reqwest::Response) -> (u16, ApiErrorCode) {
    let status = response.status().as_u16();
    let error: ApiError = response.json().await.unwrap();
    (status, error.code)
}

#[sqlx::test(migrations = "./migrations")]
async fn health_answers(pool: PgPool) {
    let s = common::start(pool).await;
    let text = s.http.get(format!("{}/healthz", s.base)).send().await.unwrap().text().await.unwrap();
    assert_eq!(text, "ok");
}

#[sqlx::test(migrations = "./migrations")]
async fn enrolment_refuses_used_unknown_and_expired_codes(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("26734").await;
    let code = s.code_for("26734", Duration::hours(1)).await;
    // Codes are typed by hand: lower case and no dashes still match.
    let typed = code.replace('-', "").to_lowercase();
    assert_eq!(s.try_enroll(&typed, Uuid::new_v4()).await.status(), 200);
    assert_eq!(
        error_of(s.try_enroll(&code, Uuid::new_v4()).await).await,
        (403, ApiErrorCode::EnrollmentCodeUsed),
        "used"
    );
    assert_eq!(
        error_of(s.try_enroll("ABCD-EFGH-JKMN", Uuid::new_v4()).await).await,
        (403, ApiErrorCode::EnrollmentCodeInvalid),
        "unknown"
    );
    let expired = s.code_for("26734", Duration::minutes(-1)).await;
    assert_eq!(
        error_of(s.try_enroll(&expired, Uuid::new_v4()).await).await,
        (403, ApiErrorCode::EnrollmentCodeExpired),
        "expired"
    );
    assert_eq!(count(&s.pool, "device").await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn only_a_hash_of_the_token_is_stored(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    assert_eq!(token.len(), 64, "256 bits, hex");
    let (stored,): (Vec<u8>,) =
        sqlx::query_as("SELECT token_hash FROM device WHERE id = $1").bind(device).fetch_one(&s.pool).await.unwrap();
    assert_ne!(stored, token.as_bytes());
    assert_eq!(stored, thanthien_province::db::hash_secret(&token));
}

#[sqlx::test(migrations = "./migrations")]
async fn requests_without_a_valid_token_or_protocol_are_refused(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (_, token) = s.device("A").await;
    let no_token =
        s.http.get(format!("{}/v1/sync/pull", s.base)).header(PROTOCOL_HEADER, PROTOCOL_VERSION).send().await.unwrap();
    assert_eq!(error_of(no_token).await, (401, ApiErrorCode::Unauthorized));
    let bad_token = s
        .http
        .get(format!("{}/v1/sync/pull", s.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth("f00")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(bad_token).await, (401, ApiErrorCode::Unauthorized));
    let future = s
        .http
        .get(format!("{}/v1/sync/pull", s.base))
        .header(PROTOCOL_HEADER, "2.0")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(future).await, (426, ApiErrorCode::ProtocolUnsupported));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_revoked_token_is_refused(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    assert!(thanthien_province::db::revoke_device(&s.pool, device).await.unwrap());
    let response = s
        .http
        .get(format!("{}/v1/sync/pull", s.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await, (401, ApiErrorCode::Unauthorized));
}

#[sqlx::test(migrations = "./migrations")]
async fn the_same_batch_twice_is_stored_once(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let batch: Vec<Event> = (1..=3).map(|seq| visit_event("A", device, seq, "Nguyễn Văn A")).collect();
    let first = push(&s, &token, &batch).await;
    assert_eq!(first.acked_through, 3);
    assert!(first.results.iter().all(|r| r.status == PushStatus::Stored));
    let again = push(&s, &token, &batch).await;
    assert_eq!(again.acked_through, 3);
    assert!(again.results.iter().all(|r| r.status == PushStatus::Duplicate), "{:?}", again.results);
    assert_eq!(count(&s.pool, "event").await, 3);
}

#[sqlx::test(migrations = "./migrations")]
async fn same_seq_with_other_content_is_a_kept_and_reported_conflict(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    push(&s, &token, &[visit_event("A", device, 1, "Trần Thị B")]).await;
    let other = visit_event("A", device, 1, "Lê Văn C");
    let answer = push(&s, &token, &[other]).await;
    assert_eq!(answer.results[0].status, PushStatus::Conflict);
    assert_eq!(count(&s.pool, "event").await, 1);
    let (kept,): (serde_json::Value,) =
        sqlx::query_as("SELECT envelope FROM event_conflict").fetch_one(&s.pool).await.unwrap();
    assert_eq!(kept["payload"]["name"], "Lê Văn C");
}

#[sqlx::test(migrations = "./migrations")]
async fn a_gap_stops_the_batch_and_names_the_expected_seq(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let answer = push(&s, &token, &[visit_event("A", device, 1, "An"), visit_event("A", device, 3, "Bình")]).await;
    assert_eq!((answer.acked_through, answer.expected_seq), (1, Some(2)));
    assert_eq!(count(&s.pool, "event").await, 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_invalid_event_is_quarantined_and_the_queue_moves_on(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let mut bad = visit_event("A", device, 1, "An");
    bad.payload["name"] = "   ".into();
    let good = visit_event("A", device, 2, "Bình");
    let answer = push(&s, &token, &[bad, good]).await;
    assert_eq!(answer.acked_through, 2);
    assert_eq!(answer.results[0].status, PushStatus::Rejected);
    assert!(answer.results[0].reason.as_deref().unwrap_or("").contains("không hợp lệ"));
    assert_eq!(answer.results[1].status, PushStatus::Stored);
    assert_eq!((count(&s.pool, "event").await, count(&s.pool, "event_quarantine").await), (1, 1));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_desk_of_protocol_1_1_is_told_only_what_was_not_simply_stored(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let mut bad = visit_event("A", device, 2, "An");
    bad.payload["name"] = "   ".into();
    let batch: Vec<Event> = (1..=200).map(|seq| visit_event("A", device, seq, "Bình")).collect();
    let first = push_speaking(&s, &token, &batch[..1], PROTOCOL_VERSION).await;
    let mut rest = batch[1..].to_vec();
    rest[0] = bad;
    let answer = push_speaking(&s, &token, &rest, PROTOCOL_VERSION).await;
    assert_eq!((first.results.len(), first.stored), (0, Some(1)));
    assert_eq!(answer.acked_through, 200);
    assert_eq!(answer.stored, Some(198));
    assert_eq!(answer.results.len(), 1, "{:?}", answer.results);
    assert_eq!((answer.results[0].seq, answer.results[0].status), (2, PushStatus::Rejected));
    // Sent again, each is a duplicate and listed: the desk counts it settled.
    let again = push_speaking(&s, &token, &batch[..1], PROTOCOL_VERSION).await;
    assert_eq!((again.stored, again.settled()), (Some(0), 1));
    assert_eq!(count(&s.pool, "event").await, 199);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_commune_cannot_push_or_pull_another_communes_events(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    s.commune("B").await;
    let (a1, a1_token) = s.device("A").await;
    let (_a2, a2_token) = s.device("A").await;
    let (b1, b1_token) = s.device("B").await;

    // B's device pretends its event belongs to A: refused, not stored.
    let forged = push(&s, &b1_token, &[visit_event("A", b1, 1, "Giả mạo")]).await;
    assert_eq!(forged.results[0].status, PushStatus::Rejected);
    // Nor may it push under A's device id.
    let spoofed = push(&s, &b1_token, &[visit_event("B", a1, 1, "Giả mạo")]).await;
    assert_eq!(spoofed.results[0].status, PushStatus::Rejected);
    assert_eq!(count(&s.pool, "event").await, 0);

    push(&s, &a1_token, &[visit_event("A", a1, 1, "Dân xã A")]).await;
    let for_a2 = pull(&s, &a2_token, 0).await;
    assert_eq!(for_a2.events.len(), 1);
    assert_eq!(for_a2.events[0].event.payload["name"], "Dân xã A");
    assert!(pull(&s, &a1_token, 0).await.events.is_empty(), "a device does not pull its own events back");
    assert!(pull(&s, &b1_token, 0).await.events.is_empty(), "B sees nothing of A");
}

#[sqlx::test(migrations = "./migrations")]
async fn pull_pages_through_in_server_order(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (a1, a1_token) = s.device("A").await;
    let (_, a2_token) = s.device("A").await;
    let batch: Vec<Event> = (1..=150).map(|seq| visit_event("A", a1, seq, &format!("Khách {seq}"))).collect();
    push(&s, &a1_token, &batch).await;
    let first = pull(&s, &a2_token, 0).await;
    assert_eq!(first.events.len(), 100);
    assert!(first.more);
    let second = pull(&s, &a2_token, first.next_cursor).await;
    assert_eq!(second.events.len(), 50);
    assert!(!second.more);
    let seqs: Vec<i64> = first.events.iter().chain(&second.events).map(|e| e.event.seq).collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<_>>());
}

#[sqlx::test(migrations = "./migrations")]
async fn reference_data_is_checked_when_published_and_served_newest_per_kind(pool: PgPool) {
    use thanthien_core::wire::{ReferenceKind, ReferenceResponse};
    use thanthien_province::db::publish_reference;
    let s = common::start(pool).await;
    s.commune("A").await;
    let (_, token) = s.device("A").await;
    let catalogue = thanthien_core::procedure::STARTER_CATALOGUE;
    let calendar = thanthien_core::calendar::STARTER_CALENDAR;
    assert!(publish_reference(&s.pool, ReferenceKind::Procedures, "{\"procedures\": 7}").await.is_err());
    assert!(
        publish_reference(&s.pool, ReferenceKind::Holidays, catalogue).await.is_err(),
        "a catalogue is no calendar"
    );
    let v1 = publish_reference(&s.pool, ReferenceKind::Procedures, catalogue).await.unwrap();
    let v2 = publish_reference(&s.pool, ReferenceKind::Holidays, calendar).await.unwrap();
    let v3 = publish_reference(&s.pool, ReferenceKind::Procedures, catalogue).await.unwrap();
    let get = |after: i64| {
        s.http
            .get(format!("{}/v1/reference?after={after}", s.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .bearer_auth(&token)
            .send()
    };
    let all: ReferenceResponse = get(0).await.unwrap().json().await.unwrap();
    let mut versions: Vec<(ReferenceKind, i64)> = all.releases.iter().map(|r| (r.kind, r.version)).collect();
    versions.sort();
    assert_eq!(versions, [(ReferenceKind::Procedures, v3), (ReferenceKind::Holidays, v2)]);
    assert!(v1 < v2);
    let newer: ReferenceResponse = get(v3).await.unwrap().json().await.unwrap();
    assert!(newer.releases.is_empty());
    let anonymous =
        s.http.get(format!("{}/v1/reference", s.base)).header(PROTOCOL_HEADER, PROTOCOL_VERSION).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_step_dated_before_its_start_is_quarantined_and_the_queue_goes_on(pool: PgPool) {
    use thanthien_core::visit::{Counter, VisitCalled};
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let arrival = visit_event("A", device, 1, "Nguyễn Thị Ánh");
    let call = |seq: i64, minutes: i64| {
        let body = EventBody::Visit(VisitChange::Called(VisitCalled {
            called_at: Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap() + Duration::minutes(minutes),
            official: "Lê Thị Hoa".to_owned().try_into().unwrap(),
            counter: Counter::try_from(1u8).unwrap(),
        }));
        Event {
            id: Uuid::now_v7(),
            seq,
            hlc: Hlc { wall_ms: 1_000 + seq as u64, counter: 0, device },
            kind: body.kind().into(),
            payload: body.payload(),
            ..arrival.clone()
        }
    };
    // Called one minute before the arrival (same batch), then a good call behind it.
    let answer = push(&s, &token, &[arrival.clone(), call(2, -1), call(3, 10)]).await;
    let statuses: Vec<PushStatus> = answer.results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [PushStatus::Stored, PushStatus::Rejected, PushStatus::Stored]);
    assert_eq!(answer.acked_through, 3, "the bad event does not stop the queue");
    let reason = answer.results[1].reason.clone().unwrap();
    assert!(reason.contains("08:59 26/11/2026") && reason.contains("09:00 26/11/2026"), "{reason}");
    assert_eq!(count(&s.pool, "event_quarantine").await, 1);
    assert_eq!(count(&s.pool, "event").await, 2);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_pull_page_goes_gzipped_to_a_pc_that_accepts_it(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (writer, writer_token) = s.device("A").await;
    let (_, reader_token) = s.device("A").await;
    let events: Vec<Event> =
        (1..=60).map(|seq| visit_event("A", writer, seq, &format!("Nguyễn Thị Người Dân {seq}"))).collect();
    assert_eq!(push(&s, &writer_token, &events).await.acked_through, 60);
    // A client that decompresses nothing by itself, to see the bytes on the wire.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let get = |encoding: &'static str| {
        raw.get(format!("{}/v1/sync/pull?after=0&limit=100", s.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .header("accept-encoding", encoding)
            .bearer_auth(&reader_token)
            .send()
    };
    let plain = get("identity").await.unwrap();
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.unwrap();
    let zipped = get("gzip").await.unwrap();
    assert_eq!(zipped.headers().get("content-encoding").unwrap(), "gzip");
    let zipped = zipped.bytes().await.unwrap();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut unzipped).unwrap();
    let page: PullResponse = serde_json::from_slice(&unzipped).unwrap();
    assert_eq!(page.events.len(), 60);
    assert!(zipped.len() * 4 < plain.len(), "gzip {} bytes against {} plain", zipped.len(), plain.len());
}

#[sqlx::test(migrations = "./migrations")]
async fn at_its_limit_the_server_tells_a_push_when_to_come_back_and_loses_nothing(pool: PgPool) {
    let limits = thanthien_province::api::SyncLimits { at_once: 1, queue_wait: std::time::Duration::from_millis(300) };
    let s = common::start_with(pool, limits).await;
    s.commune("A").await;
    s.commune("B").await;
    let (a, a_token) = s.device("A").await;
    let (b, b_token) = s.device("B").await;
    // The province's own transaction holds commune A: A's push waits on it, holding the one turn.
    let mut hold = s.pool.begin().await.unwrap();
    sqlx::query("SELECT 1 FROM commune WHERE code = 'A' FOR UPDATE").execute(&mut *hold).await.unwrap();
    let waiting = {
        let s = s.clone();
        tokio::spawn(async move { push(&s, &a_token, &[visit_event("A", a, 1, "An")]).await })
    };
    // Until A's push is inside, waiting on the lock.
    for _ in 0.. {
        let (blocked,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM pg_locks WHERE NOT granted").fetch_one(&s.pool).await.unwrap();
        if blocked > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let body = serde_json::to_vec(&PushRequest { events: vec![visit_event("B", b, 1, "Bình")] }).unwrap();
    let response = s
        .http
        .post(format!("{}/v1/sync/push", s.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(&b_token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1, "Retry-After {retry_after}");
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(error.code, ApiErrorCode::Busy);
    assert_eq!(count(&s.pool, "event").await, 0, "nothing stored while turned away");
    // The province lets go: A's push is stored, and B, coming back as told, is stored too.
    hold.rollback().await.unwrap();
    assert_eq!(waiting.await.unwrap().acked_through, 1);
    assert_eq!(push(&s, &b_token, &[visit_event("B", b, 1, "Bình")]).await.acked_through, 1);
    assert_eq!(count(&s.pool, "event").await, 2);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_batch_written_in_one_go_is_still_judged_event_by_event_in_its_order(pool: PgPool) {
    let s = common::start(pool).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let events: Vec<Event> = (1..=6).map(|seq| visit_event("A", device, seq, "Trần Văn Bình")).collect();
    // Seq 4 carries seq 2's id: the second of the two is refused, the ones after it stored.
    let mut batch = events.clone();
    batch[3].id = batch[1].id;
    batch.reverse();
    let answer = push(&s, &token, &batch).await;
    let statuses: Vec<(i64, PushStatus)> = answer.results.iter().map(|r| (r.seq, r.status)).collect();
    use PushStatus::{Rejected, Stored};
    assert_eq!(statuses, [(1, Stored), (2, Stored), (3, Stored), (4, Rejected), (5, Stored), (6, Stored)]);
    assert_eq!(answer.results[3].reason.as_deref(), Some("một sự kiện cùng mã đã được lưu"));
    assert_eq!(answer.acked_through, 6);
    assert_eq!((count(&s.pool, "event").await, count(&s.pool, "event_quarantine").await), (5, 1));
    // Server order is the device's order, whatever order the batch came in.
    let (_, other) = s.device("A").await;
    let page = pull(&s, &other, 0).await;
    let seqs: Vec<i64> = page.events.iter().map(|e| e.event.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 5, 6]);
    assert!(page.events.windows(2).all(|w| w[0].cursor < w[1].cursor));
}
