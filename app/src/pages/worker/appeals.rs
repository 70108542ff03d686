use crate::api::appeal::{my_appeals, AppealView, AppealableView, FileAppeal, WarningView, WorkerAppeals};
use crate::api::format_beijing;
use crate::browser::use_live_version;
use crate::components::{field_error, form_error, ListShape, LiveList, PhoneShell, Tabs};
use crate::error::Field;
use crate::i18n::{t, tf, Msg};
use domain::{AppealStatus, AppealSubject, Fen};
use leptos::prelude::*;

pub(crate) fn subject_text(subject: AppealSubject, amount_fen: Option<i64>) -> String {
    match (subject, amount_fen) {
        (AppealSubject::Penalty, Some(fen)) => format!("{} {}", t(Msg::AppealSubjectPenalty), Fen::new(fen)),
        (AppealSubject::Penalty, None) => t(Msg::AppealSubjectPenalty).to_string(),
        (AppealSubject::Suspension, _) => t(Msg::AppealSubjectSuspension).to_string(),
        (AppealSubject::Warning, _) => t(Msg::AppealSubjectWarning).to_string(),
    }
}

/// 警告记录: each warning with its reason, who gave it and whether it still
/// stands; the worker reads it here and admins on the worker's page.
pub(crate) fn warning_list(warnings: Vec<WarningView>) -> impl IntoView {
    if warnings.is_empty() {
        return view! { <div class="state-box empty-state"><p>{t(Msg::WarningsNone)}</p></div> }.into_any();
    }
    view! {
        <ul class="order-list warning-list">
            {warnings.into_iter().map(|w| {
                let (class, msg) = match w.withdrawn_at {
                    Some(_) => ("tag tag-success", Msg::WarningWithdrawn),
                    None => ("tag tag-warning", Msg::WarningStanding),
                };
                view! {
                    <li class="order-card appeal-card" data-warning=w.id data-withdrawn=w.withdrawn_at.is_some().then_some("true")>
                        <p class="order-card-head">
                            <strong>{t(Msg::AppealSubjectWarning)}" · "{format_beijing(w.at)}</strong>
                            <span class=class>{t(msg)}</span>
                        </p>
                        <p>{t(Msg::WarningReasonLabel)}"："{w.reason}</p>
                        <p class="muted">{t(Msg::WarningGivenBy)}"："{w.given_by}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The status as a tag: amber while waiting, green once overturned.
pub(crate) fn appeal_status_tag(status: AppealStatus) -> impl IntoView {
    let (class, msg) = match status {
        AppealStatus::Open => ("tag tag-warning", Msg::AppealStatusOpen),
        AppealStatus::Upheld => ("tag", Msg::AppealStatusUpheld),
        AppealStatus::Overturned => ("tag tag-success", Msg::AppealStatusOverturned),
    };
    view! { <span class=class data-appeal-status=status.as_str()>{t(msg)}</span> }
}

/// 申诉 (B7): the worker's standing suspension, recent penalties and
/// warnings, each with a form to appeal it once, then every appeal with the
/// staff's answer, which arrives live, and every warning.
#[component]
pub fn AppealsPage() -> impl IntoView {
    let live = use_live_version();
    let filed = RwSignal::new(0u32);
    let data = Resource::new(move || (live.get(), filed.get()), |_| my_appeals());
    // Appealable items are keyed rows: an offer arriving while an appeal is
    // typed refetches the page but leaves that card and its text alone.
    let appealable = Signal::derive(move || data.get().map(|mine| mine.map(|mine| mine.appealable)));
    view! {
        <PhoneShell title=Msg::MyAppealsTitle tabs=Tabs::Worker>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().map(|mine| view! { <p class="hint appeal-rule">{tf(Msg::AppealRule, &[&mine.penalty_days])}</p> })
                })}
            </Transition>
            <h2 class="section-title">{t(Msg::AppealableHeading)}</h2>
            <LiveList rows=appealable shape=ListShape::Cards empty=Msg::AppealNothing skeleton=3 row=move |item| view! { <AppealableCard item filed/> }/>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { data.await.ok().map(|mine| view! { <AppealHistory mine/> }) })}
            </Transition>
        </PhoneShell>
    }
}

#[component]
fn AppealHistory(mine: WorkerAppeals) -> impl IntoView {
    view! {
        <h2 class="section-title">{t(Msg::AppealHistoryHeading)}</h2>
        {if mine.appeals.is_empty() {
            view! { <div class="state-box empty-state"><p>{t(Msg::AppealNoHistory)}</p></div> }.into_any()
        } else {
            view! { <ul class="order-list">{mine.appeals.into_iter().map(|appeal| view! { <AppealCard appeal/> }).collect_view()}</ul> }.into_any()
        }}
        <h2 class="section-title">{t(Msg::WarningsHeading)}</h2>
        {warning_list(mine.warnings)}
    }
}

/// One appealable suspension, penalty or warning; its own form, so an error shows
/// beside the item it concerns.
#[component]
fn AppealableCard(item: AppealableView, filed: RwSignal<u32>) -> impl IntoView {
    let file = ServerAction::<FileAppeal>::new();
    let value = file.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            filed.update(|n| *n += 1);
        }
    });
    let key = format!("{}-{}", item.subject.as_str(), item.subject_ref);
    let body_id = format!("appeal-body-{key}");
    view! {
        <li class="order-card appeal-card" data-appealable=key>
            <p class="order-card-head">
                <strong>{subject_text(item.subject, item.amount_fen)}</strong>
                <span class="muted">{format_beijing(item.at)}</span>
            </p>
            <p>{t(Msg::AppealReasonLabel)}"："{item.reason.clone()}</p>
            {match item.appealed {
                Some(status) => view! { <p class="muted">{t(Msg::AppealAlready)}{appeal_status_tag(status)}</p> }.into_any(),
                None => view! {
                    <ActionForm action=file attr:class="form appeal-form" attr:novalidate=true>
                        <input type="hidden" name="subject" value=item.subject.as_str()/>
                        <input type="hidden" name="subject_ref" value=item.subject_ref/>
                        <label class="field-label" for=body_id.clone()>{t(Msg::AppealBodyLabel)}</label>
                        <textarea id=body_id name="body" class="notes" maxlength="500" placeholder=t(Msg::AppealBodyPlaceholder)></textarea>
                        <p class="field-error" role="alert">{move || field_error(value, Field::Feedback).get()}</p>
                        <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                        <button type="submit" class="btn btn-primary btn-block" disabled=move || file.pending().get()>{t(Msg::AppealSubmit)}</button>
                    </ActionForm>
                }
                .into_any(),
            }}
        </li>
    }
}

#[component]
fn AppealCard(appeal: AppealView) -> impl IntoView {
    view! {
        <li class="order-card appeal-card" data-appeal=appeal.id>
            <p class="order-card-head">
                <strong>{subject_text(appeal.subject, appeal.amount_fen)}</strong>
                {appeal_status_tag(appeal.status)}
            </p>
            <p class="muted">{t(Msg::AppealReasonLabel)}"："{appeal.reason}</p>
            <p class="feedback-body">{appeal.body}</p>
            <p class="muted">{t(Msg::AppealFiledAt)}"："{format_beijing(appeal.at)}</p>
            {match (appeal.reply, appeal.decided_at) {
                (Some(reply), Some(at)) => view! {
                    <div class="feedback-reply resolution">
                        <p class="muted">{t(Msg::AppealReplyLabel)}" · "{format_beijing(at)}</p>
                        <p data-appeal-reply>{reply}</p>
                    </div>
                }
                .into_any(),
                _ => view! { <p class="hint">{t(Msg::AppealWaiting)}</p> }.into_any(),
            }}
        </li>
    }
}
