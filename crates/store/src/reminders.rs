//! Reminder channels (C11) and the reminders sent through them.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// Which channels a user wants reminders on; both until they choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderPrefs {
    pub sms: bool,
    pub in_app: bool,
}

impl ReminderPrefs {
    /// The channels chosen, as messages name them.
    pub fn channels(&self) -> Vec<&'static str> {
        [("sms", self.sms), ("in_app", self.in_app)].into_iter().filter(|(_, on)| *on).map(|(channel, _)| channel).collect()
    }
}

impl Default for ReminderPrefs {
    fn default() -> Self {
        Self { sms: true, in_app: true }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRecord {
    pub id: i64,
    pub channel: String,
    pub kind: String,
    pub order_id: Option<i64>,
    pub body: String,
    pub created_at: OffsetDateTime,
}

/// A message about an order, with whom it went to: what 客服 reads when
/// someone says they were never told.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderMessageRecord {
    pub user_name: String,
    pub user_role: String,
    pub channel: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[async_trait]
pub trait ReminderStore: Send + Sync {
    async fn reminder_prefs(&self, user_id: i64) -> StoreResult<ReminderPrefs>;
    async fn set_reminder_prefs(&self, user_id: i64, prefs: ReminderPrefs, now: OffsetDateTime) -> StoreResult<()>;
    /// Records one reminder per chosen channel; a repeat of the same
    /// (order, kind, channel) is ignored. Returns the channels recorded now,
    /// which are the ones still to be delivered.
    async fn send_reminder(&self, user_id: i64, order_id: i64, kind: &str, body: &str, channels: &[&str], now: OffsetDateTime) -> StoreResult<Vec<String>>;
    /// Newest first.
    async fn messages(&self, user_id: i64, limit: i64) -> StoreResult<Vec<MessageRecord>>;
    /// Every message about the order, to anyone, oldest first.
    async fn order_messages(&self, order_id: i64) -> StoreResult<Vec<OrderMessageRecord>>;
    /// Leaves one 站内消息 of `kind` about no order (news of a nanny
    /// placement, say), and tells the user's open pages.
    async fn post_message(&self, user_id: i64, kind: &str, body: &str, now: OffsetDateTime) -> StoreResult<()>;
    /// How many of the user's messages (on `channel`, or any) are newer than
    /// the newest they have read.
    async fn unread_messages(&self, user_id: i64, channel: Option<&str>) -> StoreResult<i64>;
    /// The newest message id the user has read (0 before they read any):
    /// the ones above it are new.
    async fn messages_read_up_to(&self, user_id: i64) -> StoreResult<i64>;
    /// Marks the user's messages up to `up_to` (the newest id they were
    /// shown) read. It only moves forward, and never past their own newest
    /// message, so a message that arrives while they read stays new.
    async fn mark_messages_read(&self, user_id: i64, up_to: i64, now: OffsetDateTime) -> StoreResult<()>;
}

macro_rules! shared_reminder_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::reminders::ReminderStore for $store {
            async fn reminder_prefs(&self, user_id: i64) -> crate::StoreResult<crate::ReminderPrefs> {
                let row: Option<(bool, bool)> = sqlx::query_as("SELECT sms, in_app FROM reminder_prefs WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|(sms, in_app)| crate::ReminderPrefs { sms, in_app }).unwrap_or_default())
            }

            async fn set_reminder_prefs(&self, user_id: i64, prefs: crate::ReminderPrefs, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO reminder_prefs (user_id, sms, in_app, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (user_id) DO UPDATE SET sms = $2, in_app = $3, updated_at = $4",
                )
                .bind(user_id)
                .bind(prefs.sms)
                .bind(prefs.in_app)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn send_reminder(
                &self,
                user_id: i64,
                order_id: i64,
                kind: &str,
                body: &str,
                channels: &[&str],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<Vec<String>> {
                let mut tx = self.pool.begin().await?;
                let mut sent = Vec::new();
                for channel in channels {
                    let done = sqlx::query(
                        "INSERT INTO messages (user_id, channel, kind, order_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (user_id, order_id, kind, channel) DO NOTHING",
                    )
                    .bind(user_id)
                    .bind(channel)
                    .bind(kind)
                    .bind(order_id)
                    .bind(body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() == 1 {
                        sent.push(channel.to_string());
                    }
                }
                tx.commit().await?;
                Ok(sent)
            }

            async fn post_message(&self, user_id: i64, kind: &str, body: &str, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO messages (user_id, channel, kind, order_id, body, created_at) VALUES ($1, 'in_app', $2, NULL, $3, $4)")
                    .bind(user_id)
                    .bind(kind)
                    .bind(body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::append_live(&mut tx, &[user_id], "message", None, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn unread_messages(&self, user_id: i64, channel: Option<&str>) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND channel = COALESCE($2, channel)
                     AND id > COALESCE((SELECT last_read_id FROM message_reads WHERE user_id = $1), 0)",
                )
                .bind(user_id)
                .bind(channel)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn messages_read_up_to(&self, user_id: i64) -> crate::StoreResult<i64> {
                let read: Option<i64> = sqlx::query_scalar("SELECT last_read_id FROM message_reads WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(read.unwrap_or(0))
            }

            async fn mark_messages_read(&self, user_id: i64, up_to: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM messages WHERE user_id = $1 AND id <= $2")
                    .bind(user_id)
                    .bind(up_to)
                    .fetch_one(&self.pool)
                    .await?;
                let Some(newest) = newest else { return Ok(()) };
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO message_reads (user_id, last_read_id, read_at) VALUES ($1, $2, $3)
                     ON CONFLICT (user_id) DO UPDATE SET read_at = $3,
                         last_read_id = CASE WHEN message_reads.last_read_id > $2 THEN message_reads.last_read_id ELSE $2 END",
                )
                .bind(user_id)
                .bind(newest)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                // Their other open pages (and this page's tab bar) drop the count.
                Self::append_live(&mut tx, &[user_id], "messages_read", None, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn order_messages(&self, order_id: i64) -> crate::StoreResult<Vec<crate::OrderMessageRecord>> {
                Ok(sqlx::query_as(
                    "SELECT u.display_name AS user_name, u.role AS user_role, m.channel, m.body, m.created_at
                     FROM messages m JOIN users u ON u.id = m.user_id WHERE m.order_id = $1 ORDER BY m.id",
                )
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn messages(&self, user_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::MessageRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, channel, kind, order_id, body, created_at FROM messages WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(user_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }
        }
    };
}
pub(crate) use shared_reminder_impl;
