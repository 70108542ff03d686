use crate::api::admin::admin_dashboard;
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// 数据看板: live counts straight from the database.
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
                                (Msg::StatOrdersToday, c.orders_today, "/admin/orders"),
                                (Msg::StatOrdersAwaitingWorker, c.orders_awaiting_worker, "/admin/orders?state=booked"),
                                (Msg::StatOrdersNeedingAdmin, c.orders_needing_admin, "/admin/dispatch"),
                                (Msg::StatOrdersAnomalous, c.orders_anomalous, "/admin/orders?attention=anomaly"),
                                (Msg::StatOrdersInProgress, c.orders_in_progress, "/admin/orders?state=in_service"),
                                (Msg::StatCustomers, c.customers, "/admin/users?role=customer"),
                                (Msg::StatWorkersPending, c.workers_pending, "/admin/users?role=worker"),
                                (Msg::StatWorkersApproved, c.workers_approved, "/admin/users?role=worker"),
                                (Msg::StatCertificatesPending, c.certificates_pending, "/admin/workers"),
                                (Msg::StatHealthLapsing, c.health_lapsing, "/admin/workers?attention=health"),
                                (Msg::StatServicesListed, c.services_listed, "/"),
                                (Msg::StatUsersNewToday, c.users_new_today, "/admin/users"),
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
