use crate::Account;
use domain::Fen;
use serde::{Deserialize, Serialize};

/// What a transaction was for. Stored as its [`TxnKind::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnKind {
    Capture,
    Completion,
    Installment,
    DiscountSubsidy,
    CancelFee,
    Refund,
    Reward,
    Penalty,
    WithdrawalRequest,
    WithdrawalPaid,
    WithdrawalRejected,
    Reversal,
}

impl TxnKind {
    pub const ALL: [TxnKind; 12] = [
        TxnKind::Capture,
        TxnKind::Completion,
        TxnKind::Installment,
        TxnKind::DiscountSubsidy,
        TxnKind::CancelFee,
        TxnKind::Refund,
        TxnKind::Reward,
        TxnKind::Penalty,
        TxnKind::WithdrawalRequest,
        TxnKind::WithdrawalPaid,
        TxnKind::WithdrawalRejected,
        TxnKind::Reversal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TxnKind::Capture => "capture",
            TxnKind::Completion => "completion",
            TxnKind::Installment => "installment",
            TxnKind::DiscountSubsidy => "discount_subsidy",
            TxnKind::CancelFee => "cancel_fee",
            TxnKind::Refund => "refund",
            TxnKind::Reward => "reward",
            TxnKind::Penalty => "penalty",
            TxnKind::WithdrawalRequest => "withdrawal_request",
            TxnKind::WithdrawalPaid => "withdrawal_paid",
            TxnKind::WithdrawalRejected => "withdrawal_rejected",
            TxnKind::Reversal => "reversal",
        }
    }

    pub fn from_code(code: &str) -> Option<TxnKind> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// One line of a transaction: `amount` is added to `account`'s balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub account: Account,
    pub amount: Fen,
}

/// A balanced set of entries posted together.
///
/// Fields are private and the only constructors are the rule functions and
/// [`Txn::reversal`], so every `Txn` in existence sums to zero and has no
/// zero-amount entries. It is deliberately not `Deserialize`: reading one
/// back from outside would bypass that guarantee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Txn {
    kind: TxnKind,
    order_id: Option<i64>,
    worker_id: Option<i64>,
    entries: Vec<Entry>,
}

impl Txn {
    /// Moves money out of `from` into each of `credits`. The debit is the sum
    /// of the credits, so the entries balance by construction; zero credits
    /// are dropped (a 0% commission posts no commission line).
    pub(crate) fn split(
        kind: TxnKind,
        order_id: Option<i64>,
        worker_id: Option<i64>,
        from: Account,
        credits: &[(Account, Fen)],
    ) -> Txn {
        let total = credits.iter().fold(Fen::ZERO, |sum, &(_, amount)| sum + amount);
        let entries = std::iter::once(Entry { account: from, amount: Fen::ZERO - total })
            .chain(credits.iter().map(|&(account, amount)| Entry { account, amount }))
            .filter(|entry| entry.amount != Fen::ZERO)
            .collect();
        Txn { kind, order_id, worker_id, entries }
    }

    /// The whole of `amount` from `from` to `to`.
    pub(crate) fn transfer(
        kind: TxnKind,
        order_id: Option<i64>,
        worker_id: Option<i64>,
        from: Account,
        to: Account,
        amount: Fen,
    ) -> Txn {
        Txn::split(kind, order_id, worker_id, from, &[(to, amount)])
    }

    /// Builds a transaction with no checks at all, so tests can show that
    /// [`crate::Book::audit`] catches what the constructors rule out.
    #[cfg(test)]
    pub(crate) fn unchecked(kind: TxnKind, order_id: Option<i64>, entries: Vec<Entry>) -> Txn {
        Txn { kind, order_id, worker_id: None, entries }
    }

    /// The transaction that undoes this one: every amount negated, same order
    /// and worker context. Posting it is how a correction is made, so the
    /// original stays in the history.
    pub fn reversal(&self) -> Txn {
        let entries = self
            .entries
            .iter()
            .map(|entry| Entry { account: entry.account, amount: Fen::ZERO - entry.amount })
            .collect();
        Txn { kind: TxnKind::Reversal, order_id: self.order_id, worker_id: self.worker_id, entries }
    }

    pub fn kind(&self) -> TxnKind {
        self.kind
    }

    /// The order this transaction concerns, if any; lets audits total
    /// captures and refunds per order.
    pub fn order_id(&self) -> Option<i64> {
        self.order_id
    }

    /// The worker this transaction concerns, if any.
    pub fn worker_id(&self) -> Option<i64> {
        self.worker_id
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}
