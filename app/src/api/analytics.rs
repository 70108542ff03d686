//! 经营分析 (A7): orders and takings over time, category mix, when demand
//! falls, repeat customers, each worker's load, and how fast and far
//! dispatch works; the daily figures also download as CSV.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The spans the page offers, in days.
pub const PERIODS: [i64; 3] = [7, 30, 90];
pub const DEFAULT_DAYS: i64 = 30;

/// Where the daily figures download (`?days=` as on the page).
pub const CSV_PATH: &str = "/admin/analytics.csv";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TotalsView {
    pub orders: u32,
    pub paid_orders: u32,
    pub completed_orders: u32,
    pub cancelled_orders: u32,
    pub net_fen: i64,
    pub platform_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayView {
    /// `MM-DD`
    pub label: String,
    pub totals: TotalsView,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub name: String,
    pub paid_orders: u32,
    pub net_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerLoadView {
    pub worker_id: i64,
    pub name: String,
    pub completed_orders: u32,
    pub service_minutes: i64,
    pub net_fen: i64,
    pub available_minutes: i64,
    pub utilization: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsView {
    pub days: i64,
    /// `YYYY-MM-DD` of the first and last day, Beijing time.
    pub first_day: String,
    pub last_day: String,
    pub daily: Vec<DayView>,
    pub totals: TotalsView,
    pub categories: Vec<CategoryView>,
    /// Paid orders by weekday (Monday first) and hour of their start.
    pub demand: Vec<Vec<u32>>,
    pub customers: u32,
    pub repeat_customers: u32,
    pub repeat_rate: Option<f64>,
    pub workers: Vec<WorkerLoadView>,
    pub accept_p50_secs: Option<i64>,
    pub accept_p90_secs: Option<i64>,
    pub travel_minutes_per_order: Option<f64>,
}

/// The figures of the `days` days up to today (one of [`PERIODS`]; any other
/// value reads as the default).
#[server(prefix = "/api", endpoint = "admin_analytics")]
pub async fn admin_analytics(days: Option<i64>) -> Result<AnalyticsView, AppError> {
    crate::server::respond(crate::server::analytics::admin_analytics(days).await)
}

/// `days` if the page offers it, else the default span.
pub fn period_days(days: Option<i64>) -> i64 {
    days.filter(|d| PERIODS.contains(d)).unwrap_or(DEFAULT_DAYS)
}
