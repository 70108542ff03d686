//! Onboarding: the application profile, document uploads (content-checked,
//! re-encoded, stored under generated names) and who may see them.

use super::authz::require_user;
use super::{app_state, flows, internal, AppState};
use crate::api::onboarding::{ApplicationView, BackgroundNoteView, CertificateDecided, DocKind, DocReview, DocumentView, HeldOrder};
use crate::api::work::CategoryChoice;
use crate::api::{ADMIN, WORKER};
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use domain::{BackgroundNote, DisplayName, ExpiryDate, ExpiryError, Role, WorkerStatus};
use booking::OrderState;
use store::{ApplicationForm, ApplicationRecord, AuditEntry, NewWorkerDocument, OrderFilter, StoreError, User, UserId};
use uploads::{ImageLimits, StoredKey, UploadError, VideoLimits};

/// The upload store's folder for worker documents.
pub const WORKER_AREA: &str = "workers";

/// Where a stored file is served from.
pub fn file_url(key: &str) -> String {
    format!("/files/{key}")
}

async fn view_of(state: &AppState, record: ApplicationRecord) -> Result<ApplicationView, AppError> {
    let status = WorkerStatus::from_db(&record.status).ok_or_else(|| internal(format!("bad worker status {}", record.status)))?;
    let all_categories = state.store.categories().await.map_err(internal)?;
    // A certificate filed earlier keeps its category's name after a delisting;
    // new ones are filed for listed categories only.
    let name_of = |code: &str| all_categories.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone());
    let today = flows::beijing_date(state.clock.now()).to_string();
    let documents: Vec<DocumentView> = state
        .store
        .worker_documents(record.user_id)
        .await
        .map_err(internal)?
        .into_iter()
        .filter_map(|d| {
            Some(DocumentView {
                id: d.id,
                kind: DocKind::parse(&d.kind)?,
                category: d.category_code.as_deref().map(name_of),
                review: match d.review_state.as_str() {
                    "pending" => DocReview::Pending,
                    "rejected" if d.revoked_at.is_some() => DocReview::Withdrawn { note: d.review_note },
                    "rejected" => DocReview::Rejected { note: d.review_note },
                    _ => DocReview::Accepted,
                },
                // ISO dates order as text.
                expired: d.expires_on.as_deref().is_some_and(|last| last < today.as_str()),
                expires_on: d.expires_on,
                url: file_url(&d.storage_key),
                uploaded_at: d.created_at.unix_timestamp(),
            })
        })
        .collect();
    let missing = DocKind::ALL.into_iter().filter(|k| k.required() && !documents.iter().any(|d| d.kind == *k)).collect();
    Ok(ApplicationView {
        worker_id: record.user_id,
        status,
        review_note: record.review_note,
        display_name: record.display_name,
        phone: record.phone,
        gender: record.gender.unwrap_or_default(),
        age: record.age,
        years_experience: record.years_experience,
        intro: record.intro,
        skills: record.skills.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
        documents,
        categories: all_categories.iter().filter(|c| c.listed).map(|c| CategoryChoice { code: c.code.clone(), name: c.name.clone() }).collect(),
        missing,
        submitted_at: record.submitted_at.map(|t| t.unix_timestamp()),
        can_edit: status.can_edit_application(),
        can_add_certificate: status == WorkerStatus::Approved,
        can_resubmit: status.can_resubmit(),
    })
}

async fn application_of(state: &AppState, worker_id: i64) -> Result<ApplicationView, AppError> {
    let record = state.store.application(worker_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    view_of(state, record).await
}

pub async fn my_application() -> Result<ApplicationView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    application_of(&state, user.id.0).await
}

pub async fn admin_application(worker_id: i64) -> Result<ApplicationView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    application_of(&state, worker_id).await
}

pub async fn background_note(worker_id: i64) -> Result<BackgroundNoteView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let record = state.store.background_note(UserId(worker_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    Ok(BackgroundNoteView { note: record.note, noted_by: record.noted_by_name, noted_at: record.noted_at.map(|at| at.unix_timestamp()) })
}

pub async fn save_background_note(worker_id: i64, note: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let note = BackgroundNote::parse(&note).map_err(AppError::from_input)?;
    let now = state.clock.now();
    match state.store.set_background_note(UserId(worker_id), note.as_str(), admin.id, now).await {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(AppError::NotFound),
        Err(err) => return Err(internal(err)),
    }
    // The note's words stay out of the log: only that it was saved, and by whom.
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: "background_note_saved".into(),
        target: format!("user:{worker_id}"),
        detail: format!("{} 字", note.as_str().chars().count()),
    };
    state.store.record_audit(&entry, now).await.map_err(internal)?;
    Ok(())
}

fn parse_small_number(input: &str, field: Field, range: std::ops::RangeInclusive<i32>, msg: Msg) -> Result<i32, AppError> {
    input.trim().parse::<i32>().ok().filter(|n| range.contains(n)).ok_or(AppError::invalid(field, msg))
}

pub async fn save_application(display_name: String, gender: Option<String>, age: String, years_experience: String, intro: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let name = DisplayName::parse(&display_name).map_err(AppError::from_input)?;
    // An unchecked radio group sends no field at all.
    let gender = gender.filter(|g| matches!(g.as_str(), "female" | "male")).ok_or(AppError::invalid(Field::Gender, Msg::ErrGenderRequired))?;
    let age = parse_small_number(&age, Field::Age, 16..=80, Msg::ErrAge)?;
    let years = parse_small_number(&years_experience, Field::Years, 0..=60, Msg::ErrYears)?;
    if years > age - 14 {
        return Err(AppError::invalid(Field::Years, Msg::ErrYearsVsAge));
    }
    let intro = intro.trim().to_string();
    if intro.chars().count() > 500 {
        return Err(AppError::invalid(Field::Intro, Msg::ErrIntroTooLong));
    }
    let form = ApplicationForm { display_name: name.as_str().to_string(), gender, age, years_experience: years, intro };
    match state.store.save_application(user.id.0, &form).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrApplicationLocked)),
        Err(err) => Err(internal(err)),
    }
}

pub async fn resubmit_application() -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let current = application_of(&state, user.id.0).await?;
    if !current.can_resubmit {
        return Err(AppError::Refused(Msg::ErrNothingToResubmit));
    }
    if current.gender.is_empty() || current.age.is_none() {
        return Err(AppError::Refused(Msg::ErrProfileIncomplete));
    }
    if !current.missing.is_empty() {
        return Err(AppError::Refused(Msg::ErrDocumentsMissing));
    }
    match state.store.resubmit_application(user.id.0, state.clock.now()).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrNothingToResubmit)),
        Err(err) => return Err(internal(err)),
    }
    tracing::info!(worker_id = user.id.0, "application resubmitted");
    Ok(())
}

/// Why an upload was refused, as a short code for the page's query string.
/// Stores an uploaded image in `area` once it is re-encoded (metadata and
/// anything that is not the picture dropped, size limits kept); refused with
/// the reason code when it is no acceptable image.
pub async fn put_clean_image(state: &AppState, area: &str, bytes: Vec<u8>) -> Result<StoredKey, UploadOutcome> {
    let limits = ImageLimits::default();
    let clean = tokio::task::spawn_blocking(move || uploads::sanitize_image(&bytes, &limits))
        .await
        .map_err(|e| UploadOutcome::Internal(e.to_string()))?
        .map_err(|e| UploadOutcome::Refused(upload_error_code(&e)))?;
    state.files.put_image(area, &clean).await.map_err(|e| UploadOutcome::Internal(e.to_string()))
}

pub fn upload_error_code(err: &UploadError) -> &'static str {
    match err {
        UploadError::Empty => "empty",
        UploadError::TooLarge { .. } => "too_large",
        UploadError::NotAnImage => "not_image",
        UploadError::Corrupt | UploadError::TooManyPixels => "corrupt",
        _ => "failed",
    }
}

/// Checks a video and stores it in `area`; refused with the reason's code.
pub async fn put_clean_video(state: &AppState, area: &str, bytes: Vec<u8>) -> Result<StoredKey, UploadOutcome> {
    let limits = VideoLimits::default();
    let clean = tokio::task::spawn_blocking(move || uploads::sanitize_video(bytes, &limits))
        .await
        .map_err(|e| UploadOutcome::Internal(e.to_string()))?
        .map_err(|e| UploadOutcome::Refused(video_error_code(&e)))?;
    state.files.put_video(area, clean).await.map_err(|e| UploadOutcome::Internal(e.to_string()))
}

/// Why a video was refused, as the code its page shows the reason for.
fn video_error_code(err: &UploadError) -> &'static str {
    match err {
        UploadError::Empty => "video_empty",
        UploadError::TooLarge { .. } => "video_too_large",
        UploadError::TooLong { .. } => "video_too_long",
        UploadError::NotAVideo => "not_video",
        UploadError::Corrupt => "video_corrupt",
        _ => "failed",
    }
}

/// Whether a worker in `status` may file a document of `kind`: anything
/// while the application is open; once approved, certificates only (an
/// admin reviews each).
fn may_file(status: WorkerStatus, kind: DocKind) -> bool {
    status.can_edit_application() || (status == WorkerStatus::Approved && kind.is_certificate())
}

/// The expiry a worker stated for a document of `kind`: required for a
/// 健康证, optional for a qualification, ignored for other kinds, and
/// checked as [`ExpiryDate::parse`] does against `today` (Beijing).
fn stated_expiry(kind: DocKind, input: Option<&str>, today: time::Date) -> Result<Option<ExpiryDate>, UploadOutcome> {
    if !kind.is_certificate() {
        return Ok(None);
    }
    let Some(day) = input.map(str::trim).filter(|d| !d.is_empty()) else {
        return if kind.expiry_required() { Err(UploadOutcome::Refused("expiry_missing")) } else { Ok(None) };
    };
    ExpiryDate::parse(day, today).map(Some).map_err(|err| {
        UploadOutcome::Refused(match err {
            ExpiryError::Lapsed => "expired",
            ExpiryError::Malformed | ExpiryError::TooFar => "expiry_invalid",
        })
    })
}

/// An admin's decision on a worker's certificate: accept or reject (with a
/// reason the worker sees) one filed after approval, or withdraw (with a
/// reason) an accepted qualification certificate, which names the accepted
/// orders that needed it for the admin to reassign. Audited with the change.
pub async fn review_certificate(worker_id: i64, document_id: i64, decision: String, note: String) -> Result<CertificateDecided, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    if !matches!(decision.as_str(), "accept" | "reject" | "revoke") {
        return Err(AppError::Refused(Msg::ErrReviewNotApplicable));
    }
    let note = super::reason(&note, Field::Review, (decision != "accept").then_some(Msg::ErrReasonRequired))?;
    let (result, refusal) = if decision == "revoke" {
        (state.store.revoke_certificate(worker_id, document_id, &note, admin.id.0, state.clock.now()).await, Msg::ErrCertificateNotAccepted)
    } else {
        let accept = decision == "accept";
        (state.store.review_certificate(worker_id, document_id, accept, &note, admin.id.0, state.clock.now()).await, Msg::ErrCertificateNotPending)
    };
    match result {
        Ok(()) => tracing::info!(worker_id, document_id, decision, "certificate reviewed"),
        Err(StoreError::Conflict) => return Err(AppError::Refused(refusal)),
        Err(err) => return Err(internal(err)),
    }
    let body = match decision.as_str() {
        "accept" => "你提交的证书已通过审核。".to_string(),
        "reject" => format!("你提交的证书未通过审核：{}。可以重新上传。", super::inbox::clause(&note)),
        _ => format!("你的资格证书已被撤回：{}。", super::inbox::clause(&note)),
    };
    super::inbox::tell_worker(&state, worker_id, super::inbox::APPLICATION, &body).await;
    if decision != "revoke" {
        return Ok(CertificateDecided::default());
    }
    Ok(CertificateDecided { to_reassign: orders_needing(&state, worker_id, document_id).await? })
}

/// The worker's accepted, not yet started orders of the withdrawn
/// certificate's category, when that category requires one.
async fn orders_needing(state: &AppState, worker_id: i64, document_id: i64) -> Result<Vec<HeldOrder>, AppError> {
    let documents = state.store.worker_documents(worker_id).await.map_err(internal)?;
    let Some(category) = documents.into_iter().find(|d| d.id == document_id).and_then(|d| d.category_code) else { return Ok(Vec::new()) };
    let requires = state.store.categories().await.map_err(internal)?.into_iter().any(|c| c.code == category && c.requires_certificate);
    if !requires {
        return Ok(Vec::new());
    }
    let held = OrderFilter { worker_id: Some(worker_id), states: flows::state_names(|s| s == OrderState::Accepted), ..OrderFilter::newest(500) };
    let mut orders: Vec<HeldOrder> = state
        .store
        .orders(&held)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|o| o.category_code == category)
        .map(|o| HeldOrder { order_id: o.id, order_no: o.order_no, starts_at: o.starts_at.unix_timestamp() })
        .collect();
    orders.sort_by_key(|o| o.starts_at);
    Ok(orders)
}

/// The fields of a document upload besides the file.
#[derive(Debug, Default)]
pub struct DocumentFields {
    /// The service category a qualification certificate is for.
    pub category: Option<String>,
    /// The certificate's last valid day, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
}

/// Checks, re-encodes and stores a worker's document. The caller has
/// already read the request body (bounded by the server's upload limit). A
/// qualification certificate must name the service category it is for; a
/// certificate states its expiry as [`stated_expiry`] requires.
pub async fn store_worker_document(state: &AppState, user: &User, kind: &str, fields: &DocumentFields, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
    let kind = DocKind::parse(kind).ok_or(UploadOutcome::Refused("kind"))?;
    if user.role != Role::Worker {
        return Err(UploadOutcome::Forbidden);
    }
    let profile = state.store.worker_profile(user.id).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    let Some(status) = profile.map(|p| p.status).filter(|s| may_file(*s, kind)) else {
        return Err(UploadOutcome::Refused("locked"));
    };
    let category = match kind {
        DocKind::Qualification => {
            let code = fields.category.as_deref().map(str::trim).filter(|c| !c.is_empty()).ok_or(UploadOutcome::Refused("category"))?;
            let known = state.store.categories().await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
            Some(known.into_iter().find(|c| c.code == code && c.listed).ok_or(UploadOutcome::Refused("category"))?.code)
        }
        _ => None,
    };
    let expires_on = stated_expiry(kind, fields.expires_on.as_deref(), flows::beijing_date(state.clock.now()))?.map(|d| d.to_string());
    let key = put_clean_image(state, WORKER_AREA, bytes).await?;
    let document = NewWorkerDocument {
        kind: kind.as_str(),
        storage_key: key.as_str(),
        category_code: category.as_deref(),
        expires_on: expires_on.as_deref(),
        needs_review: status == WorkerStatus::Approved,
    };
    state
        .store
        .add_worker_document(user.id.0, &document, state.clock.now())
        .await
        .map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    tracing::info!(worker_id = user.id.0, kind = kind.as_str(), "worker document stored");
    Ok(())
}

#[derive(Debug)]
pub enum UploadOutcome {
    Forbidden,
    /// Refused with a short reason code shown on the page.
    Refused(&'static str),
    Internal(String),
}

/// May `viewer` read the stored file `key`? Service pictures: everyone.
/// Worker documents and feedback photos: their owner and admins. Chat
/// photos: the sides of their thread. Anything else is not found.
pub async fn may_read_file(state: &AppState, viewer: Option<&User>, key: &StoredKey) -> Result<bool, StoreError> {
    // Shown to everyone: a service's pictures, and the photos of reviews on its page.
    if state.store.is_service_image(key.as_str()).await? || state.store.is_review_photo(key.as_str()).await? {
        return Ok(true);
    }
    let Some(viewer) = viewer else { return Ok(false) };
    if let Some(allowed) = super::chat::may_read_chat_image(state, viewer, key.as_str()).await? {
        return Ok(allowed);
    }
    if let Some(allowed) = super::proof::may_read_order_photo(state, viewer, key.as_str()).await? {
        return Ok(allowed);
    }
    let owner = match state.store.document_owner(key.as_str()).await? {
        Some(owner) => Some(owner),
        None => state.store.feedback_image_owner(key.as_str()).await?,
    };
    Ok(match owner {
        Some(owner) => viewer.role == Role::Admin || viewer.id.0 == owner,
        None => false,
    })
}
