//! Benchmarks for the dispatch targets of issue #4, on generated but
//! realistic data (one Beijing-like city about 30 km across, seeded RNG):
//!
//! - `offer`: one offer decision as the server makes it, `explain` (the
//!   ranking plus every excluded worker's broken rules, kept with the
//!   decision) over every worker plus `next_offer`, with orders already
//!   spread over the workers; target p99 ≤ 20 ms;
//! - `slots`: slot availability, `day_slots` for a whole day (and for a single
//!   slot, and on a crowded day where full slots try `make_room`, moving holds
//!   not yet offered to anyone); target p99 ≤ 5 ms per day;
//! - `online`: a day of orders arriving one by one, served by (1) the engine
//!   (`rank` + `next_offer`, with periodic re-planning by the VRPTW planner of
//!   orders not yet accepted), (2) greedy nearest worker, (3) the planner with
//!   the whole day known in advance.
//!
//! Latencies are wall-clock on one thread with `Instant`, after a warm-up.
//! Everything else (data, decisions, plans) is deterministic for a seed: the
//! planner runs on iteration budgets, not on time. Exits 1 when a p99 target
//! is missed or a plan breaks a hard rule, 2 on a usage error.
//!
//! Usage: dispatch_bench offer|slots|online|all [--seed N] [--workers N]
//!        [--orders N] [--decisions N] [--checks N] [--sim-workers N]
//!        [--sim-orders N] [--replan-every MIN] [--accept-lead MIN]
//!        [--replan-iters N] [--offline-iters N]

use dispatch::vrptw::{solve_fleet, Fleet, Objective, Params, Problem, Vehicle};
use dispatch::{
    day_slots, explain, hard_check, iterations, local_day_number, local_weekday, next_offer, rank, Busy, Candidate, GeoPoint,
    Job, MovableHold, NextOffer, OfferPolicy, SlotQuery, Travel, TravelModel, Weights, WorkWindow,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// 2024-01-01 00:00 in Beijing, a Monday: the simulated day.
const DAY: i64 = 1_704_038_400;
const CENTRE: GeoPoint = GeoPoint::new(39.9042, 116.4074);
const CITY_KM: f64 = 30.0;
const KM_PER_DEGREE: f64 = 111.194_926_6;
const MINUTE: i64 = 60;
const HOUR: i64 = 3600;
/// Service categories with how often customers book them.
const SKILLS: [(&str, u32); 8] = [
    ("daily_cleaning", 30),
    ("deep_cleaning", 15),
    ("appliance_repair", 12),
    ("ac_service", 10),
    ("plumbing", 10),
    ("electrical", 8),
    ("nanny", 8),
    ("moving", 7),
];
/// Job lengths in minutes with their weights.
const DURATIONS: [(i64, u32); 4] = [(60, 4), (90, 3), (120, 2), (180, 1)];
/// The app's slot grid (`app/src/server/orders.rs`).
const SLOT_FIRST_MINUTE: u16 = 8 * 60;
const SLOT_LAST_START_MINUTE: u16 = 18 * 60;
const SLOT_STEP_MINUTES: u16 = 60;
const OFFER_TARGET_MS: f64 = 20.0;
const SLOTS_TARGET_MS: f64 = 5.0;
const WARM_UP: usize = 200;

struct Opts {
    seed: u64,
    workers: usize,
    orders: usize,
    decisions: usize,
    checks: usize,
    sim_workers: usize,
    sim_orders: usize,
    replan_every_min: i64,
    accept_lead_min: i64,
    replan_iters: u32,
    offline_iters: u32,
}

const USAGE: &str = "usage: dispatch_bench offer|slots|online|all [--seed N] [--workers N] [--orders N] \
[--decisions N] [--checks N] [--sim-workers N] [--sim-orders N] [--replan-every MIN] [--accept-lead MIN] \
[--replan-iters N] [--offline-iters N]";

fn parse_args() -> Result<(String, Opts), String> {
    let mut it = std::env::args().skip(1);
    let mut what = None;
    let mut o = Opts {
        seed: 1,
        workers: 2000,
        orders: 500,
        decisions: 2000,
        checks: 1000,
        sim_workers: 80,
        sim_orders: 300,
        replan_every_min: 30,
        accept_lead_min: 120,
        replan_iters: 4000,
        offline_iters: 200_000,
    };
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        let num = |v: String| v.parse::<u64>().map_err(|e| format!("{a}: {e}"));
        match a.as_str() {
            "--seed" => o.seed = num(value()?)?,
            "--workers" => o.workers = num(value()?)? as usize,
            "--orders" => o.orders = num(value()?)? as usize,
            "--decisions" => o.decisions = num(value()?)? as usize,
            "--checks" => o.checks = num(value()?)? as usize,
            "--sim-workers" => o.sim_workers = num(value()?)? as usize,
            "--sim-orders" => o.sim_orders = num(value()?)? as usize,
            "--replan-every" => o.replan_every_min = num(value()?)?.max(1) as i64,
            "--accept-lead" => o.accept_lead_min = num(value()?)? as i64,
            "--replan-iters" => o.replan_iters = num(value()?)?.try_into().map_err(|_| "--replan-iters too big")?,
            "--offline-iters" => o.offline_iters = num(value()?)?.try_into().map_err(|_| "--offline-iters too big")?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "offer" | "slots" | "online" | "all" if what.is_none() => what = Some(a),
            _ => return Err(format!("unexpected {a}\n{USAGE}")),
        }
    }
    if o.workers == 0 || o.sim_workers == 0 {
        return Err("--workers and --sim-workers must be at least 1".into());
    }
    what.map(|w| (w, o)).ok_or_else(|| USAGE.to_string())
}

fn main() {
    let (what, opts) = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    println!("dispatch_bench {what}, seed {}, one thread; latencies are wall-clock per call", opts.seed);
    // Other work on a shared machine shows up in the tail latencies; say how busy it was.
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("{cores} cores, load average {}", load.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    let mut failures = Vec::new();
    if what == "offer" || what == "slots" || what == "all" {
        println!();
        println!("| benchmark | timed | p50 ms | p95 ms | p99 ms | max ms | target p99 | result |");
        println!("|---|---|---|---|---|---|---|---|");
        if what != "slots" {
            failures.extend(bench_offer(&opts));
        }
        if what != "offer" {
            failures.extend(bench_slots(&opts));
        }
    }
    if what == "online" || what == "all" {
        failures.extend(bench_online(&opts));
    }
    println!();
    if failures.is_empty() {
        println!("all targets met");
    } else {
        for f in &failures {
            println!("FAILED: {f}");
        }
        std::process::exit(1);
    }
}

// --- generated city --------------------------------------------------------

/// Uniform point in the square city around `CENTRE`.
fn point(rng: &mut StdRng) -> GeoPoint {
    let (x, y) = (rng.gen_range(-0.5..0.5) * CITY_KM, rng.gen_range(-0.5..0.5) * CITY_KM);
    GeoPoint::new(CENTRE.lat + y / KM_PER_DEGREE, CENTRE.lng + x / (KM_PER_DEGREE * CENTRE.lat.to_radians().cos()))
}

fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    items.choose_weighted(rng, |&(_, w)| w).expect("non-empty positive weights").0
}

/// A worker: one to four skills (four popularity-weighted draws), home
/// anywhere in the city, serving 8–15 km around it, a 9–11 h shift starting 07:00–09:00 six days a week, a few on
/// leave or suspended.
fn worker(rng: &mut StdRng, id: usize) -> Candidate {
    let mut skills: Vec<String> = Vec::new();
    for _ in 0..rng.gen_range(2..=4) {
        let s = weighted(rng, &SKILLS).to_string();
        if !skills.contains(&s) {
            skills.push(s);
        }
    }
    let start_minute: u16 = rng.gen_range(14..=18) * 30;
    let end_minute = start_minute + rng.gen_range(18..=22) * 30;
    let rest_day = rng.gen_range(0..7);
    let hours =
        (0..7).filter(|&d| d != rest_day).map(|weekday| WorkWindow { weekday, start_minute, end_minute }).collect();
    let today = local_day_number(DAY);
    let leave_days = if rng.gen_bool(0.05) { vec![today] } else { vec![today + rng.gen_range(1..30)] };
    Candidate {
        worker_id: id as i64,
        receives_orders: rng.gen_bool(0.97),
        skills,
        home: point(rng),
        area_radius_km: rng.gen_range(8.0..15.0),
        hours,
        leave_days,
        busy: Vec::new(),
        rating: if rng.gen_bool(0.1) { 0.0 } else { rng.gen_range(3.5..=5.0) },
        active_orders: 0,
        record: Default::default(),
        favored: false,
        gender: None,
        certified: true,
        certified_through: None,
        health_through: None,
    }
}

/// A job on the day, starting on the half hour between 08:00 and 18:00.
fn job(rng: &mut StdRng) -> Job {
    let start = DAY + rng.gen_range(16..=36) * 30 * MINUTE;
    let minutes = weighted(rng, &DURATIONS);
    Job { skill: weighted(rng, &SKILLS).to_string(), location: point(rng), start, end: start + minutes * MINUTE, worker_gender: None, needs_certificate: false }
}

/// `workers` workers with `orders` orders of the day already given, each to
/// the engine's first choice, so busy time is spread the way the engine
/// spreads it (orders nobody can take are redrawn).
fn busy_city(rng: &mut StdRng, workers: usize, orders: usize, travel: &TravelModel) -> Vec<Candidate> {
    busy_city_with_holds(rng, workers, orders, travel, 0.0).0
}

/// As [`busy_city`]; each order is, with probability `movable_share`, a
/// hold nobody has been offered yet (提前派单), which `make_room` may move.
fn busy_city_with_holds(rng: &mut StdRng, workers: usize, orders: usize, travel: &TravelModel, movable_share: f64) -> (Vec<Candidate>, Vec<MovableHold>) {
    let mut cands: Vec<Candidate> = (0..workers).map(|id| worker(rng, id)).collect();
    let mut holds = Vec::new();
    let mut placed = 0;
    let mut tries = 0;
    while placed < orders && tries < 100 * orders.max(1) {
        tries += 1;
        let j = job(rng);
        if let Some(best) = rank(&cands, &j, travel, &[], &Weights::default()).first() {
            let c = &mut cands[best.worker_id as usize];
            c.busy.push(busy(&j));
            c.active_orders += 1;
            if rng.gen_bool(movable_share) {
                holds.push(MovableHold { order_id: placed as i64, worker_id: c.worker_id, job: j });
            }
            placed += 1;
        }
    }
    (cands, holds)
}

// --- latency figures -------------------------------------------------------

/// Nearest-rank percentiles of wall times in ms.
struct Latency {
    sorted_ms: Vec<f64>,
}

impl Latency {
    fn new(times: &[Duration]) -> Self {
        let mut sorted_ms: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        sorted_ms.sort_by(f64::total_cmp);
        Self { sorted_ms }
    }

    fn p(&self, q: f64) -> f64 {
        if self.sorted_ms.is_empty() {
            return 0.0;
        }
        let rank = (q * self.sorted_ms.len() as f64).ceil() as usize;
        self.sorted_ms[rank.clamp(1, self.sorted_ms.len()) - 1]
    }

    fn max(&self) -> f64 {
        self.sorted_ms.last().copied().unwrap_or(0.0)
    }
}

/// Prints one row of the latency table; returns a failure when p99 misses `target_ms`.
fn latency_row(name: &str, lat: &Latency, target_ms: f64) -> Option<String> {
    let p99 = lat.p(0.99);
    let missed = p99 > target_ms;
    println!(
        "| {name} | {} | {:.3} | {:.3} | {p99:.3} | {:.3} | ≤ {target_ms} ms | {} |",
        lat.sorted_ms.len(),
        lat.p(0.5),
        lat.p(0.95),
        lat.max(),
        if missed { "MISSED" } else { "ok" },
    );
    missed.then(|| format!("{name}: p99 {p99:.3} ms > {target_ms} ms"))
}

/// Times `decision` once per input, after `WARM_UP` untimed calls.
fn time_calls<T>(inputs: &[T], mut decision: impl FnMut(&T)) -> Latency {
    for x in inputs.iter().cycle().take(WARM_UP) {
        decision(x);
    }
    let times: Vec<Duration> = inputs
        .iter()
        .map(|x| {
            let t = Instant::now();
            decision(x);
            t.elapsed()
        })
        .collect();
    Latency::new(&times)
}

fn bench_offer(o: &Opts) -> Option<String> {
    let travel = TravelModel::default();
    let mut rng = StdRng::seed_from_u64(o.seed);
    let cands = busy_city(&mut rng, o.workers, o.orders, &travel);
    // Each decision: a new order, and a couple of workers who already refused it.
    let inputs: Vec<(Job, Vec<i64>)> = (0..o.decisions)
        .map(|_| {
            let refused = (0..rng.gen_range(0..=2)).map(|_| rng.gen_range(0..o.workers) as i64).collect();
            (job(&mut rng), refused)
        })
        .collect();
    let policy = OfferPolicy::default();
    let lat = time_calls(&inputs, |(j, refused)| {
        let why = explain(black_box(&cands), j, &travel, refused, &Weights::default());
        black_box(next_offer(&why.ranked, refused, false, &policy));
    });
    let busy: usize = cands.iter().map(|c| c.busy.len()).sum();
    let name = format!("offer: explain + next_offer, {} workers, {busy} busy", o.workers);
    latency_row(&name, &lat, OFFER_TARGET_MS)
}

fn bench_slots(o: &Opts) -> Vec<String> {
    let travel = TravelModel::default();
    let mut rng = StdRng::seed_from_u64(o.seed.wrapping_add(1));
    let cands = busy_city(&mut rng, o.workers, o.orders, &travel);
    let queries: Vec<SlotQuery> = (0..o.checks)
        .map(|_| {
            let j = job(&mut rng);
            SlotQuery {
                skill: j.skill,
                location: j.location,
                duration_secs: j.end - j.start,
                earliest_start: DAY,
                day_start: DAY,
                first_minute: SLOT_FIRST_MINUTE,
                last_start_minute: SLOT_LAST_START_MINUTE,
                step_minutes: SLOT_STEP_MINUTES,
                worker_gender: None,
                needs_certificate: false,
            }
        })
        .collect();
    let day = time_calls(&queries, |q| {
        black_box(day_slots(black_box(&cands), q, &travel, &[]));
    });
    // The per-slot check: the same query narrowed to the slot the job starts in.
    let single: Vec<SlotQuery> = queries
        .iter()
        .map(|q| {
            let minute = SLOT_FIRST_MINUTE + rng.gen_range(0..=10) * SLOT_STEP_MINUTES;
            SlotQuery { first_minute: minute, last_start_minute: minute, ..q.clone() }
        })
        .collect();
    let slot = time_calls(&single, |q| {
        black_box(day_slots(black_box(&cands), q, &travel, &[]));
    });
    // A crowded day: a tenth of the workers with as many orders, half of
    // them holds not yet offered to anyone, so full slots ask make_room.
    let crowded_workers = (o.workers / 10).max(1);
    let (crowded, holds) = busy_city_with_holds(&mut rng, crowded_workers, o.orders, &travel, 0.5);
    let mut full = 0usize;
    let mut freed = 0usize;
    let room = time_calls(&queries, |q| {
        let slots = day_slots(black_box(&crowded), q, &travel, black_box(&holds));
        full += slots.iter().filter(|s| s.available_workers == 0).count();
        freed += slots.iter().filter(|s| s.by_moving_holds).count();
        black_box(slots);
    });
    let slots_per_day = (SLOT_LAST_START_MINUTE - SLOT_FIRST_MINUTE) / SLOT_STEP_MINUTES + 1;
    let mut failures = Vec::new();
    let name = format!("slots: day_slots, one day ({slots_per_day} slots), {} workers", o.workers);
    failures.extend(latency_row(&name, &day, SLOTS_TARGET_MS));
    let name = format!("slots: day_slots, one slot, {} workers", o.workers);
    failures.extend(latency_row(&name, &slot, SLOTS_TARGET_MS));
    let busy: usize = crowded.iter().map(|c| c.busy.len()).sum();
    let name = format!(
        "slots with make_room: one day, {crowded_workers} workers, {busy} busy of which {} movable; {:.0}% of slots full, {:.0}% of those freed by moving holds",
        holds.len(),
        100.0 * full as f64 / (slots_per_day as usize * (queries.len() + WARM_UP)) as f64,
        100.0 * freed as f64 / full.max(1) as f64,
    );
    failures.extend(latency_row(&name, &room, SLOTS_TARGET_MS));
    failures
}

// --- online day ------------------------------------------------------------

struct Order {
    job: Job,
    /// When the customer books it.
    arrival: i64,
}

/// Everything the three policies share: workers without busy time, orders in
/// arrival order, the static rules per pair, and travel between all places.
struct Day {
    workers: Vec<Candidate>,
    orders: Vec<Order>,
    /// `serves[w][i]`: worker `w` passes every rule for order `i` except
    /// clashes with other orders (skill, area, hours, leave, receiving).
    serves: Vec<Vec<bool>>,
    /// Places: 0 the centre, `1 + i` order `i`, `1 + orders + w` worker `w`'s home.
    places: Vec<GeoPoint>,
    /// Road km and travel seconds between places, row-major.
    km: Vec<f64>,
    secs: Vec<i64>,
    travel: TravelModel,
}

impl Day {
    fn generate(o: &Opts) -> Self {
        let travel = TravelModel::default();
        let mut rng = StdRng::seed_from_u64(o.seed.wrapping_add(2));
        let workers: Vec<Candidate> = (0..o.sim_workers).map(|id| worker(&mut rng, id)).collect();
        let mut orders: Vec<Order> = (0..o.sim_orders)
            .map(|_| {
                let job = job(&mut rng);
                // Booked between 06:00 and an hour before it starts.
                let arrival = rng.gen_range(DAY + 6 * HOUR..=job.start - HOUR);
                Order { job, arrival }
            })
            .collect();
        orders.sort_by_key(|o| (o.arrival, o.job.start));
        let serves = workers
            .iter()
            .map(|w| orders.iter().map(|o| hard_check(w, &o.job, &travel, &[]).is_empty()).collect())
            .collect();
        let places: Vec<GeoPoint> = std::iter::once(CENTRE)
            .chain(orders.iter().map(|o| o.job.location))
            .chain(workers.iter().map(|w| w.home))
            .collect();
        let km =
            places.iter().flat_map(|&a| places.iter().map(move |&b| travel.road_km(a, b))).collect();
        let secs = places.iter().flat_map(|&a| places.iter().map(move |&b| travel.travel_secs(a, b))).collect();
        Day { workers, orders, serves, places, km, secs, travel }
    }

    fn home(&self, w: usize) -> usize {
        1 + self.orders.len() + w
    }

    fn km(&self, a: usize, b: usize) -> f64 {
        self.km[a * self.places.len() + b]
    }

    fn secs(&self, a: usize, b: usize) -> i64 {
        self.secs[a * self.places.len() + b]
    }

    /// Each worker's orders in start order.
    fn routes(&self, assigned: &[Option<usize>]) -> Vec<Vec<usize>> {
        let mut routes = vec![Vec::new(); self.workers.len()];
        for (i, w) in assigned.iter().enumerate() {
            if let Some(w) = *w {
                routes[w].push(i);
            }
        }
        for r in &mut routes {
            r.sort_by_key(|&i| self.orders[i].job.start);
        }
        routes
    }

    /// Workers with the given orders as their busy time, as the app loads them.
    fn candidates(&self, assigned: &[Option<usize>]) -> Vec<Candidate> {
        let mut cands = self.workers.clone();
        for (c, route) in cands.iter_mut().zip(self.routes(assigned)) {
            c.busy = route.iter().map(|&i| busy(&self.orders[i].job)).collect();
            c.active_orders = route.len() as u32;
        }
        cands
    }

    /// The VRPTW planner's view of `clients` (order indices): each worker is
    /// a vehicle from and back to home; appointments are windows of zero
    /// width; `serves(w, i)` says who may take order `i`; `start[w]` is the
    /// route the search starts from. Distances are road metres, durations
    /// the crate's travel seconds, times seconds from midnight.
    fn problem(
        &self,
        clients: &[usize],
        serves: impl Fn(usize, usize) -> bool,
        start: &[Vec<usize>],
    ) -> (Problem, Fleet) {
        let m = clients.len();
        let nw = self.workers.len();
        let place: Vec<usize> = std::iter::once(0)
            .chain(clients.iter().map(|&i| 1 + i))
            .chain((0..nw).flat_map(|w| [self.home(w); 2]))
            .collect();
        let n = place.len();
        let open = 2 * 86_400;
        let mut p = Problem {
            vehicles: nw,
            capacity: 0,
            demand: vec![0; n],
            ready: vec![0; n],
            due: vec![open; n],
            service: vec![0; n],
            distance: place
                .iter()
                .flat_map(|&a| place.iter().map(move |&b| (self.km(a, b) * 1000.0).round() as i64))
                .collect(),
            duration: place.iter().flat_map(|&a| place.iter().map(move |&b| self.secs(a, b))).collect(),
        };
        let mut node_of = vec![0; self.orders.len()];
        for (k, &i) in clients.iter().enumerate() {
            let j = &self.orders[i].job;
            p.ready[1 + k] = j.start - DAY;
            p.due[1 + k] = j.start - DAY;
            p.service[1 + k] = j.end - j.start;
            node_of[i] = 1 + k;
        }
        let vehicles = (0..nw)
            .map(|w| {
                let mut s = vec![false; n];
                for (k, &i) in clients.iter().enumerate() {
                    s[1 + k] = serves(w, i);
                }
                let route = start.get(w).map_or(Vec::new(), |r| r.iter().map(|&i| node_of[i]).collect());
                Vehicle { start: 1 + m + 2 * w, end: 2 + m + 2 * w, serves: s, route }
            })
            .collect();
        (p, Fleet { clients: m, vehicles })
    }
}

fn busy(j: &Job) -> Busy {
    Busy { start: j.start, end: j.end, location: j.location }
}

/// What one policy did with the day.
struct Run {
    assigned: Vec<Option<usize>>,
    decisions: Vec<Duration>,
}

/// (1) The engine: each order, on arrival, goes to the first offer of
/// `rank` + `next_offer` (the worker is assumed to accept). With `stats`,
/// every `replan_every` minutes the planner re-plans the orders not yet
/// accepted: an order counts as accepted (and stays with its worker) from
/// `accept_lead` minutes before it starts; until then the worker only holds
/// the time, as a booking does before its offer is made.
fn run_engine(day: &Day, o: &Opts, mut stats: Option<&mut ReplanStats>) -> Run {
    let mut assigned: Vec<Option<usize>> = vec![None; day.orders.len()];
    let mut cands = day.candidates(&assigned);
    let mut decisions = Vec::with_capacity(day.orders.len());
    let every = o.replan_every_min * MINUTE;
    let lead = o.accept_lead_min * MINUTE;
    let mut next_replan = day.orders.first().map_or(DAY, |x| x.arrival) + every;
    let policy = OfferPolicy::default();
    for (i, order) in day.orders.iter().enumerate() {
        while let Some(stats) = stats.as_deref_mut().filter(|_| next_replan <= order.arrival) {
            if replan(day, &mut assigned, next_replan, lead, o, stats) {
                cands = day.candidates(&assigned);
            }
            next_replan += every;
        }
        let t = Instant::now();
        let ranked = rank(&cands, &order.job, &day.travel, &[], &Weights::default());
        let next = next_offer(&ranked, &[], false, &policy);
        decisions.push(t.elapsed());
        if let NextOffer::Offer(r) = next {
            let w = r.worker_id as usize;
            assigned[i] = Some(w);
            cands[w].busy.push(busy(&order.job));
            cands[w].active_orders += 1;
        } else if let Some(stats) = stats.as_deref_mut() {
            // Nobody is free as the day stands: ask the planner whether moving
            // orders not yet accepted makes room (B2's insertion check).
            let t = Instant::now();
            if rescue(day, &mut assigned, i, order.arrival, lead, o, stats) {
                cands = day.candidates(&assigned);
            }
            *decisions.last_mut().expect("pushed above") += t.elapsed();
        }
    }
    // Keep re-planning after the last booking while some order may still move.
    let last_start = day.orders.iter().map(|x| x.job.start).max().unwrap_or(DAY);
    while let Some(stats) = stats.as_deref_mut().filter(|_| next_replan < last_start - lead) {
        replan(day, &mut assigned, next_replan, lead, o, stats);
        next_replan += every;
    }
    Run { assigned, decisions }
}

#[derive(Default)]
struct ReplanStats {
    runs: usize,
    adopted: usize,
    moved: usize,
    km_saved: f64,
    wall: Vec<Duration>,
    /// Bookings nobody was free for, and how many of them the planner fitted in.
    rescues: usize,
    rescued: usize,
}

/// Re-plans at `now` every order given so far, those accepted (starting
/// within `lead`) pinned to their worker; adopts the plan when it is
/// shorter. Returns whether it did.
/// Re-plans every order held so far plus `new`, which nobody is free for;
/// adopts the plan only if it serves them all.
fn rescue(day: &Day, assigned: &mut [Option<usize>], new: usize, now: i64, lead: i64, o: &Opts, stats: &mut ReplanStats) -> bool {
    stats.rescues += 1;
    if day.workers.iter().enumerate().all(|(w, _)| !day.serves[w][new]) {
        return false;
    }
    let clients: Vec<usize> = (0..assigned.len()).filter(|&i| assigned[i].is_some() || i == new).collect();
    let pinned = |i: usize| assigned[i].is_some() && now >= day.orders[i].job.start - lead;
    let current = day.routes(assigned);
    let serves = |w: usize, i: usize| if pinned(i) { assigned[i] == Some(w) } else { day.serves[w][i] };
    let (p, fleet) = day.problem(&clients, serves, &current);
    let params = Params { objective: Objective::Distance, seed: o.seed.wrapping_add(stats.runs as u64) };
    let t = Instant::now();
    let plan = solve_fleet(&p, &fleet, &params, &mut iterations(o.replan_iters));
    stats.wall.push(t.elapsed());
    stats.runs += 1;
    if !plan.unserved.is_empty() {
        return false;
    }
    for (w, route) in plan.routes.iter().enumerate() {
        for &node in route {
            let i = clients[node - 1];
            if i != new && assigned[i] != Some(w) {
                stats.moved += 1;
            }
            assigned[i] = Some(w);
        }
    }
    stats.rescued += 1;
    true
}

fn replan(day: &Day, assigned: &mut [Option<usize>], now: i64, lead: i64, o: &Opts, stats: &mut ReplanStats) -> bool {
    let clients: Vec<usize> = (0..assigned.len()).filter(|&i| assigned[i].is_some()).collect();
    let pinned = |i: usize| now >= day.orders[i].job.start - lead;
    if clients.iter().all(|&i| pinned(i)) {
        return false;
    }
    let current = day.routes(assigned);
    let serves = |w: usize, i: usize| if pinned(i) { assigned[i] == Some(w) } else { day.serves[w][i] };
    let (p, fleet) = day.problem(&clients, serves, &current);
    let before: i64 = fleet.vehicles.iter().map(|v| p.path_distance(v.start, &v.route, v.end)).sum();
    let params = Params { objective: Objective::Distance, seed: o.seed.wrapping_add(stats.runs as u64) };
    let t = Instant::now();
    let plan = solve_fleet(&p, &fleet, &params, &mut iterations(o.replan_iters));
    stats.wall.push(t.elapsed());
    stats.runs += 1;
    // The search starts from the current plan, so it never serves fewer.
    if !plan.unserved.is_empty() || plan.distance >= before {
        return false;
    }
    for (w, route) in plan.routes.iter().enumerate() {
        for &node in route {
            let i = clients[node - 1];
            if assigned[i] != Some(w) {
                stats.moved += 1;
                assigned[i] = Some(w);
            }
        }
    }
    stats.adopted += 1;
    stats.km_saved += (before - plan.distance) as f64 / 1000.0;
    true
}

/// (2) Greedy: each order, on arrival, goes to the eligible worker (same
/// hard rules) nearest to where they will be before it (previous job that
/// day, else home); ties to the lower id. That is `rank` with only the
/// travel part weighted, which filters the same fast way as the engine.
fn run_greedy(day: &Day) -> Run {
    let mut assigned: Vec<Option<usize>> = vec![None; day.orders.len()];
    let mut cands = day.candidates(&assigned);
    let mut decisions = Vec::with_capacity(day.orders.len());
    let nearest_first = Weights { travel: 1.0, rating: 0.0, tier: 0.0, fairness: 0.0, acceptance: 0.0, affinity: 0.0, load: 0.0 };
    for (i, order) in day.orders.iter().enumerate() {
        let t = Instant::now();
        let nearest = rank(&cands, &order.job, &day.travel, &[], &nearest_first).first().map(|r| r.worker_id as usize);
        decisions.push(t.elapsed());
        if let Some(w) = nearest {
            assigned[i] = Some(w);
            cands[w].busy.push(busy(&order.job));
            cands[w].active_orders += 1;
        }
    }
    Run { assigned, decisions }
}

/// (3) Offline: the planner with every order known at the start of the day.
fn run_offline(day: &Day, o: &Opts) -> (Run, Duration) {
    let all: Vec<usize> = (0..day.orders.len()).collect();
    let (p, fleet) = day.problem(&all, |w, i| day.serves[w][i], &[]);
    let params = Params { objective: Objective::Distance, seed: o.seed };
    let t = Instant::now();
    let plan = solve_fleet(&p, &fleet, &params, &mut iterations(o.offline_iters));
    let wall = t.elapsed();
    let mut assigned = vec![None; day.orders.len()];
    for (w, route) in plan.routes.iter().enumerate() {
        for &node in route {
            assigned[all[node - 1]] = Some(w);
        }
    }
    (Run { assigned, decisions: Vec::new() }, wall)
}

/// The figures of one policy, and the hard rules its plan breaks (must be none).
struct Figures {
    served: usize,
    km: f64,
    used: usize,
    max_hours: f64,
    min_hours: f64,
    broken: usize,
}

/// Travel is home → jobs in time order → home; workload is service plus
/// that travel.
fn figures(day: &Day, assigned: &[Option<usize>]) -> Figures {
    let mut f = Figures { served: 0, km: 0.0, used: 0, max_hours: 0.0, min_hours: f64::INFINITY, broken: 0 };
    for (w, route) in day.routes(assigned).iter().enumerate() {
        if route.is_empty() {
            continue;
        }
        let (mut at, mut secs) = (day.home(w), 0);
        let mut free_from = i64::MIN;
        for &i in route {
            let j = &day.orders[i].job;
            let arrive = free_from.saturating_add(day.secs(at, 1 + i));
            f.broken += usize::from(!day.serves[w][i] || arrive > j.start);
            f.km += day.km(at, 1 + i);
            secs += day.secs(at, 1 + i) + (j.end - j.start);
            at = 1 + i;
            free_from = j.end;
        }
        f.km += day.km(at, day.home(w));
        secs += day.secs(at, day.home(w));
        let hours = secs as f64 / HOUR as f64;
        f.served += route.len();
        f.used += 1;
        f.max_hours = f.max_hours.max(hours);
        f.min_hours = f.min_hours.min(hours);
    }
    if f.used == 0 {
        f.min_hours = 0.0;
    }
    f
}

fn bench_online(o: &Opts) -> Vec<String> {
    let day = Day::generate(o);
    let servable = (0..day.orders.len()).filter(|&i| day.serves.iter().any(|s| s[i])).count();
    let demand_h: f64 = day.orders.iter().map(|x| (x.job.end - x.job.start) as f64).sum::<f64>() / HOUR as f64;
    let supply_h: f64 = day
        .workers
        .iter()
        .filter(|w| w.receives_orders && !w.leave_days.contains(&local_day_number(DAY)))
        .filter_map(|w| w.hours.iter().find(|h| h.weekday == local_weekday(DAY)))
        .map(|h| f64::from(h.end_minute - h.start_minute) / 60.0)
        .sum();
    println!();
    println!(
        "online day: {} orders ({servable} with a qualified worker; {demand_h:.0} h of service), {} workers \
         ({supply_h:.0} shift hours today), {CITY_KM:.0} km city, bookings 06:00 to 1 h before start",
        day.orders.len(),
        day.workers.len(),
    );
    println!(
        "engine: accepted {} min before start, re-planned every {} min ({} planner iterations); offline: {} iterations",
        o.accept_lead_min, o.replan_every_min, o.replan_iters, o.offline_iters
    );
    let mut stats = ReplanStats::default();
    let alone = run_engine(&day, o, None);
    let engine = run_engine(&day, o, Some(&mut stats));
    let greedy = run_greedy(&day);
    let (offline, offline_wall) = run_offline(&day, o);
    println!();
    println!("| policy | served | served % | km / served | workers used | max load h | min load h | decision p50 ms | decision p99 ms |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut failures = Vec::new();
    for (name, run) in [
        ("(1) engine: rank + re-plan", &engine),
        ("(1') engine without re-planning", &alone),
        ("(2) greedy nearest", &greedy),
        ("(3) offline planner", &offline),
    ] {
        let f = figures(&day, &run.assigned);
        let lat = Latency::new(&run.decisions);
        let (p50, p99) = if run.decisions.is_empty() {
            ("-".to_string(), "-".to_string())
        } else {
            (format!("{:.3}", lat.p(0.5)), format!("{:.3}", lat.p(0.99)))
        };
        println!(
            "| {name} | {} | {:.1} | {:.2} | {} | {:.1} | {:.1} | {p50} | {p99} |",
            f.served,
            100.0 * f.served as f64 / day.orders.len().max(1) as f64,
            f.km / f.served.max(1) as f64,
            f.used,
            f.max_hours,
            f.min_hours,
        );
        if f.broken > 0 {
            failures.push(format!("{name}: {} assignments break a hard rule", f.broken));
        }
    }
    let wall = Latency::new(&stats.wall);
    println!();
    println!(
        "re-planning: {} runs, {} adopted, {} orders moved, {:.1} km saved; {} bookings nobody was free for, {} fitted in by re-planning; planner wall p50 {:.0} ms, max {:.0} ms",
        stats.runs,
        stats.adopted,
        stats.moved,
        stats.km_saved,
        stats.rescues,
        stats.rescued,
        wall.p(0.5),
        wall.max(),
    );
    println!("offline planner wall: {:.2} s", offline_wall.as_secs_f64());
    failures
}
