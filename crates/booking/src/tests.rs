use super::*;
use proptest::prelude::*;
use EventKind as E;
use OrderState as S;

const CUSTOMER: i64 = 1;
const WORKER: i64 = 7;
const OTHER_WORKER: i64 = 8;
const ADMIN: i64 = 100;
const STARTS_AT: i64 = 1_704_096_000; // 2024-01-01 16:00 Beijing
const EARLY: i64 = STARTS_AT - 24 * 3600;
const PAID: Fen = Fen::new(25_800);

fn policy() -> CancellationPolicy {
    CancellationPolicy::default()
}

/// An order in `state` as it would really look: no worker before acceptance.
fn facts_in(state: OrderState) -> OrderFacts {
    let worker_id = match state {
        S::PendingPayment | S::Booked => None,
        _ => Some(WORKER),
    };
    OrderFacts { state, customer_id: CUSTOMER, worker_id, paid: PAID, starts_at: STARTS_AT }
}

/// The actor (and worker argument) that is entitled to send `event`, so the
/// table test only sees what the state decides.
fn rightful(event: EventKind) -> (Actor, Option<i64>) {
    match event {
        E::PaymentConfirmed | E::PaymentExpired | E::RefundSettled => (Actor::System, None),
        E::Accept => (Actor::Worker(WORKER), Some(WORKER)),
        E::Assign => (Actor::Admin(ADMIN), Some(OTHER_WORKER)),
        E::Depart | E::Arrive | E::StartService | E::Complete | E::CustomerAbsent => (Actor::Worker(WORKER), None),
        E::Cancel => (Actor::Customer(CUSTOMER), None),
    }
}

/// The spec's table, written out independently of `apply`.
fn expected(state: OrderState, event: EventKind) -> Result<OrderState, TransitionError> {
    let legal = [
        (S::PendingPayment, E::PaymentConfirmed, S::Booked),
        (S::PendingPayment, E::PaymentExpired, S::Cancelled),
        (S::PendingPayment, E::Cancel, S::Cancelled),
        (S::Booked, E::Accept, S::Accepted),
        (S::Booked, E::Assign, S::Accepted),
        (S::Booked, E::Cancel, S::Refunding),
        (S::Accepted, E::Assign, S::Accepted),
        (S::Accepted, E::Depart, S::Departed),
        (S::Accepted, E::Cancel, S::Refunding),
        (S::Departed, E::Arrive, S::Arrived),
        (S::Departed, E::Cancel, S::Refunding),
        (S::Arrived, E::StartService, S::InService),
        (S::InService, E::Complete, S::Completed),
        (S::Refunding, E::RefundSettled, S::Refunded),
    ];
    if let Some((_, _, next)) = legal.iter().find(|(s, e, _)| *s == state && *e == event) {
        return Ok(*next);
    }
    if event == E::Cancel && matches!(state, S::Arrived | S::InService) {
        return Err(TransitionError::TooLateToCancel);
    }
    // The table runs a day before the start: nobody can be absent yet.
    if (state, event) == (S::Arrived, E::CustomerAbsent) {
        return Err(TransitionError::TooSoonForAbsence);
    }
    Err(TransitionError::Illegal { from: state, event })
}

#[test]
fn every_state_event_pair_follows_the_transition_table() {
    let mut legal = 0;
    for state in OrderState::ALL {
        for event in EventKind::ALL {
            let (actor, worker) = rightful(event);
            let got = apply(&facts_in(state), actor, event, worker, EARLY, &policy()).map(|t| t.next);
            assert_eq!(got, expected(state, event), "{state:?} + {event:?}");
            legal += usize::from(got.is_ok());
        }
    }
    assert_eq!(legal, 14);
}

#[test]
fn terminal_states_accept_no_event_from_anyone() {
    let actors = [Actor::Customer(CUSTOMER), Actor::Worker(WORKER), Actor::Admin(ADMIN), Actor::System];
    for state in OrderState::ALL.into_iter().filter(|s| s.is_terminal()) {
        for event in EventKind::ALL {
            for actor in actors {
                assert!(apply(&facts_in(state), actor, event, Some(WORKER), EARLY, &policy()).is_err());
            }
        }
    }
}

#[test]
fn payment_and_refund_events_come_only_from_the_system() {
    for actor in [Actor::Customer(CUSTOMER), Actor::Worker(WORKER), Actor::Admin(ADMIN)] {
        for (state, event) in [
            (S::PendingPayment, E::PaymentConfirmed),
            (S::PendingPayment, E::PaymentExpired),
            (S::Refunding, E::RefundSettled),
        ] {
            assert_eq!(
                apply(&facts_in(state), actor, event, None, EARLY, &policy()),
                Err(TransitionError::NotAllowed),
                "{actor:?} {event:?}"
            );
        }
    }
}

#[test]
fn customer_cannot_perform_worker_steps() {
    for (state, event) in
        [(S::Accepted, E::Depart), (S::Departed, E::Arrive), (S::Arrived, E::StartService), (S::InService, E::Complete)]
    {
        for actor in [Actor::Customer(CUSTOMER), Actor::Admin(ADMIN), Actor::System] {
            assert_eq!(
                apply(&facts_in(state), actor, event, None, EARLY, &policy()),
                Err(TransitionError::NotAllowed),
                "{actor:?} {event:?}"
            );
        }
    }
}

#[test]
fn only_the_assigned_worker_moves_the_order_forward() {
    let err = apply(&facts_in(S::Accepted), Actor::Worker(OTHER_WORKER), E::Depart, None, EARLY, &policy());
    assert_eq!(err, Err(TransitionError::NotAssignedWorker));
    let ok = apply(&facts_in(S::Accepted), Actor::Worker(WORKER), E::Depart, None, EARLY, &policy());
    assert_eq!(ok.unwrap().next, S::Departed);
}

#[test]
fn worker_steps_cannot_be_skipped() {
    let facts = facts_in(S::Accepted);
    for event in [E::Arrive, E::StartService, E::Complete] {
        assert_eq!(
            apply(&facts, Actor::Worker(WORKER), event, None, EARLY, &policy()),
            Err(TransitionError::Illegal { from: S::Accepted, event })
        );
    }
}

#[test]
fn accepting_sets_the_worker_and_only_for_oneself() {
    let facts = facts_in(S::Booked);
    let t = apply(&facts, Actor::Worker(WORKER), E::Accept, Some(WORKER), EARLY, &policy()).unwrap();
    assert_eq!((t.next, t.worker_id), (S::Accepted, Some(WORKER)));
    assert_eq!(
        apply(&facts, Actor::Worker(WORKER), E::Accept, Some(OTHER_WORKER), EARLY, &policy()),
        Err(TransitionError::NotAllowed)
    );
    assert_eq!(
        apply(&facts, Actor::Worker(WORKER), E::Accept, None, EARLY, &policy()),
        Err(TransitionError::WorkerRequired)
    );
}

#[test]
fn second_accept_loses_so_exactly_one_worker_wins() {
    let accepted = facts_in(S::Accepted);
    assert_eq!(
        apply(&accepted, Actor::Worker(OTHER_WORKER), E::Accept, Some(OTHER_WORKER), EARLY, &policy()),
        Err(TransitionError::Illegal { from: S::Accepted, event: E::Accept })
    );
}

#[test]
fn admin_assign_needs_a_worker_and_can_reassign_to_someone_else() {
    let admin = Actor::Admin(ADMIN);
    assert_eq!(
        apply(&facts_in(S::Booked), admin, E::Assign, None, EARLY, &policy()),
        Err(TransitionError::WorkerRequired)
    );
    let t = apply(&facts_in(S::Accepted), admin, E::Assign, Some(OTHER_WORKER), EARLY, &policy()).unwrap();
    assert_eq!((t.next, t.worker_id), (S::Accepted, Some(OTHER_WORKER)));
    assert_eq!(
        apply(&facts_in(S::Accepted), admin, E::Assign, Some(WORKER), EARLY, &policy()),
        Err(TransitionError::Illegal { from: S::Accepted, event: E::Assign }),
        "reassigning to the same worker changes nothing and is refused"
    );
    assert_eq!(
        apply(&facts_in(S::Departed), admin, E::Assign, Some(OTHER_WORKER), EARLY, &policy()),
        Err(TransitionError::Illegal { from: S::Departed, event: E::Assign }),
    );
}

#[test]
fn workers_and_admins_cannot_assign_or_accept_in_each_others_place() {
    assert_eq!(
        apply(&facts_in(S::Booked), Actor::Worker(WORKER), E::Assign, Some(WORKER), EARLY, &policy()),
        Err(TransitionError::NotAllowed)
    );
    assert_eq!(
        apply(&facts_in(S::Booked), Actor::Admin(ADMIN), E::Accept, Some(WORKER), EARLY, &policy()),
        Err(TransitionError::NotAllowed)
    );
}

#[test]
fn a_customer_cannot_cancel_someone_elses_order() {
    for state in [S::PendingPayment, S::Booked, S::Accepted] {
        assert_eq!(
            apply(&facts_in(state), Actor::Customer(CUSTOMER + 1), E::Cancel, None, EARLY, &policy()),
            Err(TransitionError::NotYourOrder)
        );
    }
}

#[test]
fn workers_and_the_system_cannot_cancel() {
    for actor in [Actor::Worker(WORKER), Actor::System] {
        assert_eq!(
            apply(&facts_in(S::Accepted), actor, E::Cancel, None, EARLY, &policy()),
            Err(TransitionError::NotAllowed)
        );
    }
}

#[test]
fn cancelling_before_payment_refunds_nothing() {
    let t =
        apply(&facts_in(S::PendingPayment), Actor::Customer(CUSTOMER), E::Cancel, None, STARTS_AT, &policy()).unwrap();
    assert_eq!(t, Transition { next: S::Cancelled, worker_id: None, fee: Fen::ZERO, refund: None, fee_to_worker: false });
}

#[test]
fn customer_cancel_is_free_up_to_and_including_the_cut_off() {
    let cut_off = STARTS_AT - 7200;
    let t = apply(&facts_in(S::Accepted), Actor::Customer(CUSTOMER), E::Cancel, None, cut_off, &policy()).unwrap();
    assert_eq!((t.next, t.fee, t.refund), (S::Refunding, Fen::ZERO, Some(PAID)));
}

#[test]
fn customer_cancel_one_second_after_the_cut_off_pays_the_late_fee() {
    let now = STARTS_AT - 7200 + 1;
    let t = apply(&facts_in(S::Booked), Actor::Customer(CUSTOMER), E::Cancel, None, now, &policy()).unwrap();
    // 20 % of ¥258.00
    assert_eq!(t.fee, Fen::new(5_160));
    assert_eq!(t.refund, Some(Fen::new(20_640)));
}

#[test]
fn late_fee_is_rounded_down_to_the_fen() {
    let facts = OrderFacts { paid: Fen::new(999), ..facts_in(S::Departed) };
    let t = apply(&facts, Actor::Customer(CUSTOMER), E::Cancel, None, STARTS_AT, &policy()).unwrap();
    // 999 × 20 % = 199.8 fen
    assert_eq!(t.fee, Fen::new(199));
    assert_eq!(t.refund, Some(Fen::new(800)));
}

#[test]
fn what_a_cancel_owes_besides_its_fee_is_kept_from_its_refund_and_never_more() {
    let late = apply(&facts_in(S::Booked), Actor::Customer(CUSTOMER), E::Cancel, None, STARTS_AT - 7200 + 1, &policy()).unwrap();
    let owing = late.keeping_from_refund(Fen::new(600));
    assert_eq!((owing.fee, owing.refund), (Fen::new(5_760), Some(Fen::new(20_040))));
    let all = late.keeping_from_refund(Fen::new(1_000_000));
    assert_eq!((all.fee, all.refund), (PAID, Some(Fen::ZERO)), "no more than was paid");
    assert_eq!(late.keeping_from_refund(Fen::ZERO), late);
    let unpaid = apply(&facts_in(S::PendingPayment), Actor::Customer(CUSTOMER), E::Cancel, None, EARLY, &policy()).unwrap();
    assert_eq!(unpaid.keeping_from_refund(Fen::new(600)), unpaid, "nothing paid, nothing kept");
}

#[test]
fn the_whole_amount_is_the_highest_fee() {
    let whole = CancellationPolicy::new(vec![FeeTier { within_secs: 60, fee_bps: 10_000 }]).unwrap();
    let t = apply(&facts_in(S::Accepted), Actor::Customer(CUSTOMER), E::Cancel, None, STARTS_AT, &whole).unwrap();
    assert_eq!((t.fee, t.refund), (PAID, Some(Fen::ZERO)));
    assert_eq!(CancellationPolicy::new(vec![FeeTier { within_secs: 60, fee_bps: 10_001 }]), Err(PolicyError::FeeOverWhole));
}

fn tiered() -> CancellationPolicy {
    CancellationPolicy::parse("7200:2000, 1800:5000").unwrap()
}

#[test]
fn a_nearer_tier_keeps_its_higher_fee() {
    let paid = Fen::new(10_000);
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT - 7201), Fen::ZERO);
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT - 3600), Fen::new(2_000));
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT - 600), Fen::new(5_000));
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT + 600), Fen::new(5_000));
}

#[test]
fn cancelling_exactly_at_a_tier_boundary_stays_in_the_earlier_tier() {
    let paid = Fen::new(10_000);
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT - 1800), Fen::new(2_000));
    assert_eq!(tiered().customer_fee(paid, STARTS_AT, STARTS_AT - 1799), Fen::new(5_000));
}

#[test]
fn tiers_may_be_given_in_any_order() {
    assert_eq!(CancellationPolicy::parse("1800:5000,7200:2000").unwrap(), tiered());
    assert_eq!(tiered().tiers()[0], FeeTier { within_secs: 7200, fee_bps: 2000 });
}

#[test]
fn a_fee_that_falls_nearer_the_start_is_refused() {
    assert_eq!(CancellationPolicy::parse("7200:5000,1800:2000"), Err(PolicyError::FeeFallsNearerTheStart { within_secs: 1800 }));
}

#[test]
fn two_tiers_starting_at_the_same_time_are_refused() {
    assert_eq!(CancellationPolicy::parse("7200:2000,7200:3000"), Err(PolicyError::SameStart(7200)));
}

#[test]
fn a_tier_must_start_before_the_appointment() {
    assert_eq!(CancellationPolicy::parse("0:2000"), Err(PolicyError::NotBeforeStart));
    assert_eq!(CancellationPolicy::parse("-60:2000"), Err(PolicyError::NotBeforeStart));
}

#[test]
fn a_malformed_tier_is_named() {
    assert_eq!(CancellationPolicy::parse("7200:2000,两小时:20%"), Err(PolicyError::Malformed("两小时:20%".into())));
    assert_eq!(CancellationPolicy::parse("7200"), Err(PolicyError::Malformed("7200".into())));
}

#[test]
fn a_tier_starts_at_most_thirty_days_ahead() {
    assert!(CancellationPolicy::parse(&format!("{MAX_TIER_SECS}:2000")).is_ok());
    assert_eq!(CancellationPolicy::parse(&format!("{}:2000", MAX_TIER_SECS + 1)), Err(PolicyError::TooFarAhead));
}

#[test]
fn an_admins_list_reads_one_tier_per_line_in_days_hours_or_minutes() {
    let policy = CancellationPolicy::parse_lines("1天 10%\n\n  2小时 20%  \n30分钟 50.5%\n").unwrap();
    assert_eq!(policy, CancellationPolicy::parse("86400:1000,7200:2000,1800:5050").unwrap());
    assert_eq!(CancellationPolicy::parse_lines("1.5h 20％\n45 min 35%").unwrap(), CancellationPolicy::parse("5400:2000,2700:3500").unwrap());
    assert_eq!(CancellationPolicy::parse_lines(" \n").unwrap(), CancellationPolicy::parse("").unwrap());
}

#[test]
fn a_refused_line_of_an_admins_list_is_named_by_its_number() {
    let line = |text: &str| CancellationPolicy::parse_lines(text).map_err(|e| (e.line, e.error));
    assert_eq!(line("2小时 20%\n两小时 20%"), Err((2, PolicyError::Malformed("两小时 20%".into()))));
    assert_eq!(line("2小时 20"), Err((1, PolicyError::Malformed("2小时 20".into()))));
    assert_eq!(line("1.5分钟 20%"), Err((1, PolicyError::Malformed("1.5分钟 20%".into()))));
    assert_eq!(line("2小时 20.125%"), Err((1, PolicyError::Malformed("2小时 20.125%".into()))));
    assert_eq!(line("2小时 20%\n0分钟 30%"), Err((2, PolicyError::NotBeforeStart)));
    assert_eq!(line("2小时 120%"), Err((1, PolicyError::FeeOverWhole)));
    assert_eq!(line("31天 10%"), Err((1, PolicyError::TooFarAhead)));
    assert_eq!(line("2小时 20%\n\n120分钟 30%"), Err((3, PolicyError::SameStart(7200))));
    assert_eq!(line("30分钟 10%\n2小时 20%"), Err((1, PolicyError::FeeFallsNearerTheStart { within_secs: 1800 })));
}

#[test]
fn a_policy_written_out_reads_back_the_same() {
    for policy in [tiered(), CancellationPolicy::default(), CancellationPolicy::parse("").unwrap()] {
        assert_eq!(CancellationPolicy::parse(&policy.to_string()), Ok(policy));
    }
}

#[test]
fn without_tiers_cancelling_is_always_free() {
    let free = CancellationPolicy::parse("").unwrap();
    assert!(free.tiers().is_empty());
    assert_eq!(free.customer_fee(PAID, STARTS_AT, STARTS_AT + 3600), Fen::ZERO);
}

#[test]
fn a_worker_who_waited_reports_the_customer_absent_and_the_fee_in_force_goes_to_them() {
    let now = STARTS_AT + ABSENT_WAIT_SECS;
    let t = apply(&facts_in(S::Arrived), Actor::Worker(WORKER), E::CustomerAbsent, None, now, &policy()).unwrap();
    // 20 % of ¥258.00, the fee a cancellation would cost then.
    assert_eq!((t.next, t.fee, t.refund, t.fee_to_worker), (S::Refunding, Fen::new(5_160), Some(Fen::new(20_640)), true));
    assert_eq!(t.worker_id, Some(WORKER));
}

#[test]
fn the_customer_cannot_be_reported_absent_before_the_wait_is_over() {
    let now = STARTS_AT + ABSENT_WAIT_SECS - 1;
    let refused = apply(&facts_in(S::Arrived), Actor::Worker(WORKER), E::CustomerAbsent, None, now, &policy());
    assert_eq!(refused, Err(TransitionError::TooSoonForAbsence));
}

#[test]
fn only_the_assigned_worker_who_arrived_reports_the_customer_absent() {
    let now = STARTS_AT + ABSENT_WAIT_SECS;
    let absent = |state, actor| apply(&facts_in(state), actor, E::CustomerAbsent, None, now, &policy());
    assert_eq!(absent(S::Arrived, Actor::Worker(OTHER_WORKER)), Err(TransitionError::NotAssignedWorker));
    assert_eq!(absent(S::Arrived, Actor::Customer(CUSTOMER)), Err(TransitionError::NotAllowed));
    assert_eq!(absent(S::Arrived, Actor::Admin(ADMIN)), Err(TransitionError::NotAllowed));
    for state in [S::Departed, S::InService] {
        assert_eq!(absent(state, Actor::Worker(WORKER)), Err(TransitionError::Illegal { from: state, event: E::CustomerAbsent }));
    }
}

#[test]
fn customer_cannot_cancel_once_the_worker_has_arrived() {
    for state in [S::Arrived, S::InService] {
        assert_eq!(
            apply(&facts_in(state), Actor::Customer(CUSTOMER), E::Cancel, None, EARLY, &policy()),
            Err(TransitionError::TooLateToCancel)
        );
    }
}

#[test]
fn admin_cancel_is_always_free_even_after_arrival() {
    for state in [S::Booked, S::Accepted, S::Departed, S::Arrived, S::InService] {
        let t = apply(&facts_in(state), Actor::Admin(ADMIN), E::Cancel, None, STARTS_AT, &policy()).unwrap();
        assert_eq!((t.next, t.fee, t.refund), (S::Refunding, Fen::ZERO, Some(PAID)), "{state:?}");
        assert_eq!(t.worker_id, facts_in(state).worker_id);
    }
}

#[test]
fn a_contract_staff_end_early_pays_its_nanny_her_days_out_of_the_refund() {
    let ended = apply(&facts_in(S::InService), Actor::Admin(ADMIN), E::Cancel, None, STARTS_AT, &policy()).unwrap();
    let paying = ended.paying_worker_from_refund(Fen::new(10_000));
    assert_eq!((paying.fee, paying.refund, paying.fee_to_worker), (Fen::new(10_000), Some(PAID - Fen::new(10_000)), true));
    let all = ended.paying_worker_from_refund(Fen::new(1_000_000));
    assert_eq!((all.fee, all.refund), (PAID, Some(Fen::ZERO)), "no more than was paid");
    assert_eq!(ended.paying_worker_from_refund(Fen::ZERO), ended, "nothing owed: a plain refund");
}

#[test]
fn refund_settlement_finishes_a_refund() {
    let t = apply(&facts_in(S::Refunding), Actor::System, E::RefundSettled, None, EARLY, &policy()).unwrap();
    assert_eq!(t.next, S::Refunded);
    assert!(t.next.is_terminal());
}

#[test]
fn the_happy_path_walks_every_step_in_order() {
    let mut facts = facts_in(S::PendingPayment);
    let steps = [
        (Actor::System, E::PaymentConfirmed, None, S::Booked),
        (Actor::Worker(WORKER), E::Accept, Some(WORKER), S::Accepted),
        (Actor::Worker(WORKER), E::Depart, None, S::Departed),
        (Actor::Worker(WORKER), E::Arrive, None, S::Arrived),
        (Actor::Worker(WORKER), E::StartService, None, S::InService),
        (Actor::Worker(WORKER), E::Complete, None, S::Completed),
    ];
    for (actor, event, worker, next) in steps {
        let t = apply(&facts, actor, event, worker, EARLY, &policy()).unwrap();
        assert_eq!(t.next, next);
        assert_eq!(t.fee, Fen::ZERO);
        assert_eq!(t.refund, None);
        facts.state = t.next;
        facts.worker_id = t.worker_id;
    }
    assert_eq!(facts.worker_id, Some(WORKER));
}

#[test]
fn active_states_are_booked_through_in_service() {
    let active: Vec<_> = OrderState::ALL.into_iter().filter(|s| s.is_active()).collect();
    assert_eq!(active, vec![S::Booked, S::Accepted, S::Departed, S::Arrived, S::InService]);
    let terminal: Vec<_> = OrderState::ALL.into_iter().filter(|s| s.is_terminal()).collect();
    assert_eq!(terminal, vec![S::Completed, S::Cancelled, S::Refunded]);
}

#[test]
fn a_worker_holds_an_order_from_accepting_it_until_finishing_it() {
    let held: Vec<_> = OrderState::ALL.into_iter().filter(|s| s.is_held_by_worker()).collect();
    assert_eq!(held, vec![S::Accepted, S::Departed, S::Arrived, S::InService]);
}

#[test]
fn an_order_is_cancelled_once_it_ends_without_service_refunded_or_not() {
    let cancelled: Vec<_> = OrderState::ALL.into_iter().filter(|s| s.is_cancelled()).collect();
    assert_eq!(cancelled, vec![S::Cancelled, S::Refunding, S::Refunded]);
    assert!(OrderState::ALL.into_iter().all(|s| !(s.is_cancelled() && (s.is_active() || s == S::Completed))));
}

#[test]
fn states_and_events_round_trip_through_storage_names() {
    for s in OrderState::ALL {
        assert_eq!(OrderState::from_db(s.as_str()), Some(s));
    }
    for e in EventKind::ALL {
        assert_eq!(EventKind::from_db(e.as_str()), Some(e));
    }
    assert_eq!(OrderState::from_db("InService"), None);
    assert_eq!(EventKind::from_db(""), None);
    assert_eq!(OrderState::InService.as_str(), "in_service");
    assert_eq!(EventKind::StartService.as_str(), "start_service");
}

#[test]
fn errors_read_as_sentences() {
    let e = TransitionError::Illegal { from: S::Completed, event: E::Cancel };
    assert_eq!(e.to_string(), "cancel is not possible while the order is completed");
}

// ---------------------------------------------------------------------------
// Random event sequences

fn actor_strategy() -> impl Strategy<Value = Actor> {
    prop_oneof![
        (1i64..=2).prop_map(Actor::Customer),
        (WORKER..=OTHER_WORKER).prop_map(Actor::Worker),
        Just(Actor::Admin(ADMIN)),
        Just(Actor::System),
    ]
}

/// One step: either a fully random (actor, event, worker), or a "nudge" that
/// sends the event the happy path needs next with the rightful actor, so that
/// sequences regularly reach `Completed` instead of stalling on errors.
#[derive(Debug, Clone)]
enum Step {
    Random { actor: Actor, event: EventKind, worker: Option<i64>, now: i64 },
    Nudge { worker: i64 },
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (
            actor_strategy(),
            proptest::sample::select(EventKind::ALL.to_vec()),
            proptest::option::of(WORKER..=OTHER_WORKER),
            (STARTS_AT - 4 * 3600)..(STARTS_AT + 3600),
        )
            .prop_map(|(actor, event, worker, now)| Step::Random { actor, event, worker, now }),
        2 => (WORKER..=OTHER_WORKER).prop_map(|worker| Step::Nudge { worker }),
    ]
}

fn resolve(step: &Step, facts: &OrderFacts) -> (Actor, EventKind, Option<i64>, i64) {
    match *step {
        Step::Random { actor, event, worker, now } => (actor, event, worker, now),
        Step::Nudge { worker } => {
            let assigned = facts.worker_id.unwrap_or(worker);
            let (actor, event, w) = match facts.state {
                S::PendingPayment => (Actor::System, E::PaymentConfirmed, None),
                S::Booked => (Actor::Worker(worker), E::Accept, Some(worker)),
                S::Accepted => (Actor::Worker(assigned), E::Depart, None),
                S::Departed => (Actor::Worker(assigned), E::Arrive, None),
                S::Arrived => (Actor::Worker(assigned), E::StartService, None),
                S::InService => (Actor::Worker(assigned), E::Complete, None),
                S::Refunding => (Actor::System, E::RefundSettled, None),
                S::Completed | S::Cancelled | S::Refunded => (Actor::Admin(ADMIN), E::Cancel, None),
            };
            (actor, event, w, EARLY)
        }
    }
}

proptest! {
    #[test]
    fn random_event_sequences_keep_the_order_invariants(
        paid in 0i64..10_000_000,
        steps in proptest::collection::vec(step_strategy(), 0..40),
    ) {
        let policy = policy();
        let paid = Fen::new(paid);
        let mut facts = OrderFacts {
            state: S::PendingPayment,
            customer_id: 1,
            worker_id: None,
            paid,
            starts_at: STARTS_AT,
        };
        let mut history = vec![facts.state];

        for step in &steps {
            let (actor, event, worker, now) = resolve(step, &facts);
            let before = facts;
            let result = apply(&facts, actor, event, worker, now, &policy);
            // Pure: asking twice gives the same answer.
            prop_assert_eq!(&result, &apply(&facts, actor, event, worker, now, &policy));

            match result {
                Err(_) => {
                    // Nothing to store, nothing changes.
                    prop_assert_eq!(facts, before);
                    continue;
                }
                Ok(t) => {
                    if !matches!(event, E::Accept | E::Assign) {
                        prop_assert_eq!(t.worker_id, facts.worker_id, "worker changed by {:?}", event);
                    }
                    if !matches!(event, E::Cancel | E::CustomerAbsent) {
                        prop_assert_eq!(t.fee, Fen::ZERO);
                        prop_assert_eq!(t.refund, None);
                    }
                    if let Some(refund) = t.refund {
                        prop_assert!(history.contains(&S::Booked), "refund of an unpaid order");
                        prop_assert!(t.fee >= Fen::ZERO && refund >= Fen::ZERO);
                        prop_assert_eq!(refund + t.fee, paid);
                    }
                    if t.fee > Fen::ZERO {
                        let by_customer = matches!(actor, Actor::Customer(_)) && !t.fee_to_worker;
                        let for_the_worker = event == E::CustomerAbsent && t.fee_to_worker && actor == Actor::Worker(t.worker_id.unwrap_or(-1));
                        prop_assert!(by_customer || for_the_worker, "fee charged by {:?}", actor);
                    }
                    facts.state = t.next;
                    facts.worker_id = t.worker_id;
                    history.push(t.next);
                }
            }

            match facts.state {
                S::Completed => {
                    for s in [S::Booked, S::Accepted, S::Departed, S::Arrived, S::InService] {
                        prop_assert!(history.contains(&s), "completed without {:?}: {:?}", s, history);
                    }
                }
                S::Refunding | S::Refunded => {
                    prop_assert!(history.contains(&S::Booked), "refund without payment: {:?}", history);
                }
                _ => {}
            }
            if facts.state.is_active() && facts.state != S::Booked {
                prop_assert!(facts.worker_id.is_some(), "{:?} without a worker", facts.state);
            }
        }
    }
}

#[test]
fn order_chat_opens_when_a_worker_takes_the_order_and_closes_three_days_after_completion() {
    let ends = 1_000_000;
    for state in [S::PendingPayment, S::Booked, S::Cancelled, S::Refunding, S::Refunded] {
        assert!(!order_chat_open(state, ends, ends - 3600), "{state:?}");
    }
    for state in [S::Accepted, S::Departed, S::Arrived, S::InService] {
        assert!(order_chat_open(state, ends, ends + 10 * 86_400), "{state:?}");
    }
    assert!(order_chat_open(S::Completed, ends, ends + ORDER_CHAT_DAYS_AFTER * 86_400));
    assert!(!order_chat_open(S::Completed, ends, ends + ORDER_CHAT_DAYS_AFTER * 86_400 + 1));
}

#[test]
fn the_workers_position_is_shared_only_between_departing_and_completing() {
    let sharing: Vec<OrderState> = OrderState::ALL.into_iter().filter(|s| s.shares_position()).collect();
    assert_eq!(sharing, vec![S::Departed, S::Arrived, S::InService]);
}

fn fee_tiers_strategy() -> impl Strategy<Value = CancellationPolicy> {
    proptest::collection::btree_map(1i64..86_400, 0u32..=10_000, 0..5).prop_map(|by_secs| {
        // Fees rise as the start comes nearer: sort them against the times.
        let mut fees: Vec<u32> = by_secs.values().copied().collect();
        fees.sort_unstable_by(|a, b| b.cmp(a));
        let tiers = by_secs.keys().zip(fees).map(|(&within_secs, fee_bps)| FeeTier { within_secs, fee_bps }).collect();
        CancellationPolicy::new(tiers).expect("valid by construction")
    })
}

proptest! {
    #[test]
    fn the_fee_never_falls_as_the_start_comes_nearer_and_never_exceeds_what_was_paid(
        policy in fee_tiers_strategy(),
        paid in 0i64..10_000_000,
        earlier in (STARTS_AT - 2 * 86_400)..(STARTS_AT + 3600),
        later_by in 0i64..86_400,
    ) {
        let paid = Fen::new(paid);
        let first = policy.customer_fee(paid, STARTS_AT, earlier);
        let then = policy.customer_fee(paid, STARTS_AT, earlier + later_by);
        prop_assert!(first <= then);
        prop_assert!(then <= paid && first >= Fen::ZERO);
    }
}

mod reschedule {
    use super::*;

    const START: i64 = 1_000_000;
    const HOUR: i64 = 3600;

    #[test]
    fn only_a_paid_order_not_yet_under_way_can_be_moved() {
        for state in OrderState::ALL {
            let movable = may_reschedule(state, &policy(), START, START - 10 * HOUR, 0, Some(START + HOUR)).is_ok();
            assert_eq!(movable, matches!(state, S::Booked | S::Accepted), "{state:?}");
        }
    }

    #[test]
    fn moving_is_allowed_only_while_a_cancel_is_still_free() {
        let p = policy();
        let cutoff = p.tiers()[0].within_secs;
        assert_eq!(may_reschedule(S::Accepted, &p, START, START - cutoff, 0, Some(START + HOUR)), Ok(()));
        assert_eq!(may_reschedule(S::Accepted, &p, START, START - cutoff + 1, 0, Some(START + HOUR)), Err(RescheduleRefusal::TooLate));
        let no_fees = CancellationPolicy::new(Vec::new()).unwrap();
        assert_eq!(may_reschedule(S::Booked, &no_fees, START, START - 60, 0, Some(START + HOUR)), Ok(()));
    }

    #[test]
    fn an_order_is_moved_at_most_max_reschedules_times() {
        let early = START - 10 * HOUR;
        assert_eq!(may_reschedule(S::Booked, &policy(), START, early, MAX_RESCHEDULES - 1, Some(START + HOUR)), Ok(()));
        assert_eq!(may_reschedule(S::Booked, &policy(), START, early, MAX_RESCHEDULES, Some(START + HOUR)), Err(RescheduleRefusal::MovedTooOften));
    }

    #[test]
    fn the_new_time_must_differ_from_the_current_one() {
        let early = START - 10 * HOUR;
        assert_eq!(may_reschedule(S::Booked, &policy(), START, early, 0, Some(START)), Err(RescheduleRefusal::SameTime));
        assert_eq!(may_reschedule(S::Booked, &policy(), START, early, 0, None), Ok(()));
    }

    #[test]
    fn the_platform_moves_any_paid_order_not_under_way_past_the_customers_limits() {
        for state in OrderState::ALL {
            let movable = platform_may_reschedule(state, START, Some(START + HOUR)).is_ok();
            assert_eq!(movable, matches!(state, S::Booked | S::Accepted), "{state:?}");
        }
        // Past the free-cancel cut-off, even past the start while nobody has set off.
        assert_eq!(may_reschedule(S::Accepted, &policy(), START, START - 60, 0, Some(START + HOUR)), Err(RescheduleRefusal::TooLate));
        assert_eq!(platform_may_reschedule(S::Accepted, START, Some(START + HOUR)), Ok(()));
        assert_eq!(platform_may_reschedule(S::Booked, START, Some(START)), Err(RescheduleRefusal::SameTime));
    }

    #[test]
    fn is_free_at_agrees_with_a_zero_customer_fee() {
        let p = CancellationPolicy::parse("7200:2000,1800:5000").unwrap();
        for before in [0, 1, 1799, 1800, 1801, 7199, 7200, 7201, 86_400] {
            let free = p.is_free_at(START, START - before);
            assert_eq!(free, p.customer_fee(Fen::new(10_000), START, START - before) == Fen::ZERO, "{before} s before");
        }
    }
}
