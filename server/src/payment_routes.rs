//! Payment gateway callbacks. They come from the gateway, not a browser, so
//! they bypass the cross-origin check and are trusted only after the
//! signature verifies. Replays answer success and change nothing.

use app::server::flows::handle_payment_notification;
use app::server::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn sandbox_notify(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers.get(payments::SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    match handle_payment_notification(&state, &body, signature).await {
        Ok(_) => (StatusCode::OK, "SUCCESS").into_response(),
        Err(err) => (StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST), "FAIL").into_response(),
    }
}
