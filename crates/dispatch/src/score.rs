use crate::rules::{eligible, hard_check, RuleFailure};
use crate::{distance_km, local_day_start, Candidate, GeoPoint, Job, Travel};
use serde::{Deserialize, Serialize};

/// How much each soft score counts. Data the admin edits (A4), starting from
/// one of the [`Preset`]s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    pub travel: f64,
    pub rating: f64,
    pub tier: f64,
    pub fairness: f64,
    pub acceptance: f64,
    pub affinity: f64,
    pub load: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Preset::Balanced.weights()
    }
}

/// Named starting points for the weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 均衡: travel first, everything else has a say.
    Balanced,
    /// 客户优先: the best-rated, most senior worker and the customer's own
    /// favourite, even if further away.
    CustomerFirst,
    /// 效率优先: the shortest trip and a worker who reliably accepts.
    EfficiencyFirst,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::Balanced, Preset::CustomerFirst, Preset::EfficiencyFirst];

    pub fn weights(self) -> Weights {
        let w = |travel, rating, tier, fairness, acceptance, affinity, load| Weights { travel, rating, tier, fairness, acceptance, affinity, load };
        match self {
            Preset::Balanced => w(0.35, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05),
            Preset::CustomerFirst => w(0.15, 0.3, 0.15, 0.05, 0.05, 0.3, 0.0),
            Preset::EfficiencyFirst => w(0.6, 0.1, 0.05, 0.05, 0.15, 0.05, 0.0),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Balanced => "balanced",
            Preset::CustomerFirst => "customer_first",
            Preset::EfficiencyFirst => "efficiency_first",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Balanced => "均衡",
            Preset::CustomerFirst => "客户优先",
            Preset::EfficiencyFirst => "效率优先",
        }
    }
}

/// Why a set of weights cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsError {
    /// A weight is negative, above [`Weights::MAX`] or not a number.
    OutOfRange,
    /// Every weight is zero: nobody could be told apart.
    AllZero,
}

impl Weights {
    pub const MAX: f64 = 10.0;

    pub fn values(&self) -> [f64; 7] {
        [self.travel, self.rating, self.tier, self.fairness, self.acceptance, self.affinity, self.load]
    }

    pub fn validate(&self) -> Result<(), WeightsError> {
        if self.values().iter().any(|w| !(0.0..=Self::MAX).contains(w)) {
            return Err(WeightsError::OutOfRange);
        }
        if self.values().iter().all(|w| *w == 0.0) {
            return Err(WeightsError::AllZero);
        }
        Ok(())
    }
}

/// A worker's recent track record, for the soft score. Counted by the caller
/// from stored offers, orders and ledger entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// Orders completed, ever: seniority.
    pub completed_orders: u32,
    /// Offers answered (accepted, refused or let lapse) in the last 30 days.
    pub offers_answered: u32,
    pub offers_accepted: u32,
    /// Minutes of orders served or held over the last 7 days.
    pub minutes_7d: u32,
    /// Earnings credited over the last 7 days, fen.
    pub earnings_fen_7d: i64,
}

/// Completed orders that make a worker 熟练.
pub const SKILLED_MIN_ORDERS: u32 = 10;
/// Completed orders and average rating that make a worker 金牌.
pub const GOLD_MIN_ORDERS: u32 = 50;
pub const GOLD_MIN_RATING: f64 = 4.8;

/// Seniority band, from completed orders and rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 新人: fewer than 10 completed orders.
    Newcomer,
    /// 熟练: 10 or more.
    Skilled,
    /// 金牌: 50 or more with an average rating of at least 4.8.
    Gold,
}

impl Tier {
    pub fn of(completed_orders: u32, rating: f64) -> Tier {
        match completed_orders {
            n if n >= GOLD_MIN_ORDERS && rating >= GOLD_MIN_RATING => Tier::Gold,
            n if n >= SKILLED_MIN_ORDERS => Tier::Skilled,
            _ => Tier::Newcomer,
        }
    }

    fn part(self) -> f64 {
        match self {
            Tier::Newcomer => 0.4,
            Tier::Skilled => 0.7,
            Tier::Gold => 1.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tier::Newcomer => "新人",
            Tier::Skilled => "熟练",
            Tier::Gold => "金牌",
        }
    }
}

/// Why a worker ranks where they do. Each part is in `0..=1` (higher is
/// better); `total` is their weighted sum. Stored with each offer (B1), so
/// parts added later default when an older explanation is read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreParts {
    pub travel: f64,
    pub rating: f64,
    #[serde(default)]
    pub tier: f64,
    #[serde(default)]
    pub fairness: f64,
    #[serde(default)]
    pub acceptance: f64,
    #[serde(default)]
    pub affinity: f64,
    pub load: f64,
    pub total: f64,
    /// Estimated travel to the job from where the worker will be before it.
    pub travel_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    pub worker_id: i64,
    pub parts: ScoreParts,
}

/// Rating used for workers with no reviews yet: a new worker should neither
/// be buried nor beat a proven one. Also the acceptance part of a worker with
/// too few answered offers to judge.
const NEUTRAL_PART: f64 = 0.8;
/// Answered offers needed before the acceptance rate counts.
const MIN_ANSWERED_OFFERS: u32 = 5;
/// 20 hours of work, or ¥1,500 earned, in 7 days halves that half of the fairness part.
const FAIR_MINUTES_7D: f64 = 20.0 * 60.0;
const FAIR_EARNINGS_FEN_7D: f64 = 150_000.0;

/// Soft score of `c` for `job`. Does not check the hard rules; [`rank`] does.
///
/// - travel = 1 / (1 + minutes / 30), from the location of the worker's last
///   busy interval that ends before the job on the same local day, else home;
/// - rating = rating / 5, or 0.8 when there are no ratings yet;
/// - tier = 0.4 新人, 0.7 熟练, 1.0 金牌;
/// - fairness = the mean of 1 / (1 + hours₇/20) and 1 / (1 + yuan₇/1500):
///   whoever worked and earned less this week comes first;
/// - acceptance = accepted / answered offers (30 days), 0.8 with fewer than 5;
/// - affinity = 1 for the customer's favourite or previous worker, else 0;
/// - load = 1 / (1 + active orders).
pub fn score(c: &Candidate, job: &Job, travel: &dyn Travel, weights: &Weights) -> ScoreParts {
    let travel_secs = travel.travel_secs(origin(c, job), job.location);
    let r = &c.record;
    let parts = [
        1.0 / (1.0 + travel_secs as f64 / 60.0 / 30.0),
        if c.rating > 0.0 { (c.rating / 5.0).min(1.0) } else { NEUTRAL_PART },
        Tier::of(r.completed_orders, c.rating).part(),
        0.5 / (1.0 + f64::from(r.minutes_7d) / FAIR_MINUTES_7D) + 0.5 / (1.0 + r.earnings_fen_7d.max(0) as f64 / FAIR_EARNINGS_FEN_7D),
        if r.offers_answered < MIN_ANSWERED_OFFERS {
            NEUTRAL_PART
        } else {
            f64::from(r.offers_accepted.min(r.offers_answered)) / f64::from(r.offers_answered)
        },
        if c.favored { 1.0 } else { 0.0 },
        1.0 / (1.0 + f64::from(c.active_orders)),
    ];
    let total = parts.iter().zip(weights.values()).map(|(p, w)| p * w).sum();
    let [travel_part, rating, tier, fairness, acceptance, affinity, load] = parts;
    ScoreParts { travel: travel_part, rating, tier, fairness, acceptance, affinity, load, total, travel_secs }
}

/// Where the worker sets off from: the latest busy interval that starts on
/// the job's local day and ends by the job's start; otherwise home.
fn origin(c: &Candidate, job: &Job) -> GeoPoint {
    let day = local_day_start(job.start);
    c.busy
        .iter()
        .filter(|b| b.end <= job.start && local_day_start(b.start) == day)
        // max_by_key keeps the last of equal keys; ties are broken by start
        // so the choice doesn't depend on list order.
        .max_by_key(|b| (b.end, b.start))
        .map_or(c.home, |b| b.location)
}

/// Eligible candidates, best first (ties broken by lower worker_id so results
/// are deterministic whatever the input order).
pub fn rank(
    candidates: &[Candidate],
    job: &Job,
    travel: &dyn Travel,
    refused: &[i64],
    weights: &Weights,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .filter(|c| eligible(c, job, travel, refused))
        .map(|c| Ranked { worker_id: c.worker_id, parts: score(c, job, travel, weights) })
        .collect();
    best_first(&mut ranked);
    ranked
}

/// Highest total first; ties broken by lower worker_id.
fn best_first(ranked: &mut [Ranked]) {
    ranked.sort_by(|a, b| b.parts.total.total_cmp(&a.parts.total).then(a.worker_id.cmp(&b.worker_id)));
}

/// What one dispatch decision saw: the eligible candidates best first with
/// their score parts, and every other candidate with each hard rule it
/// broke, nearest to the job first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub ranked: Vec<Ranked>,
    pub excluded: Vec<Excluded>,
    /// How many were eligible and excluded in all; a [`Explanation::kept`]
    /// record lists only the first of each.
    pub eligible_count: usize,
    pub excluded_count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub worker_id: i64,
    pub failures: Vec<RuleFailure>,
}

/// [`rank`], together with why each candidate it left out was left out:
/// every candidate's hard rules are checked once, and only the eligible
/// are scored.
pub fn explain(candidates: &[Candidate], job: &Job, travel: &dyn Travel, refused: &[i64], weights: &Weights) -> Explanation {
    let mut ranked = Vec::new();
    let mut excluded = Vec::new();
    for c in candidates {
        let failures = hard_check(c, job, travel, refused);
        if failures.is_empty() {
            ranked.push(Ranked { worker_id: c.worker_id, parts: score(c, job, travel, weights) });
        } else {
            excluded.push((distance_km(c.home, job.location), Excluded { worker_id: c.worker_id, failures }));
        }
    }
    best_first(&mut ranked);
    excluded.sort_by(|(a, x), (b, y)| a.total_cmp(b).then(x.worker_id.cmp(&y.worker_id)));
    Explanation { eligible_count: ranked.len(), excluded_count: excluded.len(), ranked, excluded: excluded.into_iter().map(|(_, e)| e).collect() }
}

impl Explanation {
    /// The record to keep: at most `n` of the ranked (best first) and `n` of
    /// the excluded (nearest first), with the full counts. A city's worth of
    /// candidates on every decision would make each record hundreds of
    /// kilobytes; the ones an admin asks about are the best and the nearest.
    pub fn kept(&self, n: usize) -> Explanation {
        Explanation {
            ranked: self.ranked.iter().take(n).cloned().collect(),
            excluded: self.excluded.iter().take(n).cloned().collect(),
            eligible_count: self.eligible_count,
            excluded_count: self.excluded_count,
        }
    }
}
