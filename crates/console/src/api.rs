//! The console's calls to its own server: JSON over fetch, the session cookie sent by the
//! browser, and the CSRF token echoed on every state-changing call.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use thanthien_core::province::CSRF_HEADER;
use thanthien_core::wire::ApiError;

/// Why a call failed: the HTTP status (0 when the server could not be reached) and the
/// server's Vietnamese sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: u16,
    pub message: String,
}

impl Failure {
    pub fn signed_out(&self) -> bool {
        self.status == 401
    }
}

fn unreachable(_: gloo_net::Error) -> Failure {
    Failure { status: 0, message: crate::i18n::t().network_error.to_owned() }
}

async fn finish<T: DeserializeOwned>(request: Result<Request, gloo_net::Error>) -> Result<Option<T>, Failure> {
    let response = request.map_err(unreachable)?.send().await.map_err(unreachable)?;
    let status = response.status();
    if status == 204 {
        return Ok(None);
    }
    if (200..300).contains(&status) {
        return response.json::<T>().await.map(Some).map_err(unreachable);
    }
    let message = match response.json::<ApiError>().await {
        Ok(e) => e.message,
        Err(_) => format!("Máy chủ trả lời lỗi {status}."),
    };
    Err(Failure { status, message })
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    finish(Request::get(path).build()).await?.ok_or(Failure { status: 204, message: String::new() })
}

/// A state-changing call: `POST` (or `DELETE`) with a JSON body and the session's CSRF token.
pub async fn send<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    csrf: &str,
    body: &B,
) -> Result<Option<T>, Failure> {
    finish(builder.header(CSRF_HEADER, csrf).json(body)).await
}

/// Uploads a reference data file as text: the outcome comes back on success (200) and on a
/// file with problems (422) alike.
pub async fn upload(path: &str, csrf: &str, text: String) -> Result<thanthien_core::reference::Upload, Failure> {
    let request = Request::post(path)
        .header(CSRF_HEADER, csrf)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text)
        .map_err(unreachable)?;
    let response = request.send().await.map_err(unreachable)?;
    match response.status() {
        200 | 422 => response.json().await.map_err(unreachable),
        status => {
            let message = match response.json::<ApiError>().await {
                Ok(e) => e.message,
                Err(_) => format!("Máy chủ trả lời lỗi {status}."),
            };
            Err(Failure { status, message })
        }
    }
}

/// The province's decision on a commune's approved week: accept it, or return it with `reason`.
pub async fn decide(
    commune: &str,
    week: thanthien_core::summary::Week,
    reason: Option<String>,
    csrf: &str,
) -> Result<(), Failure> {
    let path = |act: &str| format!("/v1/console/weeks/{commune}/{week}/{act}");
    match reason {
        None => send::<_, ()>(post(&path("accept")), csrf, &()).await.map(drop),
        Some(reason) => {
            let body = thanthien_core::province::ReturnRequest { reason };
            send::<_, ()>(post(&path("return")), csrf, &body).await.map(drop)
        }
    }
}

pub fn post(path: &str) -> RequestBuilder {
    Request::post(path)
}

pub fn delete(path: &str) -> RequestBuilder {
    Request::delete(path)
}
