//! The pricing strategy desk (A2) for admins, and coupons for customers:
//! the coupon center, claiming, and the coupons a booking may use.

use crate::api::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use pricing::Quote;
use serde::{Deserialize, Serialize};

/// The strategy's form fields as typed: what the desk shows, saves and previews.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesForm {
    pub peak: String,
    pub weekend: String,
    pub holidays: String,
    pub centre_lat: String,
    pub centre_lng: String,
    pub free_radius_km: String,
    pub per_km: String,
    pub max_fee: String,
    /// B6 package prices, one tier a line: `4 9.5`.
    pub series: String,
}

/// The customer cancellation rules (B5) on the strategy desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CancelRulesView {
    /// 0 while the server's configured default applies; saving sends it back
    /// so a stale form is refused.
    pub version: i64,
    pub updated_at: Option<UnixSeconds>,
    /// Earliest first.
    pub tiers: Vec<booking::FeeTier>,
}

/// The worker late-arrival penalties (B5) beside the cancellation rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LateRulesView {
    /// 0 while the built-in rule applies; saving sends it back so a stale
    /// form is refused.
    pub version: i64,
    pub updated_at: Option<UnixSeconds>,
    /// Earliest first.
    pub tiers: Vec<booking::LateTier>,
    pub no_show: Option<domain::Fen>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricingAdminView {
    pub cancel: CancelRulesView,
    pub late: LateRulesView,
    /// 0 until the first save; saving sends it back so a stale form is refused.
    pub version: i64,
    pub updated_at: Option<UnixSeconds>,
    pub rules: RulesForm,
    pub services: Vec<ServiceOption>,
    pub coupons: Vec<CouponAdminRow>,
    /// Beijing today, `YYYY-MM-DD`: the preview's default date.
    pub today: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOption {
    pub id: i64,
    pub name: String,
    pub default_units: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponAdminRow {
    pub id: i64,
    pub name: String,
    pub headline: String,
    pub valid_text: String,
    pub per_user_limit: i32,
    pub claimed: i32,
    pub total_quantity: i32,
    pub used: i64,
    pub active: bool,
}

/// A coupon a customer can claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponOffer {
    pub id: i64,
    pub name: String,
    pub headline: String,
    pub valid_text: String,
    pub left: i32,
    /// The customer has claimed as many as allowed.
    pub limit_reached: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimStatus {
    Usable,
    Used,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCoupon {
    pub claim_id: i64,
    pub name: String,
    pub headline: String,
    pub valid_text: String,
    pub status: ClaimStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponWallet {
    pub offers: Vec<CouponOffer>,
    pub mine: Vec<MyCoupon>,
}

/// One of the customer's coupons on the booking page: usable for this
/// booking or not, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouponChoice {
    pub claim_id: i64,
    pub label: String,
    pub usable: bool,
    pub reason: Option<String>,
}

#[server(prefix = "/api", endpoint = "admin_pricing")]
pub async fn admin_pricing() -> Result<PricingAdminView, AppError> {
    crate::server::respond(crate::server::pricing::admin_pricing().await)
}

/// Saves the whole strategy if the form was read at `version`.
#[server(prefix = "/api", endpoint = "admin_save_pricing")]
#[allow(clippy::too_many_arguments)]
pub async fn admin_save_pricing(
    version: i64,
    peak: String,
    weekend: String,
    holidays: String,
    centre_lat: String,
    centre_lng: String,
    free_radius_km: String,
    per_km: String,
    max_fee: String,
    #[server(default)] series: String,
) -> Result<i64, AppError> {
    let draft = RulesForm { peak, weekend, holidays, centre_lat, centre_lng, free_radius_km, per_km, max_fee, series };
    crate::server::respond(crate::server::pricing::save_rules(version, draft).await)
}

/// Saves the cancellation rules (one tier per line, e.g. `2小时 20%`) if
/// the form was read at `version`.
#[server(prefix = "/api", endpoint = "admin_save_cancellation_rules")]
pub async fn admin_save_cancellation_rules(version: i64, tiers: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::pricing::save_cancellation_rules(version, tiers).await)
}

/// Saves the worker late-arrival penalties (one tier per line, e.g.
/// `15分钟 ¥20`) if the form was read at `version`.
#[server(prefix = "/api", endpoint = "admin_save_lateness_rules")]
pub async fn admin_save_lateness_rules(version: i64, tiers: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::pricing::save_lateness_rules(version, tiers).await)
}

/// The admin's preview: the quote, and who gets what of it once served. The
/// platform pays the discounts, so its share is the commission less them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewQuote {
    pub quote: Quote,
    pub worker_fen: i64,
    pub commission_fen: i64,
    pub discounts_fen: i64,
}

/// Quotes a service at a time and place under the form's (unsaved) rules.
#[server(prefix = "/api", endpoint = "admin_preview_quote")]
#[allow(clippy::too_many_arguments)]
pub async fn admin_preview_quote(
    peak: String,
    weekend: String,
    holidays: String,
    centre_lat: String,
    centre_lng: String,
    free_radius_km: String,
    per_km: String,
    max_fee: String,
    service_id: i64,
    units: i32,
    date: String,
    time: String,
    lat: String,
    lng: String,
    coupon_id: Option<i64>,
    #[server(default)] series: String,
    #[server(default)] visits: Option<i32>,
) -> Result<PreviewQuote, AppError> {
    let draft = RulesForm { peak, weekend, holidays, centre_lat, centre_lng, free_radius_km, per_km, max_fee, series };
    let at = crate::server::pricing::PreviewAt { service_id, units, date, time, lat, lng, coupon_id, visits };
    crate::server::respond(crate::server::pricing::preview(draft, at).await)
}

#[server(prefix = "/api", endpoint = "admin_create_coupon")]
#[allow(clippy::too_many_arguments)]
pub async fn admin_create_coupon(
    name: String,
    kind: String,
    value: String,
    min_spend: String,
    valid_from: String,
    valid_to: String,
    per_user_limit: String,
    total_quantity: String,
) -> Result<i64, AppError> {
    let draft = pricing::CouponDraft {
        name: &name,
        kind: &kind,
        value: &value,
        min_spend: &min_spend,
        valid_from: &valid_from,
        valid_to: &valid_to,
        per_user_limit: &per_user_limit,
        total_quantity: &total_quantity,
    };
    crate::server::respond(crate::server::pricing::create_coupon(&draft).await)
}

#[server(prefix = "/api", endpoint = "admin_set_coupon_active")]
pub async fn admin_set_coupon_active(coupon_id: i64, active: bool) -> Result<(), AppError> {
    crate::server::respond(crate::server::pricing::set_coupon_active(coupon_id, active).await)
}

#[server(prefix = "/api", endpoint = "coupon_center")]
pub async fn coupon_center() -> Result<CouponWallet, AppError> {
    crate::server::respond(crate::server::pricing::coupon_center().await)
}

#[server(prefix = "/api", endpoint = "claim_coupon")]
pub async fn claim_coupon(coupon_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::pricing::claim(coupon_id).await)
}

/// The customer's unused coupons, each marked usable or not for this booking.
#[server(prefix = "/api", endpoint = "booking_coupons")]
#[allow(clippy::too_many_arguments)]
pub async fn booking_coupons(
    service_id: i64,
    units: i32,
    addons: Option<String>,
    start: Option<i64>,
    lat: Option<f64>,
    lng: Option<f64>,
) -> Result<Vec<CouponChoice>, AppError> {
    let addons = crate::server::pricing::addon_codes(addons);
    crate::server::respond(crate::server::pricing::booking_coupons(service_id, units, addons, start, lat, lng).await)
}
