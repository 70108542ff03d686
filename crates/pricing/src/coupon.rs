//! Coupons (A2 promotions): what a coupon takes off and when it may be used.
//! How many exist and how many one customer may claim are enforced where
//! claims are stored; this module decides the discount itself.

use domain::Fen;
use serde::{Deserialize, Serialize};

/// The largest fixed discount or minimum spend an admin may set (¥10,000).
const MAX_COUPON_FEN: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discount {
    /// Takes this much off, never more than the subtotal.
    Fixed(Fen),
    /// Takes `off_bps` / 10000 of the subtotal off, rounded down to the fen:
    /// 8.5折 is `off_bps = 1500`.
    Percent { off_bps: u32 },
}

/// A coupon as the quote needs it. The validity window is unix seconds,
/// `valid_until` exclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponTerms {
    pub name: String,
    pub discount: Discount,
    pub min_spend: Fen,
    pub valid_from: i64,
    pub valid_until: i64,
}

impl CouponTerms {
    /// What this coupon takes off `subtotal` (0 ≤ result ≤ subtotal).
    pub fn discount_on(&self, subtotal: Fen) -> Fen {
        let subtotal = subtotal.max(Fen::ZERO);
        match self.discount {
            Discount::Fixed(amount) => amount.max(Fen::ZERO).min(subtotal),
            Discount::Percent { off_bps } => {
                let off = i128::from(subtotal.get()) * i128::from(off_bps.min(10_000)) / 10_000;
                Fen::new(off as i64).min(subtotal)
            }
        }
    }

    /// `满¥80减¥10`, `满¥100打8.5折`, `无门槛减¥5`: how the coupon reads.
    pub fn headline(&self) -> String {
        let threshold = if self.min_spend > Fen::ZERO { format!("满{}", self.min_spend) } else { "无门槛".to_string() };
        match self.discount {
            Discount::Fixed(amount) => format!("{threshold}减{amount}"),
            Discount::Percent { off_bps } => format!("{threshold}打{}折", zhe_text(off_bps)),
        }
    }
}

/// `1500` off → `8.5`; `2000` → `8`.
pub fn zhe_text(off_bps: u32) -> String {
    let pays = 10_000u32.saturating_sub(off_bps);
    if pays.is_multiple_of(1_000) {
        format!("{}", pays / 1_000)
    } else {
        format!("{}.{}", pays / 1_000, (pays % 1_000) / 100)
    }
}

/// What an admin typed when creating a coupon, already split into fields.
#[derive(Debug, Clone, Default)]
pub struct CouponDraft<'a> {
    pub name: &'a str,
    /// `fixed` or `percent`.
    pub kind: &'a str,
    /// Yuan off for `fixed`; the 折 figure (`8.5`) for `percent`.
    pub value: &'a str,
    pub min_spend: &'a str,
    /// Beijing dates, `YYYY-MM-DD`, both inclusive.
    pub valid_from: &'a str,
    pub valid_to: &'a str,
    pub per_user_limit: &'a str,
    pub total_quantity: &'a str,
}

/// A coupon ready to be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCoupon {
    pub terms: CouponTerms,
    pub per_user_limit: i32,
    pub total_quantity: i32,
}

/// Which field of a [`CouponDraft`] is wrong, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CouponError {
    #[error("name is empty or longer than 20 characters")]
    Name,
    #[error("fixed amount must be between ¥0.01 and ¥10,000")]
    FixedAmount,
    #[error("percentage must be between 1折 and 9.9折 with one decimal")]
    Percent,
    #[error("unknown kind")]
    Kind,
    #[error("minimum spend is not a valid amount")]
    MinSpend,
    #[error("start date is not a date")]
    ValidFrom,
    #[error("end date is not a date")]
    ValidTo,
    #[error("the validity window ends before it starts")]
    EndsBeforeStart,
    #[error("per-user limit must be 1–10")]
    PerUserLimit,
    #[error("total quantity must be 1–100000")]
    TotalQuantity,
}

const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// The unix second at which a Beijing date begins.
pub fn beijing_day_start(date: time::Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp() - BEIJING_OFFSET_SECS
}

/// Parses `8.5` (or `8.5折`, `8`) into the share still paid, in basis
/// points: one digit, at most one decimal.
pub(crate) fn zhe_pays_bps(input: &str) -> Option<u32> {
    let s = input.trim().trim_end_matches('折');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.len() != 1 || frac.len() > 1 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(whole.parse::<u32>().ok()? * 1_000 + if frac.is_empty() { 0 } else { frac.parse::<u32>().ok()? * 100 })
}

/// Parses a coupon's `8.5` (折) into the share taken off, in basis points.
fn parse_zhe(input: &str) -> Option<u32> {
    zhe_pays_bps(input).filter(|pays| (1_000..=9_900).contains(pays)).map(|pays| 10_000 - pays)
}

fn parse_count(input: &str, max: i32) -> Option<i32> {
    input.trim().parse::<i32>().ok().filter(|n| (1..=max).contains(n))
}

/// Checks every field of a coupon an admin is creating; the first wrong
/// field is named so the form can show the error beside it.
pub fn parse_coupon(draft: &CouponDraft<'_>) -> Result<NewCoupon, CouponError> {
    let name = draft.name.trim();
    if name.is_empty() || name.chars().count() > 20 {
        return Err(CouponError::Name);
    }
    let discount = match draft.kind {
        "fixed" => {
            let amount = Fen::parse_yuan(draft.value).map_err(|_| CouponError::FixedAmount)?;
            if amount <= Fen::ZERO || amount.get() > MAX_COUPON_FEN {
                return Err(CouponError::FixedAmount);
            }
            Discount::Fixed(amount)
        }
        "percent" => Discount::Percent { off_bps: parse_zhe(draft.value).ok_or(CouponError::Percent)? },
        _ => return Err(CouponError::Kind),
    };
    let min_spend = if draft.min_spend.trim().is_empty() {
        Fen::ZERO
    } else {
        Fen::parse_yuan(draft.min_spend).map_err(|_| CouponError::MinSpend)?
    };
    if min_spend.get() > MAX_COUPON_FEN {
        return Err(CouponError::MinSpend);
    }
    let from = crate::rules::parse_date(draft.valid_from.trim()).ok_or(CouponError::ValidFrom)?;
    let to = crate::rules::parse_date(draft.valid_to.trim()).ok_or(CouponError::ValidTo)?;
    if to < from {
        return Err(CouponError::EndsBeforeStart);
    }
    let valid_until = beijing_day_start(to.next_day().ok_or(CouponError::ValidTo)?);
    let per_user_limit = parse_count(draft.per_user_limit, 10).ok_or(CouponError::PerUserLimit)?;
    let total_quantity = parse_count(draft.total_quantity, 100_000).ok_or(CouponError::TotalQuantity)?;
    Ok(NewCoupon {
        terms: CouponTerms { name: name.to_string(), discount, min_spend, valid_from: beijing_day_start(from), valid_until },
        per_user_limit,
        total_quantity,
    })
}
