//! Encryption at rest (issue 17): a store file or a backup copied off the PC shows no name and
//! does not open without its key, with a message that says so; a store of the previous version,
//! in the clear, is encrypted at the first start with every row kept; a backup opens on another
//! PC only with the recovery code of the PC that made it.

mod common;

use chrono::Utc;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::Path;
use thanthien::store::cipher::{self, KeyError, StoreKey};
use thanthien::store::{backup, Store, StoreError};
use thanthien_core::feedback::FeedbackInput;
use thanthien_core::visit::{InputError, VisitInput};

const NAME: &str = "Nguyễn Thị Bảo Mật";
const PHONE: &str = "0987654321";

fn holds(file: &Path, needle: &str) -> bool {
    let mut bytes = std::fs::read(file).unwrap();
    bytes.extend(std::fs::read(file.with_extension("db-wal")).unwrap_or_default());
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn cli(dir: &Path, args: &[&str]) -> common::Run {
    common::desk_cli(Path::new(env!("CARGO_BIN_EXE_thanthien")), dir, args).await
}

async fn one_visit(dir: &Path) -> Store {
    let store = Store::open(dir).await.unwrap();
    let input = VisitInput { name: NAME.into(), phone: Some(PHONE.into()), ..Default::default() };
    store.record_visit(input, Utc::now()).await.unwrap();
    store
}

#[tokio::test]
async fn a_copied_store_file_shows_no_name_and_does_not_open_without_its_key() {
    let pc = tempfile::tempdir().unwrap();
    let store = one_visit(pc.path()).await;
    // While the desk works (the row still in the journal) and after it closes.
    assert!(!holds(store.path(), NAME) && !holds(store.path(), PHONE), "the file or its journal shows the name");
    let db = store.path().to_owned();
    store.close().await;
    assert!(!holds(&db, NAME) && !holds(&db, PHONE));
    assert!(!cipher::is_plain(&db), "no SQLite header in the clear");
    // The same file read with its key (through the app) holds the visit.
    let listed = cli(pc.path(), &["visit", "list"]).await;
    assert!(listed.ok && listed.stdout.contains(NAME), "{}{}", listed.stdout, listed.stderr);

    // The file alone, on another PC: refused with the reason, and nothing made beside it.
    let thief = tempfile::tempdir().unwrap();
    std::fs::copy(&db, thief.path().join("thanthien.db")).unwrap();
    let opened = cli(thief.path(), &["visit", "list"]).await;
    assert!(!opened.ok);
    assert!(
        opened.stderr.contains("đã được mã hoá nhưng máy này không có khoá của nó"),
        "the message says why: {}",
        opened.stderr
    );
    assert!(!opened.stdout.contains(NAME));
    assert!(!thief.path().join("thanthien.db.key").exists(), "no new key that could not open it anyway");
    match Store::open(thief.path()).await {
        Err(StoreError::Key(KeyError::Missing(_))) => {}
        other => panic!("{:?}", other.map(|_| "opened")),
    }
    // Nor with another PC's key.
    let other_pc = tempfile::tempdir().unwrap();
    Store::open(other_pc.path()).await.unwrap().close().await;
    std::fs::copy(other_pc.path().join("thanthien.db.key"), thief.path().join("thanthien.db.key")).unwrap();
    let wrong = cli(thief.path(), &["visit", "list"]).await;
    assert!(!wrong.ok && wrong.stderr.contains("tệp đã được mã hoá bằng khoá khác"), "{}", wrong.stderr);
    // Plain SQLite cannot read it either.
    let plain = sqlx::sqlite::SqliteConnectOptions::new().filename(thief.path().join("thanthien.db")).read_only(true);
    let mut conn = plain.connect().await.unwrap();
    let read: Result<(i64,), _> = sqlx::query_as("SELECT count(*) FROM visit").fetch_one(&mut conn).await;
    assert!(read.unwrap_err().to_string().contains("not a database"));
}

/// Every row of every table, as text, table by table.
async fn every_row(conn: &mut SqliteConnection) -> Vec<(String, Vec<String>)> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut all = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        let row = columns.iter().map(|(c,)| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
        let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"))
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        all.push((table, rows.into_iter().map(|(r,)| r).collect()));
    }
    all
}

#[tokio::test]
async fn a_store_of_the_previous_version_is_encrypted_at_first_start_with_every_row_kept() {
    // The previous version's store: the same schema and rows, in the clear, made by the app.
    let made = tempfile::tempdir().unwrap();
    let store = one_visit(made.path()).await;
    let item = FeedbackInput {
        channel: "box".into(),
        kind: "suggestion".into(),
        submitter: Some("Trần Văn Góp Ý".into()),
        content: "Đề nghị sửa đèn".into(),
        ..Default::default()
    };
    store.record_feedback(item, Utc::now()).await.unwrap();
    store.close().await;
    let old = tempfile::tempdir().unwrap();
    let clear = old.path().join("thanthien.db");
    std::fs::write(&clear, common::clear_copy(&made.path().join("thanthien.db")).await).unwrap();
    let before = {
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new().filename(&clear).connect().await.unwrap();
        let rows = every_row(&mut conn).await;
        conn.close().await.unwrap();
        rows
    };
    assert!(holds(&clear, NAME), "the old store is in the clear");
    assert!(before.iter().any(|(t, rows)| t == "event" && rows.len() == 2), "{before:?}");

    // The first start of this version encrypts it.
    let listed = cli(old.path(), &["visit", "list"]).await;
    assert!(listed.ok && listed.stdout.contains(NAME), "{}{}", listed.stdout, listed.stderr);
    assert!(!cipher::is_plain(&clear) && !holds(&clear, NAME) && !holds(&clear, "Trần Văn Góp Ý"));
    let leftovers: Vec<_> = std::fs::read_dir(old.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".clear") || n.contains(".encrypting"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let mut conn = cipher::options_for(&clear).await.unwrap().connect().await.unwrap();
    let after = every_row(&mut conn).await;
    conn.close().await.unwrap();
    assert_eq!(after, before, "every table, every row");
    // And it goes on working: a second start opens it as it is.
    let again = cli(old.path(), &["feedback", "list"]).await;
    assert!(again.ok && again.stdout.contains("Đề nghị sửa đèn"), "{}{}", again.stdout, again.stderr);
}

#[tokio::test]
async fn a_backup_is_encrypted_and_opens_on_a_new_pc_only_with_the_recovery_code() {
    let broken = tempfile::tempdir().unwrap();
    one_visit(broken.path()).await.close().await;
    let usb = tempfile::tempdir().unwrap();
    let made = cli(broken.path(), &["backup", "now", "--to", usb.path().to_str().unwrap()]).await;
    assert!(made.ok, "{}", made.stderr);
    let file = std::fs::read_dir(usb.path()).unwrap().flatten().next().unwrap().path();
    assert!(!holds(&file, NAME) && !holds(&file, PHONE) && !cipher::is_plain(&file));
    let code = cli(broken.path(), &["backup", "key"]).await;
    assert!(code.ok, "{}", code.stderr);
    let code = code.stdout.trim().to_owned();
    assert_eq!(code.len(), 71, "{code}");

    // The replacement PC: without the code the backup is refused, with the reason; nothing staged.
    let new_pc = tempfile::tempdir().unwrap();
    let refused = cli(new_pc.path(), &["backup", "restore", file.to_str().unwrap()]).await;
    assert!(!refused.ok && refused.stderr.contains("nhập mã khôi phục"), "{}", refused.stderr);
    assert!(!new_pc.path().join("thanthien.db").exists());
    let other = StoreKey::parse(&"A".repeat(64)).unwrap().recovery_code();
    let wrong = cli(new_pc.path(), &["backup", "restore", file.to_str().unwrap(), "--key", &other]).await;
    assert!(!wrong.ok && wrong.stderr.contains("không mở được bản sao lưu"), "{}", wrong.stderr);
    let typo = cli(new_pc.path(), &["backup", "restore", file.to_str().unwrap(), "--key", "12-34"]).await;
    assert!(!typo.ok && typo.stderr.contains("64 chữ số"), "{}", typo.stderr);
    assert!(!new_pc.path().join("thanthien.db").exists());

    // With it, the backup comes in, re-encrypted with the new PC's own key.
    let restored =
        cli(new_pc.path(), &["backup", "restore", file.to_str().unwrap(), "--key", &code.to_lowercase()]).await;
    assert!(restored.ok, "{}", restored.stderr);
    let store = Store::open(new_pc.path()).await.unwrap();
    assert!(store.recovering().await.unwrap(), "it syncs before it writes");
    assert_eq!(store.all_visits().await.unwrap()[0].name, NAME);
    assert_ne!(store.recovery_code(), code, "the new PC keeps its own key");
    store.close().await;
    assert!(!holds(&new_pc.path().join("thanthien.db"), NAME));
    let leftovers: Vec<_> = std::fs::read_dir(new_pc.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The backup itself was only read.
    assert!(!holds(&file, NAME));
    assert!(!backup::staged(new_pc.path()));
    match backup::stage(tempfile::tempdir().unwrap().path(), &file, None).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors, [InputError::BackupKeyNeeded]),
        other => panic!("{other:?}"),
    }
    let same = cli(broken.path(), &["backup", "restore", file.to_str().unwrap()]).await;
    assert!(same.ok, "its own PC needs no code: {}", same.stderr);
}
