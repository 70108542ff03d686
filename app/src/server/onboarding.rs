//! Onboarding: the application profile, document uploads (content-checked,
//! re-encoded, stored under generated names) and who may see them.

use super::authz::require_user;
use super::{app_state, internal, now, AppState};
use crate::api::onboarding::{ApplicationView, DocKind, DocReview, DocumentView};
use crate::api::work::CategoryChoice;
use crate::api::{ADMIN, WORKER};
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use domain::{DisplayName, Role, WorkerStatus};
use store::{ApplicationForm, ApplicationRecord, StoreError, User};
use uploads::{ImageLimits, StoredKey, UploadError};

/// The upload store's folder for worker documents.
pub const WORKER_AREA: &str = "workers";

/// Where a stored file is served from.
pub fn file_url(key: &str) -> String {
    format!("/files/{key}")
}

async fn view_of(state: &AppState, record: ApplicationRecord) -> Result<ApplicationView, AppError> {
    let status = WorkerStatus::from_db(&record.status).ok_or_else(|| internal(format!("bad worker status {}", record.status)))?;
    let categories: Vec<CategoryChoice> =
        state.store.categories().await.map_err(internal)?.into_iter().map(|c| CategoryChoice { code: c.code, name: c.name }).collect();
    let name_of = |code: &str| categories.iter().find(|c| c.code == code).map_or_else(|| code.to_string(), |c| c.name.clone());
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
                    "rejected" => DocReview::Rejected { note: d.review_note },
                    _ => DocReview::Accepted,
                },
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
        categories,
        missing,
        submitted_at: record.submitted_at.map(|t| t.unix_timestamp()),
        can_edit: status.can_edit_application(),
        can_add_certificate: may_file(status, DocKind::Qualification),
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
    match state.store.resubmit_application(user.id.0, now()).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AppError::Refused(Msg::ErrNothingToResubmit)),
        Err(err) => return Err(internal(err)),
    }
    tracing::info!(worker_id = user.id.0, "application resubmitted");
    Ok(())
}

/// Why an upload was refused, as a short code for the page's query string.
pub fn upload_error_code(err: &UploadError) -> &'static str {
    match err {
        UploadError::Empty => "empty",
        UploadError::TooLarge { .. } => "too_large",
        UploadError::NotAnImage => "not_image",
        UploadError::Corrupt | UploadError::TooManyPixels => "corrupt",
        _ => "failed",
    }
}

/// Whether a worker in `status` may file a document of `kind`: anything
/// while the application is open; once approved, qualification
/// certificates only (an admin reviews each).
fn may_file(status: WorkerStatus, kind: DocKind) -> bool {
    status.can_edit_application() || (status == WorkerStatus::Approved && kind == DocKind::Qualification)
}

/// Accepts or rejects a certificate an approved worker filed; a rejection
/// needs a reason, which the worker sees. Audited with the change.
pub async fn review_certificate(worker_id: i64, document_id: i64, decision: String, note: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let accept = match decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::Refused(Msg::ErrReviewNotApplicable)),
    };
    let note = note.trim().to_string();
    if !accept && note.is_empty() {
        return Err(AppError::invalid(Field::Review, Msg::ErrReasonRequired));
    }
    if note.chars().count() > 200 {
        return Err(AppError::invalid(Field::Review, Msg::ErrReasonTooLong));
    }
    match state.store.review_certificate(worker_id, document_id, accept, &note, admin.id.0, now()).await {
        Ok(()) => {
            tracing::info!(worker_id, document_id, accept, "certificate reviewed");
            Ok(())
        }
        Err(StoreError::Conflict) => Err(AppError::Refused(Msg::ErrCertificateNotPending)),
        Err(err) => Err(internal(err)),
    }
}

/// Checks, re-encodes and stores a worker's document. The caller has
/// already read the request body (bounded by the server's upload limit). A
/// qualification certificate must name the service category it is for.
pub async fn store_worker_document(state: &AppState, user: &User, kind: &str, category: Option<&str>, bytes: Vec<u8>) -> Result<(), UploadOutcome> {
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
            let code = category.map(str::trim).filter(|c| !c.is_empty()).ok_or(UploadOutcome::Refused("category"))?;
            let known = state.store.categories().await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
            Some(known.into_iter().find(|c| c.code == code).ok_or(UploadOutcome::Refused("category"))?.code)
        }
        _ => None,
    };
    let limits = ImageLimits::default();
    let clean = tokio::task::spawn_blocking(move || uploads::sanitize_image(&bytes, &limits))
        .await
        .map_err(|e| UploadOutcome::Internal(e.to_string()))?
        .map_err(|e| UploadOutcome::Refused(upload_error_code(&e)))?;
    let key = state.files.put_image(WORKER_AREA, &clean).await.map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    state
        .store
        .add_worker_document(user.id.0, kind.as_str(), key.as_str(), category.as_deref(), status == WorkerStatus::Approved, now())
        .await
        .map_err(|e| UploadOutcome::Internal(e.to_string()))?;
    tracing::info!(worker_id = user.id.0, kind = kind.as_str(), bytes = clean.bytes.len(), "worker document stored");
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
/// Worker documents: their owner and admins. Anything else is not found.
pub async fn may_read_file(state: &AppState, viewer: Option<&User>, key: &StoredKey) -> Result<bool, StoreError> {
    if state.store.is_service_image(key.as_str()).await? {
        return Ok(true);
    }
    let Some(viewer) = viewer else { return Ok(false) };
    let owner = state.store.document_owner(key.as_str()).await?;
    Ok(match owner {
        Some(owner) => viewer.role == Role::Admin || viewer.id.0 == owner,
        None => false,
    })
}
