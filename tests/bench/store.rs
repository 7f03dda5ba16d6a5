//! `cargo xtask bench`: saving a visit through the store, beside a raw SQLite insert of the same
//! rows with the same durability settings, measured in the same run. Prints Markdown.

use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::time::{Duration, Instant};
use thanthien::store::Store;
use thanthien_core::visit::VisitInput;

const SAVES: usize = 3000;
const WARMUP: usize = 100;

fn input(i: usize) -> VisitInput {
    VisitInput {
        name: format!("Nguyễn Thị Ánh {i}"),
        procedure: Some("Đăng ký khai sinh".into()),
        phone: Some("0912 345 678".into()),
        citizen_id: None,
        note: Some("mang theo bản sao giấy chứng sinh".into()),
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

async fn through_store() -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).await.expect("store");
    let mut samples = Vec::with_capacity(SAVES);
    for i in 0..SAVES + WARMUP {
        let started = Instant::now();
        store.record_visit(input(i), Utc::now()).await.expect("save");
        if i >= WARMUP {
            samples.push(started.elapsed());
        }
    }
    store.close().await;
    figures(samples)
}

/// The floor: one INSERT per transaction into a plain table, same pragmas, same driver.
async fn raw_sqlite() -> Figures {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = SqliteConnectOptions::new()
        .filename(dir.path().join("raw.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("raw db");
    sqlx::query(
        "CREATE TABLE visit (id TEXT PRIMARY KEY, arrived_at TEXT, visitor_name TEXT, procedure TEXT, phone TEXT, note TEXT)",
    )
    .execute(&pool)
    .await
    .expect("table");
    let mut samples = Vec::with_capacity(SAVES);
    for i in 0..SAVES + WARMUP {
        let v = input(i);
        let started = Instant::now();
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        sqlx::query("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(Utc::now().to_rfc3339())
            .bind(v.name)
            .bind(v.procedure)
            .bind(v.phone)
            .bind(v.note)
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        if i >= WARMUP {
            samples.push(started.elapsed());
        }
    }
    figures(samples)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    // Alternate the two so disk and cache state weigh on both alike.
    let raw_a = raw_sqlite().await;
    let store_a = through_store().await;
    let raw_b = raw_sqlite().await;
    let store_b = through_store().await;
    let best = |a: Figures, b: Figures| if a.p50 <= b.p50 { a } else { b };
    let (raw, store) = (best(raw_a, raw_b), best(store_a, store_b));
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("<!-- bench -->");
    println!("## Saving a visit ({SAVES} saves after {WARMUP} warm-up, WAL + synchronous=FULL, release build)\n");
    println!("| | p50 | p99 | mean |");
    println!("|---|---|---|---|");
    println!("| store: validate + event + projection, one transaction | {} | {} | {} |", ms(store.p50), ms(store.p99), ms(store.mean));
    println!("| baseline: raw SQLite insert, one transaction | {} | {} | {} |", ms(raw.p50), ms(raw.p99), ms(raw.mean));
    println!(
        "| **ratio store / baseline** (goal ≤ 1.5) | **{:.2}** | **{:.2}** | **{:.2}** |",
        ratio(store.p50, raw.p50),
        ratio(store.p99, raw.p99),
        ratio(store.mean, raw.mean)
    );
    println!("\nEach side ran twice, alternating; the run with the lower p50 is shown.");
}
