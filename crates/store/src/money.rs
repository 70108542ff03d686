//! The money side's repository: the double-entry ledger, payout accounts and
//! withdrawals. Every posting runs inside `begin_write`, reads the balances it
//! needs there and lets the `ledger` crate's rules decide, so two racing
//! requests are serialised and the second sees the first's result.

use crate::money_model::*;
use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
pub trait MoneyStore: Send + Sync {
    /// The category's own commission rate, if it has one.
    async fn category_commission_bps(&self, category_code: &str) -> StoreResult<Option<i64>>;
    /// Sets (or with `None` clears) a category's commission rate; `NotFound` for an unknown category.
    async fn set_category_commission(&self, category_code: &str, bps: Option<i64>) -> StoreResult<()>;
    async fn worker_balance(&self, worker_id: i64) -> StoreResult<WorkerBalance>;
    /// The worker's ledger lines since `since`, newest first.
    async fn worker_ledger(&self, worker_id: i64, since: OffsetDateTime, limit: i64) -> StoreResult<Vec<WorkerLedgerLine>>;
    /// Every entry of the transactions about an order, oldest first: where
    /// its money went (payment, settlement, fees, refunds, penalties).
    async fn order_ledger(&self, order_id: i64) -> StoreResult<Vec<crate::OrderLedgerEntry>>;
    /// Posts an admin's reward or penalty; a repeated `idem_key` posts nothing
    /// and returns the first transaction's id.
    async fn post_adjustment(&self, worker_id: i64, kind: Adjustment, amount_fen: i64, meta: &PostingMeta, now: OffsetDateTime) -> StoreResult<i64>;

    async fn add_payout_account(&self, worker_id: i64, account: &NewPayoutAccount, now: OffsetDateTime) -> StoreResult<i64>;
    async fn payout_accounts(&self, worker_id: i64) -> StoreResult<Vec<PayoutAccountRecord>>;
    /// Moves `amount_fen` from available to held and files the request, in
    /// one transaction.
    async fn request_withdrawal(&self, worker_id: i64, payout_account_id: i64, amount_fen: i64, now: OffsetDateTime) -> StoreResult<i64>;
    async fn withdrawals(&self, filter: &WithdrawalFilter, limit: i64) -> StoreResult<Vec<WithdrawalRecord>>;
    async fn withdrawal(&self, id: i64) -> StoreResult<Option<WithdrawalRecord>>;
    /// Decides a pending withdrawal exactly once (`Conflict` if it was
    /// already decided).
    async fn decide_withdrawal(&self, id: i64, decision: &WithdrawalDecision, admin_id: i64, now: OffsetDateTime) -> StoreResult<()>;

    /// The ledger's invariants, as a list of human-readable violations
    /// (empty when the books are sound).
    async fn ledger_audit(&self) -> StoreResult<Vec<String>>;
    /// Every account whose balance is not zero, with that balance: a settled
    /// order's escrow is left out, so this grows with open orders and
    /// workers, not with history. An unknown stored kind is an error.
    async fn account_balances(&self) -> StoreResult<Vec<(ledger::Account, domain::Fen)>>;
}

pub(crate) const WITHDRAWAL_COLUMNS: &str = "w.id, w.worker_id, u.display_name AS worker_name, u.phone AS worker_phone,
    w.amount_fen, w.status, w.reference, w.reason, w.requested_at, w.decided_at,
    a.kind AS account_kind, a.holder_name, a.account_no, a.bank_name
    FROM withdrawals w JOIN users u ON u.id = w.worker_id JOIN payout_accounts a ON a.id = w.payout_account_id";

/// Each query returns the offending rows; the audit reports them by name.
pub(crate) const AUDIT_QUERIES: &[(&str, &str)] = &[
    (
        "transaction does not sum to zero",
        "SELECT CAST(txn_id AS TEXT) FROM ledger_entries GROUP BY txn_id HAVING SUM(amount_fen) <> 0",
    ),
    (
        "negative worker or escrow balance",
        "SELECT account || ':' || CAST(owner_id AS TEXT) FROM ledger_entries
         WHERE account IN ('worker_available', 'worker_held', 'order_escrow')
         GROUP BY account, owner_id HAVING SUM(amount_fen) < 0",
    ),
    (
        "paid payment not captured exactly once",
        "SELECT CAST(p.id AS TEXT) FROM payments p WHERE p.status = 'paid'
         AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.idem_key = 'capture:' || CAST(p.id AS TEXT)) <> 1",
    ),
    (
        "capture without a paid payment",
        "SELECT t.idem_key FROM ledger_transactions t WHERE t.kind = 'capture'
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.status = 'paid' AND t.idem_key = 'capture:' || CAST(p.id AS TEXT))",
    ),
    (
        "refunds exceed the amount paid",
        "SELECT CAST(t.order_id AS TEXT) FROM ledger_transactions t JOIN ledger_entries e ON e.txn_id = t.id
         WHERE e.account = 'refunds' GROUP BY t.order_id
         HAVING SUM(e.amount_fen) > (SELECT COALESCE(SUM(p.amount_fen), 0) FROM payments p WHERE p.order_id = t.order_id AND p.status = 'paid')",
    ),
    (
        "refund records exceed the amount paid",
        "SELECT CAST(p.order_id AS TEXT) FROM refunds r JOIN payments p ON p.id = r.payment_id
         GROUP BY p.order_id, p.amount_fen HAVING SUM(r.amount_fen) > p.amount_fen",
    ),
    (
        "withdrawal held amount does not match pending requests",
        "SELECT CAST(e.owner_id AS TEXT) FROM ledger_entries e WHERE e.account = 'worker_held' GROUP BY e.owner_id
         HAVING SUM(e.amount_fen) <> (SELECT COALESCE(SUM(w.amount_fen), 0) FROM withdrawals w WHERE w.worker_id = e.owner_id AND w.status = 'pending')",
    ),
];

macro_rules! shared_money_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::money::MoneyStore for $store {
            async fn category_commission_bps(&self, category_code: &str) -> crate::StoreResult<Option<i64>> {
                let rate: Option<Option<i64>> = sqlx::query_scalar("SELECT CAST(commission_bps AS BIGINT) FROM categories WHERE code = $1")
                    .bind(category_code)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(rate.flatten())
            }

            async fn set_category_commission(&self, category_code: &str, bps: Option<i64>) -> crate::StoreResult<()> {
                let done = sqlx::query("UPDATE categories SET commission_bps = CAST($1 AS INTEGER) WHERE code = $2")
                    .bind(bps)
                    .bind(category_code)
                    .execute(&self.pool)
                    .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn worker_balance(&self, worker_id: i64) -> crate::StoreResult<crate::WorkerBalance> {
                let mut conn = self.pool.acquire().await?;
                let accounts = [ledger::Account::WorkerAvailable(worker_id), ledger::Account::WorkerHeld(worker_id)];
                let balances = Self::balances(&mut conn, &accounts).await?;
                Ok(crate::WorkerBalance {
                    available_fen: balances.0.get(&accounts[0]).copied().unwrap_or(0),
                    held_fen: balances.0.get(&accounts[1]).copied().unwrap_or(0),
                })
            }

            async fn worker_ledger(&self, worker_id: i64, since: time::OffsetDateTime, limit: i64) -> crate::StoreResult<Vec<crate::WorkerLedgerLine>> {
                Ok(sqlx::query_as(
                    "SELECT t.id AS txn_id, t.kind, t.order_id, o.order_no, o.service_name, t.memo, t.created_at,
                        CAST(SUM(CASE WHEN e.account = 'worker_available' THEN e.amount_fen ELSE 0 END) AS BIGINT) AS available_delta,
                        CAST(SUM(CASE WHEN e.account = 'worker_held' THEN e.amount_fen ELSE 0 END) AS BIGINT) AS held_delta,
                        CAST(SUM(CASE WHEN e.account = 'platform_commission' THEN e.amount_fen ELSE 0 END) AS BIGINT) AS commission_fen
                     FROM ledger_transactions t JOIN ledger_entries e ON e.txn_id = t.id
                     LEFT JOIN orders o ON o.id = t.order_id
                     WHERE t.worker_id = $1 AND t.created_at >= $2
                     GROUP BY t.id, t.kind, t.order_id, o.order_no, o.service_name, t.memo, t.created_at
                     ORDER BY t.id DESC LIMIT $3",
                )
                .bind(worker_id)
                .bind(since)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn order_ledger(&self, order_id: i64) -> crate::StoreResult<Vec<crate::OrderLedgerEntry>> {
                Ok(sqlx::query_as(
                    "SELECT t.id AS txn_id, t.kind, t.memo, t.created_at, u.display_name AS worker_name, e.account, e.amount_fen
                     FROM ledger_transactions t JOIN ledger_entries e ON e.txn_id = t.id
                     LEFT JOIN users u ON u.id = t.worker_id
                     WHERE t.order_id = $1
                     ORDER BY t.id, e.id",
                )
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn post_adjustment(
                &self,
                worker_id: i64,
                kind: crate::Adjustment,
                amount_fen: i64,
                meta: &crate::PostingMeta,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                if let Some(id) = Self::posted(&mut tx, &meta.idem_key).await? {
                    return Ok(id);
                }
                let amount = domain::Fen::new(amount_fen);
                let txn = match kind {
                    crate::Adjustment::Reward => ledger::reward(worker_id, amount)?,
                    crate::Adjustment::Penalty => {
                        let balances = Self::balances(&mut tx, &[ledger::Account::WorkerAvailable(worker_id)]).await?;
                        ledger::penalty(&balances, worker_id, amount)?
                    }
                };
                let id = Self::post(&mut tx, &txn, meta, now).await?;
                Self::append_live(&mut tx, &[worker_id], "money", None, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn add_payout_account(&self, worker_id: i64, a: &crate::NewPayoutAccount, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO payout_accounts (worker_id, kind, holder_name, account_no, bank_name, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(worker_id)
                .bind(&a.kind)
                .bind(&a.holder_name)
                .bind(&a.account_no)
                .bind(&a.bank_name)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn payout_accounts(&self, worker_id: i64) -> crate::StoreResult<Vec<crate::PayoutAccountRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, worker_id, kind, holder_name, account_no, bank_name FROM payout_accounts
                     WHERE worker_id = $1 AND NOT removed ORDER BY id",
                )
                .bind(worker_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn request_withdrawal(&self, worker_id: i64, payout_account_id: i64, amount_fen: i64, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payout_accounts WHERE id = $1 AND worker_id = $2 AND NOT removed")
                    .bind(payout_account_id)
                    .bind(worker_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if owned == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                let balances = Self::balances(&mut tx, &[ledger::Account::WorkerAvailable(worker_id), ledger::Account::WorkerHeld(worker_id)]).await?;
                let txn = ledger::request_withdrawal(&balances, worker_id, domain::Fen::new(amount_fen))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO withdrawals (worker_id, payout_account_id, amount_fen, status, requested_at)
                     VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
                )
                .bind(worker_id)
                .bind(payout_account_id)
                .bind(amount_fen)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let meta = crate::PostingMeta { idem_key: format!("withdrawal:{id}:request"), actor_id: Some(worker_id), memo: String::new() };
                Self::post(&mut tx, &txn, &meta, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn withdrawals(&self, f: &crate::WithdrawalFilter, limit: i64) -> crate::StoreResult<Vec<crate::WithdrawalRecord>> {
                let sql = format!(
                    "SELECT {} WHERE ($1 IS NULL OR w.worker_id = $1) AND ($2 IS NULL OR w.status = $2) ORDER BY w.id DESC LIMIT $3",
                    crate::money::WITHDRAWAL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(f.worker_id).bind(f.status.as_deref()).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn withdrawal(&self, id: i64) -> crate::StoreResult<Option<crate::WithdrawalRecord>> {
                let sql = format!("SELECT {} WHERE w.id = $1", crate::money::WITHDRAWAL_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn decide_withdrawal(&self, id: i64, decision: &crate::WithdrawalDecision, admin_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let (status, reference, reason) = match decision {
                    crate::WithdrawalDecision::Paid { reference } => ("paid", reference.as_str(), ""),
                    crate::WithdrawalDecision::Rejected { reason } => ("rejected", "", reason.as_str()),
                };
                let decided = sqlx::query(
                    "UPDATE withdrawals SET status = $1, reference = $2, reason = $3, decided_at = $4, decided_by = $5
                     WHERE id = $6 AND status = 'pending'",
                )
                .bind(status)
                .bind(reference)
                .bind(reason)
                .bind(now)
                .bind(admin_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if decided.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                let (worker_id, amount_fen): (i64, i64) = sqlx::query_as("SELECT worker_id, amount_fen FROM withdrawals WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let balances = Self::balances(&mut tx, &[ledger::Account::WorkerHeld(worker_id)]).await?;
                let amount = domain::Fen::new(amount_fen);
                let txn = match decision {
                    crate::WithdrawalDecision::Paid { .. } => ledger::withdrawal_paid(&balances, worker_id, amount)?,
                    crate::WithdrawalDecision::Rejected { .. } => ledger::withdrawal_rejected(&balances, worker_id, amount)?,
                };
                let memo = if reference.is_empty() { reason } else { reference };
                let meta = crate::PostingMeta { idem_key: format!("withdrawal:{id}:{status}"), actor_id: Some(admin_id), memo: memo.to_string() };
                Self::post(&mut tx, &txn, &meta, now).await?;
                Self::append_live(&mut tx, &[worker_id], "money", None, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn ledger_audit(&self) -> crate::StoreResult<Vec<String>> {
                let mut violations = Vec::new();
                for (name, sql) in crate::money::AUDIT_QUERIES {
                    let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(&self.pool).await?;
                    violations.extend(rows.into_iter().map(|row| format!("{name}: {row}")));
                }
                Ok(violations)
            }

            async fn account_balances(&self) -> crate::StoreResult<Vec<(ledger::Account, domain::Fen)>> {
                let rows: Vec<(String, i64, i64)> = sqlx::query_as(
                    "SELECT account, owner_id, CAST(SUM(amount_fen) AS BIGINT) FROM ledger_entries
                     GROUP BY account, owner_id HAVING SUM(amount_fen) <> 0",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(kind, owner, balance)| {
                        let account = ledger::Account::from_code(&kind, owner).ok_or_else(|| crate::StoreError::Corrupt(format!("ledger account {kind}:{owner}")))?;
                        Ok((account, domain::Fen::new(balance)))
                    })
                    .collect()
            }
        }

        impl $store {
            /// Current balances of `accounts`, read on the caller's connection
            /// (inside its write transaction when it is about to post).
            async fn balances(
                conn: &mut <<$store as crate::Dialect>::Db as sqlx::Database>::Connection,
                accounts: &[ledger::Account],
            ) -> crate::StoreResult<crate::money_model::BalanceMap> {
                let mut map = crate::money_model::BalanceMap::default();
                for account in accounts {
                    let (code, owner) = account.code();
                    let balance: i64 = sqlx::query_scalar(
                        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM ledger_entries WHERE account = $1 AND owner_id = $2",
                    )
                    .bind(code)
                    .bind(owner)
                    .fetch_one(&mut *conn)
                    .await?;
                    map.0.insert(*account, balance);
                }
                Ok(map)
            }

            /// The transaction already posted under `idem_key`, if any. Asked
            /// before posting: on PostgreSQL a refused duplicate would abort the
            /// whole database transaction.
            async fn posted(
                conn: &mut <<$store as crate::Dialect>::Db as sqlx::Database>::Connection,
                idem_key: &str,
            ) -> crate::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar("SELECT id FROM ledger_transactions WHERE idem_key = $1").bind(idem_key).fetch_optional(&mut *conn).await?)
            }

            /// Appends one balanced transaction and its entries.
            async fn post(
                conn: &mut <<$store as crate::Dialect>::Db as sqlx::Database>::Connection,
                txn: &ledger::Txn,
                meta: &crate::PostingMeta,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO ledger_transactions (kind, idem_key, order_id, worker_id, actor_id, memo, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(txn.kind().code())
                .bind(&meta.idem_key)
                .bind(txn.order_id())
                .bind(txn.worker_id())
                .bind(meta.actor_id)
                .bind(&meta.memo)
                .bind(now)
                .fetch_one(&mut *conn)
                .await
                .map_err(crate::money::map_posting_error)?;
                for entry in txn.entries() {
                    let (code, owner) = entry.account.code();
                    sqlx::query("INSERT INTO ledger_entries (txn_id, account, owner_id, amount_fen) VALUES ($1, $2, $3, $4)")
                        .bind(id)
                        .bind(code)
                        .bind(owner)
                        .bind(entry.amount.get())
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(id)
            }
        }
    };
}
pub(crate) use shared_money_impl;

/// A repeated idempotency key means the posting already happened.
pub(crate) fn map_posting_error(err: sqlx::Error) -> crate::StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => crate::StoreError::Duplicate,
        _ => crate::StoreError::Database(err),
    }
}
