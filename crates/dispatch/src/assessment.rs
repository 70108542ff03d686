//! Worker assessment (A5): the figures each worker is judged by, the tier
//! they earn and what needs the admin's attention. Workers see the same
//! rules on their own page (B7), so every threshold is a named constant.

use crate::score::{Tier, GOLD_MIN_ORDERS, GOLD_MIN_RATING, SKILLED_MIN_ORDERS};
use serde::{Deserialize, Serialize};

/// Days of recent work that on-time arrivals, offers and complaints count.
pub const ASSESSMENT_DAYS: i64 = 30;
/// Arrivals or answered offers needed before a rate is judged: two late
/// arrivals out of three say little about a worker.
pub const MIN_CASES: u32 = 5;
/// Reviews needed before a low rating is flagged.
pub const MIN_REVIEWS: u32 = 3;
/// Arriving by the booked start at least this often is expected.
pub const ON_TIME_FLOOR: f64 = 0.9;
/// Accepting at least this share of offers is expected.
pub const ACCEPTANCE_FLOOR: f64 = 0.6;
/// An average rating below this is flagged.
pub const RATING_FLOOR: f64 = 4.0;
/// This many complaints about a worker's orders in the window are flagged.
pub const COMPLAINTS_FLAGGED: u32 = 2;

/// What the records say about one worker.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AssessmentCounts {
    /// Completed orders, ever.
    pub completed_orders: u32,
    pub reviews: u32,
    /// Average of the reviews' scores, 1–5; `None` before the first.
    pub rating: Option<f64>,
    /// Orders booked to start in the window that the worker arrived at…
    pub arrivals: u32,
    /// …and of those, the ones they reached by the booked start.
    pub on_time_arrivals: u32,
    /// Offers made to them alone (not 抢单) in the window and answered
    /// (accepted, refused or let lapse), and those accepted.
    pub offers_answered: u32,
    pub offers_accepted: u32,
    /// Complaints and feedback about their orders filed in the window.
    pub complaints: u32,
}

/// Why a worker needs the admin's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concern {
    /// Reached fewer than [`ON_TIME_FLOOR`] of their orders by the start.
    OftenLate,
    /// Accepted fewer than [`ACCEPTANCE_FLOOR`] of their offers.
    RefusesOffers,
    /// Rated below [`RATING_FLOOR`] on average.
    LowRating,
    /// [`COMPLAINTS_FLAGGED`] or more complaints in the window.
    Complaints,
}

/// The next tier and what it still takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NextTier {
    pub tier: Tier,
    /// Completed orders still to go.
    pub orders_needed: u32,
    /// The average rating the tier asks for, when the worker's is below it.
    pub rating_needed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub tier: Tier,
    /// Share of arrivals by the booked start; `None` below [`MIN_CASES`].
    pub on_time_rate: Option<f64>,
    /// Share of answered offers accepted; `None` below [`MIN_CASES`].
    pub acceptance_rate: Option<f64>,
    pub concerns: Vec<Concern>,
    /// `None` for a 金牌 worker.
    pub next_tier: Option<NextTier>,
}

fn rate(hits: u32, cases: u32) -> Option<f64> {
    (cases >= MIN_CASES).then(|| f64::from(hits.min(cases)) / f64::from(cases))
}

/// Judges `c` by the published rules.
pub fn assess(c: &AssessmentCounts) -> Assessment {
    let rating = c.rating.unwrap_or(0.0);
    let tier = Tier::of(c.completed_orders, rating);
    let on_time_rate = rate(c.on_time_arrivals, c.arrivals);
    let acceptance_rate = rate(c.offers_accepted, c.offers_answered);
    let mut concerns = Vec::new();
    if on_time_rate.is_some_and(|r| r < ON_TIME_FLOOR) {
        concerns.push(Concern::OftenLate);
    }
    if acceptance_rate.is_some_and(|r| r < ACCEPTANCE_FLOOR) {
        concerns.push(Concern::RefusesOffers);
    }
    if c.reviews >= MIN_REVIEWS && rating < RATING_FLOOR {
        concerns.push(Concern::LowRating);
    }
    if c.complaints >= COMPLAINTS_FLAGGED {
        concerns.push(Concern::Complaints);
    }
    let next_tier = match tier {
        Tier::Newcomer => Some(NextTier { tier: Tier::Skilled, orders_needed: SKILLED_MIN_ORDERS - c.completed_orders, rating_needed: None }),
        Tier::Skilled => Some(NextTier {
            tier: Tier::Gold,
            orders_needed: GOLD_MIN_ORDERS.saturating_sub(c.completed_orders),
            rating_needed: (rating < GOLD_MIN_RATING).then_some(GOLD_MIN_RATING),
        }),
        Tier::Gold => None,
    };
    Assessment { tier, on_time_rate, acceptance_rate, concerns, next_tier }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> AssessmentCounts {
        AssessmentCounts {
            completed_orders: 20,
            reviews: 10,
            rating: Some(4.6),
            arrivals: 10,
            on_time_arrivals: 10,
            offers_answered: 10,
            offers_accepted: 9,
            complaints: 0,
        }
    }

    #[test]
    fn a_steady_worker_raises_no_concern() {
        let a = assess(&counts());
        assert_eq!(a.tier, Tier::Skilled);
        assert_eq!(a.on_time_rate, Some(1.0));
        assert_eq!(a.acceptance_rate, Some(0.9));
        assert!(a.concerns.is_empty());
    }

    #[test]
    fn rates_are_not_judged_on_fewer_than_five_cases() {
        let a = assess(&AssessmentCounts { arrivals: 4, on_time_arrivals: 0, offers_answered: 4, offers_accepted: 0, ..counts() });
        assert_eq!((a.on_time_rate, a.acceptance_rate), (None, None));
        assert!(a.concerns.is_empty());
    }

    #[test]
    fn arriving_late_to_more_than_one_order_in_ten_is_flagged() {
        assert!(!assess(&AssessmentCounts { on_time_arrivals: 9, ..counts() }).concerns.contains(&Concern::OftenLate));
        assert_eq!(assess(&AssessmentCounts { on_time_arrivals: 8, ..counts() }).concerns, vec![Concern::OftenLate]);
    }

    #[test]
    fn accepting_fewer_than_six_offers_in_ten_is_flagged() {
        assert!(assess(&AssessmentCounts { offers_accepted: 6, ..counts() }).concerns.is_empty());
        assert_eq!(assess(&AssessmentCounts { offers_accepted: 5, ..counts() }).concerns, vec![Concern::RefusesOffers]);
    }

    #[test]
    fn a_low_rating_is_flagged_only_after_three_reviews() {
        assert!(assess(&AssessmentCounts { reviews: 2, rating: Some(2.0), ..counts() }).concerns.is_empty());
        assert_eq!(assess(&AssessmentCounts { reviews: 3, rating: Some(3.9), ..counts() }).concerns, vec![Concern::LowRating]);
        assert!(assess(&AssessmentCounts { reviews: 0, rating: None, ..counts() }).concerns.is_empty());
    }

    #[test]
    fn two_complaints_in_the_window_are_flagged() {
        assert!(assess(&AssessmentCounts { complaints: 1, ..counts() }).concerns.is_empty());
        assert_eq!(assess(&AssessmentCounts { complaints: 2, ..counts() }).concerns, vec![Concern::Complaints]);
    }

    #[test]
    fn the_next_tier_says_what_it_still_takes() {
        let newcomer = assess(&AssessmentCounts { completed_orders: 3, ..counts() });
        assert_eq!(newcomer.tier, Tier::Newcomer);
        assert_eq!(newcomer.next_tier, Some(NextTier { tier: Tier::Skilled, orders_needed: 7, rating_needed: None }));
        let skilled = assess(&AssessmentCounts { completed_orders: 60, rating: Some(4.7), ..counts() });
        assert_eq!(skilled.next_tier, Some(NextTier { tier: Tier::Gold, orders_needed: 0, rating_needed: Some(4.8) }));
        let gold = assess(&AssessmentCounts { completed_orders: 50, rating: Some(4.8), ..counts() });
        assert_eq!((gold.tier, gold.next_tier), (Tier::Gold, None));
    }
}
