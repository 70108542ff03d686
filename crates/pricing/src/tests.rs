use super::*;
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
    QuoteRequest { units, addon_codes: codes.iter().map(|c| c.to_string()).collect() }
}

#[test]
fn base_line_is_base_price_times_units() {
    let q = quote(&daily_cleaning(), &request(3, &[])).unwrap();
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
    let q = quote(&daily_cleaning(), &request(2, &["window", "fridge"])).unwrap();
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
    assert_eq!(quote(&daily_cleaning(), &request(1, &[])), Err(PricingError::UnitsBelowMinimum { min: 2 }));
    assert!(quote(&daily_cleaning(), &request(2, &[])).is_ok());
}

#[test]
fn units_above_the_maximum_are_refused() {
    assert_eq!(quote(&daily_cleaning(), &request(9, &[])), Err(PricingError::UnitsAboveMaximum { max: 8 }));
    assert!(quote(&daily_cleaning(), &request(8, &[])).is_ok());
}

#[test]
fn zero_or_negative_units_are_refused_even_if_the_sheet_allows_them() {
    let sheet = PriceSheet { min_units: 0, ..daily_cleaning() };
    assert_eq!(quote(&sheet, &request(0, &[])), Err(PricingError::UnitsBelowMinimum { min: 1 }));
    assert_eq!(quote(&sheet, &request(-3, &[])), Err(PricingError::UnitsBelowMinimum { min: 1 }));
}

#[test]
fn unknown_add_on_is_refused_not_ignored() {
    assert_eq!(
        quote(&daily_cleaning(), &request(2, &["fridge", "oven"])),
        Err(PricingError::UnknownAddOn("oven".into()))
    );
}

#[test]
fn duplicate_add_on_is_refused_not_charged_twice() {
    assert_eq!(
        quote(&daily_cleaning(), &request(2, &["fridge", "window", "fridge"])),
        Err(PricingError::DuplicateAddOn("fridge".into()))
    );
}

#[test]
fn overflowing_amounts_are_an_error_not_a_wrapped_price() {
    let huge = PriceSheet { base_price: Fen::new(i64::MAX / 2), max_units: 100, ..daily_cleaning() };
    assert_eq!(quote(&huge, &request(3, &[])), Err(PricingError::Overflow));
    // The base line fits but adding an add-on does not.
    let edge = PriceSheet { base_price: Fen::new(i64::MAX / 2), min_units: 1, ..daily_cleaning() };
    assert!(quote(&edge, &request(2, &[])).is_ok());
    assert_eq!(quote(&edge, &request(2, &["fridge"])), Err(PricingError::Overflow));
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
        let req = QuoteRequest { units, addon_codes: picks.iter().map(|i| format!("a{i}")).collect() };
        let first = quote(&sheet, &req);
        // The same function computes the amount charged: running it again at
        // payment time must give the identical quote.
        prop_assert_eq!(&first, &quote(&sheet.clone(), &req.clone()));

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
        }
    }
}
