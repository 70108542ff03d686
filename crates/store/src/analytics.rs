//! What 经营分析 (A7) reads: one row per order placed in a span of time, and
//! the approved workers' weekly hours. The `analytics` crate adds them up.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrderFactRecord {
    pub customer_id: i64,
    pub worker_id: Option<i64>,
    pub category_code: String,
    pub state: String,
    pub created_at: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub paid_fen: i64,
    pub refund_fen: i64,
    /// Commission and cancellation fees the ledger credited the platform for it.
    pub platform_fen: i64,
    pub paid_at: Option<OffsetDateTime>,
    pub accepted_at: Option<OffsetDateTime>,
    /// The accepted one-to-one or broadcast offer's explanation, as stored.
    pub accepted_offer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct WeeklyHoursRecord {
    pub worker_id: i64,
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

#[async_trait]
pub trait AnalyticsStore: Send + Sync {
    /// Every order placed in `[from, to)`, oldest first.
    async fn order_facts(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<OrderFactRecord>>;
    /// The weekly hours of every approved worker.
    async fn approved_worker_hours(&self) -> StoreResult<Vec<WeeklyHoursRecord>>;
    /// `(id, display name)` of these users.
    async fn display_names(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
}

macro_rules! shared_analytics_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::analytics::AnalyticsStore for $store {
            async fn order_facts(&self, from: time::OffsetDateTime, to: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::OrderFactRecord>> {
                Ok(sqlx::query_as(
                    "SELECT o.customer_id, o.worker_id, o.category_code, o.state, o.created_at, o.starts_at, o.ends_at,
                        o.paid_fen, o.refund_fen,
                        CAST(COALESCE((SELECT SUM(e.amount_fen) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.txn_id
                                       WHERE t.order_id = o.id AND e.account IN ('platform_commission', 'promotions')), 0) AS BIGINT) AS platform_fen,
                        (SELECT MIN(v.created_at) FROM order_events v WHERE v.order_id = o.id AND v.kind = 'payment_confirmed') AS paid_at,
                        (SELECT MIN(v.created_at) FROM order_events v WHERE v.order_id = o.id AND v.to_state = 'accepted') AS accepted_at,
                        (SELECT f.explanation FROM offers f WHERE f.order_id = o.id AND f.status = 'accepted' ORDER BY f.id DESC LIMIT 1) AS accepted_offer
                     FROM orders o WHERE o.created_at >= $1 AND o.created_at < $2 ORDER BY o.id",
                )
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn approved_worker_hours(&self) -> crate::StoreResult<Vec<crate::WeeklyHoursRecord>> {
                Ok(sqlx::query_as(
                    "SELECT h.worker_id, CAST(h.weekday AS BIGINT) AS weekday, CAST(h.start_minute AS BIGINT) AS start_minute,
                        CAST(h.end_minute AS BIGINT) AS end_minute
                     FROM worker_hours h JOIN worker_profiles p ON p.user_id = h.worker_id JOIN users u ON u.id = h.worker_id
                     WHERE p.status = 'approved' AND u.disabled = FALSE ORDER BY h.worker_id, h.weekday, h.start_minute",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn display_names(&self, ids: &[i64]) -> crate::StoreResult<Vec<(i64, String)>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!("SELECT id, display_name FROM users WHERE id IN ({})", crate::dispatching::id_list(ids));
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }
        }
    };
}
pub(crate) use shared_analytics_impl;
