use super::*;
use rules::Holiday;
use proptest::prelude::*;

fn addon(code: &str, name: &str, fen: i64) -> AddOn {
    AddOn { code: code.into(), name: name.into(), price: Fen::new(fen) }
}

/// 日常保洁: ¥45.00 per hour, 2–8 hours.
fn daily_cleaning() -> PriceSheet {
    PriceSheet {
        service_name: "日常保洁".into(),
        unit: Unit::Hour,
        base_price: Fen::new(4_500),
        min_units: 2,
        max_units: 8,
        addons: vec![addon("fridge", "冰箱清洁", 3_000), addon("window", "擦窗", 2_550)],
    }
}

fn request(units: i32, codes: &[&str]) -> QuoteRequest {
    QuoteRequest { addon_codes: codes.iter().map(|c| c.to_string()).collect(), ..QuoteRequest::units(units) }
}

fn neutral() -> PricingRules {
    PricingRules::neutral(31.23, 121.47)
}

#[test]
fn base_line_is_base_price_times_units() {
    let q = quote(&daily_cleaning(), &neutral(), &request(3, &[])).unwrap();
    assert_eq!(
        q.lines,
        vec![QuoteLine {
            kind: LineKind::Base,
            label: "日常保洁".into(),
            unit_price: Fen::new(4_500),
            quantity: 3,
            amount: Fen::new(13_500),
        }]
    );
    assert_eq!(q.total.to_string(), "¥135.00");
}

#[test]
fn add_ons_are_charged_once_each_in_the_order_chosen() {
    let q = quote(&daily_cleaning(), &neutral(), &request(2, &["window", "fridge"])).unwrap();
    let labels: Vec<_> = q.lines.iter().map(|l| (l.kind, l.label.as_str(), l.quantity, l.amount)).collect();
    assert_eq!(
        labels,
        vec![
            (LineKind::Base, "日常保洁", 2, Fen::new(9_000)),
            (LineKind::AddOn, "擦窗", 1, Fen::new(2_550)),
            (LineKind::AddOn, "冰箱清洁", 1, Fen::new(3_000)),
        ]
    );
    // 90.00 + 25.50 + 30.00
    assert_eq!(q.total, Fen::new(14_550));
}

#[test]
fn units_below_the_minimum_are_refused() {
    assert_eq!(quote(&daily_cleaning(), &neutral(), &request(1, &[])), Err(PricingError::UnitsBelowMinimum { min: 2 }));
    assert!(quote(&daily_cleaning(), &neutral(), &request(2, &[])).is_ok());
}

#[test]
fn units_above_the_maximum_are_refused() {
    assert_eq!(quote(&daily_cleaning(), &neutral(), &request(9, &[])), Err(PricingError::UnitsAboveMaximum { max: 8 }));
    assert!(quote(&daily_cleaning(), &neutral(), &request(8, &[])).is_ok());
}

#[test]
fn zero_or_negative_units_are_refused_even_if_the_sheet_allows_them() {
    let sheet = PriceSheet { min_units: 0, ..daily_cleaning() };
    assert_eq!(quote(&sheet, &neutral(), &request(0, &[])), Err(PricingError::UnitsBelowMinimum { min: 1 }));
    assert_eq!(quote(&sheet, &neutral(), &request(-3, &[])), Err(PricingError::UnitsBelowMinimum { min: 1 }));
}

#[test]
fn unknown_add_on_is_refused_not_ignored() {
    assert_eq!(
        quote(&daily_cleaning(), &neutral(), &request(2, &["fridge", "oven"])),
        Err(PricingError::UnknownAddOn("oven".into()))
    );
}

#[test]
fn duplicate_add_on_is_refused_not_charged_twice() {
    assert_eq!(
        quote(&daily_cleaning(), &neutral(), &request(2, &["fridge", "window", "fridge"])),
        Err(PricingError::DuplicateAddOn("fridge".into()))
    );
}

#[test]
fn overflowing_amounts_are_an_error_not_a_wrapped_price() {
    let huge = PriceSheet { base_price: Fen::new(i64::MAX / 2), max_units: 100, ..daily_cleaning() };
    assert_eq!(quote(&huge, &neutral(), &request(3, &[])), Err(PricingError::Overflow));
    // The base line fits but adding an add-on does not.
    let edge = PriceSheet { base_price: Fen::new(i64::MAX / 2), min_units: 1, ..daily_cleaning() };
    assert!(quote(&edge, &neutral(), &request(2, &[])).is_ok());
    assert_eq!(quote(&edge, &neutral(), &request(2, &["fridge"])), Err(PricingError::Overflow));
}

#[test]
fn durations_follow_the_unit() {
    assert_eq!(duration_minutes(Unit::Hour, 3), 180);
    assert_eq!(duration_minutes(Unit::Appliance, 1), 120);
    assert_eq!(duration_minutes(Unit::Appliance, 3), 240);
    assert_eq!(duration_minutes(Unit::Visit, 1), 180);
    assert_eq!(duration_minutes(Unit::Visit, 4), 180);
    assert_eq!(duration_minutes(Unit::Day, 5), 480);
    assert_eq!(duration_minutes(Unit::Month26, 1), 480);
}

#[test]
fn durations_never_panic_or_go_below_one_unit() {
    assert_eq!(duration_minutes(Unit::Hour, 0), 60);
    assert_eq!(duration_minutes(Unit::Appliance, -2), 120);
    assert_eq!(duration_minutes(Unit::Hour, i32::MAX), i32::MAX);
    assert_eq!(duration_minutes(Unit::Appliance, i32::MAX), i32::MAX);
}

#[test]
fn units_round_trip_through_storage_names() {
    for u in Unit::ALL {
        assert_eq!(Unit::from_db(u.as_str()), Some(u));
    }
    assert_eq!(Unit::Month26.as_str(), "month26");
    assert_eq!(Unit::from_db("month"), None);
}

fn sheet_strategy() -> impl Strategy<Value = PriceSheet> {
    (
        0i64..10_000_000,
        1i32..5,
        0i32..20,
        proptest::collection::vec(0i64..1_000_000, 0..6),
        proptest::sample::select(Unit::ALL.to_vec()),
    )
        .prop_map(|(base, min, extra, prices, unit)| PriceSheet {
            service_name: "服务".into(),
            unit,
            base_price: Fen::new(base),
            min_units: min,
            max_units: min + extra,
            addons: prices
                .into_iter()
                .enumerate()
                .map(|(i, p)| addon(&format!("a{i}"), &format!("附加{i}"), p))
                .collect(),
        })
}

proptest! {
    #[test]
    fn total_is_the_sum_of_the_lines_never_negative_and_deterministic(
        sheet in sheet_strategy(),
        units in -2i32..30,
        picks in proptest::collection::vec(0usize..7, 0..4),
    ) {
        let req = QuoteRequest { addon_codes: picks.iter().map(|i| format!("a{i}")).collect(), ..QuoteRequest::units(units) };
        let first = quote(&sheet, &neutral(), &req);
        // The same function computes the amount charged: running it again at
        // payment time must give the identical quote.
        prop_assert_eq!(&first, &quote(&sheet.clone(), &neutral(), &req.clone()));

        match first {
            Ok(q) => {
                let sum: i64 = q.lines.iter().map(|l| l.amount.get()).sum();
                prop_assert_eq!(q.total, Fen::new(sum));
                prop_assert!(q.total >= Fen::ZERO);
                prop_assert_eq!(q.lines.len(), 1 + req.addon_codes.len());
                prop_assert_eq!(q.lines[0].kind, LineKind::Base);
                for line in &q.lines {
                    prop_assert_eq!(line.unit_price.checked_mul(i64::from(line.quantity)), Some(line.amount));
                }
                prop_assert!(units >= sheet.min_units && units <= sheet.max_units);
            }
            Err(PricingError::UnitsBelowMinimum { .. }) => prop_assert!(units < sheet.min_units.max(1)),
            Err(PricingError::UnitsAboveMaximum { .. }) => prop_assert!(units > sheet.max_units),
            Err(PricingError::UnknownAddOn(code)) => {
                prop_assert!(!sheet.addons.iter().any(|a| a.code == code));
            }
            Err(PricingError::DuplicateAddOn(code)) => {
                prop_assert!(req.addon_codes.iter().filter(|c| **c == code).count() > 1);
            }
            Err(PricingError::Overflow) => prop_assert!(false, "amounts in range cannot overflow"),
            Err(other) => prop_assert!(false, "no coupon was given, yet {other:?}"),
        }
    }
}

// ---- Strategy: time multipliers, distance, coupons -------------------------

/// Wednesday 2026-11-25 18:00 Beijing (10:00 UTC).
const WED_18H: i64 = 1_795_600_800;
/// Wednesday 2026-11-25 10:00 Beijing.
const WED_10H: i64 = 1_795_572_000;
/// Saturday 2026-11-28 10:00 Beijing.
const SAT_10H: i64 = 1_795_831_200;
/// Friday 2027-10-01 10:00 Beijing (国庆).
const NATIONAL_DAY_10H: i64 = 1_822_356_000;
/// Saturday 2027-10-02 18:00 Beijing: holiday, weekend and peak at once.
const NATIONAL_WEEKEND_18H: i64 = 1_822_471_200;

fn strategy() -> PricingRules {
    PricingRules {
        peak_windows: rules::parse_peak_windows("07:00-09:00 1.1\n17:00-20:00 1.2").unwrap(),
        weekend_bps: 11_500,
        holidays: rules::parse_holidays("2027-10-01~2027-10-07 国庆节 1.5").unwrap(),
        distance: rules::DistanceRule {
            centre_lat: 31.23,
            centre_lng: 121.47,
            free_radius_m: 10_000,
            per_km: Fen::new(200),
            max_fee: Fen::new(3_000),
        },
        series_discounts: rules::parse_series_discounts("4 9.5\n8 9", 8).unwrap(),
    }
}

fn at(units: i32, start: i64) -> QuoteRequest {
    QuoteRequest { start: Some(start), ..QuoteRequest::units(units) }
}

fn kinds(q: &Quote) -> Vec<(LineKind, i64)> {
    q.lines.iter().map(|l| (l.kind, l.amount.get())).collect()
}

#[test]
fn a_peak_hour_multiplies_the_base_line_and_is_itemized() {
    let q = quote(&daily_cleaning(), &strategy(), &at(2, WED_18H)).unwrap();
    // ¥90 base, ×1.2 → ¥18 surcharge.
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::TimeSurcharge, 1_800)]);
    assert_eq!(q.lines[1].label, "高峰时段 17:00–20:00加价 ×1.2");
    assert_eq!(q.total, Fen::new(10_800));
}

#[test]
fn off_peak_weekdays_cost_the_list_price() {
    let q = quote(&daily_cleaning(), &strategy(), &at(2, WED_10H)).unwrap();
    assert_eq!(q.total, Fen::new(9_000));
}

#[test]
fn weekends_use_the_weekend_multiplier() {
    let q = quote(&daily_cleaning(), &strategy(), &at(2, SAT_10H)).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::TimeSurcharge, 1_350)]);
    assert_eq!(q.lines[1].label, "周末加价 ×1.15");
}

#[test]
fn holidays_come_from_the_admin_calendar() {
    let q = quote(&daily_cleaning(), &strategy(), &at(2, NATIONAL_DAY_10H)).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::TimeSurcharge, 4_500)]);
    assert_eq!(q.lines[1].label, "节假日（国庆节）加价 ×1.5");
}

#[test]
fn overlapping_multipliers_never_stack_the_highest_applies() {
    let q = quote(&daily_cleaning(), &strategy(), &at(2, NATIONAL_WEEKEND_18H)).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::TimeSurcharge, 4_500)]);
}

#[test]
fn surcharges_round_down_to_the_fen() {
    // ¥0.45 × 3 = ¥1.35; ×1.15 → 0.2025 yuan surcharge → 20 fen.
    let sheet = PriceSheet { base_price: Fen::new(45), min_units: 1, ..daily_cleaning() };
    let q = quote(&sheet, &strategy(), &at(3, SAT_10H)).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 135), (LineKind::TimeSurcharge, 20)]);
}

#[test]
fn distance_inside_the_free_radius_costs_nothing() {
    let req = QuoteRequest { distance_m: Some(10_000), ..QuoteRequest::units(2) };
    assert_eq!(quote(&daily_cleaning(), &strategy(), &req).unwrap().total, Fen::new(9_000));
}

#[test]
fn distance_beyond_the_radius_is_charged_per_started_kilometre() {
    let req = QuoteRequest { distance_m: Some(12_001), ..QuoteRequest::units(2) };
    let q = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    // 2.001 km beyond → 3 started km × ¥2.
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::Distance, 600)]);
    assert_eq!(q.lines[1].quantity, 3);
}

#[test]
fn the_distance_fee_stops_at_its_cap() {
    let req = QuoteRequest { distance_m: Some(80_000), ..QuoteRequest::units(2) };
    let q = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::Distance, 3_000)]);
}

fn coupon(discount: Discount, min_spend: i64) -> CouponTerms {
    CouponTerms { name: "新人券".into(), discount, min_spend: Fen::new(min_spend), valid_from: WED_10H - 86_400, valid_until: WED_10H + 86_400 }
}

fn with_coupon(units: i32, c: CouponTerms) -> QuoteRequest {
    QuoteRequest { coupon: Some(c), now: WED_10H, ..QuoteRequest::units(units) }
}

#[test]
fn a_fixed_coupon_is_a_negative_line() {
    let q = quote(&daily_cleaning(), &strategy(), &with_coupon(2, coupon(Discount::Fixed(Fen::new(1_000)), 8_000))).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::Coupon, -1_000)]);
    assert_eq!(q.total, Fen::new(8_000));
}

#[test]
fn a_percentage_coupon_applies_to_everything_above_it_rounded_down() {
    let req = QuoteRequest { start: Some(WED_18H), distance_m: Some(12_500), ..with_coupon(2, coupon(Discount::Percent { off_bps: 1_500 }, 0)) };
    let q = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    // 90 + 18 + 6 = 114; 15% = 17.10.
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::TimeSurcharge, 1_800), (LineKind::Distance, 600), (LineKind::Coupon, -1_710)]);
    assert_eq!(q.total, Fen::new(9_690));
}

#[test]
fn a_coupon_below_its_minimum_spend_is_refused() {
    let req = with_coupon(2, coupon(Discount::Fixed(Fen::new(1_000)), 10_000));
    assert_eq!(quote(&daily_cleaning(), &strategy(), &req), Err(PricingError::CouponMinSpend { min: Fen::new(10_000) }));
}

#[test]
fn an_expired_or_future_coupon_is_refused() {
    let c = coupon(Discount::Fixed(Fen::new(1_000)), 0);
    let late = QuoteRequest { now: c.valid_until, ..with_coupon(2, c.clone()) };
    assert_eq!(quote(&daily_cleaning(), &strategy(), &late), Err(PricingError::CouponExpired));
    let early = QuoteRequest { now: c.valid_from - 1, ..with_coupon(2, c) };
    assert_eq!(quote(&daily_cleaning(), &strategy(), &early), Err(PricingError::CouponNotYetValid));
}

#[test]
fn a_coupon_never_takes_the_total_below_zero() {
    let q = quote(&daily_cleaning(), &strategy(), &with_coupon(2, coupon(Discount::Fixed(Fen::new(50_000)), 0))).unwrap();
    assert_eq!(q.total, Fen::ZERO);
}

#[test]
fn peak_windows_that_overlap_are_refused_naming_both_lines() {
    assert_eq!(rules::parse_peak_windows("07:00-09:00 1.1\n08:30-10:00 1.2"), Err(RuleError::PeakOverlap { line: 2, other: 1 }));
    // Touching windows do not overlap.
    assert!(rules::parse_peak_windows("07:00-09:00 1.1\n09:00-10:00 1.2").is_ok());
}

#[test]
fn peak_windows_must_end_after_they_start_and_have_a_sane_multiplier() {
    assert_eq!(rules::parse_peak_windows("20:00-17:00 1.2"), Err(RuleError::PeakEmpty { line: 1 }));
    assert_eq!(rules::parse_peak_windows("\n17:00-20:00 0.8"), Err(RuleError::LineMultiplier { line: 2 }));
    assert_eq!(rules::parse_peak_windows("17:00-20:00 30"), Err(RuleError::LineMultiplier { line: 1 }));
    assert_eq!(rules::parse_peak_windows("17点到20点 1.2"), Err(RuleError::PeakMalformed { line: 1 }));
    assert_eq!(rules::parse_peak_windows("25:00-26:00 1.2"), Err(RuleError::PeakMalformed { line: 1 }));
}

#[test]
fn rules_print_back_in_the_form_they_are_typed() {
    let rules = strategy();
    assert_eq!(rules.peak_text(), "07:00-09:00 1.1\n17:00-20:00 1.2");
    assert_eq!(rules::parse_peak_windows(&rules.peak_text()).unwrap(), rules.peak_windows);
    assert_eq!(rules::parse_holidays(&rules.holiday_text()).unwrap(), rules.holidays);
    assert_eq!(rules.holidays.len(), 7);
    // A range typed as one line prints back as one line.
    assert_eq!(rules.holiday_text(), "2027-10-01~2027-10-07 国庆节 1.5");
    let mixed = rules::parse_holidays("2027-01-01 元旦 1.3\n2027-01-02 元旦 1.3\n2027-01-03 元旦 1.2\n2027-01-05 元旦 1.2").unwrap();
    let mixed_rules = PricingRules { holidays: mixed, ..strategy() };
    assert_eq!(mixed_rules.holiday_text(), "2027-01-01~2027-01-02 元旦 1.3\n2027-01-03 元旦 1.2\n2027-01-05 元旦 1.2");
}

#[test]
fn holidays_refuse_bad_dates_backwards_ranges_and_duplicates() {
    assert_eq!(rules::parse_holidays("2027-02-30 春节 1.5"), Err(RuleError::HolidayBadDate { line: 1 }));
    assert_eq!(rules::parse_holidays("2027-10-07~2027-10-01 国庆节 1.5"), Err(RuleError::HolidayBadRange { line: 1 }));
    assert_eq!(
        rules::parse_holidays("2027-10-01~2027-10-03 国庆节 1.5\n2027-10-03 重阳 1.2"),
        Err(RuleError::HolidayDuplicate { line: 2, date: "2027-10-03".into() })
    );
    assert_eq!(rules::parse_holidays("2027-10-01 1.5"), Err(RuleError::HolidayMalformed { line: 1 }));
}

#[test]
fn multipliers_parse_to_basis_points_within_range() {
    assert_eq!(rules::parse_multiplier("1.2"), Some(12_000));
    assert_eq!(rules::parse_multiplier("×1.25"), Some(12_500));
    assert_eq!(rules::parse_multiplier("1"), Some(10_000));
    assert_eq!(rules::parse_multiplier("3.01"), None);
    assert_eq!(rules::parse_multiplier("0.9"), None);
    assert_eq!(rules::parse_multiplier("-1.2"), None);
    assert_eq!(rules::multiplier_text(11_500), "1.15");
}

fn draft<'a>(kind: &'a str, value: &'a str, from: &'a str, to: &'a str) -> CouponDraft<'a> {
    CouponDraft { name: "双十二", kind, value, min_spend: "80", valid_from: from, valid_to: to, per_user_limit: "1", total_quantity: "100" }
}

#[test]
fn a_coupon_that_ends_before_it_starts_is_refused() {
    assert_eq!(parse_coupon(&draft("fixed", "10", "2026-12-12", "2026-12-01")), Err(CouponError::EndsBeforeStart));
}

#[test]
fn a_coupon_is_valid_through_its_last_beijing_day() {
    let c = parse_coupon(&draft("fixed", "10", "2026-12-01", "2026-12-01")).unwrap();
    assert_eq!(c.terms.valid_until - c.terms.valid_from, 86_400);
    // 2026-12-01 00:00 Beijing is 2026-11-30 16:00 UTC.
    assert_eq!(c.terms.valid_from, 1_796_054_400);
    assert_eq!(c.terms.headline(), "满¥80.00减¥10.00");
}

#[test]
fn coupon_amounts_must_be_sane() {
    assert_eq!(parse_coupon(&draft("fixed", "0", "2026-12-01", "2026-12-02")), Err(CouponError::FixedAmount));
    assert_eq!(parse_coupon(&draft("fixed", "-5", "2026-12-01", "2026-12-02")), Err(CouponError::FixedAmount));
    assert_eq!(parse_coupon(&draft("percent", "10", "2026-12-01", "2026-12-02")), Err(CouponError::Percent));
    assert_eq!(parse_coupon(&draft("percent", "0.5", "2026-12-01", "2026-12-02")), Err(CouponError::Percent));
    let c = parse_coupon(&draft("percent", "8.5", "2026-12-01", "2026-12-02")).unwrap();
    assert_eq!(c.terms.discount, Discount::Percent { off_bps: 1_500 });
    assert_eq!(c.terms.headline(), "满¥80.00打8.5折");
    let bad_limit = CouponDraft { per_user_limit: "0", ..draft("fixed", "10", "2026-12-01", "2026-12-02") };
    assert_eq!(parse_coupon(&bad_limit), Err(CouponError::PerUserLimit));
    assert_eq!(parse_coupon(&draft("fixed", "10", "明天", "2026-12-02")), Err(CouponError::ValidFrom));
}

fn rules_strategy() -> impl Strategy<Value = PricingRules> {
    (
        proptest::collection::vec((0u16..24, 1u16..5, 10_000u32..=30_000), 0..4),
        10_000u32..=30_000,
        proptest::collection::vec((0i64..400, 10_000u32..=30_000), 0..10),
        (0u32..30_000, 0i64..1_000, 0i64..10_000),
    )
        .prop_map(|(peaks, weekend_bps, holidays, (free_radius_m, per_km, max_fee))| {
            // Windows on distinct hours cannot overlap: keep the first per hour.
            let mut peak_windows: Vec<rules::PeakWindow> = Vec::new();
            for (hour, len, bps) in peaks {
                let w = rules::PeakWindow { start_minute: hour * 60, end_minute: (hour * 60 + len * 30).min(1_440), multiplier_bps: bps };
                if !peak_windows.iter().any(|o| o.start_minute < w.end_minute && w.start_minute < o.end_minute) {
                    peak_windows.push(w);
                }
            }
            let first = time::macros::date!(2026 - 11 - 01);
            let mut days: Vec<Holiday> = Vec::new();
            for (offset, bps) in holidays {
                let date = rules::date_text(first + time::Duration::days(offset));
                if !days.iter().any(|h| h.date == date) {
                    days.push(Holiday { date, name: "节日".into(), multiplier_bps: bps });
                }
            }
            PricingRules {
                peak_windows,
                weekend_bps,
                holidays: days,
                distance: rules::DistanceRule { centre_lat: 31.23, centre_lng: 121.47, free_radius_m, per_km: Fen::new(per_km), max_fee: Fen::new(max_fee) },
                series_discounts: Vec::new(),
            }
        })
}

fn coupon_strategy() -> impl Strategy<Value = Option<CouponTerms>> {
    proptest::option::of(
        (prop_oneof![(1i64..20_000).prop_map(|f| Discount::Fixed(Fen::new(f))), (100u32..=9_000).prop_map(|off_bps| Discount::Percent { off_bps })], 0i64..50_000, -3i64..3)
            .prop_map(|(discount, min_spend, window)| CouponTerms {
                name: "券".into(),
                discount,
                min_spend: Fen::new(min_spend),
                valid_from: WED_10H + window * 86_400,
                valid_until: WED_10H + (window + 2) * 86_400,
            }),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_096))]

    /// Quote = charge over random services, rules, coupons, times and
    /// addresses: the quote is a pure function of its inputs (re-running it
    /// at payment gives the identical amount), the total is the sum of the
    /// lines, never negative, and every derived line follows the one
    /// rounding rule.
    #[test]
    fn quote_equals_charge_over_random_rules_coupons_times_and_addresses(
        sheet in sheet_strategy(),
        rules in rules_strategy(),
        units in 1i32..10,
        start in proptest::option::of(WED_10H - 30 * 86_400..WED_10H + 400 * 86_400),
        distance_m in proptest::option::of(0u32..80_000),
        coupon in coupon_strategy(),
        picks in proptest::collection::vec(0usize..6, 0..3),
        series_visits in 1u8..=8,
        package in proptest::option::of((2u8..=8, 5_000u32..10_000)),
    ) {
        let mut codes: Vec<String> = picks.iter().map(|i| format!("a{i}")).collect();
        codes.dedup();
        let rules = PricingRules { series_discounts: package.map(|(min_visits, price_bps)| rules::SeriesDiscount { min_visits, price_bps }).into_iter().collect(), ..rules };
        let req = QuoteRequest { units, addon_codes: codes, start, distance_m, coupon: coupon.clone(), now: WED_10H, series_visits };
        let shown = quote(&sheet, &rules, &req);
        // Payment re-prices from what was stored, through a serialization round trip.
        let stored_rules: PricingRules = serde_json_like_round_trip(&rules);
        let charged = quote(&sheet.clone(), &stored_rules, &req.clone());
        prop_assert_eq!(&shown, &charged);

        if let Ok(q) = shown {
            let sum: i64 = q.lines.iter().map(|l| l.amount.get()).sum();
            prop_assert_eq!(q.total, Fen::new(sum));
            prop_assert!(q.total >= Fen::ZERO);
            let base = q.lines[0].amount;
            for line in &q.lines {
                prop_assert_eq!(line.unit_price.checked_mul(i64::from(line.quantity)), Some(line.amount));
                match line.kind {
                    LineKind::TimeSurcharge => {
                        // floor(base × (m − 1)) for some multiplier ≤ 3.00.
                        prop_assert!(line.amount > Fen::ZERO && line.amount.get() <= base.get() * 2);
                    }
                    LineKind::Distance => {
                        prop_assert!(distance_m.is_some());
                        prop_assert!(line.amount <= rules.distance.max_fee);
                    }
                    LineKind::Coupon => prop_assert!(line.amount < Fen::ZERO),
                    LineKind::SeriesDiscount => {
                        // Never more than half the service, and only from its tier on.
                        let (min_visits, _) = package.unwrap();
                        prop_assert!(series_visits >= min_visits);
                        let service: i64 = q.lines.iter().filter(|l| matches!(l.kind, LineKind::Base | LineKind::AddOn)).map(|l| l.amount.get()).sum();
                        prop_assert!(line.amount < Fen::ZERO && 2 * -line.amount.get() <= service + 1);
                    }
                    LineKind::Base | LineKind::AddOn => prop_assert!(line.amount >= Fen::ZERO),
                }
            }
            if let Some(c) = &coupon {
                let subtotal = Fen::new(sum) - q.lines.iter().filter(|l| l.kind == LineKind::Coupon).map(|l| l.amount).fold(Fen::ZERO, |a, b| a + b);
                prop_assert!(subtotal >= c.min_spend);
                prop_assert_eq!(Fen::new(sum), subtotal - c.discount_on(subtotal));
            }
            if start.is_none() {
                prop_assert!(!q.lines.iter().any(|l| l.kind == LineKind::TimeSurcharge));
            }
        }
    }
}

/// Rules are stored as JSON text; the quote at payment reads them back.
fn serde_json_like_round_trip(rules: &PricingRules) -> PricingRules {
    serde_json::from_str(&serde_json::to_string(rules).unwrap()).unwrap()
}

#[test]
fn retime_to_an_off_peak_hour_drops_only_the_surcharge() {
    let req = QuoteRequest { start: Some(WED_18H), distance_m: Some(12_500), ..with_coupon(2, coupon(Discount::Fixed(Fen::new(1_000)), 0)) };
    let paid = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    let moved = retime(&paid, &strategy(), WED_10H).unwrap();
    assert_eq!(kinds(&moved), vec![(LineKind::Base, 9_000), (LineKind::Distance, 600), (LineKind::Coupon, -1_000)]);
    assert_eq!(moved.total, Fen::new(8_600));
}

#[test]
fn retime_into_a_peak_hour_adds_its_surcharge_after_the_add_ons() {
    let paid = quote(&daily_cleaning(), &strategy(), &QuoteRequest { start: Some(WED_10H), distance_m: Some(12_500), ..request(2, &["fridge"]) }).unwrap();
    let moved = retime(&paid, &strategy(), NATIONAL_DAY_10H).unwrap();
    assert_eq!(kinds(&moved), vec![(LineKind::Base, 9_000), (LineKind::AddOn, 3_000), (LineKind::TimeSurcharge, 4_500), (LineKind::Distance, 600)]);
    assert_eq!(moved.lines[2].label, "节假日（国庆节）加价 ×1.5");
}

#[test]
fn retime_at_the_same_multiplier_changes_nothing() {
    let paid = quote(&daily_cleaning(), &strategy(), &at(2, SAT_10H)).unwrap();
    assert_eq!(retime(&paid, &strategy(), SAT_10H + 3_600).unwrap(), paid);
}

#[test]
fn retime_never_takes_an_order_below_zero_the_coupon_shrinks() {
    // ¥90 + ¥18 peak = ¥108, a ¥100 coupon leaves ¥8; off peak the coupon can only take ¥90.
    let req = QuoteRequest { start: Some(WED_18H), ..with_coupon(2, coupon(Discount::Fixed(Fen::new(10_000)), 0)) };
    let paid = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    assert_eq!(paid.total, Fen::new(800));
    let moved = retime(&paid, &strategy(), WED_10H).unwrap();
    assert_eq!(kinds(&moved), vec![(LineKind::Base, 9_000), (LineKind::Coupon, -9_000)]);
    assert_eq!(moved.total, Fen::ZERO);
}

/// 4 visits at ¥90 + ¥30 fridge, in the evening peak, 12.5 km out.
fn package_visit(series_visits: u8) -> QuoteRequest {
    QuoteRequest { start: Some(WED_18H), distance_m: Some(12_500), series_visits, ..request(2, &["fridge"]) }
}

#[test]
fn a_series_at_a_package_tier_pays_its_price_on_the_service_not_on_surcharges_or_fees() {
    let q = quote(&daily_cleaning(), &strategy(), &package_visit(4)).unwrap();
    assert_eq!(
        kinds(&q),
        vec![(LineKind::Base, 9_000), (LineKind::AddOn, 3_000), (LineKind::TimeSurcharge, 1_800), (LineKind::Distance, 600), (LineKind::SeriesDiscount, -600)]
    );
    assert_eq!(q.lines[4].label, "周期套餐（4次起）9.5折");
    assert_eq!(q.total, Fen::new(13_800));
}

#[test]
fn a_series_gets_the_deepest_tier_it_reaches_and_none_below_the_first() {
    let off = |visits| quote(&daily_cleaning(), &strategy(), &package_visit(visits)).unwrap().lines.iter().find(|l| l.kind == LineKind::SeriesDiscount).map(|l| l.amount.get());
    assert_eq!(off(1), None, "a single visit");
    assert_eq!(off(3), None, "below the first tier");
    assert_eq!(off(7), Some(-600));
    assert_eq!(off(8), Some(-1_200), "9折 from 8 visits");
}

#[test]
fn the_coupon_comes_off_what_the_package_price_leaves() {
    let req = QuoteRequest { series_visits: 8, ..with_coupon(2, coupon(Discount::Percent { off_bps: 1_000 }, 0)) };
    let q = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    assert_eq!(kinds(&q), vec![(LineKind::Base, 9_000), (LineKind::SeriesDiscount, -900), (LineKind::Coupon, -810)]);
    assert_eq!(q.total, Fen::new(7_290));
    assert_eq!((q.discounts(), q.package_discount()), (Fen::new(1_710), Fen::new(900)));
    assert_eq!(q.before_discounts(), Fen::new(9_000));
}

#[test]
fn a_surcharge_is_no_discount() {
    let req = QuoteRequest { start: Some(WED_18H), distance_m: Some(12_500), ..QuoteRequest::units(2) };
    let q = quote(&daily_cleaning(), &strategy(), &req).unwrap();
    assert_eq!(q.discounts(), Fen::ZERO);
}

#[test]
fn retime_keeps_a_visits_package_price_as_paid() {
    let paid = quote(&daily_cleaning(), &strategy(), &package_visit(4)).unwrap();
    let moved = retime(&paid, &strategy(), WED_10H).unwrap();
    assert_eq!(kinds(&moved), vec![(LineKind::Base, 9_000), (LineKind::AddOn, 3_000), (LineKind::Distance, 600), (LineKind::SeriesDiscount, -600)]);
    assert_eq!(moved.total, Fen::new(12_000));
}

#[test]
fn a_package_visit_keeps_the_tiers_it_was_booked_with_and_a_visit_at_list_price_none() {
    let visit = quote(&daily_cleaning(), &strategy(), &package_visit(4)).unwrap();
    assert_eq!(visit.package_tiers, strategy().series_discounts);
    assert_eq!(retime(&visit, &neutral(), WED_10H).unwrap().package_tiers, visit.package_tiers, "a move keeps them");
    assert!(quote(&daily_cleaning(), &strategy(), &package_visit(3)).unwrap().package_tiers.is_empty());
    let stored = serde_json::to_value(quote(&daily_cleaning(), &strategy(), &package_visit(1)).unwrap()).unwrap();
    assert!(stored.get("package_tiers").is_none(), "quotes without a package read and store as before");
}

/// `count` visits of a series booked `booked` visits long.
fn package_of(booked: u8, count: usize) -> Vec<Quote> {
    vec![quote(&daily_cleaning(), &strategy(), &package_visit(booked)).unwrap(); count]
}

#[test]
fn a_package_kept_whole_owes_nothing() {
    assert_eq!(package_shortfall(&package_of(4, 4), 4), Ok(Fen::ZERO));
    assert_eq!(package_shortfall(&package_of(8, 8), 8), Ok(Fen::ZERO));
    assert_eq!(package_shortfall(&[], 0), Ok(Fen::ZERO), "nothing kept, nothing owed");
}

#[test]
fn a_package_ended_below_its_lowest_tier_owes_every_kept_visits_discount() {
    // 9.5折 on ¥120 of service is ¥6.00 a visit.
    assert_eq!(package_shortfall(&package_of(4, 1), 1), Ok(Fen::new(600)));
    assert_eq!(package_shortfall(&package_of(4, 3), 3), Ok(Fen::new(1_800)));
}

#[test]
fn a_package_ended_at_a_lower_tier_owes_only_the_difference() {
    // Booked 8 at 9折 (¥12.00 off); 5 kept reach 9.5折 (¥6.00 off).
    assert_eq!(package_shortfall(&package_of(8, 5), 5), Ok(Fen::new(5 * 600)));
    assert_eq!(package_shortfall(&package_of(8, 7), 7), Ok(Fen::new(7 * 600)));
}

#[test]
fn a_package_never_owes_more_than_its_discount_or_for_a_visit_at_list_price() {
    assert_eq!(package_shortfall(&package_of(4, 4), 8), Ok(Fen::ZERO), "more visits than booked earn no more");
    let list_price = quote(&daily_cleaning(), &strategy(), &package_visit(1)).unwrap();
    assert_eq!(package_shortfall(&[list_price], 1), Ok(Fen::ZERO));
}

#[test]
fn a_package_is_settled_by_the_tiers_it_was_booked_with() {
    let mut visit = package_of(4, 1).remove(0);
    visit.package_tiers = rules::parse_series_discounts("2 9.8", 8).unwrap();
    // 2 kept reach 9.8折 (¥2.40 off of the ¥6.00 given).
    assert_eq!(package_shortfall(&[visit.clone()], 2), Ok(Fen::new(360)));
    visit.package_tiers.clear();
    assert_eq!(package_shortfall(&[visit], 1), Ok(Fen::ZERO), "booked before quotes kept their tiers: nothing to show, nothing owed");
}

#[test]
fn package_prices_parse_in_any_order_and_read_back_as_typed() {
    let tiers = rules::parse_series_discounts("8次 9折\n\n 4 9.5 ", 8).unwrap();
    assert_eq!(tiers, vec![rules::SeriesDiscount { min_visits: 4, price_bps: 9_500 }, rules::SeriesDiscount { min_visits: 8, price_bps: 9_000 }]);
    let rules = PricingRules { series_discounts: tiers, ..neutral() };
    assert_eq!(rules.series_discount_text(), "4 9.5\n8 9");
    assert_eq!(rules::parse_series_discounts("", 8), Ok(Vec::new()));
}

#[test]
fn a_package_price_line_that_cannot_be_read_names_its_line() {
    let parse = |text: &str| rules::parse_series_discounts(text, 8);
    assert_eq!(parse("4"), Err(RuleError::SeriesMalformed { line: 1 }));
    assert_eq!(parse("4 9.5\n四 9"), Err(RuleError::SeriesMalformed { line: 2 }));
    assert_eq!(parse("1 9.5"), Err(RuleError::SeriesVisits { line: 1 }));
    assert_eq!(parse("9 9.5"), Err(RuleError::SeriesVisits { line: 1 }), "more visits than a series has");
    for price in ["10", "4.9", "9.55", "95", "-9"] {
        assert_eq!(parse(&format!("4 {price}")), Err(RuleError::SeriesPrice { line: 1 }), "{price}");
    }
    assert_eq!(parse("4 9\n8 9.5"), Err(RuleError::SeriesNotDeeper { line: 2 }), "more visits dearer");
    assert_eq!(parse("8 9\n4 9"), Err(RuleError::SeriesNotDeeper { line: 1 }), "the same price twice");
    assert_eq!(parse("4 9\n4 8"), Err(RuleError::SeriesNotDeeper { line: 2 }), "the same visits twice");
}

#[test]
fn rules_saved_before_package_prices_read_back_with_none() {
    let mut saved = serde_json::to_value(neutral()).unwrap();
    saved.as_object_mut().unwrap().remove("series_discounts");
    let rules: PricingRules = serde_json::from_value(saved).unwrap();
    assert!(rules.series_discounts.is_empty());
}
