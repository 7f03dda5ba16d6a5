fn main() {
    // sqlx::migrate! embeds the folder at compile time; a new migration file must trigger a rebuild.
    println!("cargo:rerun-if-changed=migrations");
    tauri_build::build()
}
