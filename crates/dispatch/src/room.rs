//! Making room for a booking (B2 with the planner): when no qualified worker
//! is free for a slot as the day stands, the slot may still be bookable by
//! moving holds the planner is free to move — orders paid but not yet offered
//! to anyone (see [`crate::OfferPolicy::lead_hours`]) — to other workers.

use crate::rules::{available, clashes, qualifies, within_hours_and_not_on_leave};
use crate::{distance_km, Busy, Candidate, Job, Travel};

/// A worker's time held by an order nobody has been offered yet, which may
/// go to another qualified, free worker instead.
#[derive(Debug, Clone, PartialEq)]
pub struct MovableHold {
    pub order_id: i64,
    /// Who holds it now; the hold is among this worker's `busy` time.
    pub worker_id: i64,
    pub job: Job,
}

/// How to free `worker_id` for a new job: move each `(order_id, to_worker)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub worker_id: i64,
    pub moves: Vec<(i64, i64)>,
}

/// A worker for `job`, freed by moving only holds in `movable` to other
/// candidates, or `None`. A worker qualifies when every one of their busy
/// times that clashes with the job is a movable hold, and each of those
/// holds finds another candidate who passes every hard rule for it (two
/// holds never go to one worker if they clash with each other). Among
/// takers, a hold goes to the one living nearest to it. Only one level of
/// moves is tried, which keeps the check to a few milliseconds; `refused`
/// are workers who may not take the job.
pub fn make_room(candidates: &[Candidate], job: &Job, movable: &[MovableHold], travel: &dyn Travel, refused: &[i64]) -> Option<Room> {
    if movable.is_empty() {
        return None;
    }
    candidates
        .iter()
        .filter(|w| !refused.contains(&w.worker_id) && qualifies(w, job) && within_hours_and_not_on_leave(w, job))
        .find_map(|w| {
            let blocking = w.busy.iter().filter(|b| clashes(b, job, travel)).count();
            let holds: Vec<&MovableHold> =
                movable.iter().filter(|h| h.worker_id == w.worker_id && clashes(&busy_of(&h.job), job, travel)).collect();
            if blocking == 0 || holds.len() != blocking {
                return None;
            }
            let mut taken: Vec<(i64, Busy)> = Vec::with_capacity(holds.len());
            let mut moves = Vec::with_capacity(holds.len());
            for h in holds {
                let taker = candidates
                    .iter()
                    .filter(|t| t.worker_id != w.worker_id && qualifies(t, &h.job) && available(t, &h.job, travel))
                    .filter(|t| !taken.iter().any(|(id, b)| *id == t.worker_id && clashes(b, &h.job, travel)))
                    .min_by(|a, b| distance_km(a.home, h.job.location).total_cmp(&distance_km(b.home, h.job.location)))?;
                taken.push((taker.worker_id, busy_of(&h.job)));
                moves.push((h.order_id, taker.worker_id));
            }
            Some(Room { worker_id: w.worker_id, moves })
        })
}

fn busy_of(job: &Job) -> Busy {
    Busy { start: job.start, end: job.end, location: job.location }
}
