use crate::api::catalog::SetFavorite;
use crate::api::orders::{service_detail, ReviewsSummary};
use crate::components::{ErrorState, PhoneShell, ReviewList, Skeleton, Tabs, VideoClip};
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
                            {s.video.clone().map(|src| view! { <div class="service-video"><VideoClip src label=Msg::ServiceVideoLabel/></div> })}
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
                            <h3 class="section-title">{t(Msg::PriceTableTitle)}</h3>
                            <div class="cells price-table">
                                <div class="cell"><span>{t(Msg::UnitPriceLabel)}</span><span class="cell-value">{money(s.base_price_fen)}"/"{unit_label(s.unit)}</span></div>
                                <div class="cell"><span>{t(Msg::MinimumLabel)}</span><span class="cell-value">{s.min_units}{unit_label(s.unit)}</span></div>
                                {s.addons.iter().map(|a| view! {
                                    <div class="cell"><span>{t(Msg::AddOnsTitle)}" · "{a.name.clone()}</span><span class="cell-value">"+"{money(a.price_fen)}</span></div>
                                }).collect_view()}
                                {s.price_notes.iter().map(|note| view! { <div class="cell price-note"><span>{note.clone()}</span></div> }).collect_view()}
                            </div>
                            <p class="hint">{t(Msg::SurchargeNote)}</p>
                            {s.reviews.clone().map(|r| view! { <ReviewsBlock reviews=r/> })}
                            {(s.placed && s.listed).then(|| view! {
                                <section class="panel placement-entry">
                                    <h3 class="section-title">{t(Msg::PlacementEntry)}</h3>
                                    <p class="hint">{t(Msg::PlacementEntryHint)}</p>
                                    <a class="btn btn-plain btn-block" href=format!("/me/placements?service={}", s.id)>{t(Msg::PlacementRequestTitle)}</a>
                                </section>
                            })}
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

fn rating_text(tenths: Option<i64>) -> String {
    tenths.map(|t| format!("{}.{}", t / 10, t % 10)).unwrap_or_else(|| "–".into())
}


/// 服务评价: the three averages, then the newest reviews with names masked.
#[component]
fn ReviewsBlock(reviews: ReviewsSummary) -> impl IntoView {
    view! {
        <h3 class="section-title">{t(Msg::ReviewsTitle)}" · "{reviews.count}{t(Msg::ReviewsCount)}</h3>
        {if reviews.count == 0 {
            view! { <p class="detail-text muted">{t(Msg::NoReviewsYet)}</p> }.into_any()
        } else {
            view! {
                <div class="rating-summary" data-reviews=reviews.count>
                    <div><span class="rating-value">{rating_text(reviews.quality_tenths)}</span><span class="muted">{t(Msg::RatingQuality)}</span></div>
                    <div><span class="rating-value">{rating_text(reviews.attitude_tenths)}</span><span class="muted">{t(Msg::RatingAttitude)}</span></div>
                    <div><span class="rating-value">{rating_text(reviews.result_tenths)}</span><span class="muted">{t(Msg::RatingResult)}</span></div>
                </div>
                <ReviewList reviews=reviews.recent/>
            }.into_any()
        }}
    }
}
