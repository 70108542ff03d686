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
    /// How long a worker has to answer an offer.
    pub offer_timeout: Duration,
    /// Offers made one by one before the order goes to the admin queue.
    pub max_offers: u32,
    /// How long an unpaid order holds its slot.
    pub pay_window: Duration,
    pub cancellation: booking::CancellationPolicy,
    /// The platform's share of an order, in basis points (worker earnings shown to workers).
    pub commission_bps: i64,
    /// Straight-line travel model for slots and dispatch.
    pub travel: dispatch::TravelModel,
    /// Earliest bookable start, counted from now.
    pub booking_lead: Duration,
    pub booking_days: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            login_limit: 10,
            login_window: Duration::from_secs(180),
            trust_proxy: false,
            offer_timeout: Duration::from_secs(60),
            max_offers: 3,
            pay_window: Duration::from_secs(15 * 60),
            cancellation: booking::CancellationPolicy::default(),
            commission_bps: 2000,
            travel: dispatch::TravelModel::default(),
            booking_lead: Duration::from_secs(3600),
            booking_days: 14,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub payments: Arc<payments::SandboxProvider>,
    pub config: Arc<Config>,
    pub passwords: PasswordHasher,
    /// Uploaded files (local disk by default, S3-compatible by configuration).
    pub files: uploads::FileStore,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
