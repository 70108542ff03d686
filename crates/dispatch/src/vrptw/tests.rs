use super::*;
use proptest::prelude::*;

const TINY: &str = "TINY

VEHICLE
NUMBER     CAPACITY
  2         10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        100          0
    2      3          4          6         10         20          5
    1      0          1          4          0         50          2
";

#[test]
fn parser_reads_header_and_rows_sorted_by_id() {
    let inst = parse_solomon(TINY).unwrap();
    assert_eq!(inst.name, "TINY");
    assert_eq!(inst.vehicles, 2);
    assert_eq!(inst.capacity, 10.0);
    assert_eq!(inst.nodes.len(), 3);
    assert_eq!(inst.nodes[1], SolomonNode { id: 1, x: 0.0, y: 1.0, demand: 4.0, ready: 0.0, due: 50.0, service: 2.0 });
    assert_eq!(inst.nodes[2].due, 20.0);
}

#[test]
fn dimacs_scaling_truncates_arcs_to_one_decimal_exactly() {
    let p = parse_solomon(TINY).unwrap().to_problem(Convention::Dimacs);
    // |(0,1)-(3,4)| = sqrt(18) = 4.2426… → 4.2 → 42 tenths.
    assert_eq!(p.dist(1, 2), 42);
    assert_eq!(p.travel(0, 2), 50);
    assert_eq!((p.ready[2], p.due[2], p.service[2]), (100, 200, 50));
}

#[test]
fn exact_scaling_rounds_travel_time_up() {
    let p = parse_solomon(TINY).unwrap().to_problem(Convention::Exact);
    assert_eq!(p.dist(1, 2), 4243);
    assert_eq!(p.travel(1, 2), 4243);
    assert_eq!(p.travel(0, 1), 1000);
}

#[test]
fn parser_rejects_gaps_in_node_ids() {
    let text = TINY.replace("    2      3", "    7      3");
    assert!(parse_solomon(&text).is_err());
}

#[test]
fn solver_serves_tiny_instance_within_fleet() {
    let p = parse_solomon(TINY).unwrap().to_problem(Convention::Dimacs);
    let mut left = 200;
    let plan = solve(&p, &Params { objective: Objective::Hierarchical, seed: 3 }, &mut || {
        left -= 1;
        if left > 0 {
            0.0
        } else {
            1.0
        }
    })
    .unwrap();
    assert_eq!(check_plan(&p, &plan.routes), Ok(plan.distance));
    assert_eq!(plan.routes.len(), 1, "one vehicle can serve both clients");
}

#[test]
fn clients_no_route_can_serve_are_reported_with_the_reason_and_the_rest_planned() {
    let mut p = parse_solomon(TINY).unwrap().to_problem(Convention::Dimacs);
    assert!(p.unservable().is_empty());
    // Client 1 closes before anyone can get there; client 2 is heavier than a vehicle.
    p.due[1] = p.travel(0, 1) - 1;
    p.demand[2] = p.capacity + 1;
    assert_eq!(p.unservable(), [(1, Unservable::WindowUnreachable), (2, Unservable::TooHeavy)]);
    p.demand[2] = 1;
    p.due[0] = p.ready[2] + p.service[2];
    assert_eq!(p.unservable(), [(1, Unservable::WindowUnreachable), (2, Unservable::NoWayBack)]);
    // Without them, what is left is planned and maps back to the original nodes.
    let mut q = parse_solomon(TINY).unwrap().to_problem(Convention::Dimacs);
    q.due[1] = q.travel(0, 1) - 1;
    let drop: Vec<usize> = q.unservable().iter().map(|(c, _)| *c).collect();
    let (rest, map) = q.without(&drop);
    assert_eq!((rest.len(), map), (2, vec![0, 2]));
    let plan = solve(&rest, &Params { objective: Objective::Distance, seed: 1 }, &mut || 1.0).unwrap();
    assert_eq!(plan.routes.iter().flatten().copied().collect::<Vec<_>>(), [1], "node 1 of the rest is client 2");
    assert_eq!(check_plan(&rest, &plan.routes), Ok(plan.distance));
}

/// Independent checker written from the problem statement (start at depot
/// ready time, wait when early, start before due, return by depot due,
/// capacity, each client exactly once, fleet size). Returns total distance.
fn check_plan(p: &Problem, routes: &[Vec<usize>]) -> Result<i64, String> {
    let mut seen = vec![0; p.len()];
    let used: Vec<&Vec<usize>> = routes.iter().filter(|r| !r.is_empty()).collect();
    if used.len() > p.vehicles {
        return Err(format!("{} routes > fleet {}", used.len(), p.vehicles));
    }
    let mut total = 0;
    for r in used {
        let (mut t, mut prev, mut load) = (p.ready[0], 0, 0);
        for &c in r {
            if c == 0 || c >= p.len() {
                return Err(format!("bad client {c}"));
            }
            seen[c] += 1;
            load += p.demand[c];
            t = (t + p.travel(prev, c)).max(p.ready[c]);
            if t > p.due[c] {
                return Err(format!("client {c} starts {t} > due {}", p.due[c]));
            }
            t += p.service[c];
            total += p.dist(prev, c);
            prev = c;
        }
        if t + p.travel(prev, 0) > p.due[0] {
            return Err("late back at depot".into());
        }
        total += p.dist(prev, 0);
        if load > p.capacity {
            return Err(format!("load {load} > capacity {}", p.capacity));
        }
    }
    match (1..p.len()).find(|&c| seen[c] != 1) {
        Some(c) => Err(format!("client {c} served {} times", seen[c])),
        None => Ok(total),
    }
}

/// Random Euclidean instance from grid coordinates and window parameters.
fn instance(nodes: Vec<(u8, u8, i64, i64, i64, i64)>, vehicles: usize, capacity: i64, horizon: i64) -> Problem {
    let n = nodes.len() + 1;
    let pts: Vec<(f64, f64)> =
        std::iter::once((25.0, 25.0)).chain(nodes.iter().map(|&(x, y, ..)| (x as f64, y as f64))).collect();
    let mut distance = Vec::new();
    for a in &pts {
        for b in &pts {
            distance.push(((a.0 - b.0).hypot(a.1 - b.1) * 10.0).floor() as i64);
        }
    }
    let mut p = Problem {
        vehicles,
        capacity,
        demand: vec![0],
        ready: vec![0],
        due: vec![horizon],
        service: vec![0],
        duration: distance.clone(),
        distance,
    };
    for &(_, _, demand, ready, width, service) in &nodes {
        p.demand.push(demand);
        p.ready.push(ready);
        p.due.push(ready + width);
        p.service.push(service);
    }
    assert_eq!(p.len(), n);
    p
}

fn node_strategy() -> impl Strategy<Value = (u8, u8, i64, i64, i64, i64)> {
    (0u8..50, 0u8..50, 1i64..8, 0i64..1200, 0i64..400, 0i64..100)
}

/// Replays `route` from each possible depot departure and returns the least
/// time warp and, among departures achieving it, the least duration (time
/// warped away still counts as duration, as in the segment algebra).
fn brute_force(p: &Problem, route: &[usize]) -> (i64, i64) {
    let mut best = (i64::MAX, i64::MAX);
    for dep in p.ready[0]..=p.due[0] {
        let (mut t, mut warp, mut prev) = (dep, 0, route[0]);
        for (k, &c) in route.iter().enumerate() {
            if k > 0 {
                t += p.travel(prev, c);
            }
            t = t.max(p.ready[c]);
            if t > p.due[c] {
                warp += t - p.due[c];
                t = p.due[c];
            }
            t += p.service[c];
            prev = c;
        }
        best = best.min((warp, t - dep + warp));
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn segment_concatenation_equals_route_replay(
        nodes in proptest::collection::vec(node_strategy(), 1..8),
        order in proptest::collection::vec(0usize..100, 1..10),
        split in 0usize..10,
    ) {
        let p = instance(nodes, 3, 100, 1500);
        let mut route = vec![0];
        route.extend(order.iter().map(|&k| 1 + k % (p.len() - 1)));
        route.push(0);
        // Build the route as two halves joined once, as insertion evaluation does.
        let cut = 1 + split % (route.len() - 1);
        let join = |nodes: &[usize]| {
            nodes[1..].iter().fold(TimeSegment::node(&p, nodes[0]), |s, &c| s.then(&p, &TimeSegment::node(&p, c)))
        };
        let seg = join(&route[..cut]).then(&p, &join(&route[cut..]));
        let (warp, duration) = brute_force(&p, &route);
        prop_assert_eq!(seg.time_warp, warp);
        prop_assert_eq!(seg.duration, duration);
    }

    #[test]
    fn every_returned_plan_is_feasible(
        nodes in proptest::collection::vec(node_strategy(), 1..=12),
        vehicles in 1usize..14,
        capacity in 8i64..30,
        hierarchical in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let p = instance(nodes, vehicles, capacity, 1500);
        let objective = if hierarchical { Objective::Hierarchical } else { Objective::Distance };
        // A budget that advances steadily, so a hierarchical search goes
        // through its fleet phase and every distance cycle, fresh plans included.
        let mut used = 0.0;
        let plan = solve(&p, &Params { objective, seed }, &mut || {
            used += 1.0 / 300.0;
            used
        });
        // One route per client is a plan whenever each client fits alone and
        // the fleet is large enough, so the solver must not give up then.
        let alone = (1..p.len()).all(|c| {
            let start = p.travel(0, c).max(p.ready[c]);
            p.demand[c] <= p.capacity && start <= p.due[c] && start + p.service[c] + p.travel(c, 0) <= p.due[0]
        });
        if alone && p.len() - 1 <= p.vehicles {
            prop_assert!(plan.is_some());
        }
        if let Some(plan) = plan {
            prop_assert_eq!(check_plan(&p, &plan.routes), Ok(plan.distance));
        }
    }
}

/// Clients from `nodes` (as in [`instance`]), then a start and an end node at
/// each of `homes`; node 0 is the centre and is never visited.
fn fleet_instance(nodes: Vec<(u8, u8, i64, i64, i64, i64)>, homes: &[(u8, u8)], serves: &[bool]) -> (Problem, Fleet) {
    let clients = nodes.len();
    let pts: Vec<(f64, f64)> = std::iter::once((25.0, 25.0))
        .chain(nodes.iter().map(|&(x, y, ..)| (x as f64, y as f64)))
        .chain(homes.iter().flat_map(|&(x, y)| [(x as f64, y as f64); 2]))
        .collect();
    let distance: Vec<i64> =
        pts.iter().flat_map(|a| pts.iter().map(|b| ((a.0 - b.0).hypot(a.1 - b.1) * 10.0).floor() as i64)).collect();
    let terminals = 2 * homes.len();
    let mut p = Problem {
        vehicles: 0,
        capacity: 100,
        demand: vec![0],
        ready: vec![0],
        due: vec![1500],
        service: vec![0],
        duration: distance.clone(),
        distance,
    };
    for &(_, _, demand, ready, width, service) in &nodes {
        p.demand.push(demand);
        p.ready.push(ready);
        p.due.push(ready + width);
        p.service.push(service);
    }
    for _ in 0..terminals {
        p.demand.push(0);
        p.ready.push(0);
        p.due.push(1500);
        p.service.push(0);
    }
    let vehicles = (0..homes.len())
        .map(|v| {
            let mut s = vec![false; p.len()];
            for c in 1..=clients {
                s[c] = serves[(v * clients + c) % serves.len()];
            }
            Vehicle { start: clients + 1 + 2 * v, end: clients + 2 + 2 * v, serves: s, route: Vec::new() }
        })
        .collect();
    (p, Fleet { clients, vehicles })
}

/// Independent checker for a fleet plan: each route leaves its own start no
/// earlier than that node's ready time, meets every window (waiting when
/// early), reaches its own end in time, within capacity, and serves only
/// clients its vehicle may serve; every client is served once or listed as
/// unserved. Returns total distance.
fn check_fleet_plan(p: &Problem, fleet: &Fleet, plan: &FleetPlan) -> Result<i64, String> {
    let mut seen = vec![0; p.len()];
    let mut total = 0;
    for (v, r) in fleet.vehicles.iter().zip(&plan.routes) {
        if r.is_empty() {
            total += p.dist(v.start, v.end);
            continue;
        }
        let (mut t, mut prev, mut load) = (p.ready[v.start], v.start, p.demand[v.start]);
        for &c in r {
            if !(1..=fleet.clients).contains(&c) || !v.serves[c] {
                return Err(format!("vehicle may not serve {c}"));
            }
            seen[c] += 1;
            load += p.demand[c];
            t = (t + p.travel(prev, c)).max(p.ready[c]);
            if t > p.due[c] {
                return Err(format!("client {c} starts {t} > due {}", p.due[c]));
            }
            t += p.service[c];
            total += p.dist(prev, c);
            prev = c;
        }
        if t + p.travel(prev, v.end) > p.due[v.end] {
            return Err("late back".into());
        }
        total += p.dist(prev, v.end);
        if load > p.capacity {
            return Err(format!("load {load} > capacity {}", p.capacity));
        }
    }
    for &c in &plan.unserved {
        seen[c] += 1;
    }
    match (1..=fleet.clients).find(|&c| seen[c] != 1) {
        Some(c) => Err(format!("client {c} appears {} times", seen[c])),
        None => Ok(total),
    }
}

fn iterations(n: u32) -> impl FnMut() -> f64 {
    let mut left = n;
    move || {
        left = left.saturating_sub(1);
        if left > 0 {
            0.3
        } else {
            1.0
        }
    }
}

#[test]
fn a_client_only_one_vehicle_serves_goes_to_it_even_when_another_is_nearer() {
    let nodes = vec![(10, 10, 1, 0, 1000, 10), (40, 40, 1, 0, 1000, 10)];
    let (mut p, mut fleet) = fleet_instance(nodes, &[(10, 10), (40, 40)], &[true]);
    fleet.vehicles[0].serves[2] = false;
    fleet.vehicles[1].serves[1] = false;
    // A starting route breaking `serves` is ignored, not followed.
    fleet.vehicles[0].route = vec![2, 1];
    let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed: 1 }, &mut iterations(100));
    assert_eq!(plan.routes, vec![vec![1], vec![2]]);
    assert_eq!(check_fleet_plan(&p, &fleet, &plan), Ok(plan.distance));
    // A window no vehicle can reach leaves the client out instead of failing.
    p.ready[2] = 2000;
    p.due[2] = 2000;
    let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed: 1 }, &mut iterations(100));
    assert_eq!((plan.routes.clone(), plan.unserved.clone()), (vec![vec![1], vec![]], vec![2]));
}

#[test]
fn a_vehicle_away_from_its_end_is_charged_only_the_detour_beyond_its_way_there() {
    // Vehicle 0 is out at (50, 0) and must get back to (0, 0) anyway;
    // vehicle 1 is at (0, 0) with client 1 at (30, 0) that only it may
    // serve. Client 2 at (40, 0) lies on vehicle 0's way back: free for
    // it, a detour of 20 for vehicle 1. Charging vehicle 0 its whole way
    // back for its first client would hand client 2 to vehicle 1.
    let nodes = vec![(30, 0, 1, 0, 1000, 10), (40, 0, 1, 0, 1000, 10)];
    let (p, mut fleet) = fleet_instance(nodes, &[(50, 0), (0, 0)], &[true]);
    fleet.vehicles[0].end = fleet.vehicles[1].end;
    fleet.vehicles[0].serves[1] = false;
    let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed: 1 }, &mut iterations(100));
    assert_eq!(plan.routes, vec![vec![2], vec![1]]);
    // 50 → 40 → 0 and 0 → 30 → 0, in tenths.
    assert_eq!(check_fleet_plan(&p, &fleet, &plan), Ok(1100));
    assert_eq!(plan.distance, 1100);
}

#[test]
fn load_already_on_board_counts_against_the_capacity() {
    let nodes = vec![(10, 10, 30, 0, 1000, 10), (12, 12, 30, 0, 1000, 10)];
    let (mut p, fleet) = fleet_instance(nodes, &[(10, 10), (40, 40)], &[true]);
    // Vehicle 0 sits next to both clients but has 50 of its 100 on board: it
    // can take one more client of 30, so the other must go to vehicle 1.
    p.demand[fleet.vehicles[0].start] = 50;
    let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed: 1 }, &mut iterations(200));
    assert_eq!(check_fleet_plan(&p, &fleet, &plan), Ok(plan.distance));
    assert_eq!((plan.routes[0].len(), plan.routes[1].len()), (1, 1));
    // Full already: it takes nothing, and what vehicle 1 cannot carry is left out.
    p.demand[fleet.vehicles[0].start] = 100;
    p.demand[fleet.vehicles[1].start] = 60;
    let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed: 1 }, &mut iterations(200));
    assert_eq!(check_fleet_plan(&p, &fleet, &plan), Ok(plan.distance));
    assert_eq!((plan.routes[0].len(), plan.routes[1].len(), plan.unserved.len()), (0, 1, 1));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fleet_plans_are_feasible_and_never_worse_than_the_start(
        nodes in proptest::collection::vec(node_strategy(), 1..=10),
        homes in proptest::collection::vec((0u8..50, 0u8..50), 1..4),
        serves in proptest::collection::vec(any::<bool>(), 1..40),
        seed in any::<u64>(),
    ) {
        let (p, mut fleet) = fleet_instance(nodes, &homes, &serves);
        // Start vehicle 0 from the clients it can take in window order, each
        // kept only while its route stays feasible.
        let mut order: Vec<usize> = (1..=fleet.clients).filter(|&c| fleet.vehicles[0].serves[c]).collect();
        order.sort_by_key(|&c| p.ready[c]);
        let mut start = FleetPlan { routes: vec![Vec::new(); homes.len()], unserved: Vec::new(), distance: 0 };
        for c in order {
            start.routes[0].push(c);
            start.unserved = (1..=fleet.clients).filter(|x| !start.routes[0].contains(x)).collect();
            if check_fleet_plan(&p, &fleet, &start).is_err() {
                start.routes[0].pop();
            }
        }
        start.unserved = (1..=fleet.clients).filter(|x| !start.routes[0].contains(x)).collect();
        let start_distance = check_fleet_plan(&p, &fleet, &start).unwrap();
        fleet.vehicles[0].route = start.routes[0].clone();
        let plan = solve_fleet(&p, &fleet, &Params { objective: Objective::Distance, seed }, &mut iterations(200));
        prop_assert_eq!(check_fleet_plan(&p, &fleet, &plan), Ok(plan.distance));
        prop_assert!((plan.unserved.len(), plan.distance) <= (start.unserved.len(), start_distance));
    }
}
