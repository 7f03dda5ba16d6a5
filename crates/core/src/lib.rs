//! Thân Thiện's shared domain: events, validated visit fields, projection rules and sync wire types.
//!
//! Pure code only (serde, chrono, uuid): it builds for the wasm32 UI and for the native app and
//! server alike, so every rule is written once and all three agree.

pub mod account;
pub mod approval;
pub mod book;
pub mod breach;
pub mod calendar;
pub mod call;
pub mod camera;
pub mod clock;
pub mod collation;
pub mod erasure;
pub mod event;
pub mod feedback;
pub mod hlc;
pub mod ipc;
pub mod lunar;
pub mod normal_form;
pub mod official;
#[cfg(feature = "openapi")]
mod openapi;
#[cfg(feature = "passwords")]
pub mod password;
pub mod person;
pub mod plan;
pub mod procedure;
pub mod province;
pub mod publicity;
pub mod ranking;
pub mod reception;
pub mod reference;
pub mod report;
pub mod retention;
pub mod slip;
pub mod summary;
pub mod sync_policy;
#[cfg(test)]
mod testing;
pub mod time;
pub mod update;
pub mod visit;
pub mod wire;
pub mod words;

pub use event::{Event, EventBody, EventError};
pub use hlc::Hlc;
pub use visit::{InputError, InputField, NewVisit, Visit, VisitInput};
