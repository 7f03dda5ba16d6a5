//! `cargo xtask bench`: the weekly summary through the store over 1 and 10 years of generated
//! history for one commune (about 150 visits and 2 feedback items a day), beside a raw indexed
//! SQL aggregate of the same two weeks, measured in the same run. Prints Markdown.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sqlx::sqlite::SqlitePoolOptions;
use sqlx::SqlitePool;
use std::time::{Duration as Elapsed, Instant};
use thanthien::store::Store;
use thanthien_core::approval::WeekAction;
use thanthien_core::feedback::{
    FeedbackAnswered, FeedbackChange, FeedbackInput, FeedbackReceived, FeedbackState, Notice,
};
use thanthien_core::summary::Week;
use thanthien_core::time::{stamp, vietnam};
use thanthien_core::visit::{
    Counter, NewVisit, Outcome, RatingLevel, VisitArrived, VisitCalled, VisitChange, VisitFinished, VisitInput,
    VisitRated, VisitState,
};
use thanthien_core::Hlc;
use uuid::Uuid;

/// `THANTHIEN_BENCH_VISITS_PER_DAY` shrinks the run: `cargo xtask test` runs a small one so the
/// benchmark keeps working as the schema grows.
fn per_day() -> usize {
    std::env::var("THANTHIEN_BENCH_VISITS_PER_DAY").ok().and_then(|n| n.parse().ok()).unwrap_or(150)
}

const READS: usize = 15;
const PROCEDURES: [&str; 5] =
    ["Đăng ký khai sinh", "Chứng thực bản sao", "Đăng ký kết hôn", "Xác nhận cư trú", "Đăng ký khai tử"];
const OFFICIALS: [&str; 4] = ["Lê Thị Hoa", "Trần Văn Nam", "Nguyễn Thị Mai", "Phạm Văn Đức"];

fn local(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    let midnight = vietnam().from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default()).unwrap();
    midnight.with_timezone(&Utc) + Duration::minutes(minutes)
}

/// Writes `years` of history ending with `week` straight into the store's tables, as the
/// projection would have left them (core builds every state), in large transactions.
async fn fill(pool: &SqlitePool, years: i64, week: Week) -> usize {
    let device = Uuid::new_v4();
    let last = week.sunday();
    let first = last - Duration::days(365 * years);
    let mut written = 0;
    let mut tx = pool.begin().await.expect("begin");
    for (d, day) in first.iter_days().take_while(|d| *d <= last).enumerate() {
        for j in 0..per_day() {
            // Arrivals spread over 07:30–16:30; waits of 3–25 minutes, service of 4–30.
            let arrived = local(day, 450 + (j * 540 / per_day()) as i64);
            let called = arrived + Duration::minutes(3 + (j % 23) as i64);
            let finished = called + Duration::minutes(4 + (j % 27) as i64);
            let input = VisitInput {
                name: format!("Người dân {j}"),
                procedure: Some(PROCEDURES[j % 5].into()),
                ..Default::default()
            };
            let hlc = |k: u64| Hlc { wall_ms: (d * 1000 + j) as u64 * 10 + k, counter: 0, device };
            let mut changes = vec![
                VisitChange::Arrived(VisitArrived {
                    arrived_at: arrived,
                    ticket: None,
                    visit: NewVisit::parse(input).expect("valid"),
                }),
                VisitChange::Called(VisitCalled {
                    called_at: called,
                    official: OFFICIALS[j % 4].to_owned().try_into().expect("name"),
                    counter: Counter::try_from((j % 4 + 1) as u16).expect("counter"),
                }),
                VisitChange::Finished(VisitFinished::new(finished, Outcome::Resolved, None).expect("finish")),
            ];
            if j % 3 == 0 {
                let level = RatingLevel::try_from((j % 5 + 1) as u8).expect("level");
                changes.push(VisitChange::Rated(VisitRated::new(finished, level, vec![]).expect("rating")));
            }
            let mut state = VisitState::default();
            for (k, change) in changes.iter().enumerate() {
                state.apply(change, hlc(k as u64), device);
            }
            let id = Uuid::now_v7();
            let view = state.view(id).expect("visible");
            sqlx::query(
                "INSERT INTO visit (id, arrived_at, visitor_name, procedure, device_id, state, calls, last_called_at,
                     official, counter, finished_at, outcome, rating, waiting_secs, service_secs, trip, ticket_day)
                 VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, 'resolved', ?, ?, ?, 1, ?)",
            )
            .bind(id.to_string())
            .bind(stamp(arrived))
            .bind(&view.name)
            .bind(&view.procedure)
            .bind(device.to_string())
            .bind(serde_json::to_string(&state).expect("state"))
            .bind(stamp(called))
            .bind(&view.official)
            .bind(view.counter.map(i64::from))
            .bind(stamp(finished))
            .bind(view.rating.map(i64::from))
            .bind(view.waiting_secs)
            .bind(view.service_secs)
            .bind(day.to_string())
            .execute(&mut *tx)
            .await
            .expect("visit");
            written += 1;
        }
        for f in 0..2 {
            let received = local(day, 540 + f * 60);
            let input = FeedbackInput {
                channel: "box".into(),
                kind: "recommendation".into(),
                content: "Đề nghị sửa đèn đường".into(),
                ..Default::default()
            };
            let mut state = FeedbackState::default();
            let answered_at = received + Duration::days(3);
            state.apply(
                &FeedbackChange::Received(FeedbackReceived::parse(input, received).expect("valid")),
                Hlc { wall_ms: 1, counter: 0, device },
            );
            state.apply(
                &FeedbackChange::Answered(FeedbackAnswered {
                    at: answered_at,
                    by: "Lê Thị Hoa".to_owned().try_into().expect("name"),
                    via: Notice::Letter,
                    reply: "Đã sửa.".to_owned().try_into().expect("reply"),
                }),
                Hlc { wall_ms: 2, counter: 0, device },
            );
            sqlx::query(
                "INSERT INTO feedback (id, received_at, channel, kind, status, state, finished_at)
                 VALUES (?, ?, 'box', 'recommendation', 'answered', ?, ?)",
            )
            .bind(Uuid::now_v7().to_string())
            .bind(stamp(received))
            .bind(serde_json::to_string(&state).expect("state"))
            .bind(stamp(answered_at))
            .execute(&mut *tx)
            .await
            .expect("feedback");
        }
        if d % 30 == 29 {
            tx.commit().await.expect("commit");
            tx = pool.begin().await.expect("begin");
        }
    }
    tx.commit().await.expect("commit");
    written
}

/// The floor: what an indexed SQL aggregate of the same two weeks costs (visits per day and
/// the rating and waiting sums), with no per-visit parsing at all.
async fn raw_aggregate(pool: &SqlitePool, week: Week) {
    for w in [week, week.previous()] {
        let (start, end) = w.bounds();
        let rows: Vec<(String, i64, Option<i64>, Option<f64>)> = sqlx::query_as(
            "SELECT strftime('%w', arrived_at, '+7 hours'), count(*), sum(rating >= 4), avg(waiting_secs)
             FROM visit WHERE arrived_at >= ? AND arrived_at < ? GROUP BY 1",
        )
        .bind(stamp(start))
        .bind(stamp(end))
        .fetch_all(pool)
        .await
        .expect("aggregate");
        assert!(!rows.is_empty());
    }
}

fn p50(mut samples: Vec<Elapsed>) -> Elapsed {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Elapsed) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Reads the summary `READS` times as of `now`, each beside the baseline (interleaved, so both
/// see the same caches): the first read, the p50 of the rest, and the baseline's p50.
async fn reads(
    store: &Store,
    pool: &SqlitePool,
    week: Week,
    now: DateTime<Utc>,
    check: impl Fn(&thanthien_core::report::WeeklySummary),
) -> (Elapsed, Elapsed, Elapsed) {
    let (mut times, mut raw) = (Vec::new(), Vec::new());
    for _ in 0..READS {
        let started = Instant::now();
        let summary = store.weekly_summary(week, now).await.expect("summary");
        times.push(started.elapsed());
        check(&summary);
        let started = Instant::now();
        raw_aggregate(pool, week).await;
        raw.push(started.elapsed());
    }
    (times[0], p50(times[1..].to_vec()), p50(raw))
}

#[tokio::main]
async fn main() {
    let week = Week::of(Utc::now()).previous();
    // The open week is the same week read on its Thursday at noon: last week ended, this one runs.
    let thursday_noon = local(week.monday() + Duration::days(3), 12 * 60);
    let build = if cfg!(debug_assertions) { "debug build: a smoke run, not a measurement" } else { "release build" };
    println!("<!-- bench -->");
    println!("## The weekly summary as history grows ({} visits and 2 feedback items a day, {build})\n", per_day());
    println!(
        "The summary of {week} and the week before it, read {READS} times: approved (the head approved it once \
         it ended, read now) and open (read on its Thursday at noon, while it runs, before it was approved). An open \
         week's first read computes the week before it, which is then stored; approving computes and stores \
         the approved week. The p50 is of the reads after the first.\n"
    );
    println!("| history | visits stored | approved week: first read | approved week p50 (goal ≤ 5 ms) | open week: first read | open week p50 (goal ≤ 5 ms) | baseline: indexed SQL aggregate of the same weeks |");
    println!("|---|---|---|---|---|---|---|");
    for years in [1, 10] {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(dir.path()).await.expect("store");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(thanthien::store::cipher::options_for(store.path()).await.expect("key"))
            .await
            .expect("pool");
        let visits = fill(&pool, years, week).await;
        let (open_first, open, raw) = reads(&store, &pool, week, thursday_noon, |summary| {
            assert_eq!(summary.last_week.visits.total as usize, 7 * per_day());
            assert_eq!(summary.this_week.visits.total as usize, 7 * per_day());
        })
        .await;
        let now = Utc::now();
        store.step_week(week, WeekAction::Submit, now).await.expect("submitted");
        store.step_week(week, WeekAction::Approve, now).await.expect("approved");
        let (approved_first, approved, _) = reads(&store, &pool, week, now, |summary| {
            assert_eq!(summary.this_week.visits.total as usize, 7 * per_day());
            assert!(summary.amendments.is_empty(), "{:?}", summary.amendments);
        })
        .await;
        println!(
            "| {years} year{} | {visits} | {} | **{}** | {} | **{}** | {} |",
            if years > 1 { "s" } else { "" },
            ms(approved_first),
            ms(approved),
            ms(open_first),
            ms(open),
            ms(raw),
        );
        pool.close().await;
        store.close().await;
    }
    println!("\nAn ended week's figures depend on its data alone: computed once (parsing every visit of the week through core's projection rule, every figure in Rust), stored, and forgotten only when an event that can change them is written or pulled. The open week is computed as it is read, from its visits parsed once after each write or pull (the first read after one costs what the first read column shows). The baseline only counts in SQL, with no exact medians, percentiles or per-official tables.");
}
