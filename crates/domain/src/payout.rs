//! Where a worker's withdrawals are paid: a bank card, a WeChat or an Alipay
//! account. Numbers are checked on entry and shown masked afterwards.

use crate::InputError;

/// A payout account number, validated for its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutAccountNo(String);

impl PayoutAccountNo {
    /// A bank card is 12–19 digits (spaces allowed while typing); a WeChat ID
    /// is 6–20 letters, digits, `_` or `-` starting with a letter, or a
    /// mobile number; an Alipay account is a mobile number or an e-mail.
    pub fn parse(kind: &str, input: &str) -> Result<Self, InputError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let is_mobile = |s: &str| s.len() == 11 && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit());
        let valid = match kind {
            "bank" => (12..=19).contains(&compact.len()) && compact.bytes().all(|b| b.is_ascii_digit()),
            "wechat" => {
                is_mobile(&compact)
                    || ((6..=20).contains(&compact.len())
                        && compact.starts_with(|c: char| c.is_ascii_alphabetic())
                        && compact.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            }
            "alipay" => is_mobile(&compact) || is_email(&compact),
            _ => false,
        };
        if compact.is_empty() {
            Err(InputError::AccountNoEmpty)
        } else if valid {
            Ok(Self(compact))
        } else {
            Err(InputError::AccountNoMalformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the owner sees after entry: `尾号0123` style for cards, the
    /// middle hidden for the rest.
    pub fn masked(&self) -> String {
        mask_account_no(&self.0)
    }
}

/// Masks a stored account number: a card keeps its last four digits, an
/// e-mail its first letter and domain, anything else its ends.
pub fn mask_account_no(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if let Some(at) = number.find('@') {
        let first = number.chars().next().map(String::from).unwrap_or_default();
        return format!("{first}***{}", &number[at..]);
    }
    if chars.len() >= 12 && chars.iter().all(char::is_ascii_digit) {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        return format!("**** **** **** {tail}");
    }
    let keep = (chars.len() / 4).clamp(1, 3);
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len().saturating_sub(keep)..].iter().collect();
    format!("{head}****{tail}")
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && s.len() <= 64 && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_card_accepts_12_to_19_digits_with_spaces() {
        assert_eq!(PayoutAccountNo::parse("bank", "6222 0212 3456 7890 123").unwrap().as_str(), "6222021234567890123");
        assert_eq!(PayoutAccountNo::parse("bank", "12345678901"), Err(InputError::AccountNoMalformed));
        assert_eq!(PayoutAccountNo::parse("bank", "62220212345678901234"), Err(InputError::AccountNoMalformed));
        assert_eq!(PayoutAccountNo::parse("bank", "6222abcd12345678"), Err(InputError::AccountNoMalformed));
    }

    #[test]
    fn wechat_accepts_an_id_starting_with_a_letter_or_a_mobile() {
        assert!(PayoutAccountNo::parse("wechat", "li_ayi-2026").is_ok());
        assert!(PayoutAccountNo::parse("wechat", "13900000001").is_ok());
        assert_eq!(PayoutAccountNo::parse("wechat", "1abcdef"), Err(InputError::AccountNoMalformed));
        assert_eq!(PayoutAccountNo::parse("wechat", "abc"), Err(InputError::AccountNoMalformed));
    }

    #[test]
    fn alipay_accepts_a_mobile_or_an_email() {
        assert!(PayoutAccountNo::parse("alipay", "li@example.com").is_ok());
        assert!(PayoutAccountNo::parse("alipay", "13900000001").is_ok());
        assert_eq!(PayoutAccountNo::parse("alipay", "li@"), Err(InputError::AccountNoMalformed));
    }

    #[test]
    fn empty_number_and_unknown_kind_are_refused() {
        assert_eq!(PayoutAccountNo::parse("bank", "  "), Err(InputError::AccountNoEmpty));
        assert_eq!(PayoutAccountNo::parse("paypal", "x@y.com"), Err(InputError::AccountNoMalformed));
    }

    #[test]
    fn masked_numbers_never_show_the_middle() {
        assert_eq!(mask_account_no("6222021234567890123"), "**** **** **** 0123");
        assert_eq!(mask_account_no("13900000001"), "13****01");
        assert_eq!(mask_account_no("li@example.com"), "l***@example.com");
        assert!(!mask_account_no("li_ayi-2026").contains("ayi"));
    }
}
