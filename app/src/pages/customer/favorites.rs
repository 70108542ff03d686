use crate::api::catalog::{my_favorites, SetFavorite};
use crate::components::{ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use crate::pages::customer::home::unit_label;
use crate::pages::order_ui::money;
use leptos::prelude::*;

/// 我的收藏: favorite services, newest first, each removable in place.
#[component]
pub fn FavoritesPage() -> impl IntoView {
    let remove = ServerAction::<SetFavorite>::new();
    let favorites = Resource::new(move || remove.version().get(), |_| my_favorites());
    view! {
        <PhoneShell title=Msg::FavoritesTitle tabs=Tabs::Customer>
            <Suspense fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match favorites.await {
                        Ok(list) if list.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoFavorites)}</p></div> }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-list">
                                {list.into_iter().map(|s| view! {
                                    <li class="order-card favorite-card" data-service=s.id>
                                        <a href=format!("/services/{}", s.id)>
                                            <span class="order-card-title">{s.name.clone()}</span>
                                            <span class="muted">{s.summary.clone()}</span>
                                            <span class="price">{money(s.base_price_fen)}<span class="price-unit">"/"{unit_label(s.unit)}</span></span>
                                        </a>
                                        <ActionForm action=remove attr:class="inline-form">
                                            <input type="hidden" name="service_id" value=s.id/>
                                            <input type="hidden" name="favorite" value="false"/>
                                            <button type="submit" class="btn btn-plain btn-small">{t(Msg::RemoveFavorite)}</button>
                                        </ActionForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}
