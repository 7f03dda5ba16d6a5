//! Thân Thiện's provincial server: communes enrol their PCs here and sync their event logs, and
//! the province's staff read and decide on their weeks in its web console.

pub mod accounts;
pub mod api;
pub mod console;
pub mod db;
pub mod erasure;
pub mod error;
mod extract;
pub mod ingest;
pub mod openapi;
pub mod updates;

use rand::{Rng, RngCore};
use sqlx::PgPool;
use std::future::Future;
use tokio::net::TcpListener;

pub use api::router;

/// What one server process serves: the devices' sync API on a login walled to one commune per
/// request, and, given a second login in `thanthien_province`, the province's console.
pub struct Serving {
    pub devices: PgPool,
    pub console: Option<PgPool>,
    pub deadline: thanthien_core::province::ReportDeadline,
    /// How many sync requests are worked on at once before the rest are told to come back.
    pub limits: api::SyncLimits,
}

/// The whole HTTP application: the sync API, the console's API and its pages.
pub fn app(serving: Serving) -> axum::Router {
    let console = console::Console { pool: serving.console, deadline: serving.deadline };
    api::router_with(serving.devices, serving.limits)
        .nest("/v1/console", console::router(console))
        .route("/v1/openapi.json", axum::routing::get(openapi::document))
        .merge(console::pages())
}

/// Serves the sync API alone (no console) on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    pool: PgPool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(
        listener,
        Serving { devices: pool, console: None, deadline: Default::default(), limits: Default::default() },
        shutdown,
    )
    .await
}

/// Serves everything on `listener` until `shutdown` completes. Refuses to start on a schema behind
/// this build's migrations, or when the devices' login bypasses the commune wall (row-level
/// security).
pub async fn serve_with(
    listener: TcpListener,
    serving: Serving,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pool = &serving.devices;
    let refusal = |e: error::Error| std::io::Error::other(e.to_string());
    if let Some(reason) = db::schema_behind(pool).await.map_err(refusal)? {
        return Err(std::io::Error::other(reason));
    }
    if let Some(reason) = db::role_bypasses_wall(pool).await.map_err(refusal)? {
        return Err(std::io::Error::other(reason));
    }
    tracing::info!(addr = %listener.local_addr()?, console = serving.console.is_some(), "serving");
    // The province's retention run needs a login that reads every commune: the console's.
    if let Some(province) = serving.console.clone() {
        tokio::spawn(erasure::retention_daily(province));
    }
    let app = app(serving).layer(tower_http::trace::TraceLayer::new_for_http());
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// A new secret of 256 random bits as hex: a device token, a console session, a CSRF token
/// (the server keeps only the first two's hashes).
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new one-time enrolment code, easy to read over the phone: `XXXX-XXXX-XXXX` from an
/// alphabet without 0/O, 1/I/L (about 60 bits).
pub fn new_enrollment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..12).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    #[test]
    fn enrollment_codes_are_grouped_and_unambiguous() {
        let code = super::new_enrollment_code();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        assert_ne!(code, super::new_enrollment_code());
    }
}
