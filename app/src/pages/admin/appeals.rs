use crate::api::appeal::{admin_appeals, AdminDecideAppeal, AppealView, OPEN_ONLY};
use crate::api::format_beijing;
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, AdminShell, ListShape, LiveList};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::worker::appeals::{appeal_status_tag, subject_text};
use domain::{AppealDecision, AppealStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 申诉处理 (B7): workers' appeals against suspensions and penalties, newest
/// first (`?filter=open`: only those waiting), each decided here with a
/// reply the worker reads. New appeals arrive live.
#[component]
pub fn AppealsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(|q| q.get("filter")).filter(|s| !s.is_empty());
    let live = use_live_version();
    let decided = RwSignal::new(0u32);
    let appeals = Resource::new(move || (filter(), live.get(), decided.get()), |(filter, _, _)| admin_appeals(filter));
    view! {
        <AdminShell title=Msg::MenuAppeals>
            <nav class="filter-chips" aria-label=t(Msg::StateLabel)>
                <a href="/admin/appeals" class="chip" class:active=move || filter().is_none()>{t(Msg::AppealAll)}</a>
                <a href=format!("/admin/appeals?filter={OPEN_ONLY}") class="chip chip-alert" class:active=move || filter().as_deref() == Some(OPEN_ONLY)>
                    {t(Msg::AppealStatusOpen)}
                </a>
            </nav>
            <LiveList rows=Signal::derive(move || appeals.get()) shape=ListShape::Panels empty=Msg::AppealNone skeleton=5 row=move |appeal| view! { <AppealItem appeal decided/> }/>
        </AdminShell>
    }
}

#[component]
fn AppealItem(appeal: AppealView, decided: RwSignal<u32>) -> impl IntoView {
    let decide = ServerAction::<AdminDecideAppeal>::new();
    let value = decide.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            decided.update(|n| *n += 1);
        }
    });
    let id = appeal.id;
    let reply_id = format!("appeal-reply-{id}");
    let decision_id = format!("appeal-decision-{id}");
    view! {
        <section class="panel appeal-item" data-appeal=id>
            <div class="appeal-meta">
                {appeal_status_tag(appeal.status)}
                <strong>{subject_text(appeal.subject, appeal.amount_fen)}</strong>
                <span>
                    {t(Msg::AssessmentWorker)}"："
                    <a href=format!("/admin/workers/{}", appeal.worker_id)>{appeal.worker_name.clone()}</a>
                    " "<span class="muted num">{appeal.worker_phone.clone()}</span>
                </span>
                <span class="muted">{t(Msg::AppealFiledAt)}"："{format_beijing(appeal.at)}</span>
            </div>
            <p class="muted">{t(Msg::AppealReasonLabel)}"："{appeal.reason.clone()}</p>
            <p class="feedback-body"><span class="muted">{t(Msg::AppealBodyLabel)}"："</span>{appeal.body.clone()}</p>
            {match appeal.status {
                AppealStatus::Open => view! {
                    <ActionForm action=decide attr:class="form appeal-decide" attr:novalidate=true>
                        <input type="hidden" name="appeal_id" value=id/>
                        <div>
                            <label class="field-label" for=decision_id.clone()>{t(Msg::AppealDecisionLabel)}</label>
                            <select id=decision_id name="decision">
                                <option value=AppealDecision::Uphold.as_str()>{t(Msg::AppealDecisionUphold)}</option>
                                <option value=AppealDecision::Overturn.as_str()>{t(Msg::AppealDecisionOverturn)}</option>
                            </select>
                        </div>
                        <div>
                            <label class="field-label" for=reply_id.clone()>{t(Msg::AppealReplyLabel)}</label>
                            <textarea id=reply_id name="reply" class="notes" maxlength="500" placeholder=t(Msg::AppealReplyPlaceholder)></textarea>
                            <p class="field-error" role="alert">{move || field_error(value, Field::Feedback).get()}</p>
                            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                        </div>
                        <button type="submit" class="btn btn-primary" disabled=move || decide.pending().get()>{t(Msg::AppealDecide)}</button>
                    </ActionForm>
                }
                .into_any(),
                _ => view! {
                    <div class="feedback-reply resolution">
                        <p class="muted">
                            {t(Msg::AppealReplyLabel)}
                            {appeal.decided_by.clone().map(|name| format!(" · {name}"))}
                            {appeal.decided_at.map(|at| format!(" · {}", format_beijing(at)))}
                        </p>
                        <p data-appeal-reply>{appeal.reply.clone()}</p>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
