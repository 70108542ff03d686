use crate::api::analytics::{admin_analytics, period_days, AnalyticsView, DayView, CSV_PATH, PERIODS};
use crate::components::{AdminShell, ErrorState, Skeleton};
use crate::i18n::{t, tf, Msg};
use crate::pages::order_ui::money;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;


/// `12 分钟` up to two hours, then `3.5 小时`; `暂无数据` without a figure.
fn duration_text(secs: Option<i64>) -> String {
    match secs {
        None => t(Msg::AnalyticsNoData).to_string(),
        Some(s) if s < 2 * 3600 => tf(Msg::AnalyticsMinutes, &[&((s + 59) / 60)]),
        Some(s) => tf(Msg::AnalyticsHours, &[&format!("{:.1}", s as f64 / 3600.0)]),
    }
}

fn hours_text(minutes: i64) -> String {
    tf(Msg::AnalyticsHours, &[&format!("{:.1}", minutes as f64 / 60.0)])
}

fn share_text(share: Option<f64>) -> String {
    share.map_or_else(|| t(Msg::AnalyticsNoData).to_string(), |s| format!("{:.1}%", s * 100.0))
}

/// 经营分析 (A7): the last 7, 30 or 90 days (`?days=`), Beijing time, with
/// the daily figures to download as CSV.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || period_days(query.with(|q| q.get("days")).and_then(|d| d.parse().ok()));
    let data = Resource::new(days, |days| admin_analytics(Some(days)));
    view! {
        <AdminShell title=Msg::MenuAnalytics>
            <div class="analytics-bar">
                <nav class="filter-chips" aria-label=t(Msg::MenuAnalytics)>
                    {PERIODS
                        .into_iter()
                        .map(|d| view! {
                            <a href=format!("/admin/analytics?days={d}") class="chip" class:active=move || days() == d>{tf(Msg::AnalyticsLastDays, &[&d])}</a>
                        })
                        .collect_view()}
                </nav>
                <a class="btn btn-plain" href=move || format!("{CSV_PATH}?days={}", days()) download="" data-csv>{t(Msg::AnalyticsDownloadCsv)}</a>
            </div>
            <Suspense fallback=|| view! { <Skeleton rows=6/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <Analytics view/> }.into_any(),
                        Err(error) => view! { <ErrorState error/> }.into_any(),
                    }
                })}
            </Suspense>
        </AdminShell>
    }
}

#[component]
fn Analytics(view: AnalyticsView) -> impl IntoView {
    let v = view;
    let daily = v.daily.clone();
    let demand = v.demand.clone();
    let mix = v.clone();
    let (accept_p50, accept_p90) = (duration_text(v.accept_p50_secs), duration_text(v.accept_p90_secs));
    let travel = v.travel_minutes_per_order.map_or_else(|| t(Msg::AnalyticsNoData).to_string(), |m| tf(Msg::AnalyticsMinutes, &[&format!("{m:.0}")]));
    let range = tf(Msg::AnalyticsRange, &[&v.first_day, &v.last_day]);
    let repeat_rate = v.repeat_rate;
    let repeat_detail = tf(Msg::AnalyticsRepeatDetail, &[&v.customers, &v.repeat_customers]);
    let tiles = [
        (Msg::AnalyticsOrders, v.totals.orders.to_string(), "orders"),
        (Msg::AnalyticsPaidOrders, v.totals.paid_orders.to_string(), "paid"),
        (Msg::AnalyticsNet, money(v.totals.net_fen), "net"),
        (Msg::AnalyticsPlatform, money(v.totals.platform_fen), "platform"),
        (Msg::AnalyticsRepeatRate, share_text(repeat_rate), "repeat"),
        (Msg::AnalyticsAcceptP50, duration_text(v.accept_p50_secs), "accept"),
    ];
    view! {
        <p class="hint">{range}</p>
        <div class="stat-grid analytics-tiles">
            {tiles
                .into_iter()
                .map(|(label, value, key)| view! {
                    <div class="stat-card" data-figure=key>
                        <span class="stat-label">{t(label)}</span>
                        <span class="stat-value">{value}</span>
                    </div>
                })
                .collect_view()}
        </div>
        <section class="panel">
            <h3>{t(Msg::AnalyticsTrendTitle)}</h3>
            <DailyChart daily/>
        </section>
        <div class="admin-columns">
            <section class="panel">
                <h3>{t(Msg::AnalyticsCategoryTitle)}</h3>
                <CategoryMix view=mix/>
            </section>
            <section class="panel">
                <h3>{t(Msg::AnalyticsDispatchTitle)}</h3>
                <table class="table" data-dispatch-quality>
                    <tbody>
                        <tr><th>{t(Msg::AnalyticsAcceptP50)}</th><td class="num">{accept_p50}</td></tr>
                        <tr><th>{t(Msg::AnalyticsAcceptP90)}</th><td class="num">{accept_p90}</td></tr>
                        <tr><th>{t(Msg::AnalyticsTravel)}</th><td class="num">{travel}</td></tr>
                        <tr><th>{t(Msg::AnalyticsRepeatRate)}</th><td>{share_text(repeat_rate)}" · "{repeat_detail}</td></tr>
                    </tbody>
                </table>
            </section>
        </div>
        <section class="panel">
            <h3>{t(Msg::AnalyticsDemandTitle)}</h3>
            <DemandHeatmap demand/>
            <p class="hint">{t(Msg::AnalyticsDemandLegend)}</p>
        </section>
        <section class="panel">
            <h3>{t(Msg::AnalyticsWorkersTitle)}</h3>
            <WorkerLoad view=v/>
            <p class="hint">{t(Msg::AnalyticsUtilizationHint)}</p>
        </section>
    }
}

/// Bars of each day's takings, with the day's orders in each bar's title.
#[component]
fn DailyChart(daily: Vec<DayView>) -> impl IntoView {
    const HEIGHT: f64 = 160.0;
    let width = 1000.0;
    let slot = width / daily.len().max(1) as f64;
    let top = daily.iter().map(|d| d.totals.net_fen).max().unwrap_or(0).max(1) as f64;
    // About ten date labels whatever the span.
    let label_every = daily.len().div_ceil(10).max(1);
    let summary = format!("{}：{}", t(Msg::AnalyticsTrendTitle), daily.iter().map(|d| format!("{} {}", d.label, money(d.totals.net_fen))).collect::<Vec<_>>().join("，"));
    view! {
        <svg class="daily-chart" viewBox=format!("0 0 {width} {}", HEIGHT + 24.0) role="img" aria-label=summary preserveAspectRatio="none">
            {daily
                .into_iter()
                .enumerate()
                .map(|(i, d)| {
                    let h = (d.totals.net_fen.max(0) as f64 / top * HEIGHT).max(if d.totals.paid_orders > 0 { 2.0 } else { 0.0 });
                    let x = i as f64 * slot;
                    let title = format!(
                        "{}：{} · {} {}",
                        d.label,
                        tf(Msg::OrdersCount, &[&d.totals.paid_orders]),
                        t(Msg::AnalyticsNet),
                        money(d.totals.net_fen)
                    );
                    view! {
                        <g data-day=d.label.clone()>
                            <rect x=x + slot * 0.15 y=HEIGHT - h width=slot * 0.7 height=h class="bar"><title>{title}</title></rect>
                            {(i % label_every == 0).then(|| view! { <text x=x + slot / 2.0 y=HEIGHT + 18.0 text-anchor="middle" class="axis">{d.label.clone()}</text> })}
                        </g>
                    }
                })
                .collect_view()}
        </svg>
    }
}

#[component]
fn CategoryMix(view: AnalyticsView) -> impl IntoView {
    if view.categories.is_empty() {
        return view! { <p class="muted">{t(Msg::AnalyticsNoData)}</p> }.into_any();
    }
    let total = view.totals.net_fen.max(1) as f64;
    view! {
        <table class="table category-mix">
            <thead><tr><th>{t(Msg::ColumnCategory)}</th><th>{t(Msg::AnalyticsPaidOrders)}</th><th>{t(Msg::AnalyticsNet)}</th><th>{t(Msg::AnalyticsShare)}</th></tr></thead>
            <tbody>
                {view
                    .categories
                    .into_iter()
                    .map(|c| {
                        let share = c.net_fen.max(0) as f64 / total;
                        let key = c.name.clone();
                        view! {
                            <tr data-category=key>
                                <td>{c.name}</td>
                                <td class="num">{c.paid_orders}</td>
                                <td class="num">{money(c.net_fen)}</td>
                                <td class="share-cell">
                                    <span class="share-bar" style=format!("width: {:.1}%", share * 100.0)></span>
                                    <span class="share-text">{format!("{:.0}%", share * 100.0)}</span>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn DemandHeatmap(demand: Vec<Vec<u32>>) -> impl IntoView {
    let top = demand.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    view! {
        <div class="heatmap-wrap">
            <table class="heatmap">
                <thead>
                    <tr>
                        <td></td>
                        {(0..24).map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {demand
                        .into_iter()
                        .enumerate()
                        .map(|(day, hours)| view! {
                            <tr>
                                <th scope="row">{t(Msg::WEEKDAYS[day % 7])}</th>
                                {hours
                                    .into_iter()
                                    .enumerate()
                                    .map(|(hour, n)| {
                                        // Five shades: none, then quarters of the busiest hour.
                                        let level = if n == 0 { 0 } else { ((f64::from(n) / top) * 4.0).ceil().clamp(1.0, 4.0) as u32 };
                                        let label = format!("{} {hour}:00 {}", t(Msg::WEEKDAYS[day % 7]), tf(Msg::OrdersCount, &[&n]));
                                        view! { <td class=format!("heat heat-{level}") title=label.clone() aria-label=label>{(n > 0).then_some(n)}</td> }
                                    })
                                    .collect_view()}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn WorkerLoad(view: AnalyticsView) -> impl IntoView {
    if view.workers.is_empty() {
        return view! { <p class="muted">{t(Msg::AnalyticsNoData)}</p> }.into_any();
    }
    view! {
        <table class="table worker-load">
            <thead>
                <tr>
                    <th>{t(Msg::AssessmentWorker)}</th>
                    <th>{t(Msg::AnalyticsCompleted)}</th>
                    <th>{t(Msg::AnalyticsServiceHours)}</th>
                    <th>{t(Msg::AnalyticsAvailableHours)}</th>
                    <th>{t(Msg::AnalyticsUtilization)}</th>
                    <th>{t(Msg::AnalyticsNet)}</th>
                </tr>
            </thead>
            <tbody>
                {view
                    .workers
                    .into_iter()
                    .map(|w| view! {
                        <tr data-worker=w.worker_id>
                            <td><a href=format!("/admin/workers/{}", w.worker_id)>{w.name}</a></td>
                            <td class="num" data-completed=w.completed_orders>{w.completed_orders}</td>
                            <td class="num">{hours_text(w.service_minutes)}</td>
                            <td class="num">{hours_text(w.available_minutes)}</td>
                            <td class="share-cell">
                                <span class="share-bar" style=format!("width: {:.1}%", w.utilization.unwrap_or(0.0).min(1.0) * 100.0)></span>
                                <span class="share-text">{share_text(w.utilization)}</span>
                            </td>
                            <td class="num">{money(w.net_fen)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
