use super::*;
use proptest::prelude::*;

const ORDER: i64 = 7;
const WORKER: i64 = 3;

fn fen(amount: i64) -> Fen {
    Fen::new(amount)
}

fn entry(account: Account, amount: i64) -> Entry {
    Entry { account, amount: fen(amount) }
}

/// Runs a rule against `book` and posts what it returns.
fn post(book: &mut Book, rule: impl FnOnce(&Book) -> Result<Txn, LedgerError>) {
    let txn = rule(book).unwrap();
    book.try_post(txn).unwrap();
}

/// A book where `ORDER` has been paid `amount`.
fn captured(amount: i64) -> Book {
    let mut book = Book::new();
    post(&mut book, |_| capture(ORDER, fen(amount)));
    book
}

/// A book where `WORKER` has `amount` available, from a reward.
fn worker_with(amount: i64) -> Book {
    let mut book = Book::new();
    post(&mut book, |_| reward(WORKER, fen(amount)));
    book
}

#[test]
fn account_codes_roundtrip() {
    let accounts = [
        Account::Gateway,
        Account::OrderEscrow(42),
        Account::PlatformCommission,
        Account::WorkerAvailable(5),
        Account::WorkerHeld(5),
        Account::Rewards,
        Account::Promotions,
        Account::Penalties,
        Account::Refunds,
        Account::Payouts,
    ];
    for account in accounts {
        let (kind, owner_id) = account.code();
        assert_eq!(Account::from_code(kind, owner_id), Some(account), "{kind}");
    }
    assert_eq!(Account::OrderEscrow(42).code(), ("order_escrow", 42));
    assert_eq!(Account::Gateway.code(), ("gateway", 0));
}

#[test]
fn account_codes_that_no_account_writes_are_refused() {
    assert_eq!(Account::from_code("wallet", 0), None);
    assert_eq!(Account::from_code("gateway", 9), None);
}

#[test]
fn txn_kind_codes_roundtrip() {
    for kind in TxnKind::ALL {
        assert_eq!(TxnKind::from_code(kind.code()), Some(kind));
    }
    assert_eq!(TxnKind::WithdrawalRequest.code(), "withdrawal_request");
    assert_eq!(TxnKind::from_code("transfer"), None);
}

#[test]
fn capture_moves_payment_from_gateway_into_escrow() {
    let txn = capture(ORDER, fen(12_800)).unwrap();
    assert_eq!(txn.kind(), TxnKind::Capture);
    assert_eq!(txn.order_id(), Some(ORDER));
    assert_eq!(txn.entries(), [entry(Account::Gateway, -12_800), entry(Account::OrderEscrow(ORDER), 12_800)]);
}

#[test]
fn non_positive_amounts_are_refused_by_every_rule() {
    let book = captured(10_000);
    for amount in [fen(0), fen(-1)] {
        let results = [
            capture(ORDER, amount),
            cancel_fee(&book, ORDER, amount),
            refund(&book, ORDER, amount),
            reward(WORKER, amount),
            penalty(&book, WORKER, amount),
            request_withdrawal(&book, WORKER, amount),
            withdrawal_paid(&book, WORKER, amount),
            withdrawal_rejected(&book, WORKER, amount),
        ];
        for result in results {
            assert_eq!(result, Err(LedgerError::NonPositiveAmount));
        }
    }
}

#[test]
fn completion_splits_whole_escrow_with_commission_rounded_down() {
    let book = captured(9_999);
    // 15% of ¥99.99 is 1499.85 fen: the platform gets 1499, the worker 8500.
    let txn = complete(&book, ORDER, WORKER, 1_500).unwrap();
    assert_eq!(txn.kind(), TxnKind::Completion);
    assert_eq!((txn.order_id(), txn.worker_id()), (Some(ORDER), Some(WORKER)));
    assert_eq!(
        txn.entries(),
        [
            entry(Account::OrderEscrow(ORDER), -9_999),
            entry(Account::PlatformCommission, 1_499),
            entry(Account::WorkerAvailable(WORKER), 8_500),
        ]
    );
}

#[test]
fn completion_settles_only_what_is_left_after_a_partial_refund() {
    let mut book = captured(10_000);
    post(&mut book, |b| refund(b, ORDER, fen(4_000)));
    post(&mut book, |b| complete(b, ORDER, WORKER, 2_000));
    assert_eq!(book.balance(Account::OrderEscrow(ORDER)), Fen::ZERO);
    assert_eq!(book.balance(Account::PlatformCommission), fen(1_200));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(4_800));
}

#[test]
fn a_contracts_months_are_paid_out_of_its_escrow_and_its_completion_settles_the_rest() {
    let mut book = captured(2_560_000);
    let month = installment(&book, ORDER, WORKER, 1_500, fen(1_109_333)).unwrap();
    assert_eq!((month.kind(), month.order_id(), month.worker_id()), (TxnKind::Installment, Some(ORDER), Some(WORKER)));
    // 15% of ¥11093.33 is 166399.95 fen: the platform gets 166399, the nanny the rest.
    assert_eq!(
        month.entries(),
        [
            entry(Account::OrderEscrow(ORDER), -1_109_333),
            entry(Account::PlatformCommission, 166_399),
            entry(Account::WorkerAvailable(WORKER), 942_934),
        ]
    );
    book.try_post(month).unwrap();
    post(&mut book, |b| installment(b, ORDER, WORKER, 1_500, fen(1_109_333)));
    assert_eq!(installment(&book, ORDER, WORKER, 1_500, fen(341_335)), Err(LedgerError::ExceedsEscrow));
    assert_eq!(installment(&book, ORDER, WORKER, 1_500, Fen::ZERO), Err(LedgerError::NonPositiveAmount));
    assert_eq!(installment(&book, ORDER, WORKER, 10_001, fen(1)), Err(LedgerError::InvalidCommissionRate));
    post(&mut book, |b| complete(b, ORDER, WORKER, 1_500));
    assert_eq!(book.balance(Account::OrderEscrow(ORDER)), Fen::ZERO);
    let (commission, share) = (book.balance(Account::PlatformCommission), book.balance(Account::WorkerAvailable(WORKER)));
    assert_eq!(commission + share, fen(2_560_000), "every fen of the fee is paid out once");
    assert_eq!(commission, fen(383_998), "each part's commission is rounded down, so she may gain a fen per part");
    assert!(book.audit().is_empty());
}

#[test]
fn a_discount_is_paid_by_the_platform_so_the_worker_shares_the_price_before_it() {
    // ¥90 less a ¥10 coupon: the customer paid ¥80.
    let mut book = captured(8_000);
    post(&mut book, |_| discount_subsidy(ORDER, fen(1_000)));
    post(&mut book, |b| complete(b, ORDER, WORKER, 2_000));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(7_200));
    assert_eq!(book.balance(Account::PlatformCommission), fen(1_800));
    assert_eq!(book.balance(Account::Promotions), fen(-1_000));
    assert_eq!(book.balance(Account::OrderEscrow(ORDER)), Fen::ZERO);
    assert!(book.audit().is_empty());
}

#[test]
fn a_discount_is_subsidised_once_and_never_by_a_zero_amount() {
    let mut book = captured(8_000);
    post(&mut book, |_| discount_subsidy(ORDER, fen(1_000)));
    assert_eq!(book.try_post(discount_subsidy(ORDER, fen(1_000)).unwrap()), Err(LedgerError::AlreadySettled));
    assert_eq!(discount_subsidy(ORDER, Fen::ZERO), Err(LedgerError::NonPositiveAmount));
}

#[test]
fn the_overview_sums_each_kind_of_account_and_what_came_in_is_where_it_is() {
    let mut book = captured(8_000);
    post(&mut book, |_| discount_subsidy(ORDER, fen(1_000)));
    post(&mut book, |b| complete(b, ORDER, WORKER, 2_000));
    post(&mut book, |_| capture(ORDER + 1, fen(5_000)));
    post(&mut book, |b| refund(b, ORDER + 1, fen(1_000)));
    post(&mut book, |_| reward(WORKER, fen(500)));
    post(&mut book, |b| penalty(b, WORKER, fen(200)));
    let o = Overview::of(book.balances().iter().map(|(a, f)| (*a, *f)));
    assert_eq!((o.customers_paid, o.in_escrow, o.refunded), (fen(13_000), fen(4_000), fen(1_000)));
    assert_eq!((o.platform_income, o.discounts_paid, o.rewards_paid, o.penalties_taken), (fen(1_800), fen(1_000), fen(500), fen(200)));
    assert_eq!((o.owed_to_workers, o.paid_out), (fen(7_500), Fen::ZERO));
    let came_in = o.customers_paid + o.discounts_paid + o.rewards_paid;
    let is_now = o.in_escrow + o.refunded + o.platform_income + o.penalties_taken + o.owed_to_workers + o.paid_out;
    assert_eq!((came_in, is_now), (fen(14_500), fen(14_500)));
}

#[test]
fn completion_of_an_empty_escrow_has_nothing_to_settle() {
    assert_eq!(complete(&Book::new(), ORDER, WORKER, 1_000), Err(LedgerError::NothingToSettle));
}

#[test]
fn completion_rate_above_one_hundred_percent_is_refused() {
    let book = captured(10_000);
    assert_eq!(complete(&book, ORDER, WORKER, 10_001), Err(LedgerError::InvalidCommissionRate));
}

#[test]
fn completion_at_zero_or_full_rate_posts_no_zero_entry() {
    let book = captured(10_000);
    let no_commission = complete(&book, ORDER, WORKER, 0).unwrap();
    assert_eq!(
        no_commission.entries(),
        [entry(Account::OrderEscrow(ORDER), -10_000), entry(Account::WorkerAvailable(WORKER), 10_000)]
    );
    let all_commission = complete(&book, ORDER, WORKER, 10_000).unwrap();
    assert_eq!(
        all_commission.entries(),
        [entry(Account::OrderEscrow(ORDER), -10_000), entry(Account::PlatformCommission, 10_000)]
    );
}

proptest! {
    #[test]
    fn commission_split_adds_up_and_rounds_commission_down(amount in 0i64..1_000_000_000_000, bps in 0u32..=10_000) {
        let (worker, commission) = commission_split(fen(amount), bps);
        prop_assert_eq!(worker + commission, fen(amount));
        // commission ≤ exact value < commission + 1 fen
        let exact_times_10000 = i128::from(amount) * i128::from(bps);
        prop_assert!(i128::from(commission.get()) * 10_000 <= exact_times_10000);
        prop_assert!(exact_times_10000 < (i128::from(commission.get()) + 1) * 10_000);
    }
}

#[test]
fn cancel_fee_goes_to_the_platform_and_cannot_exceed_escrow() {
    let mut book = captured(5_000);
    assert_eq!(cancel_fee(&book, ORDER, fen(5_001)), Err(LedgerError::ExceedsEscrow));
    post(&mut book, |b| cancel_fee(b, ORDER, fen(1_000)));
    assert_eq!(book.balance(Account::PlatformCommission), fen(1_000));
    assert_eq!(book.balance(Account::OrderEscrow(ORDER)), fen(4_000));
}

#[test]
fn refund_larger_than_escrow_is_refused() {
    let mut book = captured(5_000);
    post(&mut book, |b| cancel_fee(b, ORDER, fen(1_000)));
    assert_eq!(refund(&book, ORDER, fen(4_001)), Err(LedgerError::ExceedsEscrow));
    post(&mut book, |b| refund(b, ORDER, fen(4_000)));
    assert_eq!(book.balance(Account::Refunds), fen(4_000));
    assert_eq!(book.balance(Account::OrderEscrow(ORDER)), Fen::ZERO);
}

#[test]
fn reward_is_paid_from_the_rewards_expense_account() {
    let book = worker_with(2_000);
    assert_eq!(book.balance(Account::Rewards), fen(-2_000));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(2_000));
}

#[test]
fn adjustment_above_the_cap_is_refused() {
    let book = worker_with(MAX_ADJUSTMENT.get());
    let too_much = MAX_ADJUSTMENT + fen(1);
    assert!(reward(WORKER, MAX_ADJUSTMENT).is_ok());
    assert_eq!(reward(WORKER, too_much), Err(LedgerError::AmountTooLarge));
    assert!(penalty(&book, WORKER, MAX_ADJUSTMENT).is_ok());
    assert_eq!(penalty(&book, WORKER, too_much), Err(LedgerError::AmountTooLarge));
}

#[test]
fn penalty_larger_than_available_is_refused() {
    let book = worker_with(500);
    assert_eq!(penalty(&book, WORKER, fen(501)), Err(LedgerError::InsufficientAvailable { available: fen(500) }));
}

#[test]
fn penalty_does_not_touch_money_held_for_a_withdrawal() {
    let mut book = worker_with(1_000);
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(600)));
    assert_eq!(penalty(&book, WORKER, fen(401)), Err(LedgerError::InsufficientAvailable { available: fen(400) }));
    post(&mut book, |b| penalty(b, WORKER, fen(400)));
    assert_eq!(book.balance(Account::Penalties), fen(400));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), Fen::ZERO);
    assert_eq!(book.balance(Account::WorkerHeld(WORKER)), fen(600));
}

#[test]
fn a_late_penalty_comes_out_of_the_orders_own_earnings() {
    let mut book = captured(10_000);
    let completion = complete(&book, ORDER, WORKER, 2_000).unwrap();
    book.try_post(completion.clone()).unwrap();
    let txn = late_penalty(&completion, fen(2_000)).unwrap();
    assert_eq!((txn.kind(), txn.order_id(), txn.worker_id()), (TxnKind::Penalty, Some(ORDER), Some(WORKER)));
    book.try_post(txn).unwrap();
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(6_000));
    assert_eq!(book.balance(Account::Penalties), fen(2_000));
    assert!(book.audit().is_empty());
}

#[test]
fn a_late_penalty_never_exceeds_what_the_order_paid_the_worker() {
    let book = captured(1_000);
    let completion = complete(&book, ORDER, WORKER, 2_000).unwrap();
    assert_eq!(late_penalty(&completion, fen(5_000)).unwrap().entries(), [entry(Account::WorkerAvailable(WORKER), -800), entry(Account::Penalties, 800)]);
    let all_commission = complete(&book, ORDER, WORKER, 10_000).unwrap();
    assert_eq!(late_penalty(&all_commission, fen(500)), Err(LedgerError::InsufficientAvailable { available: Fen::ZERO }));
}

#[test]
fn a_late_penalty_needs_a_completion_and_a_positive_amount() {
    let book = captured(1_000);
    let completion = complete(&book, ORDER, WORKER, 2_000).unwrap();
    assert_eq!(late_penalty(&completion, Fen::ZERO), Err(LedgerError::NonPositiveAmount));
    assert_eq!(late_penalty(&capture(ORDER, fen(1_000)).unwrap(), fen(100)), Err(LedgerError::NothingToSettle));
}

#[test]
fn a_no_show_penalty_takes_at_most_what_is_available_and_never_held_money() {
    let mut book = worker_with(3_000);
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(2_000)));
    let txn = no_show_penalty(&book, ORDER, WORKER, fen(10_000)).unwrap();
    assert_eq!((txn.kind(), txn.order_id(), txn.worker_id()), (TxnKind::Penalty, Some(ORDER), Some(WORKER)));
    book.try_post(txn).unwrap();
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), Fen::ZERO);
    assert_eq!(book.balance(Account::WorkerHeld(WORKER)), fen(2_000));
    assert_eq!(book.balance(Account::Penalties), fen(1_000));
    assert_eq!(no_show_penalty(&book, ORDER, WORKER, fen(100)), Err(LedgerError::InsufficientAvailable { available: Fen::ZERO }));
    assert_eq!(no_show_penalty(&book, ORDER, WORKER, Fen::ZERO), Err(LedgerError::NonPositiveAmount));
    assert!(book.audit().is_empty());
}

#[test]
fn a_withdrawn_penalty_returns_exactly_what_was_taken() {
    let mut book = worker_with(1_000);
    post(&mut book, |b| penalty(b, WORKER, fen(300)));
    post(&mut book, |_| penalty_withdrawn(WORKER, fen(300)));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(1_000));
    assert_eq!(book.balance(Account::Penalties), Fen::ZERO);
    assert_eq!(penalty_withdrawn(WORKER, Fen::ZERO), Err(LedgerError::NonPositiveAmount));
    assert!(book.audit().is_empty());
}

#[test]
fn withdrawal_below_minimum_is_refused() {
    let book = worker_with(1_000);
    assert_eq!(request_withdrawal(&book, WORKER, fen(99)), Err(LedgerError::BelowMinimum));
    assert!(request_withdrawal(&book, WORKER, MIN_WITHDRAWAL).is_ok());
}

#[test]
fn withdrawal_larger_than_available_is_refused() {
    let book = worker_with(1_000);
    assert_eq!(
        request_withdrawal(&book, WORKER, fen(1_001)),
        Err(LedgerError::InsufficientAvailable { available: fen(1_000) })
    );
}

#[test]
fn paid_withdrawal_moves_held_money_to_payouts() {
    let mut book = worker_with(1_000);
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(800)));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(200));
    assert_eq!(book.balance(Account::WorkerHeld(WORKER)), fen(800));
    post(&mut book, |b| withdrawal_paid(b, WORKER, fen(800)));
    assert_eq!(book.balance(Account::WorkerHeld(WORKER)), Fen::ZERO);
    assert_eq!(book.balance(Account::Payouts), fen(800));
}

#[test]
fn rejected_withdrawal_makes_the_money_available_again() {
    let mut book = worker_with(1_000);
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(800)));
    post(&mut book, |b| withdrawal_rejected(b, WORKER, fen(800)));
    assert_eq!(book.balance(Account::WorkerAvailable(WORKER)), fen(1_000));
    assert_eq!(book.balance(Account::WorkerHeld(WORKER)), Fen::ZERO);
}

#[test]
fn settling_more_than_is_held_is_refused() {
    let mut book = worker_with(1_000);
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(300)));
    assert_eq!(withdrawal_paid(&book, WORKER, fen(301)), Err(LedgerError::InsufficientHeld));
    assert_eq!(withdrawal_rejected(&book, WORKER, fen(301)), Err(LedgerError::InsufficientHeld));
}

#[test]
fn reversal_negates_every_entry() {
    let book = captured(9_999);
    let completion = complete(&book, ORDER, WORKER, 1_500).unwrap();
    let reversal = completion.reversal();
    assert_eq!(reversal.kind(), TxnKind::Reversal);
    assert_eq!((reversal.order_id(), reversal.worker_id()), (Some(ORDER), Some(WORKER)));
    assert_eq!(
        reversal.entries(),
        [
            entry(Account::OrderEscrow(ORDER), 9_999),
            entry(Account::PlatformCommission, -1_499),
            entry(Account::WorkerAvailable(WORKER), -8_500),
        ]
    );
}

#[test]
fn posting_a_reversal_restores_every_balance() {
    let mut book = captured(9_999);
    let before = book.balances().clone();
    let completion = complete(&book, ORDER, WORKER, 1_500).unwrap();
    book.try_post(completion.clone()).unwrap();
    book.try_post(completion.reversal()).unwrap();
    for (account, balance) in book.balances() {
        assert_eq!(*balance, before.get(account).copied().unwrap_or(Fen::ZERO), "{account:?}");
    }
    assert_eq!(book.txns().len(), 3, "the correction is appended, nothing is removed");
    assert!(book.audit().is_empty());
}

#[test]
fn second_capture_of_an_order_is_refused_and_leaves_the_book_unchanged() {
    let mut book = captured(5_000);
    let before = book.clone();
    assert_eq!(book.try_post(capture(ORDER, fen(5_000)).unwrap()), Err(LedgerError::AlreadyCaptured));
    assert_eq!(book, before);
    assert!(book.try_post(capture(ORDER + 1, fen(5_000)).unwrap()).is_ok());
}

#[test]
fn second_completion_of_an_order_is_refused_even_after_a_reversal() {
    let mut book = captured(5_000);
    let completion = complete(&book, ORDER, WORKER, 1_000).unwrap();
    book.try_post(completion.clone()).unwrap();
    book.try_post(completion.reversal()).unwrap();
    let before = book.clone();
    let again = complete(&book, ORDER, WORKER, 1_000).unwrap();
    assert_eq!(book.try_post(again), Err(LedgerError::AlreadySettled));
    assert_eq!(book, before);
}

#[test]
fn audit_of_a_sound_book_is_empty() {
    let mut book = captured(10_000);
    post(&mut book, |b| cancel_fee(b, ORDER, fen(1_000)));
    post(&mut book, |b| refund(b, ORDER, fen(2_000)));
    post(&mut book, |b| complete(b, ORDER, WORKER, 2_000));
    post(&mut book, |b| request_withdrawal(b, WORKER, fen(5_000)));
    post(&mut book, |b| withdrawal_paid(b, WORKER, fen(5_000)));
    assert_eq!(book.audit(), []);
}

#[test]
fn audit_reports_an_unbalanced_txn() {
    let mut book = Book::new();
    book.post(Txn::unchecked(TxnKind::Reward, None, vec![entry(Account::WorkerAvailable(WORKER), 100)]));
    assert_eq!(book.audit(), [Violation::Unbalanced { txn: 0, sum: fen(100) }]);
}

#[test]
fn audit_reports_a_refund_built_against_stale_balances() {
    let paid = captured(5_000);
    let stale_refund = refund(&paid, ORDER, fen(5_000)).unwrap();
    let mut book = Book::new();
    book.post(stale_refund.clone());
    book.post(stale_refund);
    assert_eq!(
        book.audit(),
        [
            Violation::NegativeBalance { txn: 0, account: Account::OrderEscrow(ORDER), balance: fen(-5_000) },
            Violation::RefundsExceedCaptured { order_id: ORDER, refunded: fen(10_000), captured: Fen::ZERO },
        ]
    );
}

#[test]
fn audit_reports_a_worker_overdrawn_by_a_stale_penalty() {
    let rich = worker_with(1_000);
    let mut book = Book::new();
    book.post(penalty(&rich, WORKER, fen(1_000)).unwrap());
    assert_eq!(
        book.audit(),
        [Violation::NegativeBalance { txn: 0, account: Account::WorkerAvailable(WORKER), balance: fen(-1_000) }]
    );
}

#[test]
fn audit_reports_duplicates_posted_without_checks() {
    let mut book = captured(5_000);
    let completion = complete(&book, ORDER, WORKER, 1_000).unwrap();
    book.post(capture(ORDER, fen(5_000)).unwrap());
    book.post(completion.clone());
    book.post(completion);
    assert_eq!(
        book.audit(),
        [
            Violation::DuplicateCapture { txn: 1, order_id: ORDER },
            Violation::DuplicateCompletion { txn: 3, order_id: ORDER },
        ]
    );
}
