//! The worker's side of the cancellation rules (B5): arriving late costs a
//! published, fixed penalty, taken from that order's own earnings when it
//! completes. Tiers count from the booked start, like the order monitor's
//! 服务者迟到. Not coming at all (爽约: the platform hands the order to
//! someone else after its start, the worker not having set off) costs the
//! no-show penalty. The worker can appeal either like any penalty (B7).

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
    #[error("the no-show penalty is lower than a late one")]
    NoShowBelowLate,
    #[error("the no-show penalty is given twice")]
    NoShowTwice,
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
    /// What not coming costs; `None`: nothing.
    #[serde(default)]
    no_show: Option<Fen>,
}

/// How an admin writes the no-show penalty's line: `爽约 ¥100`.
pub const NO_SHOW_WORD: &str = "爽约";

impl LatenessPolicy {
    /// Tiers in any order; the no-show penalty at least the largest late one.
    pub fn new(mut tiers: Vec<LateTier>, no_show: Option<Fen>) -> Result<Self, LatenessError> {
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
        if let Some(penalty) = no_show {
            check_penalty(penalty)?;
            if tiers.last().is_some_and(|t| penalty < t.penalty) {
                return Err(LatenessError::NoShowBelowLate);
            }
        }
        Ok(Self { tiers, no_show })
    }

    /// Reads an admin's list, one tier per line: how late, then the penalty,
    /// e.g. `15分钟 ¥20`, `1小时 100元`, `30min 50`, and at most one
    /// `爽约 ¥100` (blank lines skipped). An empty list charges nothing. The
    /// error names the line to fix.
    pub fn parse_lines(text: &str) -> Result<Self, LatenessLineError> {
        let mut tiers = Vec::new();
        let mut lines = Vec::new();
        let mut no_show: Option<(Fen, usize)> = None;
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let at = |error| LatenessLineError { line: index + 1, error };
            if line.is_empty() {
                continue;
            }
            if let Some(amount) = line.strip_prefix(NO_SHOW_WORD) {
                if no_show.is_some() {
                    return Err(at(LatenessError::NoShowTwice));
                }
                let penalty = parse_amount(amount).ok_or_else(|| at(LatenessError::Malformed(line.to_string())))?;
                check_penalty(penalty).map_err(at)?;
                no_show = Some((penalty, index + 1));
                continue;
            }
            let tier = parse_line(line).and_then(|tier| check_tier(&tier).map(|()| tier));
            tiers.push(tier.map_err(at)?);
            lines.push(index + 1);
        }
        Self::new(tiers.clone(), no_show.map(|(penalty, _)| penalty)).map_err(|error| {
            let line = match &error {
                // The later line of a clash is the one to fix.
                LatenessError::SameStart(secs) | LatenessError::PenaltyFallsLater { after_secs: secs } => {
                    let at = tiers.iter().rposition(|t| t.after_secs == *secs).unwrap_or(0);
                    lines.get(at).copied().unwrap_or(1)
                }
                _ => no_show.map_or(1, |(_, line)| line),
            };
            LatenessLineError { line, error }
        })
    }

    /// Earliest tier first.
    pub fn tiers(&self) -> &[LateTier] {
        &self.tiers
    }

    /// What not coming costs, if anything.
    pub fn no_show(&self) -> Option<Fen> {
        self.no_show
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
    /// traffic day does not wipe them out. Not coming ¥100: a customer left
    /// waiting costs the platform more than a late start.
    fn default() -> Self {
        Self {
            tiers: vec![LateTier { after_secs: 15 * 60, penalty: Fen::new(2_000) }, LateTier { after_secs: 30 * 60, penalty: Fen::new(5_000) }],
            no_show: Some(Fen::new(10_000)),
        }
    }
}

/// Whether the platform taking an order from its worker now is a no-show:
/// the booked start has passed and they had not set off (the order was
/// still 已接单).
pub fn is_no_show(state: crate::OrderState, starts_at: i64, now: i64) -> bool {
    state == crate::OrderState::Accepted && now > starts_at
}

fn check_penalty(penalty: Fen) -> Result<(), LatenessError> {
    if penalty <= Fen::ZERO {
        return Err(LatenessError::PenaltyNotPositive);
    }
    if penalty > MAX_LATE_PENALTY {
        return Err(LatenessError::PenaltyTooLarge);
    }
    Ok(())
}

fn check_tier(tier: &LateTier) -> Result<(), LatenessError> {
    if tier.after_secs <= 0 {
        return Err(LatenessError::NotAfterStart);
    }
    if tier.after_secs > MAX_LATE_TIER_SECS {
        return Err(LatenessError::TooLate);
    }
    check_penalty(tier.penalty)
}

/// An amount in yuan as an admin writes it: `¥20`, `20元`, `20.5`.
fn parse_amount(text: &str) -> Option<Fen> {
    Fen::parse_yuan(text.trim().trim_end_matches('元')).ok()
}

/// `15分钟 ¥20`: a span, then an amount.
fn parse_line(line: &str) -> Result<LateTier, LatenessError> {
    let malformed = || LatenessError::Malformed(line.to_string());
    let (span, amount) = line.rsplit_once(char::is_whitespace).ok_or_else(malformed)?;
    let after_secs = span_secs(span).ok_or_else(malformed)?;
    let penalty = parse_amount(amount).ok_or_else(malformed)?;
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
        let policy = LatenessPolicy::new(Vec::new(), None).unwrap();
        assert_eq!(policy.penalty(0, 3 * 3600), None);
    }

    #[test]
    fn a_later_tier_may_not_charge_less() {
        assert_eq!(LatenessPolicy::new(vec![tier(15, 50), tier(30, 20)], None), Err(LatenessError::PenaltyFallsLater { after_secs: 1800 }));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 20), tier(15, 30)], None), Err(LatenessError::SameStart(900)));
    }

    #[test]
    fn tiers_and_penalties_stay_within_limits() {
        assert_eq!(LatenessPolicy::new(vec![tier(0, 20)], None), Err(LatenessError::NotAfterStart));
        assert_eq!(LatenessPolicy::new(vec![tier(4 * 60 + 1, 20)], None), Err(LatenessError::TooLate));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 0)], None), Err(LatenessError::PenaltyNotPositive));
        assert_eq!(LatenessPolicy::new(vec![tier(15, 501)], None), Err(LatenessError::PenaltyTooLarge));
        assert!(LatenessPolicy::new(vec![tier(4 * 60, 500)], None).is_ok());
    }

    #[test]
    fn an_admins_lines_read_in_any_of_the_written_forms() {
        let policy = LatenessPolicy::parse_lines("30分钟 50元\n\n 15 分钟 ¥20 \n1.5h 100.50").unwrap();
        assert_eq!(policy.tiers(), &[tier(15, 20), tier(30, 50), LateTier { after_secs: 5400, penalty: Fen::new(10_050) }]);
        assert_eq!(LatenessPolicy::parse_lines("  \n"), Ok(LatenessPolicy::new(Vec::new(), None).unwrap()));
    }

    #[test]
    fn the_no_show_line_is_read_once_and_costs_at_least_any_late_tier() {
        let policy = LatenessPolicy::parse_lines("15分钟 ¥20\n爽约 100元").unwrap();
        assert_eq!((policy.tiers(), policy.no_show()), (&[tier(15, 20)][..], Some(Fen::new(10_000))));
        assert_eq!(LatenessPolicy::parse_lines("爽约 ¥100\n15分钟 ¥20\n爽约 ¥200").unwrap_err(), LatenessLineError { line: 3, error: LatenessError::NoShowTwice });
        assert_eq!(LatenessPolicy::parse_lines("爽约 ¥10\n30分钟 ¥50").unwrap_err(), LatenessLineError { line: 1, error: LatenessError::NoShowBelowLate });
        assert_eq!(LatenessPolicy::parse_lines("爽约 ¥0").unwrap_err().error, LatenessError::PenaltyNotPositive);
        assert!(matches!(LatenessPolicy::parse_lines("爽约").unwrap_err().error, LatenessError::Malformed(_)));
        assert_eq!(LatenessPolicy::parse_lines("15分钟 ¥20").unwrap().no_show(), None, "no line, no no-show penalty");
    }

    #[test]
    fn only_an_order_taken_away_after_its_start_before_the_worker_set_off_is_a_no_show() {
        use crate::OrderState;
        assert!(is_no_show(OrderState::Accepted, 1_000, 1_001));
        assert!(!is_no_show(OrderState::Accepted, 1_000, 1_000), "at the start they may still come");
        assert!(!is_no_show(OrderState::Departed, 1_000, 5_000), "on the way is late, not absent");
        assert!(!is_no_show(OrderState::Booked, 1_000, 5_000), "nobody had taken it");
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
