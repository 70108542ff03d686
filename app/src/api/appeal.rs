//! Appeals (申诉, B7): a worker appeals their suspension, a recent penalty
//! or a recent warning once; an admin upholds it or overturns it, which lifts
//! the suspension, pays the penalty back or withdraws the warning, and the
//! worker reads the answer. Admins give warnings (警告) with a reason.

use super::UnixSeconds;
use crate::error::AppError;
use domain::{AppealStatus, AppealSubject};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A suspension or penalty the worker may appeal, with their appeal's
/// status once they have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealableView {
    pub subject: AppealSubject,
    pub subject_ref: i64,
    /// The suspension's reason or the penalty's memo.
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub at: UnixSeconds,
    pub appealed: Option<AppealStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub worker_phone: String,
    pub subject: AppealSubject,
    pub reason: String,
    pub amount_fen: Option<i64>,
    pub body: String,
    pub status: AppealStatus,
    pub decided_by: Option<String>,
    pub reply: Option<String>,
    pub at: UnixSeconds,
    pub decided_at: Option<UnixSeconds>,
}

/// A warning an admin gave a worker, as the worker and admins read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningView {
    pub id: i64,
    pub reason: String,
    pub given_by: String,
    pub at: UnixSeconds,
    /// Set once an appeal against it was overturned.
    pub withdrawn_at: Option<UnixSeconds>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerAppeals {
    pub appealable: Vec<AppealableView>,
    /// Every warning the worker was given, newest first.
    pub warnings: Vec<WarningView>,
    /// Newest first.
    pub appeals: Vec<AppealView>,
    /// How long a penalty stays appealable.
    pub penalty_days: i64,
}

/// `?filter=` of the admin's list: only appeals nobody has decided.
pub const OPEN_ONLY: &str = "open";

#[server(prefix = "/api", endpoint = "my_appeals")]
pub async fn my_appeals() -> Result<WorkerAppeals, AppError> {
    crate::server::respond(crate::server::appeal::my_appeals().await)
}

/// Appeals the worker's current suspension (`subject_ref` its time) or one
/// of their penalties (`subject_ref` its ledger line); returns the appeal's id.
#[server(prefix = "/api", endpoint = "file_appeal")]
pub async fn file_appeal(subject: String, subject_ref: i64, body: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::appeal::file(subject, subject_ref, body).await)
}

#[server(prefix = "/api", endpoint = "admin_appeals")]
pub async fn admin_appeals(filter: Option<String>) -> Result<Vec<AppealView>, AppError> {
    crate::server::respond(crate::server::appeal::admin_list(filter).await)
}

/// One worker's warnings, newest first.
#[server(prefix = "/api", endpoint = "admin_worker_warnings")]
pub async fn admin_worker_warnings(worker_id: i64) -> Result<Vec<WarningView>, AppError> {
    crate::server::respond(crate::server::appeal::worker_warnings(worker_id).await)
}

/// Gives an approved (or suspended) worker a warning with its reason, which
/// they may appeal; returns the warning's id.
#[server(prefix = "/api", endpoint = "admin_give_warning")]
pub async fn admin_give_warning(worker_id: i64, reason: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::appeal::give_warning(worker_id, reason).await)
}

/// 维持 (`uphold`) or 撤销 (`overturn`) with a reply the worker reads;
/// returns the appeal's new status.
#[server(prefix = "/api", endpoint = "admin_decide_appeal")]
pub async fn admin_decide_appeal(appeal_id: i64, decision: String, reply: String) -> Result<AppealStatus, AppError> {
    crate::server::respond(crate::server::appeal::decide(appeal_id, decision, reply).await)
}
