//! `cargo xtask bench`: the desk's own sync through a shaped line made here — a loopback proxy
//! that lets 1 Mbit/s through each way and holds every byte 150 ms each way, as a commune's
//! line does — to the real province server: one PC pushes a backlog of 10,000 events, a second
//! PC of the commune pulls them. Beside each, the limit the line itself sets: the bytes that
//! crossed it (compressed) at its rate, plus one round trip for each request answered. Prints
//! Markdown. `DATABASE_URL` names an empty database it may fill; `THANTHIEN_BENCH_SYNC_EVENTS`
//! shrinks the run (`cargo xtask test` runs a small one so it keeps working).

#[path = "../common/mod.rs"]
mod common;

use chrono::Utc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use thanthien::store::Store;
use thanthien::sync::Client;
use thanthien_core::visit::VisitInput;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RATE_BITS_PER_SEC: f64 = 1_000_000.0;
const ONE_WAY: Duration = Duration::from_millis(150);

/// What crossed the line: bytes each way, and how many times the server began an answer after
/// the desk had sent (a request answered: one round trip).
#[derive(Default)]
struct Crossed {
    up: AtomicU64,
    down: AtomicU64,
    answers: AtomicU64,
}

impl Crossed {
    fn take(&self) -> (u64, u64, u64) {
        (self.up.swap(0, Ordering::SeqCst), self.down.swap(0, Ordering::SeqCst), self.answers.swap(0, Ordering::SeqCst))
    }
}

/// The shaped line: each direction is a queue that sends at `RATE_BITS_PER_SEC` and delivers
/// every chunk `ONE_WAY` after it was sent.
async fn shaped_line(upstream: std::net::SocketAddr, crossed: Arc<Crossed>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((desk, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(upstream).await else { continue };
            let _ = desk.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (desk_read, desk_write) = desk.into_split();
            let (server_read, server_write) = server.into_split();
            // Whether the desk spoke last on this connection: the next answer is a round trip.
            let desk_spoke = Arc::new(AtomicBool::new(false));
            tokio::spawn(direction(desk_read, server_write, crossed.clone(), desk_spoke.clone(), true));
            tokio::spawn(direction(server_read, desk_write, crossed.clone(), desk_spoke, false));
        }
    });
    addr
}

async fn direction(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    crossed: Arc<Crossed>,
    desk_spoke: Arc<AtomicBool>,
    upward: bool,
) {
    let (queue, mut delivered) = tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let deliver = tokio::spawn(async move {
        while let Some((at, bytes)) = delivered.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut free_at = tokio::time::Instant::now();
    let mut buf = vec![0u8; 1500];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if upward {
            crossed.up.fetch_add(n as u64, Ordering::SeqCst);
            desk_spoke.store(true, Ordering::SeqCst);
        } else {
            crossed.down.fetch_add(n as u64, Ordering::SeqCst);
            if desk_spoke.swap(false, Ordering::SeqCst) {
                crossed.answers.fetch_add(1, Ordering::SeqCst);
            }
        }
        let sent =
            free_at.max(tokio::time::Instant::now()) + Duration::from_secs_f64(n as f64 * 8.0 / RATE_BITS_PER_SEC);
        free_at = sent;
        if queue.send((sent + ONE_WAY, buf[..n].to_vec())).is_err() {
            break;
        }
    }
    drop(queue);
    let _ = deliver.await;
}

struct Round {
    events: usize,
    took: Duration,
    up: u64,
    down: u64,
    answers: u64,
}

impl Round {
    /// What the line allows: its bytes at its rate, one round trip per answered request.
    fn limit(&self) -> f64 {
        (self.up + self.down) as f64 * 8.0 / RATE_BITS_PER_SEC + self.answers as f64 * 2.0 * ONE_WAY.as_secs_f64()
    }

    fn row(&self, what: &str) -> String {
        format!(
            "| {what} | {} | {:.0} KB | {:.0} KB | {} | {:.1} s | {:.1} s | **{:.2}** |",
            self.events,
            self.up as f64 / 1000.0,
            self.down as f64 / 1000.0,
            self.answers,
            self.took.as_secs_f64(),
            self.limit(),
            self.took.as_secs_f64() / self.limit()
        )
    }
}

async fn round(
    client: &Client,
    store: &Store,
    crossed: &Crossed,
    count: impl Fn(&thanthien_core::ipc::SyncReport) -> usize,
) -> Round {
    crossed.take();
    let started = Instant::now();
    let report = client.sync_once(store).await.expect("sync through the shaped line");
    let took = started.elapsed();
    let (up, down, answers) = crossed.take();
    Round { events: count(&report), took, up, down, answers }
}

#[tokio::main]
async fn main() {
    // The device tokens stay in the test stores, not in the developer's keyring.
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");
    let events: usize =
        std::env::var("THANTHIEN_BENCH_SYNC_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: an empty database for the benchmark");
    let owner = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&url).await.expect("connect");
    thanthien_province::db::migrate(&owner).await.expect("migrate");
    let province = common::Province::start(&owner).await;
    let crossed = Arc::new(Crossed::default());
    let line = format!("http://{}", shaped_line(province.addr, crossed.clone()).await);
    common::commune(&owner, "26000").await;
    let client = Client::default();

    let (first, second) = (common::desk().await, common::desk().await);
    for desk in [&first, &second] {
        let code = common::code_for(&owner, "26000").await;
        client.enroll(&desk.store, &line, &code).await.expect("enrolled through the line");
    }
    // The second PC is up to date before the first one's backlog is written.
    client.sync_once(&second.store).await.expect("first sync");
    for i in 0..events {
        let input = VisitInput {
            name: format!("Nguyễn Văn Công {i}"),
            procedure: Some("Chứng thực bản sao".into()),
            phone: Some("0912345678".into()),
            ..Default::default()
        };
        first.store.record_visit(input, Utc::now()).await.expect("visit");
    }
    let push = round(&client, &first.store, &crossed, |r| r.pushed).await;
    assert_eq!(push.events, events, "the whole backlog pushed");
    let pull = round(&client, &second.store, &crossed, |r| r.pulled).await;
    assert_eq!(pull.events, events, "the whole backlog pulled");
    province.stop();

    let build = if cfg!(debug_assertions) { "debug build: a smoke run, not a measurement" } else { "release build" };
    println!("<!-- bench -->");
    println!("## Sync through a shaped line ({build})\n");
    println!(
        "The desk's own sync (`sync_once`) to the real province server through a loopback proxy made in the \
         bench: 1 Mbit/s each way and 150 ms each way (300 ms round trips). The limit is what the line itself \
         allows: the bytes that crossed it at its rate, plus one round trip for each request answered.\n"
    );
    println!("| round | events | bytes up | bytes down | requests answered | took | limit | ratio (goal ≤ 1.5) |");
    println!("|---|---|---|---|---|---|---|---|");
    println!("{}", push.row("the first PC pushes its backlog"));
    println!("{}", pull.row("the second PC pulls it"));
}
