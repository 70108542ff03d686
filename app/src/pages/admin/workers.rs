use crate::api::admin::{admin_users, AdminReviewWorker, UserRowView};
use crate::api::format_beijing;
use crate::components::{field_error, form_error, AdminShell, ErrorState, Skeleton};
use crate::error::Field;
use crate::i18n::{t, Msg};
use crate::pages::admin::users::worker_status_text;
use domain::{ReviewDecision, WorkerStatus};
use leptos::prelude::*;

fn decisions(status: WorkerStatus) -> &'static [(ReviewDecision, Msg)] {
    match status {
        WorkerStatus::Applicant => &[(ReviewDecision::Approve, Msg::DecisionApprove), (ReviewDecision::Reject, Msg::DecisionReject)],
        WorkerStatus::Approved => &[(ReviewDecision::Suspend, Msg::DecisionSuspend)],
        WorkerStatus::Suspended => &[(ReviewDecision::Reinstate, Msg::DecisionReinstate)],
        WorkerStatus::Rejected => &[],
    }
}

/// 入驻审核: approve or reject applicants, suspend or reinstate workers.
#[component]
pub fn WorkersPage() -> impl IntoView {
    let review = ServerAction::<AdminReviewWorker>::new();
    let workers = Resource::new(move || review.version().get(), |_| admin_users(Some("worker".into()), None, Some(1)));
    let value = review.value();
    view! {
        <AdminShell title=Msg::WorkersTitle>
            <p class="hint">{t(Msg::WorkersHint)}</p>
            <p class="form-error" role="alert">{move || form_error(value).get().or(field_error(value, Field::Review).get())}</p>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match workers.await {
                        Ok(page) if page.rows.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoWorkers)}</p></div> }.into_any(),
                        Ok(page) => view! {
                            <table class="table">
                                <thead><tr>
                                    <th>{t(Msg::ColumnName)}</th><th>{t(Msg::ColumnPhone)}</th><th>{t(Msg::ColumnWorkerStatus)}</th>
                                    <th>{t(Msg::ColumnCreatedAt)}</th><th>{t(Msg::ColumnActions)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|w| view! { <WorkerRow worker=w review/> }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn WorkerRow(worker: UserRowView, review: ServerAction<AdminReviewWorker>) -> impl IntoView {
    let status = worker.worker_status.unwrap_or(WorkerStatus::Applicant);
    let id = worker.id;
    view! {
        <tr data-worker=id>
            <td>{worker.display_name.clone()}</td>
            <td class="num">{worker.phone.clone()}</td>
            <td>{worker_status_text(status)}</td>
            <td class="num">{format_beijing(worker.created_at)}</td>
            <td>
                {(!decisions(status).is_empty()).then(|| view! {
                    <ActionForm action=review attr:class="review-form-inline">
                        <input type="hidden" name="worker_id" value=id/>
                        <input type="text" name="note" maxlength="200" aria-label=t(Msg::ReasonPlaceholder) placeholder=t(Msg::ReasonPlaceholder)/>
                        {decisions(status)
                            .iter()
                            .map(|(decision, label)| view! {
                                <button type="submit" name="decision" value=decision.as_str()
                                    class=if matches!(decision, ReviewDecision::Approve | ReviewDecision::Reinstate) { "btn btn-primary btn-small" } else { "btn btn-danger-plain btn-small" }>
                                    {t(*label)}
                                </button>
                            })
                            .collect_view()}
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
