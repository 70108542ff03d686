use crate::api::account::RegisterWorker;
use crate::components::{field_error, form_error, InputCell, PhoneShell};
use crate::error::Field;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// Worker sign-up: creates an applicant account awaiting review.
#[component]
pub fn WorkerRegisterPage() -> impl IntoView {
    let register = ServerAction::<RegisterWorker>::new();
    let value = register.value();
    view! {
        <PhoneShell title=Msg::RegisterWorkerTitle>
            <p class="lead padded">{t(Msg::RegisterWorkerLead)}</p>
            <ActionForm action=register attr:class="form" attr:novalidate=true>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <div class="cells">
                    <InputCell label=Msg::RealNameLabel name="real_name" placeholder=Msg::RealNamePlaceholder
                        autocomplete="name" maxlength=20 error=field_error(value, Field::Name)/>
                    <InputCell label=Msg::PhoneLabel name="phone" kind="tel" inputmode="numeric"
                        autocomplete="username" placeholder=Msg::PhonePlaceholder maxlength=20
                        error=field_error(value, Field::Phone)/>
                    <InputCell label=Msg::PasswordLabel name="password" kind="password"
                        autocomplete="new-password" placeholder=Msg::NewPasswordPlaceholder maxlength=128
                        error=field_error(value, Field::Password)/>
                </div>
                <button type="submit" class="btn btn-primary btn-block" disabled=move || register.pending().get()>
                    {move || if register.pending().get() { t(Msg::Submitting) } else { t(Msg::SubmitApplication) }}
                </button>
            </ActionForm>
            <p class="form-links">{t(Msg::HaveAccount)} <a href="/login">{t(Msg::LoginNow)}</a></p>
        </PhoneShell>
    }
}
