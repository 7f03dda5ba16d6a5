//! The `thanthien` command line, run as a real process on a real data folder (no display needed).

mod common;

use common::{Province, Run};
use serde_json::Value;
use sqlx::PgPool;
use std::path::Path;
use tokio::process::Command;

/// This build's command line on `dir` (see `common::desk_cli`).
async fn thanthien(dir: &Path, args: &[&str]) -> Run {
    common::desk_cli(Path::new(env!("CARGO_BIN_EXE_thanthien")), dir, args).await
}

async fn list(dir: &Path) -> Vec<Value> {
    let run = thanthien(dir, &["visit", "list", "--json"]).await;
    assert!(run.ok, "{}", run.stderr);
    serde_json::from_str::<Value>(&run.stdout).unwrap().as_array().unwrap().clone()
}

#[tokio::test]
async fn visit_add_prints_the_id_alone_and_list_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let add = thanthien(
        dir.path(),
        &[
            "visit",
            "add",
            "--name",
            "  Hoa\u{300}ng Va\u{306}n Em ",
            "--procedure",
            "Chứng thực bản sao",
            "--phone",
            "0912.345.678",
        ],
    )
    .await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim();
    assert_eq!(add.stdout, format!("{id}\n"));
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id:?}");
    let visits = list(dir.path()).await;
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["id"], id);
    assert_eq!(visits[0]["name"], "Hoàng Văn Em");
    assert_eq!(visits[0]["phone"], "0912345678");
    let plain = thanthien(dir.path(), &["visit", "list"]).await;
    assert!(plain.stdout.contains("Hoàng Văn Em") && plain.stdout.contains(id));
}

#[tokio::test]
async fn the_window_that_cannot_open_says_why_and_exits_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_thanthien"))
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a plain failure, not a panic's 101: {stderr}");
    assert!(stderr.contains("Không mở được cửa sổ Thân Thiện"), "{stderr}");
    assert!(stderr.contains("dòng lệnh thanthien vẫn dùng được"), "{stderr}");
}

/// `thanthien` starts a command at once because it links none of the window's libraries: its
/// dynamic section names no GTK or WebKit (readelf, from binutils).
#[cfg(target_os = "linux")]
#[test]
fn the_command_line_links_none_of_the_windows_libraries() {
    let needed = |exe: &str| {
        let out = std::process::Command::new("readelf").args(["--dynamic", exe]).output().unwrap();
        assert!(out.status.success(), "readelf: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines().filter(|l| l.contains("(NEEDED)")).map(str::to_owned).collect::<Vec<_>>()
    };
    let command_line = needed(env!("CARGO_BIN_EXE_thanthien"));
    assert!(!command_line.is_empty(), "readelf listed no libraries");
    for library in &command_line {
        assert!(!library.contains("webkit") && !library.contains("gtk"), "thanthien links {library}");
    }
    let window = needed(env!("CARGO_BIN_EXE_thanthien-desk"));
    assert!(window.iter().any(|l| l.contains("webkit2gtk")), "the window links its webview: {window:?}");
}

/// Without its window program beside it, `thanthien` says so and still runs commands.
#[tokio::test]
async fn the_command_line_without_its_window_program_says_so() {
    let (install, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let alone = install.path().join("thanthien");
    std::fs::copy(env!("CARGO_BIN_EXE_thanthien"), &alone).unwrap();
    let out = Command::new(&alone).arg("--data-dir").arg(dir.path()).output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Không mở được cửa sổ Thân Thiện") && stderr.contains("thanthien-desk"), "{stderr}");
    assert!(common::desk_cli(&alone, dir.path(), &["visit", "add", "--name", "Lê Văn Tám"]).await.ok);
}

#[tokio::test]
async fn one_persons_records_are_found_by_name_phone_or_id_with_the_id_masked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        &["visit", "add", "--name", "Đặng Thị Thu", "--phone", "0912345678", "--citizen-id", "079092001234"][..],
        &["visit", "add", "--name", "Đặng Thị Thuận"][..],
        &[
            "feedback",
            "add",
            "--channel",
            "phone",
            "--kind",
            "recommendation",
            "--content",
            "Xin thêm ghế chờ",
            "--submitter",
            "Chị Thu",
            "--contact",
            "+84 912 345 678",
        ][..],
    ] {
        let run = thanthien(d, args).await;
        assert!(run.ok, "{args:?}: {}", run.stderr);
    }
    let by_name = thanthien(d, &["person", "find", "dang thi THU"]).await;
    assert!(by_name.ok, "{}", by_name.stderr);
    assert_eq!(by_name.stdout.lines().count(), 1, "{}", by_name.stdout);
    assert!(by_name.stdout.contains("Đặng Thị Thu · 0912345678 · ••••••••1234"), "{}", by_name.stdout);
    assert!(!by_name.stdout.contains("079092001234"), "the identity number is masked");
    let by_phone: Value =
        serde_json::from_str(&thanthien(d, &["person", "find", "0912.345.678", "--json"]).await.stdout).unwrap();
    let registers: Vec<&str> = by_phone.as_array().unwrap().iter().map(|r| r["register"].as_str().unwrap()).collect();
    assert_eq!(registers, ["visit", "feedback"], "the visit and the letter answering to the same phone");
    let by_id = thanthien(d, &["person", "find", "0790 9200 1234"]).await;
    assert!(by_id.stdout.contains("Đặng Thị Thu") && by_id.stdout.lines().count() == 1, "{}", by_id.stdout);
    let nobody = thanthien(d, &["person", "find", "Lê Văn Tám"]).await;
    assert!(nobody.ok && nobody.stdout.contains("Không có bản ghi nào"), "{}", nobody.stdout);
    let empty = thanthien(d, &["person", "find", "  "]).await;
    assert!(!empty.ok && empty.stderr.contains("nhập tên, số điện thoại"), "{}", empty.stderr);
}

#[tokio::test]
async fn a_person_gets_their_file_has_it_corrected_and_erased_once_the_law_allows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = ["visit", "add", "--name", "Võ Thị Mai", "--phone", "0912345678", "--citizen-id", "079092005678"];
    let add = thanthien(d, &add).await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim().to_owned();
    let appointment = (chrono::Utc::now() + chrono::Duration::days(20)).date_naive();
    let day = appointment.format("%d/%m/%Y").to_string();
    let finish = [
        "visit",
        "finish",
        &id,
        "--outcome",
        "dossier-received",
        "--appointment",
        &appointment.to_string(),
        "--appointment-reason",
        "Hẹn theo đề nghị của người dân",
    ];
    let finish = thanthien(d, &finish).await;
    assert!(finish.ok, "{}", finish.stderr);

    // Her file, as a PDF and as JSON: her own identity number in full.
    let pdf = d.join("Mai.pdf");
    let export = thanthien(d, &["person", "export", "Võ Thị Mai", "--out", pdf.to_str().unwrap()]).await;
    assert!(export.ok && export.stdout.contains("1 lượt tiếp dân"), "{}{}", export.stdout, export.stderr);
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("DỮ LIỆU CÁ NHÂN ĐANG LƯU GIỮ") && text.contains("079092005678"), "{text}");
    assert!(text.contains("Võ Thị Mai") && text.contains(&day), "{text}");
    let json = d.join("Mai.json");
    assert!(thanthien(d, &["person", "export", "0912345678", "--out", json.to_str().unwrap()]).await.ok);
    let file: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(file["visits"][0]["citizen_id"], "079092005678");
    let odd = thanthien(d, &["person", "export", "Võ Thị Mai", "--out", d.join("Mai.txt").to_str().unwrap()]).await;
    assert!(!odd.ok && odd.stderr.contains(".pdf hoặc .json"), "{}", odd.stderr);

    // Her phone put right, at her request.
    let correct = ["person", "correct", &id, "--phone", "0987 654 321", "--reason", "Chị Mai đổi số"];
    let correct = thanthien(d, &correct).await;
    assert!(correct.ok, "{}", correct.stderr);
    let found = thanthien(d, &["person", "find", "0987654321"]).await;
    assert!(found.stdout.contains("Võ Thị Mai · 0987654321"), "{}", found.stdout);
    let nothing = thanthien(d, &["person", "correct", &id, "--reason", "không rõ"]).await;
    assert!(!nothing.ok && nothing.stderr.contains("Chưa có trường nào cần sửa"), "{}", nothing.stderr);

    // Asked, not confirmed: nothing goes.
    let unconfirmed = thanthien(d, &["person", "erase", "Võ Thị Mai", "--reason", "Chị Mai yêu cầu"]).await;
    assert!(unconfirmed.ok && unconfirmed.stdout.contains("Không xoá gì"), "{}", unconfirmed.stdout);
    // Her dossier is not back yet: refused, with the date from which it can go.
    let erase = ["person", "erase", "Võ Thị Mai", "--reason", "Chị Mai yêu cầu", "--yes"];
    let held = thanthien(d, &erase).await;
    assert!(!held.ok, "{}", held.stdout);
    assert!(held.stderr.contains(&format!("Có thể xoá từ ngày {day}")), "{}", held.stderr);
    assert!(thanthien(d, &["person", "find", "Võ Thị Mai"]).await.stdout.contains("0987654321"), "nothing erased");
    // Returned: now it goes, everywhere in the record.
    assert!(thanthien(d, &["visit", "return", &id]).await.ok);
    let erased = thanthien(d, &erase).await;
    assert!(
        erased.ok && erased.stdout.contains("Đã xoá dữ liệu cá nhân trong 1 bản ghi"),
        "{}{}",
        erased.stdout,
        erased.stderr
    );
    let gone = thanthien(d, &["person", "find", "0987654321"]).await;
    assert!(gone.stdout.contains("Không có bản ghi nào"), "{}", gone.stdout);
    let listed = thanthien(d, &["visit", "list"]).await.stdout;
    assert!(listed.contains("(đã xoá)") && !listed.contains("Võ Thị Mai"), "{listed}");
    let again = thanthien(d, &["person", "correct", &id, "--name", "Võ Thị Mai", "--reason", "nhập lại"]).await;
    assert!(!again.ok && again.stderr.contains("đã được xoá"), "{}", again.stderr);
    // Every look at her data is in the access log, without her name.
    let log = thanthien(d, &["person", "log", "--json"]).await;
    let log: Value = serde_json::from_str(&log.stdout).unwrap();
    let actions: Vec<&str> = log.as_array().unwrap().iter().rev().map(|e| e["action"].as_str().unwrap()).collect();
    // The refused erasure is logged too, as an attempt that reached no record.
    assert_eq!(actions, ["export", "export", "correct", "search", "erase", "search", "erase", "search"], "{log}");
    assert_eq!(log[3]["count"], 0, "{log}");
    assert!(log.as_array().unwrap().iter().all(|e| e["user"].as_str().unwrap().starts_with("cli:")));
    assert!(!log.to_string().contains("Mai"), "the log holds no name");
}

#[tokio::test]
async fn bad_input_exits_non_zero_with_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["visit", "add", "--name", "   "][..],
        &["visit", "add", "--name", "An", "--phone", "12"][..],
        &["visit", "add", "--name", "An", "--citizen-id", "0792"][..],
        &["visit", "add", "--name", "An", "--trip", "0"][..],
    ] {
        let run = thanthien(dir.path(), args).await;
        assert!(!run.ok, "{args:?} should fail");
        assert!(run.stdout.is_empty());
        assert_eq!(run.stderr.trim().lines().count(), 1, "{:?}", run.stderr);
        assert!(run.stderr.starts_with("thanthien: "), "{:?}", run.stderr);
    }
    let run = thanthien(dir.path(), &["visit", "add", "--name", ""]).await;
    assert!(run.stderr.contains("Vui lòng nhập họ tên"), "{}", run.stderr);
    let run = thanthien(dir.path(), &["visit", "add", "--name", "An", "--at", "1900-01-01T08:00:00+07:00"]).await;
    assert!(run.stderr.contains("trước ngày 01/07/2025"), "{}", run.stderr);
    assert!(list(dir.path()).await.is_empty());
}

/// Argument errors the parser finds are one line too, in Vietnamese, naming the argument.
#[tokio::test]
async fn argument_errors_are_one_vietnamese_line_naming_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let id = "0190f0c2-1111-7111-8111-111111111111";
    for (args, names) in [
        (&["visit", "call", id, "--official", "An", "--counter", "70000"][..], "--counter"),
        (&["visit", "call", "12", "--official", "An", "--counter", "1"][..], "<ID>"),
        (&["visit", "rate", id, "--level", "năm"][..], "--level"),
        (&["visit", "add"][..], "--name"),
        (&["visit", "add", "--name", "An", "--colour", "red"][..], "--colour"),
        (&["visit", "finish", id, "--outcome", "banana"][..], "--outcome"),
        (&["frobnicate"][..], "frobnicate"),
    ] {
        let run = thanthien(dir.path(), args).await;
        assert!(!run.ok, "{args:?} should fail");
        assert_eq!(run.stderr.trim().lines().count(), 1, "{args:?}: {:?}", run.stderr);
        assert!(run.stderr.starts_with("thanthien: ") && run.stderr.contains(names), "{args:?}: {:?}", run.stderr);
        for english in ["is not in", "invalid", "error:", "Usage", "unexpected", "required"] {
            assert!(!run.stderr.contains(english), "{args:?}: {:?}", run.stderr);
        }
    }
}

#[tokio::test]
async fn a_day_from_the_paper_book_is_entered_with_times() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = thanthien(d, &["visit", "add", "--name", "Phan Văn Tú", "--at", "2026-11-23T08:00:00+07:00"]).await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim().to_owned();
    for args in [
        vec!["visit", "call", &id, "--official", "Lê Thị Hoa", "--counter", "2", "--at", "2026-11-23T08:20:00+07:00"],
        vec![
            "visit",
            "finish",
            &id,
            "--outcome",
            "dossier-received",
            "--appointment",
            "27/11/2026",
            "--at",
            "2026-11-23T08:32:00+07:00",
        ],
        vec![
            "visit",
            "rate",
            &id,
            "--level",
            "1",
            "--reason",
            "waiting-time",
            "--reason",
            "attitude",
            "--at",
            "2026-11-23T08:33:00+07:00",
        ],
    ] {
        let run = thanthien(d, &args).await;
        assert!(run.ok, "{args:?}: {}", run.stderr);
    }
    let v = &list(d).await[0];
    assert_eq!(v["arrived_at"], "2026-11-23T01:00:00Z");
    assert_eq!((v["waiting_secs"].as_i64(), v["service_secs"].as_i64()), (Some(1200), Some(720)));
    assert_eq!(
        (v["outcome"].as_str(), v["appointment"].as_str(), v["rating"].as_u64()),
        (Some("dossier-received"), Some("2026-11-27"), Some(1))
    );

    // Rescheduled today, so to a day from today on (a new appointment is never in the past).
    let today = thanthien_core::time::local_day(chrono::Utc::now());
    let (later, later_still) =
        ((today + chrono::Days::new(14)).to_string(), (today + chrono::Days::new(15)).to_string());
    let moved = thanthien(d, &["visit", "reschedule", &id, "--appointment", &later, "--reason", "Chờ xác minh"]).await;
    assert!(moved.ok, "{}", moved.stderr);
    let v = &list(d).await[0];
    assert_eq!(
        (v["appointment"].as_str(), v["appointment_reason"].as_str()),
        (Some(later.as_str()), Some("Chờ xác minh"))
    );
    let no_reason = thanthien(d, &["visit", "reschedule", &id, "--appointment", &later_still, "--reason", " "]).await;
    assert!(!no_reason.ok && no_reason.stderr.contains("lý do"), "{}", no_reason.stderr);

    let again = thanthien(d, &["visit", "rate", &id, "--level", "5"]).await;
    assert!(!again.ok);
    assert!(again.stderr.contains("mỗi lượt chỉ đánh giá một lần"), "{}", again.stderr);
    let future = thanthien(d, &["visit", "add", "--name", "An", "--at", "2099-01-01T08:00:00+07:00"]).await;
    assert!(!future.ok && future.stderr.contains("tương lai"), "{}", future.stderr);
    let bad = thanthien(d, &["visit", "finish", &id, "--outcome", "teleported"]).await;
    assert!(!bad.ok);
    assert_eq!(list(d).await.len(), 1);
}

#[tokio::test]
async fn the_procedure_catalogue_is_listed_with_unverified_values_marked() {
    let dir = tempfile::tempdir().unwrap();
    let json = thanthien(dir.path(), &["procedure", "list", "--json"]).await;
    assert!(json.ok, "{}", json.stderr);
    let catalogue: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(catalogue.as_array().unwrap().len(), 35);
    assert_eq!(catalogue[0]["id"], "HT-01");
    let text = thanthien(dir.path(), &["procedure", "list"]).await;
    let birth = text.stdout.lines().find(|l| l.starts_with("HT-01")).unwrap();
    assert!(birth.contains("1.001193 (chưa xác minh)") && birth.contains("khai sinh"), "{birth}");
}

#[tokio::test]
async fn sync_before_enrolment_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let run = thanthien(dir.path(), &["sync"]).await;
    assert!(!run.ok);
    assert!(run.stderr.contains("chưa đăng ký"), "{}", run.stderr);
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn enrol_sync_and_a_server_that_is_down(pool: PgPool) {
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let code = common::code_for(&pool, "26734").await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://{}", province.addr);

    let enroll = thanthien(dir.path(), &["enroll", "--server", &url, "--code", &code]).await;
    assert!(enroll.ok, "{}", enroll.stderr);
    assert!(enroll.stderr.contains("Xã 26734"));
    thanthien(dir.path(), &["visit", "add", "--name", "Đỗ Thị Phương"]).await;
    let sync = thanthien(dir.path(), &["sync"]).await;
    assert!(sync.ok, "{}", sync.stderr);
    assert!(sync.stdout.contains("Đã gửi 1 bản ghi"), "{}", sync.stdout);

    province.stop();
    thanthien(dir.path(), &["visit", "add", "--name", "Vũ Văn Giang"]).await;
    let down = thanthien(dir.path(), &["sync"]).await;
    assert!(!down.ok);
    assert!(down.stderr.contains("Không kết nối được máy chủ tỉnh"), "{}", down.stderr);
    assert_eq!(down.stderr.trim().lines().count(), 1, "{}", down.stderr);
    assert!(!down.stderr.contains("WARN"), "details go to the log file: {}", down.stderr);
    let log = std::fs::read_to_string(dir.path().join("logs").join("thanthien-cli.log")).unwrap();
    assert!(log.contains("WARN") && !log.contains('\u{1b}'), "the log has the details, without colour codes: {log}");
    assert_eq!(list(dir.path()).await.len(), 2, "the visit stays queued");
    let store = thanthien::store::Store::open(dir.path()).await.unwrap();
    let status = store.sync_status().await.unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_error.is_some());
}

#[tokio::test]
async fn guidance_transfers_returns_and_dossiers_due_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let add = |name: &'static str| async move {
        let run = thanthien(
            d,
            &["visit", "add", "--name", name, "--procedure", "HT-12", "--at", "2026-11-23T08:00:00+07:00"],
        )
        .await;
        assert!(run.ok, "{}", run.stderr);
        run.stdout.trim().to_owned()
    };
    let (guided, sent, dossier) = (add("Đỗ Thị Hằng").await, add("Vũ Văn Khải").await, add("Mạc Thị Liên").await);
    let at = ["--at", "2026-11-23T09:00:00+07:00"];
    let refused = thanthien(d, &[&["visit", "finish", &guided, "--outcome", "guided"][..], &at].concat()).await;
    assert!(!refused.ok && refused.stderr.contains("giấy tờ còn thiếu"), "{}", refused.stderr);
    let args = [&["visit", "finish", &guided, "--outcome", "guided", "--guidance", "Thiếu tờ khai"][..], &at].concat();
    assert!(thanthien(d, &args).await.ok);
    let args = [&["visit", "finish", &sent, "--outcome", "transferred", "--to-counter", "4"][..], &at].concat();
    assert!(thanthien(d, &args).await.ok);
    // HT-12 has 3 working days: received Monday 23/11 → Thursday 26/11, printed for the citizen.
    let done = thanthien(d, &[&["visit", "finish", &dossier, "--outcome", "dossier-received"][..], &at].concat()).await;
    assert_eq!(done.stdout.trim(), "Hẹn trả kết quả: 26/11/2026", "{}", done.stderr);

    let visits = list(d).await;
    let by_id = |id: &str| visits.iter().find(|v| v["id"] == id).unwrap().clone();
    assert_eq!(by_id(&guided)["guidance"], "Thiếu tờ khai");
    assert_eq!(by_id(&sent)["transfer_counter"], 4);
    let tickets: Vec<&str> = visits.iter().filter_map(|v| v["ticket"].as_str()).collect();
    assert_eq!(tickets.len(), 3, "every arrival has a ticket");

    // From 25/11/2026 (one working day before the appointment) the dossier is listed as due until
    // its result is back.
    let due = |run: Run| serde_json::from_str::<Value>(&run.stdout).unwrap().as_array().unwrap().len();
    let today = chrono::Utc::now().date_naive();
    let expected = usize::from(today >= chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    assert_eq!(due(thanthien(d, &["visit", "due", "--json"]).await), expected);
    assert!(thanthien(d, &["visit", "return", &dossier]).await.ok);
    assert_eq!(due(thanthien(d, &["visit", "due", "--json"]).await), 0);
    let again = thanthien(d, &["visit", "return", &dossier]).await;
    assert!(!again.ok && again.stderr.contains("đã trả kết quả"), "{}", again.stderr);
}

#[tokio::test]
async fn office_hours_are_shown_and_set_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(thanthien(d, &["office", "hours"]).await.stdout.trim(), "Sáng 07:00-11:30, chiều 13:30-17:00");
    let bad = thanthien(d, &["office", "hours", "--morning", "11:30-07:00", "--afternoon", "13:30-17:00"]).await;
    assert!(!bad.ok && bad.stderr.contains("Giờ làm việc không hợp lệ"), "{}", bad.stderr);
    let set = thanthien(d, &["office", "hours", "--morning", "07:30-11:30", "--afternoon", "13:30-16:30"]).await;
    assert_eq!(set.stdout.trim(), "Sáng 07:30-11:30, chiều 13:30-16:30", "{}", set.stderr);
    assert_eq!(thanthien(d, &["office", "hours"]).await.stdout.trim(), "Sáng 07:30-11:30, chiều 13:30-16:30");
}

#[tokio::test]
async fn officials_are_added_and_listed_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = ["official", "add", "--name", "Lê Thị Hoa", "--title", "Công chức Văn phòng", "--phone", "0912345678"];
    let add = thanthien(d, &[&args[..], &["--counter", "2", "--publish-phone"]].concat()).await;
    assert!(add.ok && uuid::Uuid::parse_str(add.stdout.trim()).is_ok(), "{}", add.stderr);
    let bad = thanthien(d, &["official", "add", "--name", "An", "--title", " "]).await;
    assert!(!bad.ok && bad.stderr.contains("chức danh"), "{}", bad.stderr);
    let list = thanthien(d, &["official", "list", "--json"]).await;
    let officials: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(officials[0]["name"], "Lê Thị Hoa");
    assert_eq!((officials[0]["counter"].as_u64(), officials[0]["phone_published"].as_bool()), (Some(2), Some(true)));
}

#[tokio::test]
async fn feedback_from_the_paper_book_shows_its_deadline_and_an_answer_takes_it_off_the_overdue_list() {
    let dir = tempfile::tempdir().unwrap();
    let bad =
        thanthien(dir.path(), &["feedback", "add", "--channel", "fax", "--kind", "complaint", "--content", "x"]).await;
    assert!(!bad.ok);
    assert!(bad.stderr.contains("Kênh tiếp nhận không hợp lệ"), "{}", bad.stderr);
    let add = thanthien(
        dir.path(),
        &[
            "feedback",
            "add",
            "--channel",
            "in-person",
            "--kind",
            "recommendation",
            "--content",
            "Đề nghị bố trí thêm ghế chờ",
            "--at",
            "2026-10-01T09:00:00+07:00",
            "--code",
            "PAKN-0001",
        ],
    )
    .await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim().to_owned();
    let listed = thanthien(dir.path(), &["feedback", "list", "--json"]).await;
    let items: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(items[0]["deadline"]["due"], "2026-10-15", "10 working days from 1/10/2026");
    assert_eq!(items[0]["national_code"], "PAKN-0001");
    let text = thanthien(dir.path(), &["feedback", "list"]).await.stdout;
    assert!(text.contains("hạn 15/10/2026") && text.contains("Quá "), "{text}");

    let early = thanthien(dir.path(), &["feedback", "set", &id, "--satisfied", "yes"]).await;
    assert!(!early.ok && early.stderr.contains("khi đã giải quyết xong"), "{}", early.stderr);
    let no_reply = thanthien(dir.path(), &["feedback", "set", &id, "--status", "answered"]).await;
    assert!(!no_reply.ok && no_reply.stderr.contains("nội dung trả lời"), "{}", no_reply.stderr);
    let answer = ["feedback", "set", &id, "--status", "answered", "--reply", "Đã bố trí", "--by", "Lê Thị Hoa"];
    let answered = thanthien(dir.path(), &answer).await;
    assert!(answered.ok, "{}", answered.stderr);
    assert!(answered.stdout.contains("Đã trả lời") && answered.stdout.contains("Trễ "), "{}", answered.stdout);
    let items: Value =
        serde_json::from_str(&thanthien(dir.path(), &["feedback", "list", "--json"]).await.stdout).unwrap();
    assert_eq!(items[0]["answer"]["by"], "Lê Thị Hoa");
    assert_eq!(items[0]["answer"]["via"], "letter");
    assert_eq!(items[0]["satisfied"], Value::Null);
    let asked = thanthien(dir.path(), &["feedback", "set", &id, "--satisfied", "no"]).await;
    assert!(asked.ok, "{}", asked.stderr);
    let items: Value =
        serde_json::from_str(&thanthien(dir.path(), &["feedback", "list", "--json"]).await.stdout).unwrap();
    assert_eq!(items[0]["satisfied"], false);
    let deadlines = thanthien(dir.path(), &["feedback", "deadlines"]).await.stdout;
    assert!(deadlines.contains("Luật Khiếu nại 2011"), "{deadlines}");
}

#[tokio::test]
async fn a_camera_check_with_a_failed_item_marks_the_camera() {
    let dir = tempfile::tempdir().unwrap();
    let add = thanthien(dir.path(), &["camera", "add", "--name", "Camera quầy 1", "--counter", "1"]).await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.trim().to_owned();
    let partial = thanthien(dir.path(), &["camera", "check", &id, "--item", "live=pass"]).await;
    assert!(!partial.ok && partial.stderr.contains("đủ năm mục"), "{}", partial.stderr);
    let items = "live=pass,recording=fail,clock=pass,retention=pass,signage=na";
    let check = thanthien(dir.path(), &["camera", "check", &id, "--item", items]).await;
    assert!(check.ok, "{}", check.stderr);
    assert!(check.stdout.contains("LỖI") && check.stdout.contains("Ghi hình"), "{}", check.stdout);
    let cameras: Value =
        serde_json::from_str(&thanthien(dir.path(), &["camera", "list", "--json"]).await.stdout).unwrap();
    assert_eq!(cameras[0]["outage"]["items"], serde_json::json!(["recording"]));
    assert_eq!(cameras[0]["checked_this_shift"], true);
}

#[tokio::test]
async fn summary_and_csv_export_of_a_week() {
    let dir = tempfile::tempdir().unwrap();
    for at in ["2026-11-16T08:00:00+07:00", "2026-11-22T23:30:00+07:00", "2026-11-12T09:00:00+07:00"] {
        let add = thanthien(dir.path(), &["visit", "add", "--name", "Người dân", "--at", at]).await;
        assert!(add.ok, "{}", add.stderr);
    }
    // A rated visit about a procedure with a long name, served by an official below the minimum
    // sample: named in every export with her count of ratings.
    let long = "Cấp bản sao trích lục hộ tịch, bản sao giấy tờ hộ tịch từ sổ hộ tịch cho người dân";
    let add = thanthien(
        dir.path(),
        &["visit", "add", "--name", "Lê Văn Tám", "--procedure", long, "--at", "2026-11-17T09:00:00+07:00"],
    )
    .await;
    assert!(add.ok, "{}", add.stderr);
    let id = add.stdout.split_whitespace().find(|w| w.len() == 36).unwrap_or_default().to_owned();
    for args in [
        vec!["visit", "call", &id, "--official", "Lê Thị Hoa", "--counter", "2", "--at", "2026-11-17T09:10:00+07:00"],
        vec!["visit", "finish", &id, "--outcome", "resolved", "--at", "2026-11-17T09:20:00+07:00"],
        vec!["visit", "rate", &id, "--level", "4", "--at", "2026-11-17T09:21:00+07:00"],
    ] {
        let step = thanthien(dir.path(), &args).await;
        assert!(step.ok, "{args:?}: {}", step.stderr);
    }
    let early = thanthien(
        dir.path(),
        &["visit", "call", &id, "--official", "Lê Thị Hoa", "--counter", "2", "--at", "2026-11-17T08:59:00+07:00"],
    )
    .await;
    assert!(!early.ok && early.stderr.contains("08:59 17/11/2026"), "{}", early.stderr);
    let text = thanthien(dir.path(), &["summary", "--week", "2026-W47"]).await;
    assert!(text.ok, "{}", text.stderr);
    // The long name wraps; the figure columns stay where the short lines have them.
    let ends: Vec<usize> = text
        .stdout
        .lines()
        .filter(|l| l.starts_with("  ") && (l.ends_with(" 0") || l.ends_with(" 1") || l.ends_with(" 2")))
        .map(|l| l.chars().count())
        .collect();
    assert!(ends.len() > 10 && ends.iter().all(|n| *n == ends[0]), "{}", text.stdout);
    assert!(text.stdout.contains("chưa đủ mẫu (1 lượt)") && text.stdout.contains("MEDIAN"), "{}", text.stdout);
    assert!(
        text.stdout.starts_with("Báo cáo tuần 2026-W47 (16/11/2026 – 22/11/2026), so với tuần 2026-W46"),
        "{}",
        text.stdout
    );
    let json: Value =
        serde_json::from_str(&thanthien(dir.path(), &["summary", "--week", "2026-W47", "--json"]).await.stdout)
            .unwrap();
    assert_eq!(
        (json["this_week"]["visits"]["total"].as_u64(), json["last_week"]["visits"]["total"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(json["this_week"]["satisfaction"]["below_sample_ratings"]["Lê Thị Hoa"], 1);
    let out = dir.path().join("tuan-47.csv");
    let export =
        thanthien(dir.path(), &["export", "--week", "2026-W47", "--format", "csv", "--out", out.to_str().unwrap()])
            .await;
    assert!(export.ok, "{}", export.stderr);
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.contains("Lượt tiếp dân,Tổng số lượt,3,1\r\n"), "{csv}");
    assert!(csv.contains("Theo cán bộ,Lê Thị Hoa: tỷ lệ hài lòng,chưa đủ mẫu (1 lượt),\r\n"), "{csv}");
    // The spreadsheet read back holds the same figures as the summary's lines.
    let xlsx = dir.path().join("tuan-47.xlsx");
    let args = ["export", "--week", "2026-W47", "--format", "xlsx", "--out", xlsx.to_str().unwrap()];
    let export = thanthien(dir.path(), &args).await;
    assert!(export.ok, "{}", export.stderr);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("Tuần 2026-W47").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
    assert!(cell(0, 0).starts_with("BÁO CÁO TUẦN 2026-W47"));
    assert_eq!((cell(2, 2), cell(2, 3)), ("Tuần 2026-W47".to_owned(), "Tuần 2026-W46".to_owned()));
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.len() > 30, "every line of the report");
    for (i, record) in records.iter().enumerate() {
        let fields: Vec<String> = (0..4).map(|c| cell(3 + i as u32, c)).collect();
        assert_eq!(record.iter().collect::<Vec<_>>(), fields, "line {i}");
    }
    // The PDF holds the Vietnamese title and the same figures as text, and renders.
    let pdf = dir.path().join("tuan-47.pdf");
    let args = ["export", "--week", "2026-W47", "--format", "pdf", "--out", pdf.to_str().unwrap()];
    let export = thanthien(dir.path(), &args).await;
    assert!(export.ok, "{}", export.stderr);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    assert!(text.status.success(), "pdftotext: {}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("BÁO CÁO TUẦN 2026-W47 (16/11/2026 – 22/11/2026)"), "{text}");
    assert!(text.contains("Mức độ hài lòng") && text.contains("Tổng số lượt"), "{text}");
    let total = text.lines().find(|l| l.contains("Tổng số lượt")).unwrap();
    assert_eq!(total.split_whitespace().collect::<Vec<_>>(), ["Tổng", "số", "lượt", "3", "1"]);
    assert!(text.contains("Lê Thị Hoa: tỷ lệ hài lòng") && text.contains("chưa đủ mẫu (1 lượt)"), "{text}");
    let png = dir.path().join("trang");
    let render = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(render.success());
    let page =
        std::fs::read_dir(dir.path()).unwrap().flatten().find(|e| e.file_name().to_string_lossy().starts_with("trang"));
    assert!(page.is_some_and(|p| p.metadata().unwrap().len() > 1000), "page 1 rendered to a PNG");
    let bad = thanthien(dir.path(), &["summary", "--week", "2026-W99"]).await;
    assert!(!bad.ok && bad.stderr.contains("2026-W47"), "{}", bad.stderr);
}

#[tokio::test]
async fn accounts_from_the_command_line_and_the_user_on_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let add = thanthien(
        dir.path(),
        &[
            "user",
            "add",
            "--username",
            "Hung.LV",
            "--name",
            "Lê Văn Hùng",
            "--role",
            "office-head",
            "--password",
            "mật khẩu đủ dài",
        ],
    )
    .await;
    assert!(add.ok && add.stderr.contains("hung.lv") && add.stderr.contains("Lãnh đạo UBND"), "{}", add.stderr);
    let short = thanthien(
        dir.path(),
        &["user", "add", "--username", "lan", "--name", "Lan", "--role", "receptionist", "--password", "ngắn"],
    )
    .await;
    assert!(!short.ok && short.stderr.contains("ít nhất 8 ký tự"), "{}", short.stderr);
    let list = thanthien(dir.path(), &["user", "list"]).await;
    assert!(list.ok && list.stdout.starts_with("hung.lv  Lê Văn Hùng  Lãnh đạo UBND"), "{}", list.stdout);
    let visit = thanthien(dir.path(), &["visit", "add", "--name", "Người dân"]).await;
    assert!(visit.ok, "{}", visit.stderr);
    let store = thanthien::store::Store::open(dir.path()).await.unwrap();
    let user = store.events().await.unwrap().remove(0).user.unwrap();
    assert!(user.starts_with("cli:"), "{user}");
    // The hash, not the password, is in the file.
    let mut db = std::fs::read(dir.path().join("thanthien.db")).unwrap();
    db.extend(std::fs::read(dir.path().join("thanthien.db-wal")).unwrap_or_default());
    assert!(!db.windows("mật khẩu đủ dài".len()).any(|w| w == "mật khẩu đủ dài".as_bytes()));
}

#[tokio::test]
async fn the_publicity_board_as_poster_page_and_data_with_a_qr_code_that_scans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hoa = [
        "official",
        "add",
        "--name",
        "Lê Thị Hoa",
        "--title",
        "Công chức Tư pháp - Hộ tịch",
        "--phone",
        "0912 345 678",
        "--counter",
        "3",
        "--publish-phone",
    ];
    assert!(thanthien(d, &hoa).await.ok);
    let binh =
        ["official", "add", "--name", "Trần Văn Bình", "--title", "Công chức Địa chính", "--phone", "0987654321"];
    assert!(thanthien(d, &binh).await.ok);
    let mailbox = [
        "feedback",
        "mailbox",
        "--server",
        "mail.tranbien.gov.vn",
        "--user",
        "gopy@tranbien.gov.vn",
        "--password",
        "x",
    ];
    assert!(thanthien(d, &mailbox).await.ok);

    let json = d.join("cong-khai.json");
    assert!(thanthien(d, &["board", "export", "--format", "json", "--out", json.to_str().unwrap()]).await.ok);
    let board: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(board["officials"][0]["phone"], "0912345678");
    assert_eq!(board["officials"][1]["phone"], Value::Null, "a phone not agreed to stays off the board");
    assert!(board["procedures"].as_array().unwrap().len() > 10);
    let html = d.join("cong-khai.html");
    assert!(thanthien(d, &["board", "export", "--format", "html", "--out", html.to_str().unwrap()]).await.ok);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("mailto:gopy@tranbien.gov.vn") && !page.contains("0987654321"));

    let pdf = d.join("cong-khai.pdf");
    let export = thanthien(d, &["board", "export", "--format", "pdf", "--out", pdf.to_str().unwrap()]).await;
    assert!(export.ok, "{}", export.stderr);
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("CÔNG KHAI") && text.contains("DANH BẠ CÁN BỘ") && text.contains("THỦ TỤC HÀNH CHÍNH"),
        "{text}"
    );
    let hoa_line = text.lines().find(|l| l.contains("Lê Thị Hoa")).unwrap();
    assert!(hoa_line.contains("0912345678"), "{hoa_line}");
    // Page 1 rendered, and the QR code on it read back by a scanner.
    let png = d.join("poster");
    let render = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(render.success());
    let scan =
        std::process::Command::new("zbarimg").args(["--quiet", "--raw"]).arg(d.join("poster.png")).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&scan.stdout).trim(),
        "mailto:gopy@tranbien.gov.vn",
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );

    let publish = [
        "board",
        "publish",
        "--venue",
        "notice-board",
        "--format",
        "pdf",
        "--place",
        "Bảng tin tầng 1",
        "--at",
        "2026-11-23T08:00:00+07:00",
    ];
    let published = thanthien(d, &publish).await;
    assert!(published.ok, "{}", published.stderr);
    let bad = thanthien(d, &["board", "publish", "--venue", "tivi", "--format", "pdf"]).await;
    assert!(!bad.ok && bad.stderr.contains("Nơi công khai không hợp lệ"), "{}", bad.stderr);
    let list = thanthien(d, &["board", "list"]).await;
    assert!(
        list.stdout.starts_with("23/11/2026 08:00  Bảng tin trụ sở (Bảng tin tầng 1)  Bản in (PDF)  cli:"),
        "{}",
        list.stdout
    );
}

/// The command line inside a desktop-like session: a session bus (dbus-run-session) with a Secret
/// Service (gnome-keyring, unlocked as a login would), every step of `script` on the same bus.
/// `$BIN` is `thanthien --data-dir <dir>`.
async fn in_desktop_session(home: &Path, dir: &Path, script: &str) -> Run {
    let script = format!(
        "set -e\nprintf 'mat-khau-phien' | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n{script}"
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("HOME", home)
        .env("BIN", format!("{} --data-dir {}", env!("CARGO_BIN_EXE_thanthien"), dir.display()))
        .env_remove("DISPLAY")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("XDG_DATA_HOME")
        .env("RUST_LOG", "info")
        .output()
        .await
        .unwrap();
    Run::from(out)
}

/// Whether any file of the data folder (database, its journal, the logs) holds `secret`.
fn data_folder_holds(dir: &Path, secret: &str) -> bool {
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if std::fs::read(&path).unwrap().windows(secret.len()).any(|w| w == secret.as_bytes()) {
                return true;
            }
        }
    }
    false
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn the_device_token_is_kept_in_the_os_credential_store_and_one_enrolled_before_moves_there(pool: PgPool) {
    let province = Province::start(&pool).await;
    common::commune(&pool, "26734").await;
    let url = format!("http://{}", province.addr);

    // Enrolled in a desktop session: the token is in the Secret Service and nowhere in the data
    // folder, and the round reads it from there.
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let code = common::code_for(&pool, "26734").await;
    let run = in_desktop_session(
        home.path(),
        dir.path(),
        &format!(
            "$BIN enroll --server {url} --code {code}\n$BIN visit add --name 'Đỗ Thị Phương' >/dev/null\n$BIN sync\n\
             secret-tool search --all service vn.thanthien.device\n{STORE_KEY}"
        ),
    )
    .await;
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Đã gửi 1 bản ghi"), "{}", run.stdout);
    let token = run.stdout.lines().find_map(|l| l.strip_prefix("secret = ")).expect("the token in the store").trim();
    // Under the attributes earlier versions (the keyring crate) saved it with, so that a secret
    // saved by them is found and replaced in place (secret-tool prints attributes on stderr).
    for attribute in ["attribute.target = default", "attribute.application = rust-keyring", "attribute.username = "] {
        assert!(run.stderr.contains(attribute), "{attribute}: {}", run.stderr);
    }
    // The store's key went to the Secret Service too: the data folder does not hold it.
    let key = store_key(&run.stdout);
    assert!(!data_folder_holds(dir.path(), &key));
    let (known,): (bool,) = sqlx::query_as("SELECT EXISTS (SELECT 1 FROM device WHERE token_hash = $1)")
        .bind(thanthien_province::db::hash_secret(token))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(known, "the stored secret is the token the province issued");
    assert_eq!(token_columns(dir.path(), &key).await, (None, true));
    assert!(!data_folder_holds(dir.path(), token));

    // Enrolled with no credential store: the token stays in the database and the log says so;
    // the first start in a desktop session moves it to the store.
    let (home, dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let code = common::code_for(&pool, "26734").await;
    let enroll = thanthien(dir.path(), &["enroll", "--server", &url, "--code", &code]).await;
    assert!(enroll.ok, "{}", enroll.stderr);
    let (kept_here, in_store) = common::token_columns(dir.path()).await;
    let kept_here = kept_here.expect("the token kept in the database");
    assert!(!in_store);
    let log = std::fs::read_to_string(dir.path().join("logs").join("thanthien-cli.log")).unwrap();
    assert!(log.contains("no OS credential store"), "{log}");
    let kept_key = std::fs::read_to_string(dir.path().join("thanthien.db.key")).unwrap();
    let kept_key = kept_key.trim().strip_prefix("key ").expect("the store's key in its file").to_owned();
    let run = in_desktop_session(
        home.path(),
        dir.path(),
        &format!("$BIN sync\nsecret-tool search --all service vn.thanthien.device\n{STORE_KEY}"),
    )
    .await;
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(&format!("secret = {kept_here}")), "{}", run.stdout);
    // The store's key moved into the Secret Service as well, and left no copy in the folder.
    assert_eq!(store_key(&run.stdout), kept_key);
    assert!(!data_folder_holds(dir.path(), &kept_key));
    assert_eq!(token_columns(dir.path(), &kept_key).await, (None, true));
    assert!(!data_folder_holds(dir.path(), &kept_here), "no copy left in the database's free pages or journal");
}

/// The script line that prints the store's key from the Secret Service, after a marker.
const STORE_KEY: &str = "echo '-- store key --'\nsecret-tool search --all service vn.thanthien.store";

/// The store's key as `STORE_KEY` printed it.
fn store_key(stdout: &str) -> String {
    let after = stdout.split("-- store key --").nth(1).expect("the store key's part");
    after
        .lines()
        .find_map(|l| l.strip_prefix("secret = "))
        .expect("the store's key in the Secret Service")
        .trim()
        .to_owned()
}

/// The token columns of the store in `dir`, read outside the desktop session with `key` (the
/// store's key, read from the session's Secret Service): a copy of the folder's store with a key
/// file holding it.
async fn token_columns(dir: &Path, key: &str) -> (Option<String>, bool) {
    let copy = tempfile::tempdir().unwrap();
    for file in ["thanthien.db", "thanthien.db-wal"] {
        if dir.join(file).exists() {
            std::fs::copy(dir.join(file), copy.path().join(file)).unwrap();
        }
    }
    std::fs::write(copy.path().join("thanthien.db.key"), format!("key {key}\n")).unwrap();
    common::token_columns(copy.path()).await
}

/// The tracking book of dossiers (Mẫu 06) of a week, as the PDF prints it and the spreadsheet
/// holds it: the dossiers received that week in order, with their codes and dates, and nothing
/// that was not a dossier.
#[tokio::test]
async fn the_tracking_book_prints_the_weeks_dossiers_with_their_codes_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Monday 23/11/2026 at 08:00 and 09:00: two dossiers, one visit resolved at once.
    let visit = |name: &'static str, at: &'static str, appointment: Option<&'static str>| async move {
        let add = thanthien(d, &["visit", "add", "--name", name, "--procedure", "Đăng ký khai sinh", "--at", at]).await;
        assert!(add.ok, "{}", add.stderr);
        let id = add.stdout.trim().to_owned();
        let mut finish = vec!["visit", "finish", &id, "--at", at, "--outcome"];
        match appointment {
            Some(day) => finish.extend(["dossier-received", "--appointment", day]),
            None => finish.push("resolved"),
        }
        let finished = thanthien(d, &finish).await;
        assert!(finished.ok, "{}", finished.stderr);
    };
    visit("Trần Văn Sổ", "2026-11-23T08:00:00+07:00", Some("2026-11-25")).await;
    visit("Lê Thị Sách", "2026-11-23T09:00:00+07:00", Some("2026-11-27")).await;
    visit("Phạm Văn Ngay", "2026-11-23T10:00:00+07:00", None).await;

    let pdf = d.join("so.pdf");
    let made = thanthien(d, &["book", "--week", "2026-W48", "--format", "pdf", "--out", pdf.to_str().unwrap()]).await;
    assert!(made.ok && made.stderr.contains("2 hồ sơ"), "{}{}", made.stdout, made.stderr);
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("SỔ THEO DÕI HỒ SƠ TUẦN 2026-W48"), "{text}");
    assert!(text.contains("Mẫu số 06") && text.contains("01/2018/TT-VPCP"), "{text}");
    let (first_at, second_at) = (text.find("Trần Văn Sổ").unwrap(), text.find("Lê Thị Sách").unwrap());
    assert!(first_at < second_at, "in the order received: {text}");
    assert!(text.contains("261123-") && text.contains("Nhận: 08:") && !text.contains("Phạm Văn Ngay"), "{text}");
    assert!(text.contains("Hẹn trả: 25/11/2026") && text.contains("Hẹn trả: 27/11/2026"), "{text}");

    let xlsx = d.join("so.xlsx");
    let made = thanthien(d, &["book", "--week", "2026-W48", "--format", "xlsx", "--out", xlsx.to_str().unwrap()]).await;
    assert!(made.ok, "{}", made.stderr);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("Sổ theo dõi hồ sơ").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|v| v.to_string()).unwrap_or_default();
    assert_eq!(cell(4, 1), "Mã hồ sơ");
    assert_eq!((cell(5, 0), cell(5, 3)), ("1".to_owned(), "Trần Văn Sổ".to_owned()));
    assert_eq!(cell(6, 3), "Lê Thị Sách");
    assert!(cell(5, 1).starts_with("261123-"), "{}", cell(5, 1));

    let csv = thanthien(d, &["book", "--month", "2026-11", "--format", "csv", "--out", "x.csv"]).await;
    assert!(!csv.ok && csv.stderr.contains("pdf hoặc xlsx"), "{}", csv.stderr);
    let month = thanthien(d, &["book", "--month", "2026-11", "--format", "pdf", "--out", pdf.to_str().unwrap()]).await;
    assert!(month.ok && month.stderr.contains("tháng 11/2026: 2 hồ sơ"), "{}", month.stderr);
}

#[tokio::test]
async fn each_slip_prints_as_a_pdf_for_the_visit_it_belongs_to_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = "2026-11-23T08:00:00+07:00";
    let add = |name: &'static str| async move {
        let add = thanthien(d, &["visit", "add", "--name", name, "--procedure", "HT-12", "--at", at]).await;
        assert!(add.ok, "{}", add.stderr);
        add.stdout.trim().to_owned()
    };
    let pdf_text = |path: &std::path::Path| {
        let out = std::process::Command::new("pdftotext").arg("-layout").arg(path).arg("-").output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // A dossier received with its papers: the receipt carries the appointment the desk stored.
    let received = add("Trần Văn Nhận").await;
    let finish = ["visit", "finish", &received, "--at", at, "--outcome", "dossier-received"];
    let papers = ["--papers", "Tờ khai đăng ký nhận con; Giấy khai sinh của con"];
    let finished = thanthien(d, &[&finish[..], &papers[..]].concat()).await;
    assert!(finished.ok, "{}", finished.stderr);
    let appointment = finished.stdout.trim().strip_prefix("Hẹn trả kết quả: ").unwrap().to_owned();
    let receipt = d.join("01.pdf");
    let made = thanthien(d, &["slip", "--visit", &received, "--form", "01", "--out", receipt.to_str().unwrap()]).await;
    assert!(made.ok, "{}", made.stderr);
    let text = pdf_text(&receipt);
    assert!(text.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") && text.contains("Mẫu số 01"), "{text}");
    assert!(text.contains(&format!("Thời gian trả kết quả giải quyết hồ sơ: ngày {appointment}")), "{text}");
    assert!(text.contains("1. Tờ khai đăng ký nhận con") && text.contains("2. Giấy khai sinh của con"), "{text}");
    assert!(text.contains("08 giờ 00 phút, ngày 23/11/2026") && text.contains("Mã hồ sơ: 261123-A001"), "{text}");
    assert!(text.contains("03 ngày làm việc"), "the procedure's legal time: {text}");
    let a5 = d.join("01-a5.pdf");
    let made =
        thanthien(d, &["slip", "--visit", &received, "--form", "01", "--size", "a5", "--out", a5.to_str().unwrap()])
            .await;
    assert!(made.ok, "{}", made.stderr);
    let info = std::process::Command::new("pdfinfo").arg(&a5).output().unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    // 148 × 210 mm. (pdfinfo names a sheet "A5" only near the unrounded ISO size, 148.65 × 210.22 mm.)
    let size: Vec<f64> = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .map(|l| l.split_whitespace().filter_map(|w| w.parse().ok()).collect())
        .unwrap_or_default();
    let mm: Vec<f64> = size.iter().map(|pt| (pt * 25.4 / 72.0 * 10.0).round() / 10.0).collect();
    assert!(mm == [148.0, 210.0] && info.contains("Pages:           1"), "one A5 sheet: {info}");
    assert!(pdf_text(&a5).contains(&format!("ngày {appointment}")));

    // Refused: the reason is required, and is what Mẫu 03 says.
    let refused = add("Lê Thị Từ").await;
    let no_reason = thanthien(d, &["visit", "finish", &refused, "--at", at, "--outcome", "refused"]).await;
    assert!(!no_reason.ok && no_reason.stderr.contains("lý do từ chối"), "{}", no_reason.stderr);
    let why = "Thủ tục thuộc thẩm quyền của UBND cấp tỉnh";
    let finished =
        thanthien(d, &["visit", "finish", &refused, "--at", at, "--outcome", "refused", "--refusal-reason", why]).await;
    assert!(finished.ok, "{}", finished.stderr);
    let refusal = d.join("03.pdf");
    let made = thanthien(d, &["slip", "--visit", &refused, "--form", "03", "--out", refusal.to_str().unwrap()]).await;
    assert!(made.ok, "{}", made.stderr);
    let text = pdf_text(&refusal);
    assert!(text.contains("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ") && text.contains(why), "{text}");

    // A slip the visit has no right to is refused, and no file is written.
    let none = d.join("none.pdf");
    for (visit, form) in [(&refused, "01"), (&received, "03"), (&received, "02"), (&received, "04"), (&received, "06")]
    {
        let made = thanthien(d, &["slip", "--visit", visit, "--form", form, "--out", none.to_str().unwrap()]).await;
        assert!(!made.ok && made.stderr.contains(&format!("không có phiếu mẫu {form}")), "{form}: {}", made.stderr);
        assert!(!none.exists());
    }
    let made = thanthien(d, &["slip", "--visit", &received, "--form", "07", "--out", "x.pdf"]).await;
    assert!(!made.ok, "{}", made.stderr);
}
