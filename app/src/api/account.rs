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
