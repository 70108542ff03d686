//! The repository layer: one `Store` trait that the server programs against,
//! with a SQLite implementation (embedded default) and a PostgreSQL one
//! (production, multi-instance). Both run the same SQL text where the dialects
//! agree and the same test suite in `tests/`.

mod analytics;
mod appeal;
mod placement;
mod assessment;
mod catalog_admin;
mod chat;
mod dispatching;
mod favorites;
mod feedback;
mod model;
mod money;
mod money_model;
mod onboarding;
mod orders;
mod orders_model;
mod postgres;
mod proof;
mod reminders;
mod sqlite;
mod strategy;
mod tracking;

use async_trait::async_trait;
use domain::{DisplayName, Phone, WorkerStatus};
use std::sync::Arc;
use time::OffsetDateTime;

pub use analytics::{AnalyticsStore, OrderFactRecord, WeeklyHoursRecord};
pub use appeal::{AppealRecord, AppealStore, AppealVerdict, NewAppeal, WarningRecord};
pub use placement::{CandidacyRecord, CandidateMove, CandidateRecord, ContractRecord, ContractSide, InstallmentPayout, NewContract, NewPlacement, NewTrial, PlacementRecord, PlacementStore, ProposeOutcome, TrialRecord};
pub use assessment::{AssessmentStore, WorkerAssessmentRecord};
pub use chat::{ChatImageOwner, ChatMessageRecord, ChatStore, NewChatMessage, SupportThreadRecord};
pub use catalog_admin::{AdminServiceRow, CatalogAdminStore, ServiceImageRecord};
pub use favorites::FavoriteStore;
pub use feedback::{FeedbackFilter, FeedbackRecord, FeedbackReplyRecord, FeedbackStep, FeedbackStore, NewFeedback};
pub use model::*;
pub use money::MoneyStore;
pub use money_model::*;
pub use onboarding::{ApplicationForm, ApplicationRecord, NewWorkerDocument, OnboardingStore, WorkerDocumentRecord};
pub use orders::{FitsDay, OrderStore, HOLDING_STATES};
pub use orders_model::*;
pub use postgres::PgStore;
pub use proof::{NewOrderPhoto, OrderPhotoRecord, ProofRecord, ProofStore};
pub use reminders::{MessageRecord, OrderMessageRecord, ReminderPrefs, ReminderStore};
pub use sqlite::SqliteStore;
pub use dispatching::{DecisionRecord, DispatchStore, HoldMove, ReplanRecord, StoredDispatchSettings};
pub use tracking::{PositionRecord, TrackingStore};
pub use strategy::{ClaimRecord, CouponRecord, PricingStore, StoredCancellationPolicy, StoredLatenessPolicy, StoredRules};

/// An instant after every stored one, for ranges open at the end.
pub(crate) const FAR_FUTURE: OffsetDateTime = time::macros::datetime!(9999-12-31 0:00 UTC);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("phone number already registered")]
    DuplicatePhone,
    #[error("every qualified worker is already booked at that time")]
    SlotTaken,
    #[error("no time to travel between this and another of the worker's orders")]
    TooFarBetween,
    #[error("the record changed since it was read")]
    Conflict,
    #[error("another record already has this name")]
    DuplicateName,
    #[error("already posted")]
    Duplicate,
    #[error("ledger rule: {0}")]
    Ledger(#[from] ledger::LedgerError),
    #[error("coupon stopped, ended or unknown")]
    CouponUnavailable,
    #[error("every coupon of this kind has been claimed")]
    CouponSoldOut,
    #[error("the customer has claimed as many as allowed")]
    CouponLimit,
    #[error("the coupon is already used by another order")]
    CouponUsed,
    #[error("amount does not match the payment")]
    AmountMismatch,
    #[error("the worker still holds orders")]
    HoldsOrders,
    #[error("record not found")]
    NotFound,
    #[error("sent too many messages within a minute")]
    TooFast,
    #[error("unsupported database url (expected sqlite: or postgres:)")]
    UnsupportedUrl,
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store: OrderStore + AnalyticsStore + AppealStore + PlacementStore + ChatStore + AssessmentStore + MoneyStore + OnboardingStore + CatalogAdminStore + FavoriteStore + FeedbackStore + PricingStore + ReminderStore + DispatchStore + TrackingStore + ProofStore + Send + Sync + 'static {
    fn backend(&self) -> Backend;
    async fn ping(&self) -> StoreResult<()>;
    async fn close(&self);

    /// Inserts a user; a worker also gets an `applicant` profile in the same
    /// transaction so no worker exists without one.
    async fn create_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<UserId>;
    async fn credentials_by_phone(&self, phone: &Phone) -> StoreResult<Option<Credentials>>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The users among `ids` that exist, in one query.
    async fn users(&self, ids: &[i64]) -> StoreResult<Vec<User>>;
    async fn update_display_name(&self, id: UserId, name: &DisplayName) -> StoreResult<()>;
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StoreResult<()>;
    /// Disables or re-enables an account. Disabling ends every session, so
    /// re-enabling never revives one, and is refused (`HoldsOrders`) while
    /// the account is a worker's holding orders someone must be sent to.
    async fn set_account_disabled(&self, id: UserId, disabled: bool) -> StoreResult<()>;

    async fn create_session(&self, token_hash: &str, user: UserId, now: OffsetDateTime, expires_at: OffsetDateTime) -> StoreResult<()>;
    /// The live session's user; `None` when the session is unknown, expired
    /// or its account disabled.
    async fn session_user(&self, token_hash: &str, now: OffsetDateTime) -> StoreResult<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of `user` except the one with `keep_token_hash`.
    async fn delete_other_sessions(&self, user: UserId, keep_token_hash: &str) -> StoreResult<u64>;
    async fn delete_expired_sessions(&self, now: OffsetDateTime) -> StoreResult<u64>;

    async fn record_login_attempt(&self, throttle_key: &str, at: OffsetDateTime) -> StoreResult<()>;
    async fn count_login_attempts(&self, throttle_key: &str, since: OffsetDateTime) -> StoreResult<i64>;
    async fn prune_login_attempts(&self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Keeps `code_hash` as the phone's one live login code, unless a code
    /// was sent to it after `resend_after` (`Conflict`: nothing changes).
    async fn issue_login_code(&self, phone: &str, code_hash: &str, now: OffsetDateTime, resend_after: OffsetDateTime, expires_at: OffsetDateTime) -> StoreResult<()>;
    /// Checks a typed code against the phone's live one: a match spends it;
    /// a miss counts a try, and the `max_tries`-th miss spends it too.
    async fn check_login_code(&self, phone: &str, code_hash: &str, now: OffsetDateTime, max_tries: i64) -> StoreResult<LoginCodeCheck>;

    async fn worker_profile(&self, user: UserId) -> StoreResult<Option<WorkerProfile>>;
    async fn set_worker_status(&self, user: UserId, status: WorkerStatus, note: &str, now: OffsetDateTime) -> StoreResult<()>;
    /// The admins' background-check note on a worker; `None` when they have no profile.
    async fn background_note(&self, user: UserId) -> StoreResult<Option<BackgroundNoteRecord>>;
    /// Saves the note as written by `admin`; `NotFound` when the worker has no profile.
    async fn set_background_note(&self, user: UserId, note: &str, admin: UserId, now: OffsetDateTime) -> StoreResult<()>;
    /// Moves a worker from `from` to `to` only if still in `from` (`Conflict`
    /// otherwise), so two admins deciding at once leave one decision.
    async fn change_worker_status(&self, user: UserId, from: WorkerStatus, to: WorkerStatus, note: &str, now: OffsetDateTime) -> StoreResult<()>;

    async fn categories(&self) -> StoreResult<Vec<Category>>;
    async fn listed_services(&self, category: Option<i64>) -> StoreResult<Vec<ServiceSummary>>;
    /// Listed services matching every given part of `search`, in its order.
    async fn search_services(&self, search: &ServiceSearch) -> StoreResult<Vec<ServiceSummary>>;
    async fn insert_service(&self, service: &NewService, now: OffsetDateTime) -> StoreResult<i64>;

    /// Counts for the dashboard: "today" starts at `since`; 健康证 lapsing
    /// before `health_lapsing_before` are counted as lapsing.
    async fn dashboard_counts(&self, since: OffsetDateTime, health_lapsing_before: time::Date, anomalies: booking::AnomalyCutoffs) -> StoreResult<DashboardCounts>;
    async fn list_users(&self, filter: &UserFilter) -> StoreResult<Paged<UserListItem>>;

    async fn record_audit(&self, entry: &AuditEntry, now: OffsetDateTime) -> StoreResult<()>;
    async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;

    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
}

pub type DynStore = Arc<dyn Store>;

/// Opens the database named by `url` (`sqlite:path` or `postgres://…`),
/// creating a SQLite file and its folder if missing, and runs the dialect's
/// migrations.
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<DynStore> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url, max_connections).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgStore::connect(url, max_connections).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Ties a store to its sqlx database type, for helpers shared by both.
pub(crate) trait Dialect {
    type Db: sqlx::Database;
}

/// Maps a unique-key violation on `users.phone` to the domain's error.
fn map_user_insert_error(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::DuplicatePhone,
        _ => StoreError::Database(err),
    }
}

/// The average of the three scores of the reviews aliased `reviews`, as a
/// float on both databases: the one definition of a rating.
pub(crate) fn rating_avg_sql(reviews: &str) -> String {
    format!("CAST(AVG(({reviews}.quality + {reviews}.attitude + {reviews}.result) / 3.0) AS DOUBLE PRECISION)")
}

/// The body shared by both implementations: the SQL below is valid in both
/// dialects (`$n` placeholders, `RETURNING`, `ON CONFLICT`, `CAST`).
macro_rules! shared_store_impl {
    ($store:ty, $backend:expr) => {
        #[async_trait::async_trait]
        impl crate::Store for $store {
            fn backend(&self) -> crate::Backend {
                $backend
            }

            async fn ping(&self) -> crate::StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn create_user(&self, user: &crate::NewUser, now: time::OffsetDateTime) -> crate::StoreResult<crate::UserId> {
                let mut tx = self.pool.begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (phone, password_hash, role, display_name, disabled, created_at)
                     VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
                )
                .bind(user.phone.as_str())
                .bind(&user.password_hash)
                .bind(user.role.as_str())
                .bind(user.display_name.as_str())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::map_user_insert_error)?;
                if user.role == domain::Role::Worker {
                    sqlx::query("INSERT INTO worker_profiles (user_id, status, created_at) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(domain::WorkerStatus::Applicant.as_str())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(crate::UserId(id))
            }

            async fn credentials_by_phone(&self, phone: &domain::Phone) -> crate::StoreResult<Option<crate::Credentials>> {
                let row: Option<crate::model::CredentialsRow> = sqlx::query_as(
                    "SELECT id, password_hash, disabled FROM users WHERE phone = $1",
                )
                .bind(phone.as_str())
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(Into::into))
            }

            async fn user(&self, id: crate::UserId) -> crate::StoreResult<Option<crate::User>> {
                let row: Option<crate::model::UserRow> = sqlx::query_as(
                    "SELECT id, phone, role, display_name, disabled, created_at FROM users WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn users(&self, ids: &[i64]) -> crate::StoreResult<Vec<crate::User>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT id, phone, role, display_name, disabled, created_at FROM users WHERE id IN ({})",
                    crate::dispatching::id_list(ids)
                );
                let rows: Vec<crate::model::UserRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn update_display_name(&self, id: crate::UserId, name: &domain::DisplayName) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                    .bind(name.as_str())
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn set_account_disabled(&self, id: crate::UserId, disabled: bool) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                if disabled {
                    let held: i64 = sqlx::query_scalar(&format!(
                        "SELECT COUNT(*) FROM orders WHERE worker_id = $1 AND state IN ({})",
                        crate::orders::held_by_worker_sql()
                    ))
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                    if held > 0 {
                        return Err(crate::StoreError::HoldsOrders);
                    }
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
                }
                let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(id.0).execute(&mut *tx).await?;
                crate::model::expect_one(done.rows_affected())?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_password_hash(&self, id: crate::UserId, password_hash: &str) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(id.0)
                    .execute(&self.pool)
                    .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn create_session(
                &self,
                token_hash: &str,
                user: crate::UserId,
                now: time::OffsetDateTime,
                expires_at: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session_user(&self, token_hash: &str, now: time::OffsetDateTime) -> crate::StoreResult<Option<crate::User>> {
                let row: Option<crate::model::UserRow> = sqlx::query_as(
                    "SELECT u.id, u.phone, u.role, u.display_name, u.disabled, u.created_at
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = FALSE",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn delete_session(&self, token_hash: &str) -> crate::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn delete_other_sessions(&self, user: crate::UserId, keep_token_hash: &str) -> crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(user.0)
                    .bind(keep_token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn delete_expired_sessions(&self, now: time::OffsetDateTime) -> crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn record_login_attempt(&self, throttle_key: &str, at: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO login_attempts (throttle_key, attempted_at) VALUES ($1, $2)")
                    .bind(throttle_key)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn count_login_attempts(&self, throttle_key: &str, since: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let count: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM login_attempts WHERE throttle_key = $1 AND attempted_at > $2",
                )
                .bind(throttle_key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
                Ok(count)
            }

            async fn issue_login_code(
                &self,
                phone: &str,
                code_hash: &str,
                now: time::OffsetDateTime,
                resend_after: time::OffsetDateTime,
                expires_at: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let sent_at: Option<time::OffsetDateTime> =
                    sqlx::query_scalar("SELECT sent_at FROM login_codes WHERE phone = $1").bind(phone).fetch_optional(&mut *tx).await?;
                if sent_at.is_some_and(|at| at > resend_after) {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query(
                    "INSERT INTO login_codes (phone, code_hash, sent_at, expires_at, tries) VALUES ($1, $2, $3, $4, 0)
                     ON CONFLICT (phone) DO UPDATE SET code_hash = $2, sent_at = $3, expires_at = $4, tries = 0",
                )
                .bind(phone)
                .bind(code_hash)
                .bind(now)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn check_login_code(&self, phone: &str, code_hash: &str, now: time::OffsetDateTime, max_tries: i64) -> crate::StoreResult<crate::LoginCodeCheck> {
                let mut tx = self.begin_write().await?;
                let live: Option<(String, time::OffsetDateTime, i64)> =
                    sqlx::query_as("SELECT code_hash, expires_at, CAST(tries AS BIGINT) FROM login_codes WHERE phone = $1")
                        .bind(phone)
                        .fetch_optional(&mut *tx)
                        .await?;
                let outcome = match live {
                    None => crate::LoginCodeCheck::NoLiveCode,
                    Some((_, expires_at, tries)) if expires_at <= now || tries >= max_tries => crate::LoginCodeCheck::NoLiveCode,
                    Some((stored, _, _)) if stored == code_hash => crate::LoginCodeCheck::Accepted,
                    Some((_, _, tries)) => crate::LoginCodeCheck::Wrong { tries_left: max_tries - tries - 1 },
                };
                match outcome {
                    crate::LoginCodeCheck::Wrong { tries_left } if tries_left > 0 => {
                        sqlx::query("UPDATE login_codes SET tries = tries + 1 WHERE phone = $1").bind(phone).execute(&mut *tx).await?;
                    }
                    _ => {
                        sqlx::query("DELETE FROM login_codes WHERE phone = $1").bind(phone).execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok(outcome)
            }

            async fn prune_login_attempts(&self, before: time::OffsetDateTime) -> crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM login_attempts WHERE attempted_at <= $1")
                    .bind(before)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn worker_profile(&self, user: crate::UserId) -> crate::StoreResult<Option<crate::WorkerProfile>> {
                let row: Option<crate::model::WorkerProfileRow> = sqlx::query_as(
                    "SELECT user_id, status, years_experience, intro, review_note, reviewed_at
                     FROM worker_profiles WHERE user_id = $1",
                )
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn set_worker_status(
                &self,
                user: crate::UserId,
                status: domain::WorkerStatus,
                note: &str,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE worker_profiles SET status = $1, review_note = $2, reviewed_at = $3 WHERE user_id = $4",
                )
                .bind(status.as_str())
                .bind(note)
                .bind(now)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn background_note(&self, user: crate::UserId) -> crate::StoreResult<Option<crate::BackgroundNoteRecord>> {
                Ok(sqlx::query_as(
                    "SELECT p.background_note AS note, a.display_name AS noted_by_name, p.background_noted_at AS noted_at
                     FROM worker_profiles p LEFT JOIN users a ON a.id = p.background_noted_by WHERE p.user_id = $1",
                )
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn set_background_note(
                &self,
                user: crate::UserId,
                note: &str,
                admin: crate::UserId,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE worker_profiles SET background_note = $1, background_noted_by = $2, background_noted_at = $3 WHERE user_id = $4",
                )
                .bind(note)
                .bind(admin.0)
                .bind(now)
                .bind(user.0)
                .execute(&self.pool)
                .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn change_worker_status(
                &self,
                user: crate::UserId,
                from: domain::WorkerStatus,
                to: domain::WorkerStatus,
                note: &str,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE worker_profiles SET status = $1, review_note = $2, reviewed_at = $3 WHERE user_id = $4 AND status = $5",
                )
                .bind(to.as_str())
                .bind(note)
                .bind(now)
                .bind(user.0)
                .bind(from.as_str())
                .execute(&self.pool)
                .await?;
                if done.rows_affected() == 1 {
                    Ok(())
                } else {
                    Err(crate::StoreError::Conflict)
                }
            }

            async fn categories(&self) -> crate::StoreResult<Vec<crate::Category>> {
                let rows: Vec<crate::Category> = sqlx::query_as(
                    "SELECT c.id, c.code, c.name, c.blurb,
                            (SELECT COUNT(*) FROM services s WHERE s.category_id = c.id AND s.status = 'listed') AS listed_services,
                            CAST(c.commission_bps AS BIGINT) AS commission_bps, c.listed, c.requires_certificate
                     FROM categories c ORDER BY c.sort_order, c.id",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows)
            }

            async fn listed_services(&self, category: Option<i64>) -> crate::StoreResult<Vec<crate::ServiceSummary>> {
                self.search_services(&crate::ServiceSearch { category, ..Default::default() }).await
            }

            async fn search_services(&self, f: &crate::ServiceSearch) -> crate::StoreResult<Vec<crate::ServiceSummary>> {
                let sql = format!(
                    "SELECT s.id, s.category_id, c.name AS category_name, s.name, s.summary, s.unit,
                            s.base_price_fen, s.default_units,
                            (SELECT i.storage_key FROM service_images i WHERE i.service_id = s.id ORDER BY i.position, i.id LIMIT 1) AS cover_key,
                            r.rating_avg, COALESCE(r.reviews, 0) AS reviews
                     FROM services s JOIN categories c ON c.id = s.category_id
                     LEFT JOIN (SELECT o.service_id,
                                       {} AS rating_avg,
                                       COUNT(*) AS reviews
                                FROM reviews v JOIN orders o ON o.id = v.order_id GROUP BY o.service_id) r ON r.service_id = s.id
                     WHERE s.status = 'listed' AND c.listed = TRUE
                       AND (CAST($1 AS BIGINT) IS NULL OR s.category_id = $1)
                       AND (CAST($2 AS TEXT) IS NULL OR s.name LIKE $2 ESCAPE '\\' OR s.summary LIKE $2 ESCAPE '\\')
                       AND (CAST($3 AS BIGINT) IS NULL OR s.base_price_fen >= $3)
                       AND (CAST($4 AS BIGINT) IS NULL OR s.base_price_fen <= $4)
                       AND (CAST($5 AS TEXT) IS NULL OR EXISTS (
                            SELECT 1 FROM worker_profiles p WHERE p.status = 'approved' AND p.gender = $5
                            AND ',' || p.skills || ',' LIKE '%,' || c.code || ',%'))
                     ORDER BY {}",
                    crate::rating_avg_sql("v"),
                    f.sort.order_by()
                );
                let rows: Vec<crate::model::ServiceSummaryRow> = sqlx::query_as(&sql)
                    .bind(f.category)
                    .bind(f.text.as_deref().map(crate::model::like_pattern))
                    .bind(f.min_price_fen)
                    .bind(f.max_price_fen)
                    .bind(f.worker_gender.as_deref())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn insert_service(&self, service: &crate::NewService, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO services (category_id, name, summary, content, process_steps, supplies, qualifications,
                                           unit, base_price_fen, default_units, min_units, status, sort_order, created_at, addons_json, proof_photos)
                     SELECT c.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'listed', $12, $13, $14, $15
                     FROM categories c WHERE c.code = $1
                     RETURNING id",
                )
                .bind(&service.category_code)
                .bind(&service.name)
                .bind(&service.summary)
                .bind(&service.content)
                .bind(service.process_steps.join("\n"))
                .bind(&service.supplies)
                .bind(&service.qualifications)
                .bind(service.unit.as_str())
                .bind(service.base_price.get())
                .bind(service.default_units)
                .bind(service.min_units)
                .bind(service.sort_order)
                .bind(now)
                .bind(crate::model::addons_json(&service.addons)?)
                .bind(service.proof_photos)
                .fetch_optional(&self.pool)
                .await
                .map_err(crate::catalog_admin::map_service_error)?
                .ok_or(crate::StoreError::NotFound)?;
                Ok(id)
            }

            async fn dashboard_counts(
                &self,
                since: time::OffsetDateTime,
                health_lapsing_before: time::Date,
                anomalies: booking::AnomalyCutoffs,
            ) -> crate::StoreResult<crate::DashboardCounts> {
                let [starting_by, started_before, ended_before] = crate::orders::cutoff_instants(&anomalies)?;
                let counts: crate::DashboardCounts = sqlx::query_as(&format!(
                    "SELECT
                        (SELECT COUNT(*) FROM users WHERE role = 'customer') AS customers,
                        (SELECT COUNT(*) FROM worker_profiles WHERE status = 'applicant') AS workers_pending,
                        (SELECT COUNT(*) FROM worker_profiles WHERE status = 'approved') AS workers_approved,
                        (SELECT COUNT(*) FROM worker_documents WHERE review_state = 'pending') AS certificates_pending,
                        (SELECT COUNT(*) FROM worker_profiles w WHERE w.status = 'approved' AND {} < $2) AS health_lapsing,
                        (SELECT COUNT(*) FROM services WHERE status = 'listed') AS services_listed,
                        (SELECT COUNT(*) FROM users WHERE created_at >= $1) AS users_new_today,
                        (SELECT COUNT(*) FROM orders WHERE created_at >= $1) AS orders_today,
                        (SELECT COUNT(*) FROM orders WHERE state = 'booked') AS orders_awaiting_worker,
                        (SELECT COUNT(*) FROM orders WHERE state = 'booked' AND needs_admin = TRUE) AS orders_needing_admin,
                        (SELECT COUNT(*) FROM orders WHERE state IN ({})) AS orders_in_progress,
                        (SELECT COUNT(*) FROM orders o WHERE {}) AS orders_anomalous",
                    crate::orders::health_through_sql("w.user_id"),
                    crate::orders::held_by_worker_sql(),
                    crate::orders::anomalous_sql("$3", "$4", "$5"),
                ))
                .bind(since)
                .bind(health_lapsing_before.to_string())
                .bind(starting_by)
                .bind(started_before)
                .bind(ended_before)
                .fetch_one(&self.pool)
                .await?;
                Ok(counts)
            }

            async fn list_users(&self, filter: &crate::UserFilter) -> crate::StoreResult<crate::Paged<crate::UserListItem>> {
                let role = filter.role.map(|r| r.as_str());
                let search = filter.search.as_deref().map(|s| format!("%{s}%"));
                let lapsing_before = filter.health_lapsing_before.map(|d| d.to_string());
                let health_through = crate::orders::health_through_sql("u.id");
                let worker_status = filter.worker_status.map(|s| s.as_str());
                let created_since = filter.created_since.unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
                let with_pending_certificates = filter.with_pending_certificates.then_some(true);
                let condition = format!(
                    "WHERE (CAST($1 AS TEXT) IS NULL OR u.role = $1)
                      AND (CAST($2 AS TEXT) IS NULL OR u.phone LIKE $2 OR u.display_name LIKE $2)
                      AND (CAST($3 AS TEXT) IS NULL OR (w.status = 'approved' AND {health_through} < $3))
                      AND (CAST($4 AS TEXT) IS NULL OR w.status = $4)
                      AND (CAST($5 AS BOOLEAN) IS NULL OR EXISTS
                            (SELECT 1 FROM worker_documents d WHERE d.worker_id = u.id AND d.review_state = 'pending'))
                      AND u.created_at >= $6"
                );
                let total: i64 = sqlx::query_scalar(&format!(
                    "SELECT COUNT(*) FROM users u LEFT JOIN worker_profiles w ON w.user_id = u.id {condition}"
                ))
                .bind(role)
                .bind(search.as_deref())
                .bind(lapsing_before.as_deref())
                .bind(worker_status)
                .bind(with_pending_certificates)
                .bind(created_since)
                .fetch_one(&self.pool)
                .await?;
                let rows: Vec<crate::model::UserListRow> = sqlx::query_as(&format!(
                    "SELECT u.id, u.phone, u.role, u.display_name, u.disabled, u.created_at, w.status AS worker_status,
                            (SELECT COUNT(*) FROM worker_documents d WHERE d.worker_id = u.id AND d.review_state = 'pending') AS certificates_pending,
                            {health_through} AS health_through
                     FROM users u LEFT JOIN worker_profiles w ON w.user_id = u.id
                     {condition} ORDER BY u.id DESC LIMIT $7 OFFSET $8"
                ))
                .bind(role)
                .bind(search.as_deref())
                .bind(lapsing_before.as_deref())
                .bind(worker_status)
                .bind(with_pending_certificates)
                .bind(created_since)
                .bind(filter.page_size)
                .bind(filter.offset())
                .fetch_all(&self.pool)
                .await?;
                let items = rows.into_iter().map(TryInto::try_into).collect::<crate::StoreResult<Vec<_>>>()?;
                Ok(crate::Paged { items, total, page: filter.page, page_size: filter.page_size })
            }

            async fn record_audit(&self, entry: &crate::AuditEntry, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(entry.actor.map(|a| a.0))
                    .bind(&entry.action)
                    .bind(&entry.target)
                    .bind(&entry.detail)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn audit_entries(&self, f: &crate::AuditFilter) -> crate::StoreResult<Vec<crate::AuditRecord>> {
                let rows: Vec<crate::AuditRecord> = sqlx::query_as(
                    "SELECT id, actor_id, action, target, detail, created_at FROM audit_log
                     WHERE (CAST($1 AS TEXT) IS NULL OR action = $1)
                       AND (CAST($2 AS BIGINT) IS NULL OR actor_id = $2)
                       AND (CAST($3 AS TEXT) IS NULL OR target = $3)
                       AND created_at >= $4 AND created_at < $5 AND id < $6
                     ORDER BY id DESC LIMIT $7",
                )
                .bind(f.action.as_deref())
                .bind(f.actor_id)
                .bind(f.target.as_deref())
                .bind(f.from.unwrap_or(time::OffsetDateTime::UNIX_EPOCH))
                .bind(f.until.unwrap_or(crate::FAR_FUTURE))
                .bind(f.before_id.unwrap_or(i64::MAX))
                .bind(f.limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows)
            }

            async fn meta(&self, key: &str) -> crate::StoreResult<Option<String>> {
                let value: Option<String> = sqlx::query_scalar("SELECT meta_value FROM app_meta WHERE meta_key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(value)
            }

            async fn set_meta(&self, key: &str, value: &str) -> crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO app_meta (meta_key, meta_value) VALUES ($1, $2)
                     ON CONFLICT (meta_key) DO UPDATE SET meta_value = excluded.meta_value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use shared_store_impl;
