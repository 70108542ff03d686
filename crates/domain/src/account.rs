use crate::InputError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A mainland China mobile number: 11 digits matching `1[3-9]\d{9}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Accepts the forms people actually type: surrounding spaces, inner
    /// spaces or dashes (`138 0013 8000`), and a `+86`/`86` country prefix.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let mut digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if digits.is_empty() {
            return Err(InputError::PhoneEmpty);
        }
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_string();
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits = digits[2..].to_string();
        }
        let bytes = digits.as_bytes();
        let well_formed = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if well_formed {
            Ok(Self(digits))
        } else {
            Err(InputError::PhoneMalformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`: what a worker sees of a customer's number (B9).
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = InputError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

/// A password as typed, checked for length only. Deliberately not
/// `Serialize` and with a redacting `Debug`, so it cannot leak into a
/// response or a log line.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    /// Bounds the work one login can cost the hasher.
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let chars = input.chars().count();
        if chars < Self::MIN_CHARS {
            Err(InputError::PasswordTooShort)
        } else if chars > Self::MAX_CHARS {
            Err(InputError::PasswordTooLong)
        } else {
            Ok(Self(input.to_string()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a person is called on screen: 1–20 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 20;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            Err(InputError::NameEmpty)
        } else if trimmed.chars().count() > Self::MAX_CHARS {
            Err(InputError::NameTooLong)
        } else {
            Ok(Self(trimmed.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Worker,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Customer, Role::Worker, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Worker => "worker",
            Role::Admin => "admin",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Where this role lands after logging in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Customer => "/",
            Role::Worker => "/worker",
            Role::Admin => "/admin",
        }
    }
}

/// Where a worker stands with the platform. Only `Approved` receives orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerStatus {
    Applicant,
    /// The admin asked for more material; the worker completes it and resubmits.
    NeedsMore,
    Approved,
    Rejected,
    Suspended,
}

impl WorkerStatus {
    pub const ALL: [WorkerStatus; 5] = [
        WorkerStatus::Applicant,
        WorkerStatus::NeedsMore,
        WorkerStatus::Approved,
        WorkerStatus::Rejected,
        WorkerStatus::Suspended,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkerStatus::Applicant => "applicant",
            WorkerStatus::NeedsMore => "needs_more",
            WorkerStatus::Approved => "approved",
            WorkerStatus::Rejected => "rejected",
            WorkerStatus::Suspended => "suspended",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn receives_orders(self) -> bool {
        self == WorkerStatus::Approved
    }

    /// A worker may (re)submit their application while it is not under a
    /// final decision: after a rejection or a request for more material.
    pub fn can_resubmit(self) -> bool {
        matches!(self, WorkerStatus::Rejected | WorkerStatus::NeedsMore)
    }

    /// The profile and documents can be edited until approval.
    pub fn can_edit_application(self) -> bool {
        matches!(self, WorkerStatus::Applicant | WorkerStatus::NeedsMore | WorkerStatus::Rejected)
    }

    /// Where an admin's review decision takes a worker, if it applies at all:
    /// applicants are approved or rejected; approved workers can be suspended
    /// and suspended ones reinstated.
    pub fn after(self, decision: ReviewDecision) -> Option<WorkerStatus> {
        use ReviewDecision as D;
        use WorkerStatus as S;
        match (self, decision) {
            (S::Applicant, D::Approve) => Some(S::Approved),
            (S::Applicant, D::Reject) => Some(S::Rejected),
            (S::Applicant, D::RequestMore) => Some(S::NeedsMore),
            (S::Approved, D::Suspend) => Some(S::Suspended),
            (S::Suspended, D::Reinstate) => Some(S::Approved),
            _ => None,
        }
    }
}

/// An admin's decision about a worker (A3 onboarding review, A5 suspension).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve,
    Reject,
    RequestMore,
    Suspend,
    Reinstate,
}

impl ReviewDecision {
    pub const ALL: [ReviewDecision; 5] = [
        ReviewDecision::Approve,
        ReviewDecision::Reject,
        ReviewDecision::RequestMore,
        ReviewDecision::Suspend,
        ReviewDecision::Reinstate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Approve => "approve",
            ReviewDecision::Reject => "reject",
            ReviewDecision::RequestMore => "request_more",
            ReviewDecision::Suspend => "suspend",
            ReviewDecision::Reinstate => "reinstate",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == value)
    }

    /// Rejections and suspensions must say why (B7: rules with reasons).
    pub fn needs_reason(self) -> bool {
        matches!(self, ReviewDecision::Reject | ReviewDecision::RequestMore | ReviewDecision::Suspend)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_every_mainland_mobile_prefix_1_3_to_1_9() {
        for second in '3'..='9' {
            let input = format!("1{second}812345678");
            assert_eq!(Phone::parse(&input).unwrap().as_str(), input);
        }
    }

    #[test]
    fn phone_rejects_second_digit_0_1_2() {
        for second in '0'..='2' {
            let input = format!("1{second}812345678");
            assert_eq!(Phone::parse(&input), Err(InputError::PhoneMalformed));
        }
    }

    #[test]
    fn phone_must_have_exactly_eleven_digits() {
        assert_eq!(Phone::parse("1381234567"), Err(InputError::PhoneMalformed));
        assert_eq!(Phone::parse("138123456789"), Err(InputError::PhoneMalformed));
    }

    #[test]
    fn phone_rejects_letters_and_full_width_digits() {
        assert_eq!(Phone::parse("1381234567a"), Err(InputError::PhoneMalformed));
        assert_eq!(Phone::parse("１３８１２３４５６７８"), Err(InputError::PhoneMalformed));
    }

    #[test]
    fn phone_strips_spaces_dashes_and_country_code() {
        let expected = "13812345678";
        for input in [" 13812345678 ", "138 1234 5678", "138-1234-5678", "+8613812345678", "8613812345678"] {
            assert_eq!(Phone::parse(input).unwrap().as_str(), expected, "{input}");
        }
    }

    #[test]
    fn phone_empty_input_is_its_own_error() {
        assert_eq!(Phone::parse("   "), Err(InputError::PhoneEmpty));
    }

    #[test]
    fn phone_masks_middle_four_digits() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
    }

    #[test]
    fn phone_deserialization_applies_the_same_rule() {
        let ok: Phone = serde_json::from_str("\"13912345678\"").unwrap();
        assert_eq!(ok.as_str(), "13912345678");
        assert!(serde_json::from_str::<Phone>("\"12345\"").is_err());
    }

    #[test]
    fn password_needs_at_least_eight_characters() {
        assert_eq!(Password::parse("1234567").unwrap_err(), InputError::PasswordTooShort);
        assert!(Password::parse("12345678").is_ok());
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        // Seven CJK characters are 21 bytes but still too short.
        assert_eq!(Password::parse("密码密码密码密").unwrap_err(), InputError::PasswordTooShort);
        assert!(Password::parse("密码密码密码密码").is_ok());
    }

    #[test]
    fn password_over_128_characters_is_refused() {
        assert_eq!(Password::parse(&"a".repeat(129)).unwrap_err(), InputError::PasswordTooLong);
        assert!(Password::parse(&"a".repeat(128)).is_ok());
    }

    #[test]
    fn password_debug_never_shows_the_secret() {
        let p = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  王阿姨 ").unwrap().as_str(), "王阿姨");
        assert_eq!(DisplayName::parse("   ").unwrap_err(), InputError::NameEmpty);
        assert_eq!(DisplayName::parse(&"名".repeat(21)).unwrap_err(), InputError::NameTooLong);
    }

    #[test]
    fn role_and_worker_status_round_trip_through_storage_names() {
        for role in Role::ALL {
            assert_eq!(Role::from_db(role.as_str()), Some(role));
        }
        for status in WorkerStatus::ALL {
            assert_eq!(WorkerStatus::from_db(status.as_str()), Some(status));
        }
        assert_eq!(Role::from_db("root"), None);
    }

    #[test]
    fn review_decisions_follow_the_onboarding_and_suspension_rules() {
        use ReviewDecision as D;
        use WorkerStatus as S;
        assert_eq!(S::Applicant.after(D::Approve), Some(S::Approved));
        assert_eq!(S::Applicant.after(D::Reject), Some(S::Rejected));
        assert_eq!(S::Approved.after(D::Suspend), Some(S::Suspended));
        assert_eq!(S::Suspended.after(D::Reinstate), Some(S::Approved));
        assert_eq!(S::Applicant.after(D::Suspend), None);
        assert_eq!(S::Rejected.after(D::Approve), None);
        assert_eq!(S::Approved.after(D::Approve), None);
        assert!(D::Reject.needs_reason() && D::Suspend.needs_reason() && !D::Approve.needs_reason());
    }

    #[test]
    fn more_material_is_requested_from_applicants_only_and_needs_a_reason() {
        use ReviewDecision as D;
        use WorkerStatus as S;
        assert_eq!(S::Applicant.after(D::RequestMore), Some(S::NeedsMore));
        assert_eq!(S::Approved.after(D::RequestMore), None);
        assert_eq!(S::NeedsMore.after(D::Approve), None, "waits for the resubmission");
        assert!(D::RequestMore.needs_reason());
    }

    #[test]
    fn rejected_and_incomplete_applications_can_be_resubmitted_but_not_decided_ones() {
        let resubmittable: Vec<_> = WorkerStatus::ALL.into_iter().filter(|s| s.can_resubmit()).collect();
        assert_eq!(resubmittable, vec![WorkerStatus::NeedsMore, WorkerStatus::Rejected]);
        assert!(!WorkerStatus::Approved.can_edit_application() && !WorkerStatus::Suspended.can_edit_application());
    }

    #[test]
    fn only_approved_workers_receive_orders() {
        let receiving: Vec<_> = WorkerStatus::ALL.into_iter().filter(|s| s.receives_orders()).collect();
        assert_eq!(receiving, vec![WorkerStatus::Approved]);
    }
}
