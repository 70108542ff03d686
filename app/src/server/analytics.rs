use super::authz::require_user;
use super::{app_state, internal, AppState};
use crate::api::analytics::{period_days, AnalyticsView, CategoryView, DayView, TotalsView, WorkerLoadView};
use crate::api::ADMIN;
use crate::error::AppError;
use crate::i18n::{t, Msg};
use analytics::{day_text, OrderFact, Period, Report, Totals, WeeklyHours};
use store::OrderFactRecord;
use time::OffsetDateTime;

/// The UTC instant a Beijing day starts at.
fn day_start(day: i64) -> Result<OffsetDateTime, AppError> {
    OffsetDateTime::from_unix_timestamp(dispatch::day_start(day)).map_err(internal)
}

fn fact(r: OrderFactRecord) -> OrderFact {
    let state = booking::OrderState::from_db(&r.state);
    OrderFact {
        customer_id: r.customer_id,
        worker_id: r.worker_id,
        category: r.category_code,
        placed_at: r.created_at.unix_timestamp(),
        starts_at: r.starts_at.unix_timestamp(),
        ends_at: r.ends_at.unix_timestamp(),
        paid: r.paid_fen > 0,
        completed: state == Some(booking::OrderState::Completed),
        cancelled: state.is_some_and(booking::OrderState::is_cancelled),
        net_fen: r.paid_fen - r.refund_fen,
        platform_fen: r.platform_fen,
        accept_secs: r.paid_at.zip(r.accepted_at).map(|(paid, accepted)| (accepted - paid).whole_seconds().max(0)),
        travel_minutes: r.accepted_offer.as_deref().and_then(super::flows::explanation).map(|ranked| ranked.parts.travel_secs as f64 / 60.0),
    }
}

/// The report of the `days` days up to today, Beijing time.
pub async fn report(state: &AppState, days: Option<i64>) -> Result<Report, AppError> {
    let period = Period::ending_on(dispatch::local_day_number(state.clock.now().unix_timestamp()), period_days(days));
    let from = day_start(period.first_day)?;
    let to = day_start(period.first_day + period.days)?;
    let facts: Vec<OrderFact> = state.store.order_facts(from, to).await.map_err(internal)?.into_iter().map(fact).collect();
    let hours: Vec<WeeklyHours> = state
        .store
        .approved_worker_hours()
        .await
        .map_err(internal)?
        .into_iter()
        .map(|h| WeeklyHours {
            worker_id: h.worker_id,
            weekday: u8::try_from(h.weekday).unwrap_or(u8::MAX),
            start_minute: h.start_minute,
            end_minute: h.end_minute,
        })
        .collect();
    Ok(analytics::report(&facts, &hours, period))
}

fn totals(t: &Totals) -> TotalsView {
    TotalsView {
        orders: t.orders,
        paid_orders: t.paid_orders,
        completed_orders: t.completed_orders,
        cancelled_orders: t.cancelled_orders,
        net_fen: t.net_fen,
        platform_fen: t.platform_fen,
    }
}

pub async fn admin_analytics(days: Option<i64>) -> Result<AnalyticsView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let report = report(&state, days).await?;
    let categories = state.store.categories().await.map_err(internal)?;
    let worker_ids: Vec<i64> = report.workers.iter().map(|w| w.worker_id).collect();
    let names = state.store.display_names(&worker_ids).await.map_err(internal)?;
    let last_day = report.period.first_day + report.period.days - 1;
    Ok(AnalyticsView {
        days: report.period.days,
        first_day: day_text(report.period.first_day),
        last_day: day_text(last_day),
        daily: report
            .days
            .iter()
            .map(|d| DayView { label: day_text(d.day).get(5..).unwrap_or_default().to_string(), totals: totals(&d.totals) })
            .collect(),
        totals: totals(&report.totals),
        categories: report
            .categories
            .iter()
            .map(|c| CategoryView {
                name: categories.iter().find(|k| k.code == c.category).map_or_else(|| c.category.clone(), |k| k.name.clone()),
                paid_orders: c.paid_orders,
                net_fen: c.net_fen,
            })
            .collect(),
        demand: report.demand.iter().map(|hours| hours.to_vec()).collect(),
        customers: report.customers,
        repeat_customers: report.repeat_customers,
        repeat_rate: report.repeat_rate(),
        workers: report
            .workers
            .iter()
            .map(|w| WorkerLoadView {
                worker_id: w.worker_id,
                name: names.iter().find(|(id, _)| *id == w.worker_id).map(|(_, n)| n.clone()).unwrap_or_default(),
                completed_orders: w.completed_orders,
                service_minutes: w.service_minutes,
                net_fen: w.net_fen,
                available_minutes: w.available_minutes,
                utilization: w.utilization,
            })
            .collect(),
        accept_p50_secs: report.accept_p50_secs,
        accept_p90_secs: report.accept_p90_secs,
        travel_minutes_per_order: report.travel_minutes_per_order,
    })
}

/// The daily figures as a CSV download: its file name and body.
pub async fn daily_csv(state: &AppState, days: Option<i64>) -> Result<(String, String), AppError> {
    let report = report(state, days).await?;
    let header = [
        t(Msg::AnalyticsDay),
        t(Msg::AnalyticsOrders),
        t(Msg::AnalyticsPaidOrders),
        t(Msg::AnalyticsCompleted),
        t(Msg::AnalyticsCancelled),
        t(Msg::AnalyticsNetYuan),
        t(Msg::AnalyticsPlatformYuan),
    ];
    let last_day = report.period.first_day + report.period.days - 1;
    let name = format!("daojia-analytics-{}-{}d.csv", day_text(last_day), report.period.days);
    Ok((name, analytics::daily_csv(&report, header, t(Msg::AnalyticsTotal))))
}
