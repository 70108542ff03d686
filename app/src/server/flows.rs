//! The order loop's server-side flows shared by server functions, the
//! payment notification route and the job runner: building dispatch
//! candidates from the store, making the next offer, and each timed job.

use super::{internal, AppState};
use crate::error::AppError;
use booking::{Actor, EventKind, OrderFacts, OrderState};
use dispatch::{Busy, Candidate, DispatchSettings, GeoPoint, Job, NextOffer, Ranked, WorkWindow};
use domain::Fen;
use std::time::Duration;
use store::{JobRecord, LateCharge, NewEvent, NoShowCharge, OrderChange, OrderRecord, PaymentOutcome, Settlement, StoreError};
use time::OffsetDateTime;

pub fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub fn from_unix(secs: i64) -> Result<OffsetDateTime, AppError> {
    OffsetDateTime::from_unix_timestamp(secs).map_err(|_| AppError::NotFound)
}

/// Who is ranked, and for whom: availability checks need no track records;
/// offers and bookings score each worker's record and the customer's favourites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    AvailabilityOnly,
    ForCustomer(i64),
}

/// Approved workers with the skill, as dispatch sees them between `from`
/// and `to`; `skip_order` leaves an order's own hold out of its worker's busy time.
pub async fn candidates(
    state: &AppState,
    skill: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    skip_order: Option<i64>,
    scoring: Scoring,
) -> Result<Vec<Candidate>, AppError> {
    let workers = state.store.workers_for_dispatch(skill).await.map_err(internal)?;
    let ids: Vec<i64> = workers.iter().map(|w| w.user_id).collect();
    let (records, favored) = match scoring {
        Scoring::AvailabilityOnly => (Vec::new(), Vec::new()),
        Scoring::ForCustomer(customer) => (
            state.store.worker_records(&ids, state.clock.now()).await.map_err(internal)?,
            state.store.favored_workers(customer).await.map_err(internal)?,
        ),
    };
    let windows = state.store.work_windows(&ids).await.map_err(internal)?;
    let leave = state.store.leave_days(&ids, &beijing_date(from - Duration::from_secs(86_400)).to_string()).await.map_err(internal)?;
    // Busy time a little beyond the range so travel from a neighbouring job counts.
    let margin = Duration::from_secs(6 * 3600);
    let busy = state.store.busy_between(from - margin, to + margin).await.map_err(internal)?;
    Ok(workers
        .into_iter()
        .map(|w| Candidate {
            worker_id: w.user_id,
            receives_orders: true,
            skills: w.skills.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
            home: GeoPoint { lat: w.home_lat, lng: w.home_lng },
            area_radius_km: w.area_radius_km,
            hours: windows
                .iter()
                .filter(|h| h.worker_id == w.user_id)
                .map(|h| WorkWindow { weekday: h.weekday as u8, start_minute: h.start_minute as u16, end_minute: h.end_minute as u16 })
                .collect(),
            leave_days: leave.iter().filter(|(worker, _)| *worker == w.user_id).filter_map(|(_, day)| day_number(day)).collect(),
            busy: busy_of(busy.iter().filter(|b| b.worker_id == w.user_id && Some(b.order_id) != skip_order)),
            rating: w.rating_avg.unwrap_or(0.0),
            active_orders: w.active_orders.max(0) as u32,
            record: records.iter().find(|(id, _)| *id == w.user_id).map(|(_, r)| *r).unwrap_or_default(),
            favored: favored.contains(&w.user_id),
            gender: w.gender,
            certified: w.certified,
            certified_through: w.certified_through.as_deref().and_then(day_number),
            health_through: w.health_through.as_deref().and_then(day_number),
        })
        .collect())
}

/// Orders holding a worker's time, as dispatch's busy intervals.
pub fn busy_of<'a>(rows: impl IntoIterator<Item = &'a store::BusyRow>) -> Vec<Busy> {
    rows.into_iter().map(|b| Busy { start: unix(b.starts_at), end: unix(b.ends_at), location: GeoPoint { lat: b.lat, lng: b.lng } }).collect()
}

/// The Beijing calendar date of an instant.
pub fn beijing_date(t: OffsetDateTime) -> time::Date {
    t.to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("valid offset")).date()
}

/// `2026-11-25` → the Beijing day number dispatch uses for days off.
pub fn day_number(day: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, &format).ok()?;
    Some(i64::from(date.to_julian_day()) - i64::from(time::Date::from_calendar_date(1970, time::Month::January, 1).ok()?.to_julian_day()))
}

/// Midnight today in Beijing, as a UTC instant: "today" for the dashboard
/// and the lists its tiles open.
pub fn start_of_beijing_day(at: time::OffsetDateTime) -> time::OffsetDateTime {
    beijing_midnight(beijing_date(at))
}

/// The UTC instant a Beijing calendar day begins.
pub fn beijing_midnight(day: time::Date) -> time::OffsetDateTime {
    let shanghai = time::UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    day.with_time(time::Time::MIDNIGHT).assume_offset(shanghai).to_offset(time::UtcOffset::UTC)
}

/// Storage names of the states that satisfy `keep`, for order filters.
pub fn state_names(keep: impl Fn(OrderState) -> bool) -> Vec<String> {
    OrderState::ALL.into_iter().filter(|s| keep(*s)).map(|s| s.as_str().to_string()).collect()
}

pub fn job_for(order: &OrderRecord) -> Job {
    Job {
        skill: order.category_code.clone(),
        location: GeoPoint { lat: order.lat, lng: order.lng },
        start: unix(order.starts_at),
        end: unix(order.ends_at),
        worker_gender: order.worker_gender.clone(),
        needs_certificate: order.needs_certificate,
    }
}

pub fn facts(order: &OrderRecord) -> Result<OrderFacts, AppError> {
    Ok(OrderFacts {
        state: order_state(order)?,
        customer_id: order.customer_id,
        worker_id: order.worker_id,
        paid: Fen::new(order.held_fen()),
        starts_at: unix(order.starts_at),
    })
}

/// The quote `order` was charged by, as it stands (a move to a cheaper time reprices it).
pub fn quote_of(order: &OrderRecord) -> Result<pricing::Quote, AppError> {
    serde_json::from_str(&order.quote_json).map_err(internal)
}

pub fn order_state(order: &OrderRecord) -> Result<OrderState, AppError> {
    OrderState::from_db(&order.state).ok_or_else(|| internal(format!("order {} has unknown state {}", order.id, order.state)))
}

pub fn actor_columns(actor: Actor) -> (String, Option<i64>) {
    match actor {
        Actor::Customer(id) => ("customer".into(), Some(id)),
        Actor::Worker(id) => ("worker".into(), Some(id)),
        Actor::Admin(id) => ("admin".into(), Some(id)),
        Actor::System => ("system".into(), None),
    }
}

pub fn event(kind: EventKind, actor: Actor, position: Option<(f64, f64)>, detail: String) -> NewEvent {
    let (actor_kind, actor_id) = actor_columns(actor);
    NewEvent { kind: kind.as_str().into(), actor_kind, actor_id, position, detail, away_from_address: false }
}

/// How far `position` is from `order`'s address, in the metres an arrival
/// is shown and judged by (B4).
pub fn metres_from_address(order: &OrderRecord, position: (f64, f64)) -> i64 {
    let km = dispatch::distance_km(dispatch::GeoPoint { lat: position.0, lng: position.1 }, dispatch::GeoPoint { lat: order.lat, lng: order.lng });
    booking::arrival_metres(km)
}

/// A reference number: a prefix, the time and randomness (e.g. `DJ20261125…`).
pub fn reference(prefix: &str) -> String {
    // Wall time: a reference names a record, it is not a business time.
    reference_at(prefix, time::OffsetDateTime::now_utc())
}

/// A reference for a record made at `t` (a replayed past order's).
pub fn reference_at(prefix: &str, t: OffsetDateTime) -> String {
    use rand::Rng;
    format!(
        "{prefix}{:04}{:02}{:02}{:02}{:02}{:02}{:06}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        rand::thread_rng().gen_range(0..1_000_000)
    )
}

/// Writes `worker_id`'s acceptance of offer `offer_id` on `order` at `at`,
/// telling the customer and the worker. Offers were checked against the
/// worker's day when made; a broadcast reserves nobody's time, and the
/// worker may have taken other orders since, so the travel rule is asked
/// again where the accept is written.
pub async fn accept_offer(state: &AppState, offer_id: i64, worker_id: i64, order: &OrderRecord, at: OffsetDateTime) -> Result<(), StoreError> {
    let accept = event(EventKind::Accept, Actor::Worker(worker_id), None, String::new());
    let job = job_for(order);
    let fits = |around: &[store::BusyRow]| dispatch::first_clash(&busy_of(around), &job, state.travel.as_ref()).is_none();
    state.store.accept_offer(offer_id, worker_id, &accept, &[order.customer_id, worker_id], at, &fits).await.map(|_| ())
}

/// What a customer books, before the platform adds its references, the
/// payment window and its commission.
#[derive(Clone)]
pub struct OrderRequest<'a> {
    pub customer_id: i64,
    pub service: &'a store::ServiceRecord,
    pub units: i32,
    pub quote: &'a pricing::Quote,
    pub address_text: String,
    pub location: GeoPoint,
    pub contact_phone: String,
    pub notes: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub coupon_claim_id: Option<i64>,
    pub worker_gender: Option<String>,
}

/// The order a booking places: paid through the sandbox within the payment
/// window from `placed_at`, at today's commission for its category, with
/// references that name `named_at` (wall time live, the past for a replay).
pub async fn new_order(state: &AppState, r: OrderRequest<'_>, placed_at: OffsetDateTime, named_at: OffsetDateTime) -> Result<store::NewOrder, AppError> {
    Ok(store::NewOrder {
        order_no: reference_at("DJ", named_at),
        customer_id: r.customer_id,
        service_id: r.service.id,
        service_name: r.service.name.clone(),
        category_code: r.service.category_code.clone(),
        units: r.units,
        quote_json: serde_json::to_string(r.quote).map_err(internal)?,
        total_fen: r.quote.total.get(),
        address_text: r.address_text,
        lat: r.location.lat,
        lng: r.location.lng,
        contact_phone: r.contact_phone,
        notes: r.notes,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        pay_deadline: placed_at + state.config.pay_window,
        provider: "sandbox".into(),
        out_trade_no: reference_at("PAY", named_at),
        commission_bps: commission_bps(state, &r.service.category_code).await? as i32,
        coupon_claim_id: r.coupon_claim_id,
        worker_gender: r.worker_gender,
        cancel_tiers: Some(super::pricing::cancellation_in_force(state).await?.0.to_string()),
        checklist: Some(booking::checklist_items(Some(&r.service.process_steps)).join("\n")),
        proof_photos: r.service.proof_photos,
    })
}

/// The platform's share of a category's orders: its own rate, else the default.
pub async fn commission_bps(state: &AppState, category_code: &str) -> Result<u32, AppError> {
    let own = state.store.category_commission_bps(category_code).await.map_err(internal)?;
    let bps = own.unwrap_or(state.config.commission_bps).clamp(0, 10_000);
    Ok(u32::try_from(bps).unwrap_or(10_000))
}

/// The rate fixed on the order when it was placed (older orders: today's rate).
pub async fn order_commission_bps(state: &AppState, order: &OrderRecord) -> Result<u32, AppError> {
    match order.commission_bps.and_then(|bps| u32::try_from(bps).ok()) {
        Some(bps) => Ok(bps.min(10_000)),
        None => commission_bps(state, &order.category_code).await,
    }
}

/// The cancellation rules the order was booked under (older orders: those in force).
pub async fn order_cancellation(state: &AppState, order: &OrderRecord) -> Result<booking::CancellationPolicy, AppError> {
    match order.cancel_tiers.as_deref().map(booking::CancellationPolicy::parse) {
        Some(kept) => kept.map_err(internal),
        None => Ok(super::pricing::cancellation_in_force(state).await?.0),
    }
}

/// What the late-arrival rules in force charge for this order's arrival
/// (B5), counted from the booked start to the worker's 已到达 step.
async fn late_charge(state: &AppState, order: &OrderRecord) -> Result<Option<LateCharge>, AppError> {
    let events = state.store.order_events(order.id).await.map_err(internal)?;
    let Some(arrival) = events.iter().rev().find(|e| e.kind == EventKind::Arrive.as_str()) else { return Ok(None) };
    let (policy, _, _) = super::pricing::lateness_in_force(state).await?;
    Ok(policy.penalty(unix(order.starts_at), unix(arrival.created_at)).map(|late| LateCharge {
        penalty_fen: late.tier.penalty.get(),
        late_minutes: (late.late_secs + 59) / 60,
    }))
}

/// Runs `event` through the state machine and stores the result atomically.
pub async fn transition(state: &AppState, order: &OrderRecord, actor: Actor, kind: EventKind, worker: Option<i64>, position: Option<(f64, f64)>) -> Result<(), AppError> {
    transition_noted(state, order, actor, kind, worker, position, String::new()).await
}

/// What an order's record says when it was handed on from a no-show.
const NO_SHOW_NOTE: &str = "原服务者爽约（开始后仍未出发）";

/// What ending `order` at `at` owes its nanny when it is a contract in
/// service (B8): the days she served and what they earned, and of that
/// what its months have not paid her yet.
pub fn contract_served(order: &OrderRecord, at: i64) -> Result<Option<(booking::DaysServed, Fen)>, AppError> {
    if order.placement_id.is_none() || order_state(order)? != OrderState::InService {
        return Ok(None);
    }
    Ok(booking::days_served(unix(order.starts_at), unix(order.ends_at), order.total_fen, at)
        .map(|served| (served, Fen::new(served.earned_fen - order.paid_out_fen).max(Fen::ZERO))))
}

/// [`transition`] with `note` kept in the order's event, written in the same
/// transaction as the change (say, which hard rules an admin overrode).
pub async fn transition_noted(
    state: &AppState,
    order: &OrderRecord,
    actor: Actor,
    kind: EventKind,
    worker: Option<i64>,
    position: Option<(f64, f64)>,
    note: String,
) -> Result<(), AppError> {
    step(state, order, actor, kind, worker, position, note, Fen::ZERO).await
}

/// The customer's cancel, keeping `package_owed` (B6: the price difference
/// of a package they end early) out of its refund besides its fee, as far as
/// the refund goes; the order's record names that part of the fee.
pub async fn customer_cancel(state: &AppState, order: &OrderRecord, customer_id: i64, package_owed: Fen) -> Result<(), AppError> {
    step(state, order, Actor::Customer(customer_id), EventKind::Cancel, None, None, String::new(), package_owed).await
}

/// [`transition_noted`], a cancel also keeping `owed` from its refund.
#[allow(clippy::too_many_arguments)]
async fn step(
    state: &AppState,
    order: &OrderRecord,
    actor: Actor,
    kind: EventKind,
    worker: Option<i64>,
    position: Option<(f64, f64)>,
    note: String,
    owed: Fen,
) -> Result<(), AppError> {
    // The dispatch clock, so an order's events and its offers keep one timeline.
    let at = state.clock.now();
    let by_policy = booking::apply(&facts(order)?, actor, kind, worker, unix(at), &order_cancellation(state, order).await?).map_err(AppError::from_transition)?;
    let from = order_state(order)?;
    // Only staff cancel a contract in service.
    let (served, served_unpaid) = match kind {
        EventKind::Cancel => contract_served(order, unix(at))?.map_or((None, Fen::ZERO), |(s, unpaid)| (Some(s), unpaid)),
        _ => (None, Fen::ZERO),
    };
    let kept = by_policy.keeping_from_refund(owed);
    let t = kept.paying_worker_from_refund(served_unpaid);
    let (package_part, served_settled) = (kept.fee - by_policy.fee, t.fee - kept.fee);
    // Handing an order on after its start, its worker not having set off, is
    // their no-show (B5); nobody else's action takes an order from a worker.
    let no_show = match order.worker_id {
        Some(worker_id) if kind == EventKind::Assign && t.worker_id != Some(worker_id) && booking::is_no_show(from, unix(order.starts_at), unix(at)) => {
            let (policy, _, _) = super::pricing::lateness_in_force(state).await?;
            policy.no_show().map(|penalty| NoShowCharge { worker_id, penalty_fen: penalty.get() })
        }
        _ => None,
    };
    let staff_note = note.clone();
    let detail = match (t.fee.get() > 0, t.fee_to_worker) {
        _ if served_settled > Fen::ZERO => format!("{note}；合同提前结束，按已服务{}天结算给服务者 {served_settled}", served.map_or(0, |s| s.days)),
        (true, true) => format!("客户不在家，取消费 {} 付给服务者", t.fee),
        (true, false) if package_part > Fen::ZERO => format!("取消费 {}（含套餐差价 {package_part}）", t.fee),
        (true, false) => format!("取消费 {}", t.fee),
        (false, true) => "客户不在家".to_string(),
        (false, false) if no_show.is_some() && note.is_empty() => NO_SHOW_NOTE.to_string(),
        (false, false) if no_show.is_some() => format!("{note}；{NO_SHOW_NOTE}"),
        (false, false) => note,
    };
    let mut notify = vec![order.customer_id];
    notify.extend(order.worker_id);
    notify.extend(t.worker_id.filter(|w| Some(*w) != order.worker_id));
    // A completion pays the worker the escrow; an absent customer's fee pays them too.
    let pays_worker = t.next == OrderState::Completed || (t.fee_to_worker && t.fee.get() > 0);
    let settle = match t.worker_id {
        Some(worker_id) if pays_worker => {
            let late = if t.next == OrderState::Completed { late_charge(state, order).await? } else { None };
            // The platform pays a served order's discounts; a not-home fee is of what was paid.
            let discount_fen = if t.next == OrderState::Completed { quote_of(order)?.discounts().get() } else { 0 };
            let served_days = served.map(|s| s.days);
            Some(Settlement { worker_id, commission_bps: order_commission_bps(state, order).await?, late, discount_fen, served_days })
        }
        _ => None,
    };
    let change = OrderChange {
        settle,
        no_show,
        expected_state: from.as_str().into(),
        next_state: t.next.as_str().into(),
        assign_worker: if t.worker_id != order.worker_id { t.worker_id } else { None },
        fee_fen: t.fee.get(),
        refund: t.refund.map(|r| (r.get(), reference("RF"))),
        event: NewEvent {
            away_from_address: kind == EventKind::Arrive && position.is_some_and(|at| !booking::arrived_at_the_address(metres_from_address(order, at))),
            ..event(kind, actor, position, detail)
        },
        notify,
    };
    let worker_no_show = change.no_show.is_some();
    let result = state.store.change_order(order.id, &change, at).await;
    if result.is_ok() {
        let ended = served.map(|s| super::inbox::ContractEnded {
            days: s.days,
            earned: Fen::new(s.earned_fen),
            months_paid: Fen::new(order.paid_out_fen),
            settled: served_settled,
            refund: t.refund.unwrap_or(Fen::ZERO),
        });
        super::inbox::order_changed(state, order, actor, kind, t.worker_id, worker_no_show, &staff_note, ended).await;
    }
    match result {
        Ok(()) if t.next == OrderState::Completed => {
            // The order is completed either way; without the job only the
            // platform's confirmation is missed, which the customer can still give.
            let confirm_at = at + Duration::from_secs(booking::AUTO_CONFIRM_SECS.unsigned_abs());
            if let Err(err) = state.store.enqueue_job("auto_confirm", order.id, "", confirm_at).await {
                tracing::error!(order_id = order.id, error = %err, "auto-confirmation not scheduled");
            }
            Ok(())
        }
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::StaleOrder),
        Err(StoreError::SlotTaken) => Err(AppError::WorkerBusy),
        Err(err) => Err(internal(err)),
    }
}

/// The admin's dispatch settings, or the configured defaults until they
/// save some; with the version a save must name (0: never saved).
pub async fn dispatch_settings(state: &AppState) -> Result<(DispatchSettings, i64, Option<OffsetDateTime>), AppError> {
    Ok(match state.store.dispatch_settings().await.map_err(internal)? {
        Some(saved) => (saved.settings, saved.version, Some(saved.updated_at)),
        None => (state.config.dispatch, 0, None),
    })
}

fn secs(n: i64) -> Duration {
    Duration::from_secs(u64::try_from(n).unwrap_or(0))
}

/// A paid order's first dispatch: at once, or — when the admin set a lead
/// (提前派单) and the order starts later than that — not before `start − lead`.
/// Until then it only holds its worker's time and the day planner may move
/// the hold ([`super::dispatching::replan_day`]).
pub async fn dispatch_or_defer(state: &AppState, order_id: i64, job_id: i64) -> Result<(), AppError> {
    let Some(order) = state.store.order(order_id).await.map_err(internal)? else { return Ok(()) };
    let (settings, _, _) = dispatch_settings(state).await?;
    let t = state.clock.now();
    // A nanny placement's order (试工 or 合同) is its nanny's alone, so nothing is gained by waiting to offer it.
    let deferred = order.placement_id.is_none().then(|| settings.policy.deferred_until(unix(order.starts_at), unix(t))).flatten();
    if let Some(offer_at) = deferred {
        if state.store.never_offered(order_id).await.map_err(internal)? {
            state.store.schedule_once("dispatch", order_id, from_unix(offer_at)?, Some(job_id)).await.map_err(internal)?;
            let day = dispatch::local_day_number(unix(order.starts_at));
            state.store.schedule_once("replan_day", day, t, None).await.map_err(internal)?;
            tracing::info!(order_id, offer_at, "first offer deferred; the day will be re-planned until then");
            return Ok(());
        }
    }
    dispatch_next(state, order_id).await
}

/// Moves a 待接单 order along its offer chain: the next-best worker one by
/// one, then a broadcast (抢单) to everyone else qualified, then the admin
/// queue. Does nothing while an offer is open.
pub async fn dispatch_next(state: &AppState, order_id: i64) -> Result<(), AppError> {
    let Some(order) = state.store.order(order_id).await.map_err(internal)? else { return Ok(()) };
    if order_state(&order)? != OrderState::Booked {
        return Ok(());
    }
    let t = state.clock.now();
    let offers = state.store.offers_for_order(order_id).await.map_err(internal)?;
    if offers.iter().any(|o| o.status == "pending" && o.deadline > t) {
        return Ok(());
    }
    let offered: Vec<i64> = offers.iter().map(|o| o.worker_id).collect();
    let refused: Vec<i64> = offers.iter().filter(|o| o.status == "rejected").map(|o| o.worker_id).collect();
    let broadcast_done = offers.iter().any(|o| o.broadcast);
    let (settings, _, _) = dispatch_settings(state).await?;
    let candidates = candidates(state, &order.category_code, order.starts_at, order.ends_at, Some(order_id), Scoring::ForCustomer(order.customer_id)).await?;
    let job = job_for(&order);
    let why = dispatch::explain(&candidates, &job, state.travel.as_ref(), &refused, &settings.weights);
    // Asked again in the writing transaction: a worker's day may have filled since `candidates` was read.
    let fits = |around: &[store::BusyRow]| dispatch::first_clash(&busy_of(around), &job, state.travel.as_ref()).is_none();
    let ranked = &why.ranked;
    // The first offer goes to the worker whose time the booking holds (the best
    // at booking time, or the customer's previous worker on a rebooking).
    // A placement's order (试工 or 合同) goes to the nanny the family chose and no one else: if
    // she cannot take it, staff arrange what happens next.
    let for_her_alone = order.placement_id.is_some();
    let one_to_one = offers.is_empty() && (settings.policy.max_offers > 0 || for_her_alone);
    let held_first = one_to_one.then(|| ranked.iter().find(|r| Some(r.worker_id) == order.reserved_worker_id)).flatten();
    let next = match held_first {
        Some(held) => NextOffer::Offer(held.clone()),
        None if for_her_alone => NextOffer::EscalateToAdmin,
        None => dispatch::next_offer(ranked, &offered, broadcast_done, &settings.policy),
    };
    let decision = serde_json::to_string(&why.kept(WORKERS_KEPT_PER_DECISION)).map_err(internal)?;
    match next {
        NextOffer::Offer(best) => {
            let explanation = serde_json::to_string(&best).map_err(internal)?;
            match state.store.create_offer(order_id, best.worker_id, &explanation, &decision, t, t + secs(settings.policy.timeout_secs), &fits).await {
                Ok(_) => {
                    tracing::info!(order_id, worker_id = best.worker_id, score = best.parts.total, "offer made");
                    Ok(())
                }
                Err(StoreError::Conflict) => Ok(()),
                // Their time went to another booking meanwhile: rank again.
                Err(StoreError::SlotTaken) => {
                    state.store.enqueue_job("dispatch", order_id, "", t).await.map_err(internal)?;
                    Ok(())
                }
                Err(err) => Err(internal(err)),
            }
        }
        NextOffer::Broadcast(everyone) => {
            let offers = everyone.iter().map(|r| Ok((r.worker_id, serde_json::to_string(r).map_err(internal)?))).collect::<Result<Vec<_>, AppError>>()?;
            match state.store.create_broadcast(order_id, &offers, &decision, t, t + secs(settings.policy.broadcast_secs), &fits).await {
                Ok(sent) if sent.is_empty() => escalate(state, &order, offers.len(), &decision).await,
                Ok(sent) => {
                    tracing::info!(order_id, workers = sent.len(), "order broadcast");
                    Ok(())
                }
                Err(StoreError::Conflict) => Ok(()),
                Err(err) => Err(internal(err)),
            }
        }
        NextOffer::EscalateToAdmin => escalate(state, &order, offers.len(), &decision).await,
    }
}

/// Workers of each kind (eligible, excluded) a stored decision names.
const WORKERS_KEPT_PER_DECISION: usize = 50;

/// Puts the order in the admin queue (派单队列) with the decision that sent
/// it there; every admin's menu badge updates live. Nothing happens when it
/// was already there or has moved on.
async fn escalate(state: &AppState, order: &OrderRecord, offers: usize, decision: &str) -> Result<(), AppError> {
    if state.store.escalate_to_admins(order.id, decision, state.clock.now()).await.map_err(internal)? {
        tracing::warn!(order_id = order.id, offers, "order escalated to the admin queue");
        super::inbox::order_escalated(state, order).await;
    }
    Ok(())
}

/// A stored decision's explanation; `None` for one that cannot be read.
pub fn decision(json: &str) -> Option<dispatch::Explanation> {
    serde_json::from_str(json).ok()
}

/// Parses a stored offer explanation back into its scores.
pub fn explanation(json: &str) -> Option<Ranked> {
    serde_json::from_str(json).ok()
}

/// Verifies a payment notification and applies it exactly once.
pub async fn handle_payment_notification(state: &AppState, body: &[u8], signature: Option<&str>) -> Result<PaymentOutcome, AppError> {
    use payments::PaymentProvider;
    let notification = state.payments.verify_notification(body, signature).map_err(|err| {
        tracing::warn!(error = %err, "payment notification refused");
        AppError::Forbidden
    })?;
    match state
        .store
        .confirm_payment(&notification.out_trade_no, &notification.transaction_id, notification.amount_fen, &reference("RF"), state.clock.now())
        .await
    {
        Ok(outcome) => {
            tracing::info!(out_trade_no = %notification.out_trade_no, ?outcome, "payment notification");
            Ok(outcome)
        }
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(StoreError::AmountMismatch) => {
            tracing::error!(out_trade_no = %notification.out_trade_no, "payment amount mismatch");
            Err(AppError::Forbidden)
        }
        Err(err) => Err(internal(err)),
    }
}

/// One timed job. An error leaves the job to be retried.
pub async fn run_job(state: &AppState, job: &JobRecord) -> Result<(), AppError> {
    match job.kind.as_str() {
        "dispatch" => dispatch_or_defer(state, job.ref_id, job.id).await,
        "replan_day" => super::dispatching::replan_day(state, job.ref_id, job.id).await,
        "offer_timeout" => {
            let Some(offer) = state.store.offer(job.ref_id).await.map_err(internal)? else { return Ok(()) };
            let t = state.clock.now();
            if state.store.close_offer(offer.id, "expired", t).await.map_err(internal)? {
                tracing::info!(order_id = offer.order_id, worker_id = offer.worker_id, "offer timed out");
                state.store.notify_users(&[offer.worker_id], "offer", Some(offer.order_id), t).await.map_err(internal)?;
            }
            dispatch_next(state, offer.order_id).await
        }
        "broadcast_timeout" => {
            let lapsed = state.store.close_broadcast(job.ref_id, state.clock.now()).await.map_err(internal)?;
            if lapsed > 0 {
                tracing::info!(order_id = job.ref_id, lapsed, "broadcast lapsed unclaimed");
            }
            dispatch_next(state, job.ref_id).await
        }
        "expire_payment" => {
            let Some(order) = state.store.order(job.ref_id).await.map_err(internal)? else { return Ok(()) };
            if order_state(&order)? != OrderState::PendingPayment {
                return Ok(());
            }
            match transition(state, &order, Actor::System, EventKind::PaymentExpired, None, None).await {
                Ok(()) | Err(AppError::StaleOrder) => Ok(()),
                Err(err) => Err(err),
            }
        }
        "auto_confirm" => {
            if state.store.auto_confirm_service(job.ref_id, state.clock.now()).await.map_err(internal)? {
                tracing::info!(order_id = job.ref_id, "order confirmed for its customer");
            }
            Ok(())
        }
        "remind_start" => super::reminders::remind(state, job.ref_id, super::reminders::Reminder::StartSoon).await,
        "remind_day_before" => super::reminders::remind(state, job.ref_id, super::reminders::Reminder::DayBefore).await,
        "tell_moved" => super::reminders::tell_moved(state, job.ref_id, &job.payload).await,
        "contract_installment" => super::placement::pay_installment(state, job.ref_id, &job.payload).await,
        "settle_refund" => {
            // The sandbox provider settles refunds at once; a real one would confirm asynchronously.
            if let Some(settled) = state.store.settle_refund(job.ref_id, state.clock.now()).await.map_err(internal)? {
                super::inbox::refund_settled(state, job.ref_id, settled).await;
            }
            Ok(())
        }
        "sandbox_notify" => {
            let Some(payment) = state.store.payment_by_trade_no(&job.payload).await.map_err(internal)? else { return Ok(()) };
            let notification = payments::PaymentNotification {
                out_trade_no: payment.out_trade_no,
                transaction_id: reference("SBX"),
                amount_fen: payment.amount_fen,
            };
            let (body, signature) = state.payments.signed_notification(&notification);
            handle_payment_notification(state, &body, Some(&signature)).await.map(|_| ())
        }
        other => {
            tracing::error!(kind = other, "unknown job kind");
            Ok(())
        }
    }
}
