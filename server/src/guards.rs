//! Request guards that run before any page or server function:
//! cross-origin refusal, session resolution and the access policy.

use app::api::{access_for, Access, ADMIN, CUSTOMER, WORKER};
use app::error::AppError;
use app::i18n::{t, Msg};
use app::server::session::{clearing_cookie, resolve, SessionState};
use app::server::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

fn error_response(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The framework reads a server function's arguments before the function
/// runs and answers a missing or malformed one with 500 whatever the error;
/// this gives such an answer the status of the error it carries (400).
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error body is a short JSON object; anything longer is left a 500.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    if let Some(status) = serde_json::from_slice::<AppError>(&bytes).ok().and_then(|err| StatusCode::from_u16(err.status()).ok()) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Marks an upload whose body was over its limit: the route gets it empty
/// and answers as for any refused file, back to its page with the reason.
#[derive(Debug, Clone, Copy)]
pub struct UploadTooLarge;

/// Refuses bodies over `max` bytes with 413, whether or not the client
/// declared a length (a chunked body is read up to the limit, then refused).
/// An upload over it goes on to its route marked [`UploadTooLarge`]
/// instead, so a form posted before the page's script could check the file
/// shows the error beside the field rather than a bare error page; the rest
/// of its body (up to four times the limit) is read and dropped first, since
/// a browser still sending reports a reset connection, not the answer.
pub async fn limit_body(max: usize, req: Request, next: Next) -> Response {
    let too_large = || {
        (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], t(Msg::ErrBodyTooLarge))
            .into_response()
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let (mut parts, body) = req.into_parts();
    let upload = parts.uri.path().starts_with("/uploads/");
    let drain_to = max.saturating_mul(4);
    let drain_to = (upload && declared.is_none_or(|len| len <= drain_to)).then_some(drain_to);
    let within = if declared.is_some_and(|len| len > max) && drain_to.is_none() {
        None
    } else {
        match read_within(body, max, drain_to).await {
            Ok(within) => within,
            Err(status) => return status.into_response(),
        }
    };
    match within {
        Some(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        None if upload => {
            parts.extensions.insert(UploadTooLarge);
            next.run(Request::from_parts(parts, Body::empty())).await
        }
        None => too_large(),
    }
}

/// The body when it is at most `max` bytes, else `None`; past `max` the
/// rest is read and dropped, up to `drain_to` bytes in all.
async fn read_within(body: Body, max: usize, drain_to: Option<usize>) -> Result<Option<Vec<u8>>, StatusCode> {
    let mut kept = Vec::new();
    let mut seen = 0usize;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = futures_util::StreamExt::next(&mut stream).await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        seen += chunk.len();
        if seen <= max {
            kept.extend_from_slice(&chunk);
        } else if drain_to.is_none_or(|to| seen > to) {
            break;
        }
    }
    Ok((seen <= max).then_some(kept))
}

/// Refuses state-changing requests sent by another site's page. Browsers
/// label every request with `Sec-Fetch-Site` (and `Origin` on POST); a
/// request with neither comes from a non-browser client, which carries no
/// ambient cookies to abuse.
pub async fn cross_origin_guard(req: Request, next: Next) -> Response {
    // Gateway callbacks are server-to-server and verified by signature instead.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || req.uri().path().starts_with("/payments/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let refused = match fetch_site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), headers.get(header::HOST)) {
            (Some(origin), Some(host)) => {
                let host = host.to_str().unwrap_or_default();
                let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
                origin == "null" || origin_host != host
            }
            (Some(_), None) => true,
            (None, _) => false,
        },
    };
    if refused {
        tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
        return (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], t(Msg::ErrCrossOrigin))
            .into_response();
    }
    next.run(req).await
}

/// Looks up the session cookie and records the outcome in the request's
/// extensions; a stale cookie is cleared on the way out.
pub async fn resolve_session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = resolve(&state.store, req.headers()).await;
    let expired = matches!(session, SessionState::Expired);
    req.extensions_mut().insert(session);
    let mut response = next.run(req).await;
    if expired && !response.headers().contains_key(header::SET_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, clearing_cookie(&state.config));
    }
    response
}

/// Which role a page path belongs to; `None` for public pages.
pub fn page_access(path: &str) -> Option<Access> {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/admin") || under("/uploads/service") {
        Some(ADMIN)
    } else if under("/book") || under("/pay") || under("/orders") || under("/uploads/review") {
        Some(CUSTOMER)
    } else if path == "/worker/register" {
        None
    } else if under("/worker") || under("/uploads/worker") {
        Some(WORKER)
    } else if under("/me") {
        Some(CUSTOMER)
    } else {
        None
    }
}

fn forbidden_page(role_home: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/daojia.css\"></head>\
         <body><div class=\"state-box not-found\"><h1>{title}</h1>\
         <a class=\"btn btn-primary\" href=\"{role_home}\">{back}</a></div></body></html>",
        title = t(Msg::ErrForbidden),
        back = t(Msg::BackHome),
    );
    let mut response = (StatusCode::FORBIDDEN, html).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Enforces `ACCESS_POLICY` for server functions (an endpoint missing from
/// the table is refused) and role areas for pages. Server functions check
/// again themselves; this layer makes a forgotten check fail closed.
pub async fn access_guard(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let session = req.extensions().get::<SessionState>().cloned().unwrap_or(SessionState::Anonymous);
    let role = session.user().map(|u| u.role);

    if path.starts_with("/api/") {
        let Some(access) = access_for(&path) else {
            return error_response(AppError::NotFound);
        };
        if access.admits(role) {
            return next.run(req).await;
        }
        return error_response(match session {
            SessionState::Anonymous => AppError::Unauthenticated,
            SessionState::Expired => AppError::SessionExpired,
            SessionState::SignedIn { .. } => AppError::Forbidden,
        });
    }

    match page_access(&path) {
        Some(access) if !access.admits(role) => match (&session, role) {
            (_, Some(role)) => forbidden_page(role.home_path()),
            (SessionState::Expired, None) => {
                Redirect::to(&format!("/login?expired=1&next={}", percent_encode(&path))).into_response()
            }
            (_, None) => Redirect::to(&format!("/login?next={}", percent_encode(&path))).into_response(),
        },
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_areas_cover_their_subpaths_only() {
        assert_eq!(page_access("/admin"), Some(ADMIN));
        assert_eq!(page_access("/admin/users"), Some(ADMIN));
        assert_eq!(page_access("/administrator"), None);
        assert_eq!(page_access("/worker"), Some(WORKER));
        assert_eq!(page_access("/worker/register"), None);
        assert_eq!(page_access("/uploads/worker/id_card"), Some(WORKER));
        assert_eq!(page_access("/uploads/service/3"), Some(ADMIN));
        assert_eq!(page_access("/uploads/review/3"), Some(CUSTOMER));
        assert_eq!(page_access("/me"), Some(CUSTOMER));
        assert_eq!(page_access("/"), None);
        assert_eq!(page_access("/login"), None);
    }
}
