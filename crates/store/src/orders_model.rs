//! Records of the order loop. Times are UTC instants; money is fen.

use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewAddress {
    pub label: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Address {
    pub id: i64,
    pub customer_id: i64,
    pub label: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
    pub is_default: bool,
}

/// What dispatch needs to know about an approved worker.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkerForDispatch {
    pub user_id: i64,
    pub display_name: String,
    pub gender: Option<String>,
    pub skills: String,
    pub home_lat: f64,
    pub home_lng: f64,
    pub area_radius_km: f64,
    pub rating_avg: Option<f64>,
    pub active_orders: i64,
    /// Has an accepted qualification certificate for the category asked about.
    pub certified: bool,
    /// The last day (`YYYY-MM-DD`, Beijing) those certificates are valid
    /// on; `None` when one of them states no expiry, or there are none.
    pub certified_through: Option<String>,
    /// The last day the worker's newest accepted health certificate (a
    /// renewal replaces the one before) is valid on, when it states one.
    pub health_through: Option<String>,
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct WorkWindowRow {
    pub worker_id: i64,
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

/// Time a worker has promised (or holds) for an order.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct BusyRow {
    pub worker_id: i64,
    pub order_id: i64,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub lat: f64,
    pub lng: f64,
}

#[derive(Debug, Clone)]
pub struct WorkerSetup {
    pub gender: Option<String>,
    pub skills: Vec<String>,
    pub home_lat: f64,
    pub home_lng: f64,
    pub area_radius_km: f64,
    /// (weekday 0 = Monday, start minute, end minute) in Beijing time.
    pub hours: Vec<(i32, i32, i32)>,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub order_no: String,
    pub customer_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub category_code: String,
    pub units: i32,
    pub quote_json: String,
    pub total_fen: i64,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    pub notes: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub pay_deadline: OffsetDateTime,
    pub provider: String,
    pub out_trade_no: String,
    /// The commission rate in force when the order is placed.
    pub commission_bps: i32,
    /// The customer's claimed coupon this order uses, taken in the same
    /// transaction so one coupon never pays for two orders.
    pub coupon_claim_id: Option<i64>,
    /// Only workers of this gender (`female`/`male`) may take it.
    pub worker_gender: Option<String>,
    /// The cancellation rules in force when the order is placed, in
    /// `booking::CancellationPolicy`'s written form.
    pub cancel_tiers: Option<String>,
    /// The service's steps when the order is placed, one per line: the
    /// checklist its worker ticks (B4).
    pub checklist: Option<String>,
    /// The service asks for photos before and after.
    pub proof_photos: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedOrder {
    pub order_id: i64,
    pub reserved_worker_id: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRecord {
    pub id: i64,
    pub order_no: String,
    pub customer_id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub category_code: String,
    pub units: i32,
    pub quote_json: String,
    pub total_fen: i64,
    pub state: String,
    pub reserved_worker_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub worker_phone: Option<String>,
    pub customer_name: String,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
    pub contact_phone: String,
    pub notes: String,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub pay_deadline: OffsetDateTime,
    pub paid_fen: i64,
    pub cancel_fee_fen: i64,
    pub refund_fen: i64,
    /// Paid to the nanny already, month by month, while a long contract
    /// runs (月结), and her days served when staff ended it early.
    pub paid_out_fen: i64,
    pub needs_admin: bool,
    pub created_at: OffsetDateTime,
    pub has_review: bool,
    /// Feedback about the order is still unresolved (A6 flags it).
    pub open_complaint: bool,
    /// `None` for orders placed before rates were fixed on the order.
    pub commission_bps: Option<i32>,
    /// The customer's preference (`female`/`male`); `None`: anyone.
    pub worker_gender: Option<String>,
    /// Its category now requires a qualification certificate.
    pub needs_certificate: bool,
    /// The arrival was recorded away from the address (B4).
    pub arrived_far: bool,
    /// The cancellation rules it was booked under; `None` for orders placed
    /// before orders kept them.
    pub cancel_tiers: Option<String>,
    /// Its checklist, one step per line; `None` for orders placed before
    /// orders kept one.
    pub checklist: Option<String>,
    pub proof_photos: bool,
    /// When the customer confirmed the completed service.
    pub confirmed_at: Option<OffsetDateTime>,
    /// The platform confirmed it for them, nobody having confirmed or
    /// disputed it in time.
    pub confirmed_auto: bool,
    /// B6: the first order of the recurring booking this visit belongs to.
    pub series_id: Option<i64>,
    /// Which visit of its series it is (from 1), and how many the series
    /// has; both 0 outside a series.
    pub series_index: i64,
    pub series_visits: i64,
    /// B8: the nanny placement this order is the paid trial (试工) of.
    pub placement_id: Option<i64>,
}

impl OrderRecord {
    /// What the order still holds of what was paid: a move to a cheaper
    /// time gives the difference back before any cancellation or completion,
    /// and a long contract's months already paid to its nanny are hers.
    pub fn held_fen(&self) -> i64 {
        self.paid_fen - self.refund_fen - self.paid_out_fen
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderEventRecord {
    pub id: i64,
    pub order_id: i64,
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

/// One step of an order, appended to its log.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub position: Option<(f64, f64)>,
    pub detail: String,
    /// An arrival recorded beyond `booking::ARRIVAL_RADIUS_M` of the address:
    /// the order is flagged for the admin's monitor.
    pub away_from_address: bool,
}

/// A refund that has reached the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettledRefund {
    pub order_id: i64,
    pub amount_fen: i64,
}

/// 改期 to a cheaper time: the order's new quote and total, and the
/// difference refunded with its generated refund number.
#[derive(Debug, Clone)]
pub struct Reprice {
    pub quote_json: String,
    pub total_fen: i64,
    pub refund_fen: i64,
    pub refund_no: String,
}

/// A state change applied only if the order is still in `expected_state`.
#[derive(Debug, Clone)]
pub struct OrderChange {
    pub expected_state: String,
    pub next_state: String,
    /// `Some(id)` sets the assigned worker (and moves the time hold to them).
    pub assign_worker: Option<i64>,
    pub fee_fen: i64,
    /// A refund to start, with its generated refund number.
    pub refund: Option<(i64, String)>,
    /// On completion: pays the order's escrow out to the worker and the
    /// platform's commission. With a fee (the customer was not home): pays
    /// out the fee, what is left after the refund, instead of the platform
    /// keeping it.
    pub settle: Option<crate::Settlement>,
    /// The order was taken from a worker who never came (B5): their penalty.
    pub no_show: Option<crate::NoShowCharge>,
    pub event: NewEvent,
    /// Users who should see the change live.
    pub notify: Vec<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfferRecord {
    pub id: i64,
    pub order_id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub status: String,
    pub explanation: String,
    /// Part of a 抢单 broadcast: every open one lapses when one is accepted.
    pub broadcast: bool,
    pub offered_at: OffsetDateTime,
    pub deadline: OffsetDateTime,
    pub responded_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRecord {
    pub id: i64,
    pub order_id: i64,
    pub provider: String,
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub status: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The order became 待接单.
    Booked { order_id: i64 },
    /// Money arrived for an order that had already been cancelled: refunded in full.
    RefundedLate { order_id: i64 },
    /// A replayed notification: nothing changed.
    AlreadyProcessed,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub ref_id: i64,
    pub payload: String,
    pub attempts: i32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveEvent {
    pub id: i64,
    pub topic: String,
    pub order_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub order_id: i64,
    pub customer_id: i64,
    pub worker_id: i64,
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
}

/// What a customer adds to their review: photos, and one short video.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewMediaKind {
    Photo,
    Video,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRecord {
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ServiceRecord {
    pub id: i64,
    pub category_code: String,
    pub category_name: String,
    pub name: String,
    pub summary: String,
    pub content: String,
    pub process_steps: String,
    pub supplies: String,
    pub qualifications: String,
    pub unit: String,
    pub base_price_fen: i64,
    pub default_units: i32,
    pub min_units: i32,
    pub status: String,
    /// False while the service's category is delisted: not bookable either.
    pub category_listed: bool,
    /// `pricing::AddOn`s as JSON.
    pub addons_json: String,
    /// Its category requires workers with a qualification certificate.
    pub needs_certificate: bool,
    /// Its worker must add photos before and after the service (B4).
    pub proof_photos: bool,
}

#[derive(Debug, Clone)]
pub struct OrderFilter {
    pub customer_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub states: Vec<String>,
    pub needs_admin: Option<bool>,
    /// Only the orders the admin's monitor flags at these cutoffs.
    pub anomalous: Option<booking::AnomalyCutoffs>,
    /// Only the orders placed at or after this instant.
    pub created_since: Option<OffsetDateTime>,
    /// Only the orders with unresolved feedback about them.
    pub open_complaint: bool,
    /// Only the visits of this recurring booking (B6).
    pub series_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

impl OrderFilter {
    /// Every order, newest appointment first, at most `limit`; narrow it
    /// with struct update syntax.
    pub fn newest(limit: i64) -> Self {
        Self { customer_id: None, worker_id: None, states: Vec::new(), needs_admin: None, anomalous: None, created_since: None, open_complaint: false, series_id: None, limit, offset: 0 }
    }
}

/// What a service's page shows of its reviews.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReviews {
    pub count: i64,
    pub quality: Option<f64>,
    pub attitude: Option<f64>,
    pub result: Option<f64>,
    pub recent: Vec<PublicReview>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PublicReview {
    pub order_id: i64,
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
    pub customer_name: String,
    pub created_at: OffsetDateTime,
}

/// What an admin's customer page sums over all of one customer's orders (A8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CustomerTotals {
    pub orders: i64,
    pub completed: i64,
    /// Ended without service (`booking::OrderState::is_cancelled`).
    pub cancelled: i64,
    /// Everything the customer paid.
    pub paid_fen: i64,
    /// What went or is going back to them.
    pub refunded_fen: i64,
}

/// A review as the admin sees it on the customer's page: with the order and
/// the worker it was about.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CustomerReview {
    pub order_id: i64,
    pub order_no: String,
    pub service_name: String,
    pub worker_name: String,
    pub quality: i32,
    pub attitude: i32,
    pub result: i32,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FavoriteWorker {
    pub worker_id: i64,
    pub display_name: String,
    pub completed_orders: i64,
}
