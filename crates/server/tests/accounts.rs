//! The province's accounts on real PostgreSQL: Argon2id, the lockout, the viewer and the admin,
//! and the audit of the province's acts.

use chrono::{Duration, Utc};
use sqlx::PgPool;
use thanthien_core::account::{Denial, ProvinceRole};
use thanthien_province::accounts;

#[sqlx::test(migrations = "./migrations")]
async fn five_wrong_passwords_lock_a_province_account_until_a_new_password(pool: PgPool) {
    accounts::add(&pool, "lan.nt".into(), "Nguyễn Thị Lan".into(), "province-viewer", "mật khẩu tỉnh".into())
        .await
        .unwrap();
    let (hash,): (String,) =
        sqlx::query_as("SELECT password_hash FROM province_account").fetch_one(&pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("mật khẩu"), "only a hash is kept");
    let now = Utc::now();
    let ok = accounts::sign_in(&pool, "lan.nt", "mật khẩu tỉnh", now).await.unwrap().unwrap();
    assert_eq!((ok.role, ok.full_name.as_str()), (ProvinceRole::Viewer, "Nguyễn Thị Lan"));
    for left in (1..=4).rev() {
        let refused = accounts::sign_in(&pool, "lan.nt", "sai", now).await.unwrap().unwrap_err();
        assert_eq!(refused, Denial::WrongPassword { remaining: Some(left) });
    }
    let locked = accounts::sign_in(&pool, "lan.nt", "sai", now).await.unwrap().unwrap_err();
    assert!(matches!(locked, Denial::Locked { until } if until > now + Duration::minutes(14)));
    let still = accounts::sign_in(&pool, "lan.nt", "mật khẩu tỉnh", now + Duration::minutes(1)).await.unwrap();
    assert!(matches!(still, Err(Denial::Locked { .. })), "the right password does not open a locked account");
    assert!(accounts::list(&pool).await.unwrap()[0].locked_until.is_some());
    accounts::set_password(&pool, "lan.nt", "mật khẩu mới dài".into()).await.unwrap();
    assert!(accounts::sign_in(&pool, "lan.nt", "mật khẩu mới dài", now).await.unwrap().is_ok());
    assert!(accounts::sign_in(&pool, "nobody", "x", now).await.unwrap().is_err());
}

#[sqlx::test(migrations = "./migrations")]
async fn an_account_needs_a_name_a_known_role_and_a_long_password(pool: PgPool) {
    let refused = accounts::add(&pool, "x".into(), "".into(), "boss", "ngắn".into()).await.unwrap_err().to_string();
    for part in ["Tên đăng nhập", "tên cán bộ", "province-admin", "8 ký tự"] {
        assert!(refused.to_lowercase().contains(&part.to_lowercase()), "{part}: {refused}");
    }
    accounts::add(&pool, "hung.lv".into(), "Lê Văn Hùng".into(), "province-admin", "mật khẩu tỉnh".into())
        .await
        .unwrap();
    assert!(accounts::add(&pool, "hung.lv".into(), "Lê Văn Hùng".into(), "admin", "mật khẩu tỉnh".into())
        .await
        .is_err());
    assert_eq!(accounts::list(&pool).await.unwrap()[0].role, ProvinceRole::Admin);
}

#[sqlx::test(migrations = "./migrations")]
async fn the_provinces_acts_are_audited_latest_first(pool: PgPool) {
    accounts::audit(&pool, "hung.lv", "enroll-code", Some("26734"), None).await.unwrap();
    accounts::audit(&pool, "hung.lv", "week.accept", Some("26734"), Some("2026-W47")).await.unwrap();
    let log = accounts::audit_log(&pool, 10).await.unwrap();
    assert_eq!(log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(), ["week.accept", "enroll-code"]);
    assert_eq!(log[0].detail.as_deref(), Some("2026-W47"));
}
