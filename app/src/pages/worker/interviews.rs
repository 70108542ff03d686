use crate::api::format_beijing;
use crate::api::placement::{my_interviews, AnswerInterview, InterviewView};
use crate::browser::use_live_version;
use crate::components::{form_error, ListShape, LiveList, PhoneShell, Tabs};
use crate::i18n::{t, Msg};
use crate::pages::customer::placements::{candidate_status_tag, trial_terms, ContractBlock};
use booking::{CandidateStatus, CandidateStep};
use leptos::prelude::*;

/// 面试邀请 (B8): families who want to meet the nanny, with the time they
/// picked and what they need; she accepts or declines each invitation. The
/// family's name only, never their phone (B9).
#[component]
pub fn InterviewsPage() -> impl IntoView {
    let live = use_live_version();
    let answered = RwSignal::new(0u32);
    let data = Resource::new(move || (live.get(), answered.get()), |_| my_interviews());
    view! {
        <PhoneShell title=Msg::InterviewsTitle tabs=Tabs::Worker>
            <LiveList rows=Signal::derive(move || data.get()) shape=ListShape::Cards empty=Msg::InterviewsNone skeleton=3 row=move |interview| view! { <InterviewCard interview answered/> }/>
        </PhoneShell>
    }
}

#[component]
fn InterviewCard(interview: InterviewView, answered: RwSignal<u32>) -> impl IntoView {
    let answer = ServerAction::<AnswerInterview>::new();
    let value = answer.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            answered.update(|n| *n += 1);
        }
    });
    let id = interview.placement_id;
    let awaiting = interview.placement_open && interview.status == CandidateStatus::Invited;
    let answer_form = move |step: CandidateStep, label: Msg, class: &'static str| {
        view! {
            <ActionForm action=answer attr:class="inline-form">
                <input type="hidden" name="placement_id" value=id/>
                <input type="hidden" name="step" value=step.as_str()/>
                <button type="submit" class=class data-step=step.as_str() disabled=move || answer.pending().get()>{t(label)}</button>
            </ActionForm>
        }
    };
    view! {
        <li class="order-card interview-card" data-placement=id>
            <p class="order-card-head">
                <strong>{interview.service_name.clone()}</strong>
                {if interview.placement_open || interview.status == CandidateStatus::Chosen {
                    candidate_status_tag(interview.status).into_any()
                } else {
                    view! { <span class="tag">{t(Msg::InterviewClosed)}</span> }.into_any()
                }}
            </p>
            <p>{t(Msg::InterviewCustomer)}"："{interview.customer_name.clone()}</p>
            {interview.interview_at.map(|at| view! { <p>{t(Msg::InterviewAtLabel)}"："<strong class="num">{format_beijing(at)}</strong></p> })}
            <p>{t(Msg::PlacementStartDay)}"："<span class="num">{interview.start_day.clone()}</span></p>
            <p class="feedback-body">{interview.needs.clone()}</p>
            {awaiting.then(|| view! {
                <div class="candidate-actions">
                    {answer_form(CandidateStep::Accept, Msg::InterviewAccept, "btn btn-primary btn-small")}
                    {answer_form(CandidateStep::Refuse, Msg::InterviewRefuse, "btn btn-plain btn-small")}
                </div>
            })}
            {interview.trial.as_ref().map(|trial| view! {
                <h3 class="section-title">{t(Msg::TrialHeading)}</h3>
                {trial_terms(trial)}
            })}
            {interview.contract.clone().map(|contract| {
                let signed = contract.worker_signed;
                view! { <ContractBlock placement_id=id contract signed changed=answered/> }
            })}
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
        </li>
    }
}
