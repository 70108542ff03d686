//! Proof of work (B4): the checklist the worker ticks while serving, photos
//! before and after, and the customer's confirmation.

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub position: i32,
    pub text: String,
    pub ticked: bool,
}

/// An order's proof as its viewer may act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofView {
    pub items: Vec<ChecklistItem>,
    /// The service asks for photos before and after.
    pub photos_required: bool,
    /// Addresses of the photos, oldest first.
    pub before: Vec<String>,
    pub after: Vec<String>,
    /// For the order's worker: steps may be ticked now (服务中).
    pub can_tick: bool,
    /// For the order's worker: a 服务前 / 服务后 photo may be added now.
    pub before_open: bool,
    pub after_open: bool,
    /// The service is completed (so the proof is closed).
    pub completed: bool,
    pub confirmed_at: Option<UnixSeconds>,
    /// The platform confirmed it, nobody having confirmed or complained in time.
    pub confirmed_auto: bool,
    /// For the customer: the completed service waits for their confirmation.
    pub can_confirm: bool,
}

/// The worker ticks step `position` of the order they are serving.
#[server(prefix = "/api", endpoint = "tick_step")]
pub async fn tick_step(order_id: i64, position: i32) -> Result<(), AppError> {
    crate::server::respond(crate::server::proof::tick_step(order_id, position).await)
}

/// The customer confirms their completed service (确认完成).
#[server(prefix = "/api", endpoint = "confirm_service")]
pub async fn confirm_service(order_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::proof::confirm_service(order_id).await)
}
