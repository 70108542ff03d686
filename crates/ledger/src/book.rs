use crate::{Account, Balances, LedgerError, Txn, TxnKind};
use domain::Fen;
use std::collections::{BTreeMap, BTreeSet};

/// An in-memory ledger: the posted transactions and the balances they add up
/// to. It is the reference model the database implementation is checked
/// against, so it favours being obviously right over being fast.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Book {
    txns: Vec<Txn>,
    balances: BTreeMap<Account, Fen>,
}

/// An invariant [`Book::audit`] found broken. `txn` is the index of the
/// offending transaction in posting order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The transaction's entries do not sum to zero.
    Unbalanced { txn: usize, sum: Fen },
    /// A worker's available or held balance, or an order's escrow, went
    /// below zero after this transaction. Reported once per account, at the
    /// first transaction that did it.
    NegativeBalance { txn: usize, account: Account, balance: Fen },
    /// More was refunded for the order than was ever captured for it.
    RefundsExceedCaptured { order_id: i64, refunded: Fen, captured: Fen },
    /// A second capture for an order that was already captured.
    DuplicateCapture { txn: usize, order_id: i64 },
    /// A second completion for an order that was already settled.
    DuplicateCompletion { txn: usize, order_id: i64 },
}

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// Appends `txn` without any history check; [`Book::audit`] reports what
    /// that broke. Use [`Book::try_post`] unless the point is to break it.
    pub fn post(&mut self, txn: Txn) {
        apply(&mut self.balances, &txn);
        self.txns.push(txn);
    }

    /// Posts `txn` unless it would capture or settle an order a second time;
    /// those depend on history rather than balances, so the rule functions
    /// cannot see them. A refused transaction leaves the book unchanged.
    pub fn try_post(&mut self, txn: Txn) -> Result<(), LedgerError> {
        if let Some(order_id) = txn.order_id() {
            let already = |kind| self.txns.iter().any(|t| t.kind() == kind && t.order_id() == Some(order_id));
            match txn.kind() {
                TxnKind::Capture if already(TxnKind::Capture) => return Err(LedgerError::AlreadyCaptured),
                TxnKind::Completion if already(TxnKind::Completion) => return Err(LedgerError::AlreadySettled),
                TxnKind::DiscountSubsidy if already(TxnKind::DiscountSubsidy) => return Err(LedgerError::AlreadySettled),
                _ => {}
            }
        }
        self.post(txn);
        Ok(())
    }

    /// Every transaction posted so far, oldest first.
    pub fn txns(&self) -> &[Txn] {
        &self.txns
    }

    /// Every account that has ever had an entry, with its balance.
    pub fn balances(&self) -> &BTreeMap<Account, Fen> {
        &self.balances
    }

    /// Replays the whole history from scratch and lists every broken
    /// invariant; empty means the book is sound.
    pub fn audit(&self) -> Vec<Violation> {
        let mut violations = Vec::new();
        let mut running: BTreeMap<Account, Fen> = BTreeMap::new();
        let mut went_negative = BTreeSet::new();
        let mut captured_orders = BTreeSet::new();
        let mut settled_orders = BTreeSet::new();
        let mut captured: BTreeMap<i64, Fen> = BTreeMap::new();
        let mut refunded: BTreeMap<i64, Fen> = BTreeMap::new();

        for (index, txn) in self.txns.iter().enumerate() {
            let sum = txn.entries().iter().fold(Fen::ZERO, |sum, entry| sum + entry.amount);
            if sum != Fen::ZERO {
                violations.push(Violation::Unbalanced { txn: index, sum });
            }

            if let Some(order_id) = txn.order_id() {
                if txn.kind() == TxnKind::Capture && !captured_orders.insert(order_id) {
                    violations.push(Violation::DuplicateCapture { txn: index, order_id });
                }
                if txn.kind() == TxnKind::Completion && !settled_orders.insert(order_id) {
                    violations.push(Violation::DuplicateCompletion { txn: index, order_id });
                }
                // Money in from the gateway is what was captured; reversals
                // of a capture or refund count against the same totals.
                for entry in txn.entries() {
                    match entry.account {
                        Account::Gateway => add(&mut captured, order_id, Fen::ZERO - entry.amount),
                        Account::Refunds => add(&mut refunded, order_id, entry.amount),
                        _ => {}
                    }
                }
            }

            apply(&mut running, txn);
            for entry in txn.entries() {
                let balance = running[&entry.account];
                let guarded = matches!(
                    entry.account,
                    Account::WorkerAvailable(_) | Account::WorkerHeld(_) | Account::OrderEscrow(_)
                );
                if guarded && balance < Fen::ZERO && went_negative.insert(entry.account) {
                    violations.push(Violation::NegativeBalance { txn: index, account: entry.account, balance });
                }
            }
        }

        for (&order_id, &refunded) in &refunded {
            let captured = captured.get(&order_id).copied().unwrap_or(Fen::ZERO);
            if refunded > captured {
                violations.push(Violation::RefundsExceedCaptured { order_id, refunded, captured });
            }
        }
        violations
    }
}

fn apply(balances: &mut BTreeMap<Account, Fen>, txn: &Txn) {
    for entry in txn.entries() {
        let balance = balances.entry(entry.account).or_insert(Fen::ZERO);
        *balance = *balance + entry.amount;
    }
}

fn add(totals: &mut BTreeMap<i64, Fen>, order_id: i64, amount: Fen) {
    let total = totals.entry(order_id).or_insert(Fen::ZERO);
    *total = *total + amount;
}

impl Balances for Book {
    fn balance(&self, account: Account) -> Fen {
        self.balances.get(&account).copied().unwrap_or(Fen::ZERO)
    }
}
