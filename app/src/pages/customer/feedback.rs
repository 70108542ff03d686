use crate::api::feedback::{my_feedback, FeedbackOrderChoice, FeedbackView, SubmitFeedback, MAX_FEEDBACK_IMAGES};
use crate::api::format_beijing;
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, reset_on_success, ListShape, LiveForm, LiveList, PhoneShell, Tabs};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::worker::upload_error_text;
use domain::{FeedbackCategory, FeedbackStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub(crate) fn category_text(category: FeedbackCategory) -> &'static str {
    t(match category {
        FeedbackCategory::Quality => Msg::FeedbackCategoryQuality,
        FeedbackCategory::Lateness => Msg::FeedbackCategoryLateness,
        FeedbackCategory::Damage => Msg::FeedbackCategoryDamage,
        FeedbackCategory::Other => Msg::FeedbackCategoryOther,
    })
}

pub(crate) fn status_msg(status: FeedbackStatus) -> Msg {
    match status {
        FeedbackStatus::Open => Msg::FeedbackStatusOpen,
        FeedbackStatus::Assigned => Msg::FeedbackStatusAssigned,
        FeedbackStatus::Resolved => Msg::FeedbackStatusResolved,
    }
}

/// The status as a tag: amber until resolved.
pub(crate) fn status_tag(status: FeedbackStatus) -> impl IntoView {
    let class = if status == FeedbackStatus::Resolved { "tag" } else { "tag tag-warning" };
    view! { <span class=class data-feedback-status=status.as_str()>{t(status_msg(status))}</span> }
}

/// 投诉与反馈 (C10): file feedback, optionally about one of your orders
/// (`?order=` preselects it), and follow what the staff answered. A plain
/// form, so it works before hydration; answers arrive live.
#[component]
pub fn FeedbackPage() -> impl IntoView {
    let submit = ServerAction::<SubmitFeedback>::new();
    let live = use_live_version();
    let mine = Resource::new(move || (submit.version().get(), live.get()), |_| my_feedback());
    crate::browser::forget_notice_query(&["uploaded", "upload_error"]);
    view! {
        <PhoneShell title=Msg::FeedbackTitle tabs=Tabs::Customer>
            <LiveForm choices=Signal::derive(move || mine.get().map(|mine| mine.map(|mine| mine.orders))) skeleton=2
                form=move |orders| view! { <FeedbackForm orders submit/> }/>
            <h2 class="section-title">{t(Msg::FeedbackMineHeading)}</h2>
            <LiveList rows=Signal::derive(move || mine.get().map(|mine| mine.map(|mine| mine.items))) shape=ListShape::Cards empty=Msg::FeedbackNone skeleton=2 row=|feedback| view! { <FeedbackCard feedback/> }/>
        </PhoneShell>
    }
}

#[component]
fn FeedbackForm(orders: Vec<FeedbackOrderChoice>, submit: ServerAction<SubmitFeedback>) -> impl IntoView {
    let chosen_order = use_query_map().with_untracked(|q| q.get("order")).unwrap_or_default();
    let value = submit.value();
    let submitted = move || matches!(value.get(), Some(Ok(_)));
    let form = reset_on_success(submit);
    view! {
        <h2 class="section-title">{t(Msg::FeedbackNewHeading)}</h2>
        <ActionForm action=submit node_ref=form attr:class="form feedback-form" attr:novalidate=true>
            <div class="cells">
                <div class="cell input-cell">
                    <label for="f-feedback-category">{t(Msg::FeedbackCategoryLabel)}</label>
                    <select id="f-feedback-category" name="category">
                        {FeedbackCategory::ALL.into_iter().map(|c| view! { <option value=c.as_str()>{category_text(c)}</option> }).collect_view()}
                    </select>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Category).get()}</p>
                <div class="cell input-cell">
                    <label for="f-feedback-order">{t(Msg::FeedbackOrderLabel)}</label>
                    <select id="f-feedback-order" name="order_id">
                        <option value="">{t(Msg::FeedbackNoOrder)}</option>
                        {orders
                            .into_iter()
                            .map(|o| {
                                let selected = o.id.to_string() == chosen_order;
                                view! { <option value=o.id selected=selected>{o.label}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::FeedbackOrder).get()}</p>
                <div class="cell cell-multiline">
                    <textarea name="body" class="notes" maxlength="500" aria-label=t(Msg::FeedbackBodyLabel) placeholder=t(Msg::FeedbackBodyPlaceholder)></textarea>
                </div>
                <p class="field-error" role="alert">{move || field_error(value, Field::Feedback).get()}</p>
            </div>
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            <button type="submit" class="btn btn-primary btn-block" disabled=move || submit.pending().get()>{t(Msg::FeedbackSubmit)}</button>
            <Show when=submitted><p class="toast" role="status">{t(Msg::FeedbackSubmitted)}</p></Show>
        </ActionForm>
    }
}

/// The customer's photos of one piece of feedback.
pub(crate) fn photos(urls: Vec<String>) -> impl IntoView {
    (!urls.is_empty()).then(|| view! {
        <div class="doc-thumbs feedback-photos">
            {urls.into_iter().map(|url| { let src = url.clone(); view! { <a href=url><img class="doc-thumb" src=src alt=t(Msg::FeedbackPhotoAlt)/></a> } }).collect_view()}
        </div>
    })
}

#[component]
fn FeedbackCard(feedback: FeedbackView) -> impl IntoView {
    let id = feedback.id;
    // The upload form posts back here with `?feedback=ID&uploaded=1` or `&upload_error=code`.
    let query = use_query_map();
    let about_this = move || query.with(|q| q.get("feedback")) == Some(id.to_string());
    let upload_error = move || about_this().then(|| query.with(|q| q.get("upload_error"))).flatten().map(|code| t(upload_error_text(&code)));
    let uploaded = move || about_this() && query.with(|q| q.get("uploaded")).is_some();
    let may_add = feedback.status != FeedbackStatus::Resolved && (feedback.images.len() as i64) < MAX_FEEDBACK_IMAGES;
    view! {
        <li class="order-card feedback-card" data-feedback=id>
            <p class="order-card-head">
                <span class="tag">{category_text(feedback.category)}</span>
                {status_tag(feedback.status)}
                <span class="muted">{format_beijing(feedback.at)}</span>
            </p>
            <p class="feedback-body">{feedback.body}</p>
            {feedback.order_id.zip(feedback.order_no).map(|(id, no)| view! { <p class="muted"><a href=format!("/orders/{id}")>{no}</a></p> })}
            {photos(feedback.images)}
            {may_add.then(|| view! {
                <form method="post" action=format!("/uploads/feedback/{id}") enctype="multipart/form-data" class="upload-form feedback-photo-form">
                    <crate::components::ImageInput label=t(Msg::FeedbackChoosePhoto).to_string()/>
                    <button type="submit" class="btn btn-plain btn-small">{t(Msg::FeedbackAddPhoto)}</button>
                </form>
                <p class="hint">{t(Msg::FeedbackPhotoHint)}</p>
            })}
            <p class="field-error" role="alert">{upload_error}</p>
            {move || uploaded().then(|| view! { <p class="toast" role="status">{t(Msg::FeedbackPhotoAdded)}</p> })}
            {feedback
                .replies
                .into_iter()
                .map(|r| view! {
                    <div class="feedback-reply" class:resolution=r.resolves>
                        <p class="muted">{if r.resolves { t(Msg::FeedbackResolution) } else { t(Msg::FeedbackStaffReply) }}" · "{format_beijing(r.at)}</p>
                        <p>{r.body}</p>
                    </div>
                })
                .collect_view()}
        </li>
    }
}
