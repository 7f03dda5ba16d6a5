//! Thân Thiện desktop app: the Tauri shell, the local store, the sync client and the command line.
//! Two programs are built from it: `thanthien` (the command line) and `thanthien-desk` (the window).

pub mod cli;
pub mod commands;
pub mod desk;
pub mod display;
pub mod live;
pub mod mailbox;
pub mod probe;
pub mod rating;
pub mod report;
pub mod secret;
pub mod session;
pub mod store;
pub mod sync;
pub mod update;

use std::path::PathBuf;

/// Where the store lives: `--data-dir`, else `THANTHIEN_DATA_DIR`, else the OS's local app-data
/// folder (Tauri's `app_local_data_dir`: `%LOCALAPPDATA%` on Windows, which stays on the PC where a
/// roaming profile would copy the store around the network; `~/.local/share` on Linux). The window
/// and the command line share this one store.
pub fn data_dir(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os("THANTHIEN_DATA_DIR").filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| dirs::data_local_dir().unwrap_or_else(|| PathBuf::from(".")).join(IDENTIFIER))
}

/// Where the save dialogs open until the admin chooses a folder: `THANTHIEN_EXPORT_DIR`, else
/// "Thân Thiện" in the user's Documents folder (where an office worker looks for a file to print or attach).
pub fn export_dir() -> PathBuf {
    std::env::var_os("THANTHIEN_EXPORT_DIR").filter(|v| !v.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        dirs::document_dir().or_else(dirs::home_dir).unwrap_or_else(|| PathBuf::from(".")).join("Thân Thiện")
    })
}

/// This build's version: the package's unless the binary was built with another
/// (`THANTHIEN_VERSION`, read by the binaries alone (`build_version!`) so only they recompile: the
/// update test builds a "next" version this way). It is what the PC reports to the province and updates compare with.
pub fn version() -> &'static str {
    VERSION.get().copied().unwrap_or(env!("CARGO_PKG_VERSION"))
}

static VERSION: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Set once by the binary's `main`, before anything reads it.
pub fn set_version(version: &'static str) {
    let _ = VERSION.set(version);
}

/// The window's program, installed beside `thanthien` (which becomes it when started with no
/// subcommand) and updated with it.
pub const DESK_PROGRAM: &str = if cfg!(windows) { "thanthien-desk.exe" } else { "thanthien-desk" };

/// This build's version, for a binary's `main`: the package's, unless it was built with
/// `THANTHIEN_VERSION` (the update test builds its "next" version so). A macro, so that it is read
/// where the binary is compiled and only the binaries recompile for it.
#[macro_export]
macro_rules! build_version {
    () => {
        match option_env!("THANTHIEN_VERSION") {
            Some(version) => version,
            None => env!("CARGO_PKG_VERSION"),
        }
    };
}

/// Tauri's bundle identifier (tauri.conf.json).
pub const IDENTIFIER: &str = "vn.thanthien.app";

/// Logs go to standard error; `RUST_LOG` overrides `default` (e.g. "warn" for the CLI), as a list
/// of levels for targets ("info,thanthien::sync=debug"; no span filters).
pub fn init_logging(default: &str, file: Option<&std::path::Path>) {
    use tracing_subscriber::{filter::Targets, layer::SubscriberExt, util::SubscriberInitExt, Layer};
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|wanted| wanted.parse::<Targets>().ok())
        .or_else(|| default.parse().ok())
        .unwrap_or_default();
    let opened = file.and_then(|path| {
        path.parent().map(std::fs::create_dir_all);
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok()
    });
    let layer = tracing_subscriber::fmt::layer();
    let layer = match opened {
        // The command line's details go to its log file: its screen keeps to one line per problem.
        Some(log) => layer.with_ansi(false).with_writer(std::sync::Mutex::new(log)).boxed(),
        // Colour codes only on a terminal, never in a redirected log.
        None => {
            layer.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).with_writer(std::io::stderr).boxed()
        }
    };
    let _ = tracing_subscriber::registry().with(layer.with_filter(filter)).try_init();
}

/// The idle lock set for this run by `THANTHIEN_IDLE_LOCK_SECS` (the tests' short one), which
/// wins over the admin's setting in Cài đặt.
fn idle_lock_override() -> Option<chrono::Duration> {
    std::env::var("THANTHIEN_IDLE_LOCK_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|secs| *secs > 0)
        .map(chrono::Duration::seconds)
}

/// The idle time before the screen locks: the override, else the admin's setting, else core's default.
async fn idle_limit(store: &store::Store) -> chrono::Duration {
    if let Some(limit) = idle_lock_override() {
        return limit;
    }
    let set = store.idle_lock_minutes().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the idle lock setting is unreadable; the default applies");
        None
    });
    chrono::Duration::minutes(i64::from(thanthien_core::account::idle_lock_minutes_in_force(set)))
}

/// Opens the window. Returns when the user closes it.
pub fn run_app(data_dir: PathBuf) -> anyhow::Result<()> {
    let store = tauri::async_runtime::block_on(store::Store::open(&data_dir))?;
    tracing::info!(path = %store.path().display(), "store open");
    let engine = sync::Engine::new(store.clone());
    let rating = rating::RatingDesk::default();
    let placed = store.clone();
    let clock = store.clone();
    let idle = tauri::async_runtime::block_on(idle_limit(&store));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::Office {
            store,
            engine: engine.clone(),
            session: session::Session::new(idle),
            rating,
            default_exports: export_dir(),
            idle_lock_overridden: idle_lock_override().is_some(),
        })
        .setup(move |app| {
            use tauri::Manager;
            let window = app.handle().clone();
            engine.announcer().attach(move |change| {
                use tauri::Emitter;
                if let Err(e) = window.emit(thanthien_core::ipc::CHANGED_EVENT, change) {
                    tracing::warn!(error = %e, ?change, "the window was not told of a change");
                }
            });
            tauri::async_runtime::spawn(live::announce_shift_ends(clock, engine.announcer().clone()));
            tauri::async_runtime::spawn(engine.run());
            tauri::async_runtime::spawn(rating::window::place(app.handle().clone(), placed));
            // The app is the desk's window: closing it ends the app, the citizen's window and the
            // call display included.
            if let Some(desk) = app.get_webview_window("main") {
                let app = app.handle().clone();
                desk.on_window_event(move |event| {
                    if matches!(event, tauri::WindowEvent::Destroyed) {
                        app.exit(0);
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::add_visit,
            commands::call_next,
            commands::call_visit,
            commands::finish_visit,
            commands::proposed_appointment,
            commands::reschedule_visit,
            commands::visit_slip,
            commands::reception_overview,
            commands::schedule_reception,
            commands::end_reception_schedule,
            commands::hold_reception,
            commands::skip_reception,
            commands::return_result,
            commands::dossiers_at_risk,
            commands::request_rating,
            commands::rating_request,
            commands::submit_rating,
            commands::show_rating_window,
            commands::show_display_window,
            commands::call_board,
            commands::list_today_visits,
            commands::list_procedures,
            commands::list_officials,
            commands::sync_status,
            commands::sync_now,
            commands::add_feedback,
            commands::set_feedback_status,
            commands::answer_feedback,
            commands::classify_feedback,
            commands::feedback_register,
            commands::list_cameras,
            commands::add_camera,
            commands::check_camera,
            commands::probe_cameras,
            commands::mailbox_status,
            commands::set_mailbox,
            commands::read_mailbox,
            commands::code_feedback,
            commands::open_feedback_box,
            commands::feedback_box_sessions,
            commands::weekly_summary,
            commands::session_state,
            commands::sign_in,
            commands::sign_out,
            commands::touch_session,
            commands::create_first_account,
            commands::create_account,
            commands::list_accounts,
            commands::reset_password,
            commands::step_week,
            commands::export_week,
            commands::export_book,
            commands::find_person,
            commands::export_person,
            commands::erase_person,
            commands::access_log,
            commands::retention_status,
            commands::backup_status,
            commands::backup_now,
            commands::choose_backup_folder,
            commands::restore_backup,
            commands::breach_report,
            commands::backup_recovery_code,
            commands::publicity_board,
            commands::export_board,
            commands::record_publication,
            commands::publications,
            commands::rate_feedback,
            commands::enroll,
            commands::enrollment_status,
            commands::desk_settings,
            commands::set_idle_lock,
            commands::choose_export_folder,
            commands::set_office_hours,
            commands::save_official,
            commands::take_off_official,
            commands::finish_setup,
            commands::update_status,
            commands::install_update,
        ])
        .run(tauri::generate_context!())?;
    Ok(())
}
