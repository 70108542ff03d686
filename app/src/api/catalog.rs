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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub categories: Vec<CategoryView>,
    pub selected_category: Option<i64>,
    pub services: Vec<ServiceCard>,
}

#[server(prefix = "/api", endpoint = "home_catalog")]
pub async fn home_catalog(category: Option<i64>) -> Result<CatalogPage, AppError> {
    crate::server::respond(crate::server::catalog::home_catalog(category).await)
}
