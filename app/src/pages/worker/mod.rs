mod bench;
mod home;
mod register;

pub use home::{WorkerHomePage, WorkerMePage};
pub use register::WorkerRegisterPage;
