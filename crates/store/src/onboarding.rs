//! Worker onboarding (W1, A3): the application's profile, its documents in
//! the upload store, and resubmission after a rejection or a request for
//! more material.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct ApplicationForm {
    pub display_name: String,
    /// `female` or `male`.
    pub gender: String,
    pub age: i32,
    pub years_experience: i32,
    pub intro: String,
}

/// The application as the worker and the reviewing admin see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRecord {
    pub user_id: i64,
    pub display_name: String,
    pub phone: String,
    pub status: String,
    pub gender: Option<String>,
    pub age: Option<i32>,
    pub years_experience: i32,
    pub intro: String,
    pub skills: String,
    pub review_note: String,
    pub submitted_at: Option<OffsetDateTime>,
    pub reviewed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkerDocumentRecord {
    pub id: i64,
    pub worker_id: i64,
    pub kind: String,
    pub storage_key: String,
    /// For a qualification certificate: the category it qualifies for.
    pub category_code: Option<String>,
    /// `accepted` (filed with the application, or accepted since), `pending`
    /// (filed after approval, not yet reviewed) or `rejected`.
    pub review_state: String,
    /// Why a certificate was rejected or withdrawn.
    pub review_note: String,
    /// The last Beijing day it is valid on (`YYYY-MM-DD`), when stated.
    pub expires_on: Option<String>,
    /// When an admin withdrew it after accepting it.
    pub revoked_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// A document being filed.
#[derive(Debug, Clone, Copy)]
pub struct NewWorkerDocument<'a> {
    pub kind: &'a str,
    pub storage_key: &'a str,
    /// The service category a qualification certificate is for.
    pub category_code: Option<&'a str>,
    /// The last Beijing day it is valid on (`YYYY-MM-DD`), when stated.
    pub expires_on: Option<&'a str>,
    /// Filed after approval, so it waits for an admin.
    pub needs_review: bool,
}

#[async_trait]
pub trait OnboardingStore: Send + Sync {
    async fn application(&self, worker_id: i64) -> StoreResult<Option<ApplicationRecord>>;
    /// Saves the profile while the application can still change
    /// (`Conflict` once approved or suspended).
    async fn save_application(&self, worker_id: i64, form: &ApplicationForm) -> StoreResult<()>;
    /// Files a rejected or incomplete application again for review
    /// (`Conflict` from any other status).
    async fn resubmit_application(&self, worker_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    async fn add_worker_document(&self, worker_id: i64, document: &NewWorkerDocument<'_>, now: OffsetDateTime) -> StoreResult<i64>;
    /// Accepts or rejects (with `note`) a worker's pending certificate and
    /// audits it, atomically; `Conflict` when it is not pending.
    async fn review_certificate(&self, worker_id: i64, document_id: i64, accept: bool, note: &str, actor_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// Withdraws a worker's accepted qualification certificate with the
    /// reason `note` and audits it, atomically; `Conflict` when it is not an
    /// accepted qualification certificate of that worker.
    async fn revoke_certificate(&self, worker_id: i64, document_id: i64, note: &str, actor_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    async fn worker_documents(&self, worker_id: i64) -> StoreResult<Vec<WorkerDocumentRecord>>;
    /// Whose document a stored file is, if it is a worker document at all.
    async fn document_owner(&self, storage_key: &str) -> StoreResult<Option<i64>>;

    /// Days off (`YYYY-MM-DD`, Beijing calendar) of these workers from `from_day` on.
    async fn leave_days(&self, worker_ids: &[i64], from_day: &str) -> StoreResult<Vec<(i64, String)>>;
    async fn add_leave_day(&self, worker_id: i64, day: &str) -> StoreResult<()>;
    async fn remove_leave_day(&self, worker_id: i64, day: &str) -> StoreResult<()>;
}

macro_rules! shared_onboarding_impl {
    ($store:ty) => {
        impl $store {
            /// The audit row of a certificate's review or withdrawal, in its transaction.
            async fn audit_certificate(
                tx: &mut sqlx::Transaction<'static, <$store as crate::Dialect>::Db>,
                action: &str,
                worker_id: i64,
                document_id: i64,
                note: &str,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> Result<(), sqlx::Error> {
                sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(actor_id)
                    .bind(action)
                    .bind(format!("user:{worker_id}"))
                    .bind(format!("document {document_id}: {note}"))
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl crate::onboarding::OnboardingStore for $store {
            async fn application(&self, worker_id: i64) -> crate::StoreResult<Option<crate::ApplicationRecord>> {
                Ok(sqlx::query_as(
                    "SELECT p.user_id, u.display_name, u.phone, p.status, p.gender, p.age, p.years_experience, p.intro,
                        p.skills, p.review_note, p.submitted_at, p.reviewed_at
                     FROM worker_profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1",
                )
                .bind(worker_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn save_application(&self, worker_id: i64, f: &crate::ApplicationForm) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let saved = sqlx::query(
                    "UPDATE worker_profiles SET gender = $1, age = $2, years_experience = $3, intro = $4
                     WHERE user_id = $5 AND status IN ('applicant', 'needs_more', 'rejected')",
                )
                .bind(&f.gender)
                .bind(f.age)
                .bind(f.years_experience)
                .bind(&f.intro)
                .bind(worker_id)
                .execute(&mut *tx)
                .await?;
                if saved.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                    .bind(&f.display_name)
                    .bind(worker_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn resubmit_application(&self, worker_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE worker_profiles SET status = 'applicant', submitted_at = $1
                     WHERE user_id = $2 AND status IN ('needs_more', 'rejected')",
                )
                .bind(now)
                .bind(worker_id)
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(crate::StoreError::Conflict)
                }
            }

            async fn add_worker_document(&self, worker_id: i64, document: &crate::NewWorkerDocument<'_>, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO worker_documents (worker_id, kind, storage_key, category_code, expires_on, review_state, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(worker_id)
                .bind(document.kind)
                .bind(document.storage_key)
                .bind(document.category_code)
                .bind(document.expires_on)
                .bind(if document.needs_review { "pending" } else { "accepted" })
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn review_certificate(
                &self,
                worker_id: i64,
                document_id: i64,
                accept: bool,
                note: &str,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let state = if accept { "accepted" } else { "rejected" };
                let reviewed = sqlx::query(
                    "UPDATE worker_documents SET review_state = $1, review_note = $2
                     WHERE id = $3 AND worker_id = $4 AND kind IN ('health', 'qualification') AND review_state = 'pending'",
                )
                .bind(state)
                .bind(note)
                .bind(document_id)
                .bind(worker_id)
                .execute(&mut *tx)
                .await?;
                if reviewed.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                Self::audit_certificate(&mut tx, &format!("certificate_{state}"), worker_id, document_id, note, actor_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_certificate(&self, worker_id: i64, document_id: i64, note: &str, actor_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let revoked = sqlx::query(
                    "UPDATE worker_documents SET review_state = 'rejected', review_note = $1, revoked_at = $2
                     WHERE id = $3 AND worker_id = $4 AND kind = 'qualification' AND review_state = 'accepted'",
                )
                .bind(note)
                .bind(now)
                .bind(document_id)
                .bind(worker_id)
                .execute(&mut *tx)
                .await?;
                if revoked.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                Self::audit_certificate(&mut tx, "certificate_revoked", worker_id, document_id, note, actor_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn worker_documents(&self, worker_id: i64) -> crate::StoreResult<Vec<crate::WorkerDocumentRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, worker_id, kind, storage_key, category_code, review_state, review_note, expires_on, revoked_at, created_at
                     FROM worker_documents WHERE worker_id = $1 ORDER BY id",
                )
                .bind(worker_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn leave_days(&self, worker_ids: &[i64], from_day: &str) -> crate::StoreResult<Vec<(i64, String)>> {
                let mut rows: Vec<(i64, String)> = sqlx::query_as("SELECT worker_id, day FROM worker_leave WHERE day >= $1 ORDER BY worker_id, day")
                    .bind(from_day)
                    .fetch_all(&self.pool)
                    .await?;
                rows.retain(|(worker, _)| worker_ids.contains(worker));
                Ok(rows)
            }

            async fn add_leave_day(&self, worker_id: i64, day: &str) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO worker_leave (worker_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(worker_id)
                    .bind(day)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn remove_leave_day(&self, worker_id: i64, day: &str) -> crate::StoreResult<()> {
                sqlx::query("DELETE FROM worker_leave WHERE worker_id = $1 AND day = $2")
                    .bind(worker_id)
                    .bind(day)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn document_owner(&self, storage_key: &str) -> crate::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT worker_id FROM worker_documents WHERE storage_key = $1")
                    .bind(storage_key)
                    .fetch_optional(&self.pool)
                    .await?)
            }
        }
    };
}
pub(crate) use shared_onboarding_impl;
