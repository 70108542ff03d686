use crate::api::account::{my_profile, UpdateNickname};
use crate::api::format_beijing;
use crate::components::{field_error, ChangePasswordForm, ErrorState, InputCell, LogoutButton, NewMessages, PhoneShell, Skeleton, Tabs};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::browser::use_live_version;
use crate::pages::chat::use_chat_unread;
use domain::ChatThread;
use leptos::prelude::*;

/// 我的: the customer's profile, nickname editing and logout.
#[component]
pub fn MePage() -> impl IntoView {
    let update = ServerAction::<UpdateNickname>::new();
    let value = update.value();
    let profile = Resource::new(move || update.version().get(), |_| my_profile());
    let saved = move || matches!(value.get(), Some(Ok(())));
    let unread = use_chat_unread(use_live_version());
    let support_unread = move || {
        let all = unread.get().and_then(Result::ok)?;
        all.into_iter().find(|u| matches!(ChatThread::parse(&u.thread), Some(ChatThread::Support(_)))).map(|u| u.count).filter(|n| *n > 0)
    };
    view! {
        <PhoneShell title=Msg::MineTitle tabs=Tabs::Customer>
            // A saved nickname replaces the page once the profile has reloaded,
            // instead of blanking it to a skeleton in between.
            <Transition fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(p) => view! {
                            <section class="profile-card">
                                <div class="avatar" aria-hidden="true">{p.display_name.chars().next().map(String::from)}</div>
                                <div>
                                    <p class="profile-name">{p.display_name.clone()}</p>
                                    <p class="profile-phone">{p.phone.clone()}</p>
                                </div>
                            </section>
                            <h2 class="section-title">{t(Msg::ProfileHeading)}</h2>
                            <div class="cells">
                                <div class="cell"><span>{t(Msg::RoleLabel)}</span><span class="cell-value">{t(Msg::RoleCustomer)}</span></div>
                                <div class="cell"><span>{t(Msg::MemberSince)}</span><span class="cell-value">{format_beijing(p.member_since)}</span></div>
                                <a class="cell cell-link" href="/me/addresses"><span>{t(Msg::AddressBookTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/me/favorites"><span>{t(Msg::FavoritesTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/me/coupons"><span>{t(Msg::CouponsTitle)}</span><span class="cell-value">"›"</span></a>
                                <NewMessages href="/me/reminders" cell=Msg::RemindersTitle/>
                                <a class="cell cell-link" href="/me/placements"><span>{t(Msg::MyPlacementsTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/me/feedback"><span>{t(Msg::FeedbackLink)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link support-link" href="/me/support">
                                    <span>{t(Msg::SupportTitle)}</span>
                                    <span class="cell-value">
                                        <Transition fallback=|| ()>
                                            {move || support_unread().map(|n| view! { <span class="menu-badge" data-unread=n>{n}</span> })}
                                        </Transition>
                                        "›"
                                    </span>
                                </a>
                            </div>
                            <ActionForm action=update attr:class="form" attr:novalidate=true>
                                <div class="cells">
                                    <InputCell label=Msg::NicknameLabel name="nickname" value=p.display_name maxlength=20
                                        error=field_error(value, Field::Name)/>
                                </div>
                                <button type="submit" class="btn btn-primary btn-block">{t(Msg::Save)}</button>
                                <Show when=saved><p class="toast" role="status">{t(Msg::Saved)}</p></Show>
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Transition>
            <ChangePasswordForm/>
            <div class="form">
                <LogoutButton class="btn btn-danger-plain btn-block"/>
            </div>
        </PhoneShell>
    }
}
