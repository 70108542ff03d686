mod catalog;
mod dashboard;
mod day_plan;
mod dispatching;
mod finance;
mod orders;
mod pricing;
pub(crate) mod users;
mod workers;

pub use catalog::{CatalogPage, ServiceEditPage};
pub use dashboard::DashboardPage;
pub use day_plan::DayPlanPage;
pub use dispatching::DispatchSettingsPage;
pub use finance::FinancePage;
pub use orders::{AdminOrderPage, AdminOrdersPage, DispatchQueuePage};
pub use pricing::PricingPage;
pub use users::UsersPage;
pub use workers::{WorkerApplicationPage, WorkersPage};
