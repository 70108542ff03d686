use super::authz::{require, require_user};
use super::{app_state, flows, internal, AppState};
use std::collections::HashMap;
use crate::api::catalog::{CatalogFilters, CatalogPage, CategoryView, FavoriteWorkerView, Recommendation, ServiceCard};
use crate::api::{Access, CUSTOMER};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use domain::{Fen, Role};
use store::{ServiceSearch, ServiceSort, ServiceSummary};

fn card(s: ServiceSummary) -> ServiceCard {
    ServiceCard {
        id: s.id,
        category_name: s.category_name,
        name: s.name,
        summary: s.summary,
        unit: s.unit,
        base_price_fen: s.base_price.get(),
        cover_url: s.cover_key.as_deref().map(super::onboarding::file_url),
        rating_tenths: s.rating_avg.map(|r| (r * 10.0).round() as i64),
        reviews: s.reviews,
    }
}

/// How many suggestions the home page shows.
const RECOMMENDATIONS: usize = 4;

/// Other services in the category of each service the customer booked or
/// favorited, most recent first, each with why; popular ones fill the rest.
pub async fn recommendations() -> Result<Vec<Recommendation>, AppError> {
    let viewer = require(Access::Public)?;
    let state = app_state()?;
    let listed = state.store.search_services(&ServiceSearch::default()).await.map_err(internal)?;
    let mut seeds: Vec<(i64, Msg)> = Vec::new();
    if let Some(customer) = viewer.filter(|u| u.role == Role::Customer) {
        let ordered = state.store.ordered_service_ids(customer.id.0).await.map_err(internal)?;
        let favorites = state.store.favorite_service_ids(customer.id.0).await.map_err(internal)?;
        seeds.extend(ordered.into_iter().map(|id| (id, Msg::BecauseYouBooked)));
        seeds.extend(favorites.into_iter().map(|id| (id, Msg::BecauseYouFavorited)));
    }
    let seen: Vec<i64> = seeds.iter().map(|(id, _)| *id).collect();
    let mut picked: Vec<Recommendation> = Vec::new();
    for (seed_id, reason) in &seeds {
        let Some(seed) = listed.iter().find(|s| s.id == *seed_id) else { continue };
        let sibling = listed.iter().find(|s| {
            s.category_id == seed.category_id && !seen.contains(&s.id) && !picked.iter().any(|p| p.card.id == s.id)
        });
        if let Some(s) = sibling {
            picked.push(Recommendation { card: card(s.clone()), reason: format!("{}{}", t(*reason), seed.name) });
        }
        if picked.len() == RECOMMENDATIONS {
            return Ok(picked);
        }
    }
    for id in state.store.popular_service_ids(RECOMMENDATIONS as i64 * 3).await.map_err(internal)? {
        if picked.len() == RECOMMENDATIONS {
            break;
        }
        if picked.iter().any(|p| p.card.id == id) || seen.contains(&id) {
            continue;
        }
        if let Some(s) = listed.iter().find(|s| s.id == id) {
            picked.push(Recommendation { card: card(s.clone()), reason: t(Msg::PopularService).to_string() });
        }
    }
    Ok(picked)
}

pub async fn my_favorites() -> Result<Vec<ServiceCard>, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let ids = state.store.favorite_service_ids(user.id.0).await.map_err(internal)?;
    let listed = state.store.search_services(&ServiceSearch::default()).await.map_err(internal)?;
    // Favorites keep their order (newest first); delisted ones drop out of browsing.
    Ok(ids.iter().filter_map(|id| listed.iter().find(|s| s.id == *id)).cloned().map(card).collect())
}

pub async fn set_favorite(service_id: i64, favorite: bool) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    state.store.service(service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    state.store.set_favorite_service(user.id.0, service_id, favorite, state.clock.now()).await.map_err(internal)
}

pub async fn my_favorite_workers() -> Result<Vec<FavoriteWorkerView>, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    Ok(state
        .store
        .favorite_workers(user.id.0)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|w| FavoriteWorkerView { worker_id: w.worker_id, name: w.display_name, completed_orders: w.completed_orders })
        .collect())
}

pub async fn set_favorite_worker(worker_id: i64, favorite: bool) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    // Only a worker who has served this customer can be kept; anyone else
    // looks like no one, so worker ids cannot be probed.
    if favorite && !state.store.has_served(user.id.0, worker_id).await.map_err(internal)? {
        return Err(AppError::NotFound);
    }
    state.store.set_favorite_worker(user.id.0, worker_id, favorite, state.clock.now()).await.map_err(internal)
}

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

/// Slots start on the hour from 08:00 to 18:00 Beijing, as on the booking page.
const FIRST_SLOT_MINUTE: i64 = 8 * 60;
const LAST_SLOT_MINUTE: i64 = 18 * 60;

/// When the customer wants the service (C2): a date and slot, or 立即上门 =
/// the first whole hour at least the booking lead from now. `None`: any time.
fn wanted_start(f: &CatalogFilters, earliest: i64) -> Result<Option<i64>, Msg> {
    if !f.date.trim().is_empty() || !f.slot.trim().is_empty() {
        let day = pricing::rules::parse_date(f.date.trim()).ok_or(Msg::ErrFilterDate)?;
        let minute = f
            .slot
            .trim()
            .split_once(':')
            .and_then(|(h, m)| Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
            .filter(|m| (FIRST_SLOT_MINUTE..=LAST_SLOT_MINUTE).contains(m) && m % 60 == 0)
            .ok_or(Msg::ErrFilterSlot)?;
        let start = pricing::beijing_day_start(day) + minute * 60;
        return if start < earliest { Err(Msg::ErrSlotPast) } else { Ok(Some(start)) };
    }
    Ok((f.when == "now").then(|| (earliest + 3_599) / 3_600 * 3_600))
}

/// Keeps the services some approved, qualified worker could start at
/// `start`: working then, not on leave, not booked. The address is not known
/// yet, so each worker is taken at home; booking checks the real address.
async fn free_at(
    state: &AppState,
    services: Vec<ServiceSummary>,
    codes: &HashMap<i64, (String, bool)>,
    start: i64,
    worker_gender: Option<String>,
) -> Result<Vec<ServiceSummary>, AppError> {
    let mut by_skill: HashMap<&str, Vec<dispatch::Candidate>> = HashMap::new();
    let mut kept = Vec::new();
    for service in services {
        let Some((code, needs_certificate)) = codes.get(&service.category_id) else { continue };
        if !by_skill.contains_key(code.as_str()) {
            let (from, to) = (flows::from_unix(start)?, flows::from_unix(start + 12 * 3_600)?);
            by_skill.insert(code, flows::candidates(state, code, from, to, None, flows::Scoring::AvailabilityOnly).await?);
        }
        let end = start + i64::from(pricing::duration_minutes(service.unit, service.default_units)) * 60;
        let free = by_skill[code.as_str()].iter().any(|c| {
            let job = dispatch::Job {
                skill: code.clone(),
                location: c.home,
                start,
                end,
                worker_gender: worker_gender.clone(),
                needs_certificate: *needs_certificate,
            };
            dispatch::hard_check(c, &job, state.travel.as_ref(), &[]).is_empty()
        });
        if free {
            kept.push(service);
        }
    }
    Ok(kept)
}

pub async fn home_catalog(category: Option<i64>, filters: CatalogFilters) -> Result<CatalogPage, AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let categories: Vec<_> = state.store.categories().await.map_err(internal)?.into_iter().filter(|c| c.listed).collect();
    // An unknown or delisted category id (a stale shared link) shows everything rather than nothing.
    let selected_category = category.filter(|id| categories.iter().any(|c| c.id == *id));
    let (search, price_error) = search_of(selected_category, &filters);
    let mut services = state.store.search_services(&search).await.map_err(internal)?;
    let earliest = flows::unix(state.clock.now()) + state.config.booking_lead.as_secs() as i64;
    let time_error = match wanted_start(&filters, earliest) {
        Ok(Some(start)) => {
            let codes: HashMap<i64, (String, bool)> = categories.iter().map(|c| (c.id, (c.code.clone(), c.requires_certificate))).collect();
            services = free_at(&state, services, &codes, start, search.worker_gender.clone()).await?;
            None
        }
        Ok(None) => None,
        Err(msg) => Some(msg),
    };
    Ok(CatalogPage {
        time_error,
        categories: categories
            .into_iter()
            .map(|c| CategoryView { id: c.id, code: c.code, name: c.name, blurb: c.blurb, listed_services: c.listed_services })
            .collect(),
        selected_category,
        filters,
        price_error,
        services: services.into_iter().map(card).collect(),
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
    fn the_service_time_is_a_slot_on_the_hour_not_in_the_past_or_the_first_free_hour() {
        // 2026-11-26 00:00 Beijing.
        let midnight = 1_795_622_400;
        let at = |date: &str, slot: &str| CatalogFilters { date: date.into(), slot: slot.into(), ..Default::default() };
        assert_eq!(wanted_start(&at("2026-11-26", "14:00"), midnight), Ok(Some(midnight + 14 * 3_600)));
        assert_eq!(wanted_start(&at("2026-11-26", "14:30"), midnight), Err(Msg::ErrFilterSlot));
        assert_eq!(wanted_start(&at("2026-11-26", "20:00"), midnight), Err(Msg::ErrFilterSlot));
        assert_eq!(wanted_start(&at("明天", "14:00"), midnight), Err(Msg::ErrFilterDate));
        assert_eq!(wanted_start(&at("2026-11-25", "14:00"), midnight), Err(Msg::ErrSlotPast));
        let now = CatalogFilters { when: "now".into(), ..Default::default() };
        assert_eq!(wanted_start(&now, midnight + 9 * 3_600 + 60), Ok(Some(midnight + 10 * 3_600)));
        assert_eq!(wanted_start(&CatalogFilters::default(), midnight), Ok(None));
    }

    #[test]
    fn unknown_sort_and_gender_fall_back_to_no_filter() {
        let f = CatalogFilters { gender: "other".into(), sort: "cheapest".into(), q: "  ".into(), ..Default::default() };
        let (search, _) = search_of(None, &f);
        assert_eq!((search.worker_gender, search.sort, search.text), (None, ServiceSort::Recommended, None));
    }
}
