//! Worker onboarding (W1, A3): the application profile, its documents and
//! resubmission; the admin's view of one application.

use super::work::CategoryChoice;
use super::UnixSeconds;
use crate::error::AppError;
use domain::WorkerStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The kinds of document an application carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocKind {
    Photo,
    IdCard,
    Health,
    Qualification,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [DocKind::Photo, DocKind::IdCard, DocKind::Health, DocKind::Qualification];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Photo => "photo",
            DocKind::IdCard => "id_card",
            DocKind::Health => "health",
            DocKind::Qualification => "qualification",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Photo, ID and health certificate are required; qualifications are
    /// optional but count in review.
    pub fn required(self) -> bool {
        !matches!(self, DocKind::Qualification)
    }

    /// Certificates lapse and are renewed, so an approved worker may still
    /// file them (each waits for an admin) and states until when each is valid.
    pub fn is_certificate(self) -> bool {
        matches!(self, DocKind::Health | DocKind::Qualification)
    }

    /// A 健康证 always states an expiry; a qualification may be lifelong.
    pub fn expiry_required(self) -> bool {
        self == DocKind::Health
    }
}

/// Where a document stands: reviewed with the application (or accepted
/// since), a certificate filed after approval waiting for, or refused
/// at, an admin's review, or an accepted one an admin withdrew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocReview {
    Accepted,
    Pending,
    Rejected { note: String },
    Withdrawn { note: String },
}

/// An order the worker still holds that a withdrawn certificate was needed for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldOrder {
    pub order_id: i64,
    pub order_no: String,
    pub starts_at: UnixSeconds,
}

/// What an admin's certificate decision leaves to do: after a withdrawal, the
/// worker's upcoming orders of a category that requires the certificate,
/// which stay theirs until the admin reassigns them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDecided {
    pub to_reassign: Vec<HeldOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: i64,
    pub kind: DocKind,
    /// A qualification certificate's service category (its name); `None`
    /// when it names none, so it qualifies for nothing.
    pub category: Option<String>,
    pub review: DocReview,
    /// The last day it is valid on (`YYYY-MM-DD`, Beijing), when stated.
    pub expires_on: Option<String>,
    /// That day has passed.
    pub expired: bool,
    /// Served only to the worker and admins.
    pub url: String,
    pub uploaded_at: UnixSeconds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub worker_id: i64,
    pub status: WorkerStatus,
    pub review_note: String,
    pub display_name: String,
    pub phone: String,
    /// `female` / `male`, empty until chosen.
    pub gender: String,
    pub age: Option<i32>,
    pub years_experience: i32,
    pub intro: String,
    pub skills: Vec<String>,
    pub documents: Vec<DocumentView>,
    /// The categories a qualification certificate can be filed for.
    pub categories: Vec<CategoryChoice>,
    pub missing: Vec<DocKind>,
    pub submitted_at: Option<UnixSeconds>,
    pub can_edit: bool,
    /// An approved worker may still file certificates (each waits for an
    /// admin): a renewed 健康证, or a qualification for a new service.
    pub can_add_certificate: bool,
    pub can_resubmit: bool,
}

#[server(prefix = "/api", endpoint = "my_application")]
pub async fn my_application() -> Result<ApplicationView, AppError> {
    crate::server::respond(crate::server::onboarding::my_application().await)
}

#[server(prefix = "/api", endpoint = "save_application")]
pub async fn save_application(display_name: String, gender: Option<String>, age: String, years_experience: String, intro: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::onboarding::save_application(display_name, gender, age, years_experience, intro).await)
}

#[server(prefix = "/api", endpoint = "resubmit_application")]
pub async fn resubmit_application() -> Result<(), AppError> {
    crate::server::respond(crate::server::onboarding::resubmit_application().await)
}

/// Accepts or rejects (`decision` = `accept` / `reject`, with a reason) a
/// certificate a worker filed after approval, or withdraws (`revoke`, with a
/// reason) an accepted qualification certificate.
#[server(prefix = "/api", endpoint = "admin_review_certificate")]
pub async fn admin_review_certificate(worker_id: i64, document_id: i64, decision: String, note: String) -> Result<CertificateDecided, AppError> {
    crate::server::respond(crate::server::onboarding::review_certificate(worker_id, document_id, decision, note).await)
}

/// The admins' background-check note (背景核查) on a worker: never part of
/// [`ApplicationView`], which the worker reads too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackgroundNoteView {
    pub note: String,
    pub noted_by: Option<String>,
    pub noted_at: Option<UnixSeconds>,
}

#[server(prefix = "/api", endpoint = "admin_background_note")]
pub async fn admin_background_note(worker_id: i64) -> Result<BackgroundNoteView, AppError> {
    crate::server::respond(crate::server::onboarding::background_note(worker_id).await)
}

/// Saves the background-check note (at most 500 characters; empty clears it).
#[server(prefix = "/api", endpoint = "admin_save_background_note")]
pub async fn admin_save_background_note(worker_id: i64, note: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::onboarding::save_background_note(worker_id, note).await)
}

#[server(prefix = "/api", endpoint = "admin_application")]
pub async fn admin_application(worker_id: i64) -> Result<ApplicationView, AppError> {
    crate::server::respond(crate::server::onboarding::admin_application(worker_id).await)
}
