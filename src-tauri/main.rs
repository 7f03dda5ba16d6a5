//! The `thanthien` binary: the desk app's window, or with a subcommand its command line.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match thanthien::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return thanthien::cli::argument_error(e),
    };
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
