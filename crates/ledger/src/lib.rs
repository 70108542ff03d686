//! Daojia's double-entry ledger, as pure rules with no storage.
//!
//! Every movement of money is a [`Txn`]: a list of [`Entry`]s that sums to
//! zero. A transfer of X from account A to account B posts A: -X, B: +X, and
//! an account's balance is the sum of its entries. Postings are append-only;
//! a mistake is corrected by posting [`Txn::reversal`], never by editing.
//!
//! The rule functions ([`capture`], [`complete`], [`refund`], …) decide
//! whether a movement is allowed by reading balances through [`Balances`], so
//! the same rules run against the database and against [`Book`], the
//! in-memory reference model the database implementation is checked against.

mod account;
mod book;
mod overview;
mod rules;
mod txn;

#[cfg(test)]
mod tests;

pub use account::Account;
pub use book::{Book, Violation};
pub use overview::Overview;
pub use rules::{
    cancel_fee, capture, commission_split, complete, installment, discount_subsidy, late_penalty, no_show_penalty, penalty, penalty_withdrawn, refund, request_withdrawal, reward, withdrawal_paid,
    withdrawal_rejected, MAX_ADJUSTMENT, MIN_WITHDRAWAL,
};
pub use txn::{Entry, Txn, TxnKind};

use domain::Fen;

/// The current balances a rule is checked against. Implemented by whoever
/// holds the ledger: the database for real postings, [`Book`] in tests.
pub trait Balances {
    /// The sum of every entry posted to `account`; zero if it has none.
    fn balance(&self, account: Account) -> Fen;
}

/// Why a movement of money was refused. Messages are short English for logs;
/// the app maps each variant to its own Chinese wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("amount must be positive")]
    NonPositiveAmount,
    #[error("amount exceeds the adjustment limit")]
    AmountTooLarge,
    #[error("withdrawal below the minimum")]
    BelowMinimum,
    #[error("commission rate above 100%")]
    InvalidCommissionRate,
    #[error("order escrow is empty")]
    NothingToSettle,
    #[error("amount exceeds the order's escrow")]
    ExceedsEscrow,
    #[error("amount exceeds available balance {available}")]
    InsufficientAvailable { available: Fen },
    #[error("amount exceeds held balance")]
    InsufficientHeld,
    #[error("order already captured")]
    AlreadyCaptured,
    #[error("order already settled")]
    AlreadySettled,
}
