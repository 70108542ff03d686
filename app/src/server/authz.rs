//! Authorization for server functions: each one calls `require` with its
//! entry in `ACCESS_POLICY` before doing anything else.

use super::session::SessionState;
use crate::api::Access;
use crate::error::AppError;
use axum::http::request::Parts;
use leptos::prelude::*;
use store::User;

pub fn session_state() -> SessionState {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<SessionState>().cloned())
        .unwrap_or(SessionState::Anonymous)
}

/// The caller, if `access` admits them; otherwise 401 (not signed in, or
/// session expired) or 403 (signed in with the wrong role).
pub fn require(access: Access) -> Result<Option<User>, AppError> {
    let state = session_state();
    let user = state.user().cloned();
    if access.admits(user.as_ref().map(|u| u.role)) {
        return Ok(user);
    }
    Err(match state {
        SessionState::Anonymous => AppError::Unauthenticated,
        SessionState::Expired => AppError::SessionExpired,
        SessionState::SignedIn { .. } => AppError::Forbidden,
    })
}

/// `require` for endpoints that need a signed-in caller.
pub fn require_user(access: Access) -> Result<User, AppError> {
    require(access)?.ok_or(AppError::Unauthenticated)
}
