mod dashboard;
mod users;

pub use dashboard::DashboardPage;
pub use users::UsersPage;
