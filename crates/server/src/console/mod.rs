//! The province's web console: its JSON API under `/v1/console` (sessions in HttpOnly cookies,
//! a CSRF token on every state-changing request, viewers read only) and its embedded pages at `/`.

mod assets;
mod queries;

use crate::accounts;
use crate::db;
use crate::error::{Error, Result};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde::Deserialize;
use sqlx::PgPool;
use thanthien_core::account::{Denial, ProvinceRole};
use thanthien_core::province::{
    AuditEntry, ConsoleSession, Overview, ReportDeadline, ReturnRequest, SignInRequest, CSRF_HEADER,
};
use thanthien_core::summary::Week;

pub use assets::{first_load_bytes, router as pages};

/// The session cookie's name.
pub const COOKIE: &str = "tt_console";
/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(30);
/// And after this long whatever happens: a working day.
pub const MAX_AGE: Duration = Duration::hours(12);

/// What the console's handlers share: its database login (every commune, through the
/// `province` policies), or none when the server runs without a console.
#[derive(Clone)]
pub struct Console {
    pub pool: Option<PgPool>,
    pub deadline: ReportDeadline,
}

impl Console {
    fn pool(&self) -> Result<&PgPool> {
        self.pool.as_ref().ok_or(Error::ConsoleOff)
    }
}

pub fn router(console: Console) -> Router {
    Router::new()
        .route("/session", post(sign_in).get(session).delete(sign_out))
        .route("/overview", get(overview))
        .route("/weeks/{commune}/{week}/accept", post(accept))
        .route("/weeks/{commune}/{week}/return", post(send_back))
        .route("/audit", get(audit))
        .with_state(console)
}

/// A signed-in console user. State-changing methods must also carry the session's CSRF token.
pub struct Signed(pub ConsoleSession);

/// A signed-in admin: the only one who changes anything.
pub struct Admin(pub ConsoleSession);

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
}

/// Compared as hashes: the time taken says nothing about the token.
fn same_secret(a: &str, b: &str) -> bool {
    db::hash_secret(a) == db::hash_secret(b)
}

impl FromRequestParts<Console> for Signed {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self> {
        let pool = console.pool()?;
        let token = cookie_token(&parts.headers).ok_or(Error::SignedOut)?;
        let session = queries::touch_session(pool, token, Utc::now()).await?.ok_or(Error::SignedOut)?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !same_secret(sent, &session.csrf) {
                return Err(Error::Forbidden("Yêu cầu không hợp lệ (mã chống giả mạo sai): tải lại trang.".into()));
            }
        }
        Ok(Signed(session))
    }
}

impl FromRequestParts<Console> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self> {
        let Signed(session) = Signed::from_request_parts(parts, console).await?;
        if session.role != ProvinceRole::Admin {
            return Err(Error::Forbidden("Tài khoản theo dõi chỉ được xem, không được thay đổi.".into()));
        }
        Ok(Admin(session))
    }
}

fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session cookie: HttpOnly and SameSite=Strict always, Secure when the request came over
/// TLS (the province's reverse proxy says so).
fn session_cookie(headers: &HeaderMap, value: &str, max_age: Duration) -> HeaderValue {
    let tls = headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let secure = if tls { "; Secure" } else { "" };
    let cookie =
        format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", max_age.num_seconds());
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("tt_console=; Max-Age=0"))
}

async fn sign_in(
    State(console): State<Console>,
    headers: HeaderMap,
    Json(req): Json<SignInRequest>,
) -> Result<Response> {
    let pool = console.pool()?;
    let now = Utc::now();
    let account = match accounts::sign_in(pool, req.username.trim(), &req.password, now).await? {
        Ok(account) => account,
        Err(Denial::Locked { until }) => return Err(Error::Locked { until }),
        Err(Denial::WrongPassword { remaining: Some(n) }) => {
            return Err(Error::SignInRefused(format!("Sai tên đăng nhập hoặc mật khẩu (còn {n} lần thử).")))
        }
        Err(_) => return Err(Error::SignInRefused("Sai tên đăng nhập hoặc mật khẩu.".into())),
    };
    let (token, csrf) = (new_secret(), new_secret());
    queries::open_session(pool, &token, &account.username, &csrf).await?;
    accounts::audit(pool, &account.username, "sign-in", None, None).await?;
    let session = ConsoleSession { username: account.username, full_name: account.full_name, role: account.role, csrf };
    let mut response = Json(session).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&headers, &token, MAX_AGE));
    Ok(response)
}

async fn session(Signed(session): Signed) -> Json<ConsoleSession> {
    Json(session)
}

async fn sign_out(State(console): State<Console>, headers: HeaderMap, Signed(_): Signed) -> Result<Response> {
    if let Some(token) = cookie_token(&headers) {
        queries::close_session(console.pool()?, token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&headers, "", Duration::zero()));
    Ok(response)
}

#[derive(Deserialize)]
struct WeekQuery {
    week: Option<String>,
}

/// The week asked for, or by default the last week that ended (the one due this Tuesday).
fn chosen_week(text: Option<String>, now: DateTime<Utc>) -> Result<Week> {
    match text {
        Some(text) => Week::try_from(text).map_err(|e| Error::BadRequest(e.to_string())),
        None => Ok(Week::of(now).previous()),
    }
}

async fn overview(
    State(console): State<Console>,
    Signed(_): Signed,
    Query(q): Query<WeekQuery>,
) -> Result<Json<Overview>> {
    let now = Utc::now();
    let week = chosen_week(q.week, now)?;
    Ok(Json(queries::overview(console.pool()?, week, console.deadline, now).await?))
}

fn week_of(text: String) -> Result<Week> {
    Week::try_from(text).map_err(|e| Error::BadRequest(e.to_string()))
}

async fn accept(
    State(console): State<Console>,
    Admin(who): Admin,
    Path((commune, week)): Path<(String, String)>,
) -> Result<StatusCode> {
    let (pool, week) = (console.pool()?, week_of(week)?);
    db::accept_week(pool, &commune, week).await?;
    accounts::audit(pool, &who.username, "week.accept", Some(&commune), Some(&week.to_string())).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn send_back(
    State(console): State<Console>,
    Admin(who): Admin,
    Path((commune, week)): Path<(String, String)>,
    Json(req): Json<ReturnRequest>,
) -> Result<StatusCode> {
    let (pool, week) = (console.pool()?, week_of(week)?);
    let reason = req.reason.trim().to_owned();
    db::return_week(pool, &commune, week, reason.clone()).await?;
    let detail = format!("{week}: {reason}");
    accounts::audit(pool, &who.username, "week.return", Some(&commune), Some(&detail)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(State(console): State<Console>, Signed(_): Signed) -> Result<Json<Vec<AuditEntry>>> {
    Ok(Json(accounts::audit_log(console.pool()?, 500).await?))
}
