//! The desk's window as a program: opened with its day's log, or, when it cannot open, said why in
//! Vietnamese (on Windows in a message box) rather than crashed. `thanthien-desk` runs this; so
//! does `thanthien` on Windows, where one program is both the window and the command line.

use std::path::PathBuf;
use std::process::ExitCode;

/// The window, until it is closed. The window logs its day to standard error, and on Windows,
/// where a window program has none, to a file in the data folder.
pub fn open(dir: PathBuf) -> ExitCode {
    let file = cfg!(windows).then(|| dir.join("logs").join("thanthien.log"));
    crate::init_logging("info,sqlx=warn", file.as_deref());
    draw_without_gpu_compositing();
    match webview_missing() {
        Some(why) => window_failed(&why),
        None => run(dir),
    }
}

/// On Linux the window draws without GPU compositing (WebKitGTK's own switch, read when its web
/// view is made): screens of forms and tables gain nothing from it, an old PC's GL driver is the
/// usual cause of a blank WebKitGTK window, and it spares the GL stack's memory: the window at rest
/// takes 239 MiB, not 312 (BENCHMARKS.md). An office that wants it sets the variable to 0.
fn draw_without_gpu_compositing() {
    // Set before any thread starts (logging starts none): the environment is read unguarded.
    if cfg!(target_os = "linux") && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Tauri panics when its window cannot be made (no display): said, not a crash.
fn run(dir: PathBuf) -> ExitCode {
    match std::panic::catch_unwind(|| crate::run_app(dir)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        // A store that cannot be opened for want of its key is said as it is: the window is fine.
        Ok(Err(e)) => match e.downcast_ref::<crate::store::StoreError>() {
            Some(crate::store::StoreError::Key(why)) => {
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
pub fn window_failed(detail: &str) -> ExitCode {
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
