//! Nanny placement (月嫂/育儿嫂, B8): customers' requests, the nannies staff
//! shortlist for them, interviews and the customer's choice. Every candidate
//! step is a compare-and-set on her current status, so two people acting at
//! once get one outcome and the loser a `Conflict`.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct NewPlacement {
    pub customer_id: i64,
    pub service_id: i64,
    /// The Beijing day the nanny should start, `YYYY-MM-DD`.
    pub start_day: String,
    pub needs: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlacementRecord {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub service_id: i64,
    pub service_name: String,
    pub start_day: String,
    pub needs: String,
    pub status: String,
    pub close_reason: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A shortlisted nanny as the customer and staff see her.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CandidateRecord {
    pub placement_id: i64,
    pub worker_id: i64,
    pub worker_name: String,
    pub age: Option<i32>,
    pub years_experience: i32,
    pub intro: String,
    pub rating_avg: Option<f64>,
    pub completed: i64,
    pub status: String,
    pub interview_at: Option<OffsetDateTime>,
}

/// One request a nanny was invited for, as she sees it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CandidacyRecord {
    pub placement_id: i64,
    pub customer_name: String,
    pub service_name: String,
    pub start_day: String,
    pub needs: String,
    pub placement_status: String,
    pub status: String,
    pub interview_at: Option<OffsetDateTime>,
}

/// What proposing a nanny came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposeOutcome {
    Proposed,
    /// The request was chosen or closed meanwhile.
    NotOpen,
    /// She is on this request's list already.
    AlreadyListed,
    /// The shortlist holds as many as may be in play.
    Full,
}

/// A candidate's step: from the status she was read in to the next one.
#[derive(Debug, Clone)]
pub struct CandidateMove {
    pub placement_id: i64,
    pub worker_id: i64,
    pub from: booking::CandidateStatus,
    pub to: booking::CandidateStatus,
    /// Set when the step (an invitation) fixes the interview time.
    pub interview_at: Option<OffsetDateTime>,
    /// The request's new status when the step changes it (an invitation, a
    /// choice); `None` leaves it as it stands, whatever others did meanwhile.
    pub placement_to: Option<booking::PlacementStatus>,
}

/// The terms put to a chosen nanny and her family, and who has signed them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ContractRecord {
    pub placement_id: i64,
    pub worker_id: i64,
    pub start_day: String,
    pub days: i32,
    pub fee_fen: i64,
    pub notes: String,
    pub version: i64,
    pub proposed_at: OffsetDateTime,
    pub customer_signed_at: Option<OffsetDateTime>,
    pub worker_signed_at: Option<OffsetDateTime>,
    /// The order the family pays the signed contract with.
    pub order_id: Option<i64>,
    /// That order's state.
    pub order_state: Option<String>,
    /// Whether its nanny started that order's service: a contract she began
    /// is over when its order ends (staff may end it early), not unpaid.
    pub order_started: bool,
}

/// One month of a contract's order paid out to its nanny (月结).
#[derive(Debug, Clone)]
pub struct InstallmentPayout {
    pub order_id: i64,
    /// The nanny holding the order; nothing is paid once anyone else does.
    pub worker_id: i64,
    /// Which month: at most one payout of each.
    pub number: i64,
    pub amount_fen: i64,
    pub commission_bps: u32,
    /// What the nanny reads beside it in her earnings.
    pub memo: String,
}

#[derive(Debug, Clone)]
pub struct NewContract {
    pub placement_id: i64,
    /// `YYYY-MM-DD`, Beijing.
    pub start_day: String,
    pub days: i32,
    pub fee_fen: i64,
    pub notes: String,
}

/// The trial day (试工) staff arranged, and the order the family booked for
/// it, if any.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TrialRecord {
    pub placement_id: i64,
    pub worker_id: i64,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub fee_fen: i64,
    pub version: i64,
    pub order_id: Option<i64>,
    /// That order's state.
    pub order_state: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTrial {
    pub placement_id: i64,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub fee_fen: i64,
}

/// Whether terms are free to be booked again: no order was placed for them, or
/// the one placed ended cancelled (unpaid, withdrawn or declined).
pub(crate) fn no_order_stands(order_state: Option<&str>) -> bool {
    order_state.is_none_or(|s| booking::OrderState::from_db(s).is_some_and(booking::OrderState::is_cancelled))
}

/// Whether a contract from Beijing day `start_day` (`YYYY-MM-DD`) for `days`
/// days had begun by `now`, when its order would have started.
pub(crate) fn first_day_began(start_day: &str, days: i32, now: OffsetDateTime) -> bool {
    pricing::rules::parse_date(start_day)
        .is_some_and(|day| booking::contract_span(booking::beijing_day(pricing::beijing_day_start(day)), i64::from(days)).0 <= now.unix_timestamp())
}

impl TrialRecord {
    /// Whether the family may book it: never booked, or its order ended unserved.
    pub fn bookable(&self) -> bool {
        no_order_stands(self.order_state.as_deref())
    }
}

impl ContractRecord {
    /// Whether the family may pay it: both sides signed, and no order of it
    /// stands (never placed, or it ended unpaid or cancelled).
    pub fn payable(&self) -> bool {
        self.customer_signed_at.is_some()
            && self.worker_signed_at.is_some()
            && no_order_stands(self.order_state.as_deref())
            && !self.order_started
    }

    /// Whether staff ended it early: she began it and its order was cancelled.
    pub fn ended_early(&self) -> bool {
        self.order_started && self.order_state.is_some() && no_order_stands(self.order_state.as_deref())
    }

    /// Whether its first day (its order's start) had come by `now`.
    pub fn first_day_began(&self, now: OffsetDateTime) -> bool {
        first_day_began(&self.start_day, self.days, now)
    }
}

/// Who signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractSide {
    Customer,
    Worker,
}

#[async_trait]
pub trait PlacementStore: Send + Sync {
    /// Records a request and tells every active admin's open pages;
    /// `Duplicate` while the customer has an open one for that service.
    async fn request_placement(&self, p: &NewPlacement, now: OffsetDateTime) -> StoreResult<i64>;
    async fn placement(&self, id: i64) -> StoreResult<Option<PlacementRecord>>;
    /// Newest first: one customer's or everybody's, or only the open ones.
    async fn placements(&self, customer_id: Option<i64>, open_only: bool, limit: i64) -> StoreResult<Vec<PlacementRecord>>;
    /// The candidates of the given requests, in the order they were proposed.
    async fn placement_candidates(&self, placement_ids: &[i64]) -> StoreResult<Vec<CandidateRecord>>;
    /// The requests `worker_id` was invited to interview for, newest first.
    async fn candidacies(&self, worker_id: i64, limit: i64) -> StoreResult<Vec<CandidacyRecord>>;
    /// Shortlists one more nanny while the request is open and fewer than
    /// `max_in_play` are in play; tells the customer.
    async fn propose_candidate(&self, placement_id: i64, worker_id: i64, admin_id: i64, max_in_play: usize, now: OffsetDateTime) -> StoreResult<ProposeOutcome>;
    /// Moves a candidate on while the request is open and she still stands
    /// where she was read (`Conflict` otherwise, and nothing changes); tells
    /// the customer, the nanny and the admins.
    async fn move_candidate(&self, m: &CandidateMove, now: OffsetDateTime) -> StoreResult<()>;
    /// Closes an open request (`Conflict` if it is not open, or not the
    /// given customer's); tells the customer and every nanny invited.
    async fn close_placement(&self, placement_id: i64, customer_id: Option<i64>, reason: &str, now: OffsetDateTime) -> StoreResult<()>;
    async fn placement_contracts(&self, placement_ids: &[i64]) -> StoreResult<Vec<ContractRecord>>;
    /// Puts terms to the family and the nanny they chose; returns the terms'
    /// version and the nanny. New terms replace earlier ones and clear their
    /// signatures. `Conflict` unless the request is chosen and its terms are
    /// not yet signed by both, or signed but their first day came unpaid.
    async fn propose_contract(&self, c: &NewContract, admin_id: i64, now: OffsetDateTime) -> StoreResult<(i64, i64)>;
    /// Signs `version` of the terms for one side; `Conflict` if the terms
    /// changed meanwhile or that side has signed. Returns whether both have now.
    async fn sign_contract(&self, placement_id: i64, side: ContractSide, version: i64, now: OffsetDateTime) -> StoreResult<bool>;
    async fn placement_trials(&self, placement_ids: &[i64]) -> StoreResult<Vec<TrialRecord>>;
    /// Arranges the trial day with the nanny the family chose, replacing
    /// earlier terms (a new version); returns the nanny. `Conflict` unless the request is
    /// chosen and no trial order holds her time (pending, paid or under way).
    async fn propose_trial(&self, t: &NewTrial, admin_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// Books the arranged trial as `order`, held by its nanny, in one
    /// transaction: `Conflict` when it was booked already (and not ended
    /// unserved) or its terms are no longer `version`, `SlotTaken` when her
    /// time went meanwhile.
    async fn place_trial(&self, order: &crate::NewOrder, placement_id: i64, version: i64, now: OffsetDateTime) -> StoreResult<crate::PlacedOrder>;
    /// Places the order the family pays the contract with, held by its
    /// nanny, in one transaction: `Conflict` unless both sides signed
    /// `version` and no earlier order of it is pending, paid, under way or
    /// served; `SlotTaken` when her first day went meanwhile.
    async fn place_contract(&self, order: &crate::NewOrder, placement_id: i64, version: i64, now: OffsetDateTime) -> StoreResult<crate::PlacedOrder>;
    /// Pays a month of a contract's order out of its escrow to its nanny
    /// while she is serving it, at most once per month and never more than
    /// the escrow holds; tells her open pages. Returns her share, or `None` when
    /// nothing was paid: the order is not in service with her, the month
    /// was paid already, or its escrow is empty.
    async fn pay_installment(&self, p: &InstallmentPayout, now: OffsetDateTime) -> StoreResult<Option<i64>>;
}

/// Order states in which a trial was not served and may be booked again.
pub(crate) fn unserved_states_sql() -> String {
    crate::orders::state_list_sql(booking::OrderState::ALL.into_iter().filter(|s| s.is_cancelled()).map(|s| s.as_str()))
}

pub(crate) const PLACEMENT_COLUMNS: &str = "p.id, p.customer_id, c.display_name AS customer_name, c.phone AS customer_phone,
    p.service_id, s.name AS service_name, p.start_day, p.needs, p.status, p.close_reason, p.created_at
    FROM placements p JOIN users c ON c.id = p.customer_id JOIN services s ON s.id = p.service_id";

pub(crate) fn open_statuses_sql() -> String {
    crate::orders::state_list_sql(booking::PlacementStatus::OPEN.iter().map(|s| s.as_str()))
}

macro_rules! shared_placement_impl {
    ($store:ty) => {
        impl $store {
            /// Places `order`, held by the nanny of the terms in `table` (a
            /// trial's or a contract's, aliased `x`; `open` adds what else they
            /// need), when `version` of them has no order standing, and links
            /// the order from them, in one transaction.
            #[allow(clippy::too_many_arguments)]
            async fn place_terms_order(
                &self,
                table: &str,
                open: &str,
                order: &crate::NewOrder,
                placement_id: i64,
                version: i64,
                installments: &[booking::Installment],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PlacedOrder> {
                let mut tx = self.begin_write().await?;
                let open_sql = format!(
                    "SELECT x.worker_id FROM {table} x JOIN placements p ON p.id = x.placement_id
                     WHERE x.placement_id = $1 AND x.version = $2 AND p.status = 'chosen' {open}
                     AND (x.order_id IS NULL OR x.order_id IN (SELECT id FROM orders WHERE state IN ({})))",
                    crate::placement::unserved_states_sql()
                );
                let worker: Option<i64> = sqlx::query_scalar(&open_sql).bind(placement_id).bind(version).fetch_optional(&mut *tx).await?;
                let worker = worker.ok_or(crate::StoreError::Conflict)?;
                let placed = Self::insert_placed_order(&mut tx, order, &[worker], now).await?;
                sqlx::query("UPDATE orders SET placement_id = $1 WHERE id = $2").bind(placement_id).bind(placed.order_id).execute(&mut *tx).await?;
                sqlx::query(&format!("UPDATE {table} SET order_id = $1 WHERE placement_id = $2"))
                    .bind(placed.order_id)
                    .bind(placement_id)
                    .execute(&mut *tx)
                    .await?;
                for installment in installments {
                    sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('contract_installment', $1, $2, $3)")
                        .bind(placed.order_id)
                        .bind(installment.number.to_string())
                        .bind(order.starts_at + time::Duration::seconds(installment.due_at - order.starts_at.unix_timestamp()))
                        .execute(&mut *tx)
                        .await?;
                }
                Self::announce_placement(&mut tx, placement_id, now).await?;
                tx.commit().await?;
                Ok(placed)
            }

            /// The nanny the family chose on a settled request; `Conflict` when none is.
            async fn chosen_nanny(tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>, placement_id: i64) -> crate::StoreResult<i64> {
                let chosen: Option<i64> = sqlx::query_scalar(
                    "SELECT pc.worker_id FROM placement_candidates pc JOIN placements p ON p.id = pc.placement_id
                     WHERE pc.placement_id = $1 AND pc.status = 'chosen' AND p.status = 'chosen'",
                )
                .bind(placement_id)
                .fetch_optional(&mut **tx)
                .await?;
                chosen.ok_or(crate::StoreError::Conflict)
            }

            /// Tells everyone a request's news concerns (its customer, the
            /// nannies invited or met, every active admin) that it changed.
            async fn announce_placement(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                placement_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let mut users: Vec<i64> = sqlx::query_scalar(
                    "SELECT customer_id FROM placements WHERE id = $1
                     UNION SELECT worker_id FROM placement_candidates WHERE placement_id = $1 AND status NOT IN ('proposed', 'declined')
                     UNION SELECT id FROM users WHERE role = 'admin' AND disabled = FALSE",
                )
                .bind(placement_id)
                .fetch_all(&mut **tx)
                .await?;
                users.sort_unstable();
                users.dedup();
                Self::append_live(tx, &users, "placement", None, now).await
            }
        }

        #[async_trait::async_trait]
        impl crate::placement::PlacementStore for $store {
            async fn request_placement(&self, p: &crate::NewPlacement, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO placements (customer_id, service_id, start_day, needs, status, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'requested', $5, $5) RETURNING id",
                )
                .bind(p.customer_id)
                .bind(p.service_id)
                .bind(&p.start_day)
                .bind(&p.needs)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::money::map_posting_error)?;
                Self::announce_placement(&mut tx, id, now).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn placement(&self, id: i64) -> crate::StoreResult<Option<crate::PlacementRecord>> {
                let sql = format!("SELECT {} WHERE p.id = $1", crate::placement::PLACEMENT_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn placements(&self, customer_id: Option<i64>, open_only: bool, limit: i64) -> crate::StoreResult<Vec<crate::PlacementRecord>> {
                let sql = format!(
                    "SELECT {} WHERE (CAST($1 AS BIGINT) IS NULL OR p.customer_id = $1) AND ($2 = FALSE OR p.status IN ({}))
                     ORDER BY p.id DESC LIMIT $3",
                    crate::placement::PLACEMENT_COLUMNS,
                    crate::placement::open_statuses_sql()
                );
                Ok(sqlx::query_as(&sql).bind(customer_id).bind(open_only).bind(limit).fetch_all(&self.pool).await?)
            }

            async fn placement_candidates(&self, placement_ids: &[i64]) -> crate::StoreResult<Vec<crate::CandidateRecord>> {
                if placement_ids.is_empty() {
                    return Ok(Vec::new());
                }
                // Ids are integers the server read from the database, so they are spelled out safely.
                let ids = placement_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT pc.placement_id, pc.worker_id, u.display_name AS worker_name, w.age, w.years_experience, w.intro,
                            (SELECT {} FROM reviews r WHERE r.worker_id = pc.worker_id) AS rating_avg,
                            (SELECT COUNT(*) FROM orders o WHERE o.worker_id = pc.worker_id AND o.state = 'completed') AS completed,
                            pc.status, pc.interview_at
                     FROM placement_candidates pc JOIN users u ON u.id = pc.worker_id JOIN worker_profiles w ON w.user_id = pc.worker_id
                     WHERE pc.placement_id IN ({ids})
                     ORDER BY pc.placement_id, pc.created_at, pc.worker_id",
                    crate::rating_avg_sql("r")
                );
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn candidacies(&self, worker_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::CandidacyRecord>> {
                Ok(sqlx::query_as(
                    "SELECT p.id AS placement_id, c.display_name AS customer_name, s.name AS service_name, p.start_day, p.needs,
                            p.status AS placement_status, pc.status, pc.interview_at
                     FROM placement_candidates pc JOIN placements p ON p.id = pc.placement_id
                          JOIN users c ON c.id = p.customer_id JOIN services s ON s.id = p.service_id
                     WHERE pc.worker_id = $1 AND pc.status <> 'proposed'
                     ORDER BY pc.updated_at DESC, p.id DESC LIMIT $2",
                )
                .bind(worker_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn propose_candidate(
                &self,
                placement_id: i64,
                worker_id: i64,
                admin_id: i64,
                max_in_play: usize,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::ProposeOutcome> {
                let mut tx = self.begin_write().await?;
                let status: Option<String> = sqlx::query_scalar("SELECT status FROM placements WHERE id = $1").bind(placement_id).fetch_optional(&mut *tx).await?;
                let status = status.ok_or(crate::StoreError::NotFound)?;
                if !booking::PlacementStatus::parse(&status).is_some_and(booking::PlacementStatus::is_open) {
                    return Ok(crate::ProposeOutcome::NotOpen);
                }
                let listed: Vec<(i64, String)> = sqlx::query_as("SELECT worker_id, status FROM placement_candidates WHERE placement_id = $1")
                    .bind(placement_id)
                    .fetch_all(&mut *tx)
                    .await?;
                if listed.iter().any(|(w, _)| *w == worker_id) {
                    return Ok(crate::ProposeOutcome::AlreadyListed);
                }
                let in_play = listed.iter().filter(|(_, s)| booking::CandidateStatus::parse(s).is_some_and(booking::CandidateStatus::in_play)).count();
                if in_play >= max_in_play {
                    return Ok(crate::ProposeOutcome::Full);
                }
                sqlx::query(
                    "INSERT INTO placement_candidates (placement_id, worker_id, status, proposed_by, created_at, updated_at)
                     VALUES ($1, $2, 'proposed', $3, $4, $4)",
                )
                .bind(placement_id)
                .bind(worker_id)
                .bind(admin_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(crate::money::map_posting_error)?;
                sqlx::query("UPDATE placements SET status = 'shortlisted', updated_at = $1 WHERE id = $2 AND status = 'requested'")
                    .bind(now)
                    .bind(placement_id)
                    .execute(&mut *tx)
                    .await?;
                Self::announce_placement(&mut tx, placement_id, now).await?;
                tx.commit().await?;
                Ok(crate::ProposeOutcome::Proposed)
            }

            async fn move_candidate(&self, m: &crate::CandidateMove, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "UPDATE placement_candidates SET status = $1, interview_at = COALESCE($2, interview_at), updated_at = $3
                     WHERE placement_id = $4 AND worker_id = $5 AND status = $6
                       AND EXISTS (SELECT 1 FROM placements p WHERE p.id = $4 AND p.status IN ({}))",
                    crate::placement::open_statuses_sql()
                );
                let moved = sqlx::query(&sql)
                    .bind(m.to.as_str())
                    .bind(m.interview_at)
                    .bind(now)
                    .bind(m.placement_id)
                    .bind(m.worker_id)
                    .bind(m.from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if moved == 0 {
                    return Err(crate::StoreError::Conflict);
                }
                if let Some(to) = m.placement_to {
                    sqlx::query("UPDATE placements SET status = $1, updated_at = $2 WHERE id = $3")
                        .bind(to.as_str())
                        .bind(now)
                        .bind(m.placement_id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::announce_placement(&mut tx, m.placement_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn close_placement(&self, placement_id: i64, customer_id: Option<i64>, reason: &str, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let sql = format!(
                    "UPDATE placements SET status = 'closed', close_reason = $1, updated_at = $2
                     WHERE id = $3 AND (CAST($4 AS BIGINT) IS NULL OR customer_id = $4) AND status IN ({})",
                    crate::placement::open_statuses_sql()
                );
                let closed = sqlx::query(&sql).bind(reason).bind(now).bind(placement_id).bind(customer_id).execute(&mut *tx).await?.rows_affected();
                if closed == 0 {
                    return Err(crate::StoreError::Conflict);
                }
                Self::announce_placement(&mut tx, placement_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn placement_contracts(&self, placement_ids: &[i64]) -> crate::StoreResult<Vec<crate::ContractRecord>> {
                if placement_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = placement_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT k.placement_id, k.worker_id, k.start_day, k.days, k.fee_fen, k.notes, k.version, k.proposed_at,
                        k.customer_signed_at, k.worker_signed_at, k.order_id, o.state AS order_state,
                        EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = k.order_id AND e.kind = 'start_service') AS order_started
                     FROM placement_contracts k LEFT JOIN orders o ON o.id = k.order_id WHERE k.placement_id IN ({ids})"
                );
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn propose_contract(&self, c: &crate::NewContract, admin_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<(i64, i64)> {
                let mut tx = self.begin_write().await?;
                let worker_id = Self::chosen_nanny(&mut tx, c.placement_id).await?;
                type Standing = (Option<time::OffsetDateTime>, Option<time::OffsetDateTime>, String, i32, Option<String>);
                let standing: Option<Standing> = sqlx::query_as(
                    "SELECT k.customer_signed_at, k.worker_signed_at, k.start_day, k.days, o.state
                     FROM placement_contracts k LEFT JOIN orders o ON o.id = k.order_id WHERE k.placement_id = $1",
                )
                .bind(c.placement_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((Some(_), Some(_), start_day, days, order_state)) = standing {
                    // Signed terms stand, unless their first day came unpaid: then
                    // nothing can pay them any more, and staff draw up new ones.
                    if !(crate::placement::first_day_began(&start_day, days, now) && crate::placement::no_order_stands(order_state.as_deref())) {
                        return Err(crate::StoreError::Conflict);
                    }
                }
                let version: i64 = sqlx::query_scalar(
                    "INSERT INTO placement_contracts (placement_id, worker_id, start_day, days, fee_fen, notes, version, proposed_by, proposed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)
                     ON CONFLICT (placement_id) DO UPDATE SET start_day = excluded.start_day, days = excluded.days, fee_fen = excluded.fee_fen,
                         notes = excluded.notes, version = placement_contracts.version + 1, proposed_by = excluded.proposed_by,
                         proposed_at = excluded.proposed_at, customer_signed_at = NULL, worker_signed_at = NULL, order_id = NULL
                     RETURNING version",
                )
                .bind(c.placement_id)
                .bind(worker_id)
                .bind(&c.start_day)
                .bind(c.days)
                .bind(c.fee_fen)
                .bind(&c.notes)
                .bind(admin_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Self::announce_placement(&mut tx, c.placement_id, now).await?;
                tx.commit().await?;
                Ok((version, worker_id))
            }

            async fn placement_trials(&self, placement_ids: &[i64]) -> crate::StoreResult<Vec<crate::TrialRecord>> {
                if placement_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = placement_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT t.placement_id, t.worker_id, t.starts_at, t.ends_at, t.fee_fen, t.version, t.order_id, o.state AS order_state
                     FROM placement_trials t LEFT JOIN orders o ON o.id = t.order_id WHERE t.placement_id IN ({ids})"
                );
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn propose_trial(&self, t: &crate::NewTrial, admin_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let worker_id = Self::chosen_nanny(&mut tx, t.placement_id).await?;
                let held_sql = format!(
                    "SELECT COUNT(*) FROM placement_trials t JOIN orders o ON o.id = t.order_id
                     WHERE t.placement_id = $1 AND o.state IN ({})",
                    crate::orders::holding_states_sql()
                );
                let held: i64 = sqlx::query_scalar(&held_sql).bind(t.placement_id).fetch_one(&mut *tx).await?;
                if held > 0 {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query(
                    "INSERT INTO placement_trials (placement_id, worker_id, starts_at, ends_at, fee_fen, proposed_by, proposed_at, order_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
                     ON CONFLICT (placement_id) DO UPDATE SET worker_id = excluded.worker_id, starts_at = excluded.starts_at,
                         ends_at = excluded.ends_at, fee_fen = excluded.fee_fen, version = placement_trials.version + 1,
                         proposed_by = excluded.proposed_by, proposed_at = excluded.proposed_at, order_id = NULL",
                )
                .bind(t.placement_id)
                .bind(worker_id)
                .bind(t.starts_at)
                .bind(t.ends_at)
                .bind(t.fee_fen)
                .bind(admin_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Self::announce_placement(&mut tx, t.placement_id, now).await?;
                tx.commit().await?;
                Ok(worker_id)
            }

            async fn place_trial(
                &self,
                order: &crate::NewOrder,
                placement_id: i64,
                version: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PlacedOrder> {
                self.place_terms_order("placement_trials", "", order, placement_id, version, &[], now).await
            }

            async fn place_contract(
                &self,
                order: &crate::NewOrder,
                placement_id: i64,
                version: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PlacedOrder> {
                let signed = "AND x.customer_signed_at IS NOT NULL AND x.worker_signed_at IS NOT NULL";
                let installments = booking::contract_installments(order.starts_at.unix_timestamp(), order.ends_at.unix_timestamp(), order.total_fen);
                self.place_terms_order("placement_contracts", signed, order, placement_id, version, &installments, now).await
            }

            async fn pay_installment(&self, p: &crate::InstallmentPayout, now: time::OffsetDateTime) -> crate::StoreResult<Option<i64>> {
                let mut tx = self.begin_write().await?;
                let idem_key = format!("installment:{}:{}", p.order_id, p.number);
                if Self::posted(&mut tx, &idem_key).await?.is_some() {
                    return Ok(None);
                }
                // Claims the order's row, so a completion waits for this payout
                // (and settles what it leaves) or, first, makes it pay nothing.
                let serving: Option<i64> = sqlx::query_scalar("UPDATE orders SET state = state WHERE id = $1 AND state = 'in_service' AND worker_id = $2 RETURNING id")
                    .bind(p.order_id)
                    .bind(p.worker_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                if serving.is_none() {
                    return Ok(None);
                }
                let escrow = ledger::Account::OrderEscrow(p.order_id);
                let balances = Self::balances(&mut tx, &[escrow]).await?;
                let amount = p.amount_fen.min(balances.0.get(&escrow).copied().unwrap_or(0));
                if amount <= 0 {
                    return Ok(None);
                }
                let txn = ledger::installment(&balances, p.order_id, p.worker_id, p.commission_bps, domain::Fen::new(amount))?;
                sqlx::query("UPDATE orders SET paid_out_fen = paid_out_fen + $1 WHERE id = $2").bind(amount).bind(p.order_id).execute(&mut *tx).await?;
                let share = txn.entries().iter().filter(|e| e.account == ledger::Account::WorkerAvailable(p.worker_id)).map(|e| e.amount.get()).sum();
                let meta = crate::PostingMeta { idem_key, actor_id: None, memo: p.memo.clone() };
                Self::post(&mut tx, &txn, &meta, now).await?;
                Self::append_live(&mut tx, &[p.worker_id], "money", None, now).await?;
                tx.commit().await?;
                Ok(Some(share))
            }

            async fn sign_contract(&self, placement_id: i64, side: crate::ContractSide, version: i64, now: time::OffsetDateTime) -> crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let sql = match side {
                    crate::ContractSide::Customer => {
                        "UPDATE placement_contracts SET customer_signed_at = $1 WHERE placement_id = $2 AND version = $3 AND customer_signed_at IS NULL"
                    }
                    crate::ContractSide::Worker => {
                        "UPDATE placement_contracts SET worker_signed_at = $1 WHERE placement_id = $2 AND version = $3 AND worker_signed_at IS NULL"
                    }
                };
                let signed = sqlx::query(sql).bind(now).bind(placement_id).bind(version).execute(&mut *tx).await?.rows_affected();
                if signed == 0 {
                    return Err(crate::StoreError::Conflict);
                }
                let both: bool = sqlx::query_scalar(
                    "SELECT customer_signed_at IS NOT NULL AND worker_signed_at IS NOT NULL FROM placement_contracts WHERE placement_id = $1",
                )
                .bind(placement_id)
                .fetch_one(&mut *tx)
                .await?;
                Self::announce_placement(&mut tx, placement_id, now).await?;
                tx.commit().await?;
                Ok(both)
            }
        }
    };
}
pub(crate) use shared_placement_impl;
