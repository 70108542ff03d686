use crate::api::dispatching::{admin_day_plan, AdminApplyPlan, DayPlanView, PlanStop};
use crate::components::{form_error, AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, tf, Msg};
use crate::pages::order_ui::appointment;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// 派单方案 (B1 (c)): the planner's routes for a day beside how the orders
/// are held now; the admin reviews and applies them.
#[component]
pub fn DayPlanPage() -> impl IntoView {
    let query = use_query_map();
    let apply = ServerAction::<AdminApplyPlan>::new();
    let date = move || query.with(|q| q.get("date"));
    let plan = Resource::new(move || (date(), apply.version().get()), |(date, _)| admin_day_plan(date));
    view! {
        <AdminShell title=Msg::DayPlanTitle>
            <p class="hint page-hint">{t(Msg::DayPlanHint)}</p>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match plan.await {
                        Ok(plan) => view! { <PlanDesk plan apply/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn PlanDesk(plan: DayPlanView, apply: ServerAction<AdminApplyPlan>) -> impl IntoView {
    let value = apply.value();
    let outcome = move || match value.get() {
        Some(Ok(done)) => Some(format!("{} {} · {} {}", t(Msg::PlanApplied), tf(Msg::OrdersCount, &[&done.assigned]), t(Msg::PlanSkipped), tf(Msg::OrdersCount, &[&done.skipped]))),
        _ => None,
    };
    let empty = plan.routes.is_empty() && plan.unplanned.is_empty();
    view! {
        <section class="panel">
            <form method="get" class="inline-form plan-date">
                <label for="plan-date">{t(Msg::PlanDateLabel)}</label>
                <input id="plan-date" type="date" name="date" value=plan.date.clone()/>
                <button type="submit" class="btn btn-plain btn-small">{t(Msg::PlanRefresh)}</button>
            </form>
            <div class="stat-grid plan-stats">
                <div class="stat-card"><span class="stat-label">{t(Msg::PlanKmNow)}</span><span class="stat-value" data-km-now>{plan.km_now.clone()}" km"</span></div>
                <div class="stat-card"><span class="stat-label">{t(Msg::PlanKmPlanned)}</span><span class="stat-value" data-km-planned>{plan.km_planned.clone()}" km"</span></div>
                <div class="stat-card"><span class="stat-label">{t(Msg::PlanChanges)}</span><span class="stat-value" data-changes>{plan.change_count}</span></div>
            </div>
            {if plan.change_count == 0 {
                view! { <p class="muted">{t(if empty { Msg::PlanNoOrders } else { Msg::PlanNothingToApply })}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=apply attr:class="inline-form">
                        <input type="hidden" name="date" value=plan.date.clone()/>
                        <input type="hidden" name="changes" value=plan.changes.clone()/>
                        <button type="submit" class="btn btn-primary" disabled=move || apply.pending().get()>{t(Msg::PlanApply)}</button>
                    </ActionForm>
                }.into_any()
            }}
            <p class="form-error" role="alert">{move || form_error(value).get()}</p>
            {move || outcome().map(|text| view! { <p class="toast" role="status">{text}</p> })}
        </section>
        <div class="plan-routes">
            {plan.routes.iter().map(|r| view! {
                <section class="panel plan-route" data-worker=r.worker_id>
                    <h3>{r.worker_name.clone()}<span class="muted">" · "{r.km.clone()}" km"</span></h3>
                    <ol class="plan-stops">
                        {r.stops.iter().map(stop_row).collect_view()}
                    </ol>
                </section>
            }).collect_view()}
        </div>
        {(!plan.unplanned.is_empty()).then(|| view! {
            <section class="panel">
                <h3>{t(Msg::PlanUnplannedHeading)}</h3>
                <ul class="plan-stops">
                    {plan.unplanned.iter().map(|u| view! {
                        <li>{stop_row(&u.stop)}<p class="field-error">{u.reason.clone()}</p></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

fn stop_row(s: &PlanStop) -> impl IntoView {
    view! {
        <li class="plan-stop" class:moved=s.moved>
            <span class="num">{appointment(s.starts_at, s.ends_at)}</span>
            " "<a href=format!("/admin/orders/{}", s.order_id)>{s.service_name.clone()}</a>
            <span class="muted">" · "{s.area.clone()}</span>
            {s.moved.then(|| view! { <span class="tag tag-default">{t(Msg::PlanMovedTag)}</span> })}
            {s.fixed.then(|| view! { <span class="tag">{t(Msg::PlanFixedTag)}</span> })}
        </li>
    }
}
