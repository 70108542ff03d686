use super::authz::require_user;
use super::flows::{self, start_of_beijing_day, unix};
use super::orders::{card, detail_for, reschedule_refused, states_of_group, MovePrice, Repricing};
use super::{app_state, internal, AppState};
use crate::api::ops::{AdminOrderRow, AdminOrderView, CandidateView, ContractEndView, DecisionView, MoneyMoveView, NoticeView, OfferView, OrderAttention, ReplanView};
use crate::api::orders::DaySlots;
use crate::api::{format_beijing, ADMIN};
use crate::error::{AppError, Field};
use crate::i18n::{t, tf, Msg};
use booking::{Actor, Anomaly, EventKind, OrderState};
use dispatch::RuleFailure;
use std::collections::hash_map::{Entry, HashMap};
use store::OrderFilter;

fn failure_text(failure: &RuleFailure) -> String {
    t(match failure {
        RuleFailure::NotReceivingOrders => Msg::RuleNotReceivingOrders,
        RuleFailure::MissingSkill => Msg::RuleMissingSkill,
        RuleFailure::GenderMismatch => Msg::RuleGenderMismatch,
        RuleFailure::MissingCertificate => Msg::RuleMissingCertificate,
        RuleFailure::CertificateExpired => Msg::RuleCertificateExpired,
        RuleFailure::HealthCertificateExpired => Msg::RuleHealthCertificateExpired,
        RuleFailure::OutsideArea => Msg::RuleOutsideArea,
        RuleFailure::OutsideWorkingHours => Msg::RuleOutsideWorkingHours,
        RuleFailure::OnLeave => Msg::RuleOnLeave,
        RuleFailure::Overlaps { .. } => Msg::RuleOverlaps,
        RuleFailure::RefusedBefore => Msg::RuleRefusedBefore,
    })
    .into()
}

/// The explanation an admin reads: the total, then each part before weighting.
fn why_text(p: &dispatch::ScoreParts) -> String {
    format!(
        "总分 {:.2}（路程 {:.2} · 评分 {:.2} · 等级 {:.2} · 公平 {:.2} · 接单率 {:.2} · 熟客 {:.2} · 负载 {:.2}），路程约 {} 分钟",
        p.total, p.travel, p.rating, p.tier, p.fairness, p.acceptance, p.affinity, p.load, p.travel_secs / 60
    )
}

/// What the order monitor flags on `order` at `now`.
fn order_anomaly(order: &store::OrderRecord, now: time::OffsetDateTime) -> Result<Option<Anomaly>, AppError> {
    Ok(booking::anomaly(flows::order_state(order)?, unix(order.starts_at), unix(order.ends_at), order.arrived_far, unix(now)))
}

pub fn admin_map_tiles() -> Result<Option<String>, AppError> {
    require_user(ADMIN)?;
    Ok(app_state()?.config.map_tile_url.clone())
}

pub async fn admin_orders(state_filter: Option<String>, queue: bool, attention: Option<String>) -> Result<Vec<AdminOrderRow>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let now = state.clock.now();
    // Unknown filter values are ignored, as for the state filter.
    let attention = attention.as_deref().and_then(OrderAttention::parse);
    let states = if queue {
        vec![OrderState::Booked.as_str().into()]
    } else if attention == Some(OrderAttention::Underway) {
        flows::state_names(OrderState::is_held_by_worker)
    } else {
        match state_filter.as_deref() {
            Some(group @ ("active" | "done" | "cancelled")) => states_of_group(group),
            Some(one) => OrderState::from_db(one).map(|s| vec![s.as_str().to_string()]).unwrap_or_default(),
            None => Vec::new(),
        }
    };
    let filter = OrderFilter {
        states,
        needs_admin: queue.then_some(true),
        anomalous: (attention == Some(OrderAttention::Anomalous)).then(|| booking::AnomalyCutoffs::at(unix(now))),
        created_since: (attention == Some(OrderAttention::PlacedToday)).then(|| start_of_beijing_day(now)),
        open_complaint: attention == Some(OrderAttention::Complained),
        ..OrderFilter::newest(200)
    };
    state
        .store
        .orders(&filter)
        .await
        .map_err(internal)?
        .iter()
        .map(|o| {
            Ok(AdminOrderRow {
                card: card(o)?,
                customer_id: o.customer_id,
                customer_name: o.customer_name.clone(),
                needs_admin: o.needs_admin,
                anomaly: order_anomaly(o, now)?,
                open_complaint: o.open_complaint,
                lat: o.lat,
                lng: o.lng,
            })
        })
        .collect()
}

pub async fn admin_order(order_id: i64) -> Result<AdminOrderView, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    // The hold moves are read before the order: a move and its hold commit together, so a page
    // that lists a move also shows the worker it moved the hold to.
    let replans = state.store.order_replans(order_id).await.map_err(internal)?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let offers = state.store.offers_for_order(order_id).await.map_err(internal)?;
    let refused: Vec<i64> = offers.iter().filter(|o| o.status == "rejected").map(|o| o.worker_id).collect();
    let scoring = flows::Scoring::ForCustomer(order.customer_id);
    let candidates = flows::candidates(&state, &order.category_code, order.starts_at, order.ends_at, Some(order_id), scoring).await?;
    let job = flows::job_for(&order);
    let (settings, _, _) = flows::dispatch_settings(&state).await?;
    let why = dispatch::explain(&candidates, &job, state.travel.as_ref(), &refused, &settings.weights);
    let workers = state.store.workers_for_dispatch(&order.category_code).await.map_err(internal)?;
    let name_of = |id: i64| workers.iter().find(|w| w.user_id == id).map(|w| w.display_name.clone());
    let holder_name = if order.worker_id.is_none() { order.reserved_worker_id.and_then(name_of) } else { None };
    let candidate_views = candidates
        .iter()
        .map(|c| {
            let failures = why.excluded.iter().find(|e| e.worker_id == c.worker_id).map_or(&[][..], |e| &e.failures[..]);
            let ranked = why.ranked.iter().find(|r| r.worker_id == c.worker_id);
            CandidateView {
                worker_id: c.worker_id,
                name: name_of(c.worker_id).unwrap_or_default(),
                failures: failures.iter().map(failure_text).collect(),
                score: ranked.map(|r| r.parts.total),
                why: ranked.map(|r| why_text(&r.parts)),
            }
        })
        .collect();
    let mut money: Vec<(i64, MoneyMoveView)> = Vec::new();
    for e in state.store.order_ledger(order_id).await.map_err(internal)? {
        match money.last_mut() {
            Some((txn, view)) if *txn == e.txn_id => view.entries.push((e.account, e.amount_fen)),
            _ => money.push((
                e.txn_id,
                MoneyMoveView { at: unix(e.created_at), kind: e.kind, memo: e.memo, worker_name: e.worker_name, entries: vec![(e.account, e.amount_fen)] },
            )),
        }
    }
    let notices = state
        .store
        .order_messages(order_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|m| NoticeView {
            at: unix(m.created_at),
            to_name: m.user_name,
            to_customer: m.user_role == domain::Role::Customer.as_str(),
            by_text: m.channel == "sms",
            body: m.body,
        })
        .collect();
    let contract_end = flows::contract_served(&order, unix(state.clock.now()))?.map(|(served, unpaid)| ContractEndView {
        days_served: served.days,
        earned_fen: served.earned_fen,
        months_paid_fen: order.paid_out_fen,
        to_nanny_fen: unpaid.get(),
        refund_fen: (order.held_fen() - unpaid.get()).max(0),
    });
    Ok(AdminOrderView {
        notices,
        contract_end,
        money: money.into_iter().map(|(_, view)| view).collect(),
        detail: detail_for(&state, &order, &admin).await?,
        anomaly: order_anomaly(&order, state.clock.now())?,
        customer_id: order.customer_id,
        customer_name: order.customer_name.clone(),
        offers: offers
            .iter()
            .map(|o| {
                OfferView {
                    worker_name: o.worker_name.clone(),
                    status: o.status.clone(),
                    broadcast: o.broadcast,
                    offered_at: unix(o.offered_at),
                    responded_at: o.responded_at.map(unix),
                    why: flows::explanation(&o.explanation).map(|w| why_text(&w.parts)).unwrap_or_default(),
                }
            })
            .collect(),
        candidates: candidate_views,
        decisions: decision_views(&state, order_id, &workers).await?,
        replans: replans
            .into_iter()
            .map(|r| ReplanView {
                from_name: r.from_name,
                to_name: r.to_name,
                km: r.km_before.zip(r.km_after).map(|(before, after)| (format!("{before:.1}"), format!("{after:.1}"))),
                at: unix(r.created_at),
            })
            .collect(),
        holder_name,
    })
}

/// The order's stored dispatch decisions, with workers' names (those of
/// `workers`, the order's skill holders now, and looked up for anyone else).
async fn decision_views(state: &AppState, order_id: i64, workers: &[store::WorkerForDispatch]) -> Result<Vec<DecisionView>, AppError> {
    let records = state.store.order_decisions(order_id).await.map_err(internal)?;
    let mut names: HashMap<i64, String> = workers.iter().map(|w| (w.user_id, w.display_name.clone())).collect();
    let mut views = Vec::with_capacity(records.len());
    for record in records {
        let Some(why) = flows::decision(&record.explanation) else {
            tracing::warn!(order_id, "unreadable dispatch decision skipped");
            continue;
        };
        let ids = why.ranked.iter().map(|r| r.worker_id).chain(why.excluded.iter().map(|e| e.worker_id)).chain(record.worker_id);
        for id in ids {
            if let Entry::Vacant(slot) = names.entry(id) {
                let name = state.store.user(store::UserId(id)).await.map_err(internal)?.map(|u| u.display_name.as_str().to_string()).unwrap_or_default();
                slot.insert(name);
            }
        }
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        views.push(DecisionView {
            at: unix(record.created_at),
            outcome: record.outcome,
            offered_to: record.worker_id.map(name),
            ranked: why.ranked.iter().map(|r| (name(r.worker_id), why_text(&r.parts))).collect(),
            excluded: why.excluded.iter().map(|e| (name(e.worker_id), e.failures.iter().map(failure_text).collect::<Vec<_>>().join("、"))).collect(),
            eligible_count: why.eligible_count,
            excluded_count: why.excluded_count,
        });
    }
    Ok(views)
}

/// Cancels an order for the platform (say, nobody can take it, or the
/// customer asked support): the state machine charges no fee, so the
/// customer is refunded in full; the reason goes into the order's record
/// and the audit log.
pub async fn admin_cancel_order(order_id: i64, reason: String, with_later_visits: bool) -> Result<i64, AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let reason = super::reason(&reason, Field::CancelReason, Some(Msg::ErrCancelReasonRequired))?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let later = match with_later_visits {
        true => super::orders::later_visits_to_cancel(&state, &order).await?,
        false => Vec::new(),
    };
    cancel_for_the_platform(&state, &admin, &order, &reason).await?;
    let mut cancelled = 1;
    for visit in &later {
        match cancel_for_the_platform(&state, &admin, visit, &reason).await {
            Ok(()) => cancelled += 1,
            Err(AppError::StaleOrder) => tracing::info!(order_id = visit.id, "series visit moved on before its cancel"),
            Err(err) => return Err(err),
        }
    }
    Ok(cancelled)
}

/// One platform cancel: free, refunded in full, the reason on the timeline and in the audit log.
async fn cancel_for_the_platform(state: &AppState, admin: &store::User, order: &store::OrderRecord, reason: &str) -> Result<(), AppError> {
    flows::transition_noted(state, order, Actor::Admin(admin.id.0), EventKind::Cancel, None, None, format!("平台取消：{reason}")).await?;
    tracing::info!(order_id = order.id, admin = admin.id.0, "order cancelled by the platform");
    state
        .store
        .record_audit(
            &store::AuditEntry { actor: Some(admin.id), action: "cancel_order".into(), target: format!("order:{}", order.id), detail: reason.to_string() },
            state.clock.now(),
        )
        .await
        .map_err(internal)
}

/// 客服改期: the slots a paid order could move to, its worker's free ones.
pub async fn admin_reschedule_slots(order_id: i64) -> Result<Vec<DaySlots>, AppError> {
    require_user(ADMIN)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    booking::platform_may_reschedule(flows::order_state(&order)?, unix(order.starts_at), None).map_err(reschedule_refused)?;
    let mut days = super::orders::movable_slots(&state, &order).await?;
    Repricing::of(&state, &order).await?.mark(&mut days, true)?;
    Ok(days)
}

/// 客服改期: moves a paid order for its customer or worker to a time its
/// worker is free. The customer's own limits do not apply and it never
/// costs them more: a dearer time keeps the price paid, a cheaper one gives
/// the difference back, as their own move would. The reason goes on the
/// timeline and into the audit log.
pub async fn admin_reschedule_order(order_id: i64, start: i64, reason: String) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let reason = super::reason(&reason, Field::RescheduleReason, Some(Msg::ErrRescheduleReasonRequired))?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    booking::platform_may_reschedule(flows::order_state(&order)?, unix(order.starts_at), Some(start)).map_err(reschedule_refused)?;
    super::orders::in_booking_window(&state, start)?;
    let (from, to) = (format_beijing(unix(order.starts_at)), format_beijing(start));
    let reprice = match Repricing::of(&state, &order).await?.move_to(start)? {
        MovePrice::Cheaper(reprice) => Some(reprice),
        MovePrice::Same | MovePrice::Dearer => None,
    };
    let detail = match &reprice {
        None => tf(Msg::PlatformRescheduleDetail, &[&reason, &from, &to]),
        Some(r) => tf(Msg::PlatformRescheduleRefundDetail, &[&reason, &from, &to, &domain::Fen::new(r.refund_fen)]),
    };
    super::orders::move_order(&state, &order, start, Actor::Admin(admin.id.0), detail, &reason, reprice.as_ref()).await?;
    tracing::info!(order_id = order.id, admin = admin.id.0, from = unix(order.starts_at), to = start, "order rescheduled by the platform");
    state
        .store
        .record_audit(
            &store::AuditEntry { actor: Some(admin.id), action: "reschedule_order".into(), target: format!("order:{}", order.id), detail: format!("{from} → {to}：{reason}") },
            state.clock.now(),
        )
        .await
        .map_err(internal)
}

/// Hand assignment. Soft rules are the admin's call; breaking a hard rule
/// needs `override_rules`, and is audited either way.
pub async fn admin_assign(order_id: i64, worker_id: i64, override_rules: bool) -> Result<(), AppError> {
    let admin = require_user(ADMIN)?;
    let state = app_state()?;
    let order = state.store.order(order_id).await.map_err(internal)?.ok_or(AppError::NotFound)?;
    let candidates = flows::candidates(&state, &order.category_code, order.starts_at, order.ends_at, Some(order_id), flows::Scoring::AvailabilityOnly).await?;
    // Candidates are the approved, active workers with the order's skill;
    // nobody else can be assigned, override or not.
    let Some(candidate) = candidates.iter().find(|c| c.worker_id == worker_id) else {
        return Err(AppError::Refused(crate::i18n::Msg::ErrAssignNotQualified));
    };
    let offers = state.store.offers_for_order(order_id).await.map_err(internal)?;
    let refused: Vec<i64> = offers.iter().filter(|o| o.status == "rejected").map(|o| o.worker_id).collect();
    let failures = dispatch::hard_check(candidate, &flows::job_for(&order), state.travel.as_ref(), &refused);
    if !failures.is_empty() && !override_rules {
        return Err(AppError::Refused(crate::i18n::Msg::ErrAssignNeedsOverride));
    }
    let detail = failures.iter().map(failure_text).collect::<Vec<_>>().join("、");
    // The overridden rules go into the order's own event with the change, so
    // the override is on record even if the audit log write below fails.
    let note = if failures.is_empty() { String::new() } else { format!("强制指派：{detail}") };
    flows::transition_noted(&state, &order, Actor::Admin(admin.id.0), EventKind::Assign, Some(worker_id), None, note).await?;
    state
        .store
        .record_audit(
            &store::AuditEntry {
                actor: Some(admin.id),
                action: "assign_order".into(),
                target: format!("order:{order_id}"),
                detail: format!("worker:{worker_id} {detail}"),
            },
            state.clock.now(),
        )
        .await
        .map_err(internal)?;
    Ok(())
}
