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
        Ok(Some(Recurrence { every_weeks, visits: Self::visits_of(visits)? }))
    }

    /// How many visits a series of `visits` has, if a series may have that many.
    pub fn visits_of(visits: i32) -> Result<u8, RecurrenceError> {
        u8::try_from(visits).ok().filter(|v| (MIN_SERIES_VISITS..=MAX_SERIES_VISITS).contains(v)).ok_or(RecurrenceError::VisitsOutOfRange)
    }

    pub fn every_weeks(&self) -> u8 {
        self.every_weeks
    }

    pub fn visits(&self) -> u8 {
        self.visits
    }

    /// The terms a series was booked with, from its visits (`(index in the
    /// series, start in Unix seconds)`, any order), so it can be booked again
    /// the same way. A visit moved by 改期 no longer keeps the interval, so
    /// the interval is the one most neighbouring visits still keep; `None`
    /// when there are not 2–8 visits or no interval wins outright.
    pub fn of_visits(visits: &[(i64, i64)]) -> Option<Self> {
        let mut visits = visits.to_vec();
        visits.sort_unstable();
        let count = u8::try_from(visits.len()).ok().filter(|v| (MIN_SERIES_VISITS..=MAX_SERIES_VISITS).contains(v))?;
        let kept = |weeks: i64| {
            visits.windows(2).filter(|pair| {
                let ((i, a), (j, b)) = (pair[0], pair[1]);
                j > i && b - a == (j - i) * weeks * WEEK_SECS
            }).count()
        };
        let (weekly, biweekly) = (kept(1), kept(2));
        let every_weeks = match weekly.cmp(&biweekly) {
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Less => 2,
            std::cmp::Ordering::Equal => return None,
        };
        Some(Recurrence { every_weeks, visits: count })
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
            let mut starts: Vec<(i64, i64)> = booked.starts(86_400).into_iter().enumerate().map(|(k, start)| (k as i64, start)).collect();
            starts.reverse();
            let again = Recurrence::of_visits(&starts).unwrap();
            assert_eq!((again, again.interval()), (booked, interval));
        }
    }

    #[test]
    fn a_series_with_a_moved_visit_keeps_the_interval_the_other_visits_keep() {
        let day = 86_400;
        let weekly = [(0, 0), (1, WEEK_SECS + day), (2, 2 * WEEK_SECS), (3, 3 * WEEK_SECS)];
        assert_eq!(Recurrence::of_visits(&weekly), Some(Recurrence { every_weeks: 1, visits: 4 }));
        // The last visit moved a week later lands on a two-week step but is outvoted.
        let pushed = [(0, 0), (1, WEEK_SECS), (2, 2 * WEEK_SECS), (3, 4 * WEEK_SECS)];
        assert_eq!(Recurrence::of_visits(&pushed), Some(Recurrence { every_weeks: 1, visits: 4 }));
        let biweekly = [(0, 0), (1, 2 * WEEK_SECS - 3600), (2, 4 * WEEK_SECS), (3, 6 * WEEK_SECS)];
        assert_eq!(Recurrence::of_visits(&biweekly), Some(Recurrence { every_weeks: 2, visits: 4 }));
        // Two visits, one moved: nothing left to tell the interval by.
        assert_eq!(Recurrence::of_visits(&[(0, 0), (1, WEEK_SECS + day)]), None);
    }

    #[test]
    fn starts_that_are_not_whole_weeks_apart_are_no_series_terms() {
        assert_eq!(Recurrence::of_visits(&[(0, 0)]), None);
        assert_eq!(Recurrence::of_visits(&[(0, 0), (1, 3 * WEEK_SECS)]), None);
        assert_eq!(Recurrence::of_visits(&[(0, 0), (1, WEEK_SECS), (2, 3 * WEEK_SECS)]), None);
        assert_eq!(Recurrence::of_visits(&[(0, 0), (1, WEEK_SECS + 3600)]), None);
    }
}
