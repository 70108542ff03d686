//! The order state machine: one transition table that every caller (server
//! functions, the payment webhook, the dispatcher, the admin console) goes
//! through, so an order can only move the way the product says it may.
//!
//! Pure Rust with no clock and no I/O: the caller loads the order's
//! [`OrderFacts`], passes the current time in, and stores the returned
//! [`Transition`] in the same database transaction that recorded the event.
//! A refused event returns an error and the caller writes nothing.
//!
//! # Transition table
//!
//! | from              | event              | actor                         | to          |
//! |-------------------|--------------------|-------------------------------|-------------|
//! | `pending_payment` | `payment_confirmed`| System                        | `booked`    |
//! | `pending_payment` | `payment_expired`  | System                        | `cancelled` |
//! | `pending_payment` | `cancel`           | owning Customer, Admin        | `cancelled` (nothing paid, nothing refunded) |
//! | `booked`          | `accept`           | Worker `w` (for `w` only)     | `accepted`, worker = `w` |
//! | `booked`          | `assign`           | Admin                         | `accepted`, worker = given |
//! | `accepted`        | `assign`           | Admin (a *different* worker)  | `accepted`, worker = given |
//! | `accepted`        | `depart`           | assigned Worker               | `departed`  |
//! | `departed`        | `arrive`           | assigned Worker               | `arrived`   |
//! | `arrived`         | `start_service`    | assigned Worker               | `in_service`|
//! | `in_service`      | `complete`         | assigned Worker               | `completed` |
//! | `booked` / `accepted` / `departed` | `cancel` | owning Customer (fee after the cut-off), Admin (free) | `refunding` |
//! | `arrived` / `in_service` | `cancel`    | Admin only (full refund); Customer gets `TooLateToCancel` | `refunding` |
//! | `arrived`         | `customer_absent`  | assigned Worker, [`ABSENT_WAIT_SECS`] after the start | `refunding` (the customer's fee goes to the worker) |
//! | `refunding`       | `refund_settled`   | System                        | `refunded`  |
//!
//! Every other (state, event) pair is [`TransitionError::Illegal`].
//!
//! # Order of checks
//!
//! 1. the actor kind may perform the event at all, else [`TransitionError::NotAllowed`];
//! 2. the event is legal from the current state, else [`TransitionError::Illegal`];
//! 3. the actor is the right person (owning customer / assigned worker),
//!    else [`TransitionError::NotYourOrder`] / [`TransitionError::NotAssignedWorker`];
//! 4. the event's arguments and the cancellation policy
//!    ([`TransitionError::WorkerRequired`], [`TransitionError::TooLateToCancel`]).

use domain::Fen;
use serde::{Deserialize, Serialize};

mod lateness;
mod monitor;
mod placement;
mod proof;
mod reschedule;
mod review;
mod series;
pub use proof::{
    arrival_metres, arrived_at_the_address, checklist_items, may_confirm, AUTO_CONFIRM_SECS, may_tick, PhotoStage, ProofMissing, ProofOfWork, ARRIVAL_RADIUS_M,
    MAX_PROOF_PHOTOS,
};
pub use lateness::{is_no_show, LatePenalty, LateTier, LatenessError, LatenessLineError, LatenessPolicy, MAX_LATE_PENALTY, MAX_LATE_TIER_SECS, NO_SHOW_WORD};
pub use placement::{
    beijing_day, contract_installments, contract_payouts, contract_span, days_served, interview_time, is_nanny_category, may_complete, may_shortlist, start_day, working_minutes, CandidateStatus, CandidateStep, ContractTerms, DaysServed, Installment, PlacementError,
    PlacementStatus, TrialTerms, INSTALLMENT_DAYS, INTERVIEW_MAX_DAYS_AHEAD, INTERVIEW_MIN_LEAD_SECS, MAX_SHORTLIST, NANNY_CATEGORIES, START_MAX_DAYS_AHEAD,
};
pub use reschedule::{may_reschedule, platform_may_reschedule, RescheduleRefusal, MAX_RESCHEDULES, RESCHEDULE_EVENT};
pub use series::{visits_cancelled_from, Recurrence, RecurrenceError, MAX_SERIES_VISITS, MIN_SERIES_VISITS};
pub use review::{may_add_review_photo, ReviewError, ReviewInput, MAX_REVIEW_CHARS, MAX_REVIEW_PHOTOS};
pub use monitor::{anomaly, Anomaly, AnomalyCutoffs, ACCEPT_BY_SECS_BEFORE_START, OVERRUN_GRACE_SECS};

/// Where an order stands. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// 待支付: created, holding its slot until paid or expired.
    PendingPayment,
    /// 待接单: paid and being dispatched.
    Booked,
    /// 已接单: a worker holds the order.
    Accepted,
    /// 已出发
    Departed,
    /// 已到达
    Arrived,
    /// 服务中
    InService,
    /// 已完成
    Completed,
    /// 已取消: cancelled before any money was taken.
    Cancelled,
    /// 退款中: cancelled after payment; the refund is on its way back through
    /// the provider that was paid.
    Refunding,
    /// 已退款
    Refunded,
}

impl OrderState {
    pub const ALL: [OrderState; 10] = [
        OrderState::PendingPayment,
        OrderState::Booked,
        OrderState::Accepted,
        OrderState::Departed,
        OrderState::Arrived,
        OrderState::InService,
        OrderState::Completed,
        OrderState::Cancelled,
        OrderState::Refunding,
        OrderState::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::PendingPayment => "pending_payment",
            OrderState::Booked => "booked",
            OrderState::Accepted => "accepted",
            OrderState::Departed => "departed",
            OrderState::Arrived => "arrived",
            OrderState::InService => "in_service",
            OrderState::Completed => "completed",
            OrderState::Cancelled => "cancelled",
            OrderState::Refunding => "refunding",
            OrderState::Refunded => "refunded",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// No event moves the order any more. `Refunding` is not terminal: it
    /// still waits for the provider to settle the refund.
    pub fn is_terminal(self) -> bool {
        matches!(self, OrderState::Completed | OrderState::Cancelled | OrderState::Refunded)
    }

    /// Paid and not yet finished or cancelled: the order occupies its slot
    /// (and its worker, once one is assigned). Dispatch treats these as busy
    /// time, and the customer's phone number is unmasked to the worker only
    /// while the order is active.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            OrderState::Booked
                | OrderState::Accepted
                | OrderState::Departed
                | OrderState::Arrived
                | OrderState::InService
        )
    }

    /// A worker has taken the order and not yet finished it: the admin's
    /// 服务进行中, and the orders on a worker's 今日工作.
    pub fn is_held_by_worker(self) -> bool {
        self.is_active() && self != OrderState::Booked
    }

    /// The worker's position is shared with the customer (C7): from leaving
    /// for the order until it is completed, and at no other time.
    pub fn shares_position(self) -> bool {
        matches!(self, OrderState::Departed | OrderState::Arrived | OrderState::InService)
    }

    /// The customer may still call it off (with the fee in force): up to the
    /// worker's arrival, never after.
    pub fn customer_may_cancel(self) -> bool {
        matches!(self, OrderState::PendingPayment | OrderState::Booked | OrderState::Accepted | OrderState::Departed)
    }

    /// Ended without service, whether or not money was taken and whether or
    /// not its refund has settled: the customer's 已取消 tab.
    pub fn is_cancelled(self) -> bool {
        matches!(self, OrderState::Cancelled | OrderState::Refunding | OrderState::Refunded)
    }
}

/// Who asked for the event. The ids are account ids; the state machine only
/// compares them with the order's customer and worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Customer(i64),
    Worker(i64),
    Admin(i64),
    /// The platform itself: payment notifications, the 15-minute payment
    /// timer, refund settlement.
    System,
}

/// Something that happened to an order. Stored as its snake_case name in the
/// order's event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    PaymentConfirmed,
    PaymentExpired,
    Accept,
    Assign,
    Depart,
    Arrive,
    StartService,
    Complete,
    Cancel,
    RefundSettled,
    /// The worker arrived and waited, and the customer is not home (B5).
    CustomerAbsent,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::PaymentConfirmed,
        EventKind::PaymentExpired,
        EventKind::Accept,
        EventKind::Assign,
        EventKind::Depart,
        EventKind::Arrive,
        EventKind::StartService,
        EventKind::Complete,
        EventKind::Cancel,
        EventKind::RefundSettled,
        EventKind::CustomerAbsent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::PaymentConfirmed => "payment_confirmed",
            EventKind::PaymentExpired => "payment_expired",
            EventKind::Accept => "accept",
            EventKind::Assign => "assign",
            EventKind::Depart => "depart",
            EventKind::Arrive => "arrive",
            EventKind::StartService => "start_service",
            EventKind::Complete => "complete",
            EventKind::Cancel => "cancel",
            EventKind::RefundSettled => "refund_settled",
            EventKind::CustomerAbsent => "customer_absent",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }

    /// The worker's own progress steps (W4). Only the assigned worker may
    /// perform them, and position is recorded with each.
    pub fn is_worker_step(self) -> bool {
        matches!(self, EventKind::Depart | EventKind::Arrive | EventKind::StartService | EventKind::Complete | EventKind::CustomerAbsent)
    }
}

/// What the state machine needs to know about an order: everything else
/// (address, service, notes) cannot change which transitions are legal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub state: OrderState,
    pub customer_id: i64,
    pub worker_id: Option<i64>,
    /// The amount charged (or to be charged while pending payment).
    pub paid: Fen,
    /// Appointment start, Unix seconds.
    pub starts_at: i64,
}

/// One step of the customer cancellation fees (C12, B5): cancelling less
/// than `within_secs` before the start (or after it) keeps `fee_bps` of the
/// paid amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeTier {
    pub within_secs: i64,
    /// Basis points (1/100 of a percent) of the paid amount, at most 10000.
    pub fee_bps: u32,
}

/// Why a set of fee tiers is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("a tier must be written seconds:basis_points, got {0:?}")]
    Malformed(String),
    #[error("a tier must start a positive number of seconds before the start")]
    NotBeforeStart,
    #[error("a fee cannot exceed 10000 basis points (the whole amount)")]
    FeeOverWhole,
    #[error("two tiers start {0} seconds before the start")]
    SameStart(i64),
    #[error("the fee {within_secs} seconds before the start is lower than an earlier one")]
    FeeFallsNearerTheStart { within_secs: i64 },
    #[error("a tier may start at most {MAX_TIER_SECS} seconds before the start")]
    TooFarAhead,
}

/// The earliest a fee may start: 30 days before the appointment, so a typo
/// of hours for minutes cannot make every booking charge a fee at once.
pub const MAX_TIER_SECS: i64 = 30 * 86_400;

/// A refused line of an admin's tier list: its number (from 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierLineError {
    pub line: usize,
    pub error: PolicyError,
}

/// The customer cancellation rule (C12, B5): free until the earliest tier,
/// then each tier's fee, never lower as the start comes nearer.
/// Configurable by the platform; the default is the spec's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancellationPolicy {
    /// Earliest first (largest `within_secs`), fees non-decreasing.
    tiers: Vec<FeeTier>,
}

impl CancellationPolicy {
    /// Tiers in any order. No tiers: cancelling is always free.
    pub fn new(mut tiers: Vec<FeeTier>) -> Result<Self, PolicyError> {
        tiers.sort_by_key(|t| std::cmp::Reverse(t.within_secs));
        for tier in &tiers {
            if tier.within_secs <= 0 {
                return Err(PolicyError::NotBeforeStart);
            }
            if tier.within_secs > MAX_TIER_SECS {
                return Err(PolicyError::TooFarAhead);
            }
            if tier.fee_bps > 10_000 {
                return Err(PolicyError::FeeOverWhole);
            }
        }
        for pair in tiers.windows(2) {
            if pair[0].within_secs == pair[1].within_secs {
                return Err(PolicyError::SameStart(pair[1].within_secs));
            }
            if pair[1].fee_bps < pair[0].fee_bps {
                return Err(PolicyError::FeeFallsNearerTheStart { within_secs: pair[1].within_secs });
            }
        }
        Ok(Self { tiers })
    }

    /// Reads `7200:2000,1800:5000` (seconds before the start : basis points).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let tiers = text
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                let malformed = || PolicyError::Malformed(part.to_string());
                let (secs, bps) = part.split_once(':').ok_or_else(malformed)?;
                Ok(FeeTier { within_secs: secs.trim().parse().map_err(|_| malformed())?, fee_bps: bps.trim().parse().map_err(|_| malformed())? })
            })
            .collect::<Result<Vec<_>, PolicyError>>()?;
        Self::new(tiers)
    }

    /// Reads an admin's list, one tier per line: a span before the start
    /// and the fee, e.g. `2小时 20%`, `30分钟 50%`, `1.5h 20%` (units 天/d,
    /// 小时/h, 分钟/min; blank lines skipped). An empty list is always free.
    /// The error names the line to fix.
    pub fn parse_lines(text: &str) -> Result<Self, TierLineError> {
        let mut tiers = Vec::new();
        let mut lines = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let tier = parse_tier_line(line).and_then(|tier| Self::new(vec![tier]).map(|_| tier));
            tiers.push(tier.map_err(|error| TierLineError { line: index + 1, error })?);
            lines.push(index + 1);
        }
        Self::new(tiers.clone()).map_err(|error| {
            // The later line of a clash is the one to fix.
            let clashing = match &error {
                PolicyError::SameStart(secs) | PolicyError::FeeFallsNearerTheStart { within_secs: secs } => *secs,
                _ => 0,
            };
            let at = tiers.iter().rposition(|t| t.within_secs == clashing).unwrap_or(0);
            TierLineError { line: lines.get(at).copied().unwrap_or(1), error }
        })
    }

    /// Earliest tier first.
    pub fn tiers(&self) -> &[FeeTier] {
        &self.tiers
    }

    /// Fee for a customer cancelling at `now` an order that starts at
    /// `starts_at` and for which `paid` was charged: the nearest tier
    /// reached. Cancelling exactly `within_secs` before the start is still
    /// outside that tier. Rounded down to the fen so the customer is never
    /// charged a fraction in the platform's favour.
    /// Whether a customer's cancel at `now` would cost nothing whatever
    /// was paid: no tier is reached yet.
    pub fn is_free_at(&self, starts_at: i64, now: i64) -> bool {
        !self.tiers.iter().any(|t| now > starts_at.saturating_sub(t.within_secs))
    }

    pub fn customer_fee(&self, paid: Fen, starts_at: i64, now: i64) -> Fen {
        let reached = self.tiers.iter().rev().find(|t| now > starts_at.saturating_sub(t.within_secs));
        let Some(tier) = reached else { return Fen::ZERO };
        if paid.get() <= 0 {
            return Fen::ZERO;
        }
        // i128 so that no paid amount can overflow; the result is <= paid.
        let fee = i128::from(paid.get()) * i128::from(tier.fee_bps) / 10_000;
        Fen::new(fee as i64)
    }
}

/// `parse`'s form, `7200:2000,1800:5000`: how an order keeps the rule it
/// was booked under.
impl std::fmt::Display for CancellationPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.tiers.iter().map(|t| format!("{}:{}", t.within_secs, t.fee_bps)).collect();
        f.write_str(&parts.join(","))
    }
}

/// One line of [`CancellationPolicy::parse_lines`].
fn parse_tier_line(line: &str) -> Result<FeeTier, PolicyError> {
    let malformed = || PolicyError::Malformed(line.to_string());
    let (span, fee) = line.rsplit_once(char::is_whitespace).ok_or_else(malformed)?;
    let within_secs = span_secs(span).ok_or_else(malformed)?;
    let percent = fee.trim().strip_suffix(['%', '％']).ok_or_else(malformed)?;
    let fee_bps = decimal(percent.trim(), 2).ok_or_else(malformed)?;
    Ok(FeeTier { within_secs, fee_bps: u32::try_from(fee_bps).map_err(|_| PolicyError::FeeOverWhole)? })
}

/// A span as an admin writes it, in seconds: `2小时`, `30 分钟`, `1.5h`, `1天`
/// (units 天/d, 小时/h, 分钟/min; tenths of days and hours, whole minutes).
fn span_secs(span: &str) -> Option<i64> {
    let span: String = span.split_whitespace().collect();
    let unit_at = span.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (amount, unit) = span.split_at(unit_at);
    let unit_secs = match unit.to_ascii_lowercase().as_str() {
        "天" | "d" => 86_400,
        "小时" | "h" => 3_600,
        "分钟" | "min" => 60,
        _ => return None,
    };
    let tenths = decimal(amount, if unit_secs == 60 { 0 } else { 1 })?;
    Some(tenths * unit_secs / if unit_secs == 60 { 1 } else { 10 })
}

/// `12.5` with at most `places` decimals, as an integer of that many
/// places (`12.5`, 2 → 1250); `None` for anything else.
fn decimal(text: &str, places: u32) -> Option<i64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 6 || !digits(whole) || !digits(frac) || frac.len() > places as usize || (text.contains('.') && frac.is_empty()) {
        return None;
    }
    let scale = 10_i64.pow(places);
    let frac_value = if frac.is_empty() { 0 } else { frac.parse::<i64>().ok()? * 10_i64.pow(places - frac.len() as u32) };
    Some(whole.parse::<i64>().ok()? * scale + frac_value)
}

impl Default for CancellationPolicy {
    /// Free until two hours before the start, then 20 % of the paid amount.
    fn default() -> Self {
        Self { tiers: vec![FeeTier { within_secs: 2 * 60 * 60, fee_bps: 2_000 }] }
    }
}

/// How long after the start a worker who arrived waits for the customer
/// before they may report them absent (B5).
pub const ABSENT_WAIT_SECS: i64 = 15 * 60;

/// What to store when an event is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub next: OrderState,
    /// The order's worker after the event (unchanged unless Accept/Assign).
    pub worker_id: Option<i64>,
    /// Cancellation fee kept by the platform; zero for every other event.
    pub fee: Fen,
    /// Amount to refund through the payment provider, when money was taken
    /// and the order is being cancelled. `refund + fee == paid` always.
    pub refund: Option<Fen>,
    /// The fee pays the worker who came for nothing (less the platform's
    /// commission) instead of being kept by the platform.
    pub fee_to_worker: bool,
}

impl Transition {
    /// A customer's cancel that also settles `owed` (B6: the price
    /// difference of a package ended early) out of what it refunds: the fee
    /// grows by as much of `owed` as the refund holds, never more, so
    /// `refund + fee == paid` still. Nothing else is touched.
    pub fn keeping_from_refund(self, owed: Fen) -> Transition {
        match self.refund {
            Some(refund) if owed > Fen::ZERO => {
                let kept = owed.min(refund);
                Transition { fee: self.fee + kept, refund: Some(refund - kept), ..self }
            }
            _ => self,
        }
    }

    /// A staff cancel of a contract ended early that pays its nanny `owed`
    /// (the days she served, less its months paid) out of what it refunds:
    /// like a customer absent, the fee goes to her, less commission, so
    /// `refund + fee == paid` still.
    pub fn paying_worker_from_refund(self, owed: Fen) -> Transition {
        Transition { fee_to_worker: owed > Fen::ZERO || self.fee_to_worker, ..self.keeping_from_refund(owed) }
    }
}

/// Why an event was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{} is not possible while the order is {}", .event.as_str(), .from.as_str())]
    Illegal { from: OrderState, event: EventKind },
    #[error("this order belongs to another customer")]
    NotYourOrder,
    #[error("only the worker assigned to this order can do this")]
    NotAssignedWorker,
    #[error("a worker must be chosen")]
    WorkerRequired,
    #[error("the worker has already arrived; the order can no longer be cancelled")]
    TooLateToCancel,
    #[error("the customer can be reported absent only {ABSENT_WAIT_SECS} seconds after the start")]
    TooSoonForAbsence,
    #[error("this kind of account cannot do this")]
    NotAllowed,
}

/// Applies `event` by `actor` to an order described by `facts` at time `now`
/// (Unix seconds). `worker` is the worker for Accept/Assign; ignored otherwise.
///
/// Pure: the same arguments always give the same answer, and an error means
/// the caller must not change anything.
pub fn apply(
    facts: &OrderFacts,
    actor: Actor,
    event: EventKind,
    worker: Option<i64>,
    now: i64,
    policy: &CancellationPolicy,
) -> Result<Transition, TransitionError> {
    use EventKind as E;
    use OrderState as S;

    check_actor_kind(actor, event)?;

    let illegal = Err(TransitionError::Illegal { from: facts.state, event });
    let same_worker = |next| Transition { next, worker_id: facts.worker_id, fee: Fen::ZERO, refund: None, fee_to_worker: false };

    match (event, facts.state) {
        (E::PaymentConfirmed, S::PendingPayment) => Ok(same_worker(S::Booked)),
        (E::PaymentExpired, S::PendingPayment) => Ok(same_worker(S::Cancelled)),
        (E::RefundSettled, S::Refunding) => Ok(same_worker(S::Refunded)),

        (E::Accept, S::Booked) => {
            let Actor::Worker(me) = actor else { return Err(TransitionError::NotAllowed) };
            match worker {
                None => Err(TransitionError::WorkerRequired),
                // A worker accepts only for themself.
                Some(w) if w != me => Err(TransitionError::NotAllowed),
                Some(w) => Ok(Transition { worker_id: Some(w), ..same_worker(S::Accepted) }),
            }
        }

        (E::Assign, S::Booked | S::Accepted) => {
            let w = worker.ok_or(TransitionError::WorkerRequired)?;
            if facts.state == S::Accepted && facts.worker_id == Some(w) {
                // Reassigning to the worker who already holds the order would
                // record an event that changes nothing.
                return illegal;
            }
            Ok(Transition { worker_id: Some(w), ..same_worker(S::Accepted) })
        }

        (E::Depart, S::Accepted)
        | (E::Arrive, S::Departed)
        | (E::StartService, S::Arrived)
        | (E::Complete, S::InService) => {
            let Actor::Worker(me) = actor else { return Err(TransitionError::NotAllowed) };
            if facts.worker_id != Some(me) {
                return Err(TransitionError::NotAssignedWorker);
            }
            let next = match event {
                E::Depart => S::Departed,
                E::Arrive => S::Arrived,
                E::StartService => S::InService,
                _ => S::Completed,
            };
            Ok(same_worker(next))
        }

        (E::CustomerAbsent, S::Arrived) => {
            let Actor::Worker(me) = actor else { return Err(TransitionError::NotAllowed) };
            if facts.worker_id != Some(me) {
                return Err(TransitionError::NotAssignedWorker);
            }
            if now < facts.starts_at.saturating_add(ABSENT_WAIT_SECS) {
                return Err(TransitionError::TooSoonForAbsence);
            }
            // As if the customer had cancelled then: the fee in force, paid to the worker.
            let fee = policy.customer_fee(facts.paid, facts.starts_at, now);
            Ok(Transition { fee, refund: Some(facts.paid - fee), fee_to_worker: true, ..same_worker(S::Refunding) })
        }

        (E::Cancel, S::PendingPayment) => {
            check_owner(facts, actor)?;
            Ok(same_worker(S::Cancelled))
        }

        (E::Cancel, S::Booked | S::Accepted | S::Departed | S::Arrived | S::InService) => {
            check_owner(facts, actor)?;
            let fee = match actor {
                Actor::Customer(_) => {
                    if !facts.state.customer_may_cancel() {
                        return Err(TransitionError::TooLateToCancel);
                    }
                    policy.customer_fee(facts.paid, facts.starts_at, now)
                }
                // Admin cancellations are the platform's decision: always free.
                _ => Fen::ZERO,
            };
            Ok(Transition { fee, refund: Some(facts.paid - fee), ..same_worker(S::Refunding) })
        }

        _ => illegal,
    }
}

/// Step 1 of the checks: may this kind of account perform this event at all?
fn check_actor_kind(actor: Actor, event: EventKind) -> Result<(), TransitionError> {
    use EventKind as E;
    let allowed = match event {
        E::PaymentConfirmed | E::PaymentExpired | E::RefundSettled => matches!(actor, Actor::System),
        E::Accept | E::Depart | E::Arrive | E::StartService | E::Complete | E::CustomerAbsent => {
            matches!(actor, Actor::Worker(_))
        }
        E::Assign => matches!(actor, Actor::Admin(_)),
        E::Cancel => matches!(actor, Actor::Customer(_) | Actor::Admin(_)),
    };
    if allowed {
        Ok(())
    } else {
        Err(TransitionError::NotAllowed)
    }
}

fn check_owner(facts: &OrderFacts, actor: Actor) -> Result<(), TransitionError> {
    match actor {
        Actor::Customer(c) if c != facts.customer_id => Err(TransitionError::NotYourOrder),
        _ => Ok(()),
    }
}

/// How long after a completed appointment ends its customer and worker can
/// still write to each other (a forgotten item, a follow-up question).
pub const ORDER_CHAT_DAYS_AFTER: i64 = 3;

/// How many days a recorded worker position is kept before the hourly
/// upkeep deletes it (B9: a worker's whereabouts are not history). The
/// worker's job card states it.
pub const POSITION_RETENTION_DAYS: i64 = 30;

/// Whether an order's chat takes new messages at `now` (Unix seconds): from
/// the moment a worker holds it until [`ORDER_CHAT_DAYS_AFTER`] days after a
/// completed appointment's end. Before a worker takes it there is nobody to
/// write to; a cancelled order's thread is kept to read but closed.
pub fn order_chat_open(state: OrderState, ends_at: i64, now: i64) -> bool {
    state.is_held_by_worker() || (state == OrderState::Completed && now <= ends_at + ORDER_CHAT_DAYS_AFTER * 86_400)
}

#[cfg(test)]
mod tests;
