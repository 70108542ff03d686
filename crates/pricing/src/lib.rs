//! The pricing engine: base price × units, add-ons, time multipliers, the
//! distance fee and coupons.
//!
//! The same [`quote`] function computes the breakdown the customer sees and
//! the amount that is charged, so the two can never differ (C5). It is pure
//! and deterministic: the server re-runs it at payment time and refuses to
//! charge if the result differs from the quote that was shown.
//!
//! All amounts are integer [`Fen`]; every multiplication and sum is checked,
//! and overflow is an error rather than a wrapped price.

mod coupon;
pub mod rules;

pub use coupon::{beijing_day_start, parse_coupon, zhe_text, CouponDraft, CouponError, CouponTerms, Discount, NewCoupon};
pub use rules::{PricingRules, RuleError, NEUTRAL_BPS};

use domain::Fen;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What one unit of a service is. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hour,
    Visit,
    Appliance,
    Day,
    /// A 26-day nanny month, the industry's standard contract length.
    Month26,
}

impl Unit {
    pub const ALL: [Unit; 5] = [Unit::Hour, Unit::Visit, Unit::Appliance, Unit::Day, Unit::Month26];

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Hour => "hour",
            Unit::Visit => "visit",
            Unit::Appliance => "appliance",
            Unit::Day => "day",
            Unit::Month26 => "month26",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == value)
    }
}

/// An optional extra a customer can add to a service, priced once per order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddOn {
    /// Stable identifier the customer's request refers to.
    pub code: String,
    /// Shown on the quote line.
    pub name: String,
    pub price: Fen,
}

/// A service's prices as they stand when quoting. Prices are non-negative:
/// they come from [`Fen::parse_yuan`], which refuses negative figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSheet {
    pub service_name: String,
    pub unit: Unit,
    pub base_price: Fen,
    pub min_units: i32,
    pub max_units: i32,
    pub addons: Vec<AddOn>,
}

/// What the customer picked, and the when and where that time and distance
/// surcharges depend on. Without `start` or `distance_m` the quote is the
/// "from" price shown before a slot or address is chosen; an order is only
/// ever placed with both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub units: i32,
    pub addon_codes: Vec<String>,
    /// When the service starts, unix seconds.
    pub start: Option<i64>,
    /// Straight-line metres from the pricing centre to the address.
    pub distance_m: Option<u32>,
    pub coupon: Option<CouponTerms>,
    /// When the quote is made, unix seconds: decides whether the coupon is valid.
    pub now: i64,
    /// How many visits of a series are booked at once with this one (1 on
    /// its own): decides the package price (B6).
    pub series_visits: u8,
}

impl QuoteRequest {
    /// Units only: the list price, with no time, place or coupon.
    pub fn units(units: i32) -> Self {
        Self { units, addon_codes: Vec::new(), start: None, distance_m: None, coupon: None, now: 0, series_visits: 1 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Base,
    AddOn,
    /// Peak hour, weekend or holiday multiplier on the base line.
    TimeSurcharge,
    /// Beyond the free radius.
    Distance,
    /// A negative line: the package price of a series (B6 套餐价).
    SeriesDiscount,
    /// A negative line.
    Coupon,
}

/// One row of the itemized breakdown: `unit_price × quantity = amount`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub kind: LineKind,
    pub label: String,
    pub unit_price: Fen,
    pub quantity: i32,
    pub amount: Fen,
}

/// The breakdown and the amount to charge; `total` is the sum of the lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub total: Fen,
    /// A visit at a series' package price: every package tier in force when
    /// it was booked, so ending the package early is settled by the tiers
    /// the customer agreed to (B6). Empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub package_tiers: Vec<rules::SeriesDiscount>,
}

impl Quote {
    /// What the platform's offers took off: the package price and the
    /// coupon. The platform pays them, so the worker's share is of the
    /// price before them.
    pub fn discounts(&self) -> Fen {
        Fen::new(-self.lines.iter().filter(|l| matches!(l.kind, LineKind::SeriesDiscount | LineKind::Coupon)).map(|l| l.amount.get()).sum::<i64>())
    }

    /// The price the worker's share is of: what was charged plus [`Quote::discounts`].
    pub fn before_discounts(&self) -> Fen {
        self.total + self.discounts()
    }

    /// What the package price took off this visit (B6): zero for a visit
    /// not at a package price.
    pub fn package_discount(&self) -> Fen {
        Fen::new(-self.lines.iter().filter(|l| l.kind == LineKind::SeriesDiscount).map(|l| l.amount.get()).sum::<i64>())
    }

    /// What the package price would take off this visit were its series
    /// `visits` long, under the tiers it was booked with; never more than
    /// it did take off. A visit booked before quotes kept their tiers keeps
    /// its discount: nothing is owed that the quote cannot show.
    fn package_discount_of(&self, visits: u8) -> Result<Fen, PricingError> {
        if self.package_tiers.is_empty() {
            return Ok(self.package_discount());
        }
        let Some(tier) = rules::deepest_tier(&self.package_tiers, visits) else { return Ok(Fen::ZERO) };
        Ok(package_off(&self.lines, tier.price_bps)?.min(self.package_discount()))
    }
}

/// What a package price of `price_bps` takes off the service (base and
/// add-ons) of `lines`, rounded as every price is.
fn package_off(lines: &[QuoteLine], price_bps: u32) -> Result<Fen, PricingError> {
    let service = sum(&lines.iter().filter(|l| matches!(l.kind, LineKind::Base | LineKind::AddOn)).cloned().collect::<Vec<_>>())?;
    Ok(service - apply_bps(service, price_bps).ok_or(PricingError::Overflow)?)
}

/// B6, ending a package early: the package price belongs to the visits the
/// customer keeps. `kept` are the quotes of the visits that stay paid for
/// (served, under way or still to come), and `kept_visits` how many visits
/// the series counts once the ended ones go (the platform's own cancels
/// count as kept: they are not the customer's doing). Each kept visit's
/// discount is cut to the tier `kept_visits` reaches (none below the
/// lowest) and the difference is owed. Settled once, when the package
/// ends, so a visit is never charged for twice.
pub fn package_shortfall(kept: &[Quote], kept_visits: u8) -> Result<Fen, PricingError> {
    kept.iter().try_fold(Fen::ZERO, |owed, quote| {
        let cut = quote.package_discount() - quote.package_discount_of(kept_visits)?;
        owed.get().checked_add(cut.get()).map(Fen::new).ok_or(PricingError::Overflow)
    })
}

/// Why no price could be given. The request is refused rather than adjusted,
/// so the customer never pays for something other than what they chose.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("at least {min} units must be booked")]
    UnitsBelowMinimum { min: i32 },
    #[error("at most {max} units can be booked")]
    UnitsAboveMaximum { max: i32 },
    #[error("unknown add-on {0:?}")]
    UnknownAddOn(String),
    #[error("add-on {0:?} chosen twice")]
    DuplicateAddOn(String),
    #[error("coupon not valid yet")]
    CouponNotYetValid,
    #[error("coupon expired")]
    CouponExpired,
    #[error("spend at least {min} to use this coupon")]
    CouponMinSpend { min: Fen },
    #[error("amount too large")]
    Overflow,
}

/// The one rounding rule: a rate applied to an amount is rounded down to
/// the whole fen (`floor(amount × bps / 10000)`), for surcharges and
/// percentage discounts alike. Distance is charged per started kilometre.
pub fn apply_bps(amount: Fen, bps: u32) -> Option<Fen> {
    let scaled = i128::from(amount.get()).checked_mul(i128::from(bps))? / 10_000;
    i64::try_from(scaled).ok().map(Fen::new)
}

/// Beijing calendar date, weekday and minute of day of a unix time.
fn beijing_moment(at: i64) -> Option<(time::Date, time::Weekday, u16)> {
    let local = time::OffsetDateTime::from_unix_timestamp(at.checked_add(8 * 3600)?).ok()?;
    Some((local.date(), local.weekday(), local.hour() as u16 * 60 + local.minute() as u16))
}

/// The time multiplier in force at `start`, with its label. Several can
/// match (a holiday that is a Saturday, in a peak hour): the highest applies
/// and they never stack.
fn time_multiplier(rules: &PricingRules, start: i64) -> Option<(u32, String)> {
    let (date, weekday, minute) = beijing_moment(start)?;
    let date = rules::date_text(date);
    let mut found: Vec<(u32, String)> = Vec::new();
    if let Some(h) = rules.holidays.iter().find(|h| h.date == date) {
        found.push((h.multiplier_bps, format!("节假日（{}）", h.name)));
    }
    if matches!(weekday, time::Weekday::Saturday | time::Weekday::Sunday) {
        found.push((rules.weekend_bps, "周末".to_string()));
    }
    if let Some(w) = rules.peak_windows.iter().find(|w| w.start_minute <= minute && minute < w.end_minute) {
        found.push((w.multiplier_bps, format!("高峰时段 {:02}:{:02}–{:02}:{:02}", w.start_minute / 60, w.start_minute % 60, w.end_minute / 60, w.end_minute % 60)));
    }
    found.into_iter().filter(|(bps, _)| *bps > NEUTRAL_BPS).max_by_key(|(bps, _)| *bps)
}

/// The surcharge line on `base_amount` for a service starting at `start`,
/// if a multiplier above neutral applies then.
fn time_surcharge(rules: &PricingRules, base_amount: Fen, start: i64) -> Result<Option<QuoteLine>, PricingError> {
    let Some((bps, reason)) = time_multiplier(rules, start) else { return Ok(None) };
    let surcharge = apply_bps(base_amount, bps - NEUTRAL_BPS).ok_or(PricingError::Overflow)?;
    Ok((surcharge > Fen::ZERO).then(|| QuoteLine {
        kind: LineKind::TimeSurcharge,
        label: format!("{reason}加价 ×{}", rules::multiplier_text(bps)),
        unit_price: surcharge,
        quantity: 1,
        amount: surcharge,
    }))
}

fn sum(lines: &[QuoteLine]) -> Result<Fen, PricingError> {
    lines.iter().try_fold(0i64, |acc, line| acc.checked_add(line.amount.get())).map(Fen::new).ok_or(PricingError::Overflow)
}

/// Prices `request` against `sheet` and the strategy `rules`, in this order:
/// the base line (`base_price × units`); one line per add-on in the order
/// chosen; the time surcharge on the base line; the distance fee; the
/// package price of a series as a negative line on the base and add-ons;
/// then the coupon as a negative line on everything above. The same function quotes
/// and charges, so the two can never differ.
///
/// A booking is always for at least one unit, even if a sheet's minimum says
/// less, so a quote can never be zero units or negative.
pub fn quote(sheet: &PriceSheet, rules: &PricingRules, request: &QuoteRequest) -> Result<Quote, PricingError> {
    let min = sheet.min_units.max(1);
    if request.units < min {
        return Err(PricingError::UnitsBelowMinimum { min });
    }
    if request.units > sheet.max_units {
        return Err(PricingError::UnitsAboveMaximum { max: sheet.max_units });
    }

    let base_amount = sheet.base_price.checked_mul(i64::from(request.units)).ok_or(PricingError::Overflow)?;
    let mut lines = vec![QuoteLine {
        kind: LineKind::Base,
        label: sheet.service_name.clone(),
        unit_price: sheet.base_price,
        quantity: request.units,
        amount: base_amount,
    }];

    let mut seen = HashSet::new();
    for code in &request.addon_codes {
        if !seen.insert(code.as_str()) {
            return Err(PricingError::DuplicateAddOn(code.clone()));
        }
        let addon =
            sheet.addons.iter().find(|a| &a.code == code).ok_or_else(|| PricingError::UnknownAddOn(code.clone()))?;
        lines.push(QuoteLine {
            kind: LineKind::AddOn,
            label: addon.name.clone(),
            unit_price: addon.price,
            quantity: 1,
            amount: addon.price,
        });
    }

    if let Some(start) = request.start {
        lines.extend(time_surcharge(rules, base_amount, start)?);
    }

    if let Some(distance_m) = request.distance_m {
        let d = &rules.distance;
        let beyond_m = distance_m.saturating_sub(d.free_radius_m);
        let started_km = beyond_m.div_ceil(1_000) as i32;
        if started_km > 0 && d.per_km > Fen::ZERO && d.max_fee > Fen::ZERO {
            let uncapped = d.per_km.checked_mul(i64::from(started_km)).ok_or(PricingError::Overflow)?;
            let line = if uncapped > d.max_fee {
                QuoteLine {
                    kind: LineKind::Distance,
                    label: format!("远程费（超出{}公里，封顶）", d.free_radius_m / 1_000),
                    unit_price: d.max_fee,
                    quantity: 1,
                    amount: d.max_fee,
                }
            } else {
                QuoteLine {
                    kind: LineKind::Distance,
                    label: format!("远程费（超出{}公里 {started_km} 公里）", d.free_radius_m / 1_000),
                    unit_price: d.per_km,
                    quantity: started_km,
                    amount: uncapped,
                }
            };
            lines.push(line);
        }
    }

    let mut package_tiers = Vec::new();
    if let Some(tier) = rules.series_discount(request.series_visits) {
        let off = package_off(&lines, tier.price_bps)?;
        if off > Fen::ZERO {
            let amount = Fen::ZERO - off;
            let label = format!("周期套餐（{}次起）{}折", tier.min_visits, zhe_text(NEUTRAL_BPS - tier.price_bps));
            lines.push(QuoteLine { kind: LineKind::SeriesDiscount, label, unit_price: amount, quantity: 1, amount });
            package_tiers = rules.series_discounts.clone();
        }
    }

    if let Some(coupon) = &request.coupon {
        if request.now < coupon.valid_from {
            return Err(PricingError::CouponNotYetValid);
        }
        if request.now >= coupon.valid_until {
            return Err(PricingError::CouponExpired);
        }
        let subtotal = sum(&lines)?;
        if subtotal < coupon.min_spend {
            return Err(PricingError::CouponMinSpend { min: coupon.min_spend });
        }
        let off = coupon.discount_on(subtotal);
        if off > Fen::ZERO {
            let amount = Fen::ZERO - off;
            lines.push(QuoteLine { kind: LineKind::Coupon, label: format!("优惠券：{}", coupon.name), unit_price: amount, quantity: 1, amount });
        }
    }

    let total = sum(&lines)?;
    Ok(Quote { lines, total, package_tiers })
}

/// 改期: what `paid`, a booked order's quote, comes to when the service
/// moves to `start`. The time surcharge is the one `rules` set at `start`
/// (none when no multiplier applies then); every other line stays as paid,
/// the coupon included, so a move changes only what the time changes. A
/// coupon never takes an order below nothing: if the surcharge it was
/// partly taken from goes, it shrinks to what is left.
pub fn retime(paid: &Quote, rules: &PricingRules, start: i64) -> Result<Quote, PricingError> {
    let base_amount = sum(&paid.lines.iter().filter(|l| l.kind == LineKind::Base).cloned().collect::<Vec<_>>())?;
    let surcharge = time_surcharge(rules, base_amount, start)?;
    let mut lines: Vec<QuoteLine> = paid.lines.iter().filter(|l| l.kind != LineKind::TimeSurcharge).cloned().collect();
    // Where `quote` puts it: after the base and add-ons.
    let at = lines.iter().position(|l| !matches!(l.kind, LineKind::Base | LineKind::AddOn)).unwrap_or(lines.len());
    if let Some(line) = surcharge {
        lines.insert(at, line);
    }
    let total = sum(&lines)?;
    if total < Fen::ZERO {
        if let Some(coupon) = lines.iter_mut().find(|l| l.kind == LineKind::Coupon) {
            coupon.amount = coupon.amount - total;
            coupon.unit_price = coupon.amount;
        }
    }
    let total = sum(&lines)?;
    Ok(Quote { lines, total, package_tiers: paid.package_tiers.clone() })
}

/// How long the appointment lasts, in minutes, for scheduling: Hour → units × 60;
/// Appliance → 120 for the first appliance plus 60 for each further one;
/// Visit → 180; Day and Month26 → 480 (one working day; a placement spans
/// days, but the first visit is what we schedule).
///
/// Fewer than one unit counts as one, and the result saturates instead of
/// overflowing, so a bad input can't panic the slot search.
pub fn duration_minutes(unit: Unit, units: i32) -> i32 {
    let units = units.max(1);
    match unit {
        Unit::Hour => units.saturating_mul(60),
        Unit::Appliance => (units - 1).saturating_mul(60).saturating_add(120),
        Unit::Visit => 180,
        Unit::Day | Unit::Month26 => 480,
    }
}

#[cfg(test)]
mod tests;
