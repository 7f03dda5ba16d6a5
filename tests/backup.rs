//! Backups that restore safely, against the real province server: a PC restored from an old
//! backup writes nothing until the province has told it how far its numbering had gone, takes
//! back what it had synced after the backup, and goes on numbering without a conflict or a gap.

mod common;

use chrono::Utc;
use common::Province;
use sqlx::PgPool;
use std::collections::BTreeSet;
use thanthien::store::{backup, Store, StoreError};
use thanthien::sync::Client;
use thanthien_core::visit::{FinishInput, InputError, Outcome, VisitInput};

async fn add(store: &Store, name: &str) -> Result<thanthien_core::Visit, StoreError> {
    store.record_visit(VisitInput { name: name.into(), ..Default::default() }, Utc::now()).await
}

async fn names(store: &Store) -> BTreeSet<String> {
    store.all_visits().await.unwrap().into_iter().map(|v| v.name).collect()
}

#[sqlx::test(migrations = "crates/server/migrations")]
async fn a_pc_restored_from_an_old_backup_takes_back_what_it_synced_and_numbers_on(pool: PgPool) {
    let province = Province::start(&pool).await;
    let url = format!("http://{}", province.addr);
    common::commune(&pool, "26734").await;
    let client = Client::new();
    let data = tempfile::tempdir().unwrap();
    let backups = tempfile::tempdir().unwrap();
    let store = Store::open(data.path()).await.unwrap();
    client.enroll(&store, &url, &common::code_for(&pool, "26734").await).await.unwrap();
    let other = common::desk().await;
    client.enroll(&other.store, &url, &common::code_for(&pool, "26734").await).await.unwrap();

    add(&store, "Trước Sao Lưu Một").await.unwrap();
    add(&store, "Trước Sao Lưu Hai").await.unwrap();
    client.sync_once(&store).await.unwrap();
    let file = store.backup_to(backups.path()).await.unwrap();
    // After the backup: more visits, a finish, all synced; the other PC records one too.
    let third = add(&store, "Sau Sao Lưu Ba").await.unwrap();
    add(&store, "Sau Sao Lưu Bốn").await.unwrap();
    store.finish_visit(third.id, FinishInput::new(Outcome::Resolved), Utc::now()).await.unwrap();
    client.sync_once(&store).await.unwrap();
    add(&other.store, "Máy Khác").await.unwrap();
    client.sync_once(&other.store).await.unwrap();
    let before = names(&store).await;
    let device = store.device_id();
    store.close().await;

    // The PC breaks; its store comes back from the backup.
    backup::restore(data.path(), &file, None).await.unwrap();
    let store = Store::open(data.path()).await.unwrap();
    assert!(store.recovering().await.unwrap());
    assert_eq!(names(&store).await.len(), 2, "the backup's own state");
    match add(&store, "Quá Sớm").await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors, [InputError::RestoredNotSettled]),
        other => panic!("a restored PC must not write before it has synced: {other:?}"),
    }
    assert_eq!(store.own_last_seq().await.unwrap(), 2, "the refused write took no seq");

    // One round: what it had synced comes back, with the other PC's.
    client.sync_once(&store).await.unwrap();
    assert!(!store.recovering().await.unwrap());
    let mut expected = before.clone();
    expected.insert("Máy Khác".into());
    assert_eq!(names(&store).await, expected);
    let third_back = store.visit(third.id).await.unwrap().unwrap();
    assert_eq!(third_back.outcome, Some(Outcome::Resolved), "its finish came back too");
    assert_eq!(store.own_last_seq().await.unwrap(), 5);
    assert_eq!(store.sync_status().await.unwrap().pending, 0);

    // It numbers on: seq 6, stored, no conflict, no gap.
    add(&store, "Sau Khôi Phục").await.unwrap();
    let round = client.sync_once(&store).await.unwrap();
    assert_eq!((round.pushed, round.rejected), (1, 0));
    let seqs: Vec<(i64,)> = sqlx::query_as("SELECT seq FROM event WHERE device_id = $1 ORDER BY seq")
        .bind(device)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(seqs.into_iter().map(|(s,)| s).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6]);
    let (conflicts, refused): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM event_conflict), (SELECT count(*) FROM event_quarantine)")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((conflicts, refused), (0, 0));
    // The other PC sees it.
    client.sync_once(&other.store).await.unwrap();
    assert!(names(&other.store).await.contains("Sau Khôi Phục"));
    store.close().await;
    province.stop();
}

#[tokio::test]
async fn a_folder_keeps_the_newest_fourteen_and_a_stranger_file_is_not_restored() {
    let desk = common::desk().await;
    add(&desk.store, "Nguyễn Văn An").await.unwrap();
    let backups = tempfile::tempdir().unwrap();
    let mut made = Vec::new();
    for _ in 0..16 {
        made.push(desk.store.backup_to(backups.path()).await.unwrap());
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let mut kept: Vec<_> = std::fs::read_dir(backups.path()).unwrap().flatten().map(|e| e.path()).collect();
    kept.sort();
    assert_eq!(kept, made[2..], "the two oldest went");
    // The daily one goes to the default folder beside the store, once a day.
    let daily = desk.store.backup_if_due().await.unwrap().expect("none today yet");
    assert_eq!(daily.parent(), Some(desk.dir.path().join("Sao lưu").as_path()));
    assert_eq!(desk.store.backup_if_due().await.unwrap(), None);

    let stranger = backups.path().join("khong-phai.db");
    std::fs::write(&stranger, b"not a store").unwrap();
    let target = tempfile::tempdir().unwrap();
    match backup::restore(target.path(), &stranger, None).await {
        Err(StoreError::Invalid(errors)) => assert_eq!(errors, [InputError::BackupUnreadable]),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_dir(target.path()).unwrap().count(), 0, "nothing touched");
}
