use crate::analytics::shared_analytics_impl;
use crate::appeal::shared_appeal_impl;
use crate::assessment::shared_assessment_impl;
use crate::catalog_admin::shared_catalog_admin_impl;
use crate::chat::shared_chat_impl;
use crate::favorites::shared_favorites_impl;
use crate::feedback::shared_feedback_impl;
use crate::dispatching::{shared_dispatch_impl, shared_settings_impl};
use crate::strategy::shared_pricing_impl;
use crate::tracking::shared_tracking_impl;
use crate::proof::shared_proof_impl;
use crate::reminders::shared_reminder_impl;
use crate::money::shared_money_impl;
use crate::onboarding::shared_onboarding_impl;
use crate::orders::shared_order_impl;
use crate::placement::shared_placement_impl;
use crate::{shared_store_impl, Backend, Dialect, StoreResult};
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("../../migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// Key of the advisory lock that serialises capacity-changing writes across
/// every server instance sharing this database.
const WRITE_LOCK_KEY: i64 = 0x6461_6f6a_6961;

impl PgStore {
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(WRITE_LOCK_KEY).execute(&mut *tx).await?;
        Ok(tx)
    }
}

impl Dialect for PgStore {
    type Db = sqlx::Postgres;
}

shared_store_impl!(PgStore, Backend::Postgres);
shared_order_impl!(PgStore);
shared_money_impl!(PgStore);
shared_onboarding_impl!(PgStore);
shared_catalog_admin_impl!(PgStore);
shared_favorites_impl!(PgStore);
shared_feedback_impl!(PgStore);
shared_assessment_impl!(PgStore);
shared_appeal_impl!(PgStore);
shared_placement_impl!(PgStore);
shared_chat_impl!(PgStore);
shared_tracking_impl!(PgStore);
shared_analytics_impl!(PgStore);
shared_pricing_impl!(PgStore);
shared_settings_impl!(PgStore);
shared_dispatch_impl!(PgStore);
shared_reminder_impl!(PgStore);
shared_proof_impl!(PgStore);
