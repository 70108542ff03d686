use crate::rules::{available, qualifies};
use crate::{make_room, Candidate, GeoPoint, Job, MovableHold, Travel};
use serde::{Deserialize, Serialize};

/// One day's time axis for one service at one address (C4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlotQuery {
    /// Service category code the worker must have.
    pub skill: String,
    pub location: GeoPoint,
    pub duration_secs: i64,
    /// Now plus the lead time a worker needs; earlier slots are not bookable.
    pub earliest_start: i64,
    /// Local midnight of the day, as Unix seconds (see [`crate::local_day_start`]).
    pub day_start: i64,
    /// First slot start, minutes after local midnight (e.g. 8 × 60).
    pub first_minute: u16,
    /// Last slot start, inclusive (e.g. 18 × 60).
    pub last_start_minute: u16,
    /// Minutes between slot starts (e.g. 60); 0 is treated as 1.
    pub step_minutes: u16,
    /// The customer's worker gender preference, as [`Job::worker_gender`].
    #[serde(default)]
    pub worker_gender: Option<String>,
    /// As [`Job::needs_certificate`].
    #[serde(default)]
    pub needs_certificate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    /// Workers who pass every hard rule for this slot. Always 0 for a slot
    /// that starts before `earliest_start`.
    pub available_workers: u32,
    /// Nobody is free, but moving holds not yet offered to anyone frees a
    /// worker ([`make_room`]). Never set for a slot before `earliest_start`.
    #[serde(default)]
    pub by_moving_holds: bool,
}

impl Slot {
    pub fn is_bookable(&self) -> bool {
        self.available_workers > 0 || self.by_moving_holds
    }
}

/// Every slot of the day; a slot is bookable ([`Slot::is_bookable`]) when
/// some worker is free then, or can be freed by moving `movable` holds, and
/// it starts no earlier than `earliest_start`.
///
/// Availability uses the same rules as [`crate::hard_check`], travel buffers
/// included, so a slot is only offered when some worker can really reach it
/// (B2). The rules that are the same for every slot of the day (receiving
/// orders, skill, certificates, area) are checked once per worker rather than per slot.
/// Computed on every call; nothing is cached.
pub fn day_slots(candidates: &[Candidate], query: &SlotQuery, travel: &dyn Travel, movable: &[MovableHold]) -> Vec<Slot> {
    let step = u32::from(query.step_minutes.max(1));
    let last = u32::from(query.last_start_minute);
    // Dated on the queried day, so certificate expiry is judged for it.
    let mut job = Job {
        skill: query.skill.clone(),
        location: query.location,
        start: query.day_start,
        end: query.day_start,
        worker_gender: query.worker_gender.clone(),
        needs_certificate: query.needs_certificate,
    };
    let qualified: Vec<&Candidate> = candidates.iter().filter(|c| qualifies(c, &job)).collect();
    let mut slots = Vec::new();
    let mut minute = u32::from(query.first_minute);
    while minute <= last {
        let start = query.day_start.saturating_add(i64::from(minute) * 60);
        let end = start.saturating_add(query.duration_secs);
        let (available_workers, by_moving_holds) = if start < query.earliest_start {
            (0, false)
        } else {
            (job.start, job.end) = (start, end);
            let n = qualified.iter().filter(|c| available(c, &job, travel)).count();
            (u32::try_from(n).unwrap_or(u32::MAX), n == 0 && make_room(candidates, &job, movable, travel, &[]).is_some())
        };
        slots.push(Slot { start, end, available_workers, by_moving_holds });
        minute += step;
    }
    slots
}
