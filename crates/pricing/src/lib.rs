//! The pricing engine (first version): base price × units plus add-ons.
//!
//! The same [`quote`] function computes the breakdown the customer sees and
//! the amount that is charged, so the two can never differ (C5). It is pure
//! and deterministic: the server re-runs it at payment time and refuses to
//! charge if the result differs from the quote that was shown.
//!
//! All amounts are integer [`Fen`]; every multiplication and sum is checked,
//! and overflow is an error rather than a wrapped price.

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

/// What the customer picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRequest {
    pub units: i32,
    pub addon_codes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineKind {
    Base,
    AddOn,
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
    #[error("amount too large")]
    Overflow,
}

/// Prices `request` against `sheet`: a base line (`base_price × units`), then
/// one line per add-on in the order the customer chose them.
///
/// A booking is always for at least one unit, even if a sheet's minimum says
/// less, so a quote can never be zero units or negative.
pub fn quote(sheet: &PriceSheet, request: &QuoteRequest) -> Result<Quote, PricingError> {
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

    let total = lines
        .iter()
        .try_fold(0i64, |acc, line| acc.checked_add(line.amount.get()))
        .map(Fen::new)
        .ok_or(PricingError::Overflow)?;
    Ok(Quote { lines, total })
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
