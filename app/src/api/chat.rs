//! Chat (C8): a thread per order between its customer and the worker
//! holding it, and a support thread per customer with the staff. Text and
//! photos, unread counts, history kept.

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessageView {
    pub id: i64,
    /// Sent by the side the viewer is on (for staff: by any admin).
    pub mine: bool,
    pub sender_name: String,
    /// Empty for a photo.
    pub body: String,
    pub image_url: Option<String>,
    pub at: UnixSeconds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatThreadView {
    /// `order:12` or `support:5`.
    pub thread: String,
    /// Who the viewer talks to: the worker's or customer's name, or 平台客服.
    pub counterpart: String,
    /// For an order: its service and appointment.
    pub about: Option<String>,
    /// Where the order itself is, for the viewer.
    pub order_href: Option<String>,
    /// For the staff: the customer's page.
    pub customer_href: Option<String>,
    /// New messages are taken; otherwise the history is only read.
    pub open: bool,
    /// Oldest first.
    pub messages: Vec<ChatMessageView>,
}

/// A customer's support thread in the staff's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportThreadView {
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    /// The last message's text, or 【图片】.
    pub last: String,
    pub last_at: UnixSeconds,
    pub unread: i64,
}

/// Unread messages in one of the viewer's threads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatUnread {
    pub thread: String,
    pub count: i64,
}

/// The thread key a customer's pages use for their own support thread.
pub const MY_SUPPORT: &str = "support";

/// How many messages of a thread a page shows (the newest).
pub const THREAD_MESSAGES: i64 = 200;

/// Where the photo form of the thread a page names (a key, or
/// [`MY_SUPPORT`]) posts: `/uploads/chat/{thread}`, a plain multipart form.
pub fn upload_path(thread: &str) -> String {
    format!("/uploads/chat/{thread}")
}

/// The thread with its newest messages; reading it marks them read.
#[server(prefix = "/api", endpoint = "chat_thread")]
pub async fn chat_thread(thread: String) -> Result<ChatThreadView, AppError> {
    crate::server::respond(crate::server::chat::thread(thread).await)
}

/// Sends a text message; `client_key` is the page's key for this one send,
/// so a retried send is stored once.
#[server(prefix = "/api", endpoint = "send_chat")]
pub async fn send_chat(thread: String, body: String, client_key: String) -> Result<i64, AppError> {
    crate::server::respond(crate::server::chat::send(thread, body, client_key).await)
}

/// Unread messages per thread for the caller: a customer's order and support
/// threads, a worker's order threads, or (for admins) every support thread.
#[server(prefix = "/api", endpoint = "my_chat_unread")]
pub async fn my_chat_unread() -> Result<Vec<ChatUnread>, AppError> {
    crate::server::respond(crate::server::chat::unread().await)
}

/// An order's thread for an admin settling a complaint: read-only, and the
/// reading is audited (who, when, which order).
#[server(prefix = "/api", endpoint = "admin_order_chat")]
pub async fn admin_order_chat(order_id: i64) -> Result<Vec<ChatMessageView>, AppError> {
    crate::server::respond(crate::server::chat::review_order_thread(order_id).await)
}

/// 客服消息: every customer's support thread, the most recent first.
#[server(prefix = "/api", endpoint = "admin_support_inbox")]
pub async fn admin_support_inbox() -> Result<Vec<SupportThreadView>, AppError> {
    crate::server::respond(crate::server::chat::support_inbox().await)
}
