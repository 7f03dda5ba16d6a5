//! App releases: the province publishes a signed build (`release publish`), every PC asks for the
//! newest one for its platform on its sync round and downloads its file with its device token,
//! and the console and `release list` show which PCs run which version.

use crate::api::Device;
use crate::error::{Error, Result};
use crate::extract::{Json, Query};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;
use thanthien_core::update::{self, AppRelease, Platform, Releases, UpdateError, UpdateOffer, VersionInUse};
use thanthien_core::wire::ApiError;

impl From<UpdateError> for Error {
    fn from(e: UpdateError) -> Error {
        Error::BadRequest(e.to_string())
    }
}

/// A release as the province hands it in.
pub struct NewRelease<'a> {
    pub version: &'a str,
    pub platform: Platform,
    pub file_name: &'a str,
    pub file: &'a [u8],
    /// The `.minisig` file's text.
    pub signature: &'a str,
    pub notes: &'a str,
}

/// Publishes a release once its signature is checked against the key built into the server (the
/// same check every PC makes): a wrong file is refused here, where it was handed in.
pub async fn publish(pool: &PgPool, new: NewRelease<'_>, by: Option<&str>) -> Result<AppRelease> {
    let version = update::version(new.version)?.to_string();
    let notes = update::notes(new.notes)?;
    update::verify(&update::key_in_force(), new.file, new.signature, &version, new.platform)?;
    let file_name: String = new.file_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let published: Option<(DateTime<Utc>,)> = sqlx::query_as(
        "INSERT INTO app_release (platform, version, file_name, file, signature, notes, published_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING published_at",
    )
    .bind(new.platform.wire())
    .bind(&version)
    .bind(&file_name)
    .bind(new.file)
    .bind(new.signature.trim())
    .bind(&notes)
    .bind(by)
    .fetch_optional(pool)
    .await?;
    let Some((published_at,)) = published else {
        return Err(Error::Conflict(format!(
            "Bản {version} cho {} đã được phát hành; bản sửa phải mang số phiên bản mới.",
            new.platform.wire()
        )));
    };
    Ok(AppRelease {
        version,
        platform: new.platform,
        notes,
        size: new.file.len() as u64,
        signature: new.signature.trim().to_owned(),
        published_at,
    })
}

/// Every release (of one platform, if named), newest published first, without their files.
pub async fn releases(pool: &PgPool, platform: Option<Platform>) -> Result<Vec<AppRelease>> {
    type Row = (String, String, String, i64, String, DateTime<Utc>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT platform, version, notes, octet_length(file)::bigint, signature, published_at FROM app_release
         WHERE $1::text IS NULL OR platform = $1 ORDER BY published_at DESC",
    )
    .bind(platform.map(Platform::wire))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(platform, version, notes, size, signature, published_at)| {
            Some(AppRelease {
                platform: Platform::parse(&platform).ok()?,
                version,
                notes,
                size: u64::try_from(size).unwrap_or(0),
                signature,
                published_at,
            })
        })
        .collect())
}

/// The file of one release, if published.
pub async fn file(pool: &PgPool, platform: Platform, version: &str) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as("SELECT file_name, file FROM app_release WHERE platform = $1 AND version = $2")
        .bind(platform.wire())
        .bind(version.trim())
        .fetch_optional(pool)
        .await?)
}

/// The releases beside the versions the PCs run (the province's own device for each commune,
/// which has no number, is not a PC). Needs a login that reads every commune's devices.
pub async fn adoption(pool: &PgPool) -> Result<Releases> {
    let rows: Vec<(Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT app_version, count(*), count(DISTINCT commune_code) FROM device
         WHERE revoked_at IS NULL AND device_number IS NOT NULL GROUP BY app_version",
    )
    .fetch_all(pool)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let unreported = rows.iter().filter(|(v, ..)| v.is_none()).map(|(_, n, _)| count(*n)).sum();
    let mut in_use: Vec<VersionInUse> = rows
        .into_iter()
        .filter_map(|(version, devices, communes)| {
            Some(VersionInUse { version: version?, devices: count(devices), communes: count(communes) })
        })
        .collect();
    // Newest first; a version that does not read as one goes last.
    in_use.sort_by(|a, b| update::version_order(&b.version, &a.version));
    Ok(Releases { releases: releases(pool, None).await?, in_use, unreported })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct OfferQuery {
    /// windows-x86_64 or linux-x86_64
    platform: String,
}

/// The newest release for the PC's platform; the PC decides whether it is newer than its own.
#[utoipa::path(get, path = "/v1/update", tag = "sync", security(("device" = [])),
    params(OfferQuery, ("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, body = UpdateOffer), (status = 400, body = ApiError), (status = 401, body = ApiError),
              (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn offer(
    State(pool): State<PgPool>,
    _device: Device,
    Query(q): Query<OfferQuery>,
) -> Result<Json<UpdateOffer>> {
    let platform = Platform::parse(&q.platform)?;
    Ok(Json(UpdateOffer { release: update::newest(releases(&pool, Some(platform)).await?) }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileQuery {
    /// windows-x86_64 or linux-x86_64
    platform: String,
    version: String,
}

/// A release's file, as published (the PC checks its signature before it installs it).
#[utoipa::path(get, path = "/v1/update/file", tag = "sync", security(("device" = [])),
    params(FileQuery, ("x-thanthien-protocol" = String, Header, description = "Protocol version, e.g. 1.0")),
    responses((status = 200, description = "The release's file", body = Vec<u8>, content_type = "application/octet-stream"),
              (status = 400, body = ApiError), (status = 401, body = ApiError), (status = 404, body = ApiError),
              (status = 426, body = ApiError), (status = 500, body = ApiError)))]
pub(crate) async fn download(
    State(pool): State<PgPool>,
    _device: Device,
    Query(q): Query<FileQuery>,
) -> Result<Response> {
    let platform = Platform::parse(&q.platform)?;
    let (name, bytes) = file(&pool, platform, &q.version)
        .await?
        .ok_or_else(|| Error::NotFound(format!("Không có bản {} cho {}.", q.version.trim(), platform.wire())))?;
    // The name as a header value: ASCII letters, digits and a few marks only.
    let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c)).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}
