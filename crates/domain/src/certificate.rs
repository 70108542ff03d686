//! How long a worker's certificate is valid, as they state it when filing.

use std::fmt;
use time::{Date, Month};

/// The last Beijing calendar day a certificate (a 健康证, a qualification)
/// is valid on. Dispatch stops counting it after that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExpiryDate(Date);

/// Why a stated expiry was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("not a calendar date in YYYY-MM-DD form")]
    Malformed,
    #[error("the certificate has already lapsed")]
    Lapsed,
    #[error("further ahead than any certificate runs")]
    TooFar,
}

impl ExpiryDate {
    /// No certificate runs longer; a later year is a typo.
    pub const LONGEST_VALIDITY_YEARS: i32 = 50;

    /// `YYYY-MM-DD` (as a date input sends it), a real calendar date, not
    /// before `today` (a certificate valid through today still counts today).
    pub fn parse(input: &str, today: Date) -> Result<Self, ExpiryError> {
        let date = iso_date(input.trim()).ok_or(ExpiryError::Malformed)?;
        if date < today {
            return Err(ExpiryError::Lapsed);
        }
        if date.year() > today.year() + Self::LONGEST_VALIDITY_YEARS {
            return Err(ExpiryError::TooFar);
        }
        Ok(Self(date))
    }

    pub fn date(self) -> Date {
        self.0
    }
}

impl fmt::Display for ExpiryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), u8::from(self.0.month()), self.0.day())
    }
}

fn iso_date(input: &str) -> Option<Date> {
    let mut parts = input.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return None };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::from_calendar_date(2026, Month::December, 2).unwrap()
    }

    #[test]
    fn an_expiry_is_a_real_calendar_date_written_yyyy_mm_dd() {
        assert_eq!(ExpiryDate::parse(" 2027-03-31 ", today()).unwrap().to_string(), "2027-03-31");
        for bad in ["", "2027-02-30", "2027-13-01", "2027-3-31", "27-03-31", "+202-03-31", "2027-03-31-1", "2027/03/31", "明年三月"] {
            assert_eq!(ExpiryDate::parse(bad, today()), Err(ExpiryError::Malformed), "{bad}");
        }
    }

    #[test]
    fn a_certificate_valid_through_today_is_accepted_and_one_that_lapsed_yesterday_is_not() {
        assert!(ExpiryDate::parse("2026-12-02", today()).is_ok());
        assert_eq!(ExpiryDate::parse("2026-12-01", today()), Err(ExpiryError::Lapsed));
    }

    #[test]
    fn an_expiry_more_than_fifty_years_ahead_is_a_typo() {
        assert!(ExpiryDate::parse("2076-12-31", today()).is_ok());
        assert_eq!(ExpiryDate::parse("2077-01-01", today()), Err(ExpiryError::TooFar));
    }
}
