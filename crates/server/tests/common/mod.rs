//! Test helpers: the real server on a loopback port over a per-test PostgreSQL database.

#![allow(dead_code)]

use chrono::{Duration, Utc};
use sqlx::PgPool;
use std::net::SocketAddr;
use thanthien_core::wire::{EnrollRequest, EnrollResponse, PROTOCOL_HEADER, PROTOCOL_VERSION};
use uuid::Uuid;

pub struct Server {
    pub base: String,
    pub pool: PgPool,
    pub http: reqwest::Client,
}

pub async fn start(pool: PgPool) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let serving = pool.clone();
    tokio::spawn(async move { thanthien_province::serve(listener, serving, std::future::pending()).await });
    Server { base: format!("http://{addr}"), pool, http: reqwest::Client::new() }
}

impl Server {
    pub async fn commune(&self, code: &str) {
        thanthien_province::db::add_commune(&self.pool, code, &format!("Xã {code}")).await.unwrap();
    }

    pub async fn code_for(&self, commune: &str, valid_for: Duration) -> String {
        let code = thanthien_province::new_enrollment_code();
        thanthien_province::db::add_enrollment_code(&self.pool, commune, &code, Utc::now() + valid_for).await.unwrap();
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
