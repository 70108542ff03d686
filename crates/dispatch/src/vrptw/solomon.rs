use super::Problem;
use std::fmt;

/// One row of a Solomon instance, in the file's own units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolomonNode {
    pub id: usize,
    pub x: f64,
    pub y: f64,
    pub demand: f64,
    pub ready: f64,
    pub due: f64,
    pub service: f64,
}

/// A Solomon-format instance as read: node 0 is the depot, rows are sorted
/// by id and ids are `0..n` without gaps (the benchmark's own numbering, which
/// output routes must reuse).
#[derive(Debug, Clone, PartialEq)]
pub struct SolomonInstance {
    pub name: String,
    pub vehicles: usize,
    pub capacity: f64,
    pub nodes: Vec<SolomonNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "solomon: {}", self.0)
    }
}

impl std::error::Error for ParseError {}

/// How real Euclidean arcs become the integers a [`Problem`] holds. Both
/// conventions of the benchmark literature are reproduced *exactly*, so a
/// plan feasible for the integer problem is feasible for the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// DIMACS / exact-method literature: every arc truncated to one decimal,
    /// `floor(10 d) / 10`, for both distance and travel time. Everything is
    /// scaled by 10, which makes the truncation exact in integers.
    Dimacs,
    /// SINTEF convention: double-precision Euclidean arcs. Scaled by 1000;
    /// distance is rounded (objective error < 0.05 per 100 arcs) while travel
    /// time is rounded *up*, so integer-feasible timing is feasible in reals.
    Exact,
}

impl Convention {
    /// Integer units per instance unit.
    pub fn scale(self) -> i64 {
        match self {
            Convention::Dimacs => 10,
            Convention::Exact => 1000,
        }
    }

    /// Arc length in instance units as the benchmark checker computes it.
    pub fn arc(self, a: &SolomonNode, b: &SolomonNode) -> f64 {
        let d = (a.x - b.x).hypot(a.y - b.y);
        match self {
            Convention::Dimacs => (10.0 * d + 1e-9).floor() / 10.0,
            Convention::Exact => d,
        }
    }
}

/// Reads the classic Solomon text format: a name line, a `NUMBER CAPACITY`
/// header followed by the fleet size and capacity, then one 7-column row per
/// node (`id x y demand ready due service`). Other lines are ignored.
pub fn parse_solomon(text: &str) -> Result<SolomonInstance, ParseError> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let name = lines
        .first()
        .and_then(|l| l.split_whitespace().next())
        .ok_or_else(|| ParseError("empty input".into()))?
        .to_string();
    let mut fleet = None;
    let mut nodes = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("NUMBER") && upper.contains("CAPACITY") {
            let vals: Vec<f64> = lines
                .get(i + 1)
                .map(|l| l.split_whitespace().filter_map(|t| t.parse().ok()).collect())
                .unwrap_or_default();
            if vals.len() < 2 {
                return Err(ParseError("missing vehicle number and capacity".into()));
            }
            fleet = Some((vals[0] as usize, vals[1]));
            continue;
        }
        let vals: Vec<f64> = line.split_whitespace().filter_map(|t| t.parse().ok()).collect();
        if vals.len() == 7 && line.split_whitespace().count() == 7 {
            nodes.push(SolomonNode {
                id: vals[0] as usize,
                x: vals[1],
                y: vals[2],
                demand: vals[3],
                ready: vals[4],
                due: vals[5],
                service: vals[6],
            });
        }
    }
    let (vehicles, capacity) = fleet.ok_or_else(|| ParseError("no VEHICLE NUMBER/CAPACITY header".into()))?;
    nodes.sort_by_key(|n| n.id);
    if nodes.is_empty() || nodes.iter().enumerate().any(|(i, n)| n.id != i) {
        return Err(ParseError("node ids must be 0 (depot), 1, 2, … without gaps".into()));
    }
    Ok(SolomonInstance { name, vehicles, capacity, nodes })
}

impl SolomonInstance {
    /// The integer problem under `conv`; see [`Convention`] for the scaling.
    pub fn to_problem(&self, conv: Convention) -> Problem {
        let s = conv.scale() as f64;
        let n = self.nodes.len();
        let mut distance = Vec::with_capacity(n * n);
        let mut duration = Vec::with_capacity(n * n);
        for a in &self.nodes {
            for b in &self.nodes {
                let d = (a.x - b.x).hypot(a.y - b.y);
                let (dist, time) = match conv {
                    Convention::Dimacs => {
                        let t = (10.0 * d + 1e-9).floor();
                        (t, t)
                    }
                    Convention::Exact => ((s * d).round(), (s * d - 1e-9).ceil()),
                };
                distance.push(dist as i64);
                duration.push(time as i64);
            }
        }
        let scaled = |f: fn(&SolomonNode) -> f64| -> Vec<i64> {
            self.nodes.iter().map(|nd| (f(nd) * s).round() as i64).collect()
        };
        Problem {
            vehicles: self.vehicles,
            capacity: self.capacity.round() as i64,
            demand: self.nodes.iter().map(|nd| nd.demand.round() as i64).collect(),
            ready: scaled(|nd| nd.ready),
            due: scaled(|nd| nd.due),
            service: scaled(|nd| nd.service),
            distance,
            duration,
        }
    }

    /// Total distance of `routes` (node ids) in instance units under `conv`,
    /// summed the way the benchmark checker sums it.
    pub fn routes_distance(&self, routes: &[Vec<usize>], conv: Convention) -> f64 {
        let mut total = 0.0;
        for r in routes.iter().filter(|r| !r.is_empty()) {
            let mut prev = 0;
            for &c in r.iter().chain(std::iter::once(&0)) {
                total += conv.arc(&self.nodes[prev], &self.nodes[c]);
                prev = c;
            }
        }
        total
    }
}
