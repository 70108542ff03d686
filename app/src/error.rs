//! The one error type every server function returns. It crosses the wire
//! (so the page can show it next to the right field), carries its HTTP
//! status, and says nothing internal: details go to the server log.

use crate::i18n::{t, Msg};
use domain::InputError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A form field an error belongs to, so the page can show it in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Phone,
    LoginCode,
    BackgroundNote,
    Feedback,
    FeedbackOrder,
    Chat,
    Password,
    Name,
    Units,
    Slot,
    Address,
    Location,
    ContactName,
    ContactPhone,
    Notes,
    Rating,
    Review,
    Skills,
    Radius,
    Weekdays,
    Hours,
    Amount,
    AccountKind,
    HolderName,
    AccountNo,
    BankName,
    Reference,
    Gender,
    Age,
    Years,
    Intro,
    LeaveDay,
    CurrentPassword,
    NewPassword,
    Category,
    ServiceName,
    Summary,
    Content,
    Steps,
    Supplies,
    Qualifications,
    MinUnits,
    AddressLabel,
    PeakWindows,
    Weekend,
    Holidays,
    SeriesDiscounts,
    Centre,
    FreeRadius,
    PerKm,
    MaxFee,
    PreviewDate,
    PreviewTime,
    Coupon,
    CouponName,
    CouponValue,
    MinSpend,
    ValidFrom,
    ValidTo,
    PerUserLimit,
    TotalQuantity,
    CategoryCode,
    CategoryName,
    Blurb,
    AddOns,
    WeightTravel,
    WeightRating,
    WeightTier,
    WeightFairness,
    WeightAcceptance,
    WeightAffinity,
    WeightLoad,
    OfferTimeout,
    MaxOffers,
    BroadcastSecs,
    OfferLead,
    AuditAction,
    AuditActor,
    AuditFrom,
    AuditTo,
    CancelReason,
    RescheduleReason,
    CancelTiers,
    LateTiers,
    Repeat,
    StartDay,
    Needs,
    InterviewAt,
    ContractDays,
    TrialAt,
    TrialHours,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid { field: Field, msg: Msg },
    /// A multi-line field whose `line` (from 1) is wrong.
    #[error("invalid line {line}")]
    InvalidLine { field: Field, line: u32, msg: Msg },
    #[error("conflict")]
    Conflict { field: Field, msg: Msg },
    #[error("bad credentials")]
    BadCredentials,
    #[error("account disabled")]
    AccountDisabled,
    #[error("too many attempts")]
    TooManyAttempts,
    /// Too many of something within a short time; the field it belongs to.
    #[error("too fast")]
    TooFast { field: Field, msg: Msg },
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("session expired")]
    SessionExpired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("the order changed meanwhile")]
    StaleOrder,
    #[error("worker busy at that time")]
    WorkerBusy,
    #[error("transition refused: {0:?}")]
    Refused(Msg),
    /// A settings change would break an order the worker already accepted.
    #[error("conflicts with order {order_no}")]
    ConflictsWithOrder { order_no: String },
    #[error("internal error")]
    Internal,
    /// A request whose arguments are missing or malformed (a hand-made or
    /// stale call, never a page's own form): refused before the function runs.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Transport-level failures (network, decoding) raised by the framework.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: Field, msg: Msg) -> Self {
        AppError::Invalid { field, msg }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } | AppError::InvalidLine { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::BadCredentials | AppError::Unauthenticated | AppError::SessionExpired => 401,
            AppError::AccountDisabled | AppError::Forbidden => 403,
            AppError::TooManyAttempts | AppError::TooFast { .. } => 429,
            AppError::NotFound => 404,
            AppError::StaleOrder | AppError::WorkerBusy | AppError::Refused(_) | AppError::ConflictsWithOrder { .. } => 409,
            AppError::BadRequest(_) => 400,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    pub fn msg(&self) -> Msg {
        match self {
            AppError::Invalid { msg, .. } | AppError::InvalidLine { msg, .. } | AppError::Conflict { msg, .. } | AppError::TooFast { msg, .. } => *msg,
            AppError::BadCredentials => Msg::ErrBadCredentials,
            AppError::AccountDisabled => Msg::ErrAccountDisabled,
            AppError::TooManyAttempts => Msg::ErrTooManyAttempts,
            AppError::Unauthenticated => Msg::ErrUnauthenticated,
            AppError::SessionExpired => Msg::ErrSessionExpired,
            AppError::Forbidden => Msg::ErrForbidden,
            AppError::NotFound => Msg::ErrNotFound,
            AppError::StaleOrder => Msg::ErrStaleOrder,
            AppError::WorkerBusy => Msg::ErrWorkerBusy,
            AppError::Refused(msg) => *msg,
            AppError::ConflictsWithOrder { .. } => Msg::ErrSettingsConflict,
            AppError::Internal => Msg::ErrInternal,
            AppError::BadRequest(_) => Msg::ErrBadRequest,
            AppError::Transport(_) => Msg::ErrNetwork,
        }
    }

    /// The user-facing text.
    pub fn message(&self) -> &'static str {
        t(self.msg())
    }

    /// `第3行：…` for a wrong line of a multi-line field, else the message.
    pub fn located_message(&self) -> String {
        match self {
            AppError::InvalidLine { line, msg, .. } => format!("第{line}行：{}", t(*msg)),
            other => other.message().to_string(),
        }
    }

    /// The field this error belongs next to, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            AppError::Invalid { field, .. } | AppError::InvalidLine { field, .. } | AppError::Conflict { field, .. } | AppError::TooFast { field, .. } => {
                Some(*field)
            }
            AppError::BadCredentials => Some(Field::Password),
            _ => None,
        }
    }

    /// Maps a domain validation failure onto the form field it concerns.
    pub fn from_input(err: InputError) -> Self {
        let (field, msg) = match err {
            InputError::PhoneEmpty => (Field::Phone, Msg::ErrPhoneEmpty),
            InputError::PhoneMalformed => (Field::Phone, Msg::ErrPhoneMalformed),
            InputError::PasswordTooShort => (Field::Password, Msg::ErrPasswordTooShort),
            InputError::PasswordTooLong => (Field::Password, Msg::ErrPasswordTooLong),
            InputError::NameEmpty => (Field::Name, Msg::ErrNameEmpty),
            InputError::NameTooLong => (Field::Name, Msg::ErrNameTooLong),
            InputError::NegativeAmount | InputError::MalformedAmount => (Field::Name, Msg::ErrAmount),
            InputError::LocationInvalid => (Field::Location, Msg::ErrLocationMissing),
            InputError::AccountNoEmpty => (Field::AccountNo, Msg::ErrAccountNoEmpty),
            InputError::AccountNoMalformed => (Field::AccountNo, Msg::ErrAccountNoMalformed),
            InputError::FeedbackTooShort => (Field::Feedback, Msg::ErrFeedbackTooShort),
            InputError::FeedbackTooLong => (Field::Feedback, Msg::ErrFeedbackTooLong),
            InputError::ChatEmpty => (Field::Chat, Msg::ErrChatEmpty),
            InputError::ChatTooLong => (Field::Chat, Msg::ErrChatTooLong),
            InputError::LoginCodeEmpty => (Field::LoginCode, Msg::ErrLoginCodeEmpty),
            InputError::LoginCodeMalformed => (Field::LoginCode, Msg::ErrLoginCodeMalformed),
            InputError::BackgroundNoteTooLong => (Field::BackgroundNote, Msg::ErrBackgroundNoteTooLong),
        };
        AppError::Invalid { field, msg }
    }

    /// Maps a refused order event onto what the user is told.
    pub fn from_transition(err: booking::TransitionError) -> Self {
        use booking::TransitionError as T;
        match err {
            T::Illegal { .. } => AppError::Refused(Msg::ErrIllegalStep),
            T::NotYourOrder => AppError::Forbidden,
            T::NotAssignedWorker => AppError::Refused(Msg::ErrNotAssignedWorker),
            T::WorkerRequired => AppError::Refused(Msg::ErrWorkerRequired),
            T::TooLateToCancel => AppError::Refused(Msg::ErrTooLateToCancel),
            T::TooSoonForAbsence => AppError::Refused(Msg::ErrTooSoonForAbsence),
            T::NotAllowed => AppError::Forbidden,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Raised only on the server, reading a request's arguments.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest(value.to_string()),
            _ => AppError::Transport(value.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_a_status_in_the_http_error_range_and_chinese_text() {
        let all = [
            AppError::invalid(Field::Phone, Msg::ErrPhoneMalformed),
            AppError::InvalidLine { field: Field::PeakWindows, line: 2, msg: Msg::ErrPeakOverlap },
            AppError::Conflict { field: Field::Phone, msg: Msg::ErrPhoneTaken },
            AppError::BadCredentials,
            AppError::AccountDisabled,
            AppError::TooManyAttempts,
            AppError::TooFast { field: Field::Chat, msg: Msg::ErrChatTooFast },
            AppError::Unauthenticated,
            AppError::SessionExpired,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::StaleOrder,
            AppError::WorkerBusy,
            AppError::Refused(Msg::ErrIllegalStep),
            AppError::ConflictsWithOrder { order_no: "DJ1".into() },
            AppError::Internal,
            AppError::BadRequest("x".into()),
            AppError::Transport("x".into()),
        ];
        for err in all {
            assert!((400..600).contains(&err.status()), "{err:?}");
            assert!(!err.message().is_ascii(), "{err:?} should read in Chinese");
        }
    }

    #[test]
    fn unknown_phone_and_wrong_password_share_one_error() {
        // Login maps both cases to `BadCredentials`; this pins its wording.
        assert_eq!(AppError::BadCredentials.message(), "手机号或密码错误");
    }

    #[test]
    fn domain_input_errors_land_on_their_field() {
        assert_eq!(AppError::from_input(InputError::PhoneMalformed).field(), Some(Field::Phone));
        assert_eq!(AppError::from_input(InputError::PasswordTooShort).field(), Some(Field::Password));
        assert_eq!(AppError::from_input(InputError::NameTooLong).field(), Some(Field::Name));
    }
}
