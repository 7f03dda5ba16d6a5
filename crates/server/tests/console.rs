//! The province's console API on the real server and a real PostgreSQL: sessions, CSRF, roles,
//! the lock, the wall between device tokens and console sessions, the overview's on-time rule at
//! the deadline's minute, the province's return, and no citizen's personal data in any answer.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::Server;
use reqwest::StatusCode;
use sqlx::PgPool;
use thanthien_core::approval::{week_id, ApprovalStep, WeekStepped};
use thanthien_core::event::EventBody;
use thanthien_core::province::{Overview, ReportDeadline, ReportStatus, CSRF_HEADER};
use thanthien_core::summary::Week;
use thanthien_core::visit::{NewVisit, VisitArrived, VisitChange, VisitInput};
use thanthien_core::wire::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use thanthien_core::{Event, Hlc};
use uuid::Uuid;

/// Two weeks ago: its deadline (Tuesday 17:00 of last week) has passed whatever day this runs.
fn reported_week() -> Week {
    Week::of(Utc::now()).previous().previous()
}

fn step_event(commune: &str, device: Uuid, seq: i64, week: Week, step: ApprovalStep) -> serde_json::Value {
    let now = Utc::now();
    let hlc = Hlc { wall_ms: now.timestamp_millis() as u64, counter: seq as u32, device };
    let body = EventBody::Week(WeekStepped { week, step });
    serde_json::to_value(Event::new(commune, device, seq, hlc, week_id(week), &body, Some("truong.ban".into())))
        .unwrap()
}

/// A commune's PC submits `week` an hour before the deadline and approves it at `approved_at`.
async fn report(server: &Server, commune: &str, week: Week, approved_at: DateTime<Utc>) -> (Uuid, String) {
    report_with(server, commune, week, approved_at, |_| {}).await
}

/// The same, with the approved figures as `amend` leaves them.
async fn report_with(
    server: &Server,
    commune: &str,
    week: Week,
    approved_at: DateTime<Utc>,
    amend: impl FnOnce(&mut thanthien_core::summary::WeekFigures),
) -> (Uuid, String) {
    let (device, token) = server.device(commune).await;
    let due = ReportDeadline::default().due(week);
    let mut figures = thanthien_core::summary::WeekFigures::empty(week);
    amend(&mut figures);
    let steps = [
        step_event(commune, device, 1, week, ApprovalStep::Submitted { at: due - Duration::hours(1) }),
        step_event(commune, device, 2, week, ApprovalStep::Approved { at: approved_at, figures: Box::new(figures) }),
    ];
    let pushed = server.http_push(&token, &steps).await;
    assert_eq!(pushed.acked_through, 2, "{pushed:?}");
    assert!(pushed.results.iter().all(|r| r.reason.is_none()), "{pushed:?}");
    (device, token)
}

async fn get(server: &Server, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = server.http.get(format!("{}{path}", server.base));
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    request.send().await.unwrap()
}

async fn post(server: &Server, path: &str, cookie: &str, csrf: &str, body: serde_json::Value) -> reqwest::Response {
    server
        .http
        .post(format!("{}{path}", server.base))
        .header(reqwest::header::COOKIE, cookie)
        .header(CSRF_HEADER, csrf)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn status_of(pool: &PgPool, commune: &str, week: Week) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM week_summary WHERE commune_code = $1 AND week = $2")
        .bind(commune)
        .bind(week.to_string())
        .fetch_one(pool)
        .await
        .unwrap();
    status
}

#[sqlx::test(migrations = "./migrations")]
async fn the_overview_counts_a_report_on_time_within_the_deadlines_minute_and_late_after_it(pool: PgPool) {
    let server = common::start(pool.clone()).await;
    let week = reported_week();
    let due = ReportDeadline::default().due(week);
    for code in ["A", "B", "C"] {
        server.commune(code).await;
    }
    report(&server, "A", week, due + Duration::seconds(30)).await;
    report(&server, "B", week, due + Duration::seconds(60)).await;
    let password = server.account("xem", "province-viewer").await;
    let (cookie, _) = server.sign_in("xem", &password).await;
    let response = get(&server, &format!("/v1/console/overview?week={week}"), Some(&cookie)).await;
    assert_eq!(response.status(), 200);
    let overview: Overview = response.json().await.unwrap();
    assert_eq!(overview.due, due);
    let row = |code: &str| overview.rows.iter().find(|r| r.commune_code == code).unwrap().clone();
    let (a, b, c) = (row("A"), row("B"), row("C"));
    assert_eq!((a.status, a.on_time, a.reported_at), (ReportStatus::Approved, true, Some(due + Duration::seconds(30))));
    assert_eq!((b.status, b.on_time), (ReportStatus::Approved, false));
    assert_eq!((c.status, c.on_time, c.silent, c.last_sync), (ReportStatus::NotStarted, false, true, None));
    assert!(!a.silent && a.last_sync.is_some(), "A pushed just now");
    assert_eq!((overview.reporting.text(), overview.on_time.text()), ("2/3 (66,7%)".into(), "1/3 (33,3%)".into()));
}

#[sqlx::test(migrations = "./migrations")]
async fn every_refusal_has_its_status_and_changes_nothing(pool: PgPool) {
    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    let week = reported_week();
    let (_, token) = report(&server, "A", week, ReportDeadline::default().due(week)).await;
    let admin_password = server.account("quantri", "province-admin").await;
    let viewer_password = server.account("xem", "province-viewer").await;
    let accept = format!("/v1/console/weeks/A/{week}/accept");
    let overview = format!("/v1/console/overview?week={week}");

    // No cookie; a made-up cookie.
    assert_eq!(get(&server, &overview, None).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(get(&server, &overview, Some("tt_console=deadbeef")).await.status(), StatusCode::UNAUTHORIZED);
    // A device token never opens the console.
    let with_token = server
        .http
        .get(format!("{}{overview}", server.base))
        .bearer_auth(&token)
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), StatusCode::UNAUTHORIZED);

    let (cookie, session) = server.sign_in("quantri", &admin_password).await;
    // A console cookie never pushes or pulls.
    let pull = server
        .http
        .get(format!("{}/v1/sync/pull", server.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(pull.status(), StatusCode::UNAUTHORIZED);
    // A wrong or missing CSRF token: refused, the week untouched.
    assert_eq!(post(&server, &accept, &cookie, "sai", serde_json::json!({})).await.status(), StatusCode::FORBIDDEN);
    let no_csrf = server
        .http
        .post(format!("{}{accept}", server.base))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&pool, "A", week).await, "approved");

    // A viewer reads but changes nothing, even with its own good CSRF token.
    let (viewer_cookie, viewer) = server.sign_in("xem", &viewer_password).await;
    assert_eq!(get(&server, &overview, Some(&viewer_cookie)).await.status(), 200);
    let refused = post(&server, &accept, &viewer_cookie, &viewer.csrf, serde_json::json!({})).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let back = post(
        &server,
        &format!("/v1/console/weeks/A/{week}/return"),
        &viewer_cookie,
        &viewer.csrf,
        serde_json::json!({ "reason": "thử" }),
    )
    .await;
    assert_eq!(back.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&pool, "A", week).await, "approved");

    // An expired session: idle past the limit.
    sqlx::query("UPDATE console_session SET last_seen_at = now() - interval '31 minutes' WHERE username = 'xem'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(get(&server, &overview, Some(&viewer_cookie)).await.status(), StatusCode::UNAUTHORIZED);

    // Five wrong passwords lock the account for 15 minutes, even against the right one.
    for _ in 0..5 {
        let wrong = server
            .http
            .post(format!("{}/v1/console/session", server.base))
            .json(&serde_json::json!({ "username": "xem", "password": "sai mật khẩu" }))
            .send()
            .await
            .unwrap();
        assert!([StatusCode::UNAUTHORIZED, StatusCode::LOCKED].contains(&wrong.status()));
    }
    let locked = server
        .http
        .post(format!("{}/v1/console/session", server.base))
        .json(&serde_json::json!({ "username": "xem", "password": viewer_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(locked.status(), StatusCode::LOCKED);
    assert!(locked.text().await.unwrap().contains("bị khóa"));

    // The admin with the right token: accepted once, then 409; the act is in the audit.
    assert_eq!(post(&server, &accept, &cookie, &session.csrf, serde_json::json!({})).await.status(), 204);
    assert_eq!(status_of(&pool, "A", week).await, "accepted");
    assert_eq!(post(&server, &accept, &cookie, &session.csrf, serde_json::json!({})).await.status(), 409);
    let audit: Vec<thanthien_core::province::AuditEntry> =
        get(&server, "/v1/console/audit", Some(&cookie)).await.json().await.unwrap();
    assert!(audit
        .iter()
        .any(|a| a.username == "quantri" && a.action == "week.accept" && a.target.as_deref() == Some("A")));
    assert_eq!(audit.iter().filter(|a| a.action == "week.accept").count(), 1, "the refused acts are not audited");
    // Signing out ends the session.
    let out = server
        .http
        .delete(format!("{}/v1/console/session", server.base))
        .header(reqwest::header::COOKIE, &cookie)
        .header(CSRF_HEADER, &session.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(get(&server, &overview, Some(&cookie)).await.status(), StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrations = "./migrations")]
async fn a_returned_week_needs_a_reason_reaches_the_communes_pull_and_can_be_approved_again(pool: PgPool) {
    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    let week = reported_week();
    let due = ReportDeadline::default().due(week);
    let (device, token) = report(&server, "A", week, due - Duration::minutes(30)).await;
    let password = server.account("quantri", "province-admin").await;
    let (cookie, session) = server.sign_in("quantri", &password).await;
    let path = format!("/v1/console/weeks/A/{week}/return");
    let blank = post(&server, &path, &cookie, &session.csrf, serde_json::json!({ "reason": "  " })).await;
    assert_eq!(blank.status(), 400);
    assert_eq!(status_of(&pool, "A", week).await, "approved");
    let reason = "Thiếu số liệu camera ngày thứ Tư";
    let back = post(&server, &path, &cookie, &session.csrf, serde_json::json!({ "reason": reason })).await;
    assert_eq!(back.status(), 204);
    assert_eq!(status_of(&pool, "A", week).await, "returned");
    let overview: Overview =
        get(&server, &format!("/v1/console/overview?week={week}"), Some(&cookie)).await.json().await.unwrap();
    let row = &overview.rows[0];
    assert_eq!((row.status, row.reported_at, row.on_time), (ReportStatus::Returned, None, false));
    assert_eq!(overview.reporting.part, 0, "a returned week is not reported");

    // The commune's PC pulls the return with its reason, from the province's device.
    let pulled: thanthien_core::wire::PullResponse = server
        .http
        .get(format!("{}/v1/sync/pull", server.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let returned = pulled.events.iter().find(|e| e.event.kind == "week.returned").expect("the return is pulled");
    assert_eq!(returned.event.device_id, thanthien_core::event::province_device("A"));
    assert_eq!(returned.event.payload["reason"], reason);

    // Submitted and approved again, after the deadline: reported again, now late.
    let late = Utc::now() - Duration::minutes(1);
    let again = [
        step_event("A", device, 3, week, ApprovalStep::Submitted { at: late - Duration::seconds(30) }),
        step_event(
            "A",
            device,
            4,
            week,
            ApprovalStep::Approved { at: late, figures: Box::new(thanthien_core::summary::WeekFigures::empty(week)) },
        ),
    ];
    let pushed = server.http_push(&token, &again).await;
    assert!(pushed.results.iter().all(|r| r.reason.is_none()), "{pushed:?}");
    let overview: Overview =
        get(&server, &format!("/v1/console/overview?week={week}"), Some(&cookie)).await.json().await.unwrap();
    let row = &overview.rows[0];
    assert_eq!((row.status, row.approvals, row.on_time), (ReportStatus::Approved, 2, false));
    // A week returned by anyone but the province is refused on push.
    let forged = step_event("A", device, 5, week, ApprovalStep::send_back(Utc::now(), "giả".into()).unwrap());
    let pushed = server.http_push(&token, &[forged]).await;
    assert!(pushed.results[0].reason.is_some(), "{pushed:?}");
}

#[sqlx::test(migrations = "./migrations")]
async fn no_console_answer_holds_a_citizens_name_phone_or_id_number(pool: PgPool) {
    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    let week = Week::of(Utc::now());
    let (device, token) = server.device("A").await;
    let citizens = [("Nguyễn Thị Riêng", "0912345678", "079300001234"), ("Trần Văn Kín", "0987654321", "079300005678")];
    let mut events = Vec::new();
    for (i, (name, phone, id)) in citizens.iter().enumerate() {
        let input = VisitInput {
            name: (*name).into(),
            phone: Some((*phone).into()),
            citizen_id: Some((*id).into()),
            ..Default::default()
        };
        let visit = NewVisit::parse(input).unwrap();
        let now = Utc::now();
        let body = EventBody::Visit(VisitChange::Arrived(VisitArrived { ticket: None, arrived_at: now, visit }));
        let hlc = Hlc { wall_ms: now.timestamp_millis() as u64, counter: i as u32, device };
        let event = Event::new("A", device, i as i64 + 1, hlc, Uuid::now_v7(), &body, Some("lan.nt".into()));
        events.push(serde_json::to_value(event).unwrap());
    }
    assert_eq!(server.http_push(&token, &events).await.acked_through, 2);
    // A refused event whose refusal would quote a citizen's name: the province sees the reason
    // without it.
    let mut bad = events[0].clone();
    bad["seq"] = serde_json::json!(3);
    bad["id"] = serde_json::json!(Uuid::now_v7());
    bad["payload"]["trip"] = serde_json::json!(citizens[0].0);
    let refused = server.http_push(&token, &[bad]).await;
    assert!(refused.results[0].reason.as_deref().is_some_and(|r| r.contains(citizens[0].0)), "{refused:?}");
    let password = server.account("quantri", "province-admin").await;
    let (cookie, _) = server.sign_in("quantri", &password).await;
    for path in [
        format!("/v1/console/overview?week={week}"),
        "/v1/console/overview".to_owned(),
        "/v1/console/audit".to_owned(),
        "/v1/console/session".to_owned(),
        format!("/v1/console/plan?week={week}"),
        format!("/v1/console/rankings?week={week}"),
        format!("/v1/console/communes/A?week={week}"),
        "/v1/console/reference".to_owned(),
        "/v1/openapi.json".to_owned(),
    ] {
        let response = get(&server, &path, Some(&cookie)).await;
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        for (name, phone, id) in citizens {
            assert!(!text.contains(name) && !text.contains(phone) && !text.contains(id), "{path}: {text}");
        }
    }
    // The week's entries did arrive: the commune is in draft, not "not started".
    let overview: Overview =
        get(&server, &format!("/v1/console/overview?week={week}"), Some(&cookie)).await.json().await.unwrap();
    assert_eq!(overview.rows[0].status, ReportStatus::Draft);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_pages_are_served_and_the_console_is_off_without_its_login(pool: PgPool) {
    let server = common::start(pool.clone()).await;
    let page = get(&server, "/", None).await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()[reqwest::header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("lang=\"vi\""));
    assert_eq!(get(&server, "/khong-co.js", None).await.status(), 404);
    // A server started without the console's login answers 503 on the console's API.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let devices = common::app_pool(&pool).await;
    tokio::spawn(thanthien_province::serve(listener, devices, std::future::pending()));
    let off = reqwest::get(format!("http://{addr}/v1/console/overview")).await.unwrap();
    assert_eq!(off.status(), StatusCode::SERVICE_UNAVAILABLE);
    // And a device login that is also the console's is refused: the wall would not hold.
    use thanthien_province::db::{connect_as, create_login, LoginGroup};
    create_login(&pool, "thanthien_test_both", LoginGroup::App, None).await.unwrap();
    create_login(&pool, "thanthien_test_both", LoginGroup::Console, None).await.unwrap();
    let both = connect_as(&pool, "thanthien_test_both").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = thanthien_province::serve(listener, both, std::future::pending()).await.unwrap_err();
    assert!(refused.to_string().contains("bypasses row-level security"), "{refused}");
}

/// An event of `body` by `device`, clocked at `at` (a register entry typed last week).
fn event_at(commune: &str, device: Uuid, seq: i64, at: DateTime<Utc>, body: EventBody) -> serde_json::Value {
    let hlc = Hlc { wall_ms: at.timestamp_millis() as u64, counter: 0, device };
    serde_json::to_value(Event::new(commune, device, seq, hlc, Uuid::now_v7(), &body, Some("lan.nt".into()))).unwrap()
}

#[sqlx::test(migrations = "./migrations")]
async fn the_plan_judges_each_item_on_what_the_pcs_synced_and_the_commune_page_shows_it(pool: PgPool) {
    use thanthien_core::camera::{CameraChange, CameraInput, CameraListed};
    use thanthien_core::feedback::FeedbackBoxOpened;
    use thanthien_core::official::{OfficialInput, OfficialListed};
    use thanthien_core::plan::{PlanItem, Scoreboard, Standing};
    use thanthien_core::province::{CommunePage, IssuedCode};
    use thanthien_core::publicity::{BoardFormat, Published, Venue};
    use thanthien_core::wire::DeviceReport;

    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    server.commune("B").await;
    let week = Week::of(Utc::now()).previous();
    let wednesday = week.bounds().0 + Duration::hours(50);
    let (device, token) = server.device("A").await;
    let official = |name: &str, title: &str, published: bool, leader: bool| {
        EventBody::Official(
            OfficialListed::parse(OfficialInput {
                name: name.into(),
                title: title.into(),
                phone: Some("0912345678".into()),
                phone_published: published,
                leader,
                ..Default::default()
            })
            .unwrap(),
        )
    };
    let published =
        |venue| EventBody::Publication(Published { format: BoardFormat::Pdf, venue, place: None, at: wednesday });
    let opened =
        FeedbackBoxOpened::parse(wednesday, vec!["Lê Thị Hoa".into(), "Trần Văn Nam".into()], 2, None).unwrap();
    let camera =
        CameraListed::parse(CameraInput { name: "Quầy 1".into(), counter: Some(1), ..Default::default() }).unwrap();
    let events = [
        event_at("A", device, 1, wednesday, published(Venue::NoticeBoard)),
        event_at("A", device, 2, wednesday, published(Venue::Portal)),
        event_at("A", device, 3, wednesday, official("Nguyễn Văn Chủ", "Chủ tịch UBND", true, true)),
        event_at("A", device, 4, wednesday, official("Lê Thị Hoa", "Công chức Tư pháp - Hộ tịch", false, false)),
        event_at("A", device, 5, wednesday, EventBody::FeedbackBox(opened)),
        event_at("A", device, 6, wednesday, EventBody::Camera(CameraChange::Listed(camera))),
    ];
    let pushed = server.http_push(&token, &events).await;
    assert!(pushed.results.iter().all(|r| r.reason.is_none()), "{pushed:?}");
    // The PC's report: its build, what it holds unsent, when it last read the mailbox.
    let report = |body: serde_json::Value| {
        server
            .http
            .post(format!("{}/v1/sync/report", server.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .bearer_auth(&token)
            .json(&body)
    };
    let good = DeviceReport {
        app_version: "0.1.0".into(),
        pending: 3,
        mailbox_read_at: Some(Utc::now() - Duration::hours(5)),
    };
    assert_eq!(report(serde_json::to_value(&good).unwrap()).send().await.unwrap().status(), 204);
    for bad in [
        serde_json::json!({ "app_version": "0.1.0", "pending": 1, "mailbox_read_at": "2099-01-01T00:00:00Z" }),
        serde_json::json!({ "app_version": "<script>", "pending": 1 }),
        serde_json::json!({ "app_version": "0.1.0", "pending": -1 }),
        serde_json::json!({ "app_version": "0.1.0", "pending": 1, "mail": "nội dung thư" }),
    ] {
        assert!(report(bad.clone()).send().await.unwrap().status().is_client_error(), "{bad}");
    }

    let password = server.account("quantri", "province-admin").await;
    let (cookie, session) = server.sign_in("quantri", &password).await;
    let board: Scoreboard =
        get(&server, &format!("/v1/console/plan?week={week}"), Some(&cookie)).await.json().await.unwrap();
    let a = board.communes.iter().find(|c| c.commune_code == "A").unwrap();
    let standing = |item: PlanItem| a.lines.iter().find(|l| l.item == item).unwrap().clone();
    assert_eq!(standing(PlanItem::ProceduresPublished).standing, Standing::Met);
    let phones = standing(PlanItem::PhonesPublished);
    assert_eq!((phones.standing, phones.evidence.as_str()), (Standing::Partly, "Lãnh đạo 1/1 · cán bộ 1/2 (50,0%)"));
    assert_eq!(standing(PlanItem::FeedbackBox).standing, Standing::Met);
    assert_eq!(standing(PlanItem::Mailbox).standing, Standing::Met);
    assert_eq!(standing(PlanItem::Cameras).standing, Standing::NoData, "a camera, but no approved week");
    assert_eq!(standing(PlanItem::Satisfaction).standing, Standing::NoData);
    let b = board.communes.iter().find(|c| c.commune_code == "B").unwrap();
    assert!(b.lines.iter().all(|l| matches!(l.standing, Standing::NotMet | Standing::NoData)), "{b:?}");
    let box_met = board.met.iter().find(|m| m.item == PlanItem::FeedbackBox).unwrap().rate;
    assert_eq!(box_met.text(), "1/2 (50,0%)");
    // The witnesses' names are evidence for the commune, not for the province's pages.
    let text = get(&server, &format!("/v1/console/plan?week={week}"), Some(&cookie)).await.text().await.unwrap();
    assert!(!text.contains("Trần Văn Nam") && !text.contains("0912345678"), "{text}");

    // The commune's page: its PC with its report, and a refused event's kind and reason.
    let bad = event_at("A", device, 7, Utc::now() + Duration::days(30), published(Venue::Zalo));
    assert!(server.http_push(&token, &[bad]).await.results[0].reason.is_some());
    let page: CommunePage =
        get(&server, &format!("/v1/console/communes/A?week={week}"), Some(&cookie)).await.json().await.unwrap();
    assert_eq!(page.devices.len(), 1);
    let pc = &page.devices[0];
    assert_eq!((pc.series, pc.app_version.as_deref(), pc.pending, pc.rejected), ('A', Some("0.1.0"), Some(3), 1));
    assert_eq!(page.problems[0].kind.as_deref(), Some("publication.recorded"));
    assert!(page.report.is_empty() && page.plan.len() == PlanItem::ALL.len());
    assert_eq!(get(&server, "/v1/console/communes/KHONG", Some(&cookie)).await.status(), 404);

    // An admin adds a commune, issues a code (text and QR) that enrols a PC, and revokes it.
    let add = post(
        &server,
        "/v1/console/communes",
        &cookie,
        &session.csrf,
        serde_json::json!({ "code": "26740", "name": "Xã Phước Tân", "district": "Long Thành" }),
    )
    .await;
    assert_eq!(add.status(), 204);
    let bad_code = post(
        &server,
        "/v1/console/communes",
        &cookie,
        &session.csrf,
        serde_json::json!({ "code": "26 740", "name": "Xã" }),
    )
    .await;
    assert_eq!(bad_code.status(), 400);
    let issued: IssuedCode =
        post(&server, "/v1/console/communes/26740/enrollment-codes", &cookie, &session.csrf, serde_json::json!({}))
            .await
            .json()
            .await
            .unwrap();
    assert!(issued.qr_svg.starts_with("<?xml") || issued.qr_svg.contains("<svg"), "{}", issued.qr_svg);
    let link = thanthien_core::province::EnrollmentLink::parse(&issued.link).unwrap();
    assert_eq!(link.code, issued.code);
    let new_pc = Uuid::new_v4();
    assert_eq!(server.try_enroll(&issued.code, new_pc).await.status(), 200);
    let unknown =
        post(&server, "/v1/console/communes/KHONG/enrollment-codes", &cookie, &session.csrf, serde_json::json!({}))
            .await;
    assert_eq!(unknown.status(), 404);
    let revoke = format!("/v1/console/devices/{new_pc}/revoke");
    assert_eq!(post(&server, &revoke, &cookie, &session.csrf, serde_json::json!({})).await.status(), 204);
    assert_eq!(post(&server, &revoke, &cookie, &session.csrf, serde_json::json!({})).await.status(), 404);
    let audit: Vec<thanthien_core::province::AuditEntry> =
        get(&server, "/v1/console/audit", Some(&cookie)).await.json().await.unwrap();
    for action in ["commune.add", "enroll-code", "revoke"] {
        assert_eq!(audit.iter().filter(|a| a.action == action).count(), 1, "{action}");
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn rankings_rank_with_a_minimum_sample_and_pool_the_provinces_trend(pool: PgPool) {
    use thanthien_core::ranking::{IndexKind, Rankings};
    let server = common::start(pool.clone()).await;
    let week = reported_week();
    let due = ReportDeadline::default().due(week);
    for (code, on_time, late) in [("A", 18, 2), ("B", 9, 1), ("C", 2, 0), ("D", 7, 3)] {
        server.commune(code).await;
        report_with(&server, code, week, due, |f| {
            (f.feedback.answered_on_time, f.feedback.answered_late) = (on_time, late);
        })
        .await;
    }
    server.commune("E").await;
    let password = server.account("xem", "province-viewer").await;
    let (cookie, _) = server.sign_in("xem", &password).await;
    let r: Rankings =
        get(&server, &format!("/v1/console/rankings?week={week}"), Some(&cookie)).await.json().await.unwrap();
    let on_time = r.indexes.iter().find(|i| i.index == IndexKind::FeedbackOnTime).unwrap();
    let ranked: Vec<(u32, &str, String)> =
        on_time.ranked.iter().map(|x| (x.rank, x.commune_code.as_str(), x.rate.text())).collect();
    assert_eq!(
        ranked,
        [
            (1, "A", "18/20 (90,0%)".to_owned()),
            (1, "B", "9/10 (90,0%)".to_owned()),
            (3, "D", "7/10 (70,0%)".to_owned())
        ]
    );
    assert_eq!(on_time.below_sample.iter().map(|s| s.commune_code.as_str()).collect::<Vec<_>>(), ["C"]);
    assert_eq!(on_time.no_report, ["E"]);
    // The province's trend pools every reporting commune's answers: 36 of 42, this week only.
    assert_eq!(on_time.trend.len(), 12);
    let last = on_time.trend.last().unwrap();
    assert_eq!((last.week, last.rate), (week, thanthien_core::province::Rate { part: 36, whole: 42 }));
    assert!(on_time.trend[..11].iter().all(|p| p.rate.whole == 0));
}

#[sqlx::test(migrations = "./migrations")]
async fn a_reference_file_with_problems_is_refused_whole_with_each_line_and_a_clean_one_is_published(pool: PgPool) {
    use thanthien_core::reference::{Upload, Version};
    let server = common::start(pool.clone()).await;
    let password = server.account("quantri", "province-admin").await;
    let (cookie, session) = server.sign_in("quantri", &password).await;
    let upload = |kind: &str, body: String, csrf: String| {
        server
            .http
            .post(format!("{}/v1/console/reference/{kind}", server.base))
            .header(reqwest::header::COOKIE, &cookie)
            .header(CSRF_HEADER, csrf)
            .body(body)
            .send()
    };
    let broken = "{\n  \"procedures\": [\n    { \"id\": \"A\", \"linh_vuc\": \"Hộ tịch\", \"confidence\": \"primary\" },\n    { \"id\": \"A\", \"ten_thu_tuc\": \"X\", \"linh_vuc\": \"Hộ tịch\", \"confidence\": \"primary\" }\n  ]\n}";
    let refused = upload("procedures", broken.into(), session.csrf.clone()).await.unwrap();
    assert_eq!(refused.status(), 422);
    let outcome: Upload = refused.json().await.unwrap();
    let lines: Vec<(usize, &str)> = outcome.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
    assert_eq!(lines, [(3, "procedures[0].ten_thu_tuc"), (4, "procedures[1].id")]);
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM reference_release").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 0, "nothing published");
    assert_eq!(upload("khac", "{}".into(), session.csrf.clone()).await.unwrap().status(), 404);
    assert_eq!(upload("procedures", "{}".into(), "sai".into()).await.unwrap().status(), 403);

    let clean =
        upload("holidays", thanthien_core::calendar::STARTER_CALENDAR.into(), session.csrf.clone()).await.unwrap();
    assert_eq!(clean.status(), 200);
    let outcome: Upload = clean.json().await.unwrap();
    let version = outcome.version.expect("published");
    let versions: Vec<Version> = get(&server, "/v1/console/reference", Some(&cookie)).await.json().await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!((versions[0].version, versions[0].published_by.as_deref()), (version, Some("quantri")));
    // The PCs get it as before.
    let (_, token) = {
        server.commune("A").await;
        server.device("A").await
    };
    let releases: thanthien_core::wire::ReferenceResponse = server
        .http
        .get(format!("{}/v1/reference", server.base))
        .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(releases.releases.len(), 1);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_provinces_week_exports_as_a_spreadsheet_and_an_a4_pdf_with_the_pages_values(pool: PgPool) {
    use calamine::Reader;
    let server = common::start(pool.clone()).await;
    let week = reported_week();
    let due = ReportDeadline::default().due(week);
    thanthien_province::db::add_commune_in(&pool, "26734", "Phường Tam Hiệp", Some("Biên Hòa")).await.unwrap();
    thanthien_province::db::add_commune_in(&pool, "26740", "Xã Phước Tân", Some("Long Thành")).await.unwrap();
    report_with(&server, "26734", week, due - Duration::hours(2), |f| f.visits.total = 41).await;
    let password = server.account("xem", "province-viewer").await;
    let (cookie, _) = server.sign_in("xem", &password).await;

    let xlsx = get(&server, &format!("/v1/console/export?week={week}&format=xlsx"), Some(&cookie)).await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.headers()[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(&format!("tong-hop-{week}.xlsx")));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), xlsx.bytes().await.unwrap()).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(file.path()).unwrap();
    let sheet = book.worksheet_range(&format!("Tuần {week}")).unwrap();
    let headers: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let total = headers.iter().position(|h| h == "Lượt tiếp dân: Tổng số lượt").expect("a column per figure");
    assert!(headers.contains(&"Hòm thư góp ý: căn cứ".to_owned()), "{headers:?}");
    let rows: Vec<Vec<String>> = sheet.rows().skip(1).map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 2, "one row per commune");
    assert_eq!((rows[0][1].as_str(), rows[0][3].as_str(), rows[0][5].as_str()), ("Phường Tam Hiệp", "Đã duyệt", "Có"));
    assert_eq!(rows[0][total], "41");
    assert_eq!((rows[1][3].as_str(), rows[1][total].as_str()), ("Chưa bắt đầu", ""));

    let pdf = get(&server, &format!("/v1/console/export?week={week}&format=pdf"), Some(&cookie)).await;
    assert_eq!(pdf.status(), 200);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), pdf.bytes().await.unwrap()).unwrap();
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(file.path()).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(&format!("TỔNG HỢP BÁO CÁO TUẦN {week}")), "{text}");
    assert!(
        text.contains("Phường Tam Hiệp") && text.contains("Đúng") && text.contains("đã báo cáo 1/2 (50,0%)"),
        "{text}"
    );
    assert_eq!(get(&server, &format!("/v1/console/export?week={week}&format=doc"), Some(&cookie)).await.status(), 400);
    assert_eq!(get(&server, &format!("/v1/console/export?week={week}&format=pdf"), None).await.status(), 401);
}

#[sqlx::test(migrations = "./migrations")]
async fn an_amended_week_shows_on_the_communes_page_what_its_new_approval_changed(pool: PgPool) {
    use thanthien_core::province::CommunePage;
    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    let week = reported_week();
    let due = ReportDeadline::default().due(week);
    let (device, token) = report_with(&server, "A", week, due - Duration::hours(3), |f| f.visits.total = 41).await;
    // The head reopens a paper-book day, and approves again with two more visits.
    let mut amended = thanthien_core::summary::WeekFigures::empty(week);
    amended.visits.total = 43;
    let again = [
        step_event(
            "A",
            device,
            3,
            week,
            ApprovalStep::reopen(due - Duration::hours(2), "Nhập bổ sung sổ giấy".into()).unwrap(),
        ),
        step_event("A", device, 4, week, ApprovalStep::Submitted { at: due - Duration::minutes(90) }),
        step_event(
            "A",
            device,
            5,
            week,
            ApprovalStep::Approved { at: due - Duration::hours(1), figures: Box::new(amended) },
        ),
    ];
    let pushed = server.http_push(&token, &again).await;
    assert!(pushed.results.iter().all(|r| r.reason.is_none()), "{pushed:?}");
    let password = server.account("xem", "province-viewer").await;
    let (cookie, _) = server.sign_in("xem", &password).await;
    let page: CommunePage =
        get(&server, &format!("/v1/console/communes/A?week={week}"), Some(&cookie)).await.json().await.unwrap();
    assert_eq!(page.approvals, 2);
    let total = page.amendments.iter().find(|a| a.label == "Tổng số lượt").expect("the changed line is marked");
    use thanthien_core::report::Figure;
    assert_eq!((total.approved, total.now), (Some(Figure::Count(41)), Some(Figure::Count(43))));
    assert_eq!(page.report.iter().find(|r| r.label == "Tổng số lượt").unwrap().this_week, Figure::Count(43));
    // Reported at the first approval: an amendment by the commune does not move it.
    assert_eq!(page.reported_at, Some(due - Duration::hours(3)));
}

/// The plan's facts as the log itself gives them: every entry's latest listing and every
/// series' latest instant up to `as_of`, replayed from the events (what the scoreboard read
/// before it kept the timelines of the migration `plan_evidence`).
async fn facts_from_the_log(
    pool: &PgPool,
    commune: &str,
    week: Week,
    as_of: DateTime<Utc>,
) -> thanthien_core::plan::PlanFacts {
    let clock = format!("{:016}", as_of.timestamp_millis() + 1);
    let listed = |kind: &'static str| {
        let clock = clock.clone();
        async move {
            let (listed, published, leaders, leaders_published): (i64, i64, i64, i64) = sqlx::query_as(
                "SELECT count(*) FILTER (WHERE active), count(*) FILTER (WHERE active AND published),
                        count(*) FILTER (WHERE active AND leader), count(*) FILTER (WHERE active AND leader AND published)
                 FROM (SELECT DISTINCT ON (entity_id) COALESCE((payload->>'active')::boolean, true) AS active,
                              COALESCE((payload->>'phone_published')::boolean, false) AS published,
                              COALESCE((payload->>'leader')::boolean, false) AS leader
                       FROM event WHERE kind = $1 AND commune_code = $2 AND hlc < $3
                       ORDER BY entity_id, hlc DESC) o",
            )
            .bind(kind)
            .bind(commune)
            .bind(&clock)
            .fetch_one(pool)
            .await
            .unwrap();
            [listed, published, leaders, leaders_published].map(|n| u32::try_from(n).unwrap())
        }
    };
    let latest = |kind: &'static str, field: &'static str, venues: &'static [&'static str]| async move {
        let (at,): (Option<DateTime<Utc>>,) = sqlx::query_as(&format!(
            "SELECT max(payload_instant(payload->>'{field}')) FROM event
             WHERE kind = $1 AND commune_code = $2 AND payload_instant(payload->>'{field}') <= $3
               AND (cardinality($4::text[]) = 0 OR payload->>'venue' = ANY($4))"
        ))
        .bind(kind)
        .bind(commune)
        .bind(as_of)
        .bind(venues)
        .fetch_one(pool)
        .await
        .unwrap();
        at
    };
    let (start, end) = week.bounds();
    let (in_week,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM event WHERE kind = 'feedback_box.opened' AND commune_code = $1
           AND payload_instant(payload->>'opened_at') >= $2 AND payload_instant(payload->>'opened_at') <= $3
           AND payload_instant(payload->>'opened_at') < $4",
    )
    .bind(commune)
    .bind(start)
    .bind(as_of)
    .bind(end)
    .fetch_one(pool)
    .await
    .unwrap();
    let [officials, phones_published, leaders, leader_phones_published] = listed("official.listed").await;
    thanthien_core::plan::PlanFacts {
        officials,
        phones_published,
        leaders,
        leader_phones_published,
        cameras: listed("camera.listed").await[0],
        notice_board_at: latest("publication.recorded", "at", &["notice_board"]).await,
        online_at: latest("publication.recorded", "at", &["portal", "fanpage", "zalo"]).await,
        box_openings_in_week: u32::try_from(in_week).unwrap(),
        last_box_opening: latest("feedback_box.opened", "opened_at", &[]).await,
        ..Default::default()
    }
}

#[sqlx::test(migrations = "./migrations")]
async fn the_plans_evidence_stands_as_the_log_says_at_every_instant_whatever_order_the_pcs_synced_in(pool: PgPool) {
    use thanthien_core::camera::{CameraChange, CameraInput, CameraListed};
    use thanthien_core::feedback::FeedbackBoxOpened;
    use thanthien_core::official::{OfficialInput, OfficialListed};
    use thanthien_core::publicity::{BoardFormat, Published, Venue};
    use thanthien_province::console::queries::plan_facts;

    let server = common::start(pool.clone()).await;
    server.commune("A").await;
    let (first, first_token) = server.device("A").await;
    let (second, second_token) = server.device("A").await;
    let week = Week::of(Utc::now()).previous().previous();
    let monday = week.bounds().0;
    // Three directory entries, each listed again and again (published, a leader, then gone), two
    // cameras, publications at the board and online, box openings: from two PCs, each PC's
    // events in its own order, both PCs sharing instants to the millisecond.
    let entries = [Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7()];
    let cameras = [Uuid::now_v7(), Uuid::now_v7()];
    let mut timeline: Vec<(Uuid, DateTime<Utc>, Uuid, EventBody)> = Vec::new();
    let mut seed = 7_u64;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for i in 0..60_i64 {
        let device = if next(2) == 0 { first } else { second };
        // Instants on a coarse grid, so that some coincide.
        let at = monday + Duration::hours(7 * (next(40) as i64)) + Duration::milliseconds(next(2) as i64);
        let (entity, body) = match i % 5 {
            0 | 1 => {
                let listed = OfficialListed::parse(OfficialInput {
                    name: format!("Cán bộ {i}"),
                    title: "Công chức".into(),
                    phone: Some("0912345678".into()),
                    phone_published: next(2) == 0,
                    leader: next(3) == 0,
                    ..Default::default()
                })
                .unwrap();
                let listed = OfficialListed { active: next(4) != 0, ..listed };
                (entries[next(3) as usize], EventBody::Official(listed))
            }
            2 => {
                let input = CameraInput { name: format!("Quầy {i}"), active: next(3) != 0, ..Default::default() };
                (
                    cameras[next(2) as usize],
                    EventBody::Camera(CameraChange::Listed(CameraListed::parse(input).unwrap())),
                )
            }
            3 => {
                let venue = [Venue::NoticeBoard, Venue::Portal, Venue::Zalo][next(3) as usize];
                (Uuid::now_v7(), EventBody::Publication(Published { format: BoardFormat::Pdf, venue, place: None, at }))
            }
            _ => {
                let opened = FeedbackBoxOpened::parse(at, vec!["Lê Thị Hoa".into(), "Trần Văn Nam".into()], 1, None);
                (Uuid::now_v7(), EventBody::FeedbackBox(opened.unwrap()))
            }
        };
        timeline.push((device, at, entity, body));
    }
    // Each PC clocks its own events in order; the second PC syncs its older ones last, in
    // batches, so most of its events arrive after later ones.
    let mut batches: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for (device, token) in [(first, &first_token), (second, &second_token)] {
        let mut mine: Vec<_> = timeline.iter().filter(|(d, ..)| *d == device).collect();
        mine.sort_by_key(|(_, at, ..)| *at);
        let events: Vec<serde_json::Value> = mine
            .iter()
            .enumerate()
            .map(|(seq, (_, at, entity, body))| {
                let hlc = Hlc { wall_ms: at.timestamp_millis() as u64, counter: 0, device };
                let event = Event::new("A", device, seq as i64 + 1, hlc, *entity, body, Some("lan.nt".into()));
                serde_json::to_value(event).unwrap()
            })
            .collect();
        for batch in events.chunks(7) {
            batches.push((token.clone(), batch.to_vec()));
        }
    }
    for (token, batch) in &batches {
        let pushed = server.http_push(token, batch).await;
        assert!(pushed.results.iter().all(|r| r.reason.is_none()), "{pushed:?}");
    }

    // At every instant an event names, a millisecond either side, and the week's bounds.
    let mut instants: Vec<DateTime<Utc>> = timeline
        .iter()
        .flat_map(|(_, at, ..)| [*at - Duration::milliseconds(1), *at, *at + Duration::milliseconds(1)])
        .chain([monday, week.bounds().1, monday - Duration::days(1)])
        .collect();
    instants.sort();
    instants.dedup();
    let mut seen = std::collections::HashSet::new();
    for as_of in instants {
        let mut kept = plan_facts(&pool, week, as_of, Some("A")).await.unwrap().remove("A").unwrap_or_default();
        kept.mailbox_read_at = None;
        let replayed = facts_from_the_log(&pool, "A", week, as_of).await;
        assert_eq!(kept, replayed, "as of {as_of}");
        seen.insert((replayed.officials, replayed.phones_published, replayed.leaders, replayed.cameras));
    }
    assert!(seen.len() > 5, "the directory changed along the way: {seen:?}");

    // Kept as the events came, the timelines are the ones the whole log rebuilds at once.
    let timelines = |pool: PgPool| async move {
        // 'infinity' is no DateTime (sqlx panics on it): the latest row reads as None.
        type Row = (Uuid, String, DateTime<Utc>, Option<DateTime<Utc>>, i32, i32, i32, i32);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT event_id, series, at, NULLIF(until, 'infinity'), listed, published, leaders, leaders_published
             FROM plan_evidence ORDER BY event_id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        rows
    };
    let kept = timelines(pool.clone()).await;
    assert_eq!(kept.len(), timeline.len());
    sqlx::query("SELECT plan_evidence_rebuild(NULL, NULL)").execute(&pool).await.unwrap();
    assert_eq!(timelines(pool.clone()).await, kept);
}
