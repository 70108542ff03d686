//! Rows and inputs of the money side: ledger lines, payout accounts and
//! withdrawals.

use ledger::{Account, Balances};
use std::collections::HashMap;
use time::OffsetDateTime;

/// Balances read inside a write transaction, handed to the ledger's rules.
#[derive(Debug, Default)]
pub(crate) struct BalanceMap(pub(crate) HashMap<Account, i64>);

impl Balances for BalanceMap {
    fn balance(&self, account: Account) -> domain::Fen {
        domain::Fen::new(self.0.get(&account).copied().unwrap_or(0))
    }
}

/// Who and why, for a posting that is not part of an order change.
#[derive(Debug, Clone)]
pub struct PostingMeta {
    /// What the posting is for; a second posting with the same key is refused.
    pub idem_key: String,
    pub actor_id: Option<i64>,
    pub memo: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    Reward,
    Penalty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkerBalance {
    pub available_fen: i64,
    pub held_fen: i64,
}

/// One entry of a ledger transaction about an order (the admin's 资金流水).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLedgerEntry {
    pub txn_id: i64,
    pub kind: String,
    pub memo: String,
    pub created_at: OffsetDateTime,
    /// The worker the transaction concerns, by name.
    pub worker_name: Option<String>,
    /// The account's stored kind (`order_escrow`, `worker_available`, …).
    pub account: String,
    pub amount_fen: i64,
}

/// One ledger transaction as it touched a worker's earnings.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkerLedgerLine {
    pub txn_id: i64,
    pub kind: String,
    pub order_id: Option<i64>,
    pub order_no: Option<String>,
    pub service_name: Option<String>,
    pub memo: String,
    pub created_at: OffsetDateTime,
    pub available_delta: i64,
    pub held_delta: i64,
    pub commission_fen: i64,
}

#[derive(Debug, Clone)]
pub struct NewPayoutAccount {
    /// `bank`, `wechat` or `alipay`.
    pub kind: String,
    pub holder_name: String,
    pub account_no: String,
    pub bank_name: String,
}

/// A payout account; the full number is for the admin who pays out, never
/// for a worker's screen (they see it masked).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayoutAccountRecord {
    pub id: i64,
    pub worker_id: i64,
    pub kind: String,
    pub holder_name: String,
    pub account_no: String,
    pub bank_name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WithdrawalRecord {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub worker_phone: String,
    pub amount_fen: i64,
    pub status: String,
    pub reference: String,
    pub reason: String,
    pub requested_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    pub account_kind: String,
    pub holder_name: String,
    pub account_no: String,
    pub bank_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct WithdrawalFilter {
    pub worker_id: Option<i64>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawalDecision {
    /// Paid out, with the payout's reference.
    Paid { reference: String },
    /// Refused; the held amount returns to available.
    Rejected { reason: String },
}

/// Money that must be settled with an order change, resolved by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub worker_id: i64,
    pub commission_bps: u32,
    /// A late arrival's penalty (B5), taken from this settlement's share.
    pub late: Option<LateCharge>,
    /// What the platform's offers (coupon, package price) took off a served
    /// order, paid into its escrow before the split: the worker's share is
    /// of the price before them.
    pub discount_fen: i64,
    /// The days served of a contract staff ended early, which this pays
    /// (less its months paid): the memo says so.
    pub served_days: Option<i64>,
}

/// What the no-show rule charges the worker an order was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoShowCharge {
    pub worker_id: i64,
    pub penalty_fen: i64,
}

/// What the late-arrival rule charges a completed order's worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateCharge {
    pub penalty_fen: i64,
    /// How late they arrived, in whole minutes (rounded up), for the memo.
    pub late_minutes: i64,
}
