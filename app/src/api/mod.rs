//! Server functions, grouped by capability. Each one authorises its caller
//! itself; `ACCESS_POLICY` additionally states, in one place, who may call
//! which endpoint. The server enforces the table before a request reaches the
//! function, and a test proves every registered endpoint is listed.

pub mod account;
pub mod admin;
pub mod analytics;
pub mod appeal;
pub mod assessment;
pub mod catalog;
pub mod catalog_admin;
pub mod chat;
pub mod dispatching;
pub mod feedback;
pub mod inbox;
pub mod money;
pub mod onboarding;
pub mod ops;
pub mod orders;
pub mod placement;
pub mod pricing;
pub mod proof;
pub mod tracking;
pub mod work;
pub mod worker;

use domain::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-up, login, browsing).
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Only these roles.
    Roles(&'static [Role]),
}

impl Access {
    pub fn admits(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(roles), Some(role)) => roles.contains(&role),
        }
    }
}

pub const CUSTOMER: Access = Access::Roles(&[Role::Customer]);
pub const WORKER: Access = Access::Roles(&[Role::Worker]);
pub const ADMIN: Access = Access::Roles(&[Role::Admin]);
/// Both parties to a placement contract (B8).
pub const CUSTOMER_OR_WORKER: Access = Access::Roles(&[Role::Customer, Role::Worker]);

/// Every server function's endpoint and who may call it.
pub const ACCESS_POLICY: &[(&str, Access)] = &[
    ("/api/register_customer", Access::Public),
    ("/api/register_worker", Access::Public),
    ("/api/request_login_code", Access::Public),
    ("/api/login_with_code", Access::Public),
    ("/api/reset_password_with_code", Access::Public),
    ("/api/login", Access::Public),
    ("/api/current_session", Access::Public),
    ("/api/home_catalog", Access::Public),
    ("/api/recommendations", Access::Public),
    ("/api/my_favorites", CUSTOMER),
    ("/api/set_favorite", CUSTOMER),
    ("/api/my_favorite_workers", CUSTOMER),
    ("/api/set_favorite_worker", CUSTOMER),
    ("/api/logout", Access::SignedIn),
    ("/api/change_password", Access::SignedIn),
    ("/api/my_profile", CUSTOMER),
    ("/api/update_nickname", CUSTOMER),
    ("/api/my_addresses", CUSTOMER),
    ("/api/add_address", CUSTOMER),
    ("/api/delete_address", CUSTOMER),
    ("/api/set_default_address", CUSTOMER),
    ("/api/update_address", CUSTOMER),
    ("/api/my_reminders", CUSTOMER),
    ("/api/save_reminder_prefs", CUSTOMER),
    ("/api/worker_home", WORKER),
    ("/api/worker_inbox", WORKER),
    ("/api/unread_messages", Access::Public),
    ("/api/mark_messages_read", CUSTOMER_OR_WORKER),
    ("/api/admin_dashboard", ADMIN),
    ("/api/admin_audit_log", ADMIN),
    ("/api/admin_analytics", ADMIN),
    ("/api/admin_users", ADMIN),
    ("/api/service_detail", Access::Public),
    ("/api/quote_service", Access::Public),
    ("/api/quote_series", Access::Public),
    ("/api/booking_start", CUSTOMER),
    ("/api/booking_slots", CUSTOMER),
    ("/api/place_order", CUSTOMER),
    ("/api/sandbox_pay", CUSTOMER),
    ("/api/my_orders", CUSTOMER),
    ("/api/cancel_order", CUSTOMER),
    ("/api/cancel_series_from", CUSTOMER),
    ("/api/reschedule_slots", CUSTOMER),
    ("/api/reschedule_order", CUSTOMER),
    ("/api/review_order", CUSTOMER),
    ("/api/remove_review_photo", CUSTOMER),
    // Customers see their own orders, workers the ones assigned to them, admins all.
    ("/api/order_detail", Access::SignedIn),
    ("/api/workbench", WORKER),
    ("/api/respond_offer", WORKER),
    ("/api/accept_series", WORKER),
    ("/api/order_step", WORKER),
    ("/api/tick_step", WORKER),
    ("/api/confirm_service", CUSTOMER),
    ("/api/worker_settings", WORKER),
    ("/api/save_worker_settings", WORKER),
    ("/api/my_leave_days", WORKER),
    ("/api/add_leave_day", WORKER),
    ("/api/remove_leave_day", WORKER),
    ("/api/admin_orders", ADMIN),
    ("/api/admin_map_tiles", ADMIN),
    ("/api/admin_order", ADMIN),
    ("/api/admin_assign", ADMIN),
    ("/api/admin_cancel_order", ADMIN),
    ("/api/admin_reschedule_slots", ADMIN),
    ("/api/admin_reschedule_order", ADMIN),
    ("/api/admin_review_worker", ADMIN),
    ("/api/admin_customer", ADMIN),
    ("/api/my_feedback", CUSTOMER),
    ("/api/submit_feedback", CUSTOMER),
    ("/api/admin_feedback_list", ADMIN),
    ("/api/admin_feedback", ADMIN),
    ("/api/admin_feedback_handlers", ADMIN),
    ("/api/admin_step_feedback", ADMIN),
    ("/api/admin_assessments", ADMIN),
    ("/api/my_assessment", WORKER),
    ("/api/my_appeals", WORKER),
    ("/api/file_appeal", WORKER),
    ("/api/admin_appeals", ADMIN),
    ("/api/admin_decide_appeal", ADMIN),
    ("/api/request_placement", CUSTOMER),
    ("/api/my_placements", CUSTOMER),
    ("/api/placement_step", CUSTOMER),
    ("/api/withdraw_placement", CUSTOMER),
    ("/api/my_interviews", WORKER),
    ("/api/answer_interview", WORKER),
    ("/api/admin_placements", ADMIN),
    ("/api/admin_shortlist_options", ADMIN),
    ("/api/admin_propose_nanny", ADMIN),
    ("/api/admin_close_placement", ADMIN),
    ("/api/admin_propose_contract", ADMIN),
    ("/api/sign_contract", CUSTOMER_OR_WORKER),
    ("/api/admin_propose_trial", ADMIN),
    ("/api/book_trial", CUSTOMER),
    ("/api/pay_contract", CUSTOMER),
    ("/api/admin_worker_warnings", ADMIN),
    ("/api/admin_give_warning", ADMIN),
    ("/api/admin_background_note", ADMIN),
    ("/api/admin_save_background_note", ADMIN),
    ("/api/admin_set_account_disabled", ADMIN),
    ("/api/my_application", WORKER),
    ("/api/save_application", WORKER),
    ("/api/resubmit_application", WORKER),
    ("/api/admin_application", ADMIN),
    ("/api/admin_catalog", ADMIN),
    ("/api/admin_service", ADMIN),
    ("/api/admin_save_service", ADMIN),
    ("/api/admin_set_service_listed", ADMIN),
    ("/api/admin_service_image", ADMIN),
    ("/api/admin_remove_service_video", ADMIN),
    ("/api/admin_categories", ADMIN),
    ("/api/admin_save_category", ADMIN),
    ("/api/admin_set_category_listed", ADMIN),
    ("/api/my_earnings", WORKER),
    ("/api/my_withdrawals", WORKER),
    ("/api/add_payout_account", WORKER),
    ("/api/request_withdrawal", WORKER),
    ("/api/admin_finance", ADMIN),
    ("/api/admin_decide_withdrawal", ADMIN),
    ("/api/admin_adjust_balance", ADMIN),
    ("/api/admin_set_commission", ADMIN),
    ("/api/admin_pricing", ADMIN),
    ("/api/admin_dispatch_settings", ADMIN),
    ("/api/admin_save_dispatch", ADMIN),
    ("/api/admin_day_plan", ADMIN),
    ("/api/admin_apply_plan", ADMIN),
    ("/api/admin_queue_size", ADMIN),
    ("/api/admin_set_category_certificate", ADMIN),
    ("/api/admin_review_certificate", ADMIN),
    ("/api/admin_save_pricing", ADMIN),
    ("/api/admin_save_cancellation_rules", ADMIN),
    ("/api/admin_save_lateness_rules", ADMIN),
    ("/api/admin_preview_quote", ADMIN),
    ("/api/admin_create_coupon", ADMIN),
    ("/api/admin_set_coupon_active", ADMIN),
    ("/api/coupon_center", CUSTOMER),
    ("/api/claim_coupon", CUSTOMER),
    ("/api/booking_coupons", CUSTOMER),
    ("/api/chat_thread", Access::SignedIn),
    ("/api/send_chat", Access::SignedIn),
    ("/api/my_chat_unread", Access::SignedIn),
    ("/api/admin_support_inbox", ADMIN),
    ("/api/admin_order_chat", ADMIN),
    ("/api/report_position", WORKER),
    ("/api/order_track", Access::SignedIn),
];

pub fn access_for(path: &str) -> Option<Access> {
    ACCESS_POLICY.iter().find(|(p, _)| *p == path).map(|(_, access)| *access)
}

/// A UTC instant as Unix seconds on the wire; pages show it in Beijing time.
pub type UnixSeconds = i64;

/// `2026-11-25 18:30` in Asia/Shanghai (a fixed +08:00, no daylight saving).
pub fn format_beijing(ts: UnixSeconds) -> String {
    let shanghai = time::UtcOffset::from_hms(8, 0, 0).expect("valid offset");
    match time::OffsetDateTime::from_unix_timestamp(ts) {
        Ok(at) => {
            let at = at.to_offset(shanghai);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute()
            )
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_beijing_time() {
        // 2026-11-25T16:30:00Z is 00:30 the next day in Beijing.
        assert_eq!(format_beijing(1_795_624_200), "2026-11-26 00:30");
    }

    #[test]
    fn policy_lists_each_endpoint_once() {
        let mut paths: Vec<_> = ACCESS_POLICY.iter().map(|(p, _)| *p).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), ACCESS_POLICY.len());
    }

    #[test]
    fn role_restricted_endpoints_refuse_anonymous_and_other_roles() {
        assert!(!ADMIN.admits(None));
        assert!(!ADMIN.admits(Some(Role::Customer)));
        assert!(ADMIN.admits(Some(Role::Admin)));
        assert!(!Access::SignedIn.admits(None));
        assert!(Access::Public.admits(None));
    }
}
