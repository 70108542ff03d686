//! 经营分析 (A7): the figures of the admin's analytics page and its CSV,
//! added up from one fact per order. The server reads the facts; this crate
//! decides what counts where, so each figure has a test.
//!
//! Days are Beijing calendar days numbered from 1970-01-01 and weekdays run
//! Monday = 0 … Sunday = 6, as dispatch keeps them (`dispatch::local_day_number`).

use dispatch::{day_weekday, local_day_number, local_day_start, local_weekday};
use std::collections::{BTreeMap, HashMap};

/// The Beijing hour of the day (0–23) of `at`.
pub fn beijing_hour(at: i64) -> u8 {
    ((at - local_day_start(at)) / 3600) as u8
}

/// `YYYY-MM-DD` of a day number (the proleptic Gregorian calendar).
pub fn day_text(day: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One order as analytics reads it. Times are Unix seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFact {
    pub customer_id: i64,
    /// Who served or holds it, once someone accepted.
    pub worker_id: Option<i64>,
    pub category: String,
    pub placed_at: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Money arrived for it (it may have been refunded since).
    pub paid: bool,
    pub completed: bool,
    pub cancelled: bool,
    /// What the customer paid less what was refunded.
    pub net_fen: i64,
    /// What the platform kept: commission and cancellation fees.
    pub platform_fen: i64,
    /// From payment to a worker's acceptance.
    pub accept_secs: Option<i64>,
    /// The accepted worker's travel to it, as dispatch estimated when offering it.
    pub travel_minutes: Option<f64>,
}

/// A worker's weekly hours: one span of one weekday, in minutes of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyHours {
    pub worker_id: i64,
    pub weekday: u8,
    pub start_minute: i64,
    pub end_minute: i64,
}

/// A run of whole Beijing days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first_day: i64,
    pub days: i64,
}

impl Period {
    /// The `days` days up to and including `last_day`.
    pub fn ending_on(last_day: i64, days: i64) -> Period {
        let days = days.max(1);
        Period { first_day: last_day - days + 1, days }
    }

    pub fn contains_day(&self, day: i64) -> bool {
        (self.first_day..self.first_day + self.days).contains(&day)
    }

    /// How many of the period's days are that weekday.
    pub fn count_weekday(&self, weekday_no: u8) -> i64 {
        (self.first_day..self.first_day + self.days).filter(|d| day_weekday(*d) == weekday_no).count() as i64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Placed in the period, paid or not.
    pub orders: u32,
    pub paid_orders: u32,
    pub completed_orders: u32,
    /// Paid, then cancelled.
    pub cancelled_orders: u32,
    pub net_fen: i64,
    pub platform_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayFigures {
    pub day: i64,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFigures {
    pub category: String,
    pub paid_orders: u32,
    pub net_fen: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkerFigures {
    pub worker_id: i64,
    pub completed_orders: u32,
    /// Booked service time of their completed orders.
    pub service_minutes: i64,
    pub net_fen: i64,
    /// Their weekly hours over the period.
    pub available_minutes: i64,
    /// Service time over available time; `None` without hours.
    pub utilization: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    /// Every day of the period, oldest first, empty days included.
    pub days: Vec<DayFigures>,
    pub totals: Totals,
    /// Paid orders by category, the largest takings first.
    pub categories: Vec<CategoryFigures>,
    /// Paid orders by the Beijing weekday and hour they start at.
    pub demand: [[u32; 24]; 7],
    /// Customers with a paid order in the period, and those with two or more.
    pub customers: u32,
    pub repeat_customers: u32,
    /// Every worker with hours or a completed order, the busiest first.
    pub workers: Vec<WorkerFigures>,
    pub accept_p50_secs: Option<i64>,
    pub accept_p90_secs: Option<i64>,
    pub travel_minutes_per_order: Option<f64>,
}

impl Report {
    /// Repeat customers over customers; `None` without customers.
    pub fn repeat_rate(&self) -> Option<f64> {
        (self.customers > 0).then(|| f64::from(self.repeat_customers) / f64::from(self.customers))
    }
}

fn add(totals: &mut Totals, fact: &OrderFact) {
    totals.orders += 1;
    if fact.paid {
        totals.paid_orders += 1;
        totals.completed_orders += u32::from(fact.completed);
        totals.cancelled_orders += u32::from(fact.cancelled);
        totals.net_fen += fact.net_fen;
        totals.platform_fen += fact.platform_fen;
    }
}

/// The nearest-rank percentile `p` (0–1] of `values`, sorting them.
fn percentile(values: &mut [i64], p: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    Some(values[rank - 1])
}

/// Adds up the orders placed in `period` (others are ignored) and the
/// workers' weekly `hours` over it.
pub fn report(facts: &[OrderFact], hours: &[WeeklyHours], period: Period) -> Report {
    let in_period: Vec<&OrderFact> = facts.iter().filter(|f| period.contains_day(local_day_number(f.placed_at))).collect();
    let mut days: Vec<DayFigures> = (0..period.days).map(|i| DayFigures { day: period.first_day + i, totals: Totals::default() }).collect();
    let mut totals = Totals::default();
    let mut categories: BTreeMap<&str, CategoryFigures> = BTreeMap::new();
    let mut demand = [[0u32; 24]; 7];
    let mut paid_per_customer: HashMap<i64, u32> = HashMap::new();
    let mut workers: BTreeMap<i64, WorkerFigures> = BTreeMap::new();
    let mut accept = Vec::new();
    let mut travel = Vec::new();
    for fact in &in_period {
        add(&mut totals, fact);
        add(&mut days[(local_day_number(fact.placed_at) - period.first_day) as usize].totals, fact);
        if !fact.paid {
            continue;
        }
        let category = categories
            .entry(fact.category.as_str())
            .or_insert_with(|| CategoryFigures { category: fact.category.clone(), paid_orders: 0, net_fen: 0 });
        category.paid_orders += 1;
        category.net_fen += fact.net_fen;
        demand[usize::from(local_weekday(fact.starts_at))][usize::from(beijing_hour(fact.starts_at))] += 1;
        *paid_per_customer.entry(fact.customer_id).or_default() += 1;
        accept.extend(fact.accept_secs);
        travel.extend(fact.travel_minutes);
        if let (true, Some(worker_id)) = (fact.completed, fact.worker_id) {
            let worker = workers.entry(worker_id).or_insert_with(|| empty_worker(worker_id));
            worker.completed_orders += 1;
            worker.service_minutes += booking::working_minutes(fact.starts_at, fact.ends_at);
            worker.net_fen += fact.net_fen;
        }
    }
    for span in hours {
        let worker = workers.entry(span.worker_id).or_insert_with(|| empty_worker(span.worker_id));
        worker.available_minutes += (span.end_minute - span.start_minute).max(0) * period.count_weekday(span.weekday);
    }
    let mut workers: Vec<WorkerFigures> = workers
        .into_values()
        .map(|mut w| {
            w.utilization = (w.available_minutes > 0).then(|| w.service_minutes as f64 / w.available_minutes as f64);
            w
        })
        .collect();
    workers.sort_by(|a, b| b.completed_orders.cmp(&a.completed_orders).then(b.service_minutes.cmp(&a.service_minutes)).then(a.worker_id.cmp(&b.worker_id)));
    let mut categories: Vec<CategoryFigures> = categories.into_values().collect();
    categories.sort_by(|a, b| b.net_fen.cmp(&a.net_fen).then(b.paid_orders.cmp(&a.paid_orders)).then(a.category.cmp(&b.category)));
    Report {
        period,
        days,
        totals,
        categories,
        demand,
        customers: paid_per_customer.len() as u32,
        repeat_customers: paid_per_customer.values().filter(|n| **n >= 2).count() as u32,
        workers,
        accept_p50_secs: percentile(&mut accept, 0.5),
        accept_p90_secs: percentile(&mut accept, 0.9),
        travel_minutes_per_order: (!travel.is_empty()).then(|| travel.iter().sum::<f64>() / travel.len() as f64),
    }
}

fn empty_worker(worker_id: i64) -> WorkerFigures {
    WorkerFigures { worker_id, completed_orders: 0, service_minutes: 0, net_fen: 0, available_minutes: 0, utilization: None }
}

/// `12.5` for 1250 fen: a figure for a spreadsheet, without the ¥.
pub fn yuan_figure(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.unsigned_abs() / 100, fen.unsigned_abs() % 100)
}

/// The daily figures as CSV (UTF-8 with a byte-order mark, so spreadsheet
/// programs read the Chinese header), one row per day and a total row.
pub fn daily_csv(report: &Report, header: [&str; 7], total_label: &str) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    let row = |label: &str, t: &Totals| {
        format!(
            "{label},{},{},{},{},{},{}\r\n",
            t.orders,
            t.paid_orders,
            t.completed_orders,
            t.cancelled_orders,
            yuan_figure(t.net_fen),
            yuan_figure(t.platform_fen)
        )
    };
    for day in &report.days {
        out.push_str(&row(&day_text(day.day), &day.totals));
    }
    out.push_str(&row(total_label, &report.totals));
    out
}

#[cfg(test)]
mod tests;
