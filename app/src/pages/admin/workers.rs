use crate::api::admin::{admin_users, AdminReviewWorker, UserRowView, UsersPage, UserAttention};
use crate::api::appeal::{admin_worker_warnings, AdminGiveWarning};
use crate::api::onboarding::{admin_application, admin_background_note, AdminReviewCertificate, AdminSaveBackgroundNote, DocKind, DocReview};
use crate::pages::worker::appeals::warning_list;
use crate::pages::worker::{certificate_caption, doc_label, review_caption, ExpiryCaption};
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use crate::api::format_beijing;
use crate::components::{field_error, form_error, reset_on_success, AdminShell, ErrorState, Skeleton};
use crate::error::Field;
use crate::i18n::{t, tf, Msg};
use crate::pages::admin::users::worker_status_text;
use domain::{ReviewDecision, WorkerStatus};
use leptos::prelude::*;

fn decisions(status: WorkerStatus) -> &'static [(ReviewDecision, Msg)] {
    match status {
        WorkerStatus::Applicant => &[
            (ReviewDecision::Approve, Msg::DecisionApprove),
            (ReviewDecision::RequestMore, Msg::DecisionRequestMore),
            (ReviewDecision::Reject, Msg::DecisionReject),
        ],
        WorkerStatus::NeedsMore => &[],
        WorkerStatus::Approved => &[(ReviewDecision::Suspend, Msg::DecisionSuspend)],
        WorkerStatus::Suspended => &[(ReviewDecision::Reinstate, Msg::DecisionReinstate)],
        WorkerStatus::Rejected => &[],
    }
}

fn attention_of(query: &ParamsMap) -> Option<UserAttention> {
    query.get("attention").as_deref().and_then(UserAttention::parse)
}

fn workers_href(attention: Option<UserAttention>, page: i64) -> String {
    match (attention, page) {
        (None, 1) => "/admin/workers".into(),
        (None, page) => format!("/admin/workers?page={page}"),
        (Some(a), 1) => format!("/admin/workers?attention={}", a.as_str()),
        (Some(a), page) => format!("/admin/workers?attention={}&page={page}", a.as_str()),
    }
}

/// 入驻审核: approve or reject applicants, suspend or reinstate workers;
/// `?attention=` narrows it to what a 数据看板 tile counts (applicants,
/// approved workers, pending certificates, 健康证 lapsing soon).
#[component]
pub fn WorkersPage() -> impl IntoView {
    let review = ServerAction::<AdminReviewWorker>::new();
    let query = use_query_map();
    let attention = move || query.with(attention_of);
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok())).unwrap_or(1);
    let workers = Resource::new(
        move || (review.version().get(), attention(), page()),
        |(_, attention, page)| admin_users(Some("worker".into()), None, attention.map(|a| a.as_str().to_string()), Some(page)),
    );
    let value = review.value();
    let filters = [
        (None, Msg::FilterAllWorkers),
        (Some(UserAttention::Applicants), Msg::StatWorkersPending),
        (Some(UserAttention::Approved), Msg::StatWorkersApproved),
        (Some(UserAttention::CertificatesPending), Msg::StatCertificatesPending),
        (Some(UserAttention::HealthLapsing), Msg::FilterHealthLapsing),
    ];
    view! {
        <AdminShell title=Msg::WorkersTitle>
            <nav class="filter-chips" aria-label=t(Msg::WorkersTitle)>
                {filters
                    .into_iter()
                    .map(|(key, label)| view! {
                        <a href=workers_href(key, 1) class="chip" class:active=move || attention() == key>{t(label)}</a>
                    })
                    .collect_view()}
            </nav>
            <p class="hint">{t(Msg::WorkersHint)}</p>
            <p class="form-error" role="alert">{move || form_error(value).get().or(field_error(value, Field::Review).get())}</p>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match workers.await {
                        Ok(page) if page.rows.is_empty() => view! { <div class="state-box empty-state"><p>{t(Msg::NoWorkers)}</p></div> }.into_any(),
                        Ok(page) => {
                            let pager = workers_pager(&page, query.with_untracked(attention_of));
                            view! {
                            <table class="table">
                                <thead><tr>
                                    <th>{t(Msg::ColumnName)}</th><th>{t(Msg::ColumnPhone)}</th><th>{t(Msg::ColumnWorkerStatus)}</th>
                                    <th>{t(Msg::ColumnCreatedAt)}</th><th>{t(Msg::ColumnActions)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|w| view! { <WorkerRow worker=w review/> }).collect_view()}
                                </tbody>
                            </table>
                            {pager}
                        }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

/// One application: profile, documents (served only to admins and the
/// worker) and the review decision.
#[component]
pub fn WorkerApplicationPage() -> impl IntoView {
    let params = use_params_map();
    let worker_id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let review = ServerAction::<AdminReviewWorker>::new();
    let certificate = ServerAction::<AdminReviewCertificate>::new();
    let application =
        Resource::new(move || (worker_id(), review.version().get(), certificate.version().get()), |(id, _, _)| admin_application(id));
    let value = review.value();
    let certificate_value = certificate.value();
    view! {
        <AdminShell title=Msg::ApplicationTitle>
            <p><a class="back-link" href="/admin/workers">{t(Msg::BackToWorkers)}</a></p>
            <p class="form-error" role="alert">{move || form_error(value).get().or(field_error(value, Field::Review).get())}</p>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match application.await {
                        Ok(app) => {
                            let gender = match app.gender.as_str() { "female" => t(Msg::GenderFemale), "male" => t(Msg::GenderMale), _ => "—" };
                            let status = app.status;
                            view! {
                                <section class="panel application" data-status=status.as_str()>
                                    <table class="table kv">
                                        <tbody>
                                            <tr><th>{t(Msg::ColumnName)}</th><td>{app.display_name.clone()}</td></tr>
                                            <tr><th>{t(Msg::ColumnPhone)}</th><td class="num">{app.phone.clone()}</td></tr>
                                            <tr><th>{t(Msg::ColumnWorkerStatus)}</th><td>{worker_status_text(status)}</td></tr>
                                            <tr><th>{t(Msg::GenderLabel)}</th><td>{gender}</td></tr>
                                            <tr><th>{t(Msg::AgeLabel)}</th><td>{app.age.map(|a| a.to_string()).unwrap_or_else(|| "—".into())}</td></tr>
                                            <tr><th>{t(Msg::YearsExperience)}</th><td>{app.years_experience}</td></tr>
                                            <tr><th>{t(Msg::IntroLabel)}</th><td>{app.intro.clone()}</td></tr>
                                            <tr><th>{t(Msg::ReviewNoteLabel)}</th><td>{app.review_note.clone()}</td></tr>
                                            <tr><th>{t(Msg::SubmittedAt)}</th><td class="num">{app.submitted_at.map(format_beijing).unwrap_or_default()}</td></tr>
                                        </tbody>
                                    </table>
                                    {(!app.missing.is_empty()).then(|| view! {
                                        <p class="notice notice-warning">{t(Msg::MissingDocs)}{app.missing.iter().map(|k| t(doc_label(*k))).collect::<Vec<_>>().join("、")}</p>
                                    })}
                                    <div class="doc-grid">
                                        {app.documents.into_iter().map(|d| {
                                            let link = d.url.clone();
                                            let pending = d.review == DocReview::Pending;
                                            let withdrawable = d.kind == DocKind::Qualification && d.review == DocReview::Accepted;
                                            view! {
                                            <figure class="doc-figure" data-doc=d.kind.as_str() data-pending=pending.then_some("true")>
                                                <a href=link target="_blank"><img src=d.url alt=t(doc_label(d.kind))/></a>
                                                <figcaption>{t(doc_label(d.kind))}" · "{format_beijing(d.uploaded_at)}
                                                    {(d.kind == DocKind::Qualification).then(|| view! { <br/>{certificate_caption(d.category.as_deref())} })}
                                                    {d.expires_on.is_some().then(|| view! { <br/> })}<ExpiryCaption expires_on=d.expires_on.clone() expired=d.expired/>
                                                    {review_caption(&d.review, Msg::CertificateAwaitingReview).map(|r| view! { <br/><span class="doc-review">{r}</span> })}
                                                </figcaption>
                                                {(pending || withdrawable).then(|| {
                                                    let reason = if pending { Msg::CertificateReasonPlaceholder } else { Msg::WithdrawReasonPlaceholder };
                                                    view! {
                                                        <ActionForm action=certificate attr:class=if pending { "review-form-inline certificate-review" } else { "review-form-inline certificate-withdraw" }>
                                                            <input type="hidden" name="worker_id" value=app.worker_id/>
                                                            <input type="hidden" name="document_id" value=d.id/>
                                                            <input type="text" name="note" maxlength="200" aria-label=t(reason) placeholder=t(reason)/>
                                                            {if pending {
                                                                view! {
                                                                    <button type="submit" name="decision" value="accept" class="btn btn-primary btn-small">{t(Msg::AcceptCertificate)}</button>
                                                                    <button type="submit" name="decision" value="reject" class="btn btn-danger-plain btn-small">{t(Msg::RejectCertificate)}</button>
                                                                }.into_any()
                                                            } else {
                                                                view! {
                                                                    <button type="submit" name="decision" value="revoke" class="btn btn-danger-plain btn-small">{t(Msg::WithdrawCertificate)}</button>
                                                                }.into_any()
                                                            }}
                                                        </ActionForm>
                                                    }
                                                })}
                                            </figure>
                                        }}).collect_view()}
                                    </div>
                                    <p class="form-error" role="alert">{move || form_error(certificate_value).get().or(field_error(certificate_value, Field::Review).get())}</p>
                                    {move || certificate_value.get().and_then(Result::ok).filter(|d| !d.to_reassign.is_empty()).map(|d| view! {
                                        <p class="notice notice-warning to-reassign" role="status">
                                            {t(Msg::CertificateOrdersToReassign)}
                                            {d.to_reassign.into_iter().map(|o| view! {
                                                " "<a href=format!("/admin/orders/{}", o.order_id)>{o.order_no}" · "{format_beijing(o.starts_at)}</a>
                                            }).collect_view()}
                                        </p>
                                    })}
                                    {(!decisions(status).is_empty()).then(|| view! {
                                        <ActionForm action=review attr:class="review-form-inline">
                                            <input type="hidden" name="worker_id" value=app.worker_id/>
                                            <input type="text" name="note" maxlength="200" aria-label=t(Msg::ReasonPlaceholder) placeholder=t(Msg::ReasonPlaceholder)/>
                                            {decisions(status).iter().map(|(decision, label)| view! {
                                                <button type="submit" name="decision" value=decision.as_str()
                                                    class=if matches!(decision, ReviewDecision::Approve | ReviewDecision::Reinstate) { "btn btn-primary btn-small" } else { "btn btn-danger-plain btn-small" }>
                                                    {t(*label)}
                                                </button>
                                            }).collect_view()}
                                        </ActionForm>
                                    })}
                                </section>
                                <BackgroundNotePanel worker_id=app.worker_id/>
                                {matches!(status, WorkerStatus::Approved | WorkerStatus::Suspended).then(|| view! { <WorkerWarnings worker_id=app.worker_id/> })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

/// 背景核查备注: what the admins found checking a worker's background, for
/// admins only (the worker's own application view never carries it).
#[component]
fn BackgroundNotePanel(worker_id: i64) -> impl IntoView {
    let save = ServerAction::<AdminSaveBackgroundNote>::new();
    let value = save.value();
    // Reload only after a save: a refused note stays in the box to be shortened.
    let saves = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            saves.update(|n| *n += 1);
        }
    });
    let note = Resource::new(move || saves.get(), move |_| admin_background_note(worker_id));
    view! {
        <section class="panel background-note">
            <h3>{t(Msg::BackgroundNoteHeading)}</h3>
            <p class="hint">{t(Msg::BackgroundNoteHint)}</p>
            <Suspense fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match note.await {
                        Ok(saved) => view! {
                            <ActionForm action=save attr:class="form warning-form" attr:novalidate=true>
                                <input type="hidden" name="worker_id" value=worker_id/>
                                <label class="field-label" for="background-note">{t(Msg::BackgroundNoteLabel)}</label>
                                <textarea id="background-note" name="note" class="notes" maxlength="500" placeholder=t(Msg::BackgroundNotePlaceholder)>{saved.note.clone()}</textarea>
                                <p class="field-error" role="alert">{move || field_error(value, Field::BackgroundNote).get()}</p>
                                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                                <button type="submit" class="btn btn-primary btn-small" disabled=move || save.pending().get()>{t(Msg::BackgroundNoteSave)}</button>
                                {saved.noted_at.map(|at| view! {
                                    <p class="hint" data-noted>{tf(Msg::BackgroundNoteLast, &[&saved.noted_by.clone().unwrap_or_default(), &format_beijing(at)])}</p>
                                })}
                            </ActionForm>
                        }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// 警告记录 on a worker's page: every warning given, and a form to give one
/// with its reason, which the worker reads and may appeal.
#[component]
fn WorkerWarnings(worker_id: i64) -> impl IntoView {
    let give = ServerAction::<AdminGiveWarning>::new();
    let warnings = Resource::new(move || give.version().get(), move |_| admin_worker_warnings(worker_id));
    let value = give.value();
    let given = move || value.get().is_some_and(|r| r.is_ok());
    // A given warning leaves an empty form, so a second click gives no second warning.
    let form = reset_on_success(give);
    view! {
        <section class="panel worker-warnings">
            <h3>{t(Msg::WarningsHeading)}</h3>
            <ActionForm action=give node_ref=form attr:class="form warning-form" attr:novalidate=true>
                <input type="hidden" name="worker_id" value=worker_id/>
                <label class="field-label" for="warning-reason">{t(Msg::WarningReasonLabel)}</label>
                <textarea id="warning-reason" name="reason" class="notes" maxlength="500" placeholder=t(Msg::WarningReasonPlaceholder)></textarea>
                <p class="field-error" role="alert">{move || field_error(value, Field::Feedback).get()}</p>
                <p class="form-error" role="alert">{move || form_error(value).get()}</p>
                <button type="submit" class="btn btn-danger-plain btn-small" disabled=move || give.pending().get()>{t(Msg::GiveWarning)}</button>
                <Show when=given><p class="hint" role="status">{t(Msg::WarningGiven)}</p></Show>
            </ActionForm>
            <Suspense fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match warnings.await {
                        Ok(list) => warning_list(list).into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Previous/next links when the list runs over one page.
fn workers_pager(page: &UsersPage, attention: Option<UserAttention>) -> Option<impl IntoView> {
    let prev = (page.page > 1).then(|| workers_href(attention, page.page - 1));
    let next = (page.page < page.page_count).then(|| workers_href(attention, page.page + 1));
    let info = format!("{} / {} {} {} {}", page.page, page.page_count, t(Msg::PageOf), page.total, t(Msg::TotalWorkersSuffix));
    (prev.is_some() || next.is_some()).then(|| view! {
        <nav class="pager" aria-label=t(Msg::Pagination)>
            {prev.map(|href| view! { <a class="btn btn-plain" href=href>{t(Msg::PrevPage)}</a> })}
            <span class="pager-info">{info}</span>
            {next.map(|href| view! { <a class="btn btn-plain" href=href>{t(Msg::NextPage)}</a> })}
        </nav>
    })
}

#[component]
fn WorkerRow(worker: UserRowView, review: ServerAction<AdminReviewWorker>) -> impl IntoView {
    let status = worker.worker_status.unwrap_or(WorkerStatus::Applicant);
    let id = worker.id;
    view! {
        <tr data-worker=id>
            <td><a href=format!("/admin/workers/{id}")>{worker.display_name.clone()}</a></td>
            <td class="num">{worker.phone.clone()}</td>
            <td>
                {worker_status_text(status)}
                {(worker.certificates_pending > 0).then(|| view! {
                    " "<span class="tag" data-certificates=worker.certificates_pending>{format!("{}{}", worker.certificates_pending, t(Msg::CertificatesPendingTag))}</span>
                })}
                {worker.health.clone().map(|h| if h.expired {
                    view! { " "<span class="tag tag-danger" data-health="expired">{t(Msg::HealthExpiredTag)}</span> }.into_any()
                } else {
                    view! { " "<span class="tag tag-warning" data-health="lapsing">{format!("{}{}{}", t(Msg::HealthTagPrefix), h.valid_through, t(Msg::HealthTagSuffix))}</span> }.into_any()
                })}
            </td>
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
