use super::*;
use proptest::prelude::*;

/// 2024-01-01 00:00 in Beijing, a Monday (2023-12-31 16:00 UTC, a Sunday).
const MONDAY: i64 = 1_704_038_400;
const HOUR: i64 = 3600;
const SKILL: &str = "daily_cleaning";
/// 天安门
const HOME: GeoPoint = GeoPoint::new(39.9042, 116.4074);

/// Local time on the Monday of the test week plus `day` days.
fn at(day: i64, hour: i64, minute: i64) -> i64 {
    MONDAY + day * 24 * HOUR + hour * HOUR + minute * 60
}

/// A point `km` kilometres due north of `HOME`.
fn north(km: f64) -> GeoPoint {
    GeoPoint::new(HOME.lat + km / 111.194_926_6, HOME.lng)
}

fn every_day(start_minute: u16, end_minute: u16) -> Vec<WorkWindow> {
    (0..7).map(|weekday| WorkWindow { weekday, start_minute, end_minute }).collect()
}

/// An eligible worker for `job_at(...)`: skilled, at home near the job,
/// working 08:00–20:00 every day, free.
fn worker(id: i64) -> Candidate {
    Candidate {
        worker_id: id,
        receives_orders: true,
        skills: vec!["deep_cleaning".into(), SKILL.into()],
        home: HOME,
        area_radius_km: 10.0,
        hours: every_day(8 * 60, 20 * 60),
        leave_days: vec![],
        busy: vec![],
        rating: 4.5,
        active_orders: 0,
        record: Record::default(),
        favored: false,
        gender: Some("female".into()),
        certified: false,
        certified_through: None,
        health_through: None,
    }
}

fn job_at(start: i64, hours: i64) -> Job {
    Job { skill: SKILL.into(), location: north(2.0), start, end: start + hours * HOUR, worker_gender: None, needs_certificate: false }
}

fn check(c: &Candidate, job: &Job) -> Vec<RuleFailure> {
    hard_check(c, job, &TravelModel::default(), &[])
}

// --- geometry and time -----------------------------------------------------

#[test]
fn distance_is_haversine_on_a_6371_km_earth() {
    let shanghai = GeoPoint::new(31.2304, 121.4737);
    let d = distance_km(HOME, shanghai);
    assert!((d - 1067.3).abs() < 1.0, "{d}");
    assert_eq!(distance_km(HOME, HOME), 0.0);
    assert!((distance_km(HOME, shanghai) - distance_km(shanghai, HOME)).abs() < 1e-9);
    // One degree of latitude is 6371 × π / 180 km.
    let one_degree = distance_km(GeoPoint::new(0.0, 0.0), GeoPoint::new(1.0, 0.0));
    assert!((one_degree - 111.194_926_6).abs() < 1e-6, "{one_degree}");
}

#[test]
fn travel_time_is_road_distance_at_city_speed_rounded_up() {
    let model = TravelModel::default();
    assert_eq!(model, TravelModel { speed_kmh: 25.0, road_factor: 1.3 });
    let secs = model.travel_secs(HOME, north(10.0));
    // 10 km × 1.3 / 25 km/h = 0.52 h = 1872 s
    assert!((1872..=1873).contains(&secs), "{secs}");
    assert_eq!(model.travel_secs(HOME, HOME), 0);
    let exact = distance_km(HOME, north(10.0)) * 1.3 / 25.0 * 3600.0;
    assert_eq!(secs, exact.ceil() as i64);
}

#[test]
fn travel_with_no_speed_never_fits_any_buffer() {
    let stuck = TravelModel { speed_kmh: 0.0, road_factor: 1.3 };
    assert_eq!(stuck.travel_secs(HOME, north(1.0)), i64::MAX);
    assert_eq!(stuck.travel_secs(HOME, HOME), 0);
}

#[test]
fn local_weekday_and_midnight_use_beijing_time() {
    assert_eq!(local_weekday(MONDAY), 0);
    assert_eq!(local_day_start(MONDAY), MONDAY);
    // 07:59 local Monday is still Sunday 23:59 in UTC.
    assert_eq!(local_weekday(at(0, 7, 59)), 0);
    assert_eq!(local_day_start(at(0, 23, 59)), MONDAY);
    assert_eq!(local_weekday(MONDAY - 1), 6);
    assert_eq!(local_day_start(MONDAY - 1), MONDAY - 24 * HOUR);
    assert_eq!(local_weekday(at(6, 12, 0)), 6);
    assert_eq!(local_weekday(at(7, 0, 0)), 0);
    // Before the epoch too.
    assert_eq!(local_weekday(-8 * HOUR), 3);
}

// --- hard rules --------------------------------------------------------------

#[test]
fn eligible_worker_passes_every_rule() {
    assert_eq!(check(&worker(1), &job_at(at(0, 9, 0), 3)), vec![]);
}

#[test]
fn worker_not_receiving_orders_is_excluded() {
    let c = Candidate { receives_orders: false, ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 9, 0), 3)), vec![RuleFailure::NotReceivingOrders]);
}

#[test]
fn a_worker_of_another_gender_than_the_customer_asked_for_is_excluded() {
    let job = Job { worker_gender: Some("male".into()), ..job_at(at(0, 9, 0), 3) };
    assert_eq!(check(&worker(1), &job), vec![RuleFailure::GenderMismatch]);
    let unstated = Candidate { gender: None, ..worker(2) };
    assert_eq!(check(&unstated, &job), vec![RuleFailure::GenderMismatch], "an unstated gender matches no preference");
    assert!(check(&unstated, &job_at(at(0, 9, 0), 3)).is_empty(), "no preference: anyone");
    let query = SlotQuery { worker_gender: Some("male".into()), ..slot_query(0) };
    assert!(day_slots(&[worker(1)], &query, &TravelModel::default(), &[]).iter().all(|s| !s.is_bookable()));
    let male = Candidate { gender: Some("male".into()), ..worker(3) };
    assert!(day_slots(&[worker(1), male], &query, &TravelModel::default(), &[]).iter().any(|s| s.available_workers == 1));
}

#[test]
fn a_category_that_needs_a_certificate_excludes_workers_without_one() {
    let job = Job { needs_certificate: true, ..job_at(at(0, 9, 0), 3) };
    assert_eq!(check(&worker(1), &job), vec![RuleFailure::MissingCertificate]);
    assert!(check(&Candidate { certified: true, ..worker(1) }, &job).is_empty());
    let query = SlotQuery { needs_certificate: true, ..slot_query(0) };
    assert!(day_slots(&[worker(1)], &query, &TravelModel::default(), &[]).iter().all(|s| !s.is_bookable()));
    assert!(day_slots(&[Candidate { certified: true, ..worker(2) }], &query, &TravelModel::default(), &[]).iter().any(|s| s.is_bookable()));
}

#[test]
fn a_certificate_counts_through_its_last_valid_day_and_not_after() {
    let job = Job { needs_certificate: true, ..job_at(at(3, 9, 0), 3) };
    let job_day = local_day_number(at(3, 9, 0));
    let through = |last: i64| Candidate { certified: true, certified_through: Some(last), ..worker(1) };
    assert!(check(&through(job_day), &job).is_empty(), "valid on the job's day");
    assert_eq!(check(&through(job_day - 1), &job), vec![RuleFailure::CertificateExpired]);
    assert_eq!(
        check(&Candidate { certified_through: Some(job_day - 1), ..worker(1) }, &job),
        vec![RuleFailure::MissingCertificate],
        "no certificate at all is reported as missing, not as lapsed"
    );
    let query = SlotQuery { needs_certificate: true, ..slot_query(3) };
    assert!(day_slots(&[through(job_day - 1)], &query, &TravelModel::default(), &[]).iter().all(|s| !s.is_bookable()));
    assert!(day_slots(&[through(job_day)], &query, &TravelModel::default(), &[]).iter().any(|s| s.is_bookable()));
    let no_certificate_needed = job_at(at(3, 9, 0), 3);
    assert!(check(&through(job_day - 1), &no_certificate_needed).is_empty(), "a lapsed certificate matters only where one is needed");
}

#[test]
fn a_lapsed_health_certificate_excludes_the_worker_from_every_service() {
    let job = job_at(at(3, 9, 0), 3);
    let job_day = local_day_number(at(3, 9, 0));
    assert!(check(&Candidate { health_through: Some(job_day), ..worker(1) }, &job).is_empty());
    let lapsed = Candidate { health_through: Some(job_day - 1), ..worker(1) };
    assert_eq!(check(&lapsed, &job), vec![RuleFailure::HealthCertificateExpired]);
    assert!(day_slots(&[lapsed], &slot_query(3), &TravelModel::default(), &[]).iter().all(|s| !s.is_bookable()));
    let earlier_job = job_at(at(2, 9, 0), 3);
    assert!(check(&Candidate { health_through: Some(job_day - 1), ..worker(1) }, &earlier_job).is_empty(), "still valid the day before");
}

#[test]
fn worker_without_the_skill_is_excluded() {
    let c = Candidate { skills: vec!["maternity_nanny".into()], ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 9, 0), 3)), vec![RuleFailure::MissingSkill]);
}

#[test]
fn address_must_lie_inside_the_service_radius() {
    let c = Candidate { area_radius_km: 5.0, ..worker(1) };
    let inside = Job { location: north(4.9), ..job_at(at(0, 9, 0), 3) };
    let outside = Job { location: north(5.1), ..job_at(at(0, 9, 0), 3) };
    assert_eq!(check(&c, &inside), vec![]);
    assert_eq!(check(&c, &outside), vec![RuleFailure::OutsideArea]);
}

#[test]
fn job_must_fit_inside_working_hours_boundaries_included() {
    let c = Candidate { hours: every_day(9 * 60, 12 * 60), ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 9, 0), 3)), vec![], "exactly the window");
    assert_eq!(check(&c, &job_at(at(0, 8, 59), 1)), vec![RuleFailure::OutsideWorkingHours]);
    assert_eq!(check(&c, &job_at(at(0, 11, 1), 1)), vec![RuleFailure::OutsideWorkingHours]);
}

#[test]
fn a_day_off_excludes_every_job_on_that_beijing_day_only() {
    let day_off = crate::local_day_number(at(1, 12, 0));
    let c = Candidate { leave_days: vec![day_off], ..worker(1) };
    assert_eq!(check(&c, &job_at(at(1, 8, 0), 2)), vec![RuleFailure::OnLeave]);
    assert_eq!(check(&c, &job_at(at(1, 18, 0), 2)), vec![RuleFailure::OnLeave]);
    assert_eq!(check(&c, &job_at(at(0, 18, 0), 2)), vec![], "the day before is a working day");
    assert_eq!(check(&c, &job_at(at(2, 8, 0), 2)), vec![], "the day after is a working day");
}

#[test]
fn job_must_fit_inside_one_window_not_two_adjacent_ones() {
    let split = vec![
        WorkWindow { weekday: 0, start_minute: 8 * 60, end_minute: 12 * 60 },
        WorkWindow { weekday: 0, start_minute: 13 * 60, end_minute: 18 * 60 },
    ];
    let c = Candidate { hours: split, ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 8, 0), 4)), vec![]);
    assert_eq!(check(&c, &job_at(at(0, 13, 0), 5)), vec![]);
    assert_eq!(check(&c, &job_at(at(0, 11, 0), 3)), vec![RuleFailure::OutsideWorkingHours]);
}

#[test]
fn working_hours_only_apply_on_their_weekday() {
    // Works Tuesdays only.
    let c =
        Candidate { hours: vec![WorkWindow { weekday: 1, start_minute: 8 * 60, end_minute: 20 * 60 }], ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 9, 0), 3)), vec![RuleFailure::OutsideWorkingHours]);
    assert_eq!(check(&c, &job_at(at(1, 9, 0), 3)), vec![]);
}

#[test]
fn weekday_is_the_local_one_when_utc_is_still_the_day_before() {
    // Monday 07:00–09:00 in Beijing is Sunday 23:00 – Monday 01:00 UTC.
    let job = job_at(at(0, 7, 0), 2);
    let monday_morning =
        Candidate { hours: vec![WorkWindow { weekday: 0, start_minute: 7 * 60, end_minute: 10 * 60 }], ..worker(1) };
    assert_eq!(check(&monday_morning, &job), vec![]);
    // A window that only matches if the job were read in UTC (Sunday 23:00–).
    let sunday_night_utc_reading =
        Candidate { hours: vec![WorkWindow { weekday: 6, start_minute: 23 * 60, end_minute: 24 * 60 }], ..worker(2) };
    assert_eq!(check(&sunday_night_utc_reading, &job), vec![RuleFailure::OutsideWorkingHours]);
}

#[test]
fn a_job_of_many_days_fits_working_hours_that_hold_its_hours_on_its_first_day() {
    let c = Candidate { hours: every_day(8 * 60, 18 * 60), ..worker(1) };
    let contract = |hour: i64| Job { end: at(25, 17, 0), ..job_at(at(0, hour, 0), 1) };
    assert_eq!(contract(9).first_day(), (at(0, 9, 0), at(0, 17, 0)));
    assert_eq!(check(&c, &contract(9)), vec![], "09:00–17:00 every day for 26 days");
    assert_eq!(check(&c, &contract(7)), vec![RuleFailure::OutsideWorkingHours], "from 07:00 each day");
}

#[test]
fn job_running_past_local_midnight_is_outside_working_hours() {
    let c = Candidate { hours: every_day(0, 24 * 60), ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 21, 0), 3)), vec![]);
    assert_eq!(check(&c, &job_at(at(0, 22, 0), 3)), vec![RuleFailure::OutsideWorkingHours]);
}

#[test]
fn overlapping_busy_interval_is_a_clash() {
    let busy = Busy { start: at(0, 10, 0), end: at(0, 12, 0), location: north(2.0) };
    let c = Candidate { busy: vec![busy], ..worker(1) };
    assert_eq!(check(&c, &job_at(at(0, 11, 0), 2)), vec![RuleFailure::Overlaps { other_start: at(0, 10, 0) }]);
    // Same address: back-to-back needs no buffer.
    assert_eq!(check(&c, &job_at(at(0, 12, 0), 2)), vec![]);
    assert_eq!(check(&c, &job_at(at(0, 8, 0), 2)), vec![]);
}

#[test]
fn travel_buffer_after_a_previous_job_fails_one_minute_short_and_passes_with_enough_gap() {
    let travel = TravelModel::default();
    let far = north(-8.0);
    let job_loc = north(2.0);
    let buffer = travel.travel_secs(far, job_loc);
    assert!(buffer > 30 * 60, "the test needs a real buffer: {buffer}");
    let busy = Busy { start: at(0, 8, 0), end: at(0, 10, 0), location: far };
    let c = Candidate { busy: vec![busy], area_radius_km: 20.0, ..worker(1) };

    let one_minute_short = Job { location: job_loc, ..job_at(busy.end + buffer - 60, 2) };
    assert_eq!(
        hard_check(&c, &one_minute_short, &travel, &[]),
        vec![RuleFailure::Overlaps { other_start: busy.start }]
    );
    let just_enough = Job { location: job_loc, ..job_at(busy.end + buffer, 2) };
    assert_eq!(hard_check(&c, &just_enough, &travel, &[]), vec![]);
}

#[test]
fn travel_buffer_before_a_later_job_counts_too() {
    let travel = TravelModel::default();
    let far = north(-8.0);
    let job = job_at(at(0, 9, 0), 2);
    let buffer = travel.travel_secs(job.location, far);
    let later = |start| Busy { start, end: start + 2 * HOUR, location: far };

    let tight = Candidate { busy: vec![later(job.end + buffer - 60)], area_radius_km: 20.0, ..worker(1) };
    assert_eq!(
        hard_check(&tight, &job, &travel, &[]),
        vec![RuleFailure::Overlaps { other_start: job.end + buffer - 60 }]
    );
    let roomy = Candidate { busy: vec![later(job.end + buffer)], area_radius_km: 20.0, ..worker(1) };
    assert_eq!(hard_check(&roomy, &job, &travel, &[]), vec![]);
}

/// A stand-in for a routing service: a fixed time for every trip.
struct FixedTrip(i64);

impl Travel for FixedTrip {
    fn travel_secs(&self, a: GeoPoint, b: GeoPoint) -> i64 {
        if a == b { 0 } else { self.0 }
    }
    fn road_km(&self, _: GeoPoint, _: GeoPoint) -> f64 {
        1.0
    }
}

#[test]
fn first_clash_names_the_busy_job_the_new_one_cannot_be_reached_from_in_time() {
    let travel = TravelModel::default();
    let far = north(-8.0);
    let morning = Busy { start: at(0, 8, 0), end: at(0, 10, 0), location: far };
    let evening = Busy { start: at(0, 18, 0), end: at(0, 20, 0), location: far };
    let back_to_back = job_at(at(0, 10, 0), 2);
    assert_eq!(first_clash(&[evening, morning], &back_to_back, &travel), Some(morning.start));
    let later = job_at(morning.end + travel.travel_secs(far, back_to_back.location), 2);
    assert_eq!(first_clash(&[evening, morning], &later, &travel), None);
}

#[test]
fn the_rules_ask_whatever_travel_source_they_are_given() {
    let morning = Busy { start: at(0, 8, 0), end: at(0, 10, 0), location: north(-8.0) };
    let c = Candidate { busy: vec![morning], area_radius_km: 20.0, ..worker(1) };
    let half_past_ten = job_at(at(0, 10, 30), 2);
    assert_eq!(hard_check(&c, &half_past_ten, &FixedTrip(20 * 60), &[]), vec![]);
    assert_eq!(hard_check(&c, &half_past_ten, &FixedTrip(40 * 60), &[]), vec![RuleFailure::Overlaps { other_start: morning.start }]);
}

#[test]
fn an_explanation_ranks_the_eligible_and_gives_every_rule_each_other_candidate_broke() {
    let job = job_at(at(0, 9, 0), 2);
    let busy = Busy { start: at(0, 9, 30), end: at(0, 10, 0), location: HOME };
    let candidates = [
        worker(1),
        Candidate { receives_orders: false, busy: vec![busy], ..worker(2) },
        worker(3),
        Candidate { skills: Vec::new(), ..worker(4) },
    ];
    let travel = TravelModel::default();
    let why = explain(&candidates, &job, &travel, &[3], &Weights::default());
    assert_eq!(why.ranked, rank(&candidates, &job, &travel, &[3], &Weights::default()));
    assert_eq!(why.ranked.iter().map(|r| r.worker_id).collect::<Vec<_>>(), vec![1]);
    assert_eq!((why.eligible_count, why.excluded_count), (1, 3));
    let excluded: Vec<(i64, Vec<RuleFailure>)> = why.excluded.iter().map(|e| (e.worker_id, e.failures.clone())).collect();
    assert_eq!(
        excluded,
        vec![
            (2, vec![RuleFailure::NotReceivingOrders, RuleFailure::Overlaps { other_start: busy.start }]),
            (3, vec![RuleFailure::RefusedBefore]),
            (4, vec![RuleFailure::MissingSkill]),
        ]
    );
}

#[test]
fn a_kept_explanation_lists_the_best_and_the_nearest_excluded_and_counts_them_all() {
    let job = job_at(at(0, 9, 0), 2);
    let far = |id: i64, km: f64| Candidate { home: north(km), area_radius_km: 1.0, ..worker(id) };
    let candidates = [far(1, 8.0), worker(2), far(3, 3.0), worker(4), far(5, 5.0)];
    let why = explain(&candidates, &job, &TravelModel::default(), &[], &Weights::default());
    let kept = why.kept(2);
    assert_eq!((kept.eligible_count, kept.excluded_count), (2, 3));
    assert_eq!(kept.ranked, why.ranked);
    assert_eq!(kept.excluded.iter().map(|e| e.worker_id).collect::<Vec<_>>(), vec![3, 5], "nearest first");
    assert!(kept.excluded.iter().all(|e| e.failures == vec![RuleFailure::OutsideArea]));
}

#[test]
fn a_worker_who_refused_is_never_eligible_again() {
    let job = job_at(at(0, 9, 0), 3);
    assert_eq!(hard_check(&worker(1), &job, &TravelModel::default(), &[5, 1]), vec![RuleFailure::RefusedBefore]);
    assert_eq!(hard_check(&worker(2), &job, &TravelModel::default(), &[5, 1]), vec![]);
}

#[test]
fn every_broken_rule_is_reported_in_a_fixed_order() {
    let c = Candidate {
        receives_orders: false,
        skills: vec![],
        area_radius_km: 0.5,
        hours: vec![],
        busy: vec![
            Busy { start: at(0, 9, 0), end: at(0, 10, 0), location: HOME },
            Busy { start: at(0, 11, 0), end: at(0, 13, 0), location: HOME },
        ],
        ..worker(1)
    };
    assert_eq!(
        hard_check(&c, &job_at(at(0, 9, 30), 2), &TravelModel::default(), &[1]),
        vec![
            RuleFailure::NotReceivingOrders,
            RuleFailure::MissingSkill,
            RuleFailure::OutsideArea,
            RuleFailure::OutsideWorkingHours,
            RuleFailure::Overlaps { other_start: at(0, 9, 0) },
            RuleFailure::Overlaps { other_start: at(0, 11, 0) },
            RuleFailure::RefusedBefore,
        ]
    );
}

// --- scoring and ranking -----------------------------------------------------

#[test]
fn score_parts_follow_the_formulas() {
    let c = Candidate { home: north(2.0), rating: 4.0, active_orders: 3, ..worker(1) };
    let parts = score(&c, &job_at(at(0, 9, 0), 2), &TravelModel::default(), &Weights::default());
    assert_eq!(parts.travel_secs, 0);
    assert_eq!(parts.travel, 1.0);
    assert!((parts.rating - 0.8).abs() < 1e-12);
    assert_eq!((parts.tier, parts.fairness, parts.acceptance, parts.affinity), (0.4, 1.0, 0.8, 0.0));
    assert_eq!(parts.load, 0.25);
    let w = Weights::default();
    let expected = w.travel + w.rating * 0.8 + w.tier * 0.4 + w.fairness + w.acceptance * 0.8 + w.load * 0.25;
    assert!((parts.total - expected).abs() < 1e-12);

    // 30 minutes away halves the travel part.
    let half_hour = TravelModel { speed_kmh: 2.6, road_factor: 1.3 };
    let far = Candidate { home: HOME, ..worker(2) };
    let p = score(&far, &Job { location: north(1.0), ..job_at(at(0, 9, 0), 2) }, &half_hour, &Weights::default());
    assert!((p.travel_secs - 1800).abs() <= 1, "{}", p.travel_secs);
    assert!((p.travel - 0.5).abs() < 1e-3, "{}", p.travel);
}

#[test]
fn tier_is_newcomer_under_10_skilled_from_10_gold_from_50_with_a_4_8_rating() {
    assert_eq!(Tier::of(9, 5.0), Tier::Newcomer);
    assert_eq!(Tier::of(10, 3.0), Tier::Skilled);
    assert_eq!(Tier::of(50, 4.79), Tier::Skilled);
    assert_eq!(Tier::of(50, 4.8), Tier::Gold);
}

#[test]
fn fairness_favours_whoever_worked_and_earned_less_this_week() {
    let job = job_at(at(0, 9, 0), 2);
    let rested = Candidate { record: Record { minutes_7d: 0, earnings_fen_7d: 0, ..Record::default() }, ..worker(1) };
    let week = Record { minutes_7d: 20 * 60, earnings_fen_7d: 150_000, ..Record::default() };
    let busy_week = Candidate { record: week, ..worker(2) };
    let p = score(&busy_week, &job, &TravelModel::default(), &Weights::default());
    assert!((p.fairness - 0.5).abs() < 1e-12, "{}", p.fairness);
    let only_fairness = Weights { travel: 0.0, rating: 0.0, tier: 0.0, fairness: 1.0, acceptance: 0.0, affinity: 0.0, load: 0.0 };
    let ranked = rank(&[busy_week, rested], &job, &TravelModel::default(), &[], &only_fairness);
    assert_eq!(ranked[0].worker_id, 1);
}

#[test]
fn acceptance_rate_counts_from_five_answered_offers() {
    let job = job_at(at(0, 9, 0), 2);
    let few = Candidate { record: Record { offers_answered: 4, offers_accepted: 0, ..Record::default() }, ..worker(1) };
    assert_eq!(score(&few, &job, &TravelModel::default(), &Weights::default()).acceptance, 0.8);
    let picky = Candidate { record: Record { offers_answered: 10, offers_accepted: 3, ..Record::default() }, ..worker(1) };
    assert!((score(&picky, &job, &TravelModel::default(), &Weights::default()).acceptance - 0.3).abs() < 1e-12);
}

#[test]
fn the_customer_first_preset_puts_their_favourite_ahead_of_a_closer_worker() {
    let job = job_at(at(0, 9, 0), 2);
    let close = Candidate { home: north(2.0), ..worker(1) };
    let favourite = Candidate { home: north(-4.0), favored: true, ..worker(2) };
    let both = [close, favourite];
    let travel = TravelModel::default();
    assert_eq!(rank(&both, &job, &travel, &[], &Preset::EfficiencyFirst.weights())[0].worker_id, 1);
    assert_eq!(rank(&both, &job, &travel, &[], &Preset::CustomerFirst.weights())[0].worker_id, 2);
}

#[test]
fn weights_must_be_between_0_and_10_and_not_all_zero() {
    for preset in Preset::ALL {
        assert_eq!(preset.weights().validate(), Ok(()));
        assert_eq!(Preset::parse(preset.as_str()), Some(preset));
    }
    let zero = Weights { travel: 0.0, rating: 0.0, tier: 0.0, fairness: 0.0, acceptance: 0.0, affinity: 0.0, load: 0.0 };
    assert_eq!(zero.validate(), Err(WeightsError::AllZero));
    assert_eq!(Weights { travel: -0.1, ..zero }.validate(), Err(WeightsError::OutOfRange));
    assert_eq!(Weights { rating: 10.5, ..zero }.validate(), Err(WeightsError::OutOfRange));
    assert_eq!(Weights { load: f64::NAN, ..zero }.validate(), Err(WeightsError::OutOfRange));
}

#[test]
fn an_explanation_stored_before_the_new_parts_still_reads() {
    let old = r#"{"worker_id":7,"parts":{"travel":1.0,"rating":0.9,"load":0.5,"total":0.87,"travel_secs":120}}"#;
    let ranked: Ranked = serde_json::from_str(old).expect("old explanation parses");
    assert_eq!((ranked.worker_id, ranked.parts.tier, ranked.parts.travel_secs), (7, 0.0, 120));
}

#[test]
fn unrated_worker_gets_a_neutral_rating_not_zero() {
    let parts = score(
        &Candidate { rating: 0.0, ..worker(1) },
        &job_at(at(0, 9, 0), 2),
        &TravelModel::default(),
        &Weights::default(),
    );
    assert_eq!(parts.rating, 0.8);
}

#[test]
fn travel_is_measured_from_the_previous_job_that_day_not_from_home() {
    let job = job_at(at(0, 14, 0), 2);
    let previous = Busy { start: at(0, 9, 0), end: at(0, 12, 0), location: job.location };
    let earlier = Busy { start: at(0, 8, 0), end: at(0, 8, 30), location: north(-5.0) };
    let yesterday = Busy { start: at(-1, 15, 0), end: at(-1, 17, 0), location: north(-5.0) };
    let later = Busy { start: at(0, 18, 0), end: at(0, 19, 0), location: job.location };
    let travel = TravelModel::default();

    let c = Candidate { busy: vec![later, previous, earlier], area_radius_km: 20.0, ..worker(1) };
    assert_eq!(score(&c, &job, &travel, &Weights::default()).travel_secs, 0);

    // Yesterday's last job doesn't count: the worker starts from home.
    let c = Candidate { busy: vec![yesterday, later], area_radius_km: 20.0, ..worker(1) };
    assert_eq!(score(&c, &job, &travel, &Weights::default()).travel_secs, travel.travel_secs(HOME, job.location));
}

#[test]
fn ranking_puts_the_best_total_first_and_drops_ineligible_workers() {
    let job = job_at(at(0, 9, 0), 2);
    let near = Candidate { home: north(2.0), ..worker(3) };
    let far = Candidate { home: north(-6.0), ..worker(1) };
    let busy_one = Candidate { home: north(2.0), active_orders: 4, ..worker(2) };
    let unskilled = Candidate { skills: vec![], home: north(2.0), ..worker(4) };
    let ranked = rank(&[far, busy_one, unskilled, near], &job, &TravelModel::default(), &[], &Weights::default());
    let ids: Vec<_> = ranked.iter().map(|r| r.worker_id).collect();
    assert_eq!(ids, vec![3, 2, 1]);
    assert!(ranked.windows(2).all(|w| w[0].parts.total >= w[1].parts.total));
}

#[test]
fn ranking_ties_go_to_the_lower_worker_id_whatever_the_input_order() {
    let job = job_at(at(0, 9, 0), 2);
    let mut workers: Vec<_> = [5, 2, 9, 7].into_iter().map(worker).collect();
    let a = rank(&workers, &job, &TravelModel::default(), &[], &Weights::default());
    workers.reverse();
    let b = rank(&workers, &job, &TravelModel::default(), &[], &Weights::default());
    assert_eq!(a, b);
    assert_eq!(a.iter().map(|r| r.worker_id).collect::<Vec<_>>(), vec![2, 5, 7, 9]);
}

#[test]
fn ranking_excludes_workers_who_refused() {
    let job = job_at(at(0, 9, 0), 2);
    let ranked = rank(&[worker(1), worker(2)], &job, &TravelModel::default(), &[1], &Weights::default());
    assert_eq!(ranked.iter().map(|r| r.worker_id).collect::<Vec<_>>(), vec![2]);
}

#[test]
fn weights_change_who_wins() {
    let job = job_at(at(0, 9, 0), 2);
    let close_newcomer = Candidate { home: north(2.0), rating: 3.0, ..worker(1) };
    let far_star = Candidate { home: north(-7.0), rating: 5.0, ..worker(2) };
    let both = [close_newcomer, far_star];
    let by_travel = rank(&both, &job, &TravelModel::default(), &[], &Weights { travel: 1.0, rating: 0.0, tier: 0.0, fairness: 0.0, acceptance: 0.0, affinity: 0.0, load: 0.0 });
    let by_rating = rank(&both, &job, &TravelModel::default(), &[], &Weights { travel: 0.0, rating: 1.0, tier: 0.0, fairness: 0.0, acceptance: 0.0, affinity: 0.0, load: 0.0 });
    assert_eq!(by_travel[0].worker_id, 1);
    assert_eq!(by_rating[0].worker_id, 2);
}

fn candidate_strategy() -> impl Strategy<Value = Candidate> {
    (1i64..30, any::<bool>(), -8.0f64..8.0, 0.0f64..=5.0, 0u32..6, proptest::option::of((7i64..18, -8.0f64..8.0)))
        .prop_map(|(id, receives, km, rating, load, busy)| Candidate {
            receives_orders: receives,
            home: north(km),
            rating,
            active_orders: load,
            busy: busy
                .map(|(h, bkm)| Busy { start: at(0, h, 0), end: at(0, h + 1, 0), location: north(bkm) })
                .into_iter()
                .collect(),
            ..worker(id)
        })
}

proptest! {
    #[test]
    fn ranking_is_sorted_eligible_only_bounded_and_order_independent(
        mut candidates in proptest::collection::vec(candidate_strategy(), 0..8),
        start_hour in 8i64..18,
    ) {
        let job = job_at(at(0, start_hour, 0), 2);
        let travel = TravelModel::default();
        let weights = Weights::default();
        let ranked = rank(&candidates, &job, &travel, &[], &weights);

        let eligible = candidates.iter().filter(|c| hard_check(c, &job, &travel, &[]).is_empty()).count();
        prop_assert_eq!(ranked.len(), eligible);
        for pair in ranked.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert!(a.parts.total > b.parts.total || (a.parts.total == b.parts.total && a.worker_id <= b.worker_id));
        }
        for r in &ranked {
            for part in [r.parts.travel, r.parts.rating, r.parts.load] {
                prop_assert!((0.0..=1.0).contains(&part), "{:?}", r.parts);
            }
            // Default weights sum to 1; allow for float rounding of the sum.
            prop_assert!((0.0..=1.0 + 1e-12).contains(&r.parts.total), "{:?}", r.parts);
        }
        let mut ids: Vec<_> = candidates.iter().map(|c| c.worker_id).collect();
        ids.sort();
        ids.dedup();
        let distinct = ids.len() == candidates.len();
        candidates.reverse();
        let reversed = rank(&candidates, &job, &travel, &[], &weights);
        if distinct {
            prop_assert_eq!(&ranked, &reversed);
        }
        // Equal worker ids with different data could legitimately swap; compare
        // the id and score sequences, which must match.
        let key = |v: &[Ranked]| v.iter().map(|r| (r.worker_id, r.parts.total.to_bits())).collect::<Vec<_>>();
        let mut a = key(&ranked);
        let mut b = key(&reversed);
        a.sort();
        b.sort();
        prop_assert_eq!(a, b);
    }
}

/// Candidates varying every input of the hard rules: receiving orders,
/// skills, area, hours, a day off and busy time.
fn varied_candidate() -> impl Strategy<Value = Candidate> {
    let lapses = proptest::option::of(0i64..3);
    (candidate_strategy(), any::<bool>(), 0.0f64..12.0, 6u16..12, 14u16..22, proptest::option::of(0i64..3), lapses).prop_map(
        |(c, skilled, radius, from, to, leave, health_lapses)| Candidate {
            skills: if skilled { c.skills.clone() } else { vec!["maternity_nanny".into()] },
            area_radius_km: radius,
            hours: every_day(from * 60, to * 60),
            leave_days: leave.map(|d| local_day_number(at(d, 12, 0))).into_iter().collect(),
            health_through: health_lapses.map(|d| local_day_number(at(d, 12, 0))),
            ..c
        },
    )
}

proptest! {
    #[test]
    fn ranking_and_slots_take_exactly_the_workers_hard_check_passes(
        candidates in proptest::collection::vec(varied_candidate(), 0..8),
        refused in proptest::collection::vec(1i64..30, 0..3),
        day in 0i64..3,
        start_hour in 6i64..21,
        hours in 1i64..4,
        step in proptest::sample::select(vec![30u16, 60]),
    ) {
        let travel = TravelModel::default();
        let job = job_at(at(day, start_hour, 0), hours);
        for c in &candidates {
            let passes = hard_check(c, &job, &travel, &refused).is_empty();
            prop_assert_eq!(rules::eligible(c, &job, &travel, &refused), passes);
        }
        let query = SlotQuery { duration_secs: hours * HOUR, step_minutes: step, ..slot_query(day) };
        for slot in day_slots(&candidates, &query, &travel, &[]) {
            let job = Job { start: slot.start, end: slot.end, ..job_at(0, 0) };
            let n = candidates.iter().filter(|c| hard_check(c, &job, &travel, &[]).is_empty()).count();
            prop_assert_eq!(slot.available_workers as usize, n);
        }
    }
}

// --- slots ---------------------------------------------------------------------

fn slot_query(day: i64) -> SlotQuery {
    SlotQuery {
        skill: SKILL.into(),
        location: north(2.0),
        duration_secs: 2 * HOUR,
        earliest_start: at(day, 0, 0),
        day_start: at(day, 0, 0),
        first_minute: 8 * 60,
        last_start_minute: 18 * 60,
        step_minutes: 60,
        worker_gender: None,
        needs_certificate: false,
    }
}

#[test]
fn a_day_has_one_slot_per_step_from_first_to_last_start() {
    let slots = day_slots(&[worker(1)], &slot_query(0), &TravelModel::default(), &[]);
    assert_eq!(slots.len(), 11);
    assert_eq!(slots[0], Slot { start: at(0, 8, 0), end: at(0, 10, 0), available_workers: 1, by_moving_holds: false });
    assert_eq!(slots[10].start, at(0, 18, 0));
    // Working until 20:00, a two-hour job can start at 18:00 at the latest.
    assert!(slots.iter().all(Slot::is_bookable));
}

#[test]
fn slots_ending_after_working_hours_have_no_workers() {
    let c = Candidate { hours: every_day(8 * 60, 17 * 60), ..worker(1) };
    let slots = day_slots(&[c], &slot_query(0), &TravelModel::default(), &[]);
    let bookable: Vec<_> = slots.iter().filter(|s| s.is_bookable()).map(|s| s.start).collect();
    assert_eq!(bookable, (8..=15).map(|h| at(0, h, 0)).collect::<Vec<_>>());
}

#[test]
fn slots_before_the_earliest_start_are_not_bookable() {
    let query = SlotQuery { earliest_start: at(0, 10, 30), ..slot_query(0) };
    let slots = day_slots(&[worker(1)], &query, &TravelModel::default(), &[]);
    assert_eq!(slots.len(), 11, "every slot of the day is still listed");
    let bookable: Vec<_> = slots.iter().filter(|s| s.is_bookable()).map(|s| s.start).collect();
    assert_eq!(bookable.first(), Some(&at(0, 11, 0)));
    assert!(slots.iter().filter(|s| s.start < at(0, 10, 30)).all(|s| s.available_workers == 0));
}

#[test]
fn slots_count_only_workers_free_including_travel() {
    let far = north(-8.0);
    let busy = Busy { start: at(0, 12, 0), end: at(0, 14, 0), location: far };
    let a = Candidate { busy: vec![busy], area_radius_km: 20.0, ..worker(1) };
    let b = Candidate { skills: vec!["maternity_nanny".into()], ..worker(2) };
    let slots = day_slots(&[a, b], &slot_query(0), &TravelModel::default(), &[]);
    let counts: Vec<_> = slots.iter().map(|s| (s.start, s.available_workers)).collect();
    // About 31 minutes' ride apart: 09:00–11:00 still reaches the 12:00 job,
    // 10:00–12:00 does not; 14:00 is right after it ends, with no time to
    // come back, 15:00 is.
    let expected: Vec<_> =
        [(8, 1), (9, 1), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 1), (16, 1), (17, 1), (18, 1)]
            .into_iter()
            .map(|(h, n)| (at(0, h, 0), n))
            .collect();
    assert_eq!(counts, expected);
}

#[test]
fn slots_add_up_workers_and_respect_the_step() {
    let query = SlotQuery { step_minutes: 30, first_minute: 9 * 60, last_start_minute: 10 * 60, ..slot_query(0) };
    let slots = day_slots(&[worker(1), worker(2), worker(3)], &query, &TravelModel::default(), &[]);
    assert_eq!(
        slots,
        vec![
            Slot { start: at(0, 9, 0), end: at(0, 11, 0), available_workers: 3, by_moving_holds: false },
            Slot { start: at(0, 9, 30), end: at(0, 11, 30), available_workers: 3, by_moving_holds: false },
            Slot { start: at(0, 10, 0), end: at(0, 12, 0), available_workers: 3, by_moving_holds: false },
        ]
    );
}

#[test]
fn a_zero_step_does_not_loop_forever() {
    let query = SlotQuery { step_minutes: 0, first_minute: 600, last_start_minute: 602, ..slot_query(0) };
    assert_eq!(day_slots(&[], &query, &TravelModel::default(), &[]).len(), 3);
}

// --- offers --------------------------------------------------------------------

fn ranked(ids: &[i64]) -> Vec<Ranked> {
    let job = job_at(at(0, 9, 0), 2);
    let workers: Vec<_> = ids.iter().map(|&id| worker(id)).collect();
    // Same scores for all: the order is by id, which these tests rely on.
    rank(&workers, &job, &TravelModel::default(), &[], &Weights::default())
}

#[test]
fn first_offer_goes_to_the_best_ranked_worker_with_its_reasons() {
    let list = ranked(&[4, 2, 3]);
    assert_eq!(next_offer(&list, &[], false, &OfferPolicy::default()), NextOffer::Offer(list[0].clone()));
    assert!(matches!(next_offer(&list, &[], false, &OfferPolicy::default()), NextOffer::Offer(r) if r.worker_id == 2));
}

#[test]
fn next_offer_skips_everyone_already_offered() {
    let list = ranked(&[1, 2, 3, 4]);
    let policy = OfferPolicy::default();
    assert!(matches!(next_offer(&list, &[1], false, &policy), NextOffer::Offer(r) if r.worker_id == 2));
    assert!(matches!(next_offer(&list, &[2], false, &policy), NextOffer::Offer(r) if r.worker_id == 1));
    assert!(matches!(next_offer(&list, &[1, 3], false, &policy), NextOffer::Offer(r) if r.worker_id == 2));
}

#[test]
fn after_max_offers_the_rest_get_one_broadcast_then_the_admin() {
    let list = ranked(&[1, 2, 3, 4, 5]);
    let policy = OfferPolicy::default();
    assert_eq!(policy, OfferPolicy { timeout_secs: 60, max_offers: 3, broadcast_secs: 300, lead_hours: 0 });
    assert!(matches!(next_offer(&list, &[1, 2], false, &policy), NextOffer::Offer(_)));
    assert_eq!(next_offer(&list, &[1, 2, 3], false, &policy), NextOffer::Broadcast(list[3..].to_vec()));
    assert_eq!(next_offer(&list, &[1, 2, 3], true, &policy), NextOffer::EscalateToAdmin);
}

#[test]
fn without_a_broadcast_window_the_admin_comes_after_max_offers() {
    let list = ranked(&[1, 2, 3, 4, 5]);
    let policy = OfferPolicy { broadcast_secs: 0, ..OfferPolicy::default() };
    assert_eq!(next_offer(&list, &[1, 2, 3], false, &policy), NextOffer::EscalateToAdmin);
}

#[test]
fn escalates_to_admin_when_nobody_is_left() {
    let policy = OfferPolicy { timeout_secs: 60, max_offers: 10, broadcast_secs: 300, lead_hours: 0 };
    assert_eq!(next_offer(&[], &[], false, &policy), NextOffer::EscalateToAdmin);
    assert_eq!(next_offer(&ranked(&[1, 2]), &[2, 1], false, &policy), NextOffer::EscalateToAdmin);
    let policy = OfferPolicy { max_offers: 2, ..policy };
    assert_eq!(next_offer(&ranked(&[1, 2]), &[2, 1], false, &policy), NextOffer::EscalateToAdmin);
}

#[test]
fn offer_policies_outside_their_ranges_are_refused() {
    let ok = OfferPolicy::default();
    assert_eq!(ok.validate(), Ok(()));
    assert_eq!(OfferPolicy { timeout_secs: 5, ..ok }.validate(), Err(PolicyError::Timeout));
    assert_eq!(OfferPolicy { max_offers: 21, ..ok }.validate(), Err(PolicyError::MaxOffers));
    assert_eq!(OfferPolicy { broadcast_secs: -1, ..ok }.validate(), Err(PolicyError::Broadcast));
    assert_eq!(OfferPolicy { max_offers: 0, broadcast_secs: 0, ..ok }.validate(), Err(PolicyError::MaxOffers));
    assert_eq!(OfferPolicy { max_offers: 0, ..ok }.validate(), Ok(()));
    assert_eq!(OfferPolicy { lead_hours: 73, ..ok }.validate(), Err(PolicyError::Lead));
    assert_eq!(OfferPolicy { lead_hours: 72, ..ok }.validate(), Ok(()));
}

#[test]
fn an_order_is_first_offered_the_lead_before_it_starts() {
    let (now, start) = (at(0, 10, 0), at(3, 14, 0));
    assert_eq!(OfferPolicy::default().deferred_until(start, now), None, "no lead: at once");
    let day_ahead = OfferPolicy { lead_hours: 24, ..OfferPolicy::default() };
    assert_eq!(day_ahead.deferred_until(start, now), Some(start - 86_400));
    assert_eq!(day_ahead.deferred_until(start, start - 86_400), None, "due: offer now");
    assert_eq!(day_ahead.deferred_until(at(0, 18, 0), now), None, "starts within the lead: at once");
    // Settings saved before the lead existed read as no lead.
    let old: OfferPolicy = serde_json::from_str(r#"{"timeout_secs":60,"max_offers":3,"broadcast_secs":300}"#).unwrap();
    assert_eq!(old.lead_hours, 0);
}

#[test]
fn an_offer_chain_never_offers_the_same_worker_twice_and_broadcasts_only_the_rest() {
    let list = ranked(&[6, 1, 5, 2, 4, 3]);
    for max_offers in 0..=8 {
        let policy = OfferPolicy { timeout_secs: 60, max_offers, broadcast_secs: 300, lead_hours: 0 };
        let mut offered = Vec::new();
        let mut broadcast = Vec::new();
        loop {
            match next_offer(&list, &offered, !broadcast.is_empty(), &policy) {
                NextOffer::Offer(r) => {
                    assert!(!offered.contains(&r.worker_id), "{} offered twice", r.worker_id);
                    offered.push(r.worker_id);
                }
                NextOffer::Broadcast(to) => {
                    assert!(broadcast.is_empty(), "a second broadcast");
                    broadcast = to.iter().map(|r| r.worker_id).collect();
                }
                NextOffer::EscalateToAdmin => break,
            }
        }
        let expected: Vec<i64> = (1..=6).take(max_offers as usize).collect();
        assert_eq!(offered, expected, "max_offers = {max_offers}");
        let rest: Vec<i64> = (1..=6).skip(max_offers as usize).collect();
        assert_eq!(broadcast, rest, "max_offers = {max_offers}");
    }
}

// --- day plans -------------------------------------------------------------------

fn plan_order(id: i64, start: i64, km_north: f64, pinned_to: Option<i64>) -> PlanOrder {
    PlanOrder { order_id: id, job: Job { location: north(km_north), ..job_at(start, 1) }, pinned_to, refused_by: vec![], held_by: None }
}

fn plan(workers: &[Candidate], orders: &[PlanOrder]) -> DayPlan {
    plan_day(workers, orders, &TravelModel::default(), 7, &mut iterations(2_000))
}

#[test]
fn a_day_plan_keeps_accepted_orders_with_their_worker_and_gives_free_ones_to_the_nearer() {
    let south = Candidate { home: north(-5.0), ..worker(1) };
    let near = Candidate { home: north(5.0), ..worker(2) };
    let orders = [plan_order(10, at(0, 9, 0), 5.0, Some(1)), plan_order(11, at(0, 14, 0), 5.5, None)];
    let day = plan(&[south, near], &orders);
    assert_eq!(day.worker_of(10), Some(1), "accepted: never moved");
    assert_eq!(day.worker_of(11), Some(2));
    assert!(day.unplanned.is_empty());
    assert!(day.km > 0.0 && (day.km - day.routes.iter().map(|r| r.km).sum::<f64>()).abs() < 1e-9);
}

#[test]
fn a_day_plan_never_gives_an_order_back_to_a_worker_who_refused_it() {
    let near = Candidate { home: north(5.0), ..worker(2) };
    let far = Candidate { home: north(-5.0), area_radius_km: 20.0, ..worker(1) };
    let refused = PlanOrder { refused_by: vec![2], ..plan_order(30, at(0, 9, 0), 5.0, None) };
    assert_eq!(plan(&[near.clone(), far], std::slice::from_ref(&refused)).worker_of(30), Some(1));
    assert_eq!(plan(&[near], &[refused]).unplanned, [(30, Unplanned::NoQualifiedWorker)]);
}

#[test]
fn a_day_plan_reports_why_an_order_is_left_out() {
    let only = worker(1);
    let nobody_skilled = PlanOrder { job: Job { skill: "maternity_nanny".into(), ..job_at(at(0, 9, 0), 1) }, ..plan_order(20, 0, 0.0, None) };
    // Same hour as an order pinned to the only worker.
    let clash = plan_order(21, at(0, 10, 0), 2.0, None);
    let day = plan(&[only], &[plan_order(22, at(0, 10, 0), 2.0, Some(1)), clash, nobody_skilled]);
    let mut unplanned = day.unplanned.clone();
    unplanned.sort_by_key(|(id, _)| *id);
    assert_eq!(unplanned, [(20, Unplanned::NoQualifiedWorker), (21, Unplanned::NoRouteFits)]);
    assert_eq!(day.worker_of(22), Some(1));
}

#[test]
fn a_day_plan_gives_nothing_after_its_start_to_a_worker_held_for_many_days() {
    let nanny = worker(1);
    let contract = PlanOrder { job: Job { end: at(25, 17, 0), ..job_at(at(0, 9, 0), 1) }, ..plan_order(50, 0, 2.0, Some(1)) };
    let morning = plan_order(51, at(0, 8, 0), 2.0, None);
    let evening = plan_order(52, at(0, 18, 0), 2.0, None);
    let day = plan(&[nanny], &[contract, morning, evening]);
    assert_eq!((day.worker_of(50), day.worker_of(51)), (Some(1), Some(1)), "before her contract starts she is free");
    assert_eq!(day.unplanned, [(52, Unplanned::NoRouteFits)]);
}

#[test]
fn a_day_plan_starts_a_nanny_whose_contract_ends_that_day_where_and_when_it_ends() {
    // Her contract began twenty days ago and ends at 17:00, 6 km north of home.
    let contract = Busy { start: at(-20, 9, 0), end: at(0, 17, 0), location: north(6.0) };
    let nanny = Candidate { busy: vec![contract], area_radius_km: 20.0, ..worker(1) };
    let accepted = plan_order(60, at(0, 17, 30), 6.5, Some(1));
    let before_it_ends = plan_order(61, at(0, 10, 0), 1.0, None);
    let after_it = plan_order(62, at(0, 19, 0), 6.2, None);
    let day = plan(std::slice::from_ref(&nanny), &[accepted, before_it_ends, after_it]);
    assert_eq!((day.worker_of(60), day.worker_of(62)), (Some(1), Some(1)), "after it ends she is free: {:?}", day.unplanned);
    assert_eq!(day.unplanned, [(61, Unplanned::NoRouteFits)]);
    // Her day is driven from the contract's address, not from home.
    let travel = TravelModel::default();
    let km = |a: GeoPoint, b: GeoPoint| (travel.road_km(a, b) * 1000.0).round() / 1000.0;
    let expected = km(north(6.0), north(6.5)) + km(north(6.5), north(6.2)) + km(north(6.2), HOME);
    assert!((day.km - expected).abs() < 1e-6, "{} km, not {expected}", day.km);
    assert_eq!(day_km(&travel, &nanny, at(0, 0, 0), &[north(6.5), north(6.2)]), day.km);
    // The same order too soon after 17:00 to reach from there fits nobody.
    let too_soon = plan_order(63, at(0, 17, 5), 1.0, None);
    assert_eq!(plan(&[nanny], &[too_soon]).unplanned, [(63, Unplanned::NoRouteFits)]);
}

#[test]
fn a_day_plan_gives_nothing_to_a_nanny_held_all_day_by_a_contract_begun_before_it() {
    let contract = Busy { start: at(-3, 9, 0), end: at(5, 17, 0), location: north(2.0) };
    let nanny = Candidate { busy: vec![contract], ..worker(1) };
    let day = plan(&[nanny], &[plan_order(70, at(0, 10, 0), 2.0, None)]);
    assert_eq!(day.unplanned, [(70, Unplanned::NoRouteFits)]);
    assert!(day.routes.is_empty());
}

#[test]
fn a_job_that_ended_before_the_day_began_leaves_the_worker_starting_from_home() {
    let yesterday = Busy { start: at(-1, 18, 0), end: at(-1, 20, 0), location: north(6.0) };
    let rested = Candidate { busy: vec![yesterday], area_radius_km: 20.0, ..worker(1) };
    let day = plan(&[rested], &[plan_order(80, at(0, 9, 0), 6.0, None)]);
    let travel = TravelModel::default();
    assert_eq!(day.km, 2.0 * (travel.road_km(HOME, north(6.0)) * 1000.0).round() / 1000.0);
}

#[test]
fn a_day_plan_starts_from_todays_holding_and_is_never_longer() {
    // Worker 1 lives 6 km north and holds three orders near home; worker 2
    // lives 6 km south. With almost no search the plan is today's holding.
    let north_home = Candidate { home: north(6.0), area_radius_km: 20.0, ..worker(1) };
    let south_home = Candidate { home: north(-6.0), area_radius_km: 20.0, ..worker(2) };
    let orders: Vec<PlanOrder> = [(40, 9, 6.5), (41, 12, 5.5), (42, 15, 6.2)]
        .into_iter()
        .map(|(id, hour, km)| PlanOrder { held_by: Some(1), ..plan_order(id, at(0, hour, 0), km, None) })
        .collect();
    let workers = [north_home, south_home];
    let day = plan_day(&workers, &orders, &TravelModel::default(), 7, &mut iterations(1));
    assert_eq!(day.routes.len(), 1);
    assert_eq!((day.routes[0].worker_id, day.routes[0].orders.clone()), (1, vec![40, 41, 42]));
    // Without the holding, the same tiny budget may do worse; with it, never.
    let loose: Vec<PlanOrder> = orders.iter().map(|o| PlanOrder { held_by: None, ..o.clone() }).collect();
    let cold = plan_day(&workers, &loose, &TravelModel::default(), 7, &mut iterations(1));
    assert!(day.km <= cold.km + 1e-9, "{} > {}", day.km, cold.km);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn day_plans_are_feasible_keep_pinned_orders_and_plan_each_order_at_most_once(
        homes in proptest::collection::vec((-8.0f64..8.0, proptest::option::of((9i64..15, -8.0f64..8.0))), 1..4),
        raw in proptest::collection::vec((8i64..19, 0i64..2, -8.0f64..8.0, proptest::option::of(0usize..4)), 0..10),
    ) {
        // Some workers are held until a morning hour by a contract begun the day before.
        let workers: Vec<Candidate> = homes.iter().enumerate().map(|(i, (km, contract))| {
            let busy = contract.iter().map(|(until, at_km)| Busy { start: at(-1, 9, 0), end: at(0, *until, 0), location: north(*at_km) }).collect();
            Candidate { home: north(*km), area_radius_km: 20.0, busy, ..worker(i as i64 + 1) }
        }).collect();
        let travel = TravelModel::default();
        let after_contract = |w: &Candidate, job: &Job| w.busy.iter().all(|b| b.end + travel.travel_secs(b.location, job.location) <= job.start);
        // Orders pinned to a worker never overlap each other or her contract, as accepted ones cannot.
        let mut orders: Vec<PlanOrder> = Vec::new();
        for (k, (hour, half, km, pin)) in raw.into_iter().enumerate() {
            let start = at(0, hour, 30 * half);
            let pinned_to = pin.filter(|w| *w < workers.len()).map(|w| w as i64 + 1);
            let candidate = plan_order(100 + k as i64, start, km, pinned_to);
            let fits = pinned_to.is_none_or(|w| after_contract(&workers[w as usize - 1], &candidate.job) && orders.iter().filter(|o| o.pinned_to == Some(w)).all(|o| {
                let (a, b) = (&o.job, &candidate.job);
                a.end + travel.travel_secs(a.location, b.location) <= b.start || b.end + travel.travel_secs(b.location, a.location) <= a.start
            }));
            if fits && candidate.job.end <= at(0, 20, 0) {
                orders.push(candidate);
            }
        }
        let day = plan(&workers, &orders);
        let mut seen = Vec::new();
        for route in &day.routes {
            let jobs: Vec<&PlanOrder> = route.orders.iter().map(|id| orders.iter().find(|o| o.order_id == *id).unwrap()).collect();
            let worker = workers.iter().find(|w| w.worker_id == route.worker_id).unwrap();
            prop_assert!(after_contract(worker, &jobs[0].job), "route {:?} starts before her contract ends", route.orders);
            for pair in jobs.windows(2) {
                let (a, b) = (&pair[0].job, &pair[1].job);
                prop_assert!(a.end + travel.travel_secs(a.location, b.location) <= b.start, "route {:?} not feasible", route.orders);
            }
            seen.extend(route.orders.iter().copied());
        }
        seen.extend(day.unplanned.iter().map(|(id, _)| *id));
        seen.sort();
        let mut all: Vec<i64> = orders.iter().map(|o| o.order_id).collect();
        all.sort();
        prop_assert_eq!(seen, all, "every order exactly once, planned or not");
        for o in orders.iter().filter(|o| o.pinned_to.is_some()) {
            prop_assert_eq!(day.worker_of(o.order_id), o.pinned_to, "pinned order moved");
        }
    }
}

// --- making room by moving holds not yet offered ------------------------------------

/// Worker 1 holds `hold` (not yet offered to anyone) at 10:00–12:00 near home.
fn held_at_ten() -> (Candidate, MovableHold) {
    let job = job_at(at(0, 10, 0), 2);
    let holder = Candidate { busy: vec![Busy { start: job.start, end: job.end, location: job.location }], ..worker(1) };
    (holder, MovableHold { order_id: 77, worker_id: 1, job })
}

#[test]
fn a_hold_not_yet_offered_moves_to_a_free_worker_to_make_room_for_a_booking_only_its_holder_can_take() {
    let (holder, hold) = held_at_ten();
    // Worker 2 is free but only does daily cleaning; the new booking is deep cleaning.
    let other = Candidate { skills: vec![SKILL.into()], home: north(3.0), ..worker(2) };
    let deep = Job { skill: "deep_cleaning".into(), ..job_at(at(0, 10, 30), 1) };
    let travel = TravelModel::default();
    let candidates = [holder.clone(), other.clone()];
    assert!(rank(&candidates, &deep, &travel, &[], &Weights::default()).is_empty(), "nobody is free as the day stands");
    let room = make_room(&candidates, &deep, std::slice::from_ref(&hold), &travel, &[]).expect("room");
    assert_eq!(room, Room { worker_id: 1, moves: vec![(77, 2)] });
    // A hold that is not movable (offered, accepted, unpaid) is never moved.
    assert_eq!(make_room(&candidates, &deep, &[], &travel, &[]), None);
    // Nor is it moved to someone busy then, or to someone who refused the new job's worker slot.
    let busy_other = Candidate { busy: vec![Busy { start: at(0, 9, 0), end: at(0, 11, 0), location: north(3.0) }], ..other };
    assert_eq!(make_room(&[holder.clone(), busy_other], &deep, std::slice::from_ref(&hold), &travel, &[]), None);
    assert_eq!(make_room(&candidates, &deep, std::slice::from_ref(&hold), &travel, &[1]), None);
    // The slot calendar shows the slot as bookable by moving the hold.
    let query = SlotQuery { skill: "deep_cleaning".into(), duration_secs: HOUR, first_minute: 10 * 60 + 30, last_start_minute: 10 * 60 + 30, ..slot_query(0) };
    let slots = day_slots(&candidates, &query, &travel, std::slice::from_ref(&hold));
    assert_eq!((slots[0].available_workers, slots[0].by_moving_holds, slots[0].is_bookable()), (0, true, true));
    assert!(!day_slots(&candidates, &query, &travel, &[])[0].is_bookable());
}

#[test]
fn a_worker_is_freed_only_when_every_clash_is_a_movable_hold() {
    let (mut holder, hold) = held_at_ten();
    // An accepted order at 12:30 also clashes with the new 11:30–13:30 job.
    holder.busy.push(Busy { start: at(0, 12, 30), end: at(0, 13, 30), location: north(2.0) });
    let other = Candidate { skills: vec![SKILL.into()], ..worker(2) };
    let deep = Job { skill: "deep_cleaning".into(), ..job_at(at(0, 11, 30), 2) };
    assert_eq!(make_room(&[holder, other], &deep, &[hold], &TravelModel::default(), &[]), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Whatever the day, the moves make_room proposes leave every worker's
    /// day within the hard rules: the freed worker can take the new job and
    /// each taker can take the hold given to them, beside the others.
    #[test]
    fn making_room_never_breaks_a_hard_rule(
        homes in proptest::collection::vec(-6.0f64..6.0, 2..5),
        holds in proptest::collection::vec((0usize..5, 8i64..18, -6.0f64..6.0, any::<bool>()), 0..8),
        new_hour in 8i64..18,
        new_km in -6.0f64..6.0,
        deep in any::<bool>(),
    ) {
        let travel = TravelModel::default();
        let mut workers: Vec<Candidate> = homes.iter().enumerate()
            .map(|(i, km)| Candidate { home: north(*km), area_radius_km: 15.0, skills: if i % 2 == 0 { vec![SKILL.into()] } else { vec![SKILL.into(), "deep_cleaning".into()] }, ..worker(i as i64 + 1) })
            .collect();
        let mut movable = Vec::new();
        for (k, (w, hour, km, is_movable)) in holds.into_iter().enumerate() {
            let w = w % workers.len();
            let job = Job { location: north(km), ..job_at(at(0, hour, 0), 1) };
            if !hard_check(&workers[w], &job, &travel, &[]).is_empty() {
                continue;
            }
            workers[w].busy.push(Busy { start: job.start, end: job.end, location: job.location });
            if is_movable {
                movable.push(MovableHold { order_id: 100 + k as i64, worker_id: workers[w].worker_id, job });
            }
        }
        let skill = if deep { "deep_cleaning" } else { SKILL };
        let new = Job { skill: skill.into(), location: north(new_km), ..job_at(at(0, new_hour, 0), 2) };
        if let Some(room) = make_room(&workers, &new, &movable, &travel, &[]) {
            let mut after = workers.clone();
            for (order, to) in &room.moves {
                let h = movable.iter().find(|h| h.order_id == *order).unwrap();
                prop_assert_eq!(h.worker_id, room.worker_id, "only the freed worker's holds move");
                let from = after.iter_mut().find(|c| c.worker_id == h.worker_id).unwrap();
                from.busy.retain(|b| !(b.start == h.job.start && b.location == h.job.location));
                let taker = after.iter_mut().find(|c| c.worker_id == *to).unwrap();
                prop_assert!(hard_check(taker, &h.job, &travel, &[]).is_empty(), "taker {} cannot take hold {}", to, order);
                taker.busy.push(Busy { start: h.job.start, end: h.job.end, location: h.job.location });
            }
            let freed = after.iter().find(|c| c.worker_id == room.worker_id).unwrap();
            prop_assert!(hard_check(freed, &new, &travel, &[]).is_empty());
        }
    }
}
