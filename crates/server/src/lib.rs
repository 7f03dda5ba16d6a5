//! Thân Thiện's provincial server: communes enrol their PCs here and sync their event logs.

pub mod accounts;
pub mod api;
pub mod db;
pub mod error;

use rand::Rng;
use sqlx::PgPool;
use std::future::Future;
use tokio::net::TcpListener;

pub use api::router;

/// Serves the API on `listener` until `shutdown` completes. Refuses to start on a schema behind
/// this build's migrations, or as a role that bypasses the commune wall (row-level security).
pub async fn serve(
    listener: TcpListener,
    pool: PgPool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let refusal = |e: error::Error| std::io::Error::other(e.to_string());
    if let Some(reason) = db::schema_behind(&pool).await.map_err(refusal)? {
        return Err(std::io::Error::other(reason));
    }
    if let Some(reason) = db::role_bypasses_wall(&pool).await.map_err(refusal)? {
        return Err(std::io::Error::other(reason));
    }
    tracing::info!(addr = %listener.local_addr()?, "serving");
    let app = router(pool).layer(tower_http::trace::TraceLayer::new_for_http());
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
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
