//! `cargo xtask bench`: saving a visit through the store, beside a raw SQLite insert of the same
//! rows with the same durability settings; and reading the feedback register with its deadlines,
//! beside reading and parsing the same rows. Each pair measured in the same run. Prints Markdown.

use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::time::{Duration, Instant};
use thanthien::store::Store;
use thanthien_core::event::EventBody;
use thanthien_core::time::stamp;
use thanthien_core::visit::{NewVisit, VisitArrived, VisitChange, VisitInput, VisitState};
use thanthien_core::Hlc;
use uuid::Uuid;

/// `THANTHIEN_BENCH_SAVES` shrinks the run: `cargo xtask test` runs a small one so a schema
/// change cannot break the benchmark unnoticed.
fn saves() -> usize {
    std::env::var("THANTHIEN_BENCH_SAVES").ok().and_then(|n| n.parse().ok()).unwrap_or(3000)
}
const WARMUP: usize = 100;

fn input(i: usize) -> VisitInput {
    VisitInput {
        name: format!("Nguyễn Thị Ánh {i}"),
        procedure: Some("Đăng ký khai sinh".into()),
        phone: Some("0912 345 678".into()),
        citizen_id: None,
        note: Some("mang theo bản sao giấy chứng sinh".into()),
        trip: None,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

struct Figures {
    p50: Duration,
    p99: Duration,
    mean: Duration,
}

fn figures(mut samples: Vec<Duration>) -> Figures {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    Figures { p50: percentile(&samples, 0.5), p99: percentile(&samples, 0.99), mean }
}

/// Times `save(i)` for the warm-up and the measured saves; keeps the measured ones.
async fn measure(mut save: impl AsyncFnMut(usize)) -> Figures {
    let mut samples = Vec::with_capacity(saves());
    for i in 0..saves() + WARMUP {
        let started = Instant::now();
        save(i).await;
        if i >= WARMUP {
            samples.push(started.elapsed());
        }
    }
    figures(samples)
}

async fn through_store() -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("store");
    let figures = measure(async |i| {
        store.record_visit(input(i), Utc::now()).await.expect("save");
    })
    .await;
    store.close().await;
    figures
}

/// A one-connection pool on a fresh file with the store's durability settings; `encrypted`, with
/// a raw 256-bit SQLCipher key as the store has.
async fn raw_pool(dir: &std::path::Path, encrypted: bool) -> sqlx::SqlitePool {
    let options = SqliteConnectOptions::new();
    let options = match encrypted {
        true => thanthien::store::cipher::StoreKey::parse(&"5a".repeat(32)).expect("key").apply(options),
        false => options,
    };
    let options = options
        .filename(dir.join("raw.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("raw db")
}

/// One row of each table a save writes, built before the clock starts.
struct Rows {
    event: Vec<String>,
    visit: Vec<Option<String>>,
}

fn rows(i: usize, device: Uuid) -> Rows {
    let visit = NewVisit::parse(input(i)).expect("valid");
    let change = VisitChange::Arrived(VisitArrived { arrived_at: Utc::now(), ticket: None, visit });
    let body = EventBody::Visit(change.clone());
    let id = Uuid::now_v7();
    let hlc = Hlc { wall_ms: 1_000 + i as u64, counter: 0, device };
    let mut state = VisitState::default();
    state.apply(&change, hlc, device);
    let view = state.view(id).expect("an arrival is visible");
    let event = vec![
        Uuid::now_v7().to_string(),
        device.to_string(),
        (i + 1).to_string(),
        hlc.to_string(),
        id.to_string(),
        body.payload().to_string(),
        stamp(Utc::now()),
    ];
    let visit = vec![
        Some(id.to_string()),
        Some(stamp(view.arrived_at)),
        Some(view.name),
        view.procedure,
        view.phone,
        view.citizen_id,
        view.note,
        Some(device.to_string()),
        serde_json::to_string(&state).ok(),
        Some("0".into()),
        Some(view.trip.to_string()),
        // The ticket the store gives (its number read from the index of the day's tickets).
        Some(format!("A{:03}", i + 1)),
        Some((i + 1).to_string()),
        Some(thanthien_core::time::local_day(view.arrived_at).to_string()),
    ];
    Rows { event, visit }
}

/// The floor for the same work: the same event and visit rows into the same schema, plain
/// INSERTs in one `BEGIN IMMEDIATE` transaction, no validation, no seq, no clock, no merge.
async fn raw_same_rows(encrypted: bool) -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = raw_pool(dir.path(), encrypted).await;
    thanthien::store::MIGRATOR.run(&pool).await.expect("schema");
    let device = Uuid::new_v4();
    let mut prepared: Vec<Option<Rows>> = (0..saves() + WARMUP).map(|i| Some(rows(i, device))).collect();
    measure(async |i| {
        let Some(r) = prepared[i].take() else { return };
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        let mut insert = sqlx::query(
            "INSERT INTO event (id, commune_id, device_id, seq, hlc, entity, entity_id, kind, payload, schema, recorded_at)
             VALUES (?1, NULL, ?2, ?3, ?4, 'visit', ?5, 'visit.arrived', ?6, 1, ?7)",
        );
        for value in r.event {
            insert = insert.bind(value);
        }
        insert.execute(&mut *tx).await.expect("event");
        // The columns a fresh arrival sets; the lifecycle columns stay NULL, as the store leaves them.
        let mut insert = sqlx::query(
            "INSERT INTO visit (id, arrived_at, visitor_name, procedure, phone, citizen_id, note, device_id, state,
                 calls, trip, ticket, ticket_no, ticket_day)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        );
        for value in r.visit {
            insert = insert.bind(value);
        }
        insert.execute(&mut *tx).await.expect("visit");
        tx.commit().await.expect("commit");
    })
    .await
}

/// For scale: one bare row into a one-table database, same pragmas.
async fn raw_one_row() -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = raw_pool(dir.path(), false).await;
    sqlx::query("CREATE TABLE visit (id TEXT PRIMARY KEY, arrived_at TEXT, visitor_name TEXT, procedure TEXT, phone TEXT, note TEXT)")
        .execute(&pool)
        .await
        .expect("table");
    measure(async |i| {
        let v = input(i);
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        sqlx::query("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?)")
            .bind(Uuid::now_v7().to_string())
            .bind(stamp(Utc::now()))
            .bind(v.name)
            .bind(v.procedure)
            .bind(v.phone)
            .bind(v.note)
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
    })
    .await
}

/// The feedback register with `saves()` items spread over the past (every 6 hours back, within
/// the last 350 days: nothing is dated before today's communes began), a third of them answered: reading it through the store (deadlines on the working-day calendar, sorted)
/// beside reading and parsing the same rows.
async fn register_reads() -> (Figures, Figures) {
    use thanthien_core::feedback::{FeedbackInput, FeedbackState, Notice};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("store");
    let kinds = ["suggestion", "recommendation", "complaint", "denunciation", "compliment"];
    for i in 0..saves() {
        let input = FeedbackInput {
            channel: "box".into(),
            kind: kinds[i % kinds.len()].into(),
            content: format!("Góp ý số {i}: đề nghị sửa đèn đường trước trụ sở"),
            ..Default::default()
        };
        let at = Utc::now() - chrono::Duration::hours(6 * (i % 1400) as i64);
        let item = store.record_feedback(input, at).await.expect("feedback");
        if i % 3 == 0 {
            let reply = "Đã sửa.".to_owned();
            store
                .answer_feedback(item.id, "Lê Thị Hoa".into(), Notice::Letter, reply, Utc::now())
                .await
                .expect("answer");
        }
    }
    let today = thanthien_core::time::local_day(Utc::now());
    let reads = (saves() / 100).clamp(5, 30);
    let mut through = Vec::new();
    for _ in 0..reads {
        let started = Instant::now();
        let items = store.feedback_register(today).await.expect("register");
        through.push(started.elapsed());
        assert_eq!(items.len(), saves());
    }
    let pool = SqlitePoolOptions::new()
        .connect_with(thanthien::store::cipher::options_for(store.path()).await.expect("key").read_only(true))
        .await
        .expect("reader");
    let mut raw = Vec::new();
    for _ in 0..reads {
        let started = Instant::now();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, state FROM feedback WHERE received_at IS NOT NULL ORDER BY received_at DESC, id DESC",
        )
        .fetch_all(&pool)
        .await
        .expect("rows");
        let states: Vec<(Uuid, FeedbackState)> = rows
            .iter()
            .map(|(id, state)| (id.parse().expect("id"), serde_json::from_str(state).expect("state")))
            .collect();
        raw.push(started.elapsed());
        assert_eq!(states.len(), saves());
    }
    pool.close().await;
    store.close().await;
    (figures(through), figures(raw))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    // Alternate the three so disk and cache state weigh on each alike; keep each one's better run.
    let best = |a: Figures, b: Figures| if a.p50 <= b.p50 { a } else { b };
    let mut runs = Vec::new();
    for _ in 0..2 {
        runs.push((raw_same_rows(false).await, through_store().await, raw_one_row().await, raw_same_rows(true).await));
    }
    let (a, b) = (runs.remove(0), runs.remove(0));
    let (same, store, one, sealed) = (best(a.0, b.0), best(a.1, b.1), best(a.2, b.2), best(a.3, b.3));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let row = |name: &str, f: &Figures| println!("| {name} | {} | {} | {} |", ms(f.p50), ms(f.p99), ms(f.mean));
    println!("<!-- bench -->");
    let build = if cfg!(debug_assertions) { "debug build: a smoke run, not a measurement" } else { "release build" };
    println!("## Saving a visit ({} saves after {WARMUP} warm-up, WAL + synchronous=FULL, {build})\n", saves());
    println!("| | p50 | p99 | mean |");
    println!("|---|---|---|---|");
    row("store, encrypted (SQLCipher): validate + seq + clock + event + projection, one transaction", &store);
    row("baseline: raw INSERT of the same event and visit rows, same schema, one transaction", &same);
    println!(
        "| **ratio store / baseline** (goal ≤ 1.5) | **{:.2}** | **{:.2}** | **{:.2}** |",
        ratio(store.p50, same.p50),
        ratio(store.p99, same.p99),
        ratio(store.mean, same.mean)
    );
    row("for scale: the baseline's rows into an encrypted file (the price of encryption alone)", &sealed);
    row("for scale: one bare row into a one-table database", &one);
    println!(
        "\nThe store file is encrypted (SQLCipher, AES-256, a raw key: no key derivation); the baseline is \
         plain SQLite, as before encryption. Each measurement ran twice, interleaved; the run with the lower p50 \
         is shown."
    );

    let (register, rows) = register_reads().await;
    println!("\n## Reading the feedback register ({} items over {} days, {build})\n", saves(), saves() / 4);
    println!("The screen reads it every 5 s; the CLI and the weekly facts read it too.\n");
    println!("| | p50 | p99 | mean |");
    println!("|---|---|---|---|");
    row("store: rows + parse + deadline of every item on the working-day calendar + sort", &register);
    row("baseline: the same rows read and parsed, no deadlines", &rows);
    println!(
        "| **ratio store / baseline** | **{:.2}** | **{:.2}** | **{:.2}** |",
        ratio(register.p50, rows.p50),
        ratio(register.p99, rows.p99),
        ratio(register.mean, rows.mean)
    );
}
