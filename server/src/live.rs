//! `/live`: a Server-Sent Events stream of the signed-in user's live events.
//! The `live_events` table is the source of truth, so a page that
//! reconnects (with `Last-Event-ID`) catches up on everything it missed, and
//! every server instance sharing the database serves the same stream.

use app::server::session::SessionState;
use app::server::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde::Serialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

const POLL_INTERVAL: Duration = Duration::from_millis(700);

#[derive(Serialize)]
struct LiveMessage {
    topic: String,
    order_id: Option<i64>,
}

pub async fn live(State(state): State<AppState>, req: Request) -> Response {
    let Some(user) = req.extensions().get::<SessionState>().and_then(|s| s.user().cloned()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let resume_from = req
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let start = match resume_from {
        Some(id) => id,
        None => match state.store.last_live_event_id(user.id.0).await {
            Ok(id) => id,
            Err(err) => {
                tracing::error!(error = %err, "live: cannot read the last event id");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
    };
    let user_id = user.id.0;
    let events = stream::unfold((state, start, VecDeque::new(), true), move |(state, mut last, mut pending, first)| async move {
        loop {
            if let Some(event) = pending.pop_front() {
                return Some((Ok::<_, Infallible>(event), (state, last, pending, false)));
            }
            if !first {
                tokio::time::sleep(POLL_INTERVAL).await;
            }
            match state.store.live_events_after(user_id, last, 50).await {
                Ok(rows) => {
                    for row in rows {
                        last = row.id;
                        let message = LiveMessage { topic: row.topic, order_id: row.order_id };
                        let data = serde_json::to_string(&message).unwrap_or_default();
                        pending.push_back(Event::default().id(row.id.to_string()).data(data));
                    }
                }
                Err(err) => tracing::warn!(error = %err, "live: poll failed"),
            }
            if pending.is_empty() && first {
                // Nothing yet: fall through to the next poll after the interval.
                return Some((Ok(Event::default().comment("ready")), (state, last, pending, false)));
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}
