//! The province's web console: its JSON API under `/v1/console` (sessions in HttpOnly cookies,
//! a CSRF token on every state-changing request, viewers read only) and its embedded pages at `/`.

mod assets;
mod export;
pub mod queries;

use crate::accounts;
use crate::db;
use crate::error::{Error, Result};
use crate::extract::{Json, Path, Query};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use sqlx::PgPool;
use thanthien_core::account::{Denial, ProvinceRole};
use thanthien_core::plan::Scoreboard;
use thanthien_core::province::{
    AuditEntry, ConsoleSession, Overview, ReportDeadline, ReturnRequest, SignInRequest, CSRF_HEADER,
};
use thanthien_core::province::{CodeRequest, CommunePage, EnrollmentLink, IssuedCode, NewCommune};
use thanthien_core::ranking::Rankings;
use thanthien_core::reference::{Upload, Version};
use thanthien_core::summary::Week;
use thanthien_core::wire::{ApiError, ReferenceKind};

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
        .route("/plan", get(plan))
        .route("/rankings", get(rankings))
        .route("/communes", post(add_commune))
        .route("/communes/{code}", get(commune))
        .route("/communes/{code}/enrollment-codes", post(issue_code))
        .route("/devices/{id}/revoke", post(revoke))
        .route("/weeks/{commune}/{week}/accept", post(accept))
        .route("/weeks/{commune}/{week}/return", post(send_back))
        .route("/audit", get(audit))
        .route("/export", get(export_week))
        .route("/reference", get(reference_versions))
        .route("/releases", get(releases))
        .route("/reference/{kind}", post(publish_reference))
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

/// Whether the browser reached the province over TLS, as its reverse proxy says.
fn over_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The session cookie: HttpOnly and SameSite=Strict always, Secure when the request came over
/// TLS (the province's reverse proxy says so).
fn session_cookie(headers: &HeaderMap, value: &str, max_age: Duration) -> HeaderValue {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    let cookie =
        format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", max_age.num_seconds());
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("tt_console=; Max-Age=0"))
}

#[utoipa::path(post, path = "/v1/console/session", tag = "console", request_body = SignInRequest,
    responses((status = 200, body = ConsoleSession, description = "Signed in; the session cookie is set"),
              (status = 423, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn sign_in(
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
    let (token, csrf) = (crate::new_secret(), crate::new_secret());
    queries::open_session(pool, &token, &account.username, &csrf).await?;
    accounts::audit(pool, &account.username, "sign-in", None, None).await?;
    let session = ConsoleSession { username: account.username, full_name: account.full_name, role: account.role, csrf };
    let mut response = Json(session).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&headers, &token, MAX_AGE));
    Ok(response)
}

#[utoipa::path(get, path = "/v1/console/session", tag = "console", security(("console" = [])),
    responses((status = 200, body = ConsoleSession), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn session(Signed(session): Signed) -> Json<ConsoleSession> {
    Json(session)
}

#[utoipa::path(delete, path = "/v1/console/session", tag = "console", security(("console" = [], "csrf" = [])),
    responses((status = 204, description = "Signed out"), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn sign_out(State(console): State<Console>, headers: HeaderMap, _signed: Signed) -> Result<Response> {
    if let Some(token) = cookie_token(&headers) {
        queries::close_session(console.pool()?, token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&headers, "", Duration::zero()));
    Ok(response)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct WeekQuery {
    /// ISO week, e.g. 2026-W47; by default the last week that ended.
    #[param(pattern = r"^[0-9]{4}-W[0-9]{2}$")]
    week: Option<String>,
}

/// The week asked for, or by default the last week that ended (the one due this Tuesday).
fn chosen_week(text: Option<String>, now: DateTime<Utc>) -> Result<Week> {
    match text {
        Some(text) => Week::try_from(text).map_err(|e| Error::BadRequest(e.to_string())),
        None => Ok(Week::of(now).previous()),
    }
}

#[utoipa::path(get, path = "/v1/console/overview", tag = "console", params(WeekQuery), security(("console" = [])),
    responses((status = 200, body = Overview), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn overview(
    State(console): State<Console>,
    _signed: Signed,
    Query(q): Query<WeekQuery>,
) -> Result<Json<Overview>> {
    let now = Utc::now();
    let week = chosen_week(q.week, now)?;
    Ok(Json(queries::overview(console.pool()?, week, console.deadline, now).await?))
}

#[utoipa::path(get, path = "/v1/console/plan", tag = "console", params(WeekQuery), security(("console" = [])),
    responses((status = 200, body = Scoreboard), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn plan(
    State(console): State<Console>,
    _signed: Signed,
    Query(q): Query<WeekQuery>,
) -> Result<Json<Scoreboard>> {
    let now = Utc::now();
    let week = chosen_week(q.week, now)?;
    Ok(Json(queries::scoreboard(console.pool()?, week, now).await?))
}

#[utoipa::path(get, path = "/v1/console/communes/{code}", tag = "console", security(("console" = [])),
    params(("code" = String, Path, description = "The commune's code"), WeekQuery),
    responses((status = 200, body = CommunePage), (status = 404, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn commune(
    State(console): State<Console>,
    _signed: Signed,
    Path(code): Path<String>,
    Query(q): Query<WeekQuery>,
) -> Result<Json<CommunePage>> {
    let now = Utc::now();
    let week = chosen_week(q.week, now)?;
    let page = queries::commune_page(console.pool()?, &code, week, console.deadline, now).await?;
    page.map(Json).ok_or_else(|| Error::NotFound(format!("Không có xã/phường mã {code}.")))
}

#[utoipa::path(post, path = "/v1/console/communes", tag = "console", request_body = NewCommune,
    security(("console" = [], "csrf" = [])),
    responses((status = 204, description = "Saved"), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn add_commune(
    State(console): State<Console>,
    Admin(who): Admin,
    Json(req): Json<NewCommune>,
) -> Result<StatusCode> {
    let pool = console.pool()?;
    let NewCommune { code, name, district } = req.checked().map_err(Error::BadRequest)?;
    db::add_commune_in(pool, &code, &name, district.as_deref()).await?;
    accounts::audit(pool, &who.username, "commune.add", Some(&code), Some(&name)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The address PCs reach this server at, as the browser did: scheme from the TLS proxy, host
/// from the request.
fn public_origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c)))
        .unwrap_or("localhost");
    format!("{}://{host}", if over_tls(headers) { "https" } else { "http" })
}

#[utoipa::path(post, path = "/v1/console/communes/{code}/enrollment-codes", tag = "console", request_body = CodeRequest,
    params(("code" = String, Path, description = "The commune's code")), security(("console" = [], "csrf" = [])),
    responses((status = 200, body = IssuedCode), (status = 404, body = ApiError), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn issue_code(
    State(console): State<Console>,
    Admin(who): Admin,
    Path(commune): Path<String>,
    headers: HeaderMap,
    Json(req): Json<CodeRequest>,
) -> Result<Json<IssuedCode>> {
    let pool = console.pool()?;
    let hours = req.valid_hours.unwrap_or(72);
    if !(1..=720).contains(&hours) {
        return Err(Error::BadRequest("Mã có hiệu lực từ 1 đến 720 giờ.".into()));
    }
    let code = crate::new_enrollment_code();
    let expires_at = Utc::now() + Duration::hours(i64::from(hours));
    db::add_enrollment_code(pool, &commune, &code, expires_at, req.device).await.map_err(|e| match e {
        Error::BadRequest(m) => Error::NotFound(m),
        e => e,
    })?;
    let target = req.device.map_or_else(|| commune.clone(), |d| d.to_string());
    let detail = format!("đến {}", thanthien_core::time::local_text(expires_at));
    accounts::audit(pool, &who.username, "enroll-code", Some(&target), Some(&detail)).await?;
    let link = EnrollmentLink { server: public_origin(&headers), code: code.clone() }.text();
    let qr_svg = qrcode::QrCode::new(link.as_bytes())
        .map(|qr| qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).build())
        .map_err(|e| Error::BadRequest(e.to_string()))?;
    Ok(Json(IssuedCode { code, link, qr_svg, expires_at }))
}

#[utoipa::path(post, path = "/v1/console/devices/{id}/revoke", tag = "console",
    params(("id" = uuid::Uuid, Path, description = "The PC's id")), security(("console" = [], "csrf" = [])),
    responses((status = 204, description = "Revoked"), (status = 404, body = ApiError), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn revoke(
    State(console): State<Console>,
    Admin(who): Admin,
    Path(id): Path<uuid::Uuid>,
) -> Result<StatusCode> {
    let pool = console.pool()?;
    if !db::revoke_device(pool, id).await? {
        return Err(Error::NotFound("Không có máy nào đang hoạt động với mã này.".into()));
    }
    accounts::audit(pool, &who.username, "revoke", Some(&id.to_string()), None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/console/rankings", tag = "console", params(WeekQuery), security(("console" = [])),
    responses((status = 200, body = Rankings), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn rankings(
    State(console): State<Console>,
    _signed: Signed,
    Query(q): Query<WeekQuery>,
) -> Result<Json<Rankings>> {
    let week = chosen_week(q.week, Utc::now())?;
    Ok(Json(queries::rankings(console.pool()?, week).await?))
}

#[utoipa::path(get, path = "/v1/console/reference", tag = "console", security(("console" = [])),
    responses((status = 200, body = Vec<Version>), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn reference_versions(State(console): State<Console>, _signed: Signed) -> Result<Json<Vec<Version>>> {
    Ok(Json(db::reference_versions(console.pool()?).await?))
}

/// The app's releases and which versions the PCs run (from each PC's last report).
#[utoipa::path(get, path = "/v1/console/releases", tag = "console", security(("console" = [])),
    responses((status = 200, body = thanthien_core::update::Releases), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn releases(
    State(console): State<Console>,
    _signed: Signed,
) -> Result<Json<thanthien_core::update::Releases>> {
    Ok(Json(crate::updates::adoption(console.pool()?).await?))
}

/// A file uploaded from the console: published when clean, else every problem (422) and
/// nothing published.
#[utoipa::path(post, path = "/v1/console/reference/{kind}", tag = "console",
    request_body(content = String, content_type = "text/plain", description = "The file's JSON text"),
    params(("kind" = ReferenceKind, Path, description = "procedures or holidays")), security(("console" = [], "csrf" = [])),
    responses((status = 200, body = Upload, description = "Published"),
              (status = 422, body = Upload, description = "Refused: every problem, nothing published"),
              (status = 404, body = ApiError), (status = 413, body = ApiError), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn publish_reference(
    State(console): State<Console>,
    Admin(who): Admin,
    Path(kind): Path<String>,
    body: String,
) -> Result<Response> {
    let pool = console.pool()?;
    let kind = ReferenceKind::parse(&kind).map_err(|e| Error::NotFound(e.to_string()))?;
    let problems = thanthien_core::reference::problems(kind, &body);
    if !problems.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(Upload { version: None, problems })).into_response());
    }
    let version = db::publish_reference_by(pool, kind, &body, Some(&who.username)).await?;
    accounts::audit(pool, &who.username, "reference.publish", Some(kind.wire()), Some(&format!("v{version}"))).await?;
    Ok(Json(Upload { version: Some(version), problems: Vec::new() }).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExportQuery {
    /// ISO week, e.g. 2026-W47; by default the last week that ended.
    #[param(pattern = r"^[0-9]{4}-W[0-9]{2}$")]
    week: Option<String>,
    /// `xlsx` or `pdf`.
    #[param(pattern = "^(xlsx|pdf)$")]
    format: String,
}

/// The province's week as an xlsx or an A4 PDF, for any signed-in account.
#[utoipa::path(get, path = "/v1/console/export", tag = "console", params(ExportQuery), security(("console" = [])),
    responses((status = 200, description = "The file",
               content((Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (Vec<u8> = "application/pdf"))),
              (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn export_week(
    State(console): State<Console>,
    _signed: Signed,
    Query(q): Query<ExportQuery>,
) -> Result<Response> {
    let pool = console.pool()?;
    let now = Utc::now();
    let week = chosen_week(q.week, now)?;
    let overview = queries::overview(pool, week, console.deadline, now).await?;
    let board = queries::scoreboard(pool, week, now).await?;
    let (bytes, kind, extension) = match q.format.as_str() {
        "xlsx" => {
            let reports = queries::report_lines(pool, week).await?;
            let table = thanthien_core::province::week_table(&overview, &board, &reports);
            let bytes = export::xlsx(&table).map_err(|e| Error::Export(e.to_string()))?;
            (bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
        }
        "pdf" => {
            let bytes = export::pdf(&overview, &board).map_err(|e| Error::Export(e.to_string()))?;
            (bytes, "application/pdf", "pdf")
        }
        other => return Err(Error::BadRequest(format!("Định dạng {other:?} không có: xlsx hoặc pdf."))),
    };
    let disposition = format!("attachment; filename=\"tong-hop-{week}.{extension}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

fn week_of(text: String) -> Result<Week> {
    Week::try_from(text).map_err(|e| Error::BadRequest(e.to_string()))
}

#[utoipa::path(post, path = "/v1/console/weeks/{commune}/{week}/accept", tag = "console",
    params(("commune" = String, Path), ("week" = String, Path, description = "ISO week, e.g. 2026-W47", pattern = r"^[0-9]{4}-W[0-9]{2}$")),
    security(("console" = [], "csrf" = [])),
    responses((status = 204, description = "Accepted"), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn accept(
    State(console): State<Console>,
    Admin(who): Admin,
    Path((commune, week)): Path<(String, String)>,
) -> Result<StatusCode> {
    let (pool, week) = (console.pool()?, week_of(week)?);
    db::accept_week(pool, &commune, week).await?;
    accounts::audit(pool, &who.username, "week.accept", Some(&commune), Some(&week.to_string())).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/console/weeks/{commune}/{week}/return", tag = "console", request_body = ReturnRequest,
    params(("commune" = String, Path), ("week" = String, Path, description = "ISO week, e.g. 2026-W47", pattern = r"^[0-9]{4}-W[0-9]{2}$")),
    security(("console" = [], "csrf" = [])),
    responses((status = 204, description = "Returned"), (status = 404, body = ApiError), (status = 409, body = ApiError), (status = 403, body = ApiError), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn send_back(
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

#[utoipa::path(get, path = "/v1/console/audit", tag = "console", security(("console" = [])),
    responses((status = 200, body = Vec<AuditEntry>), (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 500, body = ApiError), (status = 503, body = ApiError)))]
pub(crate) async fn audit(State(console): State<Console>, _signed: Signed) -> Result<Json<Vec<AuditEntry>>> {
    Ok(Json(accounts::audit_log(console.pool()?, 500).await?))
}
