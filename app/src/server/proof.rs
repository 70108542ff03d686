//! Proof of work (B4): who may tick, add photos, see them and confirm, and
//! what a worker must show before finishing.

use super::authz::require_user;
use super::flows::{self, unix};
use super::onboarding::{file_url, put_clean_image, UploadOutcome};
use super::{app_state, internal, AppState};
use crate::api::proof::{ChecklistItem, ProofView};
use crate::api::{CUSTOMER, WORKER};
use crate::error::AppError;
use crate::i18n::Msg;
use booking::{OrderState, PhotoStage, ProofMissing, ProofOfWork};
use domain::Role;
use store::{NewOrderPhoto, OrderRecord, StoreError, User};

/// Where proof photos are stored.
pub const ORDER_PHOTO_AREA: &str = "order";

/// The order's proof for `viewer` (its customer, its worker or an admin),
/// once the worker is at the door; `None` before.
pub async fn proof_view(state: &AppState, order: &OrderRecord, viewer: &User) -> Result<Option<ProofView>, AppError> {
    let order_state = flows::order_state(order)?;
    if !matches!(order_state, OrderState::Arrived | OrderState::InService | OrderState::Completed) {
        return Ok(None);
    }
    let record = state.store.order_proof(order.id).await.map_err(internal)?;
    let is_worker = viewer.role == Role::Worker && order.worker_id == Some(viewer.id.0);
    let is_customer = viewer.role == Role::Customer && order.customer_id == viewer.id.0;
    let photos = |stage: PhotoStage| record.photos_at(stage.as_str()).map(file_url).collect();
    Ok(Some(ProofView {
        items: booking::checklist_items(order.checklist.as_deref())
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let position = i32::try_from(i).unwrap_or(i32::MAX);
                ChecklistItem { position, text, ticked: record.ticked.contains(&position) }
            })
            .collect(),
        photos_required: order.proof_photos,
        before: photos(PhotoStage::Before),
        after: photos(PhotoStage::After),
        can_tick: is_worker && booking::may_tick(order_state),
        before_open: is_worker && PhotoStage::Before.open_in(order_state),
        after_open: is_worker && PhotoStage::After.open_in(order_state),
        completed: order_state == OrderState::Completed,
        confirmed_at: order.confirmed_at.map(unix),
        confirmed_auto: order.confirmed_auto,
        can_confirm: is_customer && booking::may_confirm(order_state, order.confirmed_at.is_some()),
    }))
}

/// Why the worker may not finish `order` yet, if they may not.
pub async fn finish_refusal(state: &AppState, order: &OrderRecord) -> Result<Option<Msg>, AppError> {
    let record = state.store.order_proof(order.id).await.map_err(internal)?;
    let count = |stage: PhotoStage| record.photos_at(stage.as_str()).count();
    let proof = ProofOfWork {
        items: booking::checklist_items(order.checklist.as_deref()),
        ticked: record.ticked.iter().filter_map(|&p| usize::try_from(p).ok()).collect(),
        photos_required: order.proof_photos,
        before_photos: count(PhotoStage::Before),
        after_photos: count(PhotoStage::After),
    };
    Ok(proof.missing().map(|missing| match missing {
        ProofMissing::Unticked(_) => Msg::ErrProofUnticked,
        ProofMissing::BeforePhoto => Msg::ErrProofBeforePhoto,
        ProofMissing::AfterPhoto => Msg::ErrProofAfterPhoto,
    }))
}

pub async fn tick_step(order_id: i64, position: i32) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if order.worker_id != Some(user.id.0) {
        return Err(AppError::Refused(Msg::ErrNotAssignedWorker));
    }
    match state.store.tick_step(order_id, user.id.0, position, state.clock.now()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrTickNotNow)),
        Err(err) => Err(internal(err)),
    }
}

pub async fn confirm_service(order_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if order.customer_id != user.id.0 {
        return Err(AppError::NotFound);
    }
    match state.store.confirm_service(order_id, user.id.0, state.clock.now()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrConfirmNotNow)),
        Err(err) => Err(internal(err)),
    }
}

/// A proof photo from the order's worker: stored when the order is at its
/// stage, within [`booking::MAX_PROOF_PHOTOS`].
pub async fn store_order_photo(state: &AppState, user: &User, order_id: i64, stage: &str, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    let order = state.store.order(order_id).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    let Some(order) = order.filter(|o| user.role == Role::Worker && o.worker_id == Some(user.id.0)) else {
        return Err(UploadOutcome::Forbidden);
    };
    let stage = PhotoStage::parse(stage).ok_or(UploadOutcome::Forbidden)?;
    let order_state = OrderState::from_db(&order.state).ok_or_else(|| UploadOutcome::Internal(format!("unknown order state {}", order.state)))?;
    if !stage.open_in(order_state) {
        return Err(UploadOutcome::Refused("not_now"));
    }
    let key = put_clean_image(state, ORDER_PHOTO_AREA, bytes).await?;
    let open: Vec<&str> = OrderState::ALL.into_iter().filter(|s| stage.open_in(*s)).map(OrderState::as_str).collect();
    let max = booking::MAX_PROOF_PHOTOS as i64;
    let photo = NewOrderPhoto { order_id, worker_id: user.id.0, stage: stage.as_str(), storage_key: key.as_str() };
    match state.store.add_order_photo(&photo, &open, max, state.clock.now()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => {
            // The stored copy belongs to nothing; nobody may read it, and it is removed.
            if let Err(err) = state.files.delete(&key).await {
                tracing::warn!(error = %err, "removing an unused order photo failed");
            }
            let now_open = state.store.order(order_id).await.ok().flatten().and_then(|o| OrderState::from_db(&o.state)).is_some_and(|s| stage.open_in(s));
            Err(UploadOutcome::Refused(if now_open { "too_many_photos" } else { "not_now" }))
        }
        Err(err) => Err(UploadOutcome::Internal(err.to_string())),
    }
}

/// `Some(allowed)` when `key` is a proof photo: its order's customer, its
/// worker and admins may see it.
pub async fn may_read_order_photo(state: &AppState, viewer: &User, key: &str) -> Result<Option<bool>, StoreError> {
    let Some(order_id) = state.store.order_photo_order(key).await? else { return Ok(None) };
    let Some(order) = state.store.order(order_id).await? else { return Ok(Some(false)) };
    Ok(Some(viewer.role == Role::Admin || order.customer_id == viewer.id.0 || order.worker_id == Some(viewer.id.0)))
}
