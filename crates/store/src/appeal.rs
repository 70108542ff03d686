//! Workers' appeals (申诉, B7) against a suspension, a penalty or a
//! warning, the warnings admins give, and the admin's decision on each appeal.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// An appeal as filed. The caller has checked that the subject is the
/// worker's own: their current suspension, or one of their recent penalties.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub worker_id: i64,
    pub subject: domain::AppealSubject,
    /// The suspension's review time (Unix seconds) or the penalty's ledger transaction.
    pub subject_ref: i64,
    /// The suspension's reason or the penalty's memo, as the worker read it.
    pub subject_reason: String,
    /// The penalty's amount; `None` for a suspension.
    pub amount_fen: Option<i64>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AppealRecord {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub worker_phone: String,
    pub subject: String,
    pub subject_ref: i64,
    pub subject_reason: String,
    pub amount_fen: Option<i64>,
    pub body: String,
    pub status: String,
    pub decided_by_name: Option<String>,
    pub reply: Option<String>,
    pub created_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
}

/// A warning (警告) an admin gave a worker; `withdrawn_at` once an appeal
/// against it was overturned.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WarningRecord {
    pub id: i64,
    pub reason: String,
    pub issued_by_name: String,
    pub created_at: OffsetDateTime,
    pub withdrawn_at: Option<OffsetDateTime>,
}

/// An admin's decision on one open appeal.
#[derive(Debug, Clone)]
pub struct AppealVerdict {
    pub appeal_id: i64,
    pub decision: domain::AppealDecision,
    pub admin_id: i64,
    /// What the worker reads.
    pub reply: String,
    /// The memo of the repayment when an appealed penalty is withdrawn.
    pub repayment_memo: String,
}

#[async_trait]
pub trait AppealStore: Send + Sync {
    /// Files an appeal and tells every active admin's open pages;
    /// `Duplicate` when that suspension or penalty was appealed before.
    async fn file_appeal(&self, appeal: &NewAppeal, now: OffsetDateTime) -> StoreResult<i64>;
    async fn appeal(&self, id: i64) -> StoreResult<Option<AppealRecord>>;
    /// Newest first: one worker's or everybody's, or only the open ones.
    async fn appeals(&self, worker_id: Option<i64>, open_only: bool, limit: i64) -> StoreResult<Vec<AppealRecord>>;
    /// Decides an open appeal (`Conflict` if it was decided already, and
    /// nothing changes). Overturning, in the same transaction, reinstates the
    /// worker if the appealed suspension still stands, or pays the penalty
    /// back exactly once.
    async fn decide_appeal(&self, verdict: &AppealVerdict, now: OffsetDateTime) -> StoreResult<()>;
    async fn open_appeal_count(&self) -> StoreResult<i64>;
    /// Records a warning to `worker_id` and tells the worker's open pages.
    async fn give_warning(&self, worker_id: i64, reason: &str, admin_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// One worker's warnings, newest first.
    async fn warnings(&self, worker_id: i64, limit: i64) -> StoreResult<Vec<WarningRecord>>;
}

pub(crate) const APPEAL_COLUMNS: &str = "a.id, a.worker_id, w.display_name AS worker_name, w.phone AS worker_phone,
    a.subject, a.subject_ref, a.subject_reason, a.amount_fen, a.body, a.status, d.display_name AS decided_by_name,
    a.reply, a.created_at, a.decided_at
    FROM appeals a JOIN users w ON w.id = a.worker_id LEFT JOIN users d ON d.id = a.decided_by";

macro_rules! shared_appeal_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::appeal::AppealStore for $store {
            async fn file_appeal(&self, a: &crate::NewAppeal, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO appeals (worker_id, subject, subject_ref, subject_reason, amount_fen, body, status, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id",
                )
                .bind(a.worker_id)
                .bind(a.subject.as_str())
                .bind(a.subject_ref)
                .bind(&a.subject_reason)
                .bind(a.amount_fen)
                .bind(&a.body)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::money::map_posting_error)?;
                let admins: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE")
                    .fetch_all(&mut *tx)
                    .await?;
                Self::append_live(&mut tx, &admins, "appeal", None, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn appeal(&self, id: i64) -> crate::StoreResult<Option<crate::AppealRecord>> {
                let sql = format!("SELECT {} WHERE a.id = $1", crate::appeal::APPEAL_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn appeals(&self, worker_id: Option<i64>, open_only: bool, limit: i64) -> crate::StoreResult<Vec<crate::AppealRecord>> {
                let sql = format!(
                    "SELECT {} WHERE (CAST($1 AS BIGINT) IS NULL OR a.worker_id = $1) AND ($2 = FALSE OR a.status = 'open')
                     ORDER BY a.id DESC LIMIT $3",
                    crate::appeal::APPEAL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(worker_id).bind(open_only).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn decide_appeal(&self, v: &crate::AppealVerdict, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let status = domain::AppealStatus::Open.after(v.decision).ok_or(crate::StoreError::Conflict)?;
                let mut tx = self.begin_write().await?;
                let decided: Option<(i64, String, i64, Option<i64>)> = sqlx::query_as(
                    "UPDATE appeals SET status = $1, decided_by = $2, reply = $3, decided_at = $4
                     WHERE id = $5 AND status = 'open' RETURNING worker_id, subject, subject_ref, amount_fen",
                )
                .bind(status.as_str())
                .bind(v.admin_id)
                .bind(&v.reply)
                .bind(now)
                .bind(v.appeal_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((worker_id, subject, subject_ref, amount_fen)) = decided else {
                    return Err(crate::StoreError::Conflict);
                };
                if status == domain::AppealStatus::Overturned {
                    match domain::AppealSubject::parse(&subject) {
                        Some(domain::AppealSubject::Suspension) => {
                            let profile: Option<(String, Option<time::OffsetDateTime>)> =
                                sqlx::query_as("SELECT status, reviewed_at FROM worker_profiles WHERE user_id = $1")
                                    .bind(worker_id)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                            // Only the suspension appealed against is lifted; one an
                            // admin lifted (or imposed anew) since is left as it is.
                            let still_standing = profile.is_some_and(|(status, at)| {
                                status == domain::WorkerStatus::Suspended.as_str()
                                    && at.map(|at| at.unix_timestamp()) == Some(subject_ref)
                            });
                            if still_standing {
                                sqlx::query("UPDATE worker_profiles SET status = $1, review_note = $2, reviewed_at = $3 WHERE user_id = $4")
                                    .bind(domain::WorkerStatus::Approved.as_str())
                                    .bind(&v.reply)
                                    .bind(now)
                                    .bind(worker_id)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                        }
                        Some(domain::AppealSubject::Penalty) => {
                            let amount = domain::Fen::new(amount_fen.ok_or(crate::StoreError::Conflict)?);
                            let txn = ledger::penalty_withdrawn(worker_id, amount)?;
                            let meta = crate::PostingMeta {
                                idem_key: format!("appeal:{}", v.appeal_id),
                                actor_id: Some(v.admin_id),
                                memo: v.repayment_memo.clone(),
                            };
                            Self::post(&mut tx, &txn, &meta, now).await?;
                        }
                        Some(domain::AppealSubject::Warning) => {
                            sqlx::query("UPDATE worker_warnings SET withdrawn_at = $1 WHERE id = $2 AND worker_id = $3 AND withdrawn_at IS NULL")
                                .bind(now)
                                .bind(subject_ref)
                                .bind(worker_id)
                                .execute(&mut *tx)
                                .await?;
                        }
                        None => return Err(crate::StoreError::Conflict),
                    }
                }
                Self::append_live(&mut tx, &[worker_id], "appeal", None, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn open_appeal_count(&self) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM appeals WHERE status = 'open'").fetch_one(&self.pool).await?)
            }

            async fn give_warning(&self, worker_id: i64, reason: &str, admin_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO worker_warnings (worker_id, reason, issued_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(worker_id)
                .bind(reason)
                .bind(admin_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::append_live(&mut tx, &[worker_id], "appeal", None, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn warnings(&self, worker_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::WarningRecord>> {
                Ok(sqlx::query_as(
                    "SELECT ww.id, ww.reason, a.display_name AS issued_by_name, ww.created_at, ww.withdrawn_at
                     FROM worker_warnings ww JOIN users a ON a.id = ww.issued_by
                     WHERE ww.worker_id = $1 ORDER BY ww.id DESC LIMIT $2",
                )
                .bind(worker_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}
pub(crate) use shared_appeal_impl;
