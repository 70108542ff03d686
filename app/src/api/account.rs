//! Sign-up, login, logout and the signed-in customer's own profile.

use super::UnixSeconds;
use crate::error::AppError;
use domain::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Who is signed in, as the page needs to know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub role: Role,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub display_name: String,
    pub phone: String,
    pub role: Role,
    pub member_since: UnixSeconds,
}

#[server(prefix = "/api", endpoint = "register_customer")]
pub async fn register_customer(phone: String, password: String, nickname: Option<String>) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::register(phone, password, nickname, Role::Customer).await)
}

#[server(prefix = "/api", endpoint = "register_worker")]
pub async fn register_worker(phone: String, password: String, real_name: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::register(phone, password, Some(real_name), Role::Worker).await)
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(phone: String, password: String, next: Option<String>) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::login(phone, password, next).await)
}

/// A login code went out: to which number (as typed, and masked for the
/// page), and how long before another may be asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub phone: String,
    pub masked_phone: String,
    pub resend_secs: i64,
}

/// Texts a six-digit login code to the phone (P1).
#[server(prefix = "/api", endpoint = "request_login_code")]
pub async fn request_login_code(phone: String) -> Result<CodeSent, AppError> {
    crate::server::respond(crate::server::account::request_login_code(phone).await)
}

/// Signs in with the texted code; a phone with no account becomes a customer's.
#[server(prefix = "/api", endpoint = "login_with_code")]
pub async fn login_with_code(phone: String, code: String, next: Option<String>) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::login_with_code(phone, code, next).await)
}

/// Sets a new password with a texted code, for a forgotten one or an
/// account a code login opened.
#[server(prefix = "/api", endpoint = "reset_password_with_code")]
pub async fn reset_password_with_code(phone: String, code: String, new_password: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::reset_password_with_code(phone, code, new_password).await)
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::respond(crate::server::account::logout().await)
}

#[server(prefix = "/api", endpoint = "current_session")]
pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    crate::server::respond(crate::server::account::current_session().await)
}

#[server(prefix = "/api", endpoint = "my_profile")]
pub async fn my_profile() -> Result<ProfileView, AppError> {
    crate::server::respond(crate::server::account::my_profile().await)
}

#[server(prefix = "/api", endpoint = "update_nickname")]
pub async fn update_nickname(nickname: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::update_nickname(nickname).await)
}

/// Changes the signed-in user's password and signs out their other devices.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::change_password(current, new_password).await)
}

/// One entry of the address book (C11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddressView {
    pub id: i64,
    pub label: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: f64,
    pub lng: f64,
    pub is_default: bool,
}

#[server(prefix = "/api", endpoint = "my_addresses")]
pub async fn my_addresses() -> Result<Vec<AddressView>, AppError> {
    crate::server::respond(crate::server::account::my_addresses().await)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "add_address")]
pub async fn add_address(
    label: String,
    contact_name: String,
    contact_phone: String,
    address_text: String,
    lat: String,
    lng: String,
    make_default: Option<String>,
) -> Result<(), AppError> {
    let input = crate::server::account::AddressInput { label, contact_name, contact_phone, address_text, lat, lng };
    crate::server::respond(crate::server::account::add_address(input, make_default.is_some()).await)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "update_address")]
pub async fn update_address(
    address_id: i64,
    label: String,
    contact_name: String,
    contact_phone: String,
    address_text: String,
    lat: String,
    lng: String,
    make_default: Option<String>,
) -> Result<(), AppError> {
    let input = crate::server::account::AddressInput { label, contact_name, contact_phone, address_text, lat, lng };
    crate::server::respond(crate::server::account::update_address(address_id, input, make_default.is_some()).await)
}

#[server(prefix = "/api", endpoint = "delete_address")]
pub async fn delete_address(address_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::delete_address(address_id).await)
}

#[server(prefix = "/api", endpoint = "set_default_address")]
pub async fn set_default_address(address_id: i64) -> Result<(), AppError> {
    crate::server::respond(crate::server::account::set_default_address(address_id).await)
}

/// The customer's reminder channels and the in-app messages received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindersView {
    pub sms: bool,
    pub in_app: bool,
    pub messages: Vec<MessageView>,
    /// How many of `messages` are new.
    pub unread: i64,
    /// As [`crate::api::inbox::InboxView::read_up_to`].
    pub read_up_to: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub body: String,
    pub order_id: Option<i64>,
    /// News of the customer's nanny placement (B8), read on 我的阿姨匹配.
    pub about_placement: bool,
    pub at: UnixSeconds,
}

#[server(prefix = "/api", endpoint = "my_reminders")]
pub async fn my_reminders() -> Result<RemindersView, AppError> {
    crate::server::respond(crate::server::reminders::my_reminders().await)
}

/// Checkboxes: a ticked one is posted as `on`, an unticked one not at all.
#[server(prefix = "/api", endpoint = "save_reminder_prefs")]
pub async fn save_reminder_prefs(sms: Option<String>, in_app: Option<String>) -> Result<(), AppError> {
    crate::server::respond(crate::server::reminders::save_prefs(sms.is_some(), in_app.is_some()).await)
}
