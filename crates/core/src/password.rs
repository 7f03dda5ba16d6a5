//! Password hashes for the desk's accounts and the province's: Argon2id (RustCrypto), stored as
//! PHC strings with their salt. Slow by design (tens of milliseconds, 19 MiB): callers run them off
//! their async threads.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// A hash or a stored hash that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("password hash: {0}")]
pub struct PasswordError(String);

/// The PHC string of a new password's Argon2id hash, with a fresh salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError(e.to_string()))
}

/// Whether `password` is the one `hash` was made from.
pub fn verify(password: &str, hash: &str) -> Result<bool, PasswordError> {
    let parsed = PasswordHash::new(hash).map_err(|e| PasswordError(e.to_string()))?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_verifies_its_password_only_and_salts_differ() {
        let h = super::hash("mật khẩu dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("mật khẩu dài", &h).unwrap());
        assert!(!super::verify("mật khẩu sai", &h).unwrap());
        assert_ne!(h, super::hash("mật khẩu dài").unwrap());
        assert!(super::verify("x", "not a hash").is_err());
    }
}
