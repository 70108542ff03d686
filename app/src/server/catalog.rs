use super::authz::require;
use super::{app_state, internal};
use crate::api::catalog::{CatalogFilters, CategoryView, CatalogPage, ServiceCard};
use crate::api::Access;
use crate::error::AppError;
use crate::i18n::Msg;
use domain::Fen;
use store::{ServiceSearch, ServiceSort};

/// A price bound from the URL: empty means none; anything else must be a
/// yuan amount.
fn price_bound(input: &str) -> Result<Option<i64>, Msg> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    Fen::parse_yuan(input).map(|f| Some(f.get())).map_err(|_| Msg::ErrAmount)
}

/// Turns the URL's filters into a search; a bad price bound is dropped and
/// reported rather than failing the whole page.
fn search_of(category: Option<i64>, f: &CatalogFilters) -> (ServiceSearch, Option<Msg>) {
    let sort = match f.sort.as_str() {
        "price_asc" => ServiceSort::PriceAsc,
        "price_desc" => ServiceSort::PriceDesc,
        "rating" => ServiceSort::Rating,
        _ => ServiceSort::Recommended,
    };
    let text = f.q.trim();
    let mut search = ServiceSearch {
        category,
        text: (!text.is_empty()).then(|| text.chars().take(30).collect()),
        worker_gender: matches!(f.gender.as_str(), "female" | "male").then(|| f.gender.clone()),
        sort,
        ..Default::default()
    };
    let mut error = None;
    match (price_bound(&f.min_price), price_bound(&f.max_price)) {
        (Ok(Some(min)), Ok(Some(max))) if min > max => error = Some(Msg::ErrPriceRangeOrder),
        (Ok(min), Ok(max)) => (search.min_price_fen, search.max_price_fen) = (min, max),
        (Err(msg), _) | (_, Err(msg)) => error = Some(msg),
    }
    (search, error)
}

pub async fn home_catalog(category: Option<i64>, filters: CatalogFilters) -> Result<CatalogPage, AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let categories = state.store.categories().await.map_err(internal)?;
    // An unknown category id (a stale shared link) shows everything rather than nothing.
    let selected_category = category.filter(|id| categories.iter().any(|c| c.id == *id));
    let (search, price_error) = search_of(selected_category, &filters);
    let services = state.store.search_services(&search).await.map_err(internal)?;
    Ok(CatalogPage {
        categories: categories
            .into_iter()
            .map(|c| CategoryView { id: c.id, code: c.code, name: c.name, blurb: c.blurb, listed_services: c.listed_services })
            .collect(),
        selected_category,
        filters,
        price_error,
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
                rating_tenths: s.rating_avg.map(|r| (r * 10.0).round() as i64),
                reviews: s.reviews,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(min: &str, max: &str, sort: &str) -> CatalogFilters {
        CatalogFilters { min_price: min.into(), max_price: max.into(), sort: sort.into(), ..Default::default() }
    }

    #[test]
    fn price_bounds_are_yuan_and_a_bad_one_is_reported_not_applied() {
        let (search, error) = search_of(None, &filters("50", "100.5", "price_asc"));
        assert_eq!((search.min_price_fen, search.max_price_fen, search.sort, error), (Some(5000), Some(10050), ServiceSort::PriceAsc, None));
        let (search, error) = search_of(None, &filters("abc", "", ""));
        assert_eq!((search.min_price_fen, error), (None, Some(Msg::ErrAmount)));
        let (search, error) = search_of(None, &filters("200", "100", ""));
        assert_eq!((search.min_price_fen, search.max_price_fen, error), (None, None, Some(Msg::ErrPriceRangeOrder)));
    }

    #[test]
    fn unknown_sort_and_gender_fall_back_to_no_filter() {
        let f = CatalogFilters { gender: "other".into(), sort: "cheapest".into(), q: "  ".into(), ..Default::default() };
        let (search, _) = search_of(None, &f);
        assert_eq!((search.worker_gender, search.sort, search.text), (None, ServiceSort::Recommended, None));
    }
}
