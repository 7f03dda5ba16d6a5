//! The waiting room's call display window, made when the desk brings it up: full screen on a
//! monitor other than the desk's when the PC has one (the last such, so a PC with three screens
//! keeps the rating window on the second). Closing it closes its web process too; it reads
//! nothing but the board.

use tauri::{AppHandle, Manager, PhysicalPosition, WebviewUrl};

/// The window's label (its capability in tauri.conf.json names it).
pub const LABEL: &str = "display";

/// Shows the display, made if it is not there, in front, on its own monitor when there is one.
pub fn show(app: &AppHandle) {
    let Some(desk) = app.get_webview_window("main") else { return };
    let display = match app.get_webview_window(LABEL) {
        Some(display) => display,
        None => {
            let made = tauri::WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("index.html#display".into()))
                .title("Màn hình gọi số")
                .inner_size(1280.0, 720.0)
                .min_inner_size(640.0, 400.0)
                .visible(false)
                .build();
            match made {
                Ok(display) => display,
                Err(e) => {
                    tracing::error!(error = %e, "the call display could not be made");
                    return;
                }
            }
        }
    };
    let desks = desk.current_monitor().ok().flatten();
    let other = desk
        .available_monitors()
        .ok()
        .into_iter()
        .flatten()
        .rfind(|m| desks.as_ref().is_none_or(|d| d.position() != m.position()));
    let shown = match other {
        Some(monitor) => {
            let at = *monitor.position();
            tracing::info!(monitor = ?monitor.name(), "the call display opens on its own monitor");
            display
                .set_position(PhysicalPosition::new(at.x, at.y))
                .and_then(|()| display.show())
                .and_then(|()| display.set_fullscreen(true))
        }
        None => display.show().and_then(|()| display.set_focus()),
    };
    if let Err(e) = shown {
        tracing::warn!(error = %e, "the call display could not be shown");
    }
}
