//! Replays the life of an order at past times through the same pricing,
//! dispatch, state machine and store calls as live traffic, so demo data
//! can carry real history (数据看板, 经营分析, 考核, reviews) rather than
//! rows written by hand. The state given must own its clock: replaying
//! sets it to each step's time.

use super::{flows, internal, AppState};
use crate::error::AppError;
use booking::{Actor, EventKind};
use dispatch::GeoPoint;
use std::time::Duration;
use store::{NewReview, StoreError};
use time::OffsetDateTime;

/// One past booking and how it went.
pub struct PastOrder {
    pub customer_id: i64,
    pub service_id: i64,
    pub units: i32,
    pub contact_phone: String,
    pub address_text: String,
    pub location: GeoPoint,
    /// The workers who may take it (the district's team); the best of them
    /// by the dispatch ranking of the day gets the offer.
    pub team: Vec<i64>,
    pub placed_at: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub fate: Fate,
}

pub enum Fate {
    /// Served; the worker arrives `late_minutes` after the start (0: on
    /// time), and the customer may leave a review the same evening.
    Completed { late_minutes: u32, review: Option<PastReview> },
    /// The customer cancels after the worker accepted, `hours_before` the start.
    Cancelled { hours_before: u32 },
}

pub struct PastReview {
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: &'static str,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Replayed {
    Completed,
    Cancelled,
    /// Nobody of the team was free at that time; nothing was written.
    NoWorkerFree,
}

fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

pub async fn replay_order(state: &AppState, past: &PastOrder) -> Result<Replayed, AppError> {
    let clock = |at: OffsetDateTime| state.clock.set(at);
    clock(past.placed_at);
    let service = state.store.service(past.service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let unit = super::orders::unit_of(&service)?;
    let ends_at = past.starts_at + minutes(u64::try_from(pricing::duration_minutes(unit, past.units)).unwrap_or(0));
    let candidates = flows::candidates(state, &service.category_code, past.starts_at, ends_at, None, flows::Scoring::ForCustomer(past.customer_id)).await?;
    let team: Vec<_> = candidates.into_iter().filter(|c| past.team.contains(&c.worker_id)).collect();
    let start = flows::unix(past.starts_at);
    let job = dispatch::Job {
        skill: service.category_code.clone(),
        location: past.location,
        start,
        end: flows::unix(ends_at),
        worker_gender: None,
        needs_certificate: service.needs_certificate,
    };
    let (settings, _, _) = flows::dispatch_settings(state).await?;
    let ranked = dispatch::rank(&team, &job, state.travel.as_ref(), &[], &settings.weights);
    if ranked.is_empty() {
        return Ok(Replayed::NoWorkerFree);
    }
    let (rules, _, _) = super::pricing::rules_in_force(state).await?;
    let quote = super::pricing::quote(&service, &rules, past.units, Vec::new(), Some(start), Some(past.location), None, flows::unix(past.placed_at), 1)?;
    let request = flows::OrderRequest {
        customer_id: past.customer_id,
        service: &service,
        units: past.units,
        quote: &quote,
        address_text: past.address_text.clone(),
        location: past.location,
        contact_phone: past.contact_phone.clone(),
        notes: String::new(),
        starts_at: past.starts_at,
        ends_at,
        coupon_claim_id: None,
        worker_gender: None,
    };
    let order = flows::new_order(state, request, past.placed_at, past.placed_at).await?;
    let worker_ids: Vec<i64> = ranked.iter().map(|r| r.worker_id).collect();
    let order_id = match state.store.place_order(&order, &worker_ids, past.placed_at).await {
        Ok(placed) => placed.order_id,
        Err(StoreError::SlotTaken) => return Ok(Replayed::NoWorkerFree),
        Err(err) => return Err(internal(err)),
    };

    // Paid through the sandbox gateway's signed notification, as live.
    clock(past.placed_at + minutes(2));
    let payment = state.store.payment_for_order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let notification = payments::PaymentNotification { out_trade_no: payment.out_trade_no, transaction_id: flows::reference_at("SBX", past.placed_at + minutes(2)), amount_fen: payment.amount_fen };
    let (body, signature) = state.payments.signed_notification(&notification);
    flows::handle_payment_notification(state, &body, Some(&signature)).await?;

    // The offer chain's first offer, accepted halfway to its deadline.
    let offered_at = past.placed_at + minutes(3);
    clock(offered_at);
    flows::dispatch_next(state, order_id).await?;
    let accepted_at = offered_at + Duration::from_secs(u64::try_from(settings.policy.timeout_secs / 2).unwrap_or(0));
    clock(accepted_at);
    let offer = state
        .store
        .offers_for_order(order_id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|o| o.status == "pending")
        .ok_or_else(|| internal(format!("replayed order {order_id} got no offer")))?;
    let worker_id = offer.worker_id;
    let placed = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    flows::accept_offer(state, offer.id, worker_id, &placed, accepted_at).await.map_err(internal)?;

    let step = |kind: EventKind, at: OffsetDateTime, actor: Actor, position: Option<(f64, f64)>| async move {
        state.clock.set(at);
        let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
        flows::transition(state, &order, actor, kind, None, position).await
    };
    match &past.fate {
        Fate::Cancelled { hours_before } => {
            let at = past.starts_at - Duration::from_secs(u64::from(*hours_before) * 3600);
            step(EventKind::Cancel, at, Actor::Customer(past.customer_id), None).await?;
            if let Some(refund) = state.store.pending_refund_for_order(order_id).await.map_err(internal)? {
                state.store.settle_refund(refund, at + minutes(1)).await.map_err(internal)?;
            }
            Ok(Replayed::Cancelled)
        }
        Fate::Completed { late_minutes, review } => {
            let arrived = past.starts_at + minutes(u64::from(*late_minutes)) - minutes(5);
            let here = Some((past.location.lat, past.location.lng));
            let worker = Actor::Worker(worker_id);
            step(EventKind::Depart, arrived - minutes(35), worker, None).await?;
            step(EventKind::Arrive, arrived, worker, here).await?;
            step(EventKind::StartService, arrived + minutes(5), worker, here).await?;
            // The worker ticked the checklist as they went (the history has no photos to show).
            let steps = booking::checklist_items(placed.checklist.as_deref()).len();
            for position in 0..i32::try_from(steps).unwrap_or(0) {
                state.store.tick_step(order_id, worker_id, position, arrived + minutes(30)).await.map_err(internal)?;
            }
            step(EventKind::Complete, ends_at + minutes(u64::from(*late_minutes)), worker, here).await?;
            state.store.confirm_service(order_id, past.customer_id, ends_at + minutes(90)).await.map_err(internal)?;
            if let Some(r) = review {
                let review = NewReview { order_id, customer_id: past.customer_id, worker_id, quality: r.quality, attitude: r.attitude, result: r.result, body: r.body.into() };
                state.store.create_review(&review, ends_at + minutes(120)).await.map_err(internal)?;
            }
            Ok(Replayed::Completed)
        }
    }
}
