use crate::rules::eligible;
use crate::{local_day_start, Candidate, GeoPoint, Job, TravelModel};
use serde::{Deserialize, Serialize};

/// How much each soft score counts; configurable by the admin (A4).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub travel: f64,
    pub rating: f64,
    pub load: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self { travel: 0.5, rating: 0.3, load: 0.2 }
    }
}

/// Why a worker ranks where they do. Each part is in `0..=1` (higher is
/// better); `total` is their weighted sum. Stored with each offer (B1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreParts {
    pub travel: f64,
    pub rating: f64,
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
/// be buried nor beat a proven one.
const NEUTRAL_RATING_PART: f64 = 0.8;

/// Soft score of `c` for `job`. Does not check the hard rules; [`rank`] does.
///
/// - travel = 1 / (1 + minutes / 30), from the location of the worker's last
///   busy interval that ends before the job on the same local day, else home;
/// - rating = rating / 5, or 0.8 when there are no ratings yet;
/// - load = 1 / (1 + active orders).
pub fn score(c: &Candidate, job: &Job, travel: &TravelModel, weights: &Weights) -> ScoreParts {
    let travel_secs = travel.travel_secs(origin(c, job), job.location);
    let travel_part = 1.0 / (1.0 + travel_secs as f64 / 60.0 / 30.0);
    let rating_part = if c.rating > 0.0 { (c.rating / 5.0).min(1.0) } else { NEUTRAL_RATING_PART };
    let load_part = 1.0 / (1.0 + f64::from(c.active_orders));
    ScoreParts {
        travel: travel_part,
        rating: rating_part,
        load: load_part,
        total: weights.travel * travel_part + weights.rating * rating_part + weights.load * load_part,
        travel_secs,
    }
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
    travel: &TravelModel,
    refused: &[i64],
    weights: &Weights,
) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = candidates
        .iter()
        .filter(|c| eligible(c, job, travel, refused))
        .map(|c| Ranked { worker_id: c.worker_id, parts: score(c, job, travel, weights) })
        .collect();
    ranked.sort_by(|a, b| b.parts.total.total_cmp(&a.parts.total).then(a.worker_id.cmp(&b.worker_id)));
    ranked
}
