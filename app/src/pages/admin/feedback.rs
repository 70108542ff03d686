use crate::api::feedback::{admin_feedback, admin_feedback_handlers, admin_feedback_list, AdminStepFeedback, FeedbackView, HandlerOption, UNRESOLVED};
use crate::api::format_beijing;
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::{AppError, Field};
use crate::i18n::{t, Msg};
use crate::pages::customer::feedback::{category_text, photos, status_msg, status_tag};
use domain::{FeedbackAction, FeedbackStatus};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Feedback as a table; `with_customer` adds the customer column (not on a
/// customer's own page).
#[component]
pub(crate) fn FeedbackTable(items: Resource<Result<Vec<FeedbackView>, AppError>>, with_customer: bool) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <Skeleton rows=4/> }>
            {move || Suspend::new(async move {
                match items.await {
                    Ok(rows) if rows.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoFeedback)}</p></div> }.into_any(),
                    Ok(rows) => view! {
                        <table class="table feedback-table">
                            <thead>
                                <tr>
                                    <th>{t(Msg::FeedbackCategoryLabel)}</th>
                                    {with_customer.then(|| view! { <th>{t(Msg::CustomerLabel)}</th> })}
                                    <th>{t(Msg::OrderNo)}</th>
                                    <th>{t(Msg::FeedbackBodyColumn)}</th>
                                    <th>{t(Msg::StateLabel)}</th>
                                    <th>{t(Msg::FeedbackHandler)}</th>
                                    <th>{t(Msg::FeedbackFiledAt)}</th>
                                    <th>{t(Msg::ColumnActions)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|f| view! {
                                        <tr data-feedback=f.id>
                                            <td>{category_text(f.category)}</td>
                                            {with_customer.then(|| view! { <td><a href=format!("/admin/users/{}", f.customer_id)>{f.customer_name.clone()}</a></td> })}
                                            <td class="num">{match f.order_id.zip(f.order_no.clone()) {
                                                Some((id, no)) => view! { <a href=format!("/admin/orders/{id}")>{no}</a> }.into_any(),
                                                None => "—".into_any(),
                                            }}</td>
                                            <td class="feedback-excerpt">{f.body.chars().take(40).collect::<String>()}</td>
                                            <td>{status_tag(f.status)}</td>
                                            <td>{f.handler_name.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td class="num">{format_beijing(f.at)}</td>
                                            <td><a href=format!("/admin/feedback/{}", f.id)>{t(Msg::FeedbackOpenDetail)}</a></td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorState error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// 投诉与反馈 (A9): all feedback, newest first, narrowed in the URL
/// (`?status=` a status or `unresolved`).
#[component]
pub fn FeedbackListPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status")).filter(|s| !s.is_empty());
    let items = Resource::new(status, |status| admin_feedback_list(status, None, None));
    let chips = [(UNRESOLVED, Msg::FeedbackUnresolved)]
        .into_iter()
        .chain(FeedbackStatus::ALL.into_iter().map(|s| (s.as_str(), status_msg(s))))
        .collect::<Vec<_>>();
    view! {
        <AdminShell title=Msg::MenuFeedback>
            <nav class="filter-chips" aria-label=t(Msg::StateLabel)>
                <a href="/admin/feedback" class="chip" class:active=move || status().is_none()>{t(Msg::FeedbackAll)}</a>
                {chips
                    .into_iter()
                    .map(|(key, label)| view! {
                        <a href=format!("/admin/feedback?status={key}") class="chip" class:active=move || status().as_deref() == Some(key)>{t(label)}</a>
                    })
                    .collect_view()}
            </nav>
            <FeedbackTable items with_customer=true/>
        </AdminShell>
    }
}

/// One piece of feedback: what the customer wrote, every reply, and 认领 /
/// 回复 / 解决.
#[component]
pub fn FeedbackDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let step = ServerAction::<AdminStepFeedback>::new();
    // Its own action, so its notice says it was handed over, not answered.
    let hand_over = ServerAction::<AdminStepFeedback>::new();
    let feedback = Resource::new(move || (id(), step.version().get(), hand_over.version().get()), |(id, _, _)| async move {
        let feedback = admin_feedback(id).await?;
        Ok::<_, AppError>((feedback, admin_feedback_handlers().await?))
    });
    let (value, handed) = (step.value(), hand_over.value());
    // Only the latest of the two speaks: starting one clears the other's outcome.
    Effect::new(move |_| {
        if hand_over.pending().get() {
            value.set(None);
        }
    });
    Effect::new(move |_| {
        if step.pending().get() {
            handed.set(None);
        }
    });
    let done = move || match (value.get(), handed.get()) {
        (Some(Ok(_)), _) => Some(t(Msg::FeedbackStepDone)),
        (_, Some(Ok(_))) => Some(t(Msg::FeedbackHandedOver)),
        _ => None,
    };
    view! {
        <AdminShell title=Msg::FeedbackDetailTitle>
            <p class="form-error" role="alert">{move || form_error(value).get().or_else(|| form_error(handed).get())}</p>
            {move || done().map(|text| view! { <p class="toast" role="status">{text}</p> })}
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match feedback.await {
                        Ok((f, handlers)) => view! { <FeedbackDetail f handlers step hand_over/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn FeedbackDetail(f: FeedbackView, handlers: Vec<HandlerOption>, step: ServerAction<AdminStepFeedback>, hand_over: ServerAction<AdminStepFeedback>) -> impl IntoView {
    let value = step.value();
    let handed = hand_over.value();
    let id = f.id;
    view! {
        <div class="detail-header">
            {status_tag(f.status)}
            <h2>{category_text(f.category)}</h2>
            <span class="muted">{t(Msg::CustomerLabel)}"："<a href=format!("/admin/users/{}", f.customer_id)>{f.customer_name.clone()}</a></span>
            {f.order_id.zip(f.order_no.clone()).map(|(order, no)| view! {
                <span class="muted">{t(Msg::OrderNo)}"："<a href=format!("/admin/orders/{order}")>{no}</a></span>
            })}
        </div>
        <div class="admin-columns">
            <section class="panel">
                <h3>{t(Msg::FeedbackBodyLabel)}</h3>
                <p class="feedback-body">{f.body.clone()}</p>
                {photos(f.images.clone())}
                <p class="muted">{t(Msg::FeedbackFiledAt)}"："{format_beijing(f.at)}</p>
                {f.handler_name.clone().map(|name| view! { <p class="muted">{t(Msg::FeedbackHandler)}"："{name}</p> })}
            </section>
            <section class="panel">
                <h3>{t(Msg::FeedbackThread)}</h3>
                {if f.replies.is_empty() {
                    view! { <p class="muted">{t(Msg::FeedbackNoReplies)}</p> }.into_any()
                } else {
                    f.replies
                        .iter()
                        .map(|r| view! {
                            <div class="feedback-reply" class:resolution=r.resolves>
                                <p class="muted">
                                    {if r.resolves { t(Msg::FeedbackResolution) } else { t(Msg::FeedbackStaffReply) }}
                                    " · "{r.admin_name.clone()}" · "{format_beijing(r.at)}
                                </p>
                                <p>{r.body.clone()}</p>
                            </div>
                        })
                        .collect_view()
                        .into_any()
                }}
            </section>
        </div>
        {match f.status {
            FeedbackStatus::Resolved => view! { <p class="hint">{t(Msg::FeedbackClosed)}</p> }.into_any(),
            status => view! {
                <section class="panel">
                    {(status == FeedbackStatus::Open).then(|| view! {
                        <ActionForm action=step attr:class="review-form-inline">
                            <input type="hidden" name="feedback_id" value=id/>
                            <input type="hidden" name="action" value=FeedbackAction::Take.as_str()/>
                            <input type="hidden" name="body" value=""/>
                            <button type="submit" class="btn btn-plain">{t(Msg::FeedbackTake)}</button>
                        </ActionForm>
                    })}
                    <ActionForm action=step attr:class="form feedback-step-form" attr:novalidate=true>
                        <input type="hidden" name="feedback_id" value=id/>
                        <label class="field-label" for="f-feedback-action">{t(Msg::FeedbackActionLabel)}</label>
                        <select id="f-feedback-action" name="action">
                            <option value=FeedbackAction::Reply.as_str()>{t(Msg::FeedbackActionReply)}</option>
                            <option value=FeedbackAction::Resolve.as_str()>{t(Msg::FeedbackActionResolve)}</option>
                        </select>
                        <textarea name="body" class="notes" maxlength="500" aria-label=t(Msg::FeedbackReplyPlaceholder) placeholder=t(Msg::FeedbackReplyPlaceholder)></textarea>
                        <p class="field-error" role="alert">{move || field_error(value, Field::Feedback).get()}</p>
                        <button type="submit" class="btn btn-primary">{t(Msg::FeedbackSend)}</button>
                    </ActionForm>
                    {(!handlers.is_empty()).then(|| view! {
                        <ActionForm action=hand_over attr:class="review-form-inline feedback-hand-over">
                            <input type="hidden" name="feedback_id" value=id/>
                            <input type="hidden" name="action" value=FeedbackAction::HandOver.as_str()/>
                            <input type="hidden" name="body" value=""/>
                            <label class="field-label" for="f-hand-over">{t(Msg::FeedbackHandOverTo)}</label>
                            <select id="f-hand-over" name="to_admin">
                                {handlers.iter().map(|h| view! { <option value=h.id>{h.name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="btn btn-plain">{t(Msg::FeedbackHandOver)}</button>
                            <p class="field-error" role="alert">{move || field_error(handed, Field::Feedback).get()}</p>
                        </ActionForm>
                    })}
                </section>
            }
            .into_any(),
        }}
    }
}
