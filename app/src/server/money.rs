//! Earnings, withdrawals and the admin's finance desk. The amounts and their
//! rules live in the `ledger` crate; the store posts them atomically.

use super::authz::require_user;
use super::{app_state, internal};
use crate::api::money::{
    AdminWithdrawalView, BooksView, CategoryCommissionView, EarningKind, EarningLine, EarningsView, FinanceView, PayoutAccountView, PayoutKind, Period, WithdrawView, WithdrawalStatus,
    WithdrawalView,
};
use crate::api::{ADMIN, WORKER};
use crate::error::{AppError, Field};
use crate::i18n::Msg;
use domain::{mask_account_no, Fen, PayoutAccountNo, Phone, Role};
use ledger::LedgerError;
use store::{Adjustment, NewPayoutAccount, PostingMeta, StoreError, WithdrawalDecision, WithdrawalFilter, WorkerLedgerLine};
use time::{Duration, OffsetDateTime, UtcOffset};

const LEDGER_LINES: i64 = 500;

/// Where a period starts, counted in Beijing time: today, this week (from
/// Monday), this month, or the beginning.
fn period_start(period: Period, at: OffsetDateTime) -> OffsetDateTime {
    let shanghai = UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    let local_midnight = at.to_offset(shanghai).replace_time(time::Time::MIDNIGHT);
    let local = match period {
        Period::Day => local_midnight,
        Period::Week => local_midnight - Duration::days(i64::from(local_midnight.weekday().number_days_from_monday())),
        Period::Month => local_midnight.replace_day(1).expect("day 1 exists"),
        Period::All => return OffsetDateTime::UNIX_EPOCH,
    };
    local.to_offset(UtcOffset::UTC)
}

fn earning_kind(line: &WorkerLedgerLine) -> EarningKind {
    match (line.kind.as_str(), line.available_delta >= 0) {
        ("completion" | "installment", _) => EarningKind::OrderIncome,
        ("reward", _) => EarningKind::Reward,
        ("penalty", _) => EarningKind::Penalty,
        ("withdrawal_request", _) => EarningKind::WithdrawalRequested,
        ("withdrawal_paid", _) => EarningKind::WithdrawalPaid,
        ("withdrawal_rejected", _) => EarningKind::WithdrawalReturned,
        _ => EarningKind::Correction,
    }
}

/// Maps the ledger's refusals onto what the user is told, next to the amount.
fn ledger_error(err: StoreError) -> AppError {
    match err {
        StoreError::Ledger(LedgerError::InsufficientAvailable { .. }) => AppError::invalid(Field::Amount, Msg::ErrInsufficientBalance),
        StoreError::Ledger(LedgerError::BelowMinimum) => AppError::invalid(Field::Amount, Msg::ErrBelowMinimumWithdrawal),
        StoreError::Ledger(LedgerError::AmountTooLarge) => AppError::invalid(Field::Amount, Msg::ErrAdjustmentTooLarge),
        StoreError::Ledger(LedgerError::NonPositiveAmount) => AppError::invalid(Field::Amount, Msg::ErrAmountNotPositive),
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    }
}

/// A positive yuan figure typed into an amount field.
fn parse_amount(input: &str) -> Result<Fen, AppError> {
    if input.trim().is_empty() {
        return Err(AppError::invalid(Field::Amount, Msg::ErrAmountEmpty));
    }
    let amount = Fen::parse_yuan(input).map_err(|_| AppError::invalid(Field::Amount, Msg::ErrAmount))?;
    if amount.get() <= 0 {
        return Err(AppError::invalid(Field::Amount, Msg::ErrAmountNotPositive));
    }
    Ok(amount)
}

pub async fn my_earnings(period: Option<String>) -> Result<EarningsView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let period = period.as_deref().and_then(Period::parse).unwrap_or(Period::Month);
    let balance = state.store.worker_balance(user.id.0).await.map_err(internal)?;
    let rows = state.store.worker_ledger(user.id.0, period_start(period, state.clock.now()), LEDGER_LINES).await.map_err(internal)?;
    let lines: Vec<EarningLine> = rows
        .into_iter()
        .map(|row| {
            let kind = earning_kind(&row);
            EarningLine {
                at: row.created_at.unix_timestamp(),
                kind,
                order_id: row.order_id,
                order_no: row.order_no,
                service_name: row.service_name,
                gross_fen: if kind == EarningKind::OrderIncome { row.available_delta + row.commission_fen } else { 0 },
                commission_fen: row.commission_fen,
                amount_fen: row.available_delta,
                memo: row.memo,
            }
        })
        .collect();
    let sum = |kind: EarningKind| lines.iter().filter(|l| l.kind == kind).map(|l| l.amount_fen).sum::<i64>();
    // A contract's months and its completion are one order.
    let mut paid_orders: Vec<i64> = lines.iter().filter(|l| l.kind == EarningKind::OrderIncome).filter_map(|l| l.order_id).collect();
    paid_orders.sort_unstable();
    paid_orders.dedup();
    Ok(EarningsView {
        available_fen: balance.available_fen,
        held_fen: balance.held_fen,
        period,
        income_fen: sum(EarningKind::OrderIncome),
        commission_fen: lines.iter().filter(|l| l.kind == EarningKind::OrderIncome).map(|l| l.commission_fen).sum(),
        rewards_fen: sum(EarningKind::Reward),
        penalties_fen: -sum(EarningKind::Penalty),
        orders: paid_orders.len() as i64,
        lines,
    })
}

fn withdrawal_status(value: &str) -> Result<WithdrawalStatus, AppError> {
    WithdrawalStatus::parse(value).ok_or_else(|| internal(format!("unknown withdrawal status {value}")))
}

fn payout_kind(value: &str) -> Result<PayoutKind, AppError> {
    PayoutKind::parse(value).ok_or_else(|| internal(format!("unknown payout kind {value}")))
}

pub async fn my_withdrawals() -> Result<WithdrawView, AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let balance = state.store.worker_balance(user.id.0).await.map_err(internal)?;
    let accounts = state.store.payout_accounts(user.id.0).await.map_err(internal)?;
    let filter = WithdrawalFilter { worker_id: Some(user.id.0), status: None };
    let withdrawals = state.store.withdrawals(&filter, 50).await.map_err(internal)?;
    Ok(WithdrawView {
        available_fen: balance.available_fen,
        held_fen: balance.held_fen,
        min_withdrawal_fen: ledger::MIN_WITHDRAWAL.get(),
        accounts: accounts
            .into_iter()
            .map(|a| {
                let bank = if a.bank_name.is_empty() { String::new() } else { format!("{} ", a.bank_name) };
                Ok(PayoutAccountView { id: a.id, kind: payout_kind(&a.kind)?, label: format!("{bank}{}", mask_account_no(&a.account_no)) })
            })
            .collect::<Result<_, AppError>>()?,
        withdrawals: withdrawals
            .into_iter()
            .map(|w| {
                Ok(WithdrawalView {
                    id: w.id,
                    amount_fen: w.amount_fen,
                    status: withdrawal_status(&w.status)?,
                    account: mask_account_no(&w.account_no),
                    requested_at: w.requested_at.unix_timestamp(),
                    decided_at: w.decided_at.map(|t| t.unix_timestamp()),
                    reference: w.reference,
                    reason: w.reason,
                })
            })
            .collect::<Result<_, AppError>>()?,
    })
}

pub async fn add_payout_account(kind: String, holder_name: String, account_no: String, bank_name: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let kind = PayoutKind::parse(&kind).ok_or(AppError::invalid(Field::AccountKind, Msg::ErrPayoutKind))?;
    let holder_name = holder_name.trim().to_string();
    if holder_name.chars().count() < 2 || holder_name.chars().count() > 20 {
        return Err(AppError::invalid(Field::HolderName, Msg::ErrHolderName));
    }
    let number = PayoutAccountNo::parse(kind.as_str(), &account_no).map_err(AppError::from_input)?;
    let bank_name = bank_name.trim().to_string();
    if kind == PayoutKind::Bank && (bank_name.is_empty() || bank_name.chars().count() > 30) {
        return Err(AppError::invalid(Field::BankName, Msg::ErrBankName));
    }
    let account = NewPayoutAccount {
        kind: kind.as_str().into(),
        holder_name,
        account_no: number.as_str().into(),
        bank_name: if kind == PayoutKind::Bank { bank_name } else { String::new() },
    };
    state.store.add_payout_account(user.id.0, &account, state.clock.now()).await.map_err(internal)?;
    tracing::info!(worker_id = user.id.0, kind = kind.as_str(), "payout account added");
    Ok(())
}

pub async fn request_withdrawal(account_id: i64, amount: String) -> Result<(), AppError> {
    let user = require_user(WORKER)?;
    let state = app_state()?;
    let amount = parse_amount(&amount)?;
    let id = match state.store.request_withdrawal(user.id.0, account_id, amount.get(), state.clock.now()).await {
        Ok(id) => id,
        Err(StoreError::NotFound) => return Err(AppError::invalid(Field::AccountKind, Msg::ErrPayoutAccountMissing)),
        Err(err) => return Err(ledger_error(err)),
    };
    tracing::info!(worker_id = user.id.0, withdrawal_id = id, amount_fen = amount.get(), "withdrawal requested");
    Ok(())
}

pub async fn admin_finance(status: Option<String>) -> Result<FinanceView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    // `all` lists every request; anything unknown falls back to the pending queue.
    let status = match status.as_deref() {
        Some("all") => None,
        Some(s) if WithdrawalStatus::parse(s).is_some() => Some(s.to_string()),
        _ => Some(WithdrawalStatus::Pending.as_str().to_string()),
    };
    let filter = WithdrawalFilter { worker_id: None, status };
    let rows = state.store.withdrawals(&filter, 200).await.map_err(internal)?;
    let audit_violations = state.store.ledger_audit().await.map_err(internal)?;
    if !audit_violations.is_empty() {
        tracing::error!(?audit_violations, "ledger audit failed");
    }
    Ok(FinanceView {
        withdrawals: rows
            .into_iter()
            .map(|w| {
                Ok(AdminWithdrawalView {
                    id: w.id,
                    worker_id: w.worker_id,
                    worker_name: w.worker_name,
                    worker_phone: w.worker_phone,
                    amount_fen: w.amount_fen,
                    status: withdrawal_status(&w.status)?,
                    account_kind: payout_kind(&w.account_kind)?,
                    holder_name: w.holder_name,
                    account_no: w.account_no,
                    bank_name: w.bank_name,
                    requested_at: w.requested_at.unix_timestamp(),
                    reference: w.reference,
                    reason: w.reason,
                })
            })
            .collect::<Result<_, AppError>>()?,
        audit_violations,
        adjustment_key: super::session::new_token(),
        commissions: state
            .store
            .categories()
            .await
            .map_err(internal)?
            .into_iter()
            .map(|c| CategoryCommissionView { code: c.code, name: c.name, percent: c.commission_bps.map(percent_text).unwrap_or_default() })
            .collect(),
        default_commission: percent_text(state.config.commission_bps),
        books: books_view(ledger::Overview::of(state.store.account_balances().await.map_err(internal)?)),
    })
}

fn books_view(o: ledger::Overview) -> BooksView {
    BooksView {
        customers_paid_fen: o.customers_paid.get(),
        in_escrow_fen: o.in_escrow.get(),
        refunded_fen: o.refunded.get(),
        platform_income_fen: o.platform_income.get(),
        discounts_paid_fen: o.discounts_paid.get(),
        rewards_paid_fen: o.rewards_paid.get(),
        penalties_taken_fen: o.penalties_taken.get(),
        owed_to_workers_fen: o.owed_to_workers.get(),
        paid_out_fen: o.paid_out.get(),
    }
}

/// 2000 bps → `20`, 1250 → `12.5`.
fn percent_text(bps: i64) -> String {
    let text = format!("{}.{:02}", bps / 100, bps % 100);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Commission above half of an order is a typo, not a policy.
const MAX_COMMISSION_BPS: i64 = 5_000;

pub async fn set_commission(category_code: String, percent: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let before = state
        .store
        .categories()
        .await
        .map_err(internal)?
        .into_iter()
        .find(|c| c.code == category_code)
        .ok_or(AppError::invalid(Field::Category, Msg::ErrCategoryUnknown))?;
    let bps = if percent.trim().is_empty() {
        None
    } else {
        // A percentage has the same shape as a yuan amount: up to two decimals, ×100.
        let bps = Fen::parse_yuan(percent.trim().trim_end_matches('%')).map_err(|_| AppError::invalid(Field::Amount, Msg::ErrCommissionRange))?.get();
        if bps > MAX_COMMISSION_BPS {
            return Err(AppError::invalid(Field::Amount, Msg::ErrCommissionRange));
        }
        Some(bps)
    };
    state.store.set_category_commission(&category_code, bps).await.map_err(internal)?;
    let shown = |bps: Option<i64>| bps.map(|b| format!("{}%", percent_text(b))).unwrap_or_else(|| "默认".into());
    let entry = store::AuditEntry {
        actor: Some(admin.id),
        action: "commission_changed".into(),
        target: format!("category:{category_code}"),
        detail: format!("{}：{} → {}", before.name, shown(before.commission_bps), shown(bps)),
    };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    Ok(())
}

pub async fn decide_withdrawal(withdrawal_id: i64, decision: String, reference: String, reason: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let decision = match decision.as_str() {
        "paid" => {
            let reference = reference.trim().to_string();
            if reference.is_empty() || reference.chars().count() > 64 {
                return Err(AppError::invalid(Field::Reference, Msg::ErrPayoutReference));
            }
            WithdrawalDecision::Paid { reference }
        }
        "rejected" => {
            WithdrawalDecision::Rejected { reason: super::reason(&reason, Field::Review, Some(Msg::ErrReasonRequired))? }
        }
        _ => return Err(AppError::Refused(Msg::ErrReviewNotApplicable)),
    };
    let before = state.store.withdrawal(withdrawal_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    match state.store.decide_withdrawal(withdrawal_id, &decision, admin.id.0, state.clock.now()).await {
        Ok(()) => {}
        // A double click: the first click already did exactly this.
        Err(StoreError::Conflict) => {
            let after = state.store.withdrawal(withdrawal_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
            let same = matches!((&decision, after.status.as_str()), (WithdrawalDecision::Paid { .. }, "paid") | (WithdrawalDecision::Rejected { .. }, "rejected"));
            return if same { Ok(()) } else { Err(AppError::Refused(Msg::ErrWithdrawalDecided)) };
        }
        Err(err) => return Err(ledger_error(err)),
    }
    let (action, detail) = match &decision {
        WithdrawalDecision::Paid { reference } => ("withdrawal_paid", format!("{} 打款凭证 {reference}", Fen::new(before.amount_fen))),
        WithdrawalDecision::Rejected { reason } => ("withdrawal_rejected", format!("{} 驳回：{reason}", Fen::new(before.amount_fen))),
    };
    let entry = store::AuditEntry { actor: Some(admin.id), action: action.into(), target: format!("withdrawal:{withdrawal_id}"), detail };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    let amount = Fen::new(before.amount_fen);
    let body = match &decision {
        WithdrawalDecision::Paid { reference } => format!("你申请的提现 {amount} 已打款，凭证号 {reference}。"),
        WithdrawalDecision::Rejected { reason } => format!("你申请的提现 {amount} 未通过：{}。这笔钱已退回可提现余额。", super::inbox::clause(reason)),
    };
    super::inbox::tell_worker(&state, before.worker_id, super::inbox::WITHDRAWAL, &body).await;
    tracing::info!(withdrawal_id, action, "withdrawal decided");
    Ok(())
}

pub async fn adjust_balance(worker_phone: String, kind: String, amount: String, reason: String, key: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let phone = Phone::parse(&worker_phone).map_err(|_| AppError::invalid(Field::Phone, Msg::ErrPhoneMalformed))?;
    let credentials = state.store.credentials_by_phone(&phone).await.map_err(internal)?;
    let worker = match credentials {
        Some(c) => state.store.user(c.user_id).await.map_err(internal)?.filter(|u| u.role == Role::Worker).map(|u| u.id),
        None => None,
    }
    .ok_or(AppError::invalid(Field::Phone, Msg::ErrNoSuchWorker))?;
    let adjustment = match kind.as_str() {
        "reward" => Adjustment::Reward,
        "penalty" => Adjustment::Penalty,
        _ => return Err(AppError::Refused(Msg::ErrReviewNotApplicable)),
    };
    let amount = parse_amount(&amount)?;
    let reason = super::reason(&reason, Field::Review, Some(Msg::ErrReasonRequired))?;
    if key.len() < 16 || key.len() > 128 {
        return Err(AppError::Refused(Msg::ErrStaleForm));
    }
    let meta = PostingMeta { idem_key: format!("adjust:{key}"), actor_id: Some(admin.id.0), memo: reason.clone() };
    state.store.post_adjustment(worker.0, adjustment, amount.get(), &meta, state.clock.now()).await.map_err(ledger_error)?;
    let entry = store::AuditEntry {
        actor: Some(admin.id),
        action: format!("worker_{kind}"),
        target: format!("user:{}", worker.0),
        detail: format!("{amount}：{reason}"),
    };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    tracing::info!(worker_id = worker.0, kind, amount_fen = amount.get(), "balance adjusted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn periods_start_at_beijing_midnight_monday_and_first_of_month() {
        // Thursday 2026-11-26 01:00 in Beijing.
        let at = datetime!(2026-11-25 17:00 UTC);
        assert_eq!(period_start(Period::Day, at), datetime!(2026-11-25 16:00 UTC));
        assert_eq!(period_start(Period::Week, at), datetime!(2026-11-22 16:00 UTC));
        assert_eq!(period_start(Period::Month, at), datetime!(2026-10-31 16:00 UTC));
        assert_eq!(period_start(Period::All, at), OffsetDateTime::UNIX_EPOCH);
    }
}
