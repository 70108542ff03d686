//! Admin dashboard and user management.

use super::orders::OrderCard;
use super::UnixSeconds;
use crate::error::AppError;
use domain::{Role, WorkerStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub customers: i64,
    pub workers_pending: i64,
    pub workers_approved: i64,
    pub certificates_pending: i64,
    pub health_lapsing: i64,
    pub services_listed: i64,
    pub users_new_today: i64,
    pub orders_today: i64,
    pub orders_awaiting_worker: i64,
    pub orders_needing_admin: i64,
    pub orders_in_progress: i64,
    /// Orders flagged 接单超时, 服务者迟到 or 服务超时 now.
    pub orders_anomalous: i64,
    /// Feedback and complaints nobody has resolved yet.
    pub feedback_unresolved: i64,
    /// Approved or suspended workers whose assessment raises a concern (A5).
    pub workers_with_concerns: i64,
    /// Workers' appeals nobody has decided yet (B7).
    pub appeals_open: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRowView {
    pub id: i64,
    pub phone: String,
    pub display_name: String,
    pub role: Role,
    pub worker_status: Option<WorkerStatus>,
    pub disabled: bool,
    pub created_at: UnixSeconds,
    /// Certificates waiting for an admin's review.
    pub certificates_pending: i64,
    /// An approved worker's 健康证 that lapsed or lapses within the notice period.
    pub health: Option<HealthTag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthTag {
    /// Last valid day, Beijing `YYYY-MM-DD`.
    pub valid_through: String,
    pub expired: bool,
}

/// What the 用户列表 and 服务者审核 lists can narrow to (`?attention=` in their
/// URLs): each is what one 数据看板 tile counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAttention {
    /// Accounts registered since midnight, Beijing time.
    NewToday,
    /// Workers whose application waits for review.
    Applicants,
    /// Approved workers.
    Approved,
    /// Workers with a certificate waiting for review.
    CertificatesPending,
    /// Approved workers whose 健康证 lapsed or lapses within the notice period.
    HealthLapsing,
}

impl UserAttention {
    pub const ALL: [UserAttention; 5] =
        [UserAttention::NewToday, UserAttention::Applicants, UserAttention::Approved, UserAttention::CertificatesPending, UserAttention::HealthLapsing];

    pub fn as_str(self) -> &'static str {
        match self {
            UserAttention::NewToday => "today",
            UserAttention::Applicants => "applicants",
            UserAttention::Approved => "approved",
            UserAttention::CertificatesPending => "certificates",
            UserAttention::HealthLapsing => "health",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub rows: Vec<UserRowView>,
    pub total: i64,
    pub page: i64,
    pub page_count: i64,
}

pub const USERS_PAGE_SIZE: i64 = 20;

/// One customer as the admin sees them (A8): the account, what all their
/// orders add up to, their newest orders and the reviews they wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub id: i64,
    pub phone: String,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: UnixSeconds,
    pub orders_total: i64,
    pub orders_completed: i64,
    pub orders_cancelled: i64,
    pub paid_fen: i64,
    pub refunded_fen: i64,
    /// The newest [`CUSTOMER_ORDERS_SHOWN`] orders, by appointment.
    pub orders: Vec<CustomerOrderRow>,
    /// The newest [`CUSTOMER_REVIEWS_SHOWN`] reviews.
    pub reviews: Vec<CustomerReviewView>,
}

impl CustomerView {
    /// What the customer paid and kept paid: refunds, settled or on their way, taken off.
    pub fn net_spent_fen(&self) -> i64 {
        self.paid_fen - self.refunded_fen
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOrderRow {
    pub card: OrderCard,
    pub paid_fen: i64,
    pub refund_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerReviewView {
    pub order_id: i64,
    pub order_no: String,
    pub service_name: String,
    pub worker_name: String,
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
    pub at: UnixSeconds,
    /// Addresses of the review's photos.
    pub photos: Vec<String>,
    /// Address of the review's short video.
    pub video: Option<String>,
}

pub const CUSTOMER_ORDERS_SHOWN: i64 = 50;
pub const CUSTOMER_REVIEWS_SHOWN: i64 = 20;

#[server(prefix = "/api", endpoint = "admin_dashboard")]
pub async fn admin_dashboard() -> Result<DashboardView, AppError> {
    crate::server::respond(crate::server::admin::dashboard().await)
}

#[server(prefix = "/api", endpoint = "admin_users")]
pub async fn admin_users(role: Option<String>, q: Option<String>, attention: Option<String>, page: Option<i64>) -> Result<UsersPage, AppError> {
    crate::server::respond(crate::server::admin::users(role, q, attention, page).await)
}

#[server(prefix = "/api", endpoint = "admin_customer")]
pub async fn admin_customer(user_id: i64) -> Result<CustomerView, AppError> {
    crate::server::respond(crate::server::admin::customer(user_id).await)
}

#[server(prefix = "/api", endpoint = "admin_set_account_disabled")]
pub async fn admin_set_account_disabled(user_id: i64, disabled: bool, note: String) -> Result<bool, AppError> {
    crate::server::respond(crate::server::admin::set_account_disabled(user_id, disabled, note).await)
}

#[server(prefix = "/api", endpoint = "admin_review_worker")]
pub async fn admin_review_worker(worker_id: i64, decision: String, note: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::admin::review_worker(worker_id, decision, note).await)
}

/// One admin action from the audit log (P5), as 操作日志 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRowView {
    pub id: i64,
    pub at: UnixSeconds,
    /// The admin's name and phone; 系统 for the platform itself.
    pub actor: String,
    /// What was done, in words (the stored code when it has none).
    pub action: String,
    /// The person acted on (name and phone), else the record (订单 #12).
    pub target: String,
    /// The stored target key, to filter 操作日志 by it.
    pub target_key: String,
    /// The page of the order, customer or worker acted on, if it has one.
    pub target_href: Option<String>,
    pub detail: String,
}

/// How many audit entries one page of 操作日志 shows.
pub const AUDIT_PAGE_ROWS: i64 = 100;

/// 操作日志's filters as the page's address carries them; an empty or
/// missing one does not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// The stored action code (`worker_approve`).
    pub action: Option<String>,
    /// The phone of whoever acted (an admin, or a user changing their own account).
    pub actor: Option<String>,
    /// The stored target key (`order:12`, `user:7`).
    pub target: Option<String>,
    /// First and last Beijing day, `2026-12-01`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Entries older than this id: the next page.
    pub before: Option<i64>,
}

impl AuditQuery {
    /// Whether any filter narrows the log (the page it is on aside).
    pub fn is_filtered(&self) -> bool {
        AuditQuery { before: None, ..self.clone() } != AuditQuery::default()
    }
}

/// One page of 操作日志.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRowView>,
    /// The target filter in words (订单 #12), when there is one.
    pub target: Option<String>,
    /// `before` for the next, older page; `None` on the last one.
    pub older: Option<i64>,
}

/// 操作日志: admin actions, newest first, filtered and a page at a time.
#[server(prefix = "/api", endpoint = "admin_audit_log")]
pub async fn admin_audit_log(
    action: Option<String>,
    actor: Option<String>,
    target: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    crate::server::respond(crate::server::admin::audit_log(AuditQuery { action, actor, target, from, to, before }).await)
}

