//! The server's one error type: what a client is told, and what only the log sees.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use thanthien_core::wire::{ApiError, ApiErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("missing, unknown or revoked device token")]
    Unauthorized,
    #[error("{0}")]
    ProtocolUnsupported(String),
    #[error("the enrolment code is not one the province made")]
    EnrollmentCodeInvalid,
    #[error("the enrolment code has enrolled a PC already")]
    EnrollmentCodeUsed,
    #[error("the enrolment code has expired")]
    EnrollmentCodeExpired,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    DeviceTaken(String),
    /// The console: no session, or it ended.
    #[error("Phiên làm việc đã hết hoặc chưa đăng nhập.")]
    SignedOut,
    #[error("{0}")]
    SignInRefused(String),
    #[error("Tài khoản đang bị khóa đến {}.", thanthien_core::time::local_text(*until))]
    Locked { until: chrono::DateTime<chrono::Utc> },
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// The server runs without a console database (`--console-database-url`).
    #[error("Bảng điều khiển của tỉnh chưa được bật trên máy chủ này.")]
    ConsoleOff,
    #[error("Yêu cầu quá lớn.")]
    TooLarge,
    #[error("a batch holds at most {max} events")]
    BatchTooLarge { max: usize },
    /// More sync requests than the server holds at once: told when to come back, not queued
    /// without end.
    #[error("Máy chủ tỉnh đang bận; xin gửi lại sau {} giây.", retry_after.as_secs())]
    Busy { retry_after: std::time::Duration },
    /// An export the server could not make (its font missing, say): the server's fault, not
    /// the request's.
    #[error("{0}")]
    Export(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Error {
    fn code(&self) -> (StatusCode, ApiErrorCode) {
        match self {
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthorized),
            Error::ProtocolUnsupported(_) => (StatusCode::UPGRADE_REQUIRED, ApiErrorCode::ProtocolUnsupported),
            Error::EnrollmentCodeInvalid => (StatusCode::FORBIDDEN, ApiErrorCode::EnrollmentCodeInvalid),
            Error::EnrollmentCodeUsed => (StatusCode::FORBIDDEN, ApiErrorCode::EnrollmentCodeUsed),
            Error::EnrollmentCodeExpired => (StatusCode::FORBIDDEN, ApiErrorCode::EnrollmentCodeExpired),
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest),
            Error::DeviceTaken(_) => (StatusCode::CONFLICT, ApiErrorCode::DeviceTaken),
            Error::SignedOut | Error::SignInRefused(_) => (StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthorized),
            Error::Locked { .. } => (StatusCode::LOCKED, ApiErrorCode::Locked),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, ApiErrorCode::Forbidden),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, ApiErrorCode::NotFound),
            Error::Conflict(_) => (StatusCode::CONFLICT, ApiErrorCode::Conflict),
            Error::ConsoleOff => (StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::ConsoleOff),
            Error::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::BatchTooLarge),
            Error::BatchTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::BatchTooLarge),
            Error::Busy { .. } | Error::Database(sqlx::Error::PoolTimedOut) => {
                (StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::Busy)
            }
            Error::Export(_) | Error::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Export(why) = &self {
            tracing::error!(%why, "an export could not be made");
        }
        if let Error::Database(e) = &self {
            if matches!(e, sqlx::Error::PoolTimedOut) {
                tracing::warn!("no database connection came free: the request is told to come back");
            } else {
                tracing::error!(error = %e, "request failed on the database");
            }
        }
        let (status, code) = self.code();
        let retry_after = match &self {
            Error::Busy { retry_after } => Some(retry_after.as_secs().max(1)),
            // Every connection was busy for the whole wait: the same as a full gate.
            Error::Database(sqlx::Error::PoolTimedOut) => Some(crate::db::POOL_WAIT.as_secs()),
            _ => None,
        };
        let body = Json(ApiError { code, message: self.to_string() });
        match retry_after {
            Some(seconds) => (status, [(axum::http::header::RETRY_AFTER, seconds.to_string())], body).into_response(),
            None => (status, body).into_response(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
