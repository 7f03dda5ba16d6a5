//! The `thanthien` binary: the desk app's window, or with a subcommand its command line.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

/// This build's version: the package's, unless it was built with `THANTHIEN_VERSION` (the update
/// test builds its "next" version so; read here alone, so only this file recompiles for it).
const VERSION: &str = match option_env!("THANTHIEN_VERSION") {
    Some(version) => version,
    None => env!("CARGO_PKG_VERSION"),
};

fn main() -> ExitCode {
    thanthien::set_version(VERSION);
    let parsed = thanthien::cli::Cli::command()
        .version(VERSION)
        .try_get_matches()
        .and_then(|matches| thanthien::cli::Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return thanthien::cli::argument_error(e),
    };
    if cli.command.is_some() {
        attach_console();
    }
    let dir = thanthien::data_dir(cli.data_dir.clone());
    // The command line writes its details to a log file in the data folder and its one-line
    // messages to the screen; the window logs its day to standard error.
    match cli.command {
        Some(_) => thanthien::init_logging("warn", Some(&dir.join("logs").join("thanthien-cli.log"))),
        None => thanthien::init_logging("info,sqlx=warn", None),
    }
    match cli.command {
        None => match thanthien::run_app(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("thanthien: không mở được ứng dụng: {e:#}");
                ExitCode::FAILURE
            }
        },
        Some(command) => thanthien::cli::run(dir, command),
    }
}

/// A Windows release build is a window program, which Windows starts with no console: typed in a
/// Command Prompt, the command line would print nothing. It writes to the prompt it was typed in
/// (its parent's console) unless its output was already sent somewhere (a pipe, a file).
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, GetStdHandle, ATTACH_PARENT_PROCESS, STD_OUTPUT_HANDLE};
    // SAFETY: both calls take no pointers; a failed attach leaves the process as it was.
    unsafe {
        if GetStdHandle(STD_OUTPUT_HANDLE).is_null() {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}

#[cfg(not(windows))]
fn attach_console() {}
