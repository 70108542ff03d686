//! Records the store reads and writes. Row structs (`*Row`) mirror columns;
//! the public types are checked conversions of them.

use crate::{StoreError, StoreResult};
use domain::{DisplayName, Fen, Phone, Role, WorkerStatus};
use pricing::Unit;
use time::OffsetDateTime;

/// What a typed login code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginCodeCheck {
    /// It was the live code, now spent.
    Accepted,
    /// Not the live code; after `tries_left` more misses it is spent.
    Wrong { tries_left: i64 },
    /// No code to check against: never sent, expired, used or tried out.
    NoLiveCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub i64);

pub struct NewUser {
    pub phone: Phone,
    pub password_hash: String,
    pub role: Role,
    pub display_name: DisplayName,
}

/// What login needs; never leaves the server.
pub struct Credentials {
    pub user_id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRow {
    id: i64,
    password_hash: String,
    disabled: bool,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Self { user_id: UserId(row.id), password_hash: row.password_hash, disabled: row.disabled }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: UserId,
    pub phone: Phone,
    pub role: Role,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    phone: String,
    role: String,
    display_name: String,
    disabled: bool,
    created_at: OffsetDateTime,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

fn parse_role(value: &str) -> StoreResult<Role> {
    Role::from_db(value).ok_or_else(|| corrupt("role", value))
}

fn parse_phone(value: &str) -> StoreResult<Phone> {
    Phone::parse(value).map_err(|_| corrupt("phone", value))
}

fn parse_worker_status(value: &str) -> StoreResult<WorkerStatus> {
    WorkerStatus::from_db(value).ok_or_else(|| corrupt("worker status", value))
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(row: UserRow) -> StoreResult<Self> {
        Ok(Self {
            id: UserId(row.id),
            phone: parse_phone(&row.phone)?,
            role: parse_role(&row.role)?,
            display_name: row.display_name,
            disabled: row.disabled,
            created_at: row.created_at,
        })
    }
}

/// The admins' background-check note on a worker, and who saved it last.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BackgroundNoteRecord {
    pub note: String,
    pub noted_by_name: Option<String>,
    pub noted_at: Option<time::OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct WorkerProfile {
    pub user_id: UserId,
    pub status: WorkerStatus,
    pub years_experience: i32,
    pub intro: String,
    pub review_note: String,
    pub reviewed_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct WorkerProfileRow {
    user_id: i64,
    status: String,
    years_experience: i32,
    intro: String,
    review_note: String,
    reviewed_at: Option<OffsetDateTime>,
}

impl TryFrom<WorkerProfileRow> for WorkerProfile {
    type Error = StoreError;
    fn try_from(row: WorkerProfileRow) -> StoreResult<Self> {
        Ok(Self {
            user_id: UserId(row.user_id),
            status: parse_worker_status(&row.status)?,
            years_experience: row.years_experience,
            intro: row.intro,
            review_note: row.review_note,
            reviewed_at: row.reviewed_at,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub blurb: String,
    pub listed_services: i64,
    /// The category's own commission rate; `None` uses the configured default.
    pub commission_bps: Option<i64>,
    /// Delisted categories are hidden from browsing with all their services.
    pub listed: bool,
    /// Only workers with a qualification certificate on file for it may take its orders.
    pub requires_certificate: bool,
}

pub struct NewService {
    pub category_code: String,
    pub name: String,
    pub summary: String,
    pub content: String,
    pub process_steps: Vec<String>,
    pub supplies: String,
    pub qualifications: String,
    pub unit: Unit,
    pub base_price: Fen,
    pub default_units: i32,
    pub min_units: i32,
    pub sort_order: i32,
    /// Optional extras, each charged once per order.
    pub addons: Vec<pricing::AddOn>,
    /// Its workers must add photos before and after the service (B4).
    pub proof_photos: bool,
}

#[derive(Debug, Clone)]
pub struct ServiceSummary {
    pub id: i64,
    pub category_id: i64,
    pub category_name: String,
    pub name: String,
    pub summary: String,
    pub unit: Unit,
    pub base_price: Fen,
    pub default_units: i32,
    /// The cover picture's storage key, if the service has pictures.
    pub cover_key: Option<String>,
    /// Average of the reviews' three ratings, 1–5; `None` before the first review.
    pub rating_avg: Option<f64>,
    pub reviews: i64,
}

/// How customers narrow the catalog (C1–C3); every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceSearch {
    pub category: Option<i64>,
    /// Words looked up in the name and summary.
    pub text: Option<String>,
    pub min_price_fen: Option<i64>,
    pub max_price_fen: Option<i64>,
    /// Only services an approved worker of this gender (`female`/`male`) can take.
    pub worker_gender: Option<String>,
    pub sort: ServiceSort,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ServiceSort {
    #[default]
    Recommended,
    PriceAsc,
    PriceDesc,
    Rating,
}

impl ServiceSort {
    pub(crate) fn order_by(self) -> &'static str {
        match self {
            ServiceSort::Recommended => "c.sort_order, s.sort_order, s.id",
            ServiceSort::PriceAsc => "s.base_price_fen, s.id",
            ServiceSort::PriceDesc => "s.base_price_fen DESC, s.id",
            ServiceSort::Rating => "(r.rating_avg IS NULL), r.rating_avg DESC, r.reviews DESC, s.id",
        }
    }
}

/// `%text%` for LIKE, with the wildcards a customer types taken literally.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[derive(sqlx::FromRow)]
pub(crate) struct ServiceSummaryRow {
    id: i64,
    category_id: i64,
    category_name: String,
    name: String,
    summary: String,
    unit: String,
    base_price_fen: i64,
    default_units: i32,
    cover_key: Option<String>,
    rating_avg: Option<f64>,
    reviews: i64,
}

impl TryFrom<ServiceSummaryRow> for ServiceSummary {
    type Error = StoreError;
    fn try_from(row: ServiceSummaryRow) -> StoreResult<Self> {
        Ok(Self {
            id: row.id,
            category_id: row.category_id,
            category_name: row.category_name,
            name: row.name,
            summary: row.summary,
            unit: Unit::from_db(&row.unit).ok_or_else(|| corrupt("pricing unit", &row.unit))?,
            base_price: Fen::new(row.base_price_fen),
            default_units: row.default_units,
            cover_key: row.cover_key,
            rating_avg: row.rating_avg,
            reviews: row.reviews,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DashboardCounts {
    pub customers: i64,
    pub workers_pending: i64,
    pub workers_approved: i64,
    /// Certificates approved workers filed that wait for an admin.
    pub certificates_pending: i64,
    /// Approved workers whose 健康证 lapses before the day given (or has).
    pub health_lapsing: i64,
    pub services_listed: i64,
    pub users_new_today: i64,
    pub orders_today: i64,
    pub orders_awaiting_worker: i64,
    pub orders_needing_admin: i64,
    pub orders_in_progress: i64,
    /// Orders the admin's monitor flags (see [`crate::AnomalyCutoffs`]).
    pub orders_anomalous: i64,
}

#[derive(Debug, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub search: Option<String>,
    /// Only approved workers whose 健康证 lapses before this day (or has).
    pub health_lapsing_before: Option<time::Date>,
    /// Only workers in this state of their application.
    pub worker_status: Option<WorkerStatus>,
    /// Only workers with a certificate waiting for review.
    pub with_pending_certificates: bool,
    /// Only accounts registered at or after this instant.
    pub created_since: Option<time::OffsetDateTime>,
    /// 1-based.
    pub page: i64,
    pub page_size: i64,
}

impl UserFilter {
    pub fn offset(&self) -> i64 {
        (self.page.max(1) - 1) * self.page_size
    }
}

#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[derive(Debug, Clone)]
pub struct UserListItem {
    pub id: UserId,
    pub phone: Phone,
    pub role: Role,
    pub display_name: String,
    pub disabled: bool,
    pub created_at: OffsetDateTime,
    pub worker_status: Option<WorkerStatus>,
    /// Certificates the worker filed that wait for an admin's review.
    pub certificates_pending: i64,
    /// Last valid day of the worker's newest accepted 健康证 (Beijing `YYYY-MM-DD`).
    pub health_through: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserListRow {
    id: i64,
    phone: String,
    role: String,
    display_name: String,
    disabled: bool,
    created_at: OffsetDateTime,
    worker_status: Option<String>,
    certificates_pending: i64,
    health_through: Option<String>,
}

impl TryFrom<UserListRow> for UserListItem {
    type Error = StoreError;
    fn try_from(row: UserListRow) -> StoreResult<Self> {
        Ok(Self {
            id: UserId(row.id),
            phone: parse_phone(&row.phone)?,
            role: parse_role(&row.role)?,
            display_name: row.display_name,
            disabled: row.disabled,
            created_at: row.created_at,
            worker_status: row.worker_status.as_deref().map(parse_worker_status).transpose()?,
            certificates_pending: row.certificates_pending,
            health_through: row.health_through,
        })
    }
}

pub struct AuditEntry {
    pub actor: Option<UserId>,
    pub action: String,
    pub target: String,
    pub detail: String,
}

/// Which audit entries to list, newest first: every given part must match.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<i64>,
    /// The stored target key exactly (`order:12`, `user:7`, `coupon 4`).
    pub target: Option<String>,
    /// Only entries made at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Only entries made before this instant.
    pub until: Option<OffsetDateTime>,
    /// Only entries older than this one (the next page of a listing).
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl AuditFilter {
    /// The newest `limit` entries, whatever they are.
    pub fn newest(limit: i64) -> Self {
        AuditFilter { action: None, actor_id: None, target: None, from: None, until: None, before_id: None, limit }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRecord {
    pub id: i64,
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

pub(crate) fn expect_one(rows_affected: u64) -> StoreResult<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub(crate) fn addons_json(addons: &[pricing::AddOn]) -> crate::StoreResult<String> {
    serde_json::to_string(addons).map_err(|e| crate::StoreError::Corrupt(e.to_string()))
}
