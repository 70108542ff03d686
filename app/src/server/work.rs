use super::authz::require_user;
use super::flows::{self, unix};
use super::{app_state, internal, AppState};
use crate::api::work::{CategoryChoice, HealthNotice, OfferCard, Step, WorkOrderCard, WorkbenchView, WorkerSettingsView};
use crate::api::WORKER;
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use booking::{Actor, EventKind, OrderState};
use domain::{Coordinates, Phone};
use store::{OrderFilter, OrderRecord, StoreError};

/// The worker's share of an order: what completion will post, at the rate
/// fixed on the order (the default rate for orders placed before that).
pub(super) fn earnings(state: &AppState, order: &OrderRecord) -> Result<i64, AppError> {
    let bps = order.commission_bps.map(i64::from).unwrap_or(state.config.commission_bps).clamp(0, 10_000);
    // The platform pays its discounts (coupon, package price), so the share is of the price before them.
    Ok(ledger::commission_split(flows::quote_of(order)?.before_discounts(), bps as u32).0.get())
}

/// `上海市黄浦区` out of a full address: enough to decide, not enough to find the door.
pub(crate) fn area_of(address: &str) -> String {
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
        earnings_fen: earnings(state, order)?,
        next_step: Step::after(order_state),
        proof: None,
        confirmed: order.confirmed_at.is_some(),
        confirmed_auto: order.confirmed_auto,
        late_after: Vec::new(),
        series: super::orders::series_place(order),
    })
}

/// The worker's cards; the orders being served carry their proof of work.
async fn work_cards(state: &AppState, user: &store::User, orders: &[OrderRecord]) -> Result<Vec<WorkOrderCard>, AppError> {
    let mut cards = Vec::with_capacity(orders.len());
    let (lateness, _, _) = super::pricing::lateness_in_force(state).await?;
    for order in orders {
        let mut card = work_card(state, order)?;
        if matches!(card.state, OrderState::Arrived | OrderState::InService) {
            card.proof = super::proof::proof_view(state, order, user).await?;
        }
        if matches!(card.state, OrderState::Accepted | OrderState::Departed) {
            card.late_after = lateness.tiers().iter().map(|tier| (card.starts_at + tier.after_secs, tier.penalty.get())).collect();
        }
        cards.push(card);
    }
    Ok(cards)
}

pub async fn workbench() -> Result<WorkbenchView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let profile = state.store.worker_profile(user.id).await.map_err(internal)?.ok_or(AppError::Internal)?;
    let t = state.clock.now();
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
            earnings_fen: earnings(&state, &order)?,
            notes: order.notes.clone(),
            deadline: unix(offer.deadline),
            broadcast: offer.broadcast,
            series: super::orders::series_place(&order),
        });
    }
    let filter = OrderFilter {
        worker_id: Some(user.id.0),
        states: flows::state_names(|s| s.is_held_by_worker() || s == OrderState::Completed),
        ..OrderFilter::newest(50)
    };
    let mut orders = state.store.orders(&filter).await.map_err(internal)?;
    // Upcoming work first, soonest at the top; finished work after it.
    orders.sort_by_key(|o| (o.state == "completed", if o.state == "completed" { -unix(o.starts_at) } else { unix(o.starts_at) }));
    Ok(WorkbenchView {
        status: profile.status,
        health: health_notice(&state, user.id.0, flows::beijing_date(t), &orders).await?,
        offers,
        orders: work_cards(&state, &user, &orders).await?,
    })
}

/// How long before a 健康证 lapses the worker's workbench and the admin's
/// pages start to say so.
pub(crate) const HEALTH_NOTICE_DAYS: i64 = 30;

/// A lapsed 健康证, or one lapsing within [`HEALTH_NOTICE_DAYS`] of
/// `today`: the last day the worker's newest accepted health certificate
/// covers, as dispatch reads it (none when it states no expiry), and how
/// many of `orders` the worker holds for days after it.
async fn health_notice(state: &AppState, worker_id: i64, today: time::Date, orders: &[OrderRecord]) -> Result<Option<HealthNotice>, AppError> {
    let documents = state.store.worker_documents(worker_id).await.map_err(internal)?;
    let newest = documents.into_iter().filter(|d| d.kind == "health" && d.review_state == "accepted").max_by_key(|d| d.id);
    let Some(last) = newest.and_then(|d| d.expires_on) else { return Ok(None) };
    let (Some(last_day), Some(today)) = (flows::day_number(&last), flows::day_number(&today.to_string())) else {
        return Err(internal(format!("unreadable health certificate expiry {last}")));
    };
    let held_after = orders
        .iter()
        .filter(|o| OrderState::from_db(&o.state).is_some_and(OrderState::is_held_by_worker))
        .filter(|o| dispatch::local_day_number(unix(o.ends_at)) > last_day)
        .count();
    Ok((last_day < today + HEALTH_NOTICE_DAYS).then_some(HealthNotice {
        valid_through: last,
        expired: last_day < today,
        orders_after: u32::try_from(held_after).unwrap_or(u32::MAX),
    }))
}

pub async fn respond_offer(offer_id: i64, accept: bool) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let offer = state.store.offer(offer_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if offer.worker_id != user.id.0 {
        return Err(AppError::Forbidden);
    }
    let t = state.clock.now();
    if offer.status != "pending" || offer.deadline <= t {
        return Err(AppError::Refused(gone_because(&state, &offer, user.id.0).await?));
    }
    if !accept {
        // Passing on a broadcast leaves it open to the others until it lapses.
        if state.store.close_offer(offer_id, "rejected", t).await.map_err(internal)? && !offer.broadcast {
            tracing::info!(order_id = offer.order_id, worker_id = user.id.0, "offer rejected");
            state.store.enqueue_job("dispatch", offer.order_id, "", t).await.map_err(internal)?;
        }
        return Ok(());
    }
    let order = state.store.order(offer.order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    // The state machine decides; the store applies it only if nobody got there first.
    // The offer is this worker's, so a refusal here means the order left 待接单 meanwhile.
    if booking::apply(&flows::facts(&order)?, Actor::Worker(user.id.0), EventKind::Accept, Some(user.id.0), unix(t), &flows::order_cancellation(&state, &order).await?).is_err() {
        return Err(AppError::Refused(gone_because(&state, &offer, user.id.0).await?));
    }
    match flows::accept_offer(&state, offer_id, user.id.0, &order, t).await {
        Ok(()) => {
            tracing::info!(order_id = order.id, worker_id = user.id.0, "offer accepted");
            super::inbox::order_taken(&state, &order, user.id.0).await;
            Ok(())
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(gone_because(&state, &offer, user.id.0).await?)),
        Err(StoreError::SlotTaken) => Err(AppError::WorkerBusy),
        Err(StoreError::TooFarBetween) => Err(AppError::Refused(Msg::ErrNoTimeToTravel)),
        Err(err) => Err(internal(err)),
    }
}

/// B6: accepts `offer_id` as [`respond_offer`] does, then every other visit
/// of the same recurring booking offered to this worker; a visit that can no
/// longer be taken (lapsed, or clashing with their day) is left to the offer
/// chain. Returns how many were accepted.
pub async fn accept_series(offer_id: i64) -> Result<u32, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    respond_offer(offer_id, true).await?;
    let offer = state.store.offer(offer_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let order = state.store.order(offer.order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let mut accepted = 1;
    let Some(series_id) = order.series_id else { return Ok(accepted) };
    for pending in state.store.pending_offers(user.id.0, state.clock.now()).await.map_err(internal)? {
        let Some(visit) = state.store.order(pending.order_id).await.map_err(internal)? else { continue };
        if visit.series_id == Some(series_id) && !pending.broadcast {
            match respond_offer(pending.id, true).await {
                Ok(()) => accepted += 1,
                Err(err) => tracing::info!(order_id = visit.id, worker_id = user.id.0, ?err, "a visit of the series was not accepted"),
            }
        }
    }
    Ok(accepted)
}

/// Why an offer can no longer be answered: another worker grabbed the
/// broadcast, or it lapsed or was withdrawn.
async fn gone_because(state: &AppState, offer: &store::OfferRecord, worker_id: i64) -> Result<Msg, AppError> {
    if offer.broadcast {
        let order = state.store.order(offer.order_id).await.map_err(internal)?;
        if order.and_then(|o| o.worker_id).is_some_and(|w| w != worker_id) {
            return Ok(Msg::ErrGrabbedByOther);
        }
    }
    Ok(Msg::ErrOfferGone)
}

pub async fn order_step(order_id: i64, step: String, lat: Option<f64>, lng: Option<f64>) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let step = Step::parse(&step).ok_or(AppError::Refused(Msg::ErrIllegalStep))?;
    let position = match (lat, lng) {
        (Some(lat), Some(lng)) => {
            let at = Coordinates::new(lat, lng).map_err(AppError::from_input)?;
            Some((at.lat(), at.lng()))
        }
        (None, None) => None,
        _ => return Err(AppError::invalid(Field::Location, Msg::ErrLocationMissing)),
    };
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if order.worker_id != Some(user.id.0) {
        return Err(AppError::Refused(Msg::ErrNotAssignedWorker));
    }
    // Only a step that could be taken asks for the proof; any other is refused as a step.
    if step == Step::Complete && order.state == OrderState::InService.as_str() {
        if order.placement_id.is_some() && !booking::may_complete(unix(order.starts_at), unix(order.ends_at), unix(state.clock.now())) {
            return Err(AppError::Refused(Msg::ErrContractNotOver));
        }
        if let Some(missing) = super::proof::finish_refusal(&state, &order).await? {
            return Err(AppError::Refused(missing));
        }
    }
    let kind = match step {
        Step::Depart => EventKind::Depart,
        Step::Arrive => EventKind::Arrive,
        Step::Start => EventKind::StartService,
        Step::Complete => EventKind::Complete,
        Step::CustomerAbsent => EventKind::CustomerAbsent,
    };
    flows::transition(&state, &order, Actor::Worker(user.id.0), kind, None, position).await
}

/// `08:00` → 480. Accepts `8:00` and `24:00` (end of day).
fn parse_clock(value: &str) -> Option<i32> {
    let (h, m) = value.trim().split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    let minutes = h * 60 + m;
    ((0..=23).contains(&h) || (h == 24 && m == 0)).then_some(minutes).filter(|_| (0..60).contains(&m))
}

fn clock(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub async fn worker_settings() -> Result<WorkerSettingsView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let setup = state.store.worker_setup(user.id.0).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let categories = state.store.categories().await.map_err(internal)?;
    // Certificates that count today: accepted and not lapsed (ISO dates order as text).
    let today = flows::beijing_date(state.clock.now()).to_string();
    let certified: Vec<String> = state
        .store
        .worker_documents(user.id.0)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|d| d.kind == "qualification" && d.review_state == "accepted")
        .filter(|d| d.expires_on.as_deref().is_none_or(|last| last >= today.as_str()))
        .filter_map(|d| d.category_code)
        .collect();
    let uncertified = categories.iter().filter(|c| c.requires_certificate && !certified.contains(&c.code)).map(|c| c.code.clone()).collect();
    let located = setup.home_lat != 0.0 || setup.home_lng != 0.0;
    let (start, end) = setup.hours.first().map(|h| (h.1, h.2)).unwrap_or((8 * 60, 20 * 60));
    Ok(WorkerSettingsView {
        categories: categories.into_iter().map(|c| CategoryChoice { code: c.code, name: c.name }).collect(),
        skills: setup.skills,
        uncertified,
        lat: located.then_some(setup.home_lat),
        lng: located.then_some(setup.home_lng),
        radius_km: if setup.area_radius_km > 0.0 { setup.area_radius_km } else { 10.0 },
        weekdays: setup.hours.iter().map(|h| h.0 as u8).collect(),
        start: clock(start),
        end: clock(end),
    })
}

/// Saves when and where the worker takes orders, unless that would break an
/// order they have already accepted (W2); dispatch uses it at once.
pub async fn save_worker_settings(
    skills: String,
    lat: String,
    lng: String,
    radius_km: String,
    weekdays: String,
    start: String,
    end: String,
) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let known: Vec<String> = state.store.categories().await.map_err(internal)?.into_iter().map(|c| c.code).collect();
    let skills: Vec<String> = skills.split(',').map(str::trim).filter(|s| known.iter().any(|k| k == s)).map(String::from).collect();
    if skills.is_empty() {
        return Err(AppError::invalid(Field::Skills, Msg::ErrSkillsEmpty));
    }
    let centre = Coordinates::parse(&lat, &lng).map_err(AppError::from_input)?;
    let (lat, lng) = (centre.lat(), centre.lng());
    let radius: f64 = radius_km.trim().parse().map_err(|_| AppError::invalid(Field::Radius, Msg::ErrRadiusRange))?;
    if !(1.0..=50.0).contains(&radius) {
        return Err(AppError::invalid(Field::Radius, Msg::ErrRadiusRange));
    }
    let mut days: Vec<i32> = weekdays.split(',').filter_map(|d| d.trim().parse::<i32>().ok()).filter(|d| (0..7).contains(d)).collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return Err(AppError::invalid(Field::Weekdays, Msg::ErrWeekdaysEmpty));
    }
    let (Some(from), Some(to)) = (parse_clock(&start), parse_clock(&end)) else {
        return Err(AppError::invalid(Field::Hours, Msg::ErrHoursFormat));
    };
    if to <= from {
        return Err(AppError::invalid(Field::Hours, Msg::ErrHoursOrder));
    }
    let current = state.store.worker_setup(user.id.0).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let setup = store::WorkerSetup {
        gender: current.gender,
        skills,
        home_lat: lat,
        home_lng: lng,
        area_radius_km: radius,
        hours: days.iter().map(|d| (*d, from, to)).collect(),
    };
    // Every accepted, upcoming order must still fit the new hours, area and skills.
    let filter = held_orders(user.id.0);
    let candidate = dispatch::Candidate {
        worker_id: user.id.0,
        receives_orders: true,
        skills: setup.skills.clone(),
        home: dispatch::GeoPoint { lat, lng },
        area_radius_km: radius,
        hours: setup.hours.iter().map(|h| dispatch::WorkWindow { weekday: h.0 as u8, start_minute: h.1 as u16, end_minute: h.2 as u16 }).collect(),
        leave_days: upcoming_leave(&state, user.id.0).await?.iter().filter_map(|d| flows::day_number(d)).collect(),
        busy: Vec::new(),
        rating: 0.0,
        active_orders: 0,
        record: dispatch::Record::default(),
        favored: false,
        gender: setup.gender.clone(),
        // Settings never touch documents; a certificate rule is not theirs to break.
        certified: true,
        certified_through: None,
        health_through: None,
    };
    for order in state.store.orders(&filter).await.map_err(internal)? {
        if !dispatch::hard_check(&candidate, &flows::job_for(&order), state.travel.as_ref(), &[]).is_empty() {
            return Err(AppError::ConflictsWithOrder { order_no: order.order_no });
        }
    }
    state.store.setup_worker(user.id.0, &setup).await.map_err(internal)?;
    tracing::info!(worker_id = user.id.0, "worker settings saved");
    Ok(())
}

/// The orders a worker has accepted and not yet finished.
fn held_orders(worker_id: i64) -> OrderFilter {
    OrderFilter { worker_id: Some(worker_id), states: flows::state_names(OrderState::is_held_by_worker), ..OrderFilter::newest(500) }
}

/// How far ahead a day off can be booked.
const LEAVE_HORIZON_DAYS: i64 = 90;

async fn upcoming_leave(state: &AppState, worker_id: i64) -> Result<Vec<String>, AppError> {
    let today = flows::beijing_date(state.clock.now()).to_string();
    Ok(state.store.leave_days(&[worker_id], &today).await.map_err(internal)?.into_iter().map(|(_, day)| day).collect())
}

pub async fn my_leave_days() -> Result<Vec<String>, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    upcoming_leave(&state, user.id.0).await
}

/// Takes a day off unless the worker already accepted an order that day (W2).
pub async fn add_leave_day(day: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let day = day.trim().to_string();
    let number = flows::day_number(&day).ok_or(AppError::invalid(Field::LeaveDay, Msg::ErrLeaveDayFormat))?;
    let today = flows::day_number(&flows::beijing_date(state.clock.now()).to_string()).ok_or(AppError::Internal)?;
    if number < today || number > today + LEAVE_HORIZON_DAYS {
        return Err(AppError::invalid(Field::LeaveDay, Msg::ErrLeaveDayRange));
    }
    let filter = held_orders(user.id.0);
    for order in state.store.orders(&filter).await.map_err(internal)? {
        let (first, last) = (dispatch::local_day_number(unix(order.starts_at)), dispatch::local_day_number(unix(order.ends_at) - 1));
        if (first..=last).contains(&number) {
            return Err(AppError::ConflictsWithOrder { order_no: order.order_no });
        }
    }
    state.store.add_leave_day(user.id.0, &day).await.map_err(internal)?;
    tracing::info!(worker_id = user.id.0, day, "day off added");
    Ok(())
}

pub async fn remove_leave_day(day: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    flows::day_number(day.trim()).ok_or(AppError::invalid(Field::LeaveDay, Msg::ErrLeaveDayFormat))?;
    state.store.remove_leave_day(user.id.0, day.trim()).await.map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::{area_of, parse_clock};

    #[test]
    fn clock_times_parse_to_minutes_and_reject_nonsense() {
        assert_eq!(parse_clock("08:00"), Some(480));
        assert_eq!(parse_clock("8:30"), Some(510));
        assert_eq!(parse_clock("24:00"), Some(1440));
        for bad in ["24:01", "12:60", "noon", "", "-1:00"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn calendar_dates_map_to_the_day_numbers_dispatch_uses() {
        use super::flows::day_number;
        // 2026-11-25 00:00 Beijing is 2026-11-24T16:00Z.
        let midnight = time::macros::datetime!(2026-11-24 16:00 UTC).unix_timestamp();
        assert_eq!(day_number("2026-11-25"), Some(dispatch::local_day_number(midnight)));
        assert_eq!(day_number("1970-01-01"), Some(0));
        for bad in ["2026-13-01", "2026-02-30", "25/11/2026", ""] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn offers_show_the_district_not_the_door() {
        assert_eq!(area_of("上海市黄浦区人民大道1号3栋"), "上海市黄浦区");
        assert_eq!(area_of("崇明县城桥镇"), "崇明县");
        assert_eq!(area_of("某某小区"), "某某小区");
    }
}
