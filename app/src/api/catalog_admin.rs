//! Running the catalog (A1): services, their content, price and pictures.

use crate::error::AppError;
use leptos::prelude::*;
use pricing::Unit;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminServiceListRow {
    pub id: i64,
    pub name: String,
    pub category_name: String,
    pub unit: Unit,
    pub base_price_fen: i64,
    pub listed: bool,
    pub images: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageView {
    pub id: i64,
    pub url: String,
}

/// A service as the edit form shows it; `id` is `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEditView {
    pub id: Option<i64>,
    pub categories: Vec<CategoryOption>,
    pub category_code: String,
    pub name: String,
    pub summary: String,
    pub content: String,
    /// One step per line.
    pub process_steps: String,
    pub supplies: String,
    pub qualifications: String,
    pub unit: Unit,
    /// `128.00`, as the admin typed it.
    pub price_yuan: String,
    pub default_units: i32,
    pub min_units: i32,
    /// One add-on a line: `冰箱内部清洁 30`.
    pub addons: String,
    /// Its workers must add photos before and after the service (B4).
    pub proof_photos: bool,
    pub listed: bool,
    /// Cover first.
    pub images: Vec<ImageView>,
    /// Address of its short video.
    pub video: Option<String>,
}

#[server(prefix = "/api", endpoint = "admin_catalog")]
pub async fn admin_catalog() -> Result<Vec<AdminServiceListRow>, AppError> {
    crate::server::respond(crate::server::catalog_admin::admin_catalog().await)
}

#[server(prefix = "/api", endpoint = "admin_service")]
pub async fn admin_service(id: i64) -> Result<ServiceEditView, AppError> {
    crate::server::respond(crate::server::catalog_admin::admin_service(id).await)
}

/// Creates (`id` = 0) or updates a service; a new one lands on its edit page.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "admin_save_service")]
pub async fn admin_save_service(
    id: i64,
    category_code: String,
    name: String,
    summary: String,
    content: String,
    process_steps: String,
    supplies: String,
    qualifications: String,
    unit: String,
    price: String,
    default_units: String,
    min_units: String,
    addons: Option<String>,
    proof_photos: Option<String>,
) -> Result<i64, AppError> {
    crate::server::respond(
        crate::server::catalog_admin::save_service(
            id,
            category_code,
            name,
            summary,
            content,
            process_steps,
            supplies,
            qualifications,
            unit,
            price,
            default_units,
            min_units,
            addons.unwrap_or_default(),
            proof_photos.is_some(),
        )
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin_set_service_listed")]
pub async fn admin_set_service_listed(id: i64, listed: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog_admin::set_listed(id, listed).await)
}

/// `cover` makes the picture the cover; `remove` takes it out of the gallery.
#[server(prefix = "/api", endpoint = "admin_service_image")]
pub async fn admin_service_image(service_id: i64, image_id: i64, action: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog_admin::image_action(service_id, image_id, action).await)
}

/// Takes the service's video off its page (and deletes it).
#[server(prefix = "/api", endpoint = "admin_remove_service_video")]
pub async fn admin_remove_service_video(service_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog_admin::remove_service_video(service_id).await)
}

/// A category on the admin's catalog page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCategoryRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub blurb: String,
    pub listed: bool,
    pub listed_services: i64,
    /// Only workers with a qualification certificate on file for it take its orders.
    pub requires_certificate: bool,
}

#[server(prefix = "/api", endpoint = "admin_categories")]
pub async fn admin_categories() -> Result<Vec<AdminCategoryRow>, AppError> {
    crate::server::respond(crate::server::catalog_admin::admin_categories().await)
}

/// Creates a category (`id` 0, with its code) or renames one.
#[server(prefix = "/api", endpoint = "admin_save_category")]
pub async fn admin_save_category(id: i64, code: String, name: String, blurb: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::catalog_admin::save_category(id, code, name, blurb).await)
}

/// Whether a category's workers must have a qualification certificate on file for it.
#[server(prefix = "/api", endpoint = "admin_set_category_certificate")]
pub async fn admin_set_category_certificate(id: i64, required: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog_admin::set_category_certificate(id, required).await)
}

#[server(prefix = "/api", endpoint = "admin_set_category_listed")]
pub async fn admin_set_category_listed(id: i64, listed: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog_admin::set_category_listed(id, listed).await)
}
