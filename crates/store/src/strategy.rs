//! The pricing strategy and coupons (A2). Rule changes and coupon issues are
//! audited in the same transaction that makes them; claims are counted under
//! the write lock so a coupon is never claimed beyond its quantity or a
//! customer's limit.

use crate::StoreResult;
use async_trait::async_trait;
use pricing::{CouponTerms, NewCoupon, PricingRules};
use time::OffsetDateTime;

#[derive(Debug, Clone)]
pub struct StoredRules {
    pub rules: PricingRules,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

/// The customer cancellation rules an admin saved (B5).
#[derive(Debug, Clone)]
pub struct StoredCancellationPolicy {
    pub policy: booking::CancellationPolicy,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

/// The worker late-arrival rules an admin saved (B5).
#[derive(Debug, Clone)]
pub struct StoredLatenessPolicy {
    pub policy: booking::LatenessPolicy,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct CouponRecord {
    pub id: i64,
    pub terms: CouponTerms,
    pub per_user_limit: i32,
    pub total_quantity: i32,
    pub claimed: i32,
    /// Claims an order has used.
    pub used: i64,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

/// A coupon in a customer's wallet.
#[derive(Debug, Clone)]
pub struct ClaimRecord {
    pub id: i64,
    pub coupon_id: i64,
    pub terms: CouponTerms,
    pub claimed_at: OffsetDateTime,
    pub order_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct CouponRow {
    id: i64,
    terms_json: String,
    per_user_limit: i32,
    total_quantity: i32,
    claimed: i32,
    used: i64,
    active: bool,
    created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow {
    id: i64,
    coupon_id: i64,
    terms_json: String,
    claimed_at: OffsetDateTime,
    order_id: Option<i64>,
}

pub(crate) fn terms_from_json(json: &str) -> StoreResult<CouponTerms> {
    serde_json::from_str(json).map_err(|e| crate::StoreError::Corrupt(format!("coupon terms: {e}")))
}

impl TryFrom<CouponRow> for CouponRecord {
    type Error = crate::StoreError;
    fn try_from(r: CouponRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            terms: terms_from_json(&r.terms_json)?,
            per_user_limit: r.per_user_limit,
            total_quantity: r.total_quantity,
            claimed: r.claimed,
            used: r.used,
            active: r.active,
            created_at: r.created_at,
        })
    }
}

impl TryFrom<ClaimRow> for ClaimRecord {
    type Error = crate::StoreError;
    fn try_from(r: ClaimRow) -> StoreResult<Self> {
        Ok(Self { id: r.id, coupon_id: r.coupon_id, terms: terms_from_json(&r.terms_json)?, claimed_at: r.claimed_at, order_id: r.order_id })
    }
}

pub(crate) const COUPON_COLUMNS: &str = "c.id, c.terms_json, c.per_user_limit, c.total_quantity, c.claimed,
    (SELECT COUNT(*) FROM coupon_claims u WHERE u.coupon_id = c.id AND u.order_id IS NOT NULL) AS used,
    c.active, c.created_at FROM coupons c";

#[async_trait]
pub trait PricingStore: Send + Sync {
    /// The saved strategy; `None` until an admin first saves one.
    async fn pricing_rules(&self) -> StoreResult<Option<StoredRules>>;
    /// Replaces the strategy if it is still at `expected_version` (0 when
    /// none was saved yet), auditing old and new. `Conflict` otherwise.
    async fn save_pricing_rules(&self, rules: &PricingRules, expected_version: i64, actor_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// The saved cancellation rules; `None` until an admin first saves them.
    async fn cancellation_policy(&self) -> StoreResult<Option<StoredCancellationPolicy>>;
    /// Replaces the cancellation rules if still at `expected_version`,
    /// auditing old and new. `Conflict` otherwise.
    async fn save_cancellation_policy(&self, policy: &booking::CancellationPolicy, expected_version: i64, actor_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// The saved late-arrival rules; `None` until an admin first saves them.
    async fn lateness_policy(&self) -> StoreResult<Option<StoredLatenessPolicy>>;
    /// Replaces the late-arrival rules if still at `expected_version`,
    /// auditing old and new. `Conflict` otherwise.
    async fn save_lateness_policy(&self, policy: &booking::LatenessPolicy, expected_version: i64, actor_id: i64, now: OffsetDateTime) -> StoreResult<i64>;

    async fn create_coupon(&self, coupon: &NewCoupon, actor_id: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// Stops or restarts issuing a coupon; claimed ones stay usable.
    async fn set_coupon_active(&self, coupon_id: i64, active: bool, actor_id: i64, now: OffsetDateTime) -> StoreResult<()>;
    /// Every coupon, newest first.
    async fn coupons(&self) -> StoreResult<Vec<CouponRecord>>;
    /// Active coupons that have not ended and are not all claimed.
    async fn claimable_coupons(&self, now_unix: i64) -> StoreResult<Vec<CouponRecord>>;
    /// Claims one; `CouponUnavailable` (stopped, ended or unknown),
    /// `CouponSoldOut` or `CouponLimit` (the customer's limit reached).
    async fn claim_coupon(&self, coupon_id: i64, customer_id: i64, now_unix: i64, now: OffsetDateTime) -> StoreResult<i64>;
    /// The customer's claims, newest first.
    async fn customer_claims(&self, customer_id: i64) -> StoreResult<Vec<ClaimRecord>>;
}

macro_rules! shared_pricing_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::strategy::PricingStore for $store {
            async fn pricing_rules(&self) -> crate::StoreResult<Option<crate::strategy::StoredRules>> {
                let saved = self.load_setting(&crate::dispatching::PRICING_RULES).await?;
                Ok(saved.map(|(rules, version, updated_at)| crate::strategy::StoredRules { rules, version, updated_at }))
            }

            async fn save_pricing_rules(
                &self,
                rules: &pricing::PricingRules,
                expected_version: i64,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                self.save_setting(&crate::dispatching::PRICING_RULES, rules, expected_version, actor_id, now).await
            }

            async fn cancellation_policy(&self) -> crate::StoreResult<Option<crate::strategy::StoredCancellationPolicy>> {
                let saved: Option<(booking::CancellationPolicy, i64, time::OffsetDateTime)> = self.load_setting(&crate::dispatching::CANCELLATION_POLICY).await?;
                saved
                    .map(|(read, version, updated_at)| {
                        // Re-checked: what was saved must still be a valid rule.
                        let policy = booking::CancellationPolicy::new(read.tiers().to_vec())
                            .map_err(|e| crate::StoreError::Corrupt(format!("cancellation policy: {e}")))?;
                        Ok(crate::strategy::StoredCancellationPolicy { policy, version, updated_at })
                    })
                    .transpose()
            }

            async fn save_cancellation_policy(
                &self,
                policy: &booking::CancellationPolicy,
                expected_version: i64,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                self.save_setting(&crate::dispatching::CANCELLATION_POLICY, policy, expected_version, actor_id, now).await
            }

            async fn lateness_policy(&self) -> crate::StoreResult<Option<crate::strategy::StoredLatenessPolicy>> {
                let saved: Option<(booking::LatenessPolicy, i64, time::OffsetDateTime)> = self.load_setting(&crate::dispatching::LATENESS_POLICY).await?;
                saved
                    .map(|(read, version, updated_at)| {
                        // Re-checked: what was saved must still be a valid rule.
                        let policy = booking::LatenessPolicy::new(read.tiers().to_vec(), read.no_show())
                            .map_err(|e| crate::StoreError::Corrupt(format!("lateness policy: {e}")))?;
                        Ok(crate::strategy::StoredLatenessPolicy { policy, version, updated_at })
                    })
                    .transpose()
            }

            async fn save_lateness_policy(
                &self,
                policy: &booking::LatenessPolicy,
                expected_version: i64,
                actor_id: i64,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<i64> {
                self.save_setting(&crate::dispatching::LATENESS_POLICY, policy, expected_version, actor_id, now).await
            }

            async fn create_coupon(&self, c: &pricing::NewCoupon, actor_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let json = serde_json::to_string(&c.terms).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO coupons (name, terms_json, valid_until, per_user_limit, total_quantity, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&c.terms.name)
                .bind(&json)
                .bind(c.terms.valid_until)
                .bind(c.per_user_limit)
                .bind(c.total_quantity)
                .bind(actor_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, 'pricing.coupon_create', $2, $3, $4)")
                    .bind(actor_id)
                    .bind(format!("coupon {id}"))
                    .bind(format!("{{\"terms\":{json},\"per_user_limit\":{},\"total_quantity\":{}}}", c.per_user_limit, c.total_quantity))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn set_coupon_active(&self, coupon_id: i64, active: bool, actor_id: i64, now: time::OffsetDateTime) -> crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query("UPDATE coupons SET active = $1 WHERE id = $2").bind(active).bind(coupon_id).execute(&mut *tx).await?;
                crate::model::expect_one(done.rows_affected())?;
                sqlx::query("INSERT INTO audit_log (actor_id, action, target, detail, created_at) VALUES ($1, $2, $3, '', $4)")
                    .bind(actor_id)
                    .bind(if active { "pricing.coupon_start" } else { "pricing.coupon_stop" })
                    .bind(format!("coupon {coupon_id}"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn coupons(&self) -> crate::StoreResult<Vec<crate::strategy::CouponRecord>> {
                let sql = format!("SELECT {} ORDER BY c.id DESC", crate::strategy::COUPON_COLUMNS);
                let rows: Vec<crate::strategy::CouponRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryFrom::try_from).collect()
            }

            async fn claimable_coupons(&self, now_unix: i64) -> crate::StoreResult<Vec<crate::strategy::CouponRecord>> {
                let sql = format!(
                    "SELECT {} WHERE c.active = TRUE AND c.valid_until > $1 AND c.claimed < c.total_quantity ORDER BY c.id DESC",
                    crate::strategy::COUPON_COLUMNS
                );
                let rows: Vec<crate::strategy::CouponRow> = sqlx::query_as(&sql).bind(now_unix).fetch_all(&self.pool).await?;
                rows.into_iter().map(TryFrom::try_from).collect()
            }

            async fn claim_coupon(&self, coupon_id: i64, customer_id: i64, now_unix: i64, now: time::OffsetDateTime) -> crate::StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let coupon: Option<(i32, i32, i32, bool, i64)> =
                    sqlx::query_as("SELECT per_user_limit, total_quantity, claimed, active, valid_until FROM coupons WHERE id = $1")
                        .bind(coupon_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                let Some((per_user_limit, total_quantity, claimed, active, valid_until)) = coupon else {
                    return Err(crate::StoreError::CouponUnavailable);
                };
                if !active || valid_until <= now_unix {
                    return Err(crate::StoreError::CouponUnavailable);
                }
                if claimed >= total_quantity {
                    return Err(crate::StoreError::CouponSoldOut);
                }
                let mine: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM coupon_claims WHERE coupon_id = $1 AND customer_id = $2")
                    .bind(coupon_id)
                    .bind(customer_id)
                    .fetch_one(&mut *tx)
                    .await?;
                if mine >= i64::from(per_user_limit) {
                    return Err(crate::StoreError::CouponLimit);
                }
                let bumped = sqlx::query("UPDATE coupons SET claimed = claimed + 1 WHERE id = $1 AND claimed < total_quantity")
                    .bind(coupon_id)
                    .execute(&mut *tx)
                    .await?;
                if bumped.rows_affected() != 1 {
                    return Err(crate::StoreError::CouponSoldOut);
                }
                let id: i64 = sqlx::query_scalar("INSERT INTO coupon_claims (coupon_id, customer_id, claimed_at) VALUES ($1, $2, $3) RETURNING id")
                    .bind(coupon_id)
                    .bind(customer_id)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn customer_claims(&self, customer_id: i64) -> crate::StoreResult<Vec<crate::strategy::ClaimRecord>> {
                let rows: Vec<crate::strategy::ClaimRow> = sqlx::query_as(
                    "SELECT k.id, k.coupon_id, c.terms_json, k.claimed_at, k.order_id
                     FROM coupon_claims k JOIN coupons c ON c.id = k.coupon_id
                     WHERE k.customer_id = $1 ORDER BY k.id DESC",
                )
                .bind(customer_id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(TryFrom::try_from).collect()
            }
        }
    };
}
pub(crate) use shared_pricing_impl;
