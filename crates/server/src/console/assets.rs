//! The console's pages: the Leptos bundle (crates/console, built by `cargo xtask build`) embedded
//! in the binary at compile time, gzipped once there, so the province deploys one file.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

// `FILES: &[(name, content type, raw bytes, gzipped bytes)]`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/console_assets.rs"));

pub fn router() -> Router {
    Router::new().route("/", get(index)).route("/{file}", get(file))
}

async fn index(headers: HeaderMap) -> Response {
    match serve("index.html", &headers) {
        Some(page) => page,
        None => Html(
            "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Thân Thiện</title>\
             <p>Bảng điều khiển của tỉnh chưa được dựng trong bản máy chủ này (chạy <code>cargo xtask build</code>).</p></html>",
        )
        .into_response(),
    }
}

async fn file(Path(name): Path<String>, headers: HeaderMap) -> Response {
    serve(&name, &headers).unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// Only the pages' own files run in them: no inline script, no other origin, no framing.
const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                      img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";

fn serve(name: &str, headers: &HeaderMap) -> Option<Response> {
    let (_, kind, raw, gzipped) = FILES.iter().find(|(n, ..)| *n == name)?;
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let body: &'static [u8] = if gzip { gzipped } else { raw };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    // The bundle's names carry no hash: the browser asks again each load (304s are cheap).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Some(response)
}

/// The embedded bundle's size as a browser downloads it on first load (gzipped).
pub fn first_load_bytes() -> usize {
    FILES.iter().map(|(_, _, _, gz)| gz.len()).sum()
}
