//! Slack induction by string removals (ruin and recreate) under simulated
//! annealing, with a fleet-minimisation phase for the hierarchical objective.
//!
//! Why this design: it only ever holds time-window-feasible routes, so the
//! best plan seen is always deliverable, and one small mechanism (remove a
//! few short strings of nearby clients, reinsert them greedily) reaches
//! within a fraction of a percent of proven optima on Solomon instances in
//! seconds. Insertion feasibility is O(1) through per-route prefix/suffix
//! [`TimeSegment`]s. There is no separate relocate/swap/2-opt* local search
//! yet; ruin-and-recreate is the only neighbourhood, with an occasional whole
//! route dissolved in place of the strings. Under the hierarchical objective
//! the distance phase restarts from fresh plans with the same route count
//! (see [`DISTANCE_CYCLES`]).

use super::{Problem, Rng, TimeSegment};

/// What "better" means for a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Least total distance using any number of routes up to the fleet size.
    Distance,
    /// Fewest routes first, then least distance.
    Hierarchical,
}

/// Search settings. The same seed and the same `progress` answers give the
/// same plan on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    pub objective: Objective,
    pub seed: u64,
}

/// A feasible plan: each route lists client indices (depot implied at both
/// ends); `distance` is in the problem's integer units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub routes: Vec<Vec<usize>>,
    pub distance: i64,
}

/// Vehicles that are not interchangeable, for [`solve_fleet`]: real workers
/// each leave from their own home, serve only some orders, and may already
/// hold orders that must stay theirs.
///
/// Nodes `1..=clients` of the [`Problem`] are the clients; the vehicles'
/// terminals are further nodes (after the clients). Node 0 is never visited;
/// the search only uses it to order clients by distance, so give it a
/// central point. `Problem::vehicles` is ignored: each [`Vehicle`] is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    pub clients: usize,
    pub vehicles: Vec<Vehicle>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vehicle {
    /// Node the vehicle leaves from; its window bounds the departure and
    /// its demand is load already on board (counted against the capacity).
    pub start: usize,
    /// Node it returns to; its window bounds the return.
    pub end: usize,
    /// `serves[c]`: whether this vehicle may serve node `c` (skills, area,
    /// working hours). A client pinned to one vehicle is served by no other.
    pub serves: Vec<bool>,
    /// Route to start from, in visiting order (say, the plan being
    /// improved). The result is never worse than the starting routes; a
    /// route that is infeasible or breaks `serves` is ignored.
    pub route: Vec<usize>,
}

/// Best plan found for a [`Fleet`], fewest clients left out first, then
/// least `distance`: `routes[v]` are vehicle `v`'s clients in visiting order
/// (empty when unused), `unserved` the clients left out, ascending.
/// `distance` is what the whole fleet drives: a vehicle with no clients
/// still goes straight from its start to its end (nothing when both are
/// the same place, as a worker at home).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetPlan {
    pub routes: Vec<Vec<usize>>,
    pub unserved: Vec<usize>,
    pub distance: i64,
}

/// Average number of clients removed per ruin (SISR's `c̄`).
const AVG_REMOVED: f64 = 10.0;
/// Longest string removed from one route.
const MAX_STRING: f64 = 10.0;
/// Chance of skipping an insertion position, so recreate is not fully greedy.
const BLINK: f64 = 0.01;
/// Annealing temperatures as multiples of 1/20 of the local length scale
/// (see `Search::mean_arc`): hot enough early to leave local optima (tuned on
/// Solomon instances at 1 s), nearly greedy at the end.
const T_START: f64 = 60.0;
const T_END: f64 = 0.3;
/// Chance of stopping to grow the preserved part of a split string (SISR's β):
/// small, so the preserved part is usually most of the rest of the route.
const SPLIT_BETA: f64 = 0.01;
/// Iterations the annealing may spend with clients left out before it
/// restarts from the best complete plan.
const STUCK_LIMIT: u32 = 2000;
/// Chance that a distance iteration dissolves a whole route instead of
/// ruining strings.
const ROUTE_REMOVAL: f64 = 0.005;
/// Share of the budget spent removing routes under [`Objective::Hierarchical`].
const FLEET_SHARE: f64 = 0.5;
/// Annealing cycles of the hierarchical distance phase, each from a plan of
/// its own with the fleet phase's route count. Under that cap a walk stays
/// in the basin it starts in (R110 ended on the same distance at four times
/// the budget), and which basin is luck: one plan's seed gave RC102 +5.4%,
/// another's the best-known. Six basins a run gave a mean +0.99% against
/// +2.57% for one, on 12 hard instances × 2 seeds.
const DISTANCE_CYCLES: f64 = 6.0;
/// Share of a cycle that may go to building its own plan with the capped
/// route count; when none is built in time the cycle reheats the best plan.
const FRESH_SHARE: f64 = 0.3;

#[derive(Debug)]
struct Route {
    /// Index into the search's vehicles.
    vehicle: usize,
    /// The vehicle's terminal nodes (the depot, 0, for interchangeable ones).
    start: usize,
    end: usize,
    clients: Vec<usize>,
    /// `fwd[i]`: start then `clients[..i]`.
    fwd: Vec<TimeSegment>,
    /// `bwd[i]`: `clients[i..]` then end.
    bwd: Vec<TimeSegment>,
    load: i64,
}

impl Route {
    fn new(p: &Problem, vehicle: usize, v: &Vehicle, clients: Vec<usize>) -> Self {
        let mut r = Route { vehicle, start: v.start, end: v.end, clients, fwd: Vec::new(), bwd: Vec::new(), load: 0 };
        r.refresh(p);
        r
    }

    fn refresh(&mut self, p: &Problem) {
        let n = self.clients.len();
        self.fwd.clear();
        self.fwd.push(TimeSegment::node(p, self.start));
        for &c in &self.clients {
            let s = self.fwd.last().unwrap().then(p, &TimeSegment::node(p, c));
            self.fwd.push(s);
        }
        self.bwd.clear();
        self.bwd.resize(n + 1, TimeSegment::node(p, self.end));
        for i in (0..n).rev() {
            self.bwd[i] = TimeSegment::node(p, self.clients[i]).then(p, &self.bwd[i + 1]);
        }
        // A vehicle's start node may carry load it already has on board.
        self.load = p.demand[self.start] + self.clients.iter().map(|&c| p.demand[c]).sum::<i64>();
    }

    fn node_at(&self, i: usize) -> usize {
        if i == 0 {
            self.start
        } else if i > self.clients.len() {
            self.end
        } else {
            self.clients[i - 1]
        }
    }

    /// What the route drives beyond the vehicle's own way from its start
    /// to its end, which it drives anyway (a worker out at a job goes home
    /// with or without another order). Counting that way in full would make
    /// emptying a route look like it saves it, and giving an order to a
    /// vehicle with none look dearer than it is.
    fn distance(&self, p: &Problem) -> i64 {
        if self.clients.is_empty() {
            0
        } else {
            p.path_distance(self.start, &self.clients, self.end) - p.dist(self.start, self.end)
        }
    }
}

/// Cloning is by `clone_from` in the hot loop so route buffers are reused
/// instead of reallocated every iteration.
#[derive(Debug)]
struct State {
    routes: Vec<Route>,
    unassigned: Vec<usize>,
    distance: i64,
}

impl Clone for Route {
    fn clone(&self) -> Self {
        Route {
            vehicle: self.vehicle,
            start: self.start,
            end: self.end,
            clients: self.clients.clone(),
            fwd: self.fwd.clone(),
            bwd: self.bwd.clone(),
            load: self.load,
        }
    }

    fn clone_from(&mut self, o: &Self) {
        self.vehicle = o.vehicle;
        self.start = o.start;
        self.end = o.end;
        self.clients.clone_from(&o.clients);
        self.fwd.clone_from(&o.fwd);
        self.bwd.clone_from(&o.bwd);
        self.load = o.load;
    }
}

impl Clone for State {
    fn clone(&self) -> Self {
        State { routes: self.routes.clone(), unassigned: self.unassigned.clone(), distance: self.distance }
    }

    fn clone_from(&mut self, o: &Self) {
        self.routes.clone_from(&o.routes);
        self.unassigned.clone_from(&o.unassigned);
        self.distance = o.distance;
    }
}

impl State {
    fn plan(&self) -> Plan {
        Plan { routes: self.routes.iter().map(|r| r.clients.clone()).collect(), distance: self.distance }
    }
}

struct Search<'a> {
    p: &'a Problem,
    fleet: &'a Fleet,
    /// Each vehicle of `fleet` stands for any number of identical ones (the
    /// plain depot problem), so using it does not make it unavailable.
    copies: bool,
    /// Plans leaving clients out count as results (fewest left out first).
    partial: bool,
    rng: Rng,
    /// For each client, every client ordered by distance (itself first).
    near: Vec<Vec<usize>>,
    /// Cost of leaving one client unserved: more than any route could save.
    miss_cost: i64,
}

/// Plans routes for `p`. `progress` reports the fraction of the budget used
/// (0 at the start, ≥ 1 to stop); the caller decides whether that is wall
/// time or iterations, which keeps this function clock-free for wasm.
/// Returns `None` when no plan serving every client within the fleet was
/// found (for example a client that cannot be reached within its window).
pub fn solve(p: &Problem, params: &Params, progress: &mut dyn FnMut() -> f64) -> Option<Plan> {
    let n = p.len();
    if n <= 1 {
        return Some(Plan { routes: Vec::new(), distance: 0 });
    }
    let depot = Vehicle { start: 0, end: 0, serves: vec![true; n], route: Vec::new() };
    let fleet = Fleet { clients: n - 1, vehicles: vec![depot] };
    search(p, &fleet, true, false, params, progress).map(|best| best.plan())
}

/// Plans routes for a [`Fleet`] of distinct vehicles; `progress` as for
/// [`solve`]. Unlike [`solve`] it always answers: clients that no vehicle
/// can fit are returned in [`FleetPlan::unserved`].
///
/// # Panics
/// When a vehicle's `serves` does not have one entry per node, or a terminal
/// or `fleet.clients` lies outside the problem.
pub fn solve_fleet(p: &Problem, fleet: &Fleet, params: &Params, progress: &mut dyn FnMut() -> f64) -> FleetPlan {
    let n = p.len();
    assert!(fleet.clients < n.max(1), "fleet clients must be nodes 1..n");
    for v in &fleet.vehicles {
        assert!(v.serves.len() == n && v.start < n && v.end < n, "vehicle does not match the problem");
    }
    let mut routes = vec![Vec::new(); fleet.vehicles.len()];
    let direct: i64 = fleet.vehicles.iter().map(|v| p.dist(v.start, v.end)).sum();
    if fleet.clients == 0 {
        return FleetPlan { routes, unserved: Vec::new(), distance: direct };
    }
    let best = search(p, fleet, false, true, params, progress).expect("partial plans always count");
    for r in best.routes {
        routes[r.vehicle] = r.clients;
    }
    let mut unserved = best.unassigned;
    unserved.sort_unstable();
    FleetPlan { routes, unserved, distance: best.distance + direct }
}

/// The search behind [`solve`] and [`solve_fleet`]; `None` when `partial`
/// is off and no plan serving every client was found.
fn search(
    p: &Problem,
    fleet: &Fleet,
    copies: bool,
    partial: bool,
    params: &Params,
    progress: &mut dyn FnMut() -> f64,
) -> Option<State> {
    let m = fleet.clients;
    let near = (0..=m)
        .map(|c| {
            let mut v: Vec<usize> = (1..=m).collect();
            v.sort_by_key(|&o| (p.dist(c, o).min(p.dist(o, c)), o != c));
            v
        })
        .collect();
    let max_arc = p.distance.iter().copied().max().unwrap_or(0).max(1);
    let mut s = Search { p, fleet, copies, partial, rng: Rng::new(params.seed), near, miss_cost: 4 * max_arc + 1 };
    let unit = (s.mean_arc() / 20.0).max(1.0);
    let fleet_size = if copies { p.vehicles } else { fleet.vehicles.len() };

    let mut cur = s.starting_state();
    s.recreate(&mut cur, fleet_size);
    let mut found = s.improves(&cur, None);

    let mut fleet_end = 0.0;
    if params.objective == Objective::Hierarchical && found {
        cur = s.minimise_fleet(cur, 0, FLEET_SHARE, progress);
        fleet_end = progress().min(1.0);
    }
    let cycles = if fleet_end > 0.0 { DISTANCE_CYCLES } else { 1.0 };
    // Hierarchical: keep the fleet phase's route count as a hard cap, but
    // charge an unserved client only about the cost of driving out to it and
    // back early on, rising to a hundred times that at the end. With full
    // routes most reinsertions leave someone out; a full miss penalty would
    // reject them all and stall the annealing, this lets it pass through
    // such states (recreate retries the left-out clients every iteration).
    let (max_routes, soft_miss) = match (params.objective, found) {
        (Objective::Hierarchical, true) => {
            let depot: i64 = (1..=m).map(|c| p.dist(0, c)).sum();
            (cur.routes.len(), Some(2.0 * depot as f64 / m as f64))
        }
        _ => (fleet_size, None),
    };
    // Depot problem, distance: now and then dissolve a whole route and
    // re-home its clients in the others. String ruins rarely empty a long
    // route, so without this a plan can settle on one route more than the
    // best (C208 on four routes instead of three). The result is kept
    // only when shorter: accepted like any move under annealing, it left
    // wide-window plans one route short of the best (RC203 at 5 s).
    // Fleet plans leave it out: in the online day it helped on only 12
    // of 24 days, as noise.
    let dissolves_routes = copies && params.objective == Objective::Distance;
    let mut next = cur.clone();
    let mut best = cur.clone();
    let mut stuck = 0;
    let mut cycle = 0.0;
    loop {
        let done = progress();
        if done >= 1.0 {
            break;
        }
        let phase = ((done - fleet_end) / (1.0 - fleet_end)).clamp(0.0, 1.0) * cycles;
        let this_cycle = phase.floor().min(cycles - 1.0);
        if this_cycle > cycle {
            cycle = this_cycle;
            let deadline = done + FRESH_SHARE * (1.0 - fleet_end) / cycles;
            match s.plan_with_routes(max_routes, fleet_size, deadline, progress) {
                Some(fresh) => cur = fresh,
                None => cur.clone_from(&best),
            }
            stuck = 0;
        }
        let frac = (phase - this_cycle).clamp(0.0, 1.0);
        let temp = unit * T_START * (T_END / T_START).powf(frac);
        let miss_cost = soft_miss.map_or(s.miss_cost, |m| (m * 100f64.powf(frac)) as i64);
        let cost = |st: &State| st.distance + miss_cost * st.unassigned.len() as i64;
        next.clone_from(&cur);
        let dissolved = dissolves_routes && next.routes.len() > 1 && s.rng.unit() < ROUTE_REMOVAL;
        if dissolved {
            s.dissolve_route(&mut next);
            let fewer = next.routes.len();
            s.recreate(&mut next, fewer);
        } else {
            s.ruin(&mut next);
            s.recreate(&mut next, max_routes);
        }
        let annealed = cost(&cur) as f64 - temp * s.rng.unit().max(1e-12).ln();
        let threshold = if dissolved { cost(&cur) as f64 } else { annealed };
        if (cost(&next) as f64) < threshold {
            std::mem::swap(&mut cur, &mut next);
            if s.improves(&cur, found.then_some(&best)) {
                best.clone_from(&cur);
                found = true;
            }
        }
        // A cheap penalty can leave the walk among plans that miss a client
        // for good; go back to the best plan instead of wandering.
        stuck = if found && cur.unassigned.len() <= best.unassigned.len() { 0 } else { stuck + 1 };
        if stuck > STUCK_LIMIT && found {
            cur.clone_from(&best);
            stuck = 0;
        }
    }
    found.then_some(best)
}

impl Search<'_> {
    /// The vehicles' given routes where they are feasible, every other
    /// client unassigned.
    fn starting_state(&self) -> State {
        let p = self.p;
        let m = self.fleet.clients;
        let mut placed = vec![false; p.len()];
        let mut st = State { routes: Vec::new(), unassigned: Vec::new(), distance: 0 };
        for (vi, v) in self.fleet.vehicles.iter().enumerate() {
            let mut distinct = v.route.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let valid = distinct.len() == v.route.len()
                && v.route.iter().all(|&c| (1..=m).contains(&c) && v.serves[c] && !placed[c]);
            if v.route.is_empty() || !valid {
                continue;
            }
            let r = Route::new(p, vi, v, v.route.clone());
            if r.load <= p.capacity && r.fwd[0].then(p, &r.bwd[0]).time_warp == 0 {
                for &c in &r.clients {
                    placed[c] = true;
                }
                st.distance += r.distance(p);
                st.routes.push(r);
            }
        }
        st.unassigned = (1..=m).filter(|&c| !placed[c]).collect();
        st
    }

    /// Whether `st` is a result better than `best` (any result beats none).
    fn improves(&self, st: &State, best: Option<&State>) -> bool {
        (self.partial || st.unassigned.is_empty())
            && best.is_none_or(|b| (st.unassigned.len(), st.distance) < (b.unassigned.len(), b.distance))
    }

    /// Mean distance from a client to its ten nearest other clients: the
    /// length scale of a typical move, so annealing temperatures need not
    /// know how the caller scaled distances to integers.
    fn mean_arc(&self) -> f64 {
        let (mut total, mut count) = (0i64, 0i64);
        for c in 1..=self.fleet.clients {
            for &o in self.near[c].iter().filter(|&&o| o != c).take(10) {
                total += self.p.dist(c, o);
                count += 1;
            }
        }
        if count == 0 {
            1.0
        } else {
            total as f64 / count as f64
        }
    }

    /// SISR ruin: remove short strings of consecutive clients from a few
    /// routes close to a random seed client, so recreate can rebuild that
    /// neighbourhood differently.
    fn ruin(&mut self, st: &mut State) {
        if st.routes.is_empty() {
            return;
        }
        let n_clients: usize = st.routes.iter().map(|r| r.clients.len()).sum();
        let avg_len = n_clients as f64 / st.routes.len() as f64;
        let max_string = MAX_STRING.min(avg_len).max(1.0);
        let max_strings = (4.0 * AVG_REMOVED / (1.0 + max_string) - 1.0).max(1.0);
        let strings = 1 + self.rng.below(max_strings as usize);
        let mut where_is = vec![usize::MAX; self.p.len()];
        for (ri, r) in st.routes.iter().enumerate() {
            for &c in &r.clients {
                where_is[c] = ri;
            }
        }
        let seed = 1 + self.rng.below(self.fleet.clients);
        let mut ruined = vec![false; st.routes.len()];
        let mut done = 0;
        for k in 0..self.near[seed].len() {
            if done >= strings {
                break;
            }
            let c = self.near[seed][k];
            let ri = where_is[c];
            if ri == usize::MAX || ruined[ri] {
                continue;
            }
            ruined[ri] = true;
            done += 1;
            let route = &mut st.routes[ri];
            let len = route.clients.len();
            let pos = route.clients.iter().position(|&x| x == c).unwrap();
            let cap = (len as f64).min(max_string) as usize;
            let l = 1 + self.rng.below(cap.max(1));
            // Half the time (split string) a stretch of `keep` clients inside
            // a longer string survives, so the ruin also opens gaps that
            // reorder a route rather than only shortening it.
            let mut keep = 0;
            if l < len && self.rng.unit() < 0.5 {
                keep = 1;
                while l + keep < len && self.rng.unit() > SPLIT_BETA {
                    keep += 1;
                }
            }
            let span = l + keep;
            let lo = (pos + 1).saturating_sub(span);
            let hi = pos.min(len - span);
            let start = lo + self.rng.below(hi - lo + 1);
            let kept_from = start + self.rng.below(span - keep + 1);
            let before = route.distance(self.p);
            let mut kept = Vec::with_capacity(len - l);
            for (i, &x) in route.clients.iter().enumerate() {
                if (start..start + span).contains(&i) && !(kept_from..kept_from + keep).contains(&i) {
                    st.unassigned.push(x);
                    where_is[x] = usize::MAX;
                } else {
                    kept.push(x);
                }
            }
            route.clients = kept;
            route.refresh(self.p);
            if route.fwd[route.clients.len()].time_warp > 0 {
                // Only possible when rounded travel times break the triangle
                // inequality; dissolve the route so every kept route stays
                // feasible.
                st.unassigned.append(&mut route.clients);
                route.refresh(self.p);
            }
            st.distance += route.distance(self.p) - before;
        }
        st.routes.retain(|r| !r.clients.is_empty());
    }

    /// Greedy reinsertion with blinks of every unassigned client, in one of
    /// SISR's orders (random, largest demand, farthest, closest to depot).
    /// Clients that fit nowhere stay unassigned.
    fn recreate(&mut self, st: &mut State, max_routes: usize) {
        let (p, fleet) = (self.p, self.fleet);
        let vehicles = &fleet.vehicles;
        let mut idle = vec![true; vehicles.len()];
        if !self.copies {
            for r in &st.routes {
                idle[r.vehicle] = false;
            }
        }
        let mut todo = std::mem::take(&mut st.unassigned);
        for i in (1..todo.len()).rev() {
            todo.swap(i, self.rng.below(i + 1));
        }
        match self.rng.below(11) {
            0..=3 => {}
            4..=7 => todo.sort_by_key(|&c| std::cmp::Reverse(p.demand[c])),
            8..=9 => todo.sort_by_key(|&c| std::cmp::Reverse(p.dist(0, c))),
            _ => todo.sort_by_key(|&c| p.dist(0, c)),
        }
        for c in todo {
            let single = TimeSegment::node(p, c);
            let mut best: Option<(i64, usize, usize)> = None;
            for (ri, r) in st.routes.iter().enumerate() {
                if r.load + p.demand[c] > p.capacity || !vehicles[r.vehicle].serves[c] {
                    continue;
                }
                for pos in 0..=r.clients.len() {
                    let (a, b) = (r.node_at(pos), r.node_at(pos + 1));
                    let delta = p.dist(a, c) + p.dist(c, b) - p.dist(a, b);
                    if best.is_some_and(|(d, _, _)| delta >= d) || self.rng.unit() < BLINK {
                        continue;
                    }
                    if r.fwd[pos].then(p, &single).then(p, &r.bwd[pos]).time_warp == 0 {
                        best = Some((delta, ri, pos));
                    }
                }
            }
            // A new route: `pos` then names the vehicle that would drive it.
            if st.routes.len() < max_routes {
                let fits = |v: &Vehicle| v.serves[c] && p.demand[v.start] + p.demand[c] <= p.capacity;
                for (vi, v) in vehicles.iter().enumerate().filter(|(vi, v)| idle[*vi] && fits(v)) {
                    let delta = p.dist(v.start, c) + p.dist(c, v.end) - p.dist(v.start, v.end);
                    if best.is_some_and(|(d, _, _)| delta >= d) {
                        continue;
                    }
                    let alone = TimeSegment::node(p, v.start).then(p, &single).then(p, &TimeSegment::node(p, v.end));
                    if alone.time_warp == 0 {
                        best = Some((delta, st.routes.len(), vi));
                    }
                }
            }
            match best {
                Some((delta, ri, vi)) if ri == st.routes.len() => {
                    st.routes.push(Route::new(p, vi, &vehicles[vi], vec![c]));
                    idle[vi] = self.copies;
                    st.distance += delta;
                }
                Some((delta, ri, pos)) => {
                    st.routes[ri].clients.insert(pos, c);
                    st.routes[ri].refresh(p);
                    st.distance += delta;
                }
                None => st.unassigned.push(c),
            }
        }
    }

    /// Repeatedly dissolves a route and tries to re-home its clients with one
    /// route fewer. A candidate is kept when it leaves fewer clients out, or
    /// out clients that have been out less often (SISR's absence counters),
    /// which steers the search towards placing the hard clients first.
    /// Stops at `target` routes (or the fewest the demand allows) or when
    /// `progress` reaches `deadline`, and returns the feasible state with
    /// the fewest routes found.
    fn minimise_fleet(&mut self, feasible: State, target: usize, deadline: f64, progress: &mut dyn FnMut() -> f64) -> State {
        let mut best = feasible;
        let mut absence = vec![0u64; self.p.len()];
        let mut cur = self.without_smallest_route(&best);
        let mut next = cur.clone();
        // No plan can use fewer routes than the demand needs, so stop there.
        let demand: i64 = self.p.demand.iter().sum();
        let bound = if self.p.capacity > 0 { (demand + self.p.capacity - 1) / self.p.capacity } else { 0 };
        let floor = bound.max(1).max(target as i64);
        while best.routes.len() as i64 > floor && progress() < deadline {
            let cap = best.routes.len() - 1;
            next.clone_from(&cur);
            self.ruin(&mut next);
            self.recreate(&mut next, cap);
            for &c in &next.unassigned {
                absence[c] += 1;
            }
            let weight = |st: &State| st.unassigned.iter().map(|&c| absence[c]).sum::<u64>();
            if next.unassigned.len() < cur.unassigned.len() || weight(&next) < weight(&cur) {
                std::mem::swap(&mut cur, &mut next);
            }
            if cur.unassigned.is_empty() {
                best = cur.clone();
                cur = self.without_smallest_route(&best);
            }
        }
        best
    }

    /// A plan of its own with at most `routes` routes, built from scratch
    /// before `progress` reaches `deadline`, if one is found.
    fn plan_with_routes(&mut self, routes: usize, fleet_size: usize, deadline: f64, progress: &mut dyn FnMut() -> f64) -> Option<State> {
        let mut st = self.starting_state();
        self.recreate(&mut st, fleet_size);
        if !st.unassigned.is_empty() {
            return None;
        }
        let st = self.minimise_fleet(st, routes, deadline, progress);
        (st.routes.len() <= routes).then_some(st)
    }

    /// Dissolves one route, the smallest or a random one.
    fn dissolve_route(&mut self, st: &mut State) {
        let i = if self.rng.unit() < 0.5 { smallest_route(st) } else { self.rng.below(st.routes.len()) };
        self.dissolve(st, i);
    }

    fn without_smallest_route(&self, st: &State) -> State {
        let mut out = st.clone();
        if !out.routes.is_empty() {
            let i = smallest_route(&out);
            self.dissolve(&mut out, i);
        }
        out
    }

    /// Moves every client of route `i` to the unassigned list.
    fn dissolve(&self, st: &mut State, i: usize) {
        let r = st.routes.swap_remove(i);
        st.distance -= r.distance(self.p);
        st.unassigned.extend(r.clients);
    }
}

/// Index of the route with the fewest clients (0 when there is none).
fn smallest_route(st: &State) -> usize {
    (0..st.routes.len()).min_by_key(|&i| st.routes[i].clients.len()).unwrap_or(0)
}
