//! The rules: each function checks one kind of movement against the current
//! balances and returns the balanced [`Txn`] to post, or why it is refused.
//! They never post anything themselves.

use crate::{Account, Balances, LedgerError, Txn, TxnKind};
use domain::Fen;

/// The largest single reward or penalty (¥10,000). Larger figures are far
/// more likely a typo than a decision, so they are refused outright.
pub const MAX_ADJUSTMENT: Fen = Fen::new(1_000_000);

/// The smallest withdrawal a worker may request (¥1); below it the payout
/// costs more to process than it is worth.
pub const MIN_WITHDRAWAL: Fen = Fen::new(100);

const FULL_BPS: u32 = 10_000;

fn positive(amount: Fen) -> Result<(), LedgerError> {
    if amount > Fen::ZERO {
        Ok(())
    } else {
        Err(LedgerError::NonPositiveAmount)
    }
}

fn within_adjustment_limit(amount: Fen) -> Result<(), LedgerError> {
    positive(amount)?;
    if amount > MAX_ADJUSTMENT {
        return Err(LedgerError::AmountTooLarge);
    }
    Ok(())
}

fn within_escrow(b: &(impl Balances + ?Sized), order_id: i64, amount: Fen) -> Result<(), LedgerError> {
    positive(amount)?;
    if amount > b.balance(Account::OrderEscrow(order_id)) {
        return Err(LedgerError::ExceedsEscrow);
    }
    Ok(())
}

fn within_available(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<(), LedgerError> {
    let available = b.balance(Account::WorkerAvailable(worker_id));
    if amount > available {
        return Err(LedgerError::InsufficientAvailable { available });
    }
    Ok(())
}

fn within_held(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<(), LedgerError> {
    positive(amount)?;
    if amount > b.balance(Account::WorkerHeld(worker_id)) {
        return Err(LedgerError::InsufficientHeld);
    }
    Ok(())
}

/// A customer's payment for an order arrives: Gateway → the order's escrow.
/// That an order is captured only once is the poster's check
/// ([`crate::Book::try_post`]), since it depends on history, not balances.
pub fn capture(order_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    positive(amount)?;
    Ok(Txn::transfer(TxnKind::Capture, Some(order_id), None, Account::Gateway, Account::OrderEscrow(order_id), amount))
}

/// Splits `amount` into `(worker share, commission)` at `bps` basis points.
///
/// The commission is rounded down to the fen and the worker gets the
/// remainder, so the two always add up to exactly `amount` and any rounding
/// favours the worker. `bps` above 10 000 is treated as 10 000; [`complete`]
/// refuses such a rate before it gets here.
pub fn commission_split(amount: Fen, bps: u32) -> (Fen, Fen) {
    let bps = i128::from(bps.min(FULL_BPS));
    let commission = (i128::from(amount.get()) * bps).div_euclid(i128::from(FULL_BPS));
    // |commission| ≤ |amount| because bps ≤ 10 000, so it fits back in i64.
    let commission = Fen::new(commission as i64);
    (amount - commission, commission)
}

/// `amount` of the order's escrow paid out for the worker's service:
/// commission to the platform and the rest to the worker, split by
/// [`commission_split`]. The caller has checked the rate and the amount.
fn pay_out(kind: TxnKind, order_id: i64, worker_id: i64, commission_bps: u32, amount: Fen) -> Txn {
    let (worker_share, commission) = commission_split(amount, commission_bps);
    Txn::split(
        kind,
        Some(order_id),
        Some(worker_id),
        Account::OrderEscrow(order_id),
        &[(Account::PlatformCommission, commission), (Account::WorkerAvailable(worker_id), worker_share)],
    )
}

fn valid_rate(commission_bps: u32) -> Result<(), LedgerError> {
    if commission_bps > FULL_BPS {
        return Err(LedgerError::InvalidCommissionRate);
    }
    Ok(())
}

/// The order is done: the WHOLE current escrow (the payment less anything
/// already refunded or kept as a cancellation fee) is settled, commission to
/// the platform and the rest to the worker, split by [`commission_split`]:
/// the commission is rounded down to the fen and the worker gets the
/// remainder, so the two always add up to the amount that was in escrow.
pub fn complete(
    b: &(impl Balances + ?Sized),
    order_id: i64,
    worker_id: i64,
    commission_bps: u32,
) -> Result<Txn, LedgerError> {
    valid_rate(commission_bps)?;
    let escrow = b.balance(Account::OrderEscrow(order_id));
    if escrow <= Fen::ZERO {
        return Err(LedgerError::NothingToSettle);
    }
    Ok(pay_out(TxnKind::Completion, order_id, worker_id, commission_bps, escrow))
}

/// A month of a long contract is paid out while the nanny is still there
/// (月结, B8): `amount` of the order's escrow, commission to the platform
/// and the rest to her, split as [`complete`] splits it. Never more than the
/// escrow holds; the completion later settles whatever is left.
pub fn installment(
    b: &(impl Balances + ?Sized),
    order_id: i64,
    worker_id: i64,
    commission_bps: u32,
    amount: Fen,
) -> Result<Txn, LedgerError> {
    valid_rate(commission_bps)?;
    within_escrow(b, order_id, amount)?;
    Ok(pay_out(TxnKind::Installment, order_id, worker_id, commission_bps, amount))
}

/// The platform pays what its offers (a coupon, a package price) took off a
/// served order into the order's escrow, just before [`complete`] settles
/// it, so the worker's share is of the price before them: a promotion is
/// the platform's, not the worker's.
pub fn discount_subsidy(order_id: i64, discount: Fen) -> Result<Txn, LedgerError> {
    positive(discount)?;
    Ok(Txn::transfer(TxnKind::DiscountSubsidy, Some(order_id), None, Account::Promotions, Account::OrderEscrow(order_id), discount))
}

/// A cancelled order keeps `fee` as platform revenue; the rest of the escrow
/// is left for [`refund`].
pub fn cancel_fee(b: &(impl Balances + ?Sized), order_id: i64, fee: Fen) -> Result<Txn, LedgerError> {
    within_escrow(b, order_id, fee)?;
    Ok(Txn::transfer(
        TxnKind::CancelFee,
        Some(order_id),
        None,
        Account::OrderEscrow(order_id),
        Account::PlatformCommission,
        fee,
    ))
}

/// Returns `amount` of an order's escrow to the customer. Capped by the
/// escrow, so an order can never refund more than was paid for it.
pub fn refund(b: &(impl Balances + ?Sized), order_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_escrow(b, order_id, amount)?;
    Ok(Txn::transfer(TxnKind::Refund, Some(order_id), None, Account::OrderEscrow(order_id), Account::Refunds, amount))
}

/// The platform pays a worker a bonus out of the rewards expense account.
pub fn reward(worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_adjustment_limit(amount)?;
    Ok(Txn::transfer(
        TxnKind::Reward,
        None,
        Some(worker_id),
        Account::Rewards,
        Account::WorkerAvailable(worker_id),
        amount,
    ))
}

/// Takes a penalty from a worker's available earnings. Never more than is
/// available, so a worker's balance cannot go negative (money held for a
/// pending withdrawal is not touched).
pub fn penalty(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_adjustment_limit(amount)?;
    within_available(b, worker_id, amount)?;
    Ok(Txn::transfer(
        TxnKind::Penalty,
        None,
        Some(worker_id),
        Account::WorkerAvailable(worker_id),
        Account::Penalties,
        amount,
    ))
}

/// A late arrival's penalty (B5), taken from what `completion` (the same
/// order's settlement, posted just before) paid the worker: at most that
/// share, so one order never costs a worker more than it earned them, and
/// the money is there whatever else they have withdrawn. Tied to the order,
/// so the worker sees which job it was for.
pub fn late_penalty(completion: &Txn, amount: Fen) -> Result<Txn, LedgerError> {
    within_adjustment_limit(amount)?;
    let (Some(order_id), Some(worker_id)) = (completion.order_id(), completion.worker_id()) else {
        return Err(LedgerError::NothingToSettle);
    };
    if completion.kind() != TxnKind::Completion {
        return Err(LedgerError::NothingToSettle);
    }
    let earned = completion
        .entries()
        .iter()
        .filter(|e| e.account == Account::WorkerAvailable(worker_id))
        .fold(Fen::ZERO, |sum, e| sum + e.amount);
    let taken = amount.min(earned);
    if taken <= Fen::ZERO {
        return Err(LedgerError::InsufficientAvailable { available: earned });
    }
    Ok(Txn::transfer(TxnKind::Penalty, Some(order_id), Some(worker_id), Account::WorkerAvailable(worker_id), Account::Penalties, taken))
}

/// A no-show's penalty (B5): the order earned the worker nothing, so it comes
/// out of their available earnings, and never more than is there (money
/// held for a withdrawal is not touched), so a balance cannot go negative.
/// Tied to the order, so the worker sees which job it was for.
pub fn no_show_penalty(b: &(impl Balances + ?Sized), order_id: i64, worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_adjustment_limit(amount)?;
    let available = b.balance(Account::WorkerAvailable(worker_id));
    let taken = amount.min(available);
    if taken <= Fen::ZERO {
        return Err(LedgerError::InsufficientAvailable { available });
    }
    Ok(Txn::transfer(TxnKind::Penalty, Some(order_id), Some(worker_id), Account::WorkerAvailable(worker_id), Account::Penalties, taken))
}

/// Pays a penalty back in full when the worker's appeal against it succeeds
/// (B7). It is posted as a reversal, so the penalty stays in the history.
pub fn penalty_withdrawn(worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_adjustment_limit(amount)?;
    Ok(Txn::transfer(
        TxnKind::Reversal,
        None,
        Some(worker_id),
        Account::Penalties,
        Account::WorkerAvailable(worker_id),
        amount,
    ))
}

/// A worker asks to withdraw: the amount moves from available to held until
/// the withdrawal is paid or rejected, so it cannot be spent twice meanwhile.
pub fn request_withdrawal(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    positive(amount)?;
    if amount < MIN_WITHDRAWAL {
        return Err(LedgerError::BelowMinimum);
    }
    within_available(b, worker_id, amount)?;
    Ok(Txn::transfer(
        TxnKind::WithdrawalRequest,
        None,
        Some(worker_id),
        Account::WorkerAvailable(worker_id),
        Account::WorkerHeld(worker_id),
        amount,
    ))
}

/// A held withdrawal has been paid to the worker.
pub fn withdrawal_paid(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_held(b, worker_id, amount)?;
    Ok(Txn::transfer(
        TxnKind::WithdrawalPaid,
        None,
        Some(worker_id),
        Account::WorkerHeld(worker_id),
        Account::Payouts,
        amount,
    ))
}

/// A held withdrawal was turned down; the money is available again.
pub fn withdrawal_rejected(b: &(impl Balances + ?Sized), worker_id: i64, amount: Fen) -> Result<Txn, LedgerError> {
    within_held(b, worker_id, amount)?;
    Ok(Txn::transfer(
        TxnKind::WithdrawalRejected,
        None,
        Some(worker_id),
        Account::WorkerHeld(worker_id),
        Account::WorkerAvailable(worker_id),
        amount,
    ))
}
