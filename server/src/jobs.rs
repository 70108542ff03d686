//! The job runner: claims due rows from the `jobs` table and runs them.
//! Claims are leases, so a crashed instance's jobs are retried by another.

use app::server::flows::run_job;
use app::server::AppState;
use std::time::Duration;

const POLL_INTERVAL: Duration = Duration::from_millis(500);
const LEASE: Duration = Duration::from_secs(60);
const BATCH: i64 = 20;

/// Runs every job due now; returns how many ran.
pub async fn run_due_jobs(state: &AppState) -> usize {
    let now = state.clock.now();
    let jobs = match state.store.claim_due_jobs(now, now + LEASE, BATCH).await {
        Ok(jobs) => jobs,
        Err(err) => {
            tracing::error!(error = %err, "job claim failed");
            return 0;
        }
    };
    for job in &jobs {
        let result = run_job(state, job).await;
        let now = state.clock.now();
        let stored = match result {
            Ok(()) => state.store.finish_job(job.id, now).await,
            Err(err) => {
                // Back off linearly; the error itself was logged where it happened.
                let retry = now + Duration::from_secs(5 * u64::try_from(job.attempts.max(1)).unwrap_or(1));
                tracing::warn!(job_id = job.id, kind = %job.kind, ?err, "job failed; will retry");
                state.store.fail_job(job.id, &format!("{err:?}"), retry).await
            }
        };
        if let Err(err) = stored {
            tracing::error!(job_id = job.id, error = %err, "could not record job outcome");
        }
    }
    jobs.len()
}

pub fn spawn_job_runner(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if run_due_jobs(&state).await == 0 {
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        }
    })
}
