//! The OpenAPI 3 document of the sync API and the console's API, served at `/v1/openapi.json`:
//! made from the handlers' annotations and the core types' schemas, never written by hand.

use crate::{api, console, updates};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Thân Thiện · máy chủ tỉnh", description = "Sync protocol v1 for the communes' PCs, and the province's console API."),
    paths(
        api::healthz, api::enroll, api::push, api::pull, api::report, api::reference, updates::offer,
        updates::download, console::releases,
        console::sign_in, console::session, console::sign_out, console::overview, console::plan,
        console::rankings, console::commune, console::add_commune, console::issue_code, console::revoke,
        console::accept, console::send_back, console::audit, console::reference_versions,
        console::publish_reference, console::export_week,
    ),
    modifiers(&Auth),
    tags((name = "sync", description = "What the communes' PCs call, with a device token"),
         (name = "console", description = "The province's web console, with a session cookie")),
)]
pub struct Document;

/// How each side authenticates: a PC's bearer token; a console session's cookie, and its CSRF
/// token on every state-changing call.
struct Auth;

impl Modify for Auth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "device",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .add_security_scheme("console", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(console::COOKIE))));
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(thanthien_core::province::CSRF_HEADER))),
        );
    }
}

/// The document as JSON.
pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(Document::openapi())
}
