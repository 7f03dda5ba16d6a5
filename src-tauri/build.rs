/// The app's own commands. Listing them makes tauri-build generate an `allow-<command>`
/// permission for each, so each window's capability names exactly what it may call (the rating
/// window: only reading its request and submitting the rating).
const COMMANDS: &[&str] = &[
    "add_visit",
    "call_next",
    "call_visit",
    "finish_visit",
    "proposed_appointment",
    "reschedule_visit",
    "return_result",
    "dossiers_at_risk",
    "request_rating",
    "rating_request",
    "submit_rating",
    "show_rating_window",
    "list_today_visits",
    "list_procedures",
    "list_officials",
    "sync_status",
    "sync_now",
    "add_feedback",
    "set_feedback_status",
    "answer_feedback",
    "classify_feedback",
    "feedback_register",
    "list_cameras",
    "add_camera",
    "check_camera",
    "probe_cameras",
    "mailbox_status",
    "set_mailbox",
    "read_mailbox",
    "code_feedback",
    "open_feedback_box",
    "feedback_box_sessions",
    "weekly_summary",
    "session_state",
    "sign_in",
    "sign_out",
    "touch_session",
    "create_first_account",
    "create_account",
    "list_accounts",
    "reset_password",
    "step_week",
    "export_week",
    "find_person",
    "export_person",
    "erase_person",
    "access_log",
    "retention_status",
    "backup_status",
    "backup_now",
    "choose_backup_folder",
    "restore_backup",
    "publicity_board",
    "export_board",
    "record_publication",
    "publications",
    "rate_feedback",
    "enroll",
    "enrollment_status",
    "desk_settings",
    "set_idle_lock",
    "choose_export_folder",
    "set_office_hours",
    "save_official",
    "take_off_official",
    "finish_setup",
    "update_status",
    "install_update",
];

fn main() {
    // sqlx::migrate! embeds the folder at compile time; a new migration file must trigger a rebuild.
    println!("cargo:rerun-if-changed=migrations");
    // The tests run the province server, whose migrations they embed too.
    println!("cargo:rerun-if-changed=crates/server/migrations");
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build: {e:#}");
    }
}
