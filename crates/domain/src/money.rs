use crate::InputError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

/// An amount of money in fen (0.01 yuan). All money in Daojia is integer fen;
/// floats never touch an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Self(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// Parses a non-negative yuan figure as typed by an admin: `128`,
    /// `128.5`, `128.50`, `¥128.50`. More than two decimals is refused rather
    /// than rounded, so nobody's price changes silently.
    pub fn parse_yuan(input: &str) -> Result<Self, InputError> {
        let s = input.trim().trim_start_matches(['¥', '￥']).trim();
        if s.starts_with('-') {
            return Err(InputError::NegativeAmount);
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > 2 || whole.len() > 12 {
            return Err(InputError::MalformedAmount);
        }
        let yuan: i64 = whole.parse().map_err(|_| InputError::MalformedAmount)?;
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| InputError::MalformedAmount)? * 10,
            _ => frac.parse().map_err(|_| InputError::MalformedAmount)?,
        };
        Ok(Self(yuan * 100 + frac_fen))
    }

    /// `30.00`: the amount as a form field shows it back for editing, without the sign.
    pub fn yuan_input(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }

    pub fn checked_mul(self, units: i64) -> Option<Self> {
        self.0.checked_mul(units).map(Self)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

/// `¥128.00`, `-¥3.50`: how money is shown everywhere.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_displays_as_yuan_with_two_decimals() {
        assert_eq!(Fen::new(12800).to_string(), "¥128.00");
        assert_eq!(Fen::new(1250).to_string(), "¥12.50");
        assert_eq!(Fen::new(5).to_string(), "¥0.05");
        assert_eq!(Fen::new(-350).to_string(), "-¥3.50");
    }

    #[test]
    fn yuan_input_converts_to_exact_fen() {
        assert_eq!(Fen::parse_yuan("128").unwrap(), Fen::new(12800));
        assert_eq!(Fen::parse_yuan("128.5").unwrap(), Fen::new(12850));
        assert_eq!(Fen::parse_yuan("¥0.07").unwrap(), Fen::new(7));
        assert_eq!(Fen::parse_yuan(" ￥19.90 ").unwrap(), Fen::new(1990));
    }

    #[test]
    fn yuan_input_with_three_decimals_is_refused_not_rounded() {
        assert_eq!(Fen::parse_yuan("1.005"), Err(InputError::MalformedAmount));
    }

    #[test]
    fn yuan_input_must_be_a_plain_non_negative_number() {
        assert_eq!(Fen::parse_yuan("-1"), Err(InputError::NegativeAmount));
        for bad in ["", ".5", "1e3", "12a", "1.2.3", "9999999999999"] {
            assert_eq!(Fen::parse_yuan(bad), Err(InputError::MalformedAmount), "{bad}");
        }
    }

    #[test]
    fn fen_arithmetic_is_exact() {
        let total = (0..10).fold(Fen::ZERO, |acc, _| acc + Fen::new(10));
        assert_eq!(total, Fen::new(100));
        assert_eq!(Fen::new(1990).checked_mul(3), Some(Fen::new(5970)));
        assert_eq!(Fen::new(i64::MAX).checked_mul(2), None);
    }
}
