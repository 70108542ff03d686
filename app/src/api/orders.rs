//! The customer's side of the order loop: service detail, slots, quote,
//! placing and paying an order, following it, cancelling and reviewing.

use super::UnixSeconds;
use crate::error::AppError;
use booking::OrderState;
use leptos::prelude::*;
use pricing::Quote;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInfo {
    pub id: i64,
    pub name: String,
    pub category_name: String,
    pub summary: String,
    pub content: String,
    pub process_steps: Vec<String>,
    pub supplies: String,
    pub qualifications: String,
    pub unit: pricing::Unit,
    pub base_price_fen: i64,
    pub default_units: i32,
    pub min_units: i32,
    pub max_units: i32,
    pub listed: bool,
    /// A nanny service (月嫂/育儿嫂): customers may ask for a shortlist and interviews first (B8).
    pub placed: bool,
    /// Picture URLs, cover first (filled on the detail page only).
    pub images: Vec<String>,
    /// Address of its short video (服务效果视频), shown above the pictures.
    pub video: Option<String>,
    /// Whether the signed-in customer has it among their favorites; `None`
    /// for anyone who is not a signed-in customer.
    pub favorite: Option<bool>,
    /// Optional extras, each charged once.
    pub addons: Vec<AddOnView>,
    /// The surcharges in force, in words (detail page only).
    pub price_notes: Vec<String>,
    /// Ratings and the newest reviews (detail page only).
    pub reviews: Option<ReviewsSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOnView {
    pub code: String,
    pub name: String,
    pub price_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewsSummary {
    pub count: i64,
    /// Averages ×10 (47 = 4.7); `None` before the first review.
    pub quality_tenths: Option<i64>,
    pub attitude_tenths: Option<i64>,
    pub result_tenths: Option<i64>,
    pub recent: Vec<PublicReviewView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicReviewView {
    /// The reviewer's name with all but the first character hidden.
    pub author: String,
    /// The three ratings' average, rounded.
    pub stars: i32,
    pub body: String,
    pub at: UnixSeconds,
    /// Addresses of the review's photos.
    pub photos: Vec<String>,
    /// Address of the review's short video.
    pub video: Option<String>,
}

/// What a review shows besides its words, by address: photos, oldest
/// first, and one short video.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewMedia {
    pub photos: Vec<String>,
    pub video: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub start: UnixSeconds,
    /// `09:00`, Beijing time.
    pub label: String,
    pub available: bool,
    /// Too soon to book (before now plus the lead time).
    pub past: bool,
    /// 改期: the order's own time, not offered again.
    pub current: bool,
    /// What choosing this slot changes the price by, in fen: booking, the
    /// time surcharge on the list price; 改期, the difference to the price
    /// paid (below zero it is refunded; a dearer slot is not offered).
    pub price_change_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySlots {
    /// `11月26日`
    pub date_label: String,
    /// `周四`, or `今天` / `明天`.
    pub weekday_label: String,
    pub slots: Vec<SlotView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
}

/// What the booking page starts from: a rebooked order's details, else the
/// customer's default address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingDraft {
    pub service: ServiceInfo,
    pub address: Option<SavedAddress>,
    pub units: i32,
    pub notes: String,
    /// Codes of the add-ons to start with ticked (a rebooking's, still offered).
    pub addons: Vec<String>,
    /// `female`, `male`, or empty for anyone.
    pub worker_gender: String,
    /// Every saved address, the default first, to switch to with one tap.
    pub address_book: Vec<super::account::AddressView>,
    /// The cancellation fees, earliest first, to read before booking (B5).
    pub cancel_rules: Vec<booking::FeeTier>,
    /// B6: the package prices a series reaches, in one line, if any.
    pub series_discount_note: Option<String>,
    /// B6: booking a series again starts with its terms: `weekly` or
    /// `biweekly` and the number of visits; empty and 0 for one visit.
    pub repeat: String,
    pub visits: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlaceOutcome {
    Placed { order_id: i64 },
    /// The price moved since it was shown: nothing was created; show this one.
    QuoteChanged { quote: Quote },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCard {
    pub id: i64,
    pub order_no: String,
    pub service_name: String,
    pub state: OrderState,
    pub starts_at: UnixSeconds,
    pub ends_at: UnixSeconds,
    pub total_fen: i64,
    pub address_text: String,
    pub worker_name: Option<String>,
    /// B6: which visit of a recurring booking it is.
    pub series: Option<SeriesPlace>,
}

/// Visit `index` (from 1) of a recurring booking of `visits` visits, the
/// series named by its first order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPlace {
    pub series_id: i64,
    pub index: i64,
    pub visits: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub state: OrderState,
    pub kind: String,
    pub at: UnixSeconds,
    pub actor: String,
    pub detail: String,
    pub position: Option<(String, String)>,
    /// For an arrival with a recorded position: how far it was from the
    /// service address, in metres (B4).
    pub arrival_metres: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
    /// Addresses of its photos, oldest first.
    pub photos: Vec<String>,
    /// Address of its short video.
    pub video: Option<String>,
    /// The viewer wrote it: they may take its photos and video off.
    pub mine: bool,
    /// The viewer wrote it and it has room for another photo.
    pub can_add_photos: bool,
    /// The viewer wrote it and it has no video yet.
    pub can_add_video: bool,
}

/// One step of the cancellation fees on an order: cancelling after `after`
/// costs `fee_fen` (`fee_bps` of what was paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelTier {
    pub after: UnixSeconds,
    pub fee_bps: u32,
    pub fee_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub card: OrderCard,
    pub service_id: i64,
    pub units: i32,
    pub quote: Quote,
    pub contact_phone: String,
    pub notes: String,
    pub pay_deadline: UnixSeconds,
    pub paid_fen: i64,
    pub cancel_fee_fen: i64,
    pub refund_fen: i64,
    /// What a contract has paid its nanny so far: its months, and the days
    /// she served when staff ended it early.
    pub settled_to_nanny_fen: i64,
    pub worker_phone: Option<String>,
    /// For the customer: whether the assigned worker is among their
    /// favorites (`None` when no worker is assigned or for other viewers).
    pub worker_favorite: Option<bool>,
    pub worker_id: Option<i64>,
    pub timeline: Vec<TimelineEntry>,
    /// The fee a cancellation would cost now, if the customer may cancel.
    pub cancel_fee_now: Option<i64>,
    /// The customer's cancellation fees on this paid order (B5), earliest
    /// first; empty when they may not cancel it or nothing was paid.
    pub cancel_tiers: Vec<CancelTier>,
    pub can_review: bool,
    pub review: Option<ReviewView>,
    pub needs_admin: bool,
    /// Paid but not yet offered to anyone (提前派单): when the first offer goes out.
    pub offer_at: Option<UnixSeconds>,
    /// Checklist, photos and confirmation, once the worker is at the door (B4).
    pub proof: Option<super::proof::ProofView>,
    /// B6: every visit of its recurring booking, the earliest first, for
    /// the customer and admins; empty outside a series.
    pub series_visits: Vec<OrderCard>,
    /// B6, for the customer: what 取消本次及之后 would cancel now, when that is
    /// this visit and at least one later one; for a package, what ending it would.
    pub series_cancel: Option<SeriesCancel>,
    /// 改期, for the customer: how many more times they may move the order,
    /// when they may move it now.
    pub reschedules_left: Option<u32>,
}

/// Cancelling a visit and the later ones of its series: how many visits,
/// and the fees they cost together now, each visit under its own rules.
/// A package (B6) ends whole instead: every visit not yet under way, and
/// `package_fen` of the fees is the price difference of the visits kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesCancel {
    pub visits: i64,
    pub fee_fen: i64,
    pub package_fen: i64,
    pub ends_package: bool,
}

#[server(prefix = "/api", endpoint = "service_detail")]
pub async fn service_detail(service_id: i64) -> Result<ServiceInfo, AppError> {
    crate::server::respond(crate::server::orders::service_detail(service_id).await)
}

#[server(prefix = "/api", endpoint = "booking_start")]
pub async fn booking_start(service_id: i64, rebook: Option<i64>) -> Result<BookingDraft, AppError> {
    crate::server::respond(crate::server::orders::booking_start(service_id, rebook).await)
}

#[server(prefix = "/api", endpoint = "booking_slots")]
pub async fn booking_slots(service_id: i64, units: i32, lat: f64, lng: f64, worker_gender: Option<String>) -> Result<Vec<DaySlots>, AppError> {
    crate::server::respond(crate::server::orders::booking_slots(service_id, units, lat, lng, worker_gender).await)
}

/// The itemized price: the list price with units only; with a slot and a
/// position, the time and distance surcharges; with a claimed coupon, its
/// discount. Placing the order re-prices from the same inputs.
#[server(prefix = "/api", endpoint = "quote_service")]
#[allow(clippy::too_many_arguments)]
pub async fn quote_service(
    service_id: i64,
    units: i32,
    addons: Option<String>,
    start: Option<i64>,
    lat: Option<f64>,
    lng: Option<f64>,
    claim_id: Option<i64>,
    series_visits: Option<i32>,
) -> Result<Quote, AppError> {
    let addons = crate::server::pricing::addon_codes(addons);
    crate::server::respond(crate::server::orders::quote_service(service_id, units, addons, start, lat, lng, claim_id, series_visits).await)
}

/// B6: each visit's total in fen of a recurring booking starting at
/// `start`, the first one first; the customer's coupon `claim_id` comes off
/// the first visit.
#[server(prefix = "/api", endpoint = "quote_series")]
#[allow(clippy::too_many_arguments)]
pub async fn quote_series(
    service_id: i64,
    units: i32,
    addons: Option<String>,
    start: i64,
    lat: Option<f64>,
    lng: Option<f64>,
    repeat: String,
    visits: i32,
    claim_id: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let addons = crate::server::pricing::addon_codes(addons);
    crate::server::respond(crate::server::orders::quote_series(service_id, units, addons, start, lat, lng, repeat, visits, claim_id).await)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "place_order")]
pub async fn place_order(
    service_id: i64,
    units: i32,
    start: i64,
    quoted_total_fen: i64,
    contact_name: String,
    contact_phone: String,
    address_text: String,
    lat: String,
    lng: String,
    notes: String,
    rebook: Option<i64>,
    claim_id: Option<i64>,
    addons: Option<String>,
    worker_gender: Option<String>,
    repeat: Option<String>,
    visits: Option<i32>,
) -> Result<PlaceOutcome, AppError> {
    crate::server::respond(
        crate::server::orders::place_order(crate::server::orders::PlaceOrderInput {
            service_id,
            units,
            start,
            quoted_total_fen,
            contact_name,
            contact_phone,
            address_text,
            lat,
            lng,
            notes,
            rebook,
            claim_id,
            addons: crate::server::pricing::addon_codes(addons),
            worker_gender,
            repeat,
            visits,
        })
        .await,
    )
}

#[server(prefix = "/api", endpoint = "sandbox_pay")]
pub async fn sandbox_pay(order_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::orders::sandbox_pay(order_id).await)
}

#[server(prefix = "/api", endpoint = "my_orders")]
pub async fn my_orders(group: String) -> Result<Vec<OrderCard>, AppError> {
    crate::server::respond(crate::server::orders::my_orders(group).await)
}

#[server(prefix = "/api", endpoint = "order_detail")]
pub async fn order_detail(order_id: i64) -> Result<OrderView, AppError> {
    crate::server::respond(crate::server::orders::order_detail(order_id).await)
}

#[server(prefix = "/api", endpoint = "cancel_order")]
pub async fn cancel_order(order_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::orders::cancel_order(order_id).await)
}

/// 取消本次及之后 (B6): this visit of a recurring booking and every later
/// one the customer may still cancel; returns how many were cancelled.
#[server(prefix = "/api", endpoint = "cancel_series_from")]
pub async fn cancel_series_from(order_id: i64) -> Result<i64, AppError> {
    crate::server::respond(crate::server::orders::cancel_series_from(order_id).await)
}

/// 改期: the slots the order may move to (its worker free, same length).
#[server(prefix = "/api", endpoint = "reschedule_slots")]
pub async fn reschedule_slots(order_id: i64) -> Result<Vec<DaySlots>, AppError> {
    crate::server::respond(crate::server::orders::reschedule_slots(order_id).await)
}

/// 改期: moves the customer's paid order to `start`, same worker and price.
#[server(prefix = "/api", endpoint = "reschedule_order")]
pub async fn reschedule_order(order_id: i64, start: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::orders::reschedule_order(order_id, start).await)
}

#[server(prefix = "/api", endpoint = "review_order")]
pub async fn review_order(order_id: i64, quality: i32, attitude: i32, result: i32, body: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::orders::review_order(order_id, quality, attitude, result, body).await)
}

/// Takes a photo (its address, as the order page shows it) off the customer's own review.
#[server(prefix = "/api", endpoint = "remove_review_photo")]
pub async fn remove_review_photo(order_id: i64, photo: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::reviews::remove_review_photo(order_id, photo).await)
}
