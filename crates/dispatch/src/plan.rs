//! A day's plan for real workers and orders (B1 (c)): the VRPTW planner
//! ([`crate::vrptw::solve_fleet`]) over workers who each leave from home,
//! with every order the worker already accepted pinned to them and every
//! order not yet accepted free to go to whoever fits it best.

use crate::rules::{qualifies, within_hours_and_not_on_leave};
use crate::vrptw::{solve_fleet, Fleet, Objective, Params, Problem, Vehicle};
use crate::{local_day_start, Candidate, Job, Travel};
use serde::{Deserialize, Serialize};

/// One order of the day, as the planner sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOrder {
    pub order_id: i64,
    pub job: Job,
    /// The worker who accepted it: it stays theirs.
    pub pinned_to: Option<i64>,
    /// Workers who refused it: never planned for it again.
    pub refused_by: Vec<i64>,
    /// Who holds its time now, if it is free to move: the search starts
    /// from there, so the plan is never longer than today's holding.
    pub held_by: Option<i64>,
}

/// Why the plan leaves an order out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unplanned {
    /// Nobody has the skill, serves the address and works then.
    NoQualifiedWorker,
    /// Someone qualifies, but no route fits it beside the other orders.
    NoRouteFits,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkerRoute {
    pub worker_id: i64,
    /// Order ids in visiting order.
    pub orders: Vec<i64>,
    /// Road kilometres from home through the orders and back.
    pub km: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayPlan {
    /// Workers with at least one order.
    pub routes: Vec<WorkerRoute>,
    pub unplanned: Vec<(i64, Unplanned)>,
    pub km: f64,
}

impl DayPlan {
    pub fn worker_of(&self, order_id: i64) -> Option<i64> {
        self.routes.iter().find(|r| r.orders.contains(&order_id)).map(|r| r.worker_id)
    }
}

/// Kilometres are planned in whole metres.
const METRES_PER_KM: f64 = 1000.0;

/// One stretch of a worker's day between orders they already hold (or home):
/// the planner's vehicle. Accepted orders are never clients, so no plan can
/// move or drop them; free orders can only go in the gaps around them.
struct Gap {
    worker: usize,
    from: (crate::GeoPoint, i64),
    to: (crate::GeoPoint, i64),
}

/// Plans `orders` (all on one Beijing day) over `workers`. Of the busy time
/// in the candidates only what runs in from an earlier day counts (a nanny's
/// contract ending that day): the worker's day starts where and when it
/// ends. The day's own held orders are among `orders`, and no order of the
/// day runs past midnight into the next one. An order pinned to someone not
/// among `workers` is left out as unqualified.
/// `progress` says how far through its budget the search is (see
/// [`crate::vrptw::solve`]).
pub fn plan_day(workers: &[Candidate], orders: &[PlanOrder], travel: &dyn Travel, seed: u64, progress: &mut dyn FnMut() -> f64) -> DayPlan {
    let day = orders.first().map_or(0, |o| local_day_start(o.job.start));
    // Two days, so an order that ends after midnight still has a window.
    let open = 2 * 86_400;
    let free: Vec<&PlanOrder> = orders.iter().filter(|o| o.pinned_to.is_none()).collect();
    let held = |w: &Candidate| {
        let mut held: Vec<&PlanOrder> = orders.iter().filter(|o| o.pinned_to == Some(w.worker_id)).collect();
        held.sort_by_key(|o| o.job.start);
        held
    };
    let mut gaps = Vec::new();
    for (v, w) in workers.iter().enumerate() {
        let mut from = day_start(w, day);
        for o in held(w) {
            // A held order clashing with what runs in from the day before leaves no gap before it.
            if from.1 <= o.job.start - day {
                gaps.push(Gap { worker: v, from, to: (o.job.location, o.job.start - day) });
            }
            from = (o.job.location, (o.job.end - day).max(from.1));
        }
        if from.1 <= open {
            gaps.push(Gap { worker: v, from, to: (w.home, open) });
        }
    }
    let m = free.len();
    // Node 0 is never visited; the search orders clients by distance from it.
    let spots: Vec<_> = orders.iter().map(|o| o.job.location).chain(workers.iter().map(|w| w.home)).collect();
    let count = spots.len().max(1) as f64;
    let centre = crate::GeoPoint::new(spots.iter().map(|p| p.lat).sum::<f64>() / count, spots.iter().map(|p| p.lng).sum::<f64>() / count);
    let places: Vec<_> = std::iter::once(centre)
        .chain(free.iter().map(|o| o.job.location))
        .chain(gaps.iter().flat_map(|g| [g.from.0, g.to.0]))
        .collect();
    let n = places.len();
    let mut problem = Problem {
        vehicles: gaps.len(),
        capacity: 0,
        demand: vec![0; n],
        ready: vec![0; n],
        due: vec![open; n],
        service: vec![0; n],
        distance: places.iter().flat_map(|&a| places.iter().map(move |&b| road_metres(travel, a, b))).collect(),
        duration: places.iter().flat_map(|&a| places.iter().map(move |&b| travel.travel_secs(a, b))).collect(),
    };
    for (k, o) in free.iter().enumerate() {
        problem.ready[1 + k] = o.job.start - day;
        problem.due[1 + k] = o.job.start - day;
        problem.service[1 + k] = o.job.end - o.job.start;
    }
    for (g, gap) in gaps.iter().enumerate() {
        problem.ready[1 + m + 2 * g] = gap.from.1;
        problem.due[2 + m + 2 * g] = gap.to.1;
    }
    let serves = |w: &Candidate, o: &PlanOrder| {
        !o.refused_by.contains(&w.worker_id) && qualifies(w, &o.job) && within_hours_and_not_on_leave(w, &o.job)
    };
    let vehicles: Vec<Vehicle> = gaps
        .iter()
        .enumerate()
        .map(|(g, gap)| {
            let mut s = vec![false; n];
            for (k, o) in free.iter().enumerate() {
                s[1 + k] = serves(&workers[gap.worker], o);
            }
            // Today's holding as the starting route: the worker's free orders
            // that fall in this gap, in time order (an infeasible one is ignored).
            let held_here = |k: &usize| {
                let o = free[*k];
                o.held_by == Some(workers[gap.worker].worker_id) && gap.from.1 <= o.job.start - day && o.job.end - day <= gap.to.1
            };
            let mut route: Vec<usize> = (0..m).filter(held_here).map(|k| 1 + k).collect();
            route.sort_by_key(|&node| problem.ready[node]);
            Vehicle { start: 1 + m + 2 * g, end: 2 + m + 2 * g, serves: s, route }
        })
        .collect();
    let plan = solve_fleet(&problem, &Fleet { clients: m, vehicles }, &Params { objective: Objective::Distance, seed }, progress);

    let mut unplanned: Vec<(i64, Unplanned)> = plan
        .unserved
        .iter()
        .map(|&node| {
            let o = free[node - 1];
            let why = if workers.iter().any(|w| serves(w, o)) { Unplanned::NoRouteFits } else { Unplanned::NoQualifiedWorker };
            (o.order_id, why)
        })
        .collect();
    let known = |id: i64| workers.iter().any(|w| w.worker_id == id);
    unplanned.extend(orders.iter().filter(|o| o.pinned_to.is_some_and(|id| !known(id))).map(|o| (o.order_id, Unplanned::NoQualifiedWorker)));
    let routes: Vec<WorkerRoute> = workers
        .iter()
        .enumerate()
        .filter_map(|(v, w)| {
            let mut stops: Vec<&PlanOrder> = held(w);
            for (g, _) in gaps.iter().enumerate().filter(|(_, gap)| gap.worker == v) {
                stops.extend(plan.routes[g].iter().map(|&node| free[node - 1]));
            }
            stops.sort_by_key(|o| o.job.start);
            if stops.is_empty() {
                return None;
            }
            let places: Vec<_> = stops.iter().map(|o| o.job.location).collect();
            Some(WorkerRoute { worker_id: w.worker_id, orders: stops.iter().map(|o| o.order_id).collect(), km: day_km(travel, w, day, &places) })
        })
        .collect();
    let km = routes.iter().map(|r| r.km).sum();
    DayPlan { routes, unplanned, km }
}

/// Where and when (seconds after the start of Beijing day `day`) a worker's
/// day starts: at home at midnight, or where the last of their jobs running
/// in from an earlier day ends, when it ends.
fn day_start(w: &Candidate, day: i64) -> (crate::GeoPoint, i64) {
    w.busy.iter().filter(|b| b.start < day && b.end > day).max_by_key(|b| b.end).map_or((w.home, 0), |b| (b.location, b.end - day))
}

/// Road kilometres of a worker's day on Beijing day `day` (its first
/// second) through `stops`: from where the day starts ([`plan_day`]) and
/// home at the end. A worker with no stops drives nowhere.
pub fn day_km(travel: &dyn Travel, w: &Candidate, day: i64, stops: &[crate::GeoPoint]) -> f64 {
    if stops.is_empty() {
        return 0.0;
    }
    let path: Vec<_> = std::iter::once(day_start(w, day).0).chain(stops.iter().copied()).chain(std::iter::once(w.home)).collect();
    let metres: i64 = path.windows(2).map(|p| road_metres(travel, p[0], p[1])).sum();
    metres as f64 / METRES_PER_KM
}

fn road_metres(travel: &dyn Travel, a: crate::GeoPoint, b: crate::GeoPoint) -> i64 {
    (travel.road_km(a, b) * METRES_PER_KM).round() as i64
}

/// An iteration budget for [`plan_day`]: the same plan on every machine.
pub fn iterations(n: u32) -> impl FnMut() -> f64 {
    let mut done = 0u32;
    move || {
        done += 1;
        f64::from(done) / f64::from(n.max(1))
    }
}
