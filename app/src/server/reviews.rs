//! Reviews as they are shown (C9): masked authors, and the photos the
//! customer adds to their own review once it is written.

use super::onboarding::{file_url, put_clean_image, put_clean_video, UploadOutcome};
use super::authz::require_user;
use super::flows::unix;
use super::{app_state, internal, AppState};
use crate::api::orders::{PublicReviewView, ReviewMedia};
use crate::api::CUSTOMER;
use crate::error::AppError;
use domain::Role;
use std::collections::HashMap;
use store::{PublicReview, ReviewMediaKind, StoreError, User};
use uploads::StoredKey;

/// Where review photos are stored.
pub const REVIEW_PHOTO_AREA: &str = "review";

/// The photo and video addresses of the reviews of `order_ids`, by order.
pub async fn review_media(state: &AppState, order_ids: &[i64]) -> Result<HashMap<i64, ReviewMedia>, StoreError> {
    let mut by_order: HashMap<i64, ReviewMedia> = HashMap::new();
    for (order_id, key) in state.store.review_photos(order_ids).await? {
        let media = by_order.entry(order_id).or_default();
        match StoredKey::parse(&key).is_ok_and(|k| k.is_video()) {
            true => media.video = Some(file_url(&key)),
            false => media.photos.push(file_url(&key)),
        }
    }
    Ok(by_order)
}

/// Reviews as anyone may read them: the author's name masked, the three
/// ratings as one star count, with their photos and video.
pub async fn public_reviews(state: &AppState, reviews: Vec<PublicReview>) -> Result<Vec<PublicReviewView>, StoreError> {
    let order_ids: Vec<i64> = reviews.iter().map(|r| r.order_id).collect();
    let mut media = review_media(state, &order_ids).await?;
    Ok(reviews
        .into_iter()
        .map(|r| {
            let media = media.remove(&r.order_id).unwrap_or_default();
            PublicReviewView {
                author: masked_name(&r.customer_name),
                stars: ((r.quality + r.attitude + r.result) as f64 / 3.0).round() as i32,
                body: r.body,
                at: unix(r.created_at),
                photos: media.photos,
                video: media.video,
            }
        })
        .collect())
}

/// `张**`: enough to tell reviews apart, not enough to identify anyone.
fn masked_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => "*".into(),
    }
}

/// A photo for the review `user` wrote of their order `order_id`: refused
/// (`no_review`, `too_many_review_photos`) when it cannot be added.
pub async fn store_review_photo(state: &AppState, user: &User, order_id: i64, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    // Checked before storing too, so a full review costs no re-encoding.
    if !booking::may_add_review_photo(own_review_media(state, user, order_id).await?.photos.len()) {
        return Err(UploadOutcome::Refused("too_many_review_photos"));
    }
    let key = put_clean_image(state, REVIEW_PHOTO_AREA, bytes).await?;
    attach_review_media(state, user, order_id, key, ReviewMediaKind::Photo).await
}

/// The short video for the review `user` wrote of their order `order_id`
/// (one per review): refused (`no_review`, `review_video_taken`, or why the
/// file is no video we keep) when it cannot be added.
pub async fn store_review_video(state: &AppState, user: &User, order_id: i64, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    if own_review_media(state, user, order_id).await?.video.is_some() {
        return Err(UploadOutcome::Refused("review_video_taken"));
    }
    let key = put_clean_video(state, REVIEW_PHOTO_AREA, bytes).await?;
    attach_review_media(state, user, order_id, key, ReviewMediaKind::Video).await
}

/// What the review of `order_id` holds, when it is `user`'s: their order,
/// reviewed (else `no_review`); someone else's order is forbidden.
async fn own_review_media(state: &AppState, user: &User, order_id: i64) -> Result<ReviewMedia, UploadOutcome> {
    let failed = |e: StoreError| UploadOutcome::Internal(e.to_string());
    let order = state.store.order(order_id).await.map_err(failed)?;
    if !order.is_some_and(|o| user.role == Role::Customer && o.customer_id == user.id.0) {
        return Err(UploadOutcome::Forbidden);
    }
    if state.store.review_for_order(order_id).await.map_err(failed)?.is_none() {
        return Err(UploadOutcome::Refused("no_review"));
    }
    Ok(review_media(state, &[order_id]).await.map_err(failed)?.remove(&order_id).unwrap_or_default())
}

/// Puts a stored photo or video on the review; when the review has no room
/// for it after all, the stored copy (which nobody may read) is removed.
async fn attach_review_media(state: &AppState, user: &User, order_id: i64, key: StoredKey, kind: ReviewMediaKind) -> Result<(), UploadOutcome> {
    let max = booking::MAX_REVIEW_PHOTOS as i64;
    let refused = match state.store.add_review_media(order_id, user.id.0, key.as_str(), kind, max, state.clock.now()).await {
        Ok(()) => return Ok(()),
        Err(StoreError::Conflict) if kind == ReviewMediaKind::Video => "review_video_taken",
        Err(StoreError::Conflict) => "too_many_review_photos",
        Err(StoreError::NotFound) => "no_review",
        Err(err) => return Err(UploadOutcome::Internal(err.to_string())),
    };
    if let Err(err) = state.files.delete(&key).await {
        tracing::warn!(error = %err, "removing an unused review upload failed");
    }
    Err(UploadOutcome::Refused(refused))
}

/// The customer takes one of their review's photos off (by the address the
/// order page shows); it is then deleted. Not theirs, or gone already: 404.
pub async fn remove_review_photo(order_id: i64, photo: String) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let key = photo.strip_prefix("/files/").and_then(|key| StoredKey::parse(key).ok()).ok_or(AppError::NotFound)?;
    if !state.store.remove_review_photo(order_id, user.id.0, key.as_str()).await.map_err(internal)? {
        return Err(AppError::NotFound);
    }
    if let Err(err) = state.files.delete(&key).await {
        tracing::warn!(error = %err, "deleting a removed review photo failed");
    }
    tracing::info!(order_id, "review photo removed");
    Ok(())
}
