//! 派单策略: reading, parsing and saving the admin's dispatch settings. The
//! rules for valid weights and limits live in the dispatch crate.

use super::authz::require_user;
use super::{app_state, internal};
use crate::api::dispatching::{AppliedPlan, DayPlanView, DispatchAdminView, DispatchForm, PlanRoute, PlanStop, PresetView, UnplannedView};
use crate::api::ADMIN;
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use super::flows::{self, unix};
use booking::OrderState;
use dispatch::{Candidate, DispatchSettings, GeoPoint, OfferPolicy, PlanOrder, Preset, Unplanned, Weights};
use std::collections::{BTreeMap, HashSet};
use store::{OrderRecord, StoreError};

/// Up to two decimals, without trailing zeros (0.35, 1, 0.1).
fn decimal(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn weights_form(w: &Weights, policy: &DispatchForm) -> DispatchForm {
    DispatchForm {
        travel: decimal(w.travel),
        rating: decimal(w.rating),
        tier: decimal(w.tier),
        fairness: decimal(w.fairness),
        acceptance: decimal(w.acceptance),
        affinity: decimal(w.affinity),
        load: decimal(w.load),
        ..policy.clone()
    }
}

pub fn form_of(s: &DispatchSettings) -> DispatchForm {
    let policy = DispatchForm {
        timeout_secs: s.policy.timeout_secs.to_string(),
        max_offers: s.policy.max_offers.to_string(),
        broadcast_secs: s.policy.broadcast_secs.to_string(),
        lead_hours: s.policy.lead_hours.to_string(),
        ..DispatchForm::default()
    };
    weights_form(&s.weights, &policy)
}

/// The form as settings, or the first field that is wrong.
pub fn parse_form(f: &DispatchForm) -> Result<DispatchSettings, AppError> {
    let weight = |text: &str, field: Field| {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|w| (0.0..=Weights::MAX).contains(w))
            .ok_or(AppError::invalid(field, Msg::ErrWeight))
    };
    let weights = Weights {
        travel: weight(&f.travel, Field::WeightTravel)?,
        rating: weight(&f.rating, Field::WeightRating)?,
        tier: weight(&f.tier, Field::WeightTier)?,
        fairness: weight(&f.fairness, Field::WeightFairness)?,
        acceptance: weight(&f.acceptance, Field::WeightAcceptance)?,
        affinity: weight(&f.affinity, Field::WeightAffinity)?,
        load: weight(&f.load, Field::WeightLoad)?,
    };
    if weights.validate() == Err(dispatch::WeightsError::AllZero) {
        return Err(AppError::invalid(Field::WeightTravel, Msg::ErrWeightsAllZero));
    }
    let whole = |text: &str, range: std::ops::RangeInclusive<i64>, field: Field, msg: Msg| {
        text.trim().parse::<i64>().ok().filter(|n| range.contains(n)).ok_or(AppError::invalid(field, msg))
    };
    let timeout_secs = whole(&f.timeout_secs, OfferPolicy::TIMEOUT_SECS, Field::OfferTimeout, Msg::ErrOfferTimeout)?;
    let max_offers = whole(&f.max_offers, 0..=i64::from(OfferPolicy::MAX_OFFERS), Field::MaxOffers, Msg::ErrMaxOffers)?;
    let max_offers = u32::try_from(max_offers).map_err(|_| AppError::invalid(Field::MaxOffers, Msg::ErrMaxOffers))?;
    let broadcast_secs = whole(&f.broadcast_secs, OfferPolicy::BROADCAST_SECS, Field::BroadcastSecs, Msg::ErrBroadcastSecs)?;
    let lead_hours = whole(&f.lead_hours, 0..=i64::from(OfferPolicy::MAX_LEAD_HOURS), Field::OfferLead, Msg::ErrOfferLead)?;
    let lead_hours = u32::try_from(lead_hours).map_err(|_| AppError::invalid(Field::OfferLead, Msg::ErrOfferLead))?;
    let settings = DispatchSettings { weights, policy: OfferPolicy { timeout_secs, max_offers, broadcast_secs, lead_hours } };
    settings.validate().map_err(|_| AppError::invalid(Field::MaxOffers, Msg::ErrNoOfferRoute))?;
    Ok(settings)
}

pub async fn admin_dispatch_settings() -> Result<DispatchAdminView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let (settings, version, updated_at) = super::flows::dispatch_settings(&state).await?;
    let form = form_of(&settings);
    let presets = Preset::ALL.into_iter().map(|p| PresetView { label: p.label().into(), form: weights_form(&p.weights(), &form) }).collect();
    Ok(DispatchAdminView { version, updated_at: updated_at.map(|t| t.unix_timestamp()), form, presets })
}

pub async fn queue_size() -> Result<i64, AppError> {
    require_user(ADMIN)?;
    app_state()?.store.admin_queue_size().await.map_err(internal)
}

pub async fn save(version: i64, form: DispatchForm) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let settings = parse_form(&form)?;
    super::saved_version(state.store.save_dispatch_settings(&settings, version, admin.id.0, state.clock.now()).await, "dispatch settings", Msg::ErrDispatchStale)
}

/// A day's search stops at `wall` time or after `PLAN_ITERATIONS`, whichever
/// comes first: a day of a few orders is settled in milliseconds.
fn budget(wall: std::time::Duration) -> impl FnMut() -> f64 {
    let started = std::time::Instant::now();
    let mut iterations = dispatch::iterations(PLAN_ITERATIONS);
    move || (started.elapsed().as_secs_f64() / wall.as_secs_f64()).max(iterations())
}

/// Enough for a city day of a few hundred orders (the online-day bench
/// re-plans 300 with 4,000); small days stop long before the wall budget.
const PLAN_ITERATIONS: u32 = 50_000;

/// How long the planner may think about one day.
const PLAN_BUDGET: std::time::Duration = std::time::Duration::from_millis(1500);
const PLAN_SEED: u64 = 1;

/// `YYYY-MM-DD` (Beijing) → its first second; the day after `now` when empty.
fn plan_day_start(date: Option<&str>, now: time::OffsetDateTime) -> Result<(String, i64), AppError> {
    let text = match date.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => d.to_string(),
        None => crate::api::format_beijing(unix(now) + 86_400).chars().take(10).collect(),
    };
    let day = pricing::rules::parse_date(&text).ok_or(AppError::invalid(Field::PreviewDate, Msg::ErrPreviewDate))?;
    Ok((text, pricing::beijing_day_start(day)))
}

/// Who holds an order's time now: its worker, else the reserved one.
fn holder(order: &OrderRecord) -> Option<i64> {
    order.worker_id.or(order.reserved_worker_id)
}

/// Only 待接单 orders may move; everything else keeps its worker, and so
/// does a nanny placement's order (试工 or 合同), which is its nanny's alone.
fn movable(order: &OrderRecord) -> bool {
    order.placement_id.is_none() && flows::order_state(order).is_ok_and(|s| s == OrderState::Booked)
}

/// Every approved worker who has any skill the day's orders need. One held
/// since an earlier day by an order running into this one (a nanny's
/// contract) is planned from where and when it ends ([`dispatch::plan_day`]).
async fn day_workers(state: &super::AppState, orders: &[OrderRecord], from: time::OffsetDateTime, to: time::OffsetDateTime) -> Result<Vec<Candidate>, AppError> {
    let mut workers: Vec<Candidate> = Vec::new();
    let mut skills: Vec<&str> = orders.iter().map(|o| o.category_code.as_str()).collect();
    skills.sort_unstable();
    skills.dedup();
    for skill in skills {
        for c in flows::candidates(state, skill, from, to, None, flows::Scoring::AvailabilityOnly).await? {
            if !workers.iter().any(|w| w.worker_id == c.worker_id) {
                workers.push(c);
            }
        }
    }
    Ok(workers)
}

/// Road kilometres of the day starting at `day_start` as its orders (in time
/// order) are held now, measured as the planner measures a plan ([`dispatch::day_km`]).
fn holding_km(travel: &dyn dispatch::Travel, workers: &[Candidate], orders: &[OrderRecord], day_start: i64) -> f64 {
    workers
        .iter()
        .map(|w| {
            let stops: Vec<GeoPoint> = orders.iter().filter(|o| holder(o) == Some(w.worker_id)).map(|o| GeoPoint { lat: o.lat, lng: o.lng }).collect();
            dispatch::day_km(travel, w, day_start, &stops)
        })
        .sum()
}

fn stop(order: &OrderRecord, planned: Option<i64>) -> PlanStop {
    PlanStop {
        order_id: order.id,
        order_no: order.order_no.clone(),
        service_name: order.service_name.clone(),
        starts_at: unix(order.starts_at),
        ends_at: unix(order.ends_at),
        area: super::work::area_of(&order.address_text),
        fixed: !movable(order),
        moved: movable(order) && planned.is_some() && planned != holder(order),
    }
}

pub async fn day_plan(date: Option<String>) -> Result<DayPlanView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let (date, start) = plan_day_start(date.as_deref(), state.clock.now())?;
    let (from, to) = (flows::from_unix(start)?, flows::from_unix(start + 86_400)?);
    let orders = state.store.held_orders_starting(from, to).await.map_err(internal)?;
    let workers = day_workers(&state, &orders, from, to).await?;
    let mut plan_orders = Vec::with_capacity(orders.len());
    for o in &orders {
        let refused_by = if movable(o) {
            state.store.offers_for_order(o.id).await.map_err(internal)?.into_iter().filter(|f| f.status == "rejected").map(|f| f.worker_id).collect()
        } else {
            Vec::new()
        };
        let (pinned_to, held_by) = if movable(o) { (None, holder(o)) } else { (holder(o), None) };
        plan_orders.push(PlanOrder { order_id: o.id, job: flows::job_for(o), pinned_to, refused_by, held_by });
    }
    let travel = state.travel.clone();
    let planners = workers.clone();
    let plan = tokio::task::spawn_blocking(move || dispatch::plan_day(&planners, &plan_orders, travel.as_ref(), PLAN_SEED, &mut budget(PLAN_BUDGET)))
        .await
        .map_err(internal)?;

    let by_id = |id: i64| orders.iter().find(|o| o.id == id);
    let mut routes = Vec::new();
    for route in &plan.routes {
        let name = state.store.user(store::UserId(route.worker_id)).await.map_err(internal)?.map(|u| u.display_name.as_str().to_string()).unwrap_or_default();
        routes.push(PlanRoute {
            worker_id: route.worker_id,
            worker_name: name,
            km: format!("{:.1}", route.km),
            stops: route.orders.iter().filter_map(|id| by_id(*id)).map(|o| stop(o, Some(route.worker_id))).collect(),
        });
    }
    let unplanned = plan
        .unplanned
        .iter()
        .filter_map(|(id, why)| {
            let reason = match why {
                Unplanned::NoQualifiedWorker => Msg::PlanNoQualifiedWorker,
                Unplanned::NoRouteFits => Msg::PlanNoRouteFits,
            };
            by_id(*id).map(|o| UnplannedView { stop: stop(o, None), reason: crate::i18n::t(reason).to_string() })
        })
        .collect();
    let km_now = holding_km(state.travel.as_ref(), &workers, &orders, start);
    let changes: Vec<String> = routes
        .iter()
        .flat_map(|r| r.stops.iter().filter(|s| s.moved).map(move |s| format!("{}:{}", s.order_id, r.worker_id)))
        .collect();
    Ok(DayPlanView {
        date,
        routes,
        unplanned,
        km_now: format!("{km_now:.1}"),
        km_planned: format!("{:.1}", plan.km),
        change_count: changes.len(),
        changes: changes.join(","),
    })
}

/// Orders starting in `[from, to)` that nobody has been offered yet, split
/// into holds the planner may move — before their first offer (提前派单)
/// and not held by the customer's own worker (a favourite, who served
/// them, or their recurring booking's) — and the ids of those whose first offer is due. Two queries
/// whatever the number of customers: this runs on every calendar a customer opens.
async fn unoffered_holds(
    state: &super::AppState,
    from: time::OffsetDateTime,
    to: time::OffsetDateTime,
    policy: &OfferPolicy,
) -> Result<(Vec<dispatch::MovableHold>, Vec<i64>), AppError> {
    let t = unix(state.clock.now());
    let own_worker_holds: HashSet<i64> = state.store.own_worker_holds(from, to).await.map_err(internal)?.into_iter().collect();
    let (mut movable, mut due) = (Vec::new(), Vec::new());
    for o in state.store.unoffered_holds(from, to).await.map_err(internal)? {
        let Some(worker_id) = o.reserved_worker_id else { continue };
        if policy.deferred_until(unix(o.starts_at), t).is_none() {
            due.push(o.id);
            continue;
        }
        if !own_worker_holds.contains(&o.id) {
            movable.push(dispatch::MovableHold { order_id: o.id, worker_id, job: flows::job_for(&o) });
        }
    }
    Ok((movable, due))
}

/// Holds that may move to make room for a booking ([`dispatch::make_room`])
/// among orders starting in `[from, to)`. None unless the admin set a lead
/// (提前派单): without one, every paid order is offered at once.
pub async fn movable_holds(state: &super::AppState, from: time::OffsetDateTime, to: time::OffsetDateTime) -> Result<Vec<dispatch::MovableHold>, AppError> {
    let (settings, _, _) = flows::dispatch_settings(state).await?;
    if settings.policy.lead_hours == 0 {
        return Ok(Vec::new());
    }
    Ok(unoffered_holds(state, from, to, &settings.policy).await?.0)
}

/// How long the planner may think about one day in the background.
const REPLAN_BUDGET: std::time::Duration = std::time::Duration::from_millis(800);
/// A plan must save at least this much road to be worth moving anyone.
const REPLAN_MIN_SAVING_KM: f64 = 0.1;

/// Batch re-planning (B1 (a)), the `replan_day` job: orders of Beijing day
/// `day` that nobody has been offered yet (提前派单) only hold a worker's
/// time, so the planner may give each to whoever fits the day best. Accepted
/// orders, unpaid ones, orders out on offer and orders held by the
/// customer's own worker (a favourite, who served them, or their recurring
/// booking's) stay put. The
/// plan starts from today's holding, so it is never longer, and it is applied
/// only when it saves road, all at once. Runs again every
/// `Config::replan_every` while such orders remain.
pub async fn replan_day(state: &super::AppState, day: i64, job_id: i64) -> Result<(), AppError> {
    let t = state.clock.now();
    let start = day * 86_400 - dispatch::BEIJING_UTC_OFFSET_SECS;
    let (from, to) = (flows::from_unix(start)?, flows::from_unix(start + 86_400)?);
    let (settings, _, _) = flows::dispatch_settings(state).await?;
    let (movable, due) = unoffered_holds(state, from, to, &settings.policy).await?;
    // The lead was shortened since these were deferred: offer them now.
    for order_id in due {
        state.store.schedule_once("dispatch", order_id, t, None).await.map_err(internal)?;
    }
    if movable.is_empty() {
        return Ok(());
    }
    // Every other held order of the day is pinned to its worker.
    let hold_of: BTreeMap<i64, i64> = movable.iter().map(|h| (h.order_id, h.worker_id)).collect();
    let held: Vec<OrderRecord> = state
        .store
        .held_orders_starting(from, to)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|o| hold_of.contains_key(&o.id) || holder(o).is_some())
        .collect();
    let plan_orders: Vec<PlanOrder> = held
        .iter()
        .map(|o| {
            let (pinned_to, held_by) = match hold_of.get(&o.id) {
                Some(&worker) => (None, Some(worker)),
                None => (holder(o), None),
            };
            PlanOrder { order_id: o.id, job: flows::job_for(o), pinned_to, refused_by: Vec::new(), held_by }
        })
        .collect();
    let workers = day_workers(state, &held, from, to).await?;
    let travel = state.travel.clone();
    let km_before = holding_km(travel.as_ref(), &workers, &held, start);
    let planners = workers.clone();
    let plan = tokio::task::spawn_blocking(move || dispatch::plan_day(&planners, &plan_orders, travel.as_ref(), PLAN_SEED, &mut budget(REPLAN_BUDGET)))
        .await
        .map_err(internal)?;
    let moves: Vec<store::HoldMove> = hold_of
        .iter()
        .filter_map(|(&order_id, &from)| {
            let to = plan.worker_of(order_id)?;
            (from != to).then_some(store::HoldMove { order_id, from_worker: from, to_worker: to, day_km: Some((km_before, plan.km)) })
        })
        .collect();
    if !moves.is_empty() && plan.km < km_before - REPLAN_MIN_SAVING_KM {
        match state.store.move_holds(&moves, t).await {
            Ok(()) => tracing::info!(day, moved = moves.len(), km_before, km_after = plan.km, "day re-planned"),
            // Something changed while planning; the next run starts from the new state.
            Err(StoreError::Conflict | StoreError::SlotTaken) => tracing::info!(day, "day re-plan skipped: orders changed meanwhile"),
            Err(err) => return Err(internal(err)),
        }
    }
    state.store.schedule_once("replan_day", day, t + state.config.replan_every, Some(job_id)).await.map_err(internal)?;
    Ok(())
}

pub async fn apply_plan(date: String, changes: String) -> Result<AppliedPlan, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let (_, start) = plan_day_start(Some(&date), state.clock.now())?;
    let pairs: Vec<(i64, i64)> = changes
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().split_once(':').and_then(|(o, w)| Some((o.parse().ok()?, w.parse().ok()?))))
        .collect::<Option<_>>()
        .ok_or(AppError::NotFound)?;
    let mut applied = AppliedPlan { assigned: 0, skipped: 0 };
    for (order_id, worker_id) in pairs {
        let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
        let on_day = (start..start + 86_400).contains(&unix(order.starts_at));
        if !on_day || !movable(&order) || holder(&order) == Some(worker_id) {
            applied.skipped += 1;
            continue;
        }
        match super::ops::admin_assign(order_id, worker_id, false).await {
            Ok(()) => applied.assigned += 1,
            Err(AppError::Refused(_) | AppError::StaleOrder | AppError::WorkerBusy) => applied.skipped += 1,
            Err(err) => return Err(err),
        }
    }
    tracing::info!(date, assigned = applied.assigned, skipped = applied.skipped, "day plan applied");
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> DispatchForm {
        form_of(&DispatchSettings::default())
    }

    #[test]
    fn the_saved_settings_read_back_as_the_same_form() {
        let form = typed();
        assert_eq!(form.travel, "0.35");
        assert_eq!(form_of(&parse_form(&form).unwrap()), form);
    }

    #[test]
    fn a_bad_weight_or_limit_is_reported_on_its_own_field() {
        type Case = (fn(&mut DispatchForm), Field, Msg);
        let cases: [Case; 9] = [
            (|f| f.lead_hours = "73".into(), Field::OfferLead, Msg::ErrOfferLead),
            (|f| f.lead_hours = "1.5".into(), Field::OfferLead, Msg::ErrOfferLead),
            (|f| f.rating = "-0.1".into(), Field::WeightRating, Msg::ErrWeight),
            (|f| f.load = "11".into(), Field::WeightLoad, Msg::ErrWeight),
            (|f| f.affinity = "很多".into(), Field::WeightAffinity, Msg::ErrWeight),
            (|f| f.timeout_secs = "5".into(), Field::OfferTimeout, Msg::ErrOfferTimeout),
            (|f| f.max_offers = "21".into(), Field::MaxOffers, Msg::ErrMaxOffers),
            (|f| f.broadcast_secs = "7201".into(), Field::BroadcastSecs, Msg::ErrBroadcastSecs),
            (
                |f| {
                    f.max_offers = "0".into();
                    f.broadcast_secs = "0".into();
                },
                Field::MaxOffers,
                Msg::ErrNoOfferRoute,
            ),
        ];
        for (spoil, field, msg) in cases {
            let mut form = typed();
            spoil(&mut form);
            assert_eq!(parse_form(&form), Err(AppError::invalid(field, msg)), "{form:?}");
        }
    }

    #[test]
    fn all_weights_zero_is_refused() {
        let zero = "0".to_string();
        let form = DispatchForm {
            travel: zero.clone(),
            rating: zero.clone(),
            tier: zero.clone(),
            fairness: zero.clone(),
            acceptance: zero.clone(),
            affinity: zero.clone(),
            load: zero,
            ..typed()
        };
        assert_eq!(parse_form(&form), Err(AppError::invalid(Field::WeightTravel, Msg::ErrWeightsAllZero)));
    }
}
