//! The SMS one-time code of a code login (P1): six digits, sent to the
//! phone, good for a few minutes and a few tries.

use crate::InputError;
use std::fmt;

/// How long a sent code may be used.
pub const LOGIN_CODE_TTL_SECS: i64 = 5 * 60;
/// How soon the same phone may be sent another code.
pub const LOGIN_CODE_RESEND_SECS: i64 = 60;
/// Wrong entries after which a code is spent: a million codes cannot be
/// guessed in five tries.
pub const LOGIN_CODE_MAX_TRIES: i64 = 5;

/// Six digits as the person typed them (spaces around ignored). Like a
/// password it has a redacting `Debug` and no `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct LoginCode(String);

impl LoginCode {
    pub const DIGITS: usize = 6;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let code = input.trim();
        if code.is_empty() {
            Err(InputError::LoginCodeEmpty)
        } else if code.len() != Self::DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            Err(InputError::LoginCodeMalformed)
        } else {
            Ok(Self(code.to_string()))
        }
    }

    /// A code from a random number (the sender draws it), zero-padded.
    pub fn from_number(n: u32) -> Self {
        Self(format!("{:06}", n % 1_000_000))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LoginCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LoginCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_code_is_exactly_six_digits() {
        assert_eq!(LoginCode::parse(" 012345 ").unwrap().expose(), "012345");
        assert_eq!(LoginCode::parse(""), Err(InputError::LoginCodeEmpty));
        for bad in ["12345", "1234567", "12a456", "１２３４５６", "12 456"] {
            assert_eq!(LoginCode::parse(bad), Err(InputError::LoginCodeMalformed), "{bad}");
        }
    }

    #[test]
    fn a_drawn_code_keeps_its_leading_zeros() {
        assert_eq!(LoginCode::from_number(42).expose(), "000042");
        assert_eq!(LoginCode::from_number(1_234_567).expose(), "234567");
    }

    #[test]
    fn a_login_code_never_shows_in_debug_output() {
        assert_eq!(format!("{:?}", LoginCode::parse("123456").unwrap()), "LoginCode(***)");
    }
}
