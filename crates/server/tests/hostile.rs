//! What an attacker holding a device token (or a PC with a broken clock) can send, against the
//! real server on real PostgreSQL: each request of the matrix gets its expected status, and the
//! commune's data (events, devices, tokens, weekly summaries) is left exactly as it was. Every
//! refusal the server makes is here, so a later change cannot reopen one.

mod common;

use chrono::{Duration, TimeZone, Utc};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::io::Write;
use thanthien_core::approval::{week_id, ApprovalStep, WeekStepped};
use thanthien_core::event::{province_device, Event, EventBody};
use thanthien_core::summary::Week;
use thanthien_core::visit::VisitChange;
use thanthien_core::wire::{PushResponse, PushStatus, PROTOCOL_HEADER, PROTOCOL_VERSION};
use thanthien_core::Hlc;
use uuid::Uuid;

/// A well-formed arrival of `device` in `commune`, stamped now.
fn arrival(commune: &str, device: Uuid, seq: i64) -> Event {
    common::arrival(commune, device, seq, "Nguyễn Văn An")
}

/// An event as JSON, edited by hand the way an attacker would.
fn edited(event: &Event, edit: impl FnOnce(&mut Value)) -> Value {
    let mut value = serde_json::to_value(event).unwrap();
    edit(&mut value);
    value
}

/// Everything a hostile request must leave as it was, as one text: the events, the devices
/// (commune, token, revocation), the weekly summaries, the communes.
async fn snapshot(pool: &PgPool) -> String {
    let (text,): (Option<String>,) = sqlx::query_as(
        "SELECT concat_ws(' | ',
            (SELECT string_agg(concat_ws(',', id, commune_code, device_id, seq, hlc, kind, payload::text), ';' ORDER BY server_seq) FROM event),
            (SELECT string_agg(concat_ws(',', id, commune_code, encode(token_hash, 'hex'), revoked_at), ';' ORDER BY id) FROM device),
            (SELECT string_agg(concat_ws(',', commune_code, week, status, approvals), ';' ORDER BY commune_code, week) FROM week_summary),
            (SELECT string_agg(concat_ws(',', code, name), ';' ORDER BY code) FROM commune))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    text.unwrap_or_default()
}

/// One hostile request.
struct Attack {
    name: &'static str,
    method: reqwest::Method,
    path: String,
    token: Option<String>,
    protocol: Option<&'static str>,
    body: Option<(Vec<u8>, Option<&'static str>)>,
    expect: u16,
    /// For a push the server answers 200: no event of the batch may be stored.
    none_stored: bool,
}

impl Attack {
    fn new(name: &'static str, method: reqwest::Method, path: &str, token: &str, expect: u16) -> Attack {
        Attack {
            name,
            method,
            path: path.to_owned(),
            token: Some(token.to_owned()),
            protocol: Some(PROTOCOL_VERSION),
            body: None,
            expect,
            none_stored: false,
        }
    }

    fn push(name: &'static str, token: &str, events: Vec<Value>) -> Attack {
        let body = serde_json::to_vec(&json!({ "events": events })).unwrap();
        Attack {
            body: Some((body, None)),
            none_stored: true,
            ..Attack::new(name, reqwest::Method::POST, "/v1/sync/push", token, 200)
        }
    }

    fn raw(name: &'static str, token: &str, body: Vec<u8>, encoding: Option<&'static str>, expect: u16) -> Attack {
        Attack {
            body: Some((body, encoding)),
            ..Attack::new(name, reqwest::Method::POST, "/v1/sync/push", token, expect)
        }
    }

    fn enrol(name: &'static str, body: Value, expect: u16) -> Attack {
        let body = serde_json::to_vec(&body).unwrap();
        Attack {
            token: None,
            body: Some((body, None)),
            ..Attack::new(name, reqwest::Method::POST, "/v1/enroll", "", expect)
        }
    }

    fn without_token(self) -> Attack {
        Attack { token: None, ..self }
    }

    fn with_protocol(self, protocol: Option<&'static str>) -> Attack {
        Attack { protocol, ..self }
    }

    async fn send(&self, s: &common::Server) -> (u16, String) {
        let mut request = s.http.request(self.method.clone(), format!("{}{}", s.base, self.path));
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(protocol) = self.protocol {
            request = request.header(PROTOCOL_HEADER, protocol);
        }
        if let Some((body, encoding)) = &self.body {
            request = request.header("content-type", "application/json").body(body.clone());
            if let Some(encoding) = encoding {
                request = request.header("content-encoding", *encoding);
            }
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap_or_default())
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[sqlx::test(migrations = "./migrations")]
async fn every_hostile_request_is_refused_and_changes_nothing(pool: PgPool) {
    let s = common::start(pool.clone()).await;
    s.commune("A").await;
    s.commune("B").await;
    let (a1, a1_token) = s.device("A").await;
    let (a2, a2_token) = s.device("A").await;
    let (b1, b1_token) = s.device("B").await;
    let (revoked, revoked_token) = s.device("A").await;
    thanthien_province::db::revoke_device(&pool, revoked).await.unwrap();
    // Some history to protect: an event of each commune, a week approved by A, a used code.
    let first = arrival("A", a2, 1);
    let stored = s.http_push(&a2_token, &[serde_json::to_value(&first).unwrap()]).await;
    assert_eq!(stored.results[0].status, PushStatus::Stored);
    assert_eq!(
        s.http_push(&b1_token, &[serde_json::to_value(arrival("B", b1, 1)).unwrap()]).await.results[0].status,
        PushStatus::Stored
    );
    let used = s.code_for("A", Duration::hours(1)).await;
    assert_eq!(s.try_enroll(&used, Uuid::new_v4()).await.status(), 200);
    let expired = s.code_for("A", -Duration::hours(1)).await;
    let fresh = || async { s.code_for("A", Duration::hours(1)).await };
    let for_a1 = s.code_for_device("A", a1).await;

    let now = Utc::now();
    let week: Week = Week::of(now - Duration::days(7));
    let step = move |device: Uuid, entity_id: Uuid, step: ApprovalStep| {
        let body = EventBody::Week(WeekStepped { week, step });
        Event {
            entity: "week".into(),
            entity_id,
            kind: body.kind().into(),
            payload: body.payload(),
            hlc: Hlc { wall_ms: now.timestamp_millis() as u64, counter: 0, device },
            ..arrival("A", device, 1)
        }
    };
    let wall = move |t: chrono::DateTime<Utc>, device: Uuid| {
        json!(Hlc { wall_ms: t.timestamp_millis() as u64, counter: 0, device }.to_string())
    };
    let year_2099 = Utc.with_ymd_and_hms(2099, 1, 1, 0, 0, 0).unwrap();
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let big = vec![b' '; 3 * 1024 * 1024];
    let bomb = gzip(&vec![b' '; 40 * 1024 * 1024]);
    let zstd_bomb = zstd::encode_all(&vec![b'a'; 40 * 1024 * 1024][..], 19).unwrap();
    let batch_501: Vec<Value> = (1..=501).map(|seq| serde_json::to_value(arrival("A", a1, seq)).unwrap()).collect();

    let mut attacks = vec![
        // No valid token, or a protocol this server does not speak: every endpoint.
        Attack::new("push without a token", post.clone(), "/v1/sync/push", "", 401).without_token(),
        Attack::new("pull without a token", get.clone(), "/v1/sync/pull", "", 401).without_token(),
        Attack::new("reference without a token", get.clone(), "/v1/reference", "", 401).without_token(),
        Attack::new("push with an unknown token", post.clone(), "/v1/sync/push", &"f".repeat(64), 401),
        Attack::new("pull with an unknown token", get.clone(), "/v1/sync/pull", "nope", 401),
        Attack::new("reference with an unknown token", get.clone(), "/v1/reference", "nope", 401),
        Attack::new("push with a revoked token", post.clone(), "/v1/sync/push", &revoked_token, 401),
        Attack::new("pull with a revoked token", get.clone(), "/v1/sync/pull", &revoked_token, 401),
        Attack::new("reference with a revoked token", get.clone(), "/v1/reference", &revoked_token, 401),
        Attack::new("pull with an empty bearer", get.clone(), "/v1/sync/pull", "", 401),
        Attack::new("pull with a 10 KB token", get.clone(), "/v1/sync/pull", &"x".repeat(10_000), 401),
        Attack::raw("push without the protocol header", &a1_token, b"{}".to_vec(), None, 426).with_protocol(None),
        Attack::new("pull in protocol 2.0", get.clone(), "/v1/sync/pull", &a1_token, 426).with_protocol(Some("2.0")),
        Attack::new("reference in protocol banana", get.clone(), "/v1/reference", &a1_token, 426)
            .with_protocol(Some("banana")),
        // Enrolment: codes, and taking over a device.
        Attack::enrol(
            "enrol with an unknown code",
            json!({"code": "AAAA-BBBB-CCCC", "device_id": Uuid::new_v4()}),
            403,
        ),
        Attack::enrol("enrol with a used code", json!({"code": used, "device_id": Uuid::new_v4()}), 403),
        Attack::enrol("enrol with an expired code", json!({"code": expired, "device_id": Uuid::new_v4()}), 403),
        Attack::enrol("enrol another PC's id (re-key it)", json!({"code": fresh().await, "device_id": a2}), 409),
        Attack::enrol("enrol a revoked id (bring it back)", json!({"code": fresh().await, "device_id": revoked}), 409),
        Attack::enrol("enrol another commune's PC", json!({"code": fresh().await, "device_id": b1}), 409),
        Attack::enrol(
            "enrol the province's id",
            json!({"code": fresh().await, "device_id": province_device("A")}),
            400,
        ),
        Attack::enrol("enrol the nil id", json!({"code": fresh().await, "device_id": Uuid::nil()}), 400),
        Attack::enrol("use a PC's re-enrol code for another", json!({"code": for_a1.clone(), "device_id": a2}), 409),
        Attack::enrol("enrol with a malformed body", json!({"code": 5}), 400),
        Attack::enrol("enrol without the protocol", json!({"code": fresh().await, "device_id": Uuid::new_v4()}), 426)
            .with_protocol(None),
        // Bodies: sizes, bombs, shapes.
        Attack::raw("push a body that is not JSON", &a1_token, b"{not json".to_vec(), None, 400),
        Attack::raw("push JSON of the wrong shape", &a1_token, br#"{"events": 5}"#.to_vec(), None, 400),
        Attack::raw("push 3 MiB", &a1_token, big, None, 413),
        Attack::raw("push a gzip bomb", &a1_token, bomb, Some("gzip"), 413),
        Attack::raw("push a zstd bomb", &a1_token, zstd_bomb, Some("zstd"), 413),
        Attack::raw("push bytes that are not gzip", &a1_token, b"plain".to_vec(), Some("gzip"), 400),
        Attack::raw(
            "push 501 events",
            &a1_token,
            serde_json::to_vec(&json!({ "events": batch_501 })).unwrap(),
            None,
            413,
        ),
        // Pulls and reference look-ups with nonsense queries.
        Attack::new("pull after text", get.clone(), "/v1/sync/pull?after=abc", &a1_token, 400),
        Attack::new("reference after text", get.clone(), "/v1/reference?after=abc", &a1_token, 400),
        Attack::new("an unknown endpoint", get.clone(), "/v1/admin/communes", &a1_token, 404),
        Attack::new("pull by POST", post.clone(), "/v1/sync/pull", &a1_token, 405),
    ];

    // One event each from a fresh PC of A (its first seq), refused with its reason and stored
    // nowhere; `e` is that PC's well-formed arrival, edited.
    type Edit = Box<dyn Fn(Uuid, &mut Value)>;
    let one_event: Vec<(&'static str, Edit)> = vec![
        ("an event of another device", Box::new(move |_, v| *v = serde_json::to_value(arrival("A", a2, 2)).unwrap())),
        ("an event for another commune", Box::new(|_, v| v["commune_id"] = json!("B"))),
        ("a clock of another device", Box::new(move |_, v| v["hlc"] = wall(now, a2))),
        ("a clock in 2099", Box::new(move |d, v| v["hlc"] = wall(year_2099, d))),
        ("a clock ten minutes ahead", Box::new(move |d, v| v["hlc"] = wall(now + Duration::minutes(10), d))),
        ("the largest clock value", Box::new(|d, v| v["hlc"] = json!(format!("{}-4294967295-{d}", u64::MAX)))),
        ("an arrival in 1900", Box::new(|_, v| v["payload"]["arrived_at"] = json!("1900-01-01T00:00:00Z"))),
        ("an arrival in 2099", Box::new(|_, v| v["payload"]["arrived_at"] = json!("2099-01-01T00:00:00Z"))),
        (
            "an arrival an hour ahead",
            Box::new(|_, v| v["payload"]["arrived_at"] = json!((Utc::now() + Duration::hours(1)).to_rfc3339())),
        ),
        (
            "a commune PC accepts its week",
            Box::new(move |d, v| {
                *v = serde_json::to_value(step(d, week_id(week), ApprovalStep::Accepted { at: now })).unwrap()
            }),
        ),
        (
            "a commune PC signs as the province",
            Box::new(move |_, v| {
                *v = serde_json::to_value(step(province_device("A"), week_id(week), ApprovalStep::Accepted { at: now }))
                    .unwrap()
            }),
        ),
        (
            "a week step naming another week",
            Box::new(move |d, v| {
                let other = week_id(Week::of(now - Duration::days(14)));
                *v = serde_json::to_value(step(d, other, ApprovalStep::Submitted { at: now })).unwrap()
            }),
        ),
        ("an unknown payload field", Box::new(|_, v| v["payload"]["admin"] = json!(true))),
        ("an unknown envelope field", Box::new(|_, v| v["priority"] = json!(1))),
        ("a 600 KB name", Box::new(|_, v| v["payload"]["name"] = json!("A".repeat(600_000)))),
        ("a 10 000-character note", Box::new(|_, v| v["payload"]["note"] = json!("ghi chú ".repeat(1250)))),
        ("a list of 600 items", Box::new(|_, v| v["payload"]["tags"] = json!(vec![0; 600]))),
        ("a NUL in the name", Box::new(|_, v| v["payload"]["name"] = json!("Nguyễn\u{0}An"))),
        ("a NUL in a payload key", Box::new(|_, v| v["payload"]["na\u{0}me"] = json!("x"))),
        ("an escape in the note", Box::new(|_, v| v["payload"]["note"] = json!("\u{1b}[31mđỏ"))),
        ("a NUL in the user", Box::new(|_, v| v["user"] = json!("lan\u{0}"))),
        ("a NUL in the kind", Box::new(|_, v| v["kind"] = json!("visit.arrived\u{0}"))),
        ("a 10 000-character user", Box::new(|_, v| v["user"] = json!("u".repeat(10_000)))),
        ("a 10 000-character commune", Box::new(|_, v| v["commune_id"] = json!("A".repeat(10_000)))),
        ("an unknown kind", Box::new(|_, v| v["kind"] = json!("visit.deleted"))),
        ("a kind of another entity", Box::new(|_, v| v["entity"] = json!("camera"))),
        ("a schema from the future", Box::new(|_, v| v["schema"] = json!(99))),
        ("an id that is not UUIDv7", Box::new(|_, v| v["id"] = json!(Uuid::new_v4()))),
        (
            "the id of another PC's event",
            Box::new({
                let id = first.id;
                move |_, v| v["id"] = json!(id)
            }),
        ),
        ("a seq of 0", Box::new(|_, v| v["seq"] = json!(0))),
        ("a negative seq", Box::new(|_, v| v["seq"] = json!(-3))),
        ("a seq as text", Box::new(|_, v| v["seq"] = json!("1"))),
        ("a seq past a gap", Box::new(|_, v| v["seq"] = json!(5))),
        ("a payload that is not an object", Box::new(|_, v| v["payload"] = json!([1, 2]))),
        (
            "a step before its arrival",
            Box::new(move |_, v| {
                v["kind"] = json!("visit.called");
                v["entity_id"] = json!(first.entity_id);
                let before = first_arrival(&first) - Duration::hours(1);
                v["payload"] = json!({"called_at": before.to_rfc3339(), "official": "Lê Hoa", "counter": 1});
            }),
        ),
    ];
    for (name, edit) in &one_event {
        let (device, token) = s.device("A").await;
        let mut event = serde_json::to_value(arrival("A", device, 1)).unwrap();
        edit(device, &mut event);
        attacks.push(Attack::push(name, &token, vec![event]));
    }
    assert!(attacks.len() >= 60, "the matrix has {} requests", attacks.len());

    let mut failures = Vec::new();
    for attack in &attacks {
        let before = snapshot(&pool).await;
        let (status, body) = attack.send(&s).await;
        if status != attack.expect {
            failures.push(format!(
                "{}: expected {}, got {status}: {}",
                attack.name,
                attack.expect,
                &body[..body.len().min(200)]
            ));
        }
        if attack.none_stored && status == 200 {
            let answer: PushResponse = serde_json::from_str(&body).unwrap();
            if answer.stored.unwrap_or(0) > 0 {
                failures.push(format!("{}: {} stored", attack.name, answer.stored.unwrap_or(0)));
            }
            for result in &answer.results {
                if !matches!(result.status, PushStatus::Rejected | PushStatus::Conflict) || result.reason.is_none() {
                    failures.push(format!("{}: {result:?}", attack.name));
                }
            }
        }
        if status >= 400 && body.trim().is_empty() && status != 404 && status != 405 {
            failures.push(format!("{}: refusal without a reason", attack.name));
        }
        if snapshot(&pool).await != before {
            failures.push(format!("{}: the data changed", attack.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile requests got through:\n{}",
        failures.len(),
        attacks.len(),
        failures.join("\n")
    );
    // The victims still work: a2's token pulls, the revoked PC stays revoked.
    assert_eq!(Attack::new("", get.clone(), "/v1/sync/pull", &a2_token, 200).send(&s).await.0, 200);
    assert_eq!(Attack::new("", get.clone(), "/v1/sync/pull", &revoked_token, 401).send(&s).await.0, 401);
    // And a1 still pushes.
    let answer = s.http_push(&a1_token, &[serde_json::to_value(arrival("A", a1, 1)).unwrap()]).await;
    assert_eq!(answer.results[0].status, PushStatus::Stored);
}

fn first_arrival(event: &Event) -> chrono::DateTime<Utc> {
    match event.body().unwrap() {
        EventBody::Visit(VisitChange::Arrived(a)) => a.arrived_at,
        _ => unreachable!(),
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn one_bad_event_in_the_middle_of_a_batch_is_quarantined_and_the_rest_stored(pool: PgPool) {
    let s = common::start(pool.clone()).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let good = |seq| serde_json::to_value(arrival("A", device, seq)).unwrap();
    let poisoned = edited(&arrival("A", device, 2), |v| v["payload"]["name"] = json!("Nguyễn\u{0}An"));
    let unreadable = edited(&arrival("A", device, 4), |v| v["hlc"] = json!("99999999999999999999-0-x"));
    let answer = s.http_push(&token, &[good(1), poisoned, good(3), unreadable, good(5)]).await;
    let statuses: Vec<PushStatus> = answer.results.iter().map(|r| r.status).collect();
    use PushStatus::{Rejected, Stored};
    assert_eq!(statuses, [Stored, Rejected, Stored, Rejected, Stored]);
    assert_eq!(answer.acked_through, 5, "the queue moves past the bad ones");
    let (stored,): (i64,) = sqlx::query_as("SELECT count(*) FROM event").fetch_one(&pool).await.unwrap();
    let (kept,): (i64,) = sqlx::query_as("SELECT count(*) FROM event_quarantine").fetch_one(&pool).await.unwrap();
    assert_eq!((stored, kept), (3, 2));
}

#[sqlx::test(migrations = "./migrations")]
async fn the_database_itself_walls_each_commune(pool: PgPool) {
    let s = common::start(pool.clone()).await;
    s.commune("A").await;
    s.commune("B").await;
    let (a, a_token) = s.device("A").await;
    let (b, b_token) = s.device("B").await;
    s.http_push(&a_token, &[serde_json::to_value(arrival("A", a, 1)).unwrap()]).await;
    s.http_push(&b_token, &[serde_json::to_value(arrival("B", b, 1)).unwrap()]).await;
    let app = common::app_pool(&pool).await;
    let count = |sql: &'static str, commune: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut tx = app.begin().await.unwrap();
            if let Some(commune) = commune {
                sqlx::query("SELECT set_config('thanthien.commune', $1, true)")
                    .bind(commune)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *tx).await.unwrap();
            n
        }
    };
    for table in ["event", "device", "commune", "event_quarantine", "event_conflict", "week_summary"] {
        let sql: &'static str = Box::leak(format!("SELECT count(*) FROM {table}").into_boxed_str());
        assert_eq!(count(sql, None).await, 0, "{table}: nothing without the commune set");
    }
    // Enrolment codes are not the app's to read at all (it claims one through a function).
    let codes = sqlx::query("SELECT count(*) FROM enrollment_code").fetch_one(&app).await;
    assert!(codes.is_err(), "the app role reads no enrolment codes");
    assert_eq!(count("SELECT count(*) FROM event", Some("A")).await, 1);
    assert_eq!(count("SELECT count(*) FROM event WHERE commune_code = 'B'", Some("A")).await, 0);
    assert_eq!(count("SELECT count(*) FROM device", Some("A")).await, 1);
    // Writing B's rows under A's setting: refused, or nothing to touch.
    let mut tx = app.begin().await.unwrap();
    sqlx::query("SELECT set_config('thanthien.commune', 'A', true)").execute(&mut *tx).await.unwrap();
    let updated = sqlx::query("UPDATE event SET kind = 'x' WHERE commune_code = 'B'").execute(&mut *tx).await.unwrap();
    assert_eq!(updated.rows_affected(), 0);
    let revoked =
        sqlx::query("UPDATE device SET revoked_at = now() WHERE id = $1").bind(b).execute(&mut *tx).await.unwrap();
    assert_eq!(revoked.rows_affected(), 0);
    let insert =
        sqlx::query("INSERT INTO week_summary (commune_code, week, status) VALUES ('B', '2026-W47', 'accepted')")
            .execute(&mut *tx)
            .await;
    assert!(insert.is_err(), "a row of B cannot be written under A");
    drop(tx);
    // And the app's role cannot lift the wall.
    let mut tx = app.begin().await.unwrap();
    assert!(sqlx::query("ALTER TABLE event DISABLE ROW LEVEL SECURITY").execute(&mut *tx).await.is_err());
    drop(tx);
    let (bypass,): (bool,) =
        sqlx::query_as("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&app)
            .await
            .unwrap();
    assert!(!bypass);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_server_refuses_to_serve_as_a_superuser_or_on_a_schema_behind(pool: PgPool) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = thanthien_province::serve(listener, pool.clone(), std::future::pending()).await.unwrap_err();
    assert!(refused.to_string().contains("bypasses row-level security"), "{refused}");
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT max(version) FROM _sqlx_migrations)")
        .execute(&pool)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = common::app_pool(&pool).await;
    let refused = thanthien_province::serve(listener, app, std::future::pending()).await.unwrap_err();
    assert!(refused.to_string().contains("thanthien-province migrate"), "{refused}");
}

/// Arbitrary bytes and arbitrary JSON, as a push from an enrolled device: never a 5xx, never a
/// panic (the server keeps answering), and every refusal has a reason.
#[sqlx::test(migrations = "./migrations")]
async fn arbitrary_pushes_never_get_a_5xx(pool: PgPool) {
    let s = common::start(pool.clone()).await;
    s.commune("A").await;
    let (device, token) = s.device("A").await;
    let mut runner = TestRunner::deterministic();
    let bytes = proptest::collection::vec(proptest::num::u8::ANY, 0..400);
    let template = serde_json::to_value(arrival("A", device, 1)).unwrap();
    let fields = proptest::sample::select(vec![
        "id",
        "commune_id",
        "device_id",
        "seq",
        "hlc",
        "entity",
        "entity_id",
        "kind",
        "payload",
        "schema",
        "user",
    ]);
    let values = proptest::prop_oneof![
        proptest::strategy::Just(Value::Null),
        proptest::num::i64::ANY.prop_map(Value::from),
        proptest::num::f64::ANY.prop_map(Value::from),
        ".{0,20}".prop_map(Value::from),
        proptest::collection::vec(".{0,5}", 0..4).prop_map(Value::from),
    ];
    for case in 0..96 {
        let body = if case % 2 == 0 {
            bytes.new_tree(&mut runner).unwrap().current()
        } else {
            // A real envelope with one to three fields replaced by anything.
            let mut event = template.clone();
            event["seq"] = json!(case / 2 + 1);
            for _ in 0..(case % 3 + 1) {
                let field = fields.new_tree(&mut runner).unwrap().current();
                event[field] = values.new_tree(&mut runner).unwrap().current();
            }
            serde_json::to_vec(&json!({ "events": [event] })).unwrap()
        };
        let (status, answer) = Attack::raw("arbitrary", &token, body.clone(), None, 0).send(&s).await;
        assert!(status < 500, "{status} for {:?}: {answer}", String::from_utf8_lossy(&body));
        if status == 200 {
            let answer: PushResponse = serde_json::from_str(&answer).unwrap();
            assert!(answer.results.iter().all(|r| r.status == PushStatus::Stored || r.reason.is_some()), "{answer:?}");
        } else {
            assert!(!answer.is_empty(), "a refusal says why");
        }
    }
    assert_eq!(Attack::new("", reqwest::Method::GET, "/healthz", "", 200).send(&s).await.0, 200);
}
