//! Worker assessment (A5): the admin's table of every worker's figures,
//! tier and concerns, and each worker's own figures next to the rules they
//! are judged by (B7). The rules travel with the figures, so the pages show
//! the thresholds the server applies, not a copy of them.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierLevel {
    Newcomer,
    Skilled,
    Gold,
}

/// Why a worker needs the admin's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernKind {
    OftenLate,
    RefusesOffers,
    LowRating,
    Complaints,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NextTierView {
    pub tier: TierLevel,
    pub orders_needed: u32,
    pub rating_needed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerAssessmentView {
    pub worker_id: i64,
    pub name: String,
    pub phone: String,
    pub suspended: bool,
    pub tier: TierLevel,
    pub completed_orders: u32,
    pub reviews: u32,
    pub rating: Option<f64>,
    pub arrivals: u32,
    pub on_time_arrivals: u32,
    /// `None` until there are enough arrivals to judge.
    pub on_time_rate: Option<f64>,
    pub offers_answered: u32,
    pub offers_accepted: u32,
    pub acceptance_rate: Option<f64>,
    pub complaints: u32,
    pub concerns: Vec<ConcernKind>,
    pub next_tier: Option<NextTierView>,
}

/// The published thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentRules {
    pub days: i64,
    pub min_cases: u32,
    pub min_reviews: u32,
    pub on_time_floor: f64,
    pub acceptance_floor: f64,
    pub rating_floor: f64,
    pub complaints_flagged: u32,
    pub skilled_orders: u32,
    pub gold_orders: u32,
    pub gold_rating: f64,
    /// The late-arrival penalties in force (B5), earliest first.
    pub late: Vec<booking::LateTier>,
    /// What a no-show costs, if anything.
    pub no_show: Option<domain::Fen>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentsPage {
    pub rules: AssessmentRules,
    pub workers: Vec<WorkerAssessmentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnAssessment {
    pub rules: AssessmentRules,
    /// `None` until the worker is approved: applicants are not assessed.
    pub me: Option<WorkerAssessmentView>,
    /// What their customers wrote lately, as the service pages show it.
    pub recent_reviews: Vec<crate::api::orders::PublicReviewView>,
}

/// `?filter=` of the admin's table: only the workers with a concern.
pub const CONCERNS_ONLY: &str = "concerns";

/// Every approved or suspended worker, or with `filter` [`CONCERNS_ONLY`]
/// only those with a concern.
#[server(prefix = "/api", endpoint = "admin_assessments")]
pub async fn admin_assessments(filter: Option<String>) -> Result<AssessmentsPage, AppError> {
    crate::server::respond(crate::server::assessment::admin_assessments(filter).await)
}

/// The signed-in worker's own figures and the rules.
#[server(prefix = "/api", endpoint = "my_assessment")]
pub async fn my_assessment() -> Result<OwnAssessment, AppError> {
    crate::server::respond(crate::server::assessment::my_assessment().await)
}

/// `0.923` as `92%`: rounded down, so a rate just under a floor never reads
/// as the floor itself (17 of 19 on time is 89%, not 90%).
pub fn percent(rate: f64) -> String {
    format!("{}%", (rate * 100.0 + 1e-9).floor())
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn a_rate_just_under_a_floor_does_not_read_as_the_floor() {
        assert_eq!(percent(17.0 / 19.0), "89%");
        assert_eq!(percent(0.9), "90%");
        assert_eq!(percent(0.29), "29%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent(0.0), "0%");
    }
}
