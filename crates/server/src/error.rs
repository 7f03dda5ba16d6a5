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
    #[error("the enrolment code is unknown, already used or expired")]
    EnrollmentCodeInvalid,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    DeviceTaken(String),
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
            Error::BadRequest(_) => (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest),
            Error::DeviceTaken(_) => (StatusCode::CONFLICT, ApiErrorCode::DeviceTaken),
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
