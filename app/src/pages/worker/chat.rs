use crate::components::{PhoneShell, Tabs};
use crate::i18n::Msg;
use crate::pages::chat::ChatPanel;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// 聊天 about one of the worker's orders, with its customer.
#[component]
pub fn WorkerOrderChatPage() -> impl IntoView {
    let params = use_params_map();
    let thread = Signal::derive(move || format!("order:{}", params.with(|p| p.get("id").unwrap_or_default())));
    view! {
        <PhoneShell title=Msg::ChatTitle tabs=Tabs::Worker>
            <ChatPanel thread hint=Msg::ChatOrderHint/>
        </PhoneShell>
    }
}
