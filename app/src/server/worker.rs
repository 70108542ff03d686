use super::authz::require_user;
use super::{app_state, internal};
use crate::api::worker::WorkerHomeView;
use crate::api::WORKER;
use crate::error::AppError;

pub async fn worker_home() -> Result<WorkerHomeView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let profile = state.store.worker_profile(user.id).await.map_err(internal)?.ok_or_else(|| {
        tracing::error!(user_id = user.id.0, "worker without a profile");
        AppError::Internal
    })?;
    Ok(WorkerHomeView {
        display_name: user.display_name,
        phone: user.phone.to_string(),
        status: profile.status,
        review_note: profile.review_note,
        years_experience: profile.years_experience,
        intro: profile.intro,
        member_since: user.created_at.unix_timestamp(),
    })
}
