//! `thanthien`: the command line, which links none of the window's libraries so that a command
//! starts at once; with no subcommand it becomes the window (`thanthien-desk`, installed beside
//! it). On Windows, where loading the window's libraries costs little, it is the window itself.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    thanthien::cli::start(thanthien::build_version!(), window)
}

/// The window: this process becomes `thanthien-desk` with the same arguments.
#[cfg(unix)]
fn window(_dir: std::path::PathBuf) -> std::process::ExitCode {
    thanthien::cli::become_desk()
}

#[cfg(windows)]
fn window(dir: std::path::PathBuf) -> std::process::ExitCode {
    thanthien::desk::open(dir)
}
