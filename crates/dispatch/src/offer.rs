use crate::Ranked;
use serde::{Deserialize, Serialize};

/// How the one-by-one offer round runs (A4, W3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferPolicy {
    /// How long a worker has to accept before the offer moves on.
    pub timeout_secs: i64,
    /// Offers made one by one before giving up on this round.
    pub max_offers: u32,
}

impl Default for OfferPolicy {
    fn default() -> Self {
        Self { timeout_secs: 60, max_offers: 3 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NextOffer {
    /// Offer the order to this worker; `parts` is the "why this worker" to store.
    Offer(Ranked),
    /// Nobody (else) to offer to: put the order in the admin queue.
    EscalateToAdmin,
}

/// Who to offer next: the best-ranked worker not yet offered, unless
/// max_offers offers were already made or nobody is left.
///
/// `already_offered` lists every worker offered this order so far, including
/// those who refused or timed out; none of them is ever offered again.
pub fn next_offer(ranked: &[Ranked], already_offered: &[i64], policy: &OfferPolicy) -> NextOffer {
    let made = u32::try_from(already_offered.len()).unwrap_or(u32::MAX);
    if made >= policy.max_offers {
        return NextOffer::EscalateToAdmin;
    }
    ranked
        .iter()
        .find(|r| !already_offered.contains(&r.worker_id))
        .map_or(NextOffer::EscalateToAdmin, |r| NextOffer::Offer(r.clone()))
}
