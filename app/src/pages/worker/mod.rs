mod apply;
pub(crate) mod appeals;
pub(crate) mod assessment;
mod bench;
mod chat;
pub(crate) mod home;
mod money;
mod register;
mod settings;

pub use appeals::AppealsPage;
pub use assessment::AssessmentPage;
pub use chat::WorkerOrderChatPage;
pub use home::{WorkerHomePage, WorkerMePage};
pub use register::WorkerRegisterPage;
pub use settings::WorkerSettingsPage;
pub use money::{payout_kind_label, EarningsPage, WithdrawPage};
pub use apply::{certificate_caption, doc_label, review_caption, upload_error_text, ApplyPage, ExpiryCaption};
