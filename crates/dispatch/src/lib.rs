//! Dispatch: who may take a job ([`hard_check`]), who should be offered it
//! first ([`rank`], weighted by admin-edited [`Weights`]), which appointment
//! slots a customer can book ([`day_slots`], moving holds not yet offered to
//! anyone when that makes room: [`make_room`]), what the offer chain does next
//! ([`next_offer`]: one by one, then 抢单, then the admin), and the day
//! planner ([`vrptw`]).
//!
//! Pure Rust with no clock, no randomness and no I/O, so it runs the same on
//! the server and in the browser, and every answer can be stored as the
//! explanation of an offer (B1). Times are Unix seconds passed in by the
//! caller; working hours are Beijing local time (UTC+8, no daylight saving).

mod assessment;
mod geo;
mod offer;
mod plan;
mod room;
mod rules;
mod score;
mod slots;
pub mod vrptw;

pub use assessment::{
    assess, Assessment, AssessmentCounts, Concern, NextTier, ACCEPTANCE_FLOOR, ASSESSMENT_DAYS, COMPLAINTS_FLAGGED, MIN_CASES, MIN_REVIEWS, ON_TIME_FLOOR,
    RATING_FLOOR,
};
pub use geo::{distance_km, GeoPoint, Travel, TravelModel};
pub use offer::{next_offer, DispatchSettings, NextOffer, OfferPolicy, PolicyError, SettingsError};
pub use plan::{day_km, iterations, plan_day, DayPlan, PlanOrder, Unplanned, WorkerRoute};
pub use room::{make_room, MovableHold, Room};
pub use rules::{first_clash, hard_check, Busy, Candidate, Job, RuleFailure, WorkWindow};
pub use score::{explain, rank, score, Excluded, Explanation, Preset, Ranked, Record, ScoreParts, Tier, Weights, WeightsError, GOLD_MIN_ORDERS, GOLD_MIN_RATING, SKILLED_MIN_ORDERS};
pub use slots::{day_slots, Slot, SlotQuery};

/// Beijing is UTC+8 all year round.
pub const BEIJING_UTC_OFFSET_SECS: i64 = 8 * 3600;

const SECS_PER_DAY: i64 = 86_400;

/// Unix seconds of the Beijing local midnight that starts the day containing `t`.
pub fn local_day_start(t: i64) -> i64 {
    day_start(local_day_number(t))
}

/// Unix seconds of the Beijing local midnight that starts day number `day`.
pub fn day_start(day: i64) -> i64 {
    day * SECS_PER_DAY - BEIJING_UTC_OFFSET_SECS
}

/// Beijing local weekday of `t`: 0 = Monday … 6 = Sunday.
pub fn local_weekday(t: i64) -> u8 {
    day_weekday(local_day_number(t))
}

/// Weekday of day number `day`: 0 = Monday … 6 = Sunday.
pub fn day_weekday(day: i64) -> u8 {
    // Day 0 of the Unix epoch, 1970-01-01, was a Thursday (weekday 3).
    (day + 3).rem_euclid(7) as u8
}

/// Days since 1970-01-01 in Beijing local time (how leave days are kept).
pub fn local_day_number(t: i64) -> i64 {
    t.saturating_add(BEIJING_UTC_OFFSET_SECS).div_euclid(SECS_PER_DAY)
}

#[cfg(test)]
mod tests;
