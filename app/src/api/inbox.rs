//! 消息: the messages left a worker, and how many are new for a customer
//! (their 站内消息) or a worker (their messages and texts).

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The page a message's 查看 link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageAbout {
    /// 工作台: an order assigned, handed on or moved.
    Work,
    Withdrawals,
    /// 收入: a contract's month paid out.
    Earnings,
    /// 申诉: a warning, a no-show, an appeal answered.
    Appeals,
    /// 我的考核: a customer's rating.
    Assessment,
    /// 资料与认证: the application or a certificate reviewed.
    Application,
    /// 面试邀请: nanny placement news.
    Interviews,
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerMessageView {
    pub id: i64,
    pub body: String,
    /// Sent as a text message (kept here too).
    pub by_text: bool,
    pub about: MessageAbout,
    pub at: UnixSeconds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxView {
    pub messages: Vec<WorkerMessageView>,
    pub unread: i64,
    /// The newest message read before: the ones above it are new. The page
    /// keeps the first figure it got, so what was new stays marked while
    /// it is open, after it has been marked read.
    pub read_up_to: i64,
}

#[server(prefix = "/api", endpoint = "worker_inbox")]
pub async fn worker_inbox() -> Result<InboxView, AppError> {
    crate::server::respond(crate::server::inbox::my_inbox().await)
}

#[server(prefix = "/api", endpoint = "unread_messages")]
pub async fn unread_messages() -> Result<i64, AppError> {
    crate::server::respond(crate::server::inbox::my_unread().await)
}

/// Marks the messages up to `up_to` (the newest one shown) read.
#[server(prefix = "/api", endpoint = "mark_messages_read")]
pub async fn mark_messages_read(up_to: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::inbox::mark_read(up_to).await)
}
