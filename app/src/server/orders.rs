use super::authz::{require, require_user};
use super::flows::{self, from_unix, unix};
use super::{app_state, internal, AppState};
use crate::api::orders::{
    AddOnView, BookingDraft, CancelTier, DaySlots, OrderCard, OrderView, PlaceOutcome, ReviewMedia, ReviewView, ReviewsSummary, SavedAddress, SeriesCancel, SeriesPlace, ServiceInfo,
    SlotView, TimelineEntry,
};
use crate::api::{format_beijing, Access, CUSTOMER};
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use booking::{Actor, EventKind, OrderState, ReviewError, ReviewInput};
use dispatch::GeoPoint;
use domain::{Coordinates, DisplayName, Fen, Phone, Role};
use pricing::{PriceSheet, Quote, Unit};
use store::{NewAddress, NewReview, OrderFilter, OrderRecord, ServiceRecord, StoreError, User};

const SLOT_FIRST_MINUTE: u16 = 8 * 60;
const SLOT_LAST_START_MINUTE: u16 = 18 * 60;
const SLOT_STEP_MINUTES: u16 = 60;

pub(crate) fn unit_of(service: &ServiceRecord) -> Result<Unit, AppError> {
    Unit::from_db(&service.unit).ok_or_else(|| internal(format!("service {} has unknown unit {}", service.id, service.unit)))
}

/// The most units one booking may take, per pricing unit.
fn max_units(unit: Unit) -> i32 {
    match unit {
        Unit::Hour => 8,
        Unit::Visit | Unit::Appliance => 10,
        Unit::Day => 31,
        Unit::Month26 => 3,
    }
}

pub(crate) fn stored_addons(service: &ServiceRecord) -> Result<Vec<pricing::AddOn>, AppError> {
    serde_json::from_str(&service.addons_json).map_err(|e| internal(format!("service {} add-ons: {e}", service.id)))
}

pub(crate) fn price_sheet(service: &ServiceRecord) -> Result<PriceSheet, AppError> {
    let unit = unit_of(service)?;
    Ok(PriceSheet {
        service_name: service.name.clone(),
        unit,
        base_price: Fen::new(service.base_price_fen),
        min_units: service.min_units,
        max_units: max_units(unit),
        addons: stored_addons(service)?,
    })
}

fn detail_of(service: &ServiceRecord) -> Result<ServiceInfo, AppError> {
    let unit = unit_of(service)?;
    Ok(ServiceInfo {
        id: service.id,
        name: service.name.clone(),
        category_name: service.category_name.clone(),
        summary: service.summary.clone(),
        content: service.content.clone(),
        process_steps: service.process_steps.lines().map(String::from).filter(|s| !s.is_empty()).collect(),
        supplies: service.supplies.clone(),
        qualifications: service.qualifications.clone(),
        unit,
        base_price_fen: service.base_price_fen,
        default_units: service.default_units,
        min_units: service.min_units,
        max_units: max_units(unit),
        listed: service.status == "listed" && service.category_listed,
        placed: booking::is_nanny_category(&service.category_code),
        images: Vec::new(),
        video: None,
        favorite: None,
        addons: stored_addons(service)?
            .into_iter()
            .map(|a| AddOnView { code: a.code, name: a.name, price_fen: a.price.get() })
            .collect(),
        price_notes: Vec::new(),
        reviews: None,
    })
}

async fn reviews_summary(state: &AppState, service_id: i64) -> Result<ReviewsSummary, AppError> {
    let reviews = state.store.service_reviews(service_id, 5).await.map_err(internal)?;
    let tenths = |avg: Option<f64>| avg.map(|a| (a * 10.0).round() as i64);
    Ok(ReviewsSummary {
        count: reviews.count,
        quality_tenths: tenths(reviews.quality),
        attitude_tenths: tenths(reviews.attitude),
        result_tenths: tenths(reviews.result),
        recent: super::reviews::public_reviews(state, reviews.recent).await.map_err(internal)?,
    })
}

pub(crate) async fn listed_service(state: &AppState, service_id: i64) -> Result<ServiceRecord, AppError> {
    let service = state.store.service(service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if service.status != "listed" || !service.category_listed {
        return Err(AppError::Refused(Msg::ErrServiceUnavailable));
    }
    Ok(service)
}

/// The list price: units only, no time, place or coupon.
async fn list_quote(state: &AppState, service: &ServiceRecord, units: i32) -> Result<Quote, AppError> {
    let (rules, _, _) = super::pricing::rules_in_force(state).await?;
    super::pricing::quote(service, &rules, units, Vec::new(), None, None, None, unix(state.clock.now()), 1)
}

/// A position given as two optional numbers: both or neither.
pub(crate) fn optional_location(lat: Option<f64>, lng: Option<f64>) -> Result<Option<GeoPoint>, AppError> {
    match (lat, lng) {
        (Some(lat), Some(lng)) => {
            let at = Coordinates::new(lat, lng).map_err(AppError::from_input)?;
            Ok(Some(GeoPoint { lat: at.lat(), lng: at.lng() }))
        }
        (None, None) => Ok(None),
        _ => Err(AppError::invalid(Field::Location, Msg::ErrLocationMissing)),
    }
}

pub async fn service_detail(service_id: i64) -> Result<ServiceInfo, AppError> {
    let viewer = require(Access::Public)?;
    let state = app_state()?;
    let service = state.store.service(service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let favorite = match viewer.filter(|u| u.role == Role::Customer) {
        Some(customer) => Some(state.store.favorite_service_ids(customer.id.0).await.map_err(internal)?.contains(&service.id)),
        None => None,
    };
    let (rules, _, _) = super::pricing::rules_in_force(&state).await?;
    Ok(ServiceInfo {
        images: super::catalog_admin::service_image_urls(&state, service.id).await?,
        video: super::catalog_admin::service_video_url(&state, service.id).await?,
        favorite,
        price_notes: super::pricing::surcharge_notes(&rules, state.clock.now()),
        reviews: Some(reviews_summary(&state, service.id).await?),
        ..detail_of(&service)?
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn quote_service(
    service_id: i64,
    units: i32,
    addons: Vec<String>,
    start: Option<i64>,
    lat: Option<f64>,
    lng: Option<f64>,
    claim_id: Option<i64>,
    series_visits: Option<i32>,
) -> Result<Quote, AppError> {
    let viewer = require(Access::Public)?;
    let state = app_state()?;
    let service = listed_service(&state, service_id).await?;
    let coupon = claimed_coupon(&state, viewer.as_ref(), claim_id).await?;
    let (rules, _, _) = super::pricing::rules_in_force(&state).await?;
    let series_visits = package_visits(series_visits)?;
    super::pricing::quote(&service, &rules, units, addons, start, optional_location(lat, lng)?, coupon, unix(state.clock.now()), series_visits)
}

/// How many visits a quote's package price counts: 1 for a single booking,
/// else a series' own count, refused as the series would be.
pub(crate) fn package_visits(visits: Option<i32>) -> Result<u8, AppError> {
    match visits {
        None | Some(1) => Ok(1),
        Some(n) => booking::Recurrence::visits_of(n).map_err(|_| AppError::invalid(Field::Repeat, Msg::ErrRepeatVisits)),
    }
}

/// The terms of the signed-in customer's own unused coupon `claim_id`, to quote with.
async fn claimed_coupon(state: &AppState, viewer: Option<&User>, claim_id: Option<i64>) -> Result<Option<pricing::CouponTerms>, AppError> {
    let Some(claim) = claim_id else { return Ok(None) };
    let customer = viewer.filter(|u| u.role == Role::Customer).ok_or(AppError::Unauthenticated)?;
    Ok(Some(super::pricing::own_unused_claim(state, customer.id.0, claim).await?.terms))
}

fn parse_recurrence(repeat: &str, visits: i32) -> Result<Option<booking::Recurrence>, AppError> {
    booking::Recurrence::parse(repeat, visits).map_err(|err| match err {
        booking::RecurrenceError::UnknownInterval => AppError::invalid(Field::Repeat, Msg::ErrRepeatInterval),
        booking::RecurrenceError::VisitsOutOfRange => AppError::invalid(Field::Repeat, Msg::ErrRepeatVisits),
    })
}

/// B6: each visit's price of a recurring booking, the first one first: a
/// visit on a surcharged day (a holiday) costs what that day costs.
#[allow(clippy::too_many_arguments)]
pub async fn quote_series(
    service_id: i64,
    units: i32,
    addons: Vec<String>,
    start: i64,
    lat: Option<f64>,
    lng: Option<f64>,
    repeat: String,
    visits: i32,
    claim_id: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let viewer = require(Access::Public)?;
    let state = app_state()?;
    let service = listed_service(&state, service_id).await?;
    let recurrence = parse_recurrence(&repeat, visits)?.ok_or(AppError::invalid(Field::Repeat, Msg::ErrRepeatInterval))?;
    let location = optional_location(lat, lng)?;
    let coupon = claimed_coupon(&state, viewer.as_ref(), claim_id).await?;
    let (rules, _, _) = super::pricing::rules_in_force(&state).await?;
    let quotes = visit_quotes(&service, &rules, units, &addons, &recurrence.starts(start), location, coupon, unix(state.clock.now()))?;
    Ok(quotes.iter().map(|q| q.total.get()).collect())
}

/// Each visit's quote of a series starting at `starts`: its own day's
/// price, the package price of that many visits, and the coupon off the
/// first visit, the order it is used on.
#[allow(clippy::too_many_arguments)]
fn visit_quotes(
    service: &ServiceRecord,
    rules: &pricing::PricingRules,
    units: i32,
    addons: &[String],
    starts: &[i64],
    location: Option<GeoPoint>,
    coupon: Option<pricing::CouponTerms>,
    now: i64,
) -> Result<Vec<Quote>, AppError> {
    starts
        .iter()
        .enumerate()
        .map(|(k, at)| {
            let coupon = if k == 0 { coupon.clone() } else { None };
            let visits = u8::try_from(starts.len()).map_err(internal)?;
            super::pricing::quote(service, rules, units, addons.to_vec(), Some(*at), location, coupon, now, visits)
        })
        .collect()
}

/// The codes of `order`'s add-ons that `service` still offers: an order's
/// quote names them, not their codes.
fn addons_of(order: &OrderRecord, service: &ServiceInfo) -> Result<Vec<String>, AppError> {
    let quote = flows::quote_of(order)?;
    Ok(quote
        .lines
        .iter()
        .filter(|line| line.kind == pricing::LineKind::AddOn)
        .filter_map(|line| service.addons.iter().find(|a| a.name == line.label).map(|a| a.code.clone()))
        .collect())
}

async fn own_order(state: &AppState, user: &User, order_id: i64) -> Result<OrderRecord, AppError> {
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if order.customer_id != user.id.0 {
        return Err(AppError::Forbidden);
    }
    Ok(order)
}

pub async fn booking_start(service_id: i64, rebook: Option<i64>) -> Result<BookingDraft, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let service = listed_service(&state, service_id).await?;
    let address_book = super::account::address_book(&state, user.id.0).await?;
    let cancel_rules = super::pricing::cancellation_in_force(&state).await?.0.tiers().to_vec();
    let series_discount_note = super::pricing::series_discount_note(&super::pricing::rules_in_force(&state).await?.0);
    if let Some(order_id) = rebook {
        let order = own_order(&state, &user, order_id).await?;
        let series = series_visits(&state, &order).await?;
        let terms = booking::Recurrence::of_visits(&series.iter().map(|visit| (visit.series_index, unix(visit.starts_at))).collect::<Vec<_>>());
        // The order keeps the contact's phone; their name is in the address
        // book entry the booking made.
        let entry = address_book.iter().find(|a| a.address_text == order.address_text && a.contact_phone == order.contact_phone);
        let info = detail_of(&service)?;
        let addons = addons_of(&order, &info)?;
        return Ok(BookingDraft {
            service: info,
            address: Some(SavedAddress {
                contact_name: entry.map_or_else(|| user.display_name.clone(), |a| a.contact_name.clone()),
                contact_phone: order.contact_phone,
                address_text: order.address_text,
                lat: order.lat,
                lng: order.lng,
            }),
            units: order.units.max(service.min_units),
            notes: order.notes,
            addons,
            worker_gender: order.worker_gender.unwrap_or_default(),
            address_book,
            cancel_rules,
            series_discount_note,
            repeat: terms.map_or_else(String::new, |r| r.interval().to_string()),
            visits: terms.map_or(0, |r| i32::from(r.visits())),
        });
    }
    Ok(BookingDraft {
        service: detail_of(&service)?,
        address: address_book.first().map(|a| SavedAddress {
            contact_name: a.contact_name.clone(),
            contact_phone: a.contact_phone.clone(),
            address_text: a.address_text.clone(),
            lat: a.lat,
            lng: a.lng,
        }),
        units: service.default_units,
        notes: String::new(),
        addons: Vec::new(),
        worker_gender: String::new(),
        address_book,
        cancel_rules,
        series_discount_note,
        repeat: String::new(),
        visits: 0,
    })
}

fn parse_location(lat: &str, lng: &str) -> Result<GeoPoint, AppError> {
    let at = Coordinates::parse(lat, lng).map_err(AppError::from_input)?;
    Ok(GeoPoint { lat: at.lat(), lng: at.lng() })
}

/// Contact name, phone, address and position as a booking or the address
/// book takes them, each refused next to its own field.
pub fn parse_contact(name: &str, phone: &str, address: &str, lat: &str, lng: &str) -> Result<(DisplayName, Phone, String, GeoPoint), AppError> {
    let contact_name = DisplayName::parse(name).map_err(|_| AppError::invalid(Field::ContactName, Msg::ErrContactNameEmpty))?;
    let contact_phone = Phone::parse(phone).map_err(|e| match AppError::from_input(e) {
        AppError::Invalid { msg, .. } => AppError::invalid(Field::ContactPhone, msg),
        other => other,
    })?;
    let address_text = address.trim().to_string();
    if address_text.is_empty() {
        return Err(AppError::invalid(Field::Address, Msg::ErrAddressEmpty));
    }
    if address_text.chars().count() > 100 {
        return Err(AppError::invalid(Field::Address, Msg::ErrAddressTooLong));
    }
    Ok((contact_name, contact_phone, address_text, parse_location(lat, lng)?))
}

fn in_service_area(candidates: &[dispatch::Candidate], at: GeoPoint) -> bool {
    candidates.iter().any(|c| dispatch::distance_km(c.home, at) <= c.area_radius_km)
}

/// `11月26日`, `周四` in Beijing time, with 今天/明天 for the first two days.
fn day_labels(day_start: i64, index: u32) -> (String, String) {
    let shanghai = time::UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    let local = time::OffsetDateTime::from_unix_timestamp(day_start).unwrap_or(time::OffsetDateTime::UNIX_EPOCH).to_offset(shanghai);
    let weekday = match index {
        0 => crate::i18n::t(Msg::Today).to_string(),
        1 => crate::i18n::t(Msg::Tomorrow).to_string(),
        _ => crate::i18n::t(Msg::WEEKDAYS[local.weekday().number_days_from_monday() as usize]).to_string(),
    };
    (format!("{}月{}日", u8::from(local.month()), local.day()), weekday)
}

fn clock_label(ts: i64) -> String {
    let local = ts + dispatch::BEIJING_UTC_OFFSET_SECS;
    let minutes = local.rem_euclid(86_400) / 60;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The customer's worker gender preference: empty or `any` is anyone.
fn gender_preference(input: Option<&str>) -> Result<Option<String>, AppError> {
    match input.map(str::trim).unwrap_or("") {
        "" | "any" => Ok(None),
        g @ ("female" | "male") => Ok(Some(g.to_string())),
        _ => Err(AppError::invalid(Field::Gender, Msg::ErrGenderPreference)),
    }
}

pub async fn booking_slots(service_id: i64, units: i32, lat: f64, lng: f64, worker_gender: Option<String>) -> Result<Vec<DaySlots>, AppError> {
    require_user(CUSTOMER)?;
    let state = app_state()?;
    let worker_gender = gender_preference(worker_gender.as_deref())?;
    let service = listed_service(&state, service_id).await?;
    let (rules, _, _) = super::pricing::rules_in_force(&state).await?;
    let t = state.clock.now();
    let at_start = |start: Option<i64>| super::pricing::quote(&service, &rules, units, Vec::new(), start, None, None, unix(t), 1);
    let list = at_start(None)?;
    let at = Coordinates::new(lat, lng).map_err(AppError::from_input)?;
    let location = GeoPoint { lat: at.lat(), lng: at.lng() };
    let duration_secs = i64::from(pricing::duration_minutes(unit_of(&service)?, units)) * 60;
    let horizon = t + std::time::Duration::from_secs(u64::from(state.config.booking_days + 1) * 86_400);
    let candidates = flows::candidates(&state, &service.category_code, t, horizon, None, flows::Scoring::AvailabilityOnly).await?;
    if !in_service_area(&candidates, location) {
        return Err(AppError::invalid(Field::Location, Msg::ErrOutsideServiceArea));
    }
    // Holds not yet offered to anyone may move to make room (B2).
    let movable = super::dispatching::movable_holds(&state, t, horizon).await?;
    let job = dispatch::Job {
        skill: service.category_code.clone(),
        location,
        start: 0,
        end: duration_secs,
        worker_gender,
        needs_certificate: service.needs_certificate,
    };
    let mut days = slot_days(&state, &candidates, &job, &movable, None);
    // Peak hours, weekends and holidays cost more: each slot says how much.
    for slot in days.iter_mut().flat_map(|d| d.slots.iter_mut()).filter(|s| s.available) {
        slot.price_change_fen = (at_start(Some(slot.start))?.total - list.total).get();
    }
    Ok(days)
}

/// The booking window's days of slots in which one of `candidates` can
/// take a job like `job` (its place, length and needs), `movable` holds
/// making room; `taken` (an order's own start) is shown but not offered.
fn slot_days(state: &AppState, candidates: &[dispatch::Candidate], job: &dispatch::Job, movable: &[dispatch::MovableHold], taken: Option<i64>) -> Vec<DaySlots> {
    let t = unix(state.clock.now());
    let earliest = t + state.config.booking_lead.as_secs() as i64;
    let first_day = dispatch::local_day_start(t);
    (0..state.config.booking_days)
        .map(|i| {
            let day_start = first_day + i64::from(i) * 86_400;
            let query = dispatch::SlotQuery {
                skill: job.skill.clone(),
                location: job.location,
                duration_secs: job.end - job.start,
                earliest_start: earliest,
                day_start,
                first_minute: SLOT_FIRST_MINUTE,
                last_start_minute: SLOT_LAST_START_MINUTE,
                step_minutes: SLOT_STEP_MINUTES,
                worker_gender: job.worker_gender.clone(),
                needs_certificate: job.needs_certificate,
            };
            let (date_label, weekday_label) = day_labels(day_start, i);
            DaySlots {
                date_label,
                weekday_label,
                slots: dispatch::day_slots(candidates, &query, state.travel.as_ref(), movable)
                    .into_iter()
                    .map(|s| SlotView {
                        start: s.start,
                        label: clock_label(s.start),
                        available: s.is_bookable() && s.start >= earliest && Some(s.start) != taken,
                        past: s.start < earliest,
                        current: Some(s.start) == taken,
                        price_change_fen: 0,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// `start` may be booked now: past the booking lead, within the booking days.
pub fn in_booking_window(state: &AppState, start: i64) -> Result<(), AppError> {
    let now = unix(state.clock.now());
    if start < now + state.config.booking_lead.as_secs() as i64 {
        return Err(AppError::invalid(Field::Slot, Msg::ErrSlotPast));
    }
    if start > now + i64::from(state.config.booking_days) * 86_400 {
        return Err(AppError::invalid(Field::Slot, Msg::ErrSlotTooFar));
    }
    Ok(())
}

pub struct PlaceOrderInput {
    pub service_id: i64,
    pub units: i32,
    pub start: i64,
    pub quoted_total_fen: i64,
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: String,
    pub lng: String,
    pub notes: String,
    /// The order being booked again: its worker is held first if free (C12).
    pub rebook: Option<i64>,
    /// The customer's claimed coupon to use.
    pub claim_id: Option<i64>,
    /// Codes of the chosen add-ons.
    pub addons: Vec<String>,
    /// `female`, `male`, or empty for anyone.
    pub worker_gender: Option<String>,
    /// B6: `weekly` or `biweekly` to repeat the booking; empty for once.
    pub repeat: Option<String>,
    /// How many visits a repeated booking has, the first one included.
    pub visits: Option<i32>,
}

pub async fn place_order(input: PlaceOrderInput) -> Result<PlaceOutcome, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let service = listed_service(&state, input.service_id).await?;
    list_quote(&state, &service, input.units).await?;
    let (contact_name, contact_phone, address_text, location) =
        parse_contact(&input.contact_name, &input.contact_phone, &input.address_text, &input.lat, &input.lng)?;
    let notes = input.notes.trim().to_string();
    if notes.chars().count() > 200 {
        return Err(AppError::invalid(Field::Notes, Msg::ErrNotesTooLong));
    }
    let worker_gender = gender_preference(input.worker_gender.as_deref())?;
    let recurrence = parse_recurrence(input.repeat.as_deref().unwrap_or_default(), input.visits.unwrap_or_default())?;
    let t = state.clock.now();
    in_booking_window(&state, input.start)?;
    let starts_at = from_unix(input.start)?;
    let ends_at = starts_at + std::time::Duration::from_secs(u64::try_from(pricing::duration_minutes(unit_of(&service)?, input.units)).unwrap_or(0) * 60);
    let candidates = flows::candidates(&state, &service.category_code, starts_at, ends_at, None, flows::Scoring::ForCustomer(user.id.0)).await?;
    if !in_service_area(&candidates, location) {
        return Err(AppError::invalid(Field::Location, Msg::ErrOutsideServiceArea));
    }
    let job = dispatch::Job {
        skill: service.category_code.clone(),
        location,
        start: input.start,
        end: unix(ends_at),
        worker_gender: worker_gender.clone(),
        needs_certificate: service.needs_certificate,
    };
    let (settings, _, _) = flows::dispatch_settings(&state).await?;
    let ranked = dispatch::rank(&candidates, &job, state.travel.as_ref(), &[], &settings.weights);
    // Nobody is free as the day stands: moving holds not yet offered to anyone may make room (B2).
    // A series keeps one worker for every visit, so it takes only who is free.
    let room = if ranked.is_empty() && recurrence.is_none() {
        let day = std::time::Duration::from_secs(86_400);
        let movable = super::dispatching::movable_holds(&state, starts_at - day, ends_at + day).await?;
        dispatch::make_room(&candidates, &job, &movable, state.travel.as_ref(), &[])
    } else {
        None
    };
    if ranked.is_empty() && room.is_none() {
        let slot_was_open = candidates.iter().any(|c| dispatch::hard_check(c, &job, state.travel.as_ref(), &[]).iter().all(|f| matches!(f, dispatch::RuleFailure::Overlaps { .. })));
        let msg = if slot_was_open { Msg::ErrSlotFull } else { Msg::ErrSlotUnavailable };
        return Err(AppError::invalid(Field::Slot, msg));
    }
    let coupon = claimed_coupon(&state, Some(&user), input.claim_id).await?;
    let (rules, _, _) = super::pricing::rules_in_force(&state).await?;
    let series_visits = recurrence.as_ref().map_or(1, booking::Recurrence::visits);
    let quote = super::pricing::quote(&service, &rules, input.units, input.addons.clone(), Some(input.start), Some(location), coupon.clone(), unix(t), series_visits)?;
    // The customer is charged what they were shown (a series: its first visit), or shown the new price.
    if quote.total.get() != input.quoted_total_fen {
        return Ok(PlaceOutcome::QuoteChanged { quote });
    }
    // A new address is remembered for next time while the book has room;
    // a full book never stops a booking.
    let known = state.store.addresses(user.id.0).await.map_err(internal)?;
    let new_address = !known.iter().any(|a| a.address_text == address_text && a.contact_phone == contact_phone.as_str());
    if new_address && known.len() < super::account::MAX_ADDRESSES {
        let address = NewAddress {
            label: crate::i18n::t(Msg::DefaultAddressLabel).into(),
            contact_name: contact_name.as_str().into(),
            contact_phone: contact_phone.to_string(),
            address_text: address_text.clone(),
            lat: location.lat,
            lng: location.lng,
        };
        state.store.create_address(user.id.0, &address, t).await.map_err(internal)?;
    }
    let request = flows::OrderRequest {
        customer_id: user.id.0,
        service: &service,
        units: input.units,
        quote: &quote,
        address_text,
        location,
        contact_phone: contact_phone.to_string(),
        notes,
        starts_at,
        ends_at,
        coupon_claim_id: input.claim_id,
        worker_gender,
    };
    let mut worker_ids: Vec<i64> = ranked.iter().map(|r| r.worker_id).collect();
    // Favorite workers who qualify are held first, in ranking order (C13).
    let favorites: Vec<i64> = state.store.favorite_workers(user.id.0).await.map_err(internal)?.into_iter().map(|w| w.worker_id).collect();
    worker_ids.sort_by_key(|id| !favorites.contains(id));
    if let Some(rebook) = input.rebook {
        let previous = own_order(&state, &user, rebook).await?.worker_id;
        if let Some(position) = previous.and_then(|w| worker_ids.iter().position(|id| *id == w)) {
            let worker = worker_ids.remove(position);
            worker_ids.insert(0, worker);
        }
    }
    if let Some(recurrence) = recurrence {
        let starts = recurrence.starts(input.start);
        let duration = ends_at - starts_at;
        let visits = SeriesVisits { starts: &starts, duration, job: &job, scoring: flows::Scoring::ForCustomer(user.id.0), weights: &settings.weights };
        let worker = series_worker(&state, &service, &worker_ids, &visits).await?;
        let quotes = visit_quotes(&service, &rules, input.units, &input.addons, &starts, Some(location), coupon, unix(t))?;
        let mut orders = Vec::with_capacity(starts.len());
        for (k, (start, quote)) in starts.iter().zip(&quotes).enumerate() {
            let starts_at = from_unix(*start)?;
            // A coupon is one order's: the first visit's, as its quote has it.
            let coupon_claim_id = if k == 0 { input.claim_id } else { None };
            let request = flows::OrderRequest { starts_at, ends_at: starts_at + duration, quote, coupon_claim_id, ..request.clone() };
            orders.push(flows::new_order(&state, request, t, time::OffsetDateTime::now_utc()).await?);
        }
        return match state.store.place_series(&orders, worker, t).await {
            Ok(placed) => {
                let first = placed.first().map(|p| p.order_id).ok_or_else(|| internal("an empty series"))?;
                tracing::info!(order_id = first, visits = placed.len(), customer = user.id.0, "recurring booking placed");
                leptos_axum::redirect(&format!("/pay/{first}"));
                Ok(PlaceOutcome::Placed { order_id: first })
            }
            Err(StoreError::SlotTaken) => Err(AppError::invalid(Field::Repeat, Msg::ErrSeriesNoWorker)),
            Err(StoreError::CouponUsed) => Err(AppError::invalid(Field::Coupon, Msg::ErrCouponUsed)),
            Err(err) => Err(internal(err)),
        };
    }
    // Wall time names the order: a reference names a record, it is not a business time.
    let order = flows::new_order(&state, request, t, time::OffsetDateTime::now_utc()).await?;
    let placed = match &room {
        Some(room) => {
            let moves: Vec<store::HoldMove> = room
                .moves
                .iter()
                .map(|&(order_id, to_worker)| store::HoldMove { order_id, from_worker: room.worker_id, to_worker, day_km: None })
                .collect();
            state.store.place_order_making_room(&order, room.worker_id, &moves, t).await
        }
        None => state.store.place_order(&order, &worker_ids, t).await,
    };
    match placed {
        Ok(placed) => {
            tracing::info!(order_id = placed.order_id, customer = user.id.0, "order placed");
            leptos_axum::redirect(&format!("/pay/{}", placed.order_id));
            Ok(PlaceOutcome::Placed { order_id: placed.order_id })
        }
        // A hold to be moved that changed meanwhile (Conflict) means the slot went too.
        Err(StoreError::SlotTaken | StoreError::Conflict) => Err(AppError::invalid(Field::Slot, Msg::ErrSlotFull)),
        Err(StoreError::CouponUsed) => Err(AppError::invalid(Field::Coupon, Msg::ErrCouponUsed)),
        Err(err) => Err(internal(err)),
    }
}

/// What every later visit of a series is checked against.
struct SeriesVisits<'a> {
    /// Every visit's start, the first one first.
    starts: &'a [i64],
    duration: time::Duration,
    job: &'a dispatch::Job,
    scoring: flows::Scoring,
    weights: &'a dispatch::Weights,
}

/// B6: the worker who keeps a recurring booking, the first of
/// `first_visit_workers` (the first visit's order of preference) qualified
/// and free at every later visit.
async fn series_worker(state: &AppState, service: &ServiceRecord, first_visit_workers: &[i64], s: &SeriesVisits<'_>) -> Result<i64, AppError> {
    let mut keepers: Vec<i64> = first_visit_workers.to_vec();
    for &start in s.starts.iter().skip(1) {
        let starts_at = from_unix(start)?;
        let ends_at = starts_at + s.duration;
        let candidates = flows::candidates(state, &service.category_code, starts_at, ends_at, None, s.scoring).await?;
        let job = dispatch::Job { start, end: unix(ends_at), ..s.job.clone() };
        let free: Vec<i64> = dispatch::rank(&candidates, &job, state.travel.as_ref(), &[], s.weights).iter().map(|r| r.worker_id).collect();
        keepers.retain(|w| free.contains(w));
    }
    keepers.first().copied().ok_or(AppError::invalid(Field::Repeat, Msg::ErrSeriesNoWorker))
}

pub async fn sandbox_pay(order_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    if flows::order_state(&order)? != OrderState::PendingPayment || order.pay_deadline <= state.clock.now() {
        return Err(AppError::Refused(Msg::ErrNotPayable));
    }
    // A recurring booking is paid in one go: each unpaid visit's own payment
    // (a combined checkout of sub-orders, as the gateways offer it).
    let mut payable = series_visits(&state, &order).await?;
    payable.retain(|o| o.state == OrderState::PendingPayment.as_str() && o.pay_deadline > state.clock.now());
    if payable.is_empty() {
        payable.push(order);
    }
    for visit in &payable {
        let payment = state.store.payment_for_order(visit.id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
        // The sandbox gateway answers asynchronously, like the real ones.
        state.store.enqueue_job("sandbox_notify", visit.id, &payment.out_trade_no, state.clock.now()).await.map_err(internal)?;
    }
    leptos_axum::redirect(&format!("/orders/{order_id}"));
    Ok(())
}

pub fn card(order: &OrderRecord) -> Result<OrderCard, AppError> {
    Ok(OrderCard {
        id: order.id,
        order_no: order.order_no.clone(),
        service_name: order.service_name.clone(),
        state: flows::order_state(order)?,
        starts_at: unix(order.starts_at),
        ends_at: unix(order.ends_at),
        total_fen: order.total_fen,
        address_text: order.address_text.clone(),
        worker_name: order.worker_name.clone(),
        series: series_place(order),
    })
}

/// Which visit of a recurring booking the order is (B6), if it is one.
pub fn series_place(order: &OrderRecord) -> Option<SeriesPlace> {
    order.series_id.map(|series_id| SeriesPlace { series_id, index: order.series_index, visits: order.series_visits })
}

/// Every visit of `order`'s recurring booking, the earliest first (B6).
async fn series_visits(state: &AppState, order: &OrderRecord) -> Result<Vec<OrderRecord>, AppError> {
    let Some(series_id) = order.series_id else { return Ok(Vec::new()) };
    let filter = OrderFilter { series_id: Some(series_id), customer_id: Some(order.customer_id), ..OrderFilter::newest(i64::from(booking::MAX_SERIES_VISITS)) };
    let mut visits = state.store.orders(&filter).await.map_err(internal)?;
    visits.sort_by_key(|o| (o.starts_at, o.id));
    Ok(visits)
}

/// The customer's order tabs: 待完成 (unpaid or under way), 已完成, 已取消.
pub fn states_of_group(group: &str) -> Vec<String> {
    match group {
        "done" => flows::state_names(|s| s == OrderState::Completed),
        "cancelled" => flows::state_names(OrderState::is_cancelled),
        _ => flows::state_names(|s| s == OrderState::PendingPayment || s.is_active()),
    }
}

pub async fn my_orders(group: String) -> Result<Vec<OrderCard>, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let filter = OrderFilter { customer_id: Some(user.id.0), states: states_of_group(&group), ..OrderFilter::newest(100) };
    state.store.orders(&filter).await.map_err(internal)?.iter().map(card).collect()
}

fn actor_label(kind: &str) -> String {
    crate::i18n::t(match kind {
        "customer" => Msg::RoleCustomer,
        "worker" => Msg::RoleWorker,
        "admin" => Msg::ActorPlatform,
        _ => Msg::AuditActorSystem,
    })
    .to_string()
}

/// `policy`'s tiers on `order`: when each begins and what it keeps of the
/// paid amount, as the policy itself charges it.
fn cancel_tiers(policy: &booking::CancellationPolicy, order: &OrderRecord) -> Vec<CancelTier> {
    let (paid, starts_at) = (Fen::new(order.held_fen()), unix(order.starts_at));
    policy
        .tiers()
        .iter()
        .map(|tier| {
            let after = starts_at - tier.within_secs;
            CancelTier { after, fee_bps: tier.fee_bps, fee_fen: policy.customer_fee(paid, starts_at, after + 1).get() }
        })
        .collect()
}

/// The full order as `viewer` may see it.
pub async fn detail_for(state: &AppState, order: &OrderRecord, viewer: &User) -> Result<OrderView, AppError> {
    let order_state = flows::order_state(order)?;
    let events = state.store.order_events(order.id).await.map_err(internal)?;
    let quote = flows::quote_of(order)?;
    let is_customer = viewer.role == Role::Customer;
    let reschedules_left = match is_customer {
        true => reschedules_left(state, order, &events).await?,
        false => None,
    };
    let review = state.store.review_for_order(order.id).await.map_err(internal)?;
    let review_media = match review {
        Some(_) => super::reviews::review_media(state, &[order.id]).await.map_err(internal)?.remove(&order.id).unwrap_or_default(),
        None => ReviewMedia::default(),
    };
    let cancellation = match (is_customer, order_state) {
        (true, OrderState::Booked | OrderState::Accepted | OrderState::Departed) => Some(flows::order_cancellation(state, order).await?),
        _ => None,
    };
    let cancel_fee_now = match (is_customer, order_state) {
        (true, OrderState::PendingPayment) => Some(0),
        _ => cancellation.as_ref().map(|policy| fee_if_cancelled_now(state, policy, order)),
    };
    let cancel_tiers = match &cancellation {
        Some(policy) if order.paid_fen > 0 => cancel_tiers(policy, order),
        _ => Vec::new(),
    };
    let phones_visible = order_state.is_active() && order.worker_id.is_some();
    let worker_favorite = match (is_customer, order.worker_id) {
        (true, Some(worker)) => Some(state.store.favorite_workers(viewer.id.0).await.map_err(internal)?.iter().any(|w| w.worker_id == worker)),
        _ => None,
    };
    let series = match viewer.role {
        Role::Worker => Vec::new(),
        _ => series_visits(state, order).await?,
    };
    let offer_at = if order_state == OrderState::Booked && state.store.never_offered(order.id).await.map_err(internal)? {
        let (settings, _, _) = flows::dispatch_settings(state).await?;
        settings.policy.deferred_until(unix(order.starts_at), unix(state.clock.now()))
    } else {
        None
    };
    let contact_phone = match (viewer.role, phones_visible) {
        (Role::Worker, false) => Phone::parse(&order.contact_phone).map(|p| p.masked()).unwrap_or_default(),
        _ => order.contact_phone.clone(),
    };
    Ok(OrderView {
        card: card(order)?,
        service_id: order.service_id,
        units: order.units,
        quote,
        contact_phone,
        notes: order.notes.clone(),
        pay_deadline: unix(order.pay_deadline),
        paid_fen: order.paid_fen,
        cancel_fee_fen: order.cancel_fee_fen,
        refund_fen: order.refund_fen,
        settled_to_nanny_fen: order.paid_out_fen,
        worker_phone: if phones_visible || viewer.role == Role::Admin { order.worker_phone.clone() } else { None },
        worker_favorite,
        worker_id: order.worker_id,
        timeline: events
            .into_iter()
            .filter_map(|e| {
                // Which rules an admin overrode when assigning is for admins only.
                let detail = if e.kind == EventKind::Assign.as_str() && viewer.role != Role::Admin { String::new() } else { e.detail };
                let arrival_metres = e.lat.zip(e.lng).filter(|_| e.kind == EventKind::Arrive.as_str()).map(|at| flows::metres_from_address(order, at));
                Some(TimelineEntry {
                    state: OrderState::from_db(&e.to_state)?,
                    kind: e.kind,
                    at: unix(e.created_at),
                    actor: actor_label(&e.actor_kind),
                    detail,
                    position: e.lat.zip(e.lng).map(|(lat, lng)| (format!("{lat:.5}"), format!("{lng:.5}"))),
                    arrival_metres,
                })
            })
            .collect(),
        cancel_fee_now,
        cancel_tiers,
        can_review: is_customer && order_state == OrderState::Completed && review.is_none(),
        review: review.map(|r| {
            let can_add_photos = is_customer && booking::may_add_review_photo(review_media.photos.len());
            let can_add_video = is_customer && review_media.video.is_none();
            ReviewView {
                quality: r.quality,
                attitude: r.attitude,
                result: r.result,
                body: r.body,
                photos: review_media.photos,
                video: review_media.video,
                mine: is_customer,
                can_add_photos,
                can_add_video,
            }
        }),
        needs_admin: order.needs_admin,
        offer_at,
        proof: super::proof::proof_view(state, order, viewer).await?,
        series_visits: series.iter().map(card).collect::<Result<_, _>>()?,
        series_cancel: match is_customer {
            true => series_cancel(state, order, &series).await?,
            false => None,
        },
        reschedules_left,
    })
}

/// What a customer's cancel of paid `order` would keep as its fee now.
fn fee_if_cancelled_now(state: &AppState, policy: &booking::CancellationPolicy, order: &OrderRecord) -> i64 {
    policy.customer_fee(Fen::new(order.held_fen()), unix(order.starts_at), unix(state.clock.now())).get()
}

/// The visits of `series` that 取消本次及之后 from `order` cancels, in visit
/// order: empty unless `order` itself is one the customer may cancel. A
/// package (B6, `package`: [`is_package`]) ends whole: every visit the
/// customer may still cancel.
fn series_cancelled_from<'a>(order: &'a OrderRecord, series: &'a [OrderRecord], package: bool) -> Result<Vec<&'a OrderRecord>, AppError> {
    if !flows::order_state(order)?.customer_may_cancel() {
        return Ok(Vec::new());
    }
    if package {
        return visits_cancelled_from(series, 1);
    }
    Ok(std::iter::once(order).chain(later_visits(order, series)?).collect())
}

/// Whether `series` was booked at a package price (B6).
fn is_package(series: &[OrderRecord]) -> Result<bool, AppError> {
    for visit in series {
        if flows::quote_of(visit)?.package_discount() > Fen::ZERO {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ending a package early (B6): of `ending`, the visits the customer
/// cancels, what each keeps of the package's price difference from its
/// refund (`pricing::package_shortfall` over the visits that stay), taken
/// from the first visit's refund on, each after its own cancellation fee.
fn package_shares(state: &AppState, series: &[OrderRecord], ending: &[&OrderRecord], policies: &[booking::CancellationPolicy]) -> Result<Vec<Fen>, AppError> {
    let kept = series
        .iter()
        .filter(|visit| !ending.iter().any(|e| e.id == visit.id))
        .filter(|visit| flows::order_state(visit).is_ok_and(|s| !s.is_cancelled()))
        .map(flows::quote_of)
        .collect::<Result<Vec<_>, _>>()?;
    let kept_visits = u8::try_from(series.len().saturating_sub(ending.len())).map_err(internal)?;
    let mut owed = pricing::package_shortfall(&kept, kept_visits).map_err(internal)?;
    Ok(ending
        .iter()
        .zip(policies)
        .map(|(visit, policy)| {
            let refundable = Fen::new(visit.held_fen() - fee_if_cancelled_now(state, policy, visit)).max(Fen::ZERO);
            let share = owed.min(refundable);
            owed = owed - share;
            share
        })
        .collect())
}

/// The cancellation rules each of `visits` was booked under.
async fn policies_of(state: &AppState, visits: &[&OrderRecord]) -> Result<Vec<booking::CancellationPolicy>, AppError> {
    let mut policies = Vec::with_capacity(visits.len());
    for visit in visits {
        policies.push(flows::order_cancellation(state, visit).await?);
    }
    Ok(policies)
}

/// The visits of `series` after `order` that cancelling from it takes too
/// (B6): not yet under way, served or cancelled, in visit order.
fn later_visits<'a>(order: &OrderRecord, series: &'a [OrderRecord]) -> Result<Vec<&'a OrderRecord>, AppError> {
    visits_cancelled_from(series, order.series_index + 1)
}

/// The visits of `series` from visit `from` on the customer may still cancel, in visit order.
fn visits_cancelled_from(series: &[OrderRecord], from: i64) -> Result<Vec<&OrderRecord>, AppError> {
    let states = series.iter().map(|visit| Ok((visit.series_index, flows::order_state(visit)?))).collect::<Result<Vec<_>, AppError>>()?;
    let chosen = booking::visits_cancelled_from(&states, from);
    Ok(chosen.iter().filter_map(|index| series.iter().find(|visit| visit.series_index == *index)).collect())
}

/// [`later_visits`] of `order`'s series, read now; empty outside a series.
pub async fn later_visits_to_cancel(state: &AppState, order: &OrderRecord) -> Result<Vec<OrderRecord>, AppError> {
    let series = series_visits(state, order).await?;
    Ok(later_visits(order, &series)?.into_iter().cloned().collect())
}

/// 取消本次及之后 as the customer would be charged for it now, when it
/// cancels more than this one visit; for a package, 结束套餐 whenever a
/// visit is left to cancel.
async fn series_cancel(state: &AppState, order: &OrderRecord, series: &[OrderRecord]) -> Result<Option<SeriesCancel>, AppError> {
    let ends_package = is_package(series)?;
    let visits = series_cancelled_from(order, series, ends_package)?;
    if visits.len() < 2 && !(ends_package && visits.len() == 1) {
        return Ok(None);
    }
    let policies = policies_of(state, &visits).await?;
    let mut fee_fen = 0;
    for (visit, policy) in visits.iter().zip(&policies) {
        if visit.paid_fen > 0 {
            fee_fen += fee_if_cancelled_now(state, policy, visit);
        }
    }
    let package_fen = match ends_package {
        true => package_shares(state, series, &visits, &policies)?.iter().map(|share| share.get()).sum(),
        false => 0,
    };
    Ok(Some(SeriesCancel { visits: visits.len() as i64, fee_fen: fee_fen + package_fen, package_fen, ends_package }))
}

pub async fn order_detail(order_id: i64) -> Result<OrderView, AppError> {
    let user = require_user(Access::SignedIn)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::Admin => true,
        Role::Customer => order.customer_id == user.id.0,
        // An offered worker sees only the offer card (district, time, pay); the
        // full address and contact come with accepting the order.
        Role::Worker => order.worker_id == Some(user.id.0),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    detail_for(&state, &order, &user).await
}

pub async fn cancel_order(order_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    let series = series_visits(&state, &order).await?;
    if !is_package(&series)? {
        return flows::transition(&state, &order, Actor::Customer(user.id.0), EventKind::Cancel, None, None).await;
    }
    // A package's price counts its visits, so they are not dropped one by one
    // for free: the last one left ends it, and one inside its fee window pays
    // that fee and still counts.
    match series_cancelled_from(&order, &series, true)?.as_slice() {
        [] => flows::transition(&state, &order, Actor::Customer(user.id.0), EventKind::Cancel, None, None).await,
        [only] => {
            let shares = package_shares(&state, &series, &[only], &policies_of(&state, &[only]).await?)?;
            flows::customer_cancel(&state, only, user.id.0, shares[0]).await
        }
        _ if package_visit_pays_to_cancel(&state, &order).await? => {
            flows::transition(&state, &order, Actor::Customer(user.id.0), EventKind::Cancel, None, None).await
        }
        _ => Err(AppError::Refused(Msg::ErrPackageVisitAlone)),
    }
}

/// A package visit cancelled now would pay a fee: inside its fee window it
/// may be cancelled alone, and still counts towards the package (B6).
async fn package_visit_pays_to_cancel(state: &AppState, order: &OrderRecord) -> Result<bool, AppError> {
    Ok(order.paid_fen > 0 && fee_if_cancelled_now(state, &flows::order_cancellation(state, order).await?, order) > 0)
}

/// 取消本次及之后 (B6): `order_id` and every later visit of its series the
/// customer may still cancel, each as its own cancel (its own fee and
/// refund), this visit first so a visit too late to cancel refuses the
/// lot. A later visit another step moved meanwhile is left as it is.
pub async fn cancel_series_from(order_id: i64) -> Result<i64, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    if order.series_id.is_none() {
        return Err(AppError::Refused(Msg::ErrNotASeries));
    }
    let series = series_visits(&state, &order).await?;
    let package = is_package(&series)?;
    let visits = series_cancelled_from(&order, &series, package)?;
    if visits.is_empty() {
        return Err(AppError::Refused(match flows::order_state(&order)? {
            OrderState::Arrived | OrderState::InService => Msg::ErrTooLateToCancel,
            _ => Msg::ErrIllegalStep,
        }));
    }
    let shares = match package {
        true => package_shares(&state, &series, &visits, &policies_of(&state, &visits).await?)?,
        false => vec![Fen::ZERO; visits.len()],
    };
    let mut cancelled = 0;
    for (k, (visit, share)) in visits.into_iter().zip(shares).enumerate() {
        match flows::customer_cancel(&state, visit, user.id.0, share).await {
            Ok(()) => cancelled += 1,
            Err(AppError::StaleOrder) if k > 0 => tracing::info!(order_id = visit.id, "series visit moved on before its cancel"),
            Err(err) => return Err(err),
        }
    }
    Ok(cancelled)
}

/// 改期: how many more times the customer may move `order` now, when they
/// may move it at all.
async fn reschedules_left(state: &AppState, order: &OrderRecord, events: &[store::OrderEventRecord]) -> Result<Option<u32>, AppError> {
    let (moves, rule) = reschedule_rule(state, order, events, None).await?;
    Ok(rule.ok().map(|()| booking::MAX_RESCHEDULES - moves))
}

/// `booking::may_reschedule` on moving `order` now (to `new_start`), under
/// the cancellation rules it was booked with, and the customer's own moves
/// its `events` record (a move by 客服 does not use up theirs).
async fn reschedule_rule(
    state: &AppState,
    order: &OrderRecord,
    events: &[store::OrderEventRecord],
    new_start: Option<i64>,
) -> Result<(u32, Result<(), booking::RescheduleRefusal>), AppError> {
    let moves = events.iter().filter(|e| e.kind == booking::RESCHEDULE_EVENT && e.actor_kind == "customer").count() as u32;
    let policy = flows::order_cancellation(state, order).await?;
    // A placement's order (试工 or 合同) has a day agreed with the nanny through staff, who move it if it must move.
    let rule = match order.placement_id {
        Some(_) => Err(booking::RescheduleRefusal::NotMovable),
        None => booking::may_reschedule(flows::order_state(order)?, &policy, unix(order.starts_at), unix(state.clock.now()), moves, new_start),
    };
    Ok((moves, rule))
}

pub fn reschedule_refused(refusal: booking::RescheduleRefusal) -> AppError {
    use booking::RescheduleRefusal as R;
    match refusal {
        R::NotMovable => AppError::Refused(Msg::ErrNotReschedulable),
        R::TooLate => AppError::Refused(Msg::ErrTooLateToReschedule),
        R::MovedTooOften => AppError::Refused(Msg::ErrRescheduledTooOften),
        R::SameTime => AppError::invalid(Field::Slot, Msg::ErrSameTime),
    }
}

/// Who can take `order` at another time: the worker holding it (assigned,
/// or held for the offer chain), else anyone qualified.
async fn reschedule_candidates(
    state: &AppState,
    order: &OrderRecord,
    from: time::OffsetDateTime,
    to: time::OffsetDateTime,
) -> Result<Vec<dispatch::Candidate>, AppError> {
    let mut candidates = flows::candidates(state, &order.category_code, from, to, Some(order.id), flows::Scoring::AvailabilityOnly).await?;
    if let Some(holder) = order.worker_id.or(order.reserved_worker_id) {
        candidates.retain(|c| c.worker_id == holder);
    }
    Ok(candidates)
}

/// The slots `order` may move to: where its worker is free over the
/// booking window, its own start shown but not offered, each with what
/// the move would change the price by; a dearer one is not offered.
pub async fn reschedule_slots(order_id: i64) -> Result<Vec<DaySlots>, AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    let events = state.store.order_events(order.id).await.map_err(internal)?;
    reschedule_rule(&state, &order, &events, None).await?.1.map_err(reschedule_refused)?;
    let mut days = movable_slots(&state, &order).await?;
    Repricing::of(&state, &order).await?.mark(&mut days, false)?;
    Ok(days)
}

/// What a move does to the price: the order's quote as paid, re-priced at
/// a new time under the time surcharges in force now.
pub(crate) struct Repricing {
    paid: Quote,
    rules: pricing::PricingRules,
}

/// A move's price against the price paid.
pub(crate) enum MovePrice {
    Same,
    /// The customer moves only by booking anew; 客服 move at the price paid.
    Dearer,
    /// Either way the order takes the new price and the difference goes back.
    Cheaper(store::Reprice),
}

impl Repricing {
    pub(crate) async fn of(state: &AppState, order: &OrderRecord) -> Result<Self, AppError> {
        let paid = flows::quote_of(order)?;
        let (rules, _, _) = super::pricing::rules_in_force(state).await?;
        Ok(Repricing { paid, rules })
    }

    fn at(&self, start: i64) -> Result<Quote, AppError> {
        pricing::retime(&self.paid, &self.rules, start).map_err(super::pricing::pricing_error)
    }

    pub(crate) fn move_to(&self, start: i64) -> Result<MovePrice, AppError> {
        let moved = self.at(start)?;
        Ok(match moved.total.cmp(&self.paid.total) {
            std::cmp::Ordering::Equal => MovePrice::Same,
            std::cmp::Ordering::Greater => MovePrice::Dearer,
            std::cmp::Ordering::Less => MovePrice::Cheaper(store::Reprice {
                quote_json: serde_json::to_string(&moved).map_err(internal)?,
                total_fen: moved.total.get(),
                refund_fen: (self.paid.total - moved.total).get(),
                refund_no: flows::reference("RF"),
            }),
        })
    }

    /// Marks each open slot of `days` with what moving there gives back;
    /// a dearer slot is marked and not offered unless `dearer_at_price_paid`
    /// (客服 moves), when it stays as it is.
    pub(crate) fn mark(&self, days: &mut [DaySlots], dearer_at_price_paid: bool) -> Result<(), AppError> {
        for slot in days.iter_mut().flat_map(|d| d.slots.iter_mut()).filter(|s| s.available) {
            let change = (self.at(slot.start)?.total - self.paid.total).get();
            if change < 0 || !dearer_at_price_paid {
                slot.price_change_fen = change;
                slot.available = change <= 0;
            }
        }
        Ok(())
    }
}

/// Where `order` could move to over the booking window, whoever moves it.
pub async fn movable_slots(state: &AppState, order: &OrderRecord) -> Result<Vec<DaySlots>, AppError> {
    let t = state.clock.now();
    let horizon = t + std::time::Duration::from_secs(u64::from(state.config.booking_days + 1) * 86_400);
    let candidates = reschedule_candidates(state, order, t, horizon).await?;
    let job = dispatch::Job { start: 0, end: unix(order.ends_at) - unix(order.starts_at), ..flows::job_for(order) };
    Ok(slot_days(state, &candidates, &job, &[], Some(unix(order.starts_at))))
}

/// 改期: moves the customer's paid order to `start`, same length, same
/// worker, same price; refused (nothing changed) when the worker is not
/// free then or the new time would be priced differently.
pub async fn reschedule_order(order_id: i64, start: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    let events = state.store.order_events(order.id).await.map_err(internal)?;
    reschedule_rule(&state, &order, &events, Some(start)).await?.1.map_err(reschedule_refused)?;
    in_booking_window(&state, start)?;
    let reprice = match Repricing::of(&state, &order).await?.move_to(start)? {
        MovePrice::Same => None,
        MovePrice::Dearer => return Err(AppError::invalid(Field::Slot, Msg::ErrRescheduleDearer)),
        MovePrice::Cheaper(reprice) => Some(reprice),
    };
    let (from, to) = (format_beijing(unix(order.starts_at)), format_beijing(start));
    let detail = match &reprice {
        None => crate::i18n::tf(Msg::RescheduleDetail, &[&from, &to]),
        Some(r) => crate::i18n::tf(Msg::RescheduleRefundDetail, &[&from, &to, &Fen::new(r.refund_fen)]),
    };
    move_order(&state, &order, start, Actor::Customer(user.id.0), detail, "", reprice.as_ref()).await?;
    tracing::info!(order_id = order.id, from = unix(order.starts_at), to = start, "order rescheduled by its customer");
    Ok(())
}

/// Moves `order` to `start` with its length and worker, once the mover's
/// own rules have passed: refused (nothing changed) when the worker is not
/// free then. `detail` goes on the timeline; `platform_reason` (empty when
/// the customer moved it) is what the customer is told, see
/// `reminders::tell_moved`; `reprice`, the new price of a cheaper time.
pub async fn move_order(
    state: &AppState,
    order: &OrderRecord,
    start: i64,
    by: Actor,
    detail: String,
    platform_reason: &str,
    reprice: Option<&store::Reprice>,
) -> Result<(), AppError> {
    let t = state.clock.now();
    let starts_at = from_unix(start)?;
    let ends_at = starts_at + (order.ends_at - order.starts_at);
    let job = dispatch::Job { start, end: unix(ends_at), ..flows::job_for(order) };
    let candidates = reschedule_candidates(state, order, starts_at, ends_at).await?;
    if !candidates.iter().any(|c| dispatch::hard_check(c, &job, state.travel.as_ref(), &[]).is_empty()) {
        return Err(AppError::invalid(Field::Slot, Msg::ErrWorkerNotFreeThen));
    }
    let (actor_kind, actor_id) = flows::actor_columns(by);
    let event = store::NewEvent { kind: booking::RESCHEDULE_EVENT.into(), actor_kind, actor_id, position: None, detail, away_from_address: false };
    // The customer and the worker holding it (assigned, or offered it) see the new time live.
    let notify: Vec<i64> = std::iter::once(order.customer_id).chain(order.worker_id.or(order.reserved_worker_id)).collect();
    match state.store.reschedule_order(order.id, order.starts_at, starts_at, ends_at, reprice, &event, &notify, t).await {
        Ok(()) => {}
        Err(StoreError::SlotTaken) => return Err(AppError::invalid(Field::Slot, Msg::ErrWorkerNotFreeThen)),
        Err(StoreError::Conflict) => return Err(AppError::StaleOrder),
        Err(err) => return Err(internal(err)),
    }
    state.store.enqueue_job("tell_moved", order.id, platform_reason, t).await.map_err(internal)?;
    // A 待接单 order's offers wait for a lead before its start: the dispatch
    // job re-reads the new start (and re-plans its new day).
    if flows::order_state(order)? == OrderState::Booked {
        state.store.schedule_once("dispatch", order.id, t, None).await.map_err(internal)?;
    }
    Ok(())
}

pub async fn review_order(order_id: i64, quality: i32, attitude: i32, result: i32, body: String) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = own_order(&state, &user, order_id).await?;
    if flows::order_state(&order)? != OrderState::Completed {
        return Err(AppError::Refused(Msg::ErrIllegalStep));
    }
    let input = ReviewInput::parse(quality, attitude, result, &body).map_err(|err| match err {
        ReviewError::RatingOutOfRange => AppError::invalid(Field::Rating, Msg::ErrRatingRange),
        ReviewError::TooLong => AppError::invalid(Field::Review, Msg::ErrReviewTooLong),
    })?;
    let worker_id = order.worker_id.ok_or_else(|| internal("completed order without a worker"))?;
    let ReviewInput { quality, attitude, result, body } = input;
    let review = NewReview { order_id, customer_id: user.id.0, worker_id, quality, attitude, result, body };
    match state.store.create_review(&review, state.clock.now()).await {
        Ok(()) => {
            super::inbox::order_reviewed(&state, &order, worker_id, (quality, attitude, result)).await;
            Ok(())
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrAlreadyReviewed)),
        Err(err) => Err(internal(err)),
    }
}
