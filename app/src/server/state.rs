use super::passwords::PasswordHasher;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use std::time::Duration;
use store::DynStore;

/// Settings read once at start-up (see the README for the variables).
#[derive(Debug, Clone)]
pub struct Config {
    /// Adds `Secure` to the session cookie; on whenever the site is served over HTTPS.
    pub cookie_secure: bool,
    pub session_ttl: Duration,
    /// Login attempts allowed per phone and per IP within `login_window`.
    pub login_limit: i64,
    pub login_window: Duration,
    /// Trust `X-Forwarded-For` for the client IP (only behind a known proxy).
    pub trust_proxy: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            login_limit: 10,
            login_window: Duration::from_secs(180),
            trust_proxy: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub config: Arc<Config>,
    pub passwords: PasswordHasher,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
