//! Argon2id hashing off the async runtime, with a cap on concurrent hashes so
//! a burst of logins cannot starve the server of memory (19 MiB each).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::Argon2;
use domain::Password;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the phone is unknown, so both cases take the same time.
    dummy_hash: Arc<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("hashing task failed: {0}")]
    Task(String),
    #[error("argon2: {0}")]
    Argon(String),
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Argon(e.to_string()))
}

impl PasswordHasher {
    pub fn new(max_concurrent: usize) -> Result<Self, HashError> {
        let dummy_hash = hash_blocking("daojia-dummy-password-for-timing")?;
        Ok(Self { permits: Arc::new(Semaphore::new(max_concurrent.max(1))), dummy_hash: Arc::new(dummy_hash) })
    }

    pub async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError::Task(e.to_string()))?;
        let password = password.expose().to_string();
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| HashError::Task(e.to_string()))?
    }

    /// `true` only when `stored_hash` is present and matches. With no stored
    /// hash the dummy is verified anyway and the answer is `false`.
    pub async fn verify(&self, candidate: &str, stored_hash: Option<&str>) -> Result<bool, HashError> {
        let _permit = self.permits.acquire().await.map_err(|e| HashError::Task(e.to_string()))?;
        let exists = stored_hash.is_some();
        let hash = stored_hash.map(str::to_string).unwrap_or_else(|| self.dummy_hash.as_str().to_string());
        let candidate = candidate.to_string();
        let matches = tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|parsed| Argon2::default().verify_password(candidate.as_bytes(), &parsed).is_ok())
                .unwrap_or(false)
        })
        .await
        .map_err(|e| HashError::Task(e.to_string()))?;
        Ok(exists && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let hasher = PasswordHasher::new(2).unwrap();
        let password = Password::parse("correct horse").unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse", Some(&hash)).await.unwrap());
        assert!(!hasher.verify("wrong horse!", Some(&hash)).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new(1).unwrap();
        assert!(!hasher.verify("daojia-dummy-password-for-timing", None).await.unwrap());
    }
}
