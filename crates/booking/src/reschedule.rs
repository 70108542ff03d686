//! 改期: a paid order moves to another time, keeping its worker — by its
//! customer within limits, or by the platform (客服) on the customer's word.

use crate::{CancellationPolicy, OrderState};

/// The order event a move records (its from and to state are the order's own).
pub const RESCHEDULE_EVENT: &str = "reschedule";

/// How many times one order may be moved: a worker's week should not shift
/// under them again and again.
pub const MAX_RESCHEDULES: u32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RescheduleRefusal {
    /// Not paid yet, already under way, or over.
    NotMovable,
    /// A cancel would no longer be free: moving it now would dodge the fee
    /// owed for calling the worker off this late.
    TooLate,
    /// Already moved [`MAX_RESCHEDULES`] times.
    MovedTooOften,
    /// The new time is the time it already has.
    SameTime,
}

/// Whether the platform may move an order that starts at `starts_at` to
/// `new_start`: any paid order nobody is on the way to yet. The customer's
/// limits (the free-cancel cut-off, [`MAX_RESCHEDULES`]) do not bind 客服,
/// who moves an order because the customer or the worker asked.
pub fn platform_may_reschedule(state: OrderState, starts_at: i64, new_start: Option<i64>) -> Result<(), RescheduleRefusal> {
    if !matches!(state, OrderState::Booked | OrderState::Accepted) {
        return Err(RescheduleRefusal::NotMovable);
    }
    if new_start == Some(starts_at) {
        return Err(RescheduleRefusal::SameTime);
    }
    Ok(())
}

/// Whether the customer may move an order that starts at `starts_at` to
/// `new_start` at `now`, having moved it `moves_before` times. The booking
/// window, the worker's day and the price at the new time are the caller's
/// to check.
pub fn may_reschedule(
    state: OrderState,
    policy: &CancellationPolicy,
    starts_at: i64,
    now: i64,
    moves_before: u32,
    new_start: Option<i64>,
) -> Result<(), RescheduleRefusal> {
    platform_may_reschedule(state, starts_at, new_start)?;
    if !policy.is_free_at(starts_at, now) {
        return Err(RescheduleRefusal::TooLate);
    }
    if moves_before >= MAX_RESCHEDULES {
        return Err(RescheduleRefusal::MovedTooOften);
    }
    Ok(())
}
