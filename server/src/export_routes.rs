//! Downloads for admins: `GET /admin/analytics.csv?days=N`, 经营分析's daily
//! figures (A7).

use crate::upload_routes::signed_in;
use app::server::AppState;
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;

#[derive(serde::Deserialize)]
pub struct CsvQuery {
    days: Option<i64>,
}

pub async fn analytics_csv(State(state): State<AppState>, Query(query): Query<CsvQuery>, req: Request) -> Response {
    match signed_in(&req) {
        None => return Redirect::to("/login").into_response(),
        Some(user) if user.role != Role::Admin => return StatusCode::FORBIDDEN.into_response(),
        Some(_) => {}
    }
    match app::server::analytics::daily_csv(&state, query.days).await {
        Ok((name, body)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
