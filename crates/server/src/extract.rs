//! The request extractors every handler uses: axum's own, but a body, query or path that does
//! not read is answered like any other refusal, a JSON `ApiError` in Vietnamese (axum's answer
//! would be plain text the clients and the API document do not know).

use crate::error::Error;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

/// A JSON body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

/// Query parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

/// Path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Error {
        match r {
            JsonRejection::BytesRejection(b) if b.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Error::TooLarge
            }
            JsonRejection::MissingJsonContentType(_) => {
                Error::BadRequest("Nội dung phải là JSON (Content-Type: application/json).".into())
            }
            r => Error::BadRequest(format!("Nội dung không đọc được: {}", r.body_text())),
        }
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Error {
        Error::BadRequest(format!("Tham số không hợp lệ: {}", r.body_text()))
    }
}

impl From<PathRejection> for Error {
    fn from(r: PathRejection) -> Error {
        Error::BadRequest(format!("Đường dẫn không hợp lệ: {}", r.body_text()))
    }
}

/// Serialises like axum's `Json` (the response side needs no wrapper of ours).
impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
