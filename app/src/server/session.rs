//! Database-backed sessions. The browser holds a random token in an HttpOnly
//! cookie; the database holds only its SHA-256, so a leaked table cannot be
//! replayed as cookies.

use super::Config;
use axum::http::{header::COOKIE, HeaderMap, HeaderValue};
use rand::RngCore;
use sha2::{Digest, Sha256};
use store::{DynStore, User};

pub const SESSION_COOKIE: &str = "dj_sid";

/// What the session middleware learned about the request, stored in the
/// request's extensions for pages and server functions.
#[derive(Debug, Clone)]
pub enum SessionState {
    Anonymous,
    /// A cookie was sent but its session is gone (expired, logged out, account disabled).
    Expired,
    SignedIn { user: User, token_hash: String },
}

impl SessionState {
    pub fn user(&self) -> Option<&User> {
        match self {
            SessionState::SignedIn { user, .. } => Some(user),
            _ => None,
        }
    }
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

pub fn session_cookie(token: &str, config: &Config) -> HeaderValue {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    let value = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        config.session_ttl.as_secs()
    );
    HeaderValue::from_str(&value).expect("token is hex")
}

pub fn clearing_cookie(config: &Config) -> HeaderValue {
    let secure = if config.cookie_secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"))
        .expect("static cookie")
}

/// Looks the request's session up in the store. Sessions and login
/// throttling run on wall time, as the hourly upkeep that expires them does;
/// the business clock (`AppState::clock`) is for orders, money and offers.
pub async fn resolve(store: &DynStore, headers: &HeaderMap) -> SessionState {
    let Some(token) = token_from_headers(headers) else {
        return SessionState::Anonymous;
    };
    let token_hash = hash_token(&token);
    match store.session_user(&token_hash, time::OffsetDateTime::now_utc()).await {
        Ok(Some(user)) => SessionState::SignedIn { user, token_hash },
        Ok(None) => SessionState::Expired,
        Err(err) => {
            tracing::error!(error = %err, "session lookup failed");
            SessionState::Anonymous
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_unique() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
    }

    #[test]
    fn the_store_sees_a_hash_not_the_token() {
        let token = new_token();
        assert_ne!(hash_token(&token), token);
        assert_eq!(hash_token(&token), hash_token(&token));
    }

    #[test]
    fn session_cookie_is_httponly_lax_and_secure_over_https() {
        let mut config = Config::default();
        let plain = session_cookie("abc", &config);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Lax") && !plain.contains("Secure"));
        config.cookie_secure = true;
        assert!(session_cookie("abc", &config).to_str().unwrap().ends_with("; Secure"));
    }

    #[test]
    fn token_is_read_from_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; dj_sid=tok123; b=2"));
        assert_eq!(token_from_headers(&headers).as_deref(), Some("tok123"));
        headers.insert(COOKIE, HeaderValue::from_static("dj_sid="));
        assert_eq!(token_from_headers(&headers), None);
    }
}
