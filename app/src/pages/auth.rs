//! Login (all roles) and customer sign-up.

use crate::api::account::{Login, RegisterCustomer};
use crate::components::{field_error, form_error, InputCell, PhoneShell};
use crate::error::Field;
use crate::i18n::{t, Msg};
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
            <section class="hero-small">
                <div class="logo-mark" aria-hidden="true">{t(Msg::LogoGlyph)}</div>
                <p class="lead">{t(Msg::LoginLead)}</p>
            </section>
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
                {t(Msg::NoAccountYet)} <a href="/register">{t(Msg::RegisterNow)}</a>
            </p>
            <p class="form-links">
                {t(Msg::WantToWork)} <a href="/worker/register">{t(Msg::ApplyNow)}</a>
            </p>
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
