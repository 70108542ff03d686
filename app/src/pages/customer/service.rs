use crate::api::catalog::SetFavorite;
use crate::api::orders::service_detail;
use crate::components::{ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use crate::pages::customer::home::unit_label;
use crate::pages::order_ui::money;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// 服务详情: content, process, supplies and qualifications, then 立即预约.
#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let favorite = ServerAction::<SetFavorite>::new();
    let service = Resource::new(move || (id(), favorite.version().get()), |(id, _)| service_detail(id));
    view! {
        <PhoneShell title=Msg::ServiceDetailTitle tabs=Tabs::Customer>
            <Suspense fallback=|| view! { <Skeleton rows=4/> }>
                {move || Suspend::new(async move {
                    match service.await {
                        Ok(s) => view! {
                            {(!s.images.is_empty()).then(|| view! {
                                <div class="gallery" aria-label=t(Msg::ImagesTitle)>
                                    {s.images.iter().map(|url| view! { <img class="gallery-image" src=url.clone() alt=s.name.clone()/> }).collect_view()}
                                </div>
                            })}
                            <section class="detail-hero">
                                {s.favorite.map(|on| view! {
                                    <ActionForm action=favorite attr:class="favorite-form">
                                        <input type="hidden" name="service_id" value=s.id/>
                                        <input type="hidden" name="favorite" value=(!on).to_string()/>
                                        <button type="submit" class="btn btn-plain btn-small favorite-button" aria-pressed=on.to_string()>
                                            {t(if on { Msg::Unfavorite } else { Msg::Favorite })}
                                        </button>
                                    </ActionForm>
                                })}
                                <span class="tag">{s.category_name.clone()}</span>
                                <h2 class="detail-title">{s.name.clone()}</h2>
                                <p class="detail-summary">{s.summary.clone()}</p>
                                <p><span class="price">{money(s.base_price_fen)}</span>
                                   <span class="price-unit">"/"{unit_label(s.unit)}</span>
                                   <span class="muted">" · "{t(Msg::MinUnits)}{s.min_units}{unit_label(s.unit)}</span></p>
                            </section>
                            <h3 class="section-title">{t(Msg::ServiceContent)}</h3>
                            <p class="detail-text">{s.content.clone()}</p>
                            <h3 class="section-title">{t(Msg::ServiceProcess)}</h3>
                            <ol class="steps">
                                {s.process_steps.iter().map(|step| view! { <li>{step.clone()}</li> }).collect_view()}
                            </ol>
                            <h3 class="section-title">{t(Msg::ServiceSupplies)}</h3>
                            <p class="detail-text">{s.supplies.clone()}</p>
                            <h3 class="section-title">{t(Msg::ServiceQualifications)}</h3>
                            <p class="detail-text">{s.qualifications.clone()}</p>
                            <div class="action-bar">
                                {if s.listed {
                                    view! { <a class="btn btn-primary btn-block" href=format!("/book/{}", s.id)>{t(Msg::BookNow)}</a> }.into_any()
                                } else {
                                    view! { <p class="muted">{t(Msg::ErrServiceUnavailable)}</p> }.into_any()
                                }}
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}
