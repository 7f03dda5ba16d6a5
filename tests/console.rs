//! The province's console in a real browser (Debian's Chromium, headless, through chromedriver,
//! driven by fantoccini as the desk's E2E is): two communes of which one reported on time and one
//! late, the admin accepts one week and returns the other, the returned commune's desk PC syncs
//! and shows the province's reason; a viewer finds no action and its API call is refused; the
//! pages fit a phone's width. Screenshots of every page go to the test artifacts.

mod common;

use chrono::{Duration, Utc};
use common::{save_screenshot, Province};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use sqlx::PgPool;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Instant;
use thanthien::sync::Client as SyncClient;
use thanthien_core::approval::{ApprovalStatus, WeekAction};
use thanthien_core::province::ReportDeadline;
use thanthien_core::summary::Week;
use thanthien_core::visit::VisitInput;

/// chromedriver on its own port, killed with the test.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let program =
        std::env::var_os("CHROMEDRIVER").map_or_else(|| PathBuf::from("/usr/bin/chromedriver"), PathBuf::from);
    let child = Command::new(&program)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {program:?} ({e}); `cargo xtask setup` installs chromium-driver"));
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "chromedriver did not open port {port}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Driver(child, port)
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768", "--lang=vi"],
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.1))
        .await
        .expect("WebDriver session with Chromium")
}

async fn wait_for(c: &Client, css: &str) -> Element {
    c.wait()
        .at_most(std::time::Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

/// Waits until the text of `css` is `expected`.
async fn wait_text(c: &Client, css: &str, expected: &str) {
    let started = Instant::now();
    loop {
        let now = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if now == expected {
            return;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{css}: {now:?}, expected {expected:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn sign_in(c: &Client, username: &str, password: &str) {
    wait_for(c, "#username").await.send_keys(username).await.unwrap();
    wait_for(c, "#password").await.send_keys(password).await.unwrap();
    wait_for(c, "#sign-in").await.click().await.unwrap();
    wait_for(c, "#who").await;
}

/// A commune with one desk PC: a visit in `week`, submitted and approved by its head at
/// `approved_at` (in the past).
async fn commune_reports(
    pool: &PgPool,
    url: &str,
    code: &str,
    name: &str,
    district: &str,
    week: Week,
    approved_at: chrono::DateTime<Utc>,
) -> common::Desk {
    thanthien_province::db::add_commune_in(pool, code, name, Some(district)).await.unwrap();
    let desk = common::desk().await;
    let client = SyncClient::new();
    client.enroll(&desk.store, url, &common::code_for(pool, code).await).await.unwrap();
    let head = desk.store.by("truong.bp");
    let tuesday = week.bounds().0 + Duration::hours(33);
    head.record_visit(VisitInput { name: "Nguyễn Văn An".into(), ..Default::default() }, tuesday).await.unwrap();
    head.step_week(week, WeekAction::Submit, approved_at - Duration::minutes(10)).await.unwrap();
    head.step_week(week, WeekAction::Approve, approved_at).await.unwrap();
    client.sync_once(&desk.store).await.unwrap();
    desk
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_province_sees_who_reported_accepts_one_week_and_returns_the_other_to_the_commune(pool: PgPool) {
    let province = Province::start(&pool).await;
    let base = format!("http://{}", province.addr);
    // Two weeks ago: its deadline (Tuesday 17:00 of last week) has passed whatever day this runs.
    let week = Week::of(Utc::now()).previous().previous();
    let due = ReportDeadline::default().due(week);
    let _on_time =
        commune_reports(&pool, &base, "26734", "Phường Tam Hiệp", "Biên Hòa", week, due - Duration::hours(3)).await;
    let late =
        commune_reports(&pool, &base, "26740", "Xã Phước Tân", "Long Thành", week, due + Duration::hours(15)).await;
    let accounts = [("quantri", "province-admin"), ("theodoi", "province-viewer")];
    for (username, role) in accounts {
        let password = format!("mat-khau-{username}-2026");
        thanthien_province::accounts::add(&pool, username.into(), format!("Cán bộ {username}"), role, password)
            .await
            .unwrap();
    }

    let driver = start_chromedriver();
    let c = browser(&driver).await;
    c.goto(&format!("{base}/#tong-quan/{week}")).await.unwrap();
    save_screenshot(&c, "console-dang-nhap.png").await;
    // A wrong password is told in Vietnamese, with the tries left.
    sign_in_refused(&c).await;
    c.refresh().await.unwrap();
    sign_in(&c, "quantri", "mat-khau-quantri-2026").await;
    wait_text(&c, "#week", &format!("Tuần {week}")).await;
    wait_text(&c, "#row-26734 td:nth-child(6)", "Đúng hạn").await;
    wait_text(&c, "#row-26740 td:nth-child(6)", "Trễ hạn").await;
    wait_text(&c, "#reporting-rate strong", "2/2 (100,0%)").await;
    wait_text(&c, "#on-time-rate strong", "1/2 (50,0%)").await;
    save_screenshot(&c, "console-tong-quan.png").await;
    // The week's files, with the session's cookie, as the links fetch them.
    let fetch = r#"const [path, done] = [arguments[0], arguments[arguments.length - 1]];
        fetch(path).then(r => r.arrayBuffer().then(b => done([r.status, r.headers.get('content-type'), b.byteLength])),
                         e => done('error ' + e));"#;
    for id in ["#export-xlsx", "#export-pdf"] {
        let href = wait_for(&c, id).await.attr("href").await.unwrap().unwrap();
        let got = c.execute_async(fetch, vec![href.clone().into()]).await.unwrap();
        assert_eq!(got[0], 200, "{href}: {got}");
        assert!(got[2].as_u64().is_some_and(|n| n > 1000), "{href}: {got}");
    }

    // Filter by area, then back.
    c.find(Locator::Css("#filter-district option[value='Long Thành']")).await.unwrap().click().await.unwrap();
    assert_eq!(c.find_all(Locator::Css("#overview tbody tr")).await.unwrap().len(), 1);
    c.find(Locator::Css("#filter-district option[value='*']")).await.unwrap().click().await.unwrap();
    assert_eq!(c.find_all(Locator::Css("#overview tbody tr")).await.unwrap().len(), 2);

    // Accept the one, return the other with a reason.
    wait_for(&c, "#accept-26734").await.click().await.unwrap();
    wait_text(&c, "#row-26734 .status", "Tỉnh đã nhận").await;
    wait_for(&c, "#return-26740").await.click().await.unwrap();
    let reason = "Thiếu số liệu camera ngày thứ Tư";
    wait_for(&c, "#return-reason-26740").await.send_keys(reason).await.unwrap();
    wait_for(&c, "#return-confirm-26740").await.click().await.unwrap();
    wait_text(&c, "#row-26740 .status", "Tỉnh trả lại").await;
    wait_text(&c, "#reporting-rate strong", "1/2 (50,0%)").await;
    save_screenshot(&c, "console-quyet-dinh.png").await;

    // The returned commune's PC learns it at its next sync, with the province's reason, and can
    // submit the week again.
    SyncClient::new().sync_once(&late.store).await.unwrap();
    let summary = late.store.weekly_summary(week, Utc::now()).await.unwrap();
    assert_eq!((summary.approval.status, summary.approval.label.as_str()), (ApprovalStatus::Returned, "Tỉnh trả lại"));
    assert_eq!(summary.approval.steps.last().and_then(|s| s.reason.as_deref()), Some(reason));
    late.store.by("truong.bp").step_week(week, WeekAction::Submit, Utc::now()).await.unwrap();

    // The audit shows both acts, by whom.
    wait_for(&c, "#nav-audit").await.click().await.unwrap();
    let started = Instant::now();
    loop {
        let text = wait_for(&c, "#audit tbody").await.text().await.unwrap();
        if text.contains("Tiếp nhận báo cáo tuần") && text.contains(reason) {
            assert!(text.contains("quantri"), "{text}");
            break;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{text}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    save_screenshot(&c, "console-nhat-ky.png").await;

    // The plan's scoreboard: each item's standing with its evidence and its rule.
    wait_for(&c, "#nav-plan").await.click().await.unwrap();
    c.goto(&format!("{base}/#ke-hoach/{week}")).await.unwrap();
    c.refresh().await.unwrap();
    wait_text(&c, "#week", &format!("Tuần {week}")).await;
    let cell = wait_for(&c, "#plan-26734-satisfaction").await.text().await.unwrap();
    assert!(cell.starts_with("Chưa có số liệu") || cell.starts_with("Chưa đạt") || cell.starts_with("Đạt"), "{cell}");
    let box_cell = wait_for(&c, "#plan-26734-feedback_box").await.text().await.unwrap();
    assert!(box_cell.contains("Chưa đạt") && box_cell.contains("Mở 0 lần trong tuần"), "{box_cell}");
    let rules = wait_for(&c, "#plan-rules").await.text().await.unwrap();
    assert!(rules.contains("trên 90%"), "{rules}");
    save_screenshot(&c, "console-ke-hoach.png").await;

    // The rankings: every index, its minimum sample, the communes below it listed apart.
    wait_for(&c, "#nav-rankings").await.click().await.unwrap();
    c.goto(&format!("{base}/#xep-hang/{week}")).await.unwrap();
    c.refresh().await.unwrap();
    let ranking = wait_for(&c, "#ranking-feedback_on_time").await.text().await.unwrap();
    assert!(ranking.contains("Chưa đủ mẫu") && ranking.contains("Phường Tam Hiệp (n = 0)"), "{ranking}");
    save_screenshot(&c, "console-xep-hang.png").await;
    c.goto(&format!("{base}/#ke-hoach/{week}")).await.unwrap();
    c.refresh().await.unwrap();

    // Click through to the commune: its approved report, its history, its PC.
    wait_for(&c, "#plan-26734 a").await.click().await.unwrap();
    wait_for(&c, "#report").await;
    let history = wait_for(&c, "#history").await.text().await.unwrap();
    assert!(history.contains("Tỉnh tiếp nhận") && history.contains("Duyệt và khóa"), "{history}");
    let lines = wait_for(&c, "#report").await.text().await.unwrap();
    assert!(lines.contains("Tổng số lượt"), "{lines}");
    wait_for(&c, "#devices tbody tr").await;
    save_screenshot(&c, "console-xa.png").await;

    // Communes and PCs: add a commune, issue its code, and a desk enrols with it.
    wait_for(&c, "#nav-communes").await.click().await.unwrap();
    wait_for(&c, "#new-commune-code").await.send_keys("26741").await.unwrap();
    wait_for(&c, "#new-commune-name").await.send_keys("Xã An Phước").await.unwrap();
    wait_for(&c, "#new-commune-district").await.send_keys("Long Thành").await.unwrap();
    wait_for(&c, "#new-commune-save").await.click().await.unwrap();
    wait_for(&c, "#communes-saved").await;
    save_screenshot(&c, "console-xa-phuong.png").await;
    c.goto(&format!("{base}/#xa/26741")).await.unwrap();
    wait_for(&c, "#issue-code").await.click().await.unwrap();
    let code = wait_for(&c, "#code-text").await.text().await.unwrap();
    let qr_loaded = c.execute("return document.querySelector('#code-qr').naturalWidth", vec![]).await.unwrap();
    assert!(qr_loaded.as_i64().is_some_and(|w| w > 0), "the QR code renders: {qr_loaded}");
    c.execute("document.querySelector('#issued-code').scrollIntoView()", vec![]).await.unwrap();
    save_screenshot(&c, "console-ma-dang-ky.png").await;
    let newcomer = common::desk().await;
    let joined = SyncClient::new().enroll(&newcomer.store, &base, &code).await.unwrap();
    assert_eq!(joined.code, "26741");
    c.refresh().await.unwrap();
    wait_for(&c, "#devices tbody tr").await;

    // Reference data: a file with a problem is refused with its line; the clean one is published.
    let files = tempfile::tempdir().unwrap();
    let broken = files.path().join("thu-tuc-loi.json");
    std::fs::write(&broken, "{\n  \"procedures\": [\n    { \"id\": \"HT-01\", \"linh_vuc\": \"Hộ tịch\", \"confidence\": \"primary\" }\n  ]\n}").unwrap();
    let clean = files.path().join("thu-tuc.json");
    std::fs::write(&clean, thanthien_core::procedure::STARTER_CATALOGUE).unwrap();
    wait_for(&c, "#nav-reference").await.click().await.unwrap();
    wait_for(&c, "#reference-file").await.send_keys(broken.to_str().unwrap()).await.unwrap();
    wait_for(&c, "#reference-publish").await.click().await.unwrap();
    let problems = wait_for(&c, "#reference-problems").await.text().await.unwrap();
    assert!(problems.contains("procedures[0].ten_thu_tuc") && problems.contains("missing field"), "{problems}");
    save_screenshot(&c, "console-du-lieu-loi.png").await;
    c.execute("document.querySelector('#reference-file').value = ''", vec![]).await.unwrap();
    wait_for(&c, "#reference-file").await.send_keys(clean.to_str().unwrap()).await.unwrap();
    wait_for(&c, "#reference-publish").await.click().await.unwrap();
    wait_text(&c, "#reference-published", "Đã công bố phiên bản 1").await;
    let versions = wait_for(&c, "#versions tbody").await.text().await.unwrap();
    assert!(versions.contains("Danh mục thủ tục hành chính") && versions.contains("quantri"), "{versions}");
    save_screenshot(&c, "console-du-lieu.png").await;

    // A viewer: no action buttons, and the API refuses its act even with its own CSRF token.
    wait_for(&c, "#sign-out").await.click().await.unwrap();
    c.goto(&format!("{base}/#tong-quan/{week}")).await.unwrap();
    sign_in(&c, "theodoi", "mat-khau-theodoi-2026").await;
    wait_for(&c, "#viewer-note").await;
    wait_for(&c, "#row-26734").await;
    assert!(c.find_all(Locator::Css("#overview button")).await.unwrap().is_empty(), "a viewer has no action");
    let probe = r#"const [path, done] = [arguments[0], arguments[arguments.length - 1]];
        fetch('/v1/console/session').then(r => r.json()).then(s =>
            fetch(path, { method: 'POST', headers: { 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: '{}' }))
        .then(r => done(r.status), e => done('error ' + e));"#;
    let accept = format!("/v1/console/weeks/26740/{week}/accept");
    assert_eq!(c.execute_async(probe, vec![accept.into()]).await.unwrap(), serde_json::json!(403));
    save_screenshot(&c, "console-theo-doi.png").await;

    // A phone's width: the page does not overflow sideways (the table scrolls in its frame).
    c.set_window_size(390, 844).await.unwrap();
    let overflow = c
        .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth", vec![])
        .await
        .unwrap();
    assert!(overflow.as_i64().is_some_and(|px| px <= 0), "overflow of {overflow} px at 390 px wide");
    save_screenshot(&c, "console-dien-thoai.png").await;
    let _ = c.close().await;
    province.stop();
}

async fn sign_in_refused(c: &Client) {
    wait_for(c, "#username").await.send_keys("quantri").await.unwrap();
    wait_for(c, "#password").await.send_keys("sai").await.unwrap();
    wait_for(c, "#sign-in").await.click().await.unwrap();
    let error = wait_for(c, "#sign-in-error").await.text().await.unwrap();
    assert_eq!(error, "Sai tên đăng nhập hoặc mật khẩu (còn 4 lần thử).");
}
