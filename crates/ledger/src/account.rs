use serde::{Deserialize, Serialize};

/// A place money can sit. Owner ids are the database ids of the order or
/// worker the account belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    /// The outside world customers pay from; goes negative as money comes in.
    Gateway,
    /// Customer payments held for one order until completion or refund.
    OrderEscrow(i64),
    /// Platform revenue: commission and cancellation fees.
    PlatformCommission,
    /// A worker's earnings they may withdraw.
    WorkerAvailable(i64),
    /// A worker's earnings set aside for a withdrawal awaiting review.
    WorkerHeld(i64),
    /// The platform expense rewards are paid from; goes negative.
    Rewards,
    /// The platform expense its offers (coupons, package prices) are paid
    /// from, so they do not come out of the worker's share; goes negative.
    Promotions,
    /// Where penalties taken from workers go.
    Penalties,
    /// Money returned to customers.
    Refunds,
    /// Money paid out to workers.
    Payouts,
}

impl Account {
    /// The stable `(kind, owner id)` pair the account is stored as; the owner
    /// id is 0 for accounts that belong to nobody in particular.
    pub fn code(&self) -> (&'static str, i64) {
        match *self {
            Account::Gateway => ("gateway", 0),
            Account::OrderEscrow(order_id) => ("order_escrow", order_id),
            Account::PlatformCommission => ("platform_commission", 0),
            Account::WorkerAvailable(worker_id) => ("worker_available", worker_id),
            Account::WorkerHeld(worker_id) => ("worker_held", worker_id),
            Account::Rewards => ("rewards", 0),
            Account::Promotions => ("promotions", 0),
            Account::Penalties => ("penalties", 0),
            Account::Refunds => ("refunds", 0),
            Account::Payouts => ("payouts", 0),
        }
    }

    /// The inverse of [`Account::code`]. An ownerless kind with a non-zero
    /// owner id is refused: such a row was not written by [`Account::code`].
    pub fn from_code(kind: &str, owner_id: i64) -> Option<Account> {
        let account = match kind {
            "order_escrow" => return Some(Account::OrderEscrow(owner_id)),
            "worker_available" => return Some(Account::WorkerAvailable(owner_id)),
            "worker_held" => return Some(Account::WorkerHeld(owner_id)),
            "gateway" => Account::Gateway,
            "platform_commission" => Account::PlatformCommission,
            "rewards" => Account::Rewards,
            "promotions" => Account::Promotions,
            "penalties" => Account::Penalties,
            "refunds" => Account::Refunds,
            "payouts" => Account::Payouts,
            _ => return None,
        };
        (owner_id == 0).then_some(account)
    }
}
