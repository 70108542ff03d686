use crate::api::pricing::{coupon_center, ClaimCoupon, ClaimStatus, CouponOffer, MyCoupon};
use crate::components::{form_error, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 优惠券: the coupon center (claim) above the customer's own coupons.
/// Claiming is a plain form, so it works before the page hydrates.
#[component]
pub fn CouponsPage() -> impl IntoView {
    let claim = ServerAction::<ClaimCoupon>::new();
    let center = Resource::new(move || claim.version().get(), |_| coupon_center());
    let value = claim.value();
    view! {
        <PhoneShell title=Msg::CouponsTitle tabs=Tabs::Customer>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <Suspense fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match center.await {
                        Ok(center) => view! {
                            <h2 class="section-title">{t(Msg::CouponCenterTitle)}</h2>
                            {if center.offers.is_empty() {
                                view! { <div class="state-box empty-state"><p>{t(Msg::NoCouponOffers)}</p></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="coupon-list">
                                        {center.offers.into_iter().map(|o| view! { <OfferCard offer=o claim/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            <h2 class="section-title">{t(Msg::MyCouponsTitle)}</h2>
                            {if center.mine.is_empty() {
                                view! { <div class="state-box empty-state"><p>{t(Msg::NoMyCoupons)}</p></div> }.into_any()
                            } else {
                                view! {
                                    <ul class="coupon-list">
                                        {center.mine.into_iter().map(|c| view! { <MyCouponCard coupon=c/> }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

#[component]
fn OfferCard(offer: CouponOffer, claim: ServerAction<ClaimCoupon>) -> impl IntoView {
    view! {
        <li class="coupon" data-coupon=offer.id>
            <div class="coupon-value">{offer.headline.clone()}</div>
            <div class="coupon-body">
                <span class="coupon-name">{offer.name.clone()}</span>
                <span class="muted">{t(Msg::CouponValid)}" "{offer.valid_text.clone()}</span>
                <span class="muted">{t(Msg::CouponsLeft)}" "{offer.left}</span>
            </div>
            {if offer.limit_reached {
                view! { <span class="coupon-claimed">{t(Msg::CouponLimitReached)}</span> }.into_any()
            } else {
                view! {
                    <ActionForm action=claim attr:class="inline-form">
                        <input type="hidden" name="coupon_id" value=offer.id/>
                        <button type="submit" class="btn btn-primary btn-small" disabled=move || claim.pending().get()>{t(Msg::ClaimCoupon)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </li>
    }
}

#[component]
fn MyCouponCard(coupon: MyCoupon) -> impl IntoView {
    let (label, class) = match coupon.status {
        ClaimStatus::Usable => (Msg::ClaimUsable, "coupon"),
        ClaimStatus::Used => (Msg::ClaimUsed, "coupon coupon-spent"),
        ClaimStatus::Expired => (Msg::ClaimExpired, "coupon coupon-spent"),
    };
    view! {
        <li class=class data-claim=coupon.claim_id>
            <div class="coupon-value">{coupon.headline.clone()}</div>
            <div class="coupon-body">
                <span class="coupon-name">{coupon.name.clone()}</span>
                <span class="muted">{t(Msg::CouponValid)}" "{coupon.valid_text.clone()}</span>
            </div>
            <span class="coupon-state">{t(label)}</span>
        </li>
    }
}
