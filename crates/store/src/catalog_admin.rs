//! Running the catalog (A1): editing, delisting and relisting services and
//! their pictures. Delisted services vanish from browsing; orders keep their
//! own copy of the name, so old orders still show it.

use crate::{NewService, StoreResult};
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminServiceRow {
    pub id: i64,
    pub name: String,
    pub category_name: String,
    pub unit: String,
    pub base_price_fen: i64,
    pub status: String,
    pub images: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceImageRecord {
    pub id: i64,
    pub service_id: i64,
    pub storage_key: String,
    pub position: i32,
}

#[async_trait]
pub trait CatalogAdminStore: Send + Sync {
    async fn admin_services(&self) -> StoreResult<Vec<AdminServiceRow>>;
    /// Replaces a service's content and price (`NotFound` for an unknown
    /// service or category, `DuplicateName` when another service has the name).
    async fn update_service(&self, id: i64, service: &NewService) -> StoreResult<()>;
    async fn set_service_status(&self, id: i64, status: &str) -> StoreResult<()>;
    async fn add_service_image(&self, service_id: i64, storage_key: &str, now: OffsetDateTime) -> StoreResult<i64>;
    /// Cover first, then the gallery in order.
    async fn service_images(&self, service_id: i64) -> StoreResult<Vec<ServiceImageRecord>>;
    /// Takes a picture out of the service's gallery (`NotFound` if it is
    /// not one of its pictures); returns its storage key, whose file is then unused.
    async fn remove_service_image(&self, service_id: i64, image_id: i64) -> StoreResult<String>;
    /// Moves the image to the front, making it the cover.
    async fn make_cover(&self, service_id: i64, image_id: i64) -> StoreResult<()>;
    /// Whether a stored file is a service picture or video (served to everyone).
    async fn is_service_image(&self, storage_key: &str) -> StoreResult<bool>;
    /// The storage key of a service's video.
    async fn service_video(&self, service_id: i64) -> StoreResult<Option<String>>;
    /// Sets or clears a service's video (`NotFound` for an unknown
    /// service); returns the key it replaced, whose file is then unused.
    async fn set_service_video(&self, service_id: i64, storage_key: Option<&str>) -> StoreResult<Option<String>>;
    /// A new category, last in order; `DuplicateName` when its code or name is taken.
    async fn create_category(&self, code: &str, name: &str, blurb: &str) -> StoreResult<i64>;
    /// Renames a category or changes its blurb; the code never changes.
    async fn update_category(&self, id: i64, name: &str, blurb: &str) -> StoreResult<()>;
    async fn set_category_listed(&self, id: i64, listed: bool) -> StoreResult<()>;
    /// Whether the category's workers must have a qualification certificate on file for it.
    async fn set_category_certificate(&self, id: i64, required: bool) -> StoreResult<()>;
}

macro_rules! shared_catalog_admin_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::catalog_admin::CatalogAdminStore for $store {
            async fn admin_services(&self) -> crate::StoreResult<Vec<crate::AdminServiceRow>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, s.name, c.name AS category_name, s.unit, s.base_price_fen, s.status,
                        (SELECT COUNT(*) FROM service_images i WHERE i.service_id = s.id) AS images
                     FROM services s JOIN categories c ON c.id = s.category_id
                     ORDER BY c.sort_order, s.sort_order, s.id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn update_service(&self, id: i64, s: &crate::NewService) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE services SET category_id = (SELECT c.id FROM categories c WHERE c.code = $1),
                        name = $2, summary = $3, content = $4, process_steps = $5, supplies = $6, qualifications = $7,
                        unit = $8, base_price_fen = $9, default_units = $10, min_units = $11, addons_json = $13, proof_photos = $14
                     WHERE id = $12 AND EXISTS (SELECT 1 FROM categories c WHERE c.code = $1)",
                )
                .bind(&s.category_code)
                .bind(&s.name)
                .bind(&s.summary)
                .bind(&s.content)
                .bind(s.process_steps.join("\n"))
                .bind(&s.supplies)
                .bind(&s.qualifications)
                .bind(s.unit.as_str())
                .bind(s.base_price.get())
                .bind(s.default_units)
                .bind(s.min_units)
                .bind(id)
                .bind(crate::model::addons_json(&s.addons)?)
                .bind(s.proof_photos)
                .execute(&self.pool)
                .await
                .map_err(crate::catalog_admin::map_service_error)?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn set_service_status(&self, id: i64, status: &str) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE services SET status = $1 WHERE id = $2").bind(status).bind(id).execute(&self.pool).await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn add_service_image(&self, service_id: i64, storage_key: &str, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO service_images (service_id, storage_key, position, created_at)
                     SELECT $1, $2, COALESCE((SELECT MAX(position) + 1 FROM service_images WHERE service_id = $1), 0), $3
                     RETURNING id",
                )
                .bind(service_id)
                .bind(storage_key)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn service_images(&self, service_id: i64) -> crate::StoreResult<Vec<crate::ServiceImageRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, service_id, storage_key, position FROM service_images WHERE service_id = $1 ORDER BY position, id",
                )
                .bind(service_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn remove_service_image(&self, service_id: i64, image_id: i64) -> crate::StoreResult<String> {
                let removed: Option<String> = sqlx::query_scalar("DELETE FROM service_images WHERE id = $1 AND service_id = $2 RETURNING storage_key")
                    .bind(image_id)
                    .bind(service_id)
                    .fetch_optional(&self.pool)
                    .await?;
                removed.ok_or(crate::StoreError::NotFound)
            }

            async fn make_cover(&self, service_id: i64, image_id: i64) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE service_images SET position = (SELECT MIN(position) - 1 FROM service_images WHERE service_id = $2)
                     WHERE id = $1 AND service_id = $2",
                )
                .bind(image_id)
                .bind(service_id)
                .execute(&self.pool)
                .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn create_category(&self, code: &str, name: &str, blurb: &str) -> crate::StoreResult<i64> {
                sqlx::query_scalar(
                    "INSERT INTO categories (code, name, blurb, sort_order)
                     SELECT $1, $2, $3, COALESCE(MAX(sort_order), 0) + 1 FROM categories RETURNING id",
                )
                .bind(code)
                .bind(name)
                .bind(blurb)
                .fetch_one(&self.pool)
                .await
                .map_err(crate::catalog_admin::map_service_error)
            }

            async fn update_category(&self, id: i64, name: &str, blurb: &str) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE categories SET name = $1, blurb = $2 WHERE id = $3")
                    .bind(name)
                    .bind(blurb)
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(crate::catalog_admin::map_service_error)?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn set_category_listed(&self, id: i64, listed: bool) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE categories SET listed = $1 WHERE id = $2").bind(listed).bind(id).execute(&self.pool).await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn set_category_certificate(&self, id: i64, required: bool) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE categories SET requires_certificate = $1 WHERE id = $2").bind(required).bind(id).execute(&self.pool).await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn is_service_image(&self, storage_key: &str) -> crate::StoreResult<bool> {
                let found: i64 = sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM service_images WHERE storage_key = $1) + (SELECT COUNT(*) FROM services WHERE video_key = $1)",
                )
                .bind(storage_key)
                .fetch_one(&self.pool)
                .await?;
                Ok(found > 0)
            }

            async fn service_video(&self, service_id: i64) -> crate::StoreResult<Option<String>> {
                let key: Option<Option<String>> = sqlx::query_scalar("SELECT video_key FROM services WHERE id = $1").bind(service_id).fetch_optional(&self.pool).await?;
                Ok(key.flatten())
            }

            async fn set_service_video(&self, service_id: i64, storage_key: Option<&str>) -> crate::StoreResult<Option<String>> {
                let mut tx = self.begin_write().await?;
                let before: Option<Option<String>> = sqlx::query_scalar("SELECT video_key FROM services WHERE id = $1").bind(service_id).fetch_optional(&mut *tx).await?;
                let before = before.ok_or(crate::StoreError::NotFound)?;
                sqlx::query("UPDATE services SET video_key = $1 WHERE id = $2").bind(storage_key).bind(service_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(before)
            }
        }
    };
}
pub(crate) use shared_catalog_admin_impl;

/// Service and category names (and category codes) are unique: a clash is
/// the admin's to fix, not an error page.
pub(crate) fn map_service_error(err: sqlx::Error) -> crate::StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => crate::StoreError::DuplicateName,
        _ => crate::StoreError::Database(err),
    }
}
