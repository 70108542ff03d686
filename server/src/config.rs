//! Configuration from environment variables. Every variable has a default
//! that runs the product locally on SQLite (see README "Configuration").

use app::server::Config;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub database_url: String,
    pub max_connections: u32,
    pub demo_data: bool,
    /// Key the sandbox payment gateway signs notifications with.
    pub sandbox_pay_key: String,
    /// Where uploads are stored: a folder (default `data/uploads`), or `s3://bucket/prefix`.
    pub uploads_url: String,
    pub app: Config,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

fn flag(name: &str) -> bool {
    matches!(var(name).as_deref(), Some("1" | "true" | "yes" | "on"))
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("{name} must be a number, got {v:?}")),
    }
}

impl ServerConfig {
    pub fn from_env() -> Result<Self, String> {
        let defaults = Config::default();
        let public_url = var("DAOJIA_PUBLIC_URL").unwrap_or_default();
        let config = Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| "sqlite:data/daojia.db".to_string()),
            max_connections: number("DAOJIA_DB_MAX_CONNECTIONS", 10)?,
            demo_data: flag("DAOJIA_DEMO"),
            uploads_url: var("DAOJIA_UPLOADS").unwrap_or_else(|| "data/uploads".to_string()),
            sandbox_pay_key: var("DAOJIA_SANDBOX_PAY_KEY").unwrap_or_else(|| "daojia-sandbox-development-key".into()),
            app: Config {
                cookie_secure: public_url.starts_with("https://") || flag("DAOJIA_COOKIE_SECURE"),
                session_ttl: Duration::from_secs(number("DAOJIA_SESSION_DAYS", 30u64)? * 24 * 3600),
                login_limit: number("DAOJIA_LOGIN_LIMIT", defaults.login_limit)?,
                login_window: Duration::from_secs(number("DAOJIA_LOGIN_WINDOW_SECS", defaults.login_window.as_secs())?),
                trust_proxy: flag("DAOJIA_TRUST_PROXY"),
                dispatch: dispatch::DispatchSettings {
                    weights: defaults.dispatch.weights,
                    policy: dispatch::OfferPolicy {
                        timeout_secs: number("DAOJIA_OFFER_TIMEOUT_SECS", defaults.dispatch.policy.timeout_secs)?,
                        max_offers: number("DAOJIA_MAX_OFFERS", defaults.dispatch.policy.max_offers)?,
                        broadcast_secs: number("DAOJIA_BROADCAST_SECS", defaults.dispatch.policy.broadcast_secs)?,
                        lead_hours: number("DAOJIA_OFFER_LEAD_HOURS", defaults.dispatch.policy.lead_hours)?,
                    },
                },
                pay_window: Duration::from_secs(number("DAOJIA_PAY_WINDOW_SECS", defaults.pay_window.as_secs())?),
                cancellation: match var("DAOJIA_CANCEL_TIERS") {
                    Some(tiers) => booking::CancellationPolicy::parse(&tiers).map_err(|e| format!("DAOJIA_CANCEL_TIERS: {e}"))?,
                    None => defaults.cancellation.clone(),
                },
                commission_bps: number("DAOJIA_COMMISSION_BPS", defaults.commission_bps)?,
                travel: dispatch::TravelModel {
                    speed_kmh: number("DAOJIA_CITY_SPEED_KMH", defaults.travel.speed_kmh)?,
                    ..defaults.travel
                },
                booking_lead: defaults.booking_lead,
                booking_days: defaults.booking_days,
                replan_every: Duration::from_secs(number("DAOJIA_REPLAN_SECS", defaults.replan_every.as_secs())?.max(1)),
                map_tile_url: var("DAOJIA_MAP_TILE_URL"),
            },
        };
        if let Some(url) = &config.app.map_tile_url {
            if !["{z}", "{x}", "{y}"].iter().all(|part| url.contains(part)) || !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("DAOJIA_MAP_TILE_URL must be an http(s) URL with {{z}}, {{x}} and {{y}}, got {url:?}"));
            }
        }
        config.app.dispatch.validate().map_err(|e| format!("DAOJIA_OFFER_TIMEOUT_SECS, DAOJIA_MAX_OFFERS, DAOJIA_BROADCAST_SECS or DAOJIA_OFFER_LEAD_HOURS out of range: {e:?}"))?;
        Ok(config)
    }

    /// The database URL with any password removed, for logs.
    pub fn redacted_database_url(&self) -> String {
        match (self.database_url.split_once("://"), self.database_url.rfind('@')) {
            (Some((scheme, _)), Some(at)) => format!("{scheme}://***{}", &self.database_url[at..]),
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_reach_the_log() {
        let config = ServerConfig {
            database_url: "postgres://daojia:s3cret@db:5432/daojia".into(),
            max_connections: 1,
            demo_data: false,
            sandbox_pay_key: String::new(),
            uploads_url: String::new(),
            app: Config::default(),
        };
        assert_eq!(config.redacted_database_url(), "postgres://***@db:5432/daojia");
    }
}
