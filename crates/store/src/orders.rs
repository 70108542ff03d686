//! The order loop's repository: one trait, the SQL shared by both dialects.
//! Writes that must not race (placing an order on a worker's time, accepting,
//! claiming jobs) run in `begin_write`, which serialises writers: `BEGIN
//! IMMEDIATE` on SQLite, a transaction-scoped advisory lock on PostgreSQL.

use crate::orders_model::*;
use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// States in which an order holds its worker's time.
pub const HOLDING_STATES: &[&str] = &["pending_payment", "booked", "accepted", "departed", "arrived", "in_service"];

#[async_trait]
pub trait OrderStore: Send + Sync {
    async fn setup_worker(&self, worker_id: i64, setup: &WorkerSetup) -> StoreResult<()>;
    async fn worker_setup(&self, worker_id: i64) -> StoreResult<Option<WorkerSetup>>;
    async fn workers_for_dispatch(&self, skill: &str) -> StoreResult<Vec<WorkerForDispatch>>;
    async fn work_windows(&self, worker_ids: &[i64]) -> StoreResult<Vec<WorkWindowRow>>;
    async fn busy_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> StoreResult<Vec<BusyRow>>;

    async fn service(&self, id: i64) -> StoreResult<Option<ServiceRecord>>;

    async fn create_address(&self, customer_id: i64, address: &NewAddress, now: OffsetDateTime) -> StoreResult<i64>;
    /// The customer's addresses, the default first, then newest first.
    async fn addresses(&self, customer_id: i64) -> StoreResult<Vec<Address>>;
    /// Removes one of the customer's own addresses (`NotFound` otherwise).
    async fn delete_address(&self, customer_id: i64, address_id: i64) -> StoreResult<()>;
    /// Makes one of the customer's own addresses the only default.
    async fn set_default_address(&self, customer_id: i64, address_id: i64) -> StoreResult<()>;
    /// Rewrites one of the customer's own addresses (`NotFound` otherwise);
    /// orders already placed keep the copy they were booked with.
    async fn update_address(&self, customer_id: i64, address_id: i64, address: &NewAddress) -> StoreResult<()>;

    /// Inserts the order as 待支付 holding the first of `candidates` (best
    /// first) whose time is still free, with its payment and expiry job.
    /// `SlotTaken` when every candidate is already held.
    async fn place_order(&self, order: &NewOrder, candidates: &[i64], now: OffsetDateTime) -> StoreResult<PlacedOrder>;
    /// B6: places the visits of a recurring booking as [`OrderStore::place_order`]
    /// does, every one held by `worker` and naming the first as its series,
    /// in one transaction: all or nothing (`SlotTaken` when any visit's time
    /// is no longer free).
    async fn place_series(&self, visits: &[NewOrder], worker: i64, now: OffsetDateTime) -> StoreResult<Vec<PlacedOrder>>;
    async fn order(&self, id: i64) -> StoreResult<Option<OrderRecord>>;
    async fn orders(&self, filter: &OrderFilter) -> StoreResult<Vec<OrderRecord>>;
    async fn order_events(&self, order_id: i64) -> StoreResult<Vec<OrderEventRecord>>;
    /// Applies `change` if the order is still in its expected state
    /// (`Conflict` otherwise), with its event, refund and live notices, atomically.
    async fn change_order(&self, order_id: i64, change: &OrderChange, now: OffsetDateTime) -> StoreResult<()>;
    /// 改期: moves a 待接单/已接单 order that still starts at `from` to
    /// `starts_at..ends_at`, with `event`, if the worker holding it is free
    /// then (`SlotTaken` otherwise, `Conflict` when it moved or changed state
    /// meanwhile). Its reminders are made again for the new time, including
    /// one already sent for the old time. With `reprice` (a move to a
    /// cheaper time) the order takes the new price and the difference goes
    /// back to the customer, in the same transaction.
    #[allow(clippy::too_many_arguments)]
    async fn reschedule_order(
        &self,
        order_id: i64,
        from: OffsetDateTime,
        starts_at: OffsetDateTime,
        ends_at: OffsetDateTime,
        reprice: Option<&crate::Reprice>,
        event: &NewEvent,
        notify: &[i64],
        now: OffsetDateTime,
    ) -> StoreResult<()>;

    async fn payment_for_order(&self, order_id: i64) -> StoreResult<Option<PaymentRecord>>;
    async fn payment_by_trade_no(&self, out_trade_no: &str) -> StoreResult<Option<PaymentRecord>>;
    /// Records a verified payment notification exactly once.
    async fn confirm_payment(&self, out_trade_no: &str, provider_txn_id: &str, amount_fen: i64, refund_no: &str, now: OffsetDateTime) -> StoreResult<PaymentOutcome>;
    /// Marks a pending refund settled (once: `None` after that).
    async fn settle_refund(&self, refund_id: i64, now: OffsetDateTime) -> StoreResult<Option<crate::SettledRefund>>;
    async fn pending_refund_for_order(&self, order_id: i64) -> StoreResult<Option<i64>>;

    /// Offers a 待接单 order to a worker and moves the order's time hold to
    /// them (`SlotTaken` if their time went meanwhile; `Conflict` if they
    /// were offered it before or the order left 待接单). `explanation` is the
    /// worker's score; `decision` (JSON) what the whole decision saw, kept
    /// with the offer in one transaction.
    /// `fits` is asked, inside the transaction, whether the order still fits
    /// between the worker's other orders around it (`SlotTaken` if not).
    #[allow(clippy::too_many_arguments)]
    async fn create_offer(
        &self,
        order_id: i64,
        worker_id: i64,
        explanation: &str,
        decision: &str,
        now: OffsetDateTime,
        deadline: OffsetDateTime,
        fits: FitsDay<'_>,
    ) -> StoreResult<i64>;
    async fn offers_for_order(&self, order_id: i64) -> StoreResult<Vec<OfferRecord>>;
    async fn pending_offers(&self, worker_id: i64, now: OffsetDateTime) -> StoreResult<Vec<OfferRecord>>;
    async fn offer(&self, offer_id: i64) -> StoreResult<Option<OfferRecord>>;
    /// Accepts a pending, unexpired offer: exactly one accept wins an order.
    /// `fits` is asked, inside the accepting transaction, whether the order
    /// still fits around the worker's other orders within six hours of it
    /// (travel between them is the caller's rule); `TooFarBetween` if not,
    /// `SlotTaken` if one overlaps it outright.
    async fn accept_offer(&self, offer_id: i64, worker_id: i64, event: &NewEvent, notify: &[i64], now: OffsetDateTime, fits: FitsDay<'_>) -> StoreResult<i64>;
    /// Marks a pending offer rejected or expired; `false` if it was no longer pending.
    async fn close_offer(&self, offer_id: i64, status: &str, now: OffsetDateTime) -> StoreResult<bool>;

    async fn create_review(&self, review: &NewReview, now: OffsetDateTime) -> StoreResult<()>;
    async fn review_for_order(&self, order_id: i64) -> StoreResult<Option<ReviewRecord>>;
    /// Adds a photo to the review `customer_id` wrote of `order_id` unless
    /// it holds `max` already; `NotFound` without such a review, `Conflict`
    /// when full (nothing is added either way).
    /// Adds a photo or the video to the review `customer_id` wrote of
    /// `order_id`: `NotFound` without that review, `Conflict` when it holds
    /// `max_photos` photos already, or a video.
    async fn add_review_media(&self, order_id: i64, customer_id: i64, storage_key: &str, kind: crate::ReviewMediaKind, max_photos: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// `(order id, storage key)` of the photos and videos on those orders'
    /// reviews, oldest first (a video's key says it is one).
    async fn review_photos(&self, order_ids: &[i64]) -> StoreResult<Vec<(i64, String)>>;
    /// Whether a stored file is a review photo (public, as its review is).
    async fn is_review_photo(&self, storage_key: &str) -> StoreResult<bool>;
    /// Takes a photo off the review `customer_id` wrote of `order_id`;
    /// `false` when it is not one of that review's photos.
    async fn remove_review_photo(&self, order_id: i64, customer_id: i64, storage_key: &str) -> StoreResult<bool>;
    /// Average ratings of a service's reviews and the newest `limit` of them (C3).
    async fn service_reviews(&self, service_id: i64, limit: i64) -> StoreResult<crate::ServiceReviews>;
    /// The newest `limit` reviews of a worker's services (C9).
    async fn worker_reviews(&self, worker_id: i64, limit: i64) -> StoreResult<Vec<crate::PublicReview>>;

    /// Counts and money over all of a customer's orders (A8).
    async fn customer_totals(&self, customer_id: i64) -> StoreResult<CustomerTotals>;
    /// The newest `limit` reviews a customer wrote (A8).
    async fn customer_reviews(&self, customer_id: i64, limit: i64) -> StoreResult<Vec<CustomerReview>>;

    async fn enqueue_job(&self, kind: &str, ref_id: i64, payload: &str, due_at: OffsetDateTime) -> StoreResult<i64>;
    async fn claim_due_jobs(&self, now: OffsetDateTime, lock_until: OffsetDateTime, limit: i64) -> StoreResult<Vec<JobRecord>>;
    async fn finish_job(&self, job_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    async fn fail_job(&self, job_id: i64, error: &str, retry_at: OffsetDateTime) -> StoreResult<()>;

    async fn notify_users(&self, users: &[i64], topic: &str, order_id: Option<i64>, now: OffsetDateTime) -> StoreResult<()>;
    async fn live_events_after(&self, user_id: i64, after_id: i64, limit: i64) -> StoreResult<Vec<LiveEvent>>;
    async fn last_live_event_id(&self, user_id: i64) -> StoreResult<i64>;
}

/// Whether unresolved feedback (`domain::FeedbackStatus::UNRESOLVED`) is
/// about order `o`: a macro, so [`ORDER_COLUMNS`] can be one constant.
macro_rules! open_complaint_sql {
    () => {
        "EXISTS (SELECT 1 FROM feedback fb WHERE fb.order_id = o.id AND fb.status IN ('open', 'assigned'))"
    };
}

pub(crate) const OPEN_COMPLAINT_SQL: &str = open_complaint_sql!();

pub(crate) const ORDER_COLUMNS: &str = concat!(
    r#"o.id, o.order_no, o.customer_id, o.service_id, o.service_name, o.category_code,
    o.units, o.quote_json, o.total_fen, o.state, o.reserved_worker_id, o.worker_id,
    w.display_name AS worker_name, w.phone AS worker_phone, c.display_name AS customer_name,
    o.address_text, o.lat, o.lng, o.contact_phone, o.notes, o.starts_at, o.ends_at, o.pay_deadline,
    o.paid_fen, o.cancel_fee_fen, o.refund_fen, o.paid_out_fen, o.needs_admin, o.created_at,
    EXISTS (SELECT 1 FROM reviews r WHERE r.order_id = o.id) AS has_review,
    "#,
    open_complaint_sql!(),
    r#" AS open_complaint,
    o.commission_bps, o.worker_gender, o.arrived_far, o.cancel_tiers, o.checklist, o.proof_photos, o.confirmed_at, o.confirmed_auto, o.series_id,
    (SELECT COUNT(*) FROM orders s WHERE s.series_id = o.series_id AND s.starts_at <= o.starts_at) AS series_index,
    (SELECT COUNT(*) FROM orders s WHERE s.series_id = o.series_id) AS series_visits, o.placement_id,
    EXISTS (SELECT 1 FROM categories k WHERE k.code = o.category_code AND k.requires_certificate = TRUE) AS needs_certificate
    FROM orders o JOIN users c ON c.id = o.customer_id LEFT JOIN users w ON w.id = o.worker_id"#
);

pub(crate) const OFFER_COLUMNS: &str = "f.id, f.order_id, f.worker_id, u.display_name AS worker_name, f.status,
    f.explanation, f.broadcast, f.offered_at, f.deadline, f.responded_at FROM offers f JOIN users u ON u.id = f.worker_id";

/// Counts the orders (other than order `$2`) that hold worker `$1`'s time
/// overlapping order `$2`.
pub(crate) fn worker_clash_sql() -> String {
    format!(
        "SELECT COUNT(*) FROM orders o, orders me WHERE me.id = $2
         AND o.id <> me.id AND COALESCE(o.worker_id, o.reserved_worker_id) = $1
         AND o.state IN ({}) AND o.starts_at < me.ends_at AND o.ends_at > me.starts_at",
        holding_states_sql()
    )
}

/// Whether an order fits between the worker's other orders around it.
pub type FitsDay<'a> = &'a (dyn Fn(&[BusyRow]) -> bool + Send + Sync);

/// How far either side of an order the worker's other orders are handed to
/// [`FitsDay`]: longer than any trip across a city.
pub(crate) const NEIGHBOUR_MARGIN: time::Duration = time::Duration::hours(6);

/// The last valid day (Beijing `YYYY-MM-DD`) of the newest accepted 健康证 of
/// the worker whose id is `worker_id` (an SQL expression): a renewal replaces
/// the one before. NULL when it states no expiry or there is none.
pub(crate) fn health_through_sql(worker_id: &str) -> String {
    format!(
        "(SELECT d.expires_on FROM worker_documents d WHERE d.worker_id = {worker_id} AND d.kind = 'health' AND d.review_state = 'accepted'
          ORDER BY d.id DESC LIMIT 1)"
    )
}

/// `states` as the list of an SQL `IN (…)`. Only storage names (lowercase
/// and `_`) are kept, so the list can be written into the statement.
pub(crate) fn state_list_sql<'a>(states: impl IntoIterator<Item = &'a str>) -> String {
    states
        .into_iter()
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The orders a worker holds (`booking::OrderState::is_held_by_worker`), as
/// an `IN (…)` list.
pub(crate) fn held_by_worker_sql() -> String {
    state_list_sql(booking::OrderState::ALL.into_iter().filter(|s| s.is_held_by_worker()).map(|s| s.as_str()))
}

/// The orders `booking::anomaly` flags, given the three instants of
/// [`cutoff_instants`] as SQL parameters in that order.
pub(crate) fn anomalous_sql(starting_by: &str, started_before: &str, ended_before: &str) -> String {
    format!(
        "((o.state = 'booked' AND o.starts_at <= {starting_by})
          OR (o.state IN ('accepted', 'departed') AND o.starts_at < {started_before})
          OR (o.state = 'in_service' AND o.ends_at < {ended_before})
          OR (o.state IN ('arrived', 'in_service') AND o.arrived_far = TRUE))"
    )
}

/// `booking`'s cutoffs as the instants [`anomalous_sql`] compares with.
pub(crate) fn cutoff_instants(cut: &booking::AnomalyCutoffs) -> crate::StoreResult<[OffsetDateTime; 3]> {
    let instant = |secs: i64| OffsetDateTime::from_unix_timestamp(secs).map_err(|e| crate::StoreError::Database(sqlx::Error::Encode(Box::new(e))));
    Ok([instant(cut.unaccepted_if_starting_by)?, instant(cut.late_if_started_before)?, instant(cut.overrun_if_ended_before)?])
}

pub(crate) fn holding_states_sql() -> String {
    state_list_sql(HOLDING_STATES.iter().copied())
}

macro_rules! shared_order_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::orders::OrderStore for $store {
            async fn setup_worker(&self, worker_id: i64, setup: &crate::WorkerSetup) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE worker_profiles SET gender = $1, skills = $2, home_lat = $3, home_lng = $4, area_radius_km = $5
                     WHERE user_id = $6",
                )
                .bind(&setup.gender)
                .bind(setup.skills.join(","))
                .bind(setup.home_lat)
                .bind(setup.home_lng)
                .bind(setup.area_radius_km)
                .bind(worker_id)
                .execute(&mut *tx)
                .await?;
                crate::model::expect_one(done.rows_affected())?;
                sqlx::query("DELETE FROM worker_hours WHERE worker_id = $1").bind(worker_id).execute(&mut *tx).await?;
                for (weekday, start, end) in &setup.hours {
                    sqlx::query("INSERT INTO worker_hours (worker_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)")
                        .bind(worker_id)
                        .bind(weekday)
                        .bind(start)
                        .bind(end)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn worker_setup(&self, worker_id: i64) -> crate::StoreResult<Option<crate::WorkerSetup>> {
                let row: Option<(Option<String>, String, f64, f64, f64)> = sqlx::query_as(
                    "SELECT gender, skills, home_lat, home_lng, area_radius_km FROM worker_profiles WHERE user_id = $1",
                )
                .bind(worker_id)
                .fetch_optional(&self.pool)
                .await?;
                let Some((gender, skills, home_lat, home_lng, area_radius_km)) = row else { return Ok(None) };
                let hours: Vec<(i32, i32, i32)> = sqlx::query_as(
                    "SELECT weekday, start_minute, end_minute FROM worker_hours WHERE worker_id = $1 ORDER BY weekday, start_minute",
                )
                .bind(worker_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(Some(crate::WorkerSetup {
                    gender,
                    skills: skills.split(',').filter(|s| !s.is_empty()).map(String::from).collect(),
                    home_lat,
                    home_lng,
                    area_radius_km,
                    hours,
                }))
            }

            async fn workers_for_dispatch(&self, skill: &str) -> crate::StoreResult<Vec<crate::WorkerForDispatch>> {
                let sql = format!(
                    "SELECT w.user_id, u.display_name, w.gender, w.skills, w.home_lat, w.home_lng, w.area_radius_km,
                            (SELECT {} FROM reviews r WHERE r.worker_id = w.user_id) AS rating_avg,
                            (SELECT COUNT(*) FROM orders o WHERE o.worker_id = w.user_id AND o.state IN ({})) AS active_orders,
                            EXISTS (SELECT 1 FROM worker_documents d WHERE d.worker_id = w.user_id AND d.kind = 'qualification' AND d.category_code = $2 AND d.review_state = 'accepted') AS certified,
                            (SELECT CASE WHEN COUNT(*) = COUNT(d.expires_on) THEN MAX(d.expires_on) END FROM worker_documents d
                              WHERE d.worker_id = w.user_id AND d.kind = 'qualification' AND d.category_code = $2 AND d.review_state = 'accepted') AS certified_through,
                            {} AS health_through
                     FROM worker_profiles w JOIN users u ON u.id = w.user_id
                     WHERE w.status = 'approved' AND u.disabled = FALSE
                       AND (',' || w.skills || ',') LIKE $1
                     ORDER BY w.user_id",
                    crate::rating_avg_sql("r"),
                    crate::orders::holding_states_sql(),
                    crate::orders::health_through_sql("w.user_id")
                );
                Ok(sqlx::query_as(&sql).bind(format!("%,{skill},%")).bind(skill).fetch_all(&self.pool).await?)
            }

            async fn work_windows(&self, worker_ids: &[i64]) -> crate::StoreResult<Vec<crate::WorkWindowRow>> {
                let mut rows: Vec<crate::WorkWindowRow> = sqlx::query_as(
                    "SELECT worker_id, weekday, start_minute, end_minute FROM worker_hours ORDER BY worker_id, weekday, start_minute",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.retain(|r| worker_ids.contains(&r.worker_id));
                Ok(rows)
            }

            async fn busy_between(&self, from: time::OffsetDateTime, to: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::BusyRow>> {
                let sql = format!(
                    "SELECT COALESCE(worker_id, reserved_worker_id) AS worker_id, id AS order_id, starts_at, ends_at, lat, lng
                     FROM orders
                     WHERE COALESCE(worker_id, reserved_worker_id) IS NOT NULL AND state IN ({})
                       AND starts_at < $2 AND ends_at > $1
                     ORDER BY starts_at",
                    crate::orders::holding_states_sql()
                );
                Ok(sqlx::query_as(&sql).bind(from).bind(to).fetch_all(&self.pool).await?)
            }

            async fn service(&self, id: i64) -> crate::StoreResult<Option<crate::ServiceRecord>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, c.code AS category_code, c.name AS category_name, s.name, s.summary, s.content,
                            s.process_steps, s.supplies, s.qualifications, s.unit, s.base_price_fen, s.default_units,
                            s.min_units, s.status, c.listed AS category_listed, s.addons_json,
                            c.requires_certificate AS needs_certificate, s.proof_photos
                     FROM services s JOIN categories c ON c.id = s.category_id WHERE s.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn create_address(&self, customer_id: i64, a: &crate::NewAddress, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO addresses (customer_id, label, contact_name, contact_phone, address_text, lat, lng, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(customer_id)
                .bind(&a.label)
                .bind(&a.contact_name)
                .bind(&a.contact_phone)
                .bind(&a.address_text)
                .bind(a.lat)
                .bind(a.lng)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn addresses(&self, customer_id: i64) -> crate::StoreResult<Vec<crate::Address>> {
                Ok(sqlx::query_as(
                    "SELECT id, customer_id, label, contact_name, contact_phone, address_text, lat, lng, is_default
                     FROM addresses WHERE customer_id = $1 ORDER BY is_default DESC, id DESC",
                )
                .bind(customer_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn delete_address(&self, customer_id: i64, address_id: i64) -> crate::StoreResult<()> {
                let done = sqlx::query("DELETE FROM addresses WHERE id = $1 AND customer_id = $2")
                    .bind(address_id)
                    .bind(customer_id)
                    .execute(&self.pool)
                    .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn update_address(&self, customer_id: i64, address_id: i64, a: &crate::NewAddress) -> crate::StoreResult<()> {
                let done = sqlx::query(
                    "UPDATE addresses SET label = $1, contact_name = $2, contact_phone = $3, address_text = $4, lat = $5, lng = $6
                     WHERE id = $7 AND customer_id = $8",
                )
                .bind(&a.label)
                .bind(&a.contact_name)
                .bind(&a.contact_phone)
                .bind(&a.address_text)
                .bind(a.lat)
                .bind(a.lng)
                .bind(address_id)
                .bind(customer_id)
                .execute(&self.pool)
                .await?;
                crate::model::expect_one(done.rows_affected())
            }

            async fn set_default_address(&self, customer_id: i64, address_id: i64) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query("UPDATE addresses SET is_default = (id = $1) WHERE customer_id = $2")
                    .bind(address_id)
                    .bind(customer_id)
                    .execute(&mut *tx)
                    .await?;
                let owned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM addresses WHERE id = $1 AND customer_id = $2")
                    .bind(address_id)
                    .bind(customer_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 || owned == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn place_order(&self, o: &crate::NewOrder, candidates: &[i64], now: time::OffsetDateTime) -> crate::StoreResult<crate::PlacedOrder> {
                let mut tx = self.begin_write().await?;
                let placed = Self::insert_placed_order(&mut tx, o, candidates, now).await?;
                tx.commit().await?;
                Ok(placed)
            }

            async fn place_series(&self, visits: &[crate::NewOrder], worker: i64, now: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::PlacedOrder>> {
                let mut tx = self.begin_write().await?;
                let mut placed = Vec::with_capacity(visits.len());
                for visit in visits {
                    placed.push(Self::insert_placed_order(&mut tx, visit, &[worker], now).await?);
                }
                let series_id = placed.first().ok_or(crate::StoreError::NotFound)?.order_id;
                for p in &placed {
                    sqlx::query("UPDATE orders SET series_id = $1 WHERE id = $2").bind(series_id).bind(p.order_id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(placed)
            }

            async fn order(&self, id: i64) -> crate::StoreResult<Option<crate::OrderRecord>> {
                let sql = format!("SELECT {} WHERE o.id = $1", crate::orders::ORDER_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(&self.pool).await?)
            }

            async fn orders(&self, f: &crate::OrderFilter) -> crate::StoreResult<Vec<crate::OrderRecord>> {
                let states = if f.states.is_empty() {
                    String::from("TRUE")
                } else {
                    format!("o.state IN ({})", crate::orders::state_list_sql(f.states.iter().map(String::as_str)))
                };
                let anomalous = if f.anomalous.is_some() { crate::orders::anomalous_sql("$7", "$8", "$9") } else { String::from("TRUE") };
                let complained = if f.open_complaint { crate::orders::OPEN_COMPLAINT_SQL } else { "TRUE" };
                // An integer, so written into the statement: the anomaly cut-offs own the next placeholders.
                let series = f.series_id.map_or(String::from("TRUE"), |id| format!("o.series_id = {id}"));
                let sql = format!(
                    "SELECT {} WHERE (CAST($1 AS BIGINT) IS NULL OR o.customer_id = $1)
                       AND (CAST($2 AS BIGINT) IS NULL OR o.worker_id = $2)
                       AND (CAST($3 AS BOOLEAN) IS NULL OR o.needs_admin = $3)
                       AND o.created_at >= $6
                       AND {states}
                       AND {anomalous}
                       AND {complained}
                       AND {series}
                     ORDER BY o.starts_at DESC, o.id DESC LIMIT $4 OFFSET $5",
                    crate::orders::ORDER_COLUMNS
                );
                let mut query = sqlx::query_as(&sql)
                    .bind(f.customer_id)
                    .bind(f.worker_id)
                    .bind(f.needs_admin)
                    .bind(f.limit)
                    .bind(f.offset)
                    .bind(f.created_since.unwrap_or(time::OffsetDateTime::UNIX_EPOCH));
                if let Some(cut) = &f.anomalous {
                    let [starting_by, started_before, ended_before] = crate::orders::cutoff_instants(cut)?;
                    query = query.bind(starting_by).bind(started_before).bind(ended_before);
                }
                Ok(query.fetch_all(&self.pool).await?)
            }

            async fn order_events(&self, order_id: i64) -> crate::StoreResult<Vec<crate::OrderEventRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, order_id, kind, from_state, to_state, actor_kind, actor_id, lat, lng, detail, created_at
                     FROM order_events WHERE order_id = $1 ORDER BY id",
                )
                .bind(order_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn change_order(&self, order_id: i64, c: &crate::OrderChange, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                if let Some(worker) = c.assign_worker {
                    let clash_sql = crate::orders::worker_clash_sql();
                    let clashes: i64 = sqlx::query_scalar(&clash_sql).bind(worker).bind(order_id).fetch_one(&mut *tx).await?;
                    if clashes > 0 {
                        return Err(crate::StoreError::SlotTaken);
                    }
                }
                // A contract ended early pays its nanny her days served, which is no fee: it is paid out like its months.
                let served_fen = if c.settle.is_some_and(|s| s.served_days.is_some()) { c.fee_fen } else { 0 };
                let updated = sqlx::query(
                    "UPDATE orders SET state = $1,
                        worker_id = COALESCE($2, worker_id),
                        reserved_worker_id = COALESCE($2, reserved_worker_id),
                        cancel_fee_fen = cancel_fee_fen + $3,
                        refund_fen = refund_fen + $4,
                        paid_out_fen = paid_out_fen + $8,
                        needs_admin = CASE WHEN $2 IS NULL THEN needs_admin ELSE FALSE END,
                        updated_at = $5
                     WHERE id = $6 AND state = $7",
                )
                .bind(&c.next_state)
                .bind(c.assign_worker)
                .bind(c.fee_fen - served_fen)
                .bind(c.refund.as_ref().map(|r| r.0).unwrap_or(0))
                .bind(now)
                .bind(order_id)
                .bind(&c.expected_state)
                .bind(served_fen)
                .execute(&mut *tx)
                .await?;
                if updated.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                Self::append_event(&mut tx, order_id, Some(&c.expected_state), &c.next_state, &c.event, now).await?;
                if c.event.away_from_address {
                    sqlx::query("UPDATE orders SET arrived_far = TRUE WHERE id = $1").bind(order_id).execute(&mut *tx).await?;
                }
                Self::post_order_money(&mut tx, order_id, c, now).await?;
                if let Some((amount, refund_no)) = &c.refund {
                    Self::start_refund(&mut tx, order_id, *amount, refund_no, now).await?;
                }
                // An order cancelled before it was paid gives its coupon back.
                if c.expected_state == "pending_payment" && c.next_state == "cancelled" {
                    sqlx::query("UPDATE coupon_claims SET order_id = NULL, used_at = NULL WHERE order_id = $1")
                        .bind(order_id)
                        .execute(&mut *tx)
                        .await?;
                }
                // Open offers lapse once the order leaves 待接单; their workers see them go.
                if c.next_state != "booked" {
                    Self::withdraw_open_offers(&mut tx, order_id, now).await?;
                }
                Self::append_live(&mut tx, &c.notify, "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reschedule_order(
                &self,
                order_id: i64,
                from: time::OffsetDateTime,
                starts_at: time::OffsetDateTime,
                ends_at: time::OffsetDateTime,
                reprice: Option<&crate::Reprice>,
                event: &crate::NewEvent,
                notify: &[i64],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let moved: Option<(String, Option<i64>)> = sqlx::query_as(
                    "UPDATE orders SET starts_at = $1, ends_at = $2, updated_at = $3
                     WHERE id = $4 AND starts_at = $5 AND state IN ('booked', 'accepted')
                     RETURNING state, COALESCE(worker_id, reserved_worker_id)",
                )
                .bind(starts_at)
                .bind(ends_at)
                .bind(now)
                .bind(order_id)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((state, worker)) = moved else {
                    return Err(crate::StoreError::Conflict);
                };
                // B3 at the new time: checked after the move, inside the write transaction.
                if let Some(worker) = worker {
                    let clashes: i64 = sqlx::query_scalar(&crate::orders::worker_clash_sql()).bind(worker).bind(order_id).fetch_one(&mut *tx).await?;
                    if clashes > 0 {
                        return Err(crate::StoreError::SlotTaken);
                    }
                }
                if let Some(r) = reprice {
                    sqlx::query("UPDATE orders SET quote_json = $1, total_fen = $2, refund_fen = refund_fen + $3 WHERE id = $4")
                        .bind(&r.quote_json)
                        .bind(r.total_fen)
                        .bind(r.refund_fen)
                        .bind(order_id)
                        .execute(&mut *tx)
                        .await?;
                    let meta = crate::PostingMeta { idem_key: format!("refund:{}", r.refund_no), actor_id: event.actor_id, memo: "改期退差价".into() };
                    Self::post_refund(&mut tx, order_id, r.refund_fen, &meta, now).await?;
                    Self::start_refund(&mut tx, order_id, r.refund_fen, &r.refund_no, now).await?;
                }
                Self::append_event(&mut tx, order_id, Some(&state), &state, event, now).await?;
                // The reminders follow the new time, including one already sent for the old time.
                sqlx::query("DELETE FROM jobs WHERE ref_id = $1 AND kind IN ('remind_start', 'remind_day_before') AND done_at IS NULL")
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                Self::schedule_reminders(&mut tx, order_id, starts_at, now).await?;
                Self::append_live(&mut tx, notify, "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn payment_for_order(&self, order_id: i64) -> crate::StoreResult<Option<crate::PaymentRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, order_id, provider, out_trade_no, amount_fen, status FROM payments WHERE order_id = $1 ORDER BY id DESC",
                )
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn payment_by_trade_no(&self, out_trade_no: &str) -> crate::StoreResult<Option<crate::PaymentRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, order_id, provider, out_trade_no, amount_fen, status FROM payments WHERE out_trade_no = $1",
                )
                .bind(out_trade_no)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn confirm_payment(
                &self,
                out_trade_no: &str,
                provider_txn_id: &str,
                amount_fen: i64,
                refund_no: &str,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PaymentOutcome> {
                let mut tx = self.begin_write().await?;
                let payment: Option<(i64, i64, i64, String)> = sqlx::query_as(
                    "SELECT id, order_id, amount_fen, status FROM payments WHERE out_trade_no = $1",
                )
                .bind(out_trade_no)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((payment_id, order_id, expected, status)) = payment else {
                    return Err(crate::StoreError::NotFound);
                };
                if expected != amount_fen {
                    return Err(crate::StoreError::AmountMismatch);
                }
                if status != "pending" {
                    return Ok(crate::PaymentOutcome::AlreadyProcessed);
                }
                sqlx::query("UPDATE payments SET status = 'paid', provider_txn_id = $1, paid_at = $2 WHERE id = $3")
                    .bind(provider_txn_id)
                    .bind(now)
                    .bind(payment_id)
                    .execute(&mut *tx)
                    .await?;
                let capture = ledger::capture(order_id, domain::Fen::new(amount_fen))?;
                let meta = crate::PostingMeta { idem_key: format!("capture:{payment_id}"), actor_id: None, memo: provider_txn_id.to_string() };
                Self::post(&mut tx, &capture, &meta, now).await?;
                let booked = sqlx::query(
                    "UPDATE orders SET state = 'booked', paid_fen = $1, updated_at = $2 WHERE id = $3 AND state = 'pending_payment'",
                )
                .bind(amount_fen)
                .bind(now)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
                let system = crate::NewEvent {
                    kind: String::new(),
                    actor_kind: "system".into(),
                    actor_id: None,
                    position: None,
                    detail: format!("支付流水 {provider_txn_id}"),
                    away_from_address: false,
                };
                let customer: i64 = sqlx::query_scalar("SELECT customer_id FROM orders WHERE id = $1")
                    .bind(order_id)
                    .fetch_one(&mut *tx)
                    .await?;
                let outcome = if booked.rows_affected() == 1 {
                    let event = crate::NewEvent { kind: "payment_confirmed".into(), ..system };
                    Self::append_event(&mut tx, order_id, Some("pending_payment"), "booked", &event, now).await?;
                    sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('dispatch', $1, '', $2)")
                        .bind(order_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    let starts_at: time::OffsetDateTime = sqlx::query_scalar("SELECT starts_at FROM orders WHERE id = $1")
                        .bind(order_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    Self::schedule_reminders(&mut tx, order_id, starts_at, now).await?;
                    crate::PaymentOutcome::Booked { order_id }
                } else {
                    // The order expired or was cancelled before the money arrived: give it back.
                    let meta = crate::PostingMeta { idem_key: format!("refund:{refund_no}"), actor_id: None, memo: "迟到的付款全额退回".into() };
                    Self::post_refund(&mut tx, order_id, amount_fen, &meta, now).await?;
                    sqlx::query("UPDATE orders SET paid_fen = $1, refund_fen = refund_fen + $1, updated_at = $2 WHERE id = $3")
                        .bind(amount_fen)
                        .bind(now)
                        .bind(order_id)
                        .execute(&mut *tx)
                        .await?;
                    Self::start_refund(&mut tx, order_id, amount_fen, refund_no, now).await?;
                    crate::PaymentOutcome::RefundedLate { order_id }
                };
                Self::append_live(&mut tx, &[customer], "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(outcome)
            }

            async fn settle_refund(&self, refund_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<Option<crate::SettledRefund>> {
                let mut tx = self.begin_write().await?;
                let settled = sqlx::query("UPDATE refunds SET status = 'settled', settled_at = $1 WHERE id = $2 AND status = 'pending'")
                    .bind(now)
                    .bind(refund_id)
                    .execute(&mut *tx)
                    .await?;
                if settled.rows_affected() == 0 {
                    return Ok(None);
                }
                let (order_id, customer, amount_fen): (i64, i64, i64) = sqlx::query_as(
                    "SELECT o.id, o.customer_id, r.amount_fen FROM refunds r JOIN payments p ON p.id = r.payment_id
                     JOIN orders o ON o.id = p.order_id WHERE r.id = $1",
                )
                .bind(refund_id)
                .fetch_one(&mut *tx)
                .await?;
                let moved = sqlx::query("UPDATE orders SET state = 'refunded', updated_at = $1 WHERE id = $2 AND state = 'refunding'")
                    .bind(now)
                    .bind(order_id)
                    .execute(&mut *tx)
                    .await?;
                if moved.rows_affected() == 1 {
                    let event = crate::NewEvent {
                        kind: "refund_settled".into(),
                        actor_kind: "system".into(),
                        actor_id: None,
                        position: None,
                        detail: String::new(),
                        away_from_address: false,
                    };
                    Self::append_event(&mut tx, order_id, Some("refunding"), "refunded", &event, now).await?;
                }
                Self::append_live(&mut tx, &[customer], "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(Some(crate::SettledRefund { order_id, amount_fen }))
            }

            async fn pending_refund_for_order(&self, order_id: i64) -> crate::StoreResult<Option<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT r.id FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.order_id = $1 AND r.status = 'pending'",
                )
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            #[allow(clippy::too_many_arguments)]
            async fn create_offer(
                &self,
                order_id: i64,
                worker_id: i64,
                explanation: &str,
                decision: &str,
                now: time::OffsetDateTime,
                deadline: time::OffsetDateTime,
                fits: crate::orders::FitsDay<'_>,
            ) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let times = Self::order_times(&mut tx, order_id).await?;
                match Self::check_worker_fits(&mut tx, worker_id, order_id, times, fits).await {
                    Err(crate::StoreError::TooFarBetween) => return Err(crate::StoreError::SlotTaken),
                    other => other?,
                }
                let held = sqlx::query(
                    "UPDATE orders SET reserved_worker_id = $1 WHERE id = $2 AND state = 'booked' AND worker_id IS NULL",
                )
                .bind(worker_id)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
                if held.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                let offer_id: i64 = sqlx::query_scalar(
                    "INSERT INTO offers (order_id, worker_id, status, explanation, offered_at, deadline)
                     VALUES ($1, $2, 'pending', $3, $4, $5) RETURNING id",
                )
                .bind(order_id)
                .bind(worker_id)
                .bind(explanation)
                .bind(now)
                .bind(deadline)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => crate::StoreError::Conflict,
                    _ => crate::StoreError::Database(e),
                })?;
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('offer_timeout', $1, '', $2)")
                    .bind(offer_id)
                    .bind(deadline)
                    .execute(&mut *tx)
                    .await?;
                Self::insert_decision(&mut tx, order_id, "offer", Some(worker_id), decision, now).await?;
                Self::append_live(&mut tx, &[worker_id], "offer", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(offer_id)
            }

            async fn offers_for_order(&self, order_id: i64) -> crate::StoreResult<Vec<crate::OfferRecord>> {
                let sql = format!("SELECT {} WHERE f.order_id = $1 ORDER BY f.id", crate::orders::OFFER_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(order_id).fetch_all(&self.pool).await?)
            }

            async fn pending_offers(&self, worker_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<Vec<crate::OfferRecord>> {
                let sql = format!(
                    "SELECT {} WHERE f.worker_id = $1 AND f.status = 'pending' AND f.deadline > $2 ORDER BY f.id",
                    crate::orders::OFFER_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(worker_id).bind(now).fetch_all(&self.pool).await?)
            }

            async fn offer(&self, offer_id: i64) -> crate::StoreResult<Option<crate::OfferRecord>> {
                let sql = format!("SELECT {} WHERE f.id = $1", crate::orders::OFFER_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(offer_id).fetch_optional(&self.pool).await?)
            }

            async fn accept_offer(
                &self,
                offer_id: i64,
                worker_id: i64,
                event: &crate::NewEvent,
                notify: &[i64],
                now: time::OffsetDateTime,
                fits: crate::orders::FitsDay<'_>,
            ) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let order_id: Option<i64> = sqlx::query_scalar(
                    "UPDATE offers SET status = 'accepted', responded_at = $1
                     WHERE id = $2 AND worker_id = $3 AND status = 'pending' AND deadline > $1 RETURNING order_id",
                )
                .bind(now)
                .bind(offer_id)
                .bind(worker_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(order_id) = order_id else {
                    return Err(crate::StoreError::Conflict);
                };
                let times = Self::order_times(&mut tx, order_id).await?;
                Self::check_worker_fits(&mut tx, worker_id, order_id, times, fits).await?;
                let accepted = sqlx::query(
                    "UPDATE orders SET state = 'accepted', worker_id = $1, reserved_worker_id = $1, needs_admin = FALSE, updated_at = $2
                     WHERE id = $3 AND state = 'booked'",
                )
                .bind(worker_id)
                .bind(now)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
                if accepted.rows_affected() != 1 {
                    return Err(crate::StoreError::Conflict);
                }
                Self::append_event(&mut tx, order_id, Some("booked"), "accepted", event, now).await?;
                Self::withdraw_open_offers(&mut tx, order_id, now).await?;
                Self::append_live(&mut tx, notify, "order", Some(order_id), now).await?;
                tx.commit().await?;
                Ok(order_id)
            }

            async fn close_offer(&self, offer_id: i64, status: &str, now: time::OffsetDateTime) -> crate::StoreResult<bool> {
                let done = sqlx::query("UPDATE offers SET status = $1, responded_at = $2 WHERE id = $3 AND status = 'pending'")
                    .bind(status)
                    .bind(now)
                    .bind(offer_id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_review(&self, r: &crate::NewReview, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO reviews (order_id, customer_id, worker_id, quality, attitude, result, body, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(r.order_id)
                .bind(r.customer_id)
                .bind(r.worker_id)
                .bind(r.quality)
                .bind(r.attitude)
                .bind(r.result)
                .bind(&r.body)
                .bind(now)
                .execute(&self.pool)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => crate::StoreError::Conflict,
                    _ => crate::StoreError::Database(e),
                })?;
                Ok(())
            }

            async fn service_reviews(&self, service_id: i64, limit: i64) -> crate::StoreResult<crate::ServiceReviews> {
                let (count, quality, attitude, result): (i64, Option<f64>, Option<f64>, Option<f64>) = sqlx::query_as(
                    "SELECT COUNT(*), CAST(AVG(r.quality) AS DOUBLE PRECISION), CAST(AVG(r.attitude) AS DOUBLE PRECISION),
                        CAST(AVG(r.result) AS DOUBLE PRECISION)
                     FROM reviews r JOIN orders o ON o.id = r.order_id WHERE o.service_id = $1",
                )
                .bind(service_id)
                .fetch_one(&self.pool)
                .await?;
                let recent = sqlx::query_as(
                    "SELECT r.order_id, r.quality, r.attitude, r.result, r.body, u.display_name AS customer_name, r.created_at
                     FROM reviews r JOIN orders o ON o.id = r.order_id JOIN users u ON u.id = r.customer_id
                     WHERE o.service_id = $1 ORDER BY r.id DESC LIMIT $2",
                )
                .bind(service_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(crate::ServiceReviews { count, quality, attitude, result, recent })
            }

            async fn worker_reviews(&self, worker_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::PublicReview>> {
                Ok(sqlx::query_as(
                    "SELECT r.order_id, r.quality, r.attitude, r.result, r.body, u.display_name AS customer_name, r.created_at
                     FROM reviews r JOIN users u ON u.id = r.customer_id WHERE r.worker_id = $1 ORDER BY r.id DESC LIMIT $2",
                )
                .bind(worker_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn customer_totals(&self, customer_id: i64) -> crate::StoreResult<crate::CustomerTotals> {
                let cancelled = crate::orders::state_list_sql(
                    booking::OrderState::ALL.into_iter().filter(|s| s.is_cancelled()).map(|s| s.as_str()),
                );
                // PostgreSQL sums BIGINT into NUMERIC; the casts keep every figure an integer on both.
                let sql = format!(
                    "SELECT COUNT(*),
                        CAST(COALESCE(SUM(CASE WHEN state = '{}' THEN 1 ELSE 0 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(CASE WHEN state IN ({cancelled}) THEN 1 ELSE 0 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(paid_fen), 0) AS BIGINT), CAST(COALESCE(SUM(refund_fen), 0) AS BIGINT)
                     FROM orders WHERE customer_id = $1",
                    booking::OrderState::Completed.as_str()
                );
                let (orders, completed, cancelled, paid_fen, refunded_fen): (i64, i64, i64, i64, i64) =
                    sqlx::query_as(&sql).bind(customer_id).fetch_one(&self.pool).await?;
                Ok(crate::CustomerTotals { orders, completed, cancelled, paid_fen, refunded_fen })
            }

            async fn customer_reviews(&self, customer_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::CustomerReview>> {
                Ok(sqlx::query_as(
                    "SELECT o.id AS order_id, o.order_no, o.service_name, w.display_name AS worker_name,
                        r.quality, r.attitude, r.result, r.body, r.created_at
                     FROM reviews r JOIN orders o ON o.id = r.order_id JOIN users w ON w.id = r.worker_id
                     WHERE r.customer_id = $1 ORDER BY r.id DESC LIMIT $2",
                )
                .bind(customer_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn add_review_media(&self, order_id: i64, customer_id: i64, storage_key: &str, kind: crate::ReviewMediaKind, max_photos: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let review: Option<i64> = sqlx::query_scalar("SELECT id FROM reviews WHERE order_id = $1 AND customer_id = $2")
                    .bind(order_id)
                    .bind(customer_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let review = review.ok_or(crate::StoreError::NotFound)?;
                let video = kind == crate::ReviewMediaKind::Video;
                let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM review_photos WHERE review_id = $1 AND video = $2")
                    .bind(review)
                    .bind(video)
                    .fetch_one(&mut *tx)
                    .await?;
                if held >= if video { 1 } else { max_photos } {
                    return Err(crate::StoreError::Conflict);
                }
                sqlx::query("INSERT INTO review_photos (review_id, storage_key, video, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(review)
                    .bind(storage_key)
                    .bind(video)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        // Another video won the race to this review.
                        sqlx::Error::Database(db) if db.is_unique_violation() => crate::StoreError::Conflict,
                        _ => crate::StoreError::Database(e),
                    })?;
                tx.commit().await?;
                Ok(())
            }

            async fn review_photos(&self, order_ids: &[i64]) -> crate::StoreResult<Vec<(i64, String)>> {
                if order_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let ids = crate::dispatching::id_list(order_ids);
                let sql = format!(
                    "SELECT r.order_id, p.storage_key FROM review_photos p JOIN reviews r ON r.id = p.review_id WHERE r.order_id IN ({ids}) ORDER BY p.id"
                );
                Ok(sqlx::query_as(&sql).fetch_all(&self.pool).await?)
            }

            async fn remove_review_photo(&self, order_id: i64, customer_id: i64, storage_key: &str) -> crate::StoreResult<bool> {
                let done = sqlx::query(
                    "DELETE FROM review_photos WHERE storage_key = $1
                     AND review_id IN (SELECT id FROM reviews WHERE order_id = $2 AND customer_id = $3)",
                )
                .bind(storage_key)
                .bind(order_id)
                .bind(customer_id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn is_review_photo(&self, storage_key: &str) -> crate::StoreResult<bool> {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM review_photos WHERE storage_key = $1").bind(storage_key).fetch_optional(&self.pool).await?;
                Ok(found.is_some())
            }

            async fn review_for_order(&self, order_id: i64) -> crate::StoreResult<Option<crate::ReviewRecord>> {
                Ok(sqlx::query_as("SELECT quality, attitude, result, body, created_at FROM reviews WHERE order_id = $1")
                    .bind(order_id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn enqueue_job(&self, kind: &str, ref_id: i64, payload: &str, due_at: time::OffsetDateTime) -> crate::StoreResult<i64> {
                Ok(sqlx::query_scalar("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(kind)
                    .bind(ref_id)
                    .bind(payload)
                    .bind(due_at)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn claim_due_jobs(
                &self,
                now: time::OffsetDateTime,
                lock_until: time::OffsetDateTime,
                limit: i64,
            ) -> crate::StoreResult<Vec<crate::JobRecord>> {
                let mut tx = self.begin_write().await?;
                let jobs: Vec<crate::JobRecord> = sqlx::query_as(
                    "UPDATE jobs SET locked_until = $1, attempts = attempts + 1
                     WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= $2
                                  AND (locked_until IS NULL OR locked_until < $2) ORDER BY due_at, id LIMIT $3)
                     RETURNING id, kind, ref_id, payload, attempts",
                )
                .bind(lock_until)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(jobs)
            }

            async fn finish_job(&self, job_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL WHERE id = $2")
                    .bind(now)
                    .bind(job_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn fail_job(&self, job_id: i64, error: &str, retry_at: time::OffsetDateTime) -> crate::StoreResult<()> {
                sqlx::query("UPDATE jobs SET last_error = $1, locked_until = NULL, due_at = $2 WHERE id = $3")
                    .bind(error)
                    .bind(retry_at)
                    .bind(job_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn notify_users(&self, users: &[i64], topic: &str, order_id: Option<i64>, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.pool.begin().await?;
                Self::append_live(&mut tx, users, topic, order_id, now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn live_events_after(&self, user_id: i64, after_id: i64, limit: i64) -> crate::StoreResult<Vec<crate::LiveEvent>> {
                Ok(sqlx::query_as(
                    "SELECT id, topic, order_id FROM live_events WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                )
                .bind(user_id)
                .bind(after_id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn last_live_event_id(&self, user_id: i64) -> crate::StoreResult<i64> {
                let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM live_events WHERE user_id = $1")
                    .bind(user_id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(id.unwrap_or(0))
            }
        }

        impl $store {
            /// The customer's reminders of an order starting at `starts_at`:
            /// an hour before (or now if sooner), and the day before for
            /// orders booked earlier than that.
            async fn schedule_reminders(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                starts_at: time::OffsetDateTime,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('remind_start', $1, '', $2)")
                    .bind(order_id)
                    .bind((starts_at - std::time::Duration::from_secs(3600)).max(now))
                    .execute(&mut **tx)
                    .await?;
                let day_before = starts_at - std::time::Duration::from_secs(86_400);
                if day_before > now {
                    sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('remind_day_before', $1, '', $2)")
                        .bind(order_id)
                        .bind(day_before)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// Places `o` held by the first of `candidates` free then, inside
            /// the caller's write transaction (`SlotTaken` when none is).
            pub(crate) async fn insert_placed_order(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                o: &crate::NewOrder,
                candidates: &[i64],
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<crate::PlacedOrder> {
                let overlap_sql = format!(
                    "SELECT COUNT(*) FROM orders WHERE COALESCE(worker_id, reserved_worker_id) = $1
                     AND state IN ({}) AND starts_at < $3 AND ends_at > $2",
                    crate::orders::holding_states_sql()
                );
                let mut chosen = None;
                for worker in candidates {
                    let clashes: i64 = sqlx::query_scalar(&overlap_sql)
                        .bind(worker)
                        .bind(o.starts_at)
                        .bind(o.ends_at)
                        .fetch_one(&mut **tx)
                        .await?;
                    if clashes == 0 {
                        chosen = Some(*worker);
                        break;
                    }
                }
                let Some(worker) = chosen else {
                    return Err(crate::StoreError::SlotTaken);
                };
                let order_id: i64 = sqlx::query_scalar(
                    "INSERT INTO orders (order_no, customer_id, service_id, service_name, category_code, units, quote_json,
                        total_fen, state, reserved_worker_id, address_text, lat, lng, contact_phone, notes, starts_at, ends_at,
                        pay_deadline, created_at, updated_at, commission_bps, worker_gender, cancel_tiers, checklist, proof_photos)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending_payment', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19, $20, $21, $22, $23)
                     RETURNING id",
                )
                .bind(&o.order_no)
                .bind(o.customer_id)
                .bind(o.service_id)
                .bind(&o.service_name)
                .bind(&o.category_code)
                .bind(o.units)
                .bind(&o.quote_json)
                .bind(o.total_fen)
                .bind(worker)
                .bind(&o.address_text)
                .bind(o.lat)
                .bind(o.lng)
                .bind(&o.contact_phone)
                .bind(&o.notes)
                .bind(o.starts_at)
                .bind(o.ends_at)
                .bind(o.pay_deadline)
                .bind(now)
                .bind(o.commission_bps)
                .bind(&o.worker_gender)
                .bind(&o.cancel_tiers)
                .bind(&o.checklist)
                .bind(o.proof_photos)
                .fetch_one(&mut **tx)
                .await?;
                if let Some(claim) = o.coupon_claim_id {
                    let used = sqlx::query(
                        "UPDATE coupon_claims SET order_id = $1, used_at = $2 WHERE id = $3 AND customer_id = $4 AND order_id IS NULL",
                    )
                    .bind(order_id)
                    .bind(now)
                    .bind(claim)
                    .bind(o.customer_id)
                    .execute(&mut **tx)
                    .await?;
                    if used.rows_affected() != 1 {
                        return Err(crate::StoreError::CouponUsed);
                    }
                }
                sqlx::query(
                    "INSERT INTO order_events (order_id, kind, from_state, to_state, actor_kind, actor_id, detail, created_at)
                     VALUES ($1, 'created', NULL, 'pending_payment', 'customer', $2, '', $3)",
                )
                .bind(order_id)
                .bind(o.customer_id)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO payments (order_id, provider, out_trade_no, amount_fen, status, created_at)
                     VALUES ($1, $2, $3, $4, 'pending', $5)",
                )
                .bind(order_id)
                .bind(&o.provider)
                .bind(&o.out_trade_no)
                .bind(o.total_fen)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('expire_payment', $1, '', $2)")
                    .bind(order_id)
                    .bind(o.pay_deadline)
                    .execute(&mut **tx)
                    .await?;
                Ok(crate::PlacedOrder { order_id, reserved_worker_id: worker })
            }

            /// The ledger side of an order change: a completion settles the
            /// escrow; a cancellation keeps its fee and refunds the rest. When
            /// the customer was not home, or staff ended a contract early, the
            /// rest is refunded first and the fee left in escrow is settled to
            /// the worker like a completion.
            async fn post_order_money(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                c: &crate::OrderChange,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let escrow = [ledger::Account::OrderEscrow(order_id)];
                let system = |idem_key: String, memo: &str| crate::PostingMeta { idem_key, actor_id: c.event.actor_id, memo: memo.into() };
                if c.fee_fen > 0 && c.settle.is_none() {
                    let balances = Self::balances(&mut *tx, &escrow).await?;
                    let txn = ledger::cancel_fee(&balances, order_id, domain::Fen::new(c.fee_fen))?;
                    Self::post(&mut *tx, &txn, &system(format!("cancel_fee:{order_id}"), "取消费"), now).await?;
                }
                if let Some((amount, refund_no)) = c.refund.as_ref().filter(|(amount, _)| *amount > 0) {
                    Self::post_refund(&mut *tx, order_id, *amount, &system(format!("refund:{refund_no}"), "取消退款"), now).await?;
                }
                // One no-show per worker and order, should it be handed back to them and on again.
                let no_show = c.no_show.map(|n| (n, format!("no_show:{order_id}:{}", n.worker_id)));
                if let Some((no_show, key)) = no_show {
                    if Self::posted(&mut *tx, &key).await?.is_none() {
                        let available = [ledger::Account::WorkerAvailable(no_show.worker_id)];
                        let balances = Self::balances(&mut *tx, &available).await?;
                        // Nothing to take from a worker with nothing available.
                        if let Ok(penalty) = ledger::no_show_penalty(&balances, order_id, no_show.worker_id, domain::Fen::new(no_show.penalty_fen)) {
                            Self::post(&mut *tx, &penalty, &system(key, "爽约：预约开始后仍未出发，订单已改派"), now).await?;
                        }
                    }
                }
                if let Some(settlement) = c.settle {
                    if settlement.discount_fen > 0 {
                        let txn = ledger::discount_subsidy(order_id, domain::Fen::new(settlement.discount_fen))?;
                        Self::post(&mut *tx, &txn, &system(format!("discount_subsidy:{order_id}"), "优惠由平台承担"), now).await?;
                    }
                    let balances = Self::balances(&mut *tx, &escrow).await?;
                    if balances.0.get(&escrow[0]).copied().unwrap_or(0) > 0 {
                        let txn = ledger::complete(&balances, order_id, settlement.worker_id, settlement.commission_bps)?;
                        let memo = match (settlement.served_days, c.fee_fen > 0, settlement.discount_fen > 0) {
                            (Some(days), _, _) => format!("合同提前结束，按已服务{days}天结算"),
                            (None, true, _) => "客户不在家".to_string(),
                            (None, false, true) => format!("含平台承担的优惠 {}", domain::Fen::new(settlement.discount_fen)),
                            (None, false, false) => String::new(),
                        };
                        Self::post(&mut *tx, &txn, &system(format!("completion:{order_id}"), &memo), now).await?;
                        if let Some(late) = settlement.late {
                            // Nothing to take when the order paid the worker nothing.
                            if let Ok(penalty) = ledger::late_penalty(&txn, domain::Fen::new(late.penalty_fen)) {
                                let memo = format!("迟到{}分钟", late.late_minutes);
                                Self::post(&mut *tx, &penalty, &system(format!("late_penalty:{order_id}"), &memo), now).await?;
                            }
                        }
                    }
                }
                Ok(())
            }

            /// Posts `amount` from the order's escrow back to the customer. More
            /// than the escrow holds is `Conflict`: the order gave money back (a
            /// move to a cheaper time) since the refund was worked out, so decide again.
            async fn post_refund(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                amount: i64,
                meta: &crate::PostingMeta,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let balances = Self::balances(&mut *tx, &[ledger::Account::OrderEscrow(order_id)]).await?;
                let txn = ledger::refund(&balances, order_id, domain::Fen::new(amount)).map_err(|err| match err {
                    ledger::LedgerError::ExceedsEscrow => crate::StoreError::Conflict,
                    other => other.into(),
                })?;
                Self::post(&mut *tx, &txn, meta, now).await?;
                Ok(())
            }

            /// Records a refund of `amount` against the order's paid payment,
            /// for the gateway job to settle.
            async fn start_refund(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                amount: i64,
                refund_no: &str,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let refund_id: i64 = sqlx::query_scalar(
                    "INSERT INTO refunds (payment_id, out_refund_no, amount_fen, status, created_at)
                     SELECT p.id, $2, $3, 'pending', $4 FROM payments p WHERE p.order_id = $1 AND p.status = 'paid'
                     RETURNING id",
                )
                .bind(order_id)
                .bind(refund_no)
                .bind(amount)
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(crate::StoreError::NotFound)?;
                sqlx::query("INSERT INTO jobs (kind, ref_id, payload, due_at) VALUES ('settle_refund', $1, '', $2)")
                    .bind(refund_id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn append_event(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                from: Option<&str>,
                to: &str,
                e: &crate::NewEvent,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO order_events (order_id, kind, from_state, to_state, actor_kind, actor_id, lat, lng, detail, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(order_id)
                .bind(&e.kind)
                .bind(from)
                .bind(to)
                .bind(&e.actor_kind)
                .bind(e.actor_id)
                .bind(e.position.map(|p| p.0))
                .bind(e.position.map(|p| p.1))
                .bind(&e.detail)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// Withdraws the order's open offers (a broadcast's included) and
            /// tells each of those workers, so the offer leaves their screen.
            async fn withdraw_open_offers(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                let workers: Vec<i64> = sqlx::query_scalar(
                    "UPDATE offers SET status = 'withdrawn', responded_at = $2 WHERE order_id = $1 AND status = 'pending' RETURNING worker_id",
                )
                .bind(order_id)
                .bind(now)
                .fetch_all(&mut **tx)
                .await?;
                Self::append_live(tx, &workers, "offer", Some(order_id), now).await
            }

            async fn append_live(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                users: &[i64],
                topic: &str,
                order_id: Option<i64>,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                for user in users {
                    sqlx::query("INSERT INTO live_events (user_id, topic, order_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(user)
                        .bind(topic)
                        .bind(order_id)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// When an order starts and ends, for [`Self::check_worker_fits`].
            async fn order_times(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
            ) -> crate::StoreResult<(time::OffsetDateTime, time::OffsetDateTime)> {
                Ok(sqlx::query_as("SELECT starts_at, ends_at FROM orders WHERE id = $1").bind(order_id).fetch_one(&mut **tx).await?)
            }

            /// Whether `order_id` (at `times`) fits `worker_id`'s day as it
            /// stands in this transaction: `SlotTaken` when it overlaps
            /// another order they hold, `TooFarBetween` when `fits` finds no
            /// time to travel between it and their orders around it.
            async fn check_worker_fits(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                worker_id: i64,
                order_id: i64,
                (starts_at, ends_at): (time::OffsetDateTime, time::OffsetDateTime),
                fits: crate::orders::FitsDay<'_>,
            ) -> crate::StoreResult<()> {
                let clash_sql = crate::orders::worker_clash_sql();
                let clashes: i64 = sqlx::query_scalar(&clash_sql).bind(worker_id).bind(order_id).fetch_one(&mut **tx).await?;
                if clashes > 0 {
                    return Err(crate::StoreError::SlotTaken);
                }
                let neighbours_sql = format!(
                    "SELECT COALESCE(worker_id, reserved_worker_id) AS worker_id, id AS order_id, starts_at, ends_at, lat, lng
                     FROM orders
                     WHERE COALESCE(worker_id, reserved_worker_id) = $1 AND id <> $2 AND state IN ({})
                       AND starts_at < $4 AND ends_at > $3
                     ORDER BY starts_at",
                    crate::orders::holding_states_sql()
                );
                let neighbours: Vec<crate::BusyRow> = sqlx::query_as(&neighbours_sql)
                    .bind(worker_id)
                    .bind(order_id)
                    .bind(starts_at - crate::orders::NEIGHBOUR_MARGIN)
                    .bind(ends_at + crate::orders::NEIGHBOUR_MARGIN)
                    .fetch_all(&mut **tx)
                    .await?;
                if fits(&neighbours) {
                    Ok(())
                } else {
                    Err(crate::StoreError::TooFarBetween)
                }
            }

            /// Keeps a dispatch decision (`offer`, `broadcast` or `escalate`)
            /// with what it saw, in the transaction that carries it out.
            async fn insert_decision(
                tx: &mut sqlx::Transaction<'_, <$store as crate::Dialect>::Db>,
                order_id: i64,
                outcome: &str,
                worker_id: Option<i64>,
                decision: &str,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<()> {
                sqlx::query("INSERT INTO dispatch_decisions (order_id, outcome, worker_id, explanation, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(order_id)
                    .bind(outcome)
                    .bind(worker_id)
                    .bind(decision)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }
    };
}
pub(crate) use shared_order_impl;

#[cfg(test)]
mod tests {
    use super::{OPEN_COMPLAINT_SQL, ORDER_COLUMNS};

    #[test]
    fn an_open_complaint_is_feedback_still_unresolved() {
        let unresolved = crate::feedback::status_list_sql(&domain::FeedbackStatus::UNRESOLVED);
        assert_eq!(unresolved, "'open', 'assigned'");
        assert!(OPEN_COMPLAINT_SQL.contains(&format!("fb.status IN ({unresolved})")));
        assert!(ORDER_COLUMNS.contains(&format!("{OPEN_COMPLAINT_SQL} AS open_complaint")));
    }
}
