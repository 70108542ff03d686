//! Login (all roles) and customer sign-up.

use crate::api::account::{CodeSent, Login, LoginWithCode, RegisterCustomer, RequestLoginCode, ResetPasswordWithCode};
use crate::components::{field_error, form_error, InputCell, PhoneShell};
use crate::error::Field;
use crate::i18n::{t, tf, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let expired = move || query.with(|q| q.get("expired").is_some());
    let login = ServerAction::<Login>::new();
    let value = login.value();
    view! {
        <PhoneShell title=Msg::LoginTitle>
            <AuthHero lead=Msg::LoginLead/>
            <Show when=expired>
                <p class="notice notice-warning" role="status">{t(Msg::SessionExpiredNotice)}</p>
            </Show>
            <ActionForm action=login attr:class="form" attr:novalidate=true>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <div class="cells">
                    <InputCell label=Msg::PhoneLabel name="phone" kind="tel" inputmode="numeric"
                        autocomplete="username" placeholder=Msg::PhonePlaceholder maxlength=20
                        error=field_error(value, Field::Phone)/>
                    <InputCell label=Msg::PasswordLabel name="password" kind="password"
                        autocomplete="current-password" placeholder=Msg::PasswordPlaceholder maxlength=128
                        error=field_error(value, Field::Password)/>
                </div>
                <input type="hidden" name="next" value=next/>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { t(Msg::Submitting) } else { t(Msg::Login) }}
                </button>
            </ActionForm>
            <p class="form-links">
                <a href=move || with_next("/login/code", &next())>{t(Msg::LoginWithCode)}</a>
                " · "
                <a href="/login/reset">{t(Msg::ForgotPassword)}</a>
            </p>
            <p class="form-links">
                {t(Msg::NoAccountYet)} <a href="/register">{t(Msg::RegisterNow)}</a>
            </p>
            <p class="form-links">
                {t(Msg::WantToWork)} <a href="/worker/register">{t(Msg::ApplyNow)}</a>
            </p>
        </PhoneShell>
    }
}

/// The logo and one line saying what the page is for.
#[component]
fn AuthHero(lead: Msg) -> impl IntoView {
    view! {
        <section class="hero-small">
            <div class="logo-mark" aria-hidden="true">{t(Msg::LogoGlyph)}</div>
            <p class="lead">{t(lead)}</p>
        </section>
    }
}

/// The field for a texted code.
#[component]
fn CodeCell(error: Signal<Option<&'static str>>) -> impl IntoView {
    view! {
        <InputCell label=Msg::LoginCodeLabel name="code" kind="text" inputmode="numeric"
            autocomplete="one-time-code" placeholder=Msg::LoginCodePlaceholder maxlength=6 error/>
    }
}

/// `path`, keeping where the person was going after login.
fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_string()
    } else {
        format!("{path}?next={}", crate::components::encode_query_value(next))
    }
}

/// 获取验证码 with its countdown: texts a code to the phone typed, and keeps
/// the last code that went out in `last_sent` (a later refused request
/// leaves it usable).
#[component]
fn SendCodeForm(last_sent: RwSignal<Option<CodeSent>>) -> impl IntoView {
    let request = ServerAction::<RequestLoginCode>::new();
    let value = request.value();
    // Seconds until another code may be asked for, counted down in the browser.
    let wait = RwSignal::new(0_i64);
    Effect::new(move |_| {
        if let Some(Ok(sent)) = value.get() {
            wait.set(sent.resend_secs);
            last_sent.set(Some(sent));
            let tick = move || wait.update(|w| *w = (*w - 1).max(0));
            if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
                // Stops once the wait is over, and with the page.
                Effect::new(move |_| {
                    if wait.get() == 0 {
                        handle.clear();
                    }
                });
                on_cleanup(move || handle.clear());
            }
        }
    });
    view! {
        <ActionForm action=request attr:class="form" attr:novalidate=true>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <div class="cells">
                <InputCell label=Msg::PhoneLabel name="phone" kind="tel" inputmode="numeric"
                    autocomplete="tel" placeholder=Msg::PhonePlaceholder maxlength=20
                    error=field_error(value, Field::Phone)/>
            </div>
            <button type="submit" class="btn btn-plain btn-block send-code" disabled=move || { request.pending().get() || wait.get() > 0 }>
                {move || if wait.get() > 0 { tf(Msg::ResendLoginCodeIn, &[&wait.get()]) } else { t(Msg::SendLoginCode).to_string() }}
            </button>
        </ActionForm>
        {move || last_sent.get().map(|sent| view! {
            <p class="notice" role="status">{tf(Msg::LoginCodeSentTo, &[&sent.masked_phone, &(domain::LOGIN_CODE_TTL_SECS / 60)])}</p>
        })}
    }
}

/// 验证码登录 (P1): the phone gets a six-digit code by text; the code signs
/// in, and a phone with no account becomes a customer's.
#[component]
pub fn CodeLoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let login = ServerAction::<LoginWithCode>::new();
    let login_value = login.value();
    let last_sent = RwSignal::new(None::<CodeSent>);
    view! {
        <PhoneShell title=Msg::LoginCodeTitle>
            <AuthHero lead=Msg::LoginCodeLead/>
            <SendCodeForm last_sent/>
            {move || last_sent.get().map(|sent| view! {
                <ActionForm action=login attr:class="form" attr:novalidate=true>
                    <p class="form-error" role="alert">{move || form_error(login_value).get()}</p>
                    <input type="hidden" name="phone" value=sent.phone.clone()/>
                    <input type="hidden" name="next" value=next/>
                    <div class="cells">
                        <CodeCell error=field_error(login_value, Field::LoginCode)/>
                    </div>
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { t(Msg::Submitting) } else { t(Msg::Login) }}
                    </button>
                </ActionForm>
            })}
            <p class="form-links">
                <a href=move || with_next("/login", &next())>{t(Msg::LoginWithPassword)}</a>
            </p>
        </PhoneShell>
    }
}

/// 重设密码: a texted code proves the phone, and the new password replaces
/// the old one; every other device is signed out.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let reset = ServerAction::<ResetPasswordWithCode>::new();
    let value = reset.value();
    let last_sent = RwSignal::new(None::<CodeSent>);
    view! {
        <PhoneShell title=Msg::ResetPasswordTitle>
            <AuthHero lead=Msg::ResetPasswordLead/>
            <SendCodeForm last_sent/>
            {move || last_sent.get().map(|sent| view! {
                <ActionForm action=reset attr:class="form" attr:novalidate=true>
                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                    <input type="hidden" name="phone" value=sent.phone.clone()/>
                    <div class="cells">
                        <CodeCell error=field_error(value, Field::LoginCode)/>
                        <InputCell label=Msg::NewPasswordLabel name="new_password" kind="password"
                            autocomplete="new-password" placeholder=Msg::NewPasswordPlaceholder maxlength=128
                            error=field_error(value, Field::NewPassword)/>
                    </div>
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || reset.pending().get()>
                        {move || if reset.pending().get() { t(Msg::Submitting) } else { t(Msg::ResetPassword) }}
                    </button>
                </ActionForm>
            })}
            <p class="form-links"><a href="/login">{t(Msg::LoginWithPassword)}</a></p>
        </PhoneShell>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<RegisterCustomer>::new();
    let value = register.value();
    view! {
        <PhoneShell title=Msg::RegisterCustomerTitle>
            <ActionForm action=register attr:class="form" attr:novalidate=true>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <div class="cells">
                    <InputCell label=Msg::PhoneLabel name="phone" kind="tel" inputmode="numeric"
                        autocomplete="username" placeholder=Msg::PhonePlaceholder maxlength=20
                        error=field_error(value, Field::Phone)/>
                    <InputCell label=Msg::PasswordLabel name="password" kind="password"
                        autocomplete="new-password" placeholder=Msg::NewPasswordPlaceholder maxlength=128
                        error=field_error(value, Field::Password)/>
                    <InputCell label=Msg::NicknameLabel name="nickname" placeholder=Msg::NicknamePlaceholder
                        maxlength=20 error=field_error(value, Field::Name)/>
                </div>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { t(Msg::Submitting) } else { t(Msg::Register) }}
                </button>
            </ActionForm>
            <p class="form-links">{t(Msg::HaveAccount)} <a href="/login">{t(Msg::LoginNow)}</a></p>
        </PhoneShell>
    }
}
