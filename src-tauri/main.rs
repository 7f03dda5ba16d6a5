//! The `thanthien` binary: the desk app's window, or with a subcommand its command line.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = thanthien::cli::Cli::parse();
    // The command line stays quiet but for problems; the window logs its day.
    thanthien::init_logging(if cli.command.is_some() { "warn" } else { "info,sqlx=warn" });
    let dir = thanthien::data_dir(cli.data_dir.clone());
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
