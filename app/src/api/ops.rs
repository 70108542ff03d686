//! Admin order operations: all orders, an order's full history with the
//! dispatch explanations, and the manual dispatch queue.

use super::orders::{DaySlots, OrderCard, OrderView};
use super::UnixSeconds;
use crate::error::AppError;
use booking::Anomaly;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferView {
    pub worker_name: String,
    pub status: String,
    /// Part of a 抢单 broadcast rather than a one-to-one offer.
    pub broadcast: bool,
    pub offered_at: UnixSeconds,
    pub responded_at: Option<UnixSeconds>,
    /// Why this worker: the total and each weighted score part.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateView {
    pub worker_id: i64,
    pub name: String,
    /// Hard rules this worker fails for the order (empty: eligible).
    pub failures: Vec<String>,
    pub score: Option<f64>,
    /// Each score part, for eligible workers.
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOrderView {
    pub detail: OrderView,
    /// What the order monitor flags on it now.
    pub anomaly: Option<Anomaly>,
    pub customer_id: i64,
    pub customer_name: String,
    pub offers: Vec<OfferView>,
    pub candidates: Vec<CandidateView>,
    /// Each dispatch decision with what it saw then, oldest first.
    pub decisions: Vec<DecisionView>,
    /// The day planner's moves of the order's hold before anyone was offered it.
    pub replans: Vec<ReplanView>,
    /// Whose time the order holds while no worker has it (unpaid, or not yet offered).
    pub holder_name: Option<String>,
    /// Where the order's money went, oldest first.
    pub money: Vec<MoneyMoveView>,
    /// What the customer and workers were told about it, oldest first.
    pub notices: Vec<NoticeView>,
    /// What cancelling it now settles when it is a contract in service.
    pub contract_end: Option<ContractEndView>,
}

/// What ending a contract in service early settles (B8): its nanny is paid
/// the days she served (less what its months paid her) and the family gets
/// the rest back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEndView {
    pub days_served: i64,
    pub earned_fen: i64,
    pub months_paid_fen: i64,
    pub to_nanny_fen: i64,
    pub refund_fen: i64,
}

/// One message about an order: to whom, how and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeView {
    pub at: UnixSeconds,
    pub to_name: String,
    pub to_customer: bool,
    pub by_text: bool,
    pub body: String,
}

/// One ledger transaction about an order: its kind (`capture`,
/// `completion`, `penalty`, …), note, worker and each account's change
/// (the stored account kind and the amount in fen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyMoveView {
    pub at: UnixSeconds,
    pub kind: String,
    pub memo: String,
    pub worker_name: Option<String>,
    pub entries: Vec<(String, i64)>,
}

/// One dispatch decision as it was made: the offer chain's step and every
/// candidate it considered then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub at: UnixSeconds,
    /// `offer`, `broadcast` or `escalate`.
    pub outcome: String,
    /// Who a one-to-one offer went to.
    pub offered_to: Option<String>,
    /// Eligible workers, best first: name and score parts.
    pub ranked: Vec<(String, String)>,
    /// Every other candidate: name and the hard rules they broke.
    pub excluded: Vec<(String, String)>,
    /// How many were eligible and excluded in all: the lists above keep
    /// only the best and the nearest.
    pub eligible_count: usize,
    pub excluded_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplanView {
    pub from_name: String,
    pub to_name: String,
    /// The day's planned road kilometres before and after, e.g. `12.4`;
    /// `None` when the hold moved to make room for a new booking.
    pub km: Option<(String, String)>,
    pub at: UnixSeconds,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminOrderRow {
    pub card: OrderCard,
    pub customer_id: i64,
    pub customer_name: String,
    pub needs_admin: bool,
    /// What the order monitor flags on it now.
    pub anomaly: Option<Anomaly>,
    /// Feedback about it is still unresolved.
    pub open_complaint: bool,
    /// The service address, for the order map.
    pub lat: f64,
    pub lng: f64,
}

/// What the 订单管理 list can narrow to besides the state (`?attention=` in
/// its URL): each is what one 数据看板 tile counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAttention {
    /// Orders flagged 接单超时, 服务者迟到 or 服务超时.
    Anomalous,
    /// Orders placed since midnight, Beijing time.
    PlacedToday,
    /// Orders a worker has taken and not yet finished.
    Underway,
    /// Orders with feedback about them still unresolved.
    Complained,
}

impl OrderAttention {
    pub const ALL: [OrderAttention; 4] = [OrderAttention::Anomalous, OrderAttention::Complained, OrderAttention::PlacedToday, OrderAttention::Underway];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderAttention::Anomalous => "anomaly",
            OrderAttention::PlacedToday => "today",
            OrderAttention::Underway => "underway",
            OrderAttention::Complained => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[server(prefix = "/api", endpoint = "admin_orders")]
pub async fn admin_orders(state: Option<String>, queue: Option<bool>, attention: Option<String>) -> Result<Vec<AdminOrderRow>, AppError> {
    crate::server::respond(crate::server::ops::admin_orders(state, queue.unwrap_or(false), attention).await)
}

/// The map tile URL the order map draws under its orders, if one is configured.
#[server(prefix = "/api", endpoint = "admin_map_tiles")]
pub async fn admin_map_tiles() -> Result<Option<String>, AppError> {
    crate::server::respond(crate::server::ops::admin_map_tiles())
}

#[server(prefix = "/api", endpoint = "admin_order")]
pub async fn admin_order(order_id: i64) -> Result<AdminOrderView, AppError> {
    crate::server::respond(crate::server::ops::admin_order(order_id).await)
}

/// Cancels an order for the platform: no fee, the customer refunded in full.
/// `with_later_visits` (B6): every later visit of its series not yet under
/// way goes too; returns how many orders were cancelled.
#[server(prefix = "/api", endpoint = "admin_cancel_order")]
pub async fn admin_cancel_order(order_id: i64, reason: String, with_later_visits: Option<bool>) -> Result<i64, AppError> {
    crate::server::respond(crate::server::ops::admin_cancel_order(order_id, reason, with_later_visits.unwrap_or(false)).await)
}

/// 客服改期: where the order could move to, its worker's free slots.
#[server(prefix = "/api", endpoint = "admin_reschedule_slots")]
pub async fn admin_reschedule_slots(order_id: i64) -> Result<Vec<DaySlots>, AppError> {
    crate::server::respond(crate::server::ops::admin_reschedule_slots(order_id).await)
}

/// 客服改期: moves the order to `start` for its customer, with a reason.
#[server(prefix = "/api", endpoint = "admin_reschedule_order")]
pub async fn admin_reschedule_order(order_id: i64, start: UnixSeconds, reason: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::ops::admin_reschedule_order(order_id, start, reason).await)
}

#[server(prefix = "/api", endpoint = "admin_assign")]
pub async fn admin_assign(order_id: i64, worker_id: i64, override_rules: Option<bool>) -> Result<(), AppError> {
    crate::server::respond(crate::server::ops::admin_assign(order_id, worker_id, override_rules.unwrap_or(false)).await)
}
