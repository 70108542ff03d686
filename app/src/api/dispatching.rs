//! 派单策略 (A4): the score weights and the offer chain, as the admin edits them.

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The settings as typed: every weight and limit is text until the server
/// parses it, so a bad value is reported next to its field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DispatchForm {
    pub travel: String,
    pub rating: String,
    pub tier: String,
    pub fairness: String,
    pub acceptance: String,
    pub affinity: String,
    pub load: String,
    pub timeout_secs: String,
    pub max_offers: String,
    pub broadcast_secs: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetView {
    pub label: String,
    /// The preset's weights; the offer chain fields are left as they are.
    pub form: DispatchForm,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispatchAdminView {
    /// 0 until the first save; saving sends it back so a stale form is refused.
    pub version: i64,
    pub updated_at: Option<UnixSeconds>,
    pub form: DispatchForm,
    pub presets: Vec<PresetView>,
}

#[server(prefix = "/api", endpoint = "admin_dispatch_settings")]
pub async fn admin_dispatch_settings() -> Result<DispatchAdminView, AppError> {
    crate::server::respond(crate::server::dispatching::admin_dispatch_settings().await)
}

/// Saves weights and offer chain together if the form was read at `version`.
#[server(prefix = "/api", endpoint = "admin_save_dispatch")]
#[allow(clippy::too_many_arguments)]
pub async fn admin_save_dispatch(
    version: i64,
    travel: String,
    rating: String,
    tier: String,
    fairness: String,
    acceptance: String,
    affinity: String,
    load: String,
    timeout_secs: String,
    max_offers: String,
    broadcast_secs: String,
) -> Result<i64, AppError> {
    let form = DispatchForm { travel, rating, tier, fairness, acceptance, affinity, load, timeout_secs, max_offers, broadcast_secs };
    crate::server::respond(crate::server::dispatching::save(version, form).await)
}
