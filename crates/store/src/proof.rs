//! Proof of work (B4): the checklist steps a worker ticked, the photos
//! before and after, and the customer's confirmation. Each write checks the
//! order's state and owner in its own transaction.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderPhotoRecord {
    pub stage: String,
    pub storage_key: String,
}

/// A proof photo its order's worker adds.
#[derive(Debug, Clone, Copy)]
pub struct NewOrderPhoto<'a> {
    pub order_id: i64,
    pub worker_id: i64,
    /// `before` or `after`.
    pub stage: &'a str,
    pub storage_key: &'a str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProofRecord {
    /// Ticked checklist positions (0-based), in order.
    pub ticked: Vec<i32>,
    /// Oldest first.
    pub photos: Vec<OrderPhotoRecord>,
}

impl ProofRecord {
    /// The storage keys of the photos of `stage` (`before`/`after`), oldest first.
    pub fn photos_at<'a>(&'a self, stage: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.photos.iter().filter(move |p| p.stage == stage).map(|p| p.storage_key.as_str())
    }
}

#[async_trait]
pub trait ProofStore: Send + Sync {
    async fn order_proof(&self, order_id: i64) -> StoreResult<ProofRecord>;
    /// Ticks step `position` of an order its worker `worker_id` is serving
    /// (state `in_service`); ticking a ticked step changes nothing.
    /// `Conflict` when the order is not theirs or not in service, or the
    /// step is not on its checklist.
    async fn tick_step(&self, order_id: i64, worker_id: i64, position: i32, now: OffsetDateTime) -> StoreResult<()>;
    /// Adds the photo while its order is in one of `open_states` and held by
    /// its worker, unless the order has `max` of that stage already
    /// (`Conflict`: nothing is added).
    async fn add_order_photo(&self, photo: &NewOrderPhoto<'_>, open_states: &[&str], max: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// The order a stored proof photo belongs to.
    async fn order_photo_order(&self, storage_key: &str) -> StoreResult<Option<i64>>;
    /// The customer confirms their completed order once, and its worker's
    /// open pages are told; `Conflict` otherwise.
    async fn confirm_service(&self, order_id: i64, customer_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// Confirms a completed order for its customer (B4) unless it is
    /// confirmed already or has an unresolved complaint; `false` then.
    async fn auto_confirm_service(&self, order_id: i64, now: OffsetDateTime) -> StoreResult<bool>;
}

macro_rules! shared_proof_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::proof::ProofStore for $store {
            async fn order_proof(&self, order_id: i64) -> crate::StoreResult<crate::ProofRecord> {
                let ticked = sqlx::query_scalar("SELECT position FROM order_checks WHERE order_id = $1 ORDER BY position")
                    .bind(order_id)
                    .fetch_all(&self.pool)
                    .await?;
                let photos = sqlx::query_as("SELECT stage, storage_key FROM order_photos WHERE order_id = $1 ORDER BY id")
                    .bind(order_id)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(crate::ProofRecord { ticked, photos })
            }

            async fn tick_step(&self, order_id: i64, worker_id: i64, position: i32, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let order: Option<(Option<String>, i64)> =
                    sqlx::query_as("SELECT checklist, customer_id FROM orders WHERE id = $1 AND worker_id = $2 AND state = $3")
                        .bind(order_id)
                        .bind(worker_id)
                        .bind(booking::OrderState::InService.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((checklist, customer_id)) = order else {
                    return Err(crate::StoreError::Conflict);
                };
                let steps = booking::checklist_items(checklist.as_deref()).len();
                if usize::try_from(position).map_or(true, |p| p >= steps) {
                    return Err(crate::StoreError::Conflict);
                }
                let added = sqlx::query("INSERT INTO order_checks (order_id, position, checked_at) VALUES ($1, $2, $3) ON CONFLICT (order_id, position) DO NOTHING")
                    .bind(order_id)
                    .bind(position)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if added.rows_affected() > 0 {
                    Self::append_live(&mut tx, &[customer_id], "order", Some(order_id), now).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_order_photo(
                &self,
                photo: &crate::NewOrderPhoto<'_>,
                open_states: &[&str],
                max: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let crate::NewOrderPhoto { order_id, worker_id, stage, storage_key } = *photo;
                let mut tx = self.begin_write().await?;
                let order: Option<(String, i64)> = sqlx::query_as("SELECT state, customer_id FROM orders WHERE id = $1 AND worker_id = $2")
                    .bind(order_id)
                    .bind(worker_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((_, customer_id)) = order.filter(|(state, _)| open_states.contains(&state.as_str())) else {
                    return Err(crate::StoreError::Conflict);
                };
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM order_photos WHERE order_id = $1 AND stage = $2")
                    .bind(order_id)
                    .bind(stage)
                    .fetch_one(&mut *tx)
                    .await?;
                if held >= max {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query("INSERT INTO order_photos (order_id, stage, storage_key, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(order_id)
                    .bind(stage)
                    .bind(storage_key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::append_live(&mut tx, &[customer_id], "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn order_photo_order(&self, storage_key: &str) -> crate::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT order_id FROM order_photos WHERE storage_key = $1")
                    .bind(storage_key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn confirm_service(&self, order_id: i64, customer_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let worker: Option<Option<i64>> = sqlx::query_scalar(
                    "UPDATE orders SET confirmed_at = $1 WHERE id = $2 AND customer_id = $3 AND state = $4 AND confirmed_at IS NULL
                     RETURNING worker_id",
                )
                .bind(now)
                .bind(order_id)
                .bind(customer_id)
                .bind(booking::OrderState::Completed.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(worker) = worker else {
                    return Err(crate::StoreError::Conflict);
                };
                let notify: Vec<i64> = worker.into_iter().collect();
                Self::append_live(&mut tx, &notify, "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn auto_confirm_service(&self, order_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let parties: Option<(i64, Option<i64>)> = sqlx::query_as(&format!(
                    "UPDATE orders AS o SET confirmed_at = $1, confirmed_auto = TRUE
                     WHERE o.id = $2 AND o.state = $3 AND o.confirmed_at IS NULL AND NOT ({})
                     RETURNING customer_id, worker_id",
                    crate::orders::OPEN_COMPLAINT_SQL
                ))
                .bind(now)
                .bind(order_id)
                .bind(booking::OrderState::Completed.as_str())
                .fetch_optional(&mut *tx)
                .await?;
                let Some((customer, worker)) = parties else {
                    return Ok(false);
                };
                let notify: Vec<i64> = std::iter::once(customer).chain(worker).collect();
                Self::append_live(&mut tx, &notify, "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}
pub(crate) use shared_proof_impl;
