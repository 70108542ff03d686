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
    pub lead_hours: String,
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
    lead_hours: String,
) -> Result<i64, AppError> {
    let form = DispatchForm { travel, rating, tier, fairness, acceptance, affinity, load, timeout_secs, max_offers, broadcast_secs, lead_hours };
    crate::server::respond(crate::server::dispatching::save(version, form).await)
}

/// One order in a day plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStop {
    pub order_id: i64,
    pub order_no: String,
    pub service_name: String,
    pub starts_at: UnixSeconds,
    pub ends_at: UnixSeconds,
    /// District only, as workers see it before accepting.
    pub area: String,
    /// Accepted (or awaiting payment): stays with its worker.
    pub fixed: bool,
    /// The plan gives it to someone other than who holds it now.
    pub moved: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRoute {
    pub worker_id: i64,
    pub worker_name: String,
    /// Road kilometres from home through the stops and back, e.g. `12.4`.
    pub km: String,
    pub stops: Vec<PlanStop>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnplannedView {
    pub stop: PlanStop,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayPlanView {
    /// Beijing date, `YYYY-MM-DD`.
    pub date: String,
    pub routes: Vec<PlanRoute>,
    pub unplanned: Vec<UnplannedView>,
    /// Kilometres as the orders are held now, and as planned.
    pub km_now: String,
    pub km_planned: String,
    /// `order:worker` pairs the plan changes, comma-separated: what 采用方案 applies.
    pub changes: String,
    pub change_count: usize,
}

/// The planner's proposal for a day (B1 (c)); nothing changes until applied.
#[server(prefix = "/api", endpoint = "admin_day_plan")]
pub async fn admin_day_plan(date: Option<String>) -> Result<DayPlanView, AppError> {
    crate::server::respond(crate::server::dispatching::day_plan(date).await)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedPlan {
    pub assigned: usize,
    /// Orders that changed since the plan was made (taken, cancelled, or the
    /// worker no longer fits), left as they are.
    pub skipped: usize,
}

/// Assigns each order the plan moves to its planned worker, checking every
/// hard rule again; an order that changed meanwhile is skipped.
#[server(prefix = "/api", endpoint = "admin_apply_plan")]
pub async fn admin_apply_plan(date: String, changes: String) -> Result<AppliedPlan, AppError> {
    crate::server::respond(crate::server::dispatching::apply_plan(date, changes).await)
}

/// Orders waiting in 派单队列, for the admin menu's badge.
#[server(prefix = "/api", endpoint = "admin_queue_size")]
pub async fn admin_queue_size() -> Result<i64, AppError> {
    crate::server::respond(crate::server::dispatching::queue_size().await)
}
