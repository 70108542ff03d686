//! Chat messages (C8) and how far each side of a thread has read them.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A message as sent. The caller has checked that the sender takes part in
/// the thread and that it is open.
#[derive(Debug, Clone)]
pub struct NewChatMessage {
    pub thread: domain::ChatThread,
    /// The thread's customer: the order's, or the support thread's own.
    pub customer_id: i64,
    pub sender_id: i64,
    pub sender_side: domain::ChatSide,
    /// Empty for a photo.
    pub body: String,
    pub image_key: Option<String>,
    /// The sender's key for this one send; a repeat stores nothing new.
    pub client_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChatMessageRecord {
    pub id: i64,
    pub sender_id: i64,
    pub sender_name: String,
    pub sender_side: String,
    pub body: String,
    pub image_key: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A customer's support thread as the staff's inbox lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SupportThreadRecord {
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub last_body: String,
    pub last_is_image: bool,
    pub last_at: OffsetDateTime,
    /// Messages from the customer the staff have not read.
    pub unread: i64,
}

/// Where a chat photo belongs, for deciding who may see it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChatImageOwner {
    pub thread: String,
    pub customer_id: i64,
    pub order_id: Option<i64>,
}

#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Stores a message, counts the thread as read by its sender up to it,
    /// and tells the other side's open pages (the order's worker or customer;
    /// the customer or every active admin). A send whose `client_key` the
    /// sender used before stores nothing and returns the first message's id.
    /// `TooFast` when the sender already sent [`domain::CHAT_SENDS_PER_MINUTE`]
    /// messages within the minute before `now`.
    async fn post_chat(&self, message: &NewChatMessage, now: OffsetDateTime) -> StoreResult<i64>;
    /// The newest `limit` messages of a thread, oldest first.
    async fn chat_messages(&self, thread: domain::ChatThread, limit: i64) -> StoreResult<Vec<ChatMessageRecord>>;
    /// `side` has read the thread up to message `up_to` (never moves back).
    async fn mark_chat_read(&self, thread: domain::ChatThread, side: domain::ChatSide, up_to: i64) -> StoreResult<()>;
    /// Unread messages per thread for one participant: a customer's threads
    /// (`Customer`, by customer id), the threads of a worker's orders
    /// (`Worker`, by worker id), or every support thread (`Support`).
    async fn chat_unread(&self, side: domain::ChatSide, user_id: i64) -> StoreResult<Vec<(String, i64)>>;
    /// Support threads, the most recent first.
    async fn support_threads(&self, limit: i64) -> StoreResult<Vec<SupportThreadRecord>>;
    async fn chat_image_owner(&self, image_key: &str) -> StoreResult<Option<ChatImageOwner>>;
}

macro_rules! shared_chat_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::chat::ChatStore for $store {
            async fn post_chat(&self, m: &crate::NewChatMessage, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let thread = m.thread.key();
                let order_id = match m.thread {
                    domain::ChatThread::Order(id) => Some(id),
                    domain::ChatThread::Support(_) => None,
                };
                let mut tx = self.begin_write().await?;
                if let Some(key) = &m.client_key {
                    let sent: Option<i64> = sqlx::query_scalar("SELECT id FROM chat_messages WHERE sender_id = $1 AND client_key = $2")
                        .bind(m.sender_id)
                        .bind(key)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(id) = sent {
                        return Ok(id);
                    }
                }
                let sent_lately: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chat_messages WHERE sender_id = $1 AND created_at > $2")
                    .bind(m.sender_id)
                    .bind(now - time::Duration::minutes(1))
                    .fetch_one(&mut *tx)
                    .await?;
                if sent_lately >= domain::CHAT_SENDS_PER_MINUTE {
                    return Err(crate::StoreError::TooFast);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO chat_messages (thread, customer_id, order_id, sender_id, sender_side, body, image_key, client_key, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(&thread)
                .bind(m.customer_id)
                .bind(order_id)
                .bind(m.sender_id)
                .bind(m.sender_side.as_str())
                .bind(&m.body)
                .bind(&m.image_key)
                .bind(&m.client_key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::mark_read_in(&mut tx, &thread, m.sender_side, id).await?;
                let notify: Vec<i64> = match (m.thread, m.sender_side) {
                    (domain::ChatThread::Order(order), domain::ChatSide::Customer) => {
                        sqlx::query_scalar("SELECT worker_id FROM orders WHERE id = $1 AND worker_id IS NOT NULL")
                            .bind(order)
                            .fetch_all(&mut *tx)
                            .await?
                    }
                    (domain::ChatThread::Support(_), domain::ChatSide::Customer) => {
                        sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE").fetch_all(&mut *tx).await?
                    }
                    _ => vec![m.customer_id],
                };
                Self::append_live(&mut tx, &notify, "chat", order_id, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn chat_messages(&self, thread: domain::ChatThread, limit: i64) -> crate::StoreResult<Vec<crate::ChatMessageRecord>> {
                let mut rows: Vec<crate::ChatMessageRecord> = sqlx::query_as(
                    "SELECT m.id, m.sender_id, u.display_name AS sender_name, m.sender_side, m.body, m.image_key, m.created_at
                     FROM chat_messages m JOIN users u ON u.id = m.sender_id
                     WHERE m.thread = $1 ORDER BY m.id DESC LIMIT $2",
                )
                .bind(thread.key())
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                rows.reverse();
                Ok(rows)
            }

            async fn mark_chat_read(&self, thread: domain::ChatThread, side: domain::ChatSide, up_to: i64) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                Self::mark_read_in(&mut tx, &thread.key(), side, up_to).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn chat_unread(&self, side: domain::ChatSide, user_id: i64) -> crate::StoreResult<Vec<(String, i64)>> {
                let whose = match side {
                    domain::ChatSide::Customer => "m.customer_id = $2",
                    domain::ChatSide::Worker => "m.order_id IN (SELECT id FROM orders WHERE worker_id = $2)",
                    domain::ChatSide::Support => "m.thread LIKE 'support:%'",
                };
                let sql = format!(
                    "SELECT m.thread, COUNT(*) FROM chat_messages m
                     LEFT JOIN chat_reads r ON r.thread = m.thread AND r.side = $1
                     WHERE m.sender_side <> $1 AND m.id > COALESCE(r.last_read_id, 0) AND {whose}
                     GROUP BY m.thread"
                );
                let query = sqlx::query_as(&sql).bind(side.as_str());
                // The staff's side is every support thread: no one user's.
                let query = if side == domain::ChatSide::Support { query } else { query.bind(user_id) };
                Ok(query.fetch_all(&self.pool).await?)
            }

            async fn support_threads(&self, limit: i64) -> crate::StoreResult<Vec<crate::SupportThreadRecord>> {
                Ok(sqlx::query_as(
                    "SELECT c.id AS customer_id, c.display_name AS customer_name, c.phone AS customer_phone,
                            m.body AS last_body, (m.image_key IS NOT NULL) AS last_is_image, m.created_at AS last_at,
                            (SELECT COUNT(*) FROM chat_messages x
                              WHERE x.thread = m.thread AND x.sender_side = 'customer'
                                AND x.id > COALESCE((SELECT r.last_read_id FROM chat_reads r WHERE r.thread = m.thread AND r.side = 'support'), 0)) AS unread
                     FROM chat_messages m JOIN users c ON c.id = m.customer_id
                     WHERE m.id IN (SELECT MAX(id) FROM chat_messages WHERE thread LIKE 'support:%' GROUP BY thread)
                     ORDER BY m.id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn chat_image_owner(&self, image_key: &str) -> crate::StoreResult<Option<crate::ChatImageOwner>> {
                Ok(sqlx::query_as("SELECT thread, customer_id, order_id FROM chat_messages WHERE image_key = $1")
                    .bind(image_key)
                    .fetch_optional(&self.pool)
                    .await?)
            }
        }

        impl $store {
            async fn mark_read_in(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                thread: &str,
                side: domain::ChatSide,
                up_to: i64,
            ) -> crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO chat_reads (thread, side, last_read_id) VALUES ($1, $2, $3)
                     ON CONFLICT (thread, side) DO UPDATE SET last_read_id =
                       CASE WHEN excluded.last_read_id > chat_reads.last_read_id THEN excluded.last_read_id ELSE chat_reads.last_read_id END",
                )
                .bind(thread)
                .bind(side.as_str())
                .bind(up_to)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use shared_chat_impl;
