//! Daojia's core value types. Pure Rust with no I/O so both the server and the
//! browser bundle can validate input with the same rules.

mod account;
mod appeal;
mod certificate;
mod chat;
mod feedback;
mod geo;
mod login_code;
mod money;
mod payout;

pub use account::{DisplayName, Password, Phone, ReviewDecision, Role, WorkerStatus};
pub use appeal::{penalty_appealable, AppealDecision, AppealStatus, AppealSubject, PENALTY_APPEAL_DAYS};
pub use certificate::{ExpiryDate, ExpiryError};
pub use chat::{ChatSide, ChatText, ChatThread, CHAT_SENDS_PER_MINUTE};
pub use feedback::{BackgroundNote, FeedbackAction, FeedbackCategory, FeedbackStatus, FeedbackText};
pub use geo::Coordinates;
pub use login_code::{LoginCode, LOGIN_CODE_MAX_TRIES, LOGIN_CODE_RESEND_SECS, LOGIN_CODE_TTL_SECS};
pub use money::Fen;
pub use payout::{mask_account_no, PayoutAccountNo};

/// Why a piece of input was refused. The UI turns each kind into a message in
/// the user's language; the domain only names the rule that was broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("phone is empty")]
    PhoneEmpty,
    #[error("phone is not a mainland mobile number")]
    PhoneMalformed,
    #[error("password shorter than minimum")]
    PasswordTooShort,
    #[error("password longer than maximum")]
    PasswordTooLong,
    #[error("display name is empty")]
    NameEmpty,
    #[error("display name too long")]
    NameTooLong,
    #[error("amount is negative")]
    NegativeAmount,
    #[error("amount is not a valid yuan figure")]
    MalformedAmount,
    #[error("coordinates missing or out of range")]
    LocationInvalid,
    #[error("payout account number is empty")]
    AccountNoEmpty,
    #[error("payout account number is not valid for its kind")]
    AccountNoMalformed,
    #[error("background note too long")]
    BackgroundNoteTooLong,
    #[error("feedback text too short")]
    FeedbackTooShort,
    #[error("feedback text too long")]
    FeedbackTooLong,
    #[error("chat message is blank")]
    ChatEmpty,
    #[error("chat message too long")]
    ChatTooLong,
    #[error("login code is empty")]
    LoginCodeEmpty,
    #[error("login code is not six digits")]
    LoginCodeMalformed,
}
