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
            Error::Database(_) => (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if let Error::Database(e) = &self {
            tracing::error!(error = %e, "request failed on the database");
        }
        let (status, code) = self.code();
        (status, Json(ApiError { code, message: self.to_string() })).into_response()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
