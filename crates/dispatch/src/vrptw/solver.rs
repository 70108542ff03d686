//! Slack induction by string removals (ruin and recreate) under simulated
//! annealing, with a fleet-minimisation phase for the hierarchical objective.
//!
//! Why this design: it only ever holds time-window-feasible routes, so the
//! best plan seen is always deliverable, and one small mechanism (remove a
//! few short strings of nearby clients, reinsert them greedily) reaches
//! within a fraction of a percent of proven optima on Solomon instances in
//! seconds. Insertion feasibility is O(1) through per-route prefix/suffix
//! [`TimeSegment`]s. There is no separate relocate/swap/2-opt* local search
//! yet; ruin-and-recreate is the only neighbourhood.

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
/// Share of the budget spent removing routes under [`Objective::Hierarchical`].
const FLEET_SHARE: f64 = 0.5;

#[derive(Debug)]
struct Route {
    clients: Vec<usize>,
    /// `fwd[i]`: depot then `clients[..i]`.
    fwd: Vec<TimeSegment>,
    /// `bwd[i]`: `clients[i..]` then depot.
    bwd: Vec<TimeSegment>,
    load: i64,
}

impl Route {
    fn new(p: &Problem, clients: Vec<usize>) -> Self {
        let mut r = Route { clients, fwd: Vec::new(), bwd: Vec::new(), load: 0 };
        r.refresh(p);
        r
    }

    fn refresh(&mut self, p: &Problem) {
        let n = self.clients.len();
        let depot = TimeSegment::node(p, 0);
        self.fwd.clear();
        self.fwd.push(depot);
        for &c in &self.clients {
            let s = self.fwd.last().unwrap().then(p, &TimeSegment::node(p, c));
            self.fwd.push(s);
        }
        self.bwd.clear();
        self.bwd.resize(n + 1, depot);
        for i in (0..n).rev() {
            self.bwd[i] = TimeSegment::node(p, self.clients[i]).then(p, &self.bwd[i + 1]);
        }
        self.load = self.clients.iter().map(|&c| p.demand[c]).sum();
    }

    fn node_at(&self, i: usize) -> usize {
        if i == 0 || i > self.clients.len() {
            0
        } else {
            self.clients[i - 1]
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
        Route { clients: self.clients.clone(), fwd: self.fwd.clone(), bwd: self.bwd.clone(), load: self.load }
    }

    fn clone_from(&mut self, o: &Self) {
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
    let near = (0..n)
        .map(|c| {
            let mut v: Vec<usize> = (1..n).collect();
            v.sort_by_key(|&o| (p.dist(c, o).min(p.dist(o, c)), o != c));
            v
        })
        .collect();
    let max_arc = p.distance.iter().copied().max().unwrap_or(0).max(1);
    let mut s = Search { p, rng: Rng::new(params.seed), near, miss_cost: 4 * max_arc + 1 };
    let unit = (s.mean_arc() / 20.0).max(1.0);

    let mut cur = State { routes: Vec::new(), unassigned: (1..n).collect(), distance: 0 };
    s.recreate(&mut cur, p.vehicles);
    let mut best = cur.unassigned.is_empty().then(|| cur.plan());

    let mut fleet_end = 0.0;
    if params.objective == Objective::Hierarchical && best.is_some() {
        cur = s.minimise_fleet(cur, progress);
        fleet_end = progress().min(1.0);
        best = Some(cur.plan());
    }
    // Hierarchical: keep the fleet phase's route count as a hard cap, but
    // charge an unserved client only about the cost of driving out to it and
    // back early on, rising to a hundred times that at the end. With full
    // routes most reinsertions leave someone out; a full miss penalty would
    // reject them all and stall the annealing, this lets it pass through
    // such states (recreate retries the left-out clients every iteration).
    let (max_routes, soft_miss) = match (params.objective, &best) {
        (Objective::Hierarchical, Some(b)) => {
            let depot: i64 = (1..n).map(|c| p.dist(0, c)).sum();
            (b.routes.len(), Some(2.0 * depot as f64 / (n - 1) as f64))
        }
        _ => (p.vehicles, None),
    };
    let mut next = cur.clone();
    let mut best_state = cur.clone();
    let mut stuck = 0;
    loop {
        let done = progress();
        if done >= 1.0 {
            break;
        }
        let frac = ((done - fleet_end) / (1.0 - fleet_end)).clamp(0.0, 1.0);
        let temp = unit * T_START * (T_END / T_START).powf(frac);
        let miss_cost = soft_miss.map_or(s.miss_cost, |m| (m * 100f64.powf(frac)) as i64);
        let cost = |st: &State| st.distance + miss_cost * st.unassigned.len() as i64;
        next.clone_from(&cur);
        s.ruin(&mut next);
        s.recreate(&mut next, max_routes);
        let threshold = cost(&cur) as f64 - temp * s.rng.unit().max(1e-12).ln();
        if (cost(&next) as f64) < threshold {
            std::mem::swap(&mut cur, &mut next);
            if cur.unassigned.is_empty() && best.as_ref().is_none_or(|b| cur.distance < b.distance) {
                best = Some(cur.plan());
                best_state.clone_from(&cur);
            }
        }
        // A cheap penalty can leave the walk among plans that miss a client
        // for good; go back to the best complete plan instead of wandering.
        stuck = if cur.unassigned.is_empty() { 0 } else { stuck + 1 };
        if stuck > STUCK_LIMIT && best.is_some() {
            cur.clone_from(&best_state);
            stuck = 0;
        }
    }
    best
}

impl Search<'_> {
    /// Mean distance from a client to its ten nearest other clients: the
    /// length scale of a typical move, so annealing temperatures need not
    /// know how the caller scaled distances to integers.
    fn mean_arc(&self) -> f64 {
        let (mut total, mut count) = (0i64, 0i64);
        for c in 1..self.p.len() {
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
        let seed = 1 + self.rng.below(self.p.len() - 1);
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
            let before = self.p.route_distance(&route.clients);
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
            st.distance += self.p.route_distance(&route.clients) - before;
        }
        st.routes.retain(|r| !r.clients.is_empty());
    }

    /// Greedy reinsertion with blinks of every unassigned client, in one of
    /// SISR's orders (random, largest demand, farthest, closest to depot).
    /// Clients that fit nowhere stay unassigned.
    fn recreate(&mut self, st: &mut State, max_routes: usize) {
        let p = self.p;
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
                if r.load + p.demand[c] > p.capacity {
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
            if st.routes.len() < max_routes && p.demand[c] <= p.capacity {
                let delta = p.dist(0, c) + p.dist(c, 0);
                let fits = TimeSegment::node(p, 0).then(p, &single).then(p, &TimeSegment::node(p, 0)).time_warp == 0;
                if fits && best.is_none_or(|(d, _, _)| delta < d) {
                    best = Some((delta, st.routes.len(), 0));
                }
            }
            match best {
                Some((_, ri, _)) if ri == st.routes.len() => {
                    st.routes.push(Route::new(p, vec![c]));
                    st.distance += p.dist(0, c) + p.dist(c, 0);
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
    /// Returns the feasible state with the fewest routes found.
    fn minimise_fleet(&mut self, feasible: State, progress: &mut dyn FnMut() -> f64) -> State {
        let mut best = feasible;
        let mut absence = vec![0u64; self.p.len()];
        let mut cur = self.without_smallest_route(&best);
        let mut next = cur.clone();
        // No plan can use fewer routes than the demand needs, so stop there.
        let demand: i64 = self.p.demand.iter().sum();
        let bound = if self.p.capacity > 0 { (demand + self.p.capacity - 1) / self.p.capacity } else { 0 };
        while progress() < FLEET_SHARE && best.routes.len() as i64 > bound.max(1) {
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

    fn without_smallest_route(&self, st: &State) -> State {
        let mut out = st.clone();
        if let Some(i) = (0..out.routes.len()).min_by_key(|&i| out.routes[i].clients.len()) {
            let r = out.routes.swap_remove(i);
            out.distance -= self.p.route_distance(&r.clients);
            out.unassigned.extend(r.clients);
        }
        out
    }
}
