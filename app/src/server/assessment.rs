use super::authz::require_user;
use super::{app_state, internal};
use crate::api::assessment::{
    AssessmentRules, AssessmentsPage, ConcernKind, OwnAssessment, NextTierView, TierLevel, WorkerAssessmentView, CONCERNS_ONLY,
};
use crate::api::{ADMIN, WORKER};
use crate::error::AppError;
use dispatch::{Concern, Tier};
use store::WorkerAssessmentRecord;

/// The published rules, with the late-arrival penalties in force.
async fn rules(state: &super::AppState) -> Result<AssessmentRules, AppError> {
    let (lateness, _, _) = super::pricing::lateness_in_force(state).await?;
    Ok(AssessmentRules {
        days: dispatch::ASSESSMENT_DAYS,
        min_cases: dispatch::MIN_CASES,
        min_reviews: dispatch::MIN_REVIEWS,
        on_time_floor: dispatch::ON_TIME_FLOOR,
        acceptance_floor: dispatch::ACCEPTANCE_FLOOR,
        rating_floor: dispatch::RATING_FLOOR,
        complaints_flagged: dispatch::COMPLAINTS_FLAGGED,
        skilled_orders: dispatch::SKILLED_MIN_ORDERS,
        gold_orders: dispatch::GOLD_MIN_ORDERS,
        gold_rating: dispatch::GOLD_MIN_RATING,
        late: lateness.tiers().to_vec(),
        no_show: lateness.no_show(),
    })
}

fn tier_level(tier: Tier) -> TierLevel {
    match tier {
        Tier::Newcomer => TierLevel::Newcomer,
        Tier::Skilled => TierLevel::Skilled,
        Tier::Gold => TierLevel::Gold,
    }
}

fn concern_kind(concern: Concern) -> ConcernKind {
    match concern {
        Concern::OftenLate => ConcernKind::OftenLate,
        Concern::RefusesOffers => ConcernKind::RefusesOffers,
        Concern::LowRating => ConcernKind::LowRating,
        Concern::Complaints => ConcernKind::Complaints,
    }
}

fn view(r: WorkerAssessmentRecord) -> WorkerAssessmentView {
    let a = dispatch::assess(&r.counts);
    let c = r.counts;
    WorkerAssessmentView {
        worker_id: r.worker_id,
        name: r.name,
        phone: r.phone,
        suspended: r.status == domain::WorkerStatus::Suspended.as_str(),
        tier: tier_level(a.tier),
        completed_orders: c.completed_orders,
        reviews: c.reviews,
        rating: c.rating,
        arrivals: c.arrivals,
        on_time_arrivals: c.on_time_arrivals,
        on_time_rate: a.on_time_rate,
        offers_answered: c.offers_answered,
        offers_accepted: c.offers_accepted,
        acceptance_rate: a.acceptance_rate,
        complaints: c.complaints,
        concerns: a.concerns.into_iter().map(concern_kind).collect(),
        next_tier: a.next_tier.map(|n| NextTierView { tier: tier_level(n.tier), orders_needed: n.orders_needed, rating_needed: n.rating_needed }),
    }
}

pub async fn admin_assessments(filter: Option<String>) -> Result<AssessmentsPage, AppError> {
    require_user(ADMIN)?;
    // Unknown values are ignored, as for the order list's filters.
    let concerns_only = filter.as_deref() == Some(CONCERNS_ONLY);
    let state = app_state()?;
    let records = state.store.worker_assessments(None, state.clock.now()).await.map_err(internal)?;
    let workers = records.into_iter().map(view).filter(|w| !concerns_only || !w.concerns.is_empty()).collect();
    Ok(AssessmentsPage { rules: rules(&state).await?, workers })
}

/// How many of their newest reviews a worker's 我的考核 page lists.
const RECENT_REVIEWS_SHOWN: i64 = 10;

pub async fn my_assessment() -> Result<OwnAssessment, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let mut records = state.store.worker_assessments(Some(user.id.0), state.clock.now()).await.map_err(internal)?;
    let reviews = state.store.worker_reviews(user.id.0, RECENT_REVIEWS_SHOWN).await.map_err(internal)?;
    let recent_reviews = super::reviews::public_reviews(&state, reviews).await.map_err(internal)?;
    Ok(OwnAssessment { rules: rules(&state).await?, me: records.pop().map(view), recent_reviews })
}
