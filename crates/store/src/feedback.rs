//! Customer feedback and complaints (C10) and their handling by admins (A9).

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub customer_id: i64,
    /// Checked by the caller to be one of the customer's orders.
    pub order_id: Option<i64>,
    pub category: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub order_id: Option<i64>,
    pub order_no: Option<String>,
    pub category: String,
    pub body: String,
    pub status: String,
    pub handler_id: Option<i64>,
    pub handler_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackReplyRecord {
    pub id: i64,
    pub feedback_id: i64,
    pub admin_name: String,
    pub body: String,
    pub resolves: bool,
    pub created_at: OffsetDateTime,
}

/// An admin's step on one piece of feedback, applied only if the feedback is
/// still in `expected_status` (`Conflict` otherwise, and nothing changes).
#[derive(Debug, Clone)]
pub struct FeedbackStep {
    pub expected_status: String,
    pub next_status: String,
    /// Who acts.
    pub admin_id: i64,
    /// Who handles it afterwards: the actor, or the admin it is handed
    /// over to (audited, and told live).
    pub handler_id: i64,
    /// What the customer reads (a reply or the resolution), with the 消息
    /// that tells them of it.
    pub reply: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    pub customer_id: Option<i64>,
    pub order_id: Option<i64>,
    /// Any of these; all when empty.
    pub statuses: Vec<domain::FeedbackStatus>,
    pub limit: i64,
}

#[async_trait]
pub trait FeedbackStore: Send + Sync {
    /// Files feedback and tells every active admin's open pages.
    async fn create_feedback(&self, feedback: &NewFeedback, now: OffsetDateTime) -> StoreResult<i64>;
    async fn feedback(&self, id: i64) -> StoreResult<Option<FeedbackRecord>>;
    /// Newest first.
    async fn feedback_list(&self, filter: &FeedbackFilter) -> StoreResult<Vec<FeedbackRecord>>;
    /// Oldest first.
    async fn feedback_replies(&self, feedback_ids: &[i64]) -> StoreResult<Vec<FeedbackReplyRecord>>;
    /// `(id, name)` of every enabled admin: who feedback may be handed to.
    async fn feedback_handlers(&self) -> StoreResult<Vec<(i64, String)>>;
    /// Applies an admin's step with its reply and 消息 in one transaction.
    async fn step_feedback(&self, id: i64, step: &FeedbackStep, now: OffsetDateTime) -> StoreResult<()>;
    /// Adds a photo to unresolved feedback unless it has `max` already
    /// (`Conflict`: nothing is added).
    async fn add_feedback_image(&self, feedback_id: i64, storage_key: &str, max: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// `(feedback id, storage key)` of their photos, oldest first.
    async fn feedback_images(&self, feedback_ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
    /// The customer whose feedback a stored photo belongs to.
    async fn feedback_image_owner(&self, storage_key: &str) -> StoreResult<Option<i64>>;
    /// Feedback nobody has resolved yet (`domain::FeedbackStatus::UNRESOLVED`).
    async fn unresolved_feedback_count(&self) -> StoreResult<i64>;
}

pub(crate) const FEEDBACK_COLUMNS: &str = "f.id, f.customer_id, c.display_name AS customer_name, f.order_id, o.order_no,
    f.category, f.body, f.status, f.handler_id, h.display_name AS handler_name, f.created_at, f.resolved_at
    FROM feedback f JOIN users c ON c.id = f.customer_id LEFT JOIN orders o ON o.id = f.order_id
    LEFT JOIN users h ON h.id = f.handler_id";

/// `statuses` as the list of an SQL `IN (…)`: their storage names are constants.
pub(crate) fn status_list_sql(statuses: &[domain::FeedbackStatus]) -> String {
    statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ")
}

macro_rules! shared_feedback_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::feedback::FeedbackStore for $store {
            async fn create_feedback(&self, f: &crate::NewFeedback, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO feedback (customer_id, order_id, category, body, status, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'open', $5, $5) RETURNING id",
                )
                .bind(f.customer_id)
                .bind(f.order_id)
                .bind(&f.category)
                .bind(&f.body)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let admins: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE")
                    .fetch_all(&mut *tx)
                    .await?;
                Self::append_live(&mut tx, &admins, "feedback", f.order_id, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn feedback(&self, id: i64) -> crate::StoreResult<Option<crate::FeedbackRecord>> {
                let sql = format!("SELECT {} WHERE f.id = $1", crate::feedback::FEEDBACK_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn feedback_list(&self, filter: &crate::FeedbackFilter) -> crate::StoreResult<Vec<crate::FeedbackRecord>> {
                let statuses = if filter.statuses.is_empty() {
                    String::from("TRUE")
                } else {
                    format!("f.status IN ({})", crate::feedback::status_list_sql(&filter.statuses))
                };
                let sql = format!(
                    "SELECT {} WHERE (CAST($1 AS BIGINT) IS NULL OR f.customer_id = $1)
                       AND (CAST($2 AS BIGINT) IS NULL OR f.order_id = $2) AND {statuses}
                     ORDER BY f.id DESC LIMIT $3",
                    crate::feedback::FEEDBACK_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                    .bind(filter.customer_id)
                    .bind(filter.order_id)
                    .bind(filter.limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn feedback_replies(&self, feedback_ids: &[i64]) -> crate::StoreResult<Vec<crate::FeedbackReplyRecord>> {
                if feedback_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = crate::dispatching::id_list(feedback_ids);
                let sql = format!(
                    "SELECT r.id, r.feedback_id, a.display_name AS admin_name, r.body, r.resolves, r.created_at
                     FROM feedback_replies r JOIN users a ON a.id = r.admin_id
                     WHERE r.feedback_id IN ({ids}) ORDER BY r.id"
                );
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn feedback_handlers(&self) -> crate::StoreResult<Vec<(i64, String)>> {
                Ok(sqlx::query_as("SELECT id, display_name FROM users WHERE role = 'admin' AND disabled = FALSE ORDER BY id").fetch_all(&self.pool).await?)
            }

            async fn step_feedback(&self, id: i64, step: &crate::FeedbackStep, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let resolved = step.next_status == "resolved";
                // The customer and order come back with the update: who is told, about what.
                let moved: Option<(i64, Option<i64>)> = sqlx::query_as(
                    "UPDATE feedback SET status = $1, handler_id = $2, updated_at = $3,
                        resolved_at = CASE WHEN $4 THEN $3 ELSE resolved_at END
                     WHERE id = $5 AND status = $6 RETURNING customer_id, order_id",
                )
                .bind(&step.next_status)
                .bind(step.handler_id)
                .bind(now)
                .bind(resolved)
                .bind(id)
                .bind(&step.expected_status)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((customer, order)) = moved else {
                    return Err(crate::StoreError::Conflict);
                };
                if step.handler_id != step.admin_id {
                    sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, 'feedback_hand_over', $2, $3, $4)")
                        .bind(step.admin_id)
                        .bind(format!("feedback:{id}"))
                        .bind(format!("user:{}", step.handler_id))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    Self::append_live(&mut tx, &[step.handler_id], "feedback", order, now).await?;
                }
                if let Some((reply, notice)) = &step.reply {
                    let reply_id: i64 = sqlx::query_scalar(
                        "INSERT INTO feedback_replies (feedback_id, admin_id, body, resolves, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(id)
                    .bind(step.admin_id)
                    .bind(reply)
                    .bind(resolved)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    // One 消息 per reply: the kind names the reply, so the message's uniqueness holds.
                    sqlx::query(
                        "INSERT INTO messages (user_id, channel, kind, order_id, body, created_at) VALUES ($1, 'in_app', $2, $3, $4, $5)",
                    )
                    .bind(customer)
                    .bind(format!("feedback_reply:{reply_id}"))
                    .bind(order)
                    .bind(notice)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    Self::append_live(&mut tx, &[customer], "message", order, now).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn add_feedback_image(&self, feedback_id: i64, storage_key: &str, max: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM feedback_images WHERE feedback_id = $1")
                    .bind(feedback_id)
                .fetch_one(&mut *tx)
                .await?;
                let open: Option<String> = sqlx::query_scalar("SELECT status FROM feedback WHERE id = $1").bind(feedback_id).fetch_optional(&mut *tx).await?;
                if held >= max || open.as_deref().is_none_or(|s| s == domain::FeedbackStatus::Resolved.as_str()) {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query("INSERT INTO feedback_images (feedback_id, storage_key, created_at) VALUES ($1, $2, $3)")
                    .bind(feedback_id)
                    .bind(storage_key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn feedback_images(&self, feedback_ids: &[i64]) -> crate::StoreResult<Vec<(i64, String)>> {
                if feedback_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = crate::dispatching::id_list(feedback_ids);
                let sql = format!("SELECT feedback_id, storage_key FROM feedback_images WHERE feedback_id IN ({ids}) ORDER BY id");
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn feedback_image_owner(&self, storage_key: &str) -> crate::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT f.customer_id FROM feedback_images i JOIN feedback f ON f.id = i.feedback_id WHERE i.storage_key = $1")
                    .bind(storage_key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn unresolved_feedback_count(&self) -> crate::StoreResult<i64> {
                let sql = format!(
                    "SELECT COUNT(*) FROM feedback WHERE status IN ({})",
                    crate::feedback::status_list_sql(&domain::FeedbackStatus::UNRESOLVED)
                );
                Ok(sqlx::query_scalar(&sql).fetch_one(&self.pool).await?)
            }
        }
    };
}
pub(crate) use shared_feedback_impl;
