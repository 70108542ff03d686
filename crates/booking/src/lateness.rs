//! The worker's side of the cancellation rules (B5): arriving late costs a
//! published, fixed penalty, taken from that order's own earnings when it
//! completes. Tiers count from the booked start, like the order monitor's
//! 服务者迟到; the worker can appeal the penalty like any other (B7).

use crate::span_secs;
use domain::Fen;
use serde::{Deserialize, Serialize};

/// The latest a tier may start: four hours after the booked start. Later
/// than that the customer has long given up, which is the admin's case to
/// handle, not a rule's.
pub const MAX_LATE_TIER_SECS: i64 = 4 * 3600;

/// The largest penalty one late arrival may cost (¥500).
pub const MAX_LATE_PENALTY: Fen = Fen::new(50_000);

/// Arriving more than `after_secs` after the booked start costs `penalty`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateTier {
    pub after_secs: i64,
    pub penalty: Fen,
}

/// Why a set of late tiers is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LatenessError {
    #[error("a tier must be written as a span and an amount, got {0:?}")]
    Malformed(String),
    #[error("a tier must start a positive time after the booked start")]
    NotAfterStart,
    #[error("a tier may start at most {MAX_LATE_TIER_SECS} seconds after the start")]
    TooLate,
    #[error("a penalty must be more than zero")]
    PenaltyNotPositive,
    #[error("a penalty may be at most {MAX_LATE_PENALTY}")]
    PenaltyTooLarge,
    #[error("two tiers start {0} seconds after the start")]
    SameStart(i64),
    #[error("the penalty {after_secs} seconds late is lower than an earlier one")]
    PenaltyFallsLater { after_secs: i64 },
}

/// A refused line of an admin's tier list: its number (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatenessLineError {
    pub line: usize,
    pub error: LatenessError,
}

/// What a late arrival costs: how late, and the tier reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatePenalty {
    pub late_secs: i64,
    pub tier: LateTier,
}

/// The late-arrival rule: nothing up to the first tier, then each tier's
/// penalty, never lower the later the arrival. No tiers: lateness costs nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatenessPolicy {
    /// Earliest first, penalties non-decreasing.
    tiers: Vec<LateTier>,
}

impl LatenessPolicy {
    /// Tiers in any order.
    pub fn new(mut tiers: Vec<LateTier>) -> Result<Self, LatenessError> {
        tiers.sort_by_key(|t| t.after_secs);
        for tier in &tiers {
            check_tier(tier)?;
        }
        for pair in tiers.windows(2) {
            if pair[0].after_secs == pair[1].after_secs {
                return Err(LatenessError::SameStart(pair[1].after_secs));
            }
            if pair[1].penalty < pair[0].penalty {
                return Err(LatenessError::PenaltyFallsLater { after_secs: pair[1].after_secs });
            }
        }
        Ok(Self { tiers })
    }

    /// Reads an admin's list, one tier per line: how late, then the penalty,
    /// e.g. `15分钟 ¥20`, `1小时 100元`, `30min 50` (blank lines skipped). An
    /// empty list charges nothing. The error names the line to fix.
    pub fn parse_lines(text: &str) -> Result<Self, LatenessLineError> {
        let mut tiers = Vec::new();
        let mut lines = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let tier = parse_line(line).and_then(|tier| check_tier(&tier).map(|()| tier));
            tiers.push(tier.map_err(|error| LatenessLineError { line: index + 1, error })?);
            lines.push(index + 1);
        }
        Self::new(tiers.clone()).map_err(|error| {
            // The later line of a clash is the one to fix.
            let clashing = match &error {
                LatenessError::SameStart(secs) | LatenessError::PenaltyFallsLater { after_secs: secs } => *secs,
                _ => 0,
            };
            let at = tiers.iter().rposition(|t| t.after_secs == clashing).unwrap_or(0);
            LatenessLineError { line: lines.get(at).copied().unwrap_or(1), error }
        })
    }

    /// Earliest tier first.
    pub fn tiers(&self) -> &[LateTier] {
        &self.tiers
    }

    /// The penalty for arriving at `arrived_at` to an order booked to start
    /// at `starts_at` (Unix seconds): the latest tier passed. Arriving exactly
    /// `after_secs` late is still inside the tier before ("more than 15
    /// minutes late"); on time or early, nothing.
    pub fn penalty(&self, starts_at: i64, arrived_at: i64) -> Option<LatePenalty> {
        let late_secs = arrived_at.saturating_sub(starts_at);
        let tier = self.tiers.iter().rev().find(|t| late_secs > t.after_secs)?;
        Some(LatePenalty { late_secs, tier: *tier })
    }
}

impl Default for LatenessPolicy {
    /// More than 15 minutes late ¥20, more than 30 minutes ¥50: enough to
    /// matter against a two-hour job's earnings, small enough that one bad
    /// traffic day does not wipe them out.
    fn default() -> Self {
        Self {
            tiers: vec![LateTier { after_secs: 15 * 60, penalty: Fen::new(2_000) }, LateTier { after_secs: 30 * 60, penalty: Fen::new(5_000) }],
        }
    }
}

fn check_tier(tier: &LateTier) -> Result<(), LatenessError> {
    if tier.after_secs <= 0 {
        return Err(LatenessError::NotAfterStart);
    }
    if tier.after_secs > MAX_LATE_TIER_SECS {
        return Err(LatenessError::TooLate);
    }
    if tier.penalty <= Fen::ZERO {
        return Err(LatenessError::PenaltyNotPositive);
    }
    if tier.penalty > MAX_LATE_PENALTY {
        return Err(LatenessError::PenaltyTooLarge);
    }
    Ok(())
}

/// `15分钟 ¥20`: a span, then an amount in yuan (`¥20`, `20元`, `20.5`).
fn parse_line(line: &str) -> Result<LateTier, LatenessError> {
    let malformed = || LatenessError::Malformed(line.to_string());
    let (span, amount) = line.rsplit_once(char::is_whitespace).ok_or_else(malformed)?;
    let after_secs = span_secs(span).ok_or_else(malformed)?;
    let amount = amount.trim().trim_end_matches('元');
    let penalty = Fen::parse_yuan(amount).map_err(|_| malformed())?;
    Ok(LateTier { after_secs, penalty })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(minutes: i64, yuan: i64) -> LateTier {
        LateTier { after_secs: minutes * 60, penalty: Fen::new(yuan * 100) }
    }

    #[test]
    fn on_time_or_within_the_first_tier_costs_nothing() {
        let policy = LatenessPolicy::default();
        assert_eq!(policy.penalty(10_000, 9_000), None);
        assert_eq!(policy.penalty(10_000, 10_000), None);
        assert_eq!(policy.penalty(10_000, 10_000 + 15 * 60), None, "exactly 15 minutes late is not more than 15");
    }

    #[test]
    fn the_latest_tier_passed_is_charged() {
        let policy = LatenessPolicy::default();
        assert_eq!(policy.penalty(0, 15 * 60 + 1), Some(LatePenalty { late_secs: 15 * 60 + 1, tier: tier(15, 20) }));
        assert_eq!(policy.penalty(0, 45 * 60).map(|p| p.tier.penalty), Some(Fen::new(5_000)));
        assert_eq!(policy.penalty(0, 5 * 3600).map(|p| p.tier.penalty), Some(Fen::new(5_000)), "later than every tier: the last one");
    }

    #[test]
    fn no_tiers_never_charges() {
        let policy = LatenessPolicy::new(Vec::new()).unwrap();
        assert_eq!(policy.penalty(0, 3 * 3600), None);
    }

    #[test]
    fn a_later_tier_may_not_charge_less() {
        assert_eq!(LatenessPolicy::new(vec![tier(15, 50), tier(30, 20)]), Err(LatenessError::PenaltyFallsLater { after_secs: 1800 }));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 20), tier(15, 30)]), Err(LatenessError::SameStart(900)));
    }

    #[test]
    fn tiers_and_penalties_stay_within_limits() {
        assert_eq!(LatenessPolicy::new(vec![tier(0, 20)]), Err(LatenessError::NotAfterStart));
        assert_eq!(LatenessPolicy::new(vec![tier(4 * 60 + 1, 20)]), Err(LatenessError::TooLate));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 0)]), Err(LatenessError::PenaltyNotPositive));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 501)]), Err(LatenessError::PenaltyTooLarge));
        assert!(LatenessPolicy::new(vec![tier(4 * 60, 500)]).is_ok());
    }

    #[test]
    fn an_admins_lines_read_in_any_of_the_written_forms() {
        let policy = LatenessPolicy::parse_lines("30分钟 50元\n\n 15 分钟 ¥20 \n1.5h 100.50").unwrap();
        assert_eq!(policy.tiers(), &[tier(15, 20), tier(30, 50), LateTier { after_secs: 5400, penalty: Fen::new(10_050) }]);
        assert_eq!(LatenessPolicy::parse_lines("  \n"), Ok(LatenessPolicy::new(Vec::new()).unwrap()));
    }

    #[test]
    fn a_refused_line_is_named() {
        let bad = LatenessPolicy::parse_lines("15分钟 ¥20\n半小时 ¥50").unwrap_err();
        assert_eq!(bad.line, 2);
        assert!(matches!(bad.error, LatenessError::Malformed(_)));
        let clash = LatenessPolicy::parse_lines("15分钟 ¥50\n\n30分钟 ¥20").unwrap_err();
        assert_eq!(clash, LatenessLineError { line: 3, error: LatenessError::PenaltyFallsLater { after_secs: 1800 } });
        assert_eq!(LatenessPolicy::parse_lines("15分钟 -20").unwrap_err().line, 1);
        assert_eq!(LatenessPolicy::parse_lines("15分钟 ¥0").unwrap_err().error, LatenessError::PenaltyNotPositive);
    }
}
