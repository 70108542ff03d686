use crate::api::inbox::{worker_inbox, MessageAbout};
use crate::browser::use_live_version;
use crate::components::{ErrorState, MessageCard, PhoneShell, ReadMarker, Skeleton, Tabs};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

fn link(about: MessageAbout) -> Option<(&'static str, Msg)> {
    match about {
        MessageAbout::Work => Some(("/worker", Msg::ViewWorkbench)),
        MessageAbout::Withdrawals => Some(("/worker/withdraw", Msg::ViewWithdrawals)),
        MessageAbout::Earnings => Some(("/worker/earnings", Msg::ViewEarnings)),
        MessageAbout::Appeals => Some(("/worker/appeals", Msg::ViewAppeals)),
        MessageAbout::Assessment => Some(("/worker/assessment", Msg::ViewAssessment)),
        MessageAbout::Application => Some(("/worker/apply", Msg::ViewApplication)),
        MessageAbout::Interviews => Some(("/worker/interviews", Msg::ViewInterviews)),
        MessageAbout::Nothing => None,
    }
}

/// 消息: what staff and customers changed about the worker's work, and the
/// texts they were sent, newest first; the new ones are marked and, once
/// shown, read. Refreshed live.
#[component]
pub fn WorkerMessagesPage() -> impl IntoView {
    let live = use_live_version();
    let inbox = Resource::new(move || live.get(), |_| worker_inbox());
    let marker = ReadMarker::new(move || inbox.get().and_then(Result::ok).map(|i| (i.unread, i.messages.first().map(|m| m.id), i.read_up_to)));
    view! {
        <PhoneShell title=Msg::WorkerMessagesTitle tabs=Tabs::Worker>
            <Transition fallback=|| view! { <Skeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(inbox) if inbox.messages.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoMessages)}</p></div> }.into_any(),
                        Ok(inbox) => {
                            let read_before = marker.first(inbox.read_up_to);
                            view! {
                                <ul class="order-list worker-messages">
                                    {inbox.messages.into_iter().map(|m| view! {
                                        <MessageCard new={m.id > read_before} body=m.body at=m.at>
                                            {m.by_text.then(|| view! { <span class="tag">{t(Msg::SentByText)}</span> })}
                                            {link(m.about).map(|(href, label)| view! { <a href=href>{t(label)}</a> })}
                                        </MessageCard>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
        </PhoneShell>
    }
}
