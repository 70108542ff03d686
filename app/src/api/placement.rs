//! Nanny placement (月嫂/育儿嫂, B8): the customer asks for a nanny, staff
//! shortlist qualified ones, the customer invites them to interviews, each
//! nanny accepts or declines, and after meeting them the customer chooses one.

use super::UnixSeconds;
use crate::error::AppError;
use booking::{CandidateStatus, PlacementStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A shortlisted nanny as the customer and staff read her.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateView {
    pub worker_id: i64,
    pub name: String,
    pub age: Option<i32>,
    pub years_experience: i32,
    pub intro: String,
    /// Average of her reviews, 1–5; `None` before the first.
    pub rating: Option<f64>,
    pub completed: i64,
    pub status: CandidateStatus,
    pub interview_at: Option<UnixSeconds>,
}

/// The contract terms staff put to the family and the chosen nanny, and who
/// has signed the current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    /// `YYYY-MM-DD`, Beijing.
    pub start_day: String,
    pub days: i32,
    pub fee_fen: i64,
    pub notes: String,
    /// What a signature names, so nobody signs terms changed since they read them.
    pub version: i64,
    pub customer_signed: bool,
    pub worker_signed: bool,
    /// The order the family pays it with, and where that order stands.
    pub order_id: Option<i64>,
    pub order_state: Option<booking::OrderState>,
    /// Signed by both, no order of it standing, and the first day still ahead.
    pub payable: bool,
    /// Signed by both, its first day came with no order of it standing.
    pub lapsed: bool,
    /// Its nanny began it and staff ended it early.
    pub ended_early: bool,
}

impl ContractView {
    pub fn signed_by_both(&self) -> bool {
        self.customer_signed && self.worker_signed
    }
}

/// The trial day (试工) staff arranged with the family and the chosen nanny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialView {
    pub starts_at: UnixSeconds,
    pub hours: i64,
    pub fee_fen: i64,
    /// What a booking names, so nobody pays for terms changed since they read them.
    pub version: i64,
    /// The order the family booked for it, and where that order stands.
    pub order_id: Option<i64>,
    pub order_state: Option<booking::OrderState>,
    /// Not booked yet, or its order ended unserved, and its day is still ahead.
    pub bookable: bool,
    /// Its day came with no booking of it standing: staff must arrange another.
    pub lapsed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementView {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    /// Filled for staff only.
    pub customer: Option<PlacementCustomer>,
    /// `YYYY-MM-DD`, Beijing.
    pub start_day: String,
    pub needs: String,
    pub status: PlacementStatus,
    pub close_reason: Option<String>,
    pub at: UnixSeconds,
    pub candidates: Vec<CandidateView>,
    /// Once staff put terms to a chosen nanny.
    pub contract: Option<ContractView>,
    /// Once staff arranged a trial day with her.
    pub trial: Option<TrialView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementCustomer {
    pub id: i64,
    pub name: String,
    pub phone: String,
}

/// A request a nanny was invited to interview for, as she reads it: the
/// customer's name, never their phone (B9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewView {
    pub placement_id: i64,
    pub customer_name: String,
    pub service_name: String,
    pub start_day: String,
    pub needs: String,
    /// Closed or chosen requests need no answer any more.
    pub placement_open: bool,
    pub status: CandidateStatus,
    pub interview_at: Option<UnixSeconds>,
    /// The terms put to her once the family chose her.
    pub contract: Option<ContractView>,
    /// The trial day arranged with her.
    pub trial: Option<TrialView>,
}

/// A nanny staff may shortlist: approved, with the skill and a valid
/// certificate for the service's category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShortlistOption {
    pub worker_id: i64,
    pub name: String,
    pub rating: Option<f64>,
}

/// `?filter=` of the admin's list: only requests still looking.
pub const OPEN_ONLY: &str = "open";

/// Asks for a nanny for a 月嫂/育儿嫂 service; returns the request's id.
#[server(prefix = "/api", endpoint = "request_placement")]
pub async fn request_placement(service_id: i64, start_day: String, needs: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::placement::request(service_id, start_day, needs).await)
}

#[server(prefix = "/api", endpoint = "my_placements")]
pub async fn my_placements() -> Result<Vec<PlacementView>, AppError> {
    crate::server::respond(crate::server::placement::mine().await)
}

/// The customer's step on one nanny: `invite` (with `interview_at`,
/// `YYYY-MM-DDTHH:MM` Beijing), `decline` or `choose`.
#[server(prefix = "/api", endpoint = "placement_step")]
pub async fn placement_step(placement_id: i64, worker_id: i64, step: String, interview_at: Option<String>) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::customer_step(placement_id, worker_id, step, interview_at).await)
}

/// The customer no longer needs a nanny through this request.
#[server(prefix = "/api", endpoint = "withdraw_placement")]
pub async fn withdraw_placement(placement_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::withdraw(placement_id).await)
}

#[server(prefix = "/api", endpoint = "my_interviews")]
pub async fn my_interviews() -> Result<Vec<InterviewView>, AppError> {
    crate::server::respond(crate::server::placement::interviews().await)
}

/// The nanny's answer to an interview invitation: `accept` or `refuse`.
#[server(prefix = "/api", endpoint = "answer_interview")]
pub async fn answer_interview(placement_id: i64, step: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::answer(placement_id, step).await)
}

#[server(prefix = "/api", endpoint = "admin_placements")]
pub async fn admin_placements(filter: Option<String>) -> Result<Vec<PlacementView>, AppError> {
    crate::server::respond(crate::server::placement::admin_list(filter).await)
}

#[server(prefix = "/api", endpoint = "admin_shortlist_options")]
pub async fn admin_shortlist_options(placement_id: i64) -> Result<Vec<ShortlistOption>, AppError> {
    crate::server::respond(crate::server::placement::shortlist_options(placement_id).await)
}

#[server(prefix = "/api", endpoint = "admin_propose_nanny")]
pub async fn admin_propose_nanny(placement_id: i64, worker_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::propose(placement_id, worker_id).await)
}

/// Closes an open request with a reason the customer reads.
#[server(prefix = "/api", endpoint = "admin_close_placement")]
pub async fn admin_close_placement(placement_id: i64, reason: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::admin_close(placement_id, reason).await)
}

/// Puts contract terms (上户日期, 服务天数, 服务费 in yuan, 约定事项) to the
/// family and the nanny they chose; returns the terms' version.
#[server(prefix = "/api", endpoint = "admin_propose_contract")]
pub async fn admin_propose_contract(placement_id: i64, start_day: String, days: String, fee: String, notes: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::placement::propose_contract(placement_id, start_day, days, fee, notes).await)
}

/// The family, or the nanny they chose, signs the `version` of the terms they read.
#[server(prefix = "/api", endpoint = "sign_contract")]
pub async fn sign_contract(placement_id: i64, version: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::sign(placement_id, version).await)
}

/// Arranges the trial day (试工) with the chosen nanny: its start
/// (`YYYY-MM-DDTHH:MM` Beijing), hours and fee in yuan.
#[server(prefix = "/api", endpoint = "admin_propose_trial")]
pub async fn admin_propose_trial(placement_id: i64, starts_at: String, hours: String, fee: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::placement::propose_trial(placement_id, starts_at, hours, fee).await)
}

/// The family pays `version` of the contract both sides signed, from one of
/// their saved addresses; returns the order, to be paid like any other.
#[server(prefix = "/api", endpoint = "pay_contract")]
pub async fn pay_contract(placement_id: i64, version: i64, address_id: i64) -> Result<i64, AppError> {
    crate::server::respond(crate::server::placement::pay_contract(placement_id, version, address_id).await)
}

/// The family books `version` of the arranged trial at one of their saved
/// addresses; returns the order, to be paid like any other.
#[server(prefix = "/api", endpoint = "book_trial")]
pub async fn book_trial(placement_id: i64, version: i64, address_id: i64) -> Result<i64, AppError> {
    crate::server::respond(crate::server::placement::book_trial(placement_id, version, address_id).await)
}
