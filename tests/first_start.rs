//! A commune's PC set up in the window alone, in the real app under Xvfb at 1366×768: the first
//! admin, joining a province server the test starts (a wrong and an expired code first), the
//! office hours, two officials of which one leader; then a visit that reaches the server, an
//! office head taking an official off the directory, a receptionist who finds none of it, and a
//! visit from the commune's second PC appearing on the queue when the sync round pulls it, with
//! no polling timer in the window. Screenshots of each step and screen go to the test artifacts.

mod common;

use common::desk_ui::*;
use common::{save_desk_screenshot, Province};
use fantoccini::{Client, Locator};
use sqlx::PgPool;
use std::time::{Duration, Instant};
use thanthien::store::Store;
use thanthien_core::visit::VisitInput;

const COMMUNE: &str = "26734";
const COMMUNE_NAME: &str = "Xã 26734";
const ADMIN: &str = "quantri";
const RECEPTIONIST: &str = "lan.nt";
const HEAD: &str = "hung.lv";
const PASSWORD: &str = "Mật khẩu 2026";
const CHAIR: &str = "Nguyễn Văn Chủ";
const CLERK: &str = "Trần Thị Bích";

/// Types `text` into the field `css`, replacing what it held.
async fn fill(c: &Client, css: &str, text: &str) {
    let field = wait_for(c, css).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Waits until `css`'s text contains `part`; returns the text.
async fn wait_text(c: &Client, css: &str, part: &str) -> String {
    let started = Instant::now();
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(part) {
            return text;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{css}: {text:?} lacks {part:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The names the desk's official field offers.
async fn offered_officials(c: &Client) -> Vec<String> {
    let mut names = Vec::new();
    for option in c.find_all(Locator::Css("#official-list option")).await.unwrap() {
        names.push(option.attr("value").await.unwrap().unwrap_or_default());
    }
    names
}

/// How many visit arrivals the province holds for the commune.
async fn visits_on_server(pool: &PgPool) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM event WHERE kind = 'visit.arrived' AND commune_code = $1")
        .bind(COMMUNE)
        .fetch_one(pool)
        .await
        .unwrap();
    n
}

/// Whether the screen shows `css` whole, without scrolling (at 1366×768).
async fn fits_on_screen(c: &Client, css: &str) -> bool {
    let probe = "const r = document.querySelector(arguments[0]).getBoundingClientRect();
        return r.bottom <= window.innerHeight && r.right <= window.innerWidth;";
    c.execute(probe, vec![css.into()]).await.unwrap().as_bool().unwrap_or(false)
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_commune_admin_sets_up_the_pc_in_the_window_and_the_office_runs_without_a_terminal(pool: PgPool) {
    let province = Province::start(&pool).await;
    thanthien_province::db::add_commune(&pool, COMMUNE, COMMUNE_NAME).await.unwrap();
    let server = format!("http://{}", province.addr);
    let code = common::code_for(&pool, COMMUNE).await;
    let expired = thanthien_province::new_enrollment_code();
    let past = chrono::Utc::now() - chrono::Duration::minutes(5);
    thanthien_province::db::add_enrollment_code(&pool, COMMUNE, &expired, past, None).await.unwrap();

    // Releases in this test are signed with the test-only key, which the app (a debug build,
    // started by the driver with this process's environment) and the server here then trust.
    let keys = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/keys");
    std::env::set_var("THANTHIEN_UPDATE_PUBLIC_KEY", std::fs::read_to_string(keys.join("update-test.pub")).unwrap());

    let data = tempfile::tempdir().unwrap();
    let _driver = start_driver(data.path());
    let c = connect().await;
    c.set_window_size(1366, 768).await.unwrap();
    // One monitor: the first start shows the main window, not the citizen's.
    wait_for(&c, "#sign-in").await;
    assert_eq!(shown_windows("Đánh giá mức độ hài lòng"), 0, "the rating window must not cover the first start");

    // The first admin, then the wizard.
    fill(&c, "#first-full-name", "Phạm Quản Trị").await;
    fill(&c, "#sign-in-username", ADMIN).await;
    fill(&c, "#sign-in-password", &format!("{PASSWORD}{ENTER}")).await;
    wait_for(&c, "#wizard").await;
    save_desk_screenshot("thiet-lap-1-dang-ky.png").await;
    fill(&c, "#enrol-server", &server).await;
    // A wrong code and an expired code each say which.
    fill(&c, "#enrol-code", "ABCD-EFGH-JKMN").await;
    wait_for(&c, "#enrol-submit").await.click().await.unwrap();
    wait_text(&c, "#enrolment .form-error", "không đúng").await;
    fill(&c, "#enrol-code", &expired).await;
    wait_for(&c, "#enrol-submit").await.click().await.unwrap();
    wait_text(&c, "#enrolment .form-error", "hết hạn").await;
    fill(&c, "#enrol-code", &code).await;
    wait_for(&c, "#enrol-submit").await.click().await.unwrap();
    let answer = wait_text(&c, "#enrolment .notice", COMMUNE_NAME).await;
    assert!(answer.contains("Dãy số thứ tự của máy A"), "{answer}");
    assert_eq!(wait_text(&c, "#enrolled-commune", COMMUNE_NAME).await, COMMUNE_NAME);
    save_desk_screenshot("thiet-lap-1-da-dang-ky.png").await;

    wait_for(&c, "#wizard-next").await.click().await.unwrap();
    fill(&c, "#hours-morning", "07:30-11:30").await;
    fill(&c, "#hours-afternoon", "13:30-17:00").await;
    wait_for(&c, "#hours-save").await.click().await.unwrap();
    wait_text(&c, "#office-hours .notice", "Đã lưu").await;
    save_desk_screenshot("thiet-lap-2-gio-lam-viec.png").await;

    wait_for(&c, "#wizard-next").await.click().await.unwrap();
    fill(&c, "#official-name", CHAIR).await;
    fill(&c, "#official-title", "Chủ tịch UBND xã").await;
    fill(&c, "#official-phone", "0912 345 678").await;
    wait_for(&c, "#official-publish").await.click().await.unwrap();
    wait_for(&c, "#official-leader").await.click().await.unwrap();
    wait_for(&c, "#official-save").await.click().await.unwrap();
    wait_count(&c, "#directory-list tbody tr", 1).await;
    fill(&c, "#official-name", CLERK).await;
    fill(&c, "#official-title", "Công chức Tư pháp - Hộ tịch").await;
    fill(&c, "#official-counter", "2").await;
    wait_for(&c, "#official-save").await.click().await.unwrap();
    wait_count(&c, "#directory-list tbody tr", 2).await;
    wait_count(&c, "#directory-list tr.leader", 1).await;
    save_desk_screenshot("thiet-lap-3-danh-ba.png").await;
    wait_for(&c, "#wizard-next").await.click().await.unwrap();
    wait_for(&c, "#wizard-done").await;
    save_desk_screenshot("thiet-lap-4-xong.png").await;
    wait_for(&c, "#wizard-finish").await.click().await.unwrap();

    // Cài đặt, as the admin: the staff's accounts.
    wait_for(&c, "#tab-settings").await;
    for (username, name, role) in
        [(RECEPTIONIST, "Nguyễn Thị Lan", "receptionist"), (HEAD, "Lê Văn Hùng", "office_head")]
    {
        fill(&c, "#account-username", username).await;
        fill(&c, "#account-full-name", name).await;
        wait_for(&c, &format!("#account-role option[value='{role}']")).await.click().await.unwrap();
        fill(&c, "#account-password", PASSWORD).await;
        wait_for(&c, "#account-add").await.click().await.unwrap();
        wait_text(&c, "#account-list", username).await;
    }
    save_desk_screenshot("cai-dat-quan-tri.png").await;
    // The day's backup was made at start, into the default folder beside the store; one more now.
    let folder = wait_text(&c, "#backup-folder", "Sao lưu").await;
    let count = || std::fs::read_dir(&folder).map(|d| d.count()).unwrap_or(0);
    wait_count(&c, "#backup-list tr", 1).await;
    assert_eq!(count(), 1, "the daily backup in {folder}");
    wait_for(&c, "#backup-now").await.click().await.unwrap();
    wait_count(&c, "#backup-list tr", 2).await;
    assert_eq!(count(), 2, "and the one made now");
    // The recovery code, to keep on paper: the key the store and its backups are encrypted with.
    wait_for(&c, "#show-recovery-code").await.click().await.unwrap();
    let code = wait_text(&c, "#recovery-code", "-").await;
    // What the wizard set is what the PC holds, as events that sync.
    let store = Store::open(data.path()).await.unwrap();
    assert_eq!(code.trim(), store.recovery_code());
    let hours = store.reference().hours;
    assert_eq!(hours.morning.0.format("%H:%M").to_string(), "07:30");
    let directory = store.officials().await.unwrap();
    assert_eq!(directory.iter().filter(|o| o.leader && o.phone_published).count(), 1, "{directory:?}");

    // The receptionist logs a visit, which reaches the province.
    wait_for(&c, "#lock-screen").await.click().await.unwrap();
    sign_in(&c, RECEPTIONIST, PASSWORD).await;
    wait_for(&c, "#visitor-name").await.send_keys(&format!("Lý Thị Mai{ENTER}")).await.unwrap();
    wait_count(&c, "#waiting-list tbody tr", 1).await;
    let started = Instant::now();
    while visits_on_server(&pool).await < 1 {
        assert!(started.elapsed() < Duration::from_secs(30), "the visit did not reach the province");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The form, the desk and the queue fit a 1366×768 screen without scrolling.
    save_desk_screenshot("tiep-dan-1366x768.png").await;
    for part in [".visit-form", "section.desk", "section.queue"] {
        assert!(fits_on_screen(&c, part).await, "{part} does not fit 1366×768");
    }
    // No side bar label takes more than one line.
    // (An inline label that wraps is drawn as one box per line.)
    let lines = "const labels = Array.from(document.querySelectorAll('nav .tab span'));
        return labels.length > 0 && labels.every(e => e.getClientRects().length === 1);";
    assert_eq!(c.execute(lines, vec![]).await.unwrap(), serde_json::json!(true), "a side bar label wraps");
    assert_eq!(offered_officials(&c).await.len(), 2);
    save_desk_screenshot("tiep-dan-1366x768.png").await;
    // She finds none of the settings, and each command refuses her.
    wait_count(&c, "#tab-settings", 0).await;
    for (command, args) in [
        ("enroll", serde_json::json!({ "serverUrl": server, "code": "ABCD-EFGH-JKMN" })),
        ("enrollment_status", serde_json::json!({})),
        ("desk_settings", serde_json::json!({})),
        ("set_idle_lock", serde_json::json!({ "minutes": 30 })),
        ("choose_export_folder", serde_json::json!({})),
        ("set_office_hours", serde_json::json!({ "morning": "07:00-11:00", "afternoon": "13:00-17:00" })),
        ("save_official", serde_json::json!({ "id": null, "input": { "name": "Kẻ Lạ", "title": "Không" } })),
        ("take_off_official", serde_json::json!({ "id": directory[0].id })),
        ("finish_setup", serde_json::json!({})),
    ] {
        let answer = invoke(&c, command, args).await;
        assert!(answer.starts_with("refused: Chỉ "), "{command}: {answer}");
    }

    // Live updates: a visit typed into this PC's file behind the window's back is not shown (no
    // timer asks); the round that pulls the second PC's visit announces, and both appear.
    let second = common::desk().await;
    let client = thanthien::sync::Client::new();
    client.enroll(&second.store, &server, &common::code_for(&pool, COMMUNE).await).await.unwrap();
    second
        .store
        .record_visit(VisitInput { name: "Võ Văn Tâm".into(), ..Default::default() }, chrono::Utc::now())
        .await
        .unwrap();
    client.sync_once(&second.store).await.unwrap();
    store
        .record_visit(VisitInput { name: "Hà Thị Lặng".into(), ..Default::default() }, chrono::Utc::now())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(7)).await;
    wait_count(&c, "#waiting-list tbody tr", 1).await;
    let round = invoke(&c, "sync_now", serde_json::json!({})).await;
    assert_eq!(round, "allowed");
    let pulled_at = Instant::now();
    wait_count(&c, "#waiting-list tbody tr", 3).await;
    let shown_after = pulled_at.elapsed();
    assert!(shown_after < Duration::from_secs(3), "shown {shown_after:?} after the round");
    wait_text(&c, "#waiting-list", "Võ Văn Tâm").await;
    store.close().await;

    // The office head takes the clerk off the directory: the desk no longer offers her.
    wait_for(&c, "#lock-screen").await.click().await.unwrap();
    sign_in(&c, HEAD, PASSWORD).await;
    wait_for(&c, "#tab-settings").await.click().await.unwrap();
    wait_for(&c, "#directory").await;
    wait_count(&c, "#enrolment, #account-list, #idle-lock, #export-folder", 0).await;
    wait_count(&c, "#directory-list tbody tr", 2).await;
    save_desk_screenshot("cai-dat-lanh-dao.png").await;
    for row in c.find_all(Locator::Css("#directory-list tbody tr")).await.unwrap() {
        if row.find(Locator::Css(".name")).await.unwrap().text().await.unwrap() == CLERK {
            row.find(Locator::Css(".take-off")).await.unwrap().click().await.unwrap();
        }
    }
    wait_count(&c, "#directory-list tbody tr", 1).await;
    wait_for(&c, "#tab-front-desk").await.click().await.unwrap();
    let started = Instant::now();
    while offered_officials(&c).await != [CHAIR] {
        assert!(started.elapsed() < Duration::from_secs(10), "offered: {:?}", offered_officials(&c).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Every screen at 1366×768, each with its one-line hint.
    for (tab, file) in [
        ("#tab-front-desk", "man-hinh-tiep-dan.png"),
        ("#tab-feedback", "man-hinh-gop-y.png"),
        ("#tab-cameras", "man-hinh-camera.png"),
        ("#tab-summary", "man-hinh-bao-cao-tuan.png"),
        ("#tab-publicity", "man-hinh-cong-khai.png"),
        ("#tab-persons", "man-hinh-du-lieu-ca-nhan.png"),
        ("#tab-settings", "man-hinh-cai-dat.png"),
    ] {
        wait_for(&c, tab).await.click().await.unwrap();
        wait_for(&c, "#screen-hint").await;
        let hint = c.execute("return document.querySelector('#screen-hint').textContent", vec![]).await.unwrap();
        let hint = hint.as_str().unwrap_or_default().to_owned();
        assert!(!hint.is_empty(), "{tab} has no hint");
        tokio::time::sleep(Duration::from_millis(300)).await;
        save_desk_screenshot(file).await;
    }

    // Cài đặt shows the retention periods in force, with their legal ground.
    wait_text(&c, "#retention-periods", "60 tháng").await;
    wait_text(&c, "#retention-source", "91/2025").await;
    // A citizen asks what the commune holds: the office head finds him, erases his data with the
    // reason, and the access log shows both acts without his name.
    wait_for(&c, "#tab-persons").await.click().await.unwrap();
    fill(&c, "#person-text", "vo van tam").await;
    wait_for(&c, "#person-find").await.click().await.unwrap();
    wait_text(&c, "#person-records", "Võ Văn Tâm").await;
    assert!(fits_on_screen(&c, "#person-search").await, "the search does not fit 1366×768");
    wait_for(&c, "#person-erase").await.click().await.unwrap();
    wait_text(&c, "#person-erase", "Xác nhận").await;
    wait_for(&c, "#person-erase").await.click().await.unwrap();
    wait_text(&c, "#person-error", "lý do xoá").await;
    fill(&c, "#erase-reason", "Ông Tâm yêu cầu ngày 01/12/2026").await;
    wait_for(&c, "#person-erase").await.click().await.unwrap();
    wait_text(&c, "#person-notice", "Đã xoá dữ liệu cá nhân trong số bản ghi: 1").await;
    wait_for(&c, "#person-none").await;
    let log = wait_text(&c, "#access-log", "Xoá").await;
    assert!(log.contains("Tra cứu") && !log.contains("Tâm"), "{log}");
    save_desk_screenshot("du-lieu-ca-nhan-da-xoa.png").await;
    // A USB backup is lost: the breach notice's facts, gathered from the records, with the hours
    // left of the 72. Found now (the form's default time); what happened and was done, typed.
    wait_for(&c, "#breach-make").await.click().await.unwrap();
    wait_text(&c, "#breach-error", "Mô tả sự việc").await;
    fill(&c, "#breach-what", "Mất USB chứa bản sao lưu").await;
    fill(&c, "#breach-measures", "Báo công an xã; đổi mã khôi phục").await;
    wait_for(&c, "#breach-make").await.click().await.unwrap();
    let notice = wait_text(&c, "#breach-report", "Hạn thông báo").await;
    assert!(notice.contains("(còn 71 giờ)") || notice.contains("(còn 72 giờ)"), "{notice}");
    assert!(notice.contains("bản ghi chứa dữ liệu cá nhân của") && notice.contains("Mất USB"), "{notice}");
    assert!(notice.contains("được mã hoá"), "the safeguards: {notice}");
    save_desk_screenshot("bao-cao-su-co.png").await;

    // The province publishes a release: after a round the banner says so with its notes; the
    // office head is told to ask the admin, the admin installs. This release verifies but is no
    // program (tests/keys), so the app refuses to put it in place and keeps its version.
    let signature = std::fs::read_to_string(keys.join("sample-linux.minisig")).unwrap();
    let release = thanthien_province::updates::NewRelease {
        version: "0.2.0",
        platform: thanthien_core::update::Platform::LinuxX86_64,
        file_name: "thanthien",
        file: b"ban cap nhat\n",
        signature: &signature,
        notes: "Sửa lỗi in phiếu hẹn.",
    };
    thanthien_province::updates::publish(&pool, release, Some("cli:so-noi-vu")).await.unwrap();
    invoke(&c, "sync_now", serde_json::json!({})).await;
    assert!(wait_text(&c, "#update-banner", "0.2.0").await.contains("Có bản cập nhật"));
    wait_text(&c, "#update-notes", "Sửa lỗi in phiếu hẹn.").await;
    wait_text(&c, "#update-banner .ask-admin", "quản trị viên").await;
    wait_count(&c, "#install-update", 0).await;
    wait_for(&c, "#lock-screen").await.click().await.unwrap();
    sign_in(&c, ADMIN, PASSWORD).await;
    invoke(&c, "sync_now", serde_json::json!({})).await;
    wait_for(&c, "#install-update").await.click().await.unwrap();
    wait_text(&c, "#update-problem", "không chạy được").await;
    save_desk_screenshot("cap-nhat-bi-tu-choi.png").await;
    let app_dir = std::path::Path::new(env!("CARGO_BIN_EXE_thanthien")).parent().unwrap();
    let left: Vec<_> = std::fs::read_dir(app_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".new"))
        .collect();
    assert!(left.is_empty(), "nothing left beside the app: {left:?}");
    let _ = c.close().await;
    province.stop();
}
