use super::authz::{require, require_user, session_state};
use super::session::{clearing_cookie, hash_token, new_token, session_cookie, SessionState};
use super::{app_state, internal, AppState};
use crate::api::account::{AddressView, CodeSent, ProfileView, SessionInfo};
use crate::api::{Access, CUSTOMER};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use axum::extract::ConnectInfo;
use axum::http::{header::SET_COOKIE, request::Parts};
use domain::{DisplayName, LoginCode, Password, Phone, Role, LOGIN_CODE_MAX_TRIES, LOGIN_CODE_RESEND_SECS, LOGIN_CODE_TTL_SECS};
use rand::RngCore;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::net::SocketAddr;
use store::{AuditEntry, LoginCodeCheck, NewUser, StoreError, User};

fn parse_phone(input: &str) -> Result<Phone, AppError> {
    Phone::parse(input).map_err(AppError::from_input)
}

/// Signs up a customer or a worker applicant and signs them in.
pub async fn register(phone: String, password: String, name: Option<String>, role: Role) -> Result<(), AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let phone = parse_phone(&phone)?;
    let password = Password::parse(&password).map_err(AppError::from_input)?;
    let display_name = match (role, name.as_deref().map(str::trim).filter(|n| !n.is_empty())) {
        (_, Some(name)) => DisplayName::parse(name).map_err(AppError::from_input)?,
        // Workers must give their real name for review; customers may skip it.
        (Role::Worker, None) => return Err(AppError::invalid(Field::Name, Msg::ErrNameEmpty)),
        (_, None) => default_display_name(&phone)?,
    };
    if role == Role::Admin {
        return Err(AppError::Forbidden);
    }
    let password_hash = state.passwords.hash(&password).await.map_err(internal)?;
    let new_user = NewUser { phone, password_hash, role, display_name };
    let user_id = match state.store.create_user(&new_user, state.clock.now()).await {
        Ok(id) => id,
        Err(StoreError::DuplicatePhone) => {
            return Err(AppError::Conflict { field: Field::Phone, msg: Msg::ErrPhoneTaken })
        }
        Err(err) => return Err(internal(err)),
    };
    tracing::info!(user_id = user_id.0, role = role.as_str(), "account created");
    start_session(&state, user_id).await?;
    leptos_axum::redirect(role.home_path());
    Ok(())
}

/// `用户0077`: a new customer's name until they choose one.
fn default_display_name(phone: &Phone) -> Result<DisplayName, AppError> {
    DisplayName::parse(&format!("用户{}", &phone.as_str()[7..])).map_err(AppError::from_input)
}

/// What the store keeps of a code: bound to its phone, so a hash from one
/// phone's row opens no other.
fn login_code_hash(phone: &Phone, code: &LoginCode) -> String {
    hash_token(&format!("{}:{}", phone.as_str(), code.expose()))
}

pub async fn request_login_code(phone: String) -> Result<CodeSent, AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let phone = parse_phone(&phone)?;
    let ip = client_ip(use_context::<Parts>().as_ref(), state.config.trust_proxy);
    throttle_login(&state, &phone, &ip).await?;
    let code = LoginCode::from_number(rand::rngs::OsRng.next_u32());
    let now = state.clock.now();
    let resend_after = now - time::Duration::seconds(LOGIN_CODE_RESEND_SECS);
    let expires_at = now + time::Duration::seconds(LOGIN_CODE_TTL_SECS);
    match state.store.issue_login_code(phone.as_str(), &login_code_hash(&phone, &code), now, resend_after, expires_at).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AppError::invalid(Field::Phone, Msg::ErrLoginCodeTooSoon)),
        Err(err) => return Err(internal(err)),
    }
    let text = tf(Msg::LoginCodeSms, &[&code.expose(), &(LOGIN_CODE_TTL_SECS / 60)]);
    if let Err(reason) = state.sms.send(&phone, &text).await {
        tracing::error!(to = %phone.masked(), %reason, "sending a login code failed");
        return Err(AppError::Refused(Msg::ErrSmsFailed));
    }
    Ok(CodeSent { phone: phone.to_string(), masked_phone: phone.masked(), resend_secs: LOGIN_CODE_RESEND_SECS })
}

/// Spends the phone's live code if `code` is it; the refusal beside the
/// code field otherwise. Counted against the login throttle.
async fn spend_login_code(state: &AppState, phone: &Phone, code: &LoginCode) -> Result<(), AppError> {
    let ip = client_ip(use_context::<Parts>().as_ref(), state.config.trust_proxy);
    throttle_login(state, phone, &ip).await?;
    let checked = state.store.check_login_code(phone.as_str(), &login_code_hash(phone, code), state.clock.now(), LOGIN_CODE_MAX_TRIES).await;
    match checked.map_err(internal)? {
        LoginCodeCheck::Accepted => Ok(()),
        LoginCodeCheck::Wrong { tries_left } if tries_left > 0 => Err(AppError::invalid(Field::LoginCode, Msg::ErrLoginCodeWrong)),
        LoginCodeCheck::Wrong { .. } | LoginCodeCheck::NoLiveCode => Err(AppError::invalid(Field::LoginCode, Msg::ErrLoginCodeSpent)),
    }
}

pub async fn login_with_code(phone: String, code: String, next: Option<String>) -> Result<(), AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let phone = parse_phone(&phone)?;
    let code = LoginCode::parse(&code).map_err(AppError::from_input)?;
    spend_login_code(&state, &phone, &code).await?;
    let user_id = match state.store.credentials_by_phone(&phone).await.map_err(internal)? {
        Some(credentials) if credentials.disabled => return Err(AppError::AccountDisabled),
        Some(credentials) => credentials.user_id,
        None => customer_for_code_login(&state, phone).await?,
    };
    let user = state.store.user(user_id).await.map_err(internal)?.ok_or(AppError::BadCredentials)?;
    // An admin's console stays behind the password: a texted code proves the SIM, not the person.
    if user.role == Role::Admin {
        return Err(AppError::invalid(Field::LoginCode, Msg::ErrAdminLoginNeedsPassword));
    }
    start_session(&state, user.id).await?;
    tracing::info!(user_id = user.id.0, role = user.role.as_str(), "login with a texted code");
    leptos_axum::redirect(&landing_path(next.as_deref(), user.role));
    Ok(())
}

pub async fn reset_password_with_code(phone: String, code: String, new_password: String) -> Result<(), AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let phone = parse_phone(&phone)?;
    let code = LoginCode::parse(&code).map_err(AppError::from_input)?;
    let new_password = Password::parse(&new_password).map_err(|err| match AppError::from_input(err) {
        AppError::Invalid { msg, .. } => AppError::invalid(Field::NewPassword, msg),
        other => other,
    })?;
    let Some(credentials) = state.store.credentials_by_phone(&phone).await.map_err(internal)? else {
        // Told only after the code: whoever holds the phone may learn it has no account.
        spend_login_code(&state, &phone, &code).await?;
        return Err(AppError::invalid(Field::Phone, Msg::ErrNoAccountForPhone));
    };
    spend_login_code(&state, &phone, &code).await?;
    if credentials.disabled {
        return Err(AppError::AccountDisabled);
    }
    let user = state.store.user(credentials.user_id).await.map_err(internal)?.ok_or(AppError::BadCredentials)?;
    if user.role == Role::Admin {
        return Err(AppError::invalid(Field::LoginCode, Msg::ErrAdminResetNeedsAdmin));
    }
    let hash = state.passwords.hash(&new_password).await.map_err(internal)?;
    state.store.set_password_hash(user.id, &hash).await.map_err(internal)?;
    // Whoever knew the old password is signed out everywhere; no session's hash is empty.
    let ended = state.store.delete_other_sessions(user.id, "").await.map_err(internal)?;
    let entry = AuditEntry { actor: Some(user.id), action: "password_reset".into(), target: format!("user:{}", user.id.0), detail: format!("短信验证码重设，结束登录 {ended} 个") };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    start_session(&state, user.id).await?;
    tracing::info!(user_id = user.id.0, sessions_ended = ended, "password reset with a texted code");
    leptos_axum::redirect(user.role.home_path());
    Ok(())
}

/// A code login from a phone with no account opens a customer's account,
/// as signing up would; its password is random until the customer sets one.
async fn customer_for_code_login(state: &AppState, phone: Phone) -> Result<store::UserId, AppError> {
    let random = hex::encode(rand::random::<[u8; 24]>());
    let password = Password::parse(&random).map_err(AppError::from_input)?;
    let password_hash = state.passwords.hash(&password).await.map_err(internal)?;
    let new_user = NewUser { display_name: default_display_name(&phone)?, phone: phone.clone(), password_hash, role: Role::Customer };
    match state.store.create_user(&new_user, state.clock.now()).await {
        Ok(id) => {
            tracing::info!(user_id = id.0, "account created by a code login");
            Ok(id)
        }
        // Signed up a moment ago by another request: that account it is.
        Err(StoreError::DuplicatePhone) => state.store.credentials_by_phone(&phone).await.map_err(internal)?.map(|c| c.user_id).ok_or(AppError::BadCredentials),
        Err(err) => Err(internal(err)),
    }
}

fn client_ip(parts: Option<&Parts>, trust_proxy: bool) -> String {
    let Some(parts) = parts else { return "unknown".into() };
    if trust_proxy {
        if let Some(forwarded) = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
            if let Some(first) = forwarded.split(',').next().map(str::trim).filter(|s| !s.is_empty()) {
                return first.to_string();
            }
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Refuses the attempt when either its phone or its IP has used up the
/// window's allowance; otherwise counts it.
async fn throttle_login(state: &AppState, phone: &Phone, ip: &str) -> Result<(), AppError> {
    let at = time::OffsetDateTime::now_utc();
    let since = at - state.config.login_window;
    let keys = [format!("phone:{phone}"), format!("ip:{ip}")];
    for key in &keys {
        let recent = state.store.count_login_attempts(key, since).await.map_err(internal)?;
        if recent >= state.config.login_limit {
            tracing::warn!(throttle_key = %key.split(':').next().unwrap_or(""), "login throttled");
            return Err(AppError::TooManyAttempts);
        }
    }
    for key in &keys {
        state.store.record_login_attempt(key, at).await.map_err(internal)?;
    }
    Ok(())
}

/// Checks the current password (throttled like a login), stores the new
/// one and ends every other session of the user, keeping this one.
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    let user = require(Access::SignedIn)?.ok_or(AppError::Unauthenticated)?;
    let state = app_state()?;
    let SessionState::SignedIn { token_hash, .. } = session_state() else { return Err(AppError::Unauthenticated) };
    if current.is_empty() {
        return Err(AppError::invalid(Field::CurrentPassword, Msg::ErrPasswordEmpty));
    }
    let new_password = Password::parse(&new_password).map_err(|err| match AppError::from_input(err) {
        AppError::Invalid { msg, .. } => AppError::invalid(Field::NewPassword, msg),
        other => other,
    })?;
    let ip = client_ip(use_context::<Parts>().as_ref(), state.config.trust_proxy);
    throttle_login(&state, &user.phone, &ip).await?;
    let credentials = state.store.credentials_by_phone(&user.phone).await.map_err(internal)?.ok_or(AppError::Unauthenticated)?;
    if !state.passwords.verify(&current, Some(&credentials.password_hash)).await.map_err(internal)? {
        return Err(AppError::invalid(Field::CurrentPassword, Msg::ErrCurrentPasswordWrong));
    }
    if current == new_password.expose() {
        return Err(AppError::invalid(Field::NewPassword, Msg::ErrPasswordUnchanged));
    }
    let hash = state.passwords.hash(&new_password).await.map_err(internal)?;
    state.store.set_password_hash(user.id, &hash).await.map_err(internal)?;
    let ended = state.store.delete_other_sessions(user.id, &token_hash).await.map_err(internal)?;
    let entry = AuditEntry { actor: Some(user.id), action: "password_changed".into(), target: format!("user:{}", user.id.0), detail: format!("结束其他登录 {ended} 个") };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    tracing::info!(user_id = user.id.0, other_sessions_ended = ended, "password changed");
    Ok(())
}

/// A new session for `user`, replacing whatever session the request carried
/// (the id is rotated at every login).
async fn start_session(state: &AppState, user: store::UserId) -> Result<(), AppError> {
    if let Some(old_token) = use_context::<Parts>().and_then(|p| super::session::token_from_headers(&p.headers)) {
        state.store.delete_session(&hash_token(&old_token)).await.map_err(internal)?;
    }
    let token = new_token();
    let at = time::OffsetDateTime::now_utc();
    state
        .store
        .create_session(&hash_token(&token), user, at, at + state.config.session_ttl)
        .await
        .map_err(internal)?;
    if let Some(options) = use_context::<ResponseOptions>() {
        options.append_header(SET_COOKIE, session_cookie(&token, &state.config));
    }
    Ok(())
}

/// Where to go after login: the requested page if it lies in the role's own
/// area and on this site, otherwise the role's home.
pub fn landing_path(next: Option<&str>, role: Role) -> String {
    let Some(next) = next.map(str::trim) else { return role.home_path().to_string() };
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.contains("://");
    let in_area = match role {
        Role::Admin => next == "/admin" || next.starts_with("/admin/"),
        Role::Worker => next == "/worker" || next.starts_with("/worker/"),
        Role::Customer => !(next.starts_with("/admin") || next.starts_with("/worker")),
    };
    if local && in_area && !next.starts_with("/login") {
        next.to_string()
    } else {
        role.home_path().to_string()
    }
}

pub async fn login(phone: String, password: String, next: Option<String>) -> Result<(), AppError> {
    require(Access::Public)?;
    let state = app_state()?;
    let phone = parse_phone(&phone)?;
    if password.is_empty() {
        return Err(AppError::invalid(Field::Password, Msg::ErrPasswordEmpty));
    }
    let parts = use_context::<Parts>();
    let ip = client_ip(parts.as_ref(), state.config.trust_proxy);
    throttle_login(&state, &phone, &ip).await?;

    let credentials = state.store.credentials_by_phone(&phone).await.map_err(internal)?;
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.as_str());
    let matches = state.passwords.verify(&password, stored_hash).await.map_err(internal)?;
    let credentials = match credentials {
        Some(c) if matches => c,
        _ => return Err(AppError::BadCredentials),
    };
    if credentials.disabled {
        return Err(AppError::AccountDisabled);
    }
    let user = state.store.user(credentials.user_id).await.map_err(internal)?.ok_or(AppError::BadCredentials)?;
    start_session(&state, user.id).await?;
    tracing::info!(user_id = user.id.0, role = user.role.as_str(), "login");
    leptos_axum::redirect(&landing_path(next.as_deref(), user.role));
    Ok(())
}

pub async fn logout() -> Result<(), AppError> {
    require_user(Access::SignedIn)?;
    let state = app_state()?;
    if let SessionState::SignedIn { token_hash, user } = session_state() {
        state.store.delete_session(&token_hash).await.map_err(internal)?;
        tracing::info!(user_id = user.id.0, "logout");
    }
    if let Some(options) = use_context::<ResponseOptions>() {
        options.append_header(SET_COOKIE, clearing_cookie(&state.config));
    }
    leptos_axum::redirect("/login");
    Ok(())
}

pub async fn current_session() -> Result<Option<SessionInfo>, AppError> {
    let user = require(Access::Public)?;
    Ok(user.map(|u: User| SessionInfo { role: u.role, display_name: u.display_name }))
}

pub async fn my_profile() -> Result<ProfileView, AppError> {
    let user = require_user(CUSTOMER)?;
    Ok(ProfileView {
        display_name: user.display_name,
        phone: user.phone.to_string(),
        role: user.role,
        member_since: user.created_at.unix_timestamp(),
    })
}

pub async fn update_nickname(nickname: String) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let name = DisplayName::parse(&nickname).map_err(AppError::from_input)?;
    state.store.update_display_name(user.id, &name).await.map_err(internal)?;
    state
        .store
        .record_audit(
            &AuditEntry {
                actor: Some(user.id),
                action: "update_nickname".into(),
                target: format!("user:{}", user.id.0),
                detail: String::new(),
            },
            state.clock.now(),
        )
        .await
        .map_err(internal)?;
    Ok(())
}

pub async fn my_addresses() -> Result<Vec<AddressView>, AppError> {
    let user = require_user(CUSTOMER)?;
    address_book(&app_state()?, user.id.0).await
}

/// The customer's saved addresses, the default first.
pub async fn address_book(state: &AppState, customer_id: i64) -> Result<Vec<AddressView>, AppError> {
    Ok(state
        .store
        .addresses(customer_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|a| AddressView {
            id: a.id,
            label: a.label,
            contact_name: a.contact_name,
            contact_phone: a.contact_phone,
            address_text: a.address_text,
            lat: a.lat,
            lng: a.lng,
            is_default: a.is_default,
        })
        .collect())
}

/// How many addresses one customer keeps.
pub(crate) const MAX_ADDRESSES: usize = 20;

/// One saved address as the customer typed it, checked field by field
/// (an empty label becomes 常用地址).
pub struct AddressInput {
    pub label: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub address_text: String,
    pub lat: String,
    pub lng: String,
}

impl AddressInput {
    fn parse(&self) -> Result<store::NewAddress, AppError> {
        let label = self.label.trim();
        if label.chars().count() > 10 {
            return Err(AppError::invalid(Field::AddressLabel, Msg::ErrAddressLabelTooLong));
        }
        let (name, phone, text, at) = super::orders::parse_contact(&self.contact_name, &self.contact_phone, &self.address_text, &self.lat, &self.lng)?;
        Ok(store::NewAddress {
            label: if label.is_empty() { t(Msg::DefaultAddressLabel).to_string() } else { label.to_string() },
            contact_name: name.as_str().into(),
            contact_phone: phone.to_string(),
            address_text: text,
            lat: at.lat,
            lng: at.lng,
        })
    }
}

pub async fn add_address(input: AddressInput, make_default: bool) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let address = input.parse()?;
    let existing = state.store.addresses(user.id.0).await.map_err(internal)?;
    if existing.len() >= MAX_ADDRESSES {
        return Err(AppError::Refused(Msg::ErrTooManyAddresses));
    }
    let id = state.store.create_address(user.id.0, &address, state.clock.now()).await.map_err(internal)?;
    // The first address is the default until the customer picks another.
    if make_default || existing.is_empty() {
        state.store.set_default_address(user.id.0, id).await.map_err(internal)?;
    }
    Ok(())
}

/// Rewrites one of the caller's saved addresses; `make_default` also makes
/// it the default (unticking never leaves the book without one).
pub async fn update_address(address_id: i64, input: AddressInput, make_default: bool) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    let address = input.parse()?;
    let not_found = |err| match err {
        StoreError::NotFound => AppError::NotFound,
        err => internal(err),
    };
    state.store.update_address(user.id.0, address_id, &address).await.map_err(not_found)?;
    if make_default {
        state.store.set_default_address(user.id.0, address_id).await.map_err(not_found)?;
    }
    Ok(())
}

pub async fn delete_address(address_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    match state.store.delete_address(user.id.0, address_id).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(err) => Err(internal(err)),
    }
}

pub async fn set_default_address(address_id: i64) -> Result<(), AppError> {
    let user = require_user(CUSTOMER)?;
    let state = app_state()?;
    match state.store.set_default_address(user.id.0, address_id).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(err) => Err(internal(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_lands_on_the_requested_page_inside_the_roles_area() {
        assert_eq!(landing_path(Some("/admin/users"), Role::Admin), "/admin/users");
        assert_eq!(landing_path(Some("/me"), Role::Customer), "/me");
        assert_eq!(landing_path(Some("/worker"), Role::Worker), "/worker");
    }

    #[test]
    fn login_never_redirects_off_site_or_into_another_roles_area() {
        assert_eq!(landing_path(Some("//evil.example/x"), Role::Customer), "/");
        assert_eq!(landing_path(Some("https://evil.example"), Role::Admin), "/admin");
        assert_eq!(landing_path(Some("/\\evil.example"), Role::Customer), "/");
        assert_eq!(landing_path(Some("/admin"), Role::Customer), "/");
        assert_eq!(landing_path(Some("/me"), Role::Worker), "/worker");
        assert_eq!(landing_path(None, Role::Admin), "/admin");
    }
}
