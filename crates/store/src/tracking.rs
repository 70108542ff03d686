//! The worker's position while it is shared with the order's customer (C7).

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PositionRecord {
    pub lat: f64,
    pub lng: f64,
    pub recorded_at: OffsetDateTime,
}

/// The shortest gap between two stored positions of one order.
pub const MIN_REPORT_GAP_SECS: i64 = 5;

#[async_trait]
pub trait TrackingStore: Send + Sync {
    /// Records where `worker_id` is, if they hold `order_id` and it is in a
    /// state that shares their position (checked in the same transaction),
    /// and tells the customer's open pages; `false` when it is not theirs to
    /// report. A report within [`MIN_REPORT_GAP_SECS`] of the last is
    /// accepted but not stored, so a phone cannot flood the track.
    async fn record_position(&self, order_id: i64, worker_id: i64, lat: f64, lng: f64, now: OffsetDateTime) -> StoreResult<bool>;
    /// The newest `limit` positions of an order, oldest first.
    async fn order_track(&self, order_id: i64, limit: i64) -> StoreResult<Vec<PositionRecord>>;
    /// Forgets every position recorded before `before`; how many went.
    async fn purge_positions(&self, before: OffsetDateTime) -> StoreResult<u64>;
}

macro_rules! shared_tracking_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::tracking::TrackingStore for $store {
            async fn record_position(
                &self,
                order_id: i64,
                worker_id: i64,
                lat: f64,
                lng: f64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let order: Option<(String, i64)> = sqlx::query_as("SELECT state, customer_id FROM orders WHERE id = $1 AND worker_id = $2")
                    .bind(order_id)
                    .bind(worker_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let sharing = |state: &str| booking::OrderState::from_db(state).is_some_and(booking::OrderState::shares_position);
                let Some((_, customer_id)) = order.filter(|(state, _)| sharing(state)) else {
                    return Ok(false);
                };
                let last: Option<time::OffsetDateTime> =
                    sqlx::query_scalar("SELECT recorded_at FROM order_positions WHERE order_id = $1 ORDER BY id DESC LIMIT 1")
                        .bind(order_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if last.is_some_and(|at| now - at < time::Duration::seconds(crate::tracking::MIN_REPORT_GAP_SECS)) {
                    return Ok(true);
                }
                sqlx::query("INSERT INTO order_positions (order_id, worker_id, lat, lng, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(order_id)
                    .bind(worker_id)
                    .bind(lat)
                    .bind(lng)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::append_live(&mut tx, &[customer_id], "position", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn order_track(&self, order_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::PositionRecord>> {
                let mut rows: Vec<crate::PositionRecord> =
                    sqlx::query_as("SELECT lat, lng, recorded_at FROM order_positions WHERE order_id = $1 ORDER BY id DESC LIMIT $2")
                        .bind(order_id)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                rows.reverse();
                Ok(rows)
            }

            async fn purge_positions(&self, before: time::OffsetDateTime) -> crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM order_positions WHERE recorded_at < $1").bind(before).execute(&self.pool).await?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(crate) use shared_tracking_impl;
