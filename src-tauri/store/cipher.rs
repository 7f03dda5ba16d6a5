//! Encryption at rest (issue 17): the store and its backups are SQLCipher files. Their key is 256
//! random bits kept in the OS credential store (Windows Credential Manager, a Linux desktop's
//! Secret Service); a PC without one keeps it in a file beside the store, readable by its own
//! user only, so a store file copied off the PC still reveals nothing. A store of an earlier
//! version, in the clear, is encrypted in place at the first open, every row kept.

use super::{StoreError, DB_FILE};
use crate::secret::{self, Vault};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where the key of the store in a data folder is, written beside it.
const KEY_FILE: &str = "thanthien.db.key";
/// What every SQLite file in the clear starts with; an encrypted one starts with random salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Why a store or a backup cannot be opened for want of its key. Said as is, on screen and on the
/// command line: the office reads what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "Dữ liệu trong {0} đã được mã hoá nhưng máy này không có khoá của nó, nên không mở được. Tệp dữ liệu \
         chép sang máy khác thì không đọc được; để chuyển dữ liệu sang máy mới, khôi phục từ bản sao lưu kèm \
         mã khôi phục (thanthien backup restore TỆP --key MÃ)."
    )]
    Missing(PathBuf),
    #[error(
        "Không lấy được khoá mã hoá dữ liệu từ kho khoá của hệ điều hành (Windows Credential Manager hoặc \
         Secret Service), nên chưa mở được dữ liệu. Hãy đăng nhập vào máy bằng đúng tài khoản thường dùng rồi \
         mở lại; dữ liệu không bị ảnh hưởng."
    )]
    Unavailable,
    #[error(
        "Khoá của máy này không mở được tệp dữ liệu {0}: tệp đã được mã hoá bằng khoá khác hoặc đã hỏng. Dữ \
         liệu không bị thay đổi."
    )]
    Wrong(PathBuf),
    #[error("Không đọc hoặc ghi được tệp khoá {path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
}

/// A store's key: 256 bits used as SQLCipher's raw key, so opening costs no key derivation (the
/// command line starts fast on a modest PC).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

impl StoreKey {
    fn random() -> Result<StoreKey, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::File {
            path: PathBuf::from("getrandom"),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(StoreKey(bytes))
    }

    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key as the office writes it down to restore a backup on another PC: 64 hex digits
    /// in groups of 8.
    pub fn recovery_code(&self) -> String {
        let hex = self.hex().to_uppercase();
        hex.as_bytes().chunks(8).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// A key as typed back: hex digits, any case, spaces and dashes ignored.
    pub fn parse(text: &str) -> Option<StoreKey> {
        let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'-' | b' ' | b'\t' | b'\n' | b'\r')).collect();
        if digits.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        Some(StoreKey(bytes))
    }

    /// SQLCipher's raw-key literal, as `PRAGMA key` and `ATTACH … KEY` take it.
    fn literal(&self) -> String {
        format!("x'{}'", self.hex())
    }

    /// `options` opening their file with this key (the key pragma runs first on every connection).
    pub fn apply(&self, options: SqliteConnectOptions) -> SqliteConnectOptions {
        options.pragma("key", format!("\"{}\"", self.literal()))
    }
}

/// Where a data folder's key is kept, as its key file says.
#[derive(Debug, PartialEq, Eq)]
enum KeyPlace {
    /// In the OS credential store, under this id.
    OsStore(Uuid),
    /// In the key file itself: the PC has no credential store.
    Here(StoreKey),
}

impl KeyPlace {
    fn line(&self) -> String {
        match self {
            KeyPlace::OsStore(id) => format!("os-store {id}\n"),
            KeyPlace::Here(key) => format!("key {}\n", key.hex()),
        }
    }

    fn read(line: &str) -> Option<KeyPlace> {
        match line.trim().split_once(' ')? {
            ("os-store", id) => Uuid::parse_str(id).ok().map(KeyPlace::OsStore),
            ("key", hex) => StoreKey::parse(hex).map(KeyPlace::Here),
            _ => None,
        }
    }
}

/// Whether `file` is a SQLite database in the clear (a store of an earlier version, an old
/// backup). A missing or empty file is not.
pub fn is_plain(file: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == PLAIN_HEADER
}

/// Whether `file` may be a database encrypted with a key we do not have: not in the clear, and
/// made of whole pages (SQLCipher's are 4 KiB; any SQLite page is a power of two from 512).
pub fn looks_encrypted(file: &Path) -> bool {
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    len >= 512 && len.is_multiple_of(512) && !is_plain(file)
}

/// Where the key file of `dir` says its key is, if there is one.
fn place_of(dir: &Path) -> Result<Option<KeyPlace>, KeyError> {
    let path = dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => KeyPlace::read(&text)
            .map(Some)
            .ok_or_else(|| KeyError::File { path, source: std::io::Error::other("not a key file") }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyError::File { path, source }),
    }
}

/// The key of the store in `dir`, if the folder has one and this PC can reach it.
pub async fn key_of(dir: &Path) -> Result<Option<StoreKey>, KeyError> {
    match place_of(dir)? {
        None => Ok(None),
        Some(KeyPlace::Here(key)) => Ok(Some(key)),
        Some(KeyPlace::OsStore(id)) => {
            let hex = secret::load(Vault::StoreKey, &id.to_string()).await.ok_or(KeyError::Unavailable)?;
            StoreKey::parse(&hex).map(Some).ok_or(KeyError::Unavailable)
        }
    }
}

/// Whether the key of the store in `dir` is in the OS credential store (else in its key file).
pub fn key_in_os_store(dir: &Path) -> bool {
    matches!(place_of(dir), Ok(Some(KeyPlace::OsStore(_))))
}

/// The key of the store in `dir`, made now if the folder has none yet. A folder whose store is
/// already encrypted but has no key (a file copied from another PC) is refused, not given a new
/// key that would not open it. A key kept in the file because the PC had no credential store
/// moves into one as soon as there is one (a start in a desktop session).
pub async fn key_for(dir: &Path) -> Result<StoreKey, KeyError> {
    if let Some(KeyPlace::Here(key)) = place_of(dir)? {
        keep_in_os_store(dir, &key).await?;
        return Ok(key);
    }
    if let Some(key) = key_of(dir).await? {
        return Ok(key);
    }
    let db = dir.join(DB_FILE);
    if std::fs::metadata(&db).is_ok_and(|m| m.len() > 0) && !is_plain(&db) {
        return Err(KeyError::Missing(db));
    }
    let key = StoreKey::random()?;
    let id = Uuid::new_v4();
    let place = if secret::save(Vault::StoreKey, &id.to_string(), &key.hex()).await {
        KeyPlace::OsStore(id)
    } else {
        tracing::warn!("no OS credential store: the store's key is kept in a file beside it");
        KeyPlace::Here(key.clone())
    };
    write_private(&dir.join(KEY_FILE), place.line().as_bytes())
        .map_err(|source| KeyError::File { path: dir.join(KEY_FILE), source })?;
    Ok(key)
}

/// Moves a key from the key file into the OS credential store, if there is one: the file then
/// only names it. Without one, the key stays in the file (and the log says so).
async fn keep_in_os_store(dir: &Path, key: &StoreKey) -> Result<(), KeyError> {
    let id = Uuid::new_v4();
    if !secret::save(Vault::StoreKey, &id.to_string(), &key.hex()).await {
        tracing::warn!("no OS credential store: the store's key is kept in a file beside it");
        return Ok(());
    }
    let path = dir.join(KEY_FILE);
    let io = |source| KeyError::File { path: path.clone(), source };
    // The file that held the key is zeroed before the one that names it takes its place.
    let old = path.with_extension("key-old");
    std::fs::rename(&path, &old).map_err(io)?;
    write_private(&path, KeyPlace::OsStore(id).line().as_bytes()).map_err(io)?;
    overwrite_and_remove(&old).map_err(io)?;
    tracing::info!("the store's key is in the OS credential store");
    Ok(())
}

/// Options that open the store file `db` with its folder's key: for the tools and the tests that
/// read a data folder's file directly.
pub async fn options_for(db: &Path) -> Result<SqliteConnectOptions, KeyError> {
    let dir = db.parent().unwrap_or(Path::new("."));
    let options = SqliteConnectOptions::new().filename(db);
    Ok(match key_of(dir).await? {
        Some(key) => key.apply(options),
        None => options,
    })
}

/// Writes a file only its owner can read (on Windows the user's profile folder already is).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let part = path.with_extension("part");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&part)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&part, path)
}

/// Reads a refusal to open: SQLite's "file is not a database" is the wrong key (or none).
pub fn opening_error(file: &Path, e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("26") => {
            StoreError::Key(KeyError::Wrong(file.to_owned()))
        }
        _ => StoreError::Database(e),
    }
}

/// Copies the database at `from` (opened with `from_key`, or in the clear) into a new file `to`
/// encrypted with `to_key`, every table, index and row (SQLCipher's `sqlcipher_export`, in one
/// read transaction so the copy is consistent while the desk works). Then checks that each
/// table holds as many rows in the copy as in the original.
pub async fn export(from: &Path, from_key: Option<&StoreKey>, to: &Path, to_key: &StoreKey) -> Result<(), StoreError> {
    // SQLite opens an attached file with the main file's flags: "create" lets the copy be made.
    let options = SqliteConnectOptions::new().filename(from).create_if_missing(true);
    let options = match from_key {
        Some(key) => key.apply(options),
        None => options,
    };
    let mut conn = options.connect().await.map_err(|e| opening_error(from, e))?;
    let copied = copy_into(&mut conn, to, to_key).await;
    conn.close().await?;
    copied
}

/// The copy itself, on an open connection (the store's writer for a backup) that may create
/// files.
pub async fn copy_into(conn: &mut SqliteConnection, to: &Path, to_key: &StoreKey) -> Result<(), StoreError> {
    if to.exists() {
        std::fs::remove_file(to).map_err(|source| StoreError::DataDir { path: to.to_owned(), source })?;
    }
    sqlx::query("ATTACH DATABASE ? AS copy KEY ?")
        .bind(to.to_string_lossy().into_owned())
        .bind(to_key.literal())
        .execute(&mut *conn)
        .await?;
    let copied = async {
        sqlx::query("BEGIN").execute(&mut *conn).await?;
        let exported = sqlx::query("SELECT sqlcipher_export('copy')").execute(&mut *conn).await;
        let counted = match exported {
            Ok(_) => same_rows(conn).await,
            Err(e) => Err(e.into()),
        };
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        counted
    }
    .await;
    sqlx::query("DETACH DATABASE copy").execute(&mut *conn).await?;
    copied
}

/// Whether every table of `main` has as many rows in `copy`.
async fn same_rows(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .fetch_all(&mut *conn)
            .await?;
    for (table,) in tables {
        let quoted = table.replace('"', "\"\"");
        let (here, there): (i64, i64) = sqlx::query_as(&format!(
            "SELECT (SELECT count(*) FROM main.\"{quoted}\"), (SELECT count(*) FROM copy.\"{quoted}\")"
        ))
        .fetch_one(&mut *conn)
        .await?;
        if here != there {
            return Err(StoreError::Corrupt(format!("the encrypted copy of {table} has {there} rows, not {here}")));
        }
    }
    Ok(())
}

/// Encrypts the store of `dir` in place if it is still in the clear (a store of an earlier
/// version): an encrypted copy is made beside it, checked, and renamed over it; the old file is
/// overwritten with zeros before it goes. Runs under the folder's migration lock, before any
/// connection to the store is open; a cut in the middle leaves the clear store as it was.
pub async fn encrypt_in_place(dir: &Path, key: &StoreKey) -> Result<bool, StoreError> {
    let db = dir.join(DB_FILE);
    if !is_plain(&db) {
        return Ok(false);
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| StoreError::DataDir { path, source }
    };
    let part = dir.join(format!("{DB_FILE}.encrypting"));
    // The clear store's journal is folded in first, so that the file alone holds every row.
    let mut conn = SqliteConnectOptions::new().filename(&db).create_if_missing(true).connect().await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await?;
    let copied = copy_into(&mut conn, &part, key).await;
    conn.close().await?;
    copied?;
    let old = dir.join(format!("{DB_FILE}.clear"));
    std::fs::rename(&db, &old).map_err(io(&db))?;
    for stale in ["-wal", "-shm"] {
        let path = dir.join(format!("{DB_FILE}{stale}"));
        if path.exists() {
            std::fs::remove_file(&path).map_err(io(&path))?;
        }
    }
    std::fs::rename(&part, &db).map_err(io(&db))?;
    overwrite_and_remove(&old).map_err(io(&old))?;
    tracing::info!(path = %db.display(), "the store was encrypted");
    Ok(true)
}

/// Zeros a file's bytes before removing it, so what it held is not left on the disk's free
/// blocks for anyone who reads them (as far as the disk writes in place).
pub fn overwrite_and_remove(path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let len = std::fs::metadata(path)?.len();
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    drop(file);
    std::fs::remove_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_code_reads_back_as_the_same_key() {
        let key = StoreKey([0xab; 32]);
        let code = key.recovery_code();
        assert_eq!(code.len(), 64 + 7);
        assert!(code.starts_with("ABABABAB-ABAB"));
        assert_eq!(StoreKey::parse(&code), Some(key.clone()));
        assert_eq!(StoreKey::parse(&code.to_lowercase().replace('-', " ")), Some(key));
        assert_eq!(StoreKey::parse("ABAB"), None);
        assert_eq!(StoreKey::parse(&"zz".repeat(32)), None);
    }

    #[test]
    fn a_key_file_names_where_the_key_is() {
        let id = Uuid::new_v4();
        assert_eq!(KeyPlace::read(&KeyPlace::OsStore(id).line()), Some(KeyPlace::OsStore(id)));
        let key = StoreKey([7; 32]);
        assert_eq!(KeyPlace::read(&KeyPlace::Here(key.clone()).line()), Some(KeyPlace::Here(key)));
        assert_eq!(KeyPlace::read("nonsense"), None);
    }

    #[test]
    fn the_key_never_shows_in_a_log() {
        assert_eq!(format!("{:?}", StoreKey([1; 32])), "StoreKey(..)");
    }
}
