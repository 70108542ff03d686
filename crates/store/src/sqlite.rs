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
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?;
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
        let options = options
            .create_if_missing(true)
            // WAL lets readers proceed while one writer commits; writers queue
            // on the busy timeout instead of failing.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../../migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }
}

impl SqliteStore {
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a read-then-write
    /// transaction cannot be overtaken by another writer between the two.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }
}

impl Dialect for SqliteStore {
    type Db = sqlx::Sqlite;
}

shared_store_impl!(SqliteStore, Backend::Sqlite);
shared_order_impl!(SqliteStore);
shared_money_impl!(SqliteStore);
shared_onboarding_impl!(SqliteStore);
shared_catalog_admin_impl!(SqliteStore);
shared_favorites_impl!(SqliteStore);
shared_feedback_impl!(SqliteStore);
shared_assessment_impl!(SqliteStore);
shared_appeal_impl!(SqliteStore);
shared_placement_impl!(SqliteStore);
shared_chat_impl!(SqliteStore);
shared_tracking_impl!(SqliteStore);
shared_analytics_impl!(SqliteStore);
shared_pricing_impl!(SqliteStore);
shared_settings_impl!(SqliteStore);
shared_dispatch_impl!(SqliteStore);
shared_reminder_impl!(SqliteStore);
shared_proof_impl!(SqliteStore);
