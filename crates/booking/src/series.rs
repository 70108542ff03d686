//! Recurring bookings (B6): the same service, address and time of day every
//! week or every other week, for a set number of visits, kept with one
//! worker. Each visit is an order of its own (paid together, cancelled,
//! served and reviewed on its own), so everything an order does a visit does.

/// The fewest visits a series has: one visit is an ordinary booking.
pub const MIN_SERIES_VISITS: u8 = 2;
/// The most: two months of weekly visits, so a worker's days are not held
/// further ahead than their plans reach.
pub const MAX_SERIES_VISITS: u8 = 8;

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

    /// Every visit's start, the first one first, in Unix seconds. Whole
    /// weeks apart in UTC keep the wall-clock time in Asia/Shanghai, which
    /// has no daylight saving.
    pub fn starts(&self, first: i64) -> Vec<i64> {
        (0..i64::from(self.visits)).map(|k| first + k * i64::from(self.every_weeks) * WEEK_SECS).collect()
    }
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
}
