//! Worker earnings (W5), withdrawals (W6) and the admin's finance desk.

use super::UnixSeconds;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a ledger line was, for labels and grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EarningKind {
    OrderIncome,
    Reward,
    Penalty,
    WithdrawalRequested,
    WithdrawalPaid,
    WithdrawalReturned,
    Correction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarningLine {
    pub at: UnixSeconds,
    pub kind: EarningKind,
    pub order_id: Option<i64>,
    pub order_no: Option<String>,
    pub service_name: Option<String>,
    /// For order income: what the customer paid, and the platform's share.
    pub gross_fen: i64,
    pub commission_fen: i64,
    /// Change to the available balance (negative for penalties and withdrawals).
    pub amount_fen: i64,
    pub memo: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Day,
    Week,
    Month,
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::All => "all",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarningsView {
    pub available_fen: i64,
    pub held_fen: i64,
    pub period: Period,
    pub income_fen: i64,
    pub commission_fen: i64,
    pub rewards_fen: i64,
    pub penalties_fen: i64,
    pub orders: i64,
    pub lines: Vec<EarningLine>,
}

#[server(prefix = "/api", endpoint = "my_earnings")]
pub async fn my_earnings(period: Option<String>) -> Result<EarningsView, AppError> {
    crate::server::respond(crate::server::money::my_earnings(period).await)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayoutKind {
    Bank,
    Wechat,
    Alipay,
}

impl PayoutKind {
    pub const ALL: [PayoutKind; 3] = [PayoutKind::Bank, PayoutKind::Wechat, PayoutKind::Alipay];

    pub fn as_str(self) -> &'static str {
        match self {
            PayoutKind::Bank => "bank",
            PayoutKind::Wechat => "wechat",
            PayoutKind::Alipay => "alipay",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A payout account as its owner sees it: the number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAccountView {
    pub id: i64,
    pub kind: PayoutKind,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WithdrawalStatus {
    Pending,
    Paid,
    Rejected,
}

impl WithdrawalStatus {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pending" => Some(WithdrawalStatus::Pending),
            "paid" => Some(WithdrawalStatus::Paid),
            "rejected" => Some(WithdrawalStatus::Rejected),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalStatus::Pending => "pending",
            WithdrawalStatus::Paid => "paid",
            WithdrawalStatus::Rejected => "rejected",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalView {
    pub id: i64,
    pub amount_fen: i64,
    pub status: WithdrawalStatus,
    pub account: String,
    pub requested_at: UnixSeconds,
    pub decided_at: Option<UnixSeconds>,
    pub reference: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawView {
    pub available_fen: i64,
    pub held_fen: i64,
    pub min_withdrawal_fen: i64,
    pub accounts: Vec<PayoutAccountView>,
    pub withdrawals: Vec<WithdrawalView>,
}

#[server(prefix = "/api", endpoint = "my_withdrawals")]
pub async fn my_withdrawals() -> Result<WithdrawView, AppError> {
    crate::server::respond(crate::server::money::my_withdrawals().await)
}

#[server(prefix = "/api", endpoint = "add_payout_account")]
pub async fn add_payout_account(kind: String, holder_name: String, account_no: String, bank_name: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::money::add_payout_account(kind, holder_name, account_no, bank_name).await)
}

#[server(prefix = "/api", endpoint = "request_withdrawal")]
pub async fn request_withdrawal(account_id: i64, amount: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::money::request_withdrawal(account_id, amount).await)
}

/// A withdrawal on the admin's desk: the full account number, for paying out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminWithdrawalView {
    pub id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub worker_phone: String,
    pub amount_fen: i64,
    pub status: WithdrawalStatus,
    pub account_kind: PayoutKind,
    pub holder_name: String,
    pub account_no: String,
    pub bank_name: String,
    pub requested_at: UnixSeconds,
    pub reference: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceView {
    pub withdrawals: Vec<AdminWithdrawalView>,
    /// The ledger audit: empty when every invariant holds.
    pub audit_violations: Vec<String>,
    /// A fresh key for the reward/penalty form, so a double submit posts once.
    pub adjustment_key: String,
    pub commissions: Vec<CategoryCommissionView>,
    /// The configured default rate, in percent (`20`).
    pub default_commission: String,
    pub books: BooksView,
}

/// 资金总览: the ledger's accounts summed by kind (`ledger::Overview`), in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BooksView {
    pub customers_paid_fen: i64,
    pub in_escrow_fen: i64,
    pub refunded_fen: i64,
    pub platform_income_fen: i64,
    pub discounts_paid_fen: i64,
    pub rewards_paid_fen: i64,
    pub penalties_taken_fen: i64,
    pub owed_to_workers_fen: i64,
    pub paid_out_fen: i64,
}

/// A category's commission rate as the admin edits it, in percent; empty
/// means the default rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryCommissionView {
    pub code: String,
    pub name: String,
    pub percent: String,
}

/// Sets a category's commission in percent (`15`, `12.5`); empty restores
/// the default. Orders already placed keep the rate they were placed at.
#[server(prefix = "/api", endpoint = "admin_set_commission")]
pub async fn admin_set_commission(category_code: String, percent: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::money::set_commission(category_code, percent).await)
}

#[server(prefix = "/api", endpoint = "admin_finance")]
pub async fn admin_finance(status: Option<String>) -> Result<FinanceView, AppError> {
    crate::server::respond(crate::server::money::admin_finance(status).await)
}

#[server(prefix = "/api", endpoint = "admin_decide_withdrawal")]
pub async fn admin_decide_withdrawal(withdrawal_id: i64, decision: String, reference: String, reason: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::money::decide_withdrawal(withdrawal_id, decision, reference, reason).await)
}

#[server(prefix = "/api", endpoint = "admin_adjust_balance")]
pub async fn admin_adjust_balance(worker_phone: String, kind: String, amount: String, reason: String, key: String) -> Result<(), AppError> {
    crate::server::respond(crate::server::money::adjust_balance(worker_phone, kind, amount, reason, key).await)
}
