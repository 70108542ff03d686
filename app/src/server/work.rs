use super::authz::require_user;
use super::flows::{self, unix};
use super::{app_state, internal, now, AppState};
use crate::api::work::{OfferCard, Step, WorkOrderCard, WorkbenchView};
use crate::api::WORKER;
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use booking::{Actor, EventKind};
use domain::Phone;
use store::{OrderFilter, OrderRecord, StoreError};

/// The worker's share of an order after the platform's commission.
fn earnings(state: &AppState, total_fen: i64) -> i64 {
    total_fen - total_fen * state.config.commission_bps / 10_000
}

/// `上海市黄浦区` out of a full address: enough to decide, not enough to find the door.
fn area_of(address: &str) -> String {
    match address.char_indices().find(|(_, c)| matches!(c, '区' | '县')) {
        Some((i, c)) => address[..i + c.len_utf8()].to_string(),
        None => address.chars().take(6).collect(),
    }
}

fn work_card(state: &AppState, order: &OrderRecord) -> Result<WorkOrderCard, AppError> {
    let order_state = flows::order_state(order)?;
    let phone = if order_state.is_active() {
        order.contact_phone.clone()
    } else {
        Phone::parse(&order.contact_phone).map(|p| p.masked()).unwrap_or_default()
    };
    Ok(WorkOrderCard {
        order_id: order.id,
        order_no: order.order_no.clone(),
        service_name: order.service_name.clone(),
        state: order_state,
        starts_at: unix(order.starts_at),
        ends_at: unix(order.ends_at),
        address_text: order.address_text.clone(),
        customer_name: order.customer_name.clone(),
        customer_phone: phone,
        notes: order.notes.clone(),
        earnings_fen: earnings(state, order.total_fen),
        next_step: Step::after(order_state),
    })
}

pub async fn workbench() -> Result<WorkbenchView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let profile = state.store.worker_profile(user.id).await.map_err(internal)?.ok_or(AppError::Internal)?;
    let t = now();
    let mut offers = Vec::new();
    for offer in state.store.pending_offers(user.id.0, t).await.map_err(internal)? {
        let Some(order) = state.store.order(offer.order_id).await.map_err(internal)? else { continue };
        offers.push(OfferCard {
            offer_id: offer.id,
            order_id: order.id,
            service_name: order.service_name.clone(),
            area: area_of(&order.address_text),
            starts_at: unix(order.starts_at),
            ends_at: unix(order.ends_at),
            earnings_fen: earnings(&state, order.total_fen),
            notes: order.notes.clone(),
            deadline: unix(offer.deadline),
        });
    }
    let filter = OrderFilter {
        customer_id: None,
        worker_id: Some(user.id.0),
        states: ["accepted", "departed", "arrived", "in_service", "completed"].map(String::from).to_vec(),
        needs_admin: None,
        limit: 50,
        offset: 0,
    };
    let mut orders = state.store.orders(&filter).await.map_err(internal)?;
    // Upcoming work first, soonest at the top; finished work after it.
    orders.sort_by_key(|o| (o.state == "completed", if o.state == "completed" { -unix(o.starts_at) } else { unix(o.starts_at) }));
    Ok(WorkbenchView { status: profile.status, offers, orders: orders.iter().map(|o| work_card(&state, o)).collect::<Result<_, _>>()? })
}

pub async fn respond_offer(offer_id: i64, accept: bool) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let offer = state.store.offer(offer_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if offer.worker_id != user.id.0 {
        return Err(AppError::Forbidden);
    }
    let t = now();
    if offer.status != "pending" || offer.deadline <= t {
        return Err(AppError::Refused(Msg::ErrOfferGone));
    }
    if !accept {
        if state.store.close_offer(offer_id, "rejected", t).await.map_err(internal)? {
            tracing::info!(order_id = offer.order_id, worker_id = user.id.0, "offer rejected");
            state.store.enqueue_job("dispatch", offer.order_id, "", t).await.map_err(internal)?;
        }
        return Ok(());
    }
    let order = state.store.order(offer.order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    // The state machine decides; the store applies it only if nobody got there first.
    booking::apply(&flows::facts(&order)?, Actor::Worker(user.id.0), EventKind::Accept, Some(user.id.0), unix(t), &state.config.cancellation)
        .map_err(AppError::from_transition)?;
    let event = flows::event(EventKind::Accept, Actor::Worker(user.id.0), None, String::new());
    match state.store.accept_offer(offer_id, user.id.0, &event, &[order.customer_id, user.id.0], t).await {
        Ok(_) => {
            tracing::info!(order_id = order.id, worker_id = user.id.0, "offer accepted");
            Ok(())
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrOfferGone)),
        Err(StoreError::SlotTaken) => Err(AppError::WorkerBusy),
        Err(err) => Err(internal(err)),
    }
}

pub async fn order_step(order_id: i64, step: String, lat: Option<f64>, lng: Option<f64>) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let step = Step::parse(&step).ok_or(AppError::Refused(Msg::ErrIllegalStep))?;
    let position = match (lat, lng) {
        (Some(lat), Some(lng)) if lat.is_finite() && lng.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) => Some((lat, lng)),
        (None, None) => None,
        _ => return Err(AppError::invalid(Field::Location, Msg::ErrLocationMissing)),
    };
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if order.worker_id != Some(user.id.0) {
        return Err(AppError::Refused(Msg::ErrNotAssignedWorker));
    }
    let kind = match step {
        Step::Depart => EventKind::Depart,
        Step::Arrive => EventKind::Arrive,
        Step::Start => EventKind::StartService,
        Step::Complete => EventKind::Complete,
    };
    flows::transition(&state, &order, Actor::Worker(user.id.0), kind, None, position).await
}

#[cfg(test)]
mod tests {
    use super::area_of;

    #[test]
    fn offers_show_the_district_not_the_door() {
        assert_eq!(area_of("上海市黄浦区人民大道1号3栋"), "上海市黄浦区");
        assert_eq!(area_of("崇明县城桥镇"), "崇明县");
        assert_eq!(area_of("某某小区"), "某某小区");
    }
}
