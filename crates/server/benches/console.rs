//! `cargo xtask bench`: the province's console at national scale: 3,321 communes, two years of
//! approved weekly summaries and the register events behind the plan's scoreboard. The overview,
//! the scoreboard and the rankings of one week, timed from request to the whole JSON answer on
//! the real server over loopback, beside a bare indexed SELECT of the same rows in the same run;
//! and the console's first load as served (gzipped). Prints Markdown.
//!
//! `DATABASE_URL` names an empty database it may fill (xtask makes one and drops it after);
//! `THANTHIEN_BENCH_COMMUNES` and `THANTHIEN_BENCH_WEEKS` shrink the run (`cargo xtask test`
//! runs a small one so the benchmark keeps working as the schema grows).

use chrono::Utc;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use std::time::{Duration as Elapsed, Instant};
use thanthien_core::province::{ReportDeadline, CSRF_HEADER};
use thanthien_core::summary::Week;
use thanthien_province::db::{self, LoginGroup};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

const REQUESTS: usize = 30;

/// A mid-sized commune's approved week: five procedures, four officials, some feedback.
fn figures_template(week: Week) -> serde_json::Value {
    let mut f = thanthien_core::summary::WeekFigures::empty(week);
    f.visits.total = 214;
    f.visits.per_day = [52, 41, 38, 44, 39, 0, 0];
    for (h, n) in [(7, 20), (8, 41), (9, 38), (10, 35), (13, 22), (14, 30), (15, 28)] {
        f.visits.per_hour[h] = n;
    }
    for (p, n) in [
        ("Đăng ký khai sinh", 61),
        ("Chứng thực bản sao", 80),
        ("Đăng ký kết hôn", 12),
        ("Xác nhận cư trú", 40),
        ("Khác", 21),
    ] {
        f.visits.per_procedure.insert(p.to_owned(), n);
    }
    for (o, n) in [("Lê Thị Hoa", 70), ("Trần Văn Nam", 55), ("Nguyễn Thị Mai", 49), ("Phạm Văn Đức", 40)]
    {
        f.visits.per_official.insert(o.to_owned(), n);
    }
    f.satisfaction.ratings = 120;
    f.satisfaction.distribution = [2, 3, 10, 55, 50];
    f.satisfaction.share_satisfied = Some(105.0 / 120.0);
    (f.feedback.received, f.feedback.answered_on_time, f.feedback.answered_late) = (9, 7, 1);
    (f.dossiers.due, f.dossiers.returned_on_time, f.dossiers.returned_late) = (30, 28, 2);
    (f.cameras.checks_done, f.cameras.checks_missed) = (20, 0);
    serde_json::to_value(f).expect("figures serialise")
}

/// The few figures the scoreboard reads, as the server keeps them beside the template.
fn plan_template(template: &serde_json::Value) -> serde_json::Value {
    let figures: thanthien_core::summary::WeekFigures = serde_json::from_value(template.clone()).expect("figures");
    serde_json::to_value(thanthien_core::plan::PlanFigures::of(&figures)).expect("plan figures")
}

/// Fills the database: communes, two PCs each, every week's approved summary (85 in 100), and
/// the register events (directory, cameras, publications, a box opening a week).
async fn fill(pool: &PgPool, communes: usize, weeks: &[Week]) {
    let n = communes as i32;
    sqlx::query(
        "INSERT INTO commune (code, name, district)
         SELECT lpad(i::text, 5, '0'), 'Xã ' || i, 'Khu vực ' || (i % 40) FROM generate_series(1, $1) i",
    )
    .bind(n)
    .execute(pool)
    .await
    .expect("communes");
    sqlx::query(
        "INSERT INTO device (id, commune_code, token_hash, name, device_number, enrolled_at, last_seen_at,
                             mailbox_read_at, app_version, pending_events, last_seq)
         SELECT gen_random_uuid(), c.code, decode(md5(c.code || '-' || d), 'hex'), 'PC ' || d, d,
                now() - interval '700 days', now() - random() * interval '5 days',
                now() - random() * interval '4 days', '0.1.0', 0, 200
         FROM commune c CROSS JOIN generate_series(1, 2) d",
    )
    .execute(pool)
    .await
    .expect("devices");
    let template = figures_template(*weeks.last().expect("weeks"));
    let names: Vec<String> = weeks.iter().map(ToString::to_string).collect();
    let due: Vec<chrono::DateTime<Utc>> = weeks.iter().map(|w| ReportDeadline::default().due(*w)).collect();
    sqlx::query(
        "INSERT INTO week_summary (commune_code, week, status, figures, approved_at, approved_by, approvals, reported_at,
             feedback_on_time_part, feedback_on_time_whole, feedback_satisfaction_part, feedback_satisfaction_whole,
             procedure_satisfaction_part, procedure_satisfaction_whole, plan_figures)
         SELECT c.code, w.week, CASE WHEN random() < 0.5 THEN 'accepted' ELSE 'approved' END,
                jsonb_set($1, '{week}', to_jsonb(w.week)), at, 'truong.bp', 1, at,
                s.ok, s.ok + (random() * 3)::int, s.ok - 1, s.ok + 2, 90 + (random() * 30)::int, 120, $4
         FROM commune c CROSS JOIN unnest($2::text[], $3::timestamptz[]) AS w(week, due)
              CROSS JOIN LATERAL (SELECT w.due + (random() * 40 - 30) * interval '1 hour' AS at,
                                         5 + (random() * 20)::int AS ok) s
         WHERE random() < 0.85",
    )
    .bind(&template)
    .bind(&names)
    .bind(&due)
    .bind(plan_template(&template))
    .execute(pool)
    .await
    .expect("week summaries");
    // Register events: seq per device made distinct by kind's offset.
    let first = weeks.first().expect("weeks").bounds().0;
    sqlx::query(
        "INSERT INTO event (id, commune_code, device_id, seq, hlc, entity, entity_id, kind, payload, schema, user_name)
         SELECT gen_random_uuid(), d.commune_code, d.id, e.seq,
                lpad((extract(epoch FROM e.at) * 1000)::bigint::text, 16, '0') || '-0000000000-' || d.id,
                e.entity, gen_random_uuid(), e.kind, e.payload, 1, 'lan.nt'
         FROM device d
         CROSS JOIN LATERAL (
             SELECT i AS seq, $1::timestamptz + i * interval '1 hour' AS at, 'official' AS entity,
                    'official.listed' AS kind,
                    jsonb_build_object('name', 'Cán bộ ' || i, 'title', CASE WHEN i = 1 THEN 'Chủ tịch UBND' ELSE 'Công chức' END,
                                       'phone', '0912345678', 'phone_published', i % 5 <> 0, 'leader', i <= 2) AS payload
             FROM generate_series(1, 10) i
             UNION ALL
             SELECT 10 + i, $1::timestamptz + i * interval '2 hours', 'camera', 'camera.listed',
                    jsonb_build_object('name', 'Quầy ' || i, 'counter', i)
             FROM generate_series(1, 3) i
             UNION ALL
             SELECT 13 + i, $1::timestamptz + i * interval '120 days', 'publication', 'publication.recorded',
                    jsonb_build_object('format', 'pdf', 'venue', CASE WHEN i % 2 = 0 THEN 'portal' ELSE 'notice_board' END,
                                       'at', to_char(($1::timestamptz + i * interval '120 days') AT TIME ZONE 'UTC',
                                                     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))
             FROM generate_series(1, 6) i
             UNION ALL
             SELECT 20 + i, $1::timestamptz + (i * 7 + 2) * interval '1 day', 'feedback_box', 'feedback_box.opened',
                    jsonb_build_object('opened_at', to_char(($1::timestamptz + (i * 7 + 2) * interval '1 day') AT TIME ZONE 'UTC',
                                                             'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                                       'witnesses', jsonb_build_array('Lê Thị Hoa', 'Trần Văn Nam'), 'letters', i % 3)
             FROM generate_series(0, $2 - 1) i
         ) e
         WHERE d.device_number = 1",
    )
    .bind(first)
    .bind(i32::try_from(weeks.len()).unwrap_or(i32::MAX))
    .execute(pool)
    .await
    .expect("register events");
    // As autovacuum leaves a live database: statistics and the visibility map.
    sqlx::query("VACUUM ANALYZE").execute(pool).await.expect("vacuum");
    // The bulk load's writes reach the disk before the clock starts, not while pages are timed.
    sqlx::query("CHECKPOINT").execute(pool).await.expect("checkpoint");
    let _ = std::process::Command::new("sync").status();
}

struct Timing {
    p50: f64,
    p99: f64,
}

fn timing(mut samples: Vec<Elapsed>) -> Timing {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    Timing { p50: at(0.5), p99: at(0.99) }
}

async fn time_it<F, Fut>(mut once: F) -> Timing
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..3 {
        once().await;
    }
    let mut samples = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let started = Instant::now();
        once().await;
        samples.push(started.elapsed());
    }
    timing(samples)
}

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: an empty database for the benchmark");
    let communes = env("THANTHIEN_BENCH_COMMUNES", 3321);
    let weeks_n = env("THANTHIEN_BENCH_WEEKS", 104);
    let owner = PgPoolOptions::new().max_connections(4).connect(&url).await.expect("connect");
    db::migrate(&owner).await.expect("migrate");
    let week = Week::of(Utc::now()).previous();
    let mut weeks = vec![week];
    while weeks.len() < weeks_n {
        let earlier = weeks.last().copied().unwrap_or(week).previous();
        weeks.push(earlier);
    }
    weeks.reverse();
    let started = Instant::now();
    fill(&owner, communes, &weeks).await;
    let filled = started.elapsed();
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM week_summary").fetch_one(&owner).await.expect("count");
    let (events,): (i64,) = sqlx::query_as("SELECT count(*) FROM event").fetch_one(&owner).await.expect("count");

    db::create_login(&owner, "thanthien_bench_server", LoginGroup::App, None).await.expect("login");
    db::create_login(&owner, "thanthien_bench_console", LoginGroup::Console, None).await.expect("login");
    let devices = db::connect_as(&owner, "thanthien_bench_server").await.expect("connect");
    let console = db::connect_as(&owner, "thanthien_bench_console").await.expect("connect");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let serving = thanthien_province::Serving {
        devices,
        console: Some(console.clone()),
        deadline: ReportDeadline::default(),
        limits: Default::default(),
    };
    tokio::spawn(thanthien_province::serve_with(listener, serving, std::future::pending()));
    let password = "mat-khau-do-hieu-nang".to_owned();
    thanthien_province::accounts::add(
        &owner,
        "bench".into(),
        "Đo hiệu năng".into(),
        "province-viewer",
        password.clone(),
    )
    .await
    .expect("account");
    let http = reqwest::Client::new();
    let signed = http
        .post(format!("{base}/v1/console/session"))
        .json(&serde_json::json!({ "username": "bench", "password": password }))
        .send()
        .await
        .expect("sign in");
    let cookie = signed.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    let session: thanthien_core::province::ConsoleSession = signed.json().await.expect("session");

    let get = |path: String| {
        let (http, cookie, csrf, base) = (http.clone(), cookie.clone(), session.csrf.clone(), base.clone());
        async move {
            let response = http
                .get(format!("{base}{path}"))
                .header(reqwest::header::COOKIE, cookie)
                .header(CSRF_HEADER, csrf)
                .send()
                .await
                .expect("request");
            assert!(response.status().is_success(), "{path}: {}", response.status());
            let body = response.bytes().await.expect("body");
            assert!(!body.is_empty());
        }
    };
    let select = |sql: &'static str, binds: Vec<String>| {
        let pool = console.clone();
        async move {
            let mut q = sqlx::query(sql);
            for b in &binds {
                q = q.bind(b);
            }
            let rows = q.fetch_all(&pool).await.expect("select");
            std::hint::black_box(rows.len());
        }
    };
    let w = week.to_string();
    let twelve: Vec<String> = weeks.iter().rev().take(12).map(ToString::to_string).collect();
    let overview = time_it(|| get(format!("/v1/console/overview?week={w}"))).await;
    let overview_sql = time_it(|| {
        select(
            "SELECT c.code, c.name, c.district, w.status, w.reported_at, w.approvals
             FROM commune c LEFT JOIN week_summary w ON w.commune_code = c.code AND w.week = $1",
            vec![w.clone()],
        )
    })
    .await;
    let plan = time_it(|| get(format!("/v1/console/plan?week={w}"))).await;
    let plan_sql = time_it(|| {
        select(
            "SELECT w.commune_code, w.plan_figures, e.kind, e.payload FROM week_summary w
             LEFT JOIN event e ON e.commune_code = w.commune_code
                  AND e.kind IN ('publication.recorded', 'official.listed', 'camera.listed')
             WHERE w.week = $1",
            vec![w.clone()],
        )
    })
    .await;
    let rankings = time_it(|| get(format!("/v1/console/rankings?week={w}"))).await;
    let rankings_sql = time_it(|| {
        let list = twelve.clone();
        let pool = console.clone();
        async move {
            let rows = sqlx::query(
                "SELECT commune_code, week, feedback_on_time_part, feedback_on_time_whole, feedback_satisfaction_part,
                        feedback_satisfaction_whole, procedure_satisfaction_part, procedure_satisfaction_whole
                 FROM week_summary WHERE week = ANY($1)",
            )
            .bind(list)
            .fetch_all(&pool)
            .await
            .expect("select");
            std::hint::black_box(rows.len());
        }
    })
    .await;

    let first_load = thanthien_province::console::first_load_bytes();
    println!("<!-- bench -->");
    println!(
        "## The province's console at national scale ({communes} communes, {} weeks, release build)\n",
        weeks.len()
    );
    println!(
        "{rows} approved weekly summaries and {events} register events, generated in {:.0} s. Each page of {week} \
         requested {REQUESTS} times over loopback after 3 warm-ups, timed to the whole JSON answer; the baseline \
         runs a bare indexed SELECT of the rows the page reads, on the same connection pool.\n",
        filled.as_secs_f64()
    );
    println!("| page | p50 | p99 | baseline p50 | baseline p99 | ratio p50 (goal ≤ 3) |");
    println!("|---|---|---|---|---|---|");
    for (name, page, base) in [
        ("Tổng quan (overview)", &overview, &overview_sql),
        ("Triển khai kế hoạch (scoreboard)", &plan, &plan_sql),
        ("Xếp hạng (rankings, 12 weeks)", &rankings, &rankings_sql),
    ] {
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} |",
            page.p50,
            page.p99,
            base.p50,
            base.p99,
            page.p50 / base.p50
        );
    }
    println!(
        "\nThe console's first load as served (HTML, JS, wasm, CSS, gzipped): {:.0} KiB (goal < 1.5 MB).",
        first_load as f64 / 1024.0
    );
}
