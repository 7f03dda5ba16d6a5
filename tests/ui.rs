//! The real app in its real webview, driven through tauri-driver + WebKitWebDriver (run under Xvfb
//! by `cargo xtask test`): type a name, save, see the row, find it in the SQLite file.

mod common;

use common::desk_ui::*;
use common::save_desk_screenshot;
use fantoccini::{Client, Locator};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

async fn visit_names_in_file(db: &Path) -> Vec<String> {
    let mut conn =
        sqlx::ConnectOptions::connect(&thanthien::store::cipher::options_for(db).await.unwrap().read_only(true))
            .await
            .unwrap();
    let rows: Vec<(String,)> = sqlx::query_as("SELECT visitor_name FROM visit").fetch_all(&mut conn).await.unwrap();
    rows.into_iter().map(|(n,)| n).collect()
}

#[tokio::test]
async fn a_visit_from_arrival_to_the_citizens_rating_without_the_mouse_at_the_desk() {
    let data = tempfile::tempdir().unwrap();
    seed_overdue_dossier(data.path()).await;
    let _driver = start_driver(data.path());
    let c = connect().await;
    let result = scenario(&c, data.path()).await;
    let _ = c.close().await;
    result
}

const OVERDUE: &str = "Trần Văn Bảo";

/// A dossier received two weeks ago (HT-12, 3 working days) whose result is not back: the desk
/// must flag it and let the receptionist draft the apology slip.
async fn seed_overdue_dossier(data: &Path) {
    use thanthien_core::visit::{FinishInput, Outcome, VisitInput};
    let store = thanthien::store::Store::open(data).await.unwrap().by("cli:seed");
    let at = chrono::Utc::now() - chrono::Duration::days(14);
    let input = VisitInput { name: OVERDUE.into(), procedure: Some("HT-12".into()), ..Default::default() };
    let id = store.record_visit(input, at).await.unwrap().id;
    store.finish_visit(id, FinishInput::new(Outcome::DossierReceived), at).await.unwrap();
    // The directory: picking this official at the desk also sets the counter.
    let hoa = thanthien_core::official::OfficialInput {
        name: "Lê Thị Hoa".into(),
        title: "Công chức Tư pháp - Hộ tịch".into(),
        counter: Some(3),
        ..Default::default()
    };
    store.list_official(None, hoa).await.unwrap();
    // Last week, one citizen: the week the office head approves.
    let last_week = thanthien_core::summary::Week::of(chrono::Utc::now()).previous();
    let tuesday = last_week.bounds().0 + chrono::Duration::hours(33);
    store.record_visit(VisitInput { name: "Đỗ Thị Hạnh".into(), ..Default::default() }, tuesday).await.unwrap();
    for (username, full_name, role) in
        [(RECEPTIONIST, "Nguyễn Thị Lan", "receptionist"), (HEAD, "Lê Văn Hùng", "office_head")]
    {
        let input = thanthien_core::account::AccountInput {
            username: username.into(),
            full_name: full_name.into(),
            role: role.into(),
            password: PASSWORD.into(),
        };
        store.create_account(input, false, chrono::Utc::now()).await.unwrap();
    }
    store.close().await;
}

const RECEPTIONIST: &str = "lan.nt";
const HEAD: &str = "hung.lv";
const PASSWORD: &str = "Mật khẩu 2026";

/// The desk's window, once it has rendered. At start it is the app's only window: the rating
/// window and the call display (each a web process of its own) are made when the desk needs them.
async fn desk_window(c: &Client) -> fantoccini::wd::WindowHandle {
    let started = Instant::now();
    loop {
        let handles = c.windows().await.unwrap();
        assert_eq!(handles.len(), 1, "at start the desk's window is the only one");
        c.switch_to_window(handles[0].clone()).await.unwrap();
        if !c.find_all(Locator::Css("#sign-in, #visitor-name")).await.unwrap().is_empty() {
            return handles[0].clone();
        }
        if started.elapsed() > Duration::from_secs(30) {
            panic!("the desk's window did not render: {}", c.source().await.unwrap_or_default());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The window showing `css` once it has been made and rendered, switched to.
async fn window_showing(c: &Client, css: &str) -> fantoccini::wd::WindowHandle {
    let started = Instant::now();
    loop {
        for handle in c.windows().await.unwrap() {
            c.switch_to_window(handle.clone()).await.unwrap();
            if !c.find_all(Locator::Css(css)).await.unwrap().is_empty() {
                return handle;
            }
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no window shows {css}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const RATING_TITLE: &str = "Đánh giá mức độ hài lòng";

async fn scenario(c: &Client, data: &Path) {
    let main = desk_window(c).await;
    // One monitor (Xvfb): the office starts on the desk's window alone.
    wait_shown("Tiếp dân", 1).await;
    assert_eq!(shown_windows(RATING_TITLE), 0, "the rating window must not open over the desk at start");
    c.switch_to_window(main.clone()).await.unwrap();
    // Nothing but the sign-in screen until someone signs in; a wrong password says how many
    // tries are left.
    assert_eq!(
        invoke(c, "list_today_visits", serde_json::json!({})).await,
        "refused: Phiên làm việc đã khóa. Vui lòng đăng nhập lại."
    );
    sign_in(c, RECEPTIONIST, "sai mật khẩu").await;
    let error = wait_for(c, "#sign-in-error").await.text().await.unwrap();
    assert!(error.contains("Còn 4 lần thử"), "{error}");
    sign_in(c, RECEPTIONIST, PASSWORD).await;
    assert_eq!(wait_for(c, "#signed-in-user").await.text().await.unwrap(), "Nguyễn Thị Lan");
    let name = wait_for(c, "#visitor-name").await;
    name.send_keys("Nguyễn Thị Ánh").await.unwrap();
    // A catalogue id: HT-12 (đăng ký nhận cha, mẹ, con) has 3 working days.
    // HT-01's national code is not confirmed by its sources: the desk says so beside it.
    let procedure = wait_for(c, "#procedure").await;
    procedure.send_keys("HT-01").await.unwrap();
    assert_eq!(wait_for(c, "#procedure-info .unverified").await.text().await.unwrap(), "chưa xác minh");
    procedure.clear().await.unwrap();
    procedure.send_keys("HT-12").await.unwrap();
    wait_count(c, "#procedure-info .unverified", 0).await;
    // Keyboard only: Enter in the form saves it.
    wait_for(c, "#note").await.send_keys(ENTER).await.unwrap();

    wait_count(c, "#waiting-list tbody tr", 1).await;
    let row = wait_for(c, "#waiting-list tbody tr .name").await;
    assert_eq!(row.text().await.unwrap(), "Nguyễn Thị Ánh");
    assert!(visit_names_in_file(&data.join("thanthien.db")).await.contains(&"Nguyễn Thị Ánh".to_owned()));
    assert_eq!(wait_for(c, "#waiting-list tbody tr .ticket").await.text().await.unwrap(), "A001");
    ticket_slip(c).await;
    let badge = wait_for(c, "#sync-badge").await.text().await.unwrap();
    // The seeded dossier's two events, the official, last week's visit and this arrival wait.
    assert!(badge.contains("Chưa đăng ký") && badge.contains("5 chờ gửi"), "{badge}");

    // An empty name: the sentence appears beside the field and nothing is saved.
    let name = wait_for(c, "#visitor-name").await;
    name.send_keys(&format!("   {ENTER}")).await.unwrap();
    let error = wait_for(c, "#visitor-name-error").await;
    assert_eq!(error.text().await.unwrap(), "Vui lòng nhập họ tên người đến làm việc.");
    wait_count(c, "#waiting-list tbody tr", 1).await;
    assert_eq!(visit_names_in_file(&data.join("thanthien.db")).await.len(), 3);

    // The desk calls the next citizen (F2) and receives the dossier (F6), still without the mouse.
    // The desk's counter and official are remembered by the webview between runs: start clean.
    let counter = wait_for(c, "#counter").await;
    counter.clear().await.unwrap();
    counter.send_keys("1").await.unwrap();
    let official = wait_for(c, "#official").await;
    official.clear().await.unwrap();
    official.send_keys("Lê Thị Hoa").await.unwrap();
    wait_value(c, "#counter", "3").await;
    let display = open_call_display(c, &main).await;
    wait_for(c, "#official").await.send_keys(F2).await.unwrap();
    wait_count(c, "#waiting-list tbody tr", 0).await;
    call_shown(c, &display, &main).await;
    assert_eq!(wait_for(c, "#serving .name").await.text().await.unwrap(), "Nguyễn Thị Ánh");
    assert_eq!(wait_for(c, "#serving-ticket").await.text().await.unwrap(), "A001");
    // F6 opens the finish form on the appointment the legal time gives; Enter confirms it.
    wait_for(c, "#official").await.send_keys(F6).await.unwrap();
    let reference = thanthien::store::Reference::starter();
    let legal = thanthien_core::procedure::find(&reference.catalogue, "HT-12").unwrap().legal_time;
    let due =
        thanthien_core::procedure::appointment_date(chrono::Utc::now(), legal, &reference.calendar, &reference.hours)
            .unwrap();
    wait_for(c, "#appointment").await;
    wait_value(c, "#appointment", &due.format("%d/%m/%Y").to_string()).await;
    wait_for(c, "#papers")
        .await
        .send_keys(&format!("Tờ khai đăng ký nhận con; Giấy khai sinh của con{ENTER}"))
        .await
        .unwrap();
    receipt_slip(c, due).await;
    wait_count(c, "#done-list tbody tr", 1).await;
    assert_eq!(wait_for(c, "#done-list .outcome").await.text().await.unwrap(), "Tiếp nhận hồ sơ");
    let shown = wait_for(c, "#done-list .appointment").await.text().await.unwrap();
    assert_eq!(shown, due.format("%d/%m/%Y").to_string());

    save_desk_screenshot("tiep-dan.png").await;

    // The finished visit is offered for rating on the citizen-facing window, which comes up.
    wait_shown(RATING_TITLE, 1).await;
    window_showing(c, ".rating-screen").await;
    assert!(wait_for(c, ".rating-screen .muted").await.text().await.unwrap().ends_with("Lê Thị Hoa"));
    wait_for(c, "#rate-2").await.click().await.unwrap();
    wait_for(c, "#reason-1").await.click().await.unwrap();
    save_desk_screenshot("danh-gia.png").await;
    wait_for(c, "#rate-send").await.click().await.unwrap();
    assert_eq!(wait_for(c, "#rating-thanks").await.text().await.unwrap(), "Cảm ơn quý khách đã đánh giá!");
    // …and by itself it returns to idle.
    wait_for(c, "#rating-idle").await;
    assert_eq!(ratings_in_file(&data.join("thanthien.db")).await, [(2, "[\"waiting-time\"]".to_owned())]);
    // Its capability allows nothing but its own two commands.
    let probe = r#"const done = arguments[arguments.length - 1];
        window.__TAURI__.core.invoke(arguments[0], {}).then(() => done('allowed'), e => done('refused: ' + e));"#;
    for command in ["list_today_visits", "sync_now"] {
        let answer = c.execute_async(probe, vec![command.into()]).await.unwrap();
        assert!(answer.as_str().unwrap_or("").starts_with("refused"), "{command}: {answer}");
    }
    let answer = c.execute_async(probe, vec!["rating_request".into()]).await.unwrap();
    assert_eq!(answer, "allowed");
    // On one monitor it steps back once the thanks were read; F10 at the desk brings it up.
    wait_shown(RATING_TITLE, 0).await;
    c.switch_to_window(main).await.unwrap();
    wait_for(c, "#visitor-name").await.send_keys(F10).await.unwrap();
    wait_shown(RATING_TITLE, 1).await;
    apology_slip(c, data).await;
    feedback_register(c, data).await;
    // The receptionist has no Báo cáo tuần, and registering a camera is not hers to do.
    wait_count(c, "#tab-summary", 0).await;
    wait_for(c, "#tab-cameras").await.click().await.unwrap();
    wait_for(c, "section.cameras").await;
    wait_count(c, "#camera-name", 0).await;
    wait_for(c, "#lock-screen").await.click().await.unwrap();
    sign_in(c, HEAD, PASSWORD).await;
    assert_eq!(wait_for(c, "#signed-in-user").await.text().await.unwrap(), "Lê Văn Hùng");
    camera_check_in(c).await;
    weekly_summary(c, data).await;
    publicity_board(c, data).await;
    reception_days(c).await;
    // Back to the receptionist: no approval action on screen, and the command itself refuses.
    wait_for(c, "#lock-screen").await.click().await.unwrap();
    sign_in(c, RECEPTIONIST, PASSWORD).await;
    wait_for(c, "#visitor-name").await;
    wait_count(c, "#tab-summary", 0).await;
    wait_count(c, "#approval-actions, #week-approve, #week-reopen", 0).await;
    let last_week = thanthien_core::summary::Week::of(chrono::Utc::now()).previous().to_string();
    let reopen = serde_json::json!({ "week": last_week, "action": { "action": "reopen", "reason": "thử" } });
    assert_eq!(
        invoke(c, "step_week", reopen).await,
        "refused: Chỉ lãnh đạo UBND được trình, duyệt hoặc mở lại báo cáo tuần."
    );
    // Every command beyond the desk refuses her, whatever the screen shows.
    let week = serde_json::json!(last_week);
    for (command, args) in [
        ("weekly_summary", serde_json::json!({})),
        ("export_week", serde_json::json!({ "week": week, "format": "xlsx" })),
        ("step_week", serde_json::json!({ "week": week, "action": { "action": "approve" } })),
        ("publicity_board", serde_json::json!({})),
        ("export_board", serde_json::json!({ "format": "pdf" })),
        ("record_publication", serde_json::json!({ "format": "pdf", "venue": "portal", "place": null })),
        ("add_camera", serde_json::json!({ "input": { "name": "Camera lạ" } })),
        ("set_mailbox", serde_json::json!({ "server": "x", "username": "y", "password": "z" })),
        ("list_accounts", serde_json::json!({})),
        (
            "create_account",
            serde_json::json!({ "input": {
                "username": "ke.gian", "full_name": "Kẻ Gian", "role": "admin", "password": "12345678" } }),
        ),
    ] {
        let answer = invoke(c, command, args).await;
        assert!(answer.starts_with("refused: Chỉ "), "{command}: {answer}");
    }
    let (status,): (String,) =
        sqlx::query_as("SELECT status FROM week_approval").fetch_one(&mut db(data).await).await.unwrap();
    assert_eq!(status, "approved", "the refused reopen changed nothing");
}

/// Waits until the text of `css` holds `needle`.
async fn wait_text(c: &Client, css: &str, needle: &str) {
    let started = Instant::now();
    loop {
        let text = wait_for(c, css).await.text().await.unwrap_or_default();
        if text.contains(needle) {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{css} never said {needle:?}: {text}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The head sets the chairman's weekly reception on today's weekday; the card owes today (when it
/// is a working day), records it held with a petition that lands in the feedback register, and
/// the board lists the coming days.
async fn reception_days(c: &Client) {
    use chrono::Datelike;
    let today = thanthien_core::time::local_day(chrono::Utc::now());
    wait_for(c, "#tab-feedback").await.click().await.unwrap();
    wait_for(c, "#reception").await;
    wait_for(c, "#schedule-receiver").await.send_keys("Chủ tịch UBND Nguyễn Văn An").await.unwrap();
    let weekday = (today.weekday().number_from_monday() + 1).to_string();
    let select = wait_for(c, "#schedule-weekday").await;
    select.select_by_value(&weekday).await.unwrap();
    wait_for(c, "#schedule-from").await.send_keys(&today.format("%d/%m/%Y").to_string()).await.unwrap();
    wait_for(c, "#schedule-place").await.send_keys("Phòng tiếp công dân").await.unwrap();
    wait_for(c, "#schedule-save").await.click().await.unwrap();
    let listed = wait_for(c, ".reception-schedules li").await.text().await.unwrap();
    assert!(listed.contains("hằng tuần") && listed.contains("Nguyễn Văn An"), "{listed}");
    let working = thanthien::store::Reference::starter().calendar.is_working_day(today);
    if working {
        let row = format!("#reception-days tr[data-day='{today}']");
        assert!(wait_for(c, &row).await.text().await.unwrap().contains("Chưa ghi kết quả"));
        wait_for(c, &format!("{row} .reception-hold")).await.click().await.unwrap();
        let citizens = wait_for(c, "#reception-citizens").await;
        citizens.clear().await.unwrap();
        citizens.send_keys("2").await.unwrap();
        wait_for(c, "#reception-raised").await.send_keys("Đường liên thôn").await.unwrap();
        wait_for(c, "#reception-petitions").await.send_keys("Đề nghị sửa đường liên thôn 3").await.unwrap();
        wait_for(c, "#reception-save").await.click().await.unwrap();
        wait_text(c, &format!("{row} .reception-state"), "Đã tiếp: Chủ tịch UBND Nguyễn Văn An, 2 công dân").await;
        let figures = wait_for(c, "#reception-figures").await.text().await.unwrap();
        assert!(
            figures.contains("1 buổi theo lịch") && figures.contains("1 đã tiếp") && figures.contains("2 công dân"),
            "{figures}"
        );
        wait_text(c, "#feedback-register", "Đề nghị sửa đường liên thôn 3").await;
    }
    save_desk_screenshot("lich-tiep-cong-dan.png").await;
    wait_for(c, "#tab-publicity").await.click().await.unwrap();
    let board = wait_for(c, "#board-reception li").await.text().await.unwrap();
    assert!(board.contains("Phòng tiếp công dân") && board.contains("Nguyễn Văn An"), "{board}");
}

/// The head publishes the directory: the poster saved as a file, and its posting on the notice
/// board entered in the register.
async fn publicity_board(c: &Client, data: &Path) {
    wait_for(c, "#tab-publicity").await.click().await.unwrap();
    let official = wait_for(c, "#board-officials tr").await.text().await.unwrap();
    assert!(official.contains("Lê Thị Hoa"), "{official}");
    // No feedback mailbox on this PC yet: the board says there is no QR code rather than show a dead one.
    wait_for(c, "#board-no-qr").await;
    wait_for(c, "#board-export-pdf").await.click().await.unwrap();
    // The save dialog opens in the export folder with the file's name: Enter saves it there.
    accept_save_dialog().await;
    let saved = wait_for(c, "#board-export-result").await.text().await.unwrap();
    assert!(saved.ends_with("cong-khai.pdf"), "{saved}");
    assert!(std::fs::read(data.join("exports").join("cong-khai.pdf")).unwrap().starts_with(b"%PDF-"));
    wait_for(c, "#publish-place").await.send_keys("Bảng tin tầng 1").await.unwrap();
    wait_for(c, "#publish-save").await.click().await.unwrap();
    wait_count(c, "#publications li", 1).await;
    let line = wait_for(c, "#publications li").await.text().await.unwrap();
    assert!(line.contains("Bảng tin trụ sở (Bảng tin tầng 1) · Bản in (PDF) · hung.lv"), "{line}");
    save_desk_screenshot("cong-khai.png").await;
}

async fn db(data: &Path) -> sqlx::SqliteConnection {
    sqlx::ConnectOptions::connect(
        &thanthien::store::cipher::options_for(&data.join("thanthien.db")).await.unwrap().read_only(true),
    )
    .await
    .unwrap()
}

/// The office head's week: this week's arrival against last week's one, with its charts; then
/// last week submitted, approved and locked, each step under the head's name.
async fn weekly_summary(c: &Client, data: &Path) {
    wait_for(c, "#tab-summary").await.click().await.unwrap();
    let week = thanthien_core::summary::Week::of(chrono::Utc::now()).to_string();
    let title = wait_for(c, "#summary-week").await.text().await.unwrap();
    assert!(title.contains(&week), "{title}");
    wait_for(c, "#summary-table tbody tr:nth-child(2) td").await;
    let mut cells = Vec::new();
    for cell in c.find_all(Locator::Css("#summary-table tbody tr:nth-child(2) td")).await.unwrap() {
        cells.push(cell.text().await.unwrap());
    }
    assert_eq!(cells, ["Tổng số lượt", "1", "1"]);
    wait_count(c, ".charts svg", 3).await;
    // This week is still running: it cannot be submitted.
    wait_for(c, "#week-submit").await.click().await.unwrap();
    assert!(wait_for(c, "#approval-error").await.text().await.unwrap().starts_with("Tuần chưa kết thúc"));
    wait_for(c, "#week-previous").await.click().await.unwrap();
    let last_week = thanthien_core::summary::Week::of(chrono::Utc::now()).previous().to_string();
    let title = wait_for(c, "#summary-week").await.text().await.unwrap();
    assert!(title.contains(&last_week), "{title}");
    assert_eq!(wait_for(c, "#approval-status").await.text().await.unwrap(), "Bản nháp");
    wait_for(c, "#week-submit").await.click().await.unwrap();
    wait_for(c, "#week-approve").await.click().await.unwrap();
    wait_for(c, "#approval.locked").await;
    assert_eq!(wait_for(c, "#approval-status").await.text().await.unwrap(), "Đã duyệt (khóa)");
    wait_count(c, "#week-submit, #week-approve", 0).await;
    wait_for(c, "#week-reopen").await;
    let steps = wait_for(c, "#approval .steps").await.text().await.unwrap();
    assert!(steps.contains("Duyệt và khóa bởi hung.lv"), "{steps}");
    save_desk_screenshot("bao-cao-tuan.png").await;
    // Exported from the window: the spreadsheet holds the week's approved total and its status.
    wait_for(c, "#export-xlsx").await.click().await.unwrap();
    accept_save_dialog().await;
    let saved = wait_for(c, "#export-result").await.text().await.unwrap();
    let path = PathBuf::from(saved.trim_start_matches("Đã lưu tệp:").trim());
    assert_eq!(path, data.join("exports").join(format!("bao-cao-tuan-{last_week}.xlsx")), "{saved}");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = book.worksheet_range(&format!("Tuần {last_week}")).unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
    assert!(cell(1, 0).starts_with("Trạng thái: Đã duyệt (khóa)"), "{}", cell(1, 0));
    assert_eq!((cell(3, 1), cell(3, 2)), ("Tổng số lượt".to_owned(), "1".to_owned()));
    // The week's tracking book of dossiers (Mẫu 06), as a PDF, from the same row of buttons.
    wait_for(c, "#export-book-pdf").await.click().await.unwrap();
    accept_save_dialog().await;
    let started = Instant::now();
    let saved = loop {
        let said = wait_for(c, "#export-result").await.text().await.unwrap();
        if said.contains("so-theo-doi-ho-so.pdf") {
            break said;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{said}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let path = PathBuf::from(saved.trim_start_matches("Đã lưu tệp:").trim());
    let text = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(&format!("SỔ THEO DÕI HỒ SƠ TUẦN {last_week}")) && text.contains("Mẫu số 06"), "{text}");
    let users: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT kind, user FROM event WHERE kind IN ('week.approved', 'feedback.answered', 'camera.checked')",
    )
    .fetch_all(&mut db(data).await)
    .await
    .unwrap();
    assert!(users.contains(&("week.approved".into(), Some(HEAD.into()))), "{users:?}");
    assert!(users.contains(&("feedback.answered".into(), Some(RECEPTIONIST.into()))), "{users:?}");
}

/// A box letter entered a month late is overdue; answered, it leaves the overdue list and the
/// register keeps who answered, how and what.
async fn feedback_register(c: &Client, data: &Path) {
    wait_for(c, "#tab-feedback").await.click().await.unwrap();
    // The box is opened before two witnesses; its letter is entered against that opening.
    wait_for(c, ".box-opening summary").await.click().await.unwrap();
    wait_for(c, "#box-witness-1").await.send_keys("Lê Thị Hoa").await.unwrap();
    wait_for(c, "#box-witness-2").await.send_keys("Trần Văn Bình").await.unwrap();
    wait_for(c, "#box-letters").await.send_keys("1").await.unwrap();
    wait_for(c, "#open-box").await.click().await.unwrap();
    wait_count(c, "#feedback-box-session option", 2).await;
    let received = thanthien_core::time::local_day(chrono::Utc::now()) - chrono::Duration::days(30);
    wait_for(c, "#feedback-received-on").await.send_keys(&received.format("%d/%m/%Y").to_string()).await.unwrap();
    wait_for(c, "#feedback-content").await.send_keys("Đề nghị lắp thêm đèn ở lối vào trụ sở").await.unwrap();
    wait_for(c, "#feedback-submitter").await.send_keys("Phạm Văn Tư").await.unwrap();
    wait_for(c, "#save-feedback").await.click().await.unwrap();
    wait_count(c, "#overdue-feedback li", 1).await;
    let overdue = wait_for(c, "#overdue-feedback li").await.text().await.unwrap();
    assert!(overdue.starts_with("Quá ") && overdue.contains("lắp thêm đèn"), "{overdue}");
    wait_for(c, "#feedback-detail").await;
    assert_eq!(wait_for(c, "#feedback-register tbody tr .status").await.text().await.unwrap(), "Mới tiếp nhận");
    let session = wait_for(c, "#feedback-box-session option:checked").await.text().await.unwrap();
    assert!(session.contains("1/1"), "the opening's one letter is entered: {session}");
    // An answer with no reply is refused beside the field.
    wait_for(c, "#answer-by").await.send_keys("Lê Thị Hoa").await.unwrap();
    wait_for(c, "#save-answer").await.click().await.unwrap();
    assert_eq!(
        wait_for(c, "#feedback-detail .field-error").await.text().await.unwrap(),
        "Vui lòng nhập nội dung trả lời."
    );
    wait_for(c, "#answer-via").await.select_by_value("phone").await.unwrap();
    wait_for(c, "#answer-reply").await.send_keys("Đã lắp đèn, cảm ơn ông đã góp ý.").await.unwrap();
    save_desk_screenshot("gop-y.png").await;
    wait_for(c, "#save-answer").await.click().await.unwrap();
    wait_count(c, "#overdue-feedback li", 0).await;
    assert_eq!(wait_for(c, "#feedback-register tbody tr .status").await.text().await.unwrap(), "Đã trả lời");
    // Asked afterwards, the submitter is satisfied: the feedback satisfaction index's input.
    wait_for(c, "#fb-satisfied").await.click().await.unwrap();
    wait_for(c, "#fb-satisfied.chosen").await;
    assert!(wait_for(c, "#feedback-register tbody tr .left").await.text().await.unwrap().starts_with("Trễ "));
    let mut conn = sqlx::ConnectOptions::connect(
        &thanthien::store::cipher::options_for(&data.join("thanthien.db")).await.unwrap().read_only(true),
    )
    .await
    .unwrap();
    let (linked,): (i64,) = sqlx::query_as("SELECT count(*) FROM feedback WHERE box_session IS NOT NULL")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(linked, 1, "the letter is linked to its box opening");
    let (by, via): (String, String) = sqlx::query_as(
        "SELECT json_extract(payload, '$.by'), json_extract(payload, '$.via') FROM event WHERE kind = 'feedback.answered'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((by.as_str(), via.as_str()), ("Lê Thị Hoa", "phone"));
    let (satisfied,): (bool,) =
        sqlx::query_as("SELECT json_extract(payload, '$.satisfied') FROM event WHERE kind = 'feedback.rated'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(satisfied);
}

/// A camera registered on the screen, checked with one failed item: marked as failing.
async fn camera_check_in(c: &Client) {
    wait_for(c, "#tab-cameras").await.click().await.unwrap();
    wait_for(c, "#camera-name").await.send_keys("Camera quầy 1").await.unwrap();
    wait_for(c, "#camera-counter").await.send_keys("1").await.unwrap();
    wait_for(c, "#save-camera").await.click().await.unwrap();
    wait_count(c, "#camera-list tr", 1).await;
    assert_eq!(wait_for(c, "#camera-list .camera-state").await.text().await.unwrap(), "Chưa kiểm tra");
    wait_for(c, "#camera-list .check-camera").await.click().await.unwrap();
    wait_for(c, "#check-recording").await.select_by_value("fail").await.unwrap();
    wait_for(c, "#check-signage").await.select_by_value("na").await.unwrap();
    wait_for(c, "#check-by").await.send_keys("Lê Thị Hoa").await.unwrap();
    wait_for(c, "#save-check").await.click().await.unwrap();
    wait_count(c, "#checklist", 0).await;
    wait_count(c, "#camera-list tr.failing", 1).await;
    let state = wait_for(c, "#camera-list .camera-state").await.text().await.unwrap();
    assert!(state.starts_with("Đang lỗi: Ghi hình"), "{state}");
    save_desk_screenshot("camera.png").await;
}

/// F3 after an arrival: the ticket for the 80 mm receipt printer, with nobody ahead.
async fn ticket_slip(c: &Client) {
    assert_eq!(wait_for(c, "#saved-ticket").await.text().await.unwrap(), "A001");
    wait_for(c, "#visitor-name").await.send_keys(F3).await.unwrap();
    assert_eq!(wait_for(c, "#ticket-view #ticket-number").await.text().await.unwrap(), "A001");
    assert!(wait_for(c, "#ticket-procedure").await.text().await.unwrap().contains("nhận cha, mẹ, con"));
    assert_eq!(wait_for(c, "#ticket-ahead").await.text().await.unwrap(), "0");
    let width = c.execute("return document.querySelector('.ticket-slip').getBoundingClientRect().width", vec![]);
    let px = width.await.unwrap().as_f64().unwrap();
    // 72 mm of print at the CSS 96 px to the inch.
    assert!((px - 72.0 / 25.4 * 96.0).abs() < 2.0, "the ticket is {px} px wide");
    save_desk_screenshot("so-thu-tu-80mm.png").await;
    wait_for(c, "#close-ticket").await.send_keys(ESCAPE).await.unwrap();
    wait_count(c, "#ticket-view", 0).await;
}

/// The desk brings the call display up; it waits with no call yet, and can read nothing but
/// its board. Returns its window.
async fn open_call_display(c: &Client, main: &fantoccini::wd::WindowHandle) -> fantoccini::wd::WindowHandle {
    wait_for(c, "#show-display").await.click().await.unwrap();
    wait_shown("Màn hình gọi số", 1).await;
    let display = window_showing(c, "#call-display").await;
    c.switch_to_window(display.clone()).await.unwrap();
    wait_for(c, "#call-idle").await;
    for command in ["list_today_visits", "call_next", "finish_visit", "sync_now"] {
        let answer = invoke(c, command, serde_json::json!({ "official": "x", "counter": 1 })).await;
        assert!(answer.starts_with("refused"), "{command}: {answer}");
    }
    assert_eq!(invoke(c, "call_board", serde_json::json!({})).await, "allowed");
    c.switch_to_window(main.clone()).await.unwrap();
    display
}

/// F2's call on the display: the ticket, the counter, and how long after the call it was drawn.
async fn call_shown(c: &Client, display: &fantoccini::wd::WindowHandle, main: &fantoccini::wd::WindowHandle) {
    c.switch_to_window(display.clone()).await.unwrap();
    let now = wait_for(c, "#call-now").await;
    assert!(now.text().await.unwrap().contains("A001"));
    assert_eq!(wait_for(c, "#call-serving tr[data-counter='3'] .call-ticket").await.text().await.unwrap(), "A001");
    assert_eq!(wait_for(c, "#call-waiting").await.text().await.unwrap(), "0");
    let at = |name: &'static str| {
        let now = now.clone();
        async move { now.attr(name).await.unwrap().unwrap().parse::<f64>().unwrap() }
    };
    let delay = at("data-shown-at").await - at("data-called-at").await;
    println!("the call display drew the call {delay:.0} ms after it was made");
    assert!(delay < 1000.0, "the call showed {delay} ms after it was made, not within a second");
    assert!(!c.source().await.unwrap().contains("Nguyễn Thị Ánh"), "no names on the room's screen");
    save_desk_screenshot("man-hinh-goi-so.png").await;
    c.switch_to_window(main.clone()).await.unwrap();
}

/// Enter on the finish form: the receipt slip (Mẫu 01) comes up with the stored appointment and
/// the papers, printed on A4 or A5.
async fn receipt_slip(c: &Client, due: chrono::NaiveDate) {
    wait_for(c, "#slip-view[data-form='01']").await;
    assert_eq!(
        wait_for(c, "#sheet-appointment").await.text().await.unwrap(),
        format!("ngày {}", due.format("%d/%m/%Y"))
    );
    assert_eq!(wait_for(c, "#slip-title").await.text().await.unwrap(), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    let papers = c.find_all(Locator::Css("#slip-view .slip-item")).await.unwrap();
    assert_eq!(papers.len(), 2);
    assert_eq!(papers[1].text().await.unwrap(), "2. Giấy khai sinh của con");
    let focused = c.execute("return document.activeElement && document.activeElement.id", vec![]).await.unwrap();
    assert_eq!(focused, "print-slip", "Enter prints");
    save_desk_screenshot("giay-tiep-nhan-a4.png").await;
    wait_for(c, "#slip-a5").await.click().await.unwrap();
    wait_for(c, "#slip-view[data-size='a5'] .slip.a5").await;
    save_desk_screenshot("giay-tiep-nhan-a5.png").await;
    wait_for(c, "#slip-a4").await.click().await.unwrap();
    wait_for(c, "#close-slip").await.send_keys(ESCAPE).await.unwrap();
    wait_count(c, "#slip-view", 0).await;
}

/// The overdue dossier is flagged; the receptionist drafts the apology slip with a reason and a
/// new date, sees it on a clean print view, and the dossier leaves the list.
async fn apology_slip(c: &Client, data: &Path) {
    let row = wait_for(c, "#dossiers-at-risk tbody tr").await;
    assert!(row.text().await.unwrap().contains(OVERDUE));
    assert!(row.text().await.unwrap().contains("quá hạn"));
    wait_for(c, "#dossiers-at-risk .draft-slip").await.click().await.unwrap();
    let new_day = thanthien_core::time::local_day(chrono::Utc::now()) + chrono::Duration::days(10);
    let new_day = new_day.format("%d/%m/%Y").to_string();
    wait_for(c, "#slip-date").await.send_keys(&new_day).await.unwrap();
    wait_for(c, "#slip-reason").await.send_keys(&format!("Chờ xác minh tại thôn{ENTER}")).await.unwrap();
    wait_for(c, "#slip-view[data-form='04']").await;
    assert_eq!(wait_for(c, "#sheet-name").await.text().await.unwrap(), format!("Ông/Bà {OVERDUE}"));
    assert_eq!(wait_for(c, "#sheet-new-date").await.text().await.unwrap(), new_day);
    assert_eq!(wait_for(c, "#sheet-reason").await.text().await.unwrap(), "Chờ xác minh tại thôn");
    save_desk_screenshot("phieu-xin-loi.png").await;
    wait_for(c, "#close-slip").await.send_keys(ESCAPE).await.unwrap();
    wait_count(c, "#slip-view", 0).await;
    wait_count(c, "#dossiers-at-risk tbody tr", 0).await;
    let mut conn = sqlx::ConnectOptions::connect(
        &thanthien::store::cipher::options_for(&data.join("thanthien.db")).await.unwrap().read_only(true),
    )
    .await
    .unwrap();
    let (apology,): (bool,) =
        sqlx::query_as("SELECT json_extract(payload, '$.apology') FROM event WHERE kind = 'visit.rescheduled'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(apology, "the new date is an event, marked as sent with an apology slip");
}

/// Waits until the input `css` holds `value` (filled in asynchronously).
/// (level, reasons) of every rating event in the file.
async fn ratings_in_file(db: &Path) -> Vec<(i64, String)> {
    let mut conn =
        sqlx::ConnectOptions::connect(&thanthien::store::cipher::options_for(db).await.unwrap().read_only(true))
            .await
            .unwrap();
    sqlx::query_as(
        "SELECT json_extract(payload, '$.level'), json_extract(payload, '$.reasons') FROM event WHERE kind = 'visit.rated'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}
