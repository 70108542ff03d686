//! Drives [`Book`] through random sequences of the operations the app
//! performs, the way the app does (rule function, then `try_post`), and
//! checks after every step that the ledger is still sound and that each
//! operation was accepted or refused, and moved money, exactly as specified.

use domain::Fen;
use ledger::*;
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet};

const ORDERS: i64 = 6;
const WORKERS: i64 = 3;

#[derive(Debug, Clone)]
enum Op {
    Capture { order: i64, amount: i64 },
    Complete { order: i64, worker: i64, bps: u32 },
    CancelFee { order: i64, fee: i64 },
    Refund { order: i64, amount: i64 },
    Reward { worker: i64, amount: i64 },
    Penalty { worker: i64, amount: i64 },
    RequestWithdrawal { worker: i64, amount: i64 },
    Approve(Index),
    Reject(Index),
}

/// Mostly ordinary amounts, with zero, negatives and sub-minimum withdrawals
/// mixed in so the refusals get exercised too.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => 0i64..50_000,
        1 => Just(0i64),
        1 => -1_000i64..0,
        1 => 1i64..200,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let order = 0..ORDERS;
    let worker = 0..WORKERS;
    let bps = prop_oneof![9 => 0u32..=10_000, 1 => 10_001u32..20_000];
    prop_oneof![
        (order.clone(), amount()).prop_map(|(order, amount)| Op::Capture { order, amount }),
        (order.clone(), worker.clone(), bps).prop_map(|(order, worker, bps)| Op::Complete { order, worker, bps }),
        (order.clone(), amount()).prop_map(|(order, fee)| Op::CancelFee { order, fee }),
        (order, amount()).prop_map(|(order, amount)| Op::Refund { order, amount }),
        (worker.clone(), amount()).prop_map(|(worker, amount)| Op::Reward { worker, amount }),
        (worker.clone(), amount()).prop_map(|(worker, amount)| Op::Penalty { worker, amount }),
        (worker, amount()).prop_map(|(worker, amount)| Op::RequestWithdrawal { worker, amount }),
        any::<Index>().prop_map(Op::Approve),
        any::<Index>().prop_map(Op::Reject),
    ]
}

/// What the app keeps beside the ledger, plus running totals of money that
/// entered the system, tracked from accepted operations rather than read
/// back from the book.
#[derive(Default)]
struct World {
    book: Book,
    /// Withdrawals awaiting review, as `(worker, amount)`.
    pending: Vec<(i64, Fen)>,
    captured_orders: BTreeSet<i64>,
    settled_orders: BTreeSet<i64>,
    captured_total: i64,
    rewards_paid: i64,
}

/// The balance changes an accepted operation must make, per account.
type Deltas = Vec<(Account, i64)>;

impl World {
    fn escrow(&self, order: i64) -> i64 {
        self.book.balance(Account::OrderEscrow(order)).get()
    }

    fn available(&self, worker: i64) -> i64 {
        self.book.balance(Account::WorkerAvailable(worker)).get()
    }

    /// Whether the specification accepts `op` in the current state, and if
    /// so what it must do to balances. Written from the rules as stated, not
    /// from the crate's code, so the two can disagree.
    fn expect(&self, op: &Op) -> Option<Deltas> {
        let adjustment = |amount: i64| amount > 0 && amount <= 1_000_000;
        match *op {
            Op::Capture { order, amount } => (amount > 0 && !self.captured_orders.contains(&order))
                .then(|| vec![(Account::Gateway, -amount), (Account::OrderEscrow(order), amount)]),
            Op::Complete { order, worker, bps } => {
                let escrow = self.escrow(order);
                let commission = escrow * i64::from(bps) / 10_000;
                (bps <= 10_000 && escrow > 0 && !self.settled_orders.contains(&order)).then(|| {
                    vec![
                        (Account::OrderEscrow(order), -escrow),
                        (Account::PlatformCommission, commission),
                        (Account::WorkerAvailable(worker), escrow - commission),
                    ]
                })
            }
            Op::CancelFee { order, fee } => (fee > 0 && fee <= self.escrow(order))
                .then(|| vec![(Account::OrderEscrow(order), -fee), (Account::PlatformCommission, fee)]),
            Op::Refund { order, amount } => (amount > 0 && amount <= self.escrow(order))
                .then(|| vec![(Account::OrderEscrow(order), -amount), (Account::Refunds, amount)]),
            Op::Reward { worker, amount } => adjustment(amount)
                .then(|| vec![(Account::Rewards, -amount), (Account::WorkerAvailable(worker), amount)]),
            Op::Penalty { worker, amount } => (adjustment(amount) && amount <= self.available(worker))
                .then(|| vec![(Account::WorkerAvailable(worker), -amount), (Account::Penalties, amount)]),
            Op::RequestWithdrawal { worker, amount } => (amount >= 100 && amount <= self.available(worker))
                .then(|| vec![(Account::WorkerAvailable(worker), -amount), (Account::WorkerHeld(worker), amount)]),
            Op::Approve(index) => self.pending_at(index).map(|(_, (worker, amount))| {
                vec![(Account::WorkerHeld(worker), -amount.get()), (Account::Payouts, amount.get())]
            }),
            Op::Reject(index) => self.pending_at(index).map(|(_, (worker, amount))| {
                vec![(Account::WorkerHeld(worker), -amount.get()), (Account::WorkerAvailable(worker), amount.get())]
            }),
        }
    }

    fn pending_at(&self, index: Index) -> Option<(usize, (i64, Fen))> {
        if self.pending.is_empty() {
            return None;
        }
        let at = index.index(self.pending.len());
        Some((at, self.pending[at]))
    }

    /// Performs `op` as the app would; `true` if it was posted.
    fn apply(&mut self, op: &Op) -> bool {
        let book = &self.book;
        let txn = match *op {
            Op::Capture { order, amount } => capture(order, Fen::new(amount)),
            Op::Complete { order, worker, bps } => complete(book, order, worker, bps),
            Op::CancelFee { order, fee } => cancel_fee(book, order, Fen::new(fee)),
            Op::Refund { order, amount } => refund(book, order, Fen::new(amount)),
            Op::Reward { worker, amount } => reward(worker, Fen::new(amount)),
            Op::Penalty { worker, amount } => penalty(book, worker, Fen::new(amount)),
            Op::RequestWithdrawal { worker, amount } => request_withdrawal(book, worker, Fen::new(amount)),
            Op::Approve(index) | Op::Reject(index) => {
                let Some((_, (worker, amount))) = self.pending_at(index) else {
                    return false;
                };
                if matches!(op, Op::Approve(_)) {
                    withdrawal_paid(book, worker, amount)
                } else {
                    withdrawal_rejected(book, worker, amount)
                }
            }
        };
        let Ok(txn) = txn else {
            return false;
        };
        if self.book.try_post(txn).is_err() {
            return false;
        }
        match *op {
            Op::Capture { order, amount } => {
                self.captured_orders.insert(order);
                self.captured_total += amount;
            }
            Op::Complete { order, .. } => {
                self.settled_orders.insert(order);
            }
            Op::Reward { amount, .. } => self.rewards_paid += amount,
            Op::RequestWithdrawal { worker, amount } => self.pending.push((worker, Fen::new(amount))),
            Op::Approve(index) | Op::Reject(index) => {
                let at = index.index(self.pending.len());
                self.pending.remove(at);
            }
            Op::CancelFee { .. } | Op::Refund { .. } | Op::Penalty { .. } => {}
        }
        true
    }
}

fn check_step(
    world: &World,
    before: &Book,
    op: &Op,
    expected: Option<Deltas>,
    posted: bool,
) -> Result<(), TestCaseError> {
    let book = &world.book;
    prop_assert_eq!(posted, expected.is_some(), "accepted/refused wrongly: {:?}", op);
    match expected {
        None => prop_assert_eq!(book, before, "refused {:?} changed the book", op),
        Some(deltas) => {
            prop_assert_eq!(book.txns().len(), before.txns().len() + 1);
            let mut want: BTreeMap<Account, i64> = BTreeMap::new();
            for (account, delta) in deltas {
                *want.entry(account).or_default() += delta;
            }
            let touched: BTreeSet<Account> =
                before.balances().keys().chain(book.balances().keys()).chain(want.keys()).copied().collect();
            for account in touched {
                let moved = book.balance(account).get() - before.balance(account).get();
                prop_assert_eq!(moved, want.get(&account).copied().unwrap_or(0), "{:?} after {:?}", account, op);
            }
        }
    }

    prop_assert_eq!(book.audit(), Vec::<Violation>::new());

    let balances = book.balances();
    prop_assert_eq!(balances.values().map(|b| b.get()).sum::<i64>(), 0);
    let held_by_system: i64 = balances
        .iter()
        .filter(|(account, _)| {
            matches!(
                account,
                Account::WorkerAvailable(_)
                    | Account::WorkerHeld(_)
                    | Account::PlatformCommission
                    | Account::Penalties
                    | Account::Payouts
                    | Account::Refunds
                    | Account::OrderEscrow(_)
            )
        })
        .map(|(_, balance)| balance.get())
        .sum();
    prop_assert_eq!(held_by_system, world.captured_total + world.rewards_paid);

    for worker in 0..WORKERS {
        let pending: i64 = world.pending.iter().filter(|(w, _)| *w == worker).map(|(_, a)| a.get()).sum();
        prop_assert_eq!(book.balance(Account::WorkerHeld(worker)).get(), pending);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn random_operation_sequences_keep_the_ledger_sound(ops in prop::collection::vec(op(), 1..40)) {
        let mut world = World::default();
        for op in &ops {
            let before = world.book.clone();
            let expected = world.expect(op);
            let posted = world.apply(op);
            check_step(&world, &before, op, expected, posted)?;
        }
    }
}
