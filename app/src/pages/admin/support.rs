use crate::api::chat::{admin_support_inbox, SupportThreadView};
use crate::api::format_beijing;
use crate::browser::use_live_version;
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, Msg};
use crate::pages::chat::ChatPanel;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// 客服消息: every customer who wrote to support, the most recent first,
/// with what the team has not read yet. New messages arrive live.
#[component]
pub fn SupportInboxPage() -> impl IntoView {
    let live = use_live_version();
    let inbox = Resource::new(move || live.get(), |_| admin_support_inbox());
    view! {
        <AdminShell title=Msg::SupportInboxTitle>
            <Transition fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(rows) if rows.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::SupportInboxEmpty)}</p></div> }.into_any(),
                        Ok(rows) => view! {
                            <table class="table support-table">
                                <thead>
                                    <tr>
                                        <th>{t(Msg::SupportInboxCustomer)}</th>
                                        <th>{t(Msg::SupportInboxLast)}</th>
                                        <th>{t(Msg::SupportInboxAt)}</th>
                                        <th>{t(Msg::SupportInboxUnread)}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows.into_iter().map(|row| view! { <SupportRow row/> }).collect_view()}</tbody>
                            </table>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </AdminShell>
    }
}

#[component]
fn SupportRow(row: SupportThreadView) -> impl IntoView {
    let href = format!("/admin/support/{}", row.customer_id);
    view! {
        <tr data-customer=row.customer_id class:unread={row.unread > 0}>
            <td><a href=href>{row.customer_name}</a>" "<span class="muted">{row.customer_phone}</span></td>
            <td class="ellipsis support-last">{row.last}</td>
            <td>{format_beijing(row.last_at)}</td>
            <td>{(row.unread > 0).then(|| view! { <span class="menu-badge" data-unread=row.unread>{row.unread}</span> })}</td>
        </tr>
    }
}

/// One customer's support thread, answered by the staff.
#[component]
pub fn SupportThreadPage() -> impl IntoView {
    let params = use_params_map();
    let thread = Signal::derive(move || format!("support:{}", params.with(|p| p.get("id").unwrap_or_default())));
    view! {
        <AdminShell title=Msg::SupportInboxTitle>
            <p><a href="/admin/support">{t(Msg::SupportBackToInbox)}</a></p>
            <div class="panel admin-chat">
                <ChatPanel thread/>
            </div>
        </AdminShell>
    }
}
