mod dashboard;
mod orders;
mod users;

pub use dashboard::DashboardPage;
pub use orders::{AdminOrderPage, AdminOrdersPage, DispatchQueuePage};
pub use users::UsersPage;
