//! The chat thread every role sees (C8): messages oldest first, a text box
//! and a photo form. Live events refetch the thread; the text box sits
//! outside the refetching part, so a refresh never loses what is typed.

use crate::api::chat::{chat_thread, my_chat_unread, upload_path, ChatMessageView, ChatThreadView, ChatUnread, SendChat};
use crate::api::format_beijing;
use crate::browser::{forget_notice_query, random_key, use_live_version};
use crate::components::{field_error, form_error, reset_on_success, ErrorState, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use crate::pages::worker::upload_error_text;
use domain::ChatText;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// One thread: `thread` is its key (`order:12`, `support:5`).
#[component]
pub fn ChatPanel(#[prop(into)] thread: Signal<String>, #[prop(optional)] hint: Option<Msg>) -> impl IntoView {
    let live = use_live_version();
    let send = ServerAction::<SendChat>::new();
    let data = Resource::new(move || (thread.get(), live.get(), send.version().get()), |(thread, _, _)| chat_thread(thread));
    let value = send.value();
    // A fresh key for each send, so a send the network retries is stored once.
    let client_key = RwSignal::new(String::new());
    Effect::new(move |_| {
        send.version().track();
        client_key.set(random_key().unwrap_or_default());
    });
    let form = reset_on_success(send);
    // The newest message is at the bottom: show it whenever the thread changes.
    Effect::new(move |_| {
        if let Some(Ok(_)) = data.get() {
            window().scroll_to_with_x_and_y(0.0, 1.0e7);
        }
    });
    // Set only once hydrated (effects never run on the server), so the
    // server's page and the hydrating one start from the same composer.
    let open = RwSignal::new(true);
    Effect::new(move |_| {
        if let Some(Ok(view)) = data.get() {
            open.set(view.open);
        }
    });
    let query = use_query_map();
    let upload_error = move || {
        query.with(|q| q.get("upload_error")).map(|code| if code == "closed" { t(Msg::ErrChatClosed) } else { t(upload_error_text(&code)) })
    };
    // The photo form is a plain POST that comes back with `?sent=photo` or
    // `?upload_error=…`: the notice shows until the next text is sent.
    let photo_sent = move || send.version().get() == 0 && query.with(|q| q.get("sent")).is_some();
    forget_notice_query(&["sent", "upload_error"]);
    view! {
        <Transition fallback=|| view! { <Skeleton rows=4/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <ChatHistory view/> }.into_any(),
                    Err(error) => view! { <ErrorState error/> }.into_any(),
                }
            })}
        </Transition>
        <Show when=move || open.get() fallback=|| view! { <p class="hint chat-closed" role="status">{t(Msg::ChatClosedNote)}</p> }>
            <ActionForm action=send node_ref=form attr:class="form chat-form" attr:novalidate=true>
                <input type="hidden" name="thread" value=thread/>
                <input type="hidden" name="client_key" value=move || client_key.get()/>
                <div class="chat-compose">
                    <textarea name="body" class="chat-input" rows="2" maxlength=ChatText::MAX_CHARS aria-label=t(Msg::ChatPlaceholder) placeholder=t(Msg::ChatPlaceholder)></textarea>
                    <button type="submit" class="btn btn-primary chat-send" disabled=move || send.pending().get()>{t(Msg::ChatSend)}</button>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Chat).get()}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            </ActionForm>
            <form method="post" action=move || upload_path(&thread.get()) enctype="multipart/form-data" class="upload-form chat-photo-form">
                <crate::components::ImageInput label=t(Msg::ChatChoosePhoto).to_string()/>
                <button type="submit" class="btn btn-plain btn-small">{t(Msg::ChatSendPhoto)}</button>
            </form>
            <p class="field-error" role="alert">{upload_error}</p>
            {move || photo_sent().then(|| view! { <p class="toast" role="status">{t(Msg::ChatPhotoSent)}</p> })}
        </Show>
        {hint.map(|hint| view! { <p class="hint">{t(hint)}</p> })}
    }
}

#[component]
fn ChatHistory(view: ChatThreadView) -> impl IntoView {
    view! {
        <section class="chat-head">
            <p class="chat-counterpart">{view.counterpart}</p>
            {view.about.map(|about| view! { <p class="muted">{about}</p> })}
            {view.order_href.map(|href| view! { <a class="chat-order-link" href=href>{t(Msg::ChatViewOrder)}" ›"</a> })}
            {view.customer_href.map(|href| view! { <a class="chat-order-link" href=href>{t(Msg::CustomerTitle)}" ›"</a> })}
        </section>
        <ol class="chat-messages" aria-live="polite" data-thread=view.thread>
            {if view.messages.is_empty() {
                view! { <li class="hint chat-empty">{t(Msg::ChatEmptyThread)}</li> }.into_any()
            } else {
                view.messages.into_iter().map(|m| view! { <ChatBubble message=m/> }).collect_view().into_any()
            }}
        </ol>
    }
}

#[component]
pub(crate) fn ChatBubble(message: ChatMessageView) -> impl IntoView {
    let photo = message.image_url.map(|url| {
        let src = url.clone();
        view! { <a href=url><img class="chat-photo" src=src alt=t(Msg::ChatPhotoAlt)/></a> }
    });
    view! {
        <li class="chat-message" class:mine=message.mine data-message=message.id>
            <p class="chat-meta">{message.sender_name}" · "{format_beijing(message.at)}</p>
            <div class="chat-bubble">
                {photo}
                {(!message.body.is_empty()).then(|| view! { <p class="chat-text">{message.body}</p> })}
            </div>
        </li>
    }
}

/// The viewer's unread messages per thread, refreshed on the page's `live`
/// events; one request for every chat link on a page.
pub fn use_chat_unread(live: ReadSignal<u32>) -> Resource<Result<Vec<ChatUnread>, AppError>> {
    Resource::new(move || live.get(), |_| my_chat_unread())
}

/// A link into a thread with its unread count.
#[component]
pub fn ChatLink(unread: Resource<Result<Vec<ChatUnread>, AppError>>, thread: String, href: String, label: Msg) -> impl IntoView {
    let count = move || {
        unread.get().and_then(Result::ok).and_then(|all| all.into_iter().find(|u| u.thread == thread)).map(|u| u.count).filter(|n| *n > 0)
    };
    view! {
        <a class="btn btn-plain btn-block chat-link" href=href>
            {t(label)}
            <Transition fallback=|| ()>
                {move || count().map(|n| view! { <span class="menu-badge" data-unread=n aria-label=format!("{n}{}", t(Msg::ChatUnreadLabel))>{n}</span> })}
            </Transition>
        </a>
    }
}
