use crate::api::assessment::{my_assessment, percent, AssessmentRules, ConcernKind, NextTierView, TierLevel, WorkerAssessmentView};
use crate::components::{ErrorState, PhoneShell, ReviewList, Skeleton, Tabs};
use crate::i18n::{t, tf, Msg};
use leptos::prelude::*;

pub(crate) fn tier_text(tier: TierLevel) -> Msg {
    match tier {
        TierLevel::Newcomer => Msg::TierNewcomer,
        TierLevel::Skilled => Msg::TierSkilled,
        TierLevel::Gold => Msg::TierGold,
    }
}

pub(crate) fn tier_key(tier: TierLevel) -> &'static str {
    match tier {
        TierLevel::Newcomer => "newcomer",
        TierLevel::Skilled => "skilled",
        TierLevel::Gold => "gold",
    }
}

pub(crate) fn concern_text(concern: ConcernKind) -> Msg {
    match concern {
        ConcernKind::OftenLate => Msg::ConcernOftenLate,
        ConcernKind::RefusesOffers => Msg::ConcernRefusesOffers,
        ConcernKind::LowRating => Msg::ConcernLowRating,
        ConcernKind::Complaints => Msg::ConcernComplaints,
    }
}

pub(crate) fn concern_key(concern: ConcernKind) -> &'static str {
    match concern {
        ConcernKind::OftenLate => "often_late",
        ConcernKind::RefusesOffers => "refuses_offers",
        ConcernKind::LowRating => "low_rating",
        ConcernKind::Complaints => "complaints",
    }
}

/// `92%（12/13）`, or 样本不足 with the count while too few to judge.
pub(crate) fn rate_text(rate: Option<f64>, hits: u32, cases: u32) -> String {
    let count = tf(Msg::AssessmentCountOf, &[&hits, &cases]);
    match rate {
        Some(rate) => format!("{}（{count}）", percent(rate)),
        None => format!("{}（{count}）", t(Msg::AssessmentTooFew)),
    }
}

/// `4.8（12 条评价）`, or 暂无评价.
pub(crate) fn rating_text(rating: Option<f64>, reviews: u32) -> String {
    match rating {
        Some(r) => format!("{r:.1}（{}）", tf(Msg::AssessmentReviewsCount, &[&reviews])),
        None => t(Msg::AssessmentNoRating).to_string(),
    }
}

pub(crate) fn next_tier_text(next: Option<NextTierView>) -> String {
    match next {
        None => t(Msg::AssessmentTopTier).to_string(),
        Some(n) => {
            let mut text = tf(Msg::AssessmentNextTier, &[&t(tier_text(n.tier)), &n.orders_needed]);
            if let Some(rating) = n.rating_needed {
                text.push_str(&tf(Msg::AssessmentNextTierRating, &[&rating]));
            }
            text
        }
    }
}

/// The published rules (B7): what the workers read and the admin applies.
#[component]
pub(crate) fn AssessmentRulesList(rules: AssessmentRules) -> impl IntoView {
    let r = rules;
    let items = [
        tf(Msg::AssessmentRuleTier, &[&r.skilled_orders, &r.gold_orders, &r.gold_rating]),
        tf(Msg::AssessmentRuleOnTime, &[&r.days, &r.min_cases, &percent(r.on_time_floor)]),
        tf(Msg::AssessmentRuleAcceptance, &[&r.days, &r.min_cases, &percent(r.acceptance_floor)]),
        tf(Msg::AssessmentRuleRating, &[&r.min_reviews, &r.rating_floor]),
        tf(Msg::AssessmentRuleComplaints, &[&r.days, &r.complaints_flagged]),
        t(Msg::AssessmentRuleFollowUp).to_string(),
        crate::pages::order_ui::late_rules_sentence(&r.late, r.no_show),
        tf(Msg::AppealRule, &[&domain::PENALTY_APPEAL_DAYS]),
    ];
    view! {
        <ol class="rules-list" data-rules>
            {items.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}
        </ol>
    }
}

/// 我的考核 (A5, B7): the worker's tier, what the next one takes, their
/// figures and the rules they are judged by.
#[component]
pub fn AssessmentPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| my_assessment());
    view! {
        <PhoneShell title=Msg::MyAssessmentTitle tabs=Tabs::Worker>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(mine) => {
                            let approved = mine.me.is_some();
                            view! {
                            {match mine.me {
                                Some(me) => view! { <MyFigures me/> }.into_any(),
                                None => view! { <p class="notice notice-warning">{t(Msg::AssessmentPending)}</p> }.into_any(),
                            }}
                            // An applicant has served nobody yet: no reviews to list.
                            {approved.then(|| view! {
                                <h2 class="section-title">{t(Msg::WorkerRecentReviews)}</h2>
                                {if mine.recent_reviews.is_empty() {
                                    view! { <p class="detail-text muted">{t(Msg::NoReviewsYet)}</p> }.into_any()
                                } else {
                                    view! { <ReviewList reviews=mine.recent_reviews/> }.into_any()
                                }}
                            })}
                            <h2 class="section-title">{t(Msg::AssessmentRulesTitle)}</h2>
                            <AssessmentRulesList rules=mine.rules/>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

#[component]
fn MyFigures(me: WorkerAssessmentView) -> impl IntoView {
    let concerns = me.concerns.clone();
    view! {
        <section class="status-card tier-card">
            <span class="status-label">{t(Msg::AssessmentTier)}</span>
            <span class="status-name" data-tier=tier_key(me.tier)>{t(tier_text(me.tier))}</span>
            <span class="status-hint">{next_tier_text(me.next_tier)}</span>
        </section>
        {(!concerns.is_empty()).then(|| view! {
            <p class="notice notice-warning" data-concerns>
                {t(Msg::AssessmentConcerns)}"："
                {concerns.iter().map(|c| t(concern_text(*c))).collect::<Vec<_>>().join("、")}
            </p>
        })}
        <div class="cells assessment-cells">
            <div class="cell"><span>{t(Msg::AssessmentCompleted)}</span><span class="cell-value" data-completed=me.completed_orders>{me.completed_orders}</span></div>
            <div class="cell"><span>{t(Msg::AssessmentRating)}</span><span class="cell-value">{rating_text(me.rating, me.reviews)}</span></div>
            <div class="cell"><span>{t(Msg::AssessmentOnTime)}</span><span class="cell-value" data-on-time>{rate_text(me.on_time_rate, me.on_time_arrivals, me.arrivals)}</span></div>
            <div class="cell"><span>{t(Msg::AssessmentAcceptance)}</span><span class="cell-value" data-acceptance>{rate_text(me.acceptance_rate, me.offers_accepted, me.offers_answered)}</span></div>
            <div class="cell"><span>{t(Msg::AssessmentComplaints)}</span><span class="cell-value" data-complaints=me.complaints>{me.complaints}</span></div>
        </div>
    }
}
