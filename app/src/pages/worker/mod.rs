mod bench;
mod home;
mod register;
mod settings;

pub use home::{WorkerHomePage, WorkerMePage};
pub use register::WorkerRegisterPage;
pub use settings::WorkerSettingsPage;
