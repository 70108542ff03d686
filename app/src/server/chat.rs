//! Chat (C8): who may read and write which thread, and the photo upload.
//! An order's thread belongs to its customer and to whichever worker holds
//! the order now; a support thread to its customer and every admin. An
//! admin settling a complaint may read an order's thread, never write in
//! it, and each reading is audited.

use super::authz::require_user;
use super::onboarding::{file_url, upload_error_code, UploadOutcome};
use super::{app_state, internal, AppState};
use crate::api::chat::{ChatMessageView, ChatThreadView, ChatUnread, SupportThreadView, MY_SUPPORT, THREAD_MESSAGES};
use crate::api::{format_beijing, Access, ADMIN};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use booking::order_chat_open;
use domain::{ChatSide, ChatText, ChatThread, Role};
use store::{AuditEntry, NewChatMessage, StoreError, User};
use uploads::ImageLimits;

/// Where chat photos are stored.
pub const CHAT_AREA: &str = "chat";
const INBOX_LIMIT: i64 = 200;
/// A send's key from the page: short, plain characters.
const CLIENT_KEY_MAX: usize = 64;

/// What the caller may do in a thread.
struct Seat {
    thread: ChatThread,
    side: ChatSide,
    customer_id: i64,
    counterpart: String,
    about: Option<String>,
    order_href: Option<String>,
    customer_href: Option<String>,
    open: bool,
    /// The caller's page of this thread, where an upload returns to.
    page: String,
}

/// The caller's seat in `thread`, or `NotFound` for a thread they are not
/// part of (so thread ids cannot be probed).
async fn seat(state: &AppState, user: &User, thread: ChatThread) -> Result<Seat, AppError> {
    match thread {
        ChatThread::Order(order_id) => {
            let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
            let open = order.worker_id.is_some() && order_chat_open(super::flows::order_state(&order)?, order.ends_at.unix_timestamp(), state.clock.now().unix_timestamp());
            let about = Some(format!("{} {}", order.service_name, format_beijing(order.starts_at.unix_timestamp())));
            match user.role {
                Role::Customer if order.customer_id == user.id.0 => Ok(Seat {
                    thread,
                    side: ChatSide::Customer,
                    customer_id: order.customer_id,
                    counterpart: order.worker_name.clone().unwrap_or_else(|| t(Msg::ChatNoWorkerYet).to_string()),
                    about,
                    order_href: Some(format!("/orders/{order_id}")),
                    customer_href: None,
                    open,
                    page: format!("/orders/{order_id}/chat"),
                }),
                Role::Worker if order.worker_id == Some(user.id.0) => Ok(Seat {
                    thread,
                    side: ChatSide::Worker,
                    customer_id: order.customer_id,
                    counterpart: order.customer_name.clone(),
                    about,
                    order_href: Some("/worker".into()),
                    customer_href: None,
                    open,
                    page: format!("/worker/orders/{order_id}/chat"),
                }),
                _ => Err(AppError::NotFound),
            }
        }
        ChatThread::Support(customer_id) => match user.role {
            Role::Customer if customer_id == user.id.0 => Ok(Seat {
                thread,
                side: ChatSide::Customer,
                customer_id,
                counterpart: t(Msg::SupportName).to_string(),
                about: None,
                order_href: None,
                customer_href: None,
                open: true,
                page: "/me/support".into(),
            }),
            Role::Admin => {
                let customer = state.store.user(store::UserId(customer_id)).await.map_err(internal)?;
                let customer = customer.filter(|c| c.role == Role::Customer).ok_or(AppError::NotFound)?;
                Ok(Seat {
                    thread,
                    side: ChatSide::Support,
                    customer_id,
                    counterpart: format!("{} {}", customer.display_name, customer.phone),
                    about: None,
                    order_href: None,
                    customer_href: Some(format!("/admin/users/{customer_id}")),
                    open: true,
                    page: format!("/admin/support/{customer_id}"),
                })
            }
            _ => Err(AppError::NotFound),
        },
    }
}

/// A thread key from a page; [`MY_SUPPORT`] is a customer's own support thread.
fn parse_thread(user: &User, thread: &str) -> Result<ChatThread, AppError> {
    match thread {
        MY_SUPPORT if user.role == Role::Customer => Ok(ChatThread::Support(user.id.0)),
        key => ChatThread::parse(key).ok_or(AppError::NotFound),
    }
}

pub async fn thread(thread: String) -> Result<ChatThreadView, AppError> {
    let user = require_user(Access::SignedIn)?;
    let state = app_state()?;
    let seat = seat(&state, &user, parse_thread(&user, &thread)?).await?;
    let records = state.store.chat_messages(seat.thread, THREAD_MESSAGES).await.map_err(internal)?;
    if let Some(last) = records.last() {
        state.store.mark_chat_read(seat.thread, seat.side, last.id).await.map_err(internal)?;
    }
    let messages = records
        .into_iter()
        .map(|m| {
            message_view(m, |side, name| {
                let name = if side == ChatSide::Support && seat.side != ChatSide::Support { t(Msg::SupportName).to_string() } else { name };
                (side == seat.side, name)
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(ChatThreadView {
        thread: seat.thread.key(),
        counterpart: seat.counterpart,
        about: seat.about,
        order_href: seat.order_href,
        customer_href: seat.customer_href,
        open: seat.open,
        messages,
    })
}

/// An order's thread as an admin reviews it: read-only, nobody's read
/// position moves, and the reading goes into the audit log first.
pub async fn review_order_thread(order_id: i64) -> Result<Vec<ChatMessageView>, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let entry = AuditEntry { actor: Some(admin.id), action: "order_chat_read".into(), target: format!("order:{order_id}"), detail: String::new() };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    let records = state.store.chat_messages(ChatThread::Order(order_id), THREAD_MESSAGES).await.map_err(internal)?;
    records
        .into_iter()
        .map(|m| {
            message_view(m, |side, name| {
                let role = if side == ChatSide::Worker { Msg::WorkerLabel } else { Msg::CustomerLabel };
                (false, format!("{name}（{}）", t(role)))
            })
        })
        .collect()
}

/// A stored message as a page shows it; `seen_as` says, from the sender's
/// side and name, whether it is the viewer's own and what name it goes by.
fn message_view(m: store::ChatMessageRecord, seen_as: impl FnOnce(ChatSide, String) -> (bool, String)) -> Result<ChatMessageView, AppError> {
    let side = ChatSide::parse(&m.sender_side).ok_or_else(|| internal(format!("chat message {} side {}", m.id, m.sender_side)))?;
    let (mine, sender_name) = seen_as(side, m.sender_name);
    Ok(ChatMessageView { id: m.id, mine, sender_name, body: m.body, image_url: m.image_key.as_deref().map(file_url), at: m.created_at.unix_timestamp() })
}

pub async fn send(thread: String, body: String, client_key: String) -> Result<i64, AppError> {
    let user = require_user(Access::SignedIn)?;
    let state = app_state()?;
    let seat = seat(&state, &user, parse_thread(&user, &thread)?).await?;
    if !seat.open {
        return Err(AppError::Refused(Msg::ErrChatClosed));
    }
    let text = ChatText::parse(&body).map_err(AppError::from_input)?;
    let client_key = client_key.trim();
    if client_key.len() > CLIENT_KEY_MAX || !client_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(AppError::invalid(Field::Chat, Msg::ErrChatRetry));
    }
    let message = NewChatMessage {
        thread: seat.thread,
        customer_id: seat.customer_id,
        sender_id: user.id.0,
        sender_side: seat.side,
        body: text.as_str().to_string(),
        image_key: None,
        client_key: (!client_key.is_empty()).then(|| client_key.to_string()),
    };
    let id = state.store.post_chat(&message, state.clock.now()).await.map_err(|err| match err {
        StoreError::TooFast => AppError::TooFast { field: Field::Chat, msg: Msg::ErrChatTooFast },
        err => internal(err),
    })?;
    tracing::info!(message_id = id, thread = %seat.thread.key(), sender_id = user.id.0, "chat message");
    Ok(id)
}

pub async fn unread() -> Result<Vec<ChatUnread>, AppError> {
    let user = require_user(Access::SignedIn)?;
    let state = app_state()?;
    let side = match user.role {
        Role::Customer => ChatSide::Customer,
        Role::Worker => ChatSide::Worker,
        Role::Admin => ChatSide::Support,
    };
    let counts = state.store.chat_unread(side, user.id.0).await.map_err(internal)?;
    Ok(counts.into_iter().map(|(thread, count)| ChatUnread { thread, count }).collect())
}

pub async fn support_inbox() -> Result<Vec<SupportThreadView>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let threads = state.store.support_threads(INBOX_LIMIT).await.map_err(internal)?;
    Ok(threads
        .into_iter()
        .map(|r| SupportThreadView {
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            customer_phone: r.customer_phone,
            last: if r.last_is_image { t(Msg::ChatPhotoPreview).to_string() } else { r.last_body },
            last_at: r.last_at.unix_timestamp(),
            unread: r.unread,
        })
        .collect())
}

/// A photo sent into the thread a page names (see [`crate::api::chat::upload_path`])
/// by one of its sides; `file` is the form's image or why it could not be
/// read. Re-encoded like every upload. Returns the caller's page of the
/// thread to go back to, or `None` for someone not in the thread.
pub async fn store_chat_image(state: &AppState, user: &User, thread: &str, file: Result<Vec<u8>, &'static str>) -> (Option<String>, Result<(), UploadOutcome>) {
    let Ok(thread) = parse_thread(user, thread) else {
        return (None, Err(UploadOutcome::Forbidden));
    };
    let seat = match seat(state, user, thread).await {
        Ok(seat) => seat,
        Err(AppError::Internal) => return (None, Err(UploadOutcome::Internal("reading the chat thread failed".into()))),
        Err(_) => return (None, Err(UploadOutcome::Forbidden)),
    };
    let page = Some(seat.page.clone());
    if !seat.open {
        return (page, Err(UploadOutcome::Refused("closed")));
    }
    let bytes = match file {
        Ok(bytes) => bytes,
        Err(code) => return (page, Err(UploadOutcome::Refused(code))),
    };
    let limits = ImageLimits::default();
    let clean = match tokio::task::spawn_blocking(move || uploads::sanitize_image(&bytes, &limits)).await {
        Ok(Ok(clean)) => clean,
        Ok(Err(err)) => return (page, Err(UploadOutcome::Refused(upload_error_code(&err)))),
        Err(err) => return (page, Err(UploadOutcome::Internal(err.to_string()))),
    };
    let key = match state.files.put_image(CHAT_AREA, &clean).await {
        Ok(key) => key,
        Err(err) => return (page, Err(UploadOutcome::Internal(err.to_string()))),
    };
    let message = NewChatMessage {
        thread,
        customer_id: seat.customer_id,
        sender_id: user.id.0,
        sender_side: seat.side,
        body: String::new(),
        image_key: Some(key.as_str().to_string()),
        client_key: None,
    };
    match state.store.post_chat(&message, state.clock.now()).await {
        Ok(id) => {
            tracing::info!(message_id = id, thread = %thread.key(), sender_id = user.id.0, "chat photo");
            (page, Ok(()))
        }
        Err(err) => {
            // The stored copy belongs to nothing; nobody may read it, and it is removed.
            if let Err(remove) = state.files.delete(&key).await {
                tracing::warn!(error = %remove, "removing an unused chat photo failed");
            }
            match err {
                StoreError::TooFast => (page, Err(UploadOutcome::Refused("too_fast"))),
                err => (page, Err(UploadOutcome::Internal(err.to_string()))),
            }
        }
    }
}

/// Whether `viewer` may see the chat photo `key`: whoever may read its
/// thread, and admins reviewing an order's thread (whose audited reading
/// is how they learn the photo's address).
pub async fn may_read_chat_image(state: &AppState, viewer: &User, key: &str) -> Result<Option<bool>, store::StoreError> {
    let Some(owner) = state.store.chat_image_owner(key).await? else { return Ok(None) };
    let Some(thread) = ChatThread::parse(&owner.thread) else { return Ok(Some(false)) };
    let reviewing = viewer.role == Role::Admin && matches!(thread, ChatThread::Order(_));
    Ok(Some(reviewing || seat(state, viewer, thread).await.is_ok()))
}
