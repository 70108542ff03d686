//! Batch planner: a vehicle routing problem with time windows (VRPTW).
//!
//! Workers are vehicles leaving from and returning to one depot, orders are
//! clients with a demand, an appointment window in which service must
//! *start* (arriving early means waiting) and a service duration. Real
//! workers are not interchangeable (own home, skills, hours, orders already
//! promised to them); [`solve_fleet`] plans for such a [`Fleet`].
//!
//! All numbers inside a [`Problem`] are integers so that move evaluation is
//! exact and deterministic on every platform (server and wasm alike). Callers
//! scale real distances and times by a fixed factor; see [`Convention`] for
//! how Solomon instances are scaled.
//!
//! Like the rest of the crate this module has no clock: [`solve`] asks the
//! caller how far through its budget it is, so the same code runs with a
//! wall-clock deadline in a binary and an iteration budget in tests.

mod rng;
mod segment;
mod solomon;
mod solver;

pub use rng::Rng;
pub use segment::TimeSegment;
pub use solomon::{parse_solomon, Convention, ParseError, SolomonInstance, SolomonNode};
pub use solver::{solve, solve_fleet, Fleet, FleetPlan, Objective, Params, Plan, Vehicle};

/// Why a client can be in no route at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unservable {
    /// Its demand alone exceeds a vehicle's capacity.
    TooHeavy,
    /// Even straight from the depot, service cannot start before its window closes.
    WindowUnreachable,
    /// After serving it, nobody can be back before the depot closes.
    NoWayBack,
}

impl Unservable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unservable::TooHeavy => "demand_exceeds_capacity",
            Unservable::WindowUnreachable => "window_unreachable",
            Unservable::NoWayBack => "cannot_return_to_depot",
        }
    }
}

/// A VRPTW instance with integer data. Index 0 is the depot, `1..n` are the
/// clients; all per-node vectors have the same length `n`.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Most routes a plan may use.
    pub vehicles: usize,
    pub capacity: i64,
    pub demand: Vec<i64>,
    /// Earliest service start (for the depot: earliest departure).
    pub ready: Vec<i64>,
    /// Latest service start (for the depot: latest return).
    pub due: Vec<i64>,
    pub service: Vec<i64>,
    /// Row-major `n × n` cost of an arc, minimised by the solver.
    pub distance: Vec<i64>,
    /// Row-major `n × n` travel time of an arc, used for time windows.
    pub duration: Vec<i64>,
}

impl Problem {
    /// Number of nodes including the depot.
    pub fn len(&self) -> usize {
        self.demand.len()
    }

    /// True when there are no nodes at all (not even a depot).
    pub fn is_empty(&self) -> bool {
        self.demand.is_empty()
    }

    pub fn dist(&self, a: usize, b: usize) -> i64 {
        self.distance[a * self.len() + b]
    }

    pub fn travel(&self, a: usize, b: usize) -> i64 {
        self.duration[a * self.len() + b]
    }

    /// Total distance of `routes` (client indices, depot implied at both ends).
    pub fn plan_distance(&self, routes: &[Vec<usize>]) -> i64 {
        routes.iter().map(|r| self.route_distance(r)).sum()
    }

    /// Distance of one route from the depot through `clients` and back; an
    /// empty route is not driven and costs nothing.
    pub fn route_distance(&self, clients: &[usize]) -> i64 {
        self.path_distance(0, clients, 0)
    }

    /// Clients no route can serve whatever the others do, with the reason,
    /// so a plan reports them instead of failing on them (bad input is
    /// never silently dropped).
    pub fn unservable(&self) -> Vec<(usize, Unservable)> {
        (1..self.len())
            .filter_map(|c| {
                let start = (self.ready[0] + self.travel(0, c)).max(self.ready[c]);
                let why = if self.demand[c] > self.capacity {
                    Unservable::TooHeavy
                } else if start > self.due[c] {
                    Unservable::WindowUnreachable
                } else if start + self.service[c] + self.travel(c, 0) > self.due[0] {
                    Unservable::NoWayBack
                } else {
                    return None;
                };
                Some((c, why))
            })
            .collect()
    }

    /// The same problem without the clients in `drop`, and for each node of
    /// the result the node it was here.
    pub fn without(&self, drop: &[usize]) -> (Problem, Vec<usize>) {
        let keep: Vec<usize> = (0..self.len()).filter(|i| !drop.contains(i) || *i == 0).collect();
        let pick = |v: &[i64]| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let matrix = |m: &[i64]| keep.iter().flat_map(|&a| keep.iter().map(move |&b| m[a * self.len() + b])).collect::<Vec<_>>();
        let reduced = Problem {
            vehicles: self.vehicles,
            capacity: self.capacity,
            demand: pick(&self.demand),
            ready: pick(&self.ready),
            due: pick(&self.due),
            service: pick(&self.service),
            distance: matrix(&self.distance),
            duration: matrix(&self.duration),
        };
        (reduced, keep)
    }

    /// Distance from node `start` through `clients` to node `end`; an empty
    /// route is not driven and costs nothing.
    pub fn path_distance(&self, start: usize, clients: &[usize], end: usize) -> i64 {
        if clients.is_empty() {
            return 0;
        }
        let mut prev = start;
        let mut d = 0;
        for &c in clients.iter().chain(std::iter::once(&end)) {
            d += self.dist(prev, c);
            prev = c;
        }
        d
    }
}

#[cfg(test)]
mod tests;
