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
        }
    };
}
pub(crate) use shared_favorites_impl;
