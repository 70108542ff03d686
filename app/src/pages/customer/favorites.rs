use crate::api::catalog::{my_favorite_workers, my_favorites, SetFavorite, SetFavoriteWorker};
use crate::components::{ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use crate::pages::customer::home::unit_label;
use crate::pages::order_ui::money;
use leptos::prelude::*;

/// 我的收藏: favorite services, then favorite workers, newest first, each
/// removable in place.
#[component]
pub fn FavoritesPage() -> impl IntoView {
    let remove = ServerAction::<SetFavorite>::new();
    let favorites = Resource::new(move || remove.version().get(), |_| my_favorites());
    let remove_worker = ServerAction::<SetFavoriteWorker>::new();
    let workers = Resource::new(move || remove_worker.version().get(), |_| my_favorite_workers());
    view! {
        <PhoneShell title=Msg::FavoritesTitle tabs=Tabs::Customer>
            <h2 class="section-title">{t(Msg::FavoriteServicesHeading)}</h2>
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
            <h2 class="section-title">{t(Msg::FavoriteWorkersHeading)}</h2>
            <Suspense fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match workers.await {
                        Ok(list) if list.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoFavoriteWorkers)}</p></div> }.into_any(),
                        Ok(list) => view! {
                            <ul class="order-list">
                                {list.into_iter().map(|w| view! {
                                    <li class="order-card favorite-worker" data-worker=w.worker_id>
                                        <div class="favorite-worker-body">
                                            <span class="avatar avatar-small" aria-hidden="true">{w.name.chars().next().map(String::from)}</span>
                                            <span class="order-card-title">{w.name.clone()}</span>
                                            <span class="muted">{t(Msg::CompletedTogether)}" "{w.completed_orders}</span>
                                        </div>
                                        <ActionForm action=remove_worker attr:class="inline-form">
                                            <input type="hidden" name="worker_id" value=w.worker_id/>
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
