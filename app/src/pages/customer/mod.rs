mod addresses;
mod book;
mod coupons;
mod favorites;
pub(crate) mod home;
mod me;
mod orders;
mod reminders;
mod service;

pub use addresses::AddressesPage;
pub use book::BookPage;
pub use coupons::CouponsPage;
pub use favorites::FavoritesPage;
pub use home::HomePage;
pub use me::MePage;
pub use orders::{OrderPage, OrdersPage, PayPage};
pub use reminders::RemindersPage;
pub use service::ServicePage;
