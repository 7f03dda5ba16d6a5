//! Test helpers: the real server on a loopback port over a per-test PostgreSQL database.

#![allow(dead_code)]

use chrono::{Duration, Utc};
use sqlx::PgPool;
use std::net::SocketAddr;
use thanthien_core::wire::{EnrollRequest, EnrollResponse, PROTOCOL_HEADER, PROTOCOL_VERSION};
use uuid::Uuid;

/// A well-formed arrival of `name` by `device` in `commune`, stamped now.
pub fn arrival(commune: &str, device: Uuid, seq: i64, name: &str) -> thanthien_core::Event {
    use thanthien_core::event::EventBody;
    use thanthien_core::visit::{NewVisit, VisitArrived, VisitChange, VisitInput};
    let visit = NewVisit::parse(VisitInput { name: name.into(), ..Default::default() }).unwrap();
    let now = Utc::now();
    let body = EventBody::Visit(VisitChange::Arrived(VisitArrived { ticket: None, arrived_at: now, visit }));
    let hlc = thanthien_core::Hlc { wall_ms: now.timestamp_millis() as u64, counter: 0, device };
    thanthien_core::Event::new(commune, device, seq, hlc, Uuid::now_v7(), &body, Some("lan.nt".into()))
}

#[derive(Clone)]
pub struct Server {
    pub base: String,
    pub pool: PgPool,
    pub http: reqwest::Client,
}

/// The protocol of a 1.0 desk, whose push answers list every event's result: the tests that read
/// each result speak it (a 1.1 desk is told only what was not simply stored).
pub const FULL_ANSWER: &str = "1.0";
/// The login role the tests' consoles use: a member of thanthien_province.
pub const CONSOLE_ROLE: &str = "thanthien_test_console";

/// The login role the tests' servers use: a member of thanthien_app, walled by row-level security.
pub const APP_ROLE: &str = "thanthien_test_server";

/// A pool on the test's database as the server's role (the owner's `pool` bypasses the wall).
pub async fn app_pool(pool: &PgPool) -> PgPool {
    thanthien_province::db::create_app_login(pool, APP_ROLE, None).await.unwrap();
    thanthien_province::db::connect_as(pool, APP_ROLE).await.unwrap()
}

/// The real server, serving as the app role; `pool` stays the owner's, for the province's acts
/// and for looking inside.
pub async fn start(pool: PgPool) -> Server {
    start_with(pool, Default::default()).await
}

/// The real server with its own limits on sync requests at once.
pub async fn start_with(pool: PgPool, limits: thanthien_province::api::SyncLimits) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let devices = app_pool(&pool).await;
    use thanthien_province::db::{connect_as, create_login, LoginGroup};
    create_login(&pool, CONSOLE_ROLE, LoginGroup::Console, None).await.unwrap();
    let console = Some(connect_as(&pool, CONSOLE_ROLE).await.unwrap());
    let serving = thanthien_province::Serving { devices, console, deadline: Default::default(), limits };
    tokio::spawn(async move {
        if let Err(e) = thanthien_province::serve_with(listener, serving, std::future::pending()).await {
            panic!("the server would not start: {e}");
        }
    });
    Server { base: format!("http://{addr}"), pool, http: reqwest::Client::new() }
}

impl Server {
    pub async fn commune(&self, code: &str) {
        thanthien_province::db::add_commune(&self.pool, code, &format!("Xã {code}")).await.unwrap();
    }

    pub async fn code_for(&self, commune: &str, valid_for: Duration) -> String {
        let code = thanthien_province::new_enrollment_code();
        thanthien_province::db::add_enrollment_code(&self.pool, commune, &code, Utc::now() + valid_for, None)
            .await
            .unwrap();
        code
    }

    pub async fn try_enroll(&self, code: &str, device_id: Uuid) -> reqwest::Response {
        self.http
            .post(format!("{}/v1/enroll", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION)
            .json(&EnrollRequest { code: code.into(), device_id, device_name: None })
            .send()
            .await
            .unwrap()
    }

    /// The province's code that re-enrols one PC.
    pub async fn code_for_device(&self, commune: &str, device: Uuid) -> String {
        let code = thanthien_province::new_enrollment_code();
        let expires = Utc::now() + Duration::hours(1);
        thanthien_province::db::add_enrollment_code(&self.pool, commune, &code, expires, Some(device)).await.unwrap();
        code
    }

    /// A push of raw JSON envelopes, expected to be answered 200.
    pub async fn http_push(&self, token: &str, events: &[serde_json::Value]) -> thanthien_core::wire::PushResponse {
        let response = self
            .http
            .post(format!("{}/v1/sync/push", self.base))
            .header(PROTOCOL_HEADER, FULL_ANSWER)
            .bearer_auth(token)
            .json(&serde_json::json!({ "events": events }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// A province account with a known password.
    pub async fn account(&self, username: &str, role: &str) -> String {
        let password = format!("mat-khau-{username}-2026");
        thanthien_province::accounts::add(
            &self.pool,
            username.into(),
            format!("Cán bộ {username}"),
            role,
            password.clone(),
        )
        .await
        .unwrap();
        password
    }

    /// Signs in to the console: the session cookie (`name=value`) and the session it opened.
    pub async fn sign_in(&self, username: &str, password: &str) -> (String, thanthien_core::province::ConsoleSession) {
        let response = self
            .http
            .post(format!("{}/v1/console/session", self.base))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "sign-in of {username}");
        let cookie = response.headers()[reqwest::header::SET_COOKIE].to_str().unwrap().to_owned();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        (cookie, response.json().await.unwrap())
    }

    /// Enrols a new device in `commune` and returns (device id, token).
    pub async fn device(&self, commune: &str) -> (Uuid, String) {
        let code = self.code_for(commune, Duration::hours(1)).await;
        let device = Uuid::new_v4();
        let response = self.try_enroll(&code, device).await;
        assert_eq!(response.status(), 200);
        let enrolled: EnrollResponse = response.json().await.unwrap();
        (device, enrolled.token)
    }
}
