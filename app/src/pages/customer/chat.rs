use crate::api::chat::MY_SUPPORT;
use crate::components::{PhoneShell, Tabs};
use crate::i18n::Msg;
use crate::pages::chat::ChatPanel;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// 聊天 about one order, with the worker holding it.
#[component]
pub fn OrderChatPage() -> impl IntoView {
    let params = use_params_map();
    let thread = Signal::derive(move || format!("order:{}", params.with(|p| p.get("id").unwrap_or_default())));
    view! {
        <PhoneShell title=Msg::ChatTitle tabs=Tabs::Customer>
            <ChatPanel thread hint=Msg::ChatOrderHint/>
        </PhoneShell>
    }
}

/// 联系客服: the customer's own support thread.
#[component]
pub fn SupportPage() -> impl IntoView {
    let thread = Signal::derive(|| MY_SUPPORT.to_string());
    view! {
        <PhoneShell title=Msg::SupportTitle tabs=Tabs::Customer>
            <ChatPanel thread hint=Msg::ChatSupportHint/>
        </PhoneShell>
    }
}
