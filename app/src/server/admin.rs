use super::authz::require_user;
use super::{app_state, internal};
use super::flows::{beijing_date, beijing_midnight, start_of_beijing_day};
use super::work::HEALTH_NOTICE_DAYS;
use crate::api::admin::{
    AuditPage, AuditQuery, AuditRowView, CustomerOrderRow, CustomerReviewView, CustomerView, DashboardView, HealthTag, UserAttention, UserRowView, UsersPage, CUSTOMER_ORDERS_SHOWN,
    CUSTOMER_REVIEWS_SHOWN, USERS_PAGE_SIZE, AUDIT_PAGE_ROWS,
};
use crate::api::ADMIN;
use crate::error::AppError;
use crate::error::Field;
use crate::i18n::{audit_action_text, audit_target_text, t, Msg};
use domain::{ReviewDecision, Role, WorkerStatus};
use std::collections::HashMap;
use store::{AuditEntry, AuditFilter, OrderFilter, StoreError, UserFilter, UserId};

/// The first Beijing day a 健康证 must still cover so nobody is told about
/// it: one lapsing before this day is "lapsing soon".
fn health_notice_horizon(at: time::OffsetDateTime) -> time::Date {
    beijing_date(at) + time::Duration::days(HEALTH_NOTICE_DAYS)
}

pub async fn dashboard() -> Result<DashboardView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let t = state.clock.now();
    let counts = state
        .store
        .dashboard_counts(start_of_beijing_day(t), health_notice_horizon(t), booking::AnomalyCutoffs::at(t.unix_timestamp()))
        .await
        .map_err(internal)?;
    let feedback_unresolved = state.store.unresolved_feedback_count().await.map_err(internal)?;
    let assessments = state.store.worker_assessments(None, t).await.map_err(internal)?;
    let workers_with_concerns = assessments.iter().filter(|w| !dispatch::assess(&w.counts).concerns.is_empty()).count() as i64;
    let appeals_open = state.store.open_appeal_count().await.map_err(internal)?;
    Ok(DashboardView {
        customers: counts.customers,
        workers_pending: counts.workers_pending,
        workers_approved: counts.workers_approved,
        certificates_pending: counts.certificates_pending,
        health_lapsing: counts.health_lapsing,
        services_listed: counts.services_listed,
        users_new_today: counts.users_new_today,
        orders_today: counts.orders_today,
        orders_awaiting_worker: counts.orders_awaiting_worker,
        orders_needing_admin: counts.orders_needing_admin,
        orders_in_progress: counts.orders_in_progress,
        orders_anomalous: counts.orders_anomalous,
        feedback_unresolved,
        workers_with_concerns,
        appeals_open,
    })
}

pub async fn users(role: Option<String>, q: Option<String>, attention: Option<String>, page: Option<i64>) -> Result<UsersPage, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    // Unknown filter values are ignored, like a search box would.
    let role = role.as_deref().and_then(Role::from_db);
    let search = q.map(|s| s.trim().chars().take(40).collect::<String>()).filter(|s| !s.is_empty());
    let t = state.clock.now();
    let horizon = health_notice_horizon(t);
    let attention = attention.as_deref().and_then(UserAttention::parse);
    let worker_status = match attention {
        Some(UserAttention::Applicants) => Some(WorkerStatus::Applicant),
        Some(UserAttention::Approved) => Some(WorkerStatus::Approved),
        _ => None,
    };
    let filter = UserFilter {
        role,
        search,
        health_lapsing_before: (attention == Some(UserAttention::HealthLapsing)).then_some(horizon),
        worker_status,
        with_pending_certificates: attention == Some(UserAttention::CertificatesPending),
        created_since: (attention == Some(UserAttention::NewToday)).then(|| start_of_beijing_day(t)),
        page: page.unwrap_or(1).clamp(1, 100_000),
        page_size: USERS_PAGE_SIZE,
    };
    let paged = state.store.list_users(&filter).await.map_err(internal)?;
    let today = beijing_date(t).to_string();
    let horizon = horizon.to_string();
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
                certificates_pending: u.certificates_pending,
                // Beijing `YYYY-MM-DD` text orders as the days do.
                health: u
                    .health_through
                    .filter(|last| u.worker_status == Some(domain::WorkerStatus::Approved) && *last < horizon)
                    .map(|last| HealthTag { expired: last < today, valid_through: last }),
            })
            .collect(),
        total: paged.total,
        page: paged.page,
        page_count: ((paged.total + paged.page_size - 1) / paged.page_size).max(1),
    })
}

/// Approve or reject an applicant, suspend or reinstate a worker; audited.
pub async fn review_worker(worker_id: i64, decision: String, note: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let decision = ReviewDecision::parse(&decision).ok_or(AppError::Refused(Msg::ErrReviewNotApplicable))?;
    let note = super::reason(&note, Field::Review, decision.needs_reason().then_some(Msg::ErrReasonRequired))?;
    let profile = state.store.worker_profile(UserId(worker_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let next = profile.status.after(decision).ok_or(AppError::Refused(Msg::ErrReviewNotApplicable))?;
    match state.store.change_worker_status(UserId(worker_id), profile.status, next, &note, state.clock.now()).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(AppError::StaleOrder),
        Err(err) => return Err(internal(err)),
    }
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: format!("worker_{}", decision.as_str()),
        target: format!("user:{worker_id}"),
        detail: format!("{} → {}: {note}", profile.status.as_str(), next.as_str()),
    };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    let said = if note.is_empty() { String::new() } else { format!("说明：{}。", super::inbox::clause(&note)) };
    let (kind, body) = match decision {
        ReviewDecision::Approve => (super::inbox::APPLICATION, format!("你的入驻申请已通过审核，可以开始接单了。{said}")),
        ReviewDecision::RequestMore => (super::inbox::APPLICATION, format!("你的入驻资料需要补充。{said}")),
        ReviewDecision::Reject => (super::inbox::APPLICATION, format!("你的入驻申请未通过审核。{said}")),
        ReviewDecision::Suspend => (super::inbox::SUSPENSION, format!("你的账号已暂停接单。{said}如有异议可以申诉。")),
        ReviewDecision::Reinstate => (super::inbox::APPLICATION, format!("你的账号已恢复接单。{said}")),
    };
    super::inbox::tell_worker(&state, worker_id, kind, &body).await;
    tracing::info!(worker_id, decision = decision.as_str(), "worker reviewed");
    Ok(())
}

/// Disables a customer's or worker's account (logging it out everywhere) or
/// re-enables it, returning whether it is disabled now; audited, with the
/// reason when disabling. Admin accounts, the caller's own included, are not
/// disabled from here.
pub async fn set_account_disabled(user_id: i64, disabled: bool, note: String) -> Result<bool, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let note = super::reason(&note, Field::Review, disabled.then_some(Msg::ErrDisableReasonRequired))?;
    let user = state.store.user(UserId(user_id)).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    if user.role == Role::Admin {
        return Err(AppError::Refused(Msg::ErrAdminNotDisabledHere));
    }
    match state.store.set_account_disabled(user.id, disabled).await {
        Ok(()) => {}
        Err(StoreError::HoldsOrders) => return Err(AppError::Refused(Msg::ErrWorkerHoldsOrders)),
        Err(err) => return Err(internal(err)),
    }
    let entry = AuditEntry {
        actor: Some(admin.id),
        action: if disabled { "account_disable" } else { "account_enable" }.into(),
        target: format!("user:{user_id}"),
        detail: note,
    };
    state.store.record_audit(&entry, state.clock.now()).await.map_err(internal)?;
    tracing::info!(user_id, disabled, "account availability changed");
    Ok(disabled)
}

/// One customer's account, orders, spending and reviews (A8). Only customers
/// have this page; a worker's is 入驻审核's.
pub async fn customer(user_id: i64) -> Result<CustomerView, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let user = state.store.user(UserId(user_id)).await.map_err(internal)?.filter(|u| u.role == Role::Customer).ok_or(AppError::NotFound)?;
    let totals = state.store.customer_totals(user_id).await.map_err(internal)?;
    let filter = OrderFilter { customer_id: Some(user_id), ..OrderFilter::newest(CUSTOMER_ORDERS_SHOWN) };
    let orders = state
        .store
        .orders(&filter)
        .await
        .map_err(internal)?
        .iter()
        .map(|o| Ok(CustomerOrderRow { card: super::orders::card(o)?, paid_fen: o.paid_fen, refund_fen: o.refund_fen }))
        .collect::<Result<_, AppError>>()?;
    let reviews = state.store.customer_reviews(user_id, CUSTOMER_REVIEWS_SHOWN).await.map_err(internal)?;
    let order_ids: Vec<i64> = reviews.iter().map(|r| r.order_id).collect();
    let mut media = super::reviews::review_media(&state, &order_ids).await.map_err(internal)?;
    let reviews = reviews
        .into_iter()
        .map(|r| {
            let media = media.remove(&r.order_id).unwrap_or_default();
            CustomerReviewView {
                photos: media.photos,
                video: media.video,
                order_id: r.order_id,
                order_no: r.order_no,
                service_name: r.service_name,
                worker_name: r.worker_name,
                quality: r.quality,
                attitude: r.attitude,
                result: r.result,
                body: r.body,
                at: r.created_at.unix_timestamp(),
            }
        })
        .collect();
    Ok(CustomerView {
        id: user_id,
        phone: user.phone.to_string(),
        display_name: user.display_name,
        disabled: user.disabled,
        created_at: user.created_at.unix_timestamp(),
        orders_total: totals.orders,
        orders_completed: totals.completed,
        orders_cancelled: totals.cancelled,
        paid_fen: totals.paid_fen,
        refunded_fen: totals.refunded_fen,
        orders,
        reviews,
    })
}

/// 操作日志's filters checked and read into a store filter (without the
/// actor, whom only the store can find); each wrong one is refused next to
/// its field.
fn audit_filter(query: &AuditQuery) -> Result<AuditFilter, AppError> {
    let given = |value: &Option<String>| value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let action = given(&query.action);
    if action.as_deref().is_some_and(|code| audit_action_text(code).is_none()) {
        return Err(AppError::invalid(Field::AuditAction, Msg::ErrAuditAction));
    }
    let day = |value: &Option<String>, field: Field| -> Result<Option<time::Date>, AppError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        given(value).map(|day| time::Date::parse(&day, &format).map_err(|_| AppError::invalid(field, Msg::ErrDateMalformed))).transpose()
    };
    let (first, last) = (day(&query.from, Field::AuditFrom)?, day(&query.to, Field::AuditTo)?);
    if let (Some(first), Some(last)) = (first, last) {
        if last < first {
            return Err(AppError::invalid(Field::AuditTo, Msg::ErrAuditEndsBeforeStart));
        }
    }
    Ok(AuditFilter {
        action,
        actor_id: None,
        target: given(&query.target),
        from: first.map(beijing_midnight),
        until: last.and_then(|day| day.next_day()).map(beijing_midnight),
        before_id: query.before,
        limit: AUDIT_PAGE_ROWS + 1,
    })
}

pub async fn audit_log(query: AuditQuery) -> Result<AuditPage, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let mut filter = audit_filter(&query)?;
    if let Some(phone) = query.actor.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        let phone = domain::Phone::parse(phone).map_err(|_| AppError::invalid(Field::AuditActor, Msg::ErrPhoneMalformed))?;
        let actor = state.store.credentials_by_phone(&phone).await.map_err(internal)?;
        filter.actor_id = Some(actor.ok_or(AppError::invalid(Field::AuditActor, Msg::ErrAuditActorUnknown))?.user_id.0);
    }
    let mut records = state.store.audit_entries(&filter).await.map_err(internal)?;
    // One row more than a page was asked for: its presence says an older page exists.
    let older = if records.len() as i64 > AUDIT_PAGE_ROWS {
        records.truncate(AUDIT_PAGE_ROWS as usize);
        records.last().map(|r| r.id)
    } else {
        None
    };
    let target_user = |target: &str| target.strip_prefix("user:").and_then(|id| id.parse::<i64>().ok());
    let mut ids: Vec<i64> = records
        .iter()
        .flat_map(|r| r.actor_id.into_iter().chain(target_user(&r.target)))
        .chain(filter.target.as_deref().and_then(target_user))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let people: HashMap<i64, store::User> = state.store.users(&ids).await.map_err(internal)?.into_iter().map(|u| (u.id.0, u)).collect();
    let rows = records
        .into_iter()
        .map(|r| {
            let actor = match r.actor_id {
                Some(id) => people.get(&id).map_or_else(|| format!("#{id}"), |user| format!("{} {}", user.display_name, user.phone)),
                None => t(Msg::AuditActorSystem).to_string(),
            };
            let (target, target_href) = audit_target(&r.target, target_user(&r.target).and_then(|id| people.get(&id)));
            AuditRowView {
                id: r.id,
                at: r.created_at.unix_timestamp(),
                actor,
                action: audit_action_text(&r.action).map_or_else(|| r.action.clone(), str::to_string),
                target,
                target_key: r.target,
                target_href,
                detail: r.detail,
            }
        })
        .collect();
    let target = filter.target.as_deref().map(|key| audit_target(key, target_user(key).and_then(|id| people.get(&id))).0);
    Ok(AuditPage { rows, target, older })
}

/// An audit target in words, with its page: the person (`user:7`, read as
/// `user`), an order (`order:12`), or another record by id (`service:3`,
/// `coupon 4`) or version (`pricing_rules v2`); the stored key otherwise.
fn audit_target(key: &str, user: Option<&store::User>) -> (String, Option<String>) {
    if let Some(user) = user {
        let href = match user.role {
            Role::Worker => Some(format!("/admin/workers/{}", user.id.0)),
            Role::Customer => Some(format!("/admin/users/{}", user.id.0)),
            Role::Admin => None,
        };
        return (format!("{} {}", user.display_name, user.phone), href);
    }
    let Some((kind, id)) = key.split_once([':', ' ']) else { return (key.to_string(), None) };
    let href = (kind == "order").then(|| format!("/admin/orders/{id}"));
    let text = match audit_target_text(kind) {
        Some(kind) if id.starts_with('v') => format!("{kind} {id}"),
        Some(kind) => format!("{kind} #{id}"),
        None => key.to_string(),
    };
    (text, href)
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

    #[test]
    fn a_health_certificate_lapses_soon_when_its_last_day_is_within_thirty_beijing_days() {
        // 01:00 on 26 November in Beijing: a certificate valid through 25 December lapses soon, one through 26 December not yet.
        let horizon = health_notice_horizon(datetime!(2026-11-25 17:00 UTC));
        assert_eq!(horizon, time::macros::date!(2026 - 12 - 26));
        assert!("2026-12-25" < horizon.to_string().as_str());
        assert!("2026-12-26" >= horizon.to_string().as_str());
    }

    fn audit_query(action: &str, from: &str, to: &str) -> AuditQuery {
        let given = |v: &str| Some(v.to_string());
        AuditQuery { action: given(action), from: given(from), to: given(to), ..AuditQuery::default() }
    }

    #[test]
    fn empty_audit_filters_do_not_filter() {
        let filter = audit_filter(&audit_query(" ", "", "")).unwrap();
        assert_eq!((filter.action, filter.target, filter.from, filter.until, filter.before_id), (None, None, None, None, None));
        assert_eq!(filter.limit, AUDIT_PAGE_ROWS + 1, "one more than a page, to know whether an older page exists");
    }

    #[test]
    fn an_audit_date_range_covers_whole_beijing_days() {
        let filter = audit_filter(&audit_query("worker_approve", "2026-12-01", "2026-12-03")).unwrap();
        assert_eq!(filter.action.as_deref(), Some("worker_approve"));
        assert_eq!(filter.from, Some(datetime!(2026-11-30 16:00 UTC)));
        assert_eq!(filter.until, Some(datetime!(2026-12-03 16:00 UTC)));
        let one_day = audit_filter(&audit_query("", "2026-12-01", "2026-12-01")).unwrap();
        assert_eq!(one_day.until, Some(datetime!(2026-12-01 16:00 UTC)));
    }

    #[test]
    fn an_unknown_audit_action_is_refused_next_to_the_action_filter() {
        let err = audit_filter(&audit_query("drop_tables", "", "")).unwrap_err();
        assert_eq!((err.field(), err.msg()), (Some(Field::AuditAction), Msg::ErrAuditAction));
    }

    #[test]
    fn a_malformed_audit_date_is_refused_next_to_its_field() {
        let err = audit_filter(&audit_query("", "2026/12/01", "")).unwrap_err();
        assert_eq!((err.field(), err.msg()), (Some(Field::AuditFrom), Msg::ErrDateMalformed));
        let err = audit_filter(&audit_query("", "", "2026-02-30")).unwrap_err();
        assert_eq!((err.field(), err.msg()), (Some(Field::AuditTo), Msg::ErrDateMalformed));
    }

    #[test]
    fn an_audit_range_ending_before_it_starts_is_refused_at_the_end_date() {
        let err = audit_filter(&audit_query("", "2026-12-03", "2026-12-01")).unwrap_err();
        assert_eq!((err.field(), err.msg()), (Some(Field::AuditTo), Msg::ErrAuditEndsBeforeStart));
    }

    #[test]
    fn an_audit_target_reads_as_the_record_it_names_with_a_link_only_for_orders() {
        assert_eq!(audit_target("order:12", None), ("订单 #12".to_string(), Some("/admin/orders/12".to_string())));
        assert_eq!(audit_target("coupon 4", None), ("优惠券 #4".to_string(), None));
        assert_eq!(audit_target("pricing_rules v2", None), ("价格策略 v2".to_string(), None));
        assert_eq!(audit_target("something", None), ("something".to_string(), None));
        assert_eq!(audit_target("gadget:3", None), ("gadget:3".to_string(), None));
    }
}
