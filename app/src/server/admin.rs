use super::authz::require_user;
use super::{app_state, internal, now};
use crate::api::admin::{DashboardView, UserRowView, UsersPage, USERS_PAGE_SIZE};
use crate::api::ADMIN;
use crate::error::AppError;
use domain::Role;
use store::UserFilter;

/// Midnight today in Beijing, as a UTC instant: "today" for the dashboard.
fn start_of_beijing_day(at: time::OffsetDateTime) -> time::OffsetDateTime {
    let shanghai = time::UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    at.to_offset(shanghai).replace_time(time::Time::MIDNIGHT).to_offset(time::UtcOffset::UTC)
}

pub async fn dashboard() -> Result<DashboardView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let counts = state.store.dashboard_counts(start_of_beijing_day(now())).await.map_err(internal)?;
    Ok(DashboardView {
        customers: counts.customers,
        workers_pending: counts.workers_pending,
        workers_approved: counts.workers_approved,
        services_listed: counts.services_listed,
        users_new_today: counts.users_new_today,
        orders_today: counts.orders_today,
        orders_awaiting_worker: counts.orders_awaiting_worker,
        orders_needing_admin: counts.orders_needing_admin,
        orders_in_progress: counts.orders_in_progress,
    })
}

pub async fn users(role: Option<String>, q: Option<String>, page: Option<i64>) -> Result<UsersPage, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    // Unknown filter values are ignored, like a search box would.
    let role = role.as_deref().and_then(Role::from_db);
    let search = q.map(|s| s.trim().chars().take(40).collect::<String>()).filter(|s| !s.is_empty());
    let filter = UserFilter { role, search, page: page.unwrap_or(1).clamp(1, 100_000), page_size: USERS_PAGE_SIZE };
    let paged = state.store.list_users(&filter).await.map_err(internal)?;
    Ok(UsersPage {
        rows: paged
            .items
            .into_iter()
            .map(|u| UserRowView {
                id: u.id.0,
                phone: u.phone.to_string(),
                display_name: u.display_name,
                role: u.role,
                worker_status: u.worker_status,
                disabled: u.disabled,
                created_at: u.created_at.unix_timestamp(),
            })
            .collect(),
        total: paged.total,
        page: paged.page,
        page_count: ((paged.total + paged.page_size - 1) / paged.page_size).max(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn today_starts_at_beijing_midnight() {
        assert_eq!(start_of_beijing_day(datetime!(2026-11-25 17:00 UTC)), datetime!(2026-11-25 16:00 UTC));
        assert_eq!(start_of_beijing_day(datetime!(2026-11-25 15:00 UTC)), datetime!(2026-11-24 16:00 UTC));
    }
}
