//! Nanny placement (月嫂/育儿嫂, B8). A nanny lives with a family for weeks,
//! so nobody is dispatched blind: the customer asks, staff shortlist
//! qualified nannies, the customer invites the ones they like to an
//! interview at a time they choose, each nanny accepts or declines, and after
//! meeting them the customer chooses one. The paid trial (试工, booked as an
//! order held by her) and the contract follow the choice.
//!
//! Every step is a compare-and-set from one named status to the next, so two
//! people acting on the same candidate at once get one outcome.

use serde::{Deserialize, Serialize};

/// Nannies in play at once for one request (proposed, invited or met): more
/// is a catalogue, not a shortlist.
pub const MAX_SHORTLIST: usize = 3;
/// An interview is at least this far ahead, so the nanny can answer and travel.
pub const INTERVIEW_MIN_LEAD_SECS: i64 = 2 * 3600;
/// And at most this many days ahead.
pub const INTERVIEW_MAX_DAYS_AHEAD: i64 = 14;
/// Interviews start between 09:00 and 19:00 Beijing time.
pub const INTERVIEW_FIRST_MINUTE: i64 = 9 * 60;
pub const INTERVIEW_LAST_MINUTE: i64 = 19 * 60;
/// The nanny starts (上户) within half a year of the request.
pub const START_MAX_DAYS_AHEAD: i64 = 180;
/// A placement contract runs from one day to a year.
pub const CONTRACT_MAX_DAYS: i64 = 365;
/// Its fee is at least ¥100 and at most ¥200,000: anything outside is a typo.
pub const CONTRACT_MIN_FEE_FEN: i64 = 10_000;
pub const CONTRACT_MAX_FEE_FEN: i64 = 20_000_000;
/// The contract's order holds the nanny from 09:00 Beijing on her first day
/// (上户) to 17:00 on her last.
pub const CONTRACT_FIRST_MINUTE: i64 = 9 * 60;
pub const CONTRACT_LAST_END_MINUTE: i64 = 17 * 60;
/// A trial day (试工) is arranged at least this far ahead, so the nanny can
/// plan for it, and at most as far as anything can be booked.
pub const TRIAL_MIN_LEAD_SECS: i64 = 12 * 3600;
pub const TRIAL_MAX_DAYS_AHEAD: i64 = 14;
/// It starts from 07:00 and ends by 21:00 Beijing: a day in the family's home.
pub const TRIAL_FIRST_MINUTE: i64 = 7 * 60;
pub const TRIAL_LAST_END_MINUTE: i64 = 21 * 60;
/// It lasts 2 to 12 hours.
pub const TRIAL_MIN_HOURS: i64 = 2;
pub const TRIAL_MAX_HOURS: i64 = 12;
/// Its fee is ¥50 to ¥5,000.
pub const TRIAL_MIN_FEE_FEN: i64 = 5_000;
pub const TRIAL_MAX_FEE_FEN: i64 = 500_000;
/// The categories placed this way rather than dispatched.
pub const NANNY_CATEGORIES: [&str; 2] = ["maternity_nanny", "childcare_nanny"];

const BEIJING_OFFSET_SECS: i64 = 8 * 3600;
const DAY_SECS: i64 = 86_400;

pub fn is_nanny_category(code: &str) -> bool {
    NANNY_CATEGORIES.contains(&code)
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementStatus {
    /// Waiting for staff to shortlist (待推荐).
    Requested,
    /// Nannies proposed, none invited yet (待约面试).
    Shortlisted,
    /// At least one interview asked for (面试中).
    Interviewing,
    /// The customer chose a nanny (已选定).
    Chosen,
    /// Withdrawn by the customer or closed by staff (已关闭).
    Closed,
}

impl PlacementStatus {
    pub const ALL: [PlacementStatus; 5] = [Self::Requested, Self::Shortlisted, Self::Interviewing, Self::Chosen, Self::Closed];
    pub const OPEN: [PlacementStatus; 3] = [Self::Requested, Self::Shortlisted, Self::Interviewing];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Shortlisted => "shortlisted",
            Self::Interviewing => "interviewing",
            Self::Chosen => "chosen",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Still looking: candidates may be proposed, invited and chosen.
    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// The request's status once a candidate took `step`.
    pub fn after(self, step: CandidateStep) -> PlacementStatus {
        match step {
            CandidateStep::Choose => Self::Chosen,
            CandidateStep::Invite => Self::Interviewing,
            _ => self,
        }
    }
}

/// One shortlisted nanny's standing with the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStatus {
    /// Shortlisted by staff (推荐).
    Proposed,
    /// The customer asked for an interview; the nanny has not answered (待确认面试).
    Invited,
    /// The nanny accepted the interview (面试已确认).
    Confirmed,
    /// The customer passed on her (不合适).
    Declined,
    /// She declined the interview (已婉拒).
    Refused,
    /// The customer chose her (已选定).
    Chosen,
}

impl CandidateStatus {
    pub const ALL: [CandidateStatus; 6] = [Self::Proposed, Self::Invited, Self::Confirmed, Self::Declined, Self::Refused, Self::Chosen];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Invited => "invited",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Refused => "refused",
            Self::Chosen => "chosen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Counts against [`MAX_SHORTLIST`]: nobody has said no yet.
    pub fn in_play(self) -> bool {
        matches!(self, Self::Proposed | Self::Invited | Self::Confirmed)
    }

    /// The status `step` leaves a candidate in, or `None` when the step
    /// does not apply to where she stands. An interview is asked for from a
    /// proposal or moved once confirmed; only a nanny the customer has met
    /// (confirmed interview) is chosen.
    pub fn after(self, step: CandidateStep) -> Option<CandidateStatus> {
        use CandidateStatus as S;
        use CandidateStep as A;
        match (self, step) {
            (S::Proposed | S::Confirmed, A::Invite) => Some(S::Invited),
            (S::Invited, A::Accept) => Some(S::Confirmed),
            (S::Invited, A::Refuse) => Some(S::Refused),
            (S::Proposed | S::Invited | S::Confirmed, A::Decline) => Some(S::Declined),
            (S::Confirmed, A::Choose) => Some(S::Chosen),
            _ => None,
        }
    }
}

/// What someone does to a candidate: the customer invites, declines or
/// chooses; the nanny accepts or refuses the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStep {
    Invite,
    Decline,
    Choose,
    Accept,
    Refuse,
}

impl CandidateStep {
    pub const ALL: [CandidateStep; 5] = [Self::Invite, Self::Decline, Self::Choose, Self::Accept, Self::Refuse];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invite => "invite",
            Self::Decline => "decline",
            Self::Choose => "choose",
            Self::Accept => "accept",
            Self::Refuse => "refuse",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The customer's steps; the others are the nanny's.
    pub fn by_customer(self) -> bool {
        matches!(self, Self::Invite | Self::Decline | Self::Choose)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlacementError {
    #[error("interview less than the minimum lead ahead")]
    InterviewTooSoon,
    #[error("interview too many days ahead")]
    InterviewTooFar,
    #[error("interview outside 09:00–19:00 Beijing")]
    InterviewOutsideHours,
    #[error("start day is not after today")]
    StartDayPast,
    #[error("start day too far ahead")]
    StartDayTooFar,
    #[error("shortlist already full")]
    ShortlistFull,
    #[error("contract days out of range")]
    ContractDays,
    #[error("contract fee out of range")]
    ContractFee,
    #[error("trial less than the minimum lead ahead")]
    TrialTooSoon,
    #[error("trial too many days ahead")]
    TrialTooFar,
    #[error("trial outside 07:00–21:00 Beijing")]
    TrialOutsideHours,
    #[error("trial hours out of range")]
    TrialHours,
    #[error("trial fee out of range")]
    TrialFee,
}

/// The terms staff put to the family and the chosen nanny (签约): when she
/// starts, for how many days, for what fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractTerms {
    /// Beijing day number.
    pub start_day: i64,
    pub days: i64,
    pub fee_fen: i64,
}

impl ContractTerms {
    /// Checks terms against `now`: the start as [`start_day`] does, 1 to
    /// [`CONTRACT_MAX_DAYS`] days, a fee within the sane range.
    pub fn parse(start: i64, days: i64, fee_fen: i64, now: i64) -> Result<ContractTerms, PlacementError> {
        let start_day = start_day(start, now)?;
        if !(1..=CONTRACT_MAX_DAYS).contains(&days) {
            return Err(PlacementError::ContractDays);
        }
        if !(CONTRACT_MIN_FEE_FEN..=CONTRACT_MAX_FEE_FEN).contains(&fee_fen) {
            return Err(PlacementError::ContractFee);
        }
        Ok(ContractTerms { start_day, days, fee_fen })
    }
}

/// When the contract's order starts and ends (Unix seconds): every day of a
/// contract of `days` days from Beijing day `start_day`, so the nanny is
/// nobody else's for all of it, and a stay in service through it is no overrun.
pub fn contract_span(start_day: i64, days: i64) -> (i64, i64) {
    let midnight = |day: i64| day * DAY_SECS - BEIJING_OFFSET_SECS;
    (midnight(start_day) + CONTRACT_FIRST_MINUTE * 60, midnight(start_day + days.max(1) - 1) + CONTRACT_LAST_END_MINUTE * 60)
}

/// A contract is paid out to its nanny month by month (月结): every
/// `INSTALLMENT_DAYS` days of it earn their part of the fee while she is
/// still there, so a long contract does not leave her unpaid until its end.
/// The last part is settled with the order's completion.
pub const INSTALLMENT_DAYS: i64 = 26;

/// One month's pay-out of a contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installment {
    /// 1 for the first 26 days, 2 for the next 26, …
    pub number: i64,
    /// The start of the first day after its days (Unix seconds): 09:00 Beijing.
    pub due_at: i64,
    /// The part of the fee its days earned, in fen.
    pub amount_fen: i64,
}

/// How many times a contract of `days` days pays its nanny: once per 26
/// days begun, the last with its completion.
pub fn contract_payouts(days: i64) -> i64 {
    (days.max(1) + INSTALLMENT_DAYS - 1) / INSTALLMENT_DAYS
}

/// The monthly pay-outs of a contract's order from `starts_at` to `ends_at`
/// (its [`contract_span`]) that was paid `total_fen`: one after every 26
/// days with at least one more day of the contract after them. Each pays
/// what the days so far earned (the fee pro rata, rounded down) less what
/// the ones before paid, so together they never exceed the days served.
/// None for a contract of 26 days or fewer: its completion pays it all.
pub fn contract_installments(starts_at: i64, ends_at: i64, total_fen: i64) -> Vec<Installment> {
    let days = contract_days(starts_at, ends_at);
    let earned = |through_day: i64| earned_through(total_fen, days, through_day);
    (1..contract_payouts(days))
        .map(|number| {
            let through_day = number * INSTALLMENT_DAYS;
            Installment {
                number,
                due_at: starts_at + through_day * DAY_SECS,
                amount_fen: earned(through_day) - earned(through_day - INSTALLMENT_DAYS),
            }
        })
        .collect()
}

/// The Beijing days an order from `starts_at` to `ends_at` runs on.
fn contract_days(starts_at: i64, ends_at: i64) -> i64 {
    (beijing_day(ends_at) - beijing_day(starts_at) + 1).max(1)
}

/// What the first `through_day` days of a `days`-day contract paid
/// `total_fen` earned: the fee pro rata, rounded down.
fn earned_through(total_fen: i64, days: i64, through_day: i64) -> i64 {
    let earned = i128::from(total_fen) * i128::from(through_day.clamp(0, days)) / i128::from(days);
    i64::try_from(earned).expect("a part of the fee fits where the fee does")
}

/// What a contract ended early owes its nanny: the days of it begun by then
/// and the part of the fee they earned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaysServed {
    pub days: i64,
    pub earned_fen: i64,
}

/// The days a contract's order from `starts_at` to `ends_at` (its
/// [`contract_span`]) paid `total_fen` had begun by `now` (each begins at
/// its start's time of day, when she starts work), and what they earned,
/// pro rata as its months are paid ([`contract_installments`]): a contract
/// staff end early pays her these, less what its months paid already.
/// None for an order within one day, which is served whole or not at all.
pub fn days_served(starts_at: i64, ends_at: i64, total_fen: i64, now: i64) -> Option<DaysServed> {
    let days = contract_days(starts_at, ends_at);
    if days == 1 {
        return None;
    }
    let begun = if now < starts_at { 0 } else { ((now - starts_at) / DAY_SECS + 1).min(days) };
    Some(DaysServed { days: begun, earned_fen: earned_through(total_fen, days, begun) })
}

/// Whether the nanny may mark a placement's order (a trial or a contract)
/// from `starts_at` to `ends_at` (Unix seconds) served at `now`: one running
/// into later days (a contract) only on its last Beijing day, since
/// completing it pays her all that is left.
/// Ending a contract sooner is staff's decision (a cancellation pays her
/// the days she served and refunds the family the rest, [`days_served`]).
pub fn may_complete(starts_at: i64, ends_at: i64, now: i64) -> bool {
    let last_day = beijing_day(ends_at);
    last_day == beijing_day(starts_at) || beijing_day(now) >= last_day
}

/// Minutes of work an order from `starts_at` to `ends_at` (Unix seconds)
/// stands for, as workload and utilisation count them: its span; for one
/// running into later days (a contract, see [`contract_span`]), every day
/// of it from its start's time of day to its end's, nights not counted.
pub fn working_minutes(starts_at: i64, ends_at: i64) -> i64 {
    let span = (ends_at - starts_at).max(0);
    let (later_days, daily) = (span / DAY_SECS, span % DAY_SECS);
    if later_days == 0 || daily == 0 {
        span / 60
    } else {
        (later_days + 1) * daily / 60
    }
}

/// The paid trial day (试工) staff arrange with the family and the chosen
/// nanny: when it starts (Unix seconds), how long, for what fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrialTerms {
    pub starts_at: i64,
    pub hours: i64,
    pub fee_fen: i64,
}

impl TrialTerms {
    /// Checks terms against `now`: [`TRIAL_MIN_LEAD_SECS`] to
    /// [`TRIAL_MAX_DAYS_AHEAD`] days ahead, within one Beijing day's
    /// 07:00–21:00, 2 to 12 hours, a fee within the sane range.
    pub fn parse(starts_at: i64, hours: i64, fee_fen: i64, now: i64) -> Result<TrialTerms, PlacementError> {
        if starts_at < now + TRIAL_MIN_LEAD_SECS {
            return Err(PlacementError::TrialTooSoon);
        }
        if beijing_day(starts_at) > beijing_day(now) + TRIAL_MAX_DAYS_AHEAD {
            return Err(PlacementError::TrialTooFar);
        }
        if !(TRIAL_MIN_HOURS..=TRIAL_MAX_HOURS).contains(&hours) {
            return Err(PlacementError::TrialHours);
        }
        let first_minute = (starts_at + BEIJING_OFFSET_SECS).rem_euclid(DAY_SECS) / 60;
        if first_minute < TRIAL_FIRST_MINUTE || first_minute + hours * 60 > TRIAL_LAST_END_MINUTE {
            return Err(PlacementError::TrialOutsideHours);
        }
        if !(TRIAL_MIN_FEE_FEN..=TRIAL_MAX_FEE_FEN).contains(&fee_fen) {
            return Err(PlacementError::TrialFee);
        }
        Ok(TrialTerms { starts_at, hours, fee_fen })
    }

    pub fn ends_at(&self) -> i64 {
        self.starts_at + self.hours * 3600
    }
}

/// The Beijing calendar day number (days since 1970-01-01) of `at`.
pub fn beijing_day(at: i64) -> i64 {
    (at + BEIJING_OFFSET_SECS).div_euclid(DAY_SECS)
}

/// An interview time the customer picked (Unix seconds), checked against `now`.
pub fn interview_time(at: i64, now: i64) -> Result<i64, PlacementError> {
    if at < now + INTERVIEW_MIN_LEAD_SECS {
        return Err(PlacementError::InterviewTooSoon);
    }
    if beijing_day(at) > beijing_day(now) + INTERVIEW_MAX_DAYS_AHEAD {
        return Err(PlacementError::InterviewTooFar);
    }
    let minute = (at + BEIJING_OFFSET_SECS).rem_euclid(DAY_SECS) / 60;
    if !(INTERVIEW_FIRST_MINUTE..=INTERVIEW_LAST_MINUTE).contains(&minute) {
        return Err(PlacementError::InterviewOutsideHours);
    }
    Ok(at)
}

/// The day the nanny should start (a Beijing day number): from tomorrow,
/// within [`START_MAX_DAYS_AHEAD`].
pub fn start_day(day: i64, now: i64) -> Result<i64, PlacementError> {
    let today = beijing_day(now);
    if day <= today {
        Err(PlacementError::StartDayPast)
    } else if day > today + START_MAX_DAYS_AHEAD {
        Err(PlacementError::StartDayTooFar)
    } else {
        Ok(day)
    }
}

/// Whether one more nanny may be proposed when `in_play` already are.
pub fn may_shortlist(in_play: usize) -> Result<(), PlacementError> {
    if in_play >= MAX_SHORTLIST {
        Err(PlacementError::ShortlistFull)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2027-03-01 00:00 Beijing.
    const MARCH_1: i64 = 1_803_859_200 - BEIJING_OFFSET_SECS;

    fn beijing(day_offset: i64, hour: i64, minute: i64) -> i64 {
        MARCH_1 + day_offset * DAY_SECS + hour * 3600 + minute * 60
    }

    #[test]
    fn names_round_trip_through_storage() {
        for s in PlacementStatus::ALL {
            assert_eq!(PlacementStatus::parse(s.as_str()), Some(s));
        }
        for s in CandidateStatus::ALL {
            assert_eq!(CandidateStatus::parse(s.as_str()), Some(s));
        }
        for s in CandidateStep::ALL {
            assert_eq!(CandidateStep::parse(s.as_str()), Some(s));
        }
        assert_eq!(CandidateStep::parse("hire"), None);
    }

    #[test]
    fn a_nanny_is_chosen_only_after_the_interview_she_accepted() {
        use CandidateStatus as S;
        use CandidateStep as A;
        let met = S::Proposed.after(A::Invite).and_then(|s| s.after(A::Accept));
        assert_eq!(met, Some(S::Confirmed));
        assert_eq!(met.and_then(|s| s.after(A::Choose)), Some(S::Chosen));
        assert_eq!(S::Proposed.after(A::Choose), None, "nobody is chosen unseen");
        assert_eq!(S::Invited.after(A::Choose), None, "nor before she agreed to meet");
    }

    #[test]
    fn only_an_invited_nanny_answers_and_only_once() {
        use CandidateStatus as S;
        use CandidateStep as A;
        assert_eq!(S::Invited.after(A::Refuse), Some(S::Refused));
        for answered in [S::Confirmed, S::Refused, S::Declined, S::Chosen, S::Proposed] {
            assert_eq!(answered.after(A::Accept), None, "{answered:?}");
            assert_eq!(answered.after(A::Refuse), None, "{answered:?}");
        }
    }

    #[test]
    fn a_confirmed_interview_may_be_moved_but_a_refusal_or_decline_is_final() {
        use CandidateStatus as S;
        use CandidateStep as A;
        assert_eq!(S::Confirmed.after(A::Invite), Some(S::Invited));
        for settled in [S::Refused, S::Declined, S::Chosen] {
            for step in CandidateStep::ALL {
                assert_eq!(settled.after(step), None, "{settled:?} {step:?}");
            }
        }
    }

    #[test]
    fn the_request_is_interviewing_once_someone_is_invited_and_chosen_once_someone_is() {
        assert_eq!(PlacementStatus::Shortlisted.after(CandidateStep::Invite), PlacementStatus::Interviewing);
        assert_eq!(PlacementStatus::Interviewing.after(CandidateStep::Choose), PlacementStatus::Chosen);
        assert_eq!(PlacementStatus::Interviewing.after(CandidateStep::Decline), PlacementStatus::Interviewing);
        assert!(!PlacementStatus::Chosen.is_open() && !PlacementStatus::Closed.is_open());
    }

    #[test]
    fn an_interview_is_two_hours_to_fourteen_days_ahead_between_nine_and_seven() {
        let now = beijing(0, 10, 0);
        assert_eq!(interview_time(beijing(0, 12, 0), now), Ok(beijing(0, 12, 0)));
        assert_eq!(interview_time(beijing(0, 11, 59), now), Err(PlacementError::InterviewTooSoon));
        assert_eq!(interview_time(beijing(14, 9, 0), now), Ok(beijing(14, 9, 0)));
        assert_eq!(interview_time(beijing(15, 9, 0), now), Err(PlacementError::InterviewTooFar));
        assert_eq!(interview_time(beijing(1, 8, 59), now), Err(PlacementError::InterviewOutsideHours));
        assert_eq!(interview_time(beijing(1, 19, 0), now), Ok(beijing(1, 19, 0)));
        assert_eq!(interview_time(beijing(1, 19, 1), now), Err(PlacementError::InterviewOutsideHours));
    }

    #[test]
    fn a_nanny_starts_from_tomorrow_within_half_a_year() {
        let now = beijing(0, 23, 30);
        let today = beijing_day(now);
        assert_eq!(beijing_day(beijing(0, 0, 0)), today, "the Beijing day, not the UTC one");
        assert_eq!(start_day(today, now), Err(PlacementError::StartDayPast));
        assert_eq!(start_day(today + 1, now), Ok(today + 1));
        assert_eq!(start_day(today + START_MAX_DAYS_AHEAD, now), Ok(today + START_MAX_DAYS_AHEAD));
        assert_eq!(start_day(today + START_MAX_DAYS_AHEAD + 1, now), Err(PlacementError::StartDayTooFar));
    }

    #[test]
    fn at_most_three_nannies_are_in_play_at_once() {
        assert!((0..MAX_SHORTLIST).all(|n| may_shortlist(n).is_ok()));
        assert_eq!(may_shortlist(MAX_SHORTLIST), Err(PlacementError::ShortlistFull));
        assert!(CandidateStatus::Confirmed.in_play() && !CandidateStatus::Declined.in_play() && !CandidateStatus::Refused.in_play());
    }

    #[test]
    fn a_contracts_order_holds_the_nanny_from_nine_on_her_first_day_to_five_on_her_last_beijing() {
        let day = beijing_day(beijing(3, 10, 0));
        assert_eq!(contract_span(day, 1), (beijing(3, 9, 0), beijing(3, 17, 0)));
        assert_eq!(contract_span(day, 26), (beijing(3, 9, 0), beijing(28, 17, 0)));
        assert_eq!(beijing_day(contract_span(day, 26).0), day);
        assert_eq!(beijing_day(contract_span(day, 26).1), day + 25);
    }

    #[test]
    fn a_contract_of_26_days_or_fewer_is_paid_out_only_at_its_completion() {
        let day = beijing_day(beijing(3, 10, 0));
        for days in [1, 25, INSTALLMENT_DAYS] {
            let (starts_at, ends_at) = contract_span(day, days);
            assert_eq!(contract_installments(starts_at, ends_at, 1_280_000), [], "{days} days");
        }
    }

    #[test]
    fn a_longer_contract_pays_each_26_days_their_part_of_the_fee_the_morning_after_them() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, 60);
        let paid = contract_installments(starts_at, ends_at, 2_560_000);
        assert_eq!(
            paid,
            [
                Installment { number: 1, due_at: beijing(29, 9, 0), amount_fen: 1_109_333 },
                Installment { number: 2, due_at: beijing(55, 9, 0), amount_fen: 1_109_333 },
            ],
            "26/60 of ¥25600, rounded down, on the 27th and the 53rd morning"
        );
        let (starts_at, ends_at) = contract_span(day, 27);
        assert_eq!(contract_installments(starts_at, ends_at, 2_700_000), [Installment { number: 1, due_at: beijing(29, 9, 0), amount_fen: 2_600_000 }]);
    }

    #[test]
    fn a_years_contract_pays_fourteen_months_never_more_than_the_days_served_earned() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, CONTRACT_MAX_DAYS);
        let total = 9_999_999;
        let paid = contract_installments(starts_at, ends_at, total);
        assert_eq!(paid.len(), 14);
        let mut so_far = 0;
        for (i, installment) in paid.iter().enumerate() {
            let through_day = INSTALLMENT_DAYS * (i as i64 + 1);
            so_far += installment.amount_fen;
            assert_eq!(installment.number, i as i64 + 1);
            assert_eq!(so_far, total * through_day / CONTRACT_MAX_DAYS, "what {through_day} days earned, rounded down");
            assert_eq!(installment.due_at, contract_span(day + through_day, 1).0, "09:00 the day after");
        }
        assert!(total - so_far >= total / CONTRACT_MAX_DAYS, "the last day is left for the completion");
    }

    #[test]
    fn a_contract_ended_early_owes_the_days_begun_by_then_pro_rata() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, 60);
        let served = |now: i64| days_served(starts_at, ends_at, 1_280_000, now).expect("a contract of many days");
        assert_eq!(served(beijing(2, 20, 0)), DaysServed { days: 0, earned_fen: 0 }, "before its first day");
        assert_eq!(served(beijing(3, 8, 59)), DaysServed { days: 0, earned_fen: 0 }, "before she starts work");
        assert_eq!(served(beijing(3, 9, 0)), DaysServed { days: 1, earned_fen: 21_333 }, "a day begun counts");
        assert_eq!(served(beijing(32, 8, 59)), DaysServed { days: 29, earned_fen: 618_666 });
        assert_eq!(served(beijing(32, 10, 0)), DaysServed { days: 30, earned_fen: 640_000 });
        assert_eq!(served(beijing(90, 10, 0)), DaysServed { days: 60, earned_fen: 1_280_000 }, "never more than its days");
    }

    #[test]
    fn a_contract_ended_early_owes_what_its_months_paid_for_the_same_days() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, CONTRACT_MAX_DAYS);
        let mut paid = 0;
        for month in contract_installments(starts_at, ends_at, 9_999_999) {
            paid += month.amount_fen;
            let served = days_served(starts_at, ends_at, 9_999_999, month.due_at - 1).unwrap();
            assert_eq!((served.days, served.earned_fen), (month.number * INSTALLMENT_DAYS, paid), "month {}", month.number);
        }
    }

    #[test]
    fn an_order_within_one_day_has_no_days_served_to_pay() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, 1);
        assert_eq!(days_served(starts_at, ends_at, 50_000, beijing(3, 12, 0)), None);
        assert_eq!(days_served(beijing(3, 9, 0), beijing(3, 17, 0), 30_000, beijing(3, 12, 0)), None, "a trial day");
    }

    #[test]
    fn a_contract_is_completed_on_its_last_day_and_an_order_within_a_day_whenever() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, 26);
        assert!(!may_complete(starts_at, ends_at, beijing(3, 12, 0)), "its first day");
        assert!(!may_complete(starts_at, ends_at, beijing(27, 23, 59)), "the day before its last");
        assert!(may_complete(starts_at, ends_at, beijing(28, 0, 0)), "from the start of its last day");
        assert!(may_complete(starts_at, ends_at, beijing(30, 9, 0)), "late, but served");
        let (starts_at, ends_at) = contract_span(day, 1);
        assert!(may_complete(starts_at, ends_at, beijing(3, 10, 0)), "a one-day contract");
        assert!(may_complete(beijing(3, 9, 0), beijing(3, 11, 0), beijing(3, 8, 0)), "an order within a day, as before");
    }

    #[test]
    fn a_contract_counts_its_working_hours_of_every_day_and_an_order_within_a_day_its_span() {
        let day = beijing_day(beijing(3, 10, 0));
        let (starts_at, ends_at) = contract_span(day, 26);
        assert_eq!(working_minutes(starts_at, ends_at), 26 * 480);
        assert_eq!(working_minutes(beijing(3, 9, 0), beijing(3, 11, 0)), 120);
        assert_eq!(working_minutes(beijing(3, 20, 0), beijing(4, 4, 0)), 480, "overnight, within a day of its start");
        assert_eq!(working_minutes(beijing(3, 9, 0), beijing(3, 8, 0)), 0);
    }

    #[test]
    fn contract_terms_start_from_tomorrow_run_a_day_to_a_year_and_cost_a_sane_fee() {
        let now = beijing(0, 10, 0);
        let tomorrow = beijing_day(now) + 1;
        assert_eq!(ContractTerms::parse(tomorrow, 26, 1_280_000, now), Ok(ContractTerms { start_day: tomorrow, days: 26, fee_fen: 1_280_000 }));
        assert_eq!(ContractTerms::parse(tomorrow - 1, 26, 1_280_000, now), Err(PlacementError::StartDayPast));
        assert_eq!(ContractTerms::parse(tomorrow, 0, 1_280_000, now), Err(PlacementError::ContractDays));
        assert_eq!(ContractTerms::parse(tomorrow, CONTRACT_MAX_DAYS + 1, 1_280_000, now), Err(PlacementError::ContractDays));
        assert_eq!(ContractTerms::parse(tomorrow, 26, CONTRACT_MIN_FEE_FEN - 1, now), Err(PlacementError::ContractFee));
        assert_eq!(ContractTerms::parse(tomorrow, 26, CONTRACT_MAX_FEE_FEN + 1, now), Err(PlacementError::ContractFee));
    }

    #[test]
    fn a_trial_is_half_a_day_to_two_weeks_ahead_within_seven_to_nine_for_two_to_twelve_hours() {
        let now = beijing(0, 10, 0);
        let terms = TrialTerms::parse(beijing(1, 9, 0), 8, 30_000, now);
        assert_eq!(terms, Ok(TrialTerms { starts_at: beijing(1, 9, 0), hours: 8, fee_fen: 30_000 }));
        assert_eq!(terms.map(|t| t.ends_at()), Ok(beijing(1, 17, 0)));
        assert_eq!(TrialTerms::parse(beijing(0, 21, 59), 2, 30_000, now), Err(PlacementError::TrialTooSoon));
        assert_eq!(TrialTerms::parse(beijing(14, 9, 0), 8, 30_000, now).map(|t| t.hours), Ok(8));
        assert_eq!(TrialTerms::parse(beijing(15, 9, 0), 8, 30_000, now), Err(PlacementError::TrialTooFar));
        assert_eq!(TrialTerms::parse(beijing(1, 6, 59), 2, 30_000, now), Err(PlacementError::TrialOutsideHours));
        assert_eq!(TrialTerms::parse(beijing(1, 9, 0), 12, 30_000, now), Ok(TrialTerms { starts_at: beijing(1, 9, 0), hours: 12, fee_fen: 30_000 }));
        assert_eq!(TrialTerms::parse(beijing(1, 9, 1), 12, 30_000, now), Err(PlacementError::TrialOutsideHours), "ends after 21:00");
        assert_eq!(TrialTerms::parse(beijing(1, 9, 0), 1, 30_000, now), Err(PlacementError::TrialHours));
        assert_eq!(TrialTerms::parse(beijing(1, 7, 0), 13, 30_000, now), Err(PlacementError::TrialHours));
        assert_eq!(TrialTerms::parse(beijing(1, 9, 0), 8, TRIAL_MIN_FEE_FEN - 1, now), Err(PlacementError::TrialFee));
        assert_eq!(TrialTerms::parse(beijing(1, 9, 0), 8, TRIAL_MAX_FEE_FEN + 1, now), Err(PlacementError::TrialFee));
    }

    #[test]
    fn only_nanny_categories_are_placed() {
        assert!(is_nanny_category("maternity_nanny") && is_nanny_category("childcare_nanny"));
        assert!(!is_nanny_category("daily_cleaning"));
    }
}
