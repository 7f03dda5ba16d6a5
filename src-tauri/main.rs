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
    // messages to the screen; the window logs its day to standard error, and on Windows, where a
    // window program has none, to a file in the data folder.
    match cli.command {
        Some(_) => thanthien::init_logging("warn", Some(&dir.join("logs").join("thanthien-cli.log"))),
        None => {
            let file = cfg!(windows).then(|| dir.join("logs").join("thanthien.log"));
            thanthien::init_logging("info,sqlx=warn", file.as_deref())
        }
    }
    match cli.command {
        None => match webview_missing() {
            Some(why) => window_failed(&why),
            None => open_window(dir),
        },
        Some(command) => thanthien::cli::run(dir, command),
    }
}

/// The window, until it is closed. Tauri panics when its window cannot be made (no display):
/// said, not a crash.
fn open_window(dir: std::path::PathBuf) -> ExitCode {
    match std::panic::catch_unwind(|| thanthien::run_app(dir)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        // A store that cannot be opened for want of its key is said as it is: the window is fine.
        Ok(Err(e)) => match e.downcast_ref::<thanthien::store::StoreError>() {
            Some(thanthien::store::StoreError::Key(why)) => {
                let message = format!("Không mở được Thân Thiện. {why}");
                eprintln!("thanthien: {message}");
                show_message(&message);
                ExitCode::FAILURE
            }
            _ => window_failed(&format!("{e:#}")),
        },
        Err(panic) => {
            let text =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            window_failed(&text.unwrap_or_default())
        }
    }
}

/// Why the window cannot open before it is tried: on Windows, no WebView2 runtime (asked first, so
/// the office reads it in Vietnamese rather than in Tauri's English box).
#[cfg(windows)]
fn webview_missing() -> Option<String> {
    tauri::webview_version().err().map(|e| format!("không tìm thấy Microsoft Edge WebView2 Runtime: {e}"))
}

#[cfg(not(windows))]
fn webview_missing() -> Option<String> {
    None
}

/// The window could not open: said on standard error and, on Windows, in a message box with the
/// likely cause and where to get it (the command line still works).
fn window_failed(detail: &str) -> ExitCode {
    let hint = if cfg!(windows) {
        "Cửa sổ cần Microsoft Edge WebView2 Runtime (Windows 10 và 11 thường có sẵn); nếu máy chưa có, tải bản \
         Evergreen tại https://go.microsoft.com/fwlink/p/?LinkId=2124703 rồi mở lại."
    } else {
        "Cửa sổ cần một phiên làm việc có màn hình."
    };
    let message = format!(
        "Không mở được cửa sổ Thân Thiện ({detail}).\n\n{hint} Dữ liệu của xã không bị ảnh hưởng; dòng lệnh \
         thanthien vẫn dùng được."
    );
    eprintln!("thanthien: {message}");
    tracing::error!(detail, "the window did not open");
    show_message(&message);
    ExitCode::FAILURE
}

#[cfg(windows)]
fn show_message(text: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{MessageBoxW, MB_ICONERROR, MB_OK};
    let wide = |s: &str| s.encode_utf16().chain(std::iter::once(0)).collect::<Vec<u16>>();
    let (text, title) = (wide(text), wide("Thân Thiện"));
    // SAFETY: both strings are NUL-terminated UTF-16 that outlive the call; no owner window.
    unsafe {
        MessageBoxW(std::ptr::null_mut(), text.as_ptr(), title.as_ptr(), MB_OK | MB_ICONERROR);
    }
}

#[cfg(not(windows))]
fn show_message(_: &str) {}

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
