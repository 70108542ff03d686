//! The Daojia web server: configuration, wiring of `AppState`, the axum
//! router with its security layers, `/healthz`, background upkeep and the
//! administrative sub-commands.

pub mod config;
pub mod demo;
pub mod demo_history;
pub mod export_routes;
pub mod guards;
pub mod jobs;
pub mod live;
pub mod payment_routes;
pub mod upload_routes;

use app::server::{AppState, Config};
use app::{shell, App};
use axum::{http::StatusCode, middleware, routing::get, Json, Router};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use store::DynStore;
use tower_http::trace::TraceLayer;

/// Largest request body accepted; forms here are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Concurrent argon2 hashes allowed (each takes ~19 MiB and most of a core).
const PASSWORD_HASH_PERMITS: usize = 4;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `uploads_url`: where uploaded files live (a folder, `file:///…`,
/// `s3://bucket/prefix` or `memory://`).
pub fn build_state(store: DynStore, config: Config, sandbox_key: &str, uploads_url: &str, leptos_options: LeptosOptions) -> Result<AppState, BoxError> {
    let passwords = app::server::passwords::PasswordHasher::new(PASSWORD_HASH_PERMITS)?;
    let payments = Arc::new(payments::SandboxProvider::new(sandbox_key.as_bytes().to_vec()));
    let files = uploads::FileStore::from_config(uploads_url)?;
    let travel = Arc::new(config.travel);
    let sms = Arc::new(app::server::sms::LoggedSms);
    Ok(AppState { store, payments, config: Arc::new(config), travel, passwords, files, leptos_options, clock: Default::default(), sms })
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> (StatusCode, Json<Health>) {
    let backend = match state.store.backend() {
        store::Backend::Sqlite => "sqlite",
        store::Backend::Postgres => "postgres",
    };
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok", database: backend })),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: "database_unavailable", database: backend }))
        }
    }
}

/// Every page route of the app, for `router`. Walking the app switches off
/// resource loading for the whole process while it runs (leptos issue
/// #4773): a page rendered meanwhile waits forever. So a process lists its
/// routes once, before it serves any page.
pub fn page_routes() -> Vec<AxumRouteListing> {
    generate_route_list(App)
}

/// The whole HTTP surface, ready to serve or to drive from tests.
pub fn router(state: AppState, page_routes: Vec<AxumRouteListing>) -> Router {
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/live", get(live::live))
        .route("/payments/sandbox/notify", axum::routing::post(payment_routes::sandbox_notify))
        .route("/uploads/worker/{kind}", axum::routing::post(upload_routes::upload_worker_document))
        .route("/uploads/service/{id}", axum::routing::post(upload_routes::upload_service_image))
        .route("/uploads/service/{id}/video", axum::routing::post(upload_routes::upload_service_video))
        .route("/uploads/feedback/{id}", axum::routing::post(upload_routes::upload_feedback_image))
        .route("/uploads/chat/{thread}", axum::routing::post(upload_routes::upload_chat_image))
        .route("/uploads/order/{id}/{stage}", axum::routing::post(upload_routes::upload_order_photo))
        .route("/uploads/review/{id}", axum::routing::post(upload_routes::upload_review_photo))
        .route("/uploads/review/{id}/video", axum::routing::post(upload_routes::upload_review_video))
        .route("/files/{area}/{name}", get(upload_routes::serve_file))
        .route(app::api::analytics::CSV_PATH, get(export_routes::analytics_csv))
        .leptos_routes(&state, page_routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Layers run outermost-last: limit → CSRF → session → access policy → error status.
        .layer(middleware::from_fn(guards::server_fn_error_status))
        .layer(middleware::from_fn(guards::access_guard))
        .layer(middleware::from_fn_with_state(state.clone(), guards::resolve_session))
        .layer(middleware::from_fn(guards::cross_origin_guard))
        .layer(middleware::from_fn(|req: axum::extract::Request, next| {
            let path = req.uri().path();
            let max = if upload_routes::is_video_upload(path) {
                upload_routes::MAX_VIDEO_UPLOAD_BODY_BYTES
            } else if path.starts_with("/uploads/") {
                upload_routes::MAX_UPLOAD_BODY_BYTES
            } else {
                MAX_BODY_BYTES
            };
            guards::limit_body(max, req, next)
        }))
        // `limit_body` has bounded every body already; axum's own 2 MB default
        // for extractors would refuse a 3 MB phone photo under the 5 MB limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Hourly removal of expired sessions, old login-attempt records and
/// worker positions past their retention.
pub fn spawn_upkeep(store: DynStore) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = time::OffsetDateTime::now_utc();
            match store.delete_expired_sessions(now).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "session clean-up failed"),
            }
            if let Err(err) = store.prune_login_attempts(now - Duration::from_secs(24 * 3600)).await {
                tracing::error!(error = %err, "login attempt pruning failed");
            }
            match store.purge_positions(now - time::Duration::days(booking::POSITION_RETENTION_DAYS)).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "old worker positions removed"),
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "position purge failed"),
            }
        }
    })
}
