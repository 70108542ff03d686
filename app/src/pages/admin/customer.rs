use super::users::{AvailabilityForm, AvailabilityOutcome};
use super::feedback::FeedbackTable;
use crate::api::admin::{admin_customer, AdminSetAccountDisabled, CustomerView, CUSTOMER_ORDERS_SHOWN};
use crate::api::feedback::{admin_feedback_list, FeedbackView};
use crate::api::format_beijing;
use crate::components::{AdminShell, ErrorState, PhotoRow, Skeleton, VideoClip};
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::pages::order_ui::{appointment, money, StateBadge};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// One customer (A8): the account with 停用/恢复, what all their orders add
/// up to, their newest orders and the reviews they wrote.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let availability = ServerAction::<AdminSetAccountDisabled>::new();
    let customer = Resource::new(move || (id(), availability.version().get()), |(id, _)| admin_customer(id));
    let feedback = Resource::new(id, |id| admin_feedback_list(None, Some(id), None));
    view! {
        <AdminShell title=Msg::CustomerTitle>
            <AvailabilityOutcome action=availability/>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(view) => view! { <CustomerBody view availability feedback/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn CustomerBody(
    view: CustomerView,
    availability: ServerAction<AdminSetAccountDisabled>,
    feedback: Resource<Result<Vec<FeedbackView>, AppError>>,
) -> impl IntoView {
    let stats = [
        ("orders", Msg::CustomerOrdersTotal, view.orders_total.to_string()),
        ("completed", Msg::CustomerOrdersCompleted, view.orders_completed.to_string()),
        ("cancelled", Msg::CustomerOrdersCancelled, view.orders_cancelled.to_string()),
        ("paid", Msg::CustomerPaid, money(view.paid_fen)),
        ("refunded", Msg::CustomerRefunded, money(view.refunded_fen)),
        ("net", Msg::CustomerNetSpent, money(view.net_spent_fen())),
    ];
    let shortened = view.orders_total > CUSTOMER_ORDERS_SHOWN;
    view! {
        <div class="detail-header">
            <h2>{view.display_name.clone()}</h2>
            <span class="muted num">{view.phone.clone()}</span>
            <span class="muted">{t(Msg::ColumnCreatedAt)}"："{format_beijing(view.created_at)}</span>
            <span class=if view.disabled { "tag tag-danger" } else { "tag" }>
                {if view.disabled { t(Msg::AccountDisabled) } else { t(Msg::AccountActive) }}
            </span>
            <AvailabilityForm action=availability user_id=view.id disabled=view.disabled/>
        </div>
        <div class="stat-grid customer-stats">
            {stats
                .into_iter()
                .map(|(key, label, value)| view! {
                    <div class="stat-card" data-stat=key>
                        <span class="stat-label">{t(label)}</span>
                        <span class="stat-value">{value}</span>
                    </div>
                })
                .collect_view()}
        </div>
        <section class="panel customer-orders">
            <h3>{t(Msg::CustomerOrdersHeading)}</h3>
            {shortened.then(|| view! { <p class="hint">{t(Msg::CustomerOrdersShortened)}</p> })}
            {if view.orders.is_empty() {
                view! { <div class="state-box empty-state"><p>{t(Msg::NoOrders)}</p></div> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th>{t(Msg::OrderNo)}</th>
                                <th>{t(Msg::ServiceLabel)}</th>
                                <th>{t(Msg::ServiceTime)}</th>
                                <th>{t(Msg::WorkerLabel)}</th>
                                <th>{t(Msg::Total)}</th>
                                <th>{t(Msg::CustomerPaid)}</th>
                                <th>{t(Msg::CustomerRefunded)}</th>
                                <th>{t(Msg::StateLabel)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {view
                                .orders
                                .into_iter()
                                .map(|r| view! {
                                    <tr data-order=r.card.id>
                                        <td class="num"><a href=format!("/admin/orders/{}", r.card.id)>{r.card.order_no.clone()}</a></td>
                                        <td>{r.card.service_name.clone()}</td>
                                        <td class="num">{appointment(r.card.starts_at, r.card.ends_at)}</td>
                                        <td>{r.card.worker_name.clone().unwrap_or_else(|| "—".into())}</td>
                                        <td class="num">{money(r.card.total_fen)}</td>
                                        <td class="num" data-paid=r.paid_fen>{money(r.paid_fen)}</td>
                                        <td class="num" data-refund=r.refund_fen>{money(r.refund_fen)}</td>
                                        <td><StateBadge state=r.card.state/></td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <section class="panel customer-reviews">
            <h3>{t(Msg::CustomerReviewsHeading)}</h3>
            {if view.reviews.is_empty() {
                view! { <div class="state-box empty-state"><p>{t(Msg::CustomerNoReviews)}</p></div> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th>{t(Msg::OrderNo)}</th>
                                <th>{t(Msg::ServiceLabel)}</th>
                                <th>{t(Msg::WorkerLabel)}</th>
                                <th>{t(Msg::CustomerRatings)}</th>
                                <th>{t(Msg::CustomerReviewText)}</th>
                                <th>{t(Msg::CustomerReviewedAt)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {view
                                .reviews
                                .into_iter()
                                .map(|r| view! {
                                    <tr>
                                        <td class="num"><a href=format!("/admin/orders/{}", r.order_id)>{r.order_no}</a></td>
                                        <td>{r.service_name}</td>
                                        <td>{r.worker_name}</td>
                                        <td class="num">{format!("{} / {} / {}", r.quality, r.attitude, r.result)}</td>
                                        <td class="review-body">
                                            {if r.body.is_empty() { "—".to_string() } else { r.body }}
                                            {(!r.photos.is_empty()).then(|| view! { <PhotoRow photos=r.photos alt=t(Msg::ReviewPhotosAlt)/> })}
                                            {r.video.map(|src| view! { <VideoClip src/> })}
                                        </td>
                                        <td class="num">{format_beijing(r.at)}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <section class="panel customer-feedback">
            <h3>{t(Msg::FeedbackTitle)}</h3>
            <FeedbackTable items=feedback with_customer=false/>
        </section>
    }
}
