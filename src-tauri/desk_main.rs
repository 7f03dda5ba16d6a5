//! `thanthien-desk`: the desk's window (Tauri and its webview), which `thanthien` becomes when it
//! is started without a subcommand; given one, it runs it as `thanthien` would.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    thanthien::cli::start(thanthien::build_version!(), thanthien::desk::open)
}
