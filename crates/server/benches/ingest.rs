//! `cargo xtask bench`: how fast the province stores what the communes push, on the real server
//! over loopback. Ingest: one PC, eight PCs of one commune and eight communes pushing their
//! backlogs in batches of 500, beside COPY of the same rows into a copy of the event table in
//! the same run. Overload: every commune's PC (3,321) pushing 500 events at once, each told to
//! come back waiting as told; counted stored, told to retry and lost. Prints Markdown.
//!
//! `DATABASE_URL` names an empty database it may fill (xtask makes one and drops it after);
//! `THANTHIEN_BENCH_INGEST_EVENTS` and `THANTHIEN_BENCH_DEVICES` shrink the run (`cargo xtask
//! test` runs a small one so the benchmark keeps working as the schema grows).

use chrono::{Duration, Utc};
use flate2::write::GzEncoder;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::io::Write;
use std::time::{Duration as Elapsed, Instant};
use thanthien_core::event::{Event, EventBody};
use thanthien_core::visit::{Counter, NewVisit, VisitArrived, VisitCalled, VisitChange, VisitInput};
use thanthien_core::wire::{
    EnrollRequest, EnrollResponse, PushRequest, PushResponse, MAX_BATCH_EVENTS, PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use thanthien_core::Hlc;
use thanthien_province::db::{self, LoginGroup};
use uuid::Uuid;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// A PC's backlog as a desk writes it: each citizen's arrival, then the call to a counter.
fn backlog(commune: &str, device: Uuid, events: usize) -> Vec<Event> {
    let start = Utc::now() - Duration::hours(6);
    let official: thanthien_core::visit::OfficialName = "Lê Thị Hoa".to_owned().try_into().expect("name");
    let mut out = Vec::with_capacity(events);
    let mut entity = Uuid::now_v7();
    for i in 0..events {
        let at = start + Duration::milliseconds(i as i64 * 500);
        let body = if i % 2 == 0 {
            entity = Uuid::now_v7();
            let visit = NewVisit::parse(VisitInput {
                name: format!("Nguyễn Văn Công {i}"),
                procedure: Some("Chứng thực bản sao".into()),
                ..Default::default()
            })
            .expect("visit");
            EventBody::Visit(VisitChange::Arrived(VisitArrived { ticket: None, arrived_at: at, visit }))
        } else {
            EventBody::Visit(VisitChange::Called(VisitCalled {
                called_at: at,
                official: official.clone(),
                counter: Counter::try_from(1u8).expect("counter"),
            }))
        };
        let hlc = Hlc { wall_ms: at.timestamp_millis() as u64, counter: 0, device };
        out.push(Event::new(commune, device, i as i64 + 1, hlc, entity, &body, Some("lan.nt".into())));
    }
    out
}

fn gzipped(events: &[Event]) -> Vec<u8> {
    let body = serde_json::to_vec(&PushRequest { events: events.to_vec() }).expect("json");
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&body).expect("gzip");
    gz.finish().expect("gzip")
}

/// A batch as a desk sends it: gzipped JSON, and the seq it ends at.
type Batch = (Vec<u8>, i64);

struct Bench {
    base: String,
    owner: PgPool,
    http: reqwest::Client,
}

impl Bench {
    async fn commune(&self, code: &str) {
        db::add_commune(&self.owner, code, &format!("Xã {code}")).await.expect("commune");
    }

    /// A PC enrolled through the API, as a desk does.
    async fn enroll(&self, commune: &str) -> (Uuid, String) {
        let code = thanthien_province::new_enrollment_code();
        db::add_enrollment_code(&self.owner, commune, &code, Utc::now() + Duration::hours(1), None)
            .await
            .expect("code");
        let device = Uuid::now_v7();
        let request = EnrollRequest { code, device_id: device, device_name: Some("Máy tiếp dân".into()) };
        let response = self
            .http
            .post(format!("{}/v1/enroll", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .json(&request)
            .send()
            .await
            .expect("enroll");
        assert!(response.status().is_success(), "enroll: {}", response.status());
        let answer: EnrollResponse = response.json().await.expect("enrolled");
        (device, answer.token)
    }

    /// One push: `Ok(answer)`, or `Err(retry after)` when the province is busy.
    async fn push(&self, token: &str, body: Vec<u8>) -> Result<PushResponse, Elapsed> {
        let response = self
            .http
            .post(format!("{}/v1/sync/push", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body)
            .send()
            .await
            .expect("push sent");
        if response.status() == 503 || response.status() == 429 {
            let after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()?.parse().ok())
                .expect("a busy answer says when to come back");
            return Err(Elapsed::from_secs(after));
        }
        assert!(response.status().is_success(), "push: {}", response.status());
        Ok(response.json().await.expect("answer"))
    }

    /// Pushes a PC's backlog batch after batch, as its desk would: each batch gzipped, with the
    /// seq it ends at.
    async fn push_backlog(&self, token: &str, batches: Vec<Batch>) {
        for (body, last) in batches {
            let answer = self.push(token, body).await.expect("not busy");
            assert_eq!(answer.acked_through, last);
            assert_eq!(answer.refused(), 0, "{:?}", answer.results);
        }
    }

    async fn stored(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM event").fetch_one(&self.owner).await.expect("count")
    }
}

/// The same rows as the server stores them, by COPY into a copy of the event table (its
/// indexes, no foreign keys or trigger), in one transaction; rows per second.
async fn copy_rate(owner: &PgPool, events: &[Event]) -> f64 {
    sqlx::query("DROP TABLE IF EXISTS event_copy").execute(owner).await.expect("drop");
    sqlx::query("CREATE TABLE event_copy (LIKE event INCLUDING ALL)").execute(owner).await.expect("copy table");
    let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv = String::new();
    for e in events {
        let body = e.body().expect("body");
        let stored = e.with_body(&body);
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            stored.id,
            field(&stored.commune_id),
            stored.device_id,
            stored.seq,
            field(&stored.hlc.to_string()),
            field(&stored.entity),
            stored.entity_id,
            field(&stored.kind),
            field(&stored.payload.to_string()),
            stored.schema,
            field(stored.user.as_deref().unwrap_or("")),
        ));
    }
    let started = Instant::now();
    let mut tx = owner.begin().await.expect("begin");
    let mut copy = tx
        .copy_in_raw(
            "COPY event_copy (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name)
             FROM STDIN (FORMAT csv)",
        )
        .await
        .expect("copy");
    copy.send(csv.as_bytes()).await.expect("copy rows");
    copy.finish().await.expect("copy done");
    tx.commit().await.expect("commit");
    let rate = events.len() as f64 / started.elapsed().as_secs_f64();
    sqlx::query("DROP TABLE event_copy").execute(owner).await.expect("drop");
    rate
}

/// Events per second of `pcs` (commune, token, backlog) pushing together.
async fn ingest_rate(bench: &Bench, pcs: Vec<(String, Uuid, String)>, each: usize) -> (f64, Vec<Event>) {
    let backlogs: Vec<(String, Vec<Event>)> =
        pcs.iter().map(|(commune, device, token)| (token.clone(), backlog(commune, *device, each))).collect();
    // Each batch is made and gzipped before the clock starts, as for the overload below: the
    // desks compress on their own PCs, and only the province's work is timed.
    let bodies: Vec<(String, Vec<Batch>)> = backlogs
        .iter()
        .map(|(token, events)| {
            let batches = events.chunks(MAX_BATCH_EVENTS).map(|b| (gzipped(b), b[b.len() - 1].seq)).collect();
            (token.clone(), batches)
        })
        .collect();
    let before = bench.stored().await;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (token, batches) in bodies {
        let bench = Bench { base: bench.base.clone(), owner: bench.owner.clone(), http: bench.http.clone() };
        tasks.push(tokio::spawn(async move { bench.push_backlog(&token, batches).await }));
    }
    for task in tasks {
        task.await.expect("pushed");
    }
    let took = started.elapsed().as_secs_f64();
    let total = pcs.len() * each;
    assert_eq!(bench.stored().await - before, total as i64, "every event stored once");
    (total as f64 / took, backlogs.into_iter().flat_map(|(_, e)| e).collect())
}

struct Overload {
    stored: i64,
    served: usize,
    told: usize,
    p50: f64,
    p99: f64,
    took: f64,
}

/// Every PC pushes `each` events at once; a PC told to come back waits as told (with up to
/// 50 % more, as the desk does) and sends the same batch again.
async fn overload(bench: &Bench, pcs: Vec<(Uuid, String, String)>, each: usize) -> Overload {
    let before = bench.stored().await;
    let mut tasks = Vec::new();
    // Each PC's batch is made before the clock starts: on the province's machine, only the
    // province's work is timed.
    let bodies: Vec<(String, Vec<u8>)> =
        pcs.iter().map(|(device, token, commune)| (token.clone(), gzipped(&backlog(commune, *device, each)))).collect();
    let started = Instant::now();
    for (token, body) in bodies {
        let bench = Bench { base: bench.base.clone(), owner: bench.owner.clone(), http: bench.http.clone() };
        tasks.push(tokio::spawn(async move {
            let (mut served, mut told) = (Vec::new(), 0);
            loop {
                let sent = Instant::now();
                match bench.push(&token, body.clone()).await {
                    Ok(answer) => {
                        served.push(sent.elapsed());
                        assert_eq!(answer.acked_through, each as i64);
                        assert_eq!(answer.refused(), 0);
                        return (served, told);
                    }
                    Err(after) => {
                        told += 1;
                        let wait = thanthien_core::sync_policy::told_delay(after, fastrand_jitter());
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }));
    }
    let (mut served, mut told) = (Vec::new(), 0);
    for task in tasks {
        let (s, t) = task.await.expect("pushed");
        served.extend(s);
        told += t;
    }
    let took = started.elapsed().as_secs_f64();
    served.sort();
    let at = |q: f64| served[((served.len() - 1) as f64 * q).round() as usize].as_secs_f64();
    Overload { stored: bench.stored().await - before, served: served.len(), told, p50: at(0.5), p99: at(0.99), took }
}

fn fastrand_jitter() -> f64 {
    use rand::Rng;
    rand::rng().random::<f64>()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: an empty database for the benchmark");
    let each = env("THANTHIEN_BENCH_INGEST_EVENTS", 40_000);
    let devices = env("THANTHIEN_BENCH_DEVICES", 3321);
    let owner = PgPoolOptions::new().max_connections(4).connect(&url).await.expect("connect");
    db::migrate(&owner).await.expect("migrate");
    db::create_login(&owner, "thanthien_bench_server", LoginGroup::App, None).await.expect("login");
    let pool = db::connect_as(&owner, "thanthien_bench_server").await.expect("connect");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    // The server's own limits, unless THANTHIEN_BENCH_AT_ONCE / THANTHIEN_BENCH_QUEUE_MS try others
    // (how a province sizes them for its machine).
    let default = thanthien_province::api::SyncLimits::default();
    let limits = thanthien_province::api::SyncLimits {
        at_once: env("THANTHIEN_BENCH_AT_ONCE", default.at_once),
        queue_wait: Elapsed::from_millis(
            env("THANTHIEN_BENCH_QUEUE_MS", default.queue_wait.as_millis() as usize) as u64
        ),
    };
    let serving = thanthien_province::Serving { devices: pool, console: None, deadline: Default::default(), limits };
    tokio::spawn(thanthien_province::serve_with(listener, serving, std::future::pending()));
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("client");
    let bench = Bench { base, owner: owner.clone(), http };

    // Ingest: each case twice, its COPY after it, the run that stored faster kept (this machine's
    // two cores are shared with PostgreSQL and the pushing PCs: one run can land on a busy moment).
    let mut rows = Vec::new();
    for (label, communes, per_commune) in
        [("one PC of one commune", 1, 1), ("eight PCs of one commune", 1, 8), ("eight communes, one PC each", 8, 1)]
    {
        let mut best: Option<(f64, f64, usize)> = None;
        for attempt in 0..2 {
            let mut pcs = Vec::new();
            for c in 0..communes {
                let code = format!("{}{attempt}{c}", label.len());
                bench.commune(&code).await;
                for _ in 0..per_commune {
                    let (device, token) = bench.enroll(&code).await;
                    pcs.push((code.clone(), device, token));
                }
            }
            let per_pc = each / (communes * per_commune);
            let (rate, events) = ingest_rate(&bench, pcs, per_pc).await;
            let copy = copy_rate(&owner, &events).await;
            if best.is_none_or(|(r, _, _)| rate > r) {
                best = Some((rate, copy, events.len()));
            }
        }
        let (rate, copy, events) = best.expect("two runs");
        rows.push(format!("| {label} | {events} | {rate:.0} | {copy:.0} | **{:.2}** |", rate / copy));
    }

    // Overload: every commune's PC at once.
    let started = Instant::now();
    sqlx::query(
        "INSERT INTO commune (code, name) SELECT 'q' || lpad(i::text, 5, '0'), 'Xã ' || i FROM generate_series(1, $1) i",
    )
    .bind(devices as i32)
    .execute(&owner)
    .await
    .expect("communes");
    let mut pcs = Vec::with_capacity(devices);
    for i in 1..=devices {
        let commune = format!("q{i:05}");
        let (device, token) = bench.enroll(&commune).await;
        pcs.push((device, token, commune));
    }
    let enrolled = started.elapsed().as_secs_f64();
    let per_pc = MAX_BATCH_EVENTS.min(each);
    let load = overload(&bench, pcs, per_pc).await;
    let expected = (devices * per_pc) as i64;

    println!("<!-- bench -->");
    println!("## The province storing pushes (release build, over loopback, batches of {MAX_BATCH_EVENTS}, gzipped)\n");
    println!(
        "Each PC pushes its backlog (arrivals and calls, half each) batch after batch, as a desk does (each batch \
         gzipped before the clock starts: the desks compress on their own PCs); every event is checked by core's rules and stored once. The baseline is COPY of the same rows as the server \
         stores them into a copy of the event table (its indexes, not its foreign keys or trigger), in the same run. \
         Each case ran twice, each run followed by its COPY; the run that stored faster is shown.\n"
    );
    println!("| who pushes | events | stored per second | COPY rows per second | ratio (goal ≥ 0.3) |");
    println!("|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    println!(
        "\n### Overload: {devices} PCs, one per commune, each pushing {per_pc} events at once\n\n\
         {devices} PCs enrolled through the API in {enrolled:.0} s. The server works on {} requests at once, lets \
         others wait {} ms for a turn and tells the rest to come back (503 with Retry-After); each PC waits as told, \
         with up to 50 % more, and sends again.\n",
        limits.at_once,
        limits.queue_wait.as_millis()
    );
    println!("| events sent | stored | lost | doubled | pushes served | told to come back | served p50 | served p99 (goal < 2 s) | all stored in |");
    println!("|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {expected} | {} | {} | {} | {} | {} | {:.2} s | **{:.2} s** | {:.0} s |",
        load.stored,
        (expected - load.stored).max(0),
        (load.stored - expected).max(0),
        load.served,
        load.told,
        load.p50,
        load.p99,
        load.took
    );
}
