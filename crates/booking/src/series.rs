//! Recurring bookings (B6): the same service, address and time of day every
//! week or every other week, for a set number of visits, kept with one
//! worker. Each visit is an order of its own (paid together, cancelled,
//! served and reviewed on its own), so everything an order does a visit does.

/// The fewest visits a series has: one visit is an ordinary booking.
pub const MIN_SERIES_VISITS: u8 = 2;
/// The most: two months of weekly visits, so a worker's days are not held
/// further ahead than their plans reach.
pub const MAX_SERIES_VISITS: u8 = 8;

use crate::OrderState;

const WEEK_SECS: i64 = 7 * 86_400;

/// How a booking repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recurrence {
    every_weeks: u8,
    visits: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RecurrenceError {
    #[error("repeat every 1 or 2 weeks")]
    UnknownInterval,
    #[error("a series has {MIN_SERIES_VISITS} to {MAX_SERIES_VISITS} visits")]
    VisitsOutOfRange,
}

impl Recurrence {
    /// `interval` as the booking form sends it: empty or `once` (no series),
    /// `weekly` or `biweekly`; `visits` counts the first one.
    pub fn parse(interval: &str, visits: i32) -> Result<Option<Self>, RecurrenceError> {
        let every_weeks = match interval.trim() {
            "" | "once" => return Ok(None),
            "weekly" => 1,
            "biweekly" => 2,
            _ => return Err(RecurrenceError::UnknownInterval),
        };
        let visits = u8::try_from(visits).ok().filter(|v| (MIN_SERIES_VISITS..=MAX_SERIES_VISITS).contains(v)).ok_or(RecurrenceError::VisitsOutOfRange)?;
        Ok(Some(Recurrence { every_weeks, visits }))
    }

    pub fn every_weeks(&self) -> u8 {
        self.every_weeks
    }

    pub fn visits(&self) -> u8 {
        self.visits
    }

    /// The terms a series of visits starting at `starts` (Unix seconds, any
    /// order) was booked with, so it can be booked again the same way;
    /// `None` when they are not 2–8 visits one or two whole weeks apart.
    pub fn of_starts(starts: &[i64]) -> Option<Self> {
        let mut starts = starts.to_vec();
        starts.sort_unstable();
        let visits = u8::try_from(starts.len()).ok().filter(|v| (MIN_SERIES_VISITS..=MAX_SERIES_VISITS).contains(v))?;
        let gap = starts[1] - starts[0];
        let every_weeks = [1, 2].into_iter().find(|weeks| gap == i64::from(*weeks) * WEEK_SECS)?;
        let recurrence = Recurrence { every_weeks, visits };
        (recurrence.starts(starts[0]) == starts).then_some(recurrence)
    }

    /// How the booking form names the interval: `weekly` or `biweekly`.
    pub fn interval(&self) -> &'static str {
        match self.every_weeks {
            1 => "weekly",
            _ => "biweekly",
        }
    }

    /// Every visit's start, the first one first, in Unix seconds. Whole
    /// weeks apart in UTC keep the wall-clock time in Asia/Shanghai, which
    /// has no daylight saving.
    pub fn starts(&self, first: i64) -> Vec<i64> {
        (0..i64::from(self.visits)).map(|k| first + k * i64::from(self.every_weeks) * WEEK_SECS).collect()
    }
}

/// What 取消本次及之后 cancels: of a series' visits (`(index, state)`, any
/// order), those from visit `from` on that the customer may still cancel,
/// in visit order. Visits already served, under way or cancelled are left
/// as they are; an empty list means there is nothing to cancel from there.
pub fn visits_cancelled_from(visits: &[(i64, OrderState)], from: i64) -> Vec<i64> {
    let mut chosen: Vec<i64> = visits.iter().filter(|(index, state)| *index >= from && state.customer_may_cancel()).map(|(index, _)| *index).collect();
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_or_nothing_is_no_series() {
        assert_eq!(Recurrence::parse("", 0), Ok(None));
        assert_eq!(Recurrence::parse("once", 5), Ok(None));
    }

    #[test]
    fn weekly_visits_are_a_week_apart_at_the_same_time() {
        let r = Recurrence::parse("weekly", 3).unwrap().unwrap();
        assert_eq!(r.starts(1_000), vec![1_000, 1_000 + WEEK_SECS, 1_000 + 2 * WEEK_SECS]);
    }

    #[test]
    fn biweekly_visits_are_two_weeks_apart() {
        let r = Recurrence::parse("biweekly", 2).unwrap().unwrap();
        assert_eq!(r.every_weeks(), 2);
        assert_eq!(r.starts(0), vec![0, 2 * WEEK_SECS]);
    }

    #[test]
    fn a_series_has_two_to_eight_visits() {
        assert_eq!(Recurrence::parse("weekly", 1), Err(RecurrenceError::VisitsOutOfRange));
        assert_eq!(Recurrence::parse("weekly", 9), Err(RecurrenceError::VisitsOutOfRange));
        assert_eq!(Recurrence::parse("weekly", -2), Err(RecurrenceError::VisitsOutOfRange));
        assert_eq!(Recurrence::parse("weekly", 8).unwrap().unwrap().visits(), 8);
    }

    #[test]
    fn an_unknown_interval_is_refused() {
        assert_eq!(Recurrence::parse("daily", 3), Err(RecurrenceError::UnknownInterval));
    }

    #[test]
    fn cancelling_from_a_visit_takes_it_and_every_later_visit_not_yet_reached() {
        use OrderState as S;
        let visits = [(3, S::Booked), (1, S::Completed), (2, S::Arrived), (5, S::Cancelled), (4, S::PendingPayment), (6, S::Accepted), (7, S::Departed)];
        assert_eq!(visits_cancelled_from(&visits, 2), vec![3, 4, 6, 7]);
        assert_eq!(visits_cancelled_from(&visits, 4), vec![4, 6, 7]);
        assert!(visits_cancelled_from(&visits, 8).is_empty());
    }

    #[test]
    fn a_customer_may_cancel_until_the_worker_arrives() {
        let may: Vec<OrderState> = OrderState::ALL.into_iter().filter(|s| s.customer_may_cancel()).collect();
        assert_eq!(may, vec![OrderState::PendingPayment, OrderState::Booked, OrderState::Accepted, OrderState::Departed]);
    }

    #[test]
    fn a_series_booked_again_repeats_its_interval_and_number_of_visits() {
        for (interval, visits) in [("weekly", 3), ("biweekly", 2), ("weekly", 8)] {
            let booked = Recurrence::parse(interval, visits).unwrap().unwrap();
            let mut starts = booked.starts(86_400);
            starts.reverse();
            let again = Recurrence::of_starts(&starts).unwrap();
            assert_eq!((again, again.interval()), (booked, interval));
        }
    }

    #[test]
    fn starts_that_are_not_whole_weeks_apart_are_no_series_terms() {
        assert_eq!(Recurrence::of_starts(&[0]), None);
        assert_eq!(Recurrence::of_starts(&[0, 3 * WEEK_SECS]), None);
        assert_eq!(Recurrence::of_starts(&[0, WEEK_SECS, 3 * WEEK_SECS]), None);
        assert_eq!(Recurrence::of_starts(&[0, WEEK_SECS + 3600]), None);
    }
}
