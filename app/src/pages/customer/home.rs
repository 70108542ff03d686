use crate::api::account::current_session;
use crate::api::catalog::{home_catalog, CategoryView, ServiceCard};
use crate::components::{ErrorState, PhoneShell, Skeleton, Tabs};
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
    let category = move || query.with(|q| q.get("category").and_then(|c| c.parse::<i64>().ok()));
    let catalog = Resource::new(category, home_catalog);
    let session = Resource::new(|| (), |_| current_session());
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
                        Ok(catalog) => view! {
                            <CategoryChips categories=catalog.categories selected=catalog.selected_category/>
                            <h2 class="section-title">{t(Msg::ServicesHeading)}</h2>
                            <ServiceList services=catalog.services/>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

#[component]
fn CategoryChips(categories: Vec<CategoryView>, selected: Option<i64>) -> impl IntoView {
    view! {
        <nav class="category-grid" aria-label="服务分类">
            <a href="/" class="category" class:active=selected.is_none()>
                <span class="category-icon cat-all" aria-hidden="true">"全"</span>
                <span class="category-name">{t(Msg::AllCategories)}</span>
            </a>
            {categories
                .into_iter()
                .map(|c| {
                    let icon = c.name.chars().next().map(String::from).unwrap_or_default();
                    view! {
                        <a href=format!("/?category={}", c.id) class="category" class:active=selected == Some(c.id)
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

#[component]
fn ServiceList(services: Vec<ServiceCard>) -> impl IntoView {
    if services.is_empty() {
        return view! {
            <div class="state-box empty-state">
                <p>{t(Msg::NoServicesInCategory)}</p>
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
