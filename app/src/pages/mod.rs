pub mod admin;
pub mod auth;
pub mod chat;
pub mod customer;
pub mod order_ui;
pub mod track_map;
pub mod worker;

use crate::i18n::{t, Msg};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="state-box not-found">
            <h1>{t(Msg::NotFoundTitle)}</h1>
            <a class="btn btn-primary" href="/">{t(Msg::BackHome)}</a>
        </div>
    }
}
