//! Shared building blocks: the phone and desktop frames, form fields,
//! loading / error states.

use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The bottom tab bar's items for each phone role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tabs {
    Customer,
    Worker,
}

impl Tabs {
    fn items(self) -> &'static [(&'static str, Msg, &'static str)] {
        match self {
            Tabs::Customer => &[("/", Msg::TabHome, "⌂"), ("/orders", Msg::TabOrders, "☰"), ("/me", Msg::TabMine, "☺")],
            Tabs::Worker => &[("/worker", Msg::TabWorkbench, "▤"), ("/worker/earnings", Msg::TabEarnings, "¥"), ("/worker/me", Msg::TabMine, "☺")],
        }
    }
}

/// The signed-in user's count of new messages, refreshed whenever the page's
/// live stream moves on.
#[derive(Clone, Copy)]
struct UnreadMessages(Resource<Result<i64, AppError>>);

impl UnreadMessages {
    fn new() -> Self {
        let live = crate::browser::use_live_version();
        Self(Resource::new(move || live.get(), |_| crate::api::inbox::unread_messages()))
    }
}

/// Phone layout: top bar, scrolling content, bottom tab bar.
#[component]
pub fn PhoneShell(title: Msg, #[prop(optional)] tabs: Option<Tabs>, children: Children) -> impl IntoView {
    let location = use_location();
    // 我的 carries the count of new messages, so they are seen from any page;
    // the page's own notices of them read the same count (one request, not two).
    let unread = tabs.map(|_| {
        let unread = UnreadMessages::new();
        provide_context(unread);
        unread.0
    });
    let unread_count = move || unread.and_then(|r| r.get()).and_then(Result::ok).unwrap_or(0);
    view! {
        <div class="phone" class:with-tabs=tabs.is_some()>
            <header class="topbar">
                <h1>{t(title)}</h1>
            </header>
            <main class="phone-content">{children()}</main>
            {tabs.map(|tabs| {
                view! {
                    <nav class="tabbar" aria-label=t(Msg::MainNav)>
                        {tabs
                            .items()
                            .iter()
                            .map(|(href, label, icon)| {
                                let href = *href;
                                let active = move || location.pathname.get() == href;
                                let badge = (*label == Msg::TabMine).then(|| view! {
                                    <Transition fallback=|| ()>
                                        {move || (unread_count() > 0).then(|| view! {
                                            <span class="tab-badge" data-unread=unread_count()>{unread_count()}</span>
                                        })}
                                    </Transition>
                                });
                                view! {
                                    <a href=href class="tab" class:active=active aria-current=move || active().then_some("page")>
                                        <span class="tab-icon" aria-hidden="true">{*icon}{badge}</span>
                                        <span>{t(*label)}</span>
                                    </a>
                                }
                            })
                            .collect_view()}
                    </nav>
                }
            })}
        </div>
    }
}

/// The admin side menu: groups of (path, label).
const ADMIN_MENU: [(Msg, &[(&str, Msg)]); 5] = [
    (Msg::MenuGroupOverview, &[("/admin", Msg::MenuDashboard), ("/admin/analytics", Msg::MenuAnalytics), ("/admin/audit", Msg::MenuAudit)]),
    (Msg::MenuGroupCatalog, &[("/admin/catalog", Msg::MenuCatalog), ("/admin/pricing", Msg::MenuPricing)]),
    (Msg::MenuGroupOrders, &[("/admin/orders", Msg::MenuOrders), ("/admin/dispatch", Msg::MenuDispatch), ("/admin/dispatch/plan", Msg::MenuDayPlan), ("/admin/dispatch/settings", Msg::MenuDispatchSettings)]),
    (Msg::MenuGroupWorkers, &[("/admin/workers", Msg::MenuWorkers), ("/admin/assessment", Msg::MenuAssessment), ("/admin/appeals", Msg::MenuAppeals), ("/admin/finance", Msg::MenuFinance)]),
    (Msg::MenuGroupUsers, &[("/admin/users", Msg::MenuUsers), ("/admin/placements", Msg::MenuPlacements), ("/admin/feedback", Msg::MenuFeedback), ("/admin/support", Msg::MenuSupport)]),
];

/// Admin desktop layout: side menu grouped by task, top bar, content.
#[component]
pub fn AdminShell(title: Msg, children: Children) -> impl IntoView {
    let location = use_location();
    let groups = ADMIN_MENU;
    // 派单队列's badge: orders no worker took, refreshed as they arrive.
    let live = crate::browser::use_live_version();
    let queue = Resource::new(move || live.get(), |_| crate::api::dispatching::admin_queue_size());
    // 客服消息's badge: support threads with messages nobody on the team has read.
    let support = Resource::new(move || live.get(), |_| crate::api::chat::my_chat_unread());
    view! {
        <div class="admin">
            <aside class="sidemenu">
                <div class="brand">{t(Msg::AdminTitle)}</div>
                {groups
                    .into_iter()
                    .map(|(group, items)| {
                        view! {
                            <div class="menu-group">
                                <div class="menu-group-title">{t(group)}</div>
                                {items
                                    .iter()
                                    .map(|(href, label)| {
                                        let href = *href;
                                        // A page below a menu entry lights it up, unless the page is an entry of its own.
                                        let active = move || {
                                            let path = location.pathname.get();
                                            let own_entry = ADMIN_MENU.iter().any(|(_, items)| items.iter().any(|(h, _)| *h == path));
                                            path == href || (href != "/admin" && !own_entry && path.starts_with(&format!("{href}/")))
                                        };
                                        let badge = (*label == Msg::MenuDispatch).then(|| view! {
                                            <Transition fallback=|| ()>
                                                {move || queue.get().and_then(Result::ok).filter(|n| *n > 0).map(|n| view! {
                                                    <span class="menu-badge" data-queue=n aria-label=format!("{} {n}", t(Msg::QueueWaiting))>{n}</span>
                                                })}
                                            </Transition>
                                        });
                                        let support_badge = (*label == Msg::MenuSupport).then(|| view! {
                                            <Transition fallback=|| ()>
                                                {move || support.get().and_then(Result::ok).map(|threads| threads.len()).filter(|n| *n > 0).map(|n| view! {
                                                    <span class="menu-badge" data-support=n aria-label=format!("{n}{}", t(Msg::ChatUnreadLabel))>{n}</span>
                                                })}
                                            </Transition>
                                        });
                                        view! {
                                            <a href=href class="menu-item" class:active=active>{t(*label)}{badge}{support_badge}</a>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        }
                    })
                    .collect_view()}
            </aside>
            <div class="admin-main">
                <header class="admin-topbar">
                    <h1>{t(title)}</h1>
                    <LogoutButton class="btn btn-plain"/>
                </header>
                <main class="admin-content">{children()}</main>
            </div>
        </div>
    }
}

#[component]
pub fn LogoutButton(#[prop(into)] class: String) -> impl IntoView {
    let logout = ServerAction::<crate::api::account::Logout>::new();
    view! {
        <ActionForm action=logout attr:class="logout-form">
            <button type="submit" class=class>{t(Msg::Logout)}</button>
        </ActionForm>
    }
}

/// The error for `field` out of an action's latest result, if any.
pub fn field_error<T, S>(value: S, field: Field) -> Signal<Option<&'static str>>
where
    T: 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(err)) if err.field() == Some(field) => Some(err.message()),
        _ => None,
    })
}

/// An error that belongs to no field (throttling, network, …).
pub fn form_error<T, S>(value: S) -> Signal<Option<&'static str>>
where
    T: 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(err)) if err.field().is_none() => Some(err.message()),
        _ => None,
    })
}

/// A labelled input cell with its error shown beneath it.
#[component]
pub fn InputCell(
    label: Msg,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] placeholder: Option<Msg>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] maxlength: Option<u32>,
    error: Signal<Option<&'static str>>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="cell input-cell" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{t(label)}</label>
            <input
                id=id
                name=name
                type=kind
                placeholder=placeholder.map(t)
                inputmode=inputmode
                autocomplete=autocomplete
                value=value
                maxlength=maxlength
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=error_id.clone()
            />
        </div>
        <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
    }
}

/// Photos as a row of thumbnails, each opening the full picture.
#[component]
pub fn PhotoRow(photos: Vec<String>, alt: &'static str) -> impl IntoView {
    view! {
        <div class="photo-row">
            {photos.into_iter().map(|src| {
                let href = src.clone();
                view! { <a href=href target="_blank" rel="noopener"><img class="photo-thumb" src=src alt=alt loading="lazy"/></a> }
            }).collect_view()}
        </div>
    }
}

/// A short video (a review's, a service's), played in place: only its first
/// frame and length are fetched until it is played.
#[component]
pub fn VideoClip(src: String, #[prop(default = Msg::ReviewVideoLabel)] label: Msg) -> impl IntoView {
    view! { <video class="video-clip" src=src controls=true playsinline=true preload="metadata" aria-label=t(label)></video> }
}

/// How many times `action` has succeeded, for a resource to refetch on
/// when a refused attempt must leave its form as it was (the action's
/// `version` goes up on errors too); `then` runs on each success first.
pub fn successes<S>(action: ServerAction<S>, then: impl Fn() + Send + Sync + 'static) -> ReadSignal<u32>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let (count, set_count) = signal(0u32);
    Effect::new(move |_| {
        if action.value().with(|value| matches!(value, Some(Ok(_)))) {
            then();
            set_count.update(|n| *n += 1);
        }
    });
    count
}

/// The largest video upload, as `uploads::VideoLimits` has it: checked in
/// the browser too, so a long phone video is refused before it is sent.
pub const MAX_VIDEO_BYTES: f64 = 50.0 * 1024.0 * 1024.0;

/// A file field's change handler: a chosen file over `max_bytes` is
/// emptied out of the field, and `too_large` says whether it was.
fn refuse_files_over(max_bytes: f64, too_large: RwSignal<bool>) -> impl Fn(web_sys::Event) + 'static {
    move |ev| {
        let over = crate::browser::chosen_file_size(&ev).is_some_and(|size| size > max_bytes);
        if over {
            crate::browser::clear_chosen_file(&ev);
        }
        too_large.set(over);
    }
}

/// The largest image upload, as `uploads::ImageLimits` has it.
pub const MAX_IMAGE_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// An upload form's image field (`file`). Once hydrated, an image over
/// [`MAX_IMAGE_BYTES`] is refused beside it as soon as it is chosen and
/// the field emptied (and, being required, an empty field is not sent),
/// instead of a phone uploading several megabytes to be told so. Before
/// hydration the server refuses it the same way.
#[component]
pub fn ImageInput(
    label: String,
    #[prop(optional)] id: Option<String>,
    #[prop(optional)] class: Option<&'static str>,
    /// Opens the camera on a phone (proof photos are taken on the spot).
    #[prop(optional)]
    camera: bool,
) -> impl IntoView {
    let too_large = RwSignal::new(false);
    view! {
        <input id=id class=class type="file" name="file" accept="image/jpeg,image/png,image/webp" required
            capture=camera.then_some("environment") aria-label=label on:change=refuse_files_over(MAX_IMAGE_BYTES, too_large)/>
        {move || too_large.get().then(|| view! { <p class="field-error image-too-large" role="alert">{t(Msg::ErrUploadTooLarge)}</p> })}
    }
}

/// A plain form posting one video to `action` (it works before hydration);
/// once hydrated, a file over [`MAX_VIDEO_BYTES`] is refused beside the
/// field as soon as it is chosen, instead of being uploaded for nothing.
#[component]
pub fn VideoUploadForm(action: String, label: Msg, button: Msg, #[prop(default = "btn btn-plain btn-small")] button_class: &'static str) -> impl IntoView {
    let too_large = RwSignal::new(false);
    view! {
        <form method="post" action=action enctype="multipart/form-data" class="upload-form video-upload-form"
            on:submit=move |ev| if too_large.get_untracked() { ev.prevent_default() }>
            <input type="file" name="file" accept="video/mp4,video/quicktime" aria-label=t(label)
                on:change=refuse_files_over(MAX_VIDEO_BYTES, too_large)/>
            <button type="submit" class=button_class>{t(button)}</button>
        </form>
        {move || too_large.get().then(|| view! { <p class="field-error" role="alert">{t(Msg::ErrVideoTooLarge)}</p> })}
    }
}

/// Reviews as everyone reads them: masked author, stars, day, text, photos, video.
#[component]
pub fn ReviewList(reviews: Vec<crate::api::orders::PublicReviewView>) -> impl IntoView {
    let stars = |n: i32| {
        let n = n.clamp(0, 5) as usize;
        format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
    };
    view! {
        <ul class="review-list">
            {reviews.into_iter().map(|r| view! {
                <li class="review">
                    <div class="review-head">
                        <span>{r.author}</span>
                        <span class="stars" aria-label=format!("{}/5", r.stars)>{stars(r.stars)}</span>
                        <span class="muted">{crate::api::format_beijing(r.at).chars().take(10).collect::<String>()}</span>
                    </div>
                    {(!r.body.is_empty()).then(|| view! { <p class="review-body">{r.body}</p> })}
                    {(!r.photos.is_empty()).then(|| view! { <PhotoRow photos=r.photos alt=t(Msg::ReviewPhotosAlt)/> })}
                    {r.video.map(|src| view! { <VideoClip src/> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn Skeleton(#[prop(default = 3)] rows: usize) -> impl IntoView {
    view! {
        <div class="skeleton" role="progressbar" aria-busy="true" aria-label=t(Msg::Loading)>
            {(0..rows).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// How a [`LiveList`] lays its rows out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListShape {
    /// Cards on a phone: `<ul class="order-list">`.
    Cards,
    /// Panels on the desktop: `<div class="appeal-list">`.
    Panels,
}

/// A list that news refetches: the skeleton on the first load, then the
/// empty message or the error, and rows keyed by their content. News
/// about one row rebuilds that row only, so a form half filled in another
/// keeps what was typed and the error beside it; the rows stay on screen
/// while a refetch runs. `rows` reads a resource (`Signal::derive`, so
/// the read happens under the `Transition` and server rendering waits).
#[component]
pub fn LiveList<T, Row, V>(rows: Signal<Option<Result<Vec<T>, AppError>>>, shape: ListShape, empty: Msg, skeleton: usize, row: Row) -> impl IntoView
where
    T: std::fmt::Debug + Clone + Send + Sync + 'static,
    Row: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let each = move || rows.get().and_then(Result::ok).unwrap_or_default();
    let key = |item: &T| format!("{item:?}");
    view! {
        <Transition fallback=move || view! { <Skeleton rows=skeleton/> }>
            {move || rows.get().and_then(|rows| match rows {
                Ok(rows) if rows.is_empty() => Some(view! { <div class="state-box empty-state"><p>{t(empty)}</p></div> }.into_any()),
                Ok(_) => None,
                Err(error) => Some(view! { <ErrorState error/> }.into_any()),
            })}
            {match shape {
                ListShape::Cards => view! { <ul class="order-list"><For each key children=row/></ul> }.into_any(),
                ListShape::Panels => view! { <div class="appeal-list"><For each key children=row/></div> }.into_any(),
            }}
        </Transition>
    }
}

/// A form built from part of a live answer (the choices it offers), on a
/// page whose other parts follow the news through the same answer. It is
/// built again only when that part changes, keyed by its content as
/// [`LiveList`] rows are, so news refetching the answer leaves what is being
/// typed and the error beside it. A failed load shows nothing here: the
/// page shows it once, where the rest of the answer goes.
#[component]
pub fn LiveForm<T, Form, V>(choices: Signal<Option<Result<T, AppError>>>, skeleton: usize, form: Form) -> impl IntoView
where
    T: std::fmt::Debug + Clone + Send + Sync + 'static,
    Form: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let each = move || choices.get().and_then(Result::ok);
    let key = |choices: &T| format!("{choices:?}");
    view! {
        <Transition fallback=move || view! { <Skeleton rows=skeleton/> }>
            <For each key children=form/>
        </Transition>
    }
}

/// A form that empties itself once `action` succeeds, ready for the next
/// entry; after a failure what was typed stays beside the error. Give the
/// returned reference to the form's `node_ref`.
pub fn reset_on_success<S>(action: ServerAction<S>) -> NodeRef<leptos::html::Form>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    successes(action, move || {
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
    });
    form
}

/// A failed load: the message and a way forward.
#[component]
pub fn ErrorState(error: AppError) -> impl IntoView {
    let needs_login = matches!(error, AppError::Unauthenticated | AppError::SessionExpired);
    view! {
        <div class="state-box error-state" role="alert">
            <p>{error.message()}</p>
            {if needs_login {
                view! { <a class="btn btn-primary" href="/login">{t(Msg::Login)}</a> }.into_any()
            } else {
                view! { <a class="btn btn-plain" href="">{t(Msg::Retry)}</a> }.into_any()
            }}
        </div>
    }
}

/// 修改密码: the current password, a new one; other devices are signed out.
#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let change = ServerAction::<crate::api::account::ChangePassword>::new();
    let value = change.value();
    let done = move || matches!(value.get(), Some(Ok(())));
    view! {
        <details class="panel change-password" open=move || matches!(value.get(), Some(Err(_)))>
            <summary>{t(Msg::ChangePasswordTitle)}</summary>
            <ActionForm action=change attr:class="form" attr:novalidate=true>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <div class="cells">
                    <InputCell label=Msg::CurrentPasswordLabel name="current" kind="password" autocomplete="current-password" maxlength=128
                        error=field_error(value, Field::CurrentPassword)/>
                    <InputCell label=Msg::NewPasswordLabel name="new_password" kind="password" autocomplete="new-password"
                        placeholder=Msg::NewPasswordPlaceholder maxlength=128 error=field_error(value, Field::NewPassword)/>
                </div>
                <button type="submit" class="btn btn-plain btn-block" disabled=move || change.pending().get()>{t(Msg::ChangePasswordButton)}</button>
                <Show when=done><p class="toast" role="status">{t(Msg::PasswordChanged)}</p></Show>
            </ActionForm>
        </details>
    }
}

/// Percent-encodes a query value for a link (the same on the server and in
/// the browser, without calling into JavaScript).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_browser_refuses_videos_over_the_size_the_server_keeps() {
        assert_eq!(super::MAX_VIDEO_BYTES, uploads::VideoLimits::default().max_bytes as f64);
    }

    #[test]
    fn the_browser_refuses_images_over_the_size_the_server_keeps() {
        assert_eq!(super::MAX_IMAGE_BYTES, uploads::ImageLimits::default().max_bytes as f64);
    }
}

/// How many messages are new, refreshed live: a notice linking to `href`
/// (工作台), or with `cell` the 我的 line of that title with a count badge.
#[component]
pub fn NewMessages(href: &'static str, #[prop(optional)] cell: Option<Msg>) -> impl IntoView {
    let unread = use_context::<UnreadMessages>().unwrap_or_else(UnreadMessages::new).0;
    let count = move || unread.get().and_then(Result::ok).unwrap_or(0);
    match cell {
        Some(title) => view! {
            <a class="cell cell-link messages-link" href=href>
                <span>{t(title)}
                    <Transition fallback=|| ()>
                        {move || (count() > 0).then(|| view! { <span class="menu-badge" data-unread=count()>{count()}</span> })}
                    </Transition>
                </span>
                <span class="cell-value">"›"</span>
            </a>
        }
        .into_any(),
        None => view! {
            <Transition fallback=|| ()>
                {move || (count() > 0).then(|| view! {
                    <a class="notice new-messages" href=href data-unread=count()>{crate::i18n::tf(Msg::NewMessagesNotice, &[&count()])}</a>
                })}
            </Transition>
        }
        .into_any(),
    }
}

/// A message page's read marker: the one it first got, so what was new when
/// it opened stays marked while it is open, after being marked read. Marks
/// the messages shown read, in the browser only (a page rendered but never
/// shown marks nothing), whenever some are new.
#[derive(Clone, Copy)]
pub struct ReadMarker(StoredValue<Option<i64>>);

impl ReadMarker {
    /// `shown`: (how many are new, the newest message id, the marker) once loaded.
    pub fn new(shown: impl Fn() -> Option<(i64, Option<i64>, i64)> + Send + Sync + 'static) -> Self {
        let mark_read = ServerAction::<crate::api::inbox::MarkMessagesRead>::new();
        let first = StoredValue::new(None);
        Effect::new(move |_| {
            if let Some((unread, newest, read_up_to)) = shown() {
                // Kept before marking: the live refresh the mark sets off can
                // reach the list before its first load has been drawn.
                if first.get_value().is_none() {
                    first.set_value(Some(read_up_to));
                }
                if let (true, Some(newest)) = (unread > 0, newest) {
                    mark_read.dispatch(crate::api::inbox::MarkMessagesRead { up_to: newest });
                }
            }
        });
        ReadMarker(first)
    }

    /// The marker the page opened with (`read_up_to` on its first load).
    pub fn first(self, read_up_to: i64) -> i64 {
        self.0.get_value().unwrap_or_else(|| {
            self.0.set_value(Some(read_up_to));
            read_up_to
        })
    }
}

/// One message of a message page, marked 新 when `new`; `children` are its
/// links, after the time.
#[component]
pub fn MessageCard(new: bool, body: String, at: crate::api::UnixSeconds, children: Children) -> impl IntoView {
    view! {
        <li class="order-card message" class:unread=new>
            <p>
                {new.then(|| view! { <span class="tag tag-danger new-tag">{t(Msg::NewMessageTag)}</span>" " })}
                {body}
            </p>
            <p class="order-card-foot">
                <span class="muted">{crate::api::format_beijing(at)}</span>
                {children()}
            </p>
        </li>
    }
}
