//! Browsing the catalog: categories and listed services.

use crate::error::AppError;
use leptos::prelude::*;
use pricing::Unit;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub blurb: String,
    pub listed_services: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCard {
    pub id: i64,
    pub category_name: String,
    pub name: String,
    pub summary: String,
    pub unit: Unit,
    pub base_price_fen: i64,
    pub cover_url: Option<String>,
    /// Average review rating ×10 (47 = 4.7), with the number of reviews.
    pub rating_tenths: Option<i64>,
    pub reviews: i64,
}

/// The catalog's filters as they stand in the URL (C1–C3), echoed back so
/// the form shows what is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogFilters {
    pub q: String,
    pub min_price: String,
    pub max_price: String,
    /// `female`, `male` or empty.
    pub gender: String,
    /// `recommended`, `price_asc`, `price_desc` or `rating`.
    pub sort: String,
    /// `now` for 立即上门 (the earliest bookable slot), else empty.
    pub when: String,
    /// A Beijing date (`2026-11-27`) and slot (`14:00`): services a worker is free for then.
    pub date: String,
    pub slot: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub categories: Vec<CategoryView>,
    pub selected_category: Option<i64>,
    pub services: Vec<ServiceCard>,
    pub filters: CatalogFilters,
    /// A price bound that could not be used, explained next to the field.
    pub price_error: Option<crate::i18n::Msg>,
    /// A service time that could not be used, explained next to the field.
    pub time_error: Option<crate::i18n::Msg>,
}

#[server(prefix = "/api", endpoint = "home_catalog")]
#[allow(clippy::too_many_arguments)]
pub async fn home_catalog(
    category: Option<i64>,
    q: Option<String>,
    min_price: Option<String>,
    max_price: Option<String>,
    gender: Option<String>,
    sort: Option<String>,
    when: Option<String>,
    date: Option<String>,
    slot: Option<String>,
) -> Result<CatalogPage, AppError> {
    let filters = CatalogFilters {
        q: q.unwrap_or_default(),
        min_price: min_price.unwrap_or_default(),
        max_price: max_price.unwrap_or_default(),
        gender: gender.unwrap_or_default(),
        sort: sort.unwrap_or_default(),
        when: when.unwrap_or_default(),
        date: date.unwrap_or_default(),
        slot: slot.unwrap_or_default(),
    };
    crate::server::respond(crate::server::catalog::home_catalog(category, filters).await)
}

/// A service suggested on the home page, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub card: ServiceCard,
    /// `因为你预约过 深度保洁`, `热门服务`.
    pub reason: String,
}

/// From the signed-in customer's history and favorites; popular services
/// for everyone else.
#[server(prefix = "/api", endpoint = "recommendations")]
pub async fn recommendations() -> Result<Vec<Recommendation>, AppError> {
    crate::server::respond(crate::server::catalog::recommendations().await)
}

#[server(prefix = "/api", endpoint = "my_favorites")]
pub async fn my_favorites() -> Result<Vec<ServiceCard>, AppError> {
    crate::server::respond(crate::server::catalog::my_favorites().await)
}

#[server(prefix = "/api", endpoint = "set_favorite")]
pub async fn set_favorite(service_id: i64, favorite: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog::set_favorite(service_id, favorite).await)
}

/// A worker the customer keeps for next time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavoriteWorkerView {
    pub worker_id: i64,
    pub name: String,
    /// Orders of this customer the worker has completed.
    pub completed_orders: i64,
}

#[server(prefix = "/api", endpoint = "my_favorite_workers")]
pub async fn my_favorite_workers() -> Result<Vec<FavoriteWorkerView>, AppError> {
    crate::server::respond(crate::server::catalog::my_favorite_workers().await)
}

/// Favorites a worker who has served the customer (or removes one); a
/// favorite worker is held first when the customer books that kind of service.
#[server(prefix = "/api", endpoint = "set_favorite_worker")]
pub async fn set_favorite_worker(worker_id: i64, favorite: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::catalog::set_favorite_worker(worker_id, favorite).await)
}
