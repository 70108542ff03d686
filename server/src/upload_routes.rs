//! File uploads and downloads. Uploads are plain multipart form posts (they
//! work before the page hydrates) answered with a redirect back to the page;
//! files are served only to whoever may see them, with their own content
//! type and `nosniff`.

use app::server::catalog_admin::{store_service_image, store_service_video};
use app::server::chat::store_chat_image;
use app::server::feedback::store_feedback_image;
use app::server::proof::store_order_photo;
use app::server::reviews::{store_review_photo, store_review_video};
use app::server::onboarding::{may_read_file, store_worker_document, DocumentFields, UploadOutcome};
use app::server::session::SessionState;
use app::server::AppState;
use crate::guards::UploadTooLarge;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uploads::StoredKey;

/// Largest upload request: the 5 MiB image limit plus multipart framing.
pub const MAX_UPLOAD_BODY_BYTES: usize = 6 * 1024 * 1024;

/// Largest video upload request: the 50 MiB video limit plus framing.
pub const MAX_VIDEO_UPLOAD_BODY_BYTES: usize = 51 * 1024 * 1024;

/// Whether `path` takes a video (and its larger body).
pub fn is_video_upload(path: &str) -> bool {
    (path.starts_with("/uploads/review/") || path.starts_with("/uploads/service/")) && path.ends_with("/video")
}

fn back_to_apply(query: &str) -> Response {
    Redirect::to(&format!("/worker/apply?{query}")).into_response()
}

/// An uploaded form: the bytes of its field `file`, and its fields
/// `category` and `expires_on` when they come before the file (as the
/// page's form sends them).
struct UploadForm {
    file: Vec<u8>,
    fields: DocumentFields,
}

/// The upload form's fields, or the reason code to show.
async fn upload_form(state: &AppState, req: Request) -> Result<UploadForm, &'static str> {
    if req.extensions().get::<UploadTooLarge>().is_some() {
        return Err("too_large");
    }
    let mut multipart = Multipart::from_request(req, state).await.map_err(|_| "empty")?;
    let mut fields = DocumentFields::default();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let file = field.bytes().await.map(|b| b.to_vec()).map_err(|_| "too_large")?;
                return Ok(UploadForm { file, fields });
            }
            Ok(Some(field)) if field.name() == Some("category") => fields.category = Some(field.text().await.map_err(|_| "failed")?),
            Ok(Some(field)) if field.name() == Some("expires_on") => fields.expires_on = Some(field.text().await.map_err(|_| "failed")?),
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(UploadForm { file: Vec::new(), fields }),
            Err(_) => return Err("failed"),
        }
    }
}

pub(crate) fn signed_in(req: &Request) -> Option<store::User> {
    req.extensions().get::<SessionState>().and_then(|s| s.user().cloned())
}

/// `POST /uploads/worker/{kind}`: one image in the form field `file`; a
/// qualification certificate also names its service `category`, and a
/// certificate its last valid day `expires_on`.
pub async fn upload_worker_document(State(state): State<AppState>, Path(kind): Path<String>, req: Request) -> Response {
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let refused = |code: &str| back_to_apply(&format!("kind={kind}&upload_error={code}"));
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_worker_document(&state, &user, &kind, &form.fields, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(code)),
    };
    answer_upload(outcome, back_to_apply(&format!("uploaded={kind}")), refused)
}

/// `POST /uploads/service/{id}`: a picture for a service's gallery (admins).
pub async fn upload_service_image(State(state): State<AppState>, Path(service_id): Path<i64>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/admin/catalog/{service_id}?{query}")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_service_image(&state, &user, service_id, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(code)),
    };
    answer_upload(outcome, back("uploaded=1"), |code| back(&format!("upload_error={code}")))
}

/// `POST /uploads/service/{id}/video`: a service's short video, replacing
/// the one it had; back to the service's admin page.
pub async fn upload_service_video(State(state): State<AppState>, Path(service_id): Path<i64>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/admin/catalog/{service_id}?{query}#service-video")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_service_video(&state, &user, service_id, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(video_form_code(code))),
    };
    answer_upload(outcome, back("uploaded=video"), |code| back(&format!("video_error={code}")))
}

/// `POST /uploads/feedback/{id}`: a photo for the customer's own feedback.
pub async fn upload_feedback_image(State(state): State<AppState>, Path(feedback_id): Path<i64>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/me/feedback?feedback={feedback_id}&{query}")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_feedback_image(&state, &user, feedback_id, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(code)),
    };
    answer_upload(outcome, back("uploaded=1"), |code| back(&format!("upload_error={code}")))
}

/// `POST /uploads/chat/{thread}`: a photo sent into a chat thread (`order:12`,
/// `support:5`, or `support` for a customer's own) by one of its sides.
pub async fn upload_chat_image(State(state): State<AppState>, Path(thread): Path<String>, req: Request) -> Response {
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let file = upload_form(&state, req).await.map(|form| form.file);
    let (page, outcome) = store_chat_image(&state, &user, &thread, file).await;
    let Some(page) = page else {
        if let Err(UploadOutcome::Internal(err)) = &outcome {
            tracing::error!(error = %err, "checking a chat photo's thread failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        return StatusCode::FORBIDDEN.into_response();
    };
    let back = |query: &str| Redirect::to(&format!("{page}?{query}")).into_response();
    answer_upload(outcome, back("sent=photo"), |code| back(&format!("upload_error={code}")))
}

/// `POST /uploads/order/{id}/{stage}`: a proof photo (`before` or `after`)
/// from the order's worker, back to their workbench at that order.
pub async fn upload_order_photo(State(state): State<AppState>, Path((order_id, stage)): Path<(i64, String)>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/worker?order={order_id}&{query}#order-{order_id}")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_order_photo(&state, &user, order_id, &stage, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(code)),
    };
    answer_upload(outcome, back("uploaded=photo"), |code| back(&format!("upload_error={code}")))
}

/// `POST /uploads/review/{order_id}`: a photo for the customer's review of
/// their order, back to the order's page.
pub async fn upload_review_photo(State(state): State<AppState>, Path(order_id): Path<i64>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/orders/{order_id}?{query}#my-review")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_review_photo(&state, &user, order_id, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(code)),
    };
    answer_upload(outcome, back("uploaded=review_photo"), |code| back(&format!("upload_error={code}")))
}

/// `POST /uploads/review/{order_id}/video`: the short video of the
/// customer's review of their order, back to the order's page.
pub async fn upload_review_video(State(state): State<AppState>, Path(order_id): Path<i64>, req: Request) -> Response {
    let back = |query: &str| Redirect::to(&format!("/orders/{order_id}?{query}#my-review")).into_response();
    let Some(user) = signed_in(&req) else {
        return Redirect::to("/login").into_response();
    };
    let outcome = match upload_form(&state, req).await {
        Ok(form) => store_review_video(&state, &user, order_id, form.file).await,
        Err(code) => Err(UploadOutcome::Refused(video_form_code(code))),
    };
    answer_upload(outcome, back("uploaded=review_video"), |code| back(&format!("video_error={code}")))
}

/// A form that could not be read, said of a video: over the request limit
/// is the video's own 50 MB.
fn video_form_code(code: &'static str) -> &'static str {
    if code == "too_large" { "video_too_large" } else { code }
}

/// Every upload's answer: `done` when stored, 403 to someone who may not
/// upload there, else back to the page with the reason code.
fn answer_upload(outcome: Result<(), UploadOutcome>, done: Response, refused: impl Fn(&str) -> Response) -> Response {
    match outcome {
        Ok(()) => done,
        Err(UploadOutcome::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(UploadOutcome::Refused(code)) => refused(code),
        Err(UploadOutcome::Internal(err)) => {
            tracing::error!(error = %err, "storing an upload failed");
            refused("failed")
        }
    }
}

/// `GET /files/{area}/{name}`: a stored file, to those allowed to see it;
/// everyone else gets 404 so keys cannot be probed.
pub async fn serve_file(State(state): State<AppState>, Path((area, name)): Path<(String, String)>, req: Request) -> Response {
    let Ok(key) = StoredKey::parse(&format!("{area}/{name}")) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let viewer = signed_in(&req);
    match may_read_file(&state, viewer.as_ref(), &key).await {
        Ok(true) => {}
        Ok(false) => return StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "file access check failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    let range = req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    match state.files.get(&key).await {
        Ok(file) => {
            let headers = [
                (header::CONTENT_TYPE, file.content_type),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::CACHE_CONTROL, "private, max-age=3600"),
                (header::CONTENT_DISPOSITION, "inline"),
                (header::ACCEPT_RANGES, "bytes"),
            ];
            let len = file.bytes.len();
            // Players fetch a video by ranges (Safari plays none otherwise).
            match byte_range(range.as_deref(), len) {
                Ok(None) => (headers, file.bytes).into_response(),
                Ok(Some(part)) => {
                    let content_range = format!("bytes {}-{}/{len}", part.start, part.end - 1);
                    (StatusCode::PARTIAL_CONTENT, headers, [(header::CONTENT_RANGE, content_range)], file.bytes.slice(part)).into_response()
                }
                Err(Unsatisfiable) => (StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{len}"))]).into_response(),
            }
        }
        Err(uploads::UploadError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(err) => {
            tracing::error!(error = %err, "reading a stored file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A `Range` header asking for bytes past the end of the file.
#[derive(Debug, PartialEq, Eq)]
struct Unsatisfiable;

/// The bytes of a file `len` long that a `Range: bytes=…` header asks for.
/// `None`, to send the whole file, without a header or for one we do not
/// split on (several ranges, another unit, a malformed one), as a server may.
fn byte_range(header: Option<&str>, len: usize) -> Result<Option<std::ops::Range<usize>>, Unsatisfiable> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")).filter(|s| !s.contains(',')) else {
        return Ok(None);
    };
    let Some((first, last)) = spec.split_once('-') else { return Ok(None) };
    let (first, last) = (first.trim(), last.trim());
    let range = match (first.parse::<usize>(), last.parse::<usize>()) {
        // The last `n` bytes.
        _ if first.is_empty() => match last.parse::<usize>() {
            Ok(0) => return Err(Unsatisfiable),
            Ok(n) => len.saturating_sub(n)..len,
            Err(_) => return Ok(None),
        },
        (Ok(start), _) if last.is_empty() => start..len,
        (Ok(start), Ok(end)) if start <= end => start..len.min(end.saturating_add(1)),
        _ => return Ok(None),
    };
    if range.start >= len {
        return Err(Unsatisfiable);
    }
    Ok(Some(range))
}

#[cfg(test)]
mod tests {
    use super::{byte_range, Unsatisfiable};

    #[test]
    fn a_range_request_gets_the_bytes_it_names_clipped_to_the_file() {
        assert_eq!(byte_range(Some("bytes=0-1"), 10), Ok(Some(0..2)));
        assert_eq!(byte_range(Some("bytes=4-"), 10), Ok(Some(4..10)));
        assert_eq!(byte_range(Some("bytes=8-99"), 10), Ok(Some(8..10)));
        assert_eq!(byte_range(Some("bytes=-3"), 10), Ok(Some(7..10)));
        assert_eq!(byte_range(Some("bytes=-30"), 10), Ok(Some(0..10)));
    }

    #[test]
    fn a_range_past_the_end_is_unsatisfiable() {
        assert_eq!(byte_range(Some("bytes=10-"), 10), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=12-20"), 10), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=-0"), 10), Err(Unsatisfiable));
    }

    #[test]
    fn no_range_or_one_we_do_not_split_on_gets_the_whole_file() {
        for header in [None, Some("bytes=0-1,4-5"), Some("items=0-1"), Some("bytes=5-2"), Some("bytes=x-"), Some("bytes=-")] {
            assert_eq!(byte_range(header, 10), Ok(None), "{header:?}");
        }
    }
}
