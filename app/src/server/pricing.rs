//! Pricing strategy and coupons: parses what admins type into the pricing
//! crate's rules, and prices bookings with the rules in force. The quote a
//! customer sees and the amount charged both come from [`quote`].

use super::authz::require_user;
use super::{app_state, internal, AppState};
use crate::api::pricing::{CancelRulesView, LateRulesView, ClaimStatus, CouponAdminRow, CouponChoice, CouponOffer, CouponWallet, MyCoupon, PreviewQuote, PricingAdminView, RulesForm, ServiceOption};
use crate::api::{format_beijing, ADMIN, CUSTOMER};
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use dispatch::GeoPoint;
use domain::{Coordinates, Fen};
use pricing::rules::{self, DistanceRule};
use pricing::{CouponError, CouponTerms, PricingError, PricingRules, Quote, QuoteRequest, RuleError};
use store::{ClaimRecord, ServiceRecord, StoreError};

/// Where distance is measured from until an admin sets it (central Shanghai).
const DEFAULT_CENTRE: (f64, f64) = (31.2304, 121.4737);

/// The strategy in force and its version (0: never saved, nothing surcharged).
pub async fn rules_in_force(state: &AppState) -> Result<(PricingRules, i64, Option<i64>), AppError> {
    Ok(match state.store.pricing_rules().await.map_err(internal)? {
        Some(saved) => (saved.rules, saved.version, Some(saved.updated_at.unix_timestamp())),
        None => (PricingRules::neutral(DEFAULT_CENTRE.0, DEFAULT_CENTRE.1), 0, None),
    })
}

/// The cancellation rules new bookings get, their version (0: never saved,
/// the server's configured default applies) and when they were saved.
pub async fn cancellation_in_force(state: &AppState) -> Result<(booking::CancellationPolicy, i64, Option<i64>), AppError> {
    Ok(match state.store.cancellation_policy().await.map_err(internal)? {
        Some(saved) => (saved.policy, saved.version, Some(saved.updated_at.unix_timestamp())),
        None => (state.config.cancellation.clone(), 0, None),
    })
}

/// The late-arrival rules completions are charged by, their version (0:
/// never saved, the built-in rule applies) and when they were saved.
pub async fn lateness_in_force(state: &AppState) -> Result<(booking::LatenessPolicy, i64, Option<i64>), AppError> {
    Ok(match state.store.lateness_policy().await.map_err(internal)? {
        Some(saved) => (saved.policy, saved.version, Some(saved.updated_at.unix_timestamp())),
        None => (booking::LatenessPolicy::default(), 0, None),
    })
}

/// Longer than any sensible list of tiers: refused before it is read.
const MAX_TIERS_TEXT: usize = 1_000;

fn tier_line_error(err: booking::TierLineError) -> AppError {
    use booking::PolicyError as E;
    let msg = match err.error {
        E::Malformed(_) => Msg::ErrCancelTierMalformed,
        E::NotBeforeStart => Msg::ErrCancelTierNotBeforeStart,
        E::TooFarAhead => Msg::ErrCancelTierTooFarAhead,
        E::FeeOverWhole => Msg::ErrCancelTierOverWhole,
        E::SameStart(_) => Msg::ErrCancelTierSameStart,
        E::FeeFallsNearerTheStart { .. } => Msg::ErrCancelTierFeeFalls,
    };
    AppError::InvalidLine { field: Field::CancelTiers, line: u32::try_from(err.line).unwrap_or(u32::MAX), msg }
}

/// Saves the cancellation rules if the form was read at `version`. Orders
/// already placed keep the rules they were booked under.
pub async fn save_cancellation_rules(version: i64, tiers: String) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    if tiers.chars().count() > MAX_TIERS_TEXT {
        return Err(AppError::invalid(Field::CancelTiers, Msg::ErrCancelTiersTooLong));
    }
    let policy = booking::CancellationPolicy::parse_lines(&tiers).map_err(tier_line_error)?;
    super::saved_version(state.store.save_cancellation_policy(&policy, version, admin.id.0, state.clock.now()).await, "cancellation rules", Msg::ErrCancelRulesStale)
}

fn late_line_error(err: booking::LatenessLineError) -> AppError {
    use booking::LatenessError as E;
    let msg = match err.error {
        E::Malformed(_) => Msg::ErrLateTierMalformed,
        E::NotAfterStart => Msg::ErrLateTierNotAfterStart,
        E::TooLate => Msg::ErrLateTierTooLate,
        E::PenaltyNotPositive => Msg::ErrLatePenaltyNotPositive,
        E::PenaltyTooLarge => Msg::ErrLatePenaltyTooLarge,
        E::SameStart(_) => Msg::ErrCancelTierSameStart,
        E::PenaltyFallsLater { .. } => Msg::ErrLatePenaltyFalls,
        E::NoShowBelowLate => Msg::ErrNoShowBelowLate,
        E::NoShowTwice => Msg::ErrNoShowTwice,
    };
    AppError::InvalidLine { field: Field::LateTiers, line: u32::try_from(err.line).unwrap_or(u32::MAX), msg }
}

/// Saves the late-arrival rules if the form was read at `version`. They
/// apply to orders completed from then on.
pub async fn save_lateness_rules(version: i64, tiers: String) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    if tiers.chars().count() > MAX_TIERS_TEXT {
        return Err(AppError::invalid(Field::LateTiers, Msg::ErrCancelTiersTooLong));
    }
    let policy = booking::LatenessPolicy::parse_lines(&tiers).map_err(late_line_error)?;
    super::saved_version(state.store.save_lateness_policy(&policy, version, admin.id.0, state.clock.now()).await, "lateness rules", Msg::ErrLateRulesStale)
}

fn rule_error(err: RuleError) -> AppError {
    let line = |field, line: usize, msg| AppError::InvalidLine { field, line: line as u32, msg };
    match err {
        RuleError::PeakMalformed { line: l } => line(Field::PeakWindows, l, Msg::ErrPeakMalformed),
        RuleError::PeakEmpty { line: l } => line(Field::PeakWindows, l, Msg::ErrPeakEmpty),
        RuleError::PeakOverlap { line: l, .. } => line(Field::PeakWindows, l, Msg::ErrPeakOverlap),
        RuleError::HolidayMalformed { line: l } => line(Field::Holidays, l, Msg::ErrHolidayMalformed),
        RuleError::HolidayBadDate { line: l } => line(Field::Holidays, l, Msg::ErrHolidayBadDate),
        RuleError::HolidayBadRange { line: l } => line(Field::Holidays, l, Msg::ErrHolidayBadRange),
        RuleError::HolidayDuplicate { line: l, .. } => line(Field::Holidays, l, Msg::ErrHolidayDuplicate),
        RuleError::SeriesMalformed { line: l } => line(Field::SeriesDiscounts, l, Msg::ErrSeriesDiscountMalformed),
        RuleError::SeriesVisits { line: l } => line(Field::SeriesDiscounts, l, Msg::ErrSeriesDiscountVisits),
        RuleError::SeriesPrice { line: l } => line(Field::SeriesDiscounts, l, Msg::ErrSeriesDiscountPrice),
        RuleError::SeriesNotDeeper { line: l } => line(Field::SeriesDiscounts, l, Msg::ErrSeriesDiscountNotDeeper),
        // Only peak and holiday lines carry multipliers with a line number.
        RuleError::LineMultiplier { line: l } => AppError::InvalidLine { field: Field::PeakWindows, line: l as u32, msg: Msg::ErrMultiplier },
        RuleError::Multiplier => AppError::invalid(Field::Weekend, Msg::ErrMultiplier),
        RuleError::FreeRadius => AppError::invalid(Field::FreeRadius, Msg::ErrFreeRadius),
        RuleError::PerKm => AppError::invalid(Field::PerKm, Msg::ErrPerKm),
        RuleError::MaxFee => AppError::invalid(Field::MaxFee, Msg::ErrMaxFee),
    }
}

/// `12.5` km → 12 500 m; 0–100 km with at most one decimal.
fn parse_km(input: &str) -> Option<u32> {
    let s = input.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 3 || frac.len() > 1 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let metres = whole.parse::<u32>().ok()? * 1_000 + if frac.is_empty() { 0 } else { frac.parse::<u32>().ok()? * 100 };
    (metres <= 100_000).then_some(metres)
}

fn parse_draft(draft: &RulesForm) -> Result<PricingRules, AppError> {
    let peak_windows = rules::parse_peak_windows(&draft.peak).map_err(rule_error)?;
    let weekend_bps = if draft.weekend.trim().is_empty() {
        pricing::NEUTRAL_BPS
    } else {
        rules::parse_multiplier(&draft.weekend).ok_or_else(|| AppError::invalid(Field::Weekend, Msg::ErrMultiplier))?
    };
    // A holiday line's bad multiplier belongs beside the holiday box.
    let holidays = rules::parse_holidays(&draft.holidays).map_err(|e| match e {
        RuleError::LineMultiplier { line } => AppError::InvalidLine { field: Field::Holidays, line: line as u32, msg: Msg::ErrMultiplier },
        other => rule_error(other),
    })?;
    let centre = Coordinates::parse(&draft.centre_lat, &draft.centre_lng).map_err(|_| AppError::invalid(Field::Centre, Msg::ErrCentre))?;
    let free_radius_m = parse_km(&draft.free_radius_km).ok_or_else(|| AppError::invalid(Field::FreeRadius, Msg::ErrFreeRadius))?;
    let per_km = Fen::parse_yuan(&draft.per_km).map_err(|_| AppError::invalid(Field::PerKm, Msg::ErrPerKm))?;
    let max_fee = Fen::parse_yuan(&draft.max_fee).map_err(|_| AppError::invalid(Field::MaxFee, Msg::ErrMaxFee))?;
    if draft.series.chars().count() > MAX_TIERS_TEXT {
        return Err(AppError::invalid(Field::SeriesDiscounts, Msg::ErrCancelTiersTooLong));
    }
    let series_discounts = rules::parse_series_discounts(&draft.series, booking::MAX_SERIES_VISITS).map_err(rule_error)?;
    let parsed = PricingRules {
        peak_windows,
        weekend_bps,
        holidays,
        distance: DistanceRule { centre_lat: centre.lat(), centre_lng: centre.lng(), free_radius_m, per_km, max_fee },
        series_discounts,
    };
    rules::validate(&parsed).map_err(rule_error)?;
    Ok(parsed)
}

/// The surcharges in force, as a customer reads them on a service page.
pub fn surcharge_notes(rules: &PricingRules, now: time::OffsetDateTime) -> Vec<String> {
    let mut notes: Vec<String> = rules
        .peak_windows
        .iter()
        .map(|w| {
            format!(
                "高峰时段 {:02}:{:02}–{:02}:{:02} 基础服务费 ×{}",
                w.start_minute / 60,
                w.start_minute % 60,
                w.end_minute / 60,
                w.end_minute % 60,
                rules::multiplier_text(w.multiplier_bps)
            )
        })
        .collect();
    if rules.weekend_bps > pricing::NEUTRAL_BPS {
        notes.push(format!("周六、周日 ×{}", rules::multiplier_text(rules.weekend_bps)));
    }
    let today = beijing_today(now);
    let mut upcoming: Vec<String> = Vec::new();
    for h in rules.holidays.iter().filter(|h| h.date >= today) {
        let note = format!("{}（{}起）×{}", h.name, &h.date[5..], rules::multiplier_text(h.multiplier_bps));
        if !upcoming.iter().any(|n| n.starts_with(&format!("{}（", h.name))) {
            upcoming.push(note);
        }
    }
    notes.extend(upcoming.into_iter().take(3));
    let d = &rules.distance;
    if d.per_km > Fen::ZERO && d.max_fee > Fen::ZERO {
        notes.push(format!("距服务中心{}公里内免远程费，超出每公里{}，封顶{}", km_text(d.free_radius_m), d.per_km, d.max_fee));
    }
    if let Some(note) = series_discount_note(rules) {
        notes.push(note);
    }
    notes
}

/// `周期预约4次起9.5折，8次起9折（服务费）`: the package prices in one line.
pub fn series_discount_note(rules: &PricingRules) -> Option<String> {
    let tiers: Vec<String> =
        rules.series_discounts.iter().map(|d| format!("{}次起{}折", d.min_visits, pricing::zhe_text(pricing::NEUTRAL_BPS - d.price_bps))).collect();
    (!tiers.is_empty()).then(|| format!("周期预约{}（服务费）", tiers.join("，")))
}

fn km_text(metres: u32) -> String {
    if metres.is_multiple_of(1_000) {
        format!("{}", metres / 1_000)
    } else {
        format!("{}.{}", metres / 1_000, (metres % 1_000) / 100)
    }
}

fn yuan_text(fen: Fen) -> String {
    let v = fen.get();
    if v % 100 == 0 {
        format!("{}", v / 100)
    } else {
        format!("{}.{:02}", v / 100, v % 100)
    }
}

/// `2026-12-01 至 2026-12-31`: the Beijing days a coupon is valid on.
fn valid_text(terms: &CouponTerms) -> String {
    let day = |ts: i64| format_beijing(ts).chars().take(10).collect::<String>();
    format!("{} 至 {}", day(terms.valid_from), day(terms.valid_until - 1))
}

fn beijing_today(now: time::OffsetDateTime) -> String {
    format_beijing(now.unix_timestamp()).chars().take(10).collect()
}

pub async fn admin_pricing() -> Result<PricingAdminView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let (rules, version, updated_at) = rules_in_force(&state).await?;
    let services = state.store.listed_services(None).await.map_err(internal)?;
    let coupons = state.store.coupons().await.map_err(internal)?;
    let (cancellation, cancel_version, cancel_updated_at) = cancellation_in_force(&state).await?;
    let (lateness, late_version, late_updated_at) = lateness_in_force(&state).await?;
    let d = &rules.distance;
    Ok(PricingAdminView {
        cancel: CancelRulesView { version: cancel_version, updated_at: cancel_updated_at, tiers: cancellation.tiers().to_vec() },
        late: LateRulesView { version: late_version, updated_at: late_updated_at, tiers: lateness.tiers().to_vec(), no_show: lateness.no_show() },
        version,
        updated_at,
        rules: RulesForm {
            peak: rules.peak_text(),
            weekend: rules::multiplier_text(rules.weekend_bps),
            holidays: rules.holiday_text(),
            centre_lat: format!("{:.6}", d.centre_lat),
            centre_lng: format!("{:.6}", d.centre_lng),
            free_radius_km: km_text(d.free_radius_m),
            per_km: yuan_text(d.per_km),
            max_fee: yuan_text(d.max_fee),
            series: rules.series_discount_text(),
        },
        services: services.into_iter().map(|s| ServiceOption { id: s.id, name: s.name, default_units: s.default_units }).collect(),
        coupons: coupons
            .into_iter()
            .map(|c| CouponAdminRow {
                id: c.id,
                headline: c.terms.headline(),
                valid_text: valid_text(&c.terms),
                name: c.terms.name,
                per_user_limit: c.per_user_limit,
                claimed: c.claimed,
                total_quantity: c.total_quantity,
                used: c.used,
                active: c.active,
            })
            .collect(),
        today: beijing_today(state.clock.now()),
    })
}

pub async fn save_rules(version: i64, draft: RulesForm) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let rules = parse_draft(&draft)?;
    super::saved_version(state.store.save_pricing_rules(&rules, version, admin.id.0, state.clock.now()).await, "pricing rules", Msg::ErrPricingStale)
}

/// Where and when the admin's preview quote is for.
pub struct PreviewAt {
    pub service_id: i64,
    pub units: i32,
    pub date: String,
    pub time: String,
    pub lat: String,
    pub lng: String,
    pub coupon_id: Option<i64>,
    /// 套餐次数: visits of a series booked at once (none: a single visit).
    pub visits: Option<i32>,
}

/// `2026-12-01` + `18:30` Beijing → unix seconds.
fn beijing_start(date: &str, time: &str) -> Result<i64, AppError> {
    let day = rules::parse_date(date.trim()).ok_or_else(|| AppError::invalid(Field::PreviewDate, Msg::ErrPreviewDate))?;
    let (h, m) = time.trim().split_once(':').ok_or_else(|| AppError::invalid(Field::PreviewTime, Msg::ErrPreviewTime))?;
    let (h, m): (i64, i64) = match (h.parse(), m.parse()) {
        (Ok(h), Ok(m)) if (0..24).contains(&h) && (0..60).contains(&m) => (h, m),
        _ => return Err(AppError::invalid(Field::PreviewTime, Msg::ErrPreviewTime)),
    };
    Ok(pricing::beijing_day_start(day) + h * 3600 + m * 60)
}

pub async fn preview(draft: RulesForm, at: PreviewAt) -> Result<PreviewQuote, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let rules = parse_draft(&draft)?;
    let service = state.store.service(at.service_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let start = beijing_start(&at.date, &at.time)?;
    let location = if at.lat.trim().is_empty() && at.lng.trim().is_empty() {
        None
    } else {
        let c = Coordinates::parse(&at.lat, &at.lng).map_err(|_| AppError::invalid(Field::Location, Msg::ErrLocationMissing))?;
        Some(GeoPoint { lat: c.lat(), lng: c.lng() })
    };
    let coupon = match at.coupon_id {
        Some(id) => Some(state.store.coupons().await.map_err(internal)?.into_iter().find(|c| c.id == id).ok_or(AppError::NotFound)?.terms),
        None => None,
    };
    let visits = super::orders::package_visits(at.visits)?;
    let quote = quote(&service, &rules, at.units, Vec::new(), Some(start), location, coupon, state.clock.now().unix_timestamp(), visits)?;
    let bps = super::flows::commission_bps(&state, &service.category_code).await?;
    let (worker, commission) = ledger::commission_split(quote.before_discounts(), bps);
    Ok(PreviewQuote { worker_fen: worker.get(), commission_fen: commission.get(), discounts_fen: quote.discounts().get(), quote })
}

/// Prices a booking: one visit of `series_visits` booked at once (1 on its
/// own), at the package price that many visits reach (B6). Everything the
/// amount depends on is an argument, so the same call at payment time gives
/// the same amount.
#[allow(clippy::too_many_arguments)]
pub fn quote(
    service: &ServiceRecord,
    rules: &PricingRules,
    units: i32,
    addon_codes: Vec<String>,
    start: Option<i64>,
    location: Option<GeoPoint>,
    coupon: Option<CouponTerms>,
    now_unix: i64,
    series_visits: u8,
) -> Result<Quote, AppError> {
    let sheet = super::orders::price_sheet(service)?;
    let centre = GeoPoint { lat: rules.distance.centre_lat, lng: rules.distance.centre_lng };
    let distance_m = location.map(|at| (dispatch::distance_km(centre, at) * 1_000.0).round().clamp(0.0, f64::from(u32::MAX)) as u32);
    let request = QuoteRequest { units, addon_codes, start, distance_m, coupon, now: now_unix, series_visits };
    pricing::quote(&sheet, rules, &request).map_err(pricing_error)
}

pub fn pricing_error(err: PricingError) -> AppError {
    match err {
        PricingError::UnitsBelowMinimum { .. } | PricingError::UnitsAboveMaximum { .. } => AppError::invalid(Field::Units, Msg::ErrUnitsRange),
        PricingError::CouponNotYetValid => AppError::invalid(Field::Coupon, Msg::ErrCouponNotYetValid),
        PricingError::CouponExpired => AppError::invalid(Field::Coupon, Msg::ErrCouponExpired),
        PricingError::CouponMinSpend { .. } => AppError::invalid(Field::Coupon, Msg::ErrCouponMinSpend),
        // The service's add-ons changed while the page was open.
        PricingError::UnknownAddOn(_) | PricingError::DuplicateAddOn(_) => AppError::invalid(Field::AddOns, Msg::ErrAddOnGone),
        other => internal(other),
    }
}

fn coupon_error(err: CouponError) -> AppError {
    let (field, msg) = match err {
        CouponError::Name => (Field::CouponName, Msg::ErrCouponName),
        CouponError::FixedAmount => (Field::CouponValue, Msg::ErrCouponFixed),
        CouponError::Percent => (Field::CouponValue, Msg::ErrCouponPercent),
        CouponError::Kind => (Field::CouponValue, Msg::ErrCouponKind),
        CouponError::MinSpend => (Field::MinSpend, Msg::ErrMinSpend),
        CouponError::ValidFrom => (Field::ValidFrom, Msg::ErrValidFrom),
        CouponError::ValidTo => (Field::ValidTo, Msg::ErrValidTo),
        CouponError::EndsBeforeStart => (Field::ValidTo, Msg::ErrCouponEndsBeforeStart),
        CouponError::PerUserLimit => (Field::PerUserLimit, Msg::ErrPerUserLimit),
        CouponError::TotalQuantity => (Field::TotalQuantity, Msg::ErrTotalQuantity),
    };
    AppError::invalid(field, msg)
}

pub async fn create_coupon(draft: &pricing::CouponDraft<'_>) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let coupon = pricing::parse_coupon(draft).map_err(coupon_error)?;
    if coupon.terms.valid_until <= state.clock.now().unix_timestamp() {
        return Err(AppError::invalid(Field::ValidTo, Msg::ErrCouponAlreadyEnded));
    }
    let id = state.store.create_coupon(&coupon, admin.id.0, state.clock.now()).await.map_err(internal)?;
    tracing::info!(coupon_id = id, "coupon issued");
    Ok(id)
}

pub async fn set_coupon_active(coupon_id: i64, active: bool) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    state.store.set_coupon_active(coupon_id, active, admin.id.0, state.clock.now()).await.map_err(|e| match e {
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    })
}

fn claim_status(claim: &ClaimRecord, now_unix: i64) -> ClaimStatus {
    if claim.order_id.is_some() {
        ClaimStatus::Used
    } else if now_unix >= claim.terms.valid_until {
        ClaimStatus::Expired
    } else {
        ClaimStatus::Usable
    }
}

pub async fn coupon_center() -> Result<CouponWallet, AppError> {
    let customer = require_user(CUSTOMER)?;
    let state = app_state()?;
    let t = state.clock.now().unix_timestamp();
    let claims = state.store.customer_claims(customer.id.0).await.map_err(internal)?;
    let offers = state
        .store
        .claimable_coupons(t)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|c| {
            let mine = claims.iter().filter(|k| k.coupon_id == c.id).count() as i32;
            CouponOffer {
                id: c.id,
                headline: c.terms.headline(),
                valid_text: valid_text(&c.terms),
                name: c.terms.name,
                left: c.total_quantity - c.claimed,
                limit_reached: mine >= c.per_user_limit,
            }
        })
        .collect();
    let mine = claims
        .iter()
        .map(|k| MyCoupon {
            claim_id: k.id,
            name: k.terms.name.clone(),
            headline: k.terms.headline(),
            valid_text: valid_text(&k.terms),
            status: claim_status(k, t),
        })
        .collect();
    Ok(CouponWallet { offers, mine })
}

pub async fn claim(coupon_id: i64) -> Result<(), AppError> {
    let customer = require_user(CUSTOMER)?;
    let state = app_state()?;
    match state.store.claim_coupon(coupon_id, customer.id.0, state.clock.now().unix_timestamp(), state.clock.now()).await {
        Ok(_) => Ok(()),
        Err(StoreError::CouponUnavailable) => Err(AppError::Refused(Msg::ErrCouponUnavailable)),
        Err(StoreError::CouponSoldOut) => Err(AppError::Refused(Msg::ErrCouponSoldOut)),
        Err(StoreError::CouponLimit) => Err(AppError::Refused(Msg::ErrCouponLimit)),
        Err(err) => Err(internal(err)),
    }
}

/// `冰箱内部清洁,擦窗` from a form: the chosen add-on codes.
pub fn addon_codes(joined: Option<String>) -> Vec<String> {
    joined.unwrap_or_default().split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
}

/// The customer's own, unused claim; anyone else's is "not found".
pub async fn own_unused_claim(state: &AppState, customer_id: i64, claim_id: i64) -> Result<ClaimRecord, AppError> {
    let claim = state
        .store
        .customer_claims(customer_id)
        .await
        .map_err(internal)?
        .into_iter()
        .find(|k| k.id == claim_id)
        .ok_or_else(|| AppError::invalid(Field::Coupon, Msg::ErrCouponNotFound))?;
    if claim.order_id.is_some() {
        return Err(AppError::invalid(Field::Coupon, Msg::ErrCouponUsed));
    }
    Ok(claim)
}

pub async fn booking_coupons(service_id: i64, units: i32, addons: Vec<String>, start: Option<i64>, lat: Option<f64>, lng: Option<f64>) -> Result<Vec<CouponChoice>, AppError> {
    let customer = require_user(CUSTOMER)?;
    let state = app_state()?;
    let service = super::orders::listed_service(&state, service_id).await?;
    let (rules, _, _) = rules_in_force(&state).await?;
    let location = super::orders::optional_location(lat, lng)?;
    let t = state.clock.now().unix_timestamp();
    let claims = state.store.customer_claims(customer.id.0).await.map_err(internal)?;
    Ok(claims
        .into_iter()
        .filter(|k| claim_status(k, t) == ClaimStatus::Usable)
        .map(|k| {
            let label = format!("{} · {}", k.terms.name, k.terms.headline());
            let outcome = quote(&service, &rules, units, addons.clone(), start, location, Some(k.terms.clone()), t, 1);
            let reason = outcome.as_ref().err().map(|e| e.message().to_string());
            CouponChoice { claim_id: k.id, label, usable: outcome.is_ok(), reason }
        })
        .collect())
}
