use crate::{distance_km, local_day_number, local_day_start, local_weekday, GeoPoint, Travel};
use serde::{Deserialize, Serialize};

/// Working hours in Beijing local time (UTC+8, no DST). weekday 0 = Monday …
/// 6 = Sunday; minutes from local midnight. `end_minute` may be 1440 for
/// "until midnight".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkWindow {
    pub weekday: u8,
    pub start_minute: u16,
    pub end_minute: u16,
}

impl WorkWindow {
    /// Whether the whole of `[start, end]` (Unix seconds) lies inside this
    /// window on the local day `start` falls on. A job that runs past local
    /// midnight is never inside.
    pub fn contains(&self, start: i64, end: i64) -> bool {
        if end < start || local_weekday(start) != self.weekday {
            return false;
        }
        let midnight = local_day_start(start);
        let from = start - midnight;
        let to = end.saturating_sub(midnight);
        i64::from(self.start_minute) * 60 <= from && to <= i64::from(self.end_minute) * 60
    }
}

/// Time a worker is already committed elsewhere (an active order), and where.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Busy {
    pub start: i64,
    pub end: i64,
    pub location: GeoPoint,
}

/// A worker as dispatch sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub worker_id: i64,
    /// Approved and not suspended.
    pub receives_orders: bool,
    /// Service category codes the worker is qualified for.
    pub skills: Vec<String>,
    /// Centre of the service area.
    pub home: GeoPoint,
    pub area_radius_km: f64,
    pub hours: Vec<WorkWindow>,
    /// Days off, as Beijing day numbers ([`crate::local_day_number`]).
    pub leave_days: Vec<i64>,
    pub busy: Vec<Busy>,
    /// Average rating 0..=5; 0 means no ratings yet.
    pub rating: f64,
    pub active_orders: u32,
    #[serde(default)]
    pub record: crate::Record,
    /// The customer's favourite or previous worker (for this job's customer).
    #[serde(default)]
    pub favored: bool,
    /// `female` or `male`, when the worker gave it.
    #[serde(default)]
    pub gender: Option<String>,
    /// Has an accepted qualification certificate for the category being dispatched.
    #[serde(default)]
    pub certified: bool,
    /// The last Beijing day number that certificate is valid on; `None`: one
    /// of them states no expiry.
    #[serde(default)]
    pub certified_through: Option<i64>,
    /// The last Beijing day number the worker's newest accepted health
    /// certificate (健康证, renewed yearly) is valid on; `None`: it states none.
    #[serde(default)]
    pub health_through: Option<i64>,
}

/// An appointment to be staffed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Service category code the worker must have.
    pub skill: String,
    pub location: GeoPoint,
    pub start: i64,
    pub end: i64,
    /// The customer's preference (`female` or `male`); `None`: anyone.
    #[serde(default)]
    pub worker_gender: Option<String>,
    /// The service's category requires a qualification certificate.
    #[serde(default)]
    pub needs_certificate: bool,
}

impl Job {
    /// The job's stretch on its first day: all of it, or for one running
    /// over more than a day (a nanny's contract, the same hours every day)
    /// from its start to its end's time of day, which her hours must hold.
    pub fn first_day(&self) -> (i64, i64) {
        let span = self.end - self.start;
        if span > crate::SECS_PER_DAY {
            (self.start, self.start + span % crate::SECS_PER_DAY)
        } else {
            (self.start, self.end)
        }
    }
}

/// A hard rule a candidate breaks. Stored with an offer (or an admin's
/// override) to say why a worker was or wasn't eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleFailure {
    NotReceivingOrders,
    MissingSkill,
    /// The category requires a certificate the worker has not filed for it.
    MissingCertificate,
    /// The worker's certificate for the category lapses before the job's day.
    CertificateExpired,
    /// The worker's health certificate lapses before the job's day.
    HealthCertificateExpired,
    /// Not the gender the customer asked for.
    GenderMismatch,
    OutsideArea,
    OutsideWorkingHours,
    /// The job falls on one of the worker's days off.
    OnLeave,
    /// Clashes, including travel time either way, with the busy interval
    /// starting at `other_start`.
    Overlaps {
        other_start: i64,
    },
    RefusedBefore,
}

/// Every hard rule `c` breaks for `job`, in a fixed order; empty means
/// eligible. All rules are checked (not just the first failure) so an admin
/// overriding them sees the full picture.
pub fn hard_check(c: &Candidate, job: &Job, travel: &dyn Travel, refused: &[i64]) -> Vec<RuleFailure> {
    let mut failures = Vec::new();
    if !c.receives_orders {
        failures.push(RuleFailure::NotReceivingOrders);
    }
    if !has_skill(c, &job.skill) {
        failures.push(RuleFailure::MissingSkill);
    }
    if job.needs_certificate && !c.certified {
        failures.push(RuleFailure::MissingCertificate);
    } else if job.needs_certificate && !valid_on(c.certified_through, job) {
        failures.push(RuleFailure::CertificateExpired);
    }
    if !valid_on(c.health_through, job) {
        failures.push(RuleFailure::HealthCertificateExpired);
    }
    if !matches_gender(c, job.worker_gender.as_deref()) {
        failures.push(RuleFailure::GenderMismatch);
    }
    if !within_area(c, job.location) {
        failures.push(RuleFailure::OutsideArea);
    }
    if !within_hours(c, job) {
        failures.push(RuleFailure::OutsideWorkingHours);
    }
    if on_leave(c, job) {
        failures.push(RuleFailure::OnLeave);
    }
    for b in &c.busy {
        if clashes(b, job, travel) {
            failures.push(RuleFailure::Overlaps { other_start: b.start });
        }
    }
    if refused.contains(&c.worker_id) {
        failures.push(RuleFailure::RefusedBefore);
    }
    failures
}

/// Same answer as `hard_check(..).is_empty()` without building the list:
/// ranking and slot counting ask it of every worker, and most fail a cheap
/// rule, so this stops at the first failure and allocates nothing.
pub(crate) fn eligible(c: &Candidate, job: &Job, travel: &dyn Travel, refused: &[i64]) -> bool {
    !refused.contains(&c.worker_id) && qualifies(c, job) && available(c, job, travel)
}

/// The rules that depend on the job's day at most (receiving orders, skill,
/// certificates and their expiry, gender preference, service area), so a
/// whole day of slots checks them once per worker.
pub(crate) fn qualifies(c: &Candidate, job: &Job) -> bool {
    c.receives_orders
        && has_skill(c, &job.skill)
        && (!job.needs_certificate || (c.certified && valid_on(c.certified_through, job)))
        && valid_on(c.health_through, job)
        && matches_gender(c, job.worker_gender.as_deref())
        && within_area(c, job.location)
}

/// A certificate valid through Beijing day `through` (`None`: no expiry)
/// covers a job that ends on or before that day.
fn valid_on(through: Option<i64>, job: &Job) -> bool {
    through.is_none_or(|last| local_day_number(job.end.max(job.start)) <= last)
}

fn matches_gender(c: &Candidate, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|g| c.gender.as_deref() == Some(g))
}

/// The rules that do depend on when the job is: working hours, days off and
/// clashes with busy time, travel included.
pub(crate) fn available(c: &Candidate, job: &Job, travel: &dyn Travel) -> bool {
    within_hours_and_not_on_leave(c, job) && !c.busy.iter().any(|b| clashes(b, job, travel))
}

fn has_skill(c: &Candidate, skill: &str) -> bool {
    c.skills.iter().any(|s| s == skill)
}

fn within_area(c: &Candidate, location: GeoPoint) -> bool {
    // A NaN radius or position compares as unordered and fails the rule.
    let within = distance_km(c.home, location).partial_cmp(&c.area_radius_km);
    matches!(within, Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// Working then and not on a day off; what a day plan checks before routing.
pub(crate) fn within_hours_and_not_on_leave(c: &Candidate, job: &Job) -> bool {
    within_hours(c, job) && !on_leave(c, job)
}

fn within_hours(c: &Candidate, job: &Job) -> bool {
    let (start, end) = job.first_day();
    c.hours.iter().any(|w| w.contains(start, end))
}

fn on_leave(c: &Candidate, job: &Job) -> bool {
    let first_day = crate::local_day_number(job.start);
    let last_day = crate::local_day_number(job.end.saturating_sub(1).max(job.start));
    c.leave_days.iter().any(|d| (first_day..=last_day).contains(d))
}

/// Start of the first of `busy` that `job` clashes with, travel included:
/// what accepting an order asks of the worker's day as it is by then.
pub fn first_clash(busy: &[Busy], job: &Job, travel: &dyn Travel) -> Option<i64> {
    busy.iter().find(|b| clashes(b, job, travel)).map(|b| b.start)
}

/// The worker can neither finish `b` and travel to the job in time, nor
/// finish the job and travel to `b` in time.
pub(crate) fn clashes(b: &Busy, job: &Job, travel: &dyn Travel) -> bool {
    let job_after_b = b.end.saturating_add(travel.travel_secs(b.location, job.location)) <= job.start;
    let job_before_b = job.end.saturating_add(travel.travel_secs(job.location, b.location)) <= b.start;
    !(job_after_b || job_before_b)
}
