use crate::api::admin::admin_dashboard;
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 数据看板: live counts straight from the database; each tile opens the
/// list of exactly what it counts.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let counts = Resource::new(|| (), |_| admin_dashboard());
    view! {
        <AdminShell title=Msg::DashboardTitle>
            <Suspense fallback=|| view! { <Skeleton rows=2/> }>
                {move || Suspend::new(async move {
                    match counts.await {
                        Ok(c) => {
                            let stats = [
                                (Msg::StatOrdersToday, c.orders_today, "/admin/orders?attention=today"),
                                (Msg::StatOrdersAwaitingWorker, c.orders_awaiting_worker, "/admin/orders?state=booked"),
                                (Msg::StatOrdersNeedingAdmin, c.orders_needing_admin, "/admin/dispatch"),
                                (Msg::StatOrdersAnomalous, c.orders_anomalous, "/admin/orders?attention=anomaly"),
                                (Msg::StatOrdersInProgress, c.orders_in_progress, "/admin/orders?attention=underway"),
                                (Msg::StatCustomers, c.customers, "/admin/users?role=customer"),
                                (Msg::StatWorkersPending, c.workers_pending, "/admin/workers?attention=applicants"),
                                (Msg::StatWorkersApproved, c.workers_approved, "/admin/workers?attention=approved"),
                                (Msg::StatCertificatesPending, c.certificates_pending, "/admin/workers?attention=certificates"),
                                (Msg::StatHealthLapsing, c.health_lapsing, "/admin/workers?attention=health"),
                                (Msg::StatServicesListed, c.services_listed, "/admin/catalog"),
                                (Msg::StatUsersNewToday, c.users_new_today, "/admin/users?attention=today"),
                                (Msg::StatFeedbackUnresolved, c.feedback_unresolved, "/admin/feedback?status=unresolved"),
                                (Msg::StatWorkersWithConcerns, c.workers_with_concerns, "/admin/assessment?filter=concerns"),
                                (Msg::StatAppealsOpen, c.appeals_open, "/admin/appeals?filter=open"),
                            ];
                            view! {
                                <div class="stat-grid">
                                    {stats
                                        .into_iter()
                                        .map(|(label, value, href)| view! {
                                            <a class="stat-card" href=href data-stat=format!("{label:?}")>
                                                <span class="stat-label">{t(label)}</span>
                                                <span class="stat-value">{value}</span>
                                            </a>
                                        })
                                        .collect_view()}
                                </div>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}
