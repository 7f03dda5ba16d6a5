//! OpenAPI schemas of the types that travel as text: a week (`2026-W47`) and a clock
//! (`0001732600000000-0000000003-<device uuid>`). The rest derive theirs beside their types.

use crate::hlc::Hlc;
use crate::summary::Week;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;

fn text(pattern: &str, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).examples([example]).into()
}

impl utoipa::PartialSchema for Week {
    fn schema() -> RefOr<Schema> {
        text(r"^[0-9]{4}-W[0-9]{2}$", "2026-W47")
    }
}

impl utoipa::ToSchema for Week {}

impl utoipa::PartialSchema for Hlc {
    fn schema() -> RefOr<Schema> {
        text(
            r"^[0-9]{16}-[0-9]{10}-[0-9a-fA-F-]{36}$",
            "0001764300000000-0000000000-0190d0a0-0000-7000-8000-000000000001",
        )
    }
}

impl utoipa::ToSchema for Hlc {}
