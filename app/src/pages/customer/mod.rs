mod home;
mod me;

pub use home::HomePage;
pub use me::MePage;
