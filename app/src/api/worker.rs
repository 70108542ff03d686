//! The worker's own workbench.

use super::UnixSeconds;
use crate::error::AppError;
use domain::WorkerStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerHomeView {
    pub display_name: String,
    pub phone: String,
    pub status: WorkerStatus,
    pub review_note: String,
    pub years_experience: i32,
    pub intro: String,
    pub member_since: UnixSeconds,
    /// Warnings given and not withdrawn, which 工作台 points out.
    pub standing_warnings: usize,
    /// Interview invitations (B8) she has not answered.
    pub interview_invitations: usize,
}

#[server(prefix = "/api", endpoint = "worker_home")]
pub async fn worker_home() -> Result<WorkerHomeView, AppError> {
    crate::server::respond(crate::server::worker::worker_home().await)
}
