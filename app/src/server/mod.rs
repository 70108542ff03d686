//! Server-only half of the app: state, sessions, authorization and the work
//! behind each server function. Compiled only with the `ssr` feature.

pub mod account;
pub mod admin;
pub mod analytics;
pub mod appeal;
pub mod assessment;
pub mod authz;
pub mod catalog;
pub mod catalog_admin;
pub mod chat;
pub mod dispatching;
pub mod feedback;
pub mod flows;
pub mod inbox;
pub mod money;
pub mod onboarding;
pub mod ops;
pub mod orders;
pub mod passwords;
pub mod placement;
pub mod pricing;
pub mod proof;
pub mod reminders;
pub mod replay;
pub mod reviews;
pub mod session;
pub mod sms;
pub mod state;
pub mod tracking;
pub mod work;
pub mod worker;

use crate::error::{AppError, Field};
use crate::i18n::Msg;
use axum::http::{header::ACCEPT, request::Parts, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub use state::{AppState, Config};

/// Gives an error response its own HTTP status. A plain HTML form post (no
/// WebAssembly yet) keeps the framework's redirect back to the form instead.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let plain_form_post = use_context::<Parts>()
            .and_then(|parts| parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
            .unwrap_or(false);
        if !plain_form_post {
            if let (Some(options), Ok(status)) = (use_context::<ResponseOptions>(), StatusCode::from_u16(err.status())) {
                options.set_status(status);
            }
        }
    }
    result
}

/// The application state given to every server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from server function context");
        AppError::Internal
    })
}

/// A reason an admin writes (shown to the person it concerns, kept in the
/// audit log): trimmed, at most 200 characters, and when `required` names
/// the message for it, not empty.
pub fn reason(raw: &str, field: Field, required: Option<Msg>) -> Result<String, AppError> {
    let reason = raw.trim();
    if let Some(missing) = required.filter(|_| reason.is_empty()) {
        return Err(AppError::invalid(field, missing));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::invalid(field, Msg::ErrReasonTooLong));
    }
    Ok(reason.to_string())
}

/// Logs a storage failure and hides it from the user.
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "internal error");
    AppError::Internal
}

/// The outcome of saving a versioned admin setting (`what`, for the log):
/// its new version, or `stale` when another admin saved first and nothing
/// changed.
pub fn saved_version(saved: store::StoreResult<i64>, what: &'static str, stale: Msg) -> Result<i64, AppError> {
    match saved {
        Ok(next) => {
            tracing::info!(version = next, setting = what, "setting saved");
            Ok(next)
        }
        Err(store::StoreError::Conflict) => Err(AppError::Refused(stale)),
        Err(err) => Err(internal(err)),
    }
}


#[cfg(test)]
mod reason_tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_required_only_when_asked_and_at_most_200_characters() {
        assert_eq!(reason("  迟到  ", Field::Review, Some(Msg::ErrReasonRequired)), Ok("迟到".to_string()));
        assert_eq!(reason("  ", Field::Review, Some(Msg::ErrReasonRequired)), Err(AppError::invalid(Field::Review, Msg::ErrReasonRequired)));
        assert_eq!(reason("  ", Field::Review, None), Ok(String::new()));
        let long = "长".repeat(201);
        assert_eq!(reason(&long, Field::CancelReason, None), Err(AppError::invalid(Field::CancelReason, Msg::ErrReasonTooLong)));
        assert_eq!(reason(&"长".repeat(200), Field::CancelReason, None).map(|r| r.chars().count()), Ok(200));
    }
}
