//! Favorites and the history recommendations are drawn from (C13).

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
pub trait FavoriteStore: Send + Sync {
    /// Adds or removes a favorite; doing it twice is harmless.
    async fn set_favorite_service(&self, customer_id: i64, service_id: i64, favorite: bool, now: OffsetDateTime) -> StoreResult<()>;
    /// Favorite service ids, newest first.
    async fn favorite_service_ids(&self, customer_id: i64) -> StoreResult<Vec<i64>>;
    /// Services the customer has ordered, most recent first, once each.
    async fn ordered_service_ids(&self, customer_id: i64) -> StoreResult<Vec<i64>>;
    /// Listed services by how often they were ordered.
    async fn popular_service_ids(&self, limit: i64) -> StoreResult<Vec<i64>>;
    /// Adds or removes a favorite worker; doing it twice is harmless.
    async fn set_favorite_worker(&self, customer_id: i64, worker_id: i64, favorite: bool, now: OffsetDateTime) -> StoreResult<()>;
    /// Favorite workers, newest first, with how many of the customer's
    /// orders each has completed.
    async fn favorite_workers(&self, customer_id: i64) -> StoreResult<Vec<crate::FavoriteWorker>>;
    /// Whether `worker_id` has ever been assigned one of the customer's orders.
    async fn has_served(&self, customer_id: i64, worker_id: i64) -> StoreResult<bool>;
}

macro_rules! shared_favorites_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::favorites::FavoriteStore for $store {
            async fn set_favorite_service(&self, customer_id: i64, service_id: i64, favorite: bool, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                if favorite {
                    sqlx::query(
                        "INSERT INTO favorite_services (customer_id, service_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    )
                    .bind(customer_id)
                    .bind(service_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                } else {
                    sqlx::query("DELETE FROM favorite_services WHERE customer_id = $1 AND service_id = $2")
                        .bind(customer_id)
                        .bind(service_id)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn favorite_service_ids(&self, customer_id: i64) -> crate::StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar("SELECT service_id FROM favorite_services WHERE customer_id = $1 ORDER BY created_at DESC")
                    .bind(customer_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn ordered_service_ids(&self, customer_id: i64) -> crate::StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT service_id FROM orders WHERE customer_id = $1 GROUP BY service_id ORDER BY MAX(id) DESC LIMIT 20",
                )
                .bind(customer_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn popular_service_ids(&self, limit: i64) -> crate::StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT s.id FROM services s LEFT JOIN orders o ON o.service_id = s.id
                     WHERE s.status = 'listed' GROUP BY s.id, s.sort_order ORDER BY COUNT(o.id) DESC, s.sort_order, s.id LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn set_favorite_worker(&self, customer_id: i64, worker_id: i64, favorite: bool, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                if favorite {
                    sqlx::query("INSERT INTO favorite_workers (customer_id, worker_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                        .bind(customer_id)
                        .bind(worker_id)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                } else {
                    sqlx::query("DELETE FROM favorite_workers WHERE customer_id = $1 AND worker_id = $2")
                        .bind(customer_id)
                        .bind(worker_id)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn favorite_workers(&self, customer_id: i64) -> crate::StoreResult<Vec<crate::FavoriteWorker>> {
                Ok(sqlx::query_as(
                    "SELECT f.worker_id, u.display_name,
                        (SELECT COUNT(*) FROM orders o WHERE o.customer_id = f.customer_id AND o.worker_id = f.worker_id
                           AND o.state = 'completed') AS completed_orders
                     FROM favorite_workers f JOIN users u ON u.id = f.worker_id
                     WHERE f.customer_id = $1 ORDER BY f.created_at DESC, f.worker_id",
                )
                .bind(customer_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn has_served(&self, customer_id: i64, worker_id: i64) -> crate::StoreResult<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE customer_id = $1 AND worker_id = $2")
                    .bind(customer_id)
                    .bind(worker_id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n > 0)
            }
        }
    };
}
pub(crate) use shared_favorites_impl;
