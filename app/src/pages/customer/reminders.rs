use crate::api::account::{my_reminders, SaveReminderPrefs};
use crate::browser::use_live_version;
use crate::components::{form_error, ErrorState, LiveForm, MessageCard, PhoneShell, ReadMarker, Skeleton, Tabs};
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
    let marker = ReadMarker::new(move || view_data.get().and_then(Result::ok).map(|r| (r.unread, r.messages.first().map(|m| m.id), r.read_up_to)));
    view! {
        <PhoneShell title=Msg::RemindersTitle tabs=Tabs::Customer>
            // The boxes are built again only when the saved channels change, so
            // a message arriving while a box is being ticked leaves it as ticked.
            <LiveForm choices=Signal::derive(move || view_data.get().map(|r| r.map(|r| (r.sms, r.in_app)))) skeleton=1
                form=move |(sms, in_app)| view! {
                    <h2 class="section-title">{t(Msg::ReminderChannels)}</h2>
                    <ActionForm action=save attr:class="form reminder-form">
                        <div class="cells">
                            <label class="cell"><span>{t(Msg::ReminderSms)}</span><input type="checkbox" name="sms" checked=sms/></label>
                            <label class="cell"><span>{t(Msg::ReminderInApp)}</span><input type="checkbox" name="in_app" checked=in_app/></label>
                        </div>
                        <p class="hint">{t(Msg::ReminderChannelsHint)}</p>
                        <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                        <button type="submit" class="btn btn-primary btn-block">{t(Msg::SaveReminders)}</button>
                        <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
                    </ActionForm>
                }/>
            <Transition fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match view_data.await {
                        Ok(r) => {
                            let read_before = marker.first(r.read_up_to);
                            view! {
                                <h2 class="section-title">{t(Msg::MessagesHeading)}</h2>
                                {if r.messages.is_empty() {
                                    view! { <div class="state-box empty-state"><p>{t(Msg::NoMessages)}</p></div> }.into_any()
                                } else {
                                    view! {
                                        <ul class="order-list">
                                            {r.messages.into_iter().map(|m| view! {
                                                <MessageCard new={m.id > read_before} body=m.body at=m.at>
                                                    {m.order_id.map(|id| view! { <a href=format!("/orders/{id}")>{t(Msg::ViewOrder)}</a> })}
                                                    {m.about_placement.then(|| view! { <a href="/me/placements">{t(Msg::ViewPlacements)}</a> })}
                                                </MessageCard>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </PhoneShell>
    }
}
