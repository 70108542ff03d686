//! What worker assessment (A5) is computed from: each worker's counts over
//! their orders, offers, reviews and the feedback about their orders.

use crate::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// One approved or suspended worker and their [`dispatch::AssessmentCounts`].
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerAssessmentRecord {
    pub worker_id: i64,
    pub name: String,
    pub phone: String,
    pub status: String,
    pub counts: dispatch::AssessmentCounts,
}

#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// Every approved or suspended worker (or only `worker`), by id, counted
    /// over the [`dispatch::ASSESSMENT_DAYS`] before `now` where the rules
    /// look at recent work.
    async fn worker_assessments(&self, worker: Option<i64>, now: OffsetDateTime) -> StoreResult<Vec<WorkerAssessmentRecord>>;
}

/// Adds the per-worker `rows` into `records` with `set`, skipping workers
/// not listed.
pub(crate) fn merge_counts<T>(records: &mut [WorkerAssessmentRecord], rows: Vec<(i64, T)>, set: impl Fn(&mut dispatch::AssessmentCounts, T)) {
    for (worker_id, value) in rows {
        if let Ok(k) = records.binary_search_by_key(&worker_id, |r| r.worker_id) {
            set(&mut records[k].counts, value);
        }
    }
}

macro_rules! shared_assessment_impl {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl crate::assessment::AssessmentStore for $store {
            async fn worker_assessments(
                &self,
                worker: Option<i64>,
                now: time::OffsetDateTime,
            ) -> crate::StoreResult<Vec<crate::WorkerAssessmentRecord>> {
                use crate::assessment::merge_counts;
                use crate::dispatching::clamp_u32;
                let since = now - time::Duration::days(dispatch::ASSESSMENT_DAYS);
                let workers: Vec<(i64, String, String, String)> = sqlx::query_as(
                    "SELECT u.id, u.display_name, u.phone, p.status FROM users u JOIN worker_profiles p ON p.user_id = u.id
                     WHERE p.status IN ('approved', 'suspended') AND (CAST($1 AS BIGINT) IS NULL OR u.id = $1) ORDER BY u.id",
                )
                .bind(worker)
                .fetch_all(&self.pool)
                .await?;
                let mut records: Vec<crate::WorkerAssessmentRecord> = workers
                    .into_iter()
                    .map(|(worker_id, name, phone, status)| crate::WorkerAssessmentRecord {
                        worker_id,
                        name,
                        phone,
                        status,
                        counts: dispatch::AssessmentCounts::default(),
                    })
                    .collect();
                if records.is_empty() {
                    return Ok(records);
                }
                let completed: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT worker_id, COUNT(*) FROM orders WHERE state = 'completed' AND worker_id IS NOT NULL
                       AND (CAST($1 AS BIGINT) IS NULL OR worker_id = $1) GROUP BY worker_id",
                )
                .bind(worker)
                .fetch_all(&self.pool)
                .await?;
                merge_counts(&mut records, completed, |c, n| c.completed_orders = clamp_u32(n));
                let reviews: Vec<(i64, i64, f64)> = sqlx::query_as(&format!(
                    "SELECT r.worker_id, COUNT(*), {} FROM reviews r
                     WHERE CAST($1 AS BIGINT) IS NULL OR r.worker_id = $1 GROUP BY r.worker_id",
                    crate::rating_avg_sql("r")
                ))
                .bind(worker)
                .fetch_all(&self.pool)
                .await?;
                merge_counts(&mut records, reviews.into_iter().map(|(w, n, avg)| (w, (n, avg))).collect(), |c, (n, avg)| {
                    c.reviews = clamp_u32(n);
                    c.rating = Some(avg);
                });
                // The arrival is the worker's own 到达 step; on time means by the
                // booked start, as the order monitor's 服务者迟到 has it.
                let arrivals: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT e.actor_id, COUNT(*), CAST(SUM(CASE WHEN e.created_at <= o.starts_at THEN 1 ELSE 0 END) AS BIGINT)
                     FROM order_events e JOIN orders o ON o.id = e.order_id
                     WHERE e.kind = 'arrive' AND e.actor_kind = 'worker' AND o.starts_at >= $2 AND o.starts_at < $3
                       AND (CAST($1 AS BIGINT) IS NULL OR e.actor_id = $1)
                     GROUP BY e.actor_id",
                )
                .bind(worker)
                .bind(since)
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                merge_counts(&mut records, arrivals.into_iter().map(|(w, n, on_time)| (w, (n, on_time))).collect(), |c, (n, on_time)| {
                    c.arrivals = clamp_u32(n);
                    c.on_time_arrivals = clamp_u32(on_time);
                });
                // As dispatch's acceptance part: a 抢单 nobody grabbed says nothing about one worker.
                let offers: Vec<(i64, i64, i64)> = sqlx::query_as(
                    "SELECT worker_id, COUNT(*), CAST(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS BIGINT) FROM offers
                     WHERE broadcast = FALSE AND status IN ('accepted', 'rejected', 'expired') AND offered_at >= $2
                       AND (CAST($1 AS BIGINT) IS NULL OR worker_id = $1)
                     GROUP BY worker_id",
                )
                .bind(worker)
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
                merge_counts(&mut records, offers.into_iter().map(|(w, n, a)| (w, (n, a))).collect(), |c, (n, accepted)| {
                    c.offers_answered = clamp_u32(n);
                    c.offers_accepted = clamp_u32(accepted);
                });
                let complaints: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT o.worker_id, COUNT(*) FROM feedback f JOIN orders o ON o.id = f.order_id
                     WHERE o.worker_id IS NOT NULL AND f.created_at >= $2 AND (CAST($1 AS BIGINT) IS NULL OR o.worker_id = $1)
                     GROUP BY o.worker_id",
                )
                .bind(worker)
                .bind(since)
                .fetch_all(&self.pool)
                .await?;
                merge_counts(&mut records, complaints, |c, n| c.complaints = clamp_u32(n));
                Ok(records)
            }
        }
    };
}
pub(crate) use shared_assessment_impl;
