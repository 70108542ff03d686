//! Online day on a Solomon instance: the same day, fleet and release times
//! as `shared/bench/vrptw/online_sim.py`, so the engine is measured side by
//! side with that script's greedy insertion, periodic PyVRP and offline plan.
//!
//! The day (as in `online_sim.py`): every customer is an order with its
//! window and service time; some are known at the start, the rest are booked
//! at their release time (read from `--releases`, which `bench/online.sh`
//! writes with the script's own generator). Workers are the capped fleet,
//! all based at the depot. A worker commits to a stop when they must leave
//! for it (as late as the plan allows); everything not yet committed may be
//! re-planned. An order nobody can take when it is booked is lost, and
//! listed with the reason.
//!
//! Policies:
//! - `engine`: every booking (and every `--period` without one) re-plans all
//!   uncommitted orders with the VRPTW planner ([`solve_fleet`]), starting
//!   from the current plans and never dropping an order already promised;
//! - `greedy`: cheapest feasible insertion into any worker's plan;
//! - `offline`: the planner with every order known at the start;
//! - `clairvoyant` (with `--clairvoyant`): the engine told every order's
//!   place and window at the start, but still sending nobody to an order
//!   before it is booked. What it gains over the engine is about what
//!   perfect anticipation of bookings could gain; what it still loses to
//!   `offline` is the price of booking times, which no forecast removes.
//!
//! `--release-bound` adds what no policy here can beat: every order known
//! at the start, each one's service starting no sooner than its booking
//! plus the shortest leg into it (a worker leaves for an order only once it
//! is booked), planned for `--offline-seconds`. It relaxes the real rule
//! (the leg from the actual previous stop), so up to the search's own gap
//! it is a lower bound on any policy's travel; `executable` says whether the
//! plan also keeps the real rule, in which case the bound is reached.
//!
//! Prints one JSON object: the figures of each policy (the metrics of
//! `online_sim.py`) and the engine's executed routes (`routes`, and the
//! clairvoyant's as `clairvoyant_routes`), which `check_solution.py`
//! verifies when every order was served.
//!
//! `--forecast oracle|sample` gives the engine forecast orders: expected
//! later bookings it plans around (ghosts), which nobody is sent to, and
//! whose place a worker keeps open by waiting while its real stops allow.
//! A booking takes the place of the ghost that stood for it (`oracle`) or
//! of the nearest one (`sample`); a ghost whose booking time passes goes.
//! `oracle` is every real later booking with its true window and booking
//! time, its place moved by `--forecast-jitter`: how good a forecast must
//! be to pay. `sample` is what can be forecast from the day itself: as many
//! orders as were known at the start, each a copy of one of them (moved
//! by the jitter), booked uniformly up to 0.7 of its latest departure.
//!
//! `--hindsight N` adds where the engine's extra travel comes from: at N+1
//! times through the day, the engine's commitments up to then are kept and
//! the rest of the day is re-planned knowing every order. The curve starts
//! near the offline plan and ends at what the engine drove; where it climbs,
//! commitments made without knowing later bookings cost travel.
//!
//! Usage: online_day INSTANCE --releases FILE [--workers N] [--period T]
//!        [--initial-seconds S] [--decision-seconds S] [--offline-seconds S] [--seed N]
//!        [--hindsight N] [--iters-per-second N] [--clairvoyant] [--release-bound]
//!        [--forecast oracle|sample] [--forecast-jitter F]

use dispatch::vrptw::{parse_solomon, solve, solve_fleet, Convention, Fleet, Objective, Params, Problem, SolomonInstance, Vehicle};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Integer units per instance unit, as the planner's exact convention.
const SCALE: f64 = 1000.0;
const EPS: f64 = 1e-9;

struct Args {
    instance: String,
    releases: String,
    workers: Option<usize>,
    period: Option<f64>,
    initial_seconds: f64,
    decision_seconds: f64,
    offline_seconds: f64,
    seed: u64,
    hindsight: usize,
    /// Search budget in iterations per second of budget instead of wall
    /// time: the same day then gives the same plans on a busy machine, so
    /// two policies compare on equal search effort.
    iters_per_second: Option<f64>,
    clairvoyant: bool,
    release_bound: bool,
    /// `--forecast`: orders expected later in the engine's plans, "oracle"
    /// (the real later bookings, each moved by the jitter) or "sample"
    /// (drawn from the orders known at the start, each moved by the jitter).
    forecast: Option<String>,
    /// How far a forecast order lies from what it is drawn from: a
    /// multiple of the mean distance between an order known at the start
    /// and its nearest neighbour (the standard deviation of a Gaussian move).
    forecast_jitter: f64,
}

const USAGE: &str = "usage: online_day INSTANCE --releases FILE [--workers N] [--period T] [--initial-seconds S] \
[--decision-seconds S] [--offline-seconds S] [--seed N] [--hindsight N] [--iters-per-second N] [--clairvoyant] [--release-bound] \
[--forecast oracle|sample] [--forecast-jitter F]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        instance: String::new(),
        releases: String::new(),
        workers: None,
        period: None,
        initial_seconds: 2.0,
        decision_seconds: 0.2,
        offline_seconds: 10.0,
        seed: 1,
        hindsight: 0,
        iters_per_second: None,
        clairvoyant: false,
        release_bound: false,
        forecast: None,
        forecast_jitter: 0.5,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let float = |v: String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--releases" => a.releases = value()?,
            "--workers" => a.workers = Some(value()?.parse().map_err(|e| format!("--workers: {e}"))?),
            "--period" => a.period = Some(float(value()?)?),
            "--initial-seconds" => a.initial_seconds = float(value()?)?,
            "--decision-seconds" => a.decision_seconds = float(value()?)?,
            "--offline-seconds" => a.offline_seconds = float(value()?)?,
            "--seed" => a.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--hindsight" => a.hindsight = value()?.parse().map_err(|e| format!("--hindsight: {e}"))?,
            "--iters-per-second" => a.iters_per_second = Some(float(value()?)?),
            "--clairvoyant" => a.clairvoyant = true,
            "--release-bound" => a.release_bound = true,
            "--forecast" => match value()?.as_str() {
                f @ ("oracle" | "sample") => a.forecast = Some(f.to_string()),
                other => return Err(format!("--forecast: oracle or sample, not {other}")),
            },
            "--forecast-jitter" => a.forecast_jitter = float(value()?)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => a.instance = s.to_string(),
        }
    }
    if a.instance.is_empty() || a.releases.is_empty() {
        return Err(USAGE.into());
    }
    Ok(a)
}

/// The instance with real Euclidean travel (time = distance), as the script has it.
struct World {
    inst: SolomonInstance,
    /// The instance's nodes, then any forecast (ghost) orders.
    nodes: Vec<dispatch::vrptw::SolomonNode>,
    /// Real nodes: the depot and customers `1..n`.
    n: usize,
    /// Nodes in all, ghosts included: the row length of `d`.
    stride: usize,
    d: Vec<f64>,
    /// `shortest_leg_into[c]`: the shortest travel from any other node to
    /// `c`, so no worker can reach an order sooner after leaving for it.
    shortest_leg_into: Vec<f64>,
    /// The depot closes: every worker is back by then.
    end: f64,
}

/// A feasible visit of stops: travel including the return to the depot,
/// and (start, end) of service at each stop.
struct Schedule {
    travel: f64,
    stops: Vec<(f64, f64)>,
}

impl World {
    fn new(inst: SolomonInstance) -> Self {
        Self::with_ghosts(inst, Vec::new())
    }

    fn with_ghosts(inst: SolomonInstance, ghosts: Vec<dispatch::vrptw::SolomonNode>) -> Self {
        let n = inst.nodes.len();
        let nodes: Vec<_> = inst.nodes.iter().copied().chain(ghosts).collect();
        let stride = nodes.len();
        let d: Vec<f64> = nodes.iter().flat_map(|a| nodes.iter().map(move |b| (a.x - b.x).hypot(a.y - b.y))).collect();
        let shortest_leg_into = (0..stride).map(|c| (0..n).filter(|&x| x != c).map(|x| d[x * stride + c]).fold(f64::INFINITY, f64::min)).collect();
        let end = inst.nodes[0].due;
        World { inst, nodes, n, stride, d, shortest_leg_into, end }
    }

    fn d(&self, a: usize, b: usize) -> f64 {
        self.d[a * self.stride + b]
    }

    fn is_ghost(&self, c: usize) -> bool {
        c >= self.n
    }

    /// Travel from `pos` through `route` back to the depot.
    fn path(&self, pos: usize, route: &[usize]) -> f64 {
        let mut prev = pos;
        let mut travel = 0.0;
        for &c in route.iter().chain(std::iter::once(&0)) {
            travel += self.d(prev, c);
            prev = c;
        }
        travel
    }

    /// Leaving `pos` at `t0` with `load0` on board, serve `route` and return
    /// to the depot; `None` when a window, the capacity or the depot's
    /// closing time is missed.
    fn schedule(&self, pos: usize, t0: f64, route: &[usize], load0: f64) -> Option<Schedule> {
        let (mut t, mut p, mut travel, mut load) = (t0, pos, 0.0, load0);
        let mut stops = Vec::with_capacity(route.len());
        for &c in route {
            let nd = &self.nodes[c];
            travel += self.d(p, c);
            t = (t + self.d(p, c)).max(nd.ready);
            if t > nd.due + EPS {
                return None;
            }
            stops.push((t, t + nd.service));
            t += nd.service;
            load += nd.demand;
            p = c;
        }
        travel += self.d(p, 0);
        t += self.d(p, 0);
        (t <= self.end + EPS && load <= self.inst.capacity + EPS).then_some(Schedule { travel, stops })
    }
}

#[derive(Clone)]
struct Worker {
    /// Stops the worker has left for: (customer, service start, service end).
    done: Vec<(usize, f64, f64)>,
    /// Stops planned but not committed, in order.
    plan: Vec<usize>,
    /// Where and from when the worker is free to leave for `plan[0]`.
    pos: usize,
    free: f64,
    load: f64,
}

impl Worker {
    fn new() -> Self {
        Worker { done: Vec::new(), plan: Vec::new(), pos: 0, free: 0.0, load: 0.0 }
    }

    /// Commits every planned stop the worker has already had to leave for,
    /// leaving as late as the next stop allows (so they stay open to new
    /// bookings), as `online_sim.py` does. With `booked` (orders planned
    /// before their booking) nobody leaves for an order before it is booked.
    fn advance(&mut self, w: &World, now: f64, booked: Option<&BTreeMap<usize, f64>>) {
        // Nobody leaves for a ghost: it only shapes the plan.
        while let Some(at) = self.plan.iter().position(|&c| !w.is_ghost(c)) {
            let real: Vec<usize> = self.plan.iter().copied().filter(|&c| !w.is_ghost(c)).collect();
            let next = real[0];
            let Some(s) = w.schedule(self.pos, self.free, &real, self.load) else { return };
            let earliest = self.free.max(s.stops[0].0 - w.d(self.pos, next));
            let mut depart = booked.map_or(earliest, |b| earliest.max(b[&next]));
            // A worker whose next planned stop is a ghost waits for it, as
            // long as its real stops allow.
            if at > 0 {
                let (mut lo, mut hi) = (depart, w.end);
                for _ in 0..40 {
                    let mid = 0.5 * (lo + hi);
                    if w.schedule(self.pos, mid, &real, self.load).is_some() { lo = mid } else { hi = mid }
                }
                depart = lo;
            }
            if depart > now {
                return;
            }
            let nd = &w.nodes[next];
            let start = if depart > earliest { (depart + w.d(self.pos, next)).max(nd.ready) } else { s.stops[0].0 };
            self.plan.drain(..=at);
            self.done.push((next, start, start + nd.service));
            (self.pos, self.free) = (next, start + nd.service);
            self.load += nd.demand;
        }
    }
}

/// Cheapest feasible insertion of `c` into any worker's plan (ties: the
/// first found), as `online_sim.py`'s greedy does it.
fn greedy_insert(w: &World, workers: &mut [Worker], c: usize) -> bool {
    let mut best: Option<(f64, usize, usize)> = None;
    for (k, wk) in workers.iter().enumerate() {
        let base = w.schedule(wk.pos, wk.free, &wk.plan, wk.load).map_or(0.0, |s| s.travel);
        for pos in 0..=wk.plan.len() {
            let mut cand = wk.plan.clone();
            cand.insert(pos, c);
            if let Some(s) = w.schedule(wk.pos, wk.free, &cand, wk.load) {
                if best.is_none_or(|(d, _, _)| s.travel - base < d) {
                    best = Some((s.travel - base, k, pos));
                }
            }
        }
    }
    match best {
        Some((_, k, pos)) => {
            workers[k].plan.insert(pos, c);
            true
        }
        None => false,
    }
}

/// Re-plans every uncommitted order plus `new` at time `now`, for at most
/// `seconds` of wall time, starting from the current plans. Orders already
/// planned are never dropped: if the planner's best plan leaves one out, the
/// current plans stay and `new` orders are only inserted where they fit.
/// With `booked` (orders planned before their booking), an order's service
/// starts no earlier than its booking plus the shortest leg into it.
/// Returns the new orders that fit nowhere.
#[allow(clippy::too_many_arguments)]
fn replan(
    w: &World,
    workers: &mut [Worker],
    now: f64,
    new: &[usize],
    seconds: f64,
    seed: u64,
    ips: Option<f64>,
    booked: Option<&BTreeMap<usize, f64>>,
) -> Vec<usize> {
    replan_with(w, workers, now, new, &[], seconds, seed, ips, booked)
}

/// [`replan`], with `ghosts` (forecast orders nobody has yet planned) to
/// plan too where they fit; ghosts already in plans stay candidates.
#[allow(clippy::too_many_arguments)]
fn replan_with(
    w: &World,
    workers: &mut [Worker],
    now: f64,
    new: &[usize],
    ghosts: &[usize],
    seconds: f64,
    seed: u64,
    ips: Option<f64>,
    booked: Option<&BTreeMap<usize, f64>>,
) -> Vec<usize> {
    for wk in workers.iter_mut() {
        if w.schedule(wk.pos, wk.free.max(now), &wk.plan, wk.load).is_none() {
            wk.plan.retain(|&c| !w.is_ghost(c));
        }
    }
    let real = |c: &usize| !w.is_ghost(*c);
    let promised = workers.iter().map(|wk| wk.plan.iter().filter(|c| real(c)).count()).sum::<usize>();
    let clients: Vec<usize> = workers
        .iter()
        .flat_map(|wk| wk.plan.iter().copied().filter(real))
        .chain(new.iter().copied())
        .chain(workers.iter().flat_map(|wk| wk.plan.iter().copied().filter(|&c| w.is_ghost(c))))
        .chain(ghosts.iter().copied())
        .collect();
    let m = clients.len();
    // Node 0: the depot (the search orders clients by distance from it);
    // 1..=m the clients; then each worker's start (where they are free) and end (the depot).
    let place: Vec<usize> = std::iter::once(0).chain(clients.iter().copied()).chain(workers.iter().flat_map(|wk| [wk.pos, 0])).collect();
    let nodes = &w.nodes;
    let n = place.len();
    let mut p = Problem {
        vehicles: workers.len(),
        capacity: w.inst.capacity.round() as i64,
        demand: vec![0; n],
        ready: vec![0; n],
        due: vec![(w.end * SCALE).floor() as i64; n],
        service: vec![0; n],
        distance: place.iter().flat_map(|&a| place.iter().map(move |&b| (w.d(a, b) * SCALE).round() as i64)).collect(),
        duration: place.iter().flat_map(|&a| place.iter().map(move |&b| (w.d(a, b) * SCALE - EPS).ceil() as i64)).collect(),
    };
    let mut node_of = vec![0; w.stride];
    for (k, &c) in clients.iter().enumerate() {
        let nd = &nodes[c];
        p.demand[1 + k] = nd.demand.round() as i64;
        p.ready[1 + k] = (nd.ready * SCALE).round() as i64;
        p.due[1 + k] = (nd.due * SCALE).round() as i64;
        if let Some(booked) = booked.filter(|_| real(&c)) {
            let earliest = ((booked[&c] + w.shortest_leg_into[c]) * SCALE).ceil() as i64;
            p.ready[1 + k] = p.ready[1 + k].max(earliest).min(p.due[1 + k]);
        }
        p.service[1 + k] = (nd.service * SCALE).round() as i64;
        node_of[c] = 1 + k;
    }
    let vehicles: Vec<Vehicle> = workers
        .iter()
        .enumerate()
        .map(|(k, wk)| {
            let start = 1 + m + 2 * k;
            p.ready[start] = (now.max(wk.free) * SCALE - EPS).ceil() as i64;
            p.demand[start] = wk.load.round() as i64;
            Vehicle { start, end: start + 1, serves: vec![true; n], route: wk.plan.iter().map(|&c| node_of[c]).collect() }
        })
        .collect();
    let fleet = Fleet { clients: m, vehicles };
    let params = Params { objective: Objective::Distance, seed };
    let mut plan = solve_fleet(&p, &fleet, &params, &mut progress(seconds, ips));
    if plan.unserved.iter().any(|&node| node <= promised) {
        // Keep every promise: the current plans, plus the new orders where they fit.
        plan = solve_fleet(&p, &fleet, &params, &mut || 1.0);
    }
    for (wk, route) in workers.iter_mut().zip(&plan.routes) {
        let next: Vec<usize> = route.iter().map(|&node| clients[node - 1]).collect();
        // An empty plan is not driven: the worker just goes home when free.
        let runs = next.is_empty() || w.schedule(wk.pos, wk.free.max(now), &next, wk.load).is_some();
        assert!(runs, "the planner returned a plan the day cannot run");
        wk.plan = next;
    }
    plan.unserved.iter().map(|&node| clients[node - 1]).filter(real).collect()
}

/// How far through a budget of `seconds` the search is: wall time, or
/// search iterations at `ips` per second when given.
fn progress(seconds: f64, ips: Option<f64>) -> impl FnMut() -> f64 {
    let started = Instant::now();
    let mut iterations = 0.0;
    move || match ips {
        Some(ips) => {
            iterations += 1.0;
            iterations / (seconds * ips).max(1.0)
        }
        None => started.elapsed().as_secs_f64() / seconds.max(1e-6),
    }
}

/// An order a policy did not serve, and why.
struct Lost {
    customer: usize,
    booked_at: f64,
    reason: &'static str,
}

impl Lost {
    /// `c` fit no worker's day when booked at `now`: either no worker could
    /// make it even leaving the depot free right then (its window is out of
    /// reach, or it is more than one worker can carry), or every worker's
    /// day was already too full of promised orders.
    fn at_booking(w: &World, c: usize, now: f64) -> Self {
        let reason = if w.schedule(0, now, &[c], 0.0).is_none() { "out_of_reach_from_the_depot" } else { "every_workers_day_full" };
        Lost { customer: c, booked_at: now, reason }
    }
}

/// What one policy did, in `online_sim.py`'s terms.
struct Outcome {
    workers: Vec<Worker>,
    lost: Vec<Lost>,
    latency_sim: Vec<f64>,
    latency_ms: Vec<f64>,
    decisions: usize,
    initial_ms: Option<f64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Customers in booking order (ties by id, as Python's stable sort).
fn events(release: &BTreeMap<usize, f64>) -> Vec<usize> {
    let mut ev: Vec<usize> = release.keys().copied().collect();
    ev.sort_by(|a, b| release[a].total_cmp(&release[b]).then(a.cmp(b)));
    ev
}

fn run_greedy(w: &World, fleet: usize, release: &BTreeMap<usize, f64>) -> Outcome {
    let mut workers = vec![Worker::new(); fleet];
    let mut out = Outcome { workers: Vec::new(), lost: Vec::new(), latency_sim: Vec::new(), latency_ms: Vec::new(), decisions: 0, initial_ms: None };
    for c in events(release) {
        let now = release[&c];
        for wk in &mut workers {
            wk.advance(w, now, None);
        }
        let t = Instant::now();
        let ok = greedy_insert(w, &mut workers, c);
        out.latency_ms.push(ms(t.elapsed()));
        out.latency_sim.push(0.0);
        out.decisions += 1;
        if !ok {
            out.lost.push(Lost::at_booking(w, c, now));
        }
    }
    for wk in &mut workers {
        wk.advance(w, f64::INFINITY, None);
    }
    out.workers = workers;
    out
}

/// Forecast orders: their booking times, and (oracle) which booking each stands for.
#[derive(Default)]
struct Ghosts {
    release: BTreeMap<usize, f64>,
    of: BTreeMap<usize, usize>,
}

/// The forecast (ghost) orders of `--forecast`, numbered after the instance's nodes.
fn make_ghosts(inst: &SolomonInstance, release: &BTreeMap<usize, f64>, a: &Args) -> (Vec<dispatch::vrptw::SolomonNode>, Ghosts) {
    let w = World::new(inst.clone());
    let n = w.n;
    let mut rng = dispatch::vrptw::Rng::new(a.seed.wrapping_mul(104729).wrapping_add(17));
    let known: Vec<usize> = (1..n).filter(|c| release[c] == 0.0).collect();
    let nn = known.iter().map(|&k| known.iter().filter(|&&b| b != k).map(|&b| w.d(k, b)).fold(f64::INFINITY, f64::min)).filter(|d| d.is_finite()).sum::<f64>()
        / known.len().max(1) as f64;
    let sigma = a.forecast_jitter * nn;
    let mut nodes = Vec::new();
    let mut g = Ghosts::default();
    let mut push = |template: usize, booked_at: f64, rng: &mut dispatch::vrptw::Rng, of: Option<usize>| {
        let mut nd = w.nodes[template];
        let (u1, u2) = (rng.unit().max(1e-12), rng.unit());
        let r = sigma * (-2.0 * u1.ln()).sqrt();
        nd.x += r * (std::f64::consts::TAU * u2).cos();
        nd.y += r * (std::f64::consts::TAU * u2).sin();
        let leg = (1..n).map(|b| (w.nodes[b].x - nd.x).hypot(w.nodes[b].y - nd.y)).filter(|&d| d > 1e-9).fold(f64::INFINITY, f64::min);
        nd.ready = nd.ready.max(booked_at + leg);
        if nd.ready + (nd.x - w.nodes[0].x).hypot(nd.y - w.nodes[0].y) + nd.service > w.end || nd.ready > nd.due {
            return;
        }
        let id = n + nodes.len();
        nd.id = id;
        nodes.push(nd);
        g.release.insert(id, booked_at);
        if let Some(c) = of {
            g.of.insert(c, id);
        }
    };
    match a.forecast.as_deref() {
        Some("oracle") => {
            for c in (1..n).filter(|c| release[c] > 0.0) {
                push(c, release[&c], &mut rng, Some(c));
            }
        }
        Some("sample") => {
            // As many later bookings as orders known at the start (half the day is booked ahead).
            for _ in 0..known.len() {
                let t = known[rng.below(known.len())];
                let lead = 0.7 * (w.nodes[t].due - w.d(0, t)).max(0.0);
                if lead > 0.0 {
                    let at = rng.unit() * lead;
                    push(t, at, &mut rng, None);
                }
            }
        }
        _ => {}
    }
    (nodes, g)
}

/// The engine: each booking (orders booked at the same time together) is
/// planned at once; between bookings the day is re-planned every `period`.
/// `clairvoyant`: every order is planned before the day instead, and a
/// booking only lets workers leave for it.
fn run_engine(w: &World, fleet: usize, release: &BTreeMap<usize, f64>, a: &Args, period: f64, clairvoyant: bool, ghosts: &Ghosts) -> Outcome {
    let mut active: std::collections::BTreeSet<usize> = ghosts.release.keys().copied().collect();
    let mut workers = vec![Worker::new(); fleet];
    let mut out = Outcome { workers: Vec::new(), lost: Vec::new(), latency_sim: Vec::new(), latency_ms: Vec::new(), decisions: 0, initial_ms: None };
    let ev = events(release);
    let mut i = 0;
    let mut last = 0.0;
    let mut seed = a.seed;
    let booked = clairvoyant.then_some(release);
    if clairvoyant {
        let t = Instant::now();
        let lost = replan(w, &mut workers, 0.0, &ev, a.initial_seconds, seed, a.iters_per_second, booked);
        out.lost.extend(lost.into_iter().map(|c| Lost::at_booking(w, c, release[&c])));
        out.initial_ms = Some(ms(t.elapsed()));
    }
    while i < ev.len() {
        let now = release[&ev[i]];
        // Periodic re-planning while nobody books.
        while last + period < now {
            last += period;
            expire(w, &mut workers, &mut active, ghosts, last);
            replan_between_bookings(w, &mut workers, last, a, &mut seed, booked, &active);
        }
        let mut group = Vec::new();
        while i < ev.len() && release[&ev[i]] == now {
            group.push(ev[i]);
            i += 1;
        }
        for wk in &mut workers {
            wk.advance(w, now, booked);
        }
        // A booking takes the place of the ghost that stood for it.
        group.retain(|&c| {
            let g = match ghosts.of.get(&c) {
                Some(&g) => Some(g),
                None if !ghosts.of.is_empty() || now == 0.0 => None,
                None => active.iter().copied().min_by(|&x, &y| w.d(c, x).total_cmp(&w.d(c, y))),
            };
            let Some(g) = g.filter(|g| active.remove(g)) else { return true };
            for wk in &mut workers {
                if let Some(at) = wk.plan.iter().position(|&x| x == g) {
                    wk.plan[at] = c;
                    if w.schedule(wk.pos, wk.free.max(now), &wk.plan, wk.load).is_some() {
                        return false;
                    }
                    wk.plan.remove(at);
                }
            }
            true
        });
        expire(w, &mut workers, &mut active, ghosts, now);
        let unplanned: Vec<usize> = active.iter().copied().filter(|g| !workers.iter().any(|wk| wk.plan.contains(g))).collect();
        let budget = if now == 0.0 && !clairvoyant { a.initial_seconds } else { a.decision_seconds };
        let t = Instant::now();
        seed += 1;
        let new = if clairvoyant { &[][..] } else { &group[..] };
        let lost = replan_with(w, &mut workers, now, new, &unplanned, budget, seed, a.iters_per_second, booked);
        let took = ms(t.elapsed());
        out.decisions += 1;
        out.lost.extend(lost.into_iter().map(|c| Lost::at_booking(w, c, now)));
        // The plan of the orders known at the start is made before the day,
        // not while a customer waits: it is reported on its own (as is the
        // clairvoyant's plan of every order).
        if now == 0.0 {
            out.initial_ms = out.initial_ms.or(Some(took));
        } else {
            for _ in &group {
                out.latency_ms.push(took);
                out.latency_sim.push(0.0);
            }
        }
        last = now;
    }
    // Keep improving what is not yet committed until the day has run.
    while workers.iter().any(|wk| !wk.plan.is_empty()) && last < w.end {
        last += period;
        expire(w, &mut workers, &mut active, ghosts, last);
        replan_between_bookings(w, &mut workers, last, a, &mut seed, booked, &active);
    }
    for wk in &mut workers {
        wk.advance(w, f64::INFINITY, booked);
    }
    out.workers = workers;
    out
}

/// At `at`, with nobody booking: commits what the workers have left for,
/// then re-plans the rest.
fn replan_between_bookings(
    w: &World,
    workers: &mut [Worker],
    at: f64,
    a: &Args,
    seed: &mut u64,
    booked: Option<&BTreeMap<usize, f64>>,
    active: &std::collections::BTreeSet<usize>,
) {
    for wk in workers.iter_mut() {
        wk.advance(w, at, booked);
    }
    if workers.iter().any(|wk| wk.plan.iter().any(|&c| !w.is_ghost(c))) {
        *seed += 1;
        let unplanned: Vec<usize> = active.iter().copied().filter(|g| !workers.iter().any(|wk| wk.plan.contains(g))).collect();
        replan_with(w, workers, at, &[], &unplanned, a.decision_seconds, *seed, a.iters_per_second, booked);
    }
}

/// Ghosts whose booking time has passed stood for nothing: they leave the plans.
fn expire(w: &World, workers: &mut [Worker], active: &mut std::collections::BTreeSet<usize>, ghosts: &Ghosts, now: f64) {
    active.retain(|g| ghosts.release[g] > now);
    for wk in workers {
        wk.plan.retain(|c| !w.is_ghost(*c) || active.contains(c));
    }
}

/// The planner with every order known at the start (distance objective,
/// the same integer convention as the engine).
fn run_offline(w: &World, fleet: usize, a: &Args) -> (Outcome, f64) {
    let mut inst = w.inst.clone();
    inst.vehicles = fleet;
    let p = inst.to_problem(Convention::Exact);
    let started = Instant::now();
    let plan = solve(&p, &Params { objective: Objective::Distance, seed: a.seed }, &mut progress(a.offline_seconds, a.iters_per_second));
    let took = ms(started.elapsed());
    let mut workers = Vec::new();
    let lost = match &plan {
        Some(_) => Vec::new(),
        None => (1..w.n).map(|c| Lost { customer: c, booked_at: 0.0, reason: "no_plan_within_fleet" }).collect(),
    };
    for route in plan.map(|p| p.routes).unwrap_or_default().into_iter().filter(|r| !r.is_empty()) {
        let mut wk = Worker::new();
        let s = w.schedule(0, 0.0, &route, 0.0).expect("the planner's routes run");
        wk.done = route.iter().zip(s.stops).map(|(&c, (start, end))| (c, start, end)).collect();
        workers.push(wk);
    }
    (Outcome { workers, lost, latency_sim: vec![0.0], latency_ms: vec![took], decisions: 1, initial_ms: None }, took)
}

/// `--release-bound`: the plan of every order known at the start with no
/// service before its booking plus the shortest leg into it.
fn release_bound(w: &World, fleet: usize, release: &BTreeMap<usize, f64>, a: &Args) -> serde_json::Value {
    let mut workers = vec![Worker::new(); fleet];
    let unplanned = replan(w, &mut workers, 0.0, &events(release), a.offline_seconds, a.seed, a.iters_per_second, Some(release));
    let routes: Vec<&[usize]> = workers.iter().map(|wk| &wk.plan[..]).filter(|r| !r.is_empty()).collect();
    let travel: f64 = routes.iter().map(|r| w.path(0, r)).sum();
    let served = w.n - 1 - unplanned.len();
    serde_json::json!({
        "served": served,
        "travel_total": round(travel, 2),
        "travel_per_order": round(travel / served.max(1) as f64, 3),
        "executable": routes.iter().all(|r| runs_after_bookings(w, r, release)),
    })
}

/// Whether `route` from the depot keeps every window and the depot's
/// closing time when the worker leaves for each order only once it is booked.
fn runs_after_bookings(w: &World, route: &[usize], release: &BTreeMap<usize, f64>) -> bool {
    let (mut pos, mut free) = (0, 0.0_f64);
    for &c in route {
        let nd = &w.inst.nodes[c];
        let start = (free.max(release[&c]) + w.d(pos, c)).max(nd.ready);
        if start > nd.due + EPS {
            return false;
        }
        (pos, free) = (c, start + nd.service);
    }
    free + w.d(pos, 0) <= w.end + EPS
}

/// The hindsight curve of `--hindsight`: at `steps + 1` times from the start
/// to the engine's last departure, its commitments until then (a worker is
/// committed to a stop once it has left for it) plus the best re-plan of the
/// rest with every order known, starting from what the engine then drove.
fn hindsight(w: &World, executed: &[Worker], steps: usize, a: &Args) -> Vec<serde_json::Value> {
    // A stop's service starts on arrival or at its window's opening, and the
    // worker leaves as late as that allows: departure = start - travel.
    let departures: Vec<Vec<f64>> = executed
        .iter()
        .map(|wk| {
            let mut prev = 0;
            wk.done
                .iter()
                .map(|&(c, start, _)| {
                    let d = start - w.d(prev, c);
                    prev = c;
                    d
                })
                .collect()
        })
        .collect();
    let last = departures.iter().flatten().copied().fold(0.0, f64::max);
    (0..=steps)
        .map(|k| {
            let t = last * k as f64 / steps.max(1) as f64;
            let mut driven = 0.0;
            let mut committed = 0;
            let mut as_driven = 0.0;
            let mut workers: Vec<Worker> = executed
                .iter()
                .zip(&departures)
                .map(|(wk, dep)| {
                    let kept = dep.iter().take_while(|&&d| d <= t + EPS).count();
                    let mut state = Worker::new();
                    for &(c, _, end) in &wk.done[..kept] {
                        driven += w.d(state.pos, c);
                        (state.pos, state.free) = (c, end);
                        state.load += w.inst.nodes[c].demand;
                    }
                    state.plan = wk.done[kept..].iter().map(|&(c, _, _)| c).collect();
                    as_driven += w.path(state.pos, &state.plan);
                    committed += kept;
                    state
                })
                .collect();
            let unplanned = replan(w, &mut workers, t, &[], a.offline_seconds, a.seed, a.iters_per_second, None).len();
            let replanned: f64 = workers.iter().map(|wk| w.path(wk.pos, &wk.plan)).sum();
            // What the engine then drove is one way to finish the day; the
            // planner's start from it can only be lost to rounding.
            let rest = if unplanned == 0 { replanned.min(as_driven) } else { as_driven };
            serde_json::json!({ "t": round(t, 1), "committed": committed, "best_total": round(driven + rest, 2) })
        })
        .collect()
}

/// Nearest-rank percentile, as the script computes it.
fn pct(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    let k = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[k - 1]
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// `online_sim.py`'s metrics of what the workers actually did.
fn metrics(w: &World, o: &Outcome) -> serde_json::Value {
    let orders = w.n - 1;
    let (mut served, mut travel, mut on_time, mut loads) = (0usize, 0.0, 0usize, Vec::new());
    for wk in o.workers.iter().filter(|wk| !wk.done.is_empty()) {
        let (mut p, mut tr, mut busy) = (0, 0.0, 0.0);
        for &(c, s, _) in &wk.done {
            let nd = &w.inst.nodes[c];
            tr += w.d(p, c);
            busy += w.d(p, c) + nd.service;
            on_time += usize::from(nd.ready - EPS <= s && s <= nd.due + EPS);
            p = c;
        }
        tr += w.d(p, 0);
        busy += w.d(p, 0);
        travel += tr;
        served += wk.done.len();
        loads.push(busy);
    }
    let max = loads.iter().copied().fold(f64::NAN, f64::max);
    let min = loads.iter().copied().fold(f64::NAN, f64::min);
    serde_json::json!({
        "orders": orders,
        "served": served,
        "rejected": o.lost.len(),
        "lost": o.lost.iter().map(|l| serde_json::json!({ "customer": l.customer, "booked_at": round(l.booked_at, 2), "reason": l.reason })).collect::<Vec<_>>(),
        "on_time_rate": round(on_time as f64 / orders as f64, 4),
        "travel_total": round(travel, 2),
        "travel_per_order": round(travel / served.max(1) as f64, 3),
        "workers_used": loads.len(),
        "workload_max_min_ratio": if loads.is_empty() { serde_json::Value::Null } else { round(max / min, 3).into() },
        "decisions": o.decisions,
        "latency_sim_p50": round(pct(&o.latency_sim, 0.5), 2),
        "latency_sim_p99": round(pct(&o.latency_sim, 0.99), 2),
        "latency_ms_p50": round(pct(&o.latency_ms, 0.5), 3),
        "latency_ms_p99": round(pct(&o.latency_ms, 0.99), 3),
        "initial_plan_ms": o.initial_ms.map(|t| round(t, 1)),
    })
}

fn read_releases(path: &str, customers: usize) -> Result<BTreeMap<usize, f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let raw: BTreeMap<String, f64> = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let release: BTreeMap<usize, f64> =
        raw.into_iter().map(|(k, v)| k.parse().map(|k| (k, v)).map_err(|e| format!("{path}: key {k}: {e}"))).collect::<Result<_, _>>()?;
    if release.keys().copied().ne(1..=customers) || release.values().any(|t| !t.is_finite() || *t < 0.0) {
        return Err(format!("{path}: need one finite release time ≥ 0 per customer 1..={customers}"));
    }
    Ok(release)
}

fn main() {
    let a = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let inst = std::fs::read_to_string(&a.instance)
        .map_err(|e| e.to_string())
        .and_then(|t| parse_solomon(&t).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| {
            eprintln!("{}: {e}", a.instance);
            std::process::exit(2);
        });
    let fleet = a.workers.unwrap_or(inst.vehicles);
    let w = World::new(inst);
    let release = read_releases(&a.releases, w.n - 1).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let period = a.period.unwrap_or(w.end / 24.0);
    let (ghost_nodes, ghosts) = make_ghosts(&w.inst, &release, &a);
    let forecast_orders = ghost_nodes.len();
    let wg = World::with_ghosts(w.inst.clone(), ghost_nodes);
    let engine = run_engine(&wg, fleet, &release, &a, period, false, &ghosts);
    let clairvoyant = a.clairvoyant.then(|| run_engine(&w, fleet, &release, &a, period, true, &Ghosts::default()));
    let greedy = run_greedy(&w, fleet, &release);
    let (offline, _) = run_offline(&w, fleet, &a);
    let bound = a.release_bound.then(|| release_bound(&w, fleet, &release, &a));
    let curve = (a.hindsight > 0).then(|| hindsight(&w, &engine.workers, a.hindsight, &a));
    let driven = |o: &Outcome| -> Vec<Vec<usize>> {
        o.workers.iter().map(|wk| wk.done.iter().map(|&(c, _, _)| c).collect::<Vec<_>>()).filter(|r| !r.is_empty()).collect()
    };
    let mut out = serde_json::json!({
        "instance": w.inst.name,
        "workers": fleet,
        "period": round(period, 2),
        "initial_seconds": a.initial_seconds,
        "decision_seconds": a.decision_seconds,
        "offline_seconds": a.offline_seconds,
        "engine": metrics(&w, &engine),
        "greedy": metrics(&w, &greedy),
        "offline": metrics(&w, &offline),
        "routes": driven(&engine),
    });
    if let Some(c) = &clairvoyant {
        out["clairvoyant"] = metrics(&w, c);
        out["clairvoyant_routes"] = driven(c).into();
    }
    if let Some(mode) = &a.forecast {
        out["forecast"] = serde_json::json!({ "mode": mode, "jitter": a.forecast_jitter, "orders": forecast_orders });
    }
    if let Some(bound) = bound {
        out["release_bound"] = bound;
    }
    if let Some(curve) = curve {
        out["hindsight"] = curve.into();
    }
    println!("{out}");
}
