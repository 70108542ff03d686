use crate::api::format_beijing;
use crate::api::worker::{worker_home, WorkerHomeView};
use crate::components::{ChangePasswordForm, ErrorState, LogoutButton, NewMessages, PhoneShell, Skeleton, Tabs};
use crate::i18n::{t, tf, Msg};
use domain::WorkerStatus;
use leptos::prelude::*;

pub(crate) fn status_text(status: WorkerStatus) -> (Msg, Msg, &'static str) {
    match status {
        WorkerStatus::Applicant => (Msg::WorkerApplicant, Msg::WorkerApplicantHint, "status-pending"),
        WorkerStatus::NeedsMore => (Msg::WorkerNeedsMore, Msg::WorkerNeedsMoreHint, "status-pending"),
        WorkerStatus::Approved => (Msg::WorkerApproved, Msg::WorkerApprovedHint, "status-ok"),
        WorkerStatus::Rejected => (Msg::WorkerRejected, Msg::WorkerRejectedHint, "status-bad"),
        WorkerStatus::Suspended => (Msg::WorkerSuspended, Msg::WorkerSuspendedHint, "status-bad"),
    }
}

/// 工作台: application status, and the profile once approved.
#[component]
pub fn WorkerHomePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| worker_home());
    view! {
        <PhoneShell title=Msg::WorkerTitle tabs=crate::components::Tabs::Worker>
            <Suspense fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(home) => view! { <WorkerStatusCard home/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </PhoneShell>
    }
}

#[component]
fn WorkerStatusCard(home: WorkerHomeView) -> impl IntoView {
    let approved = home.status == WorkerStatus::Approved;
    let warnings = home.standing_warnings;
    let invitations = home.interview_invitations;
    view! {
        <ApplicationStatus status=home.status review_note=home.review_note.clone() name=home.display_name.clone() link_to_apply=!approved/>
        {(warnings > 0).then(|| view! {
            <a class="notice notice-warning standing-warnings" href="/worker/appeals" data-warnings=warnings>{tf(Msg::StandingWarnings, &[&warnings])}</a>
        })}
        <NewMessages href="/worker/messages"/>
        {(invitations > 0).then(|| view! {
            <a class="notice pending-interviews" href="/worker/interviews" data-invitations=invitations>{tf(Msg::PendingInterviews, &[&invitations])}</a>
        })}
        <Show when=move || approved>
            <super::bench::WorkPanel/>
            <h2 class="section-title">{t(Msg::ProfileHeading)}</h2>
            <div class="cells">
                <div class="cell"><span>{t(Msg::YearsExperience)}</span>
                    <span class="cell-value">{home.years_experience}{t(Msg::YearsUnit)}</span></div>
                <div class="cell cell-multiline"><span>{t(Msg::IntroLabel)}</span>
                    <span class="cell-value">{if home.intro.is_empty() { t(Msg::IntroEmpty).to_string() } else { home.intro.clone() }}</span></div>
            </div>
        </Show>
    }
}

/// 审核状态 with its hint and the reviewer's note, on 工作台 and 资料与认证.
#[component]
pub(crate) fn ApplicationStatus(
    status: WorkerStatus,
    review_note: String,
    #[prop(optional)] name: Option<String>,
    #[prop(optional)] link_to_apply: bool,
) -> impl IntoView {
    let (label, hint, class) = status_text(status);
    let note = (!review_note.is_empty()).then_some(review_note);
    view! {
        <section class="status-card" data-status=status.as_str()>
            {name.map(|name| view! { <p class="status-name">{name}</p> })}
            <p>
                <span class="status-label">{t(Msg::WorkerStatusLabel)}</span>
                <span class=format!("status-badge {class}")>{t(label)}</span>
            </p>
            <p class="status-hint">{t(hint)}</p>
            {note.map(|note| view! { <p class="status-note">{t(Msg::ReviewNoteLabel)}"："{note}</p> })}
            {link_to_apply.then(|| view! { <a class="btn btn-primary btn-block" href="/worker/apply">{t(Msg::CompleteApplication)}</a> })}
            {(status == WorkerStatus::Suspended).then(|| view! { <a class="btn btn-plain btn-block" href="/worker/appeals">{t(Msg::AppealOpenLink)}</a> })}
        </section>
    }
}

/// 我的 for workers: account details and logout.
#[component]
pub fn WorkerMePage() -> impl IntoView {
    let home = Resource::new(|| (), |_| worker_home());
    view! {
        <PhoneShell title=Msg::MineTitle tabs=Tabs::Worker>
            <Suspense fallback=|| view! { <Skeleton/> }>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(home) => view! {
                            <section class="profile-card">
                                <div class="avatar" aria-hidden="true">{home.display_name.chars().next().map(String::from)}</div>
                                <div>
                                    <p class="profile-name">{home.display_name.clone()}</p>
                                    <p class="profile-phone">{home.phone.clone()}</p>
                                </div>
                            </section>
                            <div class="cells">
                                <div class="cell"><span>{t(Msg::RoleLabel)}</span><span class="cell-value">{t(Msg::RoleWorker)}</span></div>
                                <div class="cell"><span>{t(Msg::WorkerStatusLabel)}</span><span class="cell-value">{t(status_text(home.status).0)}</span></div>
                                <div class="cell"><span>{t(Msg::MemberSince)}</span><span class="cell-value">{format_beijing(home.member_since)}</span></div>
                                <NewMessages href="/worker/messages" cell=Msg::WorkerMessagesTitle/>
                                <a class="cell cell-link" href="/worker/apply"><span>{t(Msg::ApplyTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/worker/assessment"><span>{t(Msg::MyAssessmentTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/worker/interviews"><span>{t(Msg::InterviewsTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/worker/appeals"><span>{t(Msg::MyAppealsTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/worker/withdraw"><span>{t(Msg::WithdrawTitle)}</span><span class="cell-value">"›"</span></a>
                                <a class="cell cell-link" href="/worker/settings"><span>{t(Msg::SettingsLink)}</span><span class="cell-value">"›"</span></a>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
            <ChangePasswordForm/>
            <div class="form">
                <LogoutButton class="btn btn-danger-plain btn-block"/>
            </div>
        </PhoneShell>
    }
}
