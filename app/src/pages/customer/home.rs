use crate::api::account::current_session;
use crate::api::catalog::{home_catalog, recommendations, CatalogFilters, CategoryView, Recommendation, ServiceCard};
use crate::components::{encode_query_value, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use domain::Fen;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pricing::Unit;

pub fn unit_label(unit: Unit) -> &'static str {
    t(match unit {
        Unit::Hour => Msg::UnitHour,
        Unit::Visit => Msg::UnitVisit,
        Unit::Appliance => Msg::UnitAppliance,
        Unit::Day => Msg::UnitDay,
        Unit::Month26 => Msg::UnitMonth26,
    })
}

/// The customer home: categories as filter chips (in the URL, so a filtered
/// view can be shared and works without JavaScript) and the listed services.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let text = |key: &str| q.get(key);
            (
                q.get("category").and_then(|c| c.parse::<i64>().ok()),
                text("q"),
                text("min_price"),
                text("max_price"),
                text("gender"),
                text("sort"),
                (text("when"), text("date"), text("slot")),
            )
        })
    };
    let catalog = Resource::new(params, |(category, q, min, max, gender, sort, (when, date, slot))| {
        home_catalog(category, q, min, max, gender, sort, when, date, slot)
    });
    let session = Resource::new(|| (), |_| current_session());
    let suggestions = Resource::new(|| (), |_| recommendations());
    view! {
        <PhoneShell title=Msg::AppName tabs=Tabs::Customer>
            <section class="home-hero">
                <p class="home-greeting">{t(Msg::HomeGreeting)}</p>
                <p class="home-tagline">{t(Msg::AppTagline)}</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match session.await {
                            Ok(None) => view! { <a class="btn btn-light" href="/login">{t(Msg::Login)}</a> }.into_any(),
                            Ok(Some(s)) => view! { <span class="hello-name">{s.display_name}</span> }.into_any(),
                            Err(_) => ().into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <Suspense fallback=|| view! { <Skeleton rows=4/> }>
                {move || Suspend::new(async move {
                    match catalog.await {
                        Ok(catalog) => {
                            let filtered = catalog.filters != CatalogFilters::default();
                            view! {
                                <FilterForm category=catalog.selected_category filters=catalog.filters.clone() price_error=catalog.price_error time_error=catalog.time_error/>
                                <CategoryChips categories=catalog.categories selected=catalog.selected_category filters=catalog.filters/>
                                {(!filtered && catalog.selected_category.is_none()).then(|| view! {
                                    <Suspense fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            match suggestions.await {
                                                Ok(list) if !list.is_empty() => view! { <Recommendations list/> }.into_any(),
                                                _ => ().into_any(),
                                            }
                                        })}
                                    </Suspense>
                                })}
                                <h2 class="section-title">{t(Msg::ServicesHeading)}</h2>
                                <ServiceList services=catalog.services filtered/>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

/// `?category=2&q=…`: the catalog URL for a category with the current filters.
fn catalog_href(category: Option<i64>, f: &CatalogFilters) -> String {
    let mut parts: Vec<String> = category.map(|c| format!("category={c}")).into_iter().collect();
    let fields = [
        ("q", &f.q),
        ("min_price", &f.min_price),
        ("max_price", &f.max_price),
        ("gender", &f.gender),
        ("sort", &f.sort),
        ("when", &f.when),
        ("date", &f.date),
        ("slot", &f.slot),
    ];
    for (key, value) in fields {
        if !value.is_empty() {
            parts.push(format!("{key}={}", encode_query_value(value)));
        }
    }
    if parts.is_empty() {
        "/".into()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

/// Search, price range, worker gender and sort: a plain GET form, so the
/// filters live in the URL and work before the page hydrates.
#[component]
fn FilterForm(category: Option<i64>, filters: CatalogFilters, price_error: Option<Msg>, time_error: Option<Msg>) -> impl IntoView {
    let open = price_error.is_some() || time_error.is_some() || filters != CatalogFilters { q: filters.q.clone(), ..Default::default() };
    let whens = [("", Msg::AnyTime), ("now", Msg::AsSoonAsPossible)];
    let slots: Vec<String> = (8..=18).map(|h| format!("{h:02}:00")).collect();
    let sorts = [("", Msg::SortRecommended), ("price_asc", Msg::SortPriceAsc), ("price_desc", Msg::SortPriceDesc), ("rating", Msg::SortRating)];
    let genders = [("", Msg::GenderAny), ("female", Msg::GenderFemale), ("male", Msg::GenderMale)];
    view! {
        <form method="get" action="/" class="filter-form" role="search">
            {category.map(|c| view! { <input type="hidden" name="category" value=c/> })}
            <div class="search-row">
                <input type="search" name="q" value=filters.q.clone() maxlength="30" aria-label=t(Msg::SearchLabel) placeholder=t(Msg::ServiceSearchPlaceholder)/>
                <button type="submit" class="btn btn-primary btn-small">{t(Msg::ApplyFilters)}</button>
            </div>
            <details class="filter-details" open=open>
                <summary>{t(Msg::FiltersTitle)}</summary>
                <div class="filter-grid">
                    <label>{t(Msg::MinPriceLabel)}<input id="f-min-price" name="min_price" inputmode="decimal" value=filters.min_price.clone()/></label>
                    <label>{t(Msg::MaxPriceLabel)}<input id="f-max-price" name="max_price" inputmode="decimal" value=filters.max_price.clone()/></label>
                    <label>{t(Msg::WorkerGenderLabel)}
                        <select name="gender">
                            {genders.into_iter().map(|(v, m)| view! { <option value=v selected=filters.gender == v>{t(m)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t(Msg::SortLabel)}
                        <select name="sort">
                            {sorts.into_iter().map(|(v, m)| view! { <option value=v selected=filters.sort == v>{t(m)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t(Msg::ServiceTimeLabel)}
                        <select name="when">
                            {whens.into_iter().map(|(v, m)| view! { <option value=v selected=filters.when == v>{t(m)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>{t(Msg::ServiceDateLabel)}<input id="f-date" type="date" name="date" value=filters.date.clone()/></label>
                    <label>{t(Msg::ServiceSlotLabel)}
                        <select name="slot">
                            <option value="" selected=filters.slot.is_empty()>{t(Msg::AnySlot)}</option>
                            {slots.into_iter().map(|v| { let selected = filters.slot == v; let label = v.clone(); view! { <option value=v selected=selected>{label}</option> } }).collect_view()}
                        </select>
                    </label>
                </div>
                <p class="field-error" id="f-time-error" role="alert">{time_error.map(t)}</p>
                <p class="field-error" id="f-price-error" role="alert">{price_error.map(t)}</p>
                <a class="btn btn-plain btn-small" href=category.map(|c| format!("/?category={c}")).unwrap_or_else(|| "/".into())>{t(Msg::ClearFilters)}</a>
            </details>
        </form>
    }
}

#[component]
fn CategoryChips(categories: Vec<CategoryView>, selected: Option<i64>, filters: CatalogFilters) -> impl IntoView {
    view! {
        <nav class="category-grid" aria-label=t(Msg::CategoriesTitle)>
            <a href=catalog_href(None, &filters) class="category" class:active=selected.is_none()>
                <span class="category-icon cat-all" aria-hidden="true">{t(Msg::CategoryAllGlyph)}</span>
                <span class="category-name">{t(Msg::AllCategories)}</span>
            </a>
            {categories
                .into_iter()
                .map(|c| {
                    let icon = c.name.chars().next().map(String::from).unwrap_or_default();
                    view! {
                        <a href=catalog_href(Some(c.id), &filters) class="category" class:active=selected == Some(c.id)
                            title=c.blurb.clone()>
                            <span class=format!("category-icon cat-{}", c.code) aria-hidden="true">{icon}</span>
                            <span class="category-name">{c.name}</span>
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// 为你推荐: a short row of suggestions, each saying why.
#[component]
fn Recommendations(list: Vec<Recommendation>) -> impl IntoView {
    view! {
        <h2 class="section-title">{t(Msg::RecommendedHeading)}</h2>
        <ul class="recommendations">
            {list.into_iter().map(|r| view! {
                <li class="recommendation">
                    <a href=format!("/services/{}", r.card.id)>
                        <span class="service-name">{r.card.name}</span>
                        <span class="price">{Fen::new(r.card.base_price_fen).to_string()}<span class="price-unit">"/"{unit_label(r.card.unit)}</span></span>
                        <span class="recommendation-reason">{r.reason}</span>
                    </a>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ServiceList(services: Vec<ServiceCard>, filtered: bool) -> impl IntoView {
    if services.is_empty() {
        return view! {
            <div class="state-box empty-state">
                <p>{t(if filtered { Msg::NoMatchingServices } else { Msg::NoServicesInCategory })}</p>
                <a class="btn btn-plain" href="/">{t(Msg::AllCategories)}</a>
            </div>
        }
        .into_any();
    }
    view! {
        <ul class="service-list">
            {services
                .into_iter()
                .map(|s| {
                    view! {
                        <li class="service-card">
                            <a class="service-link" href=format!("/services/{}", s.id)>
                            {s.cover_url.map(|url| view! { <img class="service-cover" src=url alt="" loading="lazy"/> })}
                            <div class="service-body">
                                <h3 class="service-name">{s.name}</h3>
                                <p class="service-summary">{s.summary}</p>
                                <span class="tag">{s.category_name}</span>
                                {s.rating_tenths.map(|r| view! {
                                    <span class="rating">"★"{format!("{}.{}", r / 10, r % 10)}" · "{s.reviews}{t(Msg::ReviewsCount)}</span>
                                })}
                            </div>
                            <div class="service-price">
                                <span class="price">{Fen::new(s.base_price_fen).to_string()}</span>
                                <span class="price-unit">"/"{unit_label(s.unit)}</span>
                            </div>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
