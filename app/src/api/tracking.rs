//! Tracking (C7): while an order is between 已出发 and 已完成, the worker's
//! phone reports where they are and the customer sees it on a map, with
//! the track so far and, on the way, an ETA.

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    pub lat: f64,
    pub lng: f64,
    pub at: UnixSeconds,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackView {
    /// The order is between 已出发 and 已完成: the track is live.
    pub sharing: bool,
    /// Oldest first; while sharing, the last is where the worker is. Once
    /// the trip is over only admins get them (the kept record of the trip).
    pub points: Vec<TrackPoint>,
    /// The service address.
    pub destination: (f64, f64),
    /// On the way (已出发): the estimated travel time from the last point.
    pub eta_secs: Option<i64>,
    /// Map tiles to draw under the track (`…/{z}/{x}/{y}.png`), if configured.
    pub tile_url: Option<String>,
}

/// How often the worker's phone reports while sharing.
pub const REPORT_EVERY_SECS: u64 = 15;

/// The worker's phone reports its position for an order they hold.
#[server(prefix = "/api", endpoint = "report_position")]
pub async fn report_position(order_id: i64, lat: f64, lng: f64) -> Result<(), AppError> {
    crate::server::respond(crate::server::tracking::report(order_id, lat, lng).await)
}

/// The order's track for its customer (and admins).
#[server(prefix = "/api", endpoint = "order_track")]
pub async fn order_track(order_id: i64) -> Result<TrackView, AppError> {
    crate::server::respond(crate::server::tracking::track(order_id).await)
}
