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
    /// Score weights and the offer chain until an admin saves their own (派单策略).
    pub dispatch: dispatch::DispatchSettings,
    /// How long an unpaid order holds its slot.
    pub pay_window: Duration,
    pub cancellation: booking::CancellationPolicy,
    /// The platform's share of an order, in basis points (worker earnings shown to workers).
    pub commission_bps: i64,
    /// Settings of the default travel model ([`AppState::travel`]).
    pub travel: dispatch::TravelModel,
    /// Earliest bookable start, counted from now.
    pub booking_lead: Duration,
    pub booking_days: u32,
    /// How often a day with orders not yet offered is planned again.
    pub replan_every: Duration,
    /// Map tiles behind the customer's tracking map, `…/{z}/{x}/{y}.png`;
    /// `None` draws the track on a plain grid (and needs no internet).
    pub map_tile_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            login_limit: 10,
            login_window: Duration::from_secs(180),
            trust_proxy: false,
            dispatch: dispatch::DispatchSettings::default(),
            pay_window: Duration::from_secs(15 * 60),
            cancellation: booking::CancellationPolicy::default(),
            commission_bps: 2000,
            travel: dispatch::TravelModel::default(),
            booking_lead: Duration::from_secs(3600),
            booking_days: 14,
            replan_every: Duration::from_secs(600),
            map_tile_url: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub payments: Arc<payments::SandboxProvider>,
    pub config: Arc<Config>,
    /// Travel times and road distances for slots, dispatch and day plans:
    /// the configured straight-line model, or a routing service in its place.
    pub travel: Arc<dyn dispatch::Travel>,
    pub passwords: PasswordHasher,
    /// Uploaded files (local disk by default, S3-compatible by configuration).
    pub files: uploads::FileStore,
    pub leptos_options: LeptosOptions,
    /// What the offer chain and the job runner take as "now".
    pub clock: Clock,
    /// Where login codes are texted.
    pub sms: Arc<dyn super::sms::SmsSender>,
}

/// Wall-clock time, which tests can move forward to reach an offer's or a
/// broadcast's deadline without waiting for it (the chain's state is all in
/// the database, so moving the clock is all a timeout needs).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    skipped_secs: Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + time::Duration::seconds(self.skipped_secs.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Sets the clock to read `at` from now on, back or forward. For a
    /// clock of its own, as the demo seeder's replay of past days uses.
    pub fn set(&self, at: time::OffsetDateTime) {
        let secs = (at - time::OffsetDateTime::now_utc()).whole_seconds();
        self.skipped_secs.store(secs, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.skipped_secs.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
