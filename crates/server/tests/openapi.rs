//! The API against its own OpenAPI document: schemathesis (from PyPI, installed by `cargo xtask
//! setup` in a virtual environment) runs against the real server with a device token and an
//! admin's console session, and finds no server error and no answer the document does not allow.

mod common;

use sqlx::PgPool;
use std::path::PathBuf;

/// The schemathesis command: `THANTHIEN_SCHEMATHESIS`, else the venv `cargo xtask setup` makes.
fn schemathesis() -> PathBuf {
    std::env::var_os("THANTHIEN_SCHEMATHESIS").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/thanthien-venv/bin/schemathesis")
    })
}

#[sqlx::test(migrations = "./migrations")]
async fn the_document_is_served_and_names_every_operation(pool: PgPool) {
    let server = common::start(pool).await;
    let doc: serde_json::Value =
        server.http.get(format!("{}/v1/openapi.json", server.base)).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")), "{doc}");
    let paths = doc["paths"].as_object().unwrap();
    for path in ["/v1/enroll", "/v1/sync/push", "/v1/sync/pull", "/v1/console/overview", "/v1/console/plan"] {
        assert!(paths.contains_key(path), "{path} missing from {:?}", paths.keys().collect::<Vec<_>>());
    }
    assert!(doc["components"]["schemas"]["OverviewRow"].is_object());
    assert!(doc["components"]["securitySchemes"]["console"].is_object());
}

#[sqlx::test(migrations = "./migrations")]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document(pool: PgPool) {
    let program = schemathesis();
    assert!(program.exists(), "{} is missing: run `cargo xtask setup`", program.display());
    let server = common::start(pool.clone()).await;
    server.commune("26734").await;
    let (_, token) = server.device("26734").await;
    let password = server.account("quantri", "province-admin").await;
    let (cookie, session) = server.sign_in("quantri", &password).await;
    let base = server.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(program)
            .args(["run", &format!("{base}/v1/openapi.json"), "--url", &base])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            ])
            .args(["--phases", "examples,coverage,fuzzing", "--max-examples", "30", "--seed", "20261130"])
            // Nothing kept between runs, and nothing written into the source tree.
            .args(["--generation-database", "none"])
            .current_dir(std::env::temp_dir())
            // Signing out would end the session the rest of the run needs.
            .args(["--exclude-method", "DELETE", "--workers", "1", "--no-color"])
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .args(["-H", &format!("Cookie: {cookie}")])
            .args(["-H", &format!("x-csrf-token: {}", session.csrf)])
            .args(["-H", "x-thanthien-protocol: 1.0"])
            .env("SCHEMATHESIS_TELEMETRY", "false")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    // The run's report beside the screenshots, read when the run passes too.
    if let Some(dir) = std::env::var_os("THANTHIEN_TEST_ARTIFACTS") {
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(PathBuf::from(dir).join("schemathesis.txt"), &report);
    }
    assert!(output.status.success(), "schemathesis found problems:\n{report}");
}
