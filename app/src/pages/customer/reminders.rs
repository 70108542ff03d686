use crate::api::account::{my_reminders, SaveReminderPrefs};
use crate::api::inbox::MarkMessagesRead;
use crate::api::format_beijing;
use crate::browser::use_live_version;
use crate::components::{form_error, ErrorState, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 消息与提醒: which channels reminders use (a plain form, so it works before
/// hydration), then the in-app messages, refreshed live.
#[component]
pub fn RemindersPage() -> impl IntoView {
    let save = ServerAction::<SaveReminderPrefs>::new();
    let live = use_live_version();
    let view_data = Resource::new(move || (save.version().get(), live.get()), |_| my_reminders());
    let value = save.value();
    let saved = move || matches!(value.get(), Some(Ok(())));
    let mark_read = ServerAction::<MarkMessagesRead>::new();
    let read_before = StoredValue::new(None::<i64>);
    // In the browser only: a page rendered but never shown marks nothing.
    Effect::new(move |_| {
        if let Some(Ok(r)) = view_data.get() {
            if let (true, Some(newest)) = (r.unread > 0, r.messages.first()) {
                mark_read.dispatch(MarkMessagesRead { up_to: newest.id });
            }
        }
    });
    view! {
        <PhoneShell title=Msg::RemindersTitle tabs=Tabs::Customer>
            <Suspense fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(r) => {
                            let read_before = read_before.get_value().unwrap_or_else(|| {
                                read_before.set_value(Some(r.read_up_to));
                                r.read_up_to
                            });
                            view! {
                                <h2 class="section-title">{t(Msg::ReminderChannels)}</h2>
                                <ActionForm action=save attr:class="form reminder-form">
                                    <div class="cells">
                                        <label class="cell"><span>{t(Msg::ReminderSms)}</span><input type="checkbox" name="sms" checked=r.sms/></label>
                                        <label class="cell"><span>{t(Msg::ReminderInApp)}</span><input type="checkbox" name="in_app" checked=r.in_app/></label>
                                    </div>
                                    <p class="hint">{t(Msg::ReminderChannelsHint)}</p>
                                    <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                                    <button type="submit" class="btn btn-primary btn-block">{t(Msg::SaveReminders)}</button>
                                    <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
                                </ActionForm>
                                <h2 class="section-title">{t(Msg::MessagesHeading)}</h2>
                                {if r.messages.is_empty() {
                                    view! { <div class="state-box empty-state"><p>{t(Msg::NoMessages)}</p></div> }.into_any()
                                } else {
                                    view! {
                                        <ul class="order-list">
                                            {r.messages.into_iter().map(|m| { let new = m.id > read_before; view! {
                                                <li class="order-card message" class:unread=new>
                                                    <p>
                                                        {new.then(|| view! { <span class="tag tag-danger new-tag">{t(Msg::NewMessageTag)}</span>" "})}
                                                        {m.body}
                                                    </p>
                                                    <p class="order-card-foot">
                                                        <span class="muted">{format_beijing(m.at)}</span>
                                                        {m.order_id.map(|id| view! { <a href=format!("/orders/{id}")>{t(Msg::ViewOrder)}</a> })}
                                                        {m.about_placement.then(|| view! { <a href="/me/placements">{t(Msg::ViewPlacements)}</a> })}
                                                    </p>
                                                </li>
                                            }}).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}
