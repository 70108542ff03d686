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
    let warnings = state.store.warnings(user.id.0, super::appeal::WARNING_LIMIT).await.map_err(internal)?;
    let candidacies = state.store.candidacies(user.id.0, super::placement::LIST_LIMIT).await.map_err(internal)?;
    Ok(WorkerHomeView {
        interview_invitations: candidacies.iter().filter(|c| super::placement::awaits_answer(c)).count(),
        standing_warnings: warnings.iter().filter(|w| w.withdrawn_at.is_none()).count(),
        display_name: user.display_name,
        phone: user.phone.to_string(),
        status: profile.status,
        review_note: profile.review_note,
        years_experience: profile.years_experience,
        intro: profile.intro,
        member_since: user.created_at.unix_timestamp(),
    })
}
