use crate::Account;
use domain::Fen;

/// The platform's books at a glance (资金总览): every account's balance
/// summed by what it is, each figure positive when money moved the way its
/// name says. What came in (from customers, and what the platform paid for
/// its offers and rewards) equals where it is now, as every transaction balances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Overview {
    /// Paid in by customers through the gateways.
    pub customers_paid: Fen,
    /// Held for orders not yet settled.
    pub in_escrow: Fen,
    /// Given back to customers.
    pub refunded: Fen,
    /// Commission and kept cancellation fees.
    pub platform_income: Fen,
    /// What the platform paid for its offers (coupons, package prices).
    pub discounts_paid: Fen,
    pub rewards_paid: Fen,
    pub penalties_taken: Fen,
    /// Workers' earnings not yet paid out, available or held for a withdrawal.
    pub owed_to_workers: Fen,
    pub paid_out: Fen,
}

impl Overview {
    /// Sums `balances` (each account's balance, as stored) by kind.
    pub fn of(balances: impl IntoIterator<Item = (Account, Fen)>) -> Self {
        let mut o = Overview::default();
        for (account, balance) in balances {
            let (figure, sign) = match account {
                Account::Gateway => (&mut o.customers_paid, -1),
                Account::OrderEscrow(_) => (&mut o.in_escrow, 1),
                Account::Refunds => (&mut o.refunded, 1),
                Account::PlatformCommission => (&mut o.platform_income, 1),
                Account::Promotions => (&mut o.discounts_paid, -1),
                Account::Rewards => (&mut o.rewards_paid, -1),
                Account::Penalties => (&mut o.penalties_taken, 1),
                Account::WorkerAvailable(_) | Account::WorkerHeld(_) => (&mut o.owed_to_workers, 1),
                Account::Payouts => (&mut o.paid_out, 1),
            };
            *figure = Fen::new(figure.get() + sign * balance.get());
        }
        o
    }
}
