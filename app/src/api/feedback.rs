//! Feedback and complaints: customers file them (C10), admins take, answer
//! and resolve them (A9), and the customer is told of every answer in 消息.

use super::UnixSeconds;
use crate::error::AppError;
use domain::{FeedbackCategory, FeedbackStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackView {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub order_id: Option<i64>,
    pub order_no: Option<String>,
    pub category: FeedbackCategory,
    pub body: String,
    pub status: FeedbackStatus,
    pub handler_name: Option<String>,
    pub at: UnixSeconds,
    /// URLs of the customer's photos, oldest first.
    pub images: Vec<String>,
    /// Oldest first; the last one resolves it once it is resolved.
    pub replies: Vec<FeedbackReplyView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackReplyView {
    pub admin_name: String,
    pub body: String,
    pub resolves: bool,
    pub at: UnixSeconds,
}

/// One of the customer's orders a complaint can be about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackOrderChoice {
    pub id: i64,
    /// Service and appointment, e.g. 日常保洁 · 2小时 12-04 10:00.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFeedback {
    pub orders: Vec<FeedbackOrderChoice>,
    pub items: Vec<FeedbackView>,
}

/// What the admin's list can narrow to (`?status=`): a status, or
/// `unresolved` for everything not yet resolved.
pub const UNRESOLVED: &str = "unresolved";

/// Photos one piece of feedback may carry.
pub const MAX_FEEDBACK_IMAGES: i64 = 3;

#[server(prefix = "/api", endpoint = "my_feedback")]
pub async fn my_feedback() -> Result<CustomerFeedback, AppError> {
    crate::server::respond(crate::server::feedback::my_feedback().await)
}

/// Files feedback; `order_id` is empty or one of the customer's orders.
#[server(prefix = "/api", endpoint = "submit_feedback")]
pub async fn submit_feedback(category: String, order_id: String, body: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::feedback::submit(category, order_id, body).await)
}

#[server(prefix = "/api", endpoint = "admin_feedback_list")]
pub async fn admin_feedback_list(status: Option<String>, customer_id: Option<i64>, order_id: Option<i64>) -> Result<Vec<FeedbackView>, AppError> {
    crate::server::respond(crate::server::feedback::admin_list(status, customer_id, order_id).await)
}

#[server(prefix = "/api", endpoint = "admin_feedback")]
pub async fn admin_feedback(feedback_id: i64) -> Result<FeedbackView, AppError> {
    crate::server::respond(crate::server::feedback::admin_one(feedback_id).await)
}

/// 认领 (`take`), 回复 (`reply`), 解决 (`resolve`) or 转交 (`hand_over`,
/// to the admin `to_admin`); returns the new status.
#[server(prefix = "/api", endpoint = "admin_step_feedback")]
pub async fn admin_step_feedback(feedback_id: i64, action: String, body: String, to_admin: Option<i64>) -> Result<FeedbackStatus, AppError> {
    crate::server::respond(crate::server::feedback::admin_step(feedback_id, action, body, to_admin).await)
}

/// An admin feedback can be handed to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlerOption {
    pub id: i64,
    pub name: String,
}

/// Every other enabled admin: whom the caller may hand feedback to.
#[server(prefix = "/api", endpoint = "admin_feedback_handlers")]
pub async fn admin_feedback_handlers() -> Result<Vec<HandlerOption>, AppError> {
    crate::server::respond(crate::server::feedback::other_handlers().await)
}
