//! The waiting room's call display window: the desk brings it up, full screen on a monitor other
//! than the desk's when the PC has one (the last such, so a PC with three screens keeps the
//! rating window on the second); closing it only hides it, and it reads nothing but the board.

use tauri::{AppHandle, Manager, PhysicalPosition, WebviewWindow, WindowEvent};

/// The window's label in tauri.conf.json.
pub const LABEL: &str = "display";

fn window(app: &AppHandle) -> Option<WebviewWindow> {
    app.get_webview_window(LABEL)
}

/// Shows the display, in front, on its own monitor when there is one.
pub fn show(app: &AppHandle) {
    let (Some(desk), Some(display)) = (app.get_webview_window("main"), window(app)) else { return };
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

/// Closing the display hides it, so the desk can bring it up again.
pub fn keep(app: &AppHandle) {
    let Some(display) = window(app) else { return };
    let hidden = display.clone();
    display.on_window_event(move |event| {
        if let WindowEvent::CloseRequested { api, .. } = event {
            api.prevent_close();
            if let Err(e) = hidden.hide() {
                tracing::warn!(error = %e, "the call display could not be hidden");
            }
        }
    });
}
