//! What the admin's order monitor (A6) flags on an order still under way.
//! Pure time arithmetic: the caller passes the current time, and a store
//! query selects the same orders with the [`AnomalyCutoffs`] of that time.

use crate::OrderState;
use serde::{Deserialize, Serialize};

/// A paid order still without a worker this close to its start needs an
/// admin: the offer chain may still be running, but a worker who accepts
/// now can hardly make it.
pub const ACCEPT_BY_SECS_BEFORE_START: i64 = 60 * 60;

/// How long a service may run past its booked end before it is flagged: a
/// few minutes over is normal work, a quarter of an hour is worth a call.
pub const OVERRUN_GRACE_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// 接单超时: paid, and nobody has the order within the hour before its start.
    Unaccepted,
    /// 服务者迟到: the start has passed and the worker has not arrived.
    WorkerLate,
    /// 服务超时: still in service well past the booked end.
    Overrun,
    /// 到达位置偏离: on site or in service, but the arrival was recorded
    /// beyond [`crate::ARRIVAL_RADIUS_M`] of the service address.
    ArrivedFar,
}

/// The instants (Unix seconds) that decide [`anomaly`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnomalyCutoffs {
    /// A booked order starting at or before this has not been accepted in time.
    pub unaccepted_if_starting_by: i64,
    /// An accepted or departed order that started before this has a late worker.
    pub late_if_started_before: i64,
    /// An order in service whose booked end is before this overruns.
    pub overrun_if_ended_before: i64,
}

impl AnomalyCutoffs {
    pub fn at(now: i64) -> Self {
        Self {
            unaccepted_if_starting_by: now.saturating_add(ACCEPT_BY_SECS_BEFORE_START),
            late_if_started_before: now,
            overrun_if_ended_before: now.saturating_sub(OVERRUN_GRACE_SECS),
        }
    }
}

/// The anomaly of an order in `state` booked for `starts_at..ends_at`, at
/// `now`; `arrived_far`: its arrival was recorded away from the address. An
/// overrun is flagged before a far arrival: it is the one the customer feels.
pub fn anomaly(state: OrderState, starts_at: i64, ends_at: i64, arrived_far: bool, now: i64) -> Option<Anomaly> {
    let cut = AnomalyCutoffs::at(now);
    match state {
        OrderState::Booked if starts_at <= cut.unaccepted_if_starting_by => Some(Anomaly::Unaccepted),
        OrderState::Accepted | OrderState::Departed if starts_at < cut.late_if_started_before => Some(Anomaly::WorkerLate),
        OrderState::InService if ends_at < cut.overrun_if_ended_before => Some(Anomaly::Overrun),
        OrderState::Arrived | OrderState::InService if arrived_far => Some(Anomaly::ArrivedFar),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderState as S;

    const START: i64 = 1_704_096_000;
    const END: i64 = START + 2 * 3600;

    #[test]
    fn a_paid_order_without_a_worker_an_hour_before_its_start_is_unaccepted() {
        assert_eq!(anomaly(S::Booked, START, END, false, START - 3601), None);
        assert_eq!(anomaly(S::Booked, START, END, false, START - 3600), Some(Anomaly::Unaccepted));
        assert_eq!(anomaly(S::Booked, START, END, false, END + 86_400), Some(Anomaly::Unaccepted), "still flagged once the day is gone");
        assert_eq!(anomaly(S::PendingPayment, START, END, false, START), None, "an unpaid order expires on its own");
    }

    #[test]
    fn a_worker_who_has_not_arrived_by_the_start_is_late() {
        for state in [S::Accepted, S::Departed] {
            assert_eq!(anomaly(state, START, END, false, START), None, "{state:?} exactly at the start");
            assert_eq!(anomaly(state, START, END, false, START + 1), Some(Anomaly::WorkerLate), "{state:?}");
        }
        assert_eq!(anomaly(S::Arrived, START, END, false, START + 600), None, "arrived is on site, whatever the time");
    }

    #[test]
    fn a_service_running_a_quarter_hour_past_its_booked_end_overruns() {
        assert_eq!(anomaly(S::InService, START, END, false, END + OVERRUN_GRACE_SECS), None);
        assert_eq!(anomaly(S::InService, START, END, false, END + OVERRUN_GRACE_SECS + 1), Some(Anomaly::Overrun));
    }

    #[test]
    fn an_order_under_way_whose_arrival_was_recorded_away_from_the_address_is_flagged() {
        for state in [S::Arrived, S::InService] {
            assert_eq!(anomaly(state, START, END, true, START), Some(Anomaly::ArrivedFar), "{state:?}");
        }
        assert_eq!(anomaly(S::InService, START, END, true, END + OVERRUN_GRACE_SECS + 1), Some(Anomaly::Overrun), "an overrun comes first");
        assert_eq!(anomaly(S::Completed, START, END, true, START), None, "the service is over");
    }

    #[test]
    fn finished_and_cancelled_orders_are_never_flagged() {
        for state in [S::Completed, S::Cancelled, S::Refunding, S::Refunded] {
            assert_eq!(anomaly(state, START, END, false, END + 86_400), None, "{state:?}");
        }
    }
}
