//! Smart dispatch (issue 4): the admin's dispatch settings, 抢单 broadcasts
//! and each worker's track record for the score. Settings live in one
//! versioned row, audited in the same transaction that changes them (the
//! same shape as the pricing strategy, which shares [`shared_settings_impl`]).

use crate::StoreResult;
use async_trait::async_trait;
use dispatch::{DispatchSettings, Record};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct StoredDispatchSettings {
    pub settings: DispatchSettings,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

/// Orders (`o`) the offer chain has not touched yet: 待接单, unassigned,
/// not in the admin queue and never offered to anyone. Only these may have
/// their hold moved by the planner.
pub(crate) const NEVER_OFFERED_SQL: &str = "o.state = 'booked' AND o.worker_id IS NULL AND o.needs_admin = FALSE
    AND NOT EXISTS (SELECT 1 FROM offers f WHERE f.order_id = o.id)";

/// The workers of the customer `customer` (an SQL expression) calls their
/// own: their favourites and whoever completed an order for them. One rule
/// for [`DispatchStore::favored_workers`] and [`DispatchStore::own_worker_holds`].
pub(crate) fn own_workers_sql(customer: &str) -> String {
    format!(
        "SELECT fw.worker_id FROM favorite_workers fw WHERE fw.customer_id = {customer}
         UNION SELECT p.worker_id FROM orders p WHERE p.customer_id = {customer} AND p.state = 'completed' AND p.worker_id IS NOT NULL"
    )
}

/// One hold the planner moves: an order nobody has been offered yet goes
/// from one worker's time to another's.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldMove {
    pub order_id: i64,
    pub from_worker: i64,
    pub to_worker: i64,
    /// The day's planned road kilometres before and after the day plan that
    /// moved it; `None` when it moved to make room for a new booking.
    pub day_km: Option<(f64, f64)>,
}

/// A stored [`HoldMove`], with the workers' names for the admin.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReplanRecord {
    pub from_name: String,
    pub to_name: String,
    pub km_before: Option<f64>,
    pub km_after: Option<f64>,
    pub created_at: OffsetDateTime,
}

/// One dispatch decision as stored: `offer` (to `worker_id`), `broadcast`
/// or `escalate`, with the explanation (JSON) it was made on.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DecisionRecord {
    pub outcome: String,
    pub worker_id: Option<i64>,
    pub explanation: String,
    pub created_at: OffsetDateTime,
}

#[async_trait]
pub trait DispatchStore: Send + Sync {
    /// The order's dispatch decisions, oldest first.
    async fn order_decisions(&self, order_id: i64) -> StoreResult<Vec<DecisionRecord>>;
    /// The saved settings; `None` until an admin first saves some.
    async fn dispatch_settings(&self) -> StoreResult<Option<StoredDispatchSettings>>;
    /// Replaces the settings if still at `expected_version` (0 when none was
    /// saved), auditing old and new. `Conflict` otherwise.
    async fn save_dispatch_settings(&self, settings: &DispatchSettings, expected_version: i64, actor_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// Opens a 待接单 order to all of `offers` (worker, explanation) at once
    /// until `deadline`, with one `broadcast_timeout` job. Workers whose time
    /// went elsewhere meanwhile, or who (says `fits`) could no longer get to
    /// it between their orders around it, are left out; returns who was offered.
    /// `Conflict` when the order is no longer waiting for a worker. The
    /// `decision` (JSON) is kept with the broadcast when anyone was offered.
    async fn create_broadcast(
        &self,
        order_id: i64,
        offers: &[(i64, String)],
        decision: &str,
        now: OffsetDateTime,
        deadline: OffsetDateTime,
        fits: crate::FitsDay<'_>,
    ) -> StoreResult<Vec<i64>>;
    /// Puts a 待接单 order in the admin queue, keeps the `decision` (JSON)
    /// that sent it there and alerts every active admin live, atomically;
    /// `false` when it was already there or has moved on.
    async fn escalate_to_admins(&self, order_id: i64, decision: &str, now: OffsetDateTime) -> StoreResult<bool>;
    /// Orders waiting in the admin queue (派单队列).
    async fn admin_queue_size(&self) -> StoreResult<i64>;
    /// Lapses the order's open broadcast offers; how many there were.
    async fn close_broadcast(&self, order_id: i64, now: OffsetDateTime) -> StoreResult<u64>;
    /// The records of `workers` as of `now` (workers with none are left out).
    async fn worker_records(&self, workers: &[i64], now: OffsetDateTime) -> StoreResult<Vec<(i64, Record)>>;
    /// Orders that hold time (待支付 to 服务中) starting in `[from, to)`, by start.
    async fn held_orders_starting(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<crate::OrderRecord>>;
    /// The customer's favourite workers and those who completed an order for them.
    async fn favored_workers(&self, customer_id: i64) -> StoreResult<Vec<i64>>;
    /// Adds a `kind` job for `ref_id` due at `due_at` unless one is already
    /// waiting that is due no later (`except`, the job now running, does not
    /// count); whether it added one.
    async fn schedule_once(&self, kind: &str, ref_id: i64, due_at: OffsetDateTime, except: Option<i64>) -> StoreResult<bool>;
    /// Applies a day plan's moves all together or not at all: each order must
    /// still be 待接单, never offered, not in the admin queue and held by
    /// `from_worker` (else `Conflict`), and afterwards no target worker may
    /// hold two overlapping orders (else `SlotTaken`). Each move is recorded.
    async fn move_holds(&self, moves: &[HoldMove], now: OffsetDateTime) -> StoreResult<()>;
    /// Moves holds to make room (as [`DispatchStore::move_holds`], all or
    /// nothing) and places `order` held by `worker`, in one transaction:
    /// `SlotTaken` when `worker` is still not free after the moves.
    async fn place_order_making_room(&self, order: &crate::NewOrder, worker: i64, moves: &[HoldMove], now: OffsetDateTime) -> StoreResult<crate::PlacedOrder>;
    /// The planner's moves of an order's hold, oldest first.
    async fn order_replans(&self, order_id: i64) -> StoreResult<Vec<ReplanRecord>>;
    /// 待接单 orders starting in `[from, to)` that hold a worker's time but
    /// were never offered to anyone and are not in the admin queue, by start.
    async fn unoffered_holds(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<crate::OrderRecord>>;
    /// Ids of the [`DispatchStore::unoffered_holds`] in `[from, to)` held by
    /// the customer's own worker (a favourite, who served them, or the
    /// worker of their recurring booking).
    async fn own_worker_holds(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<i64>>;
    /// Whether the order is 待接单 and the offer chain has not touched it
    /// yet (see [`DispatchStore::unoffered_holds`]).
    async fn never_offered(&self, order_id: i64) -> StoreResult<bool>;
}

/// Aggregates a record field by worker from `(worker_id, value)` rows.
pub(crate) fn merge_records(records: &mut Vec<(i64, Record)>, rows: Vec<(i64, i64)>, set: impl Fn(&mut Record, i64)) {
    for (worker_id, value) in rows {
        let at = match records.iter().position(|(w, _)| *w == worker_id) {
            Some(at) => at,
            None => {
                records.push((worker_id, Record::default()));
                records.len() - 1
            }
        };
        set(&mut records[at].1, value);
    }
}

/// `1, 2, 3` for an `IN (…)` list: ids are integers, so nothing to escape.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

pub(crate) fn clamp_u32(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

/// Where a one-row, versioned JSON setting lives and how its changes are audited.
pub(crate) struct Setting {
    pub table: &'static str,
    pub column: &'static str,
    pub audit_action: &'static str,
}

pub(crate) const PRICING_RULES: Setting = Setting { table: "pricing_rules", column: "rules_json", audit_action: "pricing.rules" };
pub(crate) const CANCELLATION_POLICY: Setting = Setting { table: "cancellation_policy", column: "policy_json", audit_action: "cancellation.rules" };
pub(crate) const LATENESS_POLICY: Setting = Setting { table: "lateness_policy", column: "policy_json", audit_action: "lateness.rules" };
pub(crate) const DISPATCH_SETTINGS: Setting = Setting { table: "dispatch_settings", column: "settings_json", audit_action: "dispatch.settings" };

/// Loading and saving a one-row, versioned JSON setting with its audit row.
macro_rules! shared_settings_impl {
    ($store:ty) => {
        impl $store {
            /// The setting as saved, its version and when; `Corrupt` if it no longer reads.
            pub(crate) async fn load_setting<T: serde::de::DeserializeOwned>(
                &self,
                setting: &crate::dispatching::Setting,
            ) -> crate::StoreResult<Option<(T, i64, time::OffsetDateTime)>> {
                let crate::dispatching::Setting { table, column, .. } = setting;
                let sql = format!("SELECT {column}, version, updated_at FROM {table} WHERE id = 1");
                let row: Option<(String, i64, time::OffsetDateTime)> = sqlx::query_as(&sql).fetch_optional(&self.pool).await?;
                row.map(|(json, version, updated_at)| {
                    let value = serde_json::from_str(&json).map_err(|e| crate::StoreError::Corrupt(format!("{table}: {e}")))?;
                    Ok((value, version, updated_at))
                })
                .transpose()
            }

            pub(crate) async fn save_setting(
                &self,
                setting: &crate::dispatching::Setting,
                value: &impl serde::Serialize,
                expected_version: i64,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                let crate::dispatching::Setting { table, column, audit_action } = setting;
                let json = serde_json::to_string(value).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                let json = json.as_str();
                let mut tx = self.begin_write().await?;
                let current: Option<(String, i64)> =
                    sqlx::query_as(&format!("SELECT {column}, version FROM {table} WHERE id = 1")).fetch_optional(&mut *tx).await?;
                let (old, version) = current.unwrap_or_else(|| (String::from("null"), 0));
                if version != expected_version {
                    return Err(crate::StoreError::Conflict);
                }
                let next = version + 1;
                sqlx::query(&format!(
                    "INSERT INTO {table} (id, {column}, version, updated_by, updated_at) VALUES (1, $1, $2, $3, $4)
                     ON CONFLICT (id) DO UPDATE SET {column} = $1, version = $2, updated_by = $3, updated_at = $4"
                ))
                .bind(json)
                .bind(next)
                .bind(actor_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(actor_id)
                    .bind(audit_action)
                    .bind(format!("{table} v{next}"))
                    .bind(format!("{{\"old\":{old},\"new\":{json}}}"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(next)
            }
        }
    };
}
pub(crate) use shared_settings_impl;

macro_rules! shared_dispatch_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::dispatching::DispatchStore for $store {
            async fn dispatch_settings(&self) -> crate::StoreResult<Option<crate::dispatching::StoredDispatchSettings>> {
                let saved = self.load_setting(&crate::dispatching::DISPATCH_SETTINGS).await?;
                Ok(saved.map(|(settings, version, updated_at)| crate::dispatching::StoredDispatchSettings { settings, version, updated_at }))
            }

            async fn save_dispatch_settings(
                &self,
                settings: &dispatch::DispatchSettings,
                expected_version: i64,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                self.save_setting(&crate::dispatching::DISPATCH_SETTINGS, settings, expected_version, actor_id, now).await
            }

            async fn create_broadcast(
                &self,
                order_id: i64,
                offers: &[(i64, String)],
                decision: &str,
                now: time::OffsetDateTime,
                deadline: time::OffsetDateTime,
                fits: crate::FitsDay<'_>,
            ) -> crate::StoreResult<Vec<i64>> {
                let mut tx = self.begin_write().await?;
                // Nobody's time is held while everyone may grab it.
                let open = sqlx::query("UPDATE orders SET reserved_worker_id = NULL WHERE id = $1 AND state = 'booked' AND worker_id IS NULL")
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                if open.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                let times = Self::order_times(&mut tx, order_id).await?;
                let mut offered = Vec::new();
                for (worker_id, explanation) in offers {
                    match Self::check_worker_fits(&mut tx, *worker_id, order_id, times, fits).await {
                        Err(crate::StoreError::SlotTaken | crate::StoreError::TooFarBetween) => continue,
                        other => other?,
                    }
                    let inserted = sqlx::query(
                        "INSERT INTO offers (order_id, worker_id, status, explanation, broadcast, offered_at, deadline)
                         VALUES ($1, $2, 'pending', $3, TRUE, $4, $5) ON CONFLICT (order_id, worker_id) DO NOTHING",
                    )
                    .bind(order_id)
                    .bind(worker_id)
                    .bind(explanation)
                    .bind(now)
                    .bind(deadline)
                    .execute(&mut *tx)
                    .await?;
                    if inserted.rows_affected() == 1 {
                        offered.push(*worker_id);
                    }
                }
                if offered.is_empty() {
                    return Ok(offered);
                }
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('broadcast_timeout', $1, '', $2)")
                    .bind(order_id)
                    .bind(deadline)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_decision(&mut tx, order_id, "broadcast", None, decision, now).await?;
                Self::append_live(&mut tx, &offered, "offer", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(offered)
            }

            async fn escalate_to_admins(&self, order_id: i64, decision: &str, now: time::OffsetDateTime) -> crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let queued = sqlx::query("UPDATE orders SET needs_admin = TRUE WHERE id = $1 AND state = 'booked' AND needs_admin = FALSE")
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                if queued.rows_affected() != 1 {
                    return Ok(false);
                }
                let admins: Vec<i64> = sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE")
                    .fetch_all(&mut *tx)
                    .await?;
                Self::insert_decision(&mut tx, order_id, "escalate", None, decision, now).await?;
                Self::append_live(&mut tx, &admins, "queue", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn admin_queue_size(&self) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM orders WHERE state = 'booked' AND needs_admin = TRUE").fetch_one(&self.pool).await?)
            }

            async fn close_broadcast(&self, order_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let workers: Vec<i64> = sqlx::query_scalar(
                    "UPDATE offers SET status = 'expired', responded_at = $2
                     WHERE order_id = $1 AND broadcast = TRUE AND status = 'pending' RETURNING worker_id",
                )
                .bind(order_id)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                Self::append_live(&mut tx, &workers, "offer", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(workers.len() as u64)
            }

            async fn worker_records(&self, workers: &[i64], now: time::OffsetDateTime) -> crate::StoreResult<Vec<(i64, dispatch::Record)>> {
                use crate::dispatching::{clamp_u32, id_list, merge_records};
                let mut records = Vec::new();
                if workers.is_empty() {
                    return Ok(records);
                }
                // Only the candidates' rows: this runs on every booking and offer.
                let ids = id_list(workers);
                let week_ago = now - time::Duration::days(7);
                let month_ago = now - time::Duration::days(30);
                let completed: Vec<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT worker_id, COUNT(*) FROM orders WHERE state = 'completed' AND worker_id IN ({ids}) GROUP BY worker_id"
                ))
                .fetch_all(&self.pool)
                .await?;
                merge_records(&mut records, completed, |r, n| r.completed_orders = clamp_u32(n));
                // A broadcast nobody grabbed says nothing about a worker's reliability.
                let answered: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
                    "SELECT worker_id, COUNT(*), CAST(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS BIGINT) FROM offers
                     WHERE worker_id IN ({ids}) AND broadcast = FALSE AND status IN ('accepted', 'rejected', 'expired') AND offered_at >= $1
                     GROUP BY worker_id"
                ))
                .bind(month_ago)
                .fetch_all(&self.pool)
                .await?;
                merge_records(&mut records, answered.iter().map(|(w, n, _)| (*w, *n)).collect(), |r, n| r.offers_answered = clamp_u32(n));
                merge_records(&mut records, answered.iter().map(|(w, _, a)| (*w, *a)).collect(), |r, n| r.offers_accepted = clamp_u32(n));
                let sql = format!(
                    "SELECT worker_id, starts_at, ends_at FROM orders
                     WHERE worker_id IN ({ids}) AND state IN ({}, 'completed') AND starts_at >= $1 AND starts_at < $2",
                    crate::orders::holding_states_sql()
                );
                let served: Vec<(i64, time::OffsetDateTime, time::OffsetDateTime)> =
                    sqlx::query_as(&sql).bind(week_ago).bind(now).fetch_all(&self.pool).await?;
                let minutes = served.into_iter().map(|(w, from, to)| (w, booking::working_minutes(from.unix_timestamp(), to.unix_timestamp()))).collect();
                merge_records(&mut records, minutes, |r, m| r.minutes_7d = r.minutes_7d.saturating_add(clamp_u32(m)));
                let earned: Vec<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT e.owner_id, CAST(SUM(e.amount_fen) AS BIGINT) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.txn_id
                     WHERE e.account = 'worker_available' AND e.owner_id IN ({ids}) AND e.amount_fen > 0
                       AND (t.idem_key LIKE 'completion:%' OR t.idem_key LIKE 'installment:%') AND t.created_at >= $1
                     GROUP BY e.owner_id"
                ))
                .bind(week_ago)
                .fetch_all(&self.pool)
                .await?;
                merge_records(&mut records, earned, |r, fen| r.earnings_fen_7d = fen);
                Ok(records)
            }

            async fn held_orders_starting(&self, from: time::OffsetDateTime, to: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::OrderRecord>> {
                let sql = format!(
                    "SELECT {} WHERE o.state IN ({}) AND o.starts_at >= $1 AND o.starts_at < $2 ORDER BY o.starts_at, o.id",
                    crate::orders::ORDER_COLUMNS,
                    crate::orders::holding_states_sql()
                );
                Ok(sqlx::query_as(&sql).bind(from).bind(to).fetch_all(&self.pool).await?)
            }

            async fn schedule_once(&self, kind: &str, ref_id: i64, due_at: time::OffsetDateTime, except: Option<i64>) -> crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = $1 AND ref_id = $2 AND done_at IS NULL AND id <> $3 AND due_at <= $4",
                )
                .bind(kind)
                .bind(ref_id)
                .bind(except.unwrap_or(0))
                .bind(due_at)
                    .fetch_one(&mut *tx)
                    .await?;
                if waiting > 0 {
                    return Ok(false);
                }
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ($1, $2, '', $3)")
                    .bind(kind)
                    .bind(ref_id)
                    .bind(due_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn move_holds(&self, moves: &[crate::dispatching::HoldMove], now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::apply_hold_moves(&mut tx, moves, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn place_order_making_room(
                &self,
                order: &crate::NewOrder,
                worker: i64,
                moves: &[crate::dispatching::HoldMove],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PlacedOrder> {
                let mut tx = self.begin_write().await?;
                Self::apply_hold_moves(&mut tx, moves, now).await?;
                let placed = Self::insert_placed_order(&mut tx, order, &[worker], now).await?;
                tx.commit().await?;
                Ok(placed)
            }

            async fn order_decisions(&self, order_id: i64) -> crate::StoreResult<Vec<crate::dispatching::DecisionRecord>> {
                Ok(sqlx::query_as("SELECT outcome, worker_id, explanation, created_at FROM dispatch_decisions WHERE order_id = $1 ORDER BY id")
                    .bind(order_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn order_replans(&self, order_id: i64) -> crate::StoreResult<Vec<crate::dispatching::ReplanRecord>> {
                Ok(sqlx::query_as(
                    "SELECT f.display_name AS from_name, t.display_name AS to_name, r.km_before, r.km_after, r.created_at
                     FROM order_replans r JOIN users t ON t.id = r.to_worker JOIN users f ON f.id = r.from_worker
                     WHERE r.order_id = $1 ORDER BY r.id",
                )
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn unoffered_holds(&self, from: time::OffsetDateTime, to: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::OrderRecord>> {
                let sql = format!(
                    "SELECT {} WHERE {} AND o.reserved_worker_id IS NOT NULL AND o.starts_at >= $1 AND o.starts_at < $2
                     ORDER BY o.starts_at, o.id",
                    crate::orders::ORDER_COLUMNS,
                    crate::dispatching::NEVER_OFFERED_SQL
                );
                Ok(sqlx::query_as(&sql).bind(from).bind(to).fetch_all(&self.pool).await?)
            }

            async fn own_worker_holds(&self, from: time::OffsetDateTime, to: time::OffsetDateTime) -> crate::StoreResult<Vec<i64>> {
                let sql = format!(
                    "SELECT o.id FROM orders o WHERE {} AND o.reserved_worker_id IS NOT NULL AND o.starts_at >= $1 AND o.starts_at < $2
                     AND (o.series_id IS NOT NULL OR o.placement_id IS NOT NULL OR o.reserved_worker_id IN ({})) ORDER BY o.starts_at, o.id",
                    crate::dispatching::NEVER_OFFERED_SQL,
                    crate::dispatching::own_workers_sql("o.customer_id")
                );
                Ok(sqlx::query_scalar(&sql).bind(from).bind(to).fetch_all(&self.pool).await?)
            }

            async fn never_offered(&self, order_id: i64) -> crate::StoreResult<bool> {
                let sql = format!("SELECT COUNT(*) FROM orders o WHERE o.id = $1 AND {}", crate::dispatching::NEVER_OFFERED_SQL);
                let count: i64 = sqlx::query_scalar(&sql).bind(order_id).fetch_one(&self.pool).await?;
                Ok(count > 0)
            }

            async fn favored_workers(&self, customer_id: i64) -> crate::StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar(&crate::dispatching::own_workers_sql("$1")).bind(customer_id).fetch_all(&self.pool).await?)
            }
        }

        impl $store {
            /// [`crate::DispatchStore::move_holds`] inside the caller's write transaction.
            async fn apply_hold_moves(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                moves: &[crate::dispatching::HoldMove],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let move_sql = format!(
                    "UPDATE orders AS o SET reserved_worker_id = $1 WHERE o.id = $2 AND o.reserved_worker_id = $3 AND {}",
                    crate::dispatching::NEVER_OFFERED_SQL
                );
                for m in moves {
                    let moved = sqlx::query(&move_sql)
                    .bind(m.to_worker)
                    .bind(m.order_id)
                    .bind(m.from_worker)
                    .execute(&mut **tx)
                    .await?;
                    if moved.rows_affected() != 1 {
                        return Err(crate::StoreError::Conflict);
                    }
                }
                // Checked once every hold has moved, so swaps between workers pass.
                let clash_sql = crate::orders::worker_clash_sql();
                for m in moves {
                    let clashes: i64 = sqlx::query_scalar(&clash_sql).bind(m.to_worker).bind(m.order_id).fetch_one(&mut **tx).await?;
                    if clashes > 0 {
                        return Err(crate::StoreError::SlotTaken);
                    }
                    sqlx::query(
                        "INSERT INTO order_replans (order_id, from_worker, to_worker, km_before, km_after, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(m.order_id)
                    .bind(m.from_worker)
                    .bind(m.to_worker)
                    .bind(m.day_km.map(|(before, _)| before))
                    .bind(m.day_km.map(|(_, after)| after))
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use shared_dispatch_impl;
