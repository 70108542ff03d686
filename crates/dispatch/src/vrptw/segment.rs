use super::Problem;

/// Time-window summary of a consecutive stretch of a route, so the timing of
/// a route built from pieces (prefix + inserted client + suffix) is known in
/// O(1) instead of by replaying the whole route.
///
/// `time_warp` is how much the vehicle would have to travel back in time to
/// meet every window: zero exactly when the stretch is feasible with waiting
/// allowed. `earliest`/`latest` bound when service at `first` can start
/// while keeping the least time warp; `duration` is the shortest time from
/// that start to the end of service at `last` (travel, service and waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSegment {
    pub first: usize,
    pub last: usize,
    pub duration: i64,
    pub time_warp: i64,
    pub earliest: i64,
    pub latest: i64,
}

impl TimeSegment {
    /// A single node: its own window and service time.
    pub fn node(p: &Problem, i: usize) -> Self {
        Self { first: i, last: i, duration: p.service[i], time_warp: 0, earliest: p.ready[i], latest: p.due[i] }
    }

    /// This stretch followed directly by `next` (travelling `last → next.first`).
    pub fn then(&self, p: &Problem, next: &TimeSegment) -> Self {
        let travel = p.travel(self.last, next.first);
        let delta = self.duration - self.time_warp + travel;
        let wait = (next.earliest - delta - self.latest).max(0);
        let warp = (self.earliest + delta - next.latest).max(0);
        Self {
            first: self.first,
            last: next.last,
            duration: self.duration + next.duration + travel + wait,
            time_warp: self.time_warp + next.time_warp + warp,
            earliest: (next.earliest - delta).max(self.earliest) - wait,
            latest: (next.latest - delta).min(self.latest) + warp,
        }
    }
}
