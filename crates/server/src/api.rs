//! HTTP endpoints of sync protocol v1: enrol, push, pull, health.

use crate::db::{self, DeviceAuth};
use crate::error::{Error, Result};
use crate::extract::{Json, Query};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use sqlx::PgPool;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use thanthien_core::sync_policy::come_back_after;
use thanthien_core::visit::Ticket;
use thanthien_core::wire::{
    check_protocol, protocol_minor, ApiError, DeviceReport, EnrollRequest, EnrollResponse, PullResponse, PushResponse,
    PushWire, ReferenceResponse, BRIEF_PUSH_ANSWER, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_PULL_LIMIT, PROTOCOL_HEADER,
};
use tokio::sync::Semaphore;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

/// How many sync requests (pushes and pulls) the server works on at once, and how long one may
/// wait for its turn before it is told to come back (503 with `Retry-After`).
#[derive(Debug, Clone, Copy)]
pub struct SyncLimits {
    pub at_once: usize,
    pub queue_wait: Duration,
}

impl Default for SyncLimits {
    /// Two requests per core at work (the database's work is bound by the machine's cores, so
    /// more at once only queues inside PostgreSQL and stretches every request), never more than
    /// the database pool (10) has connections, and half a second's wait for a turn. Measured
    /// with every commune's PC pushing at once (`cargo xtask bench`): on two cores, 10 at once
    /// with a second's queue served the 99th percentile in 2.8 s, where a served request is to
    /// take under 2.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        SyncLimits { at_once: (2 * cores).clamp(2, 10), queue_wait: Duration::from_millis(500) }
    }
}

/// The turnstile in front of push and pull: a bounded number at work, a bounded wait, and a
/// clear answer to the rest instead of a queue that grows until requests time out.
struct Gate {
    limits: SyncLimits,
    turns: Semaphore,
    waiting: AtomicUsize,
}

impl Gate {
    async fn admit(self: Arc<Self>, request: Request, next: Next) -> Response {
        let waiting = self.waiting.fetch_add(1, Ordering::Relaxed);
        let turn = tokio::time::timeout(self.limits.queue_wait, self.turns.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        match turn {
            Ok(Ok(_turn)) => next.run(request).await,
            _ => {
                let retry_after = come_back_after(waiting, self.limits.at_once);
                tracing::warn!(waiting, retry_after = retry_after.as_secs(), "sync request turned away: at the limit");
                Error::Busy { retry_after }.into_response()
            }
        }
    }
}

pub fn router(pool: PgPool) -> Router {
    router_with(pool, SyncLimits::default())
}

pub fn router_with(pool: PgPool, limits: SyncLimits) -> Router {
    let gate = Arc::new(Gate { limits, turns: Semaphore::new(limits.at_once), waiting: AtomicUsize::new(0) });
    let gated = Router::new()
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| gate.clone().admit(request, next)));
    // The answers that grow with a commune's history go gzipped to a PC that accepts it (about
    // 8× smaller for a pull page); the installer download is compressed already.
    let compressed = Router::new().merge(gated).route("/reference", get(reference)).layer(CompressionLayer::new());
    let v1 = Router::new()
        .merge(compressed)
        .route("/enroll", post(enroll))
        .route("/sync/report", post(report))
        .route("/update", get(crate::updates::offer))
        .route("/update/file", get(crate::updates::download))
        // The limit applies after decompression, so a small zip bomb cannot grow past it.
        .layer(axum::extract::DefaultBodyLimit::max(2 * MAX_BATCH_BYTES))
        .layer(RequestDecompressionLayer::new());
    Router::new().route("/healthz", get(healthz)).nest("/v1", v1).with_state(pool)
}

#[utoipa::path(get, path = "/healthz", tag = "sync",
    responses((status = 200, description = "The database answers", body = String, content_type = "text/plain"),
              (status = 500, body = ApiError)))]
pub(crate) async fn healthz(State(pool): State<PgPool>) -> Result<&'static str> {
    sqlx::query("SELECT 1").execute(&pool).await?;
    Ok("ok")
}

fn require_protocol(headers: &HeaderMap) -> Result<()> {
    let value = headers.get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok());
    check_protocol(value).map_err(Error::ProtocolUnsupported)
}

/// A request from an enrolled device: protocol checked, bearer token resolved to device + commune.
pub struct Device(pub DeviceAuth);

impl FromRequestParts<PgPool> for Device {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, pool: &PgPool) -> Result<Self> {
        require_protocol(&parts.headers)?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(Error::Unauthorized)?;
        db::device_by_token(pool, token.trim()).await?.map(Device).ok_or(Error::Unauthorized)
    }
}

#[utoipa::path(post, path = "/v1/enroll", tag = "sync", request_body = EnrollRequest,
    params(("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, body = EnrollResponse), (status = 400, body = ApiError), (status = 403, body = ApiError),
              (status = 409, body = ApiError), (status = 413, body = ApiError), (status = 426, body = ApiError),
              (status = 500, body = ApiError)))]
pub(crate) async fn enroll(
    State(pool): State<PgPool>,
    headers: HeaderMap,
    Json(req): Json<EnrollRequest>,
) -> Result<Json<EnrollResponse>> {
    require_protocol(&headers)?;
    let token = crate::new_secret();
    let name = req.device_name.as_deref().map(|n| n.chars().take(100).collect::<String>());
    let enrolled = db::enroll(&pool, &req.code, req.device_id, name.as_deref(), &token).await?;
    tracing::info!(device = %req.device_id, commune = %enrolled.commune.code, number = enrolled.device_number, "device enrolled");
    Ok(Json(EnrollResponse {
        token,
        device_id: req.device_id,
        commune: enrolled.commune,
        ticket_series: Ticket::series_for(enrolled.device_number),
        server_time: Some(chrono::Utc::now()),
    }))
}

#[utoipa::path(post, path = "/v1/sync/push", tag = "sync", request_body = PushWire, security(("device" = [])),
    params(("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, body = PushResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 413, body = ApiError), (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn push(
    State(pool): State<PgPool>,
    Device(auth): Device,
    headers: axum::http::HeaderMap,
    Json(req): Json<PushWire>,
) -> Result<Json<PushResponse>> {
    if req.events.len() > MAX_BATCH_EVENTS {
        return Err(Error::BatchTooLarge { max: MAX_BATCH_EVENTS });
    }
    let outcome = crate::ingest::push(&pool, &auth, req.decode()).await?;
    let answer = PushResponse {
        acked_through: outcome.acked_through,
        expected_seq: outcome.expected_seq,
        results: outcome.results,
        server_time: Some(chrono::Utc::now()),
        stored: None,
    };
    let minor = protocol_minor(headers.get(PROTOCOL_HEADER).and_then(|v| v.to_str().ok()));
    Ok(Json(if minor >= BRIEF_PUSH_ANSWER { answer.brief() } else { answer }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PullQuery {
    #[serde(default)]
    after: i64,
    limit: Option<i64>,
    /// The PC's own events after this seq come too: what a PC restored from a backup had
    /// recorded, and synced, after the backup was made.
    mine_after: Option<i64>,
}

#[utoipa::path(get, path = "/v1/sync/pull", tag = "sync", security(("device" = [])),
    params(PullQuery, ("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, body = PullResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn pull(
    State(pool): State<PgPool>,
    Device(auth): Device,
    Query(q): Query<PullQuery>,
) -> Result<Json<PullResponse>> {
    let limit = q.limit.unwrap_or(MAX_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
    let page = db::pull(&pool, &auth, q.after.max(0), limit, q.mine_after.unwrap_or(i64::MAX)).await?;
    Ok(Json(PullResponse {
        events: page.events,
        next_cursor: page.next_cursor,
        more: page.more,
        server_time: Some(chrono::Utc::now()),
        settled_seq: Some(page.settled_seq),
    }))
}

/// A PC's report at the end of its sync round, checked like any input.
#[utoipa::path(post, path = "/v1/sync/report", tag = "sync", request_body = DeviceReport, security(("device" = [])),
    params(("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 204, description = "Kept"), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 413, body = ApiError), (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn report(
    State(pool): State<PgPool>,
    Device(auth): Device,
    Json(report): Json<DeviceReport>,
) -> Result<axum::http::StatusCode> {
    report.check(chrono::Utc::now()).map_err(Error::BadRequest)?;
    db::record_device_report(&pool, &auth, &report).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReferenceQuery {
    #[serde(default)]
    after: i64,
}

/// Reference data for any enrolled device (it is the same for every commune).
#[utoipa::path(get, path = "/v1/reference", tag = "sync", security(("device" = [])),
    params(ReferenceQuery, ("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, body = ReferenceResponse), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn reference(
    State(pool): State<PgPool>,
    _device: Device,
    Query(q): Query<ReferenceQuery>,
) -> Result<Json<ReferenceResponse>> {
    Ok(Json(ReferenceResponse { releases: db::reference_after(&pool, q.after).await? }))
}
