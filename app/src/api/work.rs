//! The worker's side: live offers, accepting or declining, and the status steps.

use super::UnixSeconds;
use crate::error::AppError;
use booking::OrderState;
use domain::WorkerStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferCard {
    pub offer_id: i64,
    pub order_id: i64,
    pub service_name: String,
    /// The district-level area only, until the worker accepts.
    pub area: String,
    pub starts_at: UnixSeconds,
    pub ends_at: UnixSeconds,
    pub earnings_fen: i64,
    pub notes: String,
    pub deadline: UnixSeconds,
    /// 抢单: open to several workers; the first to grab it gets it.
    pub broadcast: bool,
    /// B6: a visit of a recurring booking (the same customer every week or two).
    pub series: Option<super::orders::SeriesPlace>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Depart,
    Arrive,
    Start,
    Complete,
    /// Not a step forward: the customer is not home (B5).
    CustomerAbsent,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Depart => "depart",
            Step::Arrive => "arrive",
            Step::Start => "start",
            Step::Complete => "complete",
            Step::CustomerAbsent => "customer_absent",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Step::Depart, Step::Arrive, Step::Start, Step::Complete, Step::CustomerAbsent].into_iter().find(|s| s.as_str() == value)
    }

    /// The step that follows `state`, if the worker has one to take.
    pub fn after(state: OrderState) -> Option<Self> {
        match state {
            OrderState::Accepted => Some(Step::Depart),
            OrderState::Departed => Some(Step::Arrive),
            OrderState::Arrived => Some(Step::Start),
            OrderState::InService => Some(Step::Complete),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderCard {
    pub order_id: i64,
    pub order_no: String,
    pub service_name: String,
    pub state: OrderState,
    pub starts_at: UnixSeconds,
    pub ends_at: UnixSeconds,
    pub address_text: String,
    pub customer_name: String,
    /// Masked (138****1234) except while the order is active.
    pub customer_phone: String,
    pub notes: String,
    pub earnings_fen: i64,
    pub next_step: Option<Step>,
    /// The checklist and photos, while the worker is at the door or serving.
    pub proof: Option<super::proof::ProofView>,
    /// The customer confirmed the completed service.
    pub confirmed: bool,
    /// The platform confirmed it for them (no confirmation or complaint in time).
    pub confirmed_auto: bool,
    /// Until the worker arrives: from when arriving costs what (B5), as
    /// (time, penalty in fen), earliest first.
    pub late_after: Vec<(UnixSeconds, i64)>,
    /// B6: a visit of a recurring booking.
    pub series: Option<super::orders::SeriesPlace>,
}

/// The worker's 健康证 lapses soon (`expired`: it has): until a renewed one
/// is accepted, no order after `valid_through` (`YYYY-MM-DD`) comes to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthNotice {
    pub valid_through: String,
    pub expired: bool,
    /// Orders the worker already accepted for days after `valid_through`:
    /// they must renew before then.
    pub orders_after: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkbenchView {
    pub status: WorkerStatus,
    pub health: Option<HealthNotice>,
    pub offers: Vec<OfferCard>,
    pub orders: Vec<WorkOrderCard>,
}

#[server(prefix = "/api", endpoint = "workbench")]
pub async fn workbench() -> Result<WorkbenchView, AppError> {
    crate::server::respond(crate::server::work::workbench().await)
}

#[server(prefix = "/api", endpoint = "respond_offer")]
pub async fn respond_offer(offer_id: i64, accept: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::work::respond_offer(offer_id, accept).await)
}

/// B6: accepts offer `offer_id` and every other visit of its recurring
/// booking the worker is offered; returns how many were accepted.
#[server(prefix = "/api", endpoint = "accept_series")]
pub async fn accept_series(offer_id: i64) -> Result<u32, AppError> {
    crate::server::respond(crate::server::work::accept_series(offer_id).await)
}

#[server(prefix = "/api", endpoint = "order_step")]
pub async fn order_step(order_id: i64, step: String, lat: Option<f64>, lng: Option<f64>) -> Result<(), AppError> {
    crate::server::respond(crate::server::work::order_step(order_id, step, lat, lng).await)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryChoice {
    pub code: String,
    pub name: String,
}

/// When and where a worker takes orders (W2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerSettingsView {
    pub categories: Vec<CategoryChoice>,
    pub skills: Vec<String>,
    /// Categories that require a qualification certificate the worker has
    /// no accepted one for: ticking them brings no orders until they do.
    pub uncertified: Vec<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub radius_km: f64,
    /// 0 = Monday … 6 = Sunday.
    pub weekdays: Vec<u8>,
    /// `08:00`, Beijing time.
    pub start: String,
    pub end: String,
}

#[server(prefix = "/api", endpoint = "worker_settings")]
pub async fn worker_settings() -> Result<WorkerSettingsView, AppError> {
    crate::server::respond(crate::server::work::worker_settings().await)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "save_worker_settings")]
pub async fn save_worker_settings(
    skills: String,
    lat: String,
    lng: String,
    radius_km: String,
    weekdays: String,
    start: String,
    end: String,
) -> Result<(), AppError> {
    crate::server::respond(crate::server::work::save_worker_settings(skills, lat, lng, radius_km, weekdays, start, end).await)
}

/// Upcoming days off (`YYYY-MM-DD`, Beijing calendar).
#[server(prefix = "/api", endpoint = "my_leave_days")]
pub async fn my_leave_days() -> Result<Vec<String>, AppError> {
    crate::server::respond(crate::server::work::my_leave_days().await)
}

#[server(prefix = "/api", endpoint = "add_leave_day")]
pub async fn add_leave_day(day: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::work::add_leave_day(day).await)
}

#[server(prefix = "/api", endpoint = "remove_leave_day")]
pub async fn remove_leave_day(day: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::work::remove_leave_day(day).await)
}
