//! Embeds the console's bundle (crates/console/dist, built by `cargo xtask build`) in the server:
//! each file raw and gzipped. Without a bundle the server still builds and says so at `/`.

use std::io::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dist = std::env::var_os("THANTHIEN_CONSOLE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../console/dist"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-env-changed=THANTHIEN_CONSOLE_DIST");
    println!("cargo:rerun-if-changed={}", dist.display());
    // New migration files must rebuild the server (sqlx::migrate! does not notice them).
    println!("cargo:rerun-if-changed=migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &str, &[u8], &[u8])] = &[\n");
    for path in files {
        let (Some(name), Some(kind)) = (path.file_name().and_then(|n| n.to_str()), content_type(&path)) else {
            continue;
        };
        let raw = std::fs::read(&path).expect("read a console file");
        let gz = out.join(format!("{name}.gz"));
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&raw).expect("gzip");
        std::fs::write(&gz, encoder.finish().expect("gzip")).expect("write gzip");
        code.push_str(&format!(
            "    ({name:?}, {kind:?}, include_bytes!({:?}), include_bytes!({:?})),\n",
            path.canonicalize().unwrap_or(path.clone()),
            gz
        ));
    }
    code.push_str("];\n");
    std::fs::write(out.join("console_assets.rs"), code).expect("write console_assets.rs");
}

fn content_type(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()? {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => return None,
    })
}
