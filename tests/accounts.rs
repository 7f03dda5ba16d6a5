//! Accounts on a real store: Argon2id sign-in, the five-strikes lock and its end, the first
//! admin, and the signed-in user on every event.

mod common;

use chrono::{Duration, SubsecRound, Utc};
use thanthien::store::StoreError;
use thanthien_core::account::{AccountInput, Denial, Role};
use thanthien_core::visit::{InputError, VisitInput};

fn input(username: &str, role: &str, password: &str) -> AccountInput {
    AccountInput {
        username: username.into(),
        full_name: "Nguyễn Thị Lan".into(),
        role: role.into(),
        password: password.into(),
    }
}

fn denial<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Denial {
    match r {
        Err(StoreError::Denied(d)) => d,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let desk = common::desk().await;
    let s = &desk.store;
    assert!(!s.has_accounts().await.unwrap());
    let admin = s.create_account(input("quantri", "receptionist", "mật khẩu dài"), true, Utc::now()).await.unwrap();
    assert_eq!(admin.role, Role::Receptionist, "the store keeps the role given; the command makes the first an admin");
    assert_eq!(
        denial(s.create_account(input("thu.hai", "admin", "12345678"), true, Utc::now()).await),
        Denial::AccountsExist
    );
    s.create_account(input("lan.nt", "receptionist", "đúng-mật-khẩu"), false, Utc::now()).await.unwrap();
    match s.create_account(input("LAN.NT", "admin", "12345678"), false, Utc::now()).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e, [InputError::AccountExists]),
        other => panic!("{other:?}"),
    }
    match s.create_account(input("có dấu", "boss", "ngắn"), false, Utc::now()).await {
        Err(StoreError::Invalid(e)) => assert_eq!(
            e,
            [InputError::UsernameInvalid, InputError::RoleInvalid, InputError::PasswordTooShort { min: 8 }]
        ),
        other => panic!("{other:?}"),
    }
    // The hash is Argon2id with its own salt, never the password.
    let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM account WHERE username = 'lan.nt'")
        .fetch_one(
            &sqlx::SqlitePool::connect_with(thanthien::store::cipher::options_for(s.path()).await.unwrap())
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("đúng"), "{hash}");

    let t0 = Utc::now().trunc_subsecs(3);
    let who = s.sign_in("Lan.NT", "đúng-mật-khẩu", t0).await.unwrap();
    assert_eq!((who.username.as_str(), who.role), ("lan.nt", Role::Receptionist));
    for left in (1..=4).rev() {
        assert_eq!(denial(s.sign_in("lan.nt", "sai", t0).await), Denial::WrongPassword { remaining: Some(left) });
    }
    let Denial::Locked { until } = denial(s.sign_in("lan.nt", "sai", t0).await) else { panic!("not locked") };
    assert!(until >= t0 + Duration::minutes(15) && until <= Utc::now() + Duration::minutes(15));
    // Locked: even the right password waits, and reopening the store does not reset the count.
    assert_eq!(denial(s.sign_in("lan.nt", "đúng-mật-khẩu", t0).await), Denial::Locked { until });
    let reopened = thanthien::store::Store::open(desk.dir.path()).await.unwrap();
    let just_before = until - Duration::seconds(1);
    assert_eq!(denial(reopened.sign_in("lan.nt", "đúng-mật-khẩu", just_before).await), Denial::Locked { until });
    assert!(reopened.sign_in("lan.nt", "đúng-mật-khẩu", until).await.is_ok(), "open again at the 15th minute");
    // Unknown names get the same answer as a wrong password.
    assert_eq!(denial(s.sign_in("khong.co", "sai", t0).await), Denial::WrongPassword { remaining: None });

    // The admin's reset lifts a lock at once.
    for _ in 0..5 {
        let _ = s.sign_in("lan.nt", "sai", t0).await;
    }
    assert!(matches!(denial(s.sign_in("lan.nt", "đúng-mật-khẩu", t0).await), Denial::Locked { .. }));
    s.reset_password("lan.nt", "mật-khẩu-mới".into()).await.unwrap();
    assert!(s.sign_in("lan.nt", "mật-khẩu-mới", t0).await.is_ok());
    assert_eq!(s.accounts().await.unwrap().len(), 2);
}

#[tokio::test]
async fn every_event_names_the_user_who_made_it() {
    let desk = common::desk().await;
    let lan = desk.store.by("lan.nt");
    lan.record_visit(VisitInput { name: "Trần Văn Nam".into(), ..Default::default() }, Utc::now()).await.unwrap();
    desk.store
        .by("cli:root")
        .record_visit(VisitInput { name: "Lý Thị Mai".into(), ..Default::default() }, Utc::now())
        .await
        .unwrap();
    let users: Vec<Option<String>> = desk.store.events().await.unwrap().into_iter().map(|e| e.user).collect();
    assert_eq!(users, [Some("lan.nt".to_owned()), Some("cli:root".to_owned())]);
}
