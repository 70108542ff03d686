use crate::{Ranked, Weights, WeightsError};
use serde::{Deserialize, Serialize};

/// How an order's offer chain runs (A4, W3): offers one by one, then a
/// broadcast (抢单) to everyone still qualified, then the admin queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferPolicy {
    /// How long a worker has to accept before the offer moves on.
    pub timeout_secs: i64,
    /// Offers made one by one before broadcasting.
    pub max_offers: u32,
    /// How long a broadcast stays open; 0 skips the broadcast.
    #[serde(default)]
    pub broadcast_secs: i64,
    /// How many hours before its start a paid order is first offered; 0
    /// offers at once. Until then the order only holds a worker's time, and
    /// the day planner may move that hold to whoever fits the day best
    /// (B1 batch re-planning), since no worker has been asked yet.
    #[serde(default)]
    pub lead_hours: u32,
}

impl Default for OfferPolicy {
    fn default() -> Self {
        Self { timeout_secs: 60, max_offers: 3, broadcast_secs: 300, lead_hours: 0 }
    }
}

/// Why an offer policy cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    /// Outside [`OfferPolicy::TIMEOUT_SECS`].
    Timeout,
    /// Above [`OfferPolicy::MAX_OFFERS`].
    MaxOffers,
    /// Outside [`OfferPolicy::BROADCAST_SECS`].
    Broadcast,
    /// Above [`OfferPolicy::MAX_LEAD_HOURS`].
    Lead,
}

impl OfferPolicy {
    pub const TIMEOUT_SECS: std::ops::RangeInclusive<i64> = 10..=3_600;
    pub const MAX_OFFERS: u32 = 20;
    pub const BROADCAST_SECS: std::ops::RangeInclusive<i64> = 0..=7_200;
    /// Three days: bookings open 14 days ahead, and a worker should hear of
    /// an order well before the day.
    pub const MAX_LEAD_HOURS: u32 = 72;

    pub fn validate(&self) -> Result<(), PolicyError> {
        if !Self::TIMEOUT_SECS.contains(&self.timeout_secs) {
            return Err(PolicyError::Timeout);
        }
        if self.max_offers > Self::MAX_OFFERS {
            return Err(PolicyError::MaxOffers);
        }
        if !Self::BROADCAST_SECS.contains(&self.broadcast_secs) {
            return Err(PolicyError::Broadcast);
        }
        if self.lead_hours > Self::MAX_LEAD_HOURS {
            return Err(PolicyError::Lead);
        }
        if self.max_offers == 0 && self.broadcast_secs == 0 {
            // Neither offers nor a broadcast: every order would go straight to the admin.
            return Err(PolicyError::MaxOffers);
        }
        Ok(())
    }
}

/// Everything the admin sets about dispatch, stored as one versioned JSON.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DispatchSettings {
    pub weights: Weights,
    pub policy: OfferPolicy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsError {
    Weights(WeightsError),
    Policy(PolicyError),
}

impl OfferPolicy {
    /// When an order starting at `start` is first offered, if that is after
    /// `now` (Unix seconds); `None`: offer it now.
    pub fn deferred_until(&self, start: i64, now: i64) -> Option<i64> {
        let at = start.saturating_sub(i64::from(self.lead_hours) * 3600);
        (self.lead_hours > 0 && at > now).then_some(at)
    }
}

impl DispatchSettings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.weights.validate().map_err(SettingsError::Weights)?;
        self.policy.validate().map_err(SettingsError::Policy)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NextOffer {
    /// Offer the order to this worker; `parts` is the "why this worker" to store.
    Offer(Ranked),
    /// Open the order to all of these at once (抢单): the first to grab it wins.
    Broadcast(Vec<Ranked>),
    /// Nobody (else) to offer to: put the order in the admin queue.
    EscalateToAdmin,
}

/// What the offer chain does next for an order with no open offer.
///
/// `already_offered` lists every worker offered this order so far, including
/// those who refused or let it lapse; none of them is ever offered again.
/// After `max_offers` one-by-one offers (or when `broadcast_done`), the rest
/// of the ranked list gets one broadcast; after that, the admin.
pub fn next_offer(ranked: &[Ranked], already_offered: &[i64], broadcast_done: bool, policy: &OfferPolicy) -> NextOffer {
    if broadcast_done {
        return NextOffer::EscalateToAdmin;
    }
    let mut remaining = ranked.iter().filter(|r| !already_offered.contains(&r.worker_id)).peekable();
    if remaining.peek().is_none() {
        return NextOffer::EscalateToAdmin;
    }
    let made = u32::try_from(already_offered.len()).unwrap_or(u32::MAX);
    if made < policy.max_offers {
        return remaining.next().map_or(NextOffer::EscalateToAdmin, |r| NextOffer::Offer(r.clone()));
    }
    if policy.broadcast_secs > 0 {
        return NextOffer::Broadcast(remaining.cloned().collect());
    }
    NextOffer::EscalateToAdmin
}
