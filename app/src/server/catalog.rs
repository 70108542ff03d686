use super::authz::require;
use super::{app_state, internal};
use crate::api::catalog::{CategoryView, CatalogPage, ServiceCard};
use crate::api::Access;
use crate::error::AppError;

pub async fn home_catalog(category: Option<i64>) -> Result<CatalogPage, AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let categories = state.store.categories().await.map_err(internal)?;
    // An unknown category id (a stale shared link) shows everything rather than nothing.
    let selected_category = category.filter(|id| categories.iter().any(|c| c.id == *id));
    let services = state.store.listed_services(selected_category).await.map_err(internal)?;
    Ok(CatalogPage {
        categories: categories
            .into_iter()
            .map(|c| CategoryView { id: c.id, code: c.code, name: c.name, blurb: c.blurb, listed_services: c.listed_services })
            .collect(),
        selected_category,
        services: services
            .into_iter()
            .map(|s| ServiceCard {
                id: s.id,
                category_name: s.category_name,
                name: s.name,
                summary: s.summary,
                unit: s.unit,
                base_price_fen: s.base_price.get(),
                cover_url: s.cover_key.as_deref().map(super::onboarding::file_url),
            })
            .collect(),
    })
}
