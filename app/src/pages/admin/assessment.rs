use crate::api::assessment::{admin_assessments, AssessmentsPage, CONCERNS_ONLY};
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, tf, Msg};
use crate::pages::worker::assessment::{concern_key, concern_text, rate_text, rating_text, tier_key, tier_text, AssessmentRulesList};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 服务者考核 (A5): every approved or suspended worker's tier and figures,
/// with what needs attention and the way to act on it (奖惩, 暂停);
/// `?filter=concerns` keeps only the workers with a concern.
#[component]
pub fn AssessmentPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(|q| q.get("filter")).filter(|s| !s.is_empty());
    let page = Resource::new(filter, admin_assessments);
    view! {
        <AdminShell title=Msg::MenuAssessment>
            <nav class="filter-chips" aria-label=t(Msg::AssessmentConcerns)>
                <a href="/admin/assessment" class="chip" class:active=move || filter().is_none()>{t(Msg::AssessmentAll)}</a>
                <a href=format!("/admin/assessment?filter={CONCERNS_ONLY}") class="chip chip-alert" class:active=move || filter().as_deref() == Some(CONCERNS_ONLY)>
                    {t(Msg::AssessmentConcernsOnly)}
                </a>
            </nav>
            <Suspense fallback=|| view! { <Skeleton rows=5/> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <AssessmentTable page/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn AssessmentTable(page: AssessmentsPage) -> impl IntoView {
    let rules = page.rules;
    view! {
        <p class="hint">{tf(Msg::AssessmentWindowHint, &[&rules.days])}</p>
        {if page.workers.is_empty() {
            view! { <div class="state-box empty-state"><p>{t(Msg::AssessmentNoWorkers)}</p></div> }.into_any()
        } else {
            view! {
                <table class="table assessment-table">
                    <thead>
                        <tr>
                            <th>{t(Msg::AssessmentWorker)}</th>
                            <th>{t(Msg::AssessmentTier)}</th>
                            <th>{t(Msg::AssessmentCompleted)}</th>
                            <th>{t(Msg::AssessmentRating)}</th>
                            <th>{t(Msg::AssessmentOnTime)}</th>
                            <th>{t(Msg::AssessmentAcceptance)}</th>
                            <th>{t(Msg::AssessmentComplaints)}</th>
                            <th>{t(Msg::AssessmentConcerns)}</th>
                            <th>{t(Msg::AssessmentActions)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page
                            .workers
                            .into_iter()
                            .map(|w| view! {
                                <tr data-worker=w.worker_id>
                                    <td>
                                        {w.name.clone()}
                                        {w.suspended.then(|| view! { <span class="tag tag-danger">{t(Msg::AssessmentSuspendedTag)}</span> })}
                                        <div class="muted">{w.phone.clone()}</div>
                                    </td>
                                    <td data-tier=tier_key(w.tier)>{t(tier_text(w.tier))}</td>
                                    <td class="num" data-completed=w.completed_orders>{w.completed_orders}</td>
                                    <td class="num">{rating_text(w.rating, w.reviews)}</td>
                                    <td class="num" data-on-time>{rate_text(w.on_time_rate, w.on_time_arrivals, w.arrivals)}</td>
                                    <td class="num" data-acceptance>{rate_text(w.acceptance_rate, w.offers_accepted, w.offers_answered)}</td>
                                    <td class="num" data-complaints=w.complaints>{w.complaints}</td>
                                    <td>
                                        {if w.concerns.is_empty() {
                                            view! { <span class="muted">{t(Msg::AssessmentFine)}</span> }.into_any()
                                        } else {
                                            w.concerns
                                                .iter()
                                                .map(|c| view! { <span class="tag tag-warning" data-concern=concern_key(*c)>{t(concern_text(*c))}</span> })
                                                .collect_view()
                                                .into_any()
                                        }}
                                    </td>
                                    <td>
                                        <div class="row-actions">
                                            <a href=format!("/admin/finance?phone={}", w.phone)>{t(Msg::AssessmentAdjustLink)}</a>
                                            <a href=format!("/admin/workers/{}", w.worker_id)>{t(Msg::AssessmentSuspendLink)}</a>
                                        </div>
                                    </td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
        <section class="panel assessment-rules">
            <h3>{t(Msg::AssessmentRulesTitle)}</h3>
            <AssessmentRulesList rules/>
        </section>
    }
}
