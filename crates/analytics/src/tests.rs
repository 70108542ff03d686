use super::*;
use proptest::prelude::*;

/// 2026-12-01 00:00 in Beijing, a Tuesday.
const DEC_1: i64 = 1_796_054_400;

fn day_no(at: i64) -> i64 {
    local_day_number(at)
}

fn fact(customer: i64, placed_at: i64, starts_at: i64) -> OrderFact {
    OrderFact {
        customer_id: customer,
        worker_id: None,
        category: "daily_cleaning".into(),
        placed_at,
        starts_at,
        ends_at: starts_at + 2 * 3600,
        paid: true,
        completed: false,
        cancelled: false,
        net_fen: 10_000,
        platform_fen: 0,
        accept_secs: None,
        travel_minutes: None,
    }
}

#[test]
fn days_are_beijing_calendar_days() {
    assert_eq!(day_text(day_no(DEC_1)), "2026-12-01");
    // 23:59:59 Beijing is still the same day; 16:00 UTC the day before is its midnight.
    assert_eq!(day_no(DEC_1 + 86_399), day_no(DEC_1));
    assert_eq!(day_no(DEC_1 - 1), day_no(DEC_1) - 1);
    assert_eq!(day_weekday(day_no(DEC_1)), 1, "a Tuesday");
    assert_eq!(beijing_hour(DEC_1 + 9 * 3600 + 59 * 60), 9);
    assert_eq!(day_text(0), "1970-01-01");
    assert_eq!(day_text(day_no(DEC_1) + 31), "2027-01-01");
    assert_eq!(day_text(19_782), "2024-02-29");
}

#[test]
fn only_orders_placed_in_the_period_count_and_every_day_has_a_row() {
    let period = Period::ending_on(day_no(DEC_1), 7);
    let facts = [fact(1, DEC_1 + 3600, DEC_1 + 86_400), fact(2, DEC_1 - 6 * 86_400, DEC_1), fact(3, DEC_1 - 7 * 86_400, DEC_1), fact(4, DEC_1 + 86_400, DEC_1 + 86_400)];
    let r = report(&facts, &[], period);
    assert_eq!(r.days.len(), 7);
    assert_eq!(r.days[0].day, day_no(DEC_1) - 6);
    assert_eq!((r.days[0].totals.orders, r.days[6].totals.orders), (1, 1));
    assert_eq!(r.days[1..6].iter().map(|d| d.totals.orders).sum::<u32>(), 0);
    assert_eq!((r.totals.orders, r.totals.net_fen), (2, 20_000));
}

#[test]
fn takings_count_paid_orders_only_net_of_refunds() {
    let period = Period::ending_on(day_no(DEC_1), 1);
    let unpaid = OrderFact { paid: false, net_fen: 0, ..fact(1, DEC_1, DEC_1) };
    let refunded = OrderFact { cancelled: true, net_fen: 2_000, platform_fen: 2_000, ..fact(2, DEC_1, DEC_1) };
    let done = OrderFact { completed: true, platform_fen: 2_000, ..fact(3, DEC_1, DEC_1) };
    let r = report(&[unpaid, refunded, done], &[], period);
    assert_eq!(
        r.totals,
        Totals { orders: 3, paid_orders: 2, completed_orders: 1, cancelled_orders: 1, net_fen: 12_000, platform_fen: 4_000 }
    );
    assert_eq!(r.categories, [CategoryFigures { category: "daily_cleaning".into(), paid_orders: 2, net_fen: 12_000 }]);
    assert_eq!((r.customers, r.repeat_customers), (2, 0), "an unpaid order makes no customer");
}

#[test]
fn demand_is_counted_by_the_weekday_and_hour_an_order_starts() {
    let period = Period::ending_on(day_no(DEC_1), 1);
    let r = report(&[fact(1, DEC_1, DEC_1 + 86_400 + 14 * 3600 + 1800)], &[], period);
    assert_eq!(r.demand[2][14], 1, "Wednesday 14:30");
    assert_eq!(r.demand.iter().flatten().sum::<u32>(), 1);
}

#[test]
fn a_repeat_customer_paid_for_two_orders_in_the_period() {
    let period = Period::ending_on(day_no(DEC_1), 30);
    let r = report(&[fact(1, DEC_1, DEC_1), fact(1, DEC_1 - 86_400, DEC_1), fact(2, DEC_1, DEC_1)], &[], period);
    assert_eq!((r.customers, r.repeat_customers), (2, 1));
    assert_eq!(r.repeat_rate(), Some(0.5));
}

#[test]
fn utilization_is_service_time_over_weekly_hours_in_the_period() {
    // 2026-11-30 (Monday) to 2026-12-06 (Sunday): one of each weekday.
    let period = Period { first_day: day_no(DEC_1) - 1, days: 7 };
    let hours: Vec<WeeklyHours> = (0..7).map(|d| WeeklyHours { worker_id: 9, weekday: d, start_minute: 8 * 60, end_minute: 18 * 60 }).collect();
    let served = OrderFact { worker_id: Some(9), completed: true, ..fact(1, DEC_1, DEC_1 + 3600) };
    let other = OrderFact { worker_id: Some(8), completed: true, ..fact(2, DEC_1, DEC_1 + 3600) };
    let r = report(&[served.clone(), served, other], &hours, period);
    let nine = r.workers.iter().find(|w| w.worker_id == 9).unwrap();
    assert_eq!((nine.completed_orders, nine.service_minutes, nine.available_minutes), (2, 240, 7 * 600));
    assert_eq!(nine.utilization, Some(240.0 / 4200.0));
    assert_eq!(r.workers[0].worker_id, 9, "the busiest first");
    assert_eq!(r.workers.iter().find(|w| w.worker_id == 8).unwrap().utilization, None, "no hours, no utilization");
}

#[test]
fn a_nannys_contract_counts_her_working_hours_of_each_day_not_her_nights() {
    let period = Period { first_day: day_no(DEC_1) - 1, days: 7 };
    let (starts_at, ends_at) = (DEC_1 + 9 * 3600, DEC_1 + 5 * 86_400 + 17 * 3600);
    let contract = OrderFact { worker_id: Some(9), completed: true, ends_at, ..fact(1, DEC_1, starts_at) };
    let r = report(&[contract], &[], period);
    assert_eq!(r.workers[0].service_minutes, 6 * 480);
}

#[test]
fn dispatch_speed_is_the_nearest_rank_percentile_of_payment_to_acceptance() {
    let period = Period::ending_on(day_no(DEC_1), 1);
    let facts: Vec<OrderFact> = (1..=10)
        .map(|i| OrderFact { accept_secs: Some(i * 60), travel_minutes: Some(i as f64), ..fact(i, DEC_1, DEC_1) })
        .chain([OrderFact { accept_secs: None, ..fact(99, DEC_1, DEC_1) }])
        .collect();
    let r = report(&facts, &[], period);
    assert_eq!((r.accept_p50_secs, r.accept_p90_secs), (Some(300), Some(540)));
    assert_eq!(r.travel_minutes_per_order, Some(5.5));
    assert_eq!(report(&[], &[], period).accept_p50_secs, None);
}

#[test]
fn the_csv_has_a_row_per_day_and_a_total_in_yuan() {
    let period = Period::ending_on(day_no(DEC_1), 2);
    let done = OrderFact { completed: true, net_fen: 12_050, platform_fen: 2_410, ..fact(1, DEC_1, DEC_1) };
    let csv = daily_csv(&report(&[done], &[], period), ["日期", "下单", "支付", "完成", "取消", "成交额", "平台收入"], "合计");
    assert_eq!(
        csv,
        "\u{feff}日期,下单,支付,完成,取消,成交额,平台收入\r\n2026-11-30,0,0,0,0,0.00,0.00\r\n2026-12-01,1,1,1,0,120.50,24.10\r\n合计,1,1,1,0,120.50,24.10\r\n"
    );
    assert_eq!(yuan_figure(-5), "-0.05");
}

proptest! {
    #[test]
    fn the_days_add_up_to_the_totals(placed in proptest::collection::vec((0i64..40 * 86_400, any::<bool>(), 0i64..50_000), 0..60)) {
        let period = Period::ending_on(day_no(DEC_1), 30);
        let facts: Vec<OrderFact> = placed
            .iter()
            .enumerate()
            .map(|(i, (offset, paid, fen))| OrderFact { paid: *paid, net_fen: *fen, ..fact(i as i64 % 7, DEC_1 - offset, DEC_1) })
            .collect();
        let r = report(&facts, &[], period);
        prop_assert_eq!(r.days.iter().map(|d| d.totals.orders).sum::<u32>(), r.totals.orders);
        prop_assert_eq!(r.days.iter().map(|d| d.totals.net_fen).sum::<i64>(), r.totals.net_fen);
        prop_assert_eq!(r.categories.iter().map(|c| c.paid_orders).sum::<u32>(), r.totals.paid_orders);
        prop_assert_eq!(r.demand.iter().flatten().sum::<u32>(), r.totals.paid_orders);
        prop_assert!(r.repeat_customers <= r.customers);
    }
}
